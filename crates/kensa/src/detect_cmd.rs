//! `kensa detect` and `kensa pattern test`: the sheet's suspicious
//! operations (ALM-1..ALM-11) and user rules, found in CloudTrail logs.
//!
//! Exit codes of `kensa detect`: 0 no alert, 1 at least one alert, 2 an
//! input (file, record, line, S3 object) could not be read, so the scan is
//! incomplete, or kensa could not run at all. `kensa pattern test`: 0 the
//! pattern matched, 1 it matched nothing, 2 it does not parse or an input
//! could not be read.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand, ValueEnum};
use kensa_checks::{Config, Lang};
use kensa_collect::s3_logs::{LogBucketReader, S3Url};
use kensa_detect::{
    Alert, Counters, Detector, FileOutcome, InputProblem, Rule, TimeWindow, all_rules, log_files,
    sort_alerts,
};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Log files or folders (.json, .json.gz, JSON lines), s3://bucket/prefix, or - for standard input
    #[arg(value_name = "PATH", required = true)]
    inputs: Vec<String>,
    /// Run only this rule (e.g. cloudtrail-changes or ALM-10); repeat for several
    #[arg(long = "rule", value_name = "NAME")]
    rules: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DetectFormat::Table)]
    format: DetectFormat,
    /// Show a count per rule (first and last seen) instead of every alert
    #[arg(long)]
    summary: bool,
    /// Only events at or after this time (2024-05-01 or 2024-05-01T09:00:00Z)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    since: Option<DateTime<Utc>>,
    /// Only events before this time
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    until: Option<DateTime<Utc>>,
    /// Named profile for s3:// inputs
    #[arg(long)]
    profile: Option<String>,
    /// Region for s3:// inputs
    #[arg(long)]
    region: Option<String>,
    /// Send S3 calls to this endpoint (an AWS-compatible emulator)
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
    /// Parse every record in full and report every malformed one; by default
    /// records no rule can match (an exact key and value test) are only checked to be {...}
    #[arg(long)]
    strict: bool,
    /// Files scanned at once [default: one per core]
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DetectFormat {
    /// Aligned columns for people
    Table,
    /// One JSON object per alert (or per rule with --summary)
    Jsonl,
    /// One JSON document: alerts, summary, problems, statistics
    Json,
}

#[derive(Debug, Subcommand)]
pub enum PatternCommand {
    /// Show which events of log files a CloudWatch Logs filter pattern matches
    Test {
        /// The filter pattern, e.g. '{ $.eventName = ConsoleLogin }'
        pattern: String,
        /// Log files or folders, or - for standard input
        #[arg(required = true)]
        files: Vec<String>,
    },
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    Err("expected a date (2024-05-01) or an RFC 3339 time (2024-05-01T09:00:00Z)".to_owned())
}

/// Everything the inputs gave.
#[derive(Debug, Default)]
struct ScanResult {
    alerts: Vec<Alert>,
    problems: Vec<InputProblem>,
    files: u64,
    records: u64,
    bytes: u64,
    elapsed: Duration,
}

pub fn run(args: DetectArgs, config: &Config, lang: Lang) -> Result<ExitCode> {
    let mut rules = all_rules(&config.detect.rules)?;
    if !args.rules.is_empty() {
        for wanted in &args.rules {
            if !rules.iter().any(|r| rule_selected(r, wanted)) {
                let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
                bail!("no rule `{wanted}`; the rules are: {}", names.join(", "));
            }
        }
        rules.retain(|r| args.rules.iter().any(|w| rule_selected(r, w)));
    }
    if let (Some(since), Some(until)) = (args.since, args.until)
        && since >= until
    {
        bail!("--since must be before --until");
    }
    let window = TimeWindow {
        since: args.since,
        until: args.until,
    };
    let detector = Detector::new(rules, window).strict(args.strict);
    let result = scan_inputs(&detector, &args.inputs, &args, args.threads)?;

    let mut out = BufWriter::new(io::stdout().lock());
    let summary = summarize(&result.alerts, detector.rules());
    match (args.format, args.summary) {
        (DetectFormat::Table, false) => write_table(&mut out, &result.alerts, lang)?,
        (DetectFormat::Table, true) => write_summary_table(&mut out, &summary, lang)?,
        (DetectFormat::Jsonl, false) => {
            for alert in &result.alerts {
                serde_json::to_writer(&mut out, alert)?;
                writeln!(out)?;
            }
        }
        (DetectFormat::Jsonl, true) => {
            for line in &summary {
                serde_json::to_writer(&mut out, line)?;
                writeln!(out)?;
            }
        }
        (DetectFormat::Json, _) => {
            let document = JsonDocument {
                alerts: if args.summary { &[] } else { &result.alerts },
                summary: &summary,
                problems: &result.problems,
                statistics: Statistics {
                    files: result.files,
                    events: result.records,
                    bytes: result.bytes,
                    seconds: result.elapsed.as_secs_f64(),
                },
            };
            serde_json::to_writer_pretty(&mut out, &document)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    report_problems_and_totals(&result, lang);
    Ok(if !result.problems.is_empty() {
        ExitCode::from(2)
    } else if !result.alerts.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn rule_selected(rule: &Rule, wanted: &str) -> bool {
    rule.name == wanted
        || rule
            .requirement
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(wanted))
}

pub fn run_pattern(command: PatternCommand, lang: Lang) -> Result<ExitCode> {
    let PatternCommand::Test { pattern, files } = command;
    let rule = match Rule::from_filter_pattern(&pattern) {
        Ok(rule) => rule,
        Err(e) => {
            let heading = match lang {
                Lang::En => "kensa: error: the filter pattern does not parse",
                Lang::Ja => "kensa: エラー: フィルターパターンを解析できません",
            };
            eprintln!("{heading} ({e})\n{}", indent(&e.render(&pattern)));
            return Ok(ExitCode::from(2));
        }
    };
    let detector = Detector::new(vec![rule], TimeWindow::default())
        .keep_messages(true)
        .text_lines(true);
    let result = scan_inputs(&detector, &files, &NoAws, None)?;
    let mut out = BufWriter::new(io::stdout().lock());
    for alert in &result.alerts {
        let event = alert.what.event_name.as_deref().unwrap_or("-");
        let time = if alert.time.is_empty() {
            "-"
        } else {
            &alert.time
        };
        writeln!(out, "{} {}  {time}  {event}", alert.file, alert.position)?;
        writeln!(out, "    {}", alert.message.as_deref().unwrap_or_default())?;
    }
    let (matched, total, files) = (result.alerts.len(), result.records, result.files);
    match lang {
        Lang::En => writeln!(out, "{matched} of {total} events matched ({files} file(s))")?,
        Lang::Ja => writeln!(
            out,
            "{total} 件中 {matched} 件のイベントが一致しました ({files} ファイル)"
        )?,
    }
    out.flush()?;
    for problem in &result.problems {
        eprintln!("kensa: {problem}");
    }
    Ok(if !result.problems.is_empty() {
        ExitCode::from(2)
    } else if matched > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where S3 inputs are read from.
trait AwsSettings {
    fn options(&self) -> kensa_collect::CollectOptions;
}

impl AwsSettings for DetectArgs {
    fn options(&self) -> kensa_collect::CollectOptions {
        kensa_collect::CollectOptions {
            profile: self.profile.clone(),
            regions: self.region.iter().cloned().collect(),
            endpoint_url: self.endpoint_url.clone(),
            ..kensa_collect::CollectOptions::default()
        }
    }
}

struct NoAws;

impl AwsSettings for NoAws {
    fn options(&self) -> kensa_collect::CollectOptions {
        kensa_collect::CollectOptions::default()
    }
}

fn scan_inputs(
    detector: &Detector,
    inputs: &[String],
    aws: &dyn AwsSettings,
    threads: Option<usize>,
) -> Result<ScanResult> {
    let mut paths = Vec::new();
    let mut s3_urls = Vec::new();
    let mut stdin = false;
    for input in inputs {
        if input == "-" {
            stdin = true;
        } else if input.starts_with("s3://") {
            let Some(url) = S3Url::parse(input) else {
                bail!("`{input}` is not an S3 URL (s3://bucket/prefix)");
            };
            s3_urls.push(url);
        } else {
            let path = PathBuf::from(input);
            if !path.exists() {
                bail!("{input}: no such file or folder");
            }
            paths.push(path);
        }
    }
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        pool = pool.num_threads(n);
    }
    let pool = pool.build().context("starting the scan threads")?;

    let started = Instant::now();
    let counters = Arc::new(Counters::default());
    let (files, mut problems) = log_files(&paths);
    let local_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let progress = Progress::start(
        Arc::clone(&counters),
        (s3_urls.is_empty() && !stdin).then_some(local_bytes),
    );

    let mut outcomes: Vec<FileOutcome> = pool.install(|| detector.scan_files(&files, &counters));
    if stdin {
        outcomes.push(detector.scan_reader("-", io::stdin().lock(), &counters));
    }
    if !s3_urls.is_empty() {
        outcomes.extend(scan_s3(detector, &s3_urls, aws, &pool, &counters)?);
    }
    progress.finish();

    let mut result = ScanResult {
        files: counters.files.load(Ordering::Relaxed),
        records: counters.records.load(Ordering::Relaxed),
        bytes: counters.bytes.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
        ..ScanResult::default()
    };
    for outcome in outcomes {
        result.alerts.extend(outcome.alerts);
        problems.extend(outcome.problems);
    }
    result.problems = problems;
    sort_alerts(&mut result.alerts);
    Ok(result)
}

/// Lists each URL, then fetches objects (a few at a time, in a thread of
/// their own) while the pool scans the ones already fetched.
fn scan_s3(
    detector: &Detector,
    urls: &[S3Url],
    aws: &dyn AwsSettings,
    pool: &rayon::ThreadPool,
    counters: &Counters,
) -> Result<Vec<FileOutcome>> {
    use futures::StreamExt as _;

    /// Objects fetched ahead of the scan; bounds memory to this many objects.
    const FETCH_AHEAD: usize = 8;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let options = aws.options();
    let reader = runtime.block_on(async {
        let sdk = kensa_collect::load_sdk_config(&options).await;
        LogBucketReader::new(&sdk)
    });
    let mut objects = Vec::new();
    let mut outcomes = Vec::new();
    for url in urls {
        match runtime.block_on(reader.list(url)) {
            Ok(listed) => objects.extend(listed),
            Err(e) => outcomes.push(FileOutcome {
                problems: vec![InputProblem {
                    file: format!("s3://{}/{}", url.bucket, url.prefix),
                    position: None,
                    message: e.to_string(),
                }],
                ..FileOutcome::default()
            }),
        }
    }
    let (sender, receiver) = std::sync::mpsc::sync_channel(FETCH_AHEAD);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            runtime.block_on(
                futures::stream::iter(objects.iter())
                    .map(|object| {
                        let reader = &reader;
                        async move { (object, reader.get(object).await) }
                    })
                    .buffer_unordered(FETCH_AHEAD)
                    .for_each(|fetched| {
                        // The scan ended early only if it panicked; nothing to do then.
                        let _ = sender.send(fetched);
                        async {}
                    }),
            );
            drop(sender);
        });
        let scanned: Vec<FileOutcome> = pool.install(|| {
            receiver
                .into_iter()
                .par_bridge()
                .map(|(object, fetched)| match fetched {
                    Ok(bytes) => detector.scan_bytes(&object.url(), &bytes, counters),
                    Err(e) => FileOutcome {
                        problems: vec![InputProblem {
                            file: object.url(),
                            position: None,
                            message: e.to_string(),
                        }],
                        ..FileOutcome::default()
                    },
                })
                .collect()
        });
        outcomes.extend(scanned);
    });
    Ok(outcomes)
}

/// A progress bar on a terminal: bytes read and events per second.
struct Progress {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(counters: Arc<Counters>, total_bytes: Option<u64>) -> Progress {
        if !io::stderr().is_terminal() {
            return Progress {
                stop: None,
                thread: None,
            };
        }
        let bar = match total_bytes {
            Some(total) => indicatif::ProgressBar::new(total),
            None => indicatif::ProgressBar::no_length(),
        };
        let style = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}) {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let started = Instant::now();
        let thread = std::thread::spawn(move || {
            while stopped.recv_timeout(Duration::from_millis(200)).is_err() {
                let seconds = started.elapsed().as_secs_f64().max(0.001);
                let events = counters.records.load(Ordering::Relaxed);
                bar.set_position(counters.bytes.load(Ordering::Relaxed));
                bar.set_message(format!(
                    "{events} events, {:.0} events/s",
                    events as f64 / seconds
                ));
            }
            bar.finish_and_clear();
        });
        Progress {
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn finish(mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One rule's alerts, summed up.
#[derive(Debug, Serialize)]
struct RuleSummary {
    rule: String,
    requirement: Option<String>,
    severity: kensa_checks::Severity,
    title: kensa_checks::Text,
    count: u64,
    first_seen: Option<String>,
    last_seen: Option<String>,
}

fn summarize(alerts: &[Alert], rules: &[Rule]) -> Vec<RuleSummary> {
    let mut by_rule: BTreeMap<&str, (u64, Option<&str>, Option<&str>)> = BTreeMap::new();
    for alert in alerts {
        let entry = by_rule.entry(&alert.rule).or_default();
        entry.0 += 1;
        if !alert.time.is_empty() {
            let time = alert.time.as_str();
            entry.1 = Some(entry.1.map_or(time, |t| t.min(time)));
            entry.2 = Some(entry.2.map_or(time, |t| t.max(time)));
        }
    }
    rules
        .iter()
        .map(|rule| {
            let (count, first, last) = by_rule.get(rule.name.as_str()).copied().unwrap_or_default();
            RuleSummary {
                rule: rule.name.clone(),
                requirement: rule.requirement.clone(),
                severity: rule.severity,
                title: rule.title.clone(),
                count,
                first_seen: first.map(str::to_owned),
                last_seen: last.map(str::to_owned),
            }
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct JsonDocument<'a> {
    alerts: &'a [Alert],
    summary: &'a [RuleSummary],
    problems: &'a [InputProblem],
    statistics: Statistics,
}

#[derive(Debug, Serialize)]
struct Statistics {
    files: u64,
    events: u64,
    bytes: u64,
    seconds: f64,
}

fn who(alert: &Alert) -> String {
    match &alert.who.kind {
        Some(kind) => format!("{} ({kind})", alert.who.short()),
        None => alert.who.short(),
    }
}

fn what(alert: &Alert) -> String {
    let source = alert
        .what
        .event_source
        .as_deref()
        .map(|s| s.strip_suffix(".amazonaws.com").unwrap_or(s))
        .unwrap_or("-");
    let name = alert.what.event_name.as_deref().unwrap_or("-");
    match &alert.what.error_code {
        Some(code) => format!("{source}:{name} [{code}]"),
        None => format!("{source}:{name}"),
    }
}

fn from(alert: &Alert) -> String {
    let ip = alert.from.source_ip_address.as_deref().unwrap_or("-");
    let region = alert.from.aws_region.as_deref().unwrap_or("-");
    format!("{ip} {region}")
}

fn location(alert: &Alert) -> String {
    let name = alert.file.rsplit('/').next().unwrap_or(&alert.file);
    format!("{name} {}", alert.position)
}

/// Columns padded to their widest cell, in terminal columns (Japanese
/// characters take two).
fn write_columns(out: &mut impl Write, rows: &[Vec<String>]) -> io::Result<()> {
    use unicode_width::UnicodeWidthStr as _;
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == columns {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[c] - cell.width() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn write_table(out: &mut impl Write, alerts: &[Alert], lang: Lang) -> io::Result<()> {
    if alerts.is_empty() {
        return writeln!(
            out,
            "{}",
            match lang {
                Lang::En => "No suspicious operation found.",
                Lang::Ja => "不審な操作は見つかりませんでした。",
            }
        );
    }
    let header: Vec<String> = match lang {
        Lang::En => ["TIME", "REQ", "RULE", "WHO", "WHAT", "FROM", "WHERE"],
        Lang::Ja => ["時刻", "要件", "ルール", "誰が", "何を", "どこから", "記録"],
    }
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut rows = vec![header];
    for alert in alerts {
        rows.push(vec![
            alert.time.clone(),
            alert.requirement.clone().unwrap_or_else(|| "-".to_owned()),
            alert.rule.clone(),
            who(alert),
            what(alert),
            from(alert),
            location(alert),
        ]);
    }
    write_columns(out, &rows)
}

fn write_summary_table(
    out: &mut impl Write,
    summary: &[RuleSummary],
    lang: Lang,
) -> io::Result<()> {
    let header: Vec<String> = match lang {
        Lang::En => [
            "REQ",
            "RULE",
            "COUNT",
            "FIRST SEEN",
            "LAST SEEN",
            "OPERATION",
        ],
        Lang::Ja => ["要件", "ルール", "件数", "初回", "最終", "操作"],
    }
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut rows = vec![header];
    for line in summary {
        rows.push(vec![
            line.requirement.clone().unwrap_or_else(|| "-".to_owned()),
            line.rule.clone(),
            line.count.to_string(),
            line.first_seen.clone().unwrap_or_else(|| "-".to_owned()),
            line.last_seen.clone().unwrap_or_else(|| "-".to_owned()),
            line.title.get(lang).to_owned(),
        ]);
    }
    write_columns(out, &rows)
}

fn report_problems_and_totals(result: &ScanResult, lang: Lang) {
    for problem in &result.problems {
        eprintln!("kensa: {problem}");
    }
    let seconds = result.elapsed.as_secs_f64().max(0.001);
    let megabytes = result.bytes as f64 / 1_000_000.0;
    let (alerts, events, files, problems) = (
        result.alerts.len(),
        result.records,
        result.files,
        result.problems.len(),
    );
    match lang {
        Lang::En => eprintln!(
            "kensa: {alerts} alert(s) in {events} events from {files} file(s), {megabytes:.1} MB in {seconds:.2} s ({:.0} events/s); {problems} input problem(s)",
            events as f64 / seconds
        ),
        Lang::Ja => eprintln!(
            "kensa: {files} ファイル・{events} イベント ({megabytes:.1} MB、{seconds:.2} 秒、毎秒 {:.0} イベント) から {alerts} 件のアラート。読めなかった入力 {problems} 件",
            events as f64 / seconds
        ),
    }
}
