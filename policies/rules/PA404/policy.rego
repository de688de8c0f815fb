# METADATA
# title: Proxy settings block Pod Identity credentials
# description: >-
#   A container of a workload that uses EKS Pod Identity routes plain HTTP
#   through a proxy (HTTP_PROXY or http_proxy, from env or from an envFrom
#   ConfigMap or Secret in the context) while its NO_PROXY/no_proxy is unset or
#   does not list the agent address 169.254.170.23 (entries are comma
#   separated, spaces trimmed; `*` bypasses everything). The SDK then sends the
#   credential request for http://169.254.170.23/v1/credentials to the proxy,
#   which cannot reach the node-local agent. When a container's own
#   AWS_CONTAINER_CREDENTIALS_FULL_URI uses the IPv6 address, fd00:ec2::23 is
#   required as well; AWS asks for both addresses, so the message names both.
#   Judgement calls: HTTPS_PROXY alone is not reported, because the agent URL is
#   plain http and the Go, Python, .NET and Ruby clients only apply the
#   https proxy to https URLs; a CIDR such as 169.254.0.0/16 does not count,
#   because botocore (boto3, the AWS CLI) matches NO_PROXY by host name only.
#   A NO_PROXY whose value is not known (valueFrom, or an envFrom source that
#   is not in the context) is not guessed at.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html
#   - https://pkg.go.dev/golang.org/x/net/http/httpproxy
# custom:
#   id: PA404
#   name: proxy-blocks-pod-identity
#   severity: medium
#   category: pod-identity
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, ServiceAccount, ConfigMap, Secret, PodIdentityAssociation, ClusterConfig]
#   why: >-
#     With EKS Pod Identity an agent on each node hands out the pod's
#     short-lived credentials on a link-local address. A proxy cannot reach
#     that address, so the workload gets no credentials from its association
#     and fails, or falls back to a weaker credential further down the chain.
#   remediation: >-
#     Add 169.254.170.23 and fd00:ec2::23 (as [fd00:ec2::23] too, for Python
#     clients) to both NO_PROXY and no_proxy in every container that sets a
#     proxy, e.g. NO_PROXY=169.254.170.23,[fd00:ec2::23],fd00:ec2::23,.svc,.cluster.local,localhost.
package podauth.rules.PA404

import data.podauth.lib.facts
import data.podauth.lib.identity
import data.podauth.lib.k8s
import data.podauth.lib.result

proxy_names := ["HTTP_PROXY", "http_proxy"]

no_proxy_names := ["NO_PROXY", "no_proxy"]

deny contains result.finding(c.ref, problem.path, msg) if {
	some c in data.podauth.lib.k8s.containers
	data.podauth.lib.identity.pod_identity_pods[c.ref]
	env := facts.resolved_env(c)
	proxies := [env[n] | some n in proxy_names; env[n].set]
	count(proxies) > 0
	problem := no_proxy_problem(c, env, required(env), proxies[0])
	msg := sprintf("%s %q container %q sets %s but %s, so Pod Identity credential requests go to the proxy; add %s and %s to NO_PROXY and no_proxy", [
		c.pod.object.kind, k8s.name(c.pod.object), c.name, proxies[0].name, problem.what, data.podauth.lib.identity.agent_ipv4, data.podauth.lib.identity.agent_ipv6,
	])
}

# Addresses the container must bypass: IPv4 always, IPv6 when its own
# AWS_CONTAINER_CREDENTIALS_FULL_URI uses it.
required(env) := {data.podauth.lib.identity.agent_ipv4, data.podauth.lib.identity.agent_ipv6} if {
	uri := env.AWS_CONTAINER_CREDENTIALS_FULL_URI.value
	identity.agent_uri(uri)
	contains(uri, data.podauth.lib.identity.agent_ipv6)
} else := {data.podauth.lib.identity.agent_ipv4}

no_proxy_problem(c, env, needed, proxy) := {"path": facts.item_path(c, proxy), "what": "sets no NO_PROXY"} if {
	count([n | some n in no_proxy_names; env[n]]) == 0
	not facts.env_from_unresolved(c)
} else := {"path": facts.item_path(c, item), "what": sprintf("%s does not list %s", [item.name, concat(" and ", sort(missing))])} if {
	items := [i |
		some n in no_proxy_names
		i := env[n]
		i.known
		count(missing_from(i.value, needed)) > 0
	]
	count(items) > 0
	item := items[0]
	missing := missing_from(item.value, needed)
}

missing_from(value, needed) := {a | some a in needed; not bypassed(value, a)}

bypassed(value, addr) if {
	some entry in split(value, ",")
	e := trim_space(entry)
	matches(e, addr)
}

matches("*", _) := true

matches(e, addr) if e == addr

matches(e, addr) if e == sprintf("[%s]", [addr])
