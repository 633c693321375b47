//! The collector against a fake AWS that answers with AWS-shaped XML.

mod fake_aws;

use fake_aws::{ACCOUNT, FakeAws, ec2_error_xml, error_xml, iam_ok, sns_ok};
use kensa_collect::{CollectOptions, collect_with_config};
use kensa_snapshot::inspector::{AccountStatus, Finding as InspectorFinding, Instance};
use kensa_snapshot::{Collected, Snapshot};

const ALICE_INLINE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
const LOCAL_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const READ_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const READ_ONLY_ARN: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/// What IAM does to policy documents: RFC 3986 percent-encoding.
fn url_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn options(max_attempts: u32) -> CollectOptions {
    CollectOptions {
        max_attempts,
        max_in_flight: 4,
        ..CollectOptions::default()
    }
}

async fn collect(fake: &FakeAws, max_attempts: u32) -> Snapshot {
    collect_with_config(&fake.sdk_config(max_attempts), &options(max_attempts)).await
}

fn user_xml(name: &str, extra: &str) -> String {
    format!(
        "<member><Path>/</Path><UserName>{name}</UserName><UserId>AIDA{name}</UserId>\
         <Arn>arn:aws:iam::{ACCOUNT}:user/{name}</Arn><CreateDate>2020-01-02T03:04:05Z</CreateDate>\
         {extra}</member>"
    )
}

/// Two pages: alice and the admins group, then bob, a role and a
/// customer managed policy.
fn two_page_authorization_details(fake: &FakeAws) {
    let alice = user_xml(
        "alice",
        &format!(
            "<GroupList><member>admins</member></GroupList>\
             <AttachedManagedPolicies><member><PolicyName>ReadOnlyAccess</PolicyName>\
             <PolicyArn>{READ_ONLY_ARN}</PolicyArn></member></AttachedManagedPolicies>\
             <UserPolicyList><member><PolicyName>s3-read</PolicyName>\
             <PolicyDocument>{}</PolicyDocument></member></UserPolicyList>",
            url_encode(ALICE_INLINE)
        ),
    );
    let admins = format!(
        "<member><Path>/</Path><GroupName>admins</GroupName><GroupId>AGPAADMINS</GroupId>\
         <Arn>arn:aws:iam::{ACCOUNT}:group/admins</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate>\
         <GroupPolicyList/><AttachedManagedPolicies><member><PolicyName>everything</PolicyName>\
         <PolicyArn>arn:aws:iam::{ACCOUNT}:policy/everything</PolicyArn></member>\
         </AttachedManagedPolicies></member>"
    );
    let page1 = format!(
        "<IsTruncated>true</IsTruncated><Marker>page2</Marker>\
         <UserDetailList>{alice}</UserDetailList><GroupDetailList>{admins}</GroupDetailList>\
         <RoleDetailList/><Policies/>"
    );
    let bob = user_xml("bob", "");
    let page2 = format!(
        "<IsTruncated>false</IsTruncated><UserDetailList>{bob}</UserDetailList>\
         <RoleDetailList><member><Path>/service/</Path><RoleName>web</RoleName><RoleId>AROAWEB</RoleId>\
         <Arn>arn:aws:iam::{ACCOUNT}:role/service/web</Arn><CreateDate>2022-01-01T00:00:00Z</CreateDate>\
         <AssumeRolePolicyDocument>{trust}</AssumeRolePolicyDocument>\
         <AttachedManagedPolicies><member><PolicyName>ReadOnlyAccess</PolicyName>\
         <PolicyArn>{READ_ONLY_ARN}</PolicyArn></member></AttachedManagedPolicies></member></RoleDetailList>\
         <Policies><member><PolicyName>everything</PolicyName><PolicyId>ANPAEVERYTHING</PolicyId>\
         <Arn>arn:aws:iam::{ACCOUNT}:policy/everything</Arn><Path>/</Path>\
         <DefaultVersionId>v2</DefaultVersionId><AttachmentCount>1</AttachmentCount>\
         <IsAttachable>true</IsAttachable><PolicyVersionList>\
         <member><Document>{old}</Document><VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion></member>\
         <member><Document>{current}</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>\
         </PolicyVersionList></member></Policies>",
        trust = url_encode(TRUST),
        old = url_encode(r#"{"Version":"2012-10-17","Statement":[]}"#),
        current = url_encode(LOCAL_POLICY),
    );
    let action = "GetAccountAuthorizationDetails";
    fake.replace(&[("Action", action)], 200, &iam_ok(action, &page1));
    fake.route(
        &[("Action", action), ("Marker", "page2")],
        200,
        &iam_ok(action, &page2),
    );
    fake.ok(
        "GetPolicy",
        &format!(
            "<Policy><PolicyName>ReadOnlyAccess</PolicyName><Arn>{READ_ONLY_ARN}</Arn>\
             <DefaultVersionId>v108</DefaultVersionId><AttachmentCount>7</AttachmentCount></Policy>"
        ),
    );
    fake.ok(
        "GetPolicyVersion",
        &format!(
            "<PolicyVersion><Document>{}</Document><VersionId>v108</VersionId>\
             <IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>",
            url_encode(READ_ONLY)
        ),
    );
}

#[tokio::test]
async fn authorization_details_pages_are_joined_and_documents_decoded() {
    let fake = FakeAws::with_defaults();
    two_page_authorization_details(&fake);

    let snapshot = collect(&fake, 3).await;

    assert_eq!(snapshot.errors, vec![], "no call should fail");
    let account = snapshot.account.value().expect("account collected");
    assert_eq!(account.id, ACCOUNT);
    assert_eq!(account.partition, "aws");
    assert_eq!(
        snapshot.enabled_regions,
        Collected::Value(vec!["eu-west-1".to_owned(), "us-east-1".to_owned()])
    );
    assert_eq!(snapshot.audited_regions, vec!["eu-west-1", "us-east-1"]);

    let users = snapshot.iam.users.value().expect("users collected");
    let names: Vec<&str> = users.iter().map(|user| user.name.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);
    let alice = &users[0];
    assert_eq!(alice.groups, ["admins"]);
    assert_eq!(alice.attached_policies[0].arn, READ_ONLY_ARN);
    assert_eq!(alice.inline_policies[0].name, "s3-read");
    assert_eq!(alice.inline_policies[0].document, ALICE_INLINE);
    assert_eq!(alice.created.to_rfc3339(), "2020-01-02T03:04:05+00:00");
    // Per-user calls ran for users of both pages.
    assert!(
        users
            .iter()
            .all(|user| user.login_profile.value().is_some())
    );
    assert!(users.iter().all(|user| user.mfa_devices.value().is_some()));

    let groups = snapshot.iam.groups.value().expect("groups collected");
    assert_eq!(groups[0].name, "admins");
    let roles = snapshot.iam.roles.value().expect("roles collected");
    assert_eq!(roles[0].path, "/service/");
    assert_eq!(roles[0].assume_role_policy.as_deref(), Some(TRUST));

    let policies = snapshot.iam.policies.value().expect("policies collected");
    let arns: Vec<&str> = policies.iter().map(|policy| policy.arn.as_str()).collect();
    assert_eq!(
        arns,
        ["arn:aws:iam::123456789012:policy/everything", READ_ONLY_ARN]
    );
    assert_eq!(
        policies[0].document,
        Collected::Value(LOCAL_POLICY.to_owned())
    );
    assert_eq!(policies[0].default_version_id.as_deref(), Some("v2"));
    assert_eq!(policies[1].document, Collected::Value(READ_ONLY.to_owned()));
    assert_eq!(policies[1].attachment_count, Some(7));
    assert!(policies[1].is_aws_managed());
    // Attached twice, read once.
    assert_eq!(fake.requests_with(&[("Action", "GetPolicy")]), 1);

    // The account-wide reads.
    let password_policy = snapshot.iam.password_policy.value().expect("collected");
    let password_policy = password_policy.as_ref().expect("a policy is set");
    assert_eq!(password_policy.minimum_password_length, Some(14));
    assert_eq!(password_policy.password_reuse_prevention, Some(24));
    assert!(!password_policy.require_lowercase_characters);
    let report = snapshot.iam.credential_report.value().expect("report");
    assert!(report.root().expect("root row").mfa_active);
    assert_eq!(
        report.generated_at.to_rfc3339(),
        "2026-02-03T04:05:06+00:00"
    );
    let summary = snapshot.iam.account_summary.value().expect("summary");
    assert_eq!(summary.get("AccountMFAEnabled"), Some(&1));
    let devices = snapshot.iam.virtual_mfa_devices.value().expect("devices");
    assert_eq!(
        devices[0].user_arn.as_deref(),
        Some("arn:aws:iam::123456789012:root")
    );
}

#[tokio::test]
async fn plain_json_documents_pass_through_unchanged() {
    let fake = FakeAws::with_defaults();
    // moto returns documents as plain JSON; a literal `%` must survive.
    let document =
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/100%25"}]}"#;
    fake.ok(
        "GetAccountAuthorizationDetails",
        &format!(
            "<IsTruncated>false</IsTruncated><UserDetailList>{}</UserDetailList>",
            user_xml(
                "carol",
                &format!(
                    "<UserPolicyList><member><PolicyName>p</PolicyName>\
                     <PolicyDocument>{document}</PolicyDocument></member></UserPolicyList>"
                )
            )
        ),
    );
    let snapshot = collect(&fake, 1).await;
    let users = snapshot.iam.users.value().expect("users collected");
    assert_eq!(users[0].inline_policies[0].document, document);
}

#[tokio::test]
async fn access_denied_on_password_policy_is_recorded_as_an_error() {
    let fake = FakeAws::with_defaults();
    fake.replace(
        &[("Action", "GetAccountPasswordPolicy")],
        403,
        &error_xml(
            "AccessDenied",
            "not authorized to perform iam:GetAccountPasswordPolicy",
        ),
    );

    let snapshot = collect(&fake, 3).await;

    let error = snapshot
        .iam
        .password_policy
        .error()
        .expect("the failure is recorded");
    assert_eq!(error.service, "iam");
    assert_eq!(error.operation, "GetAccountPasswordPolicy");
    assert_eq!(error.code, "AccessDenied");
    assert_eq!(error.region, None);
    assert!(error.message.contains("not authorized"), "{error}");
    assert_eq!(snapshot.errors, vec![error.clone()]);
    // The other reads are unaffected.
    assert!(snapshot.iam.account_summary.value().is_some());
}

#[tokio::test]
async fn no_password_policy_is_data_not_an_error() {
    let fake = FakeAws::with_defaults();
    fake.replace(
        &[("Action", "GetAccountPasswordPolicy")],
        404,
        &error_xml(
            "NoSuchEntity",
            "The Password Policy with domain name 123456789012 cannot be found.",
        ),
    );

    let snapshot = collect(&fake, 3).await;

    assert_eq!(snapshot.iam.password_policy, Collected::Value(None));
    assert_eq!(snapshot.errors, vec![]);
}

#[tokio::test]
async fn users_without_a_login_profile_and_with_paged_access_keys() {
    let fake = FakeAws::with_defaults();
    fake.ok(
        "GetAccountAuthorizationDetails",
        &format!(
            "<IsTruncated>false</IsTruncated><UserDetailList>{}{}</UserDetailList>",
            user_xml("dave", ""),
            user_xml("erin", "")
        ),
    );
    fake.route(
        &[("Action", "GetLoginProfile"), ("UserName", "dave")],
        404,
        &error_xml(
            "NoSuchEntity",
            "Login Profile for User dave cannot be found.",
        ),
    );
    let key = |id: &str, status: &str| {
        format!(
            "<member><UserName>erin</UserName><AccessKeyId>{id}</AccessKeyId>\
             <Status>{status}</Status><CreateDate>2023-05-06T07:08:09Z</CreateDate></member>"
        )
    };
    fake.route(
        &[("Action", "ListAccessKeys"), ("UserName", "erin")],
        200,
        &iam_ok(
            "ListAccessKeys",
            &format!(
                "<AccessKeyMetadata>{}</AccessKeyMetadata><IsTruncated>true</IsTruncated>\
                 <Marker>keys2</Marker>",
                key("AKIAERIN1", "Active")
            ),
        ),
    );
    fake.route(
        &[
            ("Action", "ListAccessKeys"),
            ("UserName", "erin"),
            ("Marker", "keys2"),
        ],
        200,
        &iam_ok(
            "ListAccessKeys",
            &format!(
                "<AccessKeyMetadata>{}</AccessKeyMetadata><IsTruncated>false</IsTruncated>",
                key("AKIAERIN2", "Inactive")
            ),
        ),
    );
    fake.route(
        &[
            ("Action", "GetAccessKeyLastUsed"),
            ("AccessKeyId", "AKIAERIN1"),
        ],
        200,
        &iam_ok(
            "GetAccessKeyLastUsed",
            "<UserName>erin</UserName><AccessKeyLastUsed>\
             <LastUsedDate>2026-01-01T12:00:00Z</LastUsedDate><ServiceName>s3</ServiceName>\
             <Region>eu-west-1</Region></AccessKeyLastUsed>",
        ),
    );

    let snapshot = collect(&fake, 3).await;

    assert_eq!(snapshot.errors, vec![]);
    let users = snapshot.iam.users.value().expect("users collected");
    let (dave, erin) = (&users[0], &users[1]);
    assert_eq!(dave.login_profile, Collected::Value(None));
    assert!(matches!(erin.login_profile, Collected::Value(Some(_))));

    let keys = erin.access_keys.value().expect("keys collected");
    let ids: Vec<&str> = keys.iter().map(|key| key.id.as_str()).collect();
    assert_eq!(ids, ["AKIAERIN1", "AKIAERIN2"]);
    assert!(keys[0].is_active() && !keys[1].is_active());
    let last_used = keys[0].last_used.value().expect("collected");
    let last_used = last_used.as_ref().expect("used once");
    assert_eq!(last_used.service.as_deref(), Some("s3"));
    assert_eq!(last_used.date.to_rfc3339(), "2026-01-01T12:00:00+00:00");
    // Never used: IAM sends no date and N/A for the rest.
    assert_eq!(keys[1].last_used, Collected::Value(None));
    assert_eq!(dave.access_keys, Collected::Value(vec![]));
}

#[tokio::test]
async fn throttling_is_retried_until_the_call_succeeds() {
    let fake = FakeAws::with_defaults();
    let summary = iam_ok(
        "GetAccountSummary",
        "<SummaryMap><entry><key>Users</key><value>42</value></entry></SummaryMap>",
    );
    fake.replace(
        &[("Action", "GetAccountSummary")],
        400,
        &error_xml("Throttling", "Rate exceeded"),
    );
    fake.route(&[("Action", "GetAccountSummary")], 200, &summary);

    let snapshot = collect(&fake, 3).await;

    assert_eq!(snapshot.errors, vec![]);
    let summary = snapshot.iam.account_summary.value().expect("collected");
    assert_eq!(summary.get("Users"), Some(&42));
    assert_eq!(fake.requests_with(&[("Action", "GetAccountSummary")]), 2);
}

#[tokio::test]
async fn a_failed_authorization_details_call_is_one_error_everywhere_it_matters() {
    let fake = FakeAws::with_defaults();
    fake.replace(
        &[("Action", "GetAccountAuthorizationDetails")],
        403,
        &error_xml("AccessDenied", "denied"),
    );
    fake.replace(
        &[("Action", "DescribeRegions")],
        403,
        &ec2_error_xml("UnauthorizedOperation", "You are not authorized"),
    );

    let snapshot = collect(&fake, 1).await;

    for part in [
        snapshot.iam.users.error(),
        snapshot.iam.groups.error(),
        snapshot.iam.roles.error(),
        snapshot.iam.policies.error(),
    ] {
        assert_eq!(part.map(|e| e.code.as_str()), Some("AccessDenied"));
    }
    let regions_error = snapshot.enabled_regions.error().expect("recorded");
    assert_eq!(regions_error.service, "ec2");
    assert_eq!(regions_error.code, "UnauthorizedOperation");
    assert_eq!(regions_error.region.as_deref(), Some("us-east-1"));
    // Without the enabled regions, the home region is audited alone.
    assert_eq!(snapshot.audited_regions, vec!["us-east-1"]);
    let calls: Vec<String> = snapshot.errors.iter().map(|e| e.call()).collect();
    assert_eq!(
        calls,
        ["ec2:DescribeRegions", "iam:GetAccountAuthorizationDetails"]
    );
}

#[tokio::test]
async fn an_unparsable_credential_report_is_a_malformed_response() {
    let fake = FakeAws::with_defaults();
    fake.ok(
        "GetCredentialReport",
        &format!(
            "<Content>{}</Content><GeneratedTime>2026-02-03T04:05:06Z</GeneratedTime>",
            aws_smithy_types::base64::encode("user,arn\nbob,arn:aws:iam::123456789012:user/bob\n")
        ),
    );

    let snapshot = collect(&fake, 1).await;

    let error = snapshot.iam.credential_report.error().expect("recorded");
    assert_eq!(error.call(), "iam:GetCredentialReport");
    assert_eq!(error.code, "MalformedResponse");
    assert!(error.message.contains("mfa_active"), "{error}");
    assert_eq!(snapshot.errors, vec![error.clone()]);
}

/// EC2 pages with `nextToken`; every page's groups arrive, with their
/// rules' CIDRs, group references and prefix lists, and a customer
/// managed prefix list is read with its entries.
#[tokio::test]
async fn security_groups_over_two_pages_with_rules_and_prefix_lists() {
    let fake = FakeAws::with_defaults();
    let ec2 = |action: &str, body: &str| {
        format!(
            "<{action}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
             <requestId>req</requestId>{body}</{action}Response>"
        )
    };
    let group = |id: &str, name: &str, rules: &str| {
        format!(
            "<item><ownerId>{ACCOUNT}</ownerId><groupId>{id}</groupId><groupName>{name}</groupName>\
             <groupDescription>d</groupDescription><vpcId>vpc-1</vpcId>\
             <ipPermissions>{rules}</ipPermissions><ipPermissionsEgress/></item>"
        )
    };
    let web = group(
        "sg-web",
        "web",
        "<item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort>\
         <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp><description>public</description></item></ipRanges>\
         <ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges></item>",
    );
    let db = group(
        "sg-db",
        "db",
        "<item><ipProtocol>tcp</ipProtocol><fromPort>5432</fromPort><toPort>5432</toPort>\
         <groups><item><groupId>sg-web</groupId><userId>123456789012</userId></item></groups>\
         <prefixListIds><item><prefixListId>pl-office</prefixListId></item></prefixListIds></item>",
    );
    // `replace`: the defaults already answer these with empty lists.
    fake.replace(
        &[("Action", "DescribeSecurityGroups")],
        200,
        &ec2(
            "DescribeSecurityGroups",
            &format!("<securityGroupInfo>{web}</securityGroupInfo><nextToken>page2</nextToken>"),
        ),
    );
    fake.route(
        &[("Action", "DescribeSecurityGroups"), ("NextToken", "page2")],
        200,
        &ec2(
            "DescribeSecurityGroups",
            &format!("<securityGroupInfo>{db}</securityGroupInfo>"),
        ),
    );
    fake.replace(
        &[("Action", "DescribeManagedPrefixLists")],
        200,
        &ec2(
            "DescribeManagedPrefixLists",
            "<prefixListSet><item><prefixListId>pl-office</prefixListId><prefixListName>office</prefixListName>\
             <addressFamily>IPv4</addressFamily><ownerId>123456789012</ownerId></item>\
             <item><prefixListId>pl-s3</prefixListId><prefixListName>com.amazonaws.us-east-1.s3</prefixListName>\
             <addressFamily>IPv4</addressFamily><ownerId>AWS</ownerId></item></prefixListSet>",
        ),
    );
    fake.route(
        &[
            ("Action", "GetManagedPrefixListEntries"),
            ("PrefixListId", "pl-office"),
        ],
        200,
        &ec2(
            "GetManagedPrefixListEntries",
            "<entrySet><item><cidr>203.0.113.0/24</cidr></item></entrySet>",
        ),
    );
    let snapshot = collect(&fake, 1).await;
    assert!(snapshot.errors.is_empty(), "{:?}", snapshot.errors);
    let network = &snapshot.regions["us-east-1"].network;
    let Collected::Value(groups) = &network.security_groups else {
        panic!("{:?}", network.security_groups)
    };
    assert_eq!(
        groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(),
        ["sg-db", "sg-web"]
    );
    let web_rule = &groups[1].ingress[0];
    assert_eq!(
        (web_rule.from_port, web_rule.to_port),
        (Some(443), Some(443))
    );
    assert_eq!(web_rule.ipv4_ranges[0].cidr, "0.0.0.0/0");
    assert_eq!(
        web_rule.ipv4_ranges[0].description.as_deref(),
        Some("public")
    );
    assert_eq!(web_rule.ipv6_ranges[0].cidr, "::/0");
    let db_rule = &groups[0].ingress[0];
    assert_eq!(db_rule.groups[0].group_id, "sg-web");
    assert_eq!(db_rule.prefix_list_ids[0].prefix_list_id, "pl-office");
    let Collected::Value(lists) = &network.prefix_lists else {
        panic!("{:?}", network.prefix_lists)
    };
    assert_eq!(
        lists[0].entries,
        Collected::Value(vec!["203.0.113.0/24".to_owned()])
    );
    assert_eq!(
        lists[1].entries,
        Collected::NotCollected,
        "AWS-managed lists stay names"
    );
    assert_eq!(
        fake.requests_with(&[("Action", "DescribeSecurityGroups"), ("NextToken", "page2")]),
        2,
        "the second page, once per audited region"
    );
}

/// The monitoring chain: a multi-region trail seen from both regions with
/// its status and selectors, an SNS topic whose only subscriber has not
/// confirmed, an EventBridge rule with its SNS target, and metric filters
/// that could not be read.
#[tokio::test]
async fn monitoring_chain_with_a_pending_subscriber_and_unreadable_filters() {
    let fake = FakeAws::with_defaults();
    let trail_arn = format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/management");
    let topic = format!("arn:aws:sns:us-east-1:{ACCOUNT}:security-alerts");
    fake.json(
        "DescribeTrails",
        &format!(
            r#"{{"trailList":[{{"Name":"management","TrailARN":"{trail_arn}","HomeRegion":"us-east-1",
                "IsMultiRegionTrail":true,"IncludeGlobalServiceEvents":true,"LogFileValidationEnabled":true,
                "S3BucketName":"trail-bucket",
                "CloudWatchLogsLogGroupArn":"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:CloudTrail/Default:*"}}]}}"#
        ),
    );
    fake.json(
        "GetTrailStatus",
        r#"{"IsLogging":true,"LatestDeliveryTime":1767225600,"LatestCloudWatchLogsDeliveryError":"AccessDenied"}"#,
    );
    fake.json(
        "GetEventSelectors",
        &format!(
            r#"{{"TrailARN":"{trail_arn}","AdvancedEventSelectors":[{{"Name":"management",
                "FieldSelectors":[{{"Field":"eventCategory","Equals":["Management"]}},
                {{"Field":"eventSource","NotEquals":["kms.amazonaws.com"]}}]}}]}}"#
        ),
    );
    fake.replace(
        &[("Action", "DescribeMetricFilters")],
        400,
        r#"{"__type":"AccessDeniedException","message":"not authorized to perform logs:DescribeMetricFilters"}"#,
    );
    fake.replace(
        &[("Action", "ListTopics")],
        200,
        &sns_ok(
            "ListTopics",
            &format!("<Topics><member><TopicArn>{topic}</TopicArn></member></Topics>"),
        ),
    );
    fake.route(
        &[("Action", "ListSubscriptionsByTopic"), ("TopicArn", &topic)],
        200,
        &sns_ok(
            "ListSubscriptionsByTopic",
            &format!(
                "<Subscriptions><member><TopicArn>{topic}</TopicArn><Protocol>email</Protocol>\
                 <SubscriptionArn>PendingConfirmation</SubscriptionArn><Owner>{ACCOUNT}</Owner>\
                 <Endpoint>security@example.com</Endpoint></member></Subscriptions>"
            ),
        ),
    );
    fake.json(
        "ListRules",
        &format!(
            r#"{{"Rules":[{{"Name":"trail-changes","Arn":"arn:aws:events:us-east-1:{ACCOUNT}:rule/trail-changes",
                "EventPattern":"{{\"source\":[\"aws.cloudtrail\"]}}","State":"ENABLED"}}]}}"#
        ),
    );
    fake.route(
        &[("Action", "ListTargetsByRule"), ("Rule", "trail-changes")],
        200,
        &format!(r#"{{"Targets":[{{"Id":"alerts","Arn":"{topic}"}}]}}"#),
    );

    let snapshot = collect(&fake, 1).await;

    for region in ["us-east-1", "eu-west-1"] {
        let m = &snapshot.regions[region].monitoring;
        let trails = m.trails.value().expect("trails collected");
        assert_eq!(
            trails.len(),
            1,
            "{region}: the multi-region trail shows everywhere"
        );
        let trail = &trails[0];
        assert_eq!(trail.home_region, "us-east-1");
        assert!(trail.is_multi_region_trail && trail.include_global_service_events);
        assert_eq!(trail.log_group_name(), Some("CloudTrail/Default"));
        let status = trail.status.value().expect("status collected");
        assert!(status.is_logging);
        assert_eq!(
            status.latest_cloud_watch_logs_delivery_error.as_deref(),
            Some("AccessDenied")
        );
        let selectors = trail.event_selectors.value().expect("selectors collected");
        assert!(selectors.basic.is_empty());
        assert_eq!(
            selectors.advanced[0].field_selectors[1].not_equals,
            vec!["kms.amazonaws.com"]
        );

        let error = m.metric_filters.error().expect("the failure is recorded");
        assert_eq!(error.call(), "logs:DescribeMetricFilters");
        assert_eq!(error.code, "AccessDeniedException");
        assert_eq!(error.region.as_deref(), Some(region));
        assert_eq!(m.alarms, Collected::Value(vec![]));

        let topics = m.topics.value().expect("topics collected");
        let subscriptions = topics[0].subscriptions.value().expect("subscriptions");
        assert_eq!(
            subscriptions[0].endpoint.as_deref(),
            Some("security@example.com")
        );
        assert!(!subscriptions[0].is_confirmed());

        let rules = m.event_rules.value().expect("rules collected");
        assert!(rules[0].is_enabled());
        assert_eq!(
            rules[0].event_pattern.as_deref(),
            Some(r#"{"source":["aws.cloudtrail"]}"#)
        );
        let targets = rules[0].targets.value().expect("targets collected");
        assert_eq!(targets[0].arn, topic);
    }
    // The trail's bucket (read for SVC-7 over S3's REST API, which this
    // fake does not speak) is covered by the moto test services_moto.rs.
    let failed: Vec<String> = snapshot
        .errors
        .iter()
        .filter(|e| e.service != "s3")
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        failed,
        vec![
            "logs:DescribeMetricFilters in eu-west-1 failed: AccessDeniedException: not authorized to perform logs:DescribeMetricFilters",
            "logs:DescribeMetricFilters in us-east-1 failed: AccessDeniedException: not authorized to perform logs:DescribeMetricFilters",
        ]
    );
}

#[tokio::test]
async fn data_stores_default_to_nothing_and_ebs_default_encryption_off() {
    let fake = FakeAws::with_defaults();
    let snapshot = collect(&fake, 1).await;
    let failed: Vec<String> = snapshot.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(failed, Vec::<String>::new());
    assert_eq!(snapshot.buckets, Collected::Value(vec![]));
    let storage = &snapshot.regions["us-east-1"].storage;
    assert_eq!(storage.ebs.encryption_by_default, Collected::Value(false));
    assert_eq!(storage.ebs.volumes, Collected::Value(vec![]));
    assert_eq!(storage.rds.instances, Collected::Value(vec![]));
    assert_eq!(storage.efs_file_systems, Collected::Value(vec![]));
    assert_eq!(storage.dynamodb_tables, Collected::Value(vec![]));
    assert_eq!(storage.backup_vaults, Collected::Value(vec![]));
    assert_eq!(storage.sns_topics, Collected::Value(vec![]));
    assert_eq!(storage.sqs_queues, Collected::Value(vec![]));
}

#[tokio::test]
async fn rds_keeps_only_the_tls_parameters_of_the_groups_in_use() {
    let fake = FakeAws::with_defaults();
    let instance = |id: &str, group: &str| {
        format!(
            "<DBInstance><DBInstanceIdentifier>{id}</DBInstanceIdentifier><Engine>postgres</Engine>\
             <EngineVersion>14.10</EngineVersion><StorageEncrypted>true</StorageEncrypted>\
             <DBParameterGroups><DBParameterGroup><DBParameterGroupName>{group}</DBParameterGroupName>\
             <ParameterApplyStatus>in-sync</ParameterApplyStatus></DBParameterGroup></DBParameterGroups>\
             </DBInstance>"
        )
    };
    fake.replace(
        &[("Action", "DescribeDBInstances")],
        200,
        &fake_aws::rds_ok(
            "DescribeDBInstances",
            &format!(
                "<DBInstances>{}{}{}</DBInstances>",
                instance("orders", "tls"),
                instance("orders-replica", "tls"),
                instance("reports", "locked")
            ),
        ),
    );
    fake.route(
        &[("Action", "DescribeDBParameters"), ("DBParameterGroupName", "tls")],
        200,
        &fake_aws::rds_ok(
            "DescribeDBParameters",
            "<Parameters>\
             <Parameter><ParameterName>work_mem</ParameterName><ParameterValue>4096</ParameterValue></Parameter>\
             <Parameter><ParameterName>rds.force_ssl</ParameterName><ParameterValue>1</ParameterValue>\
             <Source>user</Source><ApplyType>dynamic</ApplyType></Parameter>\
             </Parameters>",
        ),
    );
    fake.route(
        &[
            ("Action", "DescribeDBParameters"),
            ("DBParameterGroupName", "locked"),
        ],
        403,
        &error_xml(
            "AccessDenied",
            "not authorized to perform rds:DescribeDBParameters",
        ),
    );

    let snapshot = collect(&fake, 1).await;
    let rds = &snapshot.regions["eu-west-1"].storage.rds;
    let instances = rds.instances.value().expect("instances collected");
    assert_eq!(instances.len(), 3);
    assert!(instances[0].storage_encrypted);
    assert_eq!(instances[0].parameter_groups[0].name, "tls");
    let tls = rds.parameter_groups["tls"]
        .value()
        .expect("the group was read");
    assert_eq!(tls.len(), 1, "only the TLS parameter is kept: {tls:?}");
    assert_eq!(tls[0].name, "rds.force_ssl");
    assert_eq!(tls[0].value.as_deref(), Some("1"));
    assert_eq!(tls[0].apply_type.as_deref(), Some("dynamic"));
    let locked = rds.parameter_groups["locked"].error().expect("an error");
    assert_eq!(locked.call(), "rds:DescribeDBParameters");
    assert_eq!(locked.resource.as_deref(), Some("locked"));
    assert!(snapshot.errors.contains(locked));
    // Two instances share `tls`: it is read once per region.
    assert_eq!(
        fake.requests_with(&[
            ("Action", "DescribeDBParameters"),
            ("DBParameterGroupName", "tls")
        ]),
        2
    );
}

/// ELBv2 listeners with the rules of the HTTP one, SSL policies over two
/// pages, and a classic load balancer whose policies cannot be read.
#[tokio::test]
async fn load_balancers_listeners_rules_and_policies() {
    let fake = FakeAws::with_defaults();
    let lb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1";
    let http = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/80";
    let https = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/443";
    fake.route(
        &[
            ("Action", "DescribeLoadBalancers"),
            ("Version", "2015-12-01"),
        ],
        200,
        &iam_ok(
            "DescribeLoadBalancers",
            &format!(
                "<LoadBalancers><member><LoadBalancerArn>{lb}</LoadBalancerArn>\
                 <LoadBalancerName>web</LoadBalancerName><Type>application</Type>\
                 <Scheme>internal</Scheme><VpcId>vpc-1</VpcId></member></LoadBalancers>"
            ),
        ),
    );
    let redirect = "<member><Type>redirect</Type><RedirectConfig><Protocol>HTTPS</Protocol>\
                    <Port>443</Port><StatusCode>HTTP_301</StatusCode></RedirectConfig></member>";
    fake.route(
        &[("Action", "DescribeListeners"), ("LoadBalancerArn", lb)],
        200,
        &iam_ok(
            "DescribeListeners",
            &format!(
                "<Listeners><member><ListenerArn>{https}</ListenerArn><Port>443</Port>\
                 <Protocol>HTTPS</Protocol><SslPolicy>ELBSecurityPolicy-TLS13-1-2-2021-06</SslPolicy>\
                 <DefaultActions><member><Type>forward</Type></member></DefaultActions></member>\
                 <member><ListenerArn>{http}</ListenerArn><Port>80</Port><Protocol>HTTP</Protocol>\
                 <DefaultActions>{redirect}</DefaultActions></member></Listeners>"
            ),
        ),
    );
    fake.route(
        &[("Action", "DescribeRules"), ("ListenerArn", http)],
        200,
        &iam_ok(
            "DescribeRules",
            &format!(
                "<Rules><member><RuleArn>rule-1</RuleArn><Priority>default</Priority>\
                 <IsDefault>true</IsDefault><Actions>{redirect}</Actions></member></Rules>"
            ),
        ),
    );
    fake.route(
        &[("Action", "DescribeSSLPolicies")],
        200,
        &iam_ok(
            "DescribeSSLPolicies",
            "<SslPolicies><member><Name>ELBSecurityPolicy-2016-08</Name><SslProtocols>\
             <member>TLSv1</member><member>TLSv1.1</member><member>TLSv1.2</member>\
             </SslProtocols></member></SslPolicies><NextMarker>page-2</NextMarker>",
        ),
    );
    fake.route(
        &[("Action", "DescribeSSLPolicies"), ("Marker", "page-2")],
        200,
        &iam_ok(
            "DescribeSSLPolicies",
            "<SslPolicies><member><Name>ELBSecurityPolicy-TLS13-1-3-2021-06</Name><SslProtocols>\
             <member>TLSv1.3</member></SslProtocols></member></SslPolicies>",
        ),
    );
    fake.route(
        &[
            ("Action", "DescribeLoadBalancers"),
            ("Version", "2012-06-01"),
        ],
        200,
        &iam_ok(
            "DescribeLoadBalancers",
            "<LoadBalancerDescriptions><member><LoadBalancerName>legacy</LoadBalancerName>\
             <Scheme>internet-facing</Scheme><ListenerDescriptions><member><Listener>\
             <Protocol>HTTPS</Protocol><LoadBalancerPort>443</LoadBalancerPort>\
             <InstanceProtocol>HTTP</InstanceProtocol><InstancePort>80</InstancePort></Listener>\
             <PolicyNames><member>ELBSecurityPolicy-2016-08</member></PolicyNames></member>\
             </ListenerDescriptions></member></LoadBalancerDescriptions>",
        ),
    );
    fake.route(
        &[
            ("Action", "DescribeLoadBalancerPolicies"),
            ("LoadBalancerName", "legacy"),
        ],
        403,
        &error_xml("AccessDenied", "not allowed"),
    );
    let snapshot = collect(&fake, 1).await;
    let endpoints = &snapshot.regions["us-east-1"].endpoints;
    let lbs = endpoints
        .load_balancers
        .value()
        .expect("load balancers read");
    assert_eq!(lbs.len(), 1);
    assert_eq!(lbs[0].kind, "application");
    let listeners = lbs[0].listeners.value().expect("listeners read");
    // Sorted by port; only the HTTP listener's rules are asked for.
    assert_eq!(listeners[0].port, Some(80));
    assert_eq!(
        listeners[0].default_actions[0].redirect_protocol.as_deref(),
        Some("HTTPS")
    );
    let rules = listeners[0].rules.value().expect("rules read");
    assert!(rules[0].is_default);
    assert_eq!(listeners[1].rules, Collected::NotCollected);
    assert_eq!(
        listeners[1].ssl_policy.as_deref(),
        Some("ELBSecurityPolicy-TLS13-1-2-2021-06")
    );
    let policies = endpoints.ssl_policies.value().expect("SSL policies read");
    assert_eq!(
        policies.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        [
            "ELBSecurityPolicy-2016-08",
            "ELBSecurityPolicy-TLS13-1-3-2021-06"
        ]
    );
    let classic = endpoints
        .classic_load_balancers
        .value()
        .expect("classic load balancers read");
    assert_eq!(
        classic[0].listeners[0].policy_names,
        ["ELBSecurityPolicy-2016-08"]
    );
    let error = classic[0]
        .policies
        .error()
        .expect("the policies call failed");
    assert_eq!(error.operation, "DescribeLoadBalancerPolicies");
    assert_eq!(error.resource.as_deref(), Some("legacy"));
    assert!(
        snapshot.errors.contains(error),
        "the failed call is listed in the snapshot's errors: {:?}",
        snapshot.errors
    );
    // Nothing else in this account: empty lists, not errors.
    assert_eq!(endpoints.log_groups, Collected::Value(vec![]));
    assert_eq!(snapshot.cloudfront, Collected::Value(vec![]));
}

/// Two instances, one running and managed, with AWS-shaped Systems Manager
/// answers for everything SVC-4 and MAL-1 read.
fn patching_account(fake: &FakeAws) {
    fake.route(
        &[("Action", "DescribeInstances")],
        200,
        "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>req</requestId><reservationSet><item><reservationId>r-0123</reservationId>\
         <ownerId>123456789012</ownerId><instancesSet>\
         <item><instanceId>i-0aaa</instanceId><imageId>ami-0abc</imageId>\
         <instanceState><code>16</code><name>running</name></instanceState>\
         <instanceType>m5.large</instanceType><launchTime>2026-06-01T00:00:00.000Z</launchTime>\
         <platform>windows</platform><platformDetails>Windows</platformDetails>\
         <vpcId>vpc-0a</vpcId><subnetId>subnet-0a</subnetId>\
         <tagSet><item><key>Name</key><value>web</value></item>\
         <item><key>Patch Group</key><value>production</value></item></tagSet></item>\
         <item><instanceId>i-0bbb</instanceId><imageId>ami-0abc</imageId>\
         <instanceState><code>80</code><name>stopped</name></instanceState>\
         <instanceType>t3.micro</instanceType></item>\
         </instancesSet></item></reservationSet></DescribeInstancesResponse>",
    );
    fake.json(
        "DescribeInstanceInformation",
        r#"{"InstanceInformationList":[{"InstanceId":"i-0aaa","PingStatus":"Online",
            "LastPingDateTime":1793404800,"AgentVersion":"3.3.1142.0","PlatformType":"Windows",
            "PlatformName":"Microsoft Windows Server 2022 Datacenter","PlatformVersion":"10.0.20348",
            "ResourceType":"EC2Instance"}]}"#,
    );
    fake.json(
        "DescribeInstancePatchStates",
        r#"{"InstancePatchStates":[{"InstanceId":"i-0aaa","PatchGroup":"production",
            "BaselineId":"pb-0prd","Operation":"Install","OperationStartTime":1793318400,
            "OperationEndTime":1793322000,"InstalledCount":40,"InstalledOtherCount":2,
            "InstalledPendingRebootCount":0,"InstalledRejectedCount":0,"MissingCount":3,
            "FailedCount":1,"NotApplicableCount":120,"CriticalNonCompliantCount":2,
            "SecurityNonCompliantCount":3,"OtherNonCompliantCount":0}]}"#,
    );
    fake.json(
        "DescribePatchGroups",
        r#"{"Mappings":[{"PatchGroup":"production","BaselineIdentity":{"BaselineId":"pb-0prd",
            "BaselineName":"Windows-Production","OperatingSystem":"WINDOWS",
            "BaselineDescription":"","DefaultBaseline":false}}]}"#,
    );
    fake.json(
        "GetPatchBaseline",
        r#"{"BaselineId":"pb-0prd","Name":"Windows-Production","OperatingSystem":"WINDOWS",
            "ApprovalRules":{"PatchRules":[{"PatchFilterGroup":{"PatchFilters":[
            {"Key":"CLASSIFICATION","Values":["SecurityUpdates","CriticalUpdates"]},
            {"Key":"MSRC_SEVERITY","Values":["Critical","Important"]}]},
            "ComplianceLevel":"CRITICAL","ApproveAfterDays":7,"EnableNonSecurity":false}]},
            "ApprovedPatches":["KB5034439"],"PatchGroups":["production"]}"#,
    );
    fake.json(
        "DescribeMaintenanceWindows",
        r#"{"WindowIdentities":[{"WindowId":"mw-0prd","Name":"production-patch","Enabled":true,
            "Duration":3,"Cutoff":1,"Schedule":"cron(0 3 ? * SUN *)","ScheduleTimezone":"Asia/Tokyo"}]}"#,
    );
    fake.json(
        "DescribeMaintenanceWindowTargets",
        r#"{"Targets":[{"WindowId":"mw-0prd","WindowTargetId":"wt-0prd","ResourceType":"INSTANCE",
            "Targets":[{"Key":"tag:Patch Group","Values":["production"]}]}]}"#,
    );
    fake.json(
        "DescribeMaintenanceWindowTasks",
        r#"{"Tasks":[{"WindowId":"mw-0prd","WindowTaskId":"task-0patch","TaskArn":"AWS-RunPatchBaseline",
            "Type":"RUN_COMMAND","Targets":[{"Key":"WindowTargetIds","Values":["wt-0prd"]}],"Priority":1},
            {"WindowId":"mw-0prd","WindowTaskId":"task-0shell","TaskArn":"AWS-RunShellScript",
            "Type":"RUN_COMMAND","Targets":[{"Key":"WindowTargetIds","Values":["wt-0prd"]}],"Priority":2}]}"#,
    );
    fake.json(
        "GetMaintenanceWindowTask",
        r#"{"WindowId":"mw-0prd","WindowTaskId":"task-0patch","TaskArn":"AWS-RunPatchBaseline",
            "TaskType":"RUN_COMMAND","TaskInvocationParameters":{"RunCommand":{
            "Parameters":{"Operation":["Install"],"RebootOption":["RebootIfNeeded"]}}},"Priority":1}"#,
    );
    fake.route(
        &[("Action", "ListAssociations")],
        400,
        r#"{"__type":"AccessDeniedException","Message":"not authorized to perform: ssm:ListAssociations"}"#,
    );
    // The inventory comes in two pages.
    fake.json(
        "ListInventoryEntries",
        r#"{"TypeName":"AWS:Application","InstanceId":"i-0aaa","SchemaVersion":"1.1",
            "CaptureTime":"2026-10-31T23:00:00Z","Entries":[
            {"Name":"Trend Micro Deep Security Agent","Publisher":"Trend Micro Inc.","Version":"20.0.1"}],
            "NextToken":"page-2"}"#,
    );
    fake.route(
        &[("Action", "ListInventoryEntries"), ("NextToken", "page-2")],
        200,
        r#"{"TypeName":"AWS:Application","InstanceId":"i-0aaa","Entries":[
            {"Name":"Amazon SSM Agent","Publisher":"","Version":"3.3.1142.0"}]}"#,
    );
}

#[tokio::test]
async fn patching_data_from_aws_shaped_answers() {
    let fake = FakeAws::with_defaults();
    patching_account(&fake);
    let snapshot = collect(&fake, 1).await;
    let region = &snapshot.regions["us-east-1"];

    let instances = region.network.instances.value().expect("instances read");
    assert_eq!(instances.len(), 2);
    let web = &instances[0];
    assert_eq!(web.id, "i-0aaa");
    assert!(web.is_running() && web.is_windows());
    assert_eq!(web.patch_group(), Some(("Patch Group", "production")));
    assert_eq!(web.instance_type.as_deref(), Some("m5.large"));
    assert_eq!(instances[1].state, "stopped");

    let p = &region.patching;
    let managed = p.managed_instances.value().expect("managed instances read");
    assert_eq!(managed.len(), 1);
    assert!(managed[0].is_online());
    let states = p.patch_states.value().expect("patch states read");
    assert_eq!((states[0].missing_count, states[0].failed_count), (3, 1));
    assert_eq!(states[0].operation, "Install");
    let groups = p.patch_groups.value().expect("patch groups read");
    assert_eq!(groups[0].name, "production");
    assert_eq!(groups[0].operating_system.as_deref(), Some("WINDOWS"));
    let baseline = p.baselines["pb-0prd"].value().expect("baseline read");
    assert_eq!(baseline.approval_rules[0].approve_after_days, Some(7));
    assert_eq!(
        baseline.approval_rules[0].filters["MSRC_SEVERITY"],
        vec!["Critical", "Important"]
    );
    let windows = p.maintenance_windows.value().expect("windows read");
    let tasks = windows[0].tasks.value().expect("tasks read");
    assert_eq!(tasks.len(), 2);
    let patch = tasks
        .iter()
        .find(|t| t.runs_patch_baseline())
        .expect("the patch task");
    assert_eq!(
        patch.operation,
        Collected::Value(Some("Install".to_owned()))
    );
    let shell = tasks
        .iter()
        .find(|t| !t.runs_patch_baseline())
        .expect("the shell task");
    // Only patch tasks are read one by one.
    assert_eq!(shell.operation, Collected::NotCollected);
    assert_eq!(
        fake.requests_with(&[("Action", "GetMaintenanceWindowTask")]),
        2,
        "one patch task in each of the two regions"
    );
    assert_eq!(
        windows[0].targets.value().expect("targets read")[0].targets[0].key,
        "tag:Patch Group"
    );
    let apps = p.applications["i-0aaa"].value().expect("inventory read");
    assert_eq!(
        apps.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["Amazon SSM Agent", "Trend Micro Deep Security Agent"]
    );
    assert_eq!(
        apps[0].publisher, None,
        "an empty publisher is no publisher"
    );
    // The stopped instance is not asked about.
    assert!(!p.applications.contains_key("i-0bbb"));

    let denied = p.associations.error().expect("ListAssociations was denied");
    assert_eq!(denied.call(), "ssm:ListAssociations");
    assert_eq!(denied.code, "AccessDeniedException");
    assert!(snapshot.errors.contains(denied));
}

/// Inspector2's documented answers: the account's status, two pages of EC2
/// coverage, open findings (plus a closed and a medium one an endpoint
/// that ignores the filters might send), and EC2's instances.
#[tokio::test]
async fn inspector_status_coverage_findings_and_instances() {
    let fake = FakeAws::with_defaults();
    fake.replace(
        &[("Path", "/status/batch/get")],
        200,
        &format!(
            r#"{{"accounts":[{{"accountId":"{ACCOUNT}","state":{{"status":"ENABLED"}},
            "resourceState":{{"ec2":{{"status":"ENABLED"}},"ecr":{{"status":"SUSPENDED",
            "errorCode":"ACCESS_DENIED","errorMessage":"suspended"}},"lambda":{{"status":"DISABLED"}}}}}}],
            "failedAccounts":[]}}"#
        ),
    );
    let covered = |id: &str, code: &str, reason: &str| {
        format!(
            r#"{{"accountId":"{ACCOUNT}","resourceId":"{id}","resourceType":"AWS_EC2_INSTANCE",
            "scanType":"PACKAGE","scanStatus":{{"statusCode":"{code}","reason":"{reason}"}},
            "lastScannedAt":1793491200}}"#
        )
    };
    fake.replace(
        &[("Path", "/coverage/list")],
        200,
        &format!(
            r#"{{"coveredResources":[{}],"nextToken":"page-2"}}"#,
            covered("i-0b", "INACTIVE", "UNMANAGED_EC2_INSTANCE")
        ),
    );
    fake.route(
        &[("Path", "/coverage/list")],
        200,
        &format!(
            r#"{{"coveredResources":[{},{{"accountId":"{ACCOUNT}","resourceId":"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/app",
            "resourceType":"AWS_ECR_REPOSITORY","scanType":"PACKAGE"}}]}}"#,
            covered("i-0a", "ACTIVE", "SUCCESSFUL")
        ),
    );
    let finding = |n: u32, severity: &str, status: &str| {
        format!(
            r#"{{"awsAccountId":"{ACCOUNT}","description":"a vulnerable package",
            "findingArn":"arn:aws:inspector2:us-east-1:{ACCOUNT}:finding/{n}",
            "firstObservedAt":1788220800,"lastObservedAt":1793491200,
            "remediation":{{"recommendation":{{"text":"Update the package"}}}},
            "resources":[{{"id":"i-0a","type":"AWS_EC2_INSTANCE","partition":"aws","region":"us-east-1"}}],
            "severity":"{severity}","status":"{status}","title":"CVE-2026-000{n} - openssl",
            "type":"PACKAGE_VULNERABILITY"}}"#
        )
    };
    fake.replace(
        &[("Path", "/findings/list")],
        200,
        &format!(
            r#"{{"findings":[{},{},{}]}}"#,
            finding(1, "CRITICAL", "ACTIVE"),
            finding(2, "HIGH", "CLOSED"),
            finding(3, "MEDIUM", "ACTIVE")
        ),
    );
    fake.replace(
        &[("Action", "DescribeInstances")],
        200,
        "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>req</requestId><reservationSet><item><reservationId>r-1</reservationId>\
         <ownerId>123456789012</ownerId><instancesSet>\
         <item><instanceId>i-0b</instanceId><instanceState><code>16</code><name>running</name></instanceState></item>\
         <item><instanceId>i-0a</instanceId><instanceState><code>80</code><name>stopped</name></instanceState></item>\
         <item><instanceId>i-0c</instanceId><instanceState><code>48</code><name>terminated</name></instanceState></item>\
         </instancesSet></item></reservationSet></DescribeInstancesResponse>",
    );
    let opts = CollectOptions {
        regions: vec!["us-east-1".to_owned()],
        ..options(1)
    };
    let snapshot = collect_with_config(&fake.sdk_config(1), &opts).await;
    assert_eq!(snapshot.errors, vec![], "no call should fail");
    let inspector = &snapshot.regions["us-east-1"].services.inspector;
    assert_eq!(
        inspector.account_status,
        Collected::Value(vec![AccountStatus {
            account_id: ACCOUNT.to_owned(),
            status: Some("ENABLED".to_owned()),
            ec2: Some("ENABLED".to_owned()),
            ecr: Some("SUSPENDED".to_owned()),
            lambda: Some("DISABLED".to_owned()),
            // Left out of the answer: not a status anybody sent.
            lambda_code: None,
        }])
    );
    let coverage: Vec<(&str, Option<&str>, Option<&str>)> = inspector
        .ec2_coverage
        .value()
        .expect("coverage collected")
        .iter()
        .map(|c| {
            (
                c.resource_id.as_str(),
                c.scan_status_code.as_deref(),
                c.scan_status_reason.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        coverage,
        vec![
            ("i-0a", Some("ACTIVE"), Some("SUCCESSFUL")),
            ("i-0b", Some("INACTIVE"), Some("UNMANAGED_EC2_INSTANCE")),
        ],
        "both pages, instances only"
    );
    let findings = inspector.open_findings.value().expect("findings collected");
    assert_eq!(
        findings.len(),
        1,
        "the closed and the medium one are dropped"
    );
    assert_eq!(
        findings[0],
        InspectorFinding {
            finding_arn: format!("arn:aws:inspector2:us-east-1:{ACCOUNT}:finding/1"),
            severity: "CRITICAL".to_owned(),
            finding_type: Some("PACKAGE_VULNERABILITY".to_owned()),
            title: Some("CVE-2026-0001 - openssl".to_owned()),
            first_observed_at: chrono::DateTime::from_timestamp(1_788_220_800, 0)
                .expect("a valid time"),
            resource_type: Some("AWS_EC2_INSTANCE".to_owned()),
            resource_id: Some("i-0a".to_owned()),
        }
    );
    assert_eq!(
        inspector.ec2_instances,
        Collected::Value(vec![
            Instance {
                instance_id: "i-0a".to_owned(),
                state: "stopped".to_owned(),
            },
            Instance {
                instance_id: "i-0b".to_owned(),
                state: "running".to_owned(),
            },
        ]),
        "sorted, the terminated one left out"
    );
    assert_eq!(fake.requests_with(&[("Path", "/coverage/list")]), 2);

    // The same answer serves the network (every instance) and the user-data
    // scan (the two not terminated): one DescribeInstances for all three.
    let region = &snapshot.regions["us-east-1"];
    let network_ids: Vec<&str> = region
        .network
        .instances
        .value()
        .expect("instances collected")
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(network_ids, ["i-0a", "i-0b", "i-0c"]);
    let user_data = region.secrets.instances.value().expect("user data scanned");
    assert_eq!(user_data.scanned, 2);
    assert_eq!(
        fake.requests_with(&[("Action", "DescribeInstanceAttribute")]),
        2
    );
    assert_eq!(fake.requests_with(&[("Action", "DescribeInstances")]), 1);
}

/// A denied DescribeInstances is read once, and each part that needed the
/// instances says so with that call; none of them is an empty list.
#[tokio::test]
async fn a_denied_describe_instances_is_one_error_in_each_part_that_needs_it() {
    let fake = FakeAws::with_defaults();
    fake.replace(
        &[("Action", "DescribeInstances")],
        403,
        &ec2_error_xml("UnauthorizedOperation", "You are not authorized"),
    );
    let opts = CollectOptions {
        regions: vec!["us-east-1".to_owned()],
        ..options(1)
    };
    let snapshot = collect_with_config(&fake.sdk_config(1), &opts).await;
    let region = &snapshot.regions["us-east-1"];
    for error in [
        region.network.instances.error(),
        region.secrets.instances.error(),
        region.services.inspector.ec2_instances.error(),
    ] {
        let error = error.expect("the denial is recorded, not an empty list");
        assert_eq!(error.call(), "ec2:DescribeInstances");
        assert_eq!(error.code, "UnauthorizedOperation");
    }
    assert_eq!(fake.requests_with(&[("Action", "DescribeInstances")]), 1);
    assert_eq!(
        fake.requests_with(&[("Action", "DescribeInstanceAttribute")]),
        0
    );
}
