# METADATA
# title: External Secrets store authenticates to AWS with static keys
# description: >-
#   A SecretStore or ClusterSecretStore (`external-secrets.io`, any version)
#   uses the AWS provider with `spec.provider.aws.auth.secretRef`: the operator
#   reads a long-lived access key pair from a Kubernetes Secret. Stores that use
#   `auth.jwt.serviceAccountRef` (which the operator prefers when both are set)
#   or no `auth` at all (the controller's own IRSA or Pod Identity role through
#   the SDK default chain) are not reported.
# scope: package
# related_resources:
#   - https://external-secrets.io/latest/provider/aws-access/
#   - https://external-secrets.io/latest/provider/aws-secrets-manager/
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
# custom:
#   id: PA601
#   name: external-secrets-static-aws-keys
#   severity: high
#   category: secrets
#   reviews: [SecretStore, ClusterSecretStore]
#   why: >-
#     External Secrets Operator is meant to run with IRSA or Pod Identity for
#     its own authentication. A store backed by static IAM user keys reintroduces
#     long-lived credentials that need manual rotation and can leak, which the
#     best practices say to avoid whenever possible; a ClusterSecretStore shares
#     them with every namespace that can reference it.
#   remediation: >-
#     Remove auth.secretRef. Either give the external-secrets controller
#     ServiceAccount an IAM role (IRSA or an EKS Pod Identity association) and
#     omit auth, or point auth.jwt.serviceAccountRef at a ServiceAccount
#     annotated with eks.amazonaws.com/role-arn. Then deactivate and delete the
#     IAM user's access key and the Secret that held it.
#   migration: >-
#     From static credentials: migrate to IRSA or EKS Pod Identity
#     (`kubectl podauth migrate`).
package podauth.rules.PA601

import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result
import data.podauth.lib.secrets

# Built once, not per object.
store_kinds := {"SecretStore", "ClusterSecretStore"}

deny contains result.finding(ref, "spec.provider.aws.auth.secretRef", msg) if {
	some ref, store in data.podauth.lib.objects.review
	store_kinds[store.kind]
	secrets.is_eso(store, data.podauth.lib.secrets.eso_store_kinds)
	auth := store.spec.provider.aws.auth
	is_object(auth.secretRef)
	not jwt_auth(auth)
	msg := sprintf("%s %q authenticates to AWS with static access keys from %s; use the controller's IRSA/Pod Identity role or auth.jwt.serviceAccountRef", [store.kind, k8s.name(store), key_source(auth.secretRef)])
}

# ESO checks auth.jwt first, so a store with both never uses the keys.
jwt_auth(auth) if is_object(auth.jwt)

# Names the Secret holding the access key id (a name, never a value).
key_source(ref) := sprintf("Secret %q", [ref.accessKeyIDSecretRef.name]) if {
	is_string(ref.accessKeyIDSecretRef.name)
} else := sprintf("Secret %q", [ref.secretAccessKeySecretRef.name]) if {
	is_string(ref.secretAccessKeySecretRef.name)
} else := "auth.secretRef"
