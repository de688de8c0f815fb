# METADATA
# title: IAM roles and their trust policies
# description: >-
#   Normalises every IAM role in the context into one record (see "IAM roles"
#   in policies/README.md) and evaluates trust policies the way IAM does for the
#   two ways pods assume roles: AssumeRoleWithWebIdentity from the cluster's
#   OIDC provider (IRSA) and AssumeRole plus TagSession by the
#   pods.eks.amazonaws.com service (EKS Pod Identity). Anything the library
#   cannot evaluate (an unparseable or computed document, a condition key or
#   operator it does not model, NotPrincipal/NotAction) is unknown: it never
#   makes a role trusting or untrusting.
# scope: package
package podauth.lib.iam

import data.podauth.lib.k8s
import data.podauth.lib.objects

# --- Roles, however they are declared ------------------------------------------------

ack_group := "iam.services.k8s.aws"

upbound_groups := {"iam.aws.upbound.io", "iam.aws.m.upbound.io"}

community_group := "iam.aws.crossplane.io"

# What the CLI turns AWS CLI output and Terraform plans into (cli/src/manifest/aws.rs).
podauth_group := "podauth.io"

external_name := "crossplane.io/external-name"

# Where each declaring kind keeps the trust policy, its role name and its ARN.
role_fields(obj) := {
	"document": ["spec", "assumeRolePolicyDocument"],
	"name": object.get(obj, ["spec", "name"], k8s.name(obj)),
	"arn": object.get(obj, ["status", "ackResourceMetadata", "arn"], ""),
} if {
	obj.kind == "Role"
	k8s.group(obj.apiVersion) == ack_group
} else := {
	"document": ["spec", "forProvider", "assumeRolePolicy"],
	"name": crossplane_name(obj),
	"arn": object.get(obj, ["status", "atProvider", "arn"], ""),
} if {
	obj.kind == "Role"
	upbound_groups[k8s.group(obj.apiVersion)]
} else := {
	"document": ["spec", "forProvider", "assumeRolePolicyDocument"],
	"name": crossplane_name(obj),
	"arn": object.get(obj, ["status", "atProvider", "arn"], ""),
} if {
	obj.kind == "Role"
	k8s.group(obj.apiVersion) == community_group
} else := {
	"document": ["spec", "assumeRolePolicyDocument"],
	"name": object.get(obj, ["spec", "roleName"], ""),
	"arn": object.get(obj, ["spec", "arn"], ""),
} if {
	obj.kind == "IAMRole"
	k8s.group(obj.apiVersion) == podauth_group
}

crossplane_name(obj) := name if {
	name := k8s.annotations(obj.metadata)[external_name]
	is_string(name)
	name != ""
} else := k8s.name(obj)

# The normalised record of a role object: name and arn ("" when unknown), the
# trust policy as an object (null when unknown or unparseable), the JSON path
# of the policy in the object, and a label for messages.
role_record(obj) := {
	"name": text(f.name),
	"arn": text(f.arn),
	"document": document(object.get(obj, f.document, null)),
	"path": k8s.path(f.document),
	"label": sprintf("%s %q", [obj.kind, k8s.name(obj)]),
	"identity": identity(obj),
} if f := role_fields(obj)

text(x) := x if is_string(x)
else := ""

# ACK and Crossplane hold the policy as a JSON string; the CLI already decoded
# AWS CLI and Terraform documents. A computed (unknown) document is null.
document(v) := v if {
	is_object(v)
} else := json.unmarshal(v) if {
	is_string(v)
	json.is_valid(v)
	is_object(json.unmarshal(v))
} else := null

identity(obj) := [k8s.group(obj.apiVersion), obj.kind, k8s.namespace(obj), k8s.name(obj)]

roles := idx if idx := data.podauth.lib.objects.prebuilt.iam_roles
else := [r |
	some obj in data.podauth.lib.objects.context
	obj.kind in {"Role", "IAMRole"}
	r := role_record(obj)
]

# Roles in the review, by position, for rules that report on the role itself.
reviewed_roles[ref] := r if {
	some ref, obj in data.podauth.lib.objects.review
	obj.kind in {"Role", "IAMRole"}
	r := role_record(obj)
}

# The last path segment of a role ARN is the role's name (role names are unique per account).
arn_role_name(arn) := parts[count(parts) - 1] if {
	is_string(arn)
	contains(arn, ":role/")
	parts := split(arn, "/")
}

# Records of the role an ARN names: by ARN, or by name when the record's ARN is unknown.
roles_for_arn(arn) := {r |
	is_string(arn)
	arn != ""
	some r in roles
	role_matches(r, arn)
}

role_matches(r, arn) if r.arn == arn

role_matches(r, arn) if {
	r.arn == ""
	r.name != ""
	r.name == arn_role_name(arn)
}

# --- Trust policy grammar -------------------------------------------------------------

as_list(x) := x if {
	is_array(x)
} else := [] if {
	x == null
} else := [x]

statements(doc) := [s |
	is_object(doc)
	some s in as_list(object.get(doc, "Statement", []))
	is_object(s)
]

allows(s) if s.Effect == "Allow"

# Actions and condition keys are case-insensitive in IAM; values are not.
grants_action(s, action) if {
	some p in as_list(object.get(s, "Action", []))
	is_string(p)
	like(lower(p), lower(action))
}

# StringLike: `*` is any run of characters (including none), `?` one character.
like(pattern, value) if pattern == value

like(pattern, value) if {
	regex.match(`[*?]`, pattern)
	regex.match(like_regex(pattern), value)
}

like_regex(pattern) := concat("", ["^", replace(replace(regex.replace(pattern, `[.+^$()\[\]{}|\\]`, `\$0`), "*", ".*"), "?", "."), "$"])

principals(s, type) := [p |
	is_object(s.Principal)
	some p in as_list(object.get(s.Principal, type, []))
	is_string(p)
]

oidc_marker := ":oidc-provider/"

# oidc.eks.eu-west-1.amazonaws.com/id/ABC of arn:aws:iam::1:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC.
oidc_providers(s) := [substring(p, i + count(oidc_marker), -1) |
	some p in principals(s, "Federated")
	i := indexof(p, oidc_marker)
	i >= 0
]

# Every condition of a statement, one entry per operator and key.
conditions(s) := [{"op": op, "base": base_operator(op), "key": k, "lkey": lower(k), "values": as_list(v)} |
	is_object(s.Condition)
	some op, block in s.Condition
	is_object(block)
	some k, v in block
]

# ForAnyValue:/ForAllValues: on a single-valued key (sub, aud, SourceAccount)
# behave as the plain operator; IfExists changes only a missing key.
base_operator(op) := trim_suffix(trim_prefix(trim_prefix(op, "ForAnyValue:"), "ForAllValues:"), "IfExists")

string_operators := {
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
	"StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
}

negated := {op | some op, _ in positive}

# Whether a string condition holds for the request value x.
holds(c, x) if {
	not negated[c.base]
	some v in c.values
	matches_value(c.base, v, x)
}

holds(c, x) if {
	negated[c.base]
	not any_match(c, x)
}

any_match(c, x) if {
	some v in c.values
	matches_value(positive[c.base], v, x)
}

positive := {
	"StringNotEquals": "StringEquals",
	"StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
	"StringNotLike": "StringLike",
}

matches_value("StringEquals", v, x) if v == x

matches_value("StringEqualsIgnoreCase", v, x) if {
	is_string(v)
	lower(v) == lower(x)
}

matches_value("StringLike", v, x) if {
	is_string(v)
	like(v, x)
}

# A key the request does not carry: only IfExists and negated operators hold.
holds_missing(c) if endswith(c.op, "IfExists")

holds_missing(c) if negated[c.base]

# A statement IAM cannot be modelled on here.
opaque(s) if object.get(s, "NotPrincipal", null) != null

opaque(s) if object.get(s, "NotAction", null) != null

# --- IRSA: AssumeRoleWithWebIdentity ---------------------------------------------------

web_identity_action := "sts:AssumeRoleWithWebIdentity"

default_audience := "sts.amazonaws.com"

web_identity_statements(doc) := [s |
	some s in statements(doc)
	allows(s)
	grants_action(s, web_identity_action)
	count(oidc_providers(s)) > 0
]

# The cluster's OIDC provider (host/path, as in a trust policy's condition
# keys) when known: the oidc_provider parameter (check --oidc-provider).
cluster_provider := p if {
	raw := object.get(data.podauth.lib.objects.parameters, "oidc_provider", "")
	is_string(raw)
	p := trim_right(trim_prefix(raw, "https://"), "/")
	p != ""
}

# The claim a condition key tests for a statement trusting `provider`:
# "sub", "aud", "other-provider" (a claim of another issuer, absent from the
# token) or "unknown".
claim(c, provider) := "sub" if {
	c.lkey == lower(concat("", [provider, ":sub"]))
} else := "aud" if {
	c.lkey == lower(concat("", [provider, ":aud"]))
} else := "other-provider" if {
	contains(c.lkey, "oidc.")
	regex.match(`:(sub|aud|amr)$`, c.lkey)
} else := "unknown"

# How one statement treats the token of `subject` (system:serviceaccount:ns:sa)
# with `audience`: "admits", "rejects" or "unknown", with the reasons for a rejection.
web_identity_verdict(s, provider, subject, audience) := {"verdict": "unknown", "reasons": []} if {
	some c in conditions(s)
	not web_identity_evaluable(c, provider)
} else := {"verdict": "rejects", "reasons": reasons} if {
	reasons := web_identity_rejections(s, provider, subject, audience)
	count(reasons) > 0
} else := {"verdict": "admits", "reasons": []}

web_identity_evaluable(c, provider) if {
	string_operators[c.base]
	claim(c, provider) != "unknown"
}

web_identity_rejections(s, provider, subject, audience) := sort(array.concat(
	[sprintf("it trusts the OIDC provider %s, not the cluster's %s", [provider, cluster_provider]) |
		cluster_provider
		lower(provider) != lower(cluster_provider)
	],
	[reason |
		some c in conditions(s)
		value := claim_value(claim(c, provider), subject, audience)
		not condition_holds(c, value)
		reason := sprintf("%s %s is %s", [c.op, c.key, json.marshal(c.values)])
	],
))

claim_value("sub", subject, _) := subject

claim_value("aud", _, audience) := audience

claim_value("other-provider", _, _) := null

condition_holds(c, null) if holds_missing(c)

condition_holds(c, value) if {
	is_string(value)
	holds(c, value)
}

# The verdict of a whole trust policy for one token: admits when one statement
# does; unknown when a statement is unknown or opaque; else rejects, with
# every statement's reasons.
trust_for_token(doc, subject, audience) := {"verdict": "admits", "reasons": []} if {
	some s in web_identity_statements(doc)
	some p in oidc_providers(s)
	web_identity_verdict(s, p, subject, audience).verdict == "admits"
} else := {"verdict": "unknown", "reasons": []} if {
	some s in statements(doc)
	opaque(s)
} else := {"verdict": "unknown", "reasons": []} if {
	some s in web_identity_statements(doc)
	some p in oidc_providers(s)
	web_identity_verdict(s, p, subject, audience).verdict == "unknown"
} else := {"verdict": "rejects", "reasons": ["it has no Allow statement granting sts:AssumeRoleWithWebIdentity to a Federated OIDC provider"]} if {
	count(web_identity_statements(doc)) == 0
} else := {"verdict": "rejects", "reasons": reasons} if {
	reasons := sort({r |
		some s in web_identity_statements(doc)
		some p in oidc_providers(s)
		some r in web_identity_verdict(s, p, subject, audience).reasons
	})
}

irsa_subject(ns, name) := sprintf("system:serviceaccount:%s:%s", [ns, name])

# The audience the webhook requests for a ServiceAccount's token.
audience_of(sa) := a if {
	a := k8s.annotations(sa.metadata)["eks.amazonaws.com/audience"]
	is_string(a)
	a != ""
} else := default_audience

# ServiceAccount keys ("ns/name") of the context whose IRSA role is untrusting.
untrusting_irsa := idx if idx := data.podauth.lib.objects.prebuilt.untrusting_irsa
else := {k: u |
	some k, sa in data.podauth.lib.k8s.service_accounts
	u := untrusting_irsa_role(sa)
}

# For a ServiceAccount whose IRSA role is known and whose every record of that
# role has a trust policy that rejects its token (the pod gets no web identity
# credentials): the ARN, the role labels and the reasons.
untrusting_irsa_role(sa) := {"arn": arn, "labels": sort({r.label | some r in rs}), "reasons": reasons} if {
	arn := k8s.irsa_role(sa)
	rs := roles_for_arn(arn)
	count(rs) > 0
	subject := irsa_subject(k8s.namespace(sa), k8s.name(sa))
	verdicts := [token_verdict(r, subject, audience_of(sa)) | some r in rs]
	every v in verdicts {
		v.verdict == "rejects"
	}
	reasons := sort({x | some v in verdicts; some x in v.reasons})
}

token_verdict(r, subject, audience) := {"verdict": "unknown", "reasons": []} if {
	r.document == null
} else := trust_for_token(r.document, subject, audience)

# How broad each web-identity statement's :sub is: "any" (no :sub condition,
# or a pattern that spans namespaces) or "namespace" (every ServiceAccount of
# one namespace). Exact subjects are not listed.
broad_subjects(doc) := [{"statement": i, "provider": p, "scope": scope, "pattern": pattern} |
	some i, s in statements(doc)
	allows(s)
	grants_action(s, web_identity_action)
	some p in oidc_providers(s)
	some b in sub_breadth(s, p)
	scope := b.scope
	pattern := b.pattern
]

sub_breadth(s, p) := [{"scope": "any", "pattern": ""}] if {
	not restricts_sub(s, p)
} else := [{"scope": pattern_scope(v), "pattern": v} |
	some c in conditions(s)
	claim(c, p) == "sub"
	c.base == "StringLike"
	some v in c.values
	is_string(v)
	pattern_scope(v) != "exact"
]

# A positive :sub condition narrows who may assume the role.
restricts_sub(s, p) if {
	some c in conditions(s)
	claim(c, p) == "sub"
	c.base in {"StringEquals", "StringLike", "StringEqualsIgnoreCase"}
}

sa_prefix := "system:serviceaccount:"

pattern_scope(v) := "exact" if {
	not regex.match(`[*?]`, v)
} else := "namespace" if {
	startswith(v, sa_prefix)
	rest := substring(v, count(sa_prefix), -1)
	i := indexof(rest, ":")
	i > 0
	not regex.match(`[*?]`, substring(rest, 0, i))
} else := "any"

# --- EKS Pod Identity: AssumeRole + TagSession by pods.eks.amazonaws.com -------------

pod_identity_service := "pods.eks.amazonaws.com"

pod_identity_statements(doc) := [s |
	some s in statements(doc)
	allows(s)
	some p in principals(s, "Service")
	lower(p) == pod_identity_service
]

# Actions the trust policy lacks for Pod Identity (both are required).
missing_pod_identity_actions(doc) := [a |
	some a in ["sts:AssumeRole", "sts:TagSession"]
	not pod_identity_grants(doc, a)
]

pod_identity_grants(doc, action) if {
	some s in pod_identity_statements(doc)
	grants_action(s, action)
}

# Condition keys that tie a Pod Identity role to this account or cluster.
source_keys := {"aws:sourceaccount", "aws:sourcearn"}

unscoped_pod_identity_statements(doc) := [i |
	some i, s in statements(doc)
	allows(s)
	some p in principals(s, "Service")
	lower(p) == pod_identity_service
	not scoped(s)
]

scoped(s) if {
	some c in conditions(s)
	source_keys[c.lkey]
}

# --- Which role an association names ------------------------------------------------

# The role records of one association entry: by ARN, else by the reference
# ACK (spec.roleRef.from.name), Crossplane (spec.forProvider.roleArnRef.name)
# or a Terraform plan (spec.roleName, from the role_arn expression) makes.
association_roles(obj, a) := roles_for_arn(a.role_arn) if {
	is_string(a.role_arn)
	a.role_arn != ""
} else := {r |
	is_object(obj.spec.roleRef.from)
	name := obj.spec.roleRef.from.name
	k8s.group(obj.apiVersion) == "eks.services.k8s.aws"
	ns := object.get(obj.spec.roleRef.from, "namespace", k8s.namespace(obj))
	some r in roles
	r.identity == [ack_group, "Role", ns, name]
} if {
	obj.kind == "PodIdentityAssociation"
	is_object(obj.spec.roleRef)
} else := {r |
	name := obj.spec.forProvider.roleArnRef.name
	some r in roles
	upbound_groups[r.identity[0]]
	r.identity[1] == "Role"
	r.identity[3] == name
} if {
	obj.kind == "PodIdentityAssociation"
	is_object(obj.spec.forProvider.roleArnRef)
} else := {r |
	some r in roles
	r.name == obj.spec.roleName
} if {
	obj.kind == "PodIdentityAssociation"
	k8s.group(obj.apiVersion) == podauth_group
	is_string(obj.spec.roleName)
	obj.spec.roleName != ""
} else := set()

# --- Who uses which role ----------------------------------------------------------------

# One entry per ServiceAccount bound to a role: IRSA annotations of
# ServiceAccounts, and every Pod Identity association whose role is known by
# ARN or reference, in the context or under review (admission engines keep the
# reviewed object out of their inventory). `role` is the role's name (unique
# per account).
role_users := array.concat(users_declared_by(review_only_role_objects), context_role_users)

# The role users the context declares: a lookup index, built once per run.
context_role_users := idx if idx := data.podauth.lib.objects.prebuilt.context_role_users
else := users_declared_by(data.podauth.lib.objects.context)

users_declared_by(objs) := array.concat(
	[{"role": arn_role_name(arn), "arn": arn, "namespace": k8s.namespace(sa), "service_account": k8s.name(sa), "via": "IRSA", "identity": identity(sa), "path": data.podauth.lib.k8s.irsa_annotation_path} |
		some sa in objs
		sa.kind == "ServiceAccount"
		arn := k8s.irsa_role(sa)
		arn_role_name(arn)
	],
	[{"role": name, "arn": arn, "namespace": a.namespace, "service_account": a.service_account, "via": "Pod Identity", "identity": identity(obj), "path": a.path} |
		some obj in objs
		k8s.association_kinds[obj.kind]
		some a in k8s.association_entries(obj)
		is_string(a.namespace)
		is_string(a.service_account)
		some [name, arn] in association_role_names(obj, a)
	],
)

association_role_names(obj, a) := {[arn_role_name(a.role_arn), a.role_arn]} if {
	arn_role_name(a.role_arn)
} else := {[r.name, r.arn] | some r in association_roles(obj, a); r.name != ""}

context_identities := idx if idx := data.podauth.lib.objects.prebuilt.context_identities
else := {identity(obj) | some obj in data.podauth.lib.objects.context}

# Kinds that can declare a role user.
role_user_kinds := {"ServiceAccount"} | data.podauth.lib.k8s.association_kinds

# Reviewed objects that can declare a role user and are missing from the
# context (admission).
review_only_role_objects := [obj |
	some obj in data.podauth.lib.objects.review
	role_user_kinds[obj.kind]
	not context_identities[identity(obj)]
]

# [identity, position] of every reviewed object of a role-user kind (the only
# identities review_ref is asked for); an identity may repeat.
review_refs contains [identity(obj), ref] if {
	some ref, obj in data.podauth.lib.objects.review
	role_user_kinds[obj.kind]
}

# The first position of a reviewed object with this identity.
review_ref(id) := min({ref | some [i, ref] in review_refs; i == id})
