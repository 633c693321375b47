//! Follows the notification chain of one operation through the snapshot
//! and decides PASS, FAIL (naming the first missing link) or ERROR
//! (naming the call that could not be read).
//!
//! Metric path: a multi-region trail that is logging and records the
//! operation's events → the CloudWatch Logs group it delivers to → metric
//! filters on that group that, run on the operation's sample records,
//! together match every one → an alarm on each filter's metric that fires
//! on the configured number of events → an enabled action to an SNS topic
//! with a confirmed subscription.
//!
//! EventBridge path: in every region the events occur in (us-east-1 for
//! global services), enabled rules on the default bus whose event patterns
//! match the records as EventBridge delivers them → an SNS topic target
//! with a confirmed subscription.

use std::collections::{BTreeMap, BTreeSet};

use kensa_snapshot::monitoring::{EventSelectors, FieldSelector, MetricAlarm, Monitoring, Trail};
use kensa_snapshot::{Collected, Missing};
use serde_json::{Value, json};

use super::engine::{Filter, Rule};
use super::operations::{Operation, Sample};
use super::watch::{Watch, watches};
use crate::{CheckMeta, Context, Finding, GLOBAL_REGION, Resource, Status, Text, text};

/// Where CloudTrail delivers IAM, STS and sign-in events.
const GLOBAL_EVENTS_REGION: &str = "us-east-1";

/// The state that lets an EventBridge rule see read-only management calls
/// (`Describe*`, `Get*`...); plain `ENABLED` rules never receive them.
const ALL_MANAGEMENT_EVENTS: &str = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

/// The first broken link of a chain, in chain order: a later variant
/// means the chain got further.
#[derive(Debug, Clone, PartialEq)]
enum Broken {
    NoTrail,
    NotMultiRegion(String),
    NotLogging(String),
    TrailMisses(String, Vec<String>),
    NoLogGroup(String),
    NoFilter(String),
    NoFilterMatches(String),
    FilterMisses(String, Vec<String>),
    NoRuleMatches(String),
    RuleMisses(String, Vec<String>),
    NoAlarm(Vec<String>),
    AlarmNeverFires(Vec<(String, Text)>),
    NoAction(Vec<String>),
    NoTopicTarget(Vec<String>),
    NoConfirmedSubscription(Vec<String>),
    /// The chain is complete but for alarms kensa cannot judge (metric
    /// math it does not evaluate, dimension values): a person decides.
    Undecided(Vec<(String, Text)>),
}

impl Broken {
    fn rank(&self) -> u8 {
        match self {
            Broken::NoTrail => 0,
            Broken::NotMultiRegion(_) => 1,
            Broken::NotLogging(_) => 2,
            Broken::TrailMisses(..) => 3,
            Broken::NoLogGroup(_) => 4,
            Broken::NoFilter(_) | Broken::NoRuleMatches(_) => 5,
            Broken::NoFilterMatches(_) => 6,
            Broken::FilterMisses(..) | Broken::RuleMisses(..) => 7,
            Broken::NoAlarm(_) | Broken::NoTopicTarget(_) => 8,
            Broken::AlarmNeverFires(_) => 9,
            Broken::NoAction(_) => 10,
            Broken::NoConfirmedSubscription(_) => 11,
            Broken::Undecided(_) => 12,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Broken::NoTrail => "no_trail",
            Broken::NotMultiRegion(_) => "trail_not_multi_region",
            Broken::NotLogging(_) => "trail_not_logging",
            Broken::TrailMisses(..) => "trail_misses_events",
            Broken::NoLogGroup(_) => "no_log_group",
            Broken::NoFilter(_) => "no_metric_filter",
            Broken::NoFilterMatches(_) => "no_filter_matches",
            Broken::FilterMisses(..) => "filter_misses_events",
            Broken::NoRuleMatches(_) => "no_rule_matches",
            Broken::RuleMisses(..) => "rule_misses_events",
            Broken::NoAlarm(_) => "no_alarm",
            Broken::AlarmNeverFires(_) => "alarm_never_fires",
            Broken::NoAction(_) => "no_alarm_action",
            Broken::NoTopicTarget(_) => "no_topic_target",
            Broken::NoConfirmedSubscription(_) => "no_confirmed_subscription",
            Broken::Undecided(_) => "alarm_undecided",
        }
    }

    fn text(&self, op: &Operation) -> Text {
        let list = |items: &[String]| items.join(", ");
        let (title_en, title_ja) = (op.title.en, op.title.ja);
        match self {
            Broken::NoTrail => text!("no CloudTrail trail", "CloudTrail の証跡がありません"),
            Broken::NotMultiRegion(t) => text!(
                "trail {t} records only its own region",
                "証跡 {t} は自リージョンしか記録しません"
            ),
            Broken::NotLogging(t) => text!(
                "trail {t} is not logging",
                "証跡 {t} はログ記録を停止しています"
            ),
            Broken::TrailMisses(t, events) => {
                let events = list(events);
                text!(
                    "trail {t} does not record {events}",
                    "証跡 {t} は {events} を記録しません"
                )
            }
            Broken::NoLogGroup(t) => text!(
                "trail {t} does not deliver to CloudWatch Logs",
                "証跡 {t} は CloudWatch Logs に配信していません"
            ),
            Broken::NoFilter(g) => text!(
                "log group {g} has no metric filter",
                "ロググループ {g} にメトリクスフィルターがありません"
            ),
            Broken::NoFilterMatches(g) => text!(
                "no metric filter on log group {g} matches any {title_en} event",
                "ロググループ {g} のどのメトリクスフィルターも「{title_ja}」のイベントに一致しません"
            ),
            Broken::FilterMisses(g, events) => {
                let events = list(events);
                text!(
                    "the metric filters on log group {g} miss {events}",
                    "ロググループ {g} のメトリクスフィルターは {events} を検出しません"
                )
            }
            Broken::NoRuleMatches(r) => text!(
                "no EventBridge rule in {r} matches any {title_en} event",
                "{r} のどの EventBridge ルールも「{title_ja}」のイベントに一致しません"
            ),
            Broken::RuleMisses(r, events) => {
                let events = list(events);
                text!(
                    "the EventBridge rules in {r} miss {events}",
                    "{r} の EventBridge ルールは {events} を検出しません"
                )
            }
            Broken::NoAlarm(metrics) => {
                let metrics = list(metrics);
                text!(
                    "no alarm on metric {metrics}",
                    "メトリクス {metrics} にアラームがありません"
                )
            }
            Broken::AlarmNeverFires(alarms) => alarm_reasons(
                alarms,
                |a, why| format!("alarm {a} never fires ({why})"),
                |a, why| format!("アラーム {a} は発報しません ({why})"),
            ),
            Broken::Undecided(alarms) => alarm_reasons(
                alarms,
                |a, why| {
                    format!("kensa cannot tell whether alarm {a} fires on these events: {why}")
                },
                |a, why| {
                    format!(
                        "アラーム {a} がこれらのイベントで発報するか kensa には判断できません: {why}"
                    )
                },
            ),
            Broken::NoAction(alarms) => {
                let alarms = list(alarms);
                text!(
                    "alarm {alarms} has no enabled SNS action",
                    "アラーム {alarms} に有効な SNS アクションがありません"
                )
            }
            Broken::NoTopicTarget(rules) => {
                let rules = list(rules);
                text!(
                    "EventBridge rule {rules} has no SNS topic target",
                    "EventBridge ルール {rules} に SNS トピックのターゲットがありません"
                )
            }
            Broken::NoConfirmedSubscription(topics) => {
                let topics = list(topics);
                text!(
                    "topic {topics} has no confirmed subscription",
                    "トピック {topics} に確認済みのサブスクリプションがありません"
                )
            }
        }
    }

    /// Keeps whichever of two diagnoses got further; at the same link,
    /// both lists of names.
    fn further(self, other: Broken) -> Broken {
        use std::cmp::Ordering;
        match self.rank().cmp(&other.rank()) {
            Ordering::Greater => self,
            Ordering::Less => other,
            Ordering::Equal => match (self, other) {
                (Broken::NoAlarm(mut a), Broken::NoAlarm(b)) => {
                    merge(&mut a, b);
                    Broken::NoAlarm(a)
                }
                (Broken::AlarmNeverFires(mut a), Broken::AlarmNeverFires(b)) => {
                    merge(&mut a, b);
                    Broken::AlarmNeverFires(a)
                }
                (Broken::Undecided(mut a), Broken::Undecided(b)) => {
                    merge(&mut a, b);
                    Broken::Undecided(a)
                }
                (Broken::NoAction(mut a), Broken::NoAction(b)) => {
                    merge(&mut a, b);
                    Broken::NoAction(a)
                }
                (Broken::NoTopicTarget(mut a), Broken::NoTopicTarget(b)) => {
                    merge(&mut a, b);
                    Broken::NoTopicTarget(a)
                }
                (Broken::NoConfirmedSubscription(mut a), Broken::NoConfirmedSubscription(b)) => {
                    merge(&mut a, b);
                    Broken::NoConfirmedSubscription(a)
                }
                (a, _) => a,
            },
        }
    }
}

/// One sentence per alarm, in each language.
fn alarm_reasons(
    alarms: &[(String, Text)],
    en: impl Fn(&str, &str) -> String,
    ja: impl Fn(&str, &str) -> String,
) -> Text {
    let join = |each: &dyn Fn(&(String, Text)) -> String| {
        alarms.iter().map(each).collect::<Vec<_>>().join("; ")
    };
    Text::new(
        join(&|(a, why)| en(a, &why.en)),
        join(&|(a, why)| ja(a, &why.ja)),
    )
}

fn merge<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
    for item in from {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

/// A complete chain: the names along it, for the PASS message.
#[derive(Debug)]
struct Notified {
    summary: Text,
    evidence: Value,
}

/// What one filter (or rule) leads to once it has matched events.
#[derive(Debug)]
enum Downstream {
    Broken(Broken),
    Notified {
        alarms: Vec<String>,
        topics: Vec<String>,
    },
}

/// The data the chain needs and the calls that could not give it.
struct Walk<'c, 'a> {
    ctx: &'c Context<'a>,
    events_to_alarm: u32,
    positives: Vec<Sample>,
    negatives: Vec<Sample>,
    /// The first unreadable datum: (why, call, about what).
    unread: Vec<(Missing<'a>, &'static str)>,
    filters: Vec<Value>,
    rules: Vec<Value>,
}

impl<'c, 'a> Walk<'c, 'a> {
    fn monitoring(&mut self, region: &str, call: &'static str) -> Option<&'a Monitoring> {
        match self.ctx.snapshot.regions.get(region) {
            Some(r) => Some(&r.monitoring),
            None => {
                self.unread.push((Missing::NotCollected, call));
                None
            }
        }
    }

    fn read<T>(&mut self, collected: &'a Collected<T>, call: &'static str) -> Option<&'a T> {
        match collected.get() {
            Ok(v) => Some(v),
            Err(m) => {
                self.unread.push((m, call));
                None
            }
        }
    }

    fn labels(&self, indices: impl IntoIterator<Item = usize>) -> Vec<String> {
        indices
            .into_iter()
            .map(|i| self.positives[i].label.clone())
            .collect()
    }

    /// Every trail any audited region shows, once each (a multi-region
    /// trail shows in every region as a shadow trail).
    fn trails(&mut self) -> Vec<&'a Trail> {
        let mut seen = BTreeMap::new();
        let regions = self.ctx.snapshot.audited_regions.clone();
        for region in &regions {
            let Some(m) = self.monitoring(region, "cloudtrail:DescribeTrails") else {
                continue;
            };
            if let Some(trails) = self.read(&m.trails, "cloudtrail:DescribeTrails") {
                for t in trails {
                    seen.entry(t.arn.clone()).or_insert(t);
                }
            }
        }
        seen.into_values().collect()
    }

    /// The state of the topic an action or target names.
    fn topic(&mut self, arn: &str) -> TopicState {
        let region = arn.split(':').nth(3).unwrap_or_default().to_owned();
        let Some(m) = self.monitoring(&region, "sns:ListTopics") else {
            return TopicState::Unread;
        };
        let Some(topics) = self.read(&m.topics, "sns:ListTopics") else {
            return TopicState::Unread;
        };
        let Some(topic) = topics.iter().find(|t| t.arn == arn) else {
            return TopicState::NotFound;
        };
        match self.read(&topic.subscriptions, "sns:ListSubscriptionsByTopic") {
            None => TopicState::Unread,
            Some(subs) if subs.iter().any(|s| s.is_confirmed()) => TopicState::Confirmed,
            Some(_) => TopicState::Unconfirmed,
        }
    }

    /// Notification through SNS topics named by ARN.
    fn topics_downstream(&mut self, owner: &str, arns: &[&str], alarm: bool) -> Downstream {
        let topics: Vec<&str> = arns
            .iter()
            .copied()
            .filter(|a| a.split(':').nth(2) == Some("sns"))
            .collect();
        if topics.is_empty() {
            return Downstream::Broken(if alarm {
                Broken::NoAction(vec![owner.to_owned()])
            } else {
                Broken::NoTopicTarget(vec![owner.to_owned()])
            });
        }
        let mut confirmed = Vec::new();
        let mut unconfirmed = Vec::new();
        for arn in topics {
            match self.topic(arn) {
                TopicState::Confirmed => confirmed.push(arn.to_owned()),
                TopicState::Unconfirmed => unconfirmed.push(arn.to_owned()),
                TopicState::NotFound => unconfirmed.push(format!("{arn} (not found)")),
                TopicState::Unread => {}
            }
        }
        if confirmed.is_empty() {
            Downstream::Broken(Broken::NoConfirmedSubscription(unconfirmed))
        } else {
            Downstream::Notified {
                alarms: vec![owner.to_owned()],
                topics: confirmed,
            }
        }
    }
}

enum TopicState {
    Confirmed,
    Unconfirmed,
    NotFound,
    Unread,
}

/// Does the trail record this event? Empty selectors are AWS's default:
/// every read and write management event.
fn records(trail: &Trail, selectors: &EventSelectors, sample: &Sample) -> bool {
    if sample.is_global() && !trail.include_global_service_events {
        return false;
    }
    if selectors.basic.is_empty() && selectors.advanced.is_empty() {
        return true;
    }
    let read_only = sample.is_read_only();
    let source = sample.event_source();
    let basic = selectors.basic.iter().any(|s| {
        s.include_management_events
            && match s.read_write_type.as_str() {
                "All" => true,
                "ReadOnly" => read_only,
                "WriteOnly" => !read_only,
                _ => false,
            }
            && !s
                .exclude_management_event_sources
                .iter()
                .any(|e| e == source)
    });
    let advanced = selectors.advanced.iter().any(|s| {
        s.field_selectors.iter().all(|f| {
            let value = match f.field.as_str() {
                "eventCategory" => "Management".to_owned(),
                "readOnly" => read_only.to_string(),
                "eventSource" => source.to_owned(),
                "eventName" => sample.record["eventName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                "eventType" => sample.record["eventType"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                // Fields of data events (resources.type...) never select a
                // management event.
                _ => return false,
            };
            field_accepts(f, &value)
        }) && s.field_selectors.iter().any(|f| f.field == "eventCategory")
    });
    basic || advanced
}

/// An advanced field selector: any positive condition, and no negative one.
fn field_accepts(f: &FieldSelector, value: &str) -> bool {
    let positive = f.equals.is_empty() && f.starts_with.is_empty() && f.ends_with.is_empty()
        || f.equals.iter().any(|e| e == value)
        || f.starts_with.iter().any(|p| value.starts_with(p.as_str()))
        || f.ends_with.iter().any(|p| value.ends_with(p.as_str()));
    let negative = f.not_equals.iter().any(|e| e == value)
        || f.not_starts_with
            .iter()
            .any(|p| value.starts_with(p.as_str()))
        || f.not_ends_with.iter().any(|p| value.ends_with(p.as_str()));
    positive && !negative
}

/// Does `alarm` go into ALARM when `n` events, each adding `value` to its
/// metric, happen within one period? `Err` says why not.
pub(crate) fn fires(alarm: &MetricAlarm, value: f64, n: u32) -> Result<(), Text> {
    let count = f64::from(n);
    let statistic = alarm
        .statistic
        .as_deref()
        .or(alarm.extended_statistic.as_deref())
        .unwrap_or("");
    let observed = match statistic {
        "Sum" => count * value,
        "SampleCount" => count,
        "Average" | "Minimum" | "Maximum" => value,
        p if alarm.extended_statistic.is_some() && !p.is_empty() => value,
        _ => {
            return Err(text!("it has no statistic", "統計が設定されていません"));
        }
    };
    let needed = alarm
        .datapoints_to_alarm
        .or(alarm.evaluation_periods)
        .unwrap_or(1);
    if needed > 1 {
        return Err(text!(
            "it needs {needed} breaching periods, one burst of events gives one",
            "{needed} 期間の超過が必要ですが、一度の操作で超過するのは 1 期間だけです"
        ));
    }
    let Some(threshold) = alarm.threshold else {
        return Err(text!("it has no threshold", "しきい値が設定されていません"));
    };
    let operator = alarm.comparison_operator.as_deref().unwrap_or("");
    let breaches = match operator {
        "GreaterThanOrEqualToThreshold" => observed >= threshold,
        "GreaterThanThreshold" => observed > threshold,
        _ => {
            return Err(text!(
                "{operator} does not fire when events occur",
                "{operator} はイベント発生時に発報しません"
            ));
        }
    };
    if breaches {
        Ok(())
    } else {
        Err(text!(
            "{statistic} of {n} event(s) is {observed}, not {operator} {threshold}",
            "{n} 件のイベントの {statistic} は {observed} で、{operator} {threshold} を満たしません"
        ))
    }
}

fn all(n: usize) -> BTreeSet<usize> {
    (0..n).collect()
}

/// The metric path through one trail.
fn through_trail<'a>(w: &mut Walk<'_, 'a>, trail: &'a Trail) -> Result<Notified, Option<Broken>> {
    let name = trail.name.clone();
    if !trail.is_multi_region_trail {
        return Err(Some(Broken::NotMultiRegion(name)));
    }
    let status = w
        .read(&trail.status, "cloudtrail:GetTrailStatus")
        .ok_or(None)?;
    if !status.is_logging {
        return Err(Some(Broken::NotLogging(name)));
    }
    let selectors = w
        .read(&trail.event_selectors, "cloudtrail:GetEventSelectors")
        .ok_or(None)?;
    let unrecorded: Vec<usize> = (0..w.positives.len())
        .filter(|&i| !records(trail, selectors, &w.positives[i]))
        .collect();
    if !unrecorded.is_empty() {
        return Err(Some(Broken::TrailMisses(name, w.labels(unrecorded))));
    }
    let Some(group) = trail.log_group_name() else {
        return Err(Some(Broken::NoLogGroup(name)));
    };
    let region = trail.log_group_region().unwrap_or(&trail.home_region);
    let m = w
        .monitoring(region, "logs:DescribeMetricFilters")
        .ok_or(None)?;
    let filters = w
        .read(&m.metric_filters, "logs:DescribeMetricFilters")
        .ok_or(None)?;
    let on_group: Vec<_> = filters
        .iter()
        .filter(|f| f.log_group_name == group)
        .collect();
    if on_group.is_empty() {
        return Err(Some(Broken::NoFilter(group.to_owned())));
    }
    let everything = all(w.positives.len());
    let mut matched_by = Vec::new();
    for f in &on_group {
        let parsed = Filter::parse(&f.pattern);
        let matched: BTreeSet<usize> = everything
            .iter()
            .copied()
            .filter(|&i| parsed.matches(&w.positives[i]))
            .collect();
        let noise: Vec<String> = w
            .negatives
            .iter()
            .filter(|s| parsed.matches(s))
            .map(|s| s.label.clone())
            .collect();
        // A filter that matches none of the events is listed by its pattern
        // only: its misses would be every event again.
        let mut shown = json!({
            "log_group": group,
            "filter": f.name,
            "pattern": f.pattern,
            "parse_error": parsed.error(),
            "matches": w.labels(matched.iter().copied()),
        });
        if !matched.is_empty() {
            shown["misses"] = json!(w.labels(everything.difference(&matched).copied()));
        }
        if !noise.is_empty() || !matched.is_empty() {
            shown["also_matches_near_misses"] = json!(noise);
        }
        w.filters.push(shown);
        matched_by.push((*f, matched));
    }
    let union: BTreeSet<usize> = matched_by
        .iter()
        .flat_map(|(_, m)| m.iter().copied())
        .collect();
    if union.is_empty() {
        return Err(Some(Broken::NoFilterMatches(group.to_owned())));
    }
    if union != everything {
        let missed = w.labels(everything.difference(&union).copied());
        return Err(Some(Broken::FilterMisses(group.to_owned(), missed)));
    }
    let alarms = w.read(&m.alarms, "cloudwatch:DescribeAlarms").ok_or(None)?;
    let mut notified = BTreeSet::new();
    let mut chain_filters = Vec::new();
    let mut chain_alarms = Vec::new();
    let mut chain_topics = Vec::new();
    let mut downstream_of = Vec::new();
    for (f, matched) in matched_by.iter().filter(|(_, m)| !m.is_empty()) {
        let d = filter_downstream(w, f, alarms);
        if let Downstream::Notified { alarms, topics } = &d {
            notified.extend(matched.iter().copied());
            chain_filters.push(f.name.clone());
            merge(&mut chain_alarms, alarms.clone());
            merge(&mut chain_topics, topics.clone());
        }
        downstream_of.push((matched, d));
    }
    if notified == everything {
        let (t, fs, als, ts) = (
            &trail.name,
            chain_filters.join(", "),
            chain_alarms.join(", "),
            chain_topics.join(", "),
        );
        return Ok(Notified {
            summary: text!(
                "trail {t} → log group {group} → filter {fs} → alarm {als} → topic {ts}",
                "証跡 {t} → ロググループ {group} → フィルター {fs} → アラーム {als} → トピック {ts}"
            ),
            evidence: json!({
                "path": "metric_filter",
                "trail": trail.arn,
                "log_group": group,
                "filters": chain_filters,
                "alarms": chain_alarms,
                "topics": chain_topics,
            }),
        });
    }
    // Events some filter matches but no notified filter does: the best
    // downstream of the filters that match them is how far the chain got.
    let mut best: Option<Broken> = None;
    for (matched, d) in downstream_of {
        if let Downstream::Broken(b) = d
            && matched.iter().any(|i| !notified.contains(i))
        {
            best = Some(match best {
                Some(prev) => prev.further(b),
                None => b,
            });
        }
    }
    Err(best)
}

fn filter_downstream(
    w: &mut Walk<'_, '_>,
    filter: &kensa_snapshot::monitoring::MetricFilter,
    alarms: &[MetricAlarm],
) -> Downstream {
    let mut best = Broken::NoAlarm(
        filter
            .transformations
            .iter()
            .map(|t| format!("{}/{}", t.metric_namespace, t.metric_name))
            .collect(),
    );
    for t in &filter.transformations {
        let value = t.metric_value.trim().parse::<f64>();
        for alarm in alarms {
            let alarm = match watches(alarm, t) {
                Watch::No => continue,
                Watch::Undecided(why) => {
                    best = best.further(Broken::Undecided(vec![(alarm.name.clone(), why)]));
                    continue;
                }
                Watch::Yes(effective) => effective,
            };
            let alarm: &MetricAlarm = &alarm;
            let fired = match &value {
                Ok(v) => fires(alarm, *v, w.events_to_alarm),
                Err(_) => {
                    let v = &t.metric_value;
                    Err(text!(
                        "the filter's metric value {v} is not a fixed count",
                        "フィルターのメトリクス値 {v} は固定の件数ではありません"
                    ))
                }
            };
            let d = match fired {
                Err(why) => {
                    Downstream::Broken(Broken::AlarmNeverFires(vec![(alarm.name.clone(), why)]))
                }
                Ok(()) if !alarm.actions_enabled => {
                    Downstream::Broken(Broken::NoAction(vec![alarm.name.clone()]))
                }
                Ok(()) => {
                    let actions: Vec<&str> =
                        alarm.alarm_actions.iter().map(String::as_str).collect();
                    w.topics_downstream(&alarm.name, &actions, true)
                }
            };
            match d {
                Downstream::Notified { .. } => return d,
                Downstream::Broken(b) => best = best.further(b),
            }
        }
    }
    Downstream::Broken(best)
}

/// The EventBridge path in one region.
fn through_rules(w: &mut Walk<'_, '_>, region: &str) -> Result<Notified, Option<Broken>> {
    let m = w.monitoring(region, "events:ListRules").ok_or(None)?;
    let rules = w.read(&m.event_rules, "events:ListRules").ok_or(None)?;
    let samples: Vec<Sample> = w
        .positives
        .iter()
        .map(|s| {
            if s.is_global() {
                s.clone()
            } else {
                s.in_region(region)
            }
        })
        .collect();
    let events: Vec<Value> = samples.iter().map(Sample::as_eventbridge_event).collect();
    let everything = all(samples.len());
    let mut matched_by = Vec::new();
    for rule in rules.iter().filter(|r| r.is_enabled()) {
        let Some(pattern) = &rule.event_pattern else {
            continue;
        };
        let parsed = Rule::parse(pattern);
        let sees_read_only = rule.state.as_deref() == Some(ALL_MANAGEMENT_EVENTS);
        let matched: BTreeSet<usize> = everything
            .iter()
            .copied()
            .filter(|&i| {
                (sees_read_only || !samples[i].is_read_only()) && parsed.matches(&events[i])
            })
            .collect();
        if matched.is_empty() && parsed.error().is_none() {
            continue;
        }
        w.rules.push(json!({
            "region": region,
            "rule": rule.name,
            "event_pattern": pattern,
            "parse_error": parsed.error(),
            "matches": w.labels(matched.iter().copied()),
            "misses": w.labels(everything.difference(&matched).copied()),
        }));
        if !matched.is_empty() {
            matched_by.push((rule, matched));
        }
    }
    let union: BTreeSet<usize> = matched_by
        .iter()
        .flat_map(|(_, m)| m.iter().copied())
        .collect();
    if union.is_empty() {
        return Err(Some(Broken::NoRuleMatches(region.to_owned())));
    }
    if union != everything {
        let missed = w.labels(everything.difference(&union).copied());
        return Err(Some(Broken::RuleMisses(region.to_owned(), missed)));
    }
    let mut notified = BTreeSet::new();
    let mut names = Vec::new();
    let mut topics = Vec::new();
    let mut best: Option<Broken> = None;
    let mut unread = false;
    for (rule, matched) in &matched_by {
        let Some(targets) = w.read(&rule.targets, "events:ListTargetsByRule") else {
            unread = true;
            continue;
        };
        let arns: Vec<&str> = targets.iter().map(|t| t.arn.as_str()).collect();
        match w.topics_downstream(&rule.name, &arns, false) {
            Downstream::Notified { topics: t, .. } => {
                notified.extend(matched.iter().copied());
                names.push(rule.name.clone());
                merge(&mut topics, t);
            }
            Downstream::Broken(b) => {
                best = Some(match best {
                    Some(prev) => prev.further(b),
                    None => b,
                });
            }
        }
    }
    if notified == everything {
        let (rs, ts) = (names.join(", "), topics.join(", "));
        return Ok(Notified {
            summary: text!(
                "EventBridge rule {rs} ({region}) → topic {ts}",
                "EventBridge ルール {rs} ({region}) → トピック {ts}"
            ),
            evidence: json!({ "path": "eventbridge", "region": region, "rules": names, "topics": topics }),
        });
    }
    if unread {
        return Err(None);
    }
    Err(best)
}

/// The regions whose EventBridge must see the events: us-east-1 for
/// global services, else every audited region.
fn eventbridge_regions(w: &Walk<'_, '_>) -> Vec<String> {
    if w.positives.iter().all(Sample::is_global) {
        vec![GLOBAL_EVENTS_REGION.to_owned()]
    } else {
        w.ctx.snapshot.audited_regions.clone()
    }
}

/// How far one path got, for the evidence.
fn path_code(outcome: Result<(), &Option<Broken>>) -> &'static str {
    match outcome {
        Ok(()) => "notified",
        Err(Some(b)) => b.code(),
        Err(None) => "unreadable",
    }
}

/// The account-wide resource an operation's finding is about.
fn resource(ctx: &Context<'_>, op: &Operation) -> Resource {
    Resource {
        kind: "AWS::::Account".to_owned(),
        id: ctx.snapshot.account_id().unwrap_or("unknown").to_owned(),
        arn: None,
        name: Some(format!("{}: {}", op.key, op.title.en)),
        region: GLOBAL_REGION.to_owned(),
    }
}

/// The finding of one operation's check.
pub(crate) fn evaluate(ctx: &Context<'_>, meta: &CheckMeta, op: &Operation) -> Vec<Finding> {
    let mut w = Walk {
        ctx,
        events_to_alarm: ctx.config.alarms.events_to_alarm(op),
        positives: (op.positives)(),
        negatives: (op.negatives)(),
        unread: Vec::new(),
        filters: Vec::new(),
        rules: Vec::new(),
    };

    // The metric path, through every trail; the one that got furthest speaks.
    let trails = w.trails();
    let mut metric: Result<Notified, Option<Broken>> = Err(Some(Broken::NoTrail));
    let mut trail_evidence = Vec::new();
    for trail in &trails {
        trail_evidence.push(json!({
            "trail": trail.arn,
            "multi_region": trail.is_multi_region_trail,
            "include_global_service_events": trail.include_global_service_events,
            "logging": trail.status.value().map(|s| s.is_logging),
            "log_group": trail.cloud_watch_logs_log_group_arn,
        }));
        let outcome = through_trail(&mut w, trail);
        metric = match (metric, outcome) {
            (Ok(done), _) => Ok(done),
            (_, Ok(done)) => Ok(done),
            (Err(Some(a)), Err(Some(b))) => Err(Some(a.further(b))),
            (Err(a), Err(b)) => Err(a.or(b)),
        };
    }

    // The EventBridge path, region by region; all of them must notify.
    let mut bridge_notified = Vec::new();
    let mut bridge_broken: Option<Option<Broken>> = None;
    for region in eventbridge_regions(&w) {
        match through_rules(&mut w, &region) {
            Ok(n) => bridge_notified.push(n),
            Err(b) => {
                bridge_broken = Some(match (bridge_broken, b) {
                    (None, b) => b,
                    (Some(Some(a)), Some(b)) => Some(if a.rank() <= b.rank() { a } else { b }),
                    (Some(a), b) => a.or(b),
                });
            }
        }
    }
    // Some regions notify: the rule is worth naming even where it is missing.
    let bridge_partly = !bridge_notified.is_empty();
    let bridge: Result<Vec<Notified>, Option<Broken>> = match bridge_broken {
        None if !bridge_notified.is_empty() => Ok(bridge_notified),
        None => Err(None),
        Some(b) => Err(b),
    };

    let resource = resource(ctx, op);
    let (title_en, title_ja) = (op.title.en, op.title.ja);
    let mut evidence = json!({
        "operation": op.key,
        "events_to_alarm": w.events_to_alarm,
        "events": w.positives.iter().map(|s| s.label.clone()).collect::<Vec<_>>(),
        "trails": trail_evidence,
        "metric_filters": w.filters,
        "eventbridge_rules": w.rules,
        "canonical_pattern": op.canonical_pattern,
    });
    evidence["metric_filter_path"] = json!(path_code(metric.as_ref().map(|_| ())));
    evidence["eventbridge_path"] = json!(path_code(bridge.as_ref().map(|_| ())));

    let passed: Option<(Text, Value)> = match (&metric, &bridge) {
        (Ok(n), _) => Some((n.summary.clone(), n.evidence.clone())),
        (_, Ok(ns)) => Some((
            Text::new(
                ns.iter()
                    .map(|n| n.summary.en.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                ns.iter()
                    .map(|n| n.summary.ja.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            json!(ns.iter().map(|n| n.evidence.clone()).collect::<Vec<_>>()),
        )),
        _ => None,
    };
    if let Some((summary, chain)) = passed {
        evidence["chain"] = chain;
        let (en, ja) = (&summary.en, &summary.ja);
        return vec![meta.finding(
            Status::Pass,
            resource,
            text!(
                "\"{title_en}\" is notified: {en}",
                "「{title_ja}」は通知されます: {ja}"
            ),
            evidence,
        )];
    }
    if let Some((missing, call)) = w.unread.first().copied() {
        let mut finding = meta.missing(resource, missing, call);
        if let Some(obj) = finding.evidence.as_object_mut() {
            for (k, v) in evidence.as_object().into_iter().flatten() {
                obj.insert(k.clone(), v.clone());
            }
        }
        return vec![finding];
    }
    let undecided = matches!(&metric, Err(Some(Broken::Undecided(_))));
    let mut reason = match &metric {
        Err(Some(b)) => b.text(op),
        _ => Broken::NoTrail.text(op),
    };
    // A rule that matched something is worth naming beside the filters.
    if let Err(Some(b)) = &bridge
        && (bridge_partly || b.rank() > Broken::NoRuleMatches(String::new()).rank())
    {
        let t = b.text(op);
        reason = Text::new(
            format!("{}; EventBridge: {}", reason.en, t.en),
            format!("{}; EventBridge: {}", reason.ja, t.ja),
        );
    }
    let (en, ja) = (&reason.en, &reason.ja);
    if undecided {
        return vec![meta.finding(
            Status::Manual,
            resource,
            text!(
                "Whether \"{title_en}\" is notified needs a person: {en}",
                "「{title_ja}」が通知されるかは人の確認が必要です: {ja}"
            ),
            evidence,
        )];
    }
    vec![meta.finding(
        Status::Fail,
        resource,
        text!(
            "\"{title_en}\" is not notified: {en}",
            "「{title_ja}」は通知されません: {ja}"
        ),
        evidence,
    )]
}
