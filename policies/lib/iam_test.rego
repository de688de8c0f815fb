package podauth.lib.iam_test

import data.podauth.lib.iam

provider := "oidc.eks.eu-west-1.amazonaws.com/id/5C2A7E1B9D0F4A6E8B3C1D2E3F4A5B6C"

web_identity(condition) := {
	"Effect": "Allow",
	"Principal": {"Federated": sprintf("arn:aws:iam::111122223333:oidc-provider/%s", [provider])},
	"Action": "sts:AssumeRoleWithWebIdentity",
	"Condition": condition,
}

doc(statement) := {"Version": "2012-10-17", "Statement": [statement]}

sub_key := sprintf("%s:sub", [provider])

aud_key := sprintf("%s:aud", [provider])

verdict(statement, subject) := iam.trust_for_token(doc(statement), subject, "sts.amazonaws.com").verdict

test_string_equals_exact_and_case_sensitive if {
	s := web_identity({"StringEquals": {sub_key: "system:serviceaccount:pay:ledger", aud_key: "sts.amazonaws.com"}})
	verdict(s, "system:serviceaccount:pay:ledger") == "admits"
	verdict(s, "system:serviceaccount:pay:Ledger") == "rejects"
	verdict(s, "system:serviceaccount:pay:ledger2") == "rejects"
}

test_array_value_matches_any_element if {
	s := web_identity({"StringEquals": {sub_key: ["system:serviceaccount:a:x", "system:serviceaccount:b:y"]}})
	verdict(s, "system:serviceaccount:b:y") == "admits"
	verdict(s, "system:serviceaccount:a:y") == "rejects"
}

test_string_like_wildcards if {
	s := web_identity({"StringLike": {sub_key: "system:serviceaccount:pay:worker-?"}})
	verdict(s, "system:serviceaccount:pay:worker-1") == "admits"
	verdict(s, "system:serviceaccount:pay:worker-10") == "rejects"
	star := web_identity({"StringLike": {sub_key: "system:serviceaccount:pay:*"}})
	verdict(star, "system:serviceaccount:pay:anything") == "admits"
	verdict(star, "system:serviceaccount:ops:anything") == "rejects"
}

# Regex metacharacters in a StringLike value are literal.
test_string_like_dot_is_literal if {
	s := web_identity({"StringLike": {sub_key: "system:serviceaccount:a.b:*"}})
	verdict(s, "system:serviceaccount:a.b:x") == "admits"
	verdict(s, "system:serviceaccount:aXb:x") == "rejects"
}

test_string_equals_star_is_literal if {
	s := web_identity({"StringEquals": {sub_key: "system:serviceaccount:pay:*"}})
	verdict(s, "system:serviceaccount:pay:ledger") == "rejects"
}

test_audience_mismatch_rejects if {
	s := web_identity({"StringEquals": {sub_key: "system:serviceaccount:pay:ledger", aud_key: "vault"}})
	r := iam.trust_for_token(doc(s), "system:serviceaccount:pay:ledger", "sts.amazonaws.com")
	r.verdict == "rejects"
	contains(r.reasons[0], ":aud")
}

test_negated_and_if_exists if {
	s := web_identity({"StringNotEquals": {sub_key: "system:serviceaccount:pay:ledger"}, "StringEqualsIfExists": {aud_key: "sts.amazonaws.com"}})
	verdict(s, "system:serviceaccount:pay:ledger") == "rejects"
	verdict(s, "system:serviceaccount:pay:other") == "admits"
}

test_for_any_value_prefix_on_single_valued_key if {
	s := web_identity({"ForAnyValue:StringLike": {sub_key: "system:serviceaccount:pay:*"}})
	verdict(s, "system:serviceaccount:pay:x") == "admits"
}

test_condition_keys_are_case_insensitive if {
	s := web_identity({"StringEquals": {upper(sub_key): "system:serviceaccount:pay:ledger"}})
	verdict(s, "system:serviceaccount:pay:ledger") == "admits"
}

test_unmodelled_condition_is_unknown if {
	s := web_identity({"StringEquals": {sub_key: "system:serviceaccount:pay:ledger"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
	verdict(s, "system:serviceaccount:ops:x") == "unknown"
}

test_no_web_identity_statement_rejects if {
	s := {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
	verdict(s, "system:serviceaccount:pay:ledger") == "rejects"
}

test_action_wildcard_and_case if {
	s := object.union(web_identity({}), {"Action": ["STS:AssumeRoleWith*"]})
	count(iam.web_identity_statements(doc(s))) == 1
}

test_statement_as_single_object if {
	d := {"Version": "2012-10-17", "Statement": web_identity({"StringEquals": {sub_key: "system:serviceaccount:pay:ledger"}})}
	iam.trust_for_token(d, "system:serviceaccount:pay:ledger", "sts.amazonaws.com").verdict == "admits"
}

test_provider_mismatch_with_parameter if {
	s := web_identity({"StringEquals": {sub_key: "system:serviceaccount:pay:ledger"}})
	r := iam.trust_for_token(doc(s), "system:serviceaccount:pay:ledger", "sts.amazonaws.com") with input as {"objects": [], "parameters": {"oidc_provider": "https://oidc.eks.eu-west-1.amazonaws.com/id/0000000000000000000000000000000A"}}
	r.verdict == "rejects"
	contains(r.reasons[0], "not the cluster's")
}

test_breadth if {
	unpinned := iam.broad_subjects(doc(web_identity({"StringEquals": {aud_key: "sts.amazonaws.com"}})))
	unpinned[0].scope == "any"
	ns := iam.broad_subjects(doc(web_identity({"StringLike": {sub_key: "system:serviceaccount:pay:*"}})))
	ns[0].scope == "namespace"
	wide := iam.broad_subjects(doc(web_identity({"StringLike": {sub_key: "system:serviceaccount:*:ledger"}})))
	wide[0].scope == "any"
	count(iam.broad_subjects(doc(web_identity({"StringEquals": {sub_key: "system:serviceaccount:*:*"}})))) == 0
}

pod_identity(actions, condition) := {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": actions, "Condition": condition}

test_pod_identity_actions if {
	iam.missing_pod_identity_actions(doc(pod_identity(["sts:AssumeRole", "sts:TagSession"], {}))) == []
	iam.missing_pod_identity_actions(doc(pod_identity("sts:AssumeRole", {}))) == ["sts:TagSession"]
	iam.missing_pod_identity_actions(doc(pod_identity("sts:*", {}))) == []
	iam.missing_pod_identity_actions(doc(web_identity({}))) == ["sts:AssumeRole", "sts:TagSession"]
}

test_pod_identity_scope if {
	iam.unscoped_pod_identity_statements(doc(pod_identity(["sts:AssumeRole", "sts:TagSession"], {}))) == [0]
	iam.unscoped_pod_identity_statements(doc(pod_identity(["sts:AssumeRole", "sts:TagSession"], {"StringEquals": {"aws:SourceAccount": "111122223333"}}))) == []
	iam.unscoped_pod_identity_statements(doc(pod_identity(["sts:AssumeRole", "sts:TagSession"], {"ArnEquals": {"AWS:SourceArn": "arn:aws:eks:eu-west-1:111122223333:cluster/prod"}}))) == []
}

ack_role(name, policy) := {
	"apiVersion": "iam.services.k8s.aws/v1alpha1",
	"kind": "Role",
	"metadata": {"name": name, "namespace": "platform"},
	"spec": {"name": name, "assumeRolePolicyDocument": policy},
}

test_ack_role_record_parses_json_string if {
	r := iam.role_record(ack_role("ledger", json.marshal(doc(web_identity({})))))
	r.name == "ledger"
	r.arn == ""
	r.path == "spec.assumeRolePolicyDocument"
	count(iam.web_identity_statements(r.document)) == 1
}

test_unparseable_policy_is_unknown if {
	iam.role_record(ack_role("ledger", "{not json")).document == null
	iam.role_record(ack_role("ledger", 42)).document == null
}

test_crossplane_records if {
	up := {"apiVersion": "iam.aws.upbound.io/v1beta1", "kind": "Role", "metadata": {"name": "ledger-role", "annotations": {"crossplane.io/external-name": "ledger"}}, "spec": {"forProvider": {"assumeRolePolicy": json.marshal(doc(web_identity({})))}}, "status": {"atProvider": {"arn": "arn:aws:iam::111122223333:role/ledger"}}}
	r := iam.role_record(up)
	r.name == "ledger"
	r.arn == "arn:aws:iam::111122223333:role/ledger"
	community := {"apiVersion": "iam.aws.crossplane.io/v1beta1", "kind": "Role", "metadata": {"name": "ledger"}, "spec": {"forProvider": {"assumeRolePolicyDocument": json.marshal(doc(web_identity({})))}}}
	iam.role_record(community).path == "spec.forProvider.assumeRolePolicyDocument"
}

# An RBAC Role is not an IAM role.
test_rbac_role_ignored if {
	not iam.role_record({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "x"}})
}

test_role_lookup_by_name_when_arn_unknown if {
	c := [ack_role("ledger", json.marshal(doc(web_identity({}))))]
	found := iam.roles_for_arn("arn:aws:iam::111122223333:role/ledger") with input as {"objects": [], "context": c}
	count(found) == 1
	missing := iam.roles_for_arn("arn:aws:iam::111122223333:role/other") with input as {"objects": [], "context": c}
	count(missing) == 0
}

