//! `kensa audit --to-security-hub` against moto's Security Hub: the import
//! holds exactly kensa's findings, a re-run updates them instead of adding
//! new ones, findings that are gone get archived, and every field kensa
//! sets comes back as it was sent.
//!
//! moto 5.2.5 implements BatchImportFindings (stores the finding JSON,
//! updating by Id) and GetFindings (ignoring Filters, which kensa also
//! applies itself); EnableSecurityHub is seeded as on a real account.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use kensa_asff::{Finding as AsffFinding, RecordState};
use kensa_checks::{Lang, Report, Status};
use support::moto::{MotoServer, TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY};
use support::run::{Outcome, run};

const ACCOUNT: &str = "123456789012";
const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const PASSWORD: &str = "Kensa-Test-Passw0rd!";

async fn sdk_config(moto: &MotoServer) -> aws_config::SdkConfig {
    let credentials = aws_sdk_iam::config::Credentials::new(
        TEST_ACCESS_KEY,
        TEST_SECRET_KEY,
        None,
        None,
        "kensa-tests",
    );
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .credentials_provider(credentials)
        .region(aws_config::Region::new(TEST_REGION))
        .endpoint_url(moto.endpoint())
        .load()
        .await
}

async fn seed(iam: &aws_sdk_iam::Client, hub: &aws_sdk_securityhub::Client) {
    hub.enable_security_hub()
        .send()
        .await
        .expect("enable Security Hub");
    iam.create_group()
        .group_name("Administrators")
        .send()
        .await
        .expect("create group");
    iam.attach_group_policy()
        .group_name("Administrators")
        .policy_arn(ADMINISTRATOR_ACCESS)
        .send()
        .await
        .expect("attach AdministratorAccess");
    for (user, group) in [("alice", Some("Administrators")), ("bob", None)] {
        iam.create_user()
            .user_name(user)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create {user}: {e:?}"));
        iam.create_login_profile()
            .user_name(user)
            .password(PASSWORD)
            .send()
            .await
            .unwrap_or_else(|e| panic!("login profile of {user}: {e:?}"));
        if let Some(group) = group {
            iam.add_user_to_group()
                .user_name(user)
                .group_name(group)
                .send()
                .await
                .unwrap_or_else(|e| panic!("add {user} to {group}: {e:?}"));
        }
    }
}

/// Runs `kensa audit --to-security-hub` and reads its JSON report.
fn audit_and_import(moto: &MotoServer, report_path: &Path) -> (Outcome, Report) {
    let mut command = moto.kensa();
    command
        .args(["audit", "--endpoint-url", &moto.endpoint()])
        .args(["--region", TEST_REGION, "--to-security-hub"])
        .args(["--format", "json", "--output"])
        .arg(report_path);
    let outcome = run(&mut command);
    let text = std::fs::read_to_string(report_path)
        .unwrap_or_else(|e| panic!("no report: {e}\n{}", outcome.describe()));
    let report: Report = serde_json::from_str(&text).expect("the report parses");
    (outcome, report)
}

/// Every finding in moto's Security Hub, whoever imported it.
async fn all_findings(
    hub: &aws_sdk_securityhub::Client,
) -> Vec<aws_sdk_securityhub::types::AwsSecurityFinding> {
    let mut findings = Vec::new();
    let mut pages = hub.get_findings().max_results(100).into_paginator().send();
    while let Some(page) = pages.next().await {
        findings.extend(page.expect("GetFindings").findings().iter().cloned());
    }
    findings
}

fn by_id(findings: Vec<AsffFinding>) -> BTreeMap<String, AsffFinding> {
    findings.into_iter().map(|f| (f.id.clone(), f)).collect()
}

/// What Security Hub holds, read back through kensa's conversion.
async fn imported(hub: &aws_sdk_securityhub::Client) -> BTreeMap<String, AsffFinding> {
    by_id(
        all_findings(hub)
            .await
            .iter()
            .map(|f| {
                kensa_collect::security_hub::from_sdk(f)
                    .unwrap_or_else(|e| panic!("a finding kensa cannot read back: {e}: {f:?}"))
            })
            .collect(),
    )
}

fn expected(report: &Report) -> BTreeMap<String, AsffFinding> {
    by_id(
        kensa_report::asff_findings(report, Lang::En, TEST_REGION)
            .expect("the account ID is known"),
    )
}

/// The SDK's Security Hub types are large; unoptimized, deserializing a
/// page of findings needs more stack than a test thread's 2 MiB.
const STACK: usize = 64 * 1024 * 1024;

#[test]
fn import_updates_in_place_round_trips_and_archives_what_is_gone() {
    let test = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(import_round_trip())
        })
        .expect("spawn the test thread");
    if let Err(panic) = test.join() {
        std::panic::resume_unwind(panic);
    }
}

async fn import_round_trip() {
    let moto = MotoServer::start();
    let sdk = sdk_config(&moto).await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let hub = aws_sdk_securityhub::Client::new(&sdk);
    seed(&iam, &hub).await;
    let dir = tempfile::tempdir().expect("tempdir");

    // First run: Security Hub holds exactly kensa's findings, field for field.
    let (outcome, report1) = audit_and_import(&moto, &dir.path().join("1.json"));
    assert_eq!(
        outcome.code,
        Some(1),
        "FAILs exit with 1\n{}",
        outcome.describe()
    );
    let want = expected(&report1);
    assert!(
        want.len() > 10,
        "a useful number of findings: {}",
        want.len()
    );
    assert!(
        outcome.stderr.contains(&format!(
            "kensa: Security Hub (us-east-1): {} finding(s) imported, 0 archived (no longer found), 0 failed",
            want.len()
        )),
        "{}",
        outcome.describe()
    );
    let raw = all_findings(&hub).await;
    assert_eq!(raw.len(), want.len(), "exactly kensa's findings, once each");
    let first = imported(&hub).await;
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    let collected_at = report1.collected_at;
    for (id, got) in &first {
        let updated = chrono::DateTime::parse_from_rfc3339(&got.updated_at).expect("RFC 3339");
        assert!(
            updated >= collected_at,
            "{id}: UpdatedAt {} is before the audit",
            got.updated_at
        );
        // Everything else is exactly what --format asff renders.
        let mut sent = want[id].clone();
        sent.updated_at = got.updated_at.clone();
        assert_eq!(got, &sent, "{id} did not round-trip");
    }
    // Spot checks on the SDK's own view, independent of kensa's conversion.
    let bob_mfa = raw
        .iter()
        .find(|f| {
            f.generator_id() == Some("kensa/iam-console-user-mfa")
                && f.resources().first().and_then(|r| r.id())
                    == Some("arn:aws:iam::123456789012:user/bob")
        })
        .expect("bob's MFA finding");
    assert_eq!(
        bob_mfa.product_arn(),
        Some("arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default")
    );
    assert_eq!(bob_mfa.aws_account_id(), Some(ACCOUNT));
    assert_eq!(
        bob_mfa
            .compliance()
            .and_then(|c| c.status())
            .map(|s| s.as_str()),
        Some("FAILED")
    );
    assert_eq!(
        bob_mfa.compliance().and_then(|c| c.security_control_id()),
        Some("IAM.5")
    );
    assert_eq!(
        bob_mfa.resources().first().and_then(|r| r.r#type()),
        Some("AwsIamUser")
    );
    assert_eq!(
        bob_mfa.resources().first().and_then(|r| r.region()),
        Some(TEST_REGION),
        "an IAM user's region is the Security Hub region"
    );
    assert!(bob_mfa.title().is_some_and(|t| t.starts_with("IAM-6 ")));

    // Second run, nothing changed: the same findings, updated in place.
    let (outcome, report2) = audit_and_import(&moto, &dir.path().join("2.json"));
    assert_eq!(outcome.code, Some(1), "{}", outcome.describe());
    assert_eq!(
        all_findings(&hub).await.len(),
        want.len(),
        "updated, not duplicated"
    );
    let second = imported(&hub).await;
    assert_eq!(
        second.keys().collect::<Vec<_>>(),
        expected(&report2).keys().collect::<Vec<_>>()
    );
    for (id, got) in &second {
        let before = &first[id];
        assert_eq!(got.created_at, before.created_at, "{id}: CreatedAt is kept");
        assert!(
            got.updated_at >= before.updated_at,
            "{id}: UpdatedAt went back"
        );
        assert_eq!(got.record_state, RecordState::Active);
    }

    // Third run after bob is deleted: his findings are archived, not lost
    // and not left active; checks that could not read their data (moto's
    // gaps make some ERROR) leave their earlier findings alone.
    iam.delete_login_profile()
        .user_name("bob")
        .send()
        .await
        .expect("delete bob's login profile");
    iam.delete_user()
        .user_name("bob")
        .send()
        .await
        .expect("delete bob");
    let (outcome, report3) = audit_and_import(&moto, &dir.path().join("3.json"));
    let now = expected(&report3);
    let erred: BTreeSet<&str> = report3
        .findings
        .iter()
        .filter(|f| f.status == Status::Error)
        .map(|f| f.check_id.as_str())
        .collect();
    let gone: BTreeSet<&String> = second.keys().filter(|id| !now.contains_key(*id)).collect();
    let should_archive: BTreeSet<&String> = gone
        .iter()
        .copied()
        .filter(|id| !erred.contains(second[*id].product_fields["kensa/CheckId"].as_str()))
        .collect();
    assert!(
        should_archive
            .iter()
            .any(|id| id.contains("/iam-console-user-mfa/")),
        "bob's MFA finding is gone: {gone:?}"
    );
    assert!(
        outcome.stderr.contains(&format!(
            "{} finding(s) imported, {} archived (no longer found), 0 failed",
            now.len(),
            should_archive.len()
        )),
        "{}",
        outcome.describe()
    );
    let third = imported(&hub).await;
    assert_eq!(third.len(), now.len() + gone.len(), "nothing is deleted");
    for (id, got) in &third {
        let state = if should_archive.contains(id) || !gone.contains(id) && !now.contains_key(id) {
            RecordState::Archived
        } else {
            RecordState::Active
        };
        assert_eq!(got.record_state, state, "{id}");
    }
    let active: BTreeSet<&String> = third
        .iter()
        .filter(|(_, f)| f.record_state == RecordState::Active)
        .map(|(id, _)| id)
        .collect();
    let want_active: BTreeSet<&String> = now
        .keys()
        .chain(gone.difference(&should_archive).copied())
        .collect();
    assert_eq!(active, want_active);
}

#[test]
fn an_unreachable_security_hub_fails_the_import_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report_path = dir.path().join("report.json");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json");
    // A port nobody listens on once the listener is dropped.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let mut command = support::moto::kensa();
    command
        .arg("audit")
        .arg("--snapshot")
        .arg(&demo)
        .args([
            "--to-security-hub",
            "--lang",
            "ja",
            "--format",
            "json",
            "--output",
        ])
        .arg(&report_path)
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{closed}"))
        .env("AWS_MAX_ATTEMPTS", "1");
    let outcome = run(&mut command);
    assert_eq!(outcome.code, Some(2), "{}", outcome.describe());
    assert!(
        outcome
            .stderr
            .contains("kensa: Security Hub (ap-northeast-1): 0 件を取り込み、0 件をアーカイブ"),
        "{}",
        outcome.describe()
    );
    assert!(
        outcome
            .stderr
            .contains("以前の kensa の結果を読み取れなかったため"),
        "{}",
        outcome.describe()
    );
    assert!(
        outcome.stderr.contains("DispatchFailure"),
        "{}",
        outcome.describe()
    );
    // The report was written all the same.
    assert!(report_path.is_file());
}
