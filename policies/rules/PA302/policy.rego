# METADATA
# title: IRSA role on the default ServiceAccount
# description: >-
#   The ServiceAccount named `default` carries an `eks.amazonaws.com/role-arn`
#   annotation, or an eksctl ClusterConfig binds a role to a ServiceAccount named
#   `default` under `iam.serviceAccounts`. Every pod in the namespace that sets no
#   serviceAccountName runs as `default`, so every such pod inherits the role.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
#   - https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
#   - https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts
# custom:
#   id: PA302
#   name: irsa-on-default-service-account
#   severity: medium
#   category: irsa
#   reviews: [ServiceAccount, ClusterConfig]
#   why: >-
#     IRSA's value is fine-grained permissions per ServiceAccount, following the
#     principle of least privilege per pod. A role on `default` is shared by every
#     pod of the namespace that does not choose a ServiceAccount, which is the
#     coarse-grained, shared-permission pattern of the node role.
#   remediation: >-
#     Create a dedicated ServiceAccount for the workload that needs the role, move
#     the eks.amazonaws.com/role-arn annotation to it, set serviceAccountName in
#     that workload, update the role's trust policy condition
#     (system:serviceaccount:<namespace>:<name>) and remove the annotation from
#     `default`.
package podauth.rules.PA302

import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

deny contains result.finding(ref, data.podauth.lib.k8s.irsa_annotation_path, msg) if {
	some ref, sa in data.podauth.lib.objects.review
	sa.kind == "ServiceAccount"
	k8s.name(sa) == "default"
	role := k8s.irsa_role(sa)
	msg := sprintf("ServiceAccount \"default\" in namespace %q has the IRSA role %s; every pod in the namespace without a serviceAccountName inherits it", [k8s.namespace(sa), role])
}

# eksctl iam.serviceAccounts[] entries create the ServiceAccount and annotate it.
deny contains result.finding(ref, sprintf("iam.serviceAccounts[%d].metadata.name", [i]), msg) if {
	some ref, cfg in data.podauth.lib.objects.review
	cfg.kind == "ClusterConfig"
	some i, sa in cfg.iam.serviceAccounts
	sa.metadata.name == "default"
	ns := object.get(sa.metadata, "namespace", "default")
	msg := sprintf("ClusterConfig %q binds an IAM role to ServiceAccount \"default\" in namespace %q; every pod in the namespace without a serviceAccountName inherits it", [k8s.name(cfg), ns])
}
