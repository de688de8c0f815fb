# METADATA
# title: Workload falls back to the node IAM role
# description: >-
#   A workload shows AWS SDK use but has no pod-level AWS identity, so the SDK
#   default chain ends at IMDS and uses the node's instance role: its effective
#   method in the workload classification is `node-role` (the same facts,
#   podauth.lib.facts). AWS SDK use means an SDK or credential setting in the
#   environment, env or envFrom (AWS_REGION, AWS_DEFAULT_REGION, AWS_PROFILE,
#   AWS_SDK_LOAD_CONFIG, AWS_STS_REGIONAL_ENDPOINTS, AWS_ENDPOINT_URL*,
#   AWS_ROLE_ARN, ...; not every AWS_ prefix, so AWS_VPC_K8S_CNI_* does not
#   count) or a well-known AWS controller image (aws-load-balancer-controller,
#   aws-ebs-csi-driver and aws-efs-csi-driver outside DaemonSets,
#   karpenter/controller, cloudwatch-agent, aws-for-fluent-bit,
#   amazon-k8s-cni). Not reported when the ServiceAccount has IRSA (annotation
#   or eksctl iam.serviceAccounts), a Pod Identity association is in the
#   context, a container has static keys, web identity variables (both
#   AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE: a bare AWS_ROLE_ARN is no
#   identity, no SDK provider reads it without a token file) or the Pod
#   Identity Agent's container-credentials endpoint, names a credential source
#   the classification cannot resolve (AWS_ACCESS_KEY_ID,
#   AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, AWS_WEB_IDENTITY_TOKEN_FILE
#   or AWS_CONTAINER_CREDENTIALS_* env, envFrom a Secret missing from the
#   context, a volume mounted at a `.aws` directory), for a kube2iam/KIAM
#   annotation (PA501), AWS_EC2_METADATA_DISABLED=true, on EKS Fargate (no
#   IMDS), on non-EKS clusters without EC2 nodes, or for kube-system node
#   agents. Because IRSA lives on the ServiceAccount, the rule fires only when
#   that ServiceAccount is in the context, or when the inventory is complete
#   (`inventory_complete`) and holds ServiceAccounts of the pod's namespace. Pod
#   Identity associations created through the AWS API are invisible offline:
#   add them to the context (ACK, Crossplane, eksctl) to avoid a false finding.
# scope: package
# related_resources:
#   - https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
#   - https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
#   - https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
# custom:
#   id: PA201
#   name: workload-uses-node-role
#   severity: medium
#   category: node-role
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, ServiceAccount, Secret, ConfigMap, PodIdentityAssociation, ClusterConfig]
#   why: >-
#     With the node IAM role all pods on a node inherit the node's permissions:
#     coarse-grained, shared access that follows least privilege poorly (rank 4
#     of 6). The workload gets whatever every other pod on the node gets, and its
#     calls cannot be told apart in CloudTrail.
#   remediation: >-
#     Create an IAM role with only the permissions this workload needs and bind it
#     to the workload's own ServiceAccount with IRSA (eks.amazonaws.com/role-arn)
#     or an EKS Pod Identity association. Then block pods from IMDS (IMDSv2
#     required, hop limit 1) and remove the extra permissions from the node role.
#   migration: >-
#     From node IAM role: migrate to IRSA or EKS Pod Identity for fine-grained
#     control (`kubectl podauth migrate`).
package podauth.rules.PA201

import data.podauth.lib.facts
import data.podauth.lib.k8s
import data.podauth.lib.result
import data.podauth.workloads

deny contains result.finding(pod.ref, evidence.path, msg) if {
	some pod in data.podauth.lib.k8s.pods

	# Cheap index lookups first: most pods stop here.
	data.podauth.lib.facts.signal[[pod.ref, "imds"]]
	identity_known(pod)
	not data.podauth.lib.facts.unresolved_credentials[pod.ref]
	not facts.node_agent(pod)
	workloads.effective(pod.ref) == "node-role"
	evidence := facts.sdk_evidence(pod)
	msg := sprintf("%s %q uses the AWS SDK (%s) but ServiceAccount %q has no IRSA role or Pod Identity association and the pod has no credentials of its own: it falls back to the node's instance role", [
		pod.object.kind, k8s.name(pod.object), evidence.what, pod.service_account,
	])
}

# Whether the ServiceAccount (where IRSA lives) is known.
identity_known(pod) if data.podauth.lib.k8s.service_accounts[pod.sa_key]

identity_known(pod) if {
	data.podauth.lib.objects.parameters.inventory_complete == true
	data.podauth.lib.k8s.namespaces_with_service_accounts[pod.namespace]
}
