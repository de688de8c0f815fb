# METADATA
# title: Assumed role rooted in the node's credentials
# description: >-
#   An AWS shared config file, stored in a ConfigMap (`data` or `binaryData`) or
#   a Secret (`data`, base64, or `stringData`), has a profile ([default] or
#   [profile name]) with both `role_arn` and `credential_source =
#   Ec2InstanceMetadata`. The SDK then assumes the role with the instance
#   profile's credentials: the node role. Keys are matched case-insensitively,
#   whitespace and inline comments after the value are tolerated, comment lines
#   are skipped. Redacted live Secret values cannot be parsed and are skipped.
#   One finding per profile.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
#   - https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
# custom:
#   id: PA701
#   name: assume-role-from-node-credentials
#   severity: medium
#   category: assume-role
#   reviews: [ConfigMap, Secret]
#   why: >-
#     Assumed roles via STS are meant to start from IRSA or Pod Identity (rank 2,
#     "chain of trust"). Rooting the chain in the node IAM role gives the role to
#     every pod that can reach IMDS on that node and needs the node role to be
#     trusted by the target role: coarse, shared permissions that follow least
#     privilege poorly.
#   remediation: >-
#     Give the workload its own IRSA or Pod Identity role and let that role assume
#     the target role: replace `credential_source = Ec2InstanceMetadata` with
#     `web_identity_token_file` (IRSA) or `credential_source = EcsContainer` (Pod
#     Identity), or use `source_profile`. Update the target role's trust policy to
#     trust the pod's role instead of the node role.
#   migration: >-
#     From node IAM role: migrate to IRSA or EKS Pod Identity, then assume the
#     target role from it (`kubectl podauth migrate`).
package podauth.rules.PA701

import data.podauth.lib.credentials
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

config_kinds := {"ConfigMap", "Secret"}

deny contains result.finding(ref, e.path, msg) if {
	some ref, es in data.podauth.lib.credentials.review_entries
	obj := data.podauth.lib.objects.review[ref]
	config_kinds[obj.kind]
	some e in es
	is_string(e.text)
	contains(lower(e.text), "ec2instancemetadata")
	settings := credentials.ini_settings(e.text)
	some section in node_rooted_sections(settings)
	msg := sprintf("%s %q: profile %q in %s assumes a role (role_arn) with credential_source = Ec2InstanceMetadata, rooting the role chain in the node IAM role", [
		obj.kind, k8s.name(obj), credentials.profile_name(section), e.path,
	])
}

node_rooted_sections(settings) := {s.section |
	some s in settings
	s.key == "credential_source"
	lower(credentials.first_word(s.value)) == "ec2instancemetadata"
	some r in settings
	r.section == s.section
	r.key == "role_arn"
	r.value != ""
}
