//! ENC-1: every RDS database refuses connections without TLS.
//!
//! The setting lives in the parameter group in use: a standalone instance's
//! DB parameter group, a cluster's DB cluster parameter group (an Aurora
//! instance follows its cluster). kensa reads the parameter's value there;
//! a group that sets none gets the engine's default.

use std::collections::BTreeMap;

use kensa_snapshot::storage::{DbParameter, Storage};
use kensa_snapshot::{Collected, Missing};
use serde_json::json;

use super::rds::{
    cluster_resource, engine_default_requires_tls, instance_resource, parameter_on, tls_parameter,
};
use super::regions;
use crate::network::region_resource;
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-rds-tls",
        requirements: &["ENC-1"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Every RDS database refuses connections without TLS",
            ja: "すべての RDS データベースが TLS を使わない接続を拒否している",
        },
        description: StaticText {
            en: "The parameter group in use (a standalone instance's DB parameter group, a cluster's \
                 DB cluster parameter group) sets `rds.force_ssl` = 1 (PostgreSQL, SQL Server) or \
                 `require_secure_transport` = ON (MySQL, MariaDB). A group that sets no value gets \
                 the engine's default: on for RDS for PostgreSQL 15 and later, off otherwise. An \
                 instance waiting for a reboot to apply a static parameter, and engines that \
                 require TLS another way (Oracle's SSL option), are MANUAL.",
            ja: "使用中のパラメータグループ (単独インスタンスの DB パラメータグループ、クラスターの \
                 DB クラスターパラメータグループ) で `rds.force_ssl` = 1 (PostgreSQL、SQL Server) または \
                 `require_secure_transport` = ON (MySQL、MariaDB) であること。値を設定していないグループは\
                 エンジンの既定値 (RDS for PostgreSQL 15 以降はオン、それ以外はオフ) になる。静的パラメータの\
                 反映に再起動待ちのインスタンスと、別の方法で TLS を必須にするエンジン (Oracle の SSL \
                 オプション) は MANUAL とする。",
        },
        remediation: StaticText {
            en: "Use a custom parameter group with `rds.force_ssl` = 1 or `require_secure_transport` \
                 = ON (default groups cannot be changed), attach it, and reboot where the parameter \
                 is static. Traffic the sheet allows in plain text inside a protected VPC path is \
                 recorded as an `[[exceptions]]` entry with its reason.",
            ja: "`rds.force_ssl` = 1 または `require_secure_transport` = ON のカスタムパラメータグループを\
                 使い (デフォルトのグループは変更できない)、アタッチし、静的パラメータなら再起動する。\
                 保護された VPC 内の経路として設計書が平文を認める通信は、理由とともに `[[exceptions]]` \
                 に記録する。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

/// One database to judge: an instance outside any cluster, or a cluster.
struct Database<'a> {
    resource: Resource,
    kind: crate::Text,
    engine: &'a str,
    engine_version: Option<&'a str>,
    /// The group in use and the call that reads it.
    group: Option<&'a str>,
    apply_status: Option<&'a str>,
    groups: &'a BTreeMap<String, Collected<Vec<DbParameter>>>,
    call: &'static str,
    list_call: &'static str,
}

fn judge(meta: &CheckMeta, db: Database<'_>) -> Finding {
    let id = db.resource.id.clone();
    let (kind_en, kind_ja) = (&db.kind.en, &db.kind.ja);
    let engine = db.engine;
    let Some(parameter) = tls_parameter(engine) else {
        return meta.finding(
            Status::Manual,
            db.resource,
            text!(
                "{kind_en} {id} runs {engine}, which does not require TLS through a parameter kensa reads (Oracle uses the SSL option of an option group); check it by hand",
                "{kind_ja} {id} は {engine} で、kensa が読むパラメータでは TLS を必須にしません (Oracle はオプショングループの SSL オプションを使う)。手動で確認してください"
            ),
            json!({ "engine": engine }),
        );
    };
    let Some(group) = db.group else {
        return meta.incomplete(
            db.resource,
            db.list_call,
            crate::Text::new("the parameter group in use", "使用中のパラメータグループ"),
        );
    };
    let parameters = match db.groups.get(group).map(Collected::get) {
        Some(Ok(parameters)) => parameters,
        Some(Err(missing)) => return meta.missing(db.resource, missing, db.call),
        None => return meta.missing(db.resource, Missing::NotCollected, db.call),
    };
    let found = parameters.iter().find(|p| p.name == parameter);
    let set = found.and_then(|p| p.value.as_deref());
    let evidence = json!({
        "engine": engine,
        "engine_version": db.engine_version,
        "parameter_group": group,
        "parameter_apply_status": db.apply_status,
        "parameter": parameter,
        "value": set,
        "source": found.and_then(|p| p.source.as_deref()),
        "apply_type": found.and_then(|p| p.apply_type.as_deref()),
        "engine_default": set.is_none(),
    });
    let on = match set {
        None => engine_default_requires_tls(engine, db.engine_version),
        Some(value) => match parameter_on(value) {
            Some(on) => on,
            None => {
                return meta.finding(
                    Status::Manual,
                    db.resource,
                    text!(
                        "{kind_en} {id}: {parameter} = `{value}` in {group} is not a value kensa understands; check it by hand",
                        "{kind_ja} {id}: {group} の {parameter} = `{value}` は kensa の解釈できない値です。手動で確認してください"
                    ),
                    evidence,
                );
            }
        },
    };
    let shown = set.map_or_else(
        || {
            let default = if on { "on" } else { "off" };
            crate::Text::new(
                format!("{parameter} is not set in {group}, so the engine default ({default}) applies"),
                format!("{group} で {parameter} が設定されておらず、エンジンの既定値 ({default}) が適用されます"),
            )
        },
        |value| crate::Text::new(
            format!("{parameter} = {value} in {group}"),
            format!("{group} で {parameter} = {value}"),
        ),
    );
    let (shown_en, shown_ja) = (&shown.en, &shown.ja);
    let pending = db.apply_status == Some("pending-reboot")
        && found.and_then(|p| p.apply_type.as_deref()) != Some("dynamic");
    match (on, pending) {
        (true, false) => meta.finding(
            Status::Pass,
            db.resource,
            text!(
                "{kind_en} {id} refuses connections without TLS: {shown_en}",
                "{kind_ja} {id} は TLS を使わない接続を拒否します: {shown_ja}"
            ),
            evidence,
        ),
        (true, true) => meta.finding(
            Status::Manual,
            db.resource,
            text!(
                "{kind_en} {id}: {shown_en}, but the instance waits for a reboot to apply its parameter group, so the setting may not be in effect yet",
                "{kind_ja} {id}: {shown_ja}。ただしパラメータグループの反映に再起動待ちのため、設定がまだ有効でない可能性があります"
            ),
            evidence,
        ),
        (false, _) => meta.finding(
            Status::Fail,
            db.resource,
            text!(
                "{kind_en} {id} accepts connections without TLS: {shown_en}",
                "{kind_ja} {id} は TLS を使わない接続を受け付けます: {shown_ja}"
            ),
            evidence,
        ),
    }
}

fn region_findings(
    ctx: &Context<'_>,
    meta: &CheckMeta,
    region: &str,
    storage: Option<&Storage>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut unread: Vec<(Missing<'_>, &str)> = Vec::new();
    let rds = storage.map(|s| &s.rds);
    match rds.map(|r| r.instances.get()) {
        Some(Ok(instances)) => {
            for instance in instances.iter().filter(|i| i.cluster_identifier.is_none()) {
                let group = instance.parameter_groups.first();
                findings.push(judge(
                    meta,
                    Database {
                        resource: instance_resource(region, instance),
                        kind: crate::Text::new("DB instance", "DB インスタンス"),
                        engine: &instance.engine,
                        engine_version: instance.engine_version.as_deref(),
                        group: group.map(|g| g.name.as_str()),
                        apply_status: group.and_then(|g| g.apply_status.as_deref()),
                        groups: rds.map(|r| &r.parameter_groups).unwrap_or(&EMPTY),
                        call: "rds:DescribeDBParameters",
                        list_call: "rds:DescribeDBInstances",
                    },
                ));
            }
        }
        Some(Err(missing)) => unread.push((missing, "rds:DescribeDBInstances")),
        None => unread.push((Missing::NotCollected, "rds:DescribeDBInstances")),
    }
    match rds.map(|r| r.clusters.get()) {
        Some(Ok(clusters)) => {
            for cluster in clusters {
                findings.push(judge(
                    meta,
                    Database {
                        resource: cluster_resource(region, cluster),
                        kind: crate::Text::new("DB cluster", "DB クラスター"),
                        engine: &cluster.engine,
                        engine_version: cluster.engine_version.as_deref(),
                        group: cluster.parameter_group.as_deref(),
                        apply_status: None,
                        groups: rds.map(|r| &r.cluster_parameter_groups).unwrap_or(&EMPTY),
                        call: "rds:DescribeDBClusterParameters",
                        list_call: "rds:DescribeDBClusters",
                    },
                ));
            }
        }
        Some(Err(missing)) => unread.push((missing, "rds:DescribeDBClusters")),
        None => unread.push((Missing::NotCollected, "rds:DescribeDBClusters")),
    }
    // One ERROR per region: the region is the finding's resource, and a
    // finding is identified by its check and resource.
    if let Some((missing, call)) = unread.into_iter().next() {
        findings.push(meta.missing(region_resource(ctx, region), missing, call));
    }
    findings
}

static EMPTY: BTreeMap<String, Collected<Vec<DbParameter>>> = BTreeMap::new();

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    regions(ctx)
        .into_iter()
        .flat_map(|(region, storage)| region_findings(ctx, meta, region, storage))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encryption::fixtures::*;
    use crate::iam::fixtures::run_check;
    use kensa_snapshot::storage::{DbCluster, DbInstance, DbParameterGroupStatus, Rds};

    fn instance(id: &str, engine: &str, version: &str, group: &str, status: &str) -> DbInstance {
        DbInstance {
            identifier: id.into(),
            arn: Some(format!("arn:aws:rds:ap-northeast-1:123456789012:db:{id}")),
            engine: engine.into(),
            engine_version: Some(version.into()),
            storage_encrypted: true,
            kms_key_id: None,
            cluster_identifier: None,
            parameter_groups: vec![DbParameterGroupStatus {
                name: group.into(),
                apply_status: Some(status.into()),
            }],
        }
    }

    fn parameter(name: &str, value: Option<&str>, apply_type: &str) -> DbParameter {
        DbParameter {
            name: name.into(),
            value: value.map(str::to_owned),
            source: Some(
                if value.is_some() {
                    "user"
                } else {
                    "engine-default"
                }
                .into(),
            ),
            apply_type: Some(apply_type.into()),
        }
    }

    #[test]
    fn every_branch_in_both_languages() {
        let mut aurora_member = instance(
            "ledger-1",
            "aurora-mysql",
            "8.0.mysql_aurora.3.05.2",
            "default.aurora-mysql8.0",
            "in-sync",
        );
        aurora_member.cluster_identifier = Some("ledger".into());
        let groups = [
            (
                "forced-pg",
                Collected::Value(vec![parameter("rds.force_ssl", Some("1"), "dynamic")]),
            ),
            (
                "default.postgres16",
                Collected::Value(vec![parameter("rds.force_ssl", None, "dynamic")]),
            ),
            ("default.postgres14", Collected::Value(vec![])),
            (
                "open-mysql",
                Collected::Value(vec![parameter(
                    "require_secure_transport",
                    Some("OFF"),
                    "dynamic",
                )]),
            ),
            (
                "forced-sqlserver",
                Collected::Value(vec![parameter("rds.force_ssl", Some("1"), "static")]),
            ),
            (
                "odd-mariadb",
                Collected::Value(vec![parameter(
                    "require_secure_transport",
                    Some("{TrueIfReplica}"),
                    "dynamic",
                )]),
            ),
            (
                "unreadable",
                Collected::Error(not_implemented("rds", "DescribeDBParameters")),
            ),
        ]
        .into_iter()
        .map(|(name, params)| (name.to_owned(), params))
        .collect();
        let cluster_groups = [(
            "ledger-params".to_owned(),
            Collected::Value(vec![parameter(
                "require_secure_transport",
                Some("ON"),
                "dynamic",
            )]),
        )]
        .into_iter()
        .collect();
        let snapshot = snapshot(vec![(
            REGION,
            Storage {
                rds: Rds {
                    instances: Collected::Value(vec![
                        instance("pg-forced", "postgres", "14.10", "forced-pg", "in-sync"),
                        instance(
                            "pg16-default",
                            "postgres",
                            "16.3",
                            "default.postgres16",
                            "in-sync",
                        ),
                        instance(
                            "pg14-default",
                            "postgres",
                            "14.10",
                            "default.postgres14",
                            "in-sync",
                        ),
                        instance("shop", "mysql", "8.0.35", "open-mysql", "in-sync"),
                        instance(
                            "erp",
                            "sqlserver-se",
                            "16.00",
                            "forced-sqlserver",
                            "pending-reboot",
                        ),
                        instance("odd", "mariadb", "10.11", "odd-mariadb", "in-sync"),
                        instance("blind", "postgres", "15.5", "unreadable", "in-sync"),
                        instance(
                            "billing",
                            "oracle-ee",
                            "19",
                            "default.oracle-ee-19",
                            "in-sync",
                        ),
                        aurora_member,
                    ]),
                    clusters: Collected::Value(vec![DbCluster {
                        identifier: "ledger".into(),
                        arn: None,
                        engine: "aurora-mysql".into(),
                        engine_version: Some("8.0.mysql_aurora.3.05.2".into()),
                        storage_encrypted: true,
                        kms_key_id: None,
                        parameter_group: Some("ledger-params".into()),
                    }]),
                    parameter_groups: groups,
                    cluster_parameter_groups: cluster_groups,
                },
                ..Default::default()
            },
        )]);
        let findings = run_check(&CHECK, &snapshot);
        insta::assert_snapshot!(render(&findings));
        assert!(
            findings.iter().all(|f| f.resource.id != "ledger-1"),
            "an Aurora member follows its cluster"
        );
    }

    #[test]
    fn a_region_not_collected_is_one_error() {
        let mut snapshot = snapshot(vec![]);
        snapshot.audited_regions.push(REGION.into());
        let findings = run_check(&CHECK, &snapshot);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Error);
        assert!(
            findings[0]
                .message
                .en
                .contains("rds:DescribeDBInstances was not collected")
        );
    }

    #[test]
    fn unreadable_lists_are_errors_per_region() {
        let snapshot = snapshot(vec![(
            REGION,
            Storage {
                rds: Rds {
                    instances: Collected::Error(not_implemented("rds", "DescribeDBInstances")),
                    clusters: Collected::Value(vec![]),
                    ..Default::default()
                },
                ..Default::default()
            },
        )]);
        let findings = run_check(&CHECK, &snapshot);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Error);
        assert!(
            findings[0]
                .message
                .en
                .contains("rds:DescribeDBInstances failed")
        );
    }
}
