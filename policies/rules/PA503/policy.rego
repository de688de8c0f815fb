# METADATA
# title: kube2iam or KIAM metadata proxy deployed
# description: >-
#   A workload runs the kube2iam image (`jtblin/kube2iam`) or the KIAM image
#   (`quay.io/uswitch/kiam`, agent or server). The image repository is compared
#   exactly after removing the registry host, tag and digest; a mirror or
#   pull-through-cache prefix is allowed (`<registry>/docker-hub/jtblin/kube2iam`)
#   because it matches whole path segments, but images that merely contain
#   "kiam" or "kube2iam" in their name are not matched.
# scope: package
# related_resources:
#   - https://github.com/jtblin/kube2iam
#   - https://github.com/uswitch/kiam
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
# custom:
#   id: PA503
#   name: legacy-metadata-proxy-deployed
#   severity: high
#   category: legacy
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   why: >-
#     kube2iam and KIAM intercept instance metadata calls with iptables rules
#     set up by a DaemonSet on every node; both have security concerns with
#     privileged DaemonSets (kube2iam needs hostNetwork, and privileged mode for
#     --iptables). KIAM is archived and no longer maintained, kube2iam is no
#     longer recommended by AWS, and both are superseded by IRSA and EKS Pod
#     Identity. Do not use them for new deployments.
#   remediation: >-
#     Move every workload that relies on iam.amazonaws.com/role to IRSA or EKS
#     Pod Identity, then uninstall the kube2iam/KIAM DaemonSet (and the KIAM
#     server) and remove the iptables rules they installed (node replacement is
#     the clean way). Keep IMDSv2 with hop limit 1 so pods cannot fall back to
#     the node role.
#   migration: >-
#     From kube2iam/KIAM: migrate to IRSA or EKS Pod Identity
#     (`kubectl podauth migrate --to irsa|pod-identity`).
package podauth.rules.PA503

import data.podauth.lib.k8s
import data.podauth.lib.result
import data.podauth.lib.secrets

# Image repository -> product.
proxies := {
	"jtblin/kube2iam": "kube2iam",
	"uswitch/kiam": "KIAM",
}

deny contains result.finding(c.ref, sprintf("%s.image", [c.path]), msg) if {
	some c in data.podauth.lib.k8s.containers
	image := c.container.image
	is_string(image)
	candidate(image)
	product := proxy(k8s.image_repository(image))
	msg := sprintf("%s %q runs the %s metadata proxy (container %s, image %s); %s", [c.pod.object.kind, k8s.name(c.pod.object), product, secrets.quote(c.name), image, advice[product]])
}

# A cheap substring test before parsing the reference; the match itself is exact.
candidate(image) if contains(image, "kube2iam")

candidate(image) if contains(image, "uswitch/kiam")

# The product whose repository is `repo` or ends with "/<repository>".
proxy(repo) := proxies[repo] if {
	proxies[repo]
} else := proxies[last_two] if {
	parts := split(repo, "/")
	count(parts) > 2
	last_two := concat("/", array.slice(parts, count(parts) - 2, count(parts)))
}

advice := {
	"kube2iam": "migrate its workloads to IRSA or EKS Pod Identity and remove it",
	"KIAM": "KIAM is abandoned: migrate its workloads to IRSA or EKS Pod Identity and remove it",
}
