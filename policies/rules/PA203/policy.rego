# METADATA
# title: Pods can reach the instance metadata service
# description: >-
#   Node configuration that lets pods reach IMDS and take the node role's
#   credentials. Karpenter EC2NodeClass (karpenter.k8s.aws) and the pre-1.0
#   AWSNodeTemplate: `spec.metadataOptions.httpPutResponseHopLimit` above 1, or
#   `httpTokens: optional` (IMDSv1 answers any hop). Absent fields take the
#   defaults: hop limit 1 and tokens required for v1; hop limit 2 for v1beta1
#   and v1alpha1 (Karpenter before 1.0). `httpEndpoint: disabled` turns IMDS off
#   and is never reported. eksctl ClusterConfig (eksctl.io) `nodeGroups[]` and
#   `managedNodeGroups[]` without `disablePodIMDS: true`: eksctl then sets hop
#   limit 2, and tokens optional unless `disableIMDSv1: true`. Managed node
#   groups with their own `launchTemplate` are skipped: eksctl does not set their
#   metadata options.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
#   - https://karpenter.sh/docs/concepts/nodeclasses/
#   - https://eksctl.io/usage/schema/
#   - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html
# custom:
#   id: PA203
#   name: imds-reachable-from-pods
#   severity: high
#   category: node-role
#   reviews: [EC2NodeClass, AWSNodeTemplate, ClusterConfig]
#   why: >-
#     Every pod that reaches IMDS inherits the node IAM role: shared, coarse
#     permissions that follow least privilege poorly. IRSA and Pod Identity do not
#     remove this access; only IMDSv2 with a hop limit of 1 keeps pods (other than
#     host-network pods) off the node role.
#   remediation: >-
#     Require IMDSv2 and set the hop limit to 1: in an EC2NodeClass set
#     metadataOptions httpTokens to required and httpPutResponseHopLimit to 1; in
#     eksctl set disablePodIMDS to true on each node group (or disableIMDSv1 and a
#     launch template with hop limit 1). Give workloads that need AWS their own
#     IRSA or Pod Identity role first.
#   migration: >-
#     From node IAM role: migrate to IRSA or EKS Pod Identity for fine-grained
#     control (`kubectl podauth migrate`).
package podauth.rules.PA203

import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

# --- Karpenter ---

karpenter_kinds := {"EC2NodeClass", "AWSNodeTemplate"}

deny contains result.finding(ref, hop_path(options), msg) if {
	some ref, obj in data.podauth.lib.objects.review
	karpenter_kinds[obj.kind]
	k8s.group(obj.apiVersion) == "karpenter.k8s.aws"
	options := metadata_options(obj)
	not options.httpEndpoint == "disabled"
	hop := hop_limit(obj, options)
	hop > 1
	msg := sprintf("%s %q sets an IMDS hop limit of %d%s: pods reach the instance metadata service and the node IAM role", [
		obj.kind, k8s.name(obj), hop, defaulted(options),
	])
}

deny contains result.finding(ref, "spec.metadataOptions.httpTokens", msg) if {
	some ref, obj in data.podauth.lib.objects.review
	karpenter_kinds[obj.kind]
	k8s.group(obj.apiVersion) == "karpenter.k8s.aws"
	options := metadata_options(obj)
	not options.httpEndpoint == "disabled"
	options.httpTokens == "optional"
	msg := sprintf("%s %q sets httpTokens: optional: IMDSv1 answers pods whatever the hop limit, exposing the node IAM role", [obj.kind, k8s.name(obj)])
}

metadata_options(obj) := obj.spec.metadataOptions if {
	is_object(obj.spec.metadataOptions)
} else := {}

version(api_version) := split(api_version, "/")[1]

hop_limit(obj, options) := options.httpPutResponseHopLimit if {
	is_number(options.httpPutResponseHopLimit)
} else := 1 if {
	version(obj.apiVersion) == "v1"
} else := 2

hop_path(options) := "spec.metadataOptions.httpPutResponseHopLimit" if {
	is_number(options.httpPutResponseHopLimit)
} else := "spec.metadataOptions" if {
	count(options) > 0
} else := "spec"

defaulted(options) := "" if {
	is_number(options.httpPutResponseHopLimit)
} else := " (the default before Karpenter v1)"

# --- eksctl ---

node_group_fields := ["nodeGroups", "managedNodeGroups"]

deny contains result.finding(ref, sprintf("%s[%d]%s", [field, i, suffix]), msg) if {
	some ref, obj in data.podauth.lib.objects.review
	obj.kind == "ClusterConfig"
	k8s.group(obj.apiVersion) == "eksctl.io"
	some field in node_group_fields
	some i, ng in object.get(obj, field, [])
	is_object(ng)
	not ng.disablePodIMDS == true
	not custom_launch_template(field, ng)
	suffix := pod_imds_suffix(ng)
	msg := sprintf("eksctl node group %q in ClusterConfig %q lacks disablePodIMDS: eksctl sets IMDS hop limit 2%s, so pods reach the node IAM role", [
		object.get(ng, "name", ""), k8s.name(obj), tokens(ng),
	])
}

custom_launch_template(field, ng) if {
	field == "managedNodeGroups"
	is_object(ng.launchTemplate)
}

pod_imds_suffix(ng) := ".disablePodIMDS" if {
	ng.disablePodIMDS == false
} else := ""

tokens(ng) := " with IMDSv2 required" if {
	ng.disableIMDSv1 == true
} else := " and allows IMDSv1 (httpTokens optional)"
