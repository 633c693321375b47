//! Writes realistic CloudTrail log files for `scripts/bench-detect`: gzip,
//! CloudTrail's folder layout and file names, a mix of everyday events of
//! realistic sizes, and a known number of planted suspicious events.
//!
//! ```sh
//! cargo run --release -p kensa-detect --example gen_cloudtrail -- \
//!     --out /tmp/trail --size-mb 1000 --seed 7
//! ```
//!
//! Writes `<out>/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz`
//! and `<out>/expected.json`: how many events each ALM rule must find,
//! counted by the generator from what it wrote (benign events never match
//! a rule; every planted one matches exactly the rules listed).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

const ACCOUNT: &str = "111122223333";
const REGIONS: [&str; 4] = ["us-east-1", "ap-northeast-1", "eu-west-1", "us-west-2"];

/// splitmix64: a fixed generator, so a seed gives the same files whatever
/// version of any crate is installed (benchmarks must be reproducible).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize]))
            .collect()
    }
    fn upper(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[self.below(32) as usize]))
            .collect()
    }
    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(4),
            self.hex(4),
            self.hex(12)
        )
    }
}

struct Args {
    out: PathBuf,
    size_mb: u64,
    seed: u64,
    planted_per_rule: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        out: PathBuf::from("cloudtrail-bench"),
        size_mb: 1000,
        seed: 1,
        planted_per_rule: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => args.out = PathBuf::from(value()?),
            "--size-mb" => {
                args.size_mb = value()?.parse().map_err(|e| format!("--size-mb: {e}"))?
            }
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--planted-per-rule" => {
                args.planted_per_rule = value()?
                    .parse()
                    .map_err(|e| format!("--planted-per-rule: {e}"))?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!(
                "gen_cloudtrail: {e}\nusage: gen_cloudtrail --out DIR [--size-mb N] [--seed N] [--planted-per-rule N]"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = generate(&args) {
        eprintln!("gen_cloudtrail: {e}");
        std::process::exit(1);
    }
}

/// Who acts: a few people, roles and services, as in a real account.
fn identity(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0..=3 => {
            let role = *rng.pick(&[
                "app-server",
                "ci-deploy",
                "lambda-exec",
                "eks-node",
                "batch-worker",
            ]);
            let session = format!("i-{}", rng.hex(17));
            json!({
                "type": "AssumedRole",
                "principalId": format!("AROA{}:{session}", rng.upper(17)),
                "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}"),
                "accountId": ACCOUNT,
                "accessKeyId": format!("ASIA{}", rng.upper(16)),
                "sessionContext": {
                    "sessionIssuer": {"type": "Role", "principalId": format!("AROA{}", rng.upper(17)),
                        "arn": format!("arn:aws:iam::{ACCOUNT}:role/{role}"), "accountId": ACCOUNT, "userName": role},
                    "webIdFederationData": {},
                    "attributes": {"creationDate": "2026-11-01T00:00:00Z", "mfaAuthenticated": "false"}
                }
            })
        }
        4..=6 => {
            let user = *rng.pick(&["alice", "bob", "carol", "dave", "erin", "svc-backup"]);
            json!({
                "type": "IAMUser",
                "principalId": format!("AIDA{}", rng.upper(17)),
                "arn": format!("arn:aws:iam::{ACCOUNT}:user/{user}"),
                "accountId": ACCOUNT,
                "accessKeyId": format!("AKIA{}", rng.upper(16)),
                "userName": user
            })
        }
        _ => {
            let service = *rng.pick(&[
                "autoscaling.amazonaws.com",
                "elasticloadbalancing.amazonaws.com",
                "config.amazonaws.com",
                "cloudformation.amazonaws.com",
            ]);
            json!({"type": "AWSService", "invokedBy": service})
        }
    }
}

/// An everyday event that no ALM rule matches, with request and response
/// bodies of realistic shapes and sizes.
fn benign(
    rng: &mut Rng,
) -> (
    String,
    String,
    Value,
    Value,
    Option<(&'static str, &'static str)>,
) {
    let bucket = format!("app-data-{}", rng.hex(6));
    match rng.below(20) {
        0..=4 => {
            let name = *rng.pick(&[
                "GetObject",
                "PutObject",
                "HeadObject",
                "ListObjects",
                "GetBucketLocation",
            ]);
            (
                "s3.amazonaws.com".into(),
                name.into(),
                json!({"bucketName": bucket, "Host": format!("{bucket}.s3.amazonaws.com"), "key": format!("data/{}/{}.parquet", rng.hex(8), rng.hex(12))}),
                Value::Null,
                None,
            )
        }
        5..=8 => {
            let name = *rng.pick(&[
                "DescribeInstances",
                "DescribeSecurityGroups",
                "DescribeVpcs",
                "DescribeSubnets",
                "DescribeVolumes",
                "DescribeNetworkInterfaces",
            ]);
            let filters: Vec<Value> = (0..rng.below(4)).map(|_| json!({"name": "tag:Environment", "valueSet": {"items": [{"value": "production"}]}})).collect();
            (
                "ec2.amazonaws.com".into(),
                name.into(),
                json!({"filterSet": {"items": filters}, "maxResults": 1000}),
                Value::Null,
                None,
            )
        }
        9..=10 => {
            let name = *rng.pick(&["AssumeRole", "GetCallerIdentity", "GetSessionToken"]);
            (
                "sts.amazonaws.com".into(),
                name.into(),
                json!({"roleArn": format!("arn:aws:iam::{ACCOUNT}:role/app-server"), "roleSessionName": rng.hex(16), "durationSeconds": 3600}),
                json!({"credentials": {"accessKeyId": format!("ASIA{}", rng.upper(16)), "sessionToken": rng.hex(300), "expiration": "Nov 29, 2026, 12:00:00 PM"},
                    "assumedRoleUser": {"assumedRoleId": format!("AROA{}:{}", rng.upper(17), rng.hex(8)), "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/app-server/x")}}),
                None,
            )
        }
        11..=12 => {
            let name = *rng.pick(&["Decrypt", "GenerateDataKey", "Encrypt"]);
            (
                "kms.amazonaws.com".into(),
                name.into(),
                json!({"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": {"aws:s3:arn": format!("arn:aws:s3:::{bucket}/x")}}),
                Value::Null,
                None,
            )
        }
        13 => {
            let name = *rng.pick(&[
                "GetUser",
                "ListRoles",
                "ListAttachedRolePolicies",
                "GetRole",
                "ListUsers",
            ]);
            (
                "iam.amazonaws.com".into(),
                name.into(),
                json!({"roleName": "app-server", "maxItems": 100}),
                Value::Null,
                None,
            )
        }
        14 => (
            "lambda.amazonaws.com".into(),
            "Invoke".into(),
            json!({"functionName": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:worker-{}", rng.below(20))}),
            Value::Null,
            None,
        ),
        15 => (
            "dynamodb.amazonaws.com".into(),
            "DescribeTable".into(),
            json!({"tableName": format!("orders-{}", rng.below(5))}),
            Value::Null,
            None,
        ),
        16 => (
            "monitoring.amazonaws.com".into(),
            "PutMetricData".into(),
            json!({"namespace": "App", "metricData": [{"metricName": "latency", "value": rng.below(900)}]}),
            Value::Null,
            None,
        ),
        // Near misses: errors that are not authorization failures, a
        // successful console sign-in, reads of what the rules watch.
        17 => (
            "ec2.amazonaws.com".into(),
            "DescribeInstances".into(),
            json!({}),
            Value::Null,
            Some(("RequestLimitExceeded", "Request limit exceeded.")),
        ),
        18 => (
            "cloudtrail.amazonaws.com".into(),
            (*rng.pick(&["DescribeTrails", "GetTrailStatus", "LookupEvents"])).into(),
            json!({"trailNameList": []}),
            Value::Null,
            None,
        ),
        _ => (
            "signin.amazonaws.com".into(),
            "ConsoleLogin".into(),
            Value::Null,
            json!({"ConsoleLogin": "Success"}),
            None,
        ),
    }
}

/// The planted events: for each rule, an event it must match.
/// Returns (rules matched, eventSource, eventName, request, errorCode, errorMessage).
fn planted(
    rule: usize,
    rng: &mut Rng,
) -> (
    Vec<&'static str>,
    &'static str,
    &'static str,
    Value,
    Option<&'static str>,
    Option<&'static str>,
) {
    match rule {
        0 => (
            vec!["ALM-1"],
            "ec2.amazonaws.com",
            "AuthorizeSecurityGroupIngress",
            json!({"groupId": format!("sg-{}", rng.hex(17)), "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}),
            None,
            None,
        ),
        1 => (
            vec!["ALM-2"],
            "ec2.amazonaws.com",
            *rng.pick(&["StopInstances", "TerminateInstances", "RebootInstances"]),
            json!({"instancesSet": {"items": [{"instanceId": format!("i-{}", rng.hex(17))}]}}),
            None,
            None,
        ),
        2 => (
            vec!["ALM-2", "ALM-3"],
            "ec2.amazonaws.com",
            "RunInstances",
            json!({"instanceType": *rng.pick(&["c5.8xlarge", "m5.4xlarge", "r6i.8xlarge"]), "instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 1}]}}),
            None,
            None,
        ),
        3 => (
            vec!["ALM-4"],
            "iam.amazonaws.com",
            *rng.pick(&["AttachRolePolicy", "PutUserPolicy", "CreatePolicyVersion"]),
            json!({"roleName": "app-server", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
            None,
            None,
        ),
        4 => (
            vec!["ALM-5"],
            "s3.amazonaws.com",
            "GetObject",
            json!({"bucketName": "payroll", "key": "2026/11.csv"}),
            Some("AccessDenied"),
            Some("Access Denied"),
        ),
        5 => (
            vec!["ALM-6"],
            "signin.amazonaws.com",
            "ConsoleLogin",
            Value::Null,
            None,
            Some("Failed authentication"),
        ),
        6 => (
            vec!["ALM-7"],
            "ec2.amazonaws.com",
            "CreateVpcPeeringConnection",
            json!({"vpcId": "vpc-11111111", "peerVpcId": "vpc-22222222", "peerOwnerId": "210987654321"}),
            None,
            None,
        ),
        7 => (
            vec!["ALM-8"],
            "ec2.amazonaws.com",
            "AttachInternetGateway",
            json!({"internetGatewayId": format!("igw-{}", rng.hex(17)), "vpcId": "vpc-11111111"}),
            None,
            None,
        ),
        8 => (
            vec!["ALM-9"],
            "ec2.amazonaws.com",
            "ReplaceNetworkAclEntry",
            json!({"networkAclId": format!("acl-{}", rng.hex(17)), "ruleNumber": 100, "egress": false, "ruleAction": "allow", "cidrBlock": "0.0.0.0/0"}),
            None,
            None,
        ),
        9 => (
            vec!["ALM-10"],
            "cloudtrail.amazonaws.com",
            "StopLogging",
            json!({"name": format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org-trail")}),
            None,
            None,
        ),
        _ => (
            vec!["ALM-11"],
            "s3.amazonaws.com",
            "PutBucketPolicy",
            json!({"bucketName": "public-assets", "bucketPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-assets/*"}]}}),
            None,
            None,
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    rng: &mut Rng,
    time: &str,
    region: &str,
    source: &str,
    name: &str,
    request: Value,
    response: Value,
    error: Option<(&str, &str)>,
) -> Value {
    let mut record = json!({
        "eventVersion": "1.09",
        "userIdentity": identity(rng),
        "eventTime": time,
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": format!("{}.{}.{}.{}", 1 + rng.below(223), rng.below(256), rng.below(256), 1 + rng.below(254)),
        "userAgent": *rng.pick(&["aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64", "aws-sdk-go-v2/1.25.0 os/linux lang/go#1.22", "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux", "console.amazonaws.com", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"]),
        "requestParameters": request,
        "responseElements": response,
        "requestID": rng.uuid(),
        "eventID": rng.uuid(),
        "readOnly": false,
        "eventType": if source == "signin.amazonaws.com" { "AwsConsoleSignIn" } else { "AwsApiCall" },
        "managementEvent": true,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": format!("{}.{region}.amazonaws.com", source.split('.').next().unwrap_or("ec2"))}
    });
    if let Some((code, message)) = error {
        record["errorCode"] = json!(code);
        record["errorMessage"] = json!(message);
    }
    if source == "signin.amazonaws.com" {
        record["additionalEventData"] = json!({"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": "Yes"});
    }
    record
}

fn generate(args: &Args) -> std::io::Result<()> {
    let mut rng = Rng(args.seed);
    let target = args.size_mb * 1_000_000;
    // Spread the planted events over the run: one every `gap` bytes.
    let planted_total = args.planted_per_rule * 11;
    let gap = (target / (planted_total + 1)).max(1);
    let mut next_plant = gap;
    let mut planted_done = 0u64;
    let mut expected: BTreeMap<&str, u64> = BTreeMap::new();
    let mut written = 0u64;
    let mut files = 0u64;
    let mut events = 0u64;
    let mut minute = 0u64;
    while written < target {
        let region = REGIONS[(files % REGIONS.len() as u64) as usize];
        let day = 1 + (minute / (24 * 60)) % 28;
        let (hour, min) = ((minute / 60) % 24, minute % 60);
        let dir = args.out.join(format!(
            "AWSLogs/{ACCOUNT}/CloudTrail/{region}/2026/11/{day:02}"
        ));
        std::fs::create_dir_all(&dir)?;
        let name = format!(
            "{ACCOUNT}_CloudTrail_{region}_202611{day:02}T{hour:02}{min:02}Z_{}.json.gz",
            rng.upper(16)
        );
        let count = 50 + rng.below(1500);
        let mut body = Vec::with_capacity(count as usize * 1500);
        body.extend_from_slice(b"{\"Records\":[");
        for i in 0..count {
            let time = format!(
                "2026-11-{day:02}T{hour:02}:{min:02}:{:02}Z",
                (i * 60 / count).min(59)
            );
            let value = if written + body.len() as u64 >= next_plant && planted_done < planted_total
            {
                let rule = (planted_done % 11) as usize;
                planted_done += 1;
                next_plant += gap;
                let (rules, source, event, request, code, message) = planted(rule, &mut rng);
                for r in rules {
                    *expected.entry(r).or_default() += 1;
                }
                let error = match (code, message) {
                    (Some(c), Some(m)) => Some((c, m)),
                    _ => None,
                };
                let mut rec = record(
                    &mut rng,
                    &time,
                    region,
                    source,
                    event,
                    request,
                    Value::Null,
                    error,
                );
                if rule == 5 {
                    rec["errorMessage"] = json!("Failed authentication");
                    rec["responseElements"] = json!({"ConsoleLogin": "Failure"});
                }
                rec
            } else {
                let (source, event, request, response, error) = benign(&mut rng);
                record(
                    &mut rng, &time, region, &source, &event, request, response, error,
                )
            };
            if i > 0 {
                body.push(b',');
            }
            serde_json::to_writer(&mut body, &value)?;
            events += 1;
        }
        body.extend_from_slice(b"]}");
        written += body.len() as u64;
        write_gz(&dir.join(name), &body)?;
        files += 1;
        minute += 5;
    }
    let summary = json!({
        "seed": args.seed,
        "files": files,
        "events": events,
        "uncompressed_bytes": written,
        "planted": planted_done,
        "expected_alerts": expected,
    });
    std::fs::write(
        args.out.join("expected.json"),
        serde_json::to_string_pretty(&summary)?,
    )?;
    println!("{summary}");
    Ok(())
}

fn write_gz(path: &Path, body: &[u8]) -> std::io::Result<()> {
    let mut gz = GzEncoder::new(BufWriter::new(File::create(path)?), Compression::new(6));
    gz.write_all(body)?;
    gz.finish()?.flush()
}
