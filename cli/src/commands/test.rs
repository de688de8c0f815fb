use super::{emit, load_bundle, policies_failed_to_load};
use crate::cli::TestArgs;
use crate::diag::CliError;
use crate::printers;
use crate::Exit;

/// Runs the Rego unit tests: the built-in ones when no directory is given,
/// otherwise those of the given directories (with the built-in library loaded).
pub fn run(args: &TestArgs, color: bool) -> Result<Exit, CliError> {
    let embedded_tests = podauth_policies::Bundle::embedded().tests.len();
    let mut bundle = load_bundle(&args.dirs)?;
    if !args.dirs.is_empty() {
        bundle.tests.drain(..embedded_tests);
    }
    let outcomes = podauth_policies::run_tests(&bundle).map_err(|e| policies_failed_to_load(&e))?;
    emit(|out| printers::print_test_outcomes(&outcomes, args.verbose, color, out))?;
    if outcomes.is_empty() {
        return Err(CliError::new("no test_* rules found").hint("tests live in *_test.rego files"));
    }
    Ok(if outcomes.iter().all(|o| o.passed) {
        Exit::Clean
    } else {
        Exit::Findings
    })
}
