use super::{emit, load_bundle};
use crate::cli::{CatalogArgs, ExplainArgs};
use crate::diag::CliError;
use crate::printers;
use crate::Exit;

pub fn rules(args: &CatalogArgs) -> Result<Exit, CliError> {
    let bundle = load_bundle(&args.policies)?;
    let rules: Vec<_> = bundle.rules.iter().collect();
    emit(|out| printers::print_rules(&rules, args.output, out))?;
    Ok(Exit::Clean)
}

pub fn explain(args: &ExplainArgs, color: bool) -> Result<Exit, CliError> {
    let bundle = load_bundle(&args.catalog.policies)?;
    let wanted = args.rule.trim();
    let rule = bundle
        .rule(wanted)
        .or_else(|| {
            bundle
                .rules
                .iter()
                .find(|r| r.meta.name.eq_ignore_ascii_case(wanted))
        })
        .ok_or_else(|| {
            CliError::new(format!("no rule with the id or name {:?}", args.rule))
                .hint("`kubectl podauth rules` lists every rule id and name")
        })?;
    emit(|out| printers::print_explain(rule, args.catalog.output, color, out))?;
    Ok(Exit::Clean)
}
