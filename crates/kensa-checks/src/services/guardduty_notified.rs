//! SVC-5: GuardDuty findings reach people: an EventBridge rule matching
//! GuardDuty findings sends them to an SNS topic with a confirmed subscriber.

use std::collections::BTreeMap;

use kensa_snapshot::monitoring::{EventRule, Topic};
use kensa_snapshot::{Missing, Region};
use serde_json::{Value, json};

use crate::network::region_resource;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-guardduty-findings-notified",
        requirements: &["SVC-5"],
        severity: Severity::High,
        title: StaticText {
            en: "GuardDuty findings are sent to people in every region",
            ja: "GuardDuty の検出結果がすべてのリージョンで担当者に通知される",
        },
        description: StaticText {
            en: "Each audited region has an enabled EventBridge rule on the default bus whose \
                 pattern matches GuardDuty findings (source `aws.guardduty`, detail-type \
                 `GuardDuty Finding` or none) and whose target is an SNS topic with at least one \
                 confirmed subscription. A rule whose only targets are of another kind (Lambda, \
                 SQS, a chat integration) may notify, but only a person can tell: MANUAL.",
            ja: "監査する各リージョンに、デフォルトバス上の有効な EventBridge ルールがあり、そのパターンが \
                 GuardDuty の検出結果 (source が `aws.guardduty`、detail-type が `GuardDuty Finding` \
                 または指定なし) に一致し、ターゲットが確認済みのサブスクリプションを 1 つ以上持つ SNS \
                 トピックであること。ターゲットが別の種類 (Lambda、SQS、チャット連携) だけのルールは\
                 通知する可能性があるが、人にしか判断できないため MANUAL。",
        },
        remediation: StaticText {
            en: "Create an EventBridge rule with pattern {\"source\": [\"aws.guardduty\"], \
                 \"detail-type\": [\"GuardDuty Finding\"]} targeting an SNS topic, and confirm a \
                 subscription of the administrators to it.",
            ja: "パターン {\"source\": [\"aws.guardduty\"], \"detail-type\": [\"GuardDuty Finding\"]} \
                 の EventBridge ルールを作成して SNS トピックをターゲットにし、管理者のサブスクリプションを\
                 確認済みにする。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

/// Whether a pattern field (a string or a list of strings) allows `value`.
fn allows(field: Option<&Value>, value: &str) -> bool {
    match field {
        Some(Value::String(s)) => s == value,
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(value)),
        _ => false,
    }
}

/// Whether an event pattern matches GuardDuty findings: `source` names
/// `aws.guardduty`, and `detail-type`, when present, names `GuardDuty Finding`.
/// Any further condition (a severity filter) narrows it, and is reported in
/// the evidence for a person to judge; the pattern still counts.
pub fn matches_guardduty_findings(pattern: &str) -> Result<bool, String> {
    let pattern: Value = serde_json::from_str(pattern).map_err(|e| e.to_string())?;
    let source_ok = allows(pattern.get("source"), "aws.guardduty");
    let detail_type_ok = match pattern.get("detail-type") {
        None => true,
        field => allows(field, "GuardDuty Finding"),
    };
    Ok(source_ok && detail_type_ok)
}

/// How one rule's targets stand.
#[derive(Debug, PartialEq, Eq)]
enum Delivery {
    /// Topic ARN with a confirmed subscription.
    Notifies(String),
    /// The targets could not be read; names the call.
    Unread(String),
    /// Targets of another kind: a person decides.
    OtherTargets(Vec<String>),
    /// SNS topics, none with a confirmed subscription (or no targets at all).
    NoConfirmedSubscriber,
}

/// The topic an ARN names, looked up in its own region's `sns:ListTopics`:
/// `None` when that region was not audited or has no such topic,
/// `Some(Err(()))` when its topics could not be read.
fn topic<'a>(regions: &'a BTreeMap<String, Region>, arn: &str) -> Option<Result<&'a Topic, ()>> {
    let region = arn.split(':').nth(3)?;
    match regions.get(region)?.monitoring.topics.get() {
        Ok(topics) => topics.iter().find(|t| t.arn == arn).map(Ok),
        Err(_) => Some(Err(())),
    }
}

fn delivery(rule: &EventRule, regions: &BTreeMap<String, Region>) -> Delivery {
    let targets = match rule.targets.get() {
        Ok(t) => t,
        Err(_) => return Delivery::Unread("events:ListTargetsByRule".to_owned()),
    };
    let mut others = Vec::new();
    let mut unread = None;
    for target in targets {
        if target.arn.split(':').nth(2) != Some("sns") {
            others.push(target.arn.clone());
            continue;
        }
        match topic(regions, &target.arn) {
            Some(Ok(t)) => match t.subscriptions.get() {
                Ok(subs) if subs.iter().any(|s| s.is_confirmed()) => {
                    return Delivery::Notifies(t.arn.clone());
                }
                Ok(_) => {}
                Err(_) => {
                    unread.get_or_insert("sns:ListSubscriptionsByTopic".to_owned());
                }
            },
            Some(Err(_)) => {
                unread.get_or_insert("sns:ListTopics".to_owned());
            }
            // A topic in a region kensa did not audit, or one that is gone:
            // nothing shows that anyone receives it.
            None => {}
        }
    }
    if let Some(call) = unread {
        Delivery::Unread(call)
    } else if !others.is_empty() {
        Delivery::OtherTargets(others)
    } else {
        Delivery::NoConfirmedSubscriber
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let regions = &ctx.snapshot.regions;
    let mut findings = Vec::new();
    for region in &ctx.snapshot.audited_regions {
        let region = region.as_str();
        let resource = region_resource(ctx, region);
        let monitoring = ctx.snapshot.regions.get(region).map(|r| &r.monitoring);
        let rules = match monitoring.map(|m| m.event_rules.get()) {
            Some(Ok(rules)) => rules,
            other => {
                let missing = match other {
                    Some(Err(m)) => m,
                    _ => Missing::NotCollected,
                };
                findings.push(meta.missing(resource, missing, "events:ListRules"));
                continue;
            }
        };
        let mut malformed = Vec::new();
        let mut considered = Vec::new();
        for rule in rules.iter().filter(|r| r.is_enabled()) {
            let Some(pattern) = rule.event_pattern.as_deref() else {
                continue;
            };
            match matches_guardduty_findings(pattern) {
                Ok(true) => considered.push((rule, delivery(rule, regions))),
                Ok(false) => {}
                Err(e) => malformed.push(json!({ "rule": rule.name, "error": e })),
            }
        }
        let evidence = json!({
            "matching_rules": considered.iter().map(|(rule, delivery)| json!({
                "rule": rule.name,
                "event_pattern": rule.event_pattern,
                "targets": rule.targets,
                "delivery": format!("{delivery:?}"),
            })).collect::<Vec<_>>(),
            "unparsable_patterns": malformed,
        });
        let notifying = considered.iter().find_map(|(rule, d)| match d {
            Delivery::Notifies(topic) => Some((rule, topic)),
            _ => None,
        });
        let unread = considered.iter().find_map(|(_, d)| match d {
            Delivery::Unread(call) => Some(call),
            _ => None,
        });
        let other = considered.iter().find_map(|(rule, d)| match d {
            Delivery::OtherTargets(arns) => Some((rule, arns.join(", "))),
            _ => None,
        });
        let finding = if let Some((rule, topic)) = notifying {
            let name = &rule.name;
            meta.finding(
                Status::Pass,
                resource,
                text!(
                    "In {region}, rule {name} sends GuardDuty findings to {topic}, which has a \
                     confirmed subscriber",
                    "{region} ではルール {name} が GuardDuty の検出結果を、確認済みのサブスクライバーが\
                     いる {topic} に送ります"
                ),
                evidence,
            )
        } else if let Some(call) = unread {
            meta.finding(
                Status::Error,
                resource,
                text!(
                    "Could not decide whether GuardDuty findings reach people in {region}: {call} \
                     could not be read",
                    "{region} で GuardDuty の検出結果が人に届くか判定できません: {call} を読めませんでした"
                ),
                evidence,
            )
        } else if let Some((rule, arns)) = other {
            let name = &rule.name;
            meta.finding(
                Status::Manual,
                resource,
                text!(
                    "In {region}, rule {name} sends GuardDuty findings to {arns}; confirm that \
                     this reaches administrators",
                    "{region} ではルール {name} が GuardDuty の検出結果を {arns} に送ります。\
                     管理者に届くことを確認してください"
                ),
                evidence,
            )
        } else if considered.is_empty() {
            meta.finding(
                Status::Fail,
                resource,
                text!(
                    "No enabled EventBridge rule in {region} matches GuardDuty findings",
                    "{region} には GuardDuty の検出結果に一致する有効な EventBridge ルールがありません"
                ),
                evidence,
            )
        } else {
            meta.finding(
                Status::Fail,
                resource,
                text!(
                    "GuardDuty findings in {region} go to no SNS topic with a confirmed subscriber",
                    "{region} の GuardDuty の検出結果は、確認済みのサブスクライバーがいる SNS トピックに\
                     送られていません"
                ),
                evidence,
            )
        };
        findings.push(finding);
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::run_check;
    use crate::services::fixtures::*;
    use kensa_snapshot::Collected;
    use kensa_snapshot::monitoring::{RuleTarget, Subscription};

    const TOPIC: &str = "arn:aws:sns:ap-northeast-1:123456789012:security-alerts";
    const GUARDDUTY_PATTERN: &str =
        r#"{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}"#;

    fn rule(name: &str, pattern: &str, state: &str, targets: &[&str]) -> EventRule {
        EventRule {
            name: name.into(),
            arn: format!("arn:aws:events:ap-northeast-1:123456789012:rule/{name}"),
            event_pattern: Some(pattern.into()),
            state: Some(state.into()),
            targets: Collected::Value(
                targets
                    .iter()
                    .enumerate()
                    .map(|(i, arn)| RuleTarget {
                        id: format!("t{i}"),
                        arn: (*arn).into(),
                    })
                    .collect(),
            ),
        }
    }

    fn topic(subscription_arns: &[&str]) -> Topic {
        Topic {
            arn: TOPIC.into(),
            subscriptions: Collected::Value(
                subscription_arns
                    .iter()
                    .map(|arn| Subscription {
                        subscription_arn: (*arn).into(),
                        protocol: "email".into(),
                        endpoint: Some("secops@example.com".into()),
                    })
                    .collect(),
            ),
        }
    }

    fn region(rules: Vec<EventRule>, topics: Vec<Topic>) -> kensa_snapshot::Snapshot {
        let mut s = snapshot(vec![(REGION, Default::default())]);
        if let Some(r) = s.regions.get_mut(REGION) {
            r.monitoring.event_rules = Collected::Value(rules);
            r.monitoring.topics = Collected::Value(topics);
        }
        s
    }

    fn verdict(s: &kensa_snapshot::Snapshot) -> (Status, String, String) {
        let f = run_check(&CHECK, s);
        assert_eq!(f.len(), 1, "{f:?}");
        (
            f[0].status,
            f[0].message.en.clone(),
            f[0].message.ja.clone(),
        )
    }

    #[test]
    fn a_rule_to_a_confirmed_topic_passes() {
        let s = region(
            vec![rule("gd-alerts", GUARDDUTY_PATTERN, "ENABLED", &[TOPIC])],
            vec![topic(&[&format!("{TOPIC}:0b7e6a1c")])],
        );
        assert_eq!(
            verdict(&s),
            (
                Status::Pass,
                "In ap-northeast-1, rule gd-alerts sends GuardDuty findings to \
                 arn:aws:sns:ap-northeast-1:123456789012:security-alerts, which has a confirmed \
                 subscriber"
                    .into(),
                "ap-northeast-1 ではルール gd-alerts が GuardDuty の検出結果を、確認済みのサブスクライバーが\
                 いる arn:aws:sns:ap-northeast-1:123456789012:security-alerts に送ります"
                    .into()
            )
        );
    }

    #[test]
    fn pending_subscriptions_disabled_rules_and_other_sources_fail() {
        let pending = region(
            vec![rule("gd-alerts", GUARDDUTY_PATTERN, "ENABLED", &[TOPIC])],
            vec![topic(&["PendingConfirmation"])],
        );
        assert_eq!(
            verdict(&pending).1,
            "GuardDuty findings in ap-northeast-1 go to no SNS topic with a confirmed subscriber"
        );
        let disabled = region(
            vec![
                rule("gd-alerts", GUARDDUTY_PATTERN, "DISABLED", &[TOPIC]),
                rule("ec2", r#"{"source":["aws.ec2"]}"#, "ENABLED", &[TOPIC]),
                rule(
                    "wrong-type",
                    r#"{"source":["aws.guardduty"],"detail-type":["Other"]}"#,
                    "ENABLED",
                    &[TOPIC],
                ),
            ],
            vec![topic(&[&format!("{TOPIC}:0b7e6a1c")])],
        );
        let (status, en, ja) = verdict(&disabled);
        assert_eq!(status, Status::Fail);
        assert_eq!(
            en,
            "No enabled EventBridge rule in ap-northeast-1 matches GuardDuty findings"
        );
        assert_eq!(
            ja,
            "ap-northeast-1 には GuardDuty の検出結果に一致する有効な EventBridge ルールがありません"
        );
    }

    #[test]
    fn other_target_kinds_are_manual_and_unread_parts_are_errors() {
        let lambda = "arn:aws:lambda:ap-northeast-1:123456789012:function:notify-slack";
        let s = region(
            vec![rule(
                "gd-lambda",
                r#"{"source":"aws.guardduty"}"#,
                "ENABLED",
                &[lambda],
            )],
            vec![],
        );
        let (status, en, _) = verdict(&s);
        assert_eq!(status, Status::Manual);
        assert_eq!(
            en,
            format!(
                "In ap-northeast-1, rule gd-lambda sends GuardDuty findings to {lambda}; confirm \
                 that this reaches administrators"
            )
        );

        let mut unread_topic = topic(&[]);
        unread_topic.subscriptions =
            Collected::Error(not_implemented("sns", "ListSubscriptionsByTopic"));
        let s = region(
            vec![rule("gd-alerts", GUARDDUTY_PATTERN, "ENABLED", &[TOPIC])],
            vec![unread_topic],
        );
        assert_eq!(
            verdict(&s),
            (
                Status::Error,
                "Could not decide whether GuardDuty findings reach people in ap-northeast-1: \
                 sns:ListSubscriptionsByTopic could not be read"
                    .into(),
                "ap-northeast-1 で GuardDuty の検出結果が人に届くか判定できません: \
                 sns:ListSubscriptionsByTopic を読めませんでした"
                    .into()
            )
        );

        let mut s = region(vec![], vec![]);
        if let Some(r) = s.regions.get_mut(REGION) {
            r.monitoring.event_rules = Collected::Error(not_implemented("events", "ListRules"));
        }
        let (status, en, _) = verdict(&s);
        assert_eq!(status, Status::Error);
        assert!(en.contains("events:ListRules failed"), "{en}");
    }

    #[test]
    fn patterns_match_guardduty_findings_only() {
        assert_eq!(matches_guardduty_findings(GUARDDUTY_PATTERN), Ok(true));
        assert_eq!(
            matches_guardduty_findings(
                r#"{"source":["aws.guardduty"],"detail":{"severity":[{"numeric":[">=",7]}]}}"#
            ),
            Ok(true)
        );
        assert_eq!(
            matches_guardduty_findings(r#"{"source":["aws.securityhub"]}"#),
            Ok(false)
        );
        assert!(matches_guardduty_findings("{not json").is_err());
    }
}
