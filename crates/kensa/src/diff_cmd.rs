//! `kensa diff OLD NEW`: what changed between two JSON results of
//! `kensa audit --format json`.
//!
//! Exit codes: 0 when NEW introduces no problem, 1 when it has a FAIL or
//! ERROR finding that is new or changed into FAIL/ERROR, 2 when an input
//! cannot be read (the error names the file, and the line and column for
//! JSON errors).

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use kensa_checks::Lang;

#[derive(Debug, Args)]
#[command(after_help = "\
Findings are matched by check, resource type, resource ID and region.
NEW: only in NEW. RESOLVED: only in OLD, or FAIL/ERROR in OLD and PASS in NEW.
CHANGED: another status or message.

Exit codes: 0 NEW introduces no problem; 1 NEW has a new FAIL or ERROR finding,
or one that changed into FAIL or ERROR; 2 an input could not be read (malformed
JSON, not a kensa result, or a result from a newer kensa).")]
pub struct DiffArgs {
    /// The earlier result (`kensa audit --format json`)
    old: PathBuf,
    /// The later result
    new: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Write the diff here instead of standard output
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Text,
    /// The comparison as JSON (docs/json-output.md)
    Json,
    /// Markdown, for pull-request comments
    Markdown,
    /// One self-contained HTML page (no network access)
    Html,
}

pub fn run(args: DiffArgs, lang: Lang) -> Result<ExitCode> {
    let old = kensa_report::load_result(&args.old)?;
    let new = kensa_report::load_result(&args.new)?;
    let diff = kensa_report::diff(&old, &new);

    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let color = to_terminal && std::env::var_os("NO_COLOR").is_none();
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    match args.format {
        DiffFormat::Text => kensa_report::render_diff_text(&diff, lang, color, &mut out)?,
        DiffFormat::Json => kensa_report::render_diff_json(&diff, &mut out)?,
        DiffFormat::Markdown => kensa_report::render_diff_markdown(&diff, lang, &mut out)?,
        DiffFormat::Html => kensa_report::render_diff_html(&diff, lang, &mut out)?,
    }
    out.flush()?;
    Ok(if diff.introduces_problems() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
