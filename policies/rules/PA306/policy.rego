# METADATA
# title: ServiceAccount not found
# description: >-
#   A pod or pod template runs as a ServiceAccount that does not exist. The
#   ServiceAccount admission controller rejects pods whose ServiceAccount is
#   missing, so the workload never starts, and its IRSA role or Pod Identity
#   association is never used. An absence is only trusted where the scanned set
#   covers the namespace: a named ServiceAccount is reported only when at least
#   one ServiceAccount of that namespace is in the context, and the implicit
#   `default` ServiceAccount only when the `inventory_complete` parameter is set
#   (live mode lists every ServiceAccount), because Kubernetes creates `default`
#   automatically and offline manifests rarely contain it. ServiceAccounts that
#   an eksctl ClusterConfig in the context creates (iam.serviceAccounts, or
#   iam.podIdentityAssociations with createServiceAccount) count as present.
# scope: package
# related_resources:
#   - https://kubernetes.io/docs/concepts/security/service-accounts/
#   - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#serviceaccount
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-configuration.html
# custom:
#   id: PA306
#   name: service-account-not-found
#   severity: medium
#   category: irsa
#   reviews: [workloads]
#   looks_up: [ServiceAccount, ClusterConfig]
#   why: >-
#     Both IRSA and EKS Pod Identity hang the pod's permissions on its
#     ServiceAccount. A missing ServiceAccount means the pods are not created at
#     all, and recreating it later under pressure tends to skip the role
#     annotation or association the workload was designed around.
#   remediation: >-
#     Create the ServiceAccount in the workload's namespace (with its
#     eks.amazonaws.com/role-arn annotation or Pod Identity association), or
#     correct serviceAccountName to an existing ServiceAccount.
package podauth.rules.PA306

import data.podauth.lib.identity
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

deny contains result.finding(ref, identity.service_account_path(pod), msg) if {
	some ref, pod in data.podauth.lib.k8s.pods
	k := pod.sa_key
	not data.podauth.lib.k8s.service_accounts[k]
	data.podauth.lib.k8s.namespaces_with_service_accounts[pod.namespace]
	absence_trusted(pod.service_account)
	not eksctl_created[k]
	msg := sprintf("%s %q runs as ServiceAccount %q, which does not exist in namespace %q; its pods will be rejected", [pod.object.kind, k8s.name(pod.object), pod.service_account, pod.namespace])
}

absence_trusted(name) if name != "default"

absence_trusted("default") if data.podauth.lib.objects.parameters.inventory_complete == true

# ServiceAccounts an eksctl ClusterConfig creates.
eksctl_created contains k if some k in data.podauth.lib.k8s.eksctl_irsa_keys

eksctl_created contains k8s.key(a.namespace, a.serviceAccountName) if {
	some cfg in data.podauth.lib.objects.context
	cfg.kind == "ClusterConfig"
	some a in cfg.iam.podIdentityAssociations
	a.createServiceAccount == true
}
