use super::{emit, load_bundle};
use crate::cli::{CatalogArgs, CatalogFormat, ExplainArgs};
use crate::diag::CliError;
use crate::printers;
use crate::Exit;

pub fn rules(args: &CatalogArgs) -> Result<Exit, CliError> {
    let bundle = load_bundle(&args.policies)?;
    let rules: Vec<_> = bundle.rules.iter().collect();
    emit(|out| printers::print_rules(&rules, args.output == CatalogFormat::Json, out))?;
    Ok(Exit::Clean)
}

pub fn explain(args: &ExplainArgs, color: bool) -> Result<Exit, CliError> {
    let bundle = load_bundle(&args.catalog.policies)?;
    let rule = bundle.rule(&args.rule).ok_or_else(|| {
        CliError::new(format!("no rule {:?}", args.rule))
            .hint("`kubectl podauth rules` lists every rule id")
    })?;
    emit(|out| {
        printers::print_explain(rule, args.catalog.output == CatalogFormat::Json, color, out)
    })?;
    Ok(Exit::Clean)
}
