//! `kubectl podauth recommend`: the source document's Decision Guide as a
//! command. The answer comes from the policy library
//! (`podauth.lib.decision.recommend`, through `data.podauth.migration.recommendation`).
use super::{emit, load_bundle, load_evaluator};
use crate::cli::RecommendArgs;
use crate::diag::CliError;
use crate::settings::{CatalogFormat, ClusterType, Prefer};
use crate::Exit;
use podauth_policies::{InputDocument, Parameters};
use std::io::{BufRead, IsTerminal, Write};

const RULE: &str = "data.podauth.migration.recommendation";

/// The guide's questions, answered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Answers {
    pub eks: bool,
    pub ec2_nodes: bool,
    pub per_pod: bool,
    /// `--prefer`, in the same vocabulary as `check --prefer`.
    pub prefer: Prefer,
    pub cross_account: bool,
    pub external_static_secrets: bool,
    pub fargate: bool,
    pub windows: bool,
}

impl Answers {
    /// The decision policy's input. The guide words the per-pod choice as
    /// "GitOps (IRSA) or infrastructure-as-code (Pod Identity)".
    fn policy_input(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).expect("answers serialise");
        let preference = match self.prefer {
            Prefer::Irsa => "gitops",
            Prefer::PodIdentity => "iac",
        };
        v["preference"] = preference.into();
        v
    }
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

/// Prompts on `prompts` (stderr), reads `answers` (stdin). An invalid answer
/// says why and asks again; end of input aborts rather than guessing.
pub struct Prompter<R, W> {
    answers: R,
    prompts: W,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    pub fn new(answers: R, prompts: W) -> Self {
        Prompter { answers, prompts }
    }

    fn read(&mut self, question: &str, hint: &str) -> Result<String, CliError> {
        let _ = write!(self.prompts, "{question} [{hint}] ");
        let _ = self.prompts.flush();
        let mut line = String::new();
        let n = self
            .answers
            .read_line(&mut line)
            .map_err(|e| CliError::new(format!("reading the answer: {e}")))?;
        if n == 0 {
            let _ = writeln!(self.prompts);
            return Err(CliError::new(format!(
                "no answer to {question:?} (end of input); nothing was recommended"
            ))
            .hint("answer every question, or pass flags (or --no-input to take the defaults)"));
        }
        Ok(line.trim().to_ascii_lowercase())
    }

    fn complain(&mut self, message: &str) {
        let _ = writeln!(self.prompts, "  {message}");
    }
}

impl<R: BufRead, W: Write> Ask for Prompter<R, W> {
    fn yes_no(&mut self, question: &str, default: bool) -> Result<bool, CliError> {
        let hint = if default {
            "y/n, default y"
        } else {
            "y/n, default n"
        };
        loop {
            match self.read(question, hint)?.as_str() {
                "" => return Ok(default),
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                other => self.complain(&format!(
                    "{other:?} is not an answer: type y or n, or press Enter for the default"
                )),
            }
        }
    }
    fn choice(
        &mut self,
        question: &str,
        options: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, CliError> {
        let hint = format!("{}, default {default}", options.join("/"));
        loop {
            let answer = self.read(question, &hint)?;
            if answer.is_empty() {
                return Ok(default);
            }
            match options.iter().find(|o| **o == answer) {
                Some(o) => return Ok(o),
                None => self.complain(&format!(
                    "{answer:?} is not one of {}: type one, or press Enter for the default",
                    options.join(", ")
                )),
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
    let prefer = match args.prefer {
        Some(p) => p,
        None if eks && per_pod => {
            let answer = ask.choice(
                "Prefer IRSA (IAM bindings in manifests, GitOps) or EKS Pod Identity (bindings through the EKS API, infrastructure-as-code)?",
                &[Prefer::Irsa.as_str(), Prefer::PodIdentity.as_str()],
                Prefer::Irsa.as_str(),
            )?;
            <Prefer as std::str::FromStr>::from_str(answer).map_err(CliError::new)?
        }
        None => Prefer::Irsa,
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
        prefer,
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
        resolve(
            args,
            &mut Prompter::new(std::io::stdin().lock(), std::io::stderr()),
        )?
    } else {
        resolve(args, &mut Defaults)?
    };
    let bundle = load_bundle(&[])?;
    let evaluator = load_evaluator(&bundle, &[])?;
    let doc = InputDocument::new(&Parameters {
        answers: Some(answers.policy_input()),
        ..Parameters::default()
    });
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
        CatalogFormat::Json | CatalogFormat::Yaml => {
            let out = serde_json::json!({
                "answers": answers,
                "branch": field("branch"),
                "method": field("method"),
                "reason": field("reason"),
                "next": next,
            });
            emit(|w| match args.output {
                CatalogFormat::Yaml => crate::printers::write_yaml(&out, w),
                _ => crate::printers::write_json(&out, w),
            })?;
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
                    answers.prefer.as_str(),
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
        assert_eq!(a.prefer, Prefer::Irsa);
        let a = resolve(&args(&["--no-eks"]), &mut Defaults).unwrap();
        assert!(
            !a.eks && !a.per_pod,
            "off EKS the guide starts from shared permissions"
        );
        let a = resolve(&args(&["--cluster-type", "eks-fargate"]), &mut Defaults).unwrap();
        assert!(a.eks && a.fargate);
    }

    #[test]
    fn contradictory_flags_are_rejected() {
        use clap::Parser;
        for pair in [
            ["--eks", "--no-eks"],
            ["--uniform", "--per-pod"],
            ["--fargate", "--no-fargate"],
            ["--windows", "--no-windows"],
            ["--cross-account", "--no-cross-account"],
            ["--ec2-nodes", "--no-ec2-nodes"],
            ["--external-static-secrets", "--no-external-static-secrets"],
        ] {
            let mut argv = vec!["kubectl-podauth", "recommend"];
            argv.extend_from_slice(&pair);
            let err = Cli::try_parse_from(argv).expect_err("a contradiction is an error");
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ArgumentConflict,
                "{pair:?}"
            );
        }
    }

    #[test]
    fn prompts_show_defaults_say_why_an_answer_is_invalid_and_abort_on_eof() {
        let mut prompts = Vec::new();
        let mut p = Prompter::new("maybe\ny\npodid\npod-identity\n".as_bytes(), &mut prompts);
        assert!(p.yes_no("Is the cluster EKS?", true).unwrap());
        let choice = p
            .choice("Prefer?", &["irsa", "pod-identity"], "irsa")
            .unwrap();
        assert_eq!(choice, "pod-identity");
        let err = p.yes_no("Fargate?", false).expect_err("EOF aborts");
        assert!(err.message.contains("end of input"), "{}", err.message);
        let text = String::from_utf8(prompts).unwrap();
        assert!(
            text.contains("Is the cluster EKS? [y/n, default y]"),
            "{text}"
        );
        assert!(
            text.contains("\"maybe\" is not an answer: type y or n"),
            "{text}"
        );
        assert!(text.contains("[irsa/pod-identity, default irsa]"), "{text}");
        assert!(
            text.contains("\"podid\" is not one of irsa, pod-identity"),
            "{text}"
        );
        assert!(text.contains("Fargate? [y/n, default n]"), "{text}");

        // Enter takes the default that was shown.
        let mut p = Prompter::new("\n".as_bytes(), Vec::new());
        assert!(!p.yes_no("Windows?", false).unwrap());
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
            .any(|q| q.contains("Fargate") || q.contains("Pod Identity")));
        assert!(!a.eks && a.ec2_nodes && !a.per_pod);

        // EKS, per-pod: the workflow is asked; flags are never asked again.
        let mut s = Script {
            answers: vec!["y", "pod-identity", "n", "n", "n"],
            asked: vec![],
        };
        let a = resolve(&args(&["--eks", "--no-windows"]), &mut s).unwrap();
        assert_eq!(a.prefer, Prefer::PodIdentity);
        assert!(!s
            .asked
            .iter()
            .any(|q| q.contains("EKS?") || q.contains("Windows")));
        assert!(!s.asked.iter().any(|q| q.contains("EC2")));
    }
}
