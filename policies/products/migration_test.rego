package podauth.migration_test

import data.podauth.migration

params := {
	"account_id": "111122223333",
	"cluster_name": "prod",
	"oidc_provider": "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE/",
	"region": "eu-west-1",
}

deployment(template_meta, spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"template": {
		"metadata": template_meta,
		"spec": object.union({"containers": [{"name": "app", "image": "app:1", "env": [{"name": "AWS_REGION", "value": "eu-west-1"}]}]}, spec),
	}},
}

kube2iam_web := deployment({"annotations": {"iam.amazonaws.com/role": "team-web"}}, {})

kube2iam_ds := {
	"apiVersion": "apps/v1",
	"kind": "DaemonSet",
	"metadata": {"name": "kube2iam", "namespace": "kube-system"},
	"spec": {"template": {"spec": {"containers": [{
		"name": "kube2iam",
		"image": "jtblin/kube2iam:0.11.2",
		"args": ["--base-role-arn=arn:aws:iam::111122223333:role/", "--iptables=true"],
	}]}}},
}

# A literal key id and a Secret-fed secret key (the canary values must never
# appear in a plan).
canary_key_id := "AKIAZ7QXCANARYKEY234"

static_web := deployment({}, {"serviceAccountName": "app", "containers": [{"name": "app", "image": "app:1", "env": [
	{"name": "AWS_ACCESS_KEY_ID", "value": canary_key_id},
	{"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": {"secretKeyRef": {"name": "web-aws", "key": "secret"}}},
	{"name": "AWS_REGION", "value": "eu-west-1"},
]}]})

sa_app := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team"}}

sa_irsa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
	"name": "app", "namespace": "team",
	"annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/team-app"},
}}

irsa_web := deployment({}, {"serviceAccountName": "app"})

input_of(objs, p) := {"objects": objs, "context": objs, "parameters": p}

test_kube2iam_to_irsa_with_dedicated_service_account if {
	p := migration.plan with input as input_of([kube2iam_web, kube2iam_ds], params)
	count(p.migrations) == 1
	m := p.migrations[0]
	m.from == "kube2iam-kiam"
	m.to == "irsa"
	m.service_account == {"from": "default", "to": "web", "dedicated": true, "in_input": false, "action": "create"}
	m.role.name == "team-web"

	# The bare kube2iam role name is completed with the DaemonSet's --base-role-arn.
	m.role.copy_from.arn == "arn:aws:iam::111122223333:role/team-web"
	m.role.reuse == true
	m.patch.spec.template.metadata.annotations == {"iam.amazonaws.com/role": null}
	m.patch.spec.template.spec.serviceAccountName == "web"
	m.addresses == ["PA501"]
	p.service_accounts == [{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
		"name": "web", "namespace": "team",
		"annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/team-web"},
	}}]
	count(m.steps) == 7
	contains(m.steps[6], "remove kube2iam/KIAM")
}

test_irsa_trust_policy_grammar if {
	p := migration.plan with input as input_of([kube2iam_web], params)
	t := p.roles[0].trust_policy
	t.Version == "2012-10-17"
	s := t.Statement[0]
	s.Effect == "Allow"
	s.Action == "sts:AssumeRoleWithWebIdentity"

	# https:// and the trailing slash are dropped from the provider.
	s.Principal.Federated == "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
	s.Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub"] == "system:serviceaccount:team:web"
	s.Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:aud"] == "sts.amazonaws.com"
}

test_static_keys_are_removed_and_never_quoted if {
	p := migration.plan with input as input_of([static_web, sa_app], params)
	m := p.migrations[0]
	m.from == "hardcoded-credentials"
	[r.name | some r in m.removed_env] == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
	m.patch.spec.template.spec.containers == [{"name": "app", "env": [
		{"name": "AWS_ACCESS_KEY_ID", "$patch": "delete"},
		{"name": "AWS_SECRET_ACCESS_KEY", "$patch": "delete"},
	]}]
	m.addresses == ["PA101", "PA103"]
	m.role.copy_from.kind == "user"
	contains(m.role.copy_from.description, "AKIA************Y234")
	not contains(json.marshal(p), canary_key_id)

	# An existing ServiceAccount gets the annotation by a patch, not a new object.
	m.service_account.action == "patch"
	p.service_accounts == []
	p.service_account_patches[0].metadata.annotations["eks.amazonaws.com/role-arn"] == "arn:aws:iam::111122223333:role/team-app"
}

test_already_irsa_is_skipped if {
	p := migration.plan with input as input_of([irsa_web, sa_irsa], params)
	count(p.migrations) == 0
	p.skipped[0].reason == "it already uses irsa (rank 1)"
}

test_irsa_to_pod_identity if {
	p := migration.plan with input as input_of([irsa_web, sa_irsa], object.union(params, {"to": "pod-identity"}))
	m := p.migrations[0]
	m.to == "pod-identity"
	m.role.reuse == true
	m.service_account_patch.metadata.annotations == {"eks.amazonaws.com/role-arn": null}
	p.associations[0].ack.spec == {"clusterName": "prod", "namespace": "team", "serviceAccount": "app", "roleARN": "arn:aws:iam::111122223333:role/team-app"}
	p.roles[0].trust_policy.Statement[0].Principal == {"Service": "pods.eks.amazonaws.com"}
	p.roles[0].trust_policy.Statement[0].Action == ["sts:AssumeRole", "sts:TagSession"]
}

test_pod_identity_unavailable_on_fargate if {
	p := migration.plan with input as input_of([kube2iam_web], object.union(params, {"to": "pod-identity", "cluster_type": "eks-fargate"}))
	count(p.migrations) == 0
	p.skipped[0].reason == "EKS Pod Identity is not available on Fargate; use --to irsa"
}

test_role_name_template_and_placeholders if {
	p := migration.plan with input as input_of([kube2iam_web], {"role_name_template": "{cluster}-{workload}-{kind}"})
	m := p.migrations[0]
	m.role.name == "<CLUSTER_NAME>-web-deployment"
	m.role.arn == "arn:aws:iam::<ACCOUNT_ID>:role/<CLUSTER_NAME>-web-deployment"

	# Without a base role ARN the bare kube2iam role is taken in the account.
	m.role.copy_from.arn == "arn:aws:iam::<ACCOUNT_ID>:role/team-web"
}

test_partition_from_region if {
	p := migration.plan with input as input_of([kube2iam_web], {"account_id": "111122223333", "region": "cn-north-1"})
	startswith(p.migrations[0].role.arn, "arn:aws-cn:iam::111122223333:role/")
}

test_env_from_keys_are_patched_and_other_keys_kept if {
	secret := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "keys", "namespace": "team"}, "data": {"ACCESS_KEY_ID": "eA==", "SECRET_ACCESS_KEY": "eA==", "DB_HOST": "eA=="}}
	web := deployment({}, {"containers": [{"name": "app", "image": "app:1", "envFrom": [{"configMapRef": {"name": "other"}}, {"prefix": "AWS_", "secretRef": {"name": "keys"}}]}]})
	p := migration.plan with input as input_of([web, secret], params)
	m := p.migrations[0]
	m.complete == true
	m.manual == []
	m.json_patch == [{"op": "remove", "path": "/spec/template/spec/containers/0/envFrom/1"}]
	m.patch.spec.template.spec.containers == [{"name": "app", "env": [{"name": "AWS_DB_HOST", "valueFrom": {"secretKeyRef": {"name": "keys", "key": "DB_HOST"}}}]}]
	contains(m.removed_sources[0], "envFrom Secret \"keys\" of container \"app\" (AWS keys AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; its other keys stay, as env entries: AWS_DB_HOST)")
}

credentials_secret := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "aws-creds", "namespace": "team"}, "stringData": {"credentials": "[default]\naws_access_key_id = AKIAZ7QXCANARYKEY234\naws_secret_access_key = abcdefghij0123456789\n"}}

file_job := {
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": {"name": "backup", "namespace": "team"},
	"spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "image": "i:1", "volumeMounts": [{"name": "aws", "mountPath": "/root/.aws"}]}],
		"containers": [{"name": "backup", "image": "b:1", "env": [
			{"name": "AWS_SHARED_CREDENTIALS_FILE", "value": "/etc/aws/credentials"},
			{"name": "AWS_PROFILE", "value": "default"},
			{"name": "AWS_REGION", "value": "eu-west-1"},
		], "volumeMounts": [{"name": "aws", "mountPath": "/etc/aws"}, {"name": "data", "mountPath": "/data"}]}],
		"volumes": [{"name": "data", "emptyDir": {}}, {"name": "aws", "secret": {"secretName": "aws-creds"}}],
	}}}}},
}

test_credentials_file_volume_is_deleted_with_its_mounts_and_variables if {
	p := migration.plan with input as input_of([file_job, credentials_secret], params)
	m := p.migrations[0]
	m.from == "static-credentials"
	m.complete == true
	spec := m.patch.spec.jobTemplate.spec.template.spec
	spec.volumes == [{"name": "aws", "$patch": "delete"}]
	spec.initContainers == [{"name": "init", "volumeMounts": [{"mountPath": "/root/.aws", "$patch": "delete"}]}]
	spec.containers == [{"name": "backup", "env": [
		{"name": "AWS_PROFILE", "$patch": "delete"},
		{"name": "AWS_SHARED_CREDENTIALS_FILE", "$patch": "delete"},
	], "volumeMounts": [{"mountPath": "/etc/aws", "$patch": "delete"}]}]
	m.json_patch == []
	m.addresses == ["PA103"]
}

test_projected_source_is_cut_from_a_volume_that_stays if {
	job := json.patch(file_job, [{"op": "replace", "path": "/spec/jobTemplate/spec/template/spec/volumes/1", "value": {"name": "aws", "projected": {"sources": [
		{"configMap": {"name": "aws-region"}},
		{"secret": {"name": "aws-creds"}},
	]}}}])
	region := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-region", "namespace": "team"}, "data": {"config": "[default]\nregion = eu-west-1\n"}}
	p := migration.plan with input as input_of([job, credentials_secret, region], params)
	m := p.migrations[0]
	m.json_patch == [{"op": "remove", "path": "/spec/jobTemplate/spec/template/spec/volumes/1/projected/sources/1"}]
	not m.patch.spec.jobTemplate.spec.template.spec.volumes
	[c.name | some c in m.patch.spec.jobTemplate.spec.template.spec.containers] == ["backup"]
	not m.patch.spec.jobTemplate.spec.template.spec.containers[0].volumeMounts
}

test_keys_in_args_are_removed_and_shell_strings_are_manual if {
	web := deployment({"annotations": {"iam.amazonaws.com/role": "team-web"}}, {"containers": [{
		"name": "app", "image": "app:1",
		"args": ["--region=eu-west-1", "--aws-access-key-id=AKIAZ7QXCANARYKEY234", "--secret-access-key", "abcdefghij0123456789", "--verbose"],
		"command": ["sh", "-c", "AWS_ACCESS_KEY_ID=AKIAZ7QXCANARYKEY234 exec app"],
	}]})
	p := migration.plan with input as input_of([web], params)
	m := p.migrations[0]
	m.json_patch == [
		{"op": "remove", "path": "/spec/template/spec/containers/0/args/3"},
		{"op": "remove", "path": "/spec/template/spec/containers/0/args/2"},
		{"op": "remove", "path": "/spec/template/spec/containers/0/args/1"},
	]
	count(m.manual) == 1
	contains(m.manual[0], "inside a shell command (command[2])")
	m.complete == false
	not contains(json.marshal(p), canary_key_id)
}

test_config_map_keys_are_deleted_when_only_migrated_pods_read_it if {
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "team"}, "data": {"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIAZ7QXCANARYKEY234", "AWS_SECRET_ACCESS_KEY": "abcdefghij0123456789"}}
	web := deployment({}, {"containers": [{"name": "app", "image": "app:1", "envFrom": [{"configMapRef": {"name": "cfg"}}]}]})
	p := migration.plan with input as input_of([web, cm], params)
	p.config_map_patches == [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "team"}, "data": {"AWS_ACCESS_KEY_ID": null, "AWS_SECRET_ACCESS_KEY": null}}]
	"PA102" in p.migrations[0].addresses

	# A reader the plan leaves alone (a Pod its controller owns) keeps the
	# ConfigMap as it is.
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "team", "ownerReferences": [{"kind": "ReplicaSet", "name": "web", "controller": true}]}, "spec": {"containers": [{"name": "app", "image": "app:1", "envFrom": [{"configMapRef": {"name": "cfg"}}]}]}}
	q := migration.plan with input as input_of([web, pod, cm], params)
	q.config_map_patches == []
	not "PA102" in q.migrations[0].addresses
}

test_account_from_the_input_and_cross_account_moves if {
	p := migration.plan with input as input_of([kube2iam_web, kube2iam_ds], {})
	p.parameters.account_id == "111122223333"
	p.parameters.account_source == "kube2iam's --base-role-arn"
	p.migrations[0].role.reuse == true
	p.migrations[0].cross_account == {}

	q := migration.plan with input as input_of([kube2iam_web, kube2iam_ds], {"account_id": "999988887777"})
	m := q.migrations[0]
	m.role.arn == "arn:aws:iam::999988887777:role/team-web"
	m.role.reuse == false
	m.cross_account == {"from": "111122223333", "to": "999988887777", "role": "arn:aws:iam::111122223333:role/team-web"}
	startswith(m.steps[2], "Cross-account step:")

	# Several accounts and no flag: a placeholder, never a guess.
	sa_other := json.patch(sa_irsa, [{"op": "replace", "path": "/metadata/annotations/eks.amazonaws.com~1role-arn", "value": "arn:aws:iam::444455556666:role/x"}])
	r := migration.plan with input as input_of([kube2iam_web, sa_other, json.patch(sa_irsa, [{"op": "replace", "path": "/metadata/name", "value": "b"}])], {})
	r.parameters.account_id == "<ACCOUNT_ID>"
	r.parameters.input_accounts == ["111122223333", "444455556666"]
}

test_shadowed_irsa_role_is_kept if {
	secret := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "keys", "namespace": "team"}, "data": {"AWS_ACCESS_KEY_ID": "eA==", "AWS_SECRET_ACCESS_KEY": "eA=="}}
	web := deployment({}, {"serviceAccountName": "app", "containers": [{"name": "app", "image": "app:1", "envFrom": [{"secretRef": {"name": "keys"}}]}]})
	p := migration.plan with input as input_of([web, secret, sa_irsa], params)
	m := p.migrations[0]
	m.role == {"name": "team-app", "arn": "arn:aws:iam::111122223333:role/team-app", "reuse": false, "keep": true, "copy_from": m.role.copy_from}
	p.roles == []
	"PA305" in m.addresses
}

test_recommendation_reuses_the_decision_guide if {
	r := migration.recommendation with input as {"parameters": {"answers": {"eks": true, "per_pod": true, "preference": "iac"}}}
	r.method == "pod-identity"
	r.next == "kubectl podauth migrate --to pod-identity"
}
