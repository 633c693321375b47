//! Every verdict of the chain, on small snapshots: each test breaks one
//! link of an otherwise complete chain and reads the finding in both
//! languages.

use kensa_snapshot::monitoring::{
    AdvancedEventSelector, AlarmMetric, Dimension, EventRule, EventSelector, EventSelectors,
    FieldSelector, MetricAlarm, MetricFilter, MetricTransformation, Monitoring, RuleTarget,
    Subscription, Topic, Trail, TrailStatus,
};
use kensa_snapshot::{CallError, Collected, Region, Snapshot};

use super::operations::{self, ALL};
use super::*;
use crate::iam::fixtures::{run_check, run_with};
use crate::{Check, Config, Finding, Status};

const HOME: &str = "ap-northeast-1";
const OTHER: &str = "us-east-1";
const GROUP: &str = "CloudTrail/DefaultLogGroup";
const TOPIC: &str = "arn:aws:sns:ap-northeast-1:123456789012:security-alerts";

fn trail() -> Trail {
    Trail {
        name: "management".into(),
        arn: "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/management".into(),
        home_region: HOME.into(),
        is_multi_region_trail: true,
        include_global_service_events: true,
        log_file_validation_enabled: true,
        is_organization_trail: false,
        cloud_watch_logs_log_group_arn: Some(format!(
            "arn:aws:logs:{HOME}:123456789012:log-group:{GROUP}:*"
        )),
        cloud_watch_logs_role_arn: None,
        s3_bucket_name: Some("trail-bucket".into()),
        s3_key_prefix: None,
        kms_key_id: None,
        status: Collected::Value(TrailStatus {
            is_logging: true,
            ..TrailStatus::default()
        }),
        event_selectors: Collected::Value(EventSelectors {
            basic: vec![EventSelector {
                read_write_type: "All".into(),
                include_management_events: true,
                exclude_management_event_sources: vec![],
            }],
            advanced: vec![],
        }),
    }
}

fn filter(name: &str, pattern: &str, metric: &str) -> MetricFilter {
    MetricFilter {
        name: name.into(),
        log_group_name: GROUP.into(),
        pattern: pattern.into(),
        transformations: vec![MetricTransformation {
            metric_name: metric.into(),
            metric_namespace: "CloudTrailMetrics".into(),
            metric_value: "1".into(),
            default_value: None,
            dimensions: Default::default(),
        }],
    }
}

/// AWS's template alarm: Sum over 300 s, one period, >= threshold.
fn alarm(name: &str, metric: &str, threshold: f64) -> MetricAlarm {
    MetricAlarm {
        name: name.into(),
        arn: format!("arn:aws:cloudwatch:{HOME}:123456789012:alarm:{name}"),
        metric_name: Some(metric.into()),
        namespace: Some("CloudTrailMetrics".into()),
        statistic: Some("Sum".into()),
        extended_statistic: None,
        dimensions: vec![],
        period: Some(300),
        evaluation_periods: Some(1),
        datapoints_to_alarm: None,
        threshold: Some(threshold),
        comparison_operator: Some("GreaterThanOrEqualToThreshold".into()),
        treat_missing_data: Some("notBreaching".into()),
        actions_enabled: true,
        alarm_actions: vec![TOPIC.into()],
        metrics: vec![],
    }
}

fn topic(subscription_arn: &str) -> Topic {
    Topic {
        arn: TOPIC.into(),
        subscriptions: Collected::Value(vec![Subscription {
            subscription_arn: subscription_arn.into(),
            protocol: "email".into(),
            endpoint: Some("security@example.com".into()),
        }]),
    }
}

const CONFIRMED: &str = "arn:aws:sns:ap-northeast-1:123456789012:security-alerts:0b1c2d3e";

/// A complete chain for `op`: its template filter, alarm and a confirmed
/// subscriber, in the home region; nothing in the other region.
fn complete(op: &operations::Operation, threshold: f64) -> Snapshot {
    let mut s = crate::iam::fixtures::snapshot();
    s.audited_regions = vec![HOME.into(), OTHER.into()];
    let home = Monitoring {
        trails: Collected::Value(vec![trail()]),
        metric_filters: Collected::Value(vec![filter(
            "template",
            op.canonical_pattern,
            op.metric_name,
        )]),
        alarms: Collected::Value(vec![alarm("template-alarm", op.metric_name, threshold)]),
        topics: Collected::Value(vec![topic(CONFIRMED)]),
        event_rules: Collected::Value(vec![]),
    };
    let other = Monitoring {
        trails: Collected::Value(vec![trail()]),
        metric_filters: Collected::Value(vec![]),
        alarms: Collected::Value(vec![]),
        topics: Collected::Value(vec![]),
        event_rules: Collected::Value(vec![]),
    };
    for (region, monitoring) in [(HOME, home), (OTHER, other)] {
        s.regions.insert(
            region.into(),
            Region {
                monitoring,
                ..Region::default()
            },
        );
    }
    s
}

fn home(s: &mut Snapshot) -> &mut Monitoring {
    &mut s.regions.get_mut(HOME).unwrap().monitoring
}

fn value<T>(c: &mut Collected<T>) -> &mut T {
    match c {
        Collected::Value(v) => v,
        _ => panic!("not a value"),
    }
}

fn only(findings: Vec<Finding>) -> Finding {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings.into_iter().next().unwrap()
}

fn run(check: &Check, s: &Snapshot) -> Finding {
    only(run_check(check, s))
}

fn assert_says(f: &Finding, status: Status, en: &str, ja: &str) {
    assert_eq!(f.status, status, "{}", f.message.en);
    assert_eq!(f.message.en, en);
    assert_eq!(f.message.ja, ja);
}

/// Every operation's own template pattern (or CIS pattern) catches all
/// its positive records and, with the template alarm, passes.
#[test]
fn every_canonical_chain_passes() {
    let checks: Vec<&Check> = crate::registry::CHECKS
        .iter()
        .copied()
        .filter(|c| c.meta.id.starts_with("alm-"))
        .collect();
    assert_eq!(checks.len(), ALL.len());
    for (check, op) in checks.iter().zip(ALL) {
        let threshold = if op.key == "ALM-6" { 3.0 } else { 1.0 };
        let f = run(check, &complete(op, threshold));
        assert_eq!(f.status, Status::Pass, "{}: {}", op.key, f.message.en);
        // No template pattern matches its own near misses.
        for filter in f.evidence["metric_filters"].as_array().unwrap() {
            assert_eq!(
                filter["also_matches_near_misses"],
                serde_json::json!([]),
                "{}",
                op.key
            );
        }
    }
}

#[test]
fn pass_names_the_whole_chain() {
    let f = run(
        &security_group_changes::CHECK,
        &complete(&operations::SECURITY_GROUP, 1.0),
    );
    assert_says(
        &f,
        Status::Pass,
        "\"security group created, changed or deleted\" is notified: trail management → log group \
         CloudTrail/DefaultLogGroup → filter template → alarm template-alarm → topic \
         arn:aws:sns:ap-northeast-1:123456789012:security-alerts",
        "「セキュリティグループの作成・変更・削除」は通知されます: 証跡 management → ロググループ \
         CloudTrail/DefaultLogGroup → フィルター template → アラーム template-alarm → トピック \
         arn:aws:sns:ap-northeast-1:123456789012:security-alerts",
    );
    assert_eq!(f.requirements, vec!["ALM-1"]);
    assert_eq!(f.compliance.cis_1_2, vec!["3.10"]);
    assert_eq!(f.evidence["chain"]["path"], "metric_filter");
}

#[test]
fn no_trail_fails() {
    let mut s = complete(&operations::SECURITY_GROUP, 1.0);
    for r in s.regions.values_mut() {
        r.monitoring.trails = Collected::Value(vec![]);
    }
    assert_says(
        &run(&security_group_changes::CHECK, &s),
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: no CloudTrail trail",
        "「セキュリティグループの作成・変更・削除」は通知されません: CloudTrail の証跡がありません",
    );
}

fn with_trail(edit: impl Fn(&mut Trail)) -> Snapshot {
    let mut s = complete(&operations::SECURITY_GROUP, 1.0);
    for r in s.regions.values_mut() {
        for t in value(&mut r.monitoring.trails) {
            edit(t);
        }
    }
    s
}

#[test]
fn single_region_trail_fails() {
    let s = with_trail(|t| t.is_multi_region_trail = false);
    assert_says(
        &run(&security_group_changes::CHECK, &s),
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: trail management records \
         only its own region",
        "「セキュリティグループの作成・変更・削除」は通知されません: 証跡 management は自リージョンしか記録しません",
    );
}

#[test]
fn stopped_trail_fails() {
    let s = with_trail(|t| {
        t.status = Collected::Value(TrailStatus::default());
    });
    assert_says(
        &run(&security_group_changes::CHECK, &s),
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: trail management is not \
         logging",
        "「セキュリティグループの作成・変更・削除」は通知されません: 証跡 management はログ記録を停止しています",
    );
}

#[test]
fn trail_without_global_events_misses_iam() {
    let mut s = complete(&operations::IAM_POLICY, 1.0);
    for r in s.regions.values_mut() {
        for t in value(&mut r.monitoring.trails) {
            t.include_global_service_events = false;
        }
    }
    let f = run(&iam_policy_changes::CHECK, &s);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .en
            .starts_with("\"IAM policy changed\" is not notified: trail management does not record DeleteGroupPolicy, DeleteRolePolicy,"),
        "{}",
        f.message.en
    );
    assert!(
        f.message
            .ja
            .contains("証跡 management は DeleteGroupPolicy")
    );
}

#[test]
fn write_only_advanced_selectors_miss_refused_reads() {
    let s = {
        let mut s = complete(&operations::UNAUTHORIZED_CALL, 1.0);
        for r in s.regions.values_mut() {
            for t in value(&mut r.monitoring.trails) {
                t.event_selectors = Collected::Value(EventSelectors {
                    basic: vec![],
                    advanced: vec![AdvancedEventSelector {
                        name: Some("writes".into()),
                        field_selectors: vec![
                            FieldSelector {
                                field: "eventCategory".into(),
                                equals: vec!["Management".into()],
                                ..FieldSelector::default()
                            },
                            FieldSelector {
                                field: "readOnly".into(),
                                equals: vec!["false".into()],
                                ..FieldSelector::default()
                            },
                        ],
                    }],
                });
            }
        }
        s
    };
    assert_says(
        &run(&unauthorized_api_calls::CHECK, &s),
        Status::Fail,
        "\"unauthorized API call\" is not notified: trail management does not record \
         DescribeInstances denied (UnauthorizedOperation)",
        "「権限のない API 呼び出し」は通知されません: 証跡 management は DescribeInstances denied \
         (UnauthorizedOperation) を記録しません",
    );
}

#[test]
fn kms_excluded_from_management_events_fails() {
    let mut s = complete(&operations::KMS_KEY_DISABLE, 1.0);
    for r in s.regions.values_mut() {
        for t in value(&mut r.monitoring.trails) {
            if let Collected::Value(sel) = &mut t.event_selectors {
                sel.basic[0].exclude_management_event_sources = vec!["kms.amazonaws.com".into()];
            }
        }
    }
    let f = run(&kms_key_disable::CHECK, &s);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .en
            .ends_with("does not record DisableKey, ScheduleKeyDeletion")
    );
    assert_eq!(f.requirements, vec!["ENC-2"]);
}

#[test]
fn trail_without_log_group_fails() {
    let s = with_trail(|t| t.cloud_watch_logs_log_group_arn = None);
    assert_says(
        &run(&security_group_changes::CHECK, &s),
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: trail management does not \
         deliver to CloudWatch Logs",
        "「セキュリティグループの作成・変更・削除」は通知されません: 証跡 management は CloudWatch Logs \
         に配信していません",
    );
}

#[test]
fn log_group_without_filters_fails() {
    let mut s = complete(&operations::SECURITY_GROUP, 1.0);
    home(&mut s).metric_filters = Collected::Value(vec![]);
    assert_says(
        &run(&security_group_changes::CHECK, &s),
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: log group \
         CloudTrail/DefaultLogGroup has no metric filter",
        "「セキュリティグループの作成・変更・削除」は通知されません: ロググループ \
         CloudTrail/DefaultLogGroup にメトリクスフィルターがありません",
    );
}

fn with_filters(op: &operations::Operation, filters: Vec<MetricFilter>) -> Snapshot {
    let mut s = complete(op, 1.0);
    home(&mut s).metric_filters = Collected::Value(filters);
    s
}

#[test]
fn events_joined_with_and_match_nothing() {
    let s = with_filters(
        &operations::CLOUDTRAIL,
        vec![filter(
            "joined",
            "{ ($.eventName = CreateTrail) && ($.eventName = UpdateTrail) && ($.eventName = DeleteTrail) }",
            "CloudTrailEventCount",
        )],
    );
    assert_says(
        &run(&cloudtrail_changes::CHECK, &s),
        Status::Fail,
        "\"CloudTrail created, changed or deleted, logging started or stopped\" is not notified: no \
         metric filter on log group CloudTrail/DefaultLogGroup matches any CloudTrail created, \
         changed or deleted, logging started or stopped event",
        "「CloudTrail の作成・変更・削除、ログ記録の開始・停止」は通知されません: ロググループ \
         CloudTrail/DefaultLogGroup のどのメトリクスフィルターも「CloudTrail の作成・変更・削除、ログ記録の開始・停止」のイベントに一致しません",
    );
}

#[test]
fn a_filter_missing_events_is_named() {
    let s = with_filters(
        &operations::SECURITY_GROUP,
        vec![filter(
            "ingress-only",
            "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupIngress) }",
            "SecurityGroupEventCount",
        )],
    );
    let f = run(&security_group_changes::CHECK, &s);
    assert_says(
        &f,
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: the metric filters on log \
         group CloudTrail/DefaultLogGroup miss AuthorizeSecurityGroupEgress, \
         RevokeSecurityGroupEgress, CreateSecurityGroup, DeleteSecurityGroup",
        "「セキュリティグループの作成・変更・削除」は通知されません: ロググループ CloudTrail/DefaultLogGroup \
         のメトリクスフィルターは AuthorizeSecurityGroupEgress, RevokeSecurityGroupEgress, \
         CreateSecurityGroup, DeleteSecurityGroup を検出しません",
    );
    assert_eq!(f.evidence["metric_filter_path"], "filter_misses_events");
}

#[test]
fn several_filters_together_cover_the_operation() {
    let mut s = with_filters(
        &operations::SECURITY_GROUP,
        vec![
            filter(
                "ingress",
                "{ $.eventName = \"*SecurityGroupIngress\" }",
                "SecurityGroupEventCount",
            ),
            filter(
                "rest",
                "{ ($.eventSource = \"ec2.amazonaws.com\") && (($.eventName = \"*SecurityGroupEgress\") || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup)) }",
                "SecurityGroupEventCount",
            ),
        ],
    );
    let f = run(&security_group_changes::CHECK, &s);
    assert_eq!(f.status, Status::Pass, "{}", f.message.en);
    assert_eq!(
        f.evidence["chain"]["filters"],
        serde_json::json!(["ingress", "rest"])
    );
    // Each filter must lead to an alarm: one that leads nowhere leaves its events unnotified.
    value(&mut home(&mut s).metric_filters)[1].transformations[0].metric_name = "Other".into();
    let f = run(&security_group_changes::CHECK, &s);
    assert_says(
        &f,
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: no alarm on metric \
         CloudTrailMetrics/Other",
        "「セキュリティグループの作成・変更・削除」は通知されません: メトリクス CloudTrailMetrics/Other \
         にアラームがありません",
    );
}

#[test]
fn an_unparsable_filter_is_shown_and_matches_nothing() {
    let s = with_filters(
        &operations::SECURITY_GROUP,
        vec![filter(
            "broken",
            "{ $.eventName = ",
            "SecurityGroupEventCount",
        )],
    );
    let f = run(&security_group_changes::CHECK, &s);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.evidence["metric_filter_path"], "no_filter_matches");
    assert!(f.evidence["metric_filters"][0]["parse_error"].is_string());
}

#[test]
fn near_misses_are_noise_not_failure() {
    let s = with_filters(
        &operations::EC2_LARGE_INSTANCE,
        vec![filter(
            "any-xlarge",
            "{ ($.eventName = RunInstances) && ($.requestParameters.instanceType = *xlarge) }",
            "EC2LargeInstanceEventCount",
        )],
    );
    let f = run(&large_instance_launch::CHECK, &s);
    assert_eq!(f.status, Status::Pass);
    assert_eq!(
        f.evidence["metric_filters"][0]["also_matches_near_misses"],
        serde_json::json!(["RunInstances (m5.2xlarge)"])
    );
}

#[test]
fn alarm_that_needs_two_events_never_fires() {
    let s = complete(&operations::SECURITY_GROUP, 2.0);
    assert_says(
        &run(&security_group_changes::CHECK, &s),
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: alarm template-alarm never \
         fires (Sum of 1 event(s) is 1, not GreaterThanOrEqualToThreshold 2)",
        "「セキュリティグループの作成・変更・削除」は通知されません: アラーム template-alarm は発報しません \
         (1 件のイベントの Sum は 1 で、GreaterThanOrEqualToThreshold 2 を満たしません)",
    );
}

#[test]
fn firing_follows_statistic_periods_and_operator() {
    let base = alarm("a", "m", 1.0);
    assert!(chain::fires(&base, 1.0, 1).is_ok());
    let gt = MetricAlarm {
        comparison_operator: Some("GreaterThanThreshold".into()),
        ..base.clone()
    };
    assert!(chain::fires(&gt, 1.0, 1).is_err());
    assert!(chain::fires(&gt, 1.0, 2).is_ok());
    let zero = MetricAlarm {
        threshold: Some(0.0),
        ..gt.clone()
    };
    assert!(chain::fires(&zero, 1.0, 1).is_ok());
    let sample_count = MetricAlarm {
        statistic: Some("SampleCount".into()),
        ..base.clone()
    };
    assert!(chain::fires(&sample_count, 0.5, 1).is_ok());
    let average = MetricAlarm {
        statistic: Some("Average".into()),
        threshold: Some(3.0),
        ..base.clone()
    };
    assert!(
        chain::fires(&average, 1.0, 3).is_err(),
        "an average never grows with the count"
    );
    let two_of_three = MetricAlarm {
        evaluation_periods: Some(3),
        datapoints_to_alarm: Some(2),
        ..base.clone()
    };
    let why = chain::fires(&two_of_three, 1.0, 1).unwrap_err();
    assert_eq!(
        why.en,
        "it needs 2 breaching periods, one burst of events gives one"
    );
    let below = MetricAlarm {
        comparison_operator: Some("LessThanThreshold".into()),
        ..base
    };
    assert_eq!(
        chain::fires(&below, 1.0, 1).unwrap_err().en,
        "LessThanThreshold does not fire when events occur"
    );
}

#[test]
fn sign_in_failures_alarm_at_three_as_the_template_and_as_configured() {
    let check = &console_sign_in_failures::CHECK;
    assert_eq!(
        run(check, &complete(&operations::CONSOLE_SIGN_IN_FAILURE, 3.0)).status,
        Status::Pass
    );
    let five = complete(&operations::CONSOLE_SIGN_IN_FAILURE, 5.0);
    let f = run(check, &five);
    assert_says(
        &f,
        Status::Fail,
        "\"failed console sign-in\" is not notified: alarm template-alarm never fires (Sum of 3 \
         event(s) is 3, not GreaterThanOrEqualToThreshold 5)",
        "「コンソールへのサインイン失敗」は通知されません: アラーム template-alarm は発報しません (3 件のイベントの \
         Sum は 3 で、GreaterThanOrEqualToThreshold 5 を満たしません)",
    );
    let lenient =
        Config::from_toml("[alarms]\nfailed_sign_ins_to_alarm = 5\n", "kensa.toml").unwrap();
    assert_eq!(only(run_with(check, &five, &lenient)).status, Status::Pass);
    // The other operations keep alarming on one event.
    assert_eq!(
        lenient.alarms.events_to_alarm(&operations::SECURITY_GROUP),
        1
    );
}

#[test]
fn disabled_actions_fail() {
    let mut s = complete(&operations::SECURITY_GROUP, 1.0);
    value(&mut home(&mut s).alarms)[0].actions_enabled = false;
    assert_says(
        &run(&security_group_changes::CHECK, &s),
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: alarm template-alarm has no \
         enabled SNS action",
        "「セキュリティグループの作成・変更・削除」は通知されません: アラーム template-alarm に有効な SNS \
         アクションがありません",
    );
    value(&mut home(&mut s).alarms)[0].actions_enabled = true;
    value(&mut home(&mut s).alarms)[0].alarm_actions = vec![];
    assert_eq!(
        run(&security_group_changes::CHECK, &s).evidence["metric_filter_path"],
        "no_alarm_action"
    );
}

#[test]
fn pending_subscriptions_do_not_count() {
    let mut s = complete(&operations::SECURITY_GROUP, 1.0);
    home(&mut s).topics = Collected::Value(vec![topic("PendingConfirmation")]);
    assert_says(
        &run(&security_group_changes::CHECK, &s),
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: topic \
         arn:aws:sns:ap-northeast-1:123456789012:security-alerts has no confirmed subscription",
        "「セキュリティグループの作成・変更・削除」は通知されません: トピック \
         arn:aws:sns:ap-northeast-1:123456789012:security-alerts に確認済みのサブスクリプションがありません",
    );
    home(&mut s).topics = Collected::Value(vec![]);
    let f = run(&security_group_changes::CHECK, &s);
    assert!(
        f.message
            .en
            .ends_with("security-alerts (not found) has no confirmed subscription")
    );
}

/// A metric-math alarm over the template filter's metric: `query` is its
/// one data-returning query's expression (`None`: the metric itself).
fn math_alarm(expression: Option<&str>, stat: &str) -> MetricAlarm {
    let metric = AlarmMetric {
        id: "m1".into(),
        namespace: Some("CloudTrailMetrics".into()),
        metric_name: Some(operations::SECURITY_GROUP.metric_name.into()),
        dimensions: vec![],
        stat: Some(stat.into()),
        period: Some(300),
        expression: None,
        return_data: Some(expression.is_none()),
    };
    let mut metrics = vec![metric];
    if let Some(expression) = expression {
        metrics.push(AlarmMetric {
            id: "e1".into(),
            namespace: None,
            metric_name: None,
            dimensions: vec![],
            stat: None,
            period: None,
            expression: Some(expression.into()),
            return_data: None,
        });
    }
    MetricAlarm {
        metric_name: None,
        namespace: None,
        statistic: None,
        period: None,
        metrics,
        ..alarm("math-alarm", "unused", 1.0)
    }
}

fn with_alarm(alarm: MetricAlarm) -> Snapshot {
    let mut s = complete(&operations::SECURITY_GROUP, 1.0);
    home(&mut s).alarms = Collected::Value(vec![alarm]);
    s
}

#[test]
fn metric_math_on_the_filter_metric_alone_counts() {
    for expression in [
        None,
        Some("m1"),
        Some("SUM(m1)"),
        Some("SUM( [m1] )"),
        Some("SUM(METRICS())"),
    ] {
        let f = run(
            &security_group_changes::CHECK,
            &with_alarm(math_alarm(expression, "Sum")),
        );
        assert_eq!(f.status, Status::Pass, "{expression:?}: {}", f.message.en);
        assert!(
            f.message.en.contains("→ alarm math-alarm →"),
            "{}",
            f.message.en
        );
    }
    // The metric's own statistic decides whether it fires.
    let f = run(
        &security_group_changes::CHECK,
        &with_alarm(math_alarm(Some("SUM(m1)"), "Average")),
    );
    assert_eq!(
        f.status,
        Status::Pass,
        "an average of 1 reaches 1: {}",
        f.message.en
    );
    let mut two = math_alarm(Some("m1"), "Maximum");
    two.threshold = Some(2.0);
    assert_says(
        &run(&security_group_changes::CHECK, &with_alarm(two)),
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: alarm math-alarm never \
         fires (Maximum of 1 event(s) is 1, not GreaterThanOrEqualToThreshold 2)",
        "「セキュリティグループの作成・変更・削除」は通知されません: アラーム math-alarm は発報しません \
         (1 件のイベントの Maximum は 1 で、GreaterThanOrEqualToThreshold 2 を満たしません)",
    );
}

#[test]
fn other_metric_math_is_for_a_person() {
    let f = run(
        &security_group_changes::CHECK,
        &with_alarm(math_alarm(Some("RATE(m1) * 60"), "Sum")),
    );
    assert_says(
        &f,
        Status::Manual,
        "Whether \"security group created, changed or deleted\" is notified needs a person: kensa \
         cannot tell whether alarm math-alarm fires on these events: it alarms on the expression \
         RATE(m1) * 60, which kensa does not evaluate",
        "「セキュリティグループの作成・変更・削除」が通知されるかは人の確認が必要です: アラーム math-alarm \
         がこれらのイベントで発報するか kensa には判断できません: 式 RATE(m1) * 60 でアラームを判定しており、\
         kensa はこの式を評価しません",
    );
    assert_eq!(f.evidence["metric_filter_path"], "alarm_undecided");
    // A complete chain beside it still passes.
    let mut s = with_alarm(math_alarm(Some("RATE(m1) * 60"), "Sum"));
    value(&mut home(&mut s).alarms).push(alarm(
        "template-alarm",
        operations::SECURITY_GROUP.metric_name,
        1.0,
    ));
    assert_eq!(run(&security_group_changes::CHECK, &s).status, Status::Pass);
    // Math over other metrics only is not an alarm on this one.
    let mut elsewhere = math_alarm(Some("m1 * 2"), "Sum");
    elsewhere.metrics[0].metric_name = Some("OtherCount".into());
    assert_says(
        &run(&security_group_changes::CHECK, &with_alarm(elsewhere)),
        Status::Fail,
        "\"security group created, changed or deleted\" is not notified: no alarm on metric \
         CloudTrailMetrics/SecurityGroupEventCount",
        "「セキュリティグループの作成・変更・削除」は通知されません: メトリクス \
         CloudTrailMetrics/SecurityGroupEventCount にアラームがありません",
    );
    // Two queries that return data are not a valid alarm to judge.
    let mut two = math_alarm(Some("SUM(m1)"), "Sum");
    two.metrics[0].return_data = Some(true);
    let f = run(&security_group_changes::CHECK, &with_alarm(two));
    assert_eq!(f.status, Status::Manual);
    assert!(
        f.message
            .en
            .ends_with("2 of its metric-math queries return data, not one"),
        "{}",
        f.message.en
    );
}

#[test]
fn dimensions_must_be_those_the_filter_publishes() {
    let dimension = |name: &str, value: &str| Dimension {
        name: name.into(),
        value: value.into(),
    };
    let no_alarm = "\"security group created, changed or deleted\" is not notified: no alarm on \
                    metric CloudTrailMetrics/SecurityGroupEventCount";
    // The filter publishes no dimensions: an alarm with one reads another metric.
    let mut dimensioned = alarm(
        "template-alarm",
        operations::SECURITY_GROUP.metric_name,
        1.0,
    );
    dimensioned.dimensions = vec![dimension("EventName", "CreateSecurityGroup")];
    let f = run(
        &security_group_changes::CHECK,
        &with_alarm(dimensioned.clone()),
    );
    assert_eq!((f.status, f.message.en.as_str()), (Status::Fail, no_alarm));
    let mut math = math_alarm(Some("SUM(m1)"), "Sum");
    math.metrics[0].dimensions = dimensioned.dimensions.clone();
    let f = run(&security_group_changes::CHECK, &with_alarm(math));
    assert_eq!((f.status, f.message.en.as_str()), (Status::Fail, no_alarm));

    // The filter publishes a dimension: an alarm without it sees no data,
    // one on it sees only the events with its value.
    let mut s = complete(&operations::SECURITY_GROUP, 1.0);
    value(&mut home(&mut s).metric_filters)[0].transformations[0]
        .dimensions
        .insert("EventName".into(), "$.eventName".into());
    let f = run(&security_group_changes::CHECK, &s);
    assert_eq!((f.status, f.message.en.as_str()), (Status::Fail, no_alarm));
    home(&mut s).alarms = Collected::Value(vec![MetricAlarm {
        name: "per-event".into(),
        ..dimensioned
    }]);
    assert_says(
        &run(&security_group_changes::CHECK, &s),
        Status::Manual,
        "Whether \"security group created, changed or deleted\" is notified needs a person: kensa \
         cannot tell whether alarm per-event fires on these events: it watches only the data points \
         with EventName=CreateSecurityGroup, and kensa does not follow the dimension values the \
         filter takes from each event",
        "「セキュリティグループの作成・変更・削除」が通知されるかは人の確認が必要です: アラーム per-event \
         がこれらのイベントで発報するか kensa には判断できません: EventName=CreateSecurityGroup のデータポイントだけを\
         監視しており、フィルターがイベントから取るディメンション値を kensa は追跡しません",
    );
}

fn rule(name: &str, pattern: &str, state: &str) -> EventRule {
    EventRule {
        name: name.into(),
        arn: format!("arn:aws:events:{HOME}:123456789012:rule/{name}"),
        event_pattern: Some(pattern.into()),
        state: Some(state.into()),
        targets: Collected::Value(vec![RuleTarget {
            id: "alerts".into(),
            arn: TOPIC.into(),
        }]),
    }
}

const TRAIL_RULE: &str = r#"{"source":["aws.cloudtrail"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventName":["CreateTrail","UpdateTrail","DeleteTrail","StartLogging","StopLogging"]}}"#;

/// Only EventBridge: no metric filters anywhere.
fn eventbridge_only(rules_home: Vec<EventRule>, rules_other: Vec<EventRule>) -> Snapshot {
    let mut s = complete(&operations::CLOUDTRAIL, 1.0);
    home(&mut s).metric_filters = Collected::Value(vec![]);
    home(&mut s).event_rules = Collected::Value(rules_home);
    s.regions.get_mut(OTHER).unwrap().monitoring.event_rules = Collected::Value(rules_other);
    s
}

#[test]
fn eventbridge_rules_in_every_region_pass() {
    let s = eventbridge_only(
        vec![rule("trail-changes", TRAIL_RULE, "ENABLED")],
        vec![rule("trail-changes", TRAIL_RULE, "ENABLED")],
    );
    let f = run(&cloudtrail_changes::CHECK, &s);
    assert_eq!(f.status, Status::Pass, "{}", f.message.en);
    assert_eq!(
        f.message.en,
        "\"CloudTrail created, changed or deleted, logging started or stopped\" is notified: \
         EventBridge rule trail-changes (ap-northeast-1) → topic \
         arn:aws:sns:ap-northeast-1:123456789012:security-alerts; EventBridge rule trail-changes \
         (us-east-1) → topic arn:aws:sns:ap-northeast-1:123456789012:security-alerts"
    );
}

#[test]
fn eventbridge_rule_missing_in_a_region_fails() {
    let s = eventbridge_only(vec![rule("trail-changes", TRAIL_RULE, "ENABLED")], vec![]);
    let f = run(&cloudtrail_changes::CHECK, &s);
    assert_says(
        &f,
        Status::Fail,
        "\"CloudTrail created, changed or deleted, logging started or stopped\" is not notified: log \
         group CloudTrail/DefaultLogGroup has no metric filter; EventBridge: no EventBridge rule in \
         us-east-1 matches any CloudTrail created, changed or deleted, logging started or stopped event",
        "「CloudTrail の作成・変更・削除、ログ記録の開始・停止」は通知されません: ロググループ \
         CloudTrail/DefaultLogGroup にメトリクスフィルターがありません; EventBridge: us-east-1 のどの \
         EventBridge ルールも「CloudTrail の作成・変更・削除、ログ記録の開始・停止」のイベントに一致しません",
    );
    assert_eq!(f.evidence["eventbridge_path"], "no_rule_matches");
    assert_eq!(f.evidence["metric_filter_path"], "no_metric_filter");
    // A disabled rule delivers nothing.
    let s = eventbridge_only(
        vec![rule("trail-changes", TRAIL_RULE, "ENABLED")],
        vec![rule("trail-changes", TRAIL_RULE, "DISABLED")],
    );
    assert_eq!(run(&cloudtrail_changes::CHECK, &s).status, Status::Fail);
}

#[test]
fn eventbridge_rule_that_misses_events_is_named_beside_the_filters() {
    let partial =
        r#"{"source":["aws.cloudtrail"],"detail":{"eventName":["StopLogging","DeleteTrail"]}}"#;
    let s = eventbridge_only(
        vec![rule("stop-only", partial, "ENABLED")],
        vec![rule("stop-only", partial, "ENABLED")],
    );
    assert_says(
        &run(&cloudtrail_changes::CHECK, &s),
        Status::Fail,
        "\"CloudTrail created, changed or deleted, logging started or stopped\" is not notified: log \
         group CloudTrail/DefaultLogGroup has no metric filter; EventBridge: the EventBridge rules in \
         ap-northeast-1 miss CreateTrail, UpdateTrail, StartLogging",
        "「CloudTrail の作成・変更・削除、ログ記録の開始・停止」は通知されません: ロググループ \
         CloudTrail/DefaultLogGroup にメトリクスフィルターがありません; EventBridge: ap-northeast-1 の \
         EventBridge ルールは CreateTrail, UpdateTrail, StartLogging を検出しません",
    );
}

#[test]
fn eventbridge_needs_all_management_events_for_refused_reads() {
    let denied = r#"{"detail":{"errorCode":[{"suffix":"UnauthorizedOperation"},{"prefix":"AccessDenied"}]}}"#;
    let build = |state: &str| {
        let mut s = complete(&operations::UNAUTHORIZED_CALL, 1.0);
        home(&mut s).metric_filters = Collected::Value(vec![]);
        for r in s.regions.values_mut() {
            r.monitoring.event_rules = Collected::Value(vec![rule("denied", denied, state)]);
        }
        s
    };
    let f = run(&unauthorized_api_calls::CHECK, &build("ENABLED"));
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .en
            .ends_with("miss DescribeInstances denied (UnauthorizedOperation)"),
        "{}",
        f.message.en
    );
    let f = run(
        &unauthorized_api_calls::CHECK,
        &build("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"),
    );
    assert_eq!(f.status, Status::Pass, "{}", f.message.en);
}

#[test]
fn global_events_need_a_rule_in_us_east_1_only() {
    let failures = r#"{"source":["aws.signin"],"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"eventName":["ConsoleLogin"],"errorMessage":["Failed authentication"]}}"#;
    let mut s = complete(&operations::CONSOLE_SIGN_IN_FAILURE, 3.0);
    home(&mut s).metric_filters = Collected::Value(vec![]);
    s.regions.get_mut(OTHER).unwrap().monitoring.event_rules =
        Collected::Value(vec![rule("sign-in-failures", failures, "ENABLED")]);
    let f = run(&console_sign_in_failures::CHECK, &s);
    assert_eq!(f.status, Status::Pass, "{}", f.message.en);
}

fn failed(operation: &str) -> CallError {
    CallError {
        service: operation.split(':').next().unwrap().into(),
        operation: operation.split(':').nth(1).unwrap().into(),
        region: Some(HOME.into()),
        resource: None,
        code: "AccessDenied".into(),
        message: "not allowed".into(),
    }
}

/// Makes one link of a complete chain unreadable.
type Breaker = Box<dyn Fn(&mut Snapshot)>;

#[test]
fn unreadable_links_are_errors_naming_the_call() {
    let cases: Vec<(&str, Breaker)> = vec![
        (
            "logs:DescribeMetricFilters",
            Box::new(|s| {
                home(s).metric_filters = Collected::Error(failed("logs:DescribeMetricFilters"))
            }),
        ),
        (
            "cloudwatch:DescribeAlarms",
            Box::new(|s| home(s).alarms = Collected::Error(failed("cloudwatch:DescribeAlarms"))),
        ),
        (
            "sns:ListTopics",
            Box::new(|s| home(s).topics = Collected::Error(failed("sns:ListTopics"))),
        ),
        (
            "sns:ListSubscriptionsByTopic",
            Box::new(|s| {
                value(&mut home(s).topics)[0].subscriptions =
                    Collected::Error(failed("sns:ListSubscriptionsByTopic"))
            }),
        ),
        (
            "cloudtrail:GetTrailStatus",
            Box::new(|s| {
                for r in s.regions.values_mut() {
                    value(&mut r.monitoring.trails)[0].status =
                        Collected::Error(failed("cloudtrail:GetTrailStatus"));
                }
            }),
        ),
        (
            "cloudtrail:GetEventSelectors",
            Box::new(|s| {
                for r in s.regions.values_mut() {
                    value(&mut r.monitoring.trails)[0].event_selectors =
                        Collected::Error(failed("cloudtrail:GetEventSelectors"));
                }
            }),
        ),
    ];
    for (call, break_it) in cases {
        let mut s = complete(&operations::SECURITY_GROUP, 1.0);
        break_it(&mut s);
        let f = run(&security_group_changes::CHECK, &s);
        assert_eq!(f.status, Status::Error, "{call}: {}", f.message.en);
        assert_eq!(
            f.message.en,
            format!(
                "Could not decide for ALM-1: security group created, changed or deleted: {call} \
                 failed (AccessDenied: not allowed)"
            )
        );
        assert!(f.message.ja.contains(&format!("{call} が失敗しました")));
        assert_eq!(f.evidence["failed_call"]["code"], "AccessDenied");
    }
}

#[test]
fn trails_not_collected_are_an_error_not_a_pass() {
    let mut s = complete(&operations::SECURITY_GROUP, 1.0);
    s.regions.clear();
    assert_says(
        &run(&security_group_changes::CHECK, &s),
        Status::Error,
        "Could not decide for ALM-1: security group created, changed or deleted: \
         cloudtrail:DescribeTrails was not collected in this snapshot",
        "ALM-1: security group created, changed or deleted を判定できません: このスナップショットには \
         cloudtrail:DescribeTrails の結果がありません",
    );
}

#[test]
fn a_broken_chain_with_a_complete_one_beside_it_passes() {
    // The other region's trail list failed, but the home region shows a
    // complete chain: that chain is evidence enough.
    let mut s = complete(&operations::SECURITY_GROUP, 1.0);
    s.regions.get_mut(OTHER).unwrap().monitoring.trails =
        Collected::Error(failed("cloudtrail:DescribeTrails"));
    assert_eq!(run(&security_group_changes::CHECK, &s).status, Status::Pass);
}

#[test]
fn fail_evidence_snapshot() {
    let s = with_filters(
        &operations::CLOUDTRAIL,
        vec![filter(
            "stop-only",
            "{ $.eventName = StopLogging }",
            "CloudTrailEventCount",
        )],
    );
    let f = run(&cloudtrail_changes::CHECK, &s);
    insta::assert_snapshot!(serde_json::to_string_pretty(&f.evidence).unwrap());
}
