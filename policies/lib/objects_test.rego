package podauth.lib.objects_test

import data.podauth.lib.objects
import data.podauth.lib.result

cm(name) := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "team"}}

test_review_is_the_cli_objects_in_order if {
	review := objects.review with input as {"objects": [cm("a"), cm("b")], "context": []}
	review[0].metadata.name == "a"
	review[1].metadata.name == "b"
	count(review) == 2
}

test_review_from_admission_engines if {
	objects.review == [cm("g")] with input as {"review": {"object": cm("g")}}
	objects.review == [cm("k")] with input as {"request": {"object": cm("k")}}
	objects.review == [] with input as {}
	# The CLI's shape wins, even when empty.
	objects.review == [] with input as {"objects": [], "review": {"object": cm("g")}}
}

test_context_from_each_engine if {
	objects.context == [cm("c")] with input as {"objects": [], "context": [cm("c")]}
	gk := objects.context with input as {"review": {"object": cm("g")}}
		with data.inventory as {"namespace": {"team": {"v1": {"ConfigMap": {"x": {"metadata": {"name": "x", "namespace": "team"}}}}}}}
	gk == [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "team"}}]
	kw := objects.context with input as {"request": {"object": cm("k")}}
		with data.kubernetes as {"configmaps": {"team": {"y": {"metadata": {"name": "y", "namespace": "team"}}}}}
	kw == [{"kind": "ConfigMap", "metadata": {"name": "y", "namespace": "team"}}]
	objects.context == [] with input as {}
}

test_parameters_default_and_camel_case if {
	objects.parameters.cluster_type == "eks" with input as {}
	objects.parameters.inventory_complete == false with input as {"parameters": {}}
	p := objects.parameters with input as {"parameters": {"clusterType": "eks-fargate", "accountId": "111122223333"}}
	p.cluster_type == "eks-fargate"
	p.account_id == "111122223333"
	p.prefer == "irsa"
	both := objects.parameters with input as {"parameters": {"clusterType": "non-eks", "cluster_type": "eks-fargate"}}
	both.cluster_type == "eks-fargate"
}

# A finding's ref is what the rule passes: the object's position in review.
test_finding_keeps_its_ref if {
	result.finding(3, "spec", "m") == {"ref": 3, "path": "spec", "msg": "m"}
	refs := {ref | some ref, obj in objects.review; obj.metadata.name == "b"} with input as {"objects": [cm("a"), cm("b"), cm("c")]}
	refs == {1}
}
