package podauth.workloads_test

import data.podauth.workloads

# --- Fixtures ----------------------------------------------------------------------

pod(spec) := pod_meta(spec, {})

pod_meta(spec, meta) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": object.union({"name": "web", "namespace": "team"}, meta),
	"spec": object.union({"serviceAccountName": "app", "containers": [{"name": "app", "image": "app:1"}]}, spec),
}

# A pod whose single container has env, envFrom, volumeMounts; and volumes.
pod_env(env) := pod({"containers": [{"name": "app", "image": "app:1", "env": env}]})

pod_mount(env, mounts, volumes) := pod({
	"containers": [{"name": "app", "image": "app:1", "env": env, "volumeMounts": mounts}],
	"volumes": volumes,
})

pod_env_from(env_from) := pod({"containers": [{"name": "app", "image": "app:1", "envFrom": env_from}]})

deployment(template_meta, spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"template": {
		"metadata": template_meta,
		"spec": object.union({"serviceAccountName": "app", "containers": [{"name": "app", "image": "app:1"}]}, spec),
	}},
}

v(name, value) := {"name": name, "value": value}

region := v("AWS_REGION", "eu-west-1")

secret_ref(name, secret, key) := {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}

static_env(secret) := [
	secret_ref("AWS_ACCESS_KEY_ID", secret, "id"),
	secret_ref("AWS_SECRET_ACCESS_KEY", secret, "key"),
]

sa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "app", "namespace": "team"}}

sa_irsa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {
	"name": "app", "namespace": "team",
	"annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/web"},
}}

association := {
	"apiVersion": "eks.services.k8s.aws/v1alpha1",
	"kind": "PodIdentityAssociation",
	"metadata": {"name": "web", "namespace": "team"},
	"spec": {"clusterName": "prod", "namespace": "team", "serviceAccount": "app", "roleARN": "arn:aws:iam::111122223333:role/web"},
}

secret(name, data) := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": "team"}, "data": data}

secret_string(name, string_data) := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": "team"}, "stringData": string_data}

config_map(name, data) := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "team"}, "data": data}

external_secret(name, ns, spec) := {
	"apiVersion": "external-secrets.io/v1",
	"kind": "ExternalSecret",
	"metadata": {"name": name, "namespace": ns},
	"spec": object.union({"secretStoreRef": {"name": "aws", "kind": "ClusterSecretStore"}, "refreshInterval": "1h"}, spec),
}

secret_volume(name, secret_name) := {"name": name, "secret": {"secretName": secret_name}}

mount(name, path) := {"name": name, "mountPath": path, "readOnly": true}

# base64 of "[default]\naws_access_key_id = AKIAZ7QXFAKEKEY23456\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY123\n"
credentials_b64 := base64.encode("[default]\naws_access_key_id = AKIAZ7QXFAKEKEY23456\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY123\n")

assume_config := "[default]\nregion = eu-west-1\n\n[profile reports]\nrole_arn = arn:aws:iam::444455556666:role/reports\ncredential_source = Ec2InstanceMetadata\n"

web_identity_config := "[default]\nrole_arn = arn:aws:iam::111122223333:role/web\nweb_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token\n"

csi_volume := {"name": "secrets", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": {"secretProviderClass": "web"}}}

# --- Detection: one case per method and source ----------------------------------------
# Each case: name, objects (reviewed), context (extra lookups), optional
# parameters, and `want`: the fields of the first workload to check.

detection_cases := [
	{
		"name": "irsa via ServiceAccount annotation",
		"objects": [pod({})], "context": [sa_irsa],
		"want": {"methods": ["irsa"], "effective": "irsa", "rank": 1, "serviceAccount": "app"},
	},
	{
		"name": "irsa via eksctl ClusterConfig iam.serviceAccounts",
		"objects": [pod({})],
		"context": [{"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod", "region": "eu-west-1"}, "iam": {"withOIDC": true, "serviceAccounts": [{"metadata": {"name": "app", "namespace": "team"}, "attachPolicyARNs": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}]}}],
		"want": {"methods": ["irsa"], "effective": "irsa", "rank": 1},
	},
	{
		"name": "irsa via hand-set AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE",
		"objects": [pod_env([v("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/web"), v("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/token")])], "context": [sa],
		"want": {"methods": ["irsa"], "effective": "irsa", "rank": 1},
	},
	{
		"name": "AWS_ROLE_ARN alone is not irsa (nor assumed-role)",
		"objects": [pod_env([v("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/web"), v("AWS_ROLE_SESSION_NAME", "web")])], "context": [sa],
		"want": {"methods": ["node-role"], "effective": "node-role", "rank": 4},
	},
	{
		"name": "irsa annotation on another ServiceAccount does not count",
		"objects": [pod({"serviceAccountName": "other"})], "context": [sa_irsa],
		"want": {"methods": ["none"], "effective": "none", "rank": null, "serviceAccount": "other"},
	},
	{
		"name": "pod-identity via ACK PodIdentityAssociation",
		"objects": [pod({})], "context": [sa, association],
		"want": {"methods": ["pod-identity"], "effective": "pod-identity", "rank": 1},
	},
	{
		"name": "pod-identity via eksctl podIdentityAssociations",
		"objects": [pod({})],
		"context": [{"apiVersion": "eksctl.io/v1alpha5", "kind": "ClusterConfig", "metadata": {"name": "prod"}, "iam": {"podIdentityAssociations": [{"namespace": "team", "serviceAccountName": "app", "roleARN": "arn:aws:iam::111122223333:role/web"}]}}],
		"want": {"methods": ["pod-identity"], "effective": "pod-identity", "rank": 1},
	},
	{
		"name": "pod-identity via agent URI (IPv4)",
		"objects": [pod_env([v("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials")])], "context": [],
		"want": {"methods": ["pod-identity"], "effective": "pod-identity", "rank": 1},
	},
	{
		"name": "pod-identity via agent URI (IPv6)",
		"objects": [pod_env([v("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://[fd00:ec2::23]/v1/credentials")])], "context": [],
		"want": {"methods": ["pod-identity"], "effective": "pod-identity"},
	},
	{
		"name": "ECS container endpoint is not pod-identity",
		"objects": [pod_env([v("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.2/v2/credentials")])], "context": [],
		"want": {"methods": ["node-role"], "effective": "node-role"},
	},
	{
		"name": "hardcoded secret access key",
		"objects": [pod_env([v("AWS_ACCESS_KEY_ID", "AKIAZ7QXFAKEKEY23456"), v("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY123")])], "context": [sa],
		"want": {"methods": ["hardcoded-credentials"], "effective": "hardcoded-credentials", "rank": 6},
	},
	{
		"name": "hardcoded access key id inside another variable",
		"objects": [pod_env([v("S3_URL", "s3://AKIAZ7QXFAKEKEY23456:x@bucket")])], "context": [sa],
		"want": {"methods": ["hardcoded-credentials"], "effective": "hardcoded-credentials", "rank": 6},
	},
	{
		"name": "$(VAR) reference is not hardcoded",
		"objects": [pod_env([v("AWS_SECRET_ACCESS_KEY", "$(SECRET_FROM_ENVFROM)")])], "context": [sa],
		"want": {"methods": ["node-role"], "effective": "node-role"},
	},
	{
		"name": "static-credentials via secretKeyRef",
		"objects": [pod_env(static_env("aws"))], "context": [sa],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials", "rank": 5},
	},
	{
		"name": "static-credentials via configMapKeyRef",
		"objects": [pod_env([{"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": {"configMapKeyRef": {"name": "aws", "key": "key"}}}])], "context": [sa],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials", "rank": 5},
	},
	{
		"name": "static-credentials via envFrom Secret in context",
		"objects": [pod_env_from([{"secretRef": {"name": "aws"}}])],
		"context": [sa, secret("aws", {"AWS_ACCESS_KEY_ID": "QUtJQQ==", "AWS_SECRET_ACCESS_KEY": "eHg="})],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials", "rank": 5},
	},
	{
		"name": "static-credentials via envFrom with prefix",
		"objects": [pod_env_from([{"prefix": "AWS_", "secretRef": {"name": "aws"}}])],
		"context": [sa, secret("aws", {"ACCESS_KEY_ID": "QUtJQQ==", "SECRET_ACCESS_KEY": "eHg="})],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials"},
	},
	{
		"name": "envFrom Secret without AWS keys",
		"objects": [pod_env_from([{"secretRef": {"name": "db"}}])],
		"context": [sa, secret("db", {"DB_PASSWORD": "eHg="})],
		"want": {"methods": ["none"], "effective": "none", "rank": null},
	},
	{
		"name": "envFrom Secret missing from the context",
		"objects": [pod_env_from([{"secretRef": {"name": "aws"}}])], "context": [sa],
		"want": {"methods": ["none"], "effective": "none", "rank": null},
	},
	{
		"name": "static-credentials file in a Secret mounted at ~/.aws",
		"objects": [pod_mount([], [mount("aws", "/root/.aws")], [secret_volume("aws", "aws-files")])],
		"context": [sa, secret("aws-files", {"credentials": "W2RlZmF1bHRd"})],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials", "rank": 5},
	},
	{
		"name": "static-credentials file in a Secret at ~/.aws missing from the context",
		"objects": [pod_mount([], [mount("aws", "/home/app/.aws/")], [secret_volume("aws", "aws-files")])], "context": [sa],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials"},
	},
	{
		"name": "static-credentials file mounted with subPath",
		"objects": [pod_mount([], [{"name": "aws", "mountPath": "/root/.aws/credentials", "subPath": "creds"}], [secret_volume("aws", "aws-files")])], "context": [sa],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials"},
	},
	{
		"name": "static-credentials file named by AWS_SHARED_CREDENTIALS_FILE",
		"objects": [pod_mount([v("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/creds")], [mount("aws", "/etc/aws")], [secret_volume("aws", "aws-files")])],
		"context": [sa, secret("aws-files", {"creds": "W2RlZmF1bHRd"})],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials"},
	},
	{
		"name": "static-credentials file found by content under any path",
		"objects": [pod_mount([], [mount("cfg", "/etc/app")], [secret_volume("cfg", "app-config")])],
		"context": [sa, secret("app-config", {"aws-creds": credentials_b64})],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials"},
	},
	{
		"name": "static-credentials file found by live-mode redaction class",
		"objects": [pod_mount([], [mount("cfg", "/etc/app")], [secret_volume("cfg", "app-config")])],
		"context": [sa, secret("app-config", {"credentials": "podauth-redacted:aws-credentials-file"})],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials"},
	},
	{
		"name": "static-credentials file via projected volume items",
		"objects": [pod_mount([], [mount("aws", "/root/.aws")], [{"name": "aws", "projected": {"sources": [{"secret": {"name": "aws-files", "items": [{"key": "ini", "path": "credentials"}]}}]}}])],
		"context": [sa],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials"},
	},
	{
		"name": "Secret key named credentials with other content elsewhere is not AWS",
		"objects": [pod_mount([], [mount("db", "/etc/db")], [secret_volume("db", "db")])],
		"context": [sa, secret("db", {"credentials": base64.encode("user=app\npassword=x\n")})],
		"want": {"methods": ["none"], "effective": "none", "rank": null},
	},
	{
		"name": "redacted non-AWS value and bad base64 do not break classification",
		"objects": [pod_mount([], [mount("db", "/etc/db")], [secret_volume("db", "db")])],
		"context": [sa, secret("db", {"credentials": "podauth-redacted:other", "config": "not base64!"})],
		"want": {"methods": ["none"], "effective": "none"},
	},
	{
		"name": "external-secrets via Secret owned by an ExternalSecret",
		"objects": [pod_env(static_env("aws"))],
		"context": [sa, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "aws", "namespace": "team", "ownerReferences": [{"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret", "name": "aws-sync", "uid": "1"}]}, "data": {"id": "eA==", "key": "eA=="}}],
		"want": {"methods": ["external-secrets"], "effective": "external-secrets", "rank": 3},
	},
	{
		"name": "external-secrets via ExternalSecret spec.target.name",
		"objects": [pod_env(static_env("aws"))],
		"context": [sa, external_secret("aws-sync", "team", {"target": {"name": "aws"}})],
		"want": {"methods": ["external-secrets"], "effective": "external-secrets", "rank": 3},
	},
	{
		"name": "external-secrets via ExternalSecret default target name",
		"objects": [pod_env(static_env("aws"))],
		"context": [sa, external_secret("aws", "team", {})],
		"want": {"methods": ["external-secrets"], "effective": "external-secrets"},
	},
	{
		"name": "external-secrets via envFrom keys an ExternalSecret declares",
		"objects": [pod_env_from([{"secretRef": {"name": "aws"}}])],
		"context": [sa, external_secret("aws", "team", {"data": [
			{"secretKey": "AWS_ACCESS_KEY_ID", "remoteRef": {"key": "prod/app", "property": "id"}},
			{"secretKey": "AWS_SECRET_ACCESS_KEY", "remoteRef": {"key": "prod/app", "property": "secret"}},
		]})],
		"want": {"methods": ["external-secrets"], "effective": "external-secrets"},
	},
	{
		"name": "ExternalSecret in another namespace does not own the Secret",
		"objects": [pod_env(static_env("aws"))],
		"context": [sa, external_secret("aws", "other", {})],
		"want": {"methods": ["static-credentials"], "effective": "static-credentials"},
	},
	{
		"name": "external-secrets credentials file at ~/.aws",
		"objects": [pod_mount([], [mount("aws", "/root/.aws")], [secret_volume("aws", "aws-files")])],
		"context": [sa, external_secret("aws-files", "team", {})],
		"want": {"methods": ["external-secrets"], "effective": "external-secrets", "rank": 3},
	},
	{
		"name": "ascp CSI volume alone",
		"objects": [pod_mount([], [mount("secrets", "/mnt/secrets")], [csi_volume])], "context": [sa],
		"want": {"methods": ["ascp"], "effective": "ascp", "rank": 3},
	},
	{
		"name": "ascp with IRSA: the SDK uses IRSA",
		"objects": [pod_mount([region], [mount("secrets", "/mnt/secrets")], [csi_volume])], "context": [sa_irsa],
		"want": {"methods": ["ascp", "irsa"], "effective": "irsa", "rank": 1},
	},
	{
		"name": "ascp with AWS_REGION: the SDK uses the node role",
		"objects": [pod_mount([region], [mount("secrets", "/mnt/secrets")], [csi_volume])], "context": [sa],
		"want": {"methods": ["ascp", "node-role"], "effective": "node-role", "rank": 4},
	},
	{
		"name": "ascp-mounted credentials file beats IRSA",
		"objects": [pod_mount([v("AWS_SHARED_CREDENTIALS_FILE", "/mnt/secrets/credentials")], [mount("secrets", "/mnt/secrets")], [csi_volume])], "context": [sa_irsa],
		"want": {"methods": ["ascp", "irsa"], "effective": "ascp", "rank": 3},
	},
	{
		"name": "other CSI drivers are not ascp",
		"objects": [pod_mount([], [mount("data", "/data")], [{"name": "data", "csi": {"driver": "efs.csi.aws.com"}}])], "context": [sa],
		"want": {"methods": ["none"], "effective": "none"},
	},
	{
		"name": "assumed-role via ConfigMap config with role_arn",
		"objects": [pod_mount([], [mount("aws", "/root/.aws")], [{"name": "aws", "configMap": {"name": "aws-config"}}])],
		"context": [sa, config_map("aws-config", {"config": assume_config})],
		"want": {"methods": ["assumed-role"], "effective": "assumed-role", "rank": 2, "recommended": "assumed-role"},
	},
	{
		"name": "assumed-role via AWS_CONFIG_FILE naming a Secret file",
		"objects": [pod_mount([v("AWS_CONFIG_FILE", "/etc/aws/profile.ini")], [mount("aws", "/etc/aws")], [secret_volume("aws", "aws-profile")])],
		"context": [sa, secret_string("aws-profile", {"profile.ini": assume_config})],
		"want": {"methods": ["assumed-role"], "effective": "assumed-role", "rank": 2},
	},
	{
		"name": "config file without role_arn is not assumed-role",
		"objects": [pod_mount([], [mount("aws", "/root/.aws")], [{"name": "aws", "configMap": {"name": "aws-config"}}])],
		"context": [sa, config_map("aws-config", {"config": "[default]\nregion = eu-west-1\n"})],
		"want": {"methods": ["none"], "effective": "none"},
	},
	{
		"name": "config profile with role_arn and web_identity_token_file is irsa",
		"objects": [pod_mount([], [mount("aws", "/root/.aws")], [{"name": "aws", "configMap": {"name": "aws-config"}}])],
		"context": [sa, config_map("aws-config", {"config": web_identity_config})],
		"want": {"methods": ["irsa"], "effective": "irsa", "rank": 1},
	},
	{
		"name": "kube2iam-kiam via pod template annotation",
		"objects": [deployment({"annotations": {"iam.amazonaws.com/role": "web"}}, {})], "context": [sa],
		"want": {"methods": ["kube2iam-kiam"], "effective": "kube2iam-kiam", "rank": 4},
	},
	{
		"name": "kube2iam-kiam in a CronJob",
		"objects": [{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup", "namespace": "team"}, "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": {"metadata": {"annotations": {"iam.amazonaws.com/role": "arn:aws:iam::111122223333:role/backup"}}, "spec": {"containers": [{"name": "b"}]}}}}}}],
		"context": [],
		"want": {"methods": ["kube2iam-kiam"], "effective": "kube2iam-kiam", "serviceAccount": "default"},
	},
	{
		"name": "node-role when AWS use is visible",
		"objects": [pod_env([region])], "context": [sa],
		"want": {"methods": ["node-role"], "effective": "node-role", "rank": 4},
	},
	{
		"name": "node-role via AWS_* from envFrom ConfigMap",
		"objects": [pod_env_from([{"configMapRef": {"name": "aws"}}])], "context": [sa, config_map("aws", {"AWS_REGION": "eu-west-1"})],
		"want": {"methods": ["node-role"], "effective": "node-role"},
	},
	{
		"name": "no AWS use: none",
		"objects": [pod({})], "context": [sa],
		"want": {"methods": ["none"], "effective": "none", "rank": null},
	},
	{
		"name": "IMDS disabled: no node-role",
		"objects": [pod_env([region, v("AWS_EC2_METADATA_DISABLED", "true")])], "context": [sa],
		"want": {"methods": ["none"], "effective": "none", "rank": null},
	},
	{
		"name": "Fargate pod has no node-role",
		"objects": [pod_meta({"containers": [{"name": "app", "env": [region]}]}, {"labels": {"eks.amazonaws.com/fargate-profile": "default"}})], "context": [sa],
		"want": {"methods": ["none"], "effective": "none"},
	},
	{
		"name": "non-EKS cluster without EC2 nodes has no node-role",
		"objects": [pod_env([region])], "context": [sa],
		"parameters": {"cluster_type": "non-eks", "ec2_nodes": false},
		"want": {"methods": ["none"], "effective": "none"},
	},
]

# --- The SDK chain order: conflicts between methods ----------------------------------

conflict_cases := [
	{
		"name": "IRSA plus static keys: static wins",
		"objects": [pod_env(static_env("aws"))], "context": [sa_irsa],
		"want": {"methods": ["irsa", "static-credentials"], "effective": "static-credentials", "rank": 5},
	},
	{
		"name": "IRSA plus Pod Identity association: pod-identity (webhook injects only Pod Identity)",
		"objects": [pod({})], "context": [sa_irsa, association],
		"want": {"methods": ["irsa", "pod-identity"], "effective": "pod-identity", "rank": 1},
	},
	{
		"name": "IRSA plus Pod Identity with hand-set AWS_ROLE_ARN and token file: irsa",
		"objects": [pod_env([v("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/web"), v("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token")])],
		"context": [sa_irsa, association],
		"want": {"methods": ["irsa", "pod-identity"], "effective": "irsa", "rank": 1},
	},
	{
		"name": "kube2iam plus IRSA: irsa",
		"objects": [deployment({"annotations": {"iam.amazonaws.com/role": "web"}}, {})], "context": [sa_irsa],
		"want": {"methods": ["irsa", "kube2iam-kiam"], "effective": "irsa", "rank": 1},
	},
	{
		"name": "hardcoded plus Pod Identity: hardcoded",
		"objects": [pod_env([v("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY123")])], "context": [sa, association],
		"want": {"methods": ["hardcoded-credentials", "pod-identity"], "effective": "hardcoded-credentials", "rank": 6},
	},
	{
		"name": "hardcoded in one container, Secret keys in another: hardcoded",
		"objects": [pod({"containers": [
			{"name": "a", "env": static_env("aws")},
			{"name": "b", "env": [v("AWS_ACCESS_KEY_ID", "AKIAZ7QXFAKEKEY23456")]},
		]})],
		"context": [sa],
		"want": {"methods": ["hardcoded-credentials", "static-credentials"], "effective": "hardcoded-credentials"},
	},
	{
		"name": "Secret-fed env keys beat an ExternalSecret-fed credentials file",
		"objects": [pod_mount(static_env("plain"), [mount("aws", "/root/.aws")], [secret_volume("aws", "aws-files")])],
		"context": [sa, external_secret("aws-files", "team", {})],
		"want": {"methods": ["external-secrets", "static-credentials"], "effective": "static-credentials"},
	},
	{
		"name": "IRSA plus assumed-role config: assumed-role (shared config before web identity)",
		"objects": [pod_mount([], [mount("aws", "/root/.aws")], [{"name": "aws", "configMap": {"name": "aws-config"}}])],
		"context": [sa_irsa, config_map("aws-config", {"config": assume_config})],
		"want": {"methods": ["assumed-role", "irsa"], "effective": "assumed-role", "rank": 2},
	},
	{
		"name": "static credentials file plus IRSA: static file wins",
		"objects": [pod_mount([], [mount("aws", "/root/.aws")], [secret_volume("aws", "aws-files")])], "context": [sa_irsa],
		"want": {"methods": ["irsa", "static-credentials"], "effective": "static-credentials", "rank": 5},
	},
	{
		"name": "IRSA plus agent URI set by hand (no association): irsa",
		"objects": [pod_env([v("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials")])], "context": [sa_irsa],
		"want": {"methods": ["irsa", "pod-identity"], "effective": "irsa"},
	},
	{
		"name": "Pod Identity plus kube2iam: pod-identity (container credentials before IMDS)",
		"objects": [deployment({"annotations": {"iam.amazonaws.com/role": "web"}}, {})], "context": [sa, association],
		"want": {"methods": ["kube2iam-kiam", "pod-identity"], "effective": "pod-identity"},
	},
]

# --- Recommendations (decision guide applied with the parameters) --------------------

recommendation_cases := [
	{
		"name": "default parameters: IRSA",
		"objects": [pod_env(static_env("aws"))], "context": [sa],
		"want": {"recommended": "irsa", "reason": "On EKS, when you need per-pod IAM permissions, use IRSA if you prefer GitOps workflows and manifest-based configuration"},
	},
	{
		"name": "prefer pod-identity: Pod Identity",
		"objects": [pod_env(static_env("aws"))], "context": [sa], "parameters": {"prefer": "pod-identity"},
		"want": {"recommended": "pod-identity"},
	},
	{
		"name": "prefer pod-identity on a Fargate-labelled pod: IRSA",
		"objects": [pod_meta({}, {"labels": {"eks.amazonaws.com/fargate-profile": "fp"}})], "context": [sa], "parameters": {"prefer": "pod-identity"},
		"want": {"recommended": "irsa"},
	},
	{
		"name": "prefer pod-identity with compute-type fargate nodeSelector: IRSA",
		"objects": [pod({"nodeSelector": {"eks.amazonaws.com/compute-type": "fargate"}})], "context": [sa], "parameters": {"prefer": "pod-identity"},
		"want": {"recommended": "irsa"},
	},
	{
		"name": "prefer pod-identity on Windows: IRSA",
		"objects": [deployment({}, {"nodeSelector": {"kubernetes.io/os": "windows"}})], "context": [sa], "parameters": {"prefer": "pod-identity"},
		"want": {"recommended": "irsa"},
	},
	{
		"name": "prefer pod-identity on an eks-fargate cluster: IRSA",
		"objects": [pod({})], "context": [sa], "parameters": {"prefer": "pod-identity", "cluster_type": "eks-fargate"},
		"want": {"recommended": "irsa"},
	},
	{
		"name": "non-EKS with EC2 nodes: node role",
		"objects": [pod_env(static_env("aws"))], "context": [sa], "parameters": {"cluster_type": "non-eks"},
		"want": {"recommended": "node-role"},
	},
	{
		"name": "non-EKS with EC2 nodes and per-pod permissions: static credentials as last resort",
		"objects": [pod_env(static_env("aws"))], "context": [sa], "parameters": {"cluster_type": "non-eks", "per_pod": true},
		"want": {"recommended": "static-credentials"},
	},
	{
		"name": "non-EKS without EC2 nodes: static credentials with rotation",
		"objects": [pod_env(static_env("aws"))], "context": [sa], "parameters": {"cluster_type": "non-eks", "ec2_nodes": false},
		"want": {"recommended": "static-credentials", "effective": "static-credentials"},
	},
	{
		"name": "non-EKS without EC2 nodes, already on ESO: keep ESO",
		"objects": [pod_env(static_env("aws"))], "context": [sa, external_secret("aws", "team", {})], "parameters": {"cluster_type": "non-eks", "ec2_nodes": false},
		"want": {"recommended": "external-secrets", "effective": "external-secrets"},
	},
	{
		"name": "EKS workload on ESO: IRSA (migrate from static credentials)",
		"objects": [pod_env(static_env("aws"))], "context": [sa, external_secret("aws", "team", {})],
		"want": {"recommended": "irsa"},
	},
]

# --- Table runner ------------------------------------------------------------------------

input_of(c) := {
	"objects": c.objects,
	"context": array.concat(c.objects, c.context),
	"parameters": object.get(c, "parameters", {}),
}

first_workload(c) := w if {
	ws := workloads.workloads with input as input_of(c)
	w := ws[0]
} else := "no workload"

failures(cases) := [{"case": c.name, "got": got} |
	some c in cases
	got := first_workload(c)
	not matches(got, c.want)
]

matches(got, want) if {
	is_object(got)
	every k, v in want {
		got[k] == v
	}
}

test_detection_table := true if {
	count(failures(detection_cases)) == 0
} else := failures(detection_cases)

test_conflict_table := true if {
	count(failures(conflict_cases)) == 0
} else := failures(conflict_cases)

test_recommendation_table := true if {
	count(failures(recommendation_cases)) == 0
} else := failures(recommendation_cases)

# Every method of the vocabulary is detected by some case, and is effective in some case.
vocabulary := {
	"irsa", "pod-identity", "node-role", "static-credentials", "hardcoded-credentials",
	"external-secrets", "ascp", "assumed-role", "kube2iam-kiam", "none",
}

test_every_method_detected := true if {
	count(undetected) == 0
} else := undetected

undetected := vocabulary - {m |
	some c in array.concat(detection_cases, conflict_cases)
	some m in first_workload(c).methods
}

test_every_method_effective := true if {
	count(never_effective) == 0
} else := never_effective

never_effective := vocabulary - {first_workload(c).effective | some c in array.concat(detection_cases, conflict_cases)}

test_ranks if {
	workloads.ranks == {
		"irsa": 1, "pod-identity": 1, "assumed-role": 2, "ascp": 3, "external-secrets": 3,
		"node-role": 4, "kube2iam-kiam": 4, "static-credentials": 5, "hardcoded-credentials": 6,
	}
	workloads.rank_of("none") == null
}

# --- Shape --------------------------------------------------------------------------------

test_one_entry_per_pod_bearing_object_sorted_by_ref if {
	objs := [
		sa,
		deployment({}, {}),
		config_map("aws", {"AWS_REGION": "eu-west-1"}),
		pod_meta({"serviceAccountName": ""}, {"name": "bare"}),
	]
	ws := workloads.workloads with input as {"objects": objs, "context": objs}
	[w.ref | some w in ws] == [1, 3]
	ws[0].serviceAccount == "app"
	ws[1].serviceAccount == "default"
	every w in ws {
		object.keys(w) == {"ref", "serviceAccount", "methods", "effective", "rank", "recommended", "reason"}
	}
}

test_methods_sorted_and_unique if {
	ws := workloads.workloads with input as input_of({
		"objects": [pod({"containers": [
			{"name": "a", "env": static_env("aws")},
			{"name": "b", "env": static_env("aws2")},
			{"name": "c", "env": [v("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY123")]},
		]})],
		"context": [sa_irsa],
	})
	ws[0].methods == ["hardcoded-credentials", "irsa", "static-credentials"]
}

test_no_pods_no_workloads if {
	ws := workloads.workloads with input as {"objects": [sa], "context": [sa]}
	ws == []
}

test_gatekeeper_review_shape if {
	ws := workloads.workloads with input as {"review": {"object": pod_env([region])}, "parameters": {}}
	count(ws) == 1
	ws[0].ref == 0
	ws[0].effective == "node-role"
}
