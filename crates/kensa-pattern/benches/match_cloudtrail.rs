//! Matching the AWS CloudFormation template patterns (and CIS 1.2 3.1/3.3)
//! against CloudTrail records: what `kensa detect` does per event.
//!
//! Run: `cargo bench -p kensa-pattern --bench match_cloudtrail`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kensa_pattern::{FilterPattern, LogEvent};
use serde_json::{Value, json};
use std::hint::black_box;

const PATTERNS: &[&str] = &[
    "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
    "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
    "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
    "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
    "{ ($.eventName = RunInstances) || ($.eventName = RebootInstances) || ($.eventName = StartInstances) || ($.eventName = StopInstances) || ($.eventName = TerminateInstances) }",
    "{ ($.eventName = RunInstances) && (($.requestParameters.instanceType = *.8xlarge) || ($.requestParameters.instanceType = *.4xlarge)) }",
    "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
    r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
    "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}",
    "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
    r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
    r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes")}"#,
];

/// A mix of CloudTrail records shaped like the samples in cloudtrail-reference.md section 2.
fn records() -> Vec<Value> {
    let names = [
        "DescribeInstances",
        "AuthorizeSecurityGroupIngress",
        "RunInstances",
        "StopLogging",
        "ConsoleLogin",
        "PutBucketPolicy",
        "GetObject",
        "AssumeRole",
        "ListBuckets",
        "CreateVpcPeeringConnection",
    ];
    (0..1000)
        .map(|i| {
            let name = names[i % names.len()];
            let mut r = json!({
                "eventVersion": "1.08",
                "userIdentity": {"type": if i % 97 == 0 { "Root" } else { "AssumedRole" }, "principalId": "AROAEXAMPLE:session",
                    "arn": "arn:aws:sts::123456789012:assumed-role/tester/session", "accountId": "123456789012",
                    "sessionContext": {"attributes": {"mfaAuthenticated": "false", "creationDate": "2024-08-01T11:30:22Z"}}},
                "eventTime": "2024-08-01T11:30:23Z", "eventSource": if name == "PutBucketPolicy" { "s3.amazonaws.com" } else { "ec2.amazonaws.com" },
                "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.10", "userAgent": "aws-cli/2.15.0",
                "requestParameters": {"instanceType": if i % 3 == 0 { "m5.4xlarge" } else { "t3.micro" }, "groupId": "sg-1"},
                "responseElements": null, "requestID": format!("req-{i}"), "eventID": format!("evt-{i}"),
                "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": "123456789012"
            });
            if i % 7 == 0 {
                r["errorCode"] = json!("Client.UnauthorizedOperation");
                r["errorMessage"] = json!("You are not authorized to perform this operation.");
            }
            if name == "ConsoleLogin" {
                r["additionalEventData"] = json!({"MFAUsed": if i % 2 == 0 { "No" } else { "Yes" }});
            }
            r
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let patterns: Vec<FilterPattern> = PATTERNS
        .iter()
        .map(|p| FilterPattern::parse(p).expect("template pattern parses"))
        .collect();
    let records = records();
    let messages: Vec<String> = records.iter().map(Value::to_string).collect();
    let events: Vec<LogEvent<'_>> = messages
        .iter()
        .zip(&records)
        .map(|(m, r)| LogEvent::with_json(m, r))
        .collect();

    let mut group = c.benchmark_group("cloudtrail");
    // One element = one event matched against all 13 patterns.
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("13_patterns_per_event_parsed_json", |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for event in &events {
                for pattern in &patterns {
                    hits += usize::from(pattern.matches(black_box(event)));
                }
            }
            hits
        })
    });
    group.bench_function("13_patterns_per_event_including_json_parse", |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for message in &messages {
                let json: Value = serde_json::from_str(black_box(message)).expect("valid JSON");
                let event = LogEvent::with_json(message, &json);
                for pattern in &patterns {
                    hits += usize::from(pattern.matches(&event));
                }
            }
            hits
        })
    });
    group.finish();

    let terms = FilterPattern::parse(r#"?"UnauthorizedOperation" ?"AccessDenied" -"DryRun""#)
        .expect("parses");
    let delimited = FilterPattern::parse(
        "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes > 1000]",
    )
    .expect("parses");
    let line =
        r#"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534"#;
    let mut group = c.benchmark_group("text");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("terms_on_cloudtrail_text", |b| {
        b.iter(|| {
            messages
                .iter()
                .filter(|m| terms.matches(&LogEvent::new(black_box(m))))
                .count()
        })
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("space_delimited_apache_line", |b| {
        b.iter(|| delimited.matches(&LogEvent::new(black_box(line))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
