//! Running the kensa binary in tests and reading its JSON report.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// What any single kensa run may take before the test gives up on it.
pub const KENSA_TIMEOUT: Duration = Duration::from_secs(120);

/// A finished kensa run.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn describe(&self) -> String {
        format!(
            "exit code {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs a command to its end (killing it after `KENSA_TIMEOUT`), with its
/// output captured in files so a chatty child can never block on a pipe.
pub fn run(command: &mut Command) -> Outcome {
    let dir = tempfile::tempdir().expect("create a temporary directory for kensa's output");
    let out_path = dir.path().join("stdout");
    let err_path = dir.path().join("stderr");
    let out = std::fs::File::create(&out_path).expect("create the stdout file");
    let err = std::fs::File::create(&err_path).expect("create the stderr file");
    let mut child = command
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"));
    let deadline = Instant::now() + KENSA_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll kensa") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let outcome = Outcome {
        code: status.and_then(|s| s.code()),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    };
    assert!(
        status.is_some(),
        "{command:?} did not finish within {}s\n{}",
        KENSA_TIMEOUT.as_secs(),
        outcome.describe()
    );
    outcome
}

/// A JSON report kensa wrote, as text and parsed.
#[derive(Debug)]
pub struct Report {
    pub outcome: Outcome,
    pub text: String,
    pub json: Value,
}

pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("the report has no `findings` array: {report}"))
}

pub fn str_of<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// One line per finding, for failure messages.
pub fn listing<'a>(findings: impl IntoIterator<Item = &'a Value>) -> String {
    findings
        .into_iter()
        .map(|f| {
            format!(
                "  {} [{}] {}: {}",
                str_of(f, "/check_id"),
                str_of(f, "/resource/name"),
                str_of(f, "/status"),
                str_of(f, "/message/en")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The JSON report a finished `kensa audit --format json --output OUTPUT`
/// wrote, as text and parsed; panics with kensa's output when it is not there.
pub fn read_report(outcome: Outcome, output: &Path) -> Report {
    let text = std::fs::read_to_string(output).unwrap_or_else(|e| {
        panic!(
            "kensa wrote no report to {}: {e}\n{}",
            output.display(),
            outcome.describe()
        )
    });
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "the report is not JSON: {e}\n{text}\n{}",
            outcome.describe()
        )
    });
    Report {
        outcome,
        text,
        json,
    }
}
