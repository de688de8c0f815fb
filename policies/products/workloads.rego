# METADATA
# title: Workload authentication classification
# description: >-
#   `workloads` lists, for every pod-bearing object under review (sorted by
#   ref), the AWS authentication methods it uses, the one the AWS SDK default
#   credential chain actually picks (`effective`), that method's rank in the
#   source document's security ranking (null for "none"), and what the Decision
#   Guide recommends (podauth.lib.decision with the parameters `prefer`,
#   `cluster_type`, `ec2_nodes` (default true) and `per_pod` (default true on
#   EKS, false on non-EKS, where the guide's first choice is the shared node
#   role); a pod with an assume-role profile gets the multi-account answer, and
#   on non-EKS clusters a pod already fed by the External Secrets Operator keeps
#   it). Chain order (`chain`), as in the SDKs: environment keys (literal, then
#   Secret/ConfigMap-fed, then ExternalSecret-fed), then shared config and
#   credentials files (an assume-role profile first, as the SDKs resolve
#   role_arn before static keys, then a web-identity profile, static or
#   ExternalSecret-fed credentials files, an ASCP-mounted credentials file),
#   then web identity (IRSA), then container credentials (Pod Identity), then
#   IMDS (kube2iam/KIAM when annotated, else the node role). When a
#   ServiceAccount has both an IRSA annotation and a Pod Identity association,
#   the webhook injects only the Pod Identity variables, so Pod Identity is
#   effective unless a container sets AWS_ROLE_ARN and
#   AWS_WEB_IDENTITY_TOKEN_FILE itself. An IRSA role whose known trust policy
#   does not admit the ServiceAccount (podauth.lib.iam, PA309) stays listed but
#   is never effective: the next chain step is, or "none". Judgement calls: detection is per
#   container, and a pod's effective method is the first chain step any of its
#   containers reaches. Assumed-role means a mounted ConfigMap or Secret file
#   (key `config`, .../.aws/config, or the file AWS_CONFIG_FILE names) with a
#   role_arn profile, not a bare AWS_ROLE_ARN variable, which no SDK provider
#   reads without a token file. A mounted Secret or ConfigMap file is a
#   credentials file at .../.aws/credentials, at the path
#   AWS_SHARED_CREDENTIALS_FILE names, or when its content (plain, base64 or
#   live-mode redaction class) is one; a key named `credentials` elsewhere is
#   not enough. ASCP is listed for any Secrets Store CSI volume but is effective
#   only when it mounts the credentials file (inside AWS_SHARED_CREDENTIALS_FILE
#   or at .../.aws) or when nothing else applies: ASCP authenticates with the
#   pod's own identity. The node role is reported only when a container visibly
#   uses the SDK (an SDK or credential setting, or an AWS controller image), no credential method is found, IMDS is
#   not disabled (AWS_EC2_METADATA_DISABLED=true) and the pod can reach a node
#   role (not on Fargate, and not on a non-EKS cluster with ec2_nodes false);
#   otherwise the methods list is ["none"]. Lookups use only the context: an
#   envFrom Secret missing from it adds nothing, and a mounted Secret missing
#   from it counts only when the mount path (.../.aws) or an AWS_*_FILE
#   variable says it holds AWS files.
# scope: package
package podauth.workloads

import data.podauth.lib.decision
import data.podauth.lib.facts

# --- Classification ------------------------------------------------------------------

# One entry per pod-bearing reviewed object, sorted by ref. The classification
# depends only on the pod's facts, so it is computed once per distinct fact
# set, not once per pod.
workloads := [object.union({"ref": ref, "serviceAccount": pod.service_account}, c) |
	some ref in sort([r | some r, _ in data.podauth.lib.k8s.pods])
	pod := data.podauth.lib.k8s.pods[ref]
	k := data.podauth.workloads.pod_fact_keys[ref]
	c := data.podauth.workloads.classification[k]
]

# The sorted facts of each pod, by ref.
pod_fact_keys[ref] := sort(pod_facts(pod)) if some ref, pod in data.podauth.lib.k8s.pods

fact_keys := {k | some k in pod_fact_keys}

# The classification of each distinct sorted fact list: {methods, effective,
# rank, recommended, reason}.
classification[k] := {
	"methods": ms,
	"effective": eff,
	"rank": rank_of(eff),
	"recommended": rec.method,
	"reason": rec.reason,
} if {
	some k in fact_keys
	f := {x | some x in k}
	found := {m | some m, evidence in method_evidence; count(evidence & f) > 0}
	ms := methods_of(found, f)
	eff := effective_of(f | {"node-role" | "node-role" in ms})
	rec := recommendations[answer_key(ms, f)]
}

# The effective method of the pod at ref.
effective(ref) := c.effective if {
	k := data.podauth.workloads.pod_fact_keys[ref]
	c := data.podauth.workloads.classification[k]
}

# Every fact about one pod that the classification reads: its containers'
# signals, its ServiceAccount's identity and its targeting.
pod_facts(pod) := ((sigs | facts.service_account_facts(pod)) | others) if {
	sigs := {s | some s in data.podauth.lib.facts.signal_names; data.podauth.lib.facts.signal[[pod.ref, s]]}
	others := (({"kube2iam" | facts.kube2iam(pod)} | {"csi" | data.podauth.lib.facts.ascp_refs[pod.ref]}) | {"fargate" | facts.fargate(pod)}) | {"windows" | facts.windows(pod)}
}

# Which facts make a pod use a method.
method_evidence := {
	"hardcoded-credentials": {"hardcoded"},
	"static-credentials": {"env-static", "file-static"},
	"external-secrets": {"env-eso", "file-eso"},
	"assumed-role": {"file-assumed-role"},
	"irsa": {"sa-irsa", "irsa-env", "file-irsa"},
	"pod-identity": {"sa-pi", "pi-env"},
	"kube2iam-kiam": {"kube2iam"},
}

# ASCP is listed when mounted; the node role only when nothing else gives the
# SDK a credential.
methods_of(found, f) := sort([m | some m in listed]) if {
	listed := (found | {"ascp" | "csi" in f}) | {"node-role" | count(found) == 0; node_role_use(f)}
	count(listed) > 0
} else := ["none"]

node_role_use(f) if {
	"imds" in f
	not "fargate" in f
	data.podauth.lib.facts.node_role_reachable
}

# --- Ranking -----------------------------------------------------------------------

# The SDK default chain, in order; the first step whose fact holds is effective.
chain := [
	["hardcoded", "hardcoded-credentials"], # environment: literal keys
	["env-static", "static-credentials"], # environment: keys from a Secret
	["env-eso", "external-secrets"], # environment: keys from an ExternalSecret's Secret
	["file-assumed-role", "assumed-role"], # shared config: role_arn profile
	["file-irsa", "irsa"], # shared config: web identity profile
	["file-static", "static-credentials"], # shared credentials file
	["file-eso", "external-secrets"],
	["file-ascp", "ascp"],
	["irsa-env", "irsa"], # web identity variables set by hand
	["sa-irsa-only", "irsa"], # web identity injected by the webhook
	["sa-pi", "pod-identity"], # container credentials injected by the webhook
	["pi-env", "pod-identity"],
	["kube2iam", "kube2iam-kiam"], # IMDS, intercepted
	["node-role", "node-role"], # IMDS
	["csi", "ascp"], # no SDK credential, but ASCP fetches secrets for the pod
]

effective_of(f) := hits[0] if {
	hits := [step[1] | some step in chain; f[step[0]]]
	count(hits) > 0
} else := "none"

# The security ranking: 1 is most secure.
ranks := {
	"irsa": 1,
	"pod-identity": 1,
	"assumed-role": 2,
	"ascp": 3,
	"external-secrets": 3,
	"node-role": 4,
	"kube2iam-kiam": 4,
	"static-credentials": 5,
	"hardcoded-credentials": 6,
}

rank_of(m) := ranks[m] if ranks[m]
else := null

# --- Recommendation ------------------------------------------------------------

eks := data.podauth.lib.facts.eks

preference := "iac" if data.podauth.lib.objects.parameters.prefer == "pod-identity"
else := "gitops"

# The per-pod answers: [fargate, windows, cross_account, external_static_secrets].
answer_key(ms, f) := [
	"fargate" in f,
	"windows" in f,
	# A role_arn profile is the guide's multi-account pattern: keep the assumed
	# role, on top of IRSA or Pod Identity.
	"assumed-role" in ms,
	# On non-EKS clusters a workload already fed by the External Secrets
	# Operator keeps it ("consider External Secrets Operator").
	all_true([not_eks, "external-secrets" in ms]),
]

not_eks := eks == false

all_true(xs) := count([x | some x in xs; x == true]) == count(xs)

# The guide's answer for each combination, computed once per evaluation.
recommendations[[on_fargate, on_windows, xacct, ext]] := decision.recommend({
	"eks": eks,
	"ec2_nodes": object.get(data.podauth.lib.objects.parameters, "ec2_nodes", true),
	"per_pod": object.get(data.podauth.lib.objects.parameters, "per_pod", eks),
	"preference": preference,
	"cross_account": xacct,
	"external_static_secrets": ext,
	"fargate": on_fargate,
	"windows": on_windows,
}) if {
	some on_fargate in [true, false]
	some on_windows in [true, false]
	some xacct in [true, false]
	some ext in [true, false]
}
