//! End-to-end tests of the Inspector checks (SVC-2) against moto.
//!
//! moto 5.2.5 serves Inspector2's Enable, Disable, BatchGetAccountStatus
//! (only for the account IDs it is given; without them, which is how kensa
//! asks for the calling account, it answers an empty list, or fails once an
//! account has a status), ListFindings (an empty list unless results are
//! queued) and the delegated-admin, member, filter and tag calls. It does
//! not serve ListCoverage, ListFindingAggregations or ListCoverageStatistics.
//! Against moto the account's Inspector status is therefore never readable,
//! and every SVC-2 verdict that needs it must be ERROR naming the call, never
//! PASS; a region without EC2 instances says so.

mod support;

use aws_config::SdkConfig;
use serde_json::Value;

use support::moto::{MotoServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, kensa};
use support::run::{findings, listing, read_report, run, str_of};

/// The region with an instance and Inspector turned on.
const SEEDED: &str = "us-east-1";
/// The region with nothing.
const BARE: &str = "eu-west-1";
/// moto's default account.
const ACCOUNT: &str = "123456789012";
/// An AMI moto ships in every region.
const MOTO_AMI: &str = "ami-03cf127a";

async fn sdk(moto: &MotoServer, region: &str) -> SdkConfig {
    let credentials = aws_sdk_iam::config::Credentials::new(
        TEST_ACCESS_KEY,
        TEST_SECRET_KEY,
        None,
        None,
        "kensa-tests",
    );
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .credentials_provider(credentials)
        .region(aws_config::Region::new(region.to_owned()))
        .endpoint_url(moto.endpoint())
        .load()
        .await
}

/// One running instance in [`SEEDED`], with Inspector's EC2 and ECR
/// scanning turned on there for moto's account.
async fn seed(moto: &MotoServer) {
    let sdk = sdk(moto, SEEDED).await;
    aws_sdk_ec2::Client::new(&sdk)
        .run_instances()
        .image_id(MOTO_AMI)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .expect("run an instance");
    aws_sdk_inspector2::Client::new(&sdk)
        .enable()
        .account_ids(ACCOUNT)
        .resource_types(aws_sdk_inspector2::types::ResourceScanType::Ec2)
        .resource_types(aws_sdk_inspector2::types::ResourceScanType::Ecr)
        .send()
        .await
        .expect("enable Inspector");
}

fn finding<'a>(report: &'a Value, check: &str, region: &str) -> &'a Value {
    findings(report)
        .iter()
        .find(|f| str_of(f, "/check_id") == check && str_of(f, "/resource/region") == region)
        .unwrap_or_else(|| {
            panic!(
                "no {check} finding in {region}\n{}",
                listing(findings(report))
            )
        })
}

#[tokio::test]
async fn what_moto_cannot_serve_is_an_error_never_a_pass() {
    let moto = MotoServer::start();
    seed(&moto).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let endpoint = moto.endpoint();

    // The snapshot shows which calls moto answered.
    let snapshot_path = dir.path().join("snapshot.json");
    let outcome = run(kensa()
        .current_dir(dir.path())
        .args(["collect", "--endpoint-url", &endpoint])
        .args(["--region", SEEDED, "--region", BARE, "--output"])
        .arg(&snapshot_path));
    assert_eq!(outcome.code, Some(0), "{}", outcome.describe());
    let snapshot: Value = serde_json::from_str(
        &std::fs::read_to_string(&snapshot_path).expect("kensa wrote the snapshot"),
    )
    .expect("the snapshot is JSON");
    let inspector = &snapshot["regions"][SEEDED]["services"]["inspector"];
    assert_eq!(
        inspector["ec2_instances"]["value"][0]["state"], "running",
        "{inspector}"
    );
    assert_eq!(inspector["open_findings"]["value"], serde_json::json!([]));
    assert_eq!(
        inspector["ec2_coverage"]["error"]["operation"], "ListCoverage",
        "moto has no ListCoverage: {inspector}"
    );
    assert!(
        inspector["account_status"]["error"]["operation"] == "BatchGetAccountStatus",
        "moto fails BatchGetAccountStatus without account IDs once an account has a status: {inspector}"
    );
    let bare = &snapshot["regions"][BARE]["services"]["inspector"];
    assert_eq!(
        bare["account_status"]["value"],
        serde_json::json!([]),
        "{bare}"
    );

    let output = dir.path().join("report.json");
    let outcome = run(kensa()
        .current_dir(dir.path())
        .args(["audit", "--snapshot"])
        .arg(&snapshot_path)
        .args(["--requirement", "SVC-2", "--format", "json", "--output"])
        .arg(&output));
    let report = read_report(outcome, &output);
    let json = &report.json;
    assert_eq!(
        report.outcome.code,
        Some(1),
        "{}",
        report.outcome.describe()
    );

    let ec2 = finding(json, "svc-inspector-ec2-scanning", SEEDED);
    assert_eq!(str_of(ec2, "/status"), "ERROR", "{ec2}");
    assert!(
        str_of(ec2, "/message/en").contains("inspector2:BatchGetAccountStatus failed"),
        "{ec2}"
    );
    let bare_ec2 = finding(json, "svc-inspector-ec2-scanning", BARE);
    assert_eq!(str_of(bare_ec2, "/status"), "NOT_APPLICABLE", "{bare_ec2}");
    assert!(
        str_of(bare_ec2, "/message/en").contains("EC2 does not run in eu-west-1"),
        "{bare_ec2}"
    );
    // Where moto answers an empty status list, the account's status is
    // missing from the answer: an ERROR as well.
    for region in [SEEDED, BARE] {
        let open = finding(json, "svc-inspector-findings", region);
        assert_eq!(str_of(open, "/status"), "ERROR", "{open}");
        assert!(
            str_of(open, "/message/en").contains("inspector2:BatchGetAccountStatus"),
            "{open}"
        );
    }
    let passes: Vec<&Value> = findings(json)
        .iter()
        .filter(|f| str_of(f, "/status") == "PASS")
        .collect();
    assert!(
        passes.is_empty(),
        "no SVC-2 PASS on moto:\n{}",
        listing(passes)
    );
}
