# METADATA
# title: One IAM role shared by ServiceAccounts in several namespaces
# description: >-
#   The same IAM role (by role name, which is unique per account) is bound to
#   ServiceAccounts in two or more namespaces, through IRSA
#   `eks.amazonaws.com/role-arn` annotations or Pod Identity associations (ACK,
#   Crossplane, Terraform, eksctl). Reported once per role, on the first of its
#   ServiceAccount annotations or association entries in (namespace,
#   ServiceAccount) order, naming every binding (every shard of a CLI run, and
#   admission, which adds the object under review to its inventory, see the
#   same first one). ServiceAccounts of one
#   namespace sharing a role are not reported.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
# custom:
#   id: PA311
#   name: role-shared-across-namespaces
#   severity: medium
#   category: irsa
#   reviews: [ServiceAccount, PodIdentityAssociation, ClusterConfig, Role, IAMRole]
#   looks_up: [ServiceAccount, PodIdentityAssociation, ClusterConfig, Role, IAMRole]
#   why: >-
#     The best practices ask for least privilege per pod: a role shared across
#     namespaces carries the union of every workload's permissions, and a
#     compromise of any of them (or of anyone able to create a pod in any of
#     those namespaces) grants all of it.
#   remediation: >-
#     Give each workload (at least each namespace) its own role with only the
#     permissions it needs: `kubectl podauth migrate --role-name-template
#     '{namespace}-{serviceaccount}'` plans one role per ServiceAccount.
package podauth.rules.PA311

import data.podauth.lib.iam
import data.podauth.lib.result

# Roles bound in two or more namespaces, found in one sorted pass (no
# per-role scan of every binding: most roles have one user).
role_namespaces := sort({[u.role, u.namespace] | some u in data.podauth.lib.iam.role_users})

shared_roles contains role_namespaces[i][0] if {
	some i, pair in role_namespaces
	i > 0
	pair[0] == role_namespaces[i - 1][0]
}

# Users of each shared role, sorted by namespace, ServiceAccount and source.
users_by_role[role] := sorted if {
	some role in shared_roles
	sorted := sort({[x.namespace, x.service_account, x.via, x.identity, x.path, x.arn] |
		some x in data.podauth.lib.iam.role_users
		x.role == role
	})
}

deny contains result.finding(ref, user[4], msg) if {
	some role, users in users_by_role
	count({u[0] | some u in users}) > 1
	user := users[0]
	ref := iam.review_ref(user[3])
	names := sort({sprintf("%s/%s (%s)", [u[0], u[1], u[2]]) | some u in users})
	msg := sprintf("the IAM role %s is shared by ServiceAccounts in %d namespaces: %s; give each workload its own role", [role_label(role, users), count({u[0] | some u in users}), concat(", ", names)])
}

role_label(role, users) := arns[0] if {
	arns := sort({u[5] | some u in users; u[5] != ""})
	count(arns) > 0
} else := role
