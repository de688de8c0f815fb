# METADATA
# title: Gatekeeper adapter
# description: >-
#   The `violation` rule Gatekeeper (and Kubewarden's `gatekeeper` mode)
#   evaluates, over input `{"review": AdmissionRequest, "parameters": {...}}`
#   and `data.inventory`. It reports every finding of every rule in the
#   library (`data.podauth.deny`), or only those listed in the optional
#   parameter `enabled_rules`. The message names the rule id.
# scope: package
package podauth.gatekeeper

parameters := input.parameters if {
	is_object(input.parameters)
} else := {}

# Every rule is enabled unless `parameters.enabled_rules` lists some.
enabled(_) if not is_array(parameters.enabled_rules)

enabled(id) if {
	some wanted in parameters.enabled_rules
	upper(wanted) == id
}

violation contains {"msg": sprintf("[%s] %s", [f.rule, f.msg]), "details": {"rule": f.rule, "path": f.path}} if {
	some f in data.podauth.deny
	enabled(f.rule)
}
