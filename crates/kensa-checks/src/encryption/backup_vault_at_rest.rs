//! ENC-2: every AWS Backup vault encrypts the backups it holds.

use serde_json::json;

use super::each_item;
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-backup-vault-at-rest",
        requirements: &["ENC-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Every AWS Backup vault encrypts its backups",
            ja: "すべての AWS Backup ボールトがバックアップを暗号化している",
        },
        description: StaticText {
            en: "Each backup vault names the KMS key that encrypts the backups it holds \
                 (`EncryptionKeyArn`). Backups of services without full AWS Backup management keep \
                 the encryption of their source, which the checks for those services judge.",
            ja: "各バックアップボールトが、保管するバックアップを暗号化する KMS キー (`EncryptionKeyArn`) を\
                 持つこと。AWS Backup の完全な管理に対応しないサービスのバックアップは元のリソースの\
                 暗号化を引き継ぐため、そのサービスのチェックで判定する。",
        },
        remediation: StaticText {
            en: concat!(
                "Create the vault with a KMS key (AWS managed `aws/backup` or customer managed) and \
                 point the backup plans at it.",
                crate::client_side_note!(en)
            ),
            ja: concat!(
                "KMS キー (AWS マネージドの `aws/backup` またはカスタマーマネージド) を指定してボールトを\
                 作成し、バックアッププランの保存先にする。",
                crate::client_side_note!(ja)
            ),
        },
        cis_1_2: &[],
        fsbp: &[],
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
        "backup:ListBackupVaults",
        |s| &s.backup_vaults,
        |region, vault| {
            let name = &vault.name;
            let resource = Resource {
                kind: "AWS::Backup::BackupVault".to_owned(),
                id: name.clone(),
                arn: vault.arn.clone(),
                name: Some(name.clone()),
                region: region.to_owned(),
            };
            let evidence = json!({
                "encryption_key_arn": vault.encryption_key_arn,
                "encryption_key_type": vault.encryption_key_type,
                "vault_type": vault.vault_type,
            });
            match &vault.encryption_key_arn {
                Some(key) => meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "Backup vault {name} encrypts its backups with {key}",
                        "バックアップボールト {name} はバックアップを {key} で暗号化します"
                    ),
                    evidence,
                ),
                None => meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "Backup vault {name} names no encryption key",
                        "バックアップボールト {name} には暗号化キーが指定されていません"
                    ),
                    evidence,
                ),
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
    use kensa_snapshot::storage::{BackupVault, Storage};

    #[test]
    fn every_branch_in_both_languages() {
        let vault = |name: &str, key: Option<&str>| BackupVault {
            name: name.into(),
            arn: None,
            encryption_key_arn: key.map(str::to_owned),
            encryption_key_type: None,
            vault_type: Some("BACKUP_VAULT".into()),
        };
        let snapshot = snapshot(vec![
            (
                REGION,
                Storage {
                    backup_vaults: Collected::Value(vec![
                        vault(
                            "Default",
                            Some("arn:aws:kms:ap-northeast-1:123456789012:key/bk"),
                        ),
                        vault("bare", None),
                    ]),
                    ..Default::default()
                },
            ),
            (
                "us-east-1",
                Storage {
                    backup_vaults: Collected::Error(not_implemented("backup", "ListBackupVaults")),
                    ..Default::default()
                },
            ),
        ]);
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }
}
