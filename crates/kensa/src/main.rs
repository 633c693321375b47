//! `kensa`: the security design sheet, executable.
//!
//! Exit codes: 0 when no finding is FAIL or ERROR, 1 when one is, 2 when
//! kensa itself could not run (bad arguments, config or snapshot).
//! SUPPRESSED findings (accepted by an exception) do not count.
//! `kensa diff` exits 1 when the newer result introduces a FAIL or ERROR.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use kensa_checks::config::DEFAULT_CONFIG_TOML;
use kensa_checks::frameworks::Framework;
use kensa_checks::{Config, Lang, Report, Selection, Source, docs, registry};
use kensa_collect::CollectOptions;
use kensa_report::{TextOptions, render_json, render_text};

mod detect_cmd;
mod diff_cmd;
mod network_cmd;
mod security_hub;

#[derive(Debug, Parser)]
#[command(
    name = "kensa",
    version,
    about = "Audit an AWS account against its security design sheet (検査)",
    long_about = None,
)]
struct Cli {
    /// Language of everything people read [default: from the locale]
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,

    /// Configuration file [default: ./kensa.toml when present]
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    En,
    Ja,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decide, requirement by requirement, whether the account meets the sheet
    Audit(AuditArgs),
    /// Save the account's state as a snapshot for offline audits
    Collect(CollectArgs),
    /// List the checks
    Checks {
        /// Only the checks serving this requirement (e.g. IAM-5)
        #[arg(long, value_name = "ID")]
        requirement: Option<String>,
    },
    /// Show who can reach which security group, or whether one endpoint can reach another
    Network(network_cmd::NetworkArgs),
    /// Compare two JSON results: new, resolved and changed findings
    Diff(diff_cmd::DiffArgs),
    /// Find the sheet's suspicious operations (ALM-1..ALM-11) and your own rules in CloudTrail logs
    Detect(detect_cmd::DetectArgs),
    /// Work with CloudWatch Logs filter patterns
    #[command(subcommand)]
    Pattern(detect_cmd::PatternCommand),
    /// Document one check
    Explain {
        /// The check's ID (see `kensa checks`)
        check_id: String,
    },
    /// Write a commented kensa.toml with the sheet's defaults
    Init {
        /// Where to write it
        #[arg(default_value = "kensa.toml")]
        path: PathBuf,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
}

/// The AWS CLI's own flags; the standard environment variables
/// (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL...) work as well.
#[derive(Debug, Args)]
struct AwsArgs {
    /// Named profile from the AWS config files
    #[arg(long)]
    profile: Option<String>,
    /// Region to audit; repeat for several [default: the account's enabled regions]
    #[arg(long = "region", value_name = "REGION")]
    regions: Vec<String>,
    /// Send every AWS call to this endpoint (an AWS-compatible emulator)
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
    /// Most AWS calls in flight at once
    #[arg(long, default_value_t = 16, value_name = "N")]
    max_in_flight: usize,
    /// Attempts per AWS call, retries on throttling included
    #[arg(long, env = "AWS_MAX_ATTEMPTS", default_value_t = 8, value_name = "N")]
    max_attempts: u32,
}

#[derive(Debug, Args)]
struct AuditArgs {
    #[command(flatten)]
    aws: AwsArgs,
    /// Audit a saved snapshot instead of the live account (.json or .json.zst)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["profile", "regions", "endpoint_url"])]
    snapshot: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report here instead of standard output
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Run only this check; repeat for several
    #[arg(long = "check", value_name = "ID")]
    checks: Vec<String>,
    /// Run only the checks serving this requirement (e.g. IAM-5); repeat for several
    #[arg(long = "requirement", value_name = "ID")]
    requirements: Vec<String>,
    /// List every passing resource, not only a count
    #[arg(long, short)]
    verbose: bool,
    /// Also send the findings to AWS Security Hub (securityhub:BatchImportFindings):
    /// the one write call kensa makes, and only when asked
    #[arg(long)]
    to_security_hub: bool,
    /// Security Hub region for --to-security-hub and for account-wide findings in
    /// --format asff|ocsf [default: the first audited region]
    #[arg(long, value_name = "REGION")]
    security_hub_region: Option<String>,
    /// Group the report by a framework's controls, with coverage
    #[arg(long, value_enum, value_name = "FRAMEWORK")]
    framework: Option<FrameworkArg>,
}

/// `--framework`: which controls to group findings by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FrameworkArg {
    /// The design sheet's sections and requirements, unchecked ones as MANUAL
    Sheet,
    /// CIS AWS Foundations Benchmark v1.2.0
    #[value(name = "cis-1.2")]
    Cis12,
    /// AWS Foundational Security Best Practices (Security Hub control IDs)
    Fsbp,
    /// PCI DSS v3.2.1 as Security Hub names its controls
    PciDss,
}

impl FrameworkArg {
    fn framework(self) -> Framework {
        match self {
            FrameworkArg::Sheet => Framework::Sheet,
            FrameworkArg::Cis12 => Framework::Cis12,
            FrameworkArg::Fsbp => Framework::Fsbp,
            FrameworkArg::PciDss => Framework::PciDss,
        }
    }
}

#[derive(Debug, Args)]
struct CollectArgs {
    #[command(flatten)]
    aws: AwsArgs,
    /// Snapshot file; a name ending in .zst is compressed
    #[arg(long, short, value_name = "FILE")]
    output: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    /// SARIF 2.1.0 (FAIL and ERROR findings), for code-scanning dashboards
    Sarif,
    /// JUnit XML, for CI test reports
    Junit,
    /// CSV, one row per finding
    Csv,
    /// Markdown, for pull-request comments and audit evidence
    Markdown,
    /// AWS Security Finding Format: a JSON array BatchImportFindings accepts
    Asff,
    /// OCSF 1.5.0 Compliance Finding events (class 2003), as a JSON array
    Ocsf,
    /// One self-contained HTML page (no network access), to read in a browser or print
    Html,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("kensa: error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let lang = match cli.lang {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Ja) => Lang::Ja,
        None => Lang::from_env(),
    };
    match cli.command {
        Command::Audit(args) => {
            let config = load_config(cli.config.as_deref())?;
            audit(args, &config, lang)
        }
        Command::Network(args) => {
            let config = load_config(cli.config.as_deref())?;
            network_cmd::run(args, &config, lang)
        }
        Command::Diff(args) => diff_cmd::run(args, lang),
        Command::Detect(args) => {
            let config = load_config(cli.config.as_deref())?;
            detect_cmd::run(args, &config, lang)
        }
        Command::Pattern(command) => detect_cmd::run_pattern(command, lang),
        Command::Collect(args) => {
            let snapshot = collect_live(&args.aws)?;
            kensa_snapshot::save(&snapshot, &args.output)?;
            let errors = snapshot.errors.len();
            eprintln!(
                "kensa: wrote {} ({errors} call(s) failed; audits will report them as ERROR)",
                args.output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Checks { requirement } => {
            let mut out = io::stdout().lock();
            let checks: Vec<_> = match &requirement {
                Some(r) => registry::for_requirement(r).collect(),
                None => registry::CHECKS.to_vec(),
            };
            if checks.is_empty() {
                bail!(
                    "no check serves requirement {}",
                    requirement.unwrap_or_default()
                );
            }
            for c in checks {
                let m = &c.meta;
                writeln!(
                    out,
                    "{:<38} {:<8} {:<13} {}",
                    m.id,
                    m.requirements.join(","),
                    m.severity,
                    m.title.get(lang)
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { check_id } => {
            let Some(check) = registry::find(&check_id) else {
                bail!("no check `{check_id}`; `kensa checks` lists them");
            };
            print!("{}", docs::explain(check, lang));
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { path, force } => {
            if path.exists() && !force {
                bail!("{} exists; use --force to overwrite it", path.display());
            }
            std::fs::write(&path, DEFAULT_CONFIG_TOML)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("kensa: wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The given config, else `./kensa.toml` when present, else the sheet's
/// defaults.
fn load_config(path: Option<&Path>) -> Result<Config> {
    let default_path = Path::new("kensa.toml");
    match path {
        Some(p) => Ok(Config::load(p)?),
        None if default_path.exists() => Ok(Config::load(default_path)?),
        None => Ok(Config::default()),
    }
}

fn collect_live(aws: &AwsArgs) -> Result<kensa_snapshot::Snapshot> {
    if aws.max_in_flight == 0 {
        bail!("--max-in-flight must be at least 1");
    }
    if aws.max_attempts == 0 {
        bail!("--max-attempts must be at least 1");
    }
    let options = CollectOptions {
        profile: aws.profile.clone(),
        regions: aws.regions.clone(),
        endpoint_url: aws.endpoint_url.clone(),
        max_in_flight: aws.max_in_flight,
        max_attempts: aws.max_attempts,
        progress: io::stderr().is_terminal(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_stack_size(COLLECT_STACK)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    // On a worker thread, whose stack is COLLECT_STACK: see there.
    let collection = runtime.spawn(async move { kensa_collect::collect(&options).await });
    runtime
        .block_on(collection)
        .context("the collection stopped")
}

/// Some SDK answers are deeply nested (a page of Security Hub findings):
/// deserializing one in an unoptimized build overflowed the main thread's
/// 8 MiB stack. The collection runs on worker threads with this much.
const COLLECT_STACK: usize = 64 * 1024 * 1024;

fn audit(args: AuditArgs, config: &Config, lang: Lang) -> Result<ExitCode> {
    for id in &args.checks {
        if registry::find(id).is_none() {
            bail!("no check `{id}`; `kensa checks` lists them");
        }
    }
    let (snapshot, source) = match &args.snapshot {
        Some(path) => (
            kensa_snapshot::load(path)?,
            Source::Snapshot {
                path: path.display().to_string(),
            },
        ),
        None => (collect_live(&args.aws)?, Source::Live),
    };
    let selection = Selection {
        checks: args.checks.clone(),
        requirements: args.requirements.clone(),
    };
    let mut report = kensa_checks::evaluate(&snapshot, config, &selection, source);
    if report.summary.checks == 0 {
        bail!("no check matches the selection");
    }
    if let Some(framework) = args.framework {
        report = report.with_framework_view(framework.framework());
    }
    // Expired or unmatched exceptions hide nothing any more (or never did):
    // say so where a person running kensa sees it, whatever the format.
    for e in report.exceptions_needing_attention() {
        let label = match lang {
            Lang::En => "warning: exception",
            Lang::Ja => "警告: 例外",
        };
        eprintln!("kensa: {label} `{}`: {}", e.id, e.message.get(lang));
    }
    write_report(&report, &args, lang)?;
    let audit_code: u8 = if report.has_problems() { 1 } else { 0 };
    if !args.to_security_hub {
        return Ok(ExitCode::from(audit_code));
    }
    let import_code = security_hub::import(&report, &args, &selection, lang)?;
    Ok(ExitCode::from(audit_code.max(import_code)))
}

fn write_report(report: &Report, args: &AuditArgs, lang: Lang) -> Result<()> {
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let color = to_terminal && std::env::var_os("NO_COLOR").is_none();
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let hub_region = kensa_report::security_hub_region(report, args.security_hub_region.as_deref());
    match args.format {
        Format::Json => render_json(report, &mut out)?,
        Format::Sarif => kensa_report::render_sarif(report, lang, &mut out)?,
        Format::Junit => kensa_report::render_junit(report, lang, &mut out)?,
        Format::Csv => kensa_report::render_csv(report, lang, &mut out)?,
        Format::Markdown => kensa_report::render_markdown(report, lang, &mut out)?,
        Format::Asff => kensa_report::render_asff(report, lang, &hub_region, &mut out)?,
        Format::Ocsf => kensa_report::render_ocsf(report, lang, &hub_region, &mut out)?,
        Format::Html => kensa_report::render_html(report, lang, &mut out)?,
        Format::Text => render_text(
            report,
            TextOptions {
                lang,
                color,
                verbose: args.verbose,
            },
            &mut out,
        )?,
    }
    out.flush()?;
    Ok(())
}
