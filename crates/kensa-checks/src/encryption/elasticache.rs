//! ENC-2 and ENC-1 for ElastiCache: replication groups and standalone
//! node-based clusters (Memcached included) encrypt at rest and in transit.

use kensa_snapshot::endpoints::{CacheCluster, CacheReplicationGroup};
use serde_json::json;

use super::edge::{each_item, regional_arn};
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static AT_REST: Check = Check {
    meta: CheckMeta {
        id: "enc-elasticache-at-rest",
        requirements: &["ENC-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "ElastiCache data is encrypted at rest",
            ja: "ElastiCache のデータが保管時に暗号化されている",
        },
        description: StaticText {
            en: "Every replication group, and every node-based cluster outside a replication \
                 group, has at-rest encryption on. Node-based Memcached clusters cannot encrypt at \
                 rest, so they fail; where the cache holds nothing that must be protected, record \
                 an exception with the reason.",
            ja: "すべてのレプリケーショングループと、レプリケーショングループに属さないノードベースのクラスターで\
                 保管時の暗号化が有効であること。ノードベースの Memcached クラスターは保管時に暗号化できないため\
                 不合格とする。保護すべきデータを持たないキャッシュは、理由を付けて例外を記録する。",
        },
        remediation: StaticText {
            en: "Create an encrypted copy (at-rest encryption can only be chosen at creation: restore \
                 a backup into a new replication group with encryption on) and move clients to it; \
                 for Memcached, use a serverless cache or Valkey.",
            ja: "暗号化したコピーを作成して (保管時の暗号化は作成時にのみ選べる: バックアップを暗号化を有効にした\
                 新しいレプリケーショングループへ復元する) クライアントを移す。Memcached はサーバーレスキャッシュか \
                 Valkey を使う。",
        },
        cis_1_2: &[],
        fsbp: &["ElastiCache.4"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run: run_at_rest,
};

pub static IN_TRANSIT: Check = Check {
    meta: CheckMeta {
        id: "enc-elasticache-in-transit",
        requirements: &["ENC-1"],
        severity: Severity::Medium,
        title: StaticText {
            en: "ElastiCache requires TLS from clients",
            ja: "ElastiCache がクライアントに TLS を必須にしている",
        },
        description: StaticText {
            en: "Every replication group, and every node-based cluster outside a replication \
                 group, has in-transit encryption on in `required` mode; `preferred` mode still \
                 accepts plain connections and fails. Plain traffic that the sheet allows inside a \
                 protected VPC path is recorded as an exception with its reason.",
            ja: "すべてのレプリケーショングループと、レプリケーショングループに属さないノードベースのクラスターで\
                 転送時の暗号化が `required` モードで有効であること。`preferred` モードは平文の接続も受け付けるため\
                 不合格。設計書が保護された VPC 内の経路で認める平文の通信は、理由を付けて例外として記録する。",
        },
        remediation: StaticText {
            en: "Turn on in-transit encryption (Valkey/Redis OSS 7 and later can switch an existing \
                 replication group: preferred, then required once every client uses TLS).",
            ja: "転送時の暗号化を有効にする (Valkey/Redis OSS 7 以降は既存のレプリケーショングループを切り替え\
                 られる: まず preferred、すべてのクライアントが TLS を使うようになったら required)。",
        },
        cis_1_2: &[],
        fsbp: &["ElastiCache.5"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run: run_in_transit,
};

fn group_resource(ctx: &Context<'_>, region: &str, g: &CacheReplicationGroup) -> Resource {
    Resource {
        kind: "AWS::ElastiCache::ReplicationGroup".to_owned(),
        id: g.id.clone(),
        arn: g.arn.clone().or_else(|| {
            regional_arn(
                ctx,
                region,
                "elasticache",
                &format!("replicationgroup:{}", g.id),
            )
        }),
        name: Some(g.id.clone()),
        region: region.to_owned(),
    }
}

fn cluster_resource(ctx: &Context<'_>, region: &str, c: &CacheCluster) -> Resource {
    Resource {
        kind: "AWS::ElastiCache::CacheCluster".to_owned(),
        id: c.id.clone(),
        arn: c
            .arn
            .clone()
            .or_else(|| regional_arn(ctx, region, "elasticache", &format!("cluster:{}", c.id))),
        name: Some(c.id.clone()),
        region: region.to_owned(),
    }
}

/// One verdict per cache: the replication groups, then the clusters that
/// belong to none (members are judged with their group).
fn each_cache(
    ctx: &Context<'_>,
    meta: &CheckMeta,
    mut on_group: impl FnMut(&str, &CacheReplicationGroup) -> Finding,
    mut on_cluster: impl FnMut(&str, &CacheCluster) -> Finding,
) -> Vec<Finding> {
    let mut findings = each_item(
        ctx,
        meta,
        "elasticache:DescribeReplicationGroups",
        |e| &e.cache_replication_groups,
        |region, _, g| vec![on_group(region, g)],
    );
    // A region whose replication groups could not be read already has its
    // ERROR; a second one for the clusters would repeat the finding's
    // identity (check and resource), which reports must keep unique.
    let unreadable: std::collections::BTreeSet<String> = findings
        .iter()
        .filter(|f| f.status == Status::Error)
        .map(|f| f.resource.id.clone())
        .collect();
    let clusters = each_item(
        ctx,
        meta,
        "elasticache:DescribeCacheClusters",
        |e| &e.cache_clusters,
        |region, _, c| {
            if c.replication_group_id.is_some() {
                Vec::new()
            } else {
                vec![on_cluster(region, c)]
            }
        },
    );
    findings.extend(
        clusters
            .into_iter()
            .filter(|f| !(f.status == Status::Error && unreadable.contains(&f.resource.id))),
    );
    findings
}

fn at_rest(
    meta: &CheckMeta,
    resource: Resource,
    on: bool,
    engine: Option<&str>,
    evidence: serde_json::Value,
) -> Finding {
    let name = resource.id.clone();
    match (on, engine) {
        (true, _) => meta.finding(
            Status::Pass,
            resource,
            text!("{name} is encrypted at rest", "{name} は保管時に暗号化されています"),
            evidence,
        ),
        (false, Some("memcached")) => meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} is not encrypted at rest: node-based Memcached clusters cannot be",
                "{name} は保管時に暗号化されていません: ノードベースの Memcached クラスターは暗号化できません"
            ),
            evidence,
        ),
        (false, _) => meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} is not encrypted at rest",
                "{name} は保管時に暗号化されていません"
            ),
            evidence,
        ),
    }
}

fn run_at_rest(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &AT_REST.meta;
    each_cache(
        ctx,
        meta,
        |region, g| {
            let evidence = json!({
                "engine": g.engine,
                "at_rest_encryption_enabled": g.at_rest_encryption_enabled,
                "kms_key_id": g.kms_key_id,
            });
            at_rest(
                meta,
                group_resource(ctx, region, g),
                g.at_rest_encryption_enabled,
                g.engine.as_deref(),
                evidence,
            )
        },
        |region, c| {
            let evidence = json!({
                "engine": c.engine,
                "engine_version": c.engine_version,
                "at_rest_encryption_enabled": c.at_rest_encryption_enabled,
            });
            at_rest(
                meta,
                cluster_resource(ctx, region, c),
                c.at_rest_encryption_enabled,
                c.engine.as_deref(),
                evidence,
            )
        },
    )
}

fn in_transit(
    meta: &CheckMeta,
    resource: Resource,
    on: bool,
    mode: Option<&str>,
    evidence: serde_json::Value,
) -> Finding {
    let name = resource.id.clone();
    match (on, mode) {
        (true, Some("preferred")) => meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} encrypts in transit in `preferred` mode, which still accepts plain connections",
                "{name} の転送時の暗号化は `preferred` モードで、平文の接続も受け付けます"
            ),
            evidence,
        ),
        (true, _) => meta.finding(
            Status::Pass,
            resource,
            text!("{name} requires TLS from clients", "{name} はクライアントに TLS を必須にしています"),
            evidence,
        ),
        (false, _) => meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} does not encrypt in transit",
                "{name} は転送時に暗号化していません"
            ),
            evidence,
        ),
    }
}

fn run_in_transit(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &IN_TRANSIT.meta;
    each_cache(
        ctx,
        meta,
        |region, g| {
            let evidence = json!({
                "engine": g.engine,
                "transit_encryption_enabled": g.transit_encryption_enabled,
                "transit_encryption_mode": g.transit_encryption_mode,
            });
            in_transit(
                meta,
                group_resource(ctx, region, g),
                g.transit_encryption_enabled,
                g.transit_encryption_mode.as_deref(),
                evidence,
            )
        },
        |region, c| {
            let evidence = json!({
                "engine": c.engine,
                "engine_version": c.engine_version,
                "transit_encryption_enabled": c.transit_encryption_enabled,
                "transit_encryption_mode": c.transit_encryption_mode,
            });
            in_transit(
                meta,
                cluster_resource(ctx, region, c),
                c.transit_encryption_enabled,
                c.transit_encryption_mode.as_deref(),
                evidence,
            )
        },
    )
}
