//! Runs Rego unit tests (`test_*` rules in `*_test.rego`) under regorus, like `opa test`.
use crate::Bundle;
use regorus::{Engine, Value};

/// The outcome of one `test_*` rule.
#[derive(Debug, Clone)]
pub struct TestOutcome {
    pub file: String,
    pub package: String,
    pub name: String,
    pub passed: bool,
    /// Why it failed: an evaluation error, or the value it produced instead of true.
    pub detail: Option<String>,
}

/// Evaluates every test rule of every test file in the bundle.
pub fn run_tests(bundle: &Bundle) -> Result<Vec<TestOutcome>, String> {
    let mut engine = Engine::new();
    for file in bundle.modules().chain(bundle.tests.iter()) {
        engine
            .add_policy(file.path.clone(), file.text.clone())
            .map_err(|e| format!("{e}"))?;
    }
    let mut outcomes = Vec::new();
    for file in &bundle.tests {
        for name in test_rule_names(&file.text) {
            let mut eng = engine.clone();
            let result = eng.eval_rule(format!("data.{}.{}", file.package, name));
            let (passed, detail) = match result {
                Ok(Value::Bool(true)) => (true, None),
                Ok(Value::Undefined) => (false, Some("undefined (a condition was false)".into())),
                Ok(other) => (false, Some(format!("evaluated to {other}"))),
                Err(e) => (false, Some(format!("error: {e}"))),
            };
            outcomes.push(TestOutcome {
                file: file.path.clone(),
                package: file.package.clone(),
                name,
                passed,
                detail,
            });
        }
    }
    Ok(outcomes)
}

/// Names of `test_*` rules defined at column 1, each once.
fn test_rule_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("test_") {
            let ident: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let name = format!("test_{ident}");
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}
