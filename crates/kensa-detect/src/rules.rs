//! The rules `kensa detect` runs: the design sheet's eleven suspicious
//! operations (ALM-1..ALM-11) and the user's own from `kensa.toml`.

use kensa_checks::config::DetectRuleConfig;
use kensa_checks::{Severity, StaticText, Text};
use kensa_pattern::{EventPattern, FilterPattern};
use serde_json::{Value, json};

use crate::project::Projection;

/// One detection rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case name (`security-group-changes`), used by `--rule`.
    pub name: String,
    /// The design sheet's requirement (`ALM-1`), when the rule serves one.
    pub requirement: Option<String>,
    /// CIS AWS Foundations Benchmark v1.2.0 recommendation with the same pattern.
    pub cis_1_2: Option<&'static str>,
    pub severity: Severity,
    pub title: Text,
    /// The pattern as written, for `--format json` and error messages.
    pub source: String,
    pub matcher: Matcher,
}

/// What decides whether a record matches.
#[derive(Debug)]
pub enum Matcher {
    /// A CloudWatch Logs filter pattern, as a metric filter on the trail's
    /// log group would apply it to the record's JSON text.
    Filter(FilterPattern),
    /// An EventBridge event pattern, applied to the event EventBridge
    /// builds from the record (see [`eventbridge_envelope`]).
    Event(EventPattern),
}

impl Rule {
    /// The record paths this rule reads.
    pub fn projection(&self) -> Projection {
        match &self.matcher {
            Matcher::Filter(pattern) => {
                let fields = pattern.json_fields();
                if fields.is_empty() {
                    // Term and space-delimited patterns read the raw text,
                    // which the scanner always has.
                    return Projection::empty();
                }
                let mut projection = Projection::empty();
                for field in &fields {
                    projection.add(field);
                }
                projection
            }
            // An event pattern may read any part of `detail`.
            Matcher::Event(_) => Projection::everything(),
        }
    }

    /// Whether the record matches. `raw` is its JSON text, `projected` at
    /// least the paths of [`Rule::projection`].
    pub fn matches(&self, raw: &str, projected: &Value) -> bool {
        match &self.matcher {
            Matcher::Filter(pattern) => {
                pattern.matches(&kensa_pattern::LogEvent::with_json(raw, projected))
            }
            Matcher::Event(pattern) => pattern.matches(&eventbridge_envelope(projected)),
        }
    }
}

impl Rule {
    /// Whether a plain-text line (not JSON) matches: only filter patterns
    /// that read the text can; JSON and event patterns never do.
    pub fn matches_text(&self, line: &str) -> bool {
        match &self.matcher {
            Matcher::Filter(pattern) => pattern.matches(&kensa_pattern::LogEvent::new(line)),
            Matcher::Event(_) => false,
        }
    }

    /// A one-off rule for `kensa pattern test`.
    pub fn from_filter_pattern(text: &str) -> Result<Rule, kensa_pattern::ParseError> {
        Ok(Rule {
            name: "pattern".to_owned(),
            requirement: None,
            cis_1_2: None,
            severity: Severity::Informational,
            title: Text::new("filter pattern", "フィルターパターン"),
            source: text.to_owned(),
            matcher: Matcher::Filter(FilterPattern::parse(text)?),
        })
    }
}

/// The event EventBridge delivers for a CloudTrail record: `source`
/// `aws.<service>`, a `detail-type` from the record's `eventType`, and the
/// record itself as `detail`.
pub fn eventbridge_envelope(record: &Value) -> Value {
    let field = |name: &str| record.get(name).and_then(Value::as_str);
    let service = field("eventSource")
        .map(|s| s.strip_suffix(".amazonaws.com").unwrap_or(s))
        .unwrap_or_default();
    let detail_type = match field("eventType") {
        Some("AwsConsoleSignIn") => "AWS Console Sign In via CloudTrail",
        Some("AwsServiceEvent") => "AWS Service Event via CloudTrail",
        Some("AwsCloudTrailInsight") => "AWS Insight via CloudTrail",
        _ => "AWS API Call via CloudTrail",
    };
    json!({
        "version": "0",
        "id": field("eventID").unwrap_or_default(),
        "detail-type": detail_type,
        "source": format!("aws.{service}"),
        "account": field("recipientAccountId").unwrap_or_default(),
        "time": field("eventTime").unwrap_or_default(),
        "region": field("awsRegion").unwrap_or_default(),
        "resources": [],
        "detail": record,
    })
}

/// A built-in rule: the AWS CloudFormation alarm template's metric filter
/// for one ALM requirement.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinRule {
    pub name: &'static str,
    pub requirement: &'static str,
    pub cis_1_2: Option<&'static str>,
    pub severity: Severity,
    pub title: StaticText,
    /// Verbatim from `CloudWatch_Alarms_for_CloudTrail_API_Activity.json`
    /// (docs: cloudtrail-reference §4.1).
    pub filter_pattern: &'static str,
}

/// The sheet's eleven suspicious operations, in requirement order.
pub const BUILTIN_RULES: [BuiltinRule; 11] = [
    BuiltinRule {
        name: "security-group-changes",
        requirement: "ALM-1",
        cis_1_2: Some("3.10"),
        severity: Severity::Medium,
        title: StaticText {
            en: "security group created, changed or deleted",
            ja: "セキュリティグループの作成・変更・削除",
        },
        filter_pattern: "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
    },
    BuiltinRule {
        name: "ec2-instance-changes",
        requirement: "ALM-2",
        cis_1_2: None,
        severity: Severity::Low,
        title: StaticText {
            en: "EC2 instance created, terminated, started, stopped or rebooted",
            ja: "EC2 インスタンスの作成・終了・起動・停止・再起動",
        },
        filter_pattern: "{ ($.eventName = RunInstances) || ($.eventName = RebootInstances) || ($.eventName = StartInstances) || ($.eventName = StopInstances) || ($.eventName = TerminateInstances) }",
    },
    BuiltinRule {
        name: "ec2-large-instance-changes",
        requirement: "ALM-3",
        cis_1_2: None,
        severity: Severity::Medium,
        // The template's pattern matches RunInstances only, although its
        // alarm description names the other operations too.
        title: StaticText {
            en: "large EC2 instance (4xlarge or 8xlarge) launched",
            ja: "大型 EC2 インスタンス (4xlarge・8xlarge) の作成",
        },
        filter_pattern: "{ ($.eventName = RunInstances) && (($.requestParameters.instanceType = *.8xlarge) || ($.requestParameters.instanceType = *.4xlarge)) }",
    },
    BuiltinRule {
        name: "iam-policy-changes",
        requirement: "ALM-4",
        cis_1_2: Some("3.4"),
        severity: Severity::High,
        title: StaticText {
            en: "IAM policy changed",
            ja: "IAM ポリシーの変更",
        },
        filter_pattern: "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}",
    },
    BuiltinRule {
        name: "authorization-failures",
        requirement: "ALM-5",
        cis_1_2: Some("3.1"),
        severity: Severity::Medium,
        title: StaticText {
            en: "unauthorized API call",
            ja: "権限のない API 呼び出し",
        },
        filter_pattern: "{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }",
    },
    BuiltinRule {
        name: "console-sign-in-failures",
        requirement: "ALM-6",
        cis_1_2: Some("3.6"),
        severity: Severity::Medium,
        title: StaticText {
            en: "failed console sign-in",
            ja: "コンソールへのサインイン失敗",
        },
        filter_pattern: "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }",
    },
    BuiltinRule {
        name: "vpc-changes",
        requirement: "ALM-7",
        cis_1_2: Some("3.14"),
        severity: Severity::Medium,
        title: StaticText {
            en: "VPC or VPC peering created, changed or deleted",
            ja: "VPC・VPC ピアリングの作成・変更・削除",
        },
        filter_pattern: "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
    },
    BuiltinRule {
        name: "gateway-changes",
        requirement: "ALM-8",
        cis_1_2: Some("3.12"),
        severity: Severity::Medium,
        title: StaticText {
            en: "internet gateway or customer gateway created, changed or deleted",
            ja: "インターネットゲートウェイ・カスタマーゲートウェイの作成・変更・削除",
        },
        filter_pattern: "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
    },
    BuiltinRule {
        name: "network-acl-changes",
        requirement: "ALM-9",
        cis_1_2: Some("3.11"),
        severity: Severity::Medium,
        title: StaticText {
            en: "network ACL created, changed or deleted",
            ja: "ネットワーク ACL の作成・変更・削除",
        },
        filter_pattern: "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
    },
    BuiltinRule {
        name: "cloudtrail-changes",
        requirement: "ALM-10",
        cis_1_2: Some("3.5"),
        severity: Severity::High,
        title: StaticText {
            en: "CloudTrail created, changed or deleted, logging started or stopped",
            ja: "CloudTrail の作成・変更・削除、ログ記録の開始・停止",
        },
        filter_pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    },
    BuiltinRule {
        name: "s3-bucket-policy-changes",
        requirement: "ALM-11",
        cis_1_2: Some("3.8"),
        severity: Severity::High,
        title: StaticText {
            en: "S3 bucket policy changed",
            ja: "S3 バケットポリシーの変更",
        },
        filter_pattern: "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
    },
];

/// A rule from the config whose pattern does not parse, or that clashes.
#[derive(Debug, thiserror::Error)]
#[error("detect.rules[{index}] (`{name}`): {message}")]
pub struct RuleError {
    pub index: usize,
    pub name: String,
    pub message: String,
}

/// The built-in rules, compiled.
pub fn builtin_rules() -> Vec<Rule> {
    BUILTIN_RULES
        .iter()
        .filter_map(|b| {
            // The patterns are constants covered by `builtin_patterns_parse`.
            let pattern = FilterPattern::parse(b.filter_pattern).ok()?;
            Some(Rule {
                name: b.name.to_owned(),
                requirement: Some(b.requirement.to_owned()),
                cis_1_2: b.cis_1_2,
                severity: b.severity,
                title: b.title.to_text(),
                source: b.filter_pattern.to_owned(),
                matcher: Matcher::Filter(pattern),
            })
        })
        .collect()
}

/// The built-in rules followed by the config's, in config order. A user
/// rule may not reuse a built-in's name.
pub fn all_rules(user: &[DetectRuleConfig]) -> Result<Vec<Rule>, RuleError> {
    let mut rules = builtin_rules();
    for (index, config) in user.iter().enumerate() {
        let error = |message: String| RuleError {
            index,
            name: config.name.clone(),
            message,
        };
        if rules.iter().any(|r| r.name == config.name) {
            return Err(error("a rule with this name already exists".to_owned()));
        }
        let (source, matcher) = match (&config.filter_pattern, &config.event_pattern) {
            (Some(text), None) => (
                text.clone(),
                Matcher::Filter(FilterPattern::parse(text).map_err(|e| {
                    error(format!("filter_pattern {e}\n{}", indent(&e.render(text))))
                })?),
            ),
            (None, Some(text)) => (
                text.clone(),
                Matcher::Event(
                    EventPattern::parse(text).map_err(|e| error(format!("event_pattern: {e}")))?,
                ),
            ),
            _ => {
                return Err(error(
                    "give exactly one of filter_pattern and event_pattern".to_owned(),
                ));
            }
        };
        rules.push(Rule {
            name: config.name.clone(),
            requirement: config.requirement.clone(),
            cis_1_2: None,
            severity: config.severity,
            // The user's rule speaks the user's language: its name.
            title: Text::new(config.name.clone(), config.name.clone()),
            source,
            matcher,
        });
    }
    Ok(rules)
}

/// Indents every line, so a caret drawing stands out under the message.
pub(crate) fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use kensa_checks::config::DetectRuleConfig;

    #[test]
    fn builtin_patterns_parse() {
        assert_eq!(builtin_rules().len(), BUILTIN_RULES.len());
        let ids: Vec<&str> = BUILTIN_RULES.iter().map(|r| r.requirement).collect();
        let want: Vec<String> = (1..=11).map(|i| format!("ALM-{i}")).collect();
        assert_eq!(ids, want);
    }

    /// Which built-in rules a record raises, by requirement.
    fn raised(record: serde_json::Value) -> Vec<String> {
        let text = record.to_string();
        builtin_rules()
            .iter()
            .filter(|r| r.matches(&text, &record))
            .filter_map(|r| r.requirement.clone())
            .collect()
    }

    #[test]
    fn each_operation_raises_its_requirement_and_near_misses_raise_none() {
        let cases = [
            (json!({"eventName": "DeleteSecurityGroup"}), vec!["ALM-1"]),
            (json!({"eventName": "RebootInstances"}), vec!["ALM-2"]),
            (
                json!({"eventName": "RunInstances", "requestParameters": {"instanceType": "m5.4xlarge"}}),
                vec!["ALM-2", "ALM-3"],
            ),
            (
                json!({"eventName": "RunInstances", "requestParameters": {"instanceType": "t3.micro"}}),
                vec!["ALM-2"],
            ),
            (json!({"eventName": "PutRolePolicy"}), vec!["ALM-4"]),
            (
                json!({"eventName": "GetObject", "errorCode": "AccessDenied"}),
                vec!["ALM-5"],
            ),
            (
                json!({"eventName": "X", "errorCode": "Client.UnauthorizedOperation"}),
                vec!["ALM-5"],
            ),
            (
                json!({"eventName": "X", "errorCode": "ThrottlingException"}),
                vec![],
            ),
            (
                json!({"eventName": "ConsoleLogin", "errorMessage": "Failed authentication"}),
                vec!["ALM-6"],
            ),
            (
                json!({"eventName": "ConsoleLogin", "responseElements": {"ConsoleLogin": "Success"}}),
                vec![],
            ),
            (json!({"eventName": "ModifyVpcAttribute"}), vec!["ALM-7"]),
            (json!({"eventName": "DetachInternetGateway"}), vec!["ALM-8"]),
            (json!({"eventName": "CreateNetworkAclEntry"}), vec!["ALM-9"]),
            (json!({"eventName": "StopLogging"}), vec!["ALM-10"]),
            (
                json!({"eventSource": "s3.amazonaws.com", "eventName": "DeleteBucketPolicy"}),
                vec!["ALM-11"],
            ),
            (
                json!({"eventSource": "example.amazonaws.com", "eventName": "PutBucketAcl"}),
                vec![],
            ),
            (json!({"eventName": "DescribeSecurityGroups"}), vec![]),
        ];
        for (record, want) in cases {
            assert_eq!(raised(record.clone()), want, "{record}");
        }
    }

    #[test]
    fn eventbridge_envelope_names_the_service_and_kind() {
        let record = json!({"eventSource": "signin.amazonaws.com", "eventType": "AwsConsoleSignIn",
            "recipientAccountId": "1", "awsRegion": "us-east-1", "eventTime": "t", "eventID": "e"});
        let envelope = eventbridge_envelope(&record);
        assert_eq!(envelope["source"], "aws.signin");
        assert_eq!(
            envelope["detail-type"],
            "AWS Console Sign In via CloudTrail"
        );
        assert_eq!(envelope["account"], "1");
        assert_eq!(envelope["detail"], record);
    }

    fn user_rule(name: &str, filter: Option<&str>, event: Option<&str>) -> DetectRuleConfig {
        DetectRuleConfig {
            name: name.to_owned(),
            severity: Severity::High,
            filter_pattern: filter.map(str::to_owned),
            event_pattern: event.map(str::to_owned),
            requirement: None,
        }
    }

    #[test]
    fn user_rules_follow_the_builtins_and_bad_ones_say_where() {
        let rules = all_rules(&[
            user_rule(
                "bucket-deleted",
                Some("{ $.eventName = DeleteBucket }"),
                None,
            ),
            user_rule(
                "root",
                None,
                Some(r#"{"detail": {"userIdentity": {"type": ["Root"]}}}"#),
            ),
        ])
        .unwrap();
        assert_eq!(rules.len(), 13);
        assert_eq!(rules[11].name, "bucket-deleted");
        let root = json!({"eventName": "ConsoleLogin", "userIdentity": {"type": "Root"}});
        assert!(rules[12].matches(&root.to_string(), &root));

        let err = all_rules(&[user_rule("typo", Some("{ $.eventName = }"), None)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "detect.rules[0] (`typo`): filter_pattern at column 17: expected a value, found `}`\n    { $.eventName = }\n                    ^ expected a value, found `}`"
        );
        let err = all_rules(&[
            user_rule("stop", Some("{ $.a = 1 }"), None),
            user_rule("vpc-changes", Some("x"), None),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "detect.rules[1] (`vpc-changes`): a rule with this name already exists"
        );
        let err = all_rules(&[user_rule("ev", None, Some("{\"detail\": 3}"))]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("detect.rules[0] (`ev`): event_pattern: "),
            "{err}"
        );
    }
}
