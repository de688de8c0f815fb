# METADATA
# title: Pod Identity association names a missing ServiceAccount
# description: >-
#   A reviewed Pod Identity association (ACK or Crossplane
#   PodIdentityAssociation, or an eksctl ClusterConfig
#   iam.podIdentityAssociations entry) names a ServiceAccount that is not in the
#   scanned set. Reported only when that namespace is in scope, i.e. at least one
#   of its ServiceAccounts is in the context, so a partial inventory never
#   produces a finding. An eksctl entry with `createServiceAccount: true`, or a
#   ServiceAccount the same ClusterConfig declares under iam.serviceAccounts, is
#   created by eksctl and is not reported. EKS accepts an association for a
#   ServiceAccount that does not exist; no pod gets the role until one is
#   created with exactly that namespace and name.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html
#   - https://docs.aws.amazon.com/eks/latest/eksctl/pod-identity-associations.html
#   - https://aws-controllers-k8s.github.io/community/reference/eks/v1alpha1/podidentityassociation/
# custom:
#   id: PA401
#   name: pod-identity-association-orphaned
#   severity: medium
#   category: pod-identity
#   reviews: [PodIdentityAssociation, ClusterConfig]
#   looks_up: [ServiceAccount, ClusterConfig]
#   why: >-
#     EKS Pod Identity associations are managed outside the Kubernetes manifests,
#     which the source document calls less GitOps-friendly: nothing in the
#     cluster checks that the ServiceAccount an association names exists. An
#     orphaned association is a standing grant of the role to whichever
#     ServiceAccount is created later under that name, and usually means the
#     workload that needs the role runs under another name without it.
#   remediation: >-
#     Point the association at the ServiceAccount the workload actually uses
#     (namespace and name must match exactly), create that ServiceAccount, or
#     delete the association if the workload is gone.
package podauth.rules.PA401

import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

deny contains result.finding(ref, sprintf("%s.%s", [a.path, service_account_field(obj)]), msg) if {
	some ref, entries in data.podauth.lib.k8s.reviewed_associations
	obj := data.podauth.lib.objects.review[ref]
	some i, a in entries
	is_string(a.namespace)
	is_string(a.service_account)
	a.service_account != ""
	data.podauth.lib.k8s.namespaces_with_service_accounts[a.namespace]
	not data.podauth.lib.k8s.service_accounts[k8s.key(a.namespace, a.service_account)]
	not created_by_eksctl(obj, i, a)
	msg := sprintf("%s %q associates a role with ServiceAccount %q, which does not exist in namespace %q", [obj.kind, k8s.name(obj), a.service_account, a.namespace])
}

service_account_field(obj) := "serviceAccountName" if {
	obj.kind == "ClusterConfig"
} else := "serviceAccount"

created_by_eksctl(obj, i, _) if {
	obj.kind == "ClusterConfig"
	obj.iam.podIdentityAssociations[i].createServiceAccount == true
}

created_by_eksctl(_, _, a) if {
	data.podauth.lib.k8s.eksctl_irsa_keys[k8s.key(a.namespace, a.service_account)]
}
