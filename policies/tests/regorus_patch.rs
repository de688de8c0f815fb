//! What the call-site cache in the vendored regorus (vendor/regorus/PODAUTH-PATCH.md) must
//! keep: each case evaluates a call site once, so its target is cached, and then again in a
//! way that must not reuse a stale target.
use regorus::{Engine, Value};

fn engine(modules: &[(&str, &str)]) -> Engine {
    let mut engine = Engine::new();
    for (path, source) in modules {
        engine
            .add_policy(path.to_string(), source.to_string())
            .expect("the test policy parses");
    }
    engine
}

fn rule(engine: &mut Engine, path: &str) -> Value {
    engine
        .eval_rule(path.to_string())
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn with_overrides_reach_call_sites_that_were_already_resolved() {
    let mut engine = engine(&[(
        "t.rego",
        r#"package t
inc(x) := x + 1
times_ten(x) := x * 10
ninety_nine(_) := 99

plain := inc(1)
count_plain := count([1, 2])
f_replaced := v if {
	v := inc(1) with inc as times_ten
}

f_valued := v if {
	v := inc(1) with inc as 7
}

builtin_replaced := v if {
	v := count([1, 2]) with count as ninety_nine
}
"#,
    )]);
    // Twice each, so the second evaluation runs on cached targets.
    for _ in 0..2 {
        assert_eq!(rule(&mut engine, "data.t.plain"), Value::from(2));
        assert_eq!(rule(&mut engine, "data.t.count_plain"), Value::from(2));
        assert_eq!(rule(&mut engine, "data.t.f_replaced"), Value::from(10));
        assert_eq!(rule(&mut engine, "data.t.f_valued"), Value::from(7));
        assert_eq!(
            rule(&mut engine, "data.t.builtin_replaced"),
            Value::from(99)
        );
    }
}

#[test]
fn default_functions_still_answer_undefined_calls() {
    let mut engine = engine(&[(
        "t.rego",
        r#"package t
default label(_) := "other"
label(x) := "one" if x == 1

one := label(1)
two := label(2)
both := [label(n) | some n in [1, 2, 1]]
"#,
    )]);
    for _ in 0..2 {
        assert_eq!(rule(&mut engine, "data.t.one"), Value::from("one"));
        assert_eq!(rule(&mut engine, "data.t.two"), Value::from("other"));
        assert_eq!(
            rule(&mut engine, "data.t.both"),
            Value::from_json_str(r#"["one", "other", "one"]"#).unwrap()
        );
    }
}

#[test]
fn an_import_alias_shadows_the_builtin_namespace_of_the_same_name() {
    // `json.is_valid` is a builtin; through `import data.lib.json` it names the user function.
    let mut engine = engine(&[
        (
            "lib.rego",
            r#"package lib.json
is_valid(_) := "library"
"#,
        ),
        (
            "t.rego",
            r#"package t
import data.lib.json
aliased := json.is_valid("{}")
"#,
        ),
        (
            "u.rego",
            r#"package u
builtin := json.is_valid("{}")
"#,
        ),
    ]);
    for _ in 0..2 {
        assert_eq!(rule(&mut engine, "data.t.aliased"), Value::from("library"));
        assert_eq!(rule(&mut engine, "data.u.builtin"), Value::from(true));
    }
}

#[test]
fn an_extension_added_later_shadows_a_cached_builtin() {
    let mut engine = engine(&[(
        "t.rego",
        r#"package t
shout := upper("a")
"#,
    )]);
    assert_eq!(rule(&mut engine, "data.t.shout"), Value::from("A"));
    engine
        .add_extension(
            "upper".to_string(),
            1,
            Box::new(|_: Vec<Value>| Ok(Value::from("extension"))),
        )
        .expect("the extension is new");
    assert_eq!(rule(&mut engine, "data.t.shout"), Value::from("extension"));
}

#[test]
fn clones_of_a_prepared_engine_agree_with_a_fresh_one() {
    let source = r#"package t
import rego.v1
double(x) := x * 2
values := [double(n) | some n in input.numbers]
"#;
    let mut prepared = engine(&[("t.rego", source)]);
    prepared.set_input(Value::from_json_str(r#"{"numbers": [1]}"#).unwrap());
    assert_eq!(
        rule(&mut prepared, "data.t.values"),
        Value::from_json_str("[2]").unwrap()
    );
    let mut clone = prepared.clone();
    clone.set_input(Value::from_json_str(r#"{"numbers": [2, 3]}"#).unwrap());
    let mut fresh = engine(&[("t.rego", source)]);
    fresh.set_input(Value::from_json_str(r#"{"numbers": [2, 3]}"#).unwrap());
    assert_eq!(
        rule(&mut clone, "data.t.values"),
        rule(&mut fresh, "data.t.values")
    );
}
