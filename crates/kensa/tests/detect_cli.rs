//! `kensa detect` and `kensa pattern test` on CloudTrail files written by
//! the tests: planted suspicious events among benign ones.

mod support;

use std::io::Write;
use std::path::Path;
use std::process::Output;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use support::moto::kensa;

const ACCOUNT: &str = "111122223333";

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

fn event(time: &str, source: &str, name: &str, extra: Value) -> Value {
    let mut record = json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLE",
            "arn": format!("arn:aws:iam::{ACCOUNT}:user/alice"),
            "accountId": ACCOUNT,
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "userName": "alice"
        },
        "eventTime": time,
        "eventSource": source,
        "eventName": name,
        "awsRegion": "ap-northeast-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": null,
        "responseElements": null,
        "eventID": format!("id-{name}-{time}"),
        "eventType": "AwsApiCall",
        "recipientAccountId": ACCOUNT
    });
    if let (Some(record), Some(extra)) = (record.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            record.insert(k.clone(), v.clone());
        }
    }
    record
}

/// Benign events that look like the suspicious ones but match no rule.
fn benign(minute: u32) -> Vec<Value> {
    let t = |s: u32| format!("2026-11-02T10:{minute:02}:{s:02}Z");
    vec![
        event(
            &t(1),
            "ec2.amazonaws.com",
            "DescribeSecurityGroups",
            json!({}),
        ),
        event(
            &t(2),
            "s3.amazonaws.com",
            "GetObject",
            json!({"requestParameters": {"bucketName": "b", "key": "k"}}),
        ),
        event(
            &t(3),
            "signin.amazonaws.com",
            "ConsoleLogin",
            json!({"eventType": "AwsConsoleSignIn", "responseElements": {"ConsoleLogin": "Success"}}),
        ),
        event(
            &t(4),
            "ec2.amazonaws.com",
            "DescribeInstances",
            json!({"errorCode": "RequestLimitExceeded"}),
        ),
        event(
            &t(5),
            "cloudtrail.amazonaws.com",
            "DescribeTrails",
            json!({}),
        ),
        // PutBucketAcl by a service that is not S3 is not ALM-11.
        event(&t(6), "example.amazonaws.com", "PutBucketAcl", json!({})),
    ]
}

/// The planted events: (record, rules it must raise as (name, requirement)).
fn planted() -> Vec<(Value, Vec<(&'static str, &'static str)>)> {
    let t = |m: u32| format!("2026-11-01T09:{m:02}:00Z");
    vec![
        (
            event(
                &t(1),
                "ec2.amazonaws.com",
                "AuthorizeSecurityGroupIngress",
                json!({}),
            ),
            vec![("security-group-changes", "ALM-1")],
        ),
        (
            event(&t(2), "ec2.amazonaws.com", "StopInstances", json!({})),
            vec![("ec2-instance-changes", "ALM-2")],
        ),
        (
            event(
                &t(3),
                "ec2.amazonaws.com",
                "RunInstances",
                json!({"requestParameters": {"instanceType": "c5.8xlarge"}}),
            ),
            vec![
                ("ec2-instance-changes", "ALM-2"),
                ("ec2-large-instance-changes", "ALM-3"),
            ],
        ),
        (
            event(&t(4), "iam.amazonaws.com", "AttachRolePolicy", json!({})),
            vec![("iam-policy-changes", "ALM-4")],
        ),
        (
            event(
                &t(5),
                "ec2.amazonaws.com",
                "DescribeVolumes",
                json!({"errorCode": "Client.UnauthorizedOperation"}),
            ),
            vec![("authorization-failures", "ALM-5")],
        ),
        (
            event(
                &t(6),
                "signin.amazonaws.com",
                "ConsoleLogin",
                json!({"errorMessage": "Failed authentication", "eventType": "AwsConsoleSignIn"}),
            ),
            vec![("console-sign-in-failures", "ALM-6")],
        ),
        (
            event(
                &t(7),
                "ec2.amazonaws.com",
                "CreateVpcPeeringConnection",
                json!({}),
            ),
            vec![("vpc-changes", "ALM-7")],
        ),
        (
            event(
                &t(8),
                "ec2.amazonaws.com",
                "AttachInternetGateway",
                json!({}),
            ),
            vec![("gateway-changes", "ALM-8")],
        ),
        (
            event(
                &t(9),
                "ec2.amazonaws.com",
                "ReplaceNetworkAclEntry",
                json!({}),
            ),
            vec![("network-acl-changes", "ALM-9")],
        ),
        (
            event(&t(10), "cloudtrail.amazonaws.com", "StopLogging", json!({})),
            vec![("cloudtrail-changes", "ALM-10")],
        ),
        (
            event(&t(11), "s3.amazonaws.com", "PutBucketPolicy", json!({})),
            vec![("s3-bucket-policy-changes", "ALM-11")],
        ),
    ]
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).expect("gzip in memory");
    gz.finish().expect("gzip in memory")
}

fn cloudtrail_file(records: &[Value]) -> Vec<u8> {
    gzip(json!({ "Records": records }).to_string().as_bytes())
}

/// Where a planted event sits (file, record index) and the rules it must
/// trigger (rule name, requirement ID).
type PlantedAt = (String, u64, Vec<(&'static str, &'static str)>);

/// CloudTrail's layout: one gz file per region and 5 minutes, planted
/// events spread over them. Returns each planted event's file and index.
fn write_trail(root: &Path) -> Vec<PlantedAt> {
    let mut expected = Vec::new();
    let planted = planted();
    let dir = root.join(format!(
        "AWSLogs/{ACCOUNT}/CloudTrail/ap-northeast-1/2026/11/01"
    ));
    std::fs::create_dir_all(&dir).expect("create the trail folders");
    for (file_index, chunk) in planted.chunks(3).enumerate() {
        let mut records = benign(file_index as u32);
        for (record, _) in chunk {
            records.insert(1, record.clone());
        }
        let name = dir.join(format!(
            "{ACCOUNT}_CloudTrail_ap-northeast-1_20261101T09{:02}Z_ABCDEFGHIJKLMNO{file_index}.json.gz",
            file_index * 5
        ));
        for (index, record) in records.iter().enumerate() {
            if let Some((_, rules)) = chunk.iter().find(|(r, _)| r == record) {
                expected.push((name.display().to_string(), index as u64, rules.clone()));
            }
        }
        std::fs::write(&name, cloudtrail_file(&records)).expect("write a log file");
    }
    // A digest file is not a log and is skipped.
    let digest = root.join(format!(
        "AWSLogs/{ACCOUNT}/CloudTrail-Digest/ap-northeast-1/2026/11/01"
    ));
    std::fs::create_dir_all(&digest).expect("create the digest folder");
    std::fs::write(digest.join("d.json.gz"), gzip(b"{\"awsAccountId\":\"1\"}"))
        .expect("write a digest");
    expected
}

fn parse_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn finds_exactly_the_planted_events_with_their_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = write_trail(dir.path());
    let o = run(&["detect", ".", "--format", "jsonl"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let alerts = parse_lines(&stdout(&o));
    let mut got: Vec<(String, u64, String, String)> = alerts
        .iter()
        .map(|a| {
            (
                dir.path()
                    .join(a["file"].as_str().unwrap())
                    .canonicalize()
                    .unwrap()
                    .display()
                    .to_string(),
                a["position"]["record"].as_u64().unwrap(),
                a["rule"].as_str().unwrap().to_owned(),
                a["requirement"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    let mut want: Vec<(String, u64, String, String)> = expected
        .iter()
        .flat_map(|(file, index, rules)| {
            rules.iter().map(move |(rule, req)| {
                (
                    Path::new(file)
                        .canonicalize()
                        .unwrap()
                        .display()
                        .to_string(),
                    *index,
                    (*rule).to_owned(),
                    (*req).to_owned(),
                )
            })
        })
        .collect();
    want.sort();
    assert_eq!(got, want);

    // Sorted by time; every field of the first alert, the key redacted.
    let times: Vec<&str> = alerts.iter().map(|a| a["time"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let first = &alerts[0];
    assert_eq!(first["who"]["access_key_id"], "AKIA************MPLE");
    assert_eq!(
        first["who"]["arn"],
        format!("arn:aws:iam::{ACCOUNT}:user/alice")
    );
    assert_eq!(first["what"]["event_name"], "AuthorizeSecurityGroupIngress");
    assert_eq!(first["from"]["source_ip_address"], "203.0.113.10");
    assert_eq!(first["from"]["aws_region"], "ap-northeast-1");
    assert!(!stdout(&o).contains("AKIAIOSFODNN7EXAMPLE"));
    assert!(
        stderr(&o).contains("12 alert(s) in 35 events from 4 file(s)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rule_selection_summary_and_json_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_trail(dir.path());
    let o = run(
        &[
            "detect",
            ".",
            "--rule",
            "ALM-2",
            "--format",
            "json",
            "--summary",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("one JSON document");
    assert_eq!(doc["alerts"], json!([]));
    assert_eq!(doc["problems"], json!([]));
    assert_eq!(doc["statistics"]["events"], 35);
    let summary = doc["summary"].as_array().expect("summary");
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0]["rule"], "ec2-instance-changes");
    assert_eq!(summary[0]["count"], 2);
    assert_eq!(summary[0]["first_seen"], "2026-11-01T09:02:00Z");
    assert_eq!(summary[0]["last_seen"], "2026-11-01T09:03:00Z");

    let table = run(
        &[
            "detect",
            ".",
            "--rule",
            "cloudtrail-changes",
            "--lang",
            "ja",
        ],
        dir.path(),
    );
    assert_eq!(table.status.code(), Some(1));
    insta::assert_snapshot!("detect_table_ja", stdout(&table));
    let summary = run(&["detect", ".", "--summary", "--lang", "en"], dir.path());
    insta::assert_snapshot!("detect_summary_en", stdout(&summary));

    let window = run(
        &[
            "detect",
            ".",
            "--since",
            "2026-11-01T09:05:00Z",
            "--until",
            "2026-11-01T09:07:00Z",
            "--format",
            "jsonl",
        ],
        dir.path(),
    );
    let names: Vec<String> = parse_lines(&stdout(&window))
        .iter()
        .map(|a| a["rule"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["authorization-failures", "console-sign-in-failures"]
    );

    let none = run(&["detect", ".", "--until", "2026-01-01"], dir.path());
    assert_eq!(none.status.code(), Some(0), "{}", stderr(&none));
    assert_eq!(stdout(&none), "No suspicious operation found.\n");

    let unknown = run(&["detect", ".", "--rule", "nope"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("no rule `nope`"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn malformed_inputs_are_reported_with_their_place_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stop = event(
        "2026-11-01T09:10:00Z",
        "cloudtrail.amazonaws.com",
        "StopLogging",
        json!({}),
    );
    let ok = event(
        "2026-11-01T09:11:00Z",
        "ec2.amazonaws.com",
        "DescribeVpcs",
        json!({}),
    );
    // A CloudTrail file whose second record is broken JSON.
    let broken_record = format!("{{\"Records\":[{ok},{{\"eventName\" \"StopLogging\"}},{stop}]}}");
    std::fs::write(dir.path().join("a.json"), broken_record).expect("write");
    // JSON lines, gzip, with a bad line 2.
    let lines = format!("{ok}\nnot json at all\n{stop}\n");
    std::fs::write(dir.path().join("b.jsonl.gz"), gzip(lines.as_bytes())).expect("write");
    // A truncated gzip file.
    let whole = cloudtrail_file(&[stop.clone(), stop.clone()]);
    std::fs::write(dir.path().join("c.json.gz"), &whole[..whole.len() / 2]).expect("write");

    let o = run(&["detect", ".", "--format", "jsonl"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let alerts = parse_lines(&stdout(&o));
    let places: Vec<(String, Value)> = alerts
        .iter()
        .map(|a| {
            (
                a["file"].as_str().unwrap().to_owned(),
                a["position"].clone(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("./a.json".to_owned(), json!({"record": 2})),
            ("./b.jsonl.gz".to_owned(), json!({"line": 3})),
        ]
    );
    let err = stderr(&o);
    assert!(
        err.contains("kensa: ./a.json: record 1: not JSON: expected `:` at line 1 column 14"),
        "{err}"
    );
    assert!(
        err.contains("kensa: ./b.jsonl.gz: line 2: not JSON: expected ident at line 1 column 2"),
        "{err}"
    );
    assert!(err.contains("kensa: ./c.json.gz: "), "{err}");
    assert!(err.contains("3 input problem(s)"), "{err}");

    // A broken record no rule could match is skipped unparsed by default
    // (the key prefilter: no rule's key occurs in it); --strict parses, and
    // reports, every record.
    let quiet = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        quiet.path().join("d.json"),
        "{\"Records\":[{\"userAgent\" \"aws-cli\"}]}",
    )
    .expect("write");
    let default = run(&["detect", "d.json"], quiet.path());
    assert_eq!(default.status.code(), Some(0), "{}", stderr(&default));
    let strict = run(&["detect", "d.json", "--strict"], quiet.path());
    assert_eq!(strict.status.code(), Some(2));
    assert!(
        stderr(&strict)
            .contains("kensa: d.json: record 0: not JSON: expected `:` at line 1 column 14"),
        "{}",
        stderr(&strict)
    );
}

#[test]
fn standard_input_and_user_rules_from_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("kensa.toml"),
        r#"
[[detect.rules]]
name = "bucket-deleted"
severity = "HIGH"
filter_pattern = '{ $.eventName = DeleteBucket }'
requirement = "ALM-11"

[[detect.rules]]
name = "root-console-login"
severity = "CRITICAL"
event_pattern = '{"source": ["aws.signin"], "detail-type": ["AWS Console Sign In via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}'
"#,
    )
    .expect("write the config");
    let mut root_login = event(
        "2026-11-01T08:00:00Z",
        "signin.amazonaws.com",
        "ConsoleLogin",
        json!({"eventType": "AwsConsoleSignIn"}),
    );
    root_login["userIdentity"]["type"] = json!("Root");
    let delete = event(
        "2026-11-01T08:01:00Z",
        "s3.amazonaws.com",
        "DeleteBucket",
        json!({}),
    );
    let input = format!("{root_login}\n{delete}\n");
    let mut child = kensa()
        .args(["detect", "-", "--format", "jsonl"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start kensa");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let o = child.wait_with_output().expect("wait for kensa");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let alerts = parse_lines(&stdout(&o));
    let got: Vec<(&str, Value, &str)> = alerts
        .iter()
        .map(|a| {
            (
                a["rule"].as_str().unwrap(),
                a["requirement"].clone(),
                a["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("root-console-login", Value::Null, "CRITICAL"),
            ("bucket-deleted", json!("ALM-11"), "HIGH"),
        ]
    );
    assert_eq!(alerts[0]["file"], "-");
    assert_eq!(alerts[0]["position"], json!({"line": 1}));

    // A pattern that does not parse: the rule, the column and a caret.
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[detect.rules]]\nname = \"typo\"\nseverity = \"LOW\"\nfilter_pattern = '{ $.eventName = }'\n",
    )
    .expect("write the config");
    let bad = run(
        &["detect", "--config", "bad.toml", "kensa.toml"],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    insta::assert_snapshot!("detect_bad_rule", stderr(&bad));
}

#[test]
fn pattern_test_shows_the_matching_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_trail(dir.path());
    let o = run(
        &[
            "pattern",
            "test",
            "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("pattern_test_matches", stdout(&o));

    std::fs::write(
        dir.path().join("app.log"),
        "ERROR disk full\nINFO ok\nERROR WARN retry\n",
    )
    .expect("write");
    let text = run(&["pattern", "test", "ERROR -WARN", "app.log"], dir.path());
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    insta::assert_snapshot!("pattern_test_text", stdout(&text));

    let bad = run(&["pattern", "test", "{ $.eventName = ", "."], dir.path());
    assert_eq!(bad.status.code(), Some(2));
    insta::assert_snapshot!("pattern_test_parse_error", stderr(&bad));
}

#[test]
fn reads_gzip_logs_from_s3() {
    let server = support::moto::MotoServer::start();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let planted = planted();
    runtime.block_on(async {
        let credentials = aws_sdk_s3::config::Credentials::new(
            support::moto::TEST_ACCESS_KEY,
            support::moto::TEST_SECRET_KEY,
            None,
            None,
            "kensa-tests",
        );
        let config = aws_sdk_s3::config::Builder::new()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .credentials_provider(credentials)
            .region(aws_sdk_s3::config::Region::new(support::moto::TEST_REGION))
            .endpoint_url(server.endpoint())
            .force_path_style(true)
            .build();
        let s3 = aws_sdk_s3::Client::from_conf(config);
        s3.create_bucket().bucket("trail-logs").send().await.expect("create bucket");
        for (i, chunk) in planted.chunks(4).enumerate() {
            let mut records = benign(i as u32);
            records.extend(chunk.iter().map(|(r, _)| r.clone()));
            let key = format!("org/AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/01/{ACCOUNT}_CloudTrail_us-east-1_20261101T09{i}0Z_X.json.gz");
            s3.put_object()
                .bucket("trail-logs")
                .key(key)
                .body(cloudtrail_file(&records).into())
                .send()
                .await
                .expect("put a log file");
        }
        s3.put_object()
            .bucket("trail-logs")
            .key("other/ignored.json.gz")
            .body(cloudtrail_file(&[planted[0].0.clone()]).into())
            .send()
            .await
            .expect("put an object outside the prefix");
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(
        &[
            "detect",
            "s3://trail-logs/org/AWSLogs/",
            "--endpoint-url",
            &server.endpoint(),
            "--format",
            "jsonl",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let alerts = parse_lines(&stdout(&o));
    let requirements: Vec<&str> = alerts
        .iter()
        .map(|a| a["requirement"].as_str().unwrap())
        .collect();
    assert_eq!(
        requirements,
        [
            "ALM-1", "ALM-2", "ALM-2", "ALM-3", "ALM-4", "ALM-5", "ALM-6", "ALM-7", "ALM-8",
            "ALM-9", "ALM-10", "ALM-11"
        ]
    );
    assert!(
        alerts[0]["file"]
            .as_str()
            .unwrap()
            .starts_with("s3://trail-logs/org/AWSLogs/")
    );

    let missing = run(
        &[
            "detect",
            "s3://no-such-bucket/x",
            "--endpoint-url",
            &server.endpoint(),
        ],
        dir.path(),
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("s3:ListObjectsV2 on s3://no-such-bucket/x"),
        "{}",
        stderr(&missing)
    );
}
