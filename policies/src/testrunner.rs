//! Runs Rego unit tests (`test_*` rules in `*_test.rego`) under regorus, like `opa test`.
use crate::{Bundle, Purpose};
use regorus::Value;

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
    let engine = bundle.engine(Purpose::Test)?;
    let mut outcomes = Vec::new();
    for file in &bundle.tests {
        for name in test_rule_names(&file.path, &file.text)? {
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

/// Names of `test_*` rules defined at column 1. Rego joins rules of one name
/// (the test passes when any body does), so a second definition would mask a
/// failing first one: it is an error, naming both lines.
fn test_rule_names(file: &str, text: &str) -> Result<Vec<String>, String> {
    let mut names: Vec<(String, usize)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("test_") {
            let ident: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let name = format!("test_{ident}");
            if let Some((_, first)) = names.iter().find(|(n, _)| *n == name) {
                return Err(format!(
                    "{file}:{}: test {name} is already defined at line {first}; rename one (Rego would join them, so one could mask the other)",
                    index + 1
                ));
            }
            names.push((name, index + 1));
        }
    }
    Ok(names.into_iter().map(|(name, _)| name).collect())
}

#[cfg(test)]
mod tests {
    use super::test_rule_names;

    #[test]
    fn test_names_are_read_once_each_and_duplicates_are_refused() {
        let text = "package x_test\n\ntest_a if {\n\ttrue\n}\n\ntest_b if true\n";
        assert_eq!(
            test_rule_names("x_test.rego", text).unwrap(),
            ["test_a", "test_b"]
        );
        let twice = "package x_test\n\ntest_a if {\n\tfalse\n}\n\ntest_a if true\n";
        let err = test_rule_names("x_test.rego", twice).unwrap_err();
        assert!(
            err.contains("x_test.rego:7: test test_a is already defined at line 3"),
            "{err}"
        );
    }
}
