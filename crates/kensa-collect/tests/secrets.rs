//! The IAM-9 scan against a fake AWS: what the snapshot keeps of a key
//! found in user data (a redacted sighting, with its owner), and what it
//! keeps when a call is denied (the error, naming the call).

mod fake_aws;

use fake_aws::{ACCOUNT, FakeAws, iam_ok};
use kensa_collect::{CollectOptions, collect_with_config};
use kensa_snapshot::Collected;
use kensa_snapshot::secrets::{KeyMaterial, KeyOwner};

const KEY_ID: &str = "AKIAZ2XQ7TESTKEY4ID5";
const SECRET: &str = "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";
const EC2: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

fn ec2_ok(action: &str, body: &str) -> String {
    format!("<{action}Response xmlns=\"{EC2}\"><requestId>req</requestId>{body}</{action}Response>")
}

#[tokio::test]
async fn a_key_in_user_data_is_kept_redacted_with_its_owner() {
    let fake = FakeAws::with_defaults();
    // alice owns the key.
    fake.ok(
        "GetAccountAuthorizationDetails",
        &format!(
            "<IsTruncated>false</IsTruncated><UserDetailList><member><Path>/</Path>\
             <UserName>alice</UserName><UserId>AIDAALICE</UserId>\
             <Arn>arn:aws:iam::{ACCOUNT}:user/alice</Arn><CreateDate>2020-01-02T03:04:05Z</CreateDate>\
             </member></UserDetailList>"
        ),
    );
    fake.route(
        &[("Action", "ListAccessKeys"), ("UserName", "alice")],
        200,
        &iam_ok(
            "ListAccessKeys",
            &format!(
                "<AccessKeyMetadata><member><UserName>alice</UserName><AccessKeyId>{KEY_ID}</AccessKeyId>\
                 <Status>Active</Status><CreateDate>2024-01-01T00:00:00Z</CreateDate></member>\
                 </AccessKeyMetadata><IsTruncated>false</IsTruncated>"
            ),
        ),
    );
    // The region's instances (one DescribeInstances serves the network,
    // this scan and Inspector's coverage).
    fake.replace(
        &[("Action", "DescribeInstances")],
        200,
        &ec2_ok(
            "DescribeInstances",
            "<reservationSet><item><reservationId>r-1</reservationId><instancesSet>\
             <item><instanceId>i-0abc</instanceId><instanceState><code>16</code><name>running</name>\
             </instanceState><tagSet><item><key>Name</key><value>web</value></item></tagSet></item>\
             <item><instanceId>i-0old</instanceId><instanceState><code>48</code><name>terminated</name>\
             </instanceState></item>\
             </instancesSet></item></reservationSet>",
        ),
    );
    let user_data = aws_smithy_types::base64::encode(format!(
        "#!/bin/bash\nexport AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\n"
    ));
    fake.route(
        &[
            ("Action", "DescribeInstanceAttribute"),
            ("InstanceId", "i-0abc"),
            ("Attribute", "userData"),
        ],
        200,
        &ec2_ok(
            "DescribeInstanceAttribute",
            &format!(
                "<instanceId>i-0abc</instanceId><userData><value>{user_data}</value></userData>"
            ),
        ),
    );
    let opts = CollectOptions {
        regions: vec!["us-east-1".to_owned()],
        max_attempts: 1,
        max_in_flight: 4,
        ..CollectOptions::default()
    };
    let snapshot = collect_with_config(&fake.sdk_config(1), &opts).await;
    let secrets = &snapshot.regions["us-east-1"].secrets;
    let Collected::Value(instances) = &secrets.instances else {
        panic!("instances not scanned: {:?}", secrets.instances);
    };
    // The terminated instance is not asked for its user data.
    assert_eq!(instances.scanned, 1);
    assert_eq!(
        fake.requests_with(&[("Action", "DescribeInstanceAttribute")]),
        1
    );
    assert_eq!(fake.requests_with(&[("Action", "DescribeInstances")]), 1);
    let seen: Vec<_> = instances
        .sightings
        .iter()
        .map(|s| {
            (
                s.resource.id.as_str(),
                s.resource.name.as_deref(),
                s.location.as_str(),
                s.name.as_deref(),
                s.line,
                s.kind,
                s.redacted.as_str(),
                s.key_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                "i-0abc",
                Some("web"),
                "UserData",
                Some("AWS_ACCESS_KEY_ID"),
                Some(2),
                KeyMaterial::AccessKeyId,
                "AKIA************4ID5",
                Some("AKIA************4ID5"),
            ),
            (
                "i-0abc",
                Some("web"),
                "UserData",
                Some("AWS_SECRET_ACCESS_KEY"),
                Some(3),
                KeyMaterial::SecretAccessKey,
                "bX9s************************************",
                Some("AKIA************4ID5"),
            ),
        ]
    );
    assert_eq!(
        instances.sightings[0].key_owner,
        Some(KeyOwner::IamUser {
            user_name: "alice".into(),
            user_arn: format!("arn:aws:iam::{ACCOUNT}:user/alice"),
            key_status: "Active".into(),
        })
    );
    // Nothing else was found, and nothing failed.
    for (_, kind) in secrets.kinds() {
        let scan = kind.value().expect("every kind was read");
        assert!(scan.unscanned.is_empty(), "{scan:?}");
    }
    // The saved snapshot holds no secret, and the key ID it saw only
    // redacted (the IAM part lists alice's key ID, as IAM returned it).
    let json = serde_json::to_string(&snapshot.regions).expect("serialize the regions");
    assert!(!json.contains(SECRET) && !json.contains(&SECRET[4..]));
    assert!(!json.contains(KEY_ID));
}

#[tokio::test]
async fn a_denied_call_for_every_item_is_one_error_naming_it() {
    let fake = FakeAws::with_defaults();
    fake.json(
        "DescribeParameters",
        r#"{"Parameters":[{"Name":"/app/config","Type":"String"},{"Name":"/app/list","Type":"StringList"},{"Name":"/app/secret","Type":"SecureString"}]}"#,
    );
    fake.route(
        &[("Action", "GetParameters")],
        400,
        r#"{"__type":"AccessDeniedException","message":"not authorized to perform ssm:GetParameters"}"#,
    );
    let opts = CollectOptions {
        regions: vec!["us-east-1".to_owned()],
        max_attempts: 1,
        max_in_flight: 4,
        ..CollectOptions::default()
    };
    let snapshot = collect_with_config(&fake.sdk_config(1), &opts).await;
    let parameters = &snapshot.regions["us-east-1"].secrets.ssm_parameters;
    let error = parameters.error().expect("the kind is an error");
    assert_eq!(error.call(), "ssm:GetParameters");
    assert_eq!(error.code, "AccessDeniedException");
    assert!(
        snapshot
            .errors
            .iter()
            .any(|e| e.call() == "ssm:GetParameters")
    );
    // The SecureString parameter is never asked for.
    assert_eq!(fake.requests_with(&[("Action", "GetParameters")]), 1);
}
