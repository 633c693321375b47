//! SVC-1: AWS Config records everything, in every region, and delivers.

use serde_json::json;

use super::{each_region, join_gaps, region_value, regional_arn, regions};
use crate::network::region_resource;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, Text, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-config-recorder",
        requirements: &["SVC-1"],
        severity: Severity::High,
        title: StaticText {
            en: "AWS Config records all resource types in every region",
            ja: "AWS Config がすべてのリージョンで全リソースタイプを記録している",
        },
        description: StaticText {
            en: "In each audited region a configuration recorder records all supported resource \
                 types, is running, and has a delivery channel; a last delivery that failed is a \
                 gap too. Global resource types (IAM) must be recorded in at least one region. A \
                 recorder that exists but is stopped fails.",
            ja: "監査する各リージョンで、設定レコーダーがサポートされる全リソースタイプを記録し、\
                 記録中であり、配信チャネルを持つこと。最後の配信が失敗していれば、それも不備とする。\
                 グローバルリソースタイプ (IAM) は少なくとも 1 つのリージョンで記録すること。\
                 レコーダーがあっても停止していれば不合格。",
        },
        remediation: StaticText {
            en: "Set up AWS Config in the region (record all resource types, a delivery channel to \
                 S3) and start the recorder; include global resource types in one region.",
            ja: "そのリージョンで AWS Config を設定し (全リソースタイプを記録、S3 への配信チャネル)、\
                 レコーダーを開始する。グローバルリソースタイプは 1 つのリージョンで含める。",
        },
        cis_1_2: &["2.5"],
        fsbp: &["Config.1"],
        pci_dss: &["PCI.Config.1"],
        differs_from_frameworks: None,
    },
    run,
};

/// The resource a recorder finding is about.
fn recorder_resource(ctx: &Context<'_>, region: &str, name: &str) -> crate::Resource {
    crate::Resource {
        kind: "AWS::Config::ConfigurationRecorder".to_owned(),
        id: name.to_owned(),
        arn: regional_arn(ctx, region, "config", &format!("config-recorder/{name}")),
        name: Some(format!("{name} ({region})")),
        region: region.to_owned(),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let mut findings = each_region(ctx, |region, services| {
        let recorders = region_value(
            ctx,
            meta,
            region,
            services,
            "config:DescribeConfigurationRecorders",
            |s| &s.config.recorders,
        )?;
        if recorders.is_empty() {
            return Ok(vec![meta.finding(
                Status::Fail,
                region_resource(ctx, region),
                text!(
                    "{region} has no AWS Config recorder",
                    "{region} に AWS Config のレコーダーがありません"
                ),
                json!({ "recorders": [] }),
            )]);
        }
        let statuses = region_value(
            ctx,
            meta,
            region,
            services,
            "config:DescribeConfigurationRecorderStatus",
            |s| &s.config.recorder_statuses,
        )?;
        let channels = region_value(
            ctx,
            meta,
            region,
            services,
            "config:DescribeDeliveryChannels",
            |s| &s.config.delivery_channels,
        )?;
        // Delivery status is reported where it could be read; it is not
        // what the verdict stands on when it could not.
        let channel_statuses = services.and_then(|s| s.config.delivery_channel_statuses.value());
        let mut findings = Vec::new();
        for recorder in recorders {
            let name = &recorder.name;
            let status = statuses.iter().find(|s| &s.name == name);
            let mut gaps: Vec<Text> = Vec::new();
            if !recorder.all_supported {
                gaps.push(text!(
                    "it does not record all supported resource types",
                    "サポートされる全リソースタイプを記録していません"
                ));
            }
            match status {
                Some(s) if s.recording => {}
                _ => gaps.push(text!("it is not recording", "記録が停止しています")),
            }
            if status.and_then(|s| s.last_status.as_deref()) == Some("Failure") {
                gaps.push(text!(
                    "its last recording failed",
                    "最後の記録が失敗しています"
                ));
            }
            if channels.is_empty() {
                gaps.push(text!(
                    "there is no delivery channel",
                    "配信チャネルがありません"
                ));
            }
            let failed_deliveries: Vec<&str> = channel_statuses
                .into_iter()
                .flatten()
                .filter(|c| {
                    c.config_history_last_status.as_deref() == Some("Failure")
                        || c.config_snapshot_last_status.as_deref() == Some("Failure")
                })
                .map(|c| c.name.as_str())
                .collect();
            if !failed_deliveries.is_empty() {
                let list = failed_deliveries.join(", ");
                gaps.push(text!(
                    "the last delivery of {list} failed",
                    "{list} の最後の配信が失敗しています"
                ));
            }
            let evidence = json!({
                "recorder": recorder,
                "status": status,
                "delivery_channels": channels,
                "delivery_channel_statuses": services
                    .map(|s| &s.config.delivery_channel_statuses),
            });
            let resource = recorder_resource(ctx, region, name);
            findings.push(if gaps.is_empty() {
                meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "Recorder {name} in {region} records all resource types and delivers",
                        "{region} のレコーダー {name} は全リソースタイプを記録し、配信しています"
                    ),
                    evidence,
                )
            } else {
                let gaps = join_gaps(&gaps);
                let (en, ja) = (&gaps.en, &gaps.ja);
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "Recorder {name} in {region}: {en}",
                        "{region} のレコーダー {name}: {ja}"
                    ),
                    evidence,
                )
            });
        }
        Ok(findings)
    });
    findings.push(global_types(ctx));
    findings
}

/// Global resource types (IAM) are recorded in at least one audited region.
fn global_types(ctx: &Context<'_>) -> Finding {
    let meta = &CHECK.meta;
    let resource = ctx.account_resource("AWS::::Account", "AWS Config global resource types");
    let mut recording_global = Vec::new();
    let mut unreadable = Vec::new();
    for (region, services) in regions(ctx) {
        match services.map(|s| s.config.recorders.get()) {
            Some(Ok(recorders)) => recording_global.extend(
                recorders
                    .iter()
                    .filter(|r| r.all_supported && r.include_global_resource_types)
                    .map(|r| format!("{} ({region})", r.name)),
            ),
            _ => unreadable.push(region),
        }
    }
    let evidence = json!({
        "recording_global_types": recording_global,
        "regions_not_read": unreadable,
    });
    if let Some(first) = recording_global.first() {
        meta.finding(
            Status::Pass,
            resource,
            text!(
                "Global resource types are recorded by {first}",
                "グローバルリソースタイプは {first} が記録しています"
            ),
            evidence,
        )
    } else if unreadable.is_empty() {
        meta.finding(
            Status::Fail,
            resource,
            text!(
                "No audited region records global resource types (IAM)",
                "グローバルリソースタイプ (IAM) を記録しているリージョンがありません"
            ),
            evidence,
        )
    } else {
        let list = unreadable.join(", ");
        meta.finding(
            Status::Error,
            resource,
            text!(
                "Could not decide whether global resource types are recorded: \
                 config:DescribeConfigurationRecorders was not read in {list}",
                "グローバルリソースタイプの記録を判定できません: \
                 {list} で config:DescribeConfigurationRecorders を読めませんでした"
            ),
            evidence,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::run_check;
    use crate::services::fixtures::*;
    use kensa_snapshot::Collected;
    use kensa_snapshot::services::{
        ConfigRecorder, ConfigRecorderStatus, ConfigService, DeliveryChannel,
        DeliveryChannelStatus, Services,
    };

    fn recorder(all: bool, global: bool) -> ConfigRecorder {
        ConfigRecorder {
            name: "default".into(),
            all_supported: all,
            include_global_resource_types: global,
            resource_types: vec![],
        }
    }

    fn config(recorders: Vec<ConfigRecorder>, recording: bool, channel: bool) -> Services {
        Services {
            config: ConfigService {
                recorder_statuses: Collected::Value(
                    recorders
                        .iter()
                        .map(|r| ConfigRecorderStatus {
                            name: r.name.clone(),
                            recording,
                            last_status: Some("Success".into()),
                            last_error_code: None,
                        })
                        .collect(),
                ),
                recorders: Collected::Value(recorders),
                delivery_channels: Collected::Value(if channel {
                    vec![DeliveryChannel {
                        name: "default".into(),
                        s3_bucket_name: Some("config-bucket".into()),
                        sns_topic_arn: None,
                    }]
                } else {
                    vec![]
                }),
                delivery_channel_statuses: Collected::Value(vec![]),
            },
            ..Default::default()
        }
    }

    fn verdicts(findings: &[Finding]) -> Vec<(Status, String)> {
        findings
            .iter()
            .map(|f| (f.status, f.message.en.clone()))
            .collect()
    }

    #[test]
    fn a_running_recorder_of_everything_passes_and_a_missing_one_fails() {
        let s = snapshot(vec![
            (REGION, config(vec![recorder(true, true)], true, true)),
            (OTHER_REGION, config(vec![], false, false)),
        ]);
        let f = run_check(&CHECK, &s);
        assert_eq!(
            verdicts(&f),
            vec![
                (
                    Status::Pass,
                    "Recorder default in ap-northeast-1 records all resource types and delivers"
                        .into()
                ),
                (Status::Fail, "us-east-1 has no AWS Config recorder".into()),
                (
                    Status::Pass,
                    "Global resource types are recorded by default (ap-northeast-1)".into()
                ),
            ]
        );
        assert_eq!(
            f[1].message.ja,
            "us-east-1 に AWS Config のレコーダーがありません"
        );
    }

    #[test]
    fn a_stopped_partial_recorder_without_channel_fails_with_every_gap() {
        let s = snapshot(vec![(
            REGION,
            config(vec![recorder(false, false)], false, false),
        )]);
        let f = run_check(&CHECK, &s);
        assert_eq!(
            verdicts(&f),
            vec![
                (
                    Status::Fail,
                    "Recorder default in ap-northeast-1: it does not record all supported \
                     resource types; it is not recording; there is no delivery channel"
                        .into()
                ),
                (
                    Status::Fail,
                    "No audited region records global resource types (IAM)".into()
                ),
            ]
        );
        assert_eq!(
            f[0].message.ja,
            "ap-northeast-1 のレコーダー default: サポートされる全リソースタイプを記録していません、\
             記録が停止しています、配信チャネルがありません"
        );
        assert_eq!(
            f[0].resource.arn.as_deref(),
            Some("arn:aws:config:ap-northeast-1:123456789012:config-recorder/default")
        );
    }

    #[test]
    fn failed_deliveries_and_recordings_fail() {
        let mut services = config(vec![recorder(true, true)], true, true);
        services.config.delivery_channel_statuses = Collected::Value(vec![DeliveryChannelStatus {
            name: "default".into(),
            config_history_last_status: Some("Failure".into()),
            config_snapshot_last_status: Some("Success".into()),
        }]);
        if let Collected::Value(statuses) = &mut services.config.recorder_statuses {
            statuses[0].last_status = Some("Failure".into());
        }
        let f = run_check(&CHECK, &snapshot(vec![(REGION, services)]));
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(
            f[0].message.en,
            "Recorder default in ap-northeast-1: its last recording failed; the last delivery \
             of default failed"
        );
    }

    #[test]
    fn unreadable_recorders_are_errors_naming_the_call() {
        let mut services = config(vec![recorder(true, true)], true, true);
        services.config.recorder_statuses = Collected::Error(not_implemented(
            "config",
            "DescribeConfigurationRecorderStatus",
        ));
        let mut unread = Services::default();
        unread.config.recorders =
            Collected::Error(not_implemented("config", "DescribeConfigurationRecorders"));
        let f = run_check(
            &CHECK,
            &snapshot(vec![(REGION, services), (OTHER_REGION, unread)]),
        );
        assert_eq!(
            f.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Error, Status::Error, Status::Pass]
        );
        assert!(
            f[0].message
                .en
                .contains("config:DescribeConfigurationRecorderStatus failed"),
            "{}",
            f[0].message.en
        );
        assert!(
            f[1].message
                .en
                .contains("config:DescribeConfigurationRecorders failed")
        );
    }

    #[test]
    fn global_types_are_an_error_when_no_region_could_be_read() {
        let mut unread = Services::default();
        unread.config.recorders =
            Collected::Error(not_implemented("config", "DescribeConfigurationRecorders"));
        let f = run_check(&CHECK, &snapshot(vec![(OTHER_REGION, unread)]));
        assert_eq!(f[1].status, Status::Error);
        assert_eq!(
            f[1].message.en,
            "Could not decide whether global resource types are recorded: \
             config:DescribeConfigurationRecorders was not read in us-east-1"
        );
    }
}
