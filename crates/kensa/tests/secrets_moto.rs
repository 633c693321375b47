//! End-to-end test of IAM-9 (access keys kept as text in AWS resources):
//! kensa collects a moto account with two regions, then audits the saved
//! snapshot in every output format.
//!
//! In one region every kind of resource kensa scans holds an access key:
//! an instance's user data holds an IAM user's key pair, a launch template
//! (MIME multi-part user data), a Lambda function, an ECS task definition,
//! a CloudFormation stack and an SSM parameter hold another pair. In the
//! other region the same kinds hold no key and the region passes with what
//! was scanned. Neither the snapshot file nor any report may contain a
//! secret: the test searches them all for the secrets' text.

mod support;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use aws_config::SdkConfig;
use serde_json::Value;

use support::moto::{MotoServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, kensa};
use support::run::{findings, listing, run, str_of};

/// Every kind of resource holds a key here.
const LEAKY: &str = "us-east-1";
/// The same kinds, without keys.
const CLEAN: &str = "eu-west-1";

/// A key pair of no IAM user of the moto account (AWS's key format,
/// made-up values), for the resources other than the instance.
const OTHER_KEY_ID: &str = "AKIAZ2XQ7TESTKEY4ID5";
const OTHER_SECRET: &str = "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";

const FORMATS: [&str; 9] = [
    "text", "json", "sarif", "junit", "csv", "markdown", "asff", "ocsf", "html",
];

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

fn base64(data: &[u8]) -> String {
    use aws_smithy_types::base64::encode;
    encode(data)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

/// The IAM user's key pair, as moto issued it.
struct Pair {
    key_id: String,
    secret: String,
}

/// One resource of each kind in `region`; `leaky` puts keys in them.
async fn seed_region(moto: &MotoServer, region: &str, leaky: Option<&Pair>) {
    use aws_sdk_ec2::types::{RequestLaunchTemplateData, ResourceType, Tag, TagSpecification};
    let sdk = sdk(moto, region).await;
    let ec2 = aws_sdk_ec2::Client::new(&sdk);

    // EC2: an instance, and a launch template with two versions.
    let user_data = match leaky {
        Some(pair) => base64(
            format!(
                "#!/bin/bash\nmkdir -p /root/.aws\ncat > /root/.aws/credentials <<EOF\n[default]\n\
                 aws_access_key_id = {}\naws_secret_access_key = {}\nEOF\n",
                pair.key_id, pair.secret
            )
            .as_bytes(),
        ),
        None => base64(&gzip(b"#!/bin/bash\nyum install -y nginx\n")),
    };
    ec2.run_instances()
        .image_id("ami-12345678")
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .user_data(user_data)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Name").value("web").build())
                .build(),
        )
        .send()
        .await
        .expect("run an instance");
    let template_data = |script: &str| {
        let archive = format!(
            "Content-Type: multipart/mixed; boundary=\"==kensa==\"\nMIME-Version: 1.0\n\n\
             --==kensa==\nContent-Type: text/cloud-config\n\n#cloud-config\npackages: [nginx]\n\
             --==kensa==\nContent-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\n{}\n\
             --==kensa==--\n",
            base64(script.as_bytes())
        );
        RequestLaunchTemplateData::builder()
            .image_id("ami-12345678")
            .user_data(base64(archive.as_bytes()))
            .build()
    };
    let template = ec2
        .create_launch_template()
        .launch_template_name("web")
        .launch_template_data(template_data("#!/bin/sh\necho first\n"))
        .send()
        .await
        .expect("create a launch template")
        .launch_template
        .and_then(|t| t.launch_template_id)
        .expect("a launch template ID");
    let second = if leaky.is_some() {
        format!(
            "#!/bin/sh\nexport AWS_ACCESS_KEY_ID={OTHER_KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={OTHER_SECRET}\n"
        )
    } else {
        "#!/bin/sh\necho second\n".to_owned()
    };
    ec2.create_launch_template_version()
        .launch_template_id(&template)
        .launch_template_data(template_data(&second))
        .send()
        .await
        .expect("add a launch template version");

    // Lambda: moto creates functions without docker (only invoking needs it).
    let iam = aws_sdk_iam::Client::new(&sdk);
    let role_name = format!("lambda-{region}");
    let role = iam
        .create_role()
        .role_name(&role_name)
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .expect("create the function's role")
        .role
        .map(|r| r.arn)
        .expect("a role ARN");
    let mut variables =
        aws_sdk_lambda::types::Environment::builder().variables("LOG_LEVEL", "debug");
    if leaky.is_some() {
        variables = variables
            .variables("AWS_ACCESS_KEY_ID", OTHER_KEY_ID)
            .variables("AWS_SECRET_ACCESS_KEY", OTHER_SECRET);
    }
    aws_sdk_lambda::Client::new(&sdk)
        .create_function()
        .function_name("worker")
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .role(role)
        .handler("index.handler")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_smithy_types::Blob::new(b"not really a zip".to_vec()))
                .build(),
        )
        .environment(variables.build())
        .send()
        .await
        .expect("create a Lambda function");

    // ECS: two revisions of one family; only the latest is scanned.
    let ecs = aws_sdk_ecs::Client::new(&sdk);
    for revision in 1..=2 {
        let mut container = aws_sdk_ecs::types::ContainerDefinition::builder()
            .name("app")
            .image("nginx")
            .memory(256)
            .environment(
                aws_sdk_ecs::types::KeyValuePair::builder()
                    .name("MODE")
                    .value(format!("revision-{revision}"))
                    .build(),
            );
        if leaky.is_some() && revision == 2 {
            container = container.command(format!(
                "aws configure set aws_access_key_id {OTHER_KEY_ID} && \
                 aws configure set aws_secret_access_key {OTHER_SECRET}"
            ));
        }
        ecs.register_task_definition()
            .family("app")
            .container_definitions(container.build())
            .send()
            .await
            .expect("register a task definition");
    }

    // CloudFormation: a parameter that an output repeats.
    let value = if leaky.is_some() {
        OTHER_KEY_ID
    } else {
        "prod"
    };
    aws_sdk_cloudformation::Client::new(&sdk)
        .create_stack()
        .stack_name("network")
        .template_body(
            r#"{"Parameters":{"DeployKeyId":{"Type":"String"}},
                "Resources":{"Handle":{"Type":"AWS::CloudFormation::WaitConditionHandle"}},
                "Outputs":{"KeyId":{"Value":{"Ref":"DeployKeyId"}}}}"#,
        )
        .parameters(
            aws_sdk_cloudformation::types::Parameter::builder()
                .parameter_key("DeployKeyId")
                .parameter_value(value)
                .build(),
        )
        .send()
        .await
        .expect("create a stack");

    // SSM: String and StringList are scanned; SecureString is not read.
    let ssm = aws_sdk_ssm::Client::new(&sdk);
    let config = match leaky {
        Some(_) => format!(
            "[default]\nregion = {region}\naws_access_key_id = {OTHER_KEY_ID}\naws_secret_access_key = {OTHER_SECRET}\n"
        ),
        None => format!("[default]\nregion = {region}\n"),
    };
    for (name, kind, value) in [
        (
            "/app/config",
            aws_sdk_ssm::types::ParameterType::String,
            config.as_str(),
        ),
        (
            "/app/zones",
            aws_sdk_ssm::types::ParameterType::StringList,
            "a,b,c",
        ),
        (
            "/app/secret",
            aws_sdk_ssm::types::ParameterType::SecureString,
            OTHER_SECRET,
        ),
    ] {
        ssm.put_parameter()
            .name(name)
            .r#type(kind)
            .value(value)
            .send()
            .await
            .expect("put a parameter");
    }
}

/// The moto account: an IAM user whose key pair sits in [`LEAKY`]'s
/// instance user data, and both regions seeded.
async fn seed(moto: &MotoServer) -> Pair {
    let iam = aws_sdk_iam::Client::new(&sdk(moto, LEAKY).await);
    iam.create_user()
        .user_name("deploy")
        .send()
        .await
        .expect("create an IAM user");
    let key = iam
        .create_access_key()
        .user_name("deploy")
        .send()
        .await
        .expect("create an access key")
        .access_key
        .expect("the new key");
    let pair = Pair {
        key_id: key.access_key_id,
        secret: key.secret_access_key,
    };
    seed_region(moto, LEAKY, Some(&pair)).await;
    seed_region(moto, CLEAN, None).await;
    pair
}

/// `(region, resource type, resource id, status)` of every finding.
fn verdicts(report: &Value) -> BTreeSet<(String, String, String, String)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                str_of(f, "/resource/region").to_owned(),
                str_of(f, "/resource/type").to_owned(),
                str_of(f, "/resource/id").to_owned(),
                str_of(f, "/status").to_owned(),
            )
        })
        .collect()
}

/// Panics when `text` holds a secret, or more of one than redaction shows.
fn assert_no_secret(what: &str, text: &str, pair: &Pair) {
    for secret in [pair.secret.as_str(), OTHER_SECRET] {
        assert!(!text.contains(secret), "{what} holds a secret");
        // Redaction shows the first four characters, never the rest.
        assert!(
            !text.contains(&secret[4..]),
            "{what} holds most of a secret"
        );
    }
}

fn collect(moto: &MotoServer, dir: &Path) -> std::path::PathBuf {
    let snapshot = dir.join("snapshot.json");
    let outcome = run(kensa()
        .current_dir(dir)
        .args(["collect", "--endpoint-url", &moto.endpoint()])
        .args(["--region", LEAKY, "--region", CLEAN, "--output"])
        .arg(&snapshot));
    assert_eq!(
        outcome.code,
        Some(0),
        "collect failed\n{}",
        outcome.describe()
    );
    snapshot
}

#[tokio::test]
async fn keys_in_resources_fail_and_no_output_holds_a_secret() {
    let moto = MotoServer::start();
    let pair = seed(&moto).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = collect(&moto, dir.path());
    let saved = std::fs::read_to_string(&snapshot).expect("read the snapshot");
    assert_no_secret("the snapshot", &saved, &pair);
    // The IAM part of a snapshot lists the users' key IDs; the scan keeps
    // only the redacted form of the keys it saw.
    assert!(
        !saved.contains(OTHER_KEY_ID),
        "the snapshot holds a key ID it saw"
    );

    let mut json_report = None;
    for format in FORMATS {
        let output = dir.path().join(format!("report.{format}"));
        let outcome = run(kensa()
            .current_dir(dir.path())
            .args(["audit", "--snapshot"])
            .arg(&snapshot)
            .args(["--requirement", "IAM-9", "--verbose", "--format", format])
            .arg("--output")
            .arg(&output));
        assert_eq!(
            outcome.code,
            Some(1),
            "{format}: a FAIL makes kensa exit 1\n{}",
            outcome.describe()
        );
        let written = std::fs::read_to_string(&output)
            .unwrap_or_else(|e| panic!("{format}: no report ({e})\n{}", outcome.describe()));
        for (what, text) in [
            ("report", &written),
            ("stdout", &outcome.stdout),
            ("stderr", &outcome.stderr),
        ] {
            assert_no_secret(&format!("the {format} {what}"), text, &pair);
            assert!(
                !text.contains(OTHER_KEY_ID),
                "the {format} {what} holds a key ID"
            );
            assert!(
                !text.contains(&pair.key_id),
                "the {format} {what} holds a key ID"
            );
        }
        if format == "json" {
            json_report = Some(serde_json::from_str::<Value>(&written).expect("JSON report"));
        }
    }
    // Japanese too.
    let outcome = run(kensa()
        .args(["--lang", "ja", "audit", "--snapshot"])
        .arg(&snapshot)
        .args(["--requirement", "IAM-9", "--verbose"]));
    assert_no_secret("the Japanese text report", &outcome.stdout, &pair);
    assert!(
        outcome.stdout.contains("EC2 インスタンス"),
        "{}",
        outcome.describe()
    );

    let report = json_report.expect("the JSON report was read");
    let got = verdicts(&report);
    let expected: BTreeSet<(String, String, String, String)> = [
        (LEAKY, "AWS::EC2::LaunchTemplate", "FAIL"),
        (LEAKY, "AWS::Lambda::Function", "FAIL"),
        (LEAKY, "AWS::ECS::TaskDefinition", "FAIL"),
        (LEAKY, "AWS::CloudFormation::Stack", "FAIL"),
        (LEAKY, "AWS::SSM::Parameter", "FAIL"),
        (CLEAN, "AWS::::Region", "PASS"),
    ]
    .into_iter()
    .map(|(region, kind, status)| {
        let id = got
            .iter()
            .find(|(r, k, _, _)| r == region && k == kind)
            .map(|(_, _, id, _)| id.clone())
            .unwrap_or_else(|| {
                panic!(
                    "no {kind} finding in {region}\n{}",
                    listing(findings(&report))
                )
            });
        (region.to_owned(), kind.to_owned(), id, status.to_owned())
    })
    .collect();
    for verdict in &expected {
        assert!(
            got.contains(verdict),
            "expected {verdict:?}\n{}",
            listing(findings(&report))
        );
    }

    // The instance: its user data holds the IAM user's pair, and the
    // finding says whose key it is.
    let instance = findings(&report)
        .iter()
        .find(|f| str_of(f, "/resource/type") == "AWS::EC2::Instance")
        .unwrap_or_else(|| panic!("no instance finding\n{}", listing(findings(&report))));
    assert_eq!(str_of(instance, "/status"), "FAIL");
    assert_eq!(str_of(instance, "/resource/region"), LEAKY);
    assert_eq!(str_of(instance, "/resource/name"), "web");
    let message = str_of(instance, "/message/en");
    let redacted_id = format!(
        "{}{}{}",
        &pair.key_id[..4],
        "*".repeat(pair.key_id.len() - 8),
        &pair.key_id[pair.key_id.len() - 4..]
    );
    assert!(
        message.contains(&format!(
            "access key ID {redacted_id} in UserData (aws_access_key_id), line 5, a key of IAM user deploy (Active)"
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "secret access key {}{} (of {redacted_id}) in UserData (aws_secret_access_key), line 6",
            &pair.secret[..4],
            "*".repeat(36)
        )),
        "{message}"
    );
    // Only the latest task definition revision is scanned, and the
    // SecureString parameter is not read.
    let task = findings(&report)
        .iter()
        .find(|f| str_of(f, "/resource/type") == "AWS::ECS::TaskDefinition")
        .expect("the task definition finding");
    assert_eq!(str_of(task, "/resource/id"), "app:2");
    let parameter = findings(&report)
        .iter()
        .find(|f| str_of(f, "/resource/type") == "AWS::SSM::Parameter")
        .expect("the parameter finding");
    assert_eq!(str_of(parameter, "/resource/id"), "/app/config");

    // The clean region passes, with what was scanned.
    let pass = findings(&report)
        .iter()
        .find(|f| str_of(f, "/resource/region") == CLEAN)
        .expect("the clean region's finding");
    assert_eq!(
        str_of(pass, "/message/en"),
        "No access key is kept as text in eu-west-1: scanned EC2 instances: 1, \
         launch template versions: 2, Lambda function versions: 1, ECS task definitions: 1, \
         CloudFormation stacks: 1, SSM parameters: 2"
    );
    assert_eq!(
        findings(&report)
            .iter()
            .filter(|f| str_of(f, "/resource/region") == CLEAN)
            .count(),
        1,
        "{}",
        listing(findings(&report))
    );
}
