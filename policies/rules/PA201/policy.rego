# METADATA
# title: Workload falls back to the node IAM role
# description: >-
#   A workload shows AWS SDK use but has no pod-level AWS identity, so the SDK
#   default chain ends at IMDS and uses the node's instance role. AWS SDK use
#   means an SDK setting in env (AWS_REGION, AWS_DEFAULT_REGION, AWS_PROFILE,
#   AWS_SDK_LOAD_CONFIG, AWS_STS_REGIONAL_ENDPOINTS, AWS_ENDPOINT_URL*, ...; not
#   every AWS_ prefix, so AWS_VPC_K8S_CNI_* does not count) or a well-known AWS
#   controller image (aws-load-balancer-controller, aws-ebs-csi-driver and
#   aws-efs-csi-driver outside DaemonSets, karpenter/controller,
#   cloudwatch-agent, aws-for-fluent-bit). Not reported when the ServiceAccount
#   has IRSA (annotation or eksctl iam.serviceAccounts), a Pod Identity
#   association is in the context, the pod has container-credential, web
#   identity, AWS_ACCESS_KEY_ID, AWS_SHARED_CREDENTIALS_FILE or AWS_CONFIG_FILE
#   env, envFrom a Secret that is missing from the context or holds
#   AWS_ACCESS_KEY_ID, a volume mounted at a `.aws` directory, a kube2iam/KIAM
#   annotation (PA501), AWS_EC2_METADATA_DISABLED=true, on EKS Fargate (no IMDS),
#   or for kube-system node agents. Because IRSA lives on the ServiceAccount,
#   the rule fires only when that ServiceAccount is in the context, or when the
#   inventory is complete (`inventory_complete`) and holds ServiceAccounts of the
#   pod's namespace. Pod Identity associations created through the AWS API are
#   invisible offline: add them to the context (ACK, Crossplane, eksctl) to avoid
#   a false finding.
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
#   reviews: [workloads]
#   looks_up: [ServiceAccount, Secret, ConfigMap, PodIdentityAssociation, ClusterConfig]
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

import data.podauth.lib.credentials
import data.podauth.lib.k8s
import data.podauth.lib.objects
import data.podauth.lib.result

deny contains result.finding(pod.ref, signal.path, msg) if {
	data.podauth.lib.objects.parameters.cluster_type != "eks-fargate"
	some pod in data.podauth.lib.k8s.pods

	# Cheap index lookups first: most pods stop here.
	identity_known(pod)
	not has_pod_identity(pod)
	not k8s.annotations(pod.metadata)["iam.amazonaws.com/role"]
	not credentials.node_agent(pod)
	signals := sdk_signals(pod)
	count(signals) > 0
	signal := signals[0]
	not has_own_credentials(pod)
	not imds_disabled(pod)
	msg := sprintf("%s %q uses the AWS SDK (%s) but ServiceAccount %q has no IRSA role or Pod Identity association and the pod has no credentials of its own: it falls back to the node's instance role", [
		pod.object.kind, k8s.name(pod.object), signal.what, pod.service_account,
	])
}

# --- Signs of AWS SDK use, in container order ---

sdk_env_names := {
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_SDK_LOAD_CONFIG", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_RETRY_MODE",
	"AWS_MAX_ATTEMPTS", "AWS_DEFAULTS_MODE", "AWS_USE_FIPS_ENDPOINT",
	"AWS_USE_DUALSTACK_ENDPOINT", "AWS_CA_BUNDLE", "AWS_ROLE_SESSION_NAME",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	"AWS_EC2_METADATA_V1_DISABLED", "AWS_METADATA_SERVICE_TIMEOUT",
	"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
	"AWS_ACCOUNT_ID", "AWS_ACCOUNT_ID_ENDPOINT_MODE", "AWS_SDK_UA_APP_ID",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_REQUEST_CHECKSUM_CALCULATION",
	"AWS_RESPONSE_CHECKSUM_VALIDATION", "AWS_NODEJS_CONNECTION_REUSE_ENABLED",
}

sdk_env(name) if sdk_env_names[name]

sdk_env(name) if startswith(name, "AWS_ENDPOINT_URL")

sdk_signals(pod) := array.concat(
	[{"path": sprintf("%s.%s[%d].env[%d]", [pod.spec_path, field, i, j]), "what": sprintf("env %s", [name])} |
		some field in data.podauth.lib.k8s.container_fields
		some i, c in object.get(pod.spec, field, [])
		some j, entry in object.get(c, "env", [])
		name := k8s.env_name(entry)
		sdk_env(name)
	],
	[{"path": sprintf("%s.%s[%d].image", [pod.spec_path, field, i]), "what": sprintf("image %s", [c.image])} |
		some field in data.podauth.lib.k8s.container_fields
		some i, c in object.get(pod.spec, field, [])
		aws_controller_image(pod, c.image)
	],
)

# Repository of an image reference without registry-independent tag or digest:
# public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1 -> .../aws-load-balancer-controller.
repository(image) := without_tag if {
	is_string(image)
	at_parts := split(image, "@")
	no_digest := at_parts[0]
	parts := split(no_digest, "/")
	last := parts[count(parts) - 1]
	colon_parts := split(last, ":")
	name := colon_parts[0]
	without_tag := concat("/", array.concat(array.slice(parts, 0, count(parts) - 1), [name]))
}

controller_images := {"aws-load-balancer-controller", "cloudwatch-agent", "aws-for-fluent-bit"}

csi_driver_images := {"aws-ebs-csi-driver", "aws-efs-csi-driver"}

last_segment(repo) := parts[count(parts) - 1] if parts := split(repo, "/")

aws_controller_image(_, image) if controller_images[last_segment(repository(image))]

aws_controller_image(_, image) if repository(image) == "karpenter/controller"

aws_controller_image(_, image) if endswith(repository(image), "/karpenter/controller")

# The CSI controllers call AWS; their node plugins (DaemonSets) use IMDS only for
# instance metadata.
aws_controller_image(pod, image) if {
	csi_driver_images[last_segment(repository(image))]
	not daemon_set_pod(pod)
}

daemon_set_pod(pod) if pod.object.kind == "DaemonSet"

daemon_set_pod(pod) if {
	some owner in pod.object.metadata.ownerReferences
	owner.kind == "DaemonSet"
}

# --- What we need to know before claiming a fallback ---

sa_key(pod) := k8s.key(pod.namespace, pod.service_account)

identity_known(pod) if data.podauth.lib.k8s.service_accounts[sa_key(pod)]

identity_known(pod) if {
	data.podauth.lib.objects.parameters.inventory_complete == true
	data.podauth.lib.k8s.namespaces_with_service_accounts[pod.namespace]
}

has_pod_identity(pod) if data.podauth.lib.k8s.irsa_keys[sa_key(pod)]

has_pod_identity(pod) if data.podauth.lib.k8s.pod_identity_keys[sa_key(pod)]

has_pod_identity(pod) if k8s.labels(pod.metadata)["eks.amazonaws.com/pod-identity"] == "enabled"

# Env that selects a credential source other than IMDS.
credential_env_names := {
	"AWS_ACCESS_KEY_ID", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
}

pod_containers(pod) := [c |
	some field in data.podauth.lib.k8s.container_fields
	some c in object.get(pod.spec, field, [])
]

has_own_credentials(pod) if {
	some c in pod_containers(pod)
	some entry in object.get(c, "env", [])
	credential_env_names[k8s.env_name(entry)]
}

# envFrom a Secret the context lacks: it may hold keys, so stay silent.
has_own_credentials(pod) if {
	some c in pod_containers(pod)
	some source in object.get(c, "envFrom", [])
	is_string(source.secretRef.name)
	not data.podauth.lib.k8s.secrets[k8s.key(pod.namespace, source.secretRef.name)]
}

has_own_credentials(pod) if {
	some c in pod_containers(pod)
	some source in object.get(c, "envFrom", [])
	some obj in env_from_objects(pod, source)
	prefix := object.get(source, "prefix", "")
	is_string(prefix)
	some e in credentials.entries(obj)
	concat("", [prefix, e.key]) == "AWS_ACCESS_KEY_ID"
}

# A volume at ~/.aws (or any .aws directory): a credentials or config file.
has_own_credentials(pod) if {
	some c in pod_containers(pod)
	some mount in object.get(c, "volumeMounts", [])
	is_string(mount.mountPath)
	regex.match(`(^|/)\.aws/?$`, mount.mountPath)
}

# The Secret or ConfigMap an envFrom source names, when it is in the context.
env_from_objects(pod, source) := [o |
	some [field, index] in [["secretRef", data.podauth.lib.k8s.secrets], ["configMapRef", data.podauth.lib.k8s.config_maps]]
	name := object.get(source, [field, "name"], null)
	is_string(name)
	o := index[k8s.key(pod.namespace, name)]
]

imds_disabled(pod) if {
	some c in pod_containers(pod)
	some entry in object.get(c, "env", [])
	k8s.env_name(entry) == "AWS_EC2_METADATA_DISABLED"
	value := k8s.literal_value(entry)
	is_string(value)
	lower(value) == "true"
}
