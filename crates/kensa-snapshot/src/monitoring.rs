//! The monitoring chain, per region: what ALM-1..ALM-11 read.
//!
//! CloudTrail trail → CloudWatch Logs group → metric filter → alarm → SNS
//! topic with a confirmed subscriber; or an EventBridge rule on the
//! default bus → topic. Field names follow the AWS APIs so that a person
//! can compare a snapshot with `aws cloudtrail describe-trails` output.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Collected;

/// One region's monitoring, each list from its own call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Monitoring {
    /// `cloudtrail:DescribeTrails` with shadow trails: a multi-region trail
    /// shows in every region, with its home region.
    #[serde(default)]
    pub trails: Collected<Vec<Trail>>,
    /// `logs:DescribeMetricFilters`, every log group of the region.
    #[serde(default)]
    pub metric_filters: Collected<Vec<MetricFilter>>,
    /// `cloudwatch:DescribeAlarms`, metric alarms.
    #[serde(default)]
    pub alarms: Collected<Vec<MetricAlarm>>,
    /// `sns:ListTopics`, each with `sns:ListSubscriptionsByTopic`.
    #[serde(default)]
    pub topics: Collected<Vec<Topic>>,
    /// `events:ListRules` on the default event bus, each with
    /// `events:ListTargetsByRule`.
    #[serde(default)]
    pub event_rules: Collected<Vec<EventRule>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    #[serde(default)]
    pub is_multi_region_trail: bool,
    #[serde(default)]
    pub include_global_service_events: bool,
    #[serde(default)]
    pub log_file_validation_enabled: bool,
    #[serde(default)]
    pub is_organization_trail: bool,
    /// `arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`; `None`: the trail
    /// does not deliver to CloudWatch Logs.
    #[serde(default)]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    #[serde(default)]
    pub cloud_watch_logs_role_arn: Option<String>,
    #[serde(default)]
    pub s3_bucket_name: Option<String>,
    #[serde(default)]
    pub s3_key_prefix: Option<String>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// `cloudtrail:GetTrailStatus`, asked in the trail's home region.
    #[serde(default)]
    pub status: Collected<TrailStatus>,
    /// `cloudtrail:GetEventSelectors`, asked in the trail's home region.
    #[serde(default)]
    pub event_selectors: Collected<EventSelectors>,
}

impl Trail {
    /// The log group's name, taken from its ARN
    /// (`arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/Default:*`).
    pub fn log_group_name(&self) -> Option<&str> {
        let arn = self.cloud_watch_logs_log_group_arn.as_deref()?;
        let name = arn.split_once(":log-group:")?.1;
        Some(name.strip_suffix(":*").unwrap_or(name))
    }

    /// The log group's region, taken from its ARN.
    pub fn log_group_region(&self) -> Option<&str> {
        let arn = self.cloud_watch_logs_log_group_arn.as_deref()?;
        arn.split(':').nth(3).filter(|r| !r.is_empty())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailStatus {
    pub is_logging: bool,
    #[serde(default)]
    pub latest_delivery_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub latest_delivery_error: Option<String>,
    #[serde(default)]
    pub latest_cloud_watch_logs_delivery_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub latest_cloud_watch_logs_delivery_error: Option<String>,
}

/// A trail uses either basic or advanced event selectors, never both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSelectors {
    #[serde(default)]
    pub basic: Vec<EventSelector>,
    #[serde(default)]
    pub advanced: Vec<AdvancedEventSelector>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSelector {
    /// `ReadOnly`, `WriteOnly` or `All`.
    pub read_write_type: String,
    pub include_management_events: bool,
    /// Event sources (`kms.amazonaws.com`, `rdsdata.amazonaws.com`) left out.
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvancedEventSelector {
    #[serde(default)]
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

/// One condition of an advanced selector; every list is OR, the lists AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSelector {
    /// `eventCategory`, `readOnly`, `eventSource`, `eventName`...
    pub field: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricFilter {
    pub name: String,
    pub log_group_name: String,
    /// The filter pattern exactly as CloudWatch Logs returned it.
    pub pattern: String,
    #[serde(default)]
    pub transformations: Vec<MetricTransformation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricTransformation {
    pub metric_name: String,
    pub metric_namespace: String,
    /// `1`, or a selector such as `$.bytes`.
    pub metric_value: String,
    #[serde(default)]
    pub default_value: Option<f64>,
    /// The dimensions the filter publishes the metric with: name → the
    /// selector (`$.eventName`) whose value each event gives it. Empty:
    /// the metric has no dimensions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dimensions: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricAlarm {
    pub name: String,
    pub arn: String,
    /// `None` for a metric-math alarm (it names its metrics in `metrics`).
    #[serde(default)]
    pub metric_name: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    /// `Sum`, `Average`, `SampleCount`, `Minimum`, `Maximum`.
    #[serde(default)]
    pub statistic: Option<String>,
    /// `p99`... A percentile of a count metric is not a count.
    #[serde(default)]
    pub extended_statistic: Option<String>,
    #[serde(default)]
    pub dimensions: Vec<Dimension>,
    #[serde(default)]
    pub period: Option<i32>,
    #[serde(default)]
    pub evaluation_periods: Option<i32>,
    #[serde(default)]
    pub datapoints_to_alarm: Option<i32>,
    #[serde(default)]
    pub threshold: Option<f64>,
    /// `GreaterThanOrEqualToThreshold`...
    #[serde(default)]
    pub comparison_operator: Option<String>,
    /// `missing`, `notBreaching`, `breaching`, `ignore`.
    #[serde(default)]
    pub treat_missing_data: Option<String>,
    pub actions_enabled: bool,
    /// ARNs notified when the alarm goes into ALARM.
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    /// The metrics of a metric-math alarm, by namespace and name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<AlarmMetric>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimension {
    pub name: String,
    pub value: String,
}

/// One query of a metric-math alarm: a metric (`MetricStat`) or an
/// expression over other queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmMetric {
    pub id: String,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub metric_name: Option<String>,
    /// The metric's dimensions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dimensions: Vec<Dimension>,
    /// The metric's statistic: `Sum`, `SampleCount`, `p99`...
    #[serde(default)]
    pub stat: Option<String>,
    #[serde(default)]
    pub period: Option<i32>,
    #[serde(default)]
    pub expression: Option<String>,
    /// Whether the alarm evaluates this query; AWS's default is true, and
    /// exactly one query of an alarm returns data.
    #[serde(default)]
    pub return_data: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    pub arn: String,
    #[serde(default)]
    pub subscriptions: Collected<Vec<Subscription>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The subscription's ARN, or `PendingConfirmation` / `Deleted`.
    pub subscription_arn: String,
    /// `email`, `https`, `sqs`, `lambda`...
    pub protocol: String,
    #[serde(default)]
    pub endpoint: Option<String>,
}

impl Subscription {
    /// SNS reports an unconfirmed subscription by putting
    /// `PendingConfirmation` (or `Deleted`) where its ARN would be.
    pub fn is_confirmed(&self) -> bool {
        !matches!(
            self.subscription_arn.as_str(),
            "PendingConfirmation" | "Deleted"
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRule {
    pub name: String,
    pub arn: String,
    /// The event pattern as JSON text; `None` for a scheduled rule.
    #[serde(default)]
    pub event_pattern: Option<String>,
    /// `ENABLED`, `DISABLED`, `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub targets: Collected<Vec<RuleTarget>>,
}

impl EventRule {
    /// A disabled rule delivers nothing.
    pub fn is_enabled(&self) -> bool {
        self.state
            .as_deref()
            .is_some_and(|s| s.starts_with("ENABLED"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTarget {
    pub id: String,
    pub arn: String,
}
