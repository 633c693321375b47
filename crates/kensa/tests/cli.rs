//! The CLI's own behaviour, on the demo snapshot: no AWS, no moto.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::moto::kensa;

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json")
}

fn run(args: &[&str], dir: &Path) -> Output {
    kensa()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run the kensa binary")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn demo_audit_reports_problems_with_exit_1_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo();
    let demo = demo.to_str().expect("utf-8 path");
    let en = run(&["audit", "--snapshot", demo, "--lang", "en"], dir.path());
    assert_eq!(en.status.code(), Some(1), "{}", stderr(&en));
    let text = stdout(&en);
    assert!(text.contains("== Logical access =="), "{text}");
    assert!(
        text.contains("FAIL   iam-password-policy-no-expiry"),
        "{text}"
    );
    assert!(
        !text.contains("\u{1b}["),
        "no colour codes when not on a terminal"
    );

    let ja = run(&["audit", "--snapshot", demo, "--lang", "ja"], dir.path());
    assert_eq!(ja.status.code(), Some(1));
    assert!(stdout(&ja).contains("== 論理アクセス =="));

    // LANG picks the language when --lang is not given.
    let by_locale = kensa()
        .args(["audit", "--snapshot", demo])
        .env("LANG", "ja_JP.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run kensa");
    assert!(stdout(&by_locale).contains("概要:"));
}

#[test]
fn selection_narrows_the_run_and_can_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo();
    let demo = demo.to_str().expect("utf-8 path");
    let out = dir.path().join("r.json");
    let o = run(
        &[
            "audit",
            "--snapshot",
            demo,
            "--check",
            "iam-root-access-keys",
            "--format",
            "json",
            "--output",
            out.to_str().expect("utf-8 path"),
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report written"))
            .expect("JSON");
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["status"], "PASS");
    assert_eq!(report["source"]["kind"], "snapshot");

    let o = run(
        &["audit", "--snapshot", demo, "--requirement", "IAM-5"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("Summary: 9 checks, 9 findings"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn init_writes_the_sheets_defaults_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(&["init"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = std::fs::read_to_string(dir.path().join("kensa.toml")).expect("kensa.toml");
    assert!(written.contains("expire_passwords = false"));
    let again = run(&["init"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("use --force"), "{}", stderr(&again));

    // The written file is picked up from the working directory.
    let demo = demo();
    let o = run(
        &[
            "audit",
            "--snapshot",
            demo.to_str().expect("utf-8 path"),
            "--check",
            "iam-root-mfa",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_mistyped_config_stops_with_exit_2_and_says_where() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("kensa.toml"), "[iam]\nmin_admins = 3\n").expect("write");
    let demo = demo();
    let o = run(
        &["audit", "--snapshot", demo.to_str().expect("utf-8 path")],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("kensa.toml: TOML parse error at line 2, column 1"),
        "{err}"
    );
    assert!(err.contains("unknown field `min_admins`"), "{err}");
}

#[test]
fn checks_and_explain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(&["checks", "--requirement", "IAM-5"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 9);
    assert!(
        stdout(&o)
            .lines()
            .all(|l| l.starts_with("iam-password-policy-"))
    );

    let o = run(
        &[
            "explain",
            "iam-console-user-no-direct-policies",
            "--lang",
            "ja",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("CIS AWS Foundations 1.2: 1.16"));
    assert!(stdout(&o).contains("API 専用"));

    let o = run(&["explain", "no-such-check"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no check `no-such-check`"));

    let o = run(
        &["audit", "--snapshot", "x.json", "--check", "nope"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
}

/// An exception turns the demo's one FAIL of `iam-user-in-group` into
/// SUPPRESSED, so the run passes; an expired one changes nothing and is
/// warned about. Both languages.
#[test]
fn an_exception_suppresses_a_fail_and_changes_the_exit_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo();
    let demo = demo.to_str().expect("utf-8 path");
    let args = ["audit", "--snapshot", demo, "--check", "iam-user-in-group"];
    let without = run(&args, dir.path());
    assert_eq!(without.status.code(), Some(1), "{}", stderr(&without));

    std::fs::write(
        dir.path().join("kensa.toml"),
        r#"
[[exceptions]]
id = "CHG-1"
check = "iam-user-in-group"
resource = "billing-batch"
reason = "API-only batch user, reviewed monthly"
approver = "ciso@example.com"
expires = 2026-11-20

[[exceptions]]
id = "CHG-0"
check = "iam-user-in-group"
resource = "billing-*"
reason = "the old approval"
approver = "ciso@example.com"
expires = 2026-11-19
"#,
    )
    .expect("write kensa.toml");
    let en = run(&[&args[..], &["--lang", "en"]].concat(), dir.path());
    assert_eq!(en.status.code(), Some(0), "{}", stderr(&en));
    let out = stdout(&en);
    assert!(
        out.contains("SUPPRESSED iam-user-in-group                      User billing-batch belongs to no group"),
        "{out}"
    );
    assert!(
        out.contains("exception CHG-1 (was FAIL): API-only batch user, reviewed monthly — approved by ciso@example.com, until 2026-11-20"),
        "{out}"
    );
    assert!(out.contains("Exceptions (2, 1 need attention)"), "{out}");
    assert!(
        stderr(&en).contains("kensa: warning: exception `CHG-0`: expired on 2026-11-19 (the data was collected on 2026-11-20)"),
        "{}",
        stderr(&en)
    );

    let ja = run(&[&args[..], &["--lang", "ja"]].concat(), dir.path());
    assert_eq!(ja.status.code(), Some(0), "{}", stderr(&ja));
    assert!(
        stdout(&ja).contains("例外 CHG-1 (元の判定 FAIL): API-only batch user, reviewed monthly — 承認者 ciso@example.com、期限 2026-11-20"),
        "{}",
        stdout(&ja)
    );
    assert!(
        stderr(&ja).contains("kensa: 警告: 例外 `CHG-0`: 2026-11-19 に期限切れです"),
        "{}",
        stderr(&ja)
    );

    // A bad exception stops the run and says which one and why.
    std::fs::write(
        dir.path().join("kensa.toml"),
        "[[exceptions]]\nid = \"CHG-9\"\ncheck = \"iam-user-in-group\"\nresource = \"*\"\napprover = \"a\"\nexpires = 2027-01-01\n",
    )
    .expect("write kensa.toml");
    let bad = run(&args, dir.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("exceptions[0] (`CHG-9`): `reason` is missing"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn framework_views_group_by_controls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = demo();
    let demo = demo.to_str().expect("utf-8 path");
    let o = run(
        &[
            "audit",
            "--snapshot",
            demo,
            "--framework",
            "cis-1.2",
            "--lang",
            "en",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("== CIS AWS Foundations Benchmark v1.2.0 =="),
        "{out}"
    );
    assert!(out.contains("Coverage: 49 controls"), "{out}");
    assert!(
        out.contains("MANUAL 1.15               Ensure security questions are registered in the AWS account (no automated check)"),
        "{out}"
    );
    for framework in ["sheet", "fsbp", "pci-dss"] {
        let o = run(
            &[
                "audit",
                "--snapshot",
                demo,
                "--framework",
                framework,
                "--format",
                "json",
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let report: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
        assert_eq!(report["framework_view"]["framework"], framework);
    }
    let o = run(
        &["audit", "--snapshot", demo, "--framework", "cis"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
}
