//! ENC-2 and ENC-1 for Redshift clusters: encrypted at rest, and
//! `require_ssl` on in the parameter group the cluster uses.

use kensa_snapshot::Missing;
use kensa_snapshot::endpoints::RedshiftCluster;
use serde_json::json;

use super::edge::{each_item, regional_arn};
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static AT_REST: Check = Check {
    meta: CheckMeta {
        id: "enc-redshift-at-rest",
        requirements: &["ENC-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Redshift clusters are encrypted at rest",
            ja: "Redshift クラスターが保管時に暗号化されている",
        },
        description: StaticText {
            en: "Every provisioned Redshift cluster reports `Encrypted`.",
            ja: "すべてのプロビジョニングされた Redshift クラスターが `Encrypted` であること。",
        },
        remediation: StaticText {
            en: "Modify the cluster to turn on encryption (Redshift migrates the data to an \
                 encrypted cluster).",
            ja: "クラスターを変更して暗号化を有効にする (Redshift がデータを暗号化したクラスターへ移行する)。",
        },
        cis_1_2: &[],
        fsbp: &["Redshift.10"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run: run_at_rest,
};

pub static IN_TRANSIT: Check = Check {
    meta: CheckMeta {
        id: "enc-redshift-in-transit",
        requirements: &["ENC-1"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Redshift clusters require SSL connections",
            ja: "Redshift クラスターが SSL 接続を必須にしている",
        },
        description: StaticText {
            en: "The parameter group each cluster uses sets `require_ssl` to true. A group that \
                 does not list the parameter, such as an unchanged default group, has Redshift's \
                 default, false. Plain traffic that the sheet allows inside a protected VPC path is \
                 recorded as an exception with its reason.",
            ja: "各クラスターが使うパラメータグループで `require_ssl` が true であること。このパラメータを持たない\
                 グループ (変更していない既定のグループなど) は Redshift の既定値 false とみなす。設計書が保護された \
                 VPC 内の経路で認める平文の通信は、理由を付けて例外として記録する。",
        },
        remediation: StaticText {
            en: "Use a custom parameter group with require_ssl = true (default groups cannot be \
                 changed) and reboot the cluster.",
            ja: "require_ssl = true のカスタムパラメータグループを使い (既定のグループは変更できない)、クラスターを\
                 再起動する。",
        },
        cis_1_2: &[],
        fsbp: &["Redshift.2"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run: run_in_transit,
};

fn cluster_resource(ctx: &Context<'_>, region: &str, c: &RedshiftCluster) -> Resource {
    Resource {
        kind: "AWS::Redshift::Cluster".to_owned(),
        id: c.id.clone(),
        arn: regional_arn(ctx, region, "redshift", &format!("cluster:{}", c.id)),
        name: Some(c.id.clone()),
        region: region.to_owned(),
    }
}

fn run_at_rest(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &AT_REST.meta;
    each_item(
        ctx,
        meta,
        "redshift:DescribeClusters",
        |e| &e.redshift_clusters,
        |region, _, c| {
            let name = c.id.clone();
            let evidence = json!({ "encrypted": c.encrypted, "kms_key_id": c.kms_key_id });
            let resource = cluster_resource(ctx, region, c);
            vec![if c.encrypted {
                meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "{name} is encrypted at rest",
                        "{name} は保管時に暗号化されています"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "{name} is not encrypted at rest",
                        "{name} は保管時に暗号化されていません"
                    ),
                    evidence,
                )
            }]
        },
    )
}

fn run_in_transit(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &IN_TRANSIT.meta;
    each_item(
        ctx,
        meta,
        "redshift:DescribeClusters",
        |e| &e.redshift_clusters,
        |region, endpoints, c| {
            let name = c.id.clone();
            let resource = cluster_resource(ctx, region, c);
            let Some(group) = c.parameter_groups.first() else {
                return vec![meta.incomplete(
                    resource,
                    "redshift:DescribeClusters",
                    text!(
                        "the cluster's parameter group",
                        "クラスターのパラメータグループ"
                    ),
                )];
            };
            let parameters = match endpoints
                .redshift_parameter_groups
                .get(group)
                .map(|p| p.get())
            {
                Some(Ok(parameters)) => parameters,
                Some(Err(missing)) => {
                    return vec![meta.missing(
                        resource,
                        missing,
                        "redshift:DescribeClusterParameters",
                    )];
                }
                None => {
                    return vec![meta.missing(
                        resource,
                        Missing::NotCollected,
                        "redshift:DescribeClusterParameters",
                    )];
                }
            };
            let value = parameters.require_ssl.clone();
            let evidence = json!({
                "parameter_group": group,
                "require_ssl": value,
                "require_ssl_listed": value.is_some(),
            });
            vec![match value.as_deref() {
            Some(v) if v.eq_ignore_ascii_case("true") => meta.finding(
                Status::Pass,
                resource,
                text!(
                    "{name} requires SSL (require_ssl = true in {group})",
                    "{name} は SSL を必須にしています ({group} で require_ssl = true)"
                ),
                evidence,
            ),
            Some(v) => meta.finding(
                Status::Fail,
                resource,
                text!(
                    "{name} accepts plain connections (require_ssl = {v} in {group})",
                    "{name} は平文の接続を受け付けます ({group} で require_ssl = {v})"
                ),
                evidence,
            ),
            None => meta.finding(
                Status::Fail,
                resource,
                text!(
                    "{name} accepts plain connections ({group} does not set require_ssl; Redshift's default is false)",
                    "{name} は平文の接続を受け付けます ({group} は require_ssl を設定しておらず、Redshift の既定値は false です)"
                ),
                evidence,
            ),
        }]
        },
    )
}
