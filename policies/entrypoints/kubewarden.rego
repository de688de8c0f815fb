# METADATA
# title: Kubewarden adapter
# description: >-
#   The document Kubewarden's `opa` execution mode reads: an AdmissionReview
#   envelope whose `response` is the AdmissionResponse (Kubewarden reads
#   `result[0].result.response` and overwrites its `uid`). Input is
#   `{"request": AdmissionRequest}`; data is the policy settings plus the
#   `kubernetes` inventory. The optional setting `enabled_rules` limits the
#   rules reported; messages name the rule id.
# scope: package
package podauth.kubewarden

# Every rule is enabled unless the settings list some.
enabled(_) if not is_array(data.enabled_rules)

enabled(id) if {
	some wanted in data.enabled_rules
	upper(wanted) == id
}

messages contains sprintf("[%s] %s", [f.rule, f.msg]) if {
	some f in data.podauth.deny
	enabled(f.rule)
}

default uid := ""

uid := input.request.uid if is_string(input.request.uid)

admission := {"uid": uid, "allowed": true} if {
	count(messages) == 0
} else := {
	"uid": uid,
	"allowed": false,
	"status": {"message": concat(", ", sort([m | some m in messages]))},
}

response := {
	"apiVersion": "admission.k8s.io/v1",
	"kind": "AdmissionReview",
	"response": admission,
}
