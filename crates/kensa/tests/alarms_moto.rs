//! End-to-end tests of ALM-1..ALM-11: kensa against a local moto server
//! whose trail, log group, metric filters, alarms, SNS topic and
//! EventBridge rules are seeded through the AWS SDK.
//!
//! moto confirms every SNS subscription at once (its `subscribe` sets
//! `PendingConfirmation` to false), so a pending subscriber cannot be
//! seeded here; the unit tests of kensa-checks cover that branch.

mod support;

use std::path::Path;
use std::process::Command;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
use aws_sdk_cloudwatchlogs::types::MetricTransformation;
use serde_json::Value;

use support::moto::{MotoServer, TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY};
use support::run::{Report, findings, listing, read_report, run, str_of};

const ACCOUNT: &str = "123456789012";
const LOG_GROUP: &str = "CloudTrail/DefaultLogGroup";
const NAMESPACE: &str = "CloudTrailMetrics";

async fn sdk(moto: &MotoServer) -> SdkConfig {
    let credentials = aws_sdk_iam::config::Credentials::new(
        TEST_ACCESS_KEY,
        TEST_SECRET_KEY,
        None,
        None,
        "kensa-tests",
    );
    aws_config::defaults(BehaviorVersion::latest())
        .credentials_provider(credentials)
        .region(Region::new(TEST_REGION))
        .endpoint_url(moto.endpoint())
        .load()
        .await
}

/// The seeding clients of one moto server.
struct Aws {
    s3: aws_sdk_s3::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    sns: aws_sdk_sns::Client,
    events: aws_sdk_eventbridge::Client,
}

impl Aws {
    async fn new(moto: &MotoServer) -> Aws {
        let sdk = sdk(moto).await;
        let s3 = aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build();
        Aws {
            s3: aws_sdk_s3::Client::from_conf(s3),
            cloudtrail: aws_sdk_cloudtrail::Client::new(&sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(&sdk),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&sdk),
            sns: aws_sdk_sns::Client::new(&sdk),
            events: aws_sdk_eventbridge::Client::new(&sdk),
        }
    }

    /// A multi-region trail, logging, delivering to the log group; and a
    /// topic with one (moto: confirmed) email subscriber. Returns the topic.
    async fn trail_and_topic(&self) -> String {
        self.s3
            .create_bucket()
            .bucket("trail-bucket")
            .send()
            .await
            .expect("create the trail's bucket");
        self.logs
            .create_log_group()
            .log_group_name(LOG_GROUP)
            .send()
            .await
            .expect("create the log group");
        self.cloudtrail
            .create_trail()
            .name("management")
            .s3_bucket_name("trail-bucket")
            .is_multi_region_trail(true)
            .include_global_service_events(true)
            .cloud_watch_logs_log_group_arn(format!(
                "arn:aws:logs:{TEST_REGION}:{ACCOUNT}:log-group:{LOG_GROUP}:*"
            ))
            .cloud_watch_logs_role_arn(format!("arn:aws:iam::{ACCOUNT}:role/CloudTrailToLogs"))
            .send()
            .await
            .expect("create the trail");
        self.cloudtrail
            .start_logging()
            .name("management")
            .send()
            .await
            .expect("start logging");
        let topic = self
            .sns
            .create_topic()
            .name("security-alerts")
            .send()
            .await
            .expect("create the topic")
            .topic_arn
            .expect("a topic ARN");
        self.sns
            .subscribe()
            .topic_arn(&topic)
            .protocol("email")
            .endpoint("security@example.com")
            .send()
            .await
            .expect("subscribe to the topic");
        topic
    }

    /// A metric filter on the trail's log group and an alarm on its metric
    /// as AWS's template makes it (Sum, 300 s, 1 period, >= threshold),
    /// notifying `topic` when given.
    async fn filter_and_alarm(&self, metric: &str, pattern: &str, threshold: f64, topic: Option<&str>) {
        self.logs
            .put_metric_filter()
            .log_group_name(LOG_GROUP)
            .filter_name(format!("{metric}Filter"))
            .filter_pattern(pattern)
            .metric_transformations(
                MetricTransformation::builder()
                    .metric_name(metric)
                    .metric_namespace(NAMESPACE)
                    .metric_value("1")
                    .build()
                    .expect("a complete metric transformation"),
            )
            .send()
            .await
            .expect("put the metric filter");
        self.cloudwatch
            .put_metric_alarm()
            .alarm_name(format!("{metric}Alarm"))
            .metric_name(metric)
            .namespace(NAMESPACE)
            .statistic(Statistic::Sum)
            .period(300)
            .evaluation_periods(1)
            .threshold(threshold)
            .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
            .set_alarm_actions(topic.map(|t| vec![t.to_owned()]))
            .send()
            .await
            .expect("put the metric alarm");
    }
}

/// `kensa audit` of us-east-1 on moto, only the checks of `requirements`,
/// run in `dir` so no stray kensa.toml is read.
fn audit(mut command: Command, moto: &MotoServer, requirements: &[&str], dir: &Path) -> Report {
    let output = dir.join("report.json");
    command
        .current_dir(dir)
        .args(["audit", "--endpoint-url"])
        .arg(moto.endpoint())
        .args(["--region", TEST_REGION, "--format", "json", "--output"])
        .arg(&output);
    for r in requirements {
        command.args(["--requirement", r]);
    }
    let outcome = run(&mut command);
    assert!(
        matches!(outcome.code, Some(0 | 1)),
        "kensa audit could not run\n{}",
        outcome.describe()
    );
    read_report(outcome, &output)
}

/// The one finding of `check_id`.
fn finding<'a>(report: &'a Value, check_id: &str) -> &'a Value {
    let matching: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| str_of(f, "/check_id") == check_id)
        .collect();
    match matching.as_slice() {
        [one] => one,
        _ => panic!(
            "want one finding of {check_id}; the report has:\n{}",
            listing(findings(report))
        ),
    }
}

fn assert_finding(report: &Value, check_id: &str, status: &str, message: &str) {
    let f = finding(report, check_id);
    assert_eq!(
        (str_of(f, "/status"), str_of(f, "/message/en")),
        (status, message),
        "{check_id}\n{}",
        listing(findings(report))
    );
}

const SG_TEMPLATE: &str = "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }";
const NACL_TEMPLATE: &str = "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }";
const SIGN_IN_TEMPLATE: &str =
    "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }";
/// AWS's IAM policy pattern, quoted, reordered and guarded by the event source.
const IAM_REWRITTEN: &str = "{ ($.eventSource = \"iam.amazonaws.com\") && ($.eventName = \"AttachGroupPolicy\" || $.eventName = \"AttachRolePolicy\" || $.eventName = \"AttachUserPolicy\" || $.eventName = \"DetachGroupPolicy\" || $.eventName = \"DetachRolePolicy\" || $.eventName = \"DetachUserPolicy\" || $.eventName = \"CreatePolicy\" || $.eventName = \"CreatePolicyVersion\" || $.eventName = \"DeletePolicy\" || $.eventName = \"DeletePolicyVersion\" || $.eventName = \"PutGroupPolicy\" || $.eventName = \"PutRolePolicy\" || $.eventName = \"PutUserPolicy\" || $.eventName = \"DeleteGroupPolicy\" || $.eventName = \"DeleteRolePolicy\" || $.eventName = \"DeleteUserPolicy\") }";
/// The CloudTrail events joined with `&&`: no single record has two names.
const TRAIL_JOINED: &str = "{ ($.eventName = CreateTrail) && ($.eventName = UpdateTrail) && ($.eventName = DeleteTrail) && ($.eventName = StartLogging) && ($.eventName = StopLogging) }";

#[tokio::test]
async fn filters_are_judged_by_the_events_they_match() {
    let moto = MotoServer::start();
    let aws = Aws::new(&moto).await;
    let topic = aws.trail_and_topic().await;
    aws.filter_and_alarm("SecurityGroupEventCount", SG_TEMPLATE, 1.0, Some(&topic))
        .await;
    aws.filter_and_alarm("IAMPolicyEventCount", IAM_REWRITTEN, 1.0, Some(&topic))
        .await;
    aws.filter_and_alarm("ConsoleSignInFailureCount", SIGN_IN_TEMPLATE, 3.0, Some(&topic))
        .await;
    aws.filter_and_alarm("CloudTrailEventCount", TRAIL_JOINED, 1.0, Some(&topic))
        .await;
    aws.filter_and_alarm("NetworkAclEventCount", NACL_TEMPLATE, 1.0, None)
        .await;

    let dir = tempfile::tempdir().expect("a temporary directory");
    let report = audit(
        moto.kensa(),
        &moto,
        &["ALM-1", "ALM-2", "ALM-4", "ALM-6", "ALM-9", "ALM-10"],
        dir.path(),
    );
    let json = &report.json;
    let chain = |filter: &str, alarm: &str| {
        format!(
            "trail management → log group {LOG_GROUP} → filter {filter} → alarm {alarm} → topic {topic}"
        )
    };
    assert_finding(
        json,
        "alm-security-group-changes",
        "PASS",
        &format!(
            "\"security group created, changed or deleted\" is notified: {}",
            chain("SecurityGroupEventCountFilter", "SecurityGroupEventCountAlarm")
        ),
    );
    assert_finding(
        json,
        "alm-iam-policy-changes",
        "PASS",
        &format!(
            "\"IAM policy changed\" is notified: {}",
            chain("IAMPolicyEventCountFilter", "IAMPolicyEventCountAlarm")
        ),
    );
    assert_finding(
        json,
        "alm-console-sign-in-failures",
        "PASS",
        &format!(
            "\"failed console sign-in\" is notified: {}",
            chain("ConsoleSignInFailureCountFilter", "ConsoleSignInFailureCountAlarm")
        ),
    );
    assert_finding(
        json,
        "alm-cloudtrail-changes",
        "FAIL",
        "\"CloudTrail created, changed or deleted, logging started or stopped\" is not notified: \
         no metric filter on log group CloudTrail/DefaultLogGroup matches any CloudTrail created, \
         changed or deleted, logging started or stopped event",
    );
    assert_finding(
        json,
        "alm-network-acl-changes",
        "FAIL",
        "\"network ACL created, changed or deleted\" is not notified: alarm \
         NetworkAclEventCountAlarm has no enabled SNS action",
    );
    assert_finding(
        json,
        "alm-ec2-instance-changes",
        "FAIL",
        "\"EC2 instance created, terminated, started, stopped or rebooted\" is not notified: no \
         metric filter on log group CloudTrail/DefaultLogGroup matches any EC2 instance created, \
         terminated, started, stopped or rebooted event",
    );
    // The route-table item (CIS 3.13) also serves ALM-7 and has no filter either.
    let report = audit(moto.kensa(), &moto, &["ALM-7"], dir.path());
    for id in ["alm-vpc-changes", "alm-route-table-changes"] {
        assert_eq!(
            str_of(finding(&report.json, id), "/status"),
            "FAIL",
            "{id}"
        );
    }
    assert_eq!(report.outcome.code, Some(1));
}

#[tokio::test]
async fn an_eventbridge_rule_to_a_subscribed_topic_passes() {
    let moto = MotoServer::start();
    let aws = Aws::new(&moto).await;
    let topic = aws.trail_and_topic().await;
    let pattern = r#"{"source":["aws.s3"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["s3.amazonaws.com"],"eventName":["PutBucketAcl","PutBucketPolicy","PutBucketCors","PutBucketLifecycle","PutBucketReplication","DeleteBucketPolicy","DeleteBucketCors","DeleteBucketLifecycle","DeleteBucketReplication"]}}"#;
    aws.events
        .put_rule()
        .name("bucket-policy-changes")
        .event_pattern(pattern)
        .send()
        .await
        .expect("put the rule");
    aws.events
        .put_targets()
        .rule("bucket-policy-changes")
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("alerts")
                .arn(&topic)
                .build()
                .expect("a complete target"),
        )
        .send()
        .await
        .expect("put the target");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let report = audit(moto.kensa(), &moto, &["ALM-11"], dir.path());
    assert_finding(
        &report.json,
        "alm-s3-bucket-policy-changes",
        "PASS",
        &format!(
            "\"S3 bucket policy changed\" is notified: EventBridge rule bucket-policy-changes \
             (us-east-1) → topic {topic}"
        ),
    );
}

/// A service that does not answer is an ERROR naming its call, never a
/// PASS, even when everything else of the chain is in place.
#[tokio::test]
async fn an_unreadable_link_is_an_error_not_a_pass() {
    let moto = MotoServer::start();
    let aws = Aws::new(&moto).await;
    let topic = aws.trail_and_topic().await;
    aws.filter_and_alarm("SecurityGroupEventCount", SG_TEMPLATE, 1.0, Some(&topic))
        .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = dir.path().join("report.json");
    // Every service on moto except SNS, whose endpoint nobody listens on.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let dead_port = dead.local_addr().expect("its address").port();
    drop(dead);
    let mut command = moto.kensa();
    command
        .current_dir(dir.path())
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("AWS_ENDPOINT_URL_SNS", format!("http://127.0.0.1:{dead_port}"))
        .env("AWS_MAX_ATTEMPTS", "1")
        .args(["audit", "--region", TEST_REGION, "--requirement", "ALM-1"])
        .args(["--format", "json", "--output"])
        .arg(&output);
    let report = read_report(run(&mut command), &output);
    let f = finding(&report.json, "alm-security-group-changes");
    assert_eq!(str_of(f, "/status"), "ERROR", "{}", listing(findings(&report.json)));
    assert!(
        str_of(f, "/message/en").starts_with(
            "Could not decide for ALM-1: security group created, changed or deleted: \
             sns:ListTopics failed (DispatchFailure"
        ),
        "{}",
        str_of(f, "/message/en")
    );
    assert_eq!(str_of(f, "/evidence/metric_filter_path"), "no_confirmed_subscription");
}
