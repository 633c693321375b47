//! End-to-end tests of ALM-1..ALM-11: kensa against a local moto server
//! whose trail, log group, metric filters, alarms, SNS topic and
//! EventBridge rules are seeded through the AWS SDK.
//!
//! CloudWatch: the Rust SDK speaks RPC v2 CBOR to CloudWatch, which moto
//! 5.2.5 (the newest) does not serve; the test server runs moto behind
//! `support/moto_rpcv2cbor.py`, which carries the same calls to moto's
//! awsJson CloudWatch and back, so every alarm here is moto's own.
//!
//! SNS: moto gives every new subscription (email, SQS, HTTP...) an ARN at
//! once, i.e. confirmed; a pending subscriber (`PendingConfirmation`)
//! cannot be seeded, so that verdict is unit-tested in kensa-checks.

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

    /// A metric filter on the trail's log group counting `metric`.
    async fn filter(&self, metric: &str, pattern: &str) {
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
    }

    /// AWS's template alarm on `metric`: Sum over 300 s, one period, at
    /// least `threshold`, notifying `actions`.
    async fn alarm(&self, metric: &str, threshold: f64, actions: &[&str]) {
        let mut request = self
            .cloudwatch
            .put_metric_alarm()
            .alarm_name(format!("{metric}Alarm"))
            .metric_name(metric)
            .namespace(NAMESPACE)
            .statistic(Statistic::Sum)
            .period(300)
            .evaluation_periods(1)
            .threshold(threshold)
            .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold);
        for action in actions {
            request = request.alarm_actions(*action);
        }
        request.send().await.expect("put the metric alarm");
    }

    /// An EventBridge rule on the default bus that notifies `topic`.
    async fn rule(&self, name: &str, pattern: &str, topic: &str) {
        self.events
            .put_rule()
            .name(name)
            .event_pattern(pattern)
            .send()
            .await
            .expect("put the rule");
        self.events
            .put_targets()
            .rule(name)
            .targets(
                aws_sdk_eventbridge::types::Target::builder()
                    .id("alerts")
                    .arn(topic)
                    .build()
                    .expect("a complete target"),
            )
            .send()
            .await
            .expect("put the target");
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

const SG_TEMPLATE: &str = "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }";
const NACL_TEMPLATE: &str = "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }";
const SIGN_IN_TEMPLATE: &str =
    "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }";
/// AWS's IAM policy pattern, quoted, reordered and guarded by the event source.
const IAM_REWRITTEN: &str = "{ ($.eventSource = \"iam.amazonaws.com\") && ($.eventName = \"AttachGroupPolicy\" || $.eventName = \"AttachRolePolicy\" || $.eventName = \"AttachUserPolicy\" || $.eventName = \"DetachGroupPolicy\" || $.eventName = \"DetachRolePolicy\" || $.eventName = \"DetachUserPolicy\" || $.eventName = \"CreatePolicy\" || $.eventName = \"CreatePolicyVersion\" || $.eventName = \"DeletePolicy\" || $.eventName = \"DeletePolicyVersion\" || $.eventName = \"PutGroupPolicy\" || $.eventName = \"PutRolePolicy\" || $.eventName = \"PutUserPolicy\" || $.eventName = \"DeleteGroupPolicy\" || $.eventName = \"DeleteRolePolicy\" || $.eventName = \"DeleteUserPolicy\") }";
/// The CloudTrail events joined with `&&`: no single record has two names.
const TRAIL_JOINED: &str = "{ ($.eventName = CreateTrail) && ($.eventName = UpdateTrail) && ($.eventName = DeleteTrail) && ($.eventName = StartLogging) && ($.eventName = StopLogging) }";

fn status_and_message<'a>(report: &'a Value, check_id: &str) -> (&'a str, &'a str) {
    let f = finding(report, check_id);
    (str_of(f, "/status"), str_of(f, "/message/en"))
}

/// The chain in full on moto: template filters (and one rewritten with
/// other quoting, order and an `eventSource` guard) with alarms to a
/// subscribed topic pass; a filter joining the trail events with `&&`, an
/// alarm without action and operations without a filter fail.
#[tokio::test]
async fn filters_and_alarms_are_judged_by_what_they_do() {
    let moto = MotoServer::start();
    let aws = Aws::new(&moto).await;
    let topic = aws.trail_and_topic().await;
    let notify: &[&str] = &[topic.as_str()];
    aws.filter("SecurityGroupEventCount", SG_TEMPLATE).await;
    aws.alarm("SecurityGroupEventCount", 1.0, notify).await;
    aws.filter("IAMPolicyEventCount", IAM_REWRITTEN).await;
    aws.alarm("IAMPolicyEventCount", 1.0, notify).await;
    aws.filter("ConsoleSignInFailureCount", SIGN_IN_TEMPLATE)
        .await;
    aws.alarm("ConsoleSignInFailureCount", 3.0, notify).await;
    aws.filter("CloudTrailEventCount", TRAIL_JOINED).await;
    aws.alarm("CloudTrailEventCount", 1.0, notify).await;
    aws.filter("NetworkAclEventCount", NACL_TEMPLATE).await;
    aws.alarm("NetworkAclEventCount", 1.0, &[]).await;

    let dir = tempfile::tempdir().expect("a temporary directory");
    let report = audit(
        moto.kensa(),
        &moto,
        &[
            "ALM-1", "ALM-2", "ALM-4", "ALM-6", "ALM-7", "ALM-9", "ALM-10",
        ],
        dir.path(),
    );
    let json = &report.json;
    for (check, title, metric) in [
        (
            "alm-security-group-changes",
            "security group created, changed or deleted",
            "SecurityGroupEventCount",
        ),
        (
            "alm-iam-policy-changes",
            "IAM policy changed",
            "IAMPolicyEventCount",
        ),
        (
            "alm-console-sign-in-failures",
            "failed console sign-in",
            "ConsoleSignInFailureCount",
        ),
    ] {
        assert_eq!(
            status_and_message(json, check),
            (
                "PASS",
                format!(
                    "\"{title}\" is notified: trail management → log group {LOG_GROUP} → \
                     filter {metric}Filter → alarm {metric}Alarm → topic {topic}"
                )
                .as_str()
            ),
            "{check}"
        );
    }
    assert_eq!(
        str_of(finding(json, "alm-iam-policy-changes"), "/message/ja"),
        format!(
            "「IAM ポリシーの変更」は通知されます: 証跡 management → ロググループ {LOG_GROUP} → \
             フィルター IAMPolicyEventCountFilter → アラーム IAMPolicyEventCountAlarm → トピック {topic}"
        )
    );
    assert_eq!(
        status_and_message(json, "alm-cloudtrail-changes"),
        (
            "FAIL",
            "\"CloudTrail created, changed or deleted, logging started or stopped\" is not \
             notified: no metric filter on log group CloudTrail/DefaultLogGroup matches any \
             CloudTrail created, changed or deleted, logging started or stopped event"
        )
    );
    assert_eq!(
        status_and_message(json, "alm-network-acl-changes"),
        (
            "FAIL",
            "\"network ACL created, changed or deleted\" is not notified: alarm \
             NetworkAclEventCountAlarm has no enabled SNS action"
        )
    );
    assert_eq!(
        status_and_message(json, "alm-ec2-instance-changes"),
        (
            "FAIL",
            "\"EC2 instance created, terminated, started, stopped or rebooted\" is not notified: \
             no metric filter on log group CloudTrail/DefaultLogGroup matches any EC2 instance \
             created, terminated, started, stopped or rebooted event"
        )
    );
    // The route-table item (CIS 3.13) also serves ALM-7; neither has a filter.
    for id in ["alm-vpc-changes", "alm-route-table-changes"] {
        assert_eq!(status_and_message(json, id).0, "FAIL", "{id}");
    }
    assert_eq!(report.outcome.code, Some(1));
}

const S3_RULE: &str = r#"{"source":["aws.s3"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["s3.amazonaws.com"],"eventName":["PutBucketAcl","PutBucketPolicy","PutBucketCors","PutBucketLifecycle","PutBucketReplication","DeleteBucketPolicy","DeleteBucketCors","DeleteBucketLifecycle","DeleteBucketReplication"]}}"#;

/// The EventBridge path needs no CloudWatch alarm: on moto it passes.
#[tokio::test]
async fn an_eventbridge_rule_to_a_subscribed_topic_passes() {
    let moto = MotoServer::start();
    let aws = Aws::new(&moto).await;
    let topic = aws.trail_and_topic().await;
    aws.rule("bucket-policy-changes", S3_RULE, &topic).await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let report = audit(moto.kensa(), &moto, &["ALM-11"], dir.path());
    assert_eq!(
        status_and_message(&report.json, "alm-s3-bucket-policy-changes"),
        (
            "PASS",
            format!(
                "\"S3 bucket policy changed\" is notified: EventBridge rule bucket-policy-changes \
                 (us-east-1) → topic {topic}"
            )
            .as_str()
        )
    );
}

/// The same rule, but SNS does not answer: ERROR naming the call, not PASS.
#[tokio::test]
async fn an_unreadable_link_is_an_error_not_a_pass() {
    let moto = MotoServer::start();
    let aws = Aws::new(&moto).await;
    let topic = aws.trail_and_topic().await;
    aws.rule("bucket-policy-changes", S3_RULE, &topic).await;
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
        .env(
            "AWS_ENDPOINT_URL_SNS",
            format!("http://127.0.0.1:{dead_port}"),
        )
        .env("AWS_MAX_ATTEMPTS", "1")
        .args(["audit", "--region", TEST_REGION, "--requirement", "ALM-11"])
        .args(["--format", "json", "--output"])
        .arg(&output);
    let report = read_report(run(&mut command), &output);
    let (status, message) = status_and_message(&report.json, "alm-s3-bucket-policy-changes");
    assert_eq!(status, "ERROR", "{}", listing(findings(&report.json)));
    assert!(
        message.starts_with(
            "Could not decide for ALM-11: S3 bucket policy changed: sns:ListTopics failed \
             (DispatchFailure"
        ),
        "{message}"
    );
}
