//! The monitoring chain, one region at a time: CloudTrail trails, metric
//! filters, alarms, SNS topics and EventBridge rules (ALM-1..ALM-11).

use aws_config::SdkConfig;
use futures::future::join_all;
use futures::join;
use kensa_snapshot::monitoring::{
    AdvancedEventSelector, AlarmMetric, Dimension, EventRule, EventSelector, EventSelectors,
    FieldSelector, MetricAlarm, MetricFilter, MetricTransformation, Monitoring, RuleTarget,
    Subscription, Topic, Trail, TrailStatus,
};
use kensa_snapshot::{CallError, Collected};

use crate::call::{Call, Caller, to_chrono};
use crate::clients::regional_config;

/// The clients of one region, sharing the one SDK configuration.
#[derive(Debug, Clone)]
pub(crate) struct Clients {
    sdk: SdkConfig,
    cloudtrail: aws_sdk_cloudtrail::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    sns: aws_sdk_sns::Client,
    events: aws_sdk_eventbridge::Client,
}

impl Clients {
    pub(crate) fn new(sdk: &SdkConfig, region: &str) -> Self {
        let sdk = regional_config(sdk, region);
        Clients {
            cloudtrail: aws_sdk_cloudtrail::Client::new(&sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(&sdk),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&sdk),
            sns: aws_sdk_sns::Client::new(&sdk),
            events: aws_sdk_eventbridge::Client::new(&sdk),
            sdk,
        }
    }

    /// Trail status and selectors are asked in the trail's home region:
    /// a shadow trail's own region answers only for trails it holds.
    fn cloudtrail_in(&self, region: &str) -> aws_sdk_cloudtrail::Client {
        aws_sdk_cloudtrail::Client::new(&regional_config(&self.sdk, region))
    }
}

/// Every part of one region's monitoring chain, read concurrently.
pub(crate) async fn collect(caller: &Caller, clients: &Clients, region: &str) -> Monitoring {
    let (trails, metric_filters, alarms, topics, event_rules) = join!(
        trails(caller, clients, region),
        metric_filters(caller, clients, region),
        alarms(caller, clients, region),
        topics(caller, clients, region),
        event_rules(caller, clients, region),
    );
    Monitoring {
        trails: trails.into(),
        metric_filters: metric_filters.into(),
        alarms: alarms.into(),
        topics: topics.into(),
        event_rules: event_rules.into(),
    }
}

async fn trails(caller: &Caller, clients: &Clients, region: &str) -> Result<Vec<Trail>, CallError> {
    let call = Call::regional("cloudtrail", "DescribeTrails", region);
    let output = caller
        .call(
            &call,
            clients
                .cloudtrail
                .describe_trails()
                .include_shadow_trails(true)
                .send(),
        )
        .await?;
    let listed = output.trail_list.unwrap_or_default();
    let mut out = join_all(listed.into_iter().filter_map(|t| {
        let arn = t.trail_arn?;
        let name = t.name.unwrap_or_else(|| arn.clone());
        let home_region = t.home_region.unwrap_or_else(|| region.to_owned());
        Some(async move {
            let cloudtrail = clients.cloudtrail_in(&home_region);
            let (status, event_selectors) = join!(
                trail_status(caller, &cloudtrail, &home_region, &arn),
                event_selectors(caller, &cloudtrail, &home_region, &arn),
            );
            Trail {
                name,
                home_region,
                is_multi_region_trail: t.is_multi_region_trail.unwrap_or(false),
                include_global_service_events: t.include_global_service_events.unwrap_or(false),
                log_file_validation_enabled: t.log_file_validation_enabled.unwrap_or(false),
                is_organization_trail: t.is_organization_trail.unwrap_or(false),
                cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn,
                cloud_watch_logs_role_arn: t.cloud_watch_logs_role_arn,
                s3_bucket_name: t.s3_bucket_name,
                s3_key_prefix: t.s3_key_prefix,
                kms_key_id: t.kms_key_id,
                status: status.into(),
                event_selectors: event_selectors.into(),
                arn,
            }
        })
    }))
    .await;
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(out)
}

async fn trail_status(
    caller: &Caller,
    cloudtrail: &aws_sdk_cloudtrail::Client,
    home_region: &str,
    arn: &str,
) -> Result<TrailStatus, CallError> {
    let call = Call::regional("cloudtrail", "GetTrailStatus", home_region).on(arn);
    let s = caller
        .call(&call, cloudtrail.get_trail_status().name(arn).send())
        .await?;
    Ok(TrailStatus {
        // Documented as always present; absent, the trail is not shown to
        // be logging, which fails rather than passes.
        is_logging: s.is_logging.unwrap_or(false),
        latest_delivery_time: s.latest_delivery_time.as_ref().map(to_chrono),
        latest_delivery_error: s.latest_delivery_error,
        latest_cloud_watch_logs_delivery_time: s
            .latest_cloud_watch_logs_delivery_time
            .as_ref()
            .map(to_chrono),
        latest_cloud_watch_logs_delivery_error: s.latest_cloud_watch_logs_delivery_error,
    })
}

async fn event_selectors(
    caller: &Caller,
    cloudtrail: &aws_sdk_cloudtrail::Client,
    home_region: &str,
    arn: &str,
) -> Result<EventSelectors, CallError> {
    let call = Call::regional("cloudtrail", "GetEventSelectors", home_region).on(arn);
    let s = caller
        .call(
            &call,
            cloudtrail.get_event_selectors().trail_name(arn).send(),
        )
        .await?;
    Ok(EventSelectors {
        basic: s
            .event_selectors
            .unwrap_or_default()
            .into_iter()
            .map(|e| EventSelector {
                // `All` is the API's default when a selector omits it.
                read_write_type: e
                    .read_write_type
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_else(|| "All".to_owned()),
                include_management_events: e.include_management_events.unwrap_or(true),
                exclude_management_event_sources: e
                    .exclude_management_event_sources
                    .unwrap_or_default(),
            })
            .collect(),
        advanced: s
            .advanced_event_selectors
            .unwrap_or_default()
            .into_iter()
            .map(|a| AdvancedEventSelector {
                name: a.name,
                field_selectors: a
                    .field_selectors
                    .into_iter()
                    .map(|f| FieldSelector {
                        field: f.field,
                        equals: f.equals.unwrap_or_default(),
                        starts_with: f.starts_with.unwrap_or_default(),
                        ends_with: f.ends_with.unwrap_or_default(),
                        not_equals: f.not_equals.unwrap_or_default(),
                        not_starts_with: f.not_starts_with.unwrap_or_default(),
                        not_ends_with: f.not_ends_with.unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

async fn metric_filters(
    caller: &Caller,
    clients: &Clients,
    region: &str,
) -> Result<Vec<MetricFilter>, CallError> {
    let call = Call::regional("logs", "DescribeMetricFilters", region);
    let pages = caller
        .all_pages(
            &call,
            clients
                .logs
                .describe_metric_filters()
                .into_paginator()
                .send(),
        )
        .await?;
    let mut out: Vec<MetricFilter> = pages
        .into_iter()
        .flat_map(|p| p.metric_filters.unwrap_or_default())
        .filter_map(|f| {
            Some(MetricFilter {
                name: f.filter_name?,
                log_group_name: f.log_group_name?,
                // An empty pattern matches every event; AWS omits it then.
                pattern: f.filter_pattern.unwrap_or_default(),
                transformations: f
                    .metric_transformations
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| MetricTransformation {
                        metric_name: t.metric_name,
                        metric_namespace: t.metric_namespace,
                        metric_value: t.metric_value,
                        default_value: t.default_value,
                        dimensions: t.dimensions.unwrap_or_default().into_iter().collect(),
                    })
                    .collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.log_group_name, &a.name).cmp(&(&b.log_group_name, &b.name)));
    Ok(out)
}

async fn alarms(
    caller: &Caller,
    clients: &Clients,
    region: &str,
) -> Result<Vec<MetricAlarm>, CallError> {
    let call = Call::regional("cloudwatch", "DescribeAlarms", region);
    let pages = caller
        .all_pages(
            &call,
            clients.cloudwatch.describe_alarms().into_paginator().send(),
        )
        .await?;
    let mut out: Vec<MetricAlarm> = pages
        .into_iter()
        .flat_map(|p| p.metric_alarms.unwrap_or_default())
        .filter_map(|a| {
            Some(MetricAlarm {
                name: a.alarm_name?,
                arn: a.alarm_arn.unwrap_or_default(),
                metric_name: a.metric_name,
                namespace: a.namespace,
                statistic: a.statistic.map(|s| s.as_str().to_owned()),
                extended_statistic: a.extended_statistic,
                dimensions: dimensions(a.dimensions),
                period: a.period,
                evaluation_periods: a.evaluation_periods,
                datapoints_to_alarm: a.datapoints_to_alarm,
                threshold: a.threshold,
                comparison_operator: a.comparison_operator.map(|c| c.as_str().to_owned()),
                treat_missing_data: a.treat_missing_data,
                // The API's default when an alarm is created without it.
                actions_enabled: a.actions_enabled.unwrap_or(true),
                alarm_actions: a.alarm_actions.unwrap_or_default(),
                metrics: a
                    .metrics
                    .unwrap_or_default()
                    .into_iter()
                    .map(|m| {
                        let (metric, stat, stat_period) = match m.metric_stat {
                            Some(s) => (s.metric, s.stat, s.period),
                            None => (None, None, None),
                        };
                        let (namespace, metric_name, metric_dimensions) = match metric {
                            Some(x) => (x.namespace, x.metric_name, x.dimensions),
                            None => (None, None, None),
                        };
                        AlarmMetric {
                            id: m.id.unwrap_or_default(),
                            namespace,
                            metric_name,
                            dimensions: dimensions(metric_dimensions),
                            stat,
                            period: stat_period.or(m.period),
                            expression: m.expression,
                            return_data: m.return_data,
                        }
                    })
                    .collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// An alarm's or metric's dimensions; a nameless or valueless one (AWS
/// never sends it) is dropped.
fn dimensions(from: Option<Vec<aws_sdk_cloudwatch::types::Dimension>>) -> Vec<Dimension> {
    from.unwrap_or_default()
        .into_iter()
        .filter_map(|d| {
            Some(Dimension {
                name: d.name?,
                value: d.value?,
            })
        })
        .collect()
}

async fn topics(caller: &Caller, clients: &Clients, region: &str) -> Result<Vec<Topic>, CallError> {
    let call = Call::regional("sns", "ListTopics", region);
    let pages = caller
        .all_pages(&call, clients.sns.list_topics().into_paginator().send())
        .await?;
    let arns: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.topics.unwrap_or_default())
        .filter_map(|t| t.topic_arn)
        .collect();
    let mut out = join_all(arns.into_iter().map(|arn| async move {
        let call = Call::regional("sns", "ListSubscriptionsByTopic", region).on(arn.clone());
        let pages = caller
            .all_pages(
                &call,
                clients
                    .sns
                    .list_subscriptions_by_topic()
                    .topic_arn(&arn)
                    .into_paginator()
                    .send(),
            )
            .await;
        let subscriptions: Collected<Vec<Subscription>> = pages
            .map(|pages| {
                pages
                    .into_iter()
                    .flat_map(|p| p.subscriptions.unwrap_or_default())
                    .map(|s| Subscription {
                        // Without an ARN SNS cannot show it confirmed.
                        subscription_arn: s
                            .subscription_arn
                            .unwrap_or_else(|| "PendingConfirmation".to_owned()),
                        protocol: s.protocol.unwrap_or_default(),
                        endpoint: s.endpoint,
                    })
                    .collect()
            })
            .into();
        Topic { arn, subscriptions }
    }))
    .await;
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(out)
}

async fn event_rules(
    caller: &Caller,
    clients: &Clients,
    region: &str,
) -> Result<Vec<EventRule>, CallError> {
    // ListRules has a NextToken but no generated paginator.
    let call = Call::regional("events", "ListRules", region);
    let mut listed = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = caller
            .call(
                &call,
                clients
                    .events
                    .list_rules()
                    .set_next_token(token.clone())
                    .send(),
            )
            .await?;
        listed.extend(page.rules.unwrap_or_default());
        match page.next_token {
            Some(next) if Some(&next) != token.as_ref() => token = Some(next),
            _ => break,
        }
    }
    let mut out = join_all(listed.into_iter().filter_map(|r| {
        let name = r.name?;
        Some(async move {
            let targets = rule_targets(caller, clients, region, &name).await;
            EventRule {
                arn: r.arn.unwrap_or_default(),
                event_pattern: r.event_pattern,
                state: r.state.map(|s| s.as_str().to_owned()),
                targets: targets.into(),
                name,
            }
        })
    }))
    .await;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

async fn rule_targets(
    caller: &Caller,
    clients: &Clients,
    region: &str,
    rule: &str,
) -> Result<Vec<RuleTarget>, CallError> {
    let call = Call::regional("events", "ListTargetsByRule", region).on(rule);
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = caller
            .call(
                &call,
                clients
                    .events
                    .list_targets_by_rule()
                    .rule(rule)
                    .set_next_token(token.clone())
                    .send(),
            )
            .await?;
        out.extend(
            page.targets
                .unwrap_or_default()
                .into_iter()
                .map(|t| RuleTarget {
                    id: t.id,
                    arn: t.arn,
                }),
        );
        match page.next_token {
            Some(next) if Some(&next) != token.as_ref() => token = Some(next),
            _ => break,
        }
    }
    Ok(out)
}
