//! ENC-2: every EFS file system is encrypted at rest.

use serde_json::json;

use super::{each_item, regional_arn};
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-efs-at-rest",
        requirements: &["ENC-2"],
        severity: Severity::High,
        title: StaticText {
            en: "Every EFS file system is encrypted at rest",
            ja: "すべての EFS ファイルシステムが保管時に暗号化されている",
        },
        description: StaticText {
            en: "Each file system was created with encryption at rest (`Encrypted`, with an AWS KMS key).",
            ja: "各ファイルシステムが保管時の暗号化 (`Encrypted`、AWS KMS キー) を有効にして作成されていること。",
        },
        remediation: StaticText {
            en: concat!(
                "Encryption is chosen when a file system is created: create an encrypted file \
                 system and copy the data to it (AWS DataSync or AWS Backup restore).",
                crate::client_side_note!(en)
            ),
            ja: concat!(
                "暗号化はファイルシステムの作成時に決まる。暗号化したファイルシステムを作成し、データを\
                 コピーする (AWS DataSync や AWS Backup の復元)。",
                crate::client_side_note!(ja)
            ),
        },
        cis_1_2: &[],
        fsbp: &["EFS.1"],
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
        "elasticfilesystem:DescribeFileSystems",
        |s| &s.efs_file_systems,
        |region, fs| {
            let id = &fs.id;
            let resource = Resource {
                kind: "AWS::EFS::FileSystem".to_owned(),
                id: id.clone(),
                arn: fs.arn.clone().or_else(|| {
                    regional_arn(
                        ctx,
                        region,
                        "elasticfilesystem",
                        &format!("file-system/{id}"),
                    )
                }),
                name: fs.name.clone().or_else(|| Some(id.clone())),
                region: region.to_owned(),
            };
            let evidence = json!({ "encrypted": fs.encrypted, "kms_key_id": fs.kms_key_id });
            if fs.encrypted {
                meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "File system {id} is encrypted at rest",
                        "ファイルシステム {id} は保管時に暗号化されています"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "File system {id} is not encrypted at rest",
                        "ファイルシステム {id} は保管時に暗号化されていません"
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
    use kensa_snapshot::storage::{EfsFileSystem, Storage};

    #[test]
    fn every_branch_in_both_languages() {
        let fs = |id: &str, encrypted: bool| EfsFileSystem {
            id: id.into(),
            arn: None,
            name: Some(format!("{id}-name")),
            encrypted,
            kms_key_id: None,
        };
        let snapshot = snapshot(vec![
            (
                REGION,
                Storage {
                    efs_file_systems: Collected::Value(vec![fs("fs-1", true), fs("fs-2", false)]),
                    ..Default::default()
                },
            ),
            (
                "us-east-1",
                Storage {
                    efs_file_systems: Collected::Error(not_implemented(
                        "elasticfilesystem",
                        "DescribeFileSystems",
                    )),
                    ..Default::default()
                },
            ),
        ]);
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }
}
