//! Running the rules over CloudTrail log files: decompression, framing,
//! projection and matching, one file per thread.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use kensa_checks::{Severity, Text, redact_key_id};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::frame::{FrameError, Framer, Position, Record};
use crate::inflate::Inflater;
use crate::project::Projection;
use crate::rules::Rule;
use kensa_jsonscan::ObjectScanner;

/// Bytes asked of the file (or network body) at a time.
const READ_BUFFER: usize = 256 * 1024;

/// Files up to this size are read whole and, when gzip, inflated in one
/// call; larger ones stream. Memory per thread stays below this plus
/// [`WHOLE_MAX_DECOMPRESSED`]. CloudTrail's own files are far smaller.
const WHOLE_MAX_COMPRESSED: u64 = 32 << 20;

/// The largest output inflated in one call (per thread, reused).
pub const WHOLE_MAX_DECOMPRESSED: usize = 256 << 20;

thread_local! {
    /// Each scan thread's libdeflate state and output buffer, reused
    /// from file to file.
    static INFLATED: std::cell::RefCell<(Option<Inflater>, Vec<u8>)> =
        std::cell::RefCell::new((Inflater::new(), Vec::new()));
}

/// The first two bytes of every gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// What a gzip input's trailer says about its (last) member.
struct GzipTrailer {
    size: usize,
}

/// The trailer of a gzip input small enough to inflate at once.
fn single_gzip_member(data: &[u8]) -> Option<GzipTrailer> {
    // 10-byte header, at least 2 bytes of deflate data, 8-byte trailer.
    if data.len() < 20 || !data.starts_with(&GZIP_MAGIC) {
        return None;
    }
    let trailer = &data[data.len() - 8..];
    let size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]) as usize;
    // ISIZE is the size modulo 2^32; a big file may wrap, so sizes this
    // large stream instead.
    (size <= WHOLE_MAX_DECOMPRESSED).then_some(GzipTrailer { size })
}

thread_local! {
    /// Each scan thread's buffer for whole files, reused so that reading
    /// a file does not fault in fresh pages every time.
    static READ: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A log file opened for scanning.
enum Opened {
    /// Small enough to hold whole (its size then): read it.
    Small(File, u64),
    /// Too large to hold: stream it.
    Large(File),
}

// Why not map files into memory: measured on 1 GB of CloudTrail files, a
// mapping saved the copy out of the page cache but paid as much again in
// page faults (no gain), and a file truncated while mapped ends the process.
fn open_log_file(path: &Path) -> io::Result<Opened> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    if size > WHOLE_MAX_COMPRESSED {
        return Ok(Opened::Large(file));
    }
    Ok(Opened::Small(file, size))
}

/// Reads a small file whole into the start of `buf`; returns its length.
///
/// One `read` per file: it asks for one byte more than the `size` the
/// metadata gave, and getting exactly `size` means the end was reached.
/// If the file grew or shrank since, reading goes on until `read` returns
/// nothing. (`File::read_to_end` would ask for the size again and probe
/// for the end: three more system calls per file.) `buf` is only ever
/// grown, so its bytes are zeroed once, not for every file.
fn read_whole(mut file: File, size: u64, buf: &mut Vec<u8>) -> io::Result<usize> {
    // Small files are at most `WHOLE_MAX_COMPRESSED`; a size that does not
    // fit is read to its end all the same.
    let size = usize::try_from(size).unwrap_or(0);
    if buf.len() <= size {
        buf.resize(size + 1, 0);
    }
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        match file.read(&mut buf[filled..]) {
            Ok(0) => return Ok(filled),
            Ok(n) => {
                filled += n;
                // The read was asked for more than this: a short read.
                if filled == size {
                    return Ok(filled);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Only records whose `eventTime` falls in `[since, until)` are matched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeWindow {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl TimeWindow {
    fn is_open(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }

    /// A record without a readable `eventTime` is kept: it cannot be shown
    /// to be outside the window, and hiding it could hide an attack.
    fn contains(&self, event_time: Option<&str>) -> bool {
        let Some(time) = event_time.and_then(|t| DateTime::parse_from_rfc3339(t).ok()) else {
            return true;
        };
        let time = time.with_timezone(&Utc);
        self.since.is_none_or(|since| time >= since) && self.until.is_none_or(|until| time < until)
    }
}

/// Progress shared by the threads, read by the progress bar.
#[derive(Debug, Default)]
pub struct Counters {
    /// Bytes read from the inputs as stored (compressed when gzip).
    pub bytes: AtomicU64,
    /// Records parsed.
    pub records: AtomicU64,
    pub files: AtomicU64,
}

/// One record matched by one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// The record's `eventTime` as written (empty when it has none).
    pub time: String,
    pub rule: String,
    pub requirement: Option<String>,
    pub severity: Severity,
    pub title: Text,
    pub who: Who,
    pub what: What,
    pub from: From,
    /// The input the record came from (a path, `s3://bucket/key` or `-`).
    pub file: String,
    /// Where in that input: `{"record": N}` (0-based in `Records`) or `{"line": N}`.
    pub position: Position,
    /// The matched record (access key IDs redacted), only when asked for
    /// with [`Detector::keep_messages`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Who {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub arn: Option<String>,
    pub user_name: Option<String>,
    pub account_id: Option<String>,
    /// Redacted: the first and last four characters only.
    pub access_key_id: Option<String>,
    pub invoked_by: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct What {
    pub event_source: Option<String>,
    pub event_name: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct From {
    pub source_ip_address: Option<String>,
    pub aws_region: Option<String>,
    pub user_agent: Option<String>,
}

impl Who {
    /// The shortest useful name: user name, else the ARN's last part, else the type.
    pub fn short(&self) -> String {
        if let Some(name) = &self.user_name {
            return name.clone();
        }
        if let Some(arn) = &self.arn {
            return arn.rsplit(':').next().unwrap_or(arn).to_owned();
        }
        self.kind.clone().unwrap_or_else(|| "-".to_owned())
    }
}

/// A file or record that could not be read; the scan went on without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputProblem {
    pub file: String,
    /// `None` when the whole file could not be opened.
    pub position: Option<Position>,
    pub message: String,
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.position {
            Some(p) => write!(f, "{}: {p}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// What scanning one input found.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub alerts: Vec<Alert>,
    pub problems: Vec<InputProblem>,
    pub records: u64,
}

/// The rules, ready to scan.
#[derive(Debug)]
pub struct Detector {
    rules: Vec<Rule>,
    projection: Projection,
    window: TimeWindow,
    keep_messages: bool,
    text_lines: bool,
    prefilter: Option<crate::prefilter::Prefilter>,
    /// Cuts records 64 bytes at a time when the prefilter has no scanner
    /// of its own (no prefilter, `--strict`, keys it cannot spot).
    framing: Option<ObjectScanner>,
}

impl Detector {
    pub fn new(rules: Vec<Rule>, window: TimeWindow) -> Self {
        let mut projection = Projection::empty();
        for rule in &rules {
            projection.merge(&rule.projection());
        }
        if !window.is_open() {
            projection.add("eventTime");
        }
        let prefilter = if std::env::var_os("KENSA_NO_PREFILTER").is_some() {
            None
        } else {
            crate::prefilter::Prefilter::new(&rules)
        };
        Detector {
            rules,
            projection,
            window,
            keep_messages: false,
            text_lines: false,
            prefilter,
            framing: ObjectScanner::new(&[]).ok(),
        }
    }

    /// Parses every record in full, so that every malformed record is
    /// reported, instead of skipping, unparsed, records the prefilter
    /// shows no rule can match (those are only checked to be `{...}`).
    pub fn strict(mut self, strict: bool) -> Self {
        if strict {
            self.prefilter = None;
        }
        self
    }

    /// Puts each matched record's text in its alert (`kensa pattern test`).
    pub fn keep_messages(mut self, keep: bool) -> Self {
        self.keep_messages = keep;
        self
    }

    /// Matches lines that are not JSON as plain log messages instead of
    /// reporting them (`kensa pattern test` on any log file).
    pub fn text_lines(mut self, allow: bool) -> Self {
        self.text_lines = allow;
        self
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Scans local files, several at a time; outcomes are in `files` order.
    pub fn scan_files(&self, files: &[PathBuf], counters: &Counters) -> Vec<FileOutcome> {
        files
            .par_iter()
            .map(|path| {
                let name = path.display().to_string();
                let scanned = match open_log_file(path) {
                    Ok(Opened::Small(file, size)) => READ.with_borrow_mut(|buf| {
                        read_whole(file, size, buf)
                            .map(|len| self.scan_bytes(&name, &buf[..len], counters))
                    }),
                    Ok(Opened::Large(file)) => Ok(self.scan_reader(&name, file, counters)),
                    Err(e) => Err(e),
                };
                match scanned {
                    Ok(outcome) => outcome,
                    Err(e) => FileOutcome {
                        problems: vec![InputProblem {
                            file: name,
                            position: None,
                            message: e.to_string(),
                        }],
                        ..FileOutcome::default()
                    },
                }
            })
            .collect()
    }

    /// Scans one input as a stream, gzip or not, CloudTrail file or JSON
    /// lines. Memory: one read buffer and the largest record.
    pub fn scan_reader(&self, name: &str, reader: impl Read, counters: &Counters) -> FileOutcome {
        let counting = CountingReader {
            inner: reader,
            counter: &counters.bytes,
        };
        match decompressed(counting) {
            Ok(decoded) => self.scan_decoded(name, decoded, counters),
            Err(e) => {
                counters.files.fetch_add(1, Ordering::Relaxed);
                FileOutcome {
                    problems: vec![InputProblem {
                        file: name.to_owned(),
                        position: None,
                        message: e.to_string(),
                    }],
                    ..FileOutcome::default()
                }
            }
        }
    }

    /// Scans one input held in memory (a small file, an S3 object). A
    /// gzip input whose size fits [`WHOLE_MAX_DECOMPRESSED`] is inflated in
    /// one libdeflate call, several times faster than streaming zlib;
    /// anything else streams.
    pub fn scan_bytes(&self, name: &str, data: &[u8], counters: &Counters) -> FileOutcome {
        let Some(expected) = single_gzip_member(data) else {
            if data.starts_with(&GZIP_MAGIC) {
                return self.scan_reader(name, data, counters);
            }
            counters
                .bytes
                .fetch_add(data.len() as u64, Ordering::Relaxed);
            return self.scan_framed(name, Framer::over(data), counters);
        };
        counters
            .bytes
            .fetch_add(data.len() as u64, Ordering::Relaxed);
        INFLATED.with_borrow_mut(|(inflater, out)| {
            if out.len() < expected.size {
                out.resize(expected.size, 0);
            }
            let inflated = inflater
                .as_mut()
                .and_then(|inflater| inflater.gzip_member(data, &mut out[..expected.size]));
            match inflated {
                // One member that is the whole file (libdeflate checked its
                // CRC and size). Anything else (several members, a size
                // past 4 GiB that the trailer wraps, bad data) goes to the
                // stream reader, which handles all of it or says what is
                // wrong.
                Some(done) if done.consumed == data.len() => {
                    self.scan_framed(name, Framer::over(&out[..done.written]), counters)
                }
                _ => {
                    counters
                        .bytes
                        .fetch_sub(data.len() as u64, Ordering::Relaxed);
                    self.scan_reader(name, data, counters)
                }
            }
        })
    }

    /// Scans a decompressed stream.
    fn scan_decoded(&self, name: &str, decoded: impl Read, counters: &Counters) -> FileOutcome {
        self.scan_framed(name, Framer::new(decoded), counters)
    }

    /// Scans the records a framer cuts.
    fn scan_framed<R: Read>(
        &self,
        name: &str,
        framer: Result<Framer<'_, R>, FrameError>,
        counters: &Counters,
    ) -> FileOutcome {
        let mut outcome = FileOutcome::default();
        counters.files.fetch_add(1, Ordering::Relaxed);
        let problem = |position, message: String| InputProblem {
            file: name.to_owned(),
            position,
            message,
        };
        let scanner = self
            .prefilter
            .as_ref()
            .and_then(|p| p.scanner())
            .or(self.framing.as_ref());
        let mut framer = match framer {
            Ok(framer) => framer.with_scanner(scanner),
            Err(e) => {
                outcome.problems.push(problem(None, e.to_string()));
                return outcome;
            }
        };
        let mut records_since_report = 0;
        while let Some(next) = framer.next_scanned() {
            let record = match next {
                Ok(record) => record,
                Err(FrameError::Syntax { offset, message }) => {
                    outcome
                        .problems
                        .push(problem(Some(Position::Byte(offset)), message));
                    break;
                }
                Err(FrameError::Io(e)) => {
                    let message = format!("could not read past record {}: {e}", outcome.records);
                    outcome.problems.push(problem(None, message));
                    break;
                }
            };
            outcome.records += 1;
            records_since_report += 1;
            if records_since_report == 4096 {
                counters
                    .records
                    .fetch_add(records_since_report, Ordering::Relaxed);
                records_since_report = 0;
            }
            if let Err(message) = self.scan_record(name, &record, &mut outcome.alerts) {
                outcome
                    .problems
                    .push(problem(Some(record.position), message));
            }
        }
        counters
            .records
            .fetch_add(records_since_report, Ordering::Relaxed);
        outcome
    }

    fn scan_record(
        &self,
        file: &str,
        record: &Record<'_>,
        alerts: &mut Vec<Alert>,
    ) -> Result<(), String> {
        let Record {
            position, bytes, ..
        } = *record;
        // Skipping needs the record to look like an object; anything else
        // goes on to the parser, which says what is wrong with it.
        if let Some(prefilter) = &self.prefilter
            && looks_like_object(bytes)
            && !prefilter.may_match(bytes, record.keys)
        {
            return Ok(());
        }
        let raw = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
        let projected = match self.projection.parse(bytes) {
            Ok(value) if value.is_object() => value,
            Ok(_) if self.text_lines && matches!(position, Position::Line(_)) => {
                return self.scan_text(file, position, raw, alerts);
            }
            Ok(_) => return Err("not a JSON object".to_owned()),
            Err(_) if self.text_lines && matches!(position, Position::Line(_)) => {
                return self.scan_text(file, position, raw, alerts);
            }
            Err(e) => return Err(format!("not JSON: {e}")),
        };
        if !self.window.is_open()
            && !self
                .window
                .contains(projected.get("eventTime").and_then(Value::as_str))
        {
            return Ok(());
        }
        let mut full: Option<Value> = None;
        for rule in &self.rules {
            if rule.matches(raw, &projected) {
                let record = match &full {
                    Some(record) => record,
                    None => full.insert(serde_json::from_str(raw).map_err(|e| e.to_string())?),
                };
                let mut alert = alert(rule, record, file, position);
                if self.keep_messages {
                    alert.message = Some(redacted_message(record));
                }
                alerts.push(alert);
            }
        }
        Ok(())
    }

    /// A line that is not a JSON object, matched as plain text.
    fn scan_text(
        &self,
        file: &str,
        position: Position,
        raw: &str,
        alerts: &mut Vec<Alert>,
    ) -> Result<(), String> {
        let line = raw.trim_end_matches('\r');
        for rule in &self.rules {
            if rule.matches_text(line) {
                alerts.push(Alert {
                    time: String::new(),
                    rule: rule.name.clone(),
                    requirement: rule.requirement.clone(),
                    severity: rule.severity,
                    title: rule.title.clone(),
                    who: Who::default(),
                    what: What::default(),
                    from: From::default(),
                    file: file.to_owned(),
                    position,
                    message: self.keep_messages.then(|| line.to_owned()),
                });
            }
        }
        Ok(())
    }
}

fn looks_like_object(bytes: &[u8]) -> bool {
    let trimmed = bytes.trim_ascii();
    trimmed.first() == Some(&b'{') && trimmed.last() == Some(&b'}')
}

/// The record as compact JSON with `userIdentity.accessKeyId` redacted.
fn redacted_message(record: &Value) -> String {
    let mut record = record.clone();
    if let Some(key) = record
        .pointer_mut("/userIdentity/accessKeyId")
        .filter(|k| k.as_str().is_some_and(|k| !k.is_empty()))
    {
        let redacted = redact_key_id(key.as_str().unwrap_or_default());
        *key = Value::String(redacted);
    }
    record.to_string()
}

fn alert(rule: &Rule, record: &Value, file: &str, position: Position) -> Alert {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let identity = record.get("userIdentity").cloned().unwrap_or(Value::Null);
    Alert {
        time: text(record, "eventTime").unwrap_or_default(),
        rule: rule.name.clone(),
        requirement: rule.requirement.clone(),
        severity: rule.severity,
        title: rule.title.clone(),
        who: Who {
            kind: text(&identity, "type"),
            arn: text(&identity, "arn"),
            user_name: text(&identity, "userName").or_else(|| {
                identity
                    .pointer("/sessionContext/sessionIssuer/userName")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }),
            account_id: text(&identity, "accountId"),
            access_key_id: text(&identity, "accessKeyId")
                .filter(|k| !k.is_empty())
                .map(|k| redact_key_id(&k)),
            invoked_by: text(&identity, "invokedBy"),
        },
        what: What {
            event_source: text(record, "eventSource"),
            event_name: text(record, "eventName"),
            error_code: text(record, "errorCode"),
            error_message: text(record, "errorMessage"),
        },
        from: From {
            source_ip_address: text(record, "sourceIPAddress"),
            aws_region: text(record, "awsRegion"),
            user_agent: text(record, "userAgent"),
        },
        file: file.to_owned(),
        position,
        message: None,
    }
}

/// Orders alerts as the output shows them: by time, then file, then place
/// in the file, then rule order.
pub fn sort_alerts(alerts: &mut [Alert]) {
    alerts.sort_by(|a, b| (&a.time, &a.file, a.position).cmp(&(&b.time, &b.file, b.position)));
}

/// The reader's bytes, gunzipped when they start with gzip's magic number.
fn decompressed<'a, R: Read + 'a>(reader: R) -> io::Result<Box<dyn Read + 'a>> {
    let mut buffered = BufReader::with_capacity(READ_BUFFER, reader);
    let head = buffered.fill_buf()?;
    if head.starts_with(&GZIP_MAGIC) {
        Ok(Box::new(flate2::bufread::MultiGzDecoder::new(buffered)))
    } else {
        Ok(Box::new(buffered))
    }
}

struct CountingReader<'a, R> {
    inner: R,
    counter: &'a AtomicU64,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The log files under the given paths: files as given, folders walked
/// for `.json`, `.jsonl` and `.ndjson` files, gzipped or not (CloudTrail's
/// digest files, under `CloudTrail-Digest/`, are not logs and are skipped).
/// Sorted per folder, so runs are deterministic.
pub fn log_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let walker = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.file_name() != "CloudTrail-Digest");
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() && is_log_name(entry.path()) => {
                    files.push(entry.into_path());
                }
                Ok(_) => {}
                Err(e) => problems.push(InputProblem {
                    file: e.path().unwrap_or(path).display().to_string(),
                    position: None,
                    message: e.to_string(),
                }),
            }
        }
    }
    (files, problems)
}

fn is_log_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(name);
    [".json", ".jsonl", ".ndjson"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin_rules;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn whole_files_are_read_whatever_size_the_metadata_gave() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let content: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let mut buf = Vec::new();
        // The size as it was, as if the file had grown since (more) or
        // shrunk (less), and none: all of the file, each time.
        for size in [100_000, 10, 250_000, 0] {
            let len = read_whole(File::open(&path).unwrap(), size, &mut buf).unwrap();
            assert_eq!(&buf[..len], &content[..], "size {size}");
        }
        // A file that grew past a fresh buffer: the buffer grows too.
        let mut fresh = Vec::new();
        let len = read_whole(File::open(&path).unwrap(), 10, &mut fresh).unwrap();
        assert_eq!(&fresh[..len], &content[..]);
        // A reused buffer longer than the file: only the file's bytes count.
        std::fs::write(&path, b"short").unwrap();
        let len = read_whole(File::open(&path).unwrap(), 5, &mut buf).unwrap();
        assert_eq!(&buf[..len], b"short");
        std::fs::write(&path, b"").unwrap();
        assert_eq!(
            read_whole(File::open(&path).unwrap(), 0, &mut buf).unwrap(),
            0
        );
    }

    fn trail() -> String {
        let records: Vec<serde_json::Value> = (0..300)
            .map(|i| {
                let name = match i {
                    7 => "StopLogging",
                    150 => "CreateVpc",
                    _ => "GetObject",
                };
                serde_json::json!({
                    "eventTime": format!("2026-11-01T00:{:02}:00Z", i % 60),
                    "eventName": name,
                    "eventSource": "s3.amazonaws.com",
                    "userIdentity": {"type": "IAMUser", "userName": "alice", "accessKeyId": "AKIAIOSFODNN7EXAMPLE"},
                    "sourceIPAddress": "198.51.100.1",
                })
            })
            .collect();
        serde_json::json!({ "Records": records }).to_string()
    }

    fn places(outcome: &FileOutcome) -> Vec<(String, Position)> {
        outcome
            .alerts
            .iter()
            .map(|a| (a.rule.clone(), a.position))
            .collect()
    }

    #[test]
    fn whole_buffer_stream_and_plain_text_agree() {
        let detector = Detector::new(builtin_rules(), TimeWindow::default());
        let counters = Counters::default();
        let plain = trail();
        let gz = gzip(plain.as_bytes());
        let want = vec![
            ("cloudtrail-changes".to_owned(), Position::Record(7)),
            ("vpc-changes".to_owned(), Position::Record(150)),
        ];
        for outcome in [
            detector.scan_bytes("a", &gz, &counters),
            detector.scan_reader("a", gz.as_slice(), &counters),
            detector.scan_bytes("a", plain.as_bytes(), &counters),
        ] {
            assert_eq!(places(&outcome), want);
            assert_eq!(outcome.records, 300);
            assert!(outcome.problems.is_empty());
        }
        assert_eq!(counters.records.load(Ordering::Relaxed), 900);
        assert_eq!(counters.files.load(Ordering::Relaxed), 3);
        assert_eq!(
            counters.bytes.load(Ordering::Relaxed),
            2 * gz.len() as u64 + plain.len() as u64
        );
        let alert = &detector.scan_bytes("a", &gz, &counters).alerts[0];
        assert_eq!(
            alert.who.access_key_id.as_deref(),
            Some("AKIA************MPLE")
        );
        assert_eq!(alert.who.user_name.as_deref(), Some("alice"));
        assert_eq!(
            alert.from.source_ip_address.as_deref(),
            Some("198.51.100.1")
        );
        assert_eq!(alert.time, "2026-11-01T00:07:00Z");
    }

    #[test]
    fn several_gzip_members_are_all_read() {
        let plain = trail();
        let (head, tail) = plain.as_bytes().split_at(plain.len() / 2);
        let mut two = gzip(head);
        two.extend(gzip(tail));
        let detector = Detector::new(builtin_rules(), TimeWindow::default());
        let outcome = detector.scan_bytes("two", &two, &Counters::default());
        assert_eq!(outcome.records, 300);
        assert_eq!(outcome.alerts.len(), 2);
        assert!(outcome.problems.is_empty());
    }

    #[test]
    fn corrupt_gzip_is_a_problem_after_the_records_before_it() {
        let mut gz = gzip(trail().as_bytes());
        let len = gz.len();
        gz[len - 6] ^= 0xff; // the size in the trailer no longer fits
        let detector = Detector::new(builtin_rules(), TimeWindow::default());
        let outcome = detector.scan_bytes("bad.json.gz", &gz, &Counters::default());
        assert_eq!(outcome.records, 300);
        assert_eq!(outcome.problems.len(), 1);
        assert_eq!(outcome.problems[0].file, "bad.json.gz");
    }

    #[test]
    fn the_time_window_keeps_records_without_a_time() {
        let window = TimeWindow {
            since: Some("2026-11-01T00:05:00Z".parse().unwrap()),
            until: Some("2026-11-01T00:08:00Z".parse().unwrap()),
        };
        let detector = Detector::new(builtin_rules(), window);
        let lines = "{\"eventTime\":\"2026-11-01T00:07:00Z\",\"eventName\":\"StopLogging\"}\n\
                     {\"eventTime\":\"2026-11-01T00:08:00Z\",\"eventName\":\"StopLogging\"}\n\
                     {\"eventName\":\"StopLogging\"}\n";
        let outcome = detector.scan_bytes("l", lines.as_bytes(), &Counters::default());
        let got: Vec<Position> = outcome.alerts.iter().map(|a| a.position).collect();
        assert_eq!(got, [Position::Line(1), Position::Line(3)]);
    }

    #[test]
    fn folders_yield_log_files_but_not_digests() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("AWSLogs/1/CloudTrail/us-east-1");
        let digests = dir.path().join("AWSLogs/1/CloudTrail-Digest/us-east-1");
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::create_dir_all(&digests).unwrap();
        for name in ["b.json.gz", "a.json", "c.jsonl", "notes.txt"] {
            std::fs::write(logs.join(name), "").unwrap();
        }
        std::fs::write(digests.join("d.json.gz"), "").unwrap();
        let (files, problems) = log_files(&[dir.path().to_path_buf()]);
        let names: Vec<_> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.json", "b.json.gz", "c.jsonl"]);
        assert!(problems.is_empty());
    }
}
