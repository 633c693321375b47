//! Every AWS template pattern (CloudWatch_Alarms_for_CloudTrail_API_Activity.json)
//! and every CIS AWS Foundations Benchmark v1.2 3.x pattern, from
//! /work/shared/design/cloudtrail-reference.md section 4, against CloudTrail
//! records from section 2: each matches its positive samples and not its
//! near-misses.

use kensa_pattern::{FilterPattern, LogEvent};
use serde_json::{Value, json};

fn parse(text: &str) -> FilterPattern {
    FilterPattern::parse(text).unwrap_or_else(|e| panic!("{}", e.render(text)))
}

fn matches(pattern: &FilterPattern, record: &Value) -> bool {
    let message = record.to_string();
    pattern.matches(&LogEvent::with_json(&message, record))
}

/// Sample (a): a console sign-in failure, verbatim from the CloudTrail user guide.
fn console_login_failure() -> Value {
    json!({"eventVersion":"1.05","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","accountId":"111122223333","accessKeyId":"","userName":"anaya"},
     "eventTime":"2018-07-24T18:32:11Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1",
     "sourceIPAddress":"192.0.2.0","userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/67.0.3396.99 Safari/537.36",
     "errorMessage":"Failed authentication","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},
     "additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true","MobileVersion":"No","MFAUsed":"Yes"},
     "eventID":"d38ce1b3-4575-4cb8-a632-611b8243bfc3","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"})
}

/// The same guide's successful sign-in without MFA.
fn console_login_no_mfa() -> Value {
    let mut r = console_login_failure();
    r["responseElements"] = json!({"ConsoleLogin": "Success"});
    r["additionalEventData"]["MFAUsed"] = json!("No");
    r.as_object_mut().map(|o| o.remove("errorMessage"));
    r
}

/// The same guide's root sign-in failure.
fn root_login() -> Value {
    let mut r = console_login_failure();
    r["userIdentity"] = json!({"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":""});
    r["additionalEventData"]["MFAUsed"] = json!("No");
    r
}

fn assumed_role_identity() -> Value {
    json!({"type":"AssumedRole","principalId":"1111:tester","arn":"arn:aws:sts::123456789012:assumed-role/tester","accountId":"123456789012","accessKeyId":"1",
      "sessionContext":{"sessionIssuer":{"type":"Role","principalId":"1111","arn":"arn:aws:iam::123456789012:role/tester","accountId":"123456789012","userName":"tester"},"webIdFederationData":{},"attributes":{"mfaAuthenticated":"true","creationDate":"2019-01-01T00:00:00Z"}}})
}

/// Sample (b): AuthorizeSecurityGroupIngress.
fn authorize_sg_ingress() -> Value {
    json!({"eventVersion":"1.05","userIdentity":assumed_role_identity(),
     "eventTime":"2019-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"us-west-2","sourceIPAddress":"111.111.111.111","userAgent":"console.ec2.amazonaws.com",
     "requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"groups":{},"ipRanges":{"items":[{"cidrIp":"127.0.0.1/32","description":"SSH for me"}]},"ipv6Ranges":{},"prefixListIds":{}}]}},
     "responseElements":{"requestID":"1","_return":true},"requestID":"1","eventID":"1","eventType":"AwsApiCall","recipientAccountId":"123456789012"})
}

/// Sample (c): a failed RunInstances of a p2.xlarge.
fn run_instances(instance_type: &str) -> Value {
    json!({"awsRegion":"ca-south-3r","errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation.",
     "eventCategory":"Management","eventID":"1a4debbb-12e9-4bde-b8c7-ea29002bb2a7","eventName":"RunInstances","eventSource":"ec2.amazonaws.com","eventTime":"2024-08-01T11:30:23Z",
     "eventType":"AwsApiCall","eventVersion":"1.09","managementEvent":true,"readOnly":false,"recipientAccountId":"900138736586",
     "requestParameters":{"blockDeviceMapping":{},"clientToken":"5dd59182-3917-421c-9b2c-7c92954b66ee","disableApiStop":false,"disableApiTermination":false,"instanceType":instance_type,
       "instancesSet":{"items":[{"imageId":"ami-aCBbfd13bdb1d1E4b","maxCount":10,"minCount":1}]},"monitoring":{"enabled":false},"subnetId":"subnet-0e540f0c7ffb48ae9"},
     "responseElements":null,"sourceIPAddress":"06.237.252.245","userAgent":"stratus-red-team_c8ff220a-7e52-429b-868f-d979123ed2d3",
     "userIdentity":{"accessKeyId":"ASIA9F6MXE9HSYOXYQOS","accountId":"900138736586","arn":"arn:aws:sts::900138736586:assumed-role/stratus-red-team-ec2lui-role-idtzskbvtd/aws-go-sdk-1722511821294449000","principalId":"AROA13YEHY3VAS32TD341:aws-go-sdk-1722511821294449000",
       "sessionContext":{"attributes":{"creationDate":"2024-08-01T11:30:22Z","mfaAuthenticated":"false"}},"type":"AssumedRole"}})
}

/// Sample (d): StopLogging.
fn stop_logging() -> Value {
    json!({"eventVersion":"1.05","eventTime":"2019-01-01T00:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-west-2",
     "sourceIPAddress":"111.111.111.111","userAgent":"console.amazonaws.com","requestParameters":{"name":"arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail"},
     "responseElements":null,"requestID":"1","eventID":"1","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"123456789012","userIdentity":assumed_role_identity()})
}

/// Sample (e): PutBucketPolicy (constructed in the reference).
fn put_bucket_policy() -> Value {
    json!({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/Alice","accountId":"123456789012","accessKeyId":"AKIAEXAMPLE","userName":"Alice"},
     "eventTime":"2024-10-01T12:30:45Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","awsRegion":"us-west-2","sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.15.0",
     "requestParameters":{"bucketName":"example-bucket","Host":"example-bucket.s3.us-west-2.amazonaws.com","policy":[""],
       "bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/*"}]}},
     "responseElements":null,"requestID":"EXAMPLE","eventID":"EXAMPLE-1","readOnly":false,"resources":[{"ARN":"arn:aws:s3:::example-bucket","accountId":"123456789012","type":"AWS::S3::Bucket"}],
     "eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012"})
}

/// Sample (f): CreateVpcPeeringConnection (constructed in the reference).
fn create_vpc_peering() -> Value {
    json!({"eventVersion":"1.08","eventSource":"ec2.amazonaws.com","eventName":"CreateVpcPeeringConnection","awsRegion":"us-east-1","eventTime":"2024-01-01T00:00:00Z",
     "sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/Alice","accountId":"123456789012","principalId":"AIDAEXAMPLE","userName":"Alice"},
     "requestParameters":{"vpcId":"vpc-11111111","peerVpcId":"vpc-22222222","peerOwnerId":"210987654321"},
     "responseElements":{"requestId":"r","vpcPeeringConnection":{"vpcPeeringConnectionId":"pcx-12345678","status":{"code":"initiating-request"}}},
     "readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012"})
}

/// A record of `sample` with another event name (and source, when given).
fn renamed(sample: &Value, event_name: &str, event_source: Option<&str>) -> Value {
    let mut r = sample.clone();
    r["eventName"] = json!(event_name);
    if let Some(source) = event_source {
        r["eventSource"] = json!(source);
    }
    r
}

/// A read-only call nobody alarms on: the near-miss for the event-name lists.
fn describe_instances() -> Value {
    renamed(&authorize_sg_ingress(), "DescribeInstances", None)
}

/// Each `($.eventName = X)` alternative matches a record named X; a close
/// name (one letter changed, a prefix, other case) does not.
fn assert_event_name_list(pattern_text: &str, names: &[&str], source: Option<&str>) {
    let pattern = parse(pattern_text);
    let base = authorize_sg_ingress();
    for name in names {
        assert!(
            matches(&pattern, &renamed(&base, name, source)),
            "{name} should match {pattern_text}"
        );
        for miss in [
            format!("{name}s"),
            name[..name.len() - 1].to_owned(),
            name.to_lowercase(),
            format!("Batch{name}"),
        ] {
            assert!(
                !matches(&pattern, &renamed(&base, &miss, source)),
                "{miss} should not match {pattern_text}"
            );
        }
    }
    assert!(!matches(&pattern, &describe_instances()));
    if let Some(source) = source {
        // The right event name from another service does not count.
        let wrong_source = renamed(&base, names[0], Some(&format!("not-{source}")));
        assert!(
            !matches(&pattern, &wrong_source),
            "{pattern_text} without {source}"
        );
    }
    assert_eq!(
        pattern.json_fields().first().map(String::as_str),
        Some(if source.is_some() {
            "eventSource"
        } else {
            "eventName"
        })
    );
}

const SECURITY_GROUP_EVENTS: &[&str] = &[
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
];
const NACL_EVENTS: &[&str] = &[
    "CreateNetworkAcl",
    "CreateNetworkAclEntry",
    "DeleteNetworkAcl",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
];
const GATEWAY_EVENTS: &[&str] = &[
    "CreateCustomerGateway",
    "DeleteCustomerGateway",
    "AttachInternetGateway",
    "CreateInternetGateway",
    "DeleteInternetGateway",
    "DetachInternetGateway",
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
const EC2_INSTANCE_EVENTS: &[&str] = &[
    "RunInstances",
    "RebootInstances",
    "StartInstances",
    "StopInstances",
    "TerminateInstances",
];
const CLOUDTRAIL_EVENTS: &[&str] = &[
    "CreateTrail",
    "UpdateTrail",
    "DeleteTrail",
    "StartLogging",
    "StopLogging",
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
const S3_POLICY_EVENTS: &[&str] = &[
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
const ROUTE_TABLE_EVENTS: &[&str] = &[
    "CreateRoute",
    "CreateRouteTable",
    "ReplaceRoute",
    "ReplaceRouteTableAssociation",
    "DeleteRouteTable",
    "DeleteRoute",
    "DisassociateRouteTable",
];

// ---- the CloudFormation template ------------------------------------------------------

const TEMPLATE_SECURITY_GROUP: &str = "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }";
const TEMPLATE_NACL: &str = "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }";
const TEMPLATE_GATEWAY: &str = "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }";
const TEMPLATE_VPC: &str = "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }";
const TEMPLATE_EC2_INSTANCE: &str = "{ ($.eventName = RunInstances) || ($.eventName = RebootInstances) || ($.eventName = StartInstances) || ($.eventName = StopInstances) || ($.eventName = TerminateInstances) }";
const TEMPLATE_EC2_LARGE: &str = "{ ($.eventName = RunInstances) && (($.requestParameters.instanceType = *.8xlarge) || ($.requestParameters.instanceType = *.4xlarge)) }";
const TEMPLATE_CLOUDTRAIL: &str = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }";
const TEMPLATE_CONSOLE_FAILURES: &str =
    r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#;
const TEMPLATE_AUTHORIZATION_FAILURES: &str =
    r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#;
const TEMPLATE_IAM_POLICY: &str = "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}";
const TEMPLATE_S3_BUCKET: &str = "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }";
const VARIANT_S3_BUCKET_POLICY: &str = "{ ($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }";
const VARIANT_ROOT: &str = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
const VARIANT_CONSOLE_NO_MFA: &str =
    r#"{ ($.additionalEventData.MFAUsed = "No") && ($.eventName = "ConsoleLogin") }"#;
const UG_API_NO_MFA: &str =
    r#"{ $.userIdentity.sessionContext.attributes.mfaAuthenticated != "true" }"#;
const UG_CONSOLE_NO_MFA: &str =
    r#"{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed = "No" }"#;

#[test]
fn template_event_name_lists() {
    assert_event_name_list(TEMPLATE_SECURITY_GROUP, SECURITY_GROUP_EVENTS, None);
    assert_event_name_list(TEMPLATE_NACL, NACL_EVENTS, None);
    assert_event_name_list(TEMPLATE_GATEWAY, GATEWAY_EVENTS, None);
    assert_event_name_list(TEMPLATE_VPC, VPC_EVENTS, None);
    assert_event_name_list(TEMPLATE_EC2_INSTANCE, EC2_INSTANCE_EVENTS, None);
    assert_event_name_list(TEMPLATE_CLOUDTRAIL, CLOUDTRAIL_EVENTS, None);
    assert_event_name_list(TEMPLATE_IAM_POLICY, IAM_POLICY_EVENTS, None);
    assert_event_name_list(
        TEMPLATE_S3_BUCKET,
        S3_POLICY_EVENTS,
        Some("s3.amazonaws.com"),
    );
    assert_event_name_list(
        VARIANT_S3_BUCKET_POLICY,
        S3_POLICY_EVENTS,
        Some("s3.amazonaws.com"),
    );
}

#[test]
fn template_samples() {
    assert!(matches(
        &parse(TEMPLATE_SECURITY_GROUP),
        &authorize_sg_ingress()
    ));
    assert!(matches(&parse(TEMPLATE_CLOUDTRAIL), &stop_logging()));
    assert!(matches(&parse(TEMPLATE_VPC), &create_vpc_peering()));
    assert!(matches(&parse(TEMPLATE_S3_BUCKET), &put_bucket_policy()));
    assert!(matches(
        &parse(TEMPLATE_EC2_INSTANCE),
        &run_instances("p2.xlarge")
    ));
    assert!(!matches(
        &parse(TEMPLATE_CLOUDTRAIL),
        &authorize_sg_ingress()
    ));
}

#[test]
fn template_large_instances() {
    let pattern = parse(TEMPLATE_EC2_LARGE);
    assert!(matches(&pattern, &run_instances("m5.4xlarge")));
    assert!(matches(&pattern, &run_instances("c5.8xlarge")));
    for small in [
        "p2.xlarge",
        "m5.2xlarge",
        "c5.18xlarge.x",
        "m5.4xlarge2",
        "m5.4XLARGE",
    ] {
        assert!(!matches(&pattern, &run_instances(small)), "{small}");
    }
    // "c5.18xlarge" ends with ".8xlarge"? No: it ends with "18xlarge", and the
    // suffix includes the dot.
    assert!(!matches(&pattern, &run_instances("c5.18xlarge")));
    // The pattern only covers RunInstances, whatever the description says.
    assert!(!matches(
        &pattern,
        &renamed(&run_instances("m5.4xlarge"), "StartInstances", None)
    ));
    assert_eq!(
        pattern.json_fields(),
        ["eventName", "requestParameters.instanceType"]
    );
}

#[test]
fn template_console_sign_in_failures() {
    let pattern = parse(TEMPLATE_CONSOLE_FAILURES);
    assert!(matches(&pattern, &console_login_failure()));
    assert!(matches(&pattern, &root_login()));
    assert!(!matches(&pattern, &console_login_no_mfa()));
    let mut other_message = console_login_failure();
    other_message["errorMessage"] = json!("Failed authentication.");
    assert!(!matches(&pattern, &other_message));
}

#[test]
fn template_authorization_failures() {
    let pattern = parse(TEMPLATE_AUTHORIZATION_FAILURES);
    assert!(matches(&pattern, &run_instances("p2.xlarge")));
    let with_error = |code: &str| {
        let mut r = stop_logging();
        r["errorCode"] = json!(code);
        r
    };
    assert!(matches(&pattern, &with_error("AccessDenied")));
    assert!(matches(&pattern, &with_error("AccessDeniedException")));
    assert!(matches(&pattern, &with_error("UnauthorizedOperation")));
    assert!(!matches(&pattern, &with_error("InvalidTrailNameException")));
    assert!(!matches(&pattern, &with_error("accessdenied")));
    assert!(!matches(
        &pattern,
        &with_error("Client.UnauthorizedOperationX")
    ));
    assert!(!matches(&pattern, &stop_logging()));
}

#[test]
fn variant_root_usage() {
    let pattern = parse(VARIANT_ROOT);
    assert!(matches(&pattern, &root_login()));
    let mut invoked = root_login();
    invoked["userIdentity"]["invokedBy"] = json!("support.amazonaws.com");
    assert!(!matches(&pattern, &invoked));
    let mut service_event = root_login();
    service_event["eventType"] = json!("AwsServiceEvent");
    assert!(!matches(&pattern, &service_event));
    assert!(!matches(&pattern, &console_login_failure()));
}

#[test]
fn console_without_mfa() {
    for text in [VARIANT_CONSOLE_NO_MFA, UG_CONSOLE_NO_MFA] {
        let pattern = parse(text);
        assert!(matches(&pattern, &console_login_no_mfa()), "{text}");
        assert!(!matches(&pattern, &console_login_failure()), "{text}");
        let mut no_field = console_login_no_mfa();
        no_field["additionalEventData"]
            .as_object_mut()
            .map(|o| o.remove("MFAUsed"));
        assert!(!matches(&pattern, &no_field), "{text}");
    }
}

#[test]
fn api_call_without_mfa() {
    let pattern = parse(UG_API_NO_MFA);
    assert!(
        !matches(&pattern, &authorize_sg_ingress()),
        "mfaAuthenticated is \"true\""
    );
    assert!(
        matches(&pattern, &run_instances("p2.xlarge")),
        "mfaAuthenticated is \"false\""
    );
    // No sessionContext at all (an IAM user's access key): missing, so no match.
    assert!(!matches(&pattern, &put_bucket_policy()));
}

// ---- CIS AWS Foundations Benchmark v1.2 ------------------------------------------------

const CIS_3_1: &str =
    r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#;
const CIS_3_2: &str =
    r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes")}"#;
const CIS_3_3: &str = r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#;
const CIS_3_4: &str = "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}";
const CIS_3_5: &str = "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}";
const CIS_3_6: &str = r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}"#;
const CIS_3_7: &str = "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}";
const CIS_3_8: &str = "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}";
const CIS_3_9: &str = "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}";
const CIS_3_10: &str = "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}";
const CIS_3_11: &str = "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}";
const CIS_3_12: &str = "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}";
const CIS_3_13: &str = "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}";
const CIS_3_14: &str = "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}";

#[test]
fn cis_event_name_lists() {
    assert_event_name_list(CIS_3_4, IAM_POLICY_EVENTS, None);
    assert_event_name_list(CIS_3_5, CLOUDTRAIL_EVENTS, None);
    assert_event_name_list(
        CIS_3_7,
        &["DisableKey", "ScheduleKeyDeletion"],
        Some("kms.amazonaws.com"),
    );
    assert_event_name_list(CIS_3_8, S3_POLICY_EVENTS, Some("s3.amazonaws.com"));
    assert_event_name_list(
        CIS_3_9,
        &[
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ],
        Some("config.amazonaws.com"),
    );
    assert_event_name_list(CIS_3_10, SECURITY_GROUP_EVENTS, None);
    assert_event_name_list(CIS_3_11, NACL_EVENTS, None);
    assert_event_name_list(CIS_3_12, GATEWAY_EVENTS, None);
    assert_event_name_list(CIS_3_13, ROUTE_TABLE_EVENTS, None);
    assert_event_name_list(CIS_3_14, VPC_EVENTS, None);
}

#[test]
fn cis_samples() {
    assert!(matches(&parse(CIS_3_1), &run_instances("p2.xlarge")));
    assert!(!matches(&parse(CIS_3_1), &stop_logging()));
    assert!(matches(&parse(CIS_3_5), &stop_logging()));
    assert!(matches(&parse(CIS_3_6), &console_login_failure()));
    assert!(!matches(&parse(CIS_3_6), &console_login_no_mfa()));
    assert!(matches(&parse(CIS_3_8), &put_bucket_policy()));
    assert!(matches(&parse(CIS_3_10), &authorize_sg_ingress()));
    assert!(matches(&parse(CIS_3_14), &create_vpc_peering()));
    assert!(matches(&parse(CIS_3_3), &root_login()));
    assert!(!matches(&parse(CIS_3_3), &console_login_failure()));
}

#[test]
fn cis_3_2_differs_from_the_template_on_missing_and_odd_values() {
    let cis = parse(CIS_3_2);
    let template = parse(VARIANT_CONSOLE_NO_MFA);
    assert!(matches(&cis, &console_login_no_mfa()));
    assert!(!matches(&cis, &console_login_failure()), "MFAUsed is Yes");
    let mut odd = console_login_no_mfa();
    odd["additionalEventData"]["MFAUsed"] = json!("Unknown");
    assert!(matches(&cis, &odd));
    assert!(!matches(&template, &odd));
    let mut missing = console_login_no_mfa();
    missing
        .as_object_mut()
        .map(|o| o.remove("additionalEventData"));
    assert!(
        !matches(&cis, &missing),
        "a missing field never satisfies !="
    );
    assert!(!matches(&template, &missing));
}

#[test]
fn cis_and_template_patterns_are_the_same_tree() {
    // Whitespace and redundant parentheses do not change the tree.
    for (cis, template) in [
        (CIS_3_1, TEMPLATE_AUTHORIZATION_FAILURES),
        (CIS_3_4, TEMPLATE_IAM_POLICY),
        (CIS_3_5, TEMPLATE_CLOUDTRAIL),
        (CIS_3_6, TEMPLATE_CONSOLE_FAILURES),
        (CIS_3_8, TEMPLATE_S3_BUCKET),
        (CIS_3_10, TEMPLATE_SECURITY_GROUP),
        (CIS_3_11, TEMPLATE_NACL),
        (CIS_3_12, TEMPLATE_GATEWAY),
        (CIS_3_14, TEMPLATE_VPC),
        (CIS_3_3, VARIANT_ROOT),
    ] {
        assert_eq!(parse(cis), parse(template), "{cis}");
    }
    assert_ne!(parse(CIS_3_2), parse(VARIANT_CONSOLE_NO_MFA));
}

#[test]
fn every_pattern_round_trips() {
    for text in [
        TEMPLATE_SECURITY_GROUP,
        TEMPLATE_NACL,
        TEMPLATE_GATEWAY,
        TEMPLATE_VPC,
        TEMPLATE_EC2_INSTANCE,
        TEMPLATE_EC2_LARGE,
        TEMPLATE_CLOUDTRAIL,
        TEMPLATE_CONSOLE_FAILURES,
        TEMPLATE_AUTHORIZATION_FAILURES,
        TEMPLATE_IAM_POLICY,
        TEMPLATE_S3_BUCKET,
        VARIANT_S3_BUCKET_POLICY,
        VARIANT_ROOT,
        VARIANT_CONSOLE_NO_MFA,
        UG_API_NO_MFA,
        UG_CONSOLE_NO_MFA,
        CIS_3_1,
        CIS_3_2,
        CIS_3_3,
        CIS_3_4,
        CIS_3_5,
        CIS_3_6,
        CIS_3_7,
        CIS_3_8,
        CIS_3_9,
        CIS_3_10,
        CIS_3_11,
        CIS_3_12,
        CIS_3_13,
        CIS_3_14,
    ] {
        let pattern = parse(text);
        assert_eq!(
            FilterPattern::parse(&pattern.to_string()),
            Ok(pattern),
            "{text}"
        );
    }
    insta::assert_snapshot!(parse(TEMPLATE_EC2_LARGE).to_string(), @r#"{ $.eventName = "RunInstances" && ($.requestParameters.instanceType = "*.8xlarge" || $.requestParameters.instanceType = "*.4xlarge") }"#);
    insta::assert_snapshot!(parse(CIS_3_3).to_string(), @r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#);
}
