# METADATA
# title: Gatekeeper adapter
# description: >-
#   The `violation` rule Gatekeeper (and Kubewarden's `gatekeeper` mode)
#   evaluates, over input `{"review": AdmissionRequest, "parameters": {...}}`
#   and `data.inventory`. It reports every finding of every rule in the
#   library (`data.podauth.deny`), or only those listed in the optional
#   parameter `enabledRules`, minus the findings exempted by
#   `exemptNamespaces` and `exemptImages` (a trailing `*` matches a prefix).
#   The message names the rule id. `export gatekeeper` reuses this rule: each
#   template's `violation` is this package's, renamed under `lib.`, over a
#   `deny` that holds only that template's rules.
# scope: package
package podauth.gatekeeper

# Every rule is enabled unless `enabled_rules` lists some.
enabled(_) if not is_array(data.podauth.lib.objects.parameters.enabled_rules)

enabled(id) if {
	some wanted in data.podauth.lib.objects.parameters.enabled_rules
	upper(wanted) == id
}

violation contains message(f) if {
	some f in data.podauth.deny
	enabled(f.rule)
	not exempt(f)
}

message(f) := {"msg": sprintf("[%s] %s", [f.rule, f.msg]), "details": {"rule": f.rule, "path": f.path}}

# The reviewed object is in an exempt namespace.
exempt(f) if {
	ns := data.podauth.lib.k8s.namespace(data.podauth.lib.objects.review[f.ref])
	some pattern in data.podauth.lib.objects.parameters.exempt_namespaces
	matches(pattern, ns)
}

# The finding is inside a container whose image is exempt.
exempt(f) if {
	some c in data.podauth.lib.k8s.containers
	c.ref == f.ref
	inside(f.path, c.path)
	exempt_image(c.container)
}

# The finding is on a pod (template) whose containers all run exempt images.
exempt(f) if {
	pod := data.podauth.lib.k8s.pods[f.ref]
	images := [c | some c in data.podauth.lib.k8s.containers; c.ref == f.ref]
	count(images) > 0
	every c in images {
		exempt_image(c.container)
	}
	startswith(f.path, pod.spec_path)
}

exempt_image(container) if {
	some pattern in data.podauth.lib.objects.parameters.exempt_images
	matches(pattern, object.get(container, "image", ""))
}

inside(path, prefix) if path == prefix

inside(path, prefix) if startswith(path, concat("", [prefix, "."]))

matches(pattern, value) if pattern == value

matches(pattern, value) if {
	endswith(pattern, "*")
	startswith(value, trim_suffix(pattern, "*"))
}
