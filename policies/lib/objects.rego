# METADATA
# title: Engine adapters
# description: >-
#   Turns each engine's input shape into the same two collections. Rules read
#   `review` (objects that may produce findings) and `context` (objects
#   used only for cross-object lookups); they never read `input` or `data` directly.
# scope: package
package podauth.lib.objects

# Objects under review, by position. The CLI sends {"objects": [...]};
# Gatekeeper sends {"review": {"object": ...}}; Kubewarden's opa mode sends
# {"request": {"object": ...}}. A finding's `ref` is the position in this array.
review := input.objects if {
	is_array(input.objects)
} else := [input.review.object] if {
	is_object(input.review.object)
} else := [input.request.object] if {
	is_object(input.request.object)
} else := []

# Objects available for lookups, unique by identity. The CLI de-duplicates
# `input.context`; admission engines supply their own inventories.
context := input.context if {
	is_array(input.context)
} else := gatekeeper_inventory if {
	is_object(data.inventory)
# podauth:kubewarden-only:begin
} else := kubewarden_inventory if {
	is_object(data.kubernetes)
# podauth:kubewarden-only:end
} else := []

# Lookup indexes the CLI built once for the whole run from the same context
# (podauth.lib.lookups.index) and passes with each shard it evaluates; {} when
# absent, and then each index is built from the context where it is defined.
prebuilt := input.lookups if {
	is_object(input.lookups)
} else := {}

# data.inventory.cluster[groupVersion][kind][name] and
# data.inventory.namespace[namespace][groupVersion][kind][name].
gatekeeper_inventory := array.concat(
	[with_type(obj, gv, kind) |
		some gv, kinds in object.get(data.inventory, "cluster", {})
		some kind, objs in kinds
		some obj in objs
	],
	[with_type(obj, gv, kind) |
		some _, gvs in object.get(data.inventory, "namespace", {})
		some gv, kinds in gvs
		some kind, objs in kinds
		some obj in objs
	],
)

# Inventories may hold list items, which carry no apiVersion/kind.
with_type(obj, gv, kind) := object.union({"apiVersion": gv, "kind": kind}, obj)

# podauth:kubewarden-only:begin
# Gatekeeper rejects templates that read data outside data.inventory and
# data.lib, so `export gatekeeper` drops these marked regions.

# data.kubernetes[plural][namespace][name] or data.kubernetes[plural][name].
kubewarden_inventory := array.concat(
	[with_plural(obj, plural) |
		some plural, by_name in data.kubernetes
		some obj in by_name
		is_object(obj.metadata)
	],
	[with_plural(obj, plural) |
		some plural, by_ns in data.kubernetes
		some by_name in by_ns
		not is_object(by_name.metadata)
		some obj in by_name
		is_object(obj)
	],
)

with_plural(obj, plural) := object.union({"kind": kind_of_plural[plural]}, obj) if {
	kind_of_plural[plural]
} else := obj

# From the kind registry (policies/src/kinds.rs).
kind_of_plural := data.podauth.lib.kinds.kind_of_plural

# podauth:kubewarden-only:end

default_parameters := {
	"account_id": "",
	"prefer": "irsa",
	"cluster_type": "eks",
	"exempt_namespaces": [],
	"exempt_images": [],
	# True when the context holds every object of its kinds in the namespaces
	# it covers (live mode); lets "not found" rules trust an absence.
	"inventory_complete": false,
	# The cluster's OIDC issuer host/path (check --oidc-provider), "" when unknown.
	"oidc_provider": "",
}

# Gatekeeper and the CLI pass parameters as input.parameters; Kubewarden's opa
# mode merges the policy settings into the root of data.
parameters := object.union(default_parameters, snake_case(input.parameters)) if {
	is_object(input.parameters)
# podauth:kubewarden-only:begin
} else := object.union(default_parameters, kubewarden_settings) if {
	is_object(input.request)
# podauth:kubewarden-only:end
} else := default_parameters

# podauth:kubewarden-only:begin
kubewarden_settings := {k: data[k] | some k, _ in default_parameters; data[k]}

# podauth:kubewarden-only:end
# Constraint parameters follow Kubernetes' camelCase (`exemptNamespaces`); the
# snake_case spelling wins when both are given.
camel_case_names := {
	"accountId": "account_id",
	"clusterType": "cluster_type",
	"exemptNamespaces": "exempt_namespaces",
	"exemptImages": "exempt_images",
	"enabledRules": "enabled_rules",
	"inventoryComplete": "inventory_complete",
	"oidcProvider": "oidc_provider",
}

snake_case(given) := object.union(
	{snake: v | some k, v in given; snake := camel_case_names[k]},
	{k: v | some k, v in given; not camel_case_names[k]},
)
