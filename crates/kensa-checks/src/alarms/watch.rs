//! Which alarms watch the metric a metric filter publishes, decided by
//! meaning rather than by name alone.
//!
//! A filter publishes one metric (namespace and name), either with no
//! dimensions or with the dimensions it lists, whose values come from each
//! event. CloudWatch keeps every combination of dimension values as a
//! separate metric and never adds them up for an alarm, so:
//! - a filter without dimensions feeds only alarms without dimensions;
//! - a filter with dimensions feeds no alarm without dimensions, and an
//!   alarm on the same dimension names sees only the events whose values
//!   equal the alarm's; kensa does not follow those values and says so.
//!
//! A metric-math alarm (`Metrics` instead of `MetricName`) evaluates the
//! one query that returns data. It watches the filter's metric when that
//! query is the metric itself, or an expression that is the metric's query
//! id or a `SUM` over it alone. Any other expression over the metric is
//! reported as undecided, never taken to fire.

use std::borrow::Cow;
use std::collections::BTreeSet;

use kensa_snapshot::monitoring::{AlarmMetric, Dimension, MetricAlarm, MetricTransformation};

use crate::{Text, text};

/// The statistics CloudWatch names as `Statistic`; anything else (`p99`,
/// `TM(10%:90%)`...) is an extended statistic.
const STATISTICS: [&str; 5] = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

/// How an alarm relates to a filter's metric.
#[derive(Debug)]
pub(crate) enum Watch<'a> {
    /// The alarm does not evaluate the metric.
    No,
    /// The alarm evaluates the metric as this single-metric alarm would
    /// (same threshold, operator and periods; statistic and period of the
    /// metric's query for a metric-math alarm).
    Yes(Box<Cow<'a, MetricAlarm>>),
    /// The alarm reads the metric, but whether it fires on the filter's
    /// events is beyond what kensa decides: why.
    Undecided(Text),
}

/// Does `alarm` evaluate the metric `transformation` publishes?
pub(crate) fn watches<'a>(
    alarm: &'a MetricAlarm,
    transformation: &MetricTransformation,
) -> Watch<'a> {
    if alarm.metrics.is_empty() {
        let same = alarm.namespace.as_deref() == Some(transformation.metric_namespace.as_str())
            && alarm.metric_name.as_deref() == Some(transformation.metric_name.as_str());
        if !same {
            return Watch::No;
        }
        return match dimensions(&alarm.dimensions, transformation) {
            Dims::Same => Watch::Yes(Box::new(Cow::Borrowed(alarm))),
            Dims::Other => Watch::No,
            Dims::Undecided(why) => Watch::Undecided(why),
        };
    }
    metric_math(alarm, transformation)
}

enum Dims {
    /// The alarm's dimensions are those of every event's data point.
    Same,
    /// The alarm reads another metric.
    Other,
    Undecided(Text),
}

fn dimensions(alarm: &[Dimension], transformation: &MetricTransformation) -> Dims {
    let published: BTreeSet<&str> = transformation
        .dimensions
        .keys()
        .map(String::as_str)
        .collect();
    let watched: BTreeSet<&str> = alarm.iter().map(|d| d.name.as_str()).collect();
    if published.is_empty() && watched.is_empty() {
        return Dims::Same;
    }
    if published != watched {
        return Dims::Other;
    }
    let values = alarm
        .iter()
        .map(|d| format!("{}={}", d.name, d.value))
        .collect::<Vec<_>>()
        .join(", ");
    Dims::Undecided(text!(
        "it watches only the data points with {values}, and kensa does not follow the dimension values the filter takes from each event",
        "{values} のデータポイントだけを監視しており、フィルターがイベントから取るディメンション値を kensa は追跡しません"
    ))
}

fn metric_math<'a>(alarm: &'a MetricAlarm, transformation: &MetricTransformation) -> Watch<'a> {
    let on_metric = |m: &AlarmMetric| {
        m.expression.is_none()
            && m.namespace.as_deref() == Some(transformation.metric_namespace.as_str())
            && m.metric_name.as_deref() == Some(transformation.metric_name.as_str())
    };
    // The filter's metric as the alarm's queries read it (same dimensions).
    let mut ours = Vec::new();
    let mut undecided = None;
    for m in alarm.metrics.iter().filter(|m| on_metric(m)) {
        match dimensions(&m.dimensions, transformation) {
            Dims::Same => ours.push(m),
            Dims::Other => {}
            Dims::Undecided(why) => undecided = Some(why),
        }
    }
    if ours.is_empty() {
        return undecided.map_or(Watch::No, Watch::Undecided);
    }
    // ReturnData defaults to true; an alarm has exactly one query that returns data.
    let returned: Vec<&AlarmMetric> = alarm
        .metrics
        .iter()
        .filter(|m| m.return_data != Some(false))
        .collect();
    let [result] = returned.as_slice() else {
        let n = returned.len();
        return Watch::Undecided(text!(
            "{n} of its metric-math queries return data, not one",
            "メトリクス計算のクエリのうち {n} 個がデータを返します (1 個ではありません)"
        ));
    };
    let query = match &result.expression {
        None => ours.iter().find(|m| m.id == result.id).copied(),
        Some(expression) => {
            let stats = alarm
                .metrics
                .iter()
                .filter(|m| m.expression.is_none())
                .count();
            let compact: String = expression.chars().filter(|c| !c.is_whitespace()).collect();
            let direct = ours
                .iter()
                .find(|m| {
                    let id = m.id.as_str();
                    compact == id
                        || compact == format!("SUM({id})")
                        || compact == format!("SUM([{id}])")
                        || (compact == "SUM(METRICS())" && stats == 1)
                })
                .copied();
            // Any other expression that reads the metric.
            let reads = ours.iter().any(|m| compact.contains(m.id.as_str()))
                || compact.contains("METRICS(");
            if direct.is_none() && reads {
                return Watch::Undecided(text!(
                    "it alarms on the expression {expression}, which kensa does not evaluate",
                    "式 {expression} でアラームを判定しており、kensa はこの式を評価しません"
                ));
            }
            direct
        }
    };
    let Some(query) = query else {
        return Watch::No;
    };
    let mut effective = alarm.clone();
    effective.metrics.clear();
    effective.namespace = query.namespace.clone();
    effective.metric_name = query.metric_name.clone();
    effective.dimensions = query.dimensions.clone();
    effective.period = query.period.or(alarm.period);
    match query.stat.as_deref() {
        Some(stat) if STATISTICS.contains(&stat) => {
            effective.statistic = Some(stat.to_owned());
            effective.extended_statistic = None;
        }
        Some(stat) => {
            effective.statistic = None;
            effective.extended_statistic = Some(stat.to_owned());
        }
        None => {
            effective.statistic = None;
            effective.extended_statistic = None;
        }
    }
    Watch::Yes(Box::new(Cow::Owned(effective)))
}
