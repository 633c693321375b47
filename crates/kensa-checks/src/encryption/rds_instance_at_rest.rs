//! ENC-2: every RDS DB instance stores its data encrypted.

use serde_json::json;

use super::each_item;
use super::rds::instance_resource;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-rds-instance-at-rest",
        requirements: &["ENC-2"],
        severity: Severity::High,
        title: StaticText {
            en: "Every RDS DB instance is encrypted at rest",
            ja: "すべての RDS DB インスタンスが保管時に暗号化されている",
        },
        description: StaticText {
            en: "Each DB instance has storage encryption on (`StorageEncrypted`), which also covers \
                 its automated backups, read replicas and snapshots. Instances of Aurora clusters \
                 carry their cluster's setting.",
            ja: "各 DB インスタンスのストレージ暗号化 (`StorageEncrypted`) が有効であること。自動バックアップ、\
                 リードレプリカ、スナップショットも対象になる。Aurora クラスターのインスタンスは\
                 クラスターの設定を持つ。",
        },
        remediation: StaticText {
            en: concat!(
                "Encryption cannot be turned on for an existing instance: take a snapshot, copy it \
                 with encryption on, restore a new instance from the copy and move the clients to it.",
                crate::client_side_note!(en)
            ),
            ja: concat!(
                "既存のインスタンスの暗号化は有効にできない。スナップショットを取り、暗号化を有効にして\
                 コピーし、そのコピーから新しいインスタンスを復元して接続先を切り替える。",
                crate::client_side_note!(ja)
            ),
        },
        cis_1_2: &[],
        fsbp: &["RDS.3"],
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
        "rds:DescribeDBInstances",
        |s| &s.rds.instances,
        |region, instance| {
            let id = &instance.identifier;
            let engine = &instance.engine;
            let evidence = json!({
                "engine": engine,
                "storage_encrypted": instance.storage_encrypted,
                "kms_key_id": instance.kms_key_id,
            });
            let resource = instance_resource(region, instance);
            if instance.storage_encrypted {
                meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "DB instance {id} ({engine}) is encrypted at rest",
                        "DB インスタンス {id} ({engine}) は保管時に暗号化されています"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "DB instance {id} ({engine}) is not encrypted at rest",
                        "DB インスタンス {id} ({engine}) は保管時に暗号化されていません"
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
    use kensa_snapshot::storage::{DbInstance, Rds, Storage};

    pub fn instance(id: &str, engine: &str, encrypted: bool) -> DbInstance {
        DbInstance {
            identifier: id.into(),
            arn: Some(format!("arn:aws:rds:ap-northeast-1:123456789012:db:{id}")),
            engine: engine.into(),
            engine_version: Some("16.3".into()),
            storage_encrypted: encrypted,
            kms_key_id: None,
            cluster_identifier: None,
            parameter_groups: vec![],
        }
    }

    #[test]
    fn every_branch_in_both_languages() {
        let snapshot = snapshot(vec![
            (
                REGION,
                Storage {
                    rds: Rds {
                        instances: Collected::Value(vec![
                            instance("orders", "postgres", true),
                            instance("legacy", "mysql", false),
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
                        instances: Collected::Error(not_implemented("rds", "DescribeDBInstances")),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            ),
        ]);
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }
}
