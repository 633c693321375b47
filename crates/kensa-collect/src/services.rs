//! Security services, one region at a time: AWS Config, GuardDuty, ECR
//! scanning and Security Hub (SVC-1, SVC-3, SVC-5, SVC-6).

use std::collections::BTreeMap;

use aws_config::{Region, SdkConfig};
use futures::future::join_all;
use futures::join;
use kensa_snapshot::CallError;
use kensa_snapshot::services::{
    ConfigRecorder, ConfigRecorderStatus, ConfigService, DeliveryChannel, DeliveryChannelStatus,
    Detector, DetectorDetails, Ecr, EnabledStandard, GuardDuty, Hub, RegistryScanning,
    RegistryScanningRule, Repository, SecurityHub, Services, StandardsControl,
};

use crate::call::{Call, Caller};

/// Security Hub's answer to DescribeHub in a region where it is not enabled.
const HUB_NOT_ENABLED: &str = "InvalidAccessException";

/// The clients of one region, sharing the one SDK configuration.
#[derive(Debug, Clone)]
pub(crate) struct RegionClients {
    config: aws_sdk_config::Client,
    guardduty: aws_sdk_guardduty::Client,
    ecr: aws_sdk_ecr::Client,
    securityhub: aws_sdk_securityhub::Client,
}

impl RegionClients {
    pub(crate) fn new(sdk: &SdkConfig, region: &str) -> Self {
        let region = Region::new(region.to_owned());
        RegionClients {
            config: aws_sdk_config::Client::from_conf(
                aws_sdk_config::config::Builder::from(sdk)
                    .region(region.clone())
                    .build(),
            ),
            guardduty: aws_sdk_guardduty::Client::from_conf(
                aws_sdk_guardduty::config::Builder::from(sdk)
                    .region(region.clone())
                    .build(),
            ),
            ecr: aws_sdk_ecr::Client::from_conf(
                aws_sdk_ecr::config::Builder::from(sdk)
                    .region(region.clone())
                    .build(),
            ),
            securityhub: aws_sdk_securityhub::Client::from_conf(
                aws_sdk_securityhub::config::Builder::from(sdk)
                    .region(region)
                    .build(),
            ),
        }
    }
}

/// Every security service of one region, read concurrently.
pub(crate) async fn collect(caller: &Caller, clients: &RegionClients, region: &str) -> Services {
    let (config, guardduty, ecr, security_hub) = join!(
        config_service(caller, &clients.config, region),
        guardduty(caller, &clients.guardduty, region),
        ecr(caller, &clients.ecr, region),
        security_hub(caller, &clients.securityhub, region),
    );
    Services {
        config,
        guardduty,
        ecr,
        security_hub,
        // Filled in by the Inspector collector, which runs beside this one.
        inspector: Default::default(),
    }
}

async fn config_service(
    caller: &Caller,
    client: &aws_sdk_config::Client,
    region: &str,
) -> ConfigService {
    let recorders = async {
        let call = Call::regional("config", "DescribeConfigurationRecorders", region);
        let out = caller
            .call(&call, client.describe_configuration_recorders().send())
            .await?;
        Ok::<_, CallError>(
            out.configuration_recorders
                .unwrap_or_default()
                .into_iter()
                .map(|r| {
                    let group = r.recording_group;
                    ConfigRecorder {
                        name: r.name.unwrap_or_default(),
                        all_supported: group.as_ref().is_some_and(|g| g.all_supported),
                        include_global_resource_types: group
                            .as_ref()
                            .is_some_and(|g| g.include_global_resource_types),
                        resource_types: group
                            .and_then(|g| g.resource_types)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|t| t.as_str().to_owned())
                            .collect(),
                    }
                })
                .collect(),
        )
    };
    let statuses = async {
        let call = Call::regional("config", "DescribeConfigurationRecorderStatus", region);
        let out = caller
            .call(
                &call,
                client.describe_configuration_recorder_status().send(),
            )
            .await?;
        Ok::<_, CallError>(
            out.configuration_recorders_status
                .unwrap_or_default()
                .into_iter()
                .map(|s| ConfigRecorderStatus {
                    name: s.name.unwrap_or_default(),
                    recording: s.recording,
                    last_status: s.last_status.map(|v| v.as_str().to_owned()),
                    last_error_code: s.last_error_code,
                })
                .collect(),
        )
    };
    let channels = async {
        let call = Call::regional("config", "DescribeDeliveryChannels", region);
        let out = caller
            .call(&call, client.describe_delivery_channels().send())
            .await?;
        Ok::<_, CallError>(
            out.delivery_channels
                .unwrap_or_default()
                .into_iter()
                .map(|c| DeliveryChannel {
                    name: c.name.unwrap_or_default(),
                    s3_bucket_name: c.s3_bucket_name,
                    sns_topic_arn: c.sns_topic_arn,
                })
                .collect(),
        )
    };
    let channel_statuses = async {
        let call = Call::regional("config", "DescribeDeliveryChannelStatus", region);
        let out = caller
            .call(&call, client.describe_delivery_channel_status().send())
            .await?;
        Ok::<_, CallError>(
            out.delivery_channels_status
                .unwrap_or_default()
                .into_iter()
                .map(|s| DeliveryChannelStatus {
                    name: s.name.unwrap_or_default(),
                    config_history_last_status: s
                        .config_history_delivery_info
                        .and_then(|i| i.last_status)
                        .map(|v| v.as_str().to_owned()),
                    config_snapshot_last_status: s
                        .config_snapshot_delivery_info
                        .and_then(|i| i.last_status)
                        .map(|v| v.as_str().to_owned()),
                })
                .collect(),
        )
    };
    let (recorders, statuses, channels, channel_statuses) =
        join!(recorders, statuses, channels, channel_statuses);
    ConfigService {
        recorders: recorders.into(),
        recorder_statuses: statuses.into(),
        delivery_channels: channels.into(),
        delivery_channel_statuses: channel_statuses.into(),
    }
}

async fn guardduty(caller: &Caller, client: &aws_sdk_guardduty::Client, region: &str) -> GuardDuty {
    let call = Call::regional("guardduty", "ListDetectors", region);
    let ids = caller
        .all_pages(&call, client.list_detectors().into_paginator().send())
        .await
        .map(|pages| {
            let mut ids: Vec<String> = pages
                .into_iter()
                .flat_map(|p| p.detector_ids.unwrap_or_default())
                .collect();
            ids.sort();
            ids
        });
    let detectors = match ids {
        Err(e) => Err(e),
        Ok(ids) => Ok(join_all(ids.into_iter().map(|id| async move {
            let call = Call::regional("guardduty", "GetDetector", region).on(id.clone());
            let details = match caller
                .call(&call, client.get_detector().detector_id(&id).send())
                .await
            {
                Ok(answer) => detector_details(answer, &call),
                Err(e) => Err(e),
            };
            Detector {
                id,
                details: details.into(),
            }
        }))
        .await),
    };
    GuardDuty {
        detectors: detectors.into(),
    }
}

async fn ecr(caller: &Caller, client: &aws_sdk_ecr::Client, region: &str) -> Ecr {
    let repositories = async {
        let call = Call::regional("ecr", "DescribeRepositories", region);
        let pages = caller
            .all_pages(
                &call,
                client.describe_repositories().into_paginator().send(),
            )
            .await?;
        let mut out: Vec<Repository> = pages
            .into_iter()
            .flat_map(|p| p.repositories.unwrap_or_default())
            .filter_map(|r| {
                Some(Repository {
                    name: r.repository_name?,
                    arn: r.repository_arn,
                    scan_on_push: r
                        .image_scanning_configuration
                        .is_some_and(|c| c.scan_on_push),
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok::<_, CallError>(out)
    };
    let registry = async {
        let call = Call::regional("ecr", "GetRegistryScanningConfiguration", region);
        let out = caller
            .call(&call, client.get_registry_scanning_configuration().send())
            .await?;
        let config = out.scanning_configuration;
        Ok::<_, CallError>(RegistryScanning {
            scan_type: config
                .as_ref()
                .and_then(|c| c.scan_type.as_ref())
                .map(|t| t.as_str().to_owned()),
            rules: config
                .and_then(|c| c.rules)
                .unwrap_or_default()
                .into_iter()
                .map(|r| RegistryScanningRule {
                    scan_frequency: r.scan_frequency.as_str().to_owned(),
                    filters: r.repository_filters.into_iter().map(|f| f.filter).collect(),
                })
                .collect(),
        })
    };
    let (repositories, registry) = join!(repositories, registry);
    Ecr {
        repositories: repositories.into(),
        registry_scanning: registry.into(),
    }
}

async fn security_hub(
    caller: &Caller,
    client: &aws_sdk_securityhub::Client,
    region: &str,
) -> SecurityHub {
    let hub = async {
        let call = Call::regional("securityhub", "DescribeHub", region);
        match caller.call(&call, client.describe_hub().send()).await {
            Ok(out) => Ok(Some(Hub {
                hub_arn: out.hub_arn.unwrap_or_default(),
                subscribed_at: out.subscribed_at,
            })),
            Err(e) if e.code == HUB_NOT_ENABLED => Ok(None),
            Err(e) => Err(e),
        }
    };
    let standards = async {
        let call = Call::regional("securityhub", "GetEnabledStandards", region);
        let pages = caller
            .all_pages(
                &call,
                client.get_enabled_standards().into_paginator().send(),
            )
            .await?;
        let subscriptions: Vec<_> = pages
            .into_iter()
            .flat_map(|p| p.standards_subscriptions.unwrap_or_default())
            .collect();
        Ok::<_, CallError>(
            join_all(subscriptions.into_iter().map(|s| async move {
                let subscription_arn = s.standards_subscription_arn.unwrap_or_default();
                let call = Call::regional("securityhub", "DescribeStandardsControls", region)
                    .on(subscription_arn.clone());
                let controls = caller
                    .all_pages(
                        &call,
                        client
                            .describe_standards_controls()
                            .standards_subscription_arn(&subscription_arn)
                            .into_paginator()
                            .send(),
                    )
                    .await
                    .map(|pages| {
                        pages
                            .into_iter()
                            .flat_map(|p| p.controls.unwrap_or_default())
                            .map(|c| StandardsControl {
                                control_id: c.control_id.unwrap_or_default(),
                                status: c
                                    .control_status
                                    .map(|v| v.as_str().to_owned())
                                    .unwrap_or_default(),
                                disabled_reason: c.disabled_reason,
                                severity: c.severity_rating.map(|v| v.as_str().to_owned()),
                            })
                            .collect()
                    });
                EnabledStandard {
                    standards_arn: s.standards_arn.unwrap_or_default(),
                    subscription_arn,
                    status: s
                        .standards_status
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_default(),
                    controls: controls.into(),
                }
            }))
            .await,
        )
    };
    let failed = async {
        use aws_sdk_securityhub::types::{
            AwsSecurityFindingFilters, StringFilter, StringFilterComparison,
        };
        let equals = |value: &str| {
            StringFilter::builder()
                .value(value)
                .comparison(StringFilterComparison::Equals)
                .build()
        };
        let filters = AwsSecurityFindingFilters::builder()
            .compliance_status(equals("FAILED"))
            .record_state(equals("ACTIVE"))
            .workflow_status(equals("NEW"))
            .workflow_status(equals("NOTIFIED"))
            .build();
        let call = Call::regional("securityhub", "GetFindings", region);
        let pages = caller
            .all_pages(
                &call,
                client
                    .get_findings()
                    .filters(filters)
                    .into_paginator()
                    .send(),
            )
            .await?;
        let mut by_severity = BTreeMap::new();
        for finding in pages
            .into_iter()
            .flat_map(|p| p.findings.unwrap_or_default())
        {
            let label = finding
                .severity
                .and_then(|s| s.label)
                .map(|l| l.as_str().to_owned())
                .unwrap_or_else(|| "UNKNOWN".to_owned());
            *by_severity.entry(label).or_insert(0u64) += 1;
        }
        Ok::<_, CallError>(by_severity)
    };
    let (hub, standards, failed) = join!(hub, standards, failed);
    SecurityHub {
        hub: hub.into(),
        standards: standards.into(),
        failed_controls_by_severity: failed.into(),
    }
}

/// GetDetector's answer as the snapshot keeps it; without a status it is
/// malformed, since "enabled or not" is the one thing SVC-5 asks.
#[allow(
    clippy::result_large_err,
    reason = "CallError is the snapshot's own record and ends up stored by value"
)]
fn detector_details(
    d: aws_sdk_guardduty::operation::get_detector::GetDetectorOutput,
    call: &Call,
) -> Result<DetectorDetails, CallError> {
    let status = d
        .status
        .ok_or_else(|| call.malformed("GetDetector answered without a status"))?;
    Ok(DetectorDetails {
        status: status.as_str().to_owned(),
        features: d
            .features
            .unwrap_or_default()
            .into_iter()
            .filter_map(|f| Some((f.name?.as_str().to_owned(), f.status?.as_str().to_owned())))
            .collect(),
    })
}
