//! ENC-2: every RDS DB cluster (Aurora, Multi-AZ DB cluster) stores its data encrypted.

use serde_json::json;

use super::each_item;
use super::rds::cluster_resource;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-rds-cluster-at-rest",
        requirements: &["ENC-2"],
        severity: Severity::High,
        title: StaticText {
            en: "Every RDS DB cluster is encrypted at rest",
            ja: "すべての RDS DB クラスターが保管時に暗号化されている",
        },
        description: StaticText {
            en: "Each DB cluster (Aurora, or a Multi-AZ DB cluster) has storage encryption on \
                 (`StorageEncrypted`).",
            ja: "各 DB クラスター (Aurora、またはマルチ AZ DB クラスター) のストレージ暗号化 \
                 (`StorageEncrypted`) が有効であること。",
        },
        remediation: StaticText {
            en: concat!(
                "Encryption cannot be turned on for an existing cluster: snapshot it, restore an \
                 encrypted cluster from the snapshot and move the clients to it.",
                crate::client_side_note!(en)
            ),
            ja: concat!(
                "既存のクラスターの暗号化は有効にできない。スナップショットを取り、暗号化したクラスターを\
                 そこから復元して接続先を切り替える。",
                crate::client_side_note!(ja)
            ),
        },
        cis_1_2: &[],
        fsbp: &["RDS.27"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_item(
        ctx,
        meta,
        "rds:DescribeDBClusters",
        |s| &s.rds.clusters,
        |region, cluster| {
            let id = &cluster.identifier;
            let engine = &cluster.engine;
            let evidence = json!({
                "engine": engine,
                "storage_encrypted": cluster.storage_encrypted,
                "kms_key_id": cluster.kms_key_id,
            });
            let resource = cluster_resource(region, cluster);
            if cluster.storage_encrypted {
                meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "DB cluster {id} ({engine}) is encrypted at rest",
                        "DB クラスター {id} ({engine}) は保管時に暗号化されています"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "DB cluster {id} ({engine}) is not encrypted at rest",
                        "DB クラスター {id} ({engine}) は保管時に暗号化されていません"
                    ),
                    evidence,
                )
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encryption::fixtures::*;
    use crate::iam::fixtures::run_check;
    use kensa_snapshot::Collected;
    use kensa_snapshot::storage::{DbCluster, Rds, Storage};

    #[test]
    fn every_branch_in_both_languages() {
        let cluster = |id: &str, encrypted: bool| DbCluster {
            identifier: id.into(),
            arn: Some(format!(
                "arn:aws:rds:ap-northeast-1:123456789012:cluster:{id}"
            )),
            engine: "aurora-postgresql".into(),
            engine_version: Some("16.1".into()),
            storage_encrypted: encrypted,
            kms_key_id: None,
            parameter_group: None,
        };
        let snapshot = snapshot(vec![
            (
                REGION,
                Storage {
                    rds: Rds {
                        clusters: Collected::Value(vec![
                            cluster("ledger", true),
                            cluster("scratch", false),
                        ]),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            ),
            (
                "us-east-1",
                Storage {
                    rds: Rds {
                        clusters: Collected::Error(not_implemented("rds", "DescribeDBClusters")),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            ),
        ]);
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }
}
