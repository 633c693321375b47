//! End-to-end tests of the security service checks (SVC-*): kensa audits
//! two regions of a local moto server in which only one region has AWS
//! Config, GuardDuty and Security Hub turned on.
//!
//! moto serves Config, GuardDuty, ECR and Security Hub's DescribeHub, but
//! not Security Hub's GetEnabledStandards: that check must say ERROR and
//! name the call. The seeded region also has a GuardDuty → EventBridge →
//! SNS notification (moto confirms email subscriptions at once) and a
//! multi-region trail without log file validation.

mod support;

use std::collections::BTreeSet;

use aws_config::SdkConfig;
use serde_json::Value;

use support::moto::{MotoServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, kensa};
use support::run::{Report, findings, listing, read_report, run, str_of};

/// The region with the services turned on.
const SEEDED: &str = "us-east-1";
/// The region with nothing turned on.
const BARE: &str = "eu-west-1";

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

/// Config recording everything (global types too) with a delivery channel,
/// a GuardDuty detector and Security Hub, all in [`SEEDED`]; two ECR
/// repositories there, one scanning on push.
async fn seed(moto: &MotoServer) {
    use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
    use aws_sdk_ecr::types::ImageScanningConfiguration;

    let sdk = sdk(moto, SEEDED).await;
    let config = aws_sdk_config::Client::new(&sdk);
    config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn("arn:aws:iam::123456789012:role/config-role")
                .recording_group(
                    RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("put a configuration recorder");
    config
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name("config-bucket")
                .build(),
        )
        .send()
        .await
        .expect("put a delivery channel");
    config
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .expect("start the recorder");

    aws_sdk_guardduty::Client::new(&sdk)
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("create a GuardDuty detector");

    aws_sdk_securityhub::Client::new(&sdk)
        .enable_security_hub()
        .enable_default_standards(true)
        .send()
        .await
        .expect("enable Security Hub");

    // SVC-5: GuardDuty findings to a topic with a (moto: confirmed) subscriber.
    let sns = aws_sdk_sns::Client::new(&sdk);
    let topic = sns
        .create_topic()
        .name("security-alerts")
        .send()
        .await
        .expect("create a topic")
        .topic_arn
        .expect("a topic ARN");
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("email")
        .endpoint("secops@example.com")
        .send()
        .await
        .expect("subscribe to the topic");
    let events = aws_sdk_eventbridge::Client::new(&sdk);
    events
        .put_rule()
        .name("guardduty-findings")
        .event_pattern(r#"{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}"#)
        .send()
        .await
        .expect("put an EventBridge rule");
    events
        .put_targets()
        .rule("guardduty-findings")
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("topic")
                .arn(&topic)
                .build()
                .expect("a target"),
        )
        .send()
        .await
        .expect("put the rule's target");

    // SVC-7: a multi-region trail, logging, but without log file validation.
    aws_sdk_s3::Client::new(&sdk)
        .create_bucket()
        .bucket("trail-bucket")
        .send()
        .await
        .expect("create the trail's bucket");
    let cloudtrail = aws_sdk_cloudtrail::Client::new(&sdk);
    cloudtrail
        .create_trail()
        .name("management")
        .s3_bucket_name("trail-bucket")
        .is_multi_region_trail(true)
        .enable_log_file_validation(false)
        .send()
        .await
        .expect("create a trail");
    cloudtrail
        .start_logging()
        .name("management")
        .send()
        .await
        .expect("start logging");

    let ecr = aws_sdk_ecr::Client::new(&sdk);
    for (name, scan_on_push) in [("scanned", true), ("unscanned", false)] {
        ecr.create_repository()
            .repository_name(name)
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(scan_on_push)
                    .build(),
            )
            .send()
            .await
            .expect("create an ECR repository");
    }
}

fn audit(moto: &MotoServer, dir: &std::path::Path) -> Report {
    let endpoint = moto.endpoint();
    let output = dir.join("report.json");
    let mut command = kensa();
    command
        .current_dir(dir)
        .args(["audit", "--endpoint-url", &endpoint])
        .args(["--region", SEEDED, "--region", BARE])
        .args(["--requirement", "SVC-1", "--requirement", "SVC-3"])
        .args(["--requirement", "SVC-5", "--requirement", "SVC-6"])
        .args(["--requirement", "SVC-7"])
        .args(["--format", "json", "--output"])
        .arg(&output);
    let outcome = run(&mut command);
    assert_eq!(
        outcome.code,
        Some(1),
        "FAILs and ERRORs make kensa exit 1\n{}",
        outcome.describe()
    );
    read_report(outcome, &output)
}

/// `(check, region, resource id, status)` of every finding.
fn verdicts(report: &Value) -> BTreeSet<(String, String, String, String)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                str_of(f, "/check_id").to_owned(),
                str_of(f, "/resource/region").to_owned(),
                str_of(f, "/resource/id").to_owned(),
                str_of(f, "/status").to_owned(),
            )
        })
        .collect()
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
async fn services_in_one_region_only_fail_in_the_other() {
    let moto = MotoServer::start();
    seed(&moto).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let report = audit(&moto, dir.path());
    let json = &report.json;

    let got = verdicts(json);
    let expect = |check: &str, region: &str, id: &str, status: &str| {
        let key = (
            check.to_owned(),
            region.to_owned(),
            id.to_owned(),
            status.to_owned(),
        );
        assert!(
            got.contains(&key),
            "expected {key:?}\n{}",
            listing(findings(json))
        );
    };
    // SVC-1: the recorder runs in one region; the other has none.
    expect("svc-config-recorder", SEEDED, "default", "PASS");
    expect("svc-config-recorder", BARE, BARE, "FAIL");
    expect("svc-config-recorder", "global", "123456789012", "PASS");
    // SVC-3: one repository scans on push, the other does not.
    expect("svc-ecr-scan", SEEDED, "scanned", "PASS");
    expect("svc-ecr-scan", SEEDED, "unscanned", "FAIL");
    // SVC-5: a detector in one region only.
    assert_eq!(
        str_of(finding(json, "svc-guardduty-enabled", SEEDED), "/status"),
        "PASS"
    );
    expect("svc-guardduty-enabled", BARE, BARE, "FAIL");
    expect("svc-guardduty-findings-notified", SEEDED, SEEDED, "PASS");
    expect("svc-guardduty-findings-notified", BARE, BARE, "FAIL");
    // SVC-7: the one trail lacks log file validation.
    let trail = findings(json)
        .iter()
        .find(|f| str_of(f, "/check_id") == "svc-cloudtrail-trail")
        .unwrap_or_else(|| panic!("no SVC-7 finding\n{}", listing(findings(json))));
    assert_eq!(str_of(trail, "/status"), "FAIL", "{trail}");
    assert_eq!(str_of(trail, "/resource/id"), "management");
    assert!(
        str_of(trail, "/message/en").contains("log file validation is off"),
        "{trail}"
    );
    // SVC-6: the hub is off in the bare region; where it is on, moto cannot
    // list the enabled standards, which must be an ERROR naming the call.
    assert_eq!(
        str_of(finding(json, "svc-security-hub", BARE), "/status"),
        "FAIL"
    );
    let hub = finding(json, "svc-security-hub", SEEDED);
    assert_eq!(str_of(hub, "/status"), "ERROR", "{hub}");
    assert!(
        str_of(hub, "/message/en").contains("securityhub:GetEnabledStandards failed"),
        "{hub}"
    );
    assert_eq!(
        str_of(hub, "/evidence/failed_call/operation"),
        "GetEnabledStandards"
    );
    assert_eq!(
        got.len(),
        findings(json).len(),
        "each finding is about its own resource"
    );
}
