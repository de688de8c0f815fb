package podauth.rules.PA203_test

import data.podauth.rules.PA203

nodeclass(api_version, options) := {"objects": [{
	"apiVersion": api_version,
	"kind": "EC2NodeClass",
	"metadata": {"name": "default"},
	"spec": object.union({"amiSelectorTerms": [{"alias": "al2023@latest"}], "role": "KarpenterNodeRole-prod"}, options),
}]}

test_hop_limit_two_denied if {
	r := PA203.deny with input as nodeclass("karpenter.k8s.aws/v1", {"metadataOptions": {"httpPutResponseHopLimit": 2, "httpTokens": "required"}})
	count(r) == 1
	some f in r
	f.path == "spec.metadataOptions.httpPutResponseHopLimit"
	contains(f.msg, "hop limit of 2")
}

test_tokens_optional_denied if {
	r := PA203.deny with input as nodeclass("karpenter.k8s.aws/v1", {"metadataOptions": {"httpTokens": "optional"}})
	count(r) == 1
	some f in r
	f.path == "spec.metadataOptions.httpTokens"
}

test_both_denied if {
	r := PA203.deny with input as nodeclass("karpenter.k8s.aws/v1", {"metadataOptions": {"httpPutResponseHopLimit": 3, "httpTokens": "optional"}})
	count(r) == 2
}

test_v1_defaults_allowed if {
	r := PA203.deny with input as nodeclass("karpenter.k8s.aws/v1", {})
	count(r) == 0
}

test_v1_hop_one_allowed if {
	r := PA203.deny with input as nodeclass("karpenter.k8s.aws/v1", {"metadataOptions": {"httpEndpoint": "enabled", "httpPutResponseHopLimit": 1, "httpTokens": "required"}})
	count(r) == 0
}

test_v1beta1_default_hop_denied if {
	r := PA203.deny with input as nodeclass("karpenter.k8s.aws/v1beta1", {})
	count(r) == 1
	some f in r
	f.path == "spec"
	contains(f.msg, "default before Karpenter v1")
}

test_v1beta1_explicit_hop_one_allowed if {
	r := PA203.deny with input as nodeclass("karpenter.k8s.aws/v1beta1", {"metadataOptions": {"httpPutResponseHopLimit": 1}})
	count(r) == 0
}

test_endpoint_disabled_allowed if {
	r := PA203.deny with input as nodeclass("karpenter.k8s.aws/v1", {"metadataOptions": {"httpEndpoint": "disabled", "httpPutResponseHopLimit": 2, "httpTokens": "optional"}})
	count(r) == 0
}

test_other_group_ignored if {
	r := PA203.deny with input as nodeclass("example.com/v1", {"metadataOptions": {"httpPutResponseHopLimit": 2}})
	count(r) == 0
}

cluster(groups) := {"objects": [object.union({
	"apiVersion": "eksctl.io/v1alpha5",
	"kind": "ClusterConfig",
	"metadata": {"name": "prod", "region": "eu-west-1"},
}, groups)]}

test_eksctl_default_denied if {
	r := PA203.deny with input as cluster({"managedNodeGroups": [{"name": "safe", "disablePodIMDS": true}, {"name": "general", "instanceType": "m6i.large"}]})
	count(r) == 1
	some f in r
	f.path == "managedNodeGroups[1]"
	contains(f.msg, "allows IMDSv1")
}

test_eksctl_imdsv1_disabled_still_hop_two_denied if {
	r := PA203.deny with input as cluster({"nodeGroups": [{"name": "ng-1", "disableIMDSv1": true, "disablePodIMDS": false}]})
	count(r) == 1
	some f in r
	f.path == "nodeGroups[0].disablePodIMDS"
	contains(f.msg, "IMDSv2 required")
}

test_eksctl_disable_pod_imds_allowed if {
	r := PA203.deny with input as cluster({"nodeGroups": [{"name": "ng-1", "disablePodIMDS": true}], "managedNodeGroups": [{"name": "mng-1", "disablePodIMDS": true}]})
	count(r) == 0
}

test_eksctl_custom_launch_template_skipped if {
	r := PA203.deny with input as cluster({"managedNodeGroups": [{"name": "lt", "launchTemplate": {"id": "lt-0123456789abcdef0", "version": "3"}}]})
	count(r) == 0
}

test_eksctl_without_node_groups_allowed if {
	r := PA203.deny with input as cluster({"fargateProfiles": [{"name": "fp"}]})
	count(r) == 0
}
