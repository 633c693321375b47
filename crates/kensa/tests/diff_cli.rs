//! `kensa diff` and `kensa audit --format html` from the command line, on
//! results of the demo snapshot: no AWS, no moto.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::moto::kensa;
use support::run::{Outcome, run};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json")
}

fn kensa_in(dir: &Path, args: &[&str]) -> Outcome {
    run(kensa().args(args).current_dir(dir))
}

fn utf8(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// The demo's JSON result, written by kensa itself, and parsed.
fn demo_result(dir: &Path) -> (PathBuf, Value) {
    let path = dir.join("old.json");
    let o = kensa_in(
        dir,
        &[
            "audit",
            "--snapshot",
            utf8(&demo()),
            "--format",
            "json",
            "--output",
            utf8(&path),
        ],
    );
    assert_eq!(o.code, Some(1), "{}", o.describe());
    let text = std::fs::read_to_string(&path).expect("the result was written");
    (path.clone(), serde_json::from_str(&text).expect("JSON"))
}

/// The result with the first finding of `check_id` and `from` set to `to`.
fn with_status(result: &Value, check_id: &str, from: &str, to: &str) -> Value {
    let mut result = result.clone();
    let finding = result["findings"]
        .as_array_mut()
        .expect("findings")
        .iter_mut()
        .find(|f| f["check_id"] == check_id && f["status"] == from)
        .unwrap_or_else(|| panic!("no {from} of {check_id} in the demo"));
    finding["status"] = Value::from(to);
    result
}

fn write(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).expect("JSON")).expect("write");
    path
}

#[test]
fn diff_exits_1_only_when_the_new_result_adds_a_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, result) = demo_result(dir.path());

    // Against itself: nothing changed.
    let o = kensa_in(
        dir.path(),
        &["diff", utf8(&old), utf8(&old), "--lang", "en"],
    );
    assert_eq!(o.code, Some(0), "{}", o.describe());
    assert!(o.stdout.contains("New (0)"), "{}", o.stdout);
    assert!(
        !o.stdout.contains('\u{1b}'),
        "no colour when not on a terminal"
    );

    // A FAIL fixed: resolved, exit 0.
    let fixed = write(
        dir.path(),
        "fixed.json",
        &with_status(&result, "iam-password-policy-no-expiry", "FAIL", "PASS"),
    );
    let o = kensa_in(
        dir.path(),
        &["diff", utf8(&old), utf8(&fixed), "--lang", "en"],
    );
    assert_eq!(o.code, Some(0), "{}", o.describe());
    assert!(o.stdout.contains("Resolved (1)"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("FAIL → PASS iam-password-policy-no-expiry"),
        "{}",
        o.stdout
    );

    // A PASS broken: changed into FAIL, exit 1; in Japanese too.
    let broken = write(
        dir.path(),
        "broken.json",
        &with_status(&result, "iam-root-access-keys", "PASS", "FAIL"),
    );
    let o = kensa_in(
        dir.path(),
        &["diff", utf8(&old), utf8(&broken), "--lang", "ja"],
    );
    assert_eq!(o.code, Some(1), "{}", o.describe());
    assert!(o.stdout.contains("変化 (1)"), "{}", o.stdout);
    assert!(
        o.stdout.contains("PASS → FAIL iam-root-access-keys"),
        "{}",
        o.stdout
    );

    // Every format, to a file; the JSON one reads back.
    for (format, marker) in [
        ("json", "\"introduces_problems\": true"),
        ("markdown", "| PASS → FAIL | `iam-root-access-keys` |"),
        ("html", "<html lang=\"en\">"),
        ("text", "Changed (1)"),
    ] {
        let out = dir.path().join(format!("diff.{format}"));
        let o = kensa_in(
            dir.path(),
            &[
                "diff",
                utf8(&old),
                utf8(&broken),
                "--format",
                format,
                "--output",
                utf8(&out),
                "--lang",
                "en",
            ],
        );
        assert_eq!(o.code, Some(1), "{format}: {}", o.describe());
        assert!(o.stdout.is_empty(), "{format}: the diff went to the file");
        let written = std::fs::read_to_string(&out).expect("the diff was written");
        assert!(written.contains(marker), "{format}: {written}");
    }
}

#[test]
fn bad_inputs_exit_2_and_name_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, result) = demo_result(dir.path());

    let malformed = dir.path().join("malformed.json");
    std::fs::write(
        &malformed,
        "{\n  \"schema_version\": 1,\n  \"findings\": [\n}\n",
    )
    .expect("write");
    let o = kensa_in(dir.path(), &["diff", utf8(&old), utf8(&malformed)]);
    assert_eq!(o.code, Some(2), "{}", o.describe());
    assert_eq!(
        o.stderr.trim_end(),
        format!(
            "kensa: error: {}: not JSON: expected value at line 4 column 1",
            malformed.display()
        )
    );
    assert!(o.stdout.is_empty());

    let mut newer = result.clone();
    newer["schema_version"] = Value::from(99);
    let newer = write(dir.path(), "newer.json", &newer);
    let o = kensa_in(dir.path(), &["diff", utf8(&newer), utf8(&old)]);
    assert_eq!(o.code, Some(2), "{}", o.describe());
    assert!(
        o.stderr.contains(&format!(
            "{}: written by a newer kensa (result schema_version 99; this kensa reads up to 1)",
            newer.display()
        )),
        "{}",
        o.stderr
    );

    // A snapshot is not a result.
    let o = kensa_in(dir.path(), &["diff", utf8(&old), utf8(&demo())]);
    assert_eq!(o.code, Some(2), "{}", o.describe());
    assert!(
        o.stderr
            .contains("demo-account.json: not a kensa JSON result"),
        "{}",
        o.stderr
    );

    let o = kensa_in(dir.path(), &["diff", utf8(&old), "missing.json"]);
    assert_eq!(o.code, Some(2), "{}", o.describe());
    assert!(
        o.stderr.contains("missing.json: cannot read it"),
        "{}",
        o.stderr
    );
}

#[test]
fn diff_help_documents_the_exit_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = kensa_in(dir.path(), &["diff", "--help"]);
    assert_eq!(o.code, Some(0));
    assert!(
        o.stdout
            .contains("Exit codes: 0 NEW introduces no problem; 1 NEW has a new FAIL or ERROR"),
        "{}",
        o.stdout
    );
}

#[test]
fn audit_writes_a_self_contained_html_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.html");
    let o = kensa_in(
        dir.path(),
        &[
            "audit",
            "--snapshot",
            utf8(&demo()),
            "--format",
            "html",
            "--output",
            utf8(&out),
            "--lang",
            "ja",
        ],
    );
    assert_eq!(o.code, Some(1), "{}", o.describe());
    let page = std::fs::read_to_string(&out).expect("the report was written");
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("<html lang=\"ja\">"));
    assert!(page.contains("kensa 監査レポート"));
    assert!(page.contains("default-src 'none'"));
}
