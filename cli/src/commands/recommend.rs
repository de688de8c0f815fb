//! `kubectl podauth recommend`: the source document's Decision Guide as a
//! command. The answer comes from the policy library
//! (`podauth.lib.decision.recommend`, through `data.podauth.migration.recommendation`).
use super::{emit, load_bundle};
use crate::cli::{CatalogFormat, ClusterType, RecommendArgs, Workflow};
use crate::diag::CliError;
use crate::Exit;
use podauth_policies::{Evaluator, InputDocument};
use std::io::{BufRead, IsTerminal, Write};

const RULE: &str = "data.podauth.migration.recommendation";

/// The guide's questions, answered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Answers {
    pub eks: bool,
    pub ec2_nodes: bool,
    pub per_pod: bool,
    pub preference: &'static str,
    pub cross_account: bool,
    pub external_static_secrets: bool,
    pub fargate: bool,
    pub windows: bool,
}

/// A question not answered by a flag: asked on a terminal, else its default.
pub trait Ask {
    fn yes_no(&mut self, question: &str, default: bool) -> Result<bool, CliError>;
    fn choice(
        &mut self,
        question: &str,
        options: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, CliError>;
}

/// Takes every default.
pub struct Defaults;

impl Ask for Defaults {
    fn yes_no(&mut self, _: &str, default: bool) -> Result<bool, CliError> {
        Ok(default)
    }
    fn choice(
        &mut self,
        _: &str,
        _: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, CliError> {
        Ok(default)
    }
}

/// Prompts on stderr, reads stdin.
struct Terminal;

impl Terminal {
    fn read(question: &str, hint: &str) -> Result<String, CliError> {
        let mut err = std::io::stderr();
        let _ = write!(err, "{question} [{hint}] ");
        let _ = err.flush();
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::new(format!("reading the answer: {e}")))?;
        Ok(line.trim().to_ascii_lowercase())
    }
}

impl Ask for Terminal {
    fn yes_no(&mut self, question: &str, default: bool) -> Result<bool, CliError> {
        loop {
            let hint = if default { "Y/n" } else { "y/N" };
            match Terminal::read(question, hint)?.as_str() {
                "" => return Ok(default),
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                _ => {}
            }
        }
    }
    fn choice(
        &mut self,
        question: &str,
        options: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, CliError> {
        loop {
            let answer = Terminal::read(question, &options.join("/"))?;
            if answer.is_empty() {
                return Ok(default);
            }
            if let Some(o) = options.iter().find(|o| **o == answer) {
                return Ok(o);
            }
        }
    }
}

fn flag(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

/// Resolves the answers: flags first, then `ask` for the questions that still
/// matter (EC2 nodes only off EKS, the workflow only for per-pod on EKS,
/// Fargate and Windows only on EKS).
pub fn resolve(args: &RecommendArgs, ask: &mut dyn Ask) -> Result<Answers, CliError> {
    let (mut eks, mut fargate) = (
        flag(args.eks, args.no_eks),
        flag(args.fargate, args.no_fargate),
    );
    match args.cluster_type {
        Some(ClusterType::Eks) => eks = Some(true),
        Some(ClusterType::EksFargate) => {
            eks = Some(true);
            fargate = fargate.or(Some(true));
        }
        Some(ClusterType::NonEks) => eks = Some(false),
        None => {}
    }
    let eks = match eks {
        Some(v) => v,
        None => ask.yes_no("Is the cluster EKS?", true)?,
    };
    let ec2_nodes = match flag(args.ec2_nodes, args.no_ec2_nodes) {
        Some(v) => v,
        None if !eks => ask.yes_no("Are the nodes EC2 instances?", true)?,
        None => true,
    };
    let per_pod = match flag(args.per_pod, args.uniform) {
        Some(v) => v,
        None => ask.yes_no(
            "Do pods need their own IAM permissions (no: all pods share the same)?",
            eks,
        )?,
    };
    let preference = match args.prefer {
        Some(Workflow::Gitops) => "gitops",
        Some(Workflow::Iac) => "iac",
        None if eks && per_pod => ask.choice(
            "Manage IAM bindings in manifests (gitops) or infrastructure-as-code (iac)?",
            &["gitops", "iac"],
            "gitops",
        )?,
        None => "gitops",
    };
    let cross_account = match flag(args.cross_account, args.no_cross_account) {
        Some(v) => v,
        None => ask.yes_no("Do pods need access to other AWS accounts?", false)?,
    };
    let external_static_secrets = match flag(
        args.external_static_secrets,
        args.no_external_static_secrets,
    ) {
        Some(v) => v,
        None => ask.yes_no(
            "Do pods need static credentials (secrets) from external accounts?",
            false,
        )?,
    };
    let fargate = match fargate {
        Some(v) => v,
        None if eks => ask.yes_no("Do the pods run on Fargate?", false)?,
        None => false,
    };
    let windows = match flag(args.windows, args.no_windows) {
        Some(v) => v,
        None if eks => ask.yes_no("Do the pods run on Windows nodes?", false)?,
        None => false,
    };
    Ok(Answers {
        eks,
        ec2_nodes,
        per_pod,
        preference,
        cross_account,
        external_static_secrets,
        fargate,
        windows,
    })
}

pub fn run(args: &RecommendArgs) -> Result<Exit, CliError> {
    let interactive =
        !args.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let answers = if interactive {
        resolve(args, &mut Terminal)?
    } else {
        resolve(args, &mut Defaults)?
    };
    let bundle = load_bundle(&[])?;
    let evaluator = Evaluator::new(&bundle, &[]).map_err(|e| {
        CliError::new(format!(
            "policies failed to load: {}",
            crate::redact::without_source_lines(&format!("{e:#}"))
        ))
    })?;
    let doc = InputDocument::new(serde_json::json!({ "answers": answers }));
    let answer = evaluator
        .evaluate_rule(&doc, RULE)
        .map_err(|e| CliError::new(format!("{e:#}")))?;
    let field = |k: &str| answer[k].as_str().unwrap_or_default().to_string();
    if field("method").is_empty() {
        return Err(CliError::new("the decision guide gave no answer")
            .hint("this is a bug in a policy; please report it"));
    }
    let next = field("next");
    let next = if next.starts_with("kubectl podauth migrate") {
        format!("{next} -f <manifests> -o <dir>")
    } else {
        next
    };
    match args.output {
        CatalogFormat::Json => {
            let out = serde_json::json!({
                "answers": answers,
                "branch": field("branch"),
                "method": field("method"),
                "reason": field("reason"),
                "next": next,
            });
            emit(|w| crate::printers::write_json(&out, w))?;
        }
        CatalogFormat::Table => {
            let yn = |b: bool| if b { "yes" } else { "no" };
            emit(|w| {
                writeln!(w, "Method:  {}", field("method"))?;
                writeln!(
                    w,
                    "Reason:  \"{}\" (decision guide, {})",
                    field("reason"),
                    field("branch")
                )?;
                writeln!(w, "Next:    {next}")?;
                writeln!(
                    w,
                    "Answers: eks={} ec2-nodes={} per-pod={} prefer={} cross-account={} external-static-secrets={} fargate={} windows={}",
                    yn(answers.eks),
                    yn(answers.ec2_nodes),
                    yn(answers.per_pod),
                    answers.preference,
                    yn(answers.cross_account),
                    yn(answers.external_static_secrets),
                    yn(answers.fargate),
                    yn(answers.windows)
                )
            })?;
        }
    }
    Ok(Exit::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn args(flags: &[&str]) -> RecommendArgs {
        let mut argv = vec!["kubectl-podauth", "recommend"];
        argv.extend_from_slice(flags);
        match Cli::parse_from(argv).command {
            Command::Recommend(a) => a,
            _ => unreachable!("recommend parses to Recommend"),
        }
    }

    /// Answers from a script, recording the questions asked.
    struct Script {
        answers: Vec<&'static str>,
        asked: Vec<String>,
    }

    impl Ask for Script {
        fn yes_no(&mut self, q: &str, _: bool) -> Result<bool, CliError> {
            self.asked.push(q.to_string());
            Ok(self.answers.remove(0) == "y")
        }
        fn choice(
            &mut self,
            q: &str,
            options: &[&'static str],
            _: &'static str,
        ) -> Result<&'static str, CliError> {
            self.asked.push(q.to_string());
            let a = self.answers.remove(0);
            Ok(options
                .iter()
                .find(|o| **o == a)
                .copied()
                .unwrap_or(options[0]))
        }
    }

    #[test]
    fn defaults_follow_the_cluster_type() {
        let a = resolve(&args(&[]), &mut Defaults).unwrap();
        assert!(a.eks && a.per_pod && a.ec2_nodes && !a.fargate);
        assert_eq!(a.preference, "gitops");
        let a = resolve(&args(&["--no-eks"]), &mut Defaults).unwrap();
        assert!(
            !a.eks && !a.per_pod,
            "off EKS the guide starts from shared permissions"
        );
        let a = resolve(&args(&["--cluster-type", "eks-fargate"]), &mut Defaults).unwrap();
        assert!(a.eks && a.fargate);
    }

    #[test]
    fn later_flag_of_a_pair_wins() {
        let a = resolve(&args(&["--eks", "--no-eks"]), &mut Defaults).unwrap();
        assert!(!a.eks);
        let a = resolve(&args(&["--uniform", "--per-pod"]), &mut Defaults).unwrap();
        assert!(a.per_pod);
    }

    #[test]
    fn only_relevant_questions_are_asked() {
        // Non-EKS: EC2 nodes is asked; the workflow, Fargate and Windows are not.
        let mut s = Script {
            answers: vec!["n", "y", "n", "n", "n"],
            asked: vec![],
        };
        let a = resolve(&args(&[]), &mut s).unwrap();
        assert_eq!(s.asked.len(), 5, "{:?}", s.asked);
        assert!(s.asked.iter().any(|q| q.contains("EC2")));
        assert!(!s
            .asked
            .iter()
            .any(|q| q.contains("Fargate") || q.contains("gitops")));
        assert!(!a.eks && a.ec2_nodes && !a.per_pod);

        // EKS, per-pod: the workflow is asked; flags are never asked again.
        let mut s = Script {
            answers: vec!["y", "iac", "n", "n", "n"],
            asked: vec![],
        };
        let a = resolve(&args(&["--eks", "--no-windows"]), &mut s).unwrap();
        assert_eq!(a.preference, "iac");
        assert!(!s
            .asked
            .iter()
            .any(|q| q.contains("EKS?") || q.contains("Windows")));
        assert!(!s.asked.iter().any(|q| q.contains("EC2")));
    }
}
