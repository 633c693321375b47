//! The suspicious operations, as data: each one is the set of CloudTrail
//! records it must catch (positives), records it should leave alone
//! (near misses), and the pattern AWS's own alarm template uses for it.
//!
//! A filter or rule is judged by running it on these records, not by
//! comparing its text with the template's: a pattern that quotes, orders
//! or guards differently but catches the same events passes, and one that
//! looks right but joins the events with `&&` catches nothing and fails.

use serde_json::{Value, json};

use crate::StaticText;

/// One operation the sheet wants notified (ALM-1..ALM-11) or a CIS 1.2
/// 3.x item beside them.
#[derive(Debug)]
pub struct Operation {
    /// `ALM-4`, or the CIS number for the items that are not in the sheet.
    pub key: &'static str,
    pub title: StaticText,
    /// The pattern of AWS's CloudFormation alarm template (or of CIS 1.2
    /// where the template has none), for the remediation text.
    pub canonical_pattern: &'static str,
    /// The metric name the template gives it.
    pub metric_name: &'static str,
    pub positives: fn() -> Vec<Sample>,
    pub negatives: fn() -> Vec<Sample>,
}

/// One CloudTrail record, named for reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// What the record is, e.g. `RunInstances (m5.4xlarge)`.
    pub label: String,
    pub record: Value,
}

impl Sample {
    pub fn event_source(&self) -> &str {
        self.record["eventSource"].as_str().unwrap_or_default()
    }

    /// IAM, STS and sign-in events are global: CloudTrail delivers them to
    /// us-east-1, and a trail records them only with global service events on.
    pub fn is_global(&self) -> bool {
        matches!(
            self.event_source(),
            "iam.amazonaws.com" | "signin.amazonaws.com" | "sts.amazonaws.com"
        )
    }

    pub fn is_read_only(&self) -> bool {
        self.record["readOnly"].as_bool().unwrap_or(false)
    }

    /// The record in `region` (its `awsRegion`), for EventBridge rules,
    /// which see only their own region's events.
    pub fn in_region(&self, region: &str) -> Sample {
        let mut record = self.record.clone();
        record["awsRegion"] = json!(region);
        Sample {
            label: self.label.clone(),
            record,
        }
    }

    /// The record as EventBridge delivers a CloudTrail event.
    pub fn as_eventbridge_event(&self) -> Value {
        let r = &self.record;
        let service = self
            .event_source()
            .strip_suffix(".amazonaws.com")
            .unwrap_or(self.event_source());
        let detail_type = if r["eventType"] == "AwsConsoleSignIn" {
            "AWS Console Sign In via CloudTrail"
        } else {
            "AWS API Call via CloudTrail"
        };
        json!({
            "version": "0",
            "id": r["eventID"],
            "detail-type": detail_type,
            "source": format!("aws.{service}"),
            "account": r["recipientAccountId"],
            "time": r["eventTime"],
            "region": r["awsRegion"],
            "resources": [],
            "detail": r,
        })
    }
}

pub const ACCOUNT: &str = "123456789012";
const REGION: &str = "ap-northeast-1";

fn iam_user() -> Value {
    json!({
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLEALICE",
        "arn": format!("arn:aws:iam::{ACCOUNT}:user/alice"),
        "accountId": ACCOUNT,
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "userName": "alice",
        "sessionContext": {
            "sessionIssuer": {},
            "webIdFederationData": {},
            "attributes": {"creationDate": "2026-10-01T00:00:00Z", "mfaAuthenticated": "true"}
        }
    })
}

/// A full CloudTrail record of a management API call (the shape of
/// cloudtrail-reference.md §2), by alice, from the CLI.
fn api_call(source: &str, name: &str, request: Value) -> Value {
    let global = matches!(source, "iam.amazonaws.com" | "sts.amazonaws.com");
    let read_only = ["Describe", "Get", "List", "Head"]
        .iter()
        .any(|p| name.starts_with(p));
    json!({
        "eventVersion": "1.09",
        "userIdentity": iam_user(),
        "eventTime": "2026-10-01T12:30:45Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": if global { "us-east-1" } else { REGION },
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0 md/Botocore#1.34.0",
        "requestParameters": request,
        "responseElements": null,
        "requestID": format!("req-{name}"),
        "eventID": format!("evt-{name}"),
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                       "clientProvidedHostHeader": "example.amazonaws.com"}
    })
}

fn with(mut record: Value, fields: Value) -> Value {
    if let (Some(target), Some(extra)) = (record.as_object_mut(), fields.as_object()) {
        for (k, v) in extra {
            target.insert(k.clone(), v.clone());
        }
    }
    record
}

fn sample(label: impl Into<String>, record: Value) -> Sample {
    Sample {
        label: label.into(),
        record,
    }
}

/// One record per event name, each an ordinary call of that API.
fn calls(source: &str, names: &[&str], request: impl Fn(&str) -> Value) -> Vec<Sample> {
    names
        .iter()
        .map(|name| sample(*name, api_call(source, name, request(name))))
        .collect()
}

const EC2: &str = "ec2.amazonaws.com";

fn ec2_calls(names: &[&str]) -> Vec<Sample> {
    calls(EC2, names, |_| json!({"groupId": "sg-0123456789abcdef0"}))
}

fn describe(name: &str) -> Sample {
    sample(
        format!("{name} (read-only)"),
        api_call(EC2, name, json!({"filterSet": {}})),
    )
}

fn run_instances(instance_type: &str) -> Sample {
    sample(
        format!("RunInstances ({instance_type})"),
        api_call(
            EC2,
            "RunInstances",
            json!({
                "instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 1}]},
                "instanceType": instance_type,
                "blockDeviceMapping": {},
                "monitoring": {"enabled": false},
                "disableApiTermination": false,
                "subnetId": "subnet-0123456789abcdef0"
            }),
        ),
    )
}

fn console_login(user: Value, success: bool, mfa: &str) -> Value {
    let mut record = json!({
        "eventVersion": "1.08",
        "userIdentity": user,
        "eventTime": "2026-10-01T09:00:00Z",
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.0",
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0",
        "requestParameters": null,
        "responseElements": {"ConsoleLogin": if success { "Success" } else { "Failure" }},
        "additionalEventData": {
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": mfa
        },
        "eventID": "evt-ConsoleLogin",
        "readOnly": false,
        "eventType": "AwsConsoleSignIn",
        "managementEvent": true,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management"
    });
    if !success {
        record["errorMessage"] = json!("Failed authentication");
    }
    record
}

fn signin_user() -> Value {
    json!({"type": "IAMUser", "principalId": "AIDAEXAMPLEALICE", "accountId": ACCOUNT,
           "accessKeyId": "", "userName": "alice"})
}

fn signin_root() -> Value {
    json!({"type": "Root", "principalId": ACCOUNT, "arn": format!("arn:aws:iam::{ACCOUNT}:root"),
           "accountId": ACCOUNT, "accessKeyId": ""})
}

fn denied(name: &str, source: &str, code: &str, request: Value) -> Sample {
    sample(
        format!("{name} denied ({code})"),
        with(
            api_call(source, name, request),
            json!({"errorCode": code,
                   "errorMessage": "You are not authorized to perform this operation."}),
        ),
    )
}

const SG_EVENTS: &[&str] = &[
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
];
const INSTANCE_EVENTS: &[&str] = &[
    "RunInstances",
    "RebootInstances",
    "StartInstances",
    "StopInstances",
    "TerminateInstances",
];
const IAM_POLICY_EVENTS: &[&str] = &[
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
];
const VPC_EVENTS: &[&str] = &[
    "CreateVpc",
    "DeleteVpc",
    "ModifyVpcAttribute",
    "AcceptVpcPeeringConnection",
    "CreateVpcPeeringConnection",
    "DeleteVpcPeeringConnection",
    "RejectVpcPeeringConnection",
    "AttachClassicLinkVpc",
    "DetachClassicLinkVpc",
    "DisableVpcClassicLink",
    "EnableVpcClassicLink",
];
const GATEWAY_EVENTS: &[&str] = &[
    "CreateCustomerGateway",
    "DeleteCustomerGateway",
    "AttachInternetGateway",
    "CreateInternetGateway",
    "DeleteInternetGateway",
    "DetachInternetGateway",
];
const NACL_EVENTS: &[&str] = &[
    "CreateNetworkAcl",
    "CreateNetworkAclEntry",
    "DeleteNetworkAcl",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
];
const TRAIL_EVENTS: &[&str] = &[
    "CreateTrail",
    "UpdateTrail",
    "DeleteTrail",
    "StartLogging",
    "StopLogging",
];
const S3_EVENTS: &[&str] = &[
    "PutBucketAcl",
    "PutBucketPolicy",
    "PutBucketCors",
    "PutBucketLifecycle",
    "PutBucketReplication",
    "DeleteBucketPolicy",
    "DeleteBucketCors",
    "DeleteBucketLifecycle",
    "DeleteBucketReplication",
];
const ROUTE_EVENTS: &[&str] = &[
    "CreateRoute",
    "CreateRouteTable",
    "ReplaceRoute",
    "ReplaceRouteTableAssociation",
    "DeleteRouteTable",
    "DeleteRoute",
    "DisassociateRouteTable",
];
const CONFIG_EVENTS: &[&str] = &[
    "StopConfigurationRecorder",
    "DeleteDeliveryChannel",
    "PutDeliveryChannel",
    "PutConfigurationRecorder",
];
const KMS_EVENTS: &[&str] = &["DisableKey", "ScheduleKeyDeletion"];

fn s3_request(_: &str) -> Value {
    json!({"bucketName": "example-bucket", "Host": "example-bucket.s3.ap-northeast-1.amazonaws.com"})
}

pub static SECURITY_GROUP: Operation = Operation {
    key: "ALM-1",
    title: StaticText {
        en: "security group created, changed or deleted",
        ja: "セキュリティグループの作成・変更・削除",
    },
    canonical_pattern: "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
    metric_name: "SecurityGroupEventCount",
    positives: || ec2_calls(SG_EVENTS),
    negatives: || vec![describe("DescribeSecurityGroups")],
};

pub static EC2_INSTANCE: Operation = Operation {
    key: "ALM-2",
    title: StaticText {
        en: "EC2 instance created, terminated, started, stopped or rebooted",
        ja: "EC2 インスタンスの作成・削除・起動・停止・再起動",
    },
    canonical_pattern: "{ ($.eventName = RunInstances) || ($.eventName = RebootInstances) || ($.eventName = StartInstances) || ($.eventName = StopInstances) || ($.eventName = TerminateInstances) }",
    metric_name: "EC2InstanceEventCount",
    positives: || {
        let mut samples = vec![run_instances("t3.micro")];
        samples.extend(calls(EC2, &INSTANCE_EVENTS[1..], |_| {
            json!({"instancesSet": {"items": [{"instanceId": "i-0123456789abcdef0"}]}})
        }));
        samples
    },
    negatives: || vec![describe("DescribeInstances")],
};

pub static EC2_LARGE_INSTANCE: Operation = Operation {
    key: "ALM-3",
    title: StaticText {
        en: "large EC2 instance (4xlarge or 8xlarge) launched",
        ja: "大きな EC2 インスタンス (4xlarge・8xlarge) の作成",
    },
    canonical_pattern: "{ ($.eventName = RunInstances) && (($.requestParameters.instanceType = *.8xlarge) || ($.requestParameters.instanceType = *.4xlarge)) }",
    metric_name: "EC2LargeInstanceEventCount",
    positives: || vec![run_instances("m5.4xlarge"), run_instances("c5.8xlarge")],
    negatives: || {
        vec![
            run_instances("m5.2xlarge"),
            run_instances("t3.micro"),
            describe("DescribeInstances"),
        ]
    },
};

pub static IAM_POLICY: Operation = Operation {
    key: "ALM-4",
    title: StaticText {
        en: "IAM policy changed",
        ja: "IAM ポリシーの変更",
    },
    canonical_pattern: "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}",
    metric_name: "IAMPolicyEventCount",
    positives: || {
        calls("iam.amazonaws.com", IAM_POLICY_EVENTS, |_| {
            json!({"policyArn": format!("arn:aws:iam::{ACCOUNT}:policy/example"), "roleName": "example"})
        })
    },
    negatives: || {
        vec![
            sample(
                "GetPolicy (read-only)",
                api_call(
                    "iam.amazonaws.com",
                    "GetPolicy",
                    json!({"policyArn": format!("arn:aws:iam::{ACCOUNT}:policy/example")}),
                ),
            ),
            sample(
                "CreateUser",
                api_call("iam.amazonaws.com", "CreateUser", json!({"userName": "bob"})),
            ),
        ]
    },
};

pub static UNAUTHORIZED_CALL: Operation = Operation {
    key: "ALM-5",
    title: StaticText {
        en: "unauthorized API call",
        ja: "権限のない API 呼び出し",
    },
    canonical_pattern: "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }",
    metric_name: "AuthorizationFailureCount",
    positives: || {
        vec![
            denied(
                "RunInstances",
                EC2,
                "Client.UnauthorizedOperation",
                json!({"instanceType": "t3.micro"}),
            ),
            denied(
                "DescribeInstances",
                EC2,
                "UnauthorizedOperation",
                json!({"filterSet": {}}),
            ),
            denied(
                "PutBucketPolicy",
                "s3.amazonaws.com",
                "AccessDenied",
                s3_request("PutBucketPolicy"),
            ),
            denied(
                "Decrypt",
                "kms.amazonaws.com",
                "AccessDeniedException",
                json!({"encryptionAlgorithm": "SYMMETRIC_DEFAULT"}),
            ),
        ]
    },
    negatives: || {
        vec![
            describe("DescribeInstances"),
            sample(
                "DescribeInstances throttled",
                with(
                    api_call(EC2, "DescribeInstances", json!({})),
                    json!({"errorCode": "Client.RequestLimitExceeded", "errorMessage": "Request limit exceeded."}),
                ),
            ),
        ]
    },
};

pub static CONSOLE_SIGN_IN_FAILURE: Operation = Operation {
    key: "ALM-6",
    title: StaticText {
        en: "failed console sign-in",
        ja: "コンソールへのサインイン失敗",
    },
    canonical_pattern: "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }",
    metric_name: "ConsoleSignInFailureCount",
    positives: || {
        vec![
            sample(
                "ConsoleLogin failure (IAM user)",
                console_login(signin_user(), false, "Yes"),
            ),
            sample(
                "ConsoleLogin failure (root)",
                console_login(signin_root(), false, "No"),
            ),
        ]
    },
    negatives: || {
        vec![sample(
            "ConsoleLogin success",
            console_login(signin_user(), true, "Yes"),
        )]
    },
};

pub static VPC: Operation = Operation {
    key: "ALM-7",
    title: StaticText {
        en: "VPC or VPC peering created, changed or deleted",
        ja: "VPC・VPC ピアリングの作成・変更・削除",
    },
    canonical_pattern: "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
    metric_name: "VpcEventCount",
    positives: || {
        calls(EC2, VPC_EVENTS, |_| {
            json!({"vpcId": "vpc-11111111", "peerVpcId": "vpc-22222222"})
        })
    },
    negatives: || vec![describe("DescribeVpcs")],
};

pub static GATEWAY: Operation = Operation {
    key: "ALM-8",
    title: StaticText {
        en: "internet gateway or customer gateway created, changed or deleted",
        ja: "インターネットゲートウェイ・カスタマーゲートウェイの作成・変更・削除",
    },
    canonical_pattern: "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
    metric_name: "GatewayEventCount",
    positives: || {
        calls(EC2, GATEWAY_EVENTS, |_| {
            json!({"internetGatewayId": "igw-0123456789abcdef0", "vpcId": "vpc-11111111"})
        })
    },
    negatives: || vec![describe("DescribeInternetGateways")],
};

pub static NETWORK_ACL: Operation = Operation {
    key: "ALM-9",
    title: StaticText {
        en: "network ACL created, changed or deleted",
        ja: "ネットワーク ACL の作成・変更・削除",
    },
    canonical_pattern: "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
    metric_name: "NetworkAclEventCount",
    positives: || calls(EC2, NACL_EVENTS, |_| json!({"networkAclId": "acl-0123456789abcdef0"})),
    negatives: || vec![describe("DescribeNetworkAcls")],
};

pub static CLOUDTRAIL: Operation = Operation {
    key: "ALM-10",
    title: StaticText {
        en: "CloudTrail created, changed or deleted, logging started or stopped",
        ja: "CloudTrail の作成・変更・削除、ログ記録の開始・停止",
    },
    canonical_pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    metric_name: "CloudTrailEventCount",
    positives: || {
        calls("cloudtrail.amazonaws.com", TRAIL_EVENTS, |_| {
            json!({"name": format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/management")})
        })
    },
    negatives: || {
        vec![sample(
            "DescribeTrails (read-only)",
            api_call(
                "cloudtrail.amazonaws.com",
                "DescribeTrails",
                json!({"includeShadowTrails": true}),
            ),
        )]
    },
};

pub static S3_BUCKET_POLICY: Operation = Operation {
    key: "ALM-11",
    title: StaticText {
        en: "S3 bucket policy changed",
        ja: "S3 バケットポリシーの変更",
    },
    canonical_pattern: "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
    metric_name: "S3BucketActivityEventCount",
    positives: || calls("s3.amazonaws.com", S3_EVENTS, s3_request),
    negatives: || {
        vec![sample(
            "GetBucketPolicy (read-only)",
            api_call("s3.amazonaws.com", "GetBucketPolicy", s3_request("")),
        )]
    },
};

pub static CONSOLE_SIGN_IN_WITHOUT_MFA: Operation = Operation {
    key: "CIS 3.2",
    title: StaticText {
        en: "console sign-in without MFA",
        ja: "MFA を使わないコンソールサインイン",
    },
    canonical_pattern: "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") }",
    metric_name: "ConsoleSignInWithoutMfaCount",
    positives: || {
        vec![sample(
            "ConsoleLogin success without MFA",
            console_login(signin_user(), true, "No"),
        )]
    },
    negatives: || {
        vec![sample(
            "ConsoleLogin success with MFA",
            console_login(signin_user(), true, "Yes"),
        )]
    },
};

pub static ROOT_USE: Operation = Operation {
    key: "CIS 3.3",
    title: StaticText {
        en: "use of the root user",
        ja: "ルートユーザーの使用",
    },
    canonical_pattern: "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }",
    metric_name: "RootAccountUsageCount",
    positives: || {
        vec![
            sample(
                "ConsoleLogin by root",
                console_login(signin_root(), true, "Yes"),
            ),
            sample(
                "CreateAccessKey by root",
                with(
                    api_call("iam.amazonaws.com", "CreateAccessKey", json!({})),
                    json!({"userIdentity": {"type": "Root", "principalId": ACCOUNT,
                           "arn": format!("arn:aws:iam::{ACCOUNT}:root"), "accountId": ACCOUNT,
                           "accessKeyId": "ASIAEXAMPLEROOT"}}),
                ),
            ),
        ]
    },
    negatives: || {
        vec![sample(
            "service event on behalf of root",
            with(
                api_call(EC2, "DescribeInstances", json!({})),
                json!({"eventType": "AwsServiceEvent",
                       "userIdentity": {"type": "Root", "principalId": ACCOUNT, "accountId": ACCOUNT,
                                        "invokedBy": "ec2.amazonaws.com"}}),
            ),
        )]
    },
};

pub static KMS_KEY_DISABLE: Operation = Operation {
    key: "CIS 3.7",
    title: StaticText {
        en: "customer managed key disabled or scheduled for deletion",
        ja: "カスタマー管理キーの無効化・削除予定",
    },
    canonical_pattern: "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
    metric_name: "KmsKeyDisableOrDeletionCount",
    positives: || {
        calls("kms.amazonaws.com", KMS_EVENTS, |_| {
            json!({"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab"})
        })
    },
    negatives: || {
        vec![sample(
            "DescribeKey (read-only)",
            api_call(
                "kms.amazonaws.com",
                "DescribeKey",
                json!({"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}),
            ),
        )]
    },
};

pub static CONFIG_CHANGE: Operation = Operation {
    key: "CIS 3.9",
    title: StaticText {
        en: "AWS Config configuration changed",
        ja: "AWS Config の設定変更",
    },
    canonical_pattern: "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }",
    metric_name: "ConfigChangeEventCount",
    positives: || {
        calls("config.amazonaws.com", CONFIG_EVENTS, |_| {
            json!({"configurationRecorderName": "default"})
        })
    },
    negatives: || {
        vec![sample(
            "DescribeConfigurationRecorders (read-only)",
            api_call(
                "config.amazonaws.com",
                "DescribeConfigurationRecorders",
                json!({}),
            ),
        )]
    },
};

pub static ROUTE_TABLE: Operation = Operation {
    key: "CIS 3.13",
    title: StaticText {
        en: "route table created, changed or deleted",
        ja: "ルートテーブルの作成・変更・削除",
    },
    canonical_pattern: "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }",
    metric_name: "RouteTableEventCount",
    positives: || calls(EC2, ROUTE_EVENTS, |_| json!({"routeTableId": "rtb-0123456789abcdef0"})),
    negatives: || vec![describe("DescribeRouteTables")],
};

/// Every operation, ALM first, in the sheet's order.
pub static ALL: &[&Operation] = &[
    &SECURITY_GROUP,
    &EC2_INSTANCE,
    &EC2_LARGE_INSTANCE,
    &IAM_POLICY,
    &UNAUTHORIZED_CALL,
    &CONSOLE_SIGN_IN_FAILURE,
    &VPC,
    &GATEWAY,
    &NETWORK_ACL,
    &CLOUDTRAIL,
    &S3_BUCKET_POLICY,
    &CONSOLE_SIGN_IN_WITHOUT_MFA,
    &ROOT_USE,
    &KMS_KEY_DISABLE,
    &CONFIG_CHANGE,
    &ROUTE_TABLE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_event_has_a_positive_record() {
        let names = |op: &Operation| -> Vec<String> {
            (op.positives)()
                .iter()
                .map(|s| s.record["eventName"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(names(&IAM_POLICY), IAM_POLICY_EVENTS);
        assert_eq!(names(&SECURITY_GROUP), SG_EVENTS);
        assert_eq!(names(&EC2_INSTANCE), INSTANCE_EVENTS);
        assert_eq!(names(&VPC), VPC_EVENTS);
        assert_eq!(names(&GATEWAY), GATEWAY_EVENTS);
        assert_eq!(names(&NETWORK_ACL), NACL_EVENTS);
        assert_eq!(names(&CLOUDTRAIL), TRAIL_EVENTS);
        assert_eq!(names(&S3_BUCKET_POLICY), S3_EVENTS);
        // Every canonical pattern names every positive event it lists.
        for op in ALL {
            for s in (op.positives)() {
                let name = s.record["eventName"].as_str().unwrap();
                if op.canonical_pattern.contains("eventName") && op.key != "CIS 3.3" {
                    assert!(
                        op.canonical_pattern.contains(name),
                        "{}: {name}",
                        op.key
                    );
                }
            }
        }
    }

    #[test]
    fn records_have_the_cloudtrail_shape() {
        for op in ALL {
            for s in (op.positives)().into_iter().chain((op.negatives)()) {
                let r = s.record.as_object().unwrap();
                for field in [
                    "eventVersion",
                    "userIdentity",
                    "eventTime",
                    "eventSource",
                    "eventName",
                    "awsRegion",
                    "sourceIPAddress",
                    "eventType",
                    "recipientAccountId",
                ] {
                    assert!(r.contains_key(field), "{}: {} lacks {field}", op.key, s.label);
                }
            }
        }
    }

    #[test]
    fn eventbridge_envelope_follows_cloudtrail_delivery() {
        let login = &(CONSOLE_SIGN_IN_FAILURE.positives)()[0];
        let event = login.as_eventbridge_event();
        assert_eq!(event["source"], "aws.signin");
        assert_eq!(event["detail-type"], "AWS Console Sign In via CloudTrail");
        assert_eq!(event["detail"]["errorMessage"], "Failed authentication");
        let sg = &(SECURITY_GROUP.positives)()[0].in_region("eu-west-1");
        let event = sg.as_eventbridge_event();
        assert_eq!(event["source"], "aws.ec2");
        assert_eq!(event["detail-type"], "AWS API Call via CloudTrail");
        assert_eq!(event["region"], "eu-west-1");
        assert!(login.is_global() && !sg.is_global());
    }
}
