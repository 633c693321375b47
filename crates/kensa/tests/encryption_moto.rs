//! End-to-end tests of the data store encryption checks (ENC-1, ENC-2):
//! kensa audits a moto account with one bucket, volume and database left
//! unprotected and one of each protected.
//!
//! Unlike AWS since January 2023, moto gives a new bucket no default
//! encryption, so "no default encryption" is a state it can hold; the test
//! checks that this is so before relying on it.

mod support;

use std::collections::BTreeSet;

use aws_config::SdkConfig;
use serde_json::Value;

use support::moto::{MotoServer, TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY, kensa};
use support::run::{Report, findings, listing, read_report, run, str_of};

const PLAIN_BUCKET: &str = "plain-bucket";
const GUARDED_BUCKET: &str = "guarded-bucket";

async fn sdk(moto: &MotoServer) -> SdkConfig {
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

/// The documented TLS-only statement, on the bucket and its objects.
fn tls_only_policy(bucket: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{bucket}","arn:aws:s3:::{bucket}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    )
}

/// Returns the IDs of the (unencrypted, encrypted) volumes.
async fn seed(moto: &MotoServer) -> (String, String) {
    use aws_sdk_s3::types::{
        ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
        ServerSideEncryptionRule,
    };

    let sdk = sdk(moto).await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    for bucket in [PLAIN_BUCKET, GUARDED_BUCKET] {
        s3.create_bucket()
            .bucket(bucket)
            .send()
            .await
            .expect("create a bucket");
    }
    // The precondition the FAIL rests on: moto left the bucket without
    // default encryption (AWS would have applied SSE-S3).
    let none = s3
        .get_bucket_encryption()
        .bucket(PLAIN_BUCKET)
        .send()
        .await
        .expect_err("moto gives new buckets no default encryption");
    assert_eq!(
        aws_sdk_s3::error::ProvideErrorMetadata::code(&none),
        Some("ServerSideEncryptionConfigurationNotFoundError"),
        "{none:?}"
    );
    s3.put_bucket_encryption()
        .bucket(GUARDED_BUCKET)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::Aes256)
                                .build()
                                .expect("an encryption default"),
                        )
                        .build(),
                )
                .build()
                .expect("an encryption configuration"),
        )
        .send()
        .await
        .expect("set SSE-S3");
    s3.put_bucket_policy()
        .bucket(GUARDED_BUCKET)
        .policy(tls_only_policy(GUARDED_BUCKET))
        .send()
        .await
        .expect("put the TLS-only policy");

    let ec2 = aws_sdk_ec2::Client::new(&sdk);
    let mut volumes = Vec::new();
    for encrypted in [false, true] {
        let volume = ec2
            .create_volume()
            .availability_zone(format!("{TEST_REGION}a"))
            .size(8)
            .encrypted(encrypted)
            .send()
            .await
            .expect("create a volume");
        volumes.push(volume.volume_id.expect("a volume ID"));
    }

    let rds = aws_sdk_rds::Client::new(&sdk);
    rds.create_db_parameter_group()
        .db_parameter_group_name("tls-required")
        .db_parameter_group_family("postgres16")
        .description("requires TLS")
        .send()
        .await
        .expect("create a parameter group");
    rds.modify_db_parameter_group()
        .db_parameter_group_name("tls-required")
        .parameters(
            aws_sdk_rds::types::Parameter::builder()
                .parameter_name("rds.force_ssl")
                .parameter_value("1")
                .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
                .build(),
        )
        .send()
        .await
        .expect("set rds.force_ssl");
    for (id, version, encrypted, group) in [
        ("plain-db", "14.10", false, None),
        ("sealed-db", "16.3", true, Some("tls-required")),
    ] {
        rds.create_db_instance()
            .db_instance_identifier(id)
            .db_instance_class("db.t3.micro")
            .engine("postgres")
            .engine_version(version)
            .allocated_storage(20)
            .master_username("kensa")
            .master_user_password("not-a-real-password")
            .storage_encrypted(encrypted)
            .set_db_parameter_group_name(group.map(str::to_owned))
            .send()
            .await
            .expect("create a DB instance");
    }
    let mut ids = volumes.into_iter();
    (
        ids.next().expect("the unencrypted volume"),
        ids.next().expect("the encrypted volume"),
    )
}

fn audit(moto: &MotoServer, dir: &std::path::Path) -> Report {
    let endpoint = moto.endpoint();
    let output = dir.join("report.json");
    let mut command = kensa();
    command
        .current_dir(dir)
        .args([
            "audit",
            "--endpoint-url",
            &endpoint,
            "--region",
            TEST_REGION,
        ])
        .args(["--requirement", "ENC-1", "--requirement", "ENC-2"])
        .args(["--format", "json", "--output"])
        .arg(&output);
    let outcome = run(&mut command);
    assert_eq!(
        outcome.code,
        Some(1),
        "FAILs make kensa exit 1\n{}",
        outcome.describe()
    );
    read_report(outcome, &output)
}

/// `(check, resource id, status)` of every finding.
fn verdicts(report: &Value) -> BTreeSet<(String, String, String)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                str_of(f, "/check_id").to_owned(),
                str_of(f, "/resource/id").to_owned(),
                str_of(f, "/status").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn unprotected_data_stores_fail_and_protected_ones_pass() {
    let moto = MotoServer::start();
    let (plain_volume, sealed_volume) = seed(&moto).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let report = audit(&moto, dir.path());
    let json = &report.json;
    let got = verdicts(json);
    let expect = |check: &str, id: &str, status: &str| {
        let key = (check.to_owned(), id.to_owned(), status.to_owned());
        assert!(
            got.contains(&key),
            "expected {key:?}\n{}",
            listing(findings(json))
        );
    };
    // ENC-2 and ENC-1 on S3: nothing set fails both; SSE-S3 and the
    // TLS-only deny pass both.
    expect("enc-s3-default-encryption", PLAIN_BUCKET, "FAIL");
    expect("enc-s3-tls-only", PLAIN_BUCKET, "FAIL");
    expect("enc-s3-default-encryption", GUARDED_BUCKET, "PASS");
    expect("enc-s3-tls-only", GUARDED_BUCKET, "PASS");
    // EBS: moto starts with encryption by default off.
    expect("enc-ebs-default", TEST_REGION, "FAIL");
    expect("enc-ebs-volumes", &plain_volume, "FAIL");
    expect("enc-ebs-volumes", &sealed_volume, "PASS");
    // RDS at rest, and in transit through the parameter group in use: the
    // default group of PostgreSQL 14 sets nothing (engine default off).
    expect("enc-rds-instance-at-rest", "plain-db", "FAIL");
    expect("enc-rds-instance-at-rest", "sealed-db", "PASS");
    expect("enc-rds-tls", "plain-db", "FAIL");
    expect("enc-rds-tls", "sealed-db", "PASS");

    let plain = findings(json)
        .iter()
        .find(|f| {
            str_of(f, "/check_id") == "enc-s3-default-encryption"
                && str_of(f, "/resource/id") == PLAIN_BUCKET
        })
        .expect("the plain bucket's finding");
    assert_eq!(
        str_of(plain, "/message/en"),
        "plain-bucket has no default encryption"
    );
    assert_eq!(str_of(plain, "/resource/region"), TEST_REGION);
    let tls = findings(json)
        .iter()
        .find(|f| {
            str_of(f, "/check_id") == "enc-rds-tls" && str_of(f, "/resource/id") == "sealed-db"
        })
        .expect("the sealed database's TLS finding");
    assert_eq!(str_of(tls, "/evidence/parameter_group"), "tls-required");
    assert_eq!(str_of(tls, "/evidence/value"), "1");
    // Nothing else went wrong: every call the checks need, moto serves.
    let errors: Vec<&Value> = findings(json)
        .iter()
        .filter(|f| str_of(f, "/check_id").starts_with("enc-") && str_of(f, "/status") == "ERROR")
        .collect();
    assert!(errors.is_empty(), "{}", listing(errors.iter().copied()));
}
