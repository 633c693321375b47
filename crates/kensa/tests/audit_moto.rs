//! End-to-end tests: kensa against a local moto server seeded through the
//! AWS SDK, checked against the security design sheet's verdicts.
//!
//! Every test that needs moto starts its own server (see `support::moto`),
//! so the tests can run in parallel. `scripts/test` installs moto.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use support::moto::{MotoServer, kensa};
use support::run::{Report, findings, listing, read_report, run, str_of};

/// The sheet's admin policy, and the ones the seeded groups misuse or use.
const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const IAM_FULL_ACCESS: &str = "arn:aws:iam::aws:policy/IAMFullAccess";
const READ_ONLY_ACCESS: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const S3_READ_ONLY_ACCESS: &str = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

const CONSOLE_PASSWORD: &str = "Kensa-Test-Passw0rd!";
const INLINE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#;

// ---------------------------------------------------------------------------
// Running kensa

/// Runs `kensa audit ARGS --format json --output PATH` and reads the report.
fn audit(mut command: Command, args: &[&str], output: &Path) -> Report {
    command
        .arg("audit")
        .args(args)
        .args(["--format", "json", "--output"])
        .arg(output);
    let outcome = run(&mut command);
    read_report(outcome, output)
}

/// The findings of one check.
fn of_check<'a>(report: &'a Value, check_id: &str) -> Vec<&'a Value> {
    findings(report)
        .iter()
        .filter(|f| str_of(f, "/check_id") == check_id)
        .collect()
}

/// The one finding of `check_id` on the resource named `name`.
fn finding<'a>(report: &'a Value, check_id: &str, name: &str) -> &'a Value {
    let matching: Vec<&Value> = of_check(report, check_id)
        .into_iter()
        .filter(|f| str_of(f, "/resource/name") == name)
        .collect();
    match matching.as_slice() {
        [one] => one,
        [] => panic!(
            "no finding of {check_id} on {name:?}; the report has:\n{}",
            listing(findings(report))
        ),
        many => panic!(
            "{} findings of {check_id} on {name:?}:\n{}",
            many.len(),
            listing(many.iter().copied())
        ),
    }
}

/// The status of `check_id` on the resource named `name`.
fn status(report: &Value, check_id: &str, name: &str) -> String {
    str_of(finding(report, check_id, name), "/status").to_owned()
}

/// How kensa names an access key: `USER/AKIA************1234`.
fn key_name(user: &str, key_id: &str) -> String {
    let chars: Vec<char> = key_id.chars().collect();
    assert!(chars.len() > 8, "unexpected access key id {key_id}");
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{user}/{head}{}{tail}", "*".repeat(chars.len() - 8))
}

// ---------------------------------------------------------------------------
// Seeding

/// An access key the seeding created, secret included.
#[derive(Debug)]
struct Key {
    user: String,
    id: String,
    secret: String,
}

async fn create_group(iam: &aws_sdk_iam::Client, name: &str, policies: &[&str]) {
    iam.create_group()
        .group_name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create group {name}: {e:?}"));
    for arn in policies {
        iam.attach_group_policy()
            .group_name(name)
            .policy_arn(*arn)
            .send()
            .await
            .unwrap_or_else(|e| panic!("attach {arn} to group {name}: {e:?}"));
    }
}

async fn create_user(iam: &aws_sdk_iam::Client, name: &str, groups: &[&str], console: bool) {
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create user {name}: {e:?}"));
    if console {
        iam.create_login_profile()
            .user_name(name)
            .password(CONSOLE_PASSWORD)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create login profile of {name}: {e:?}"));
    }
    for group in groups {
        iam.add_user_to_group()
            .user_name(name)
            .group_name(*group)
            .send()
            .await
            .unwrap_or_else(|e| panic!("add {name} to {group}: {e:?}"));
    }
}

async fn create_access_key(iam: &aws_sdk_iam::Client, user: &str) -> Key {
    let output = iam
        .create_access_key()
        .user_name(user)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create access key of {user}: {e:?}"));
    let key = output
        .access_key()
        .unwrap_or_else(|| panic!("CreateAccessKey for {user} returned no key"));
    Key {
        user: user.to_owned(),
        id: key.access_key_id().to_owned(),
        secret: key.secret_access_key().to_owned(),
    }
}

async fn enable_virtual_mfa(iam: &aws_sdk_iam::Client, user: &str) {
    let output = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name(user)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create virtual MFA device for {user}: {e:?}"));
    let serial = output
        .virtual_mfa_device()
        .unwrap_or_else(|| panic!("CreateVirtualMFADevice for {user} returned no device"))
        .serial_number()
        .to_owned();
    iam.enable_mfa_device()
        .user_name(user)
        .serial_number(&serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap_or_else(|e| panic!("enable MFA device {serial} for {user}: {e:?}"));
}

/// The sheet's password policy, except a minimum length of 8 (the sheet
/// wants 14) and expiry after 90 days (the sheet wants none).
async fn set_password_policy(iam: &aws_sdk_iam::Client) {
    iam.update_account_password_policy()
        .minimum_password_length(8)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .require_numbers(true)
        .require_symbols(true)
        .allow_users_to_change_password(true)
        .password_reuse_prevention(24)
        .max_password_age(90)
        .hard_expiry(false)
        .send()
        .await
        .expect("update the account password policy");
}

/// An account with one case of each verdict the sheet gives.
async fn seed_sheet_account(iam: &aws_sdk_iam::Client) -> Vec<Key> {
    create_group(iam, "Administrators", &[ADMINISTRATOR_ACCESS]).await;
    create_group(iam, "InfraAdmins", &[IAM_FULL_ACCESS]).await;
    create_group(iam, "SecurityAdmins", &[]).await;
    create_group(iam, "IAMAdmins", &[]).await;
    create_group(iam, "Operators", &[READ_ONLY_ACCESS]).await;
    create_group(iam, "BillingApps", &[]).await;

    // Two administrators; only alice protects her console with MFA.
    create_user(iam, "alice", &["Administrators"], true).await;
    enable_virtual_mfa(iam, "alice").await;
    create_user(iam, "bob", &["Administrators"], true).await;

    // A person who also holds a program's key.
    create_user(iam, "carol", &["Operators"], true).await;
    let carol_key = create_access_key(iam, "carol").await;

    // A program: no console, a key, a policy of its own, no group.
    create_user(iam, "batch", &[], false).await;
    let batch_key = create_access_key(iam, "batch").await;
    iam.attach_user_policy()
        .user_name("batch")
        .policy_arn(S3_READ_ONLY_ACCESS)
        .send()
        .await
        .expect("attach AmazonS3ReadOnlyAccess to batch");

    // A person with a policy of his own.
    create_user(iam, "dave", &["Operators"], true).await;
    iam.put_user_policy()
        .user_name("dave")
        .policy_name("dave-extra")
        .policy_document(INLINE_POLICY)
        .send()
        .await
        .expect("put an inline policy on dave");

    set_password_policy(iam).await;
    vec![carol_key, batch_key]
}

// ---------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn seeded_account_gets_the_sheets_verdicts() {
    let moto = MotoServer::start();
    let keys = seed_sheet_account(&moto.iam_client().await).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let report = audit(
        moto.kensa(),
        &["--endpoint-url", &moto.endpoint()],
        &dir.path().join("report.json"),
    );
    let r = &report.json;
    let listing_all = || listing(findings(r));

    assert_eq!(r["schema_version"], 1, "{}", report.text);
    assert_eq!(r["account_id"], "123456789012", "{}", report.text);

    let expected: &[(&str, &str, &str)] = &[
        // IAM-1
        ("iam-duty-groups-exist", "Administrators", "PASS"),
        ("iam-duty-groups-exist", "InfraAdmins", "PASS"),
        ("iam-duty-groups-exist", "SecurityAdmins", "PASS"),
        ("iam-duty-groups-exist", "IAMAdmins", "PASS"),
        ("iam-duty-groups-exist", "Operators", "PASS"),
        ("iam-duty-groups-exist", "BillingApps", "PASS"),
        ("iam-duty-group-privilege", "InfraAdmins", "FAIL"),
        ("iam-duty-group-privilege", "Operators", "PASS"),
        ("iam-duty-group-privilege", "SecurityAdmins", "PASS"),
        ("iam-duty-group-privilege", "IAMAdmins", "PASS"),
        ("iam-duty-group-privilege", "BillingApps", "PASS"),
        // IAM-2
        ("iam-administrators-members", "Administrators", "PASS"),
        // IAM-3
        ("iam-user-console-and-keys", "alice", "PASS"),
        ("iam-user-console-and-keys", "bob", "PASS"),
        ("iam-user-console-and-keys", "carol", "FAIL"),
        ("iam-user-console-and-keys", "batch", "PASS"),
        ("iam-user-console-and-keys", "dave", "PASS"),
        // IAM-4
        ("iam-user-in-group", "alice", "PASS"),
        ("iam-user-in-group", "bob", "PASS"),
        ("iam-user-in-group", "carol", "PASS"),
        ("iam-user-in-group", "batch", "FAIL"),
        ("iam-user-in-group", "dave", "PASS"),
        ("iam-console-user-no-direct-policies", "alice", "PASS"),
        ("iam-console-user-no-direct-policies", "batch", "PASS"),
        ("iam-console-user-no-direct-policies", "dave", "FAIL"),
        // IAM-5
        (
            "iam-password-policy-minimum-length",
            "password policy",
            "FAIL",
        ),
        ("iam-password-policy-uppercase", "password policy", "PASS"),
        ("iam-password-policy-lowercase", "password policy", "PASS"),
        ("iam-password-policy-numbers", "password policy", "PASS"),
        ("iam-password-policy-symbols", "password policy", "PASS"),
        ("iam-password-policy-no-expiry", "password policy", "FAIL"),
        (
            "iam-password-policy-no-hard-expiry",
            "password policy",
            "PASS",
        ),
        (
            "iam-password-policy-users-can-change",
            "password policy",
            "PASS",
        ),
        (
            "iam-password-policy-reuse-prevention",
            "password policy",
            "PASS",
        ),
        // IAM-6
        ("iam-console-user-mfa", "alice", "PASS"),
        ("iam-console-user-mfa", "bob", "FAIL"),
        ("iam-console-user-mfa", "carol", "FAIL"),
        ("iam-console-user-mfa", "dave", "FAIL"),
        // IAM-7: moto's credential report has no root row; the summary
        // says no root MFA and no root keys, and recent use is unknowable.
        ("iam-root-mfa", "root", "FAIL"),
        ("iam-root-access-keys", "root", "PASS"),
        ("iam-root-recent-use", "root", "ERROR"),
        ("iam-root-holder-separation", "root", "MANUAL"),
    ];
    let mut wrong = Vec::new();
    for (check_id, name, want) in expected {
        let got = status(r, check_id, name);
        if got != *want {
            wrong.push(format!("{check_id} on {name}: want {want}, got {got}"));
        }
    }
    // IAM-8: keys created just now are neither old nor long unused.
    for key in &keys {
        let name = key_name(&key.user, &key.id);
        for check_id in ["iam-access-key-rotation", "iam-access-key-unused"] {
            let got = status(r, check_id, &name);
            if got != "PASS" {
                wrong.push(format!("{check_id} on {name}: want PASS, got {got}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "wrong verdicts:\n  {}\nall findings:\n{}",
        wrong.join("\n  "),
        listing_all()
    );

    // The sheet gives Administrators every permission on purpose.
    assert!(
        of_check(r, "iam-duty-group-privilege")
            .iter()
            .all(|f| str_of(f, "/resource/name") != "Administrators"),
        "{}",
        listing_all()
    );
    // Only console users are judged for MFA.
    assert!(
        of_check(r, "iam-console-user-mfa")
            .iter()
            .all(|f| str_of(f, "/resource/name") != "batch"),
        "{}",
        listing_all()
    );
    let daily_use = of_check(r, "iam-administrators-not-in-daily-use");
    assert!(!daily_use.is_empty(), "{}", listing_all());
    assert!(
        daily_use.iter().all(|f| f["status"] == "MANUAL"),
        "{}",
        listing(daily_use.iter().copied())
    );
    let in_group = finding(r, "iam-user-in-group", "batch");
    assert_eq!(in_group["requirements"], serde_json::json!(["IAM-4"]));
    assert_eq!(in_group["resource"]["type"], "AWS::IAM::User");

    // Some finding failed: exit code 1.
    assert_eq!(
        report.outcome.code,
        Some(1),
        "{}",
        report.outcome.describe()
    );

    // Credentials never appear in clear, in the report or on the terminal.
    for key in &keys {
        for (what, secret) in [("access key id", &key.id), ("secret key", &key.secret)] {
            for (place, text) in [
                ("report", &report.text),
                ("stdout", &report.outcome.stdout),
                ("stderr", &report.outcome.stderr),
            ] {
                assert!(
                    !text.contains(secret.as_str()),
                    "the {place} shows {}'s {what} in clear",
                    key.user
                );
            }
        }
    }
}

#[tokio::test]
async fn moto_gaps_are_errors_not_passes() {
    let moto = MotoServer::start();
    let iam = moto.iam_client().await;
    create_group(&iam, "Administrators", &[ADMINISTRATOR_ACCESS]).await;
    create_user(&iam, "alice", &["Administrators"], true).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let report = audit(
        moto.kensa(),
        &["--endpoint-url", &moto.endpoint()],
        &dir.path().join("report.json"),
    );
    let r = &report.json;

    // moto's credential report has no <root_account> row, so when the root
    // user was last used cannot be known.
    let recent = of_check(r, "iam-root-recent-use");
    assert!(!recent.is_empty(), "{}", listing(findings(r)));
    assert!(
        recent.iter().all(|f| f["status"] != "PASS"),
        "an unknown root use must never pass:\n{}",
        listing(recent.iter().copied())
    );
    let root = finding(r, "iam-root-recent-use", "root");
    assert_eq!(root["status"], "ERROR", "{root}");
    let message = str_of(root, "/message/en");
    assert!(
        message.contains("iam:GetCredentialReport"),
        "the message should name the call that lacked the data: {message}"
    );
    assert_eq!(
        report.outcome.code,
        Some(1),
        "an ERROR finding exits 1\n{}",
        report.outcome.describe()
    );
}

#[tokio::test]
async fn snapshot_audit_matches_live_audit() {
    let moto = MotoServer::start();
    let iam = moto.iam_client().await;
    create_group(&iam, "Administrators", &[ADMINISTRATOR_ACCESS]).await;
    create_group(&iam, "Operators", &[READ_ONLY_ACCESS]).await;
    create_user(&iam, "alice", &["Administrators"], true).await;
    create_user(&iam, "carol", &["Operators"], true).await;
    create_access_key(&iam, "carol").await;
    create_user(&iam, "batch", &[], false).await;
    create_access_key(&iam, "batch").await;
    set_password_policy(&iam).await;

    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = dir.path().join("snap.json.zst");
    let collected = run(moto
        .kensa()
        .args(["collect", "--endpoint-url", &moto.endpoint(), "--output"])
        .arg(&snapshot));
    assert_eq!(collected.code, Some(0), "{}", collected.describe());
    let raw = std::fs::read(&snapshot).expect("read the snapshot");
    assert!(
        raw.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]),
        "a .zst snapshot must be zstd-compressed; it starts with {:02x?}",
        &raw[..raw.len().min(8)]
    );

    let snapshot_arg = snapshot.to_str().expect("the temporary path is UTF-8");
    let offline = audit(
        kensa(),
        &["--snapshot", snapshot_arg],
        &dir.path().join("offline.json"),
    );
    let live = audit(
        moto.kensa(),
        &["--endpoint-url", &moto.endpoint()],
        &dir.path().join("live.json"),
    );

    // Two collections differ only in times (e.g. evidence.report_generated_at),
    // and in how moto fails a call it does not serve: inspector2's
    // BatchGetAccountStatus sometimes answers HTTP 500, sometimes an empty
    // list. An ERROR is compared by the call it names, not moto's words.
    let verdicts = |report: &Value| {
        let mut v: Vec<(String, String, String, String)> = findings(report)
            .iter()
            .map(|f| {
                let status = str_of(f, "/status");
                let message = str_of(f, "/message/en");
                let message = if status == "ERROR" {
                    error_call(message)
                } else {
                    message
                };
                (
                    str_of(f, "/check_id").to_owned(),
                    str_of(f, "/resource/id").to_owned(),
                    status.to_owned(),
                    message.to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (offline_verdicts, live_verdicts) = (verdicts(&offline.json), verdicts(&live.json));
    assert!(!live_verdicts.is_empty(), "{}", live.text);
    assert_eq!(
        offline_verdicts,
        live_verdicts,
        "the snapshot's audit differs from the live one\n--- offline ---\n{}\n--- live ---\n{}",
        listing(findings(&offline.json)),
        listing(findings(&live.json))
    );
    assert_eq!(offline.json["account_id"], live.json["account_id"]);
    assert_eq!(
        offline.outcome.code,
        live.outcome.code,
        "same findings, same exit code\n--- offline ---\n{}\n--- live ---\n{}",
        offline.outcome.describe(),
        live.outcome.describe()
    );
}

#[test]
fn bad_snapshot_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("new.json");
    std::fs::write(&path, r#"{"schema_version": 99}"#).expect("write the snapshot");
    let outcome = run(kensa().args(["audit", "--snapshot"]).arg(&path));
    assert_eq!(outcome.code, Some(2), "{}", outcome.describe());
    assert!(
        outcome.stderr.contains("newer"),
        "stderr should say the snapshot is newer than kensa\n{}",
        outcome.describe()
    );
}

#[test]
fn unreachable_endpoint_reports_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut command = kensa();
    // Nothing listens on port 1: fail fast instead of retrying.
    command
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_RETRY_MODE", "standard");
    let report = audit(
        command,
        &["--endpoint-url", "http://127.0.0.1:1"],
        &dir.path().join("report.json"),
    );
    let r = &report.json;
    assert_eq!(
        report.outcome.code,
        Some(1),
        "{}",
        report.outcome.describe()
    );
    let all = findings(r);
    assert!(!all.is_empty(), "{}", report.text);
    // Without data nothing passes or fails; only the always-manual checks
    // keep their MANUAL status, and a check that applies only when the
    // config declares something (subnet boundaries) says it does not apply.
    let decided: Vec<&Value> = all
        .iter()
        .filter(|f| f["status"] != "ERROR" && f["status"] != "MANUAL")
        .filter(|f| {
            !(f["status"] == "NOT_APPLICABLE" && f["check_id"] == "net-nacl-subnet-boundaries")
        })
        .collect();
    assert!(
        decided.is_empty(),
        "findings decided without data:\n{}",
        listing(decided)
    );
    assert!(
        all.iter().any(|f| f["status"] == "ERROR"),
        "{}",
        listing(all)
    );
    let errors = r["collection_errors"].as_array();
    assert!(
        errors.is_some_and(|e| !e.is_empty()),
        "collection_errors should list the failed calls: {}",
        r["collection_errors"]
    );
}

/// Every output format renders a real audit (a seeded moto account, read
/// once into a snapshot), and each says as much as the JSON result does.
#[tokio::test]
async fn every_format_renders_a_real_audit() {
    let moto = MotoServer::start();
    let iam = moto.iam_client().await;
    seed_sheet_account(&iam).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = dir.path().join("snap.json");
    let collected = run(moto
        .kensa()
        .args(["collect", "--endpoint-url", &moto.endpoint(), "--output"])
        .arg(&snapshot));
    assert_eq!(collected.code, Some(0), "{}", collected.describe());
    let snapshot = snapshot.to_str().expect("the temporary path is UTF-8");

    let json = audit(
        kensa(),
        &["--snapshot", snapshot],
        &dir.path().join("r.json"),
    );
    let count = findings(&json.json).len();
    assert!(
        count > 20,
        "the seeded account gives many findings: {count}"
    );
    let problems = findings(&json.json)
        .iter()
        .filter(|f| matches!(str_of(f, "/status"), "FAIL" | "ERROR"))
        .count();

    let render = |format: &str, lang: &str| -> String {
        let path = dir.path().join(format!("r.{format}.{lang}"));
        let outcome = run(kensa()
            .args([
                "audit",
                "--snapshot",
                snapshot,
                "--lang",
                lang,
                "--format",
                format,
            ])
            .arg("--output")
            .arg(&path));
        assert_eq!(outcome.code, Some(1), "{format}: {}", outcome.describe());
        std::fs::read_to_string(&path).expect("the rendered report")
    };
    for lang in ["en", "ja"] {
        let parse = |text: &str| -> Value { serde_json::from_str(text).expect("valid JSON") };
        let asff = parse(&render("asff", lang));
        assert_eq!(asff.as_array().map(Vec::len), Some(count), "asff");
        let ocsf = parse(&render("ocsf", lang));
        assert_eq!(ocsf.as_array().map(Vec::len), Some(count), "ocsf");
        let sarif = parse(&render("sarif", lang));
        assert_eq!(
            sarif["runs"][0]["results"].as_array().map(Vec::len),
            Some(problems),
            "sarif has one result per FAIL or ERROR"
        );
        let csv = render("csv", lang);
        // A row per finding after the header (a quoted field may hold a
        // line break, so rows can span lines).
        assert!(
            csv.lines().count() > count,
            "csv: a header and a row per finding"
        );
        let junit = render("junit", lang);
        assert_eq!(junit.matches("<testcase ").count(), count, "junit");
        let markdown = render("markdown", lang);
        assert!(markdown.contains("IAM-5"), "markdown names requirements");
        let html = render("html", lang);
        assert!(
            html.contains(&format!("<html lang=\"{lang}\"")),
            "html language"
        );
        assert!(html.contains("IAM-5"), "html names requirements");
        let text = render("text", lang);
        assert!(text.contains("IAM-5"), "text names requirements");
    }
}

/// An ERROR message up to the call it names (`Could not decide for R: service:Operation`),
/// without what the endpoint answered.
fn error_call(message: &str) -> &str {
    [" failed (", " answered without ", " was not collected"]
        .iter()
        .filter_map(|marker| message.find(marker))
        .min()
        .map_or(message, |end| &message[..end])
}
