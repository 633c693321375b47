//! ENC-2: DynamoDB tables are always encrypted at rest; the finding reports
//! which key type protects each one.

use kensa_snapshot::Missing;
use kensa_snapshot::storage::TableEncryption;
use serde_json::json;

use super::{each_item, regional_arn};
use crate::{
    Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, Text, text,
};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-dynamodb-at-rest",
        requirements: &["ENC-2"],
        severity: Severity::Low,
        title: StaticText {
            en: "Every DynamoDB table is encrypted at rest (key type reported)",
            ja: "すべての DynamoDB テーブルが保管時に暗号化されている (キーの種類を報告)",
        },
        description: StaticText {
            en: "DynamoDB encrypts every table at rest; the finding says with which key: the AWS \
                 owned key (no `SSEDescription`), the AWS managed key `aws/dynamodb`, or a customer \
                 managed key (`kms:DescribeKey` KeyManager). A table whose key is inaccessible or \
                 whose encryption is being changed is reported as such.",
            ja: "DynamoDB はすべてのテーブルを保管時に暗号化する。結果にはキーの種類を示す: AWS 所有キー \
                 (`SSEDescription` なし)、AWS マネージドキー `aws/dynamodb`、カスタマーマネージドキー \
                 (`kms:DescribeKey` の KeyManager)。キーにアクセスできないテーブルや暗号化の変更中の\
                 テーブルはその旨を示す。",
        },
        remediation: StaticText {
            en: "Nothing is needed for the sheet. Where the system's policy asks for control over \
                 the key, switch the table to a customer managed key. A table whose key is \
                 inaccessible needs its KMS key enabled again.",
            ja: "設計書上の対応は不要。システムの方針でキーの管理が求められる場合は、テーブルを\
                 カスタマーマネージドキーに切り替える。キーにアクセスできないテーブルは KMS キーを\
                 再度有効にする。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn key_type(encryption: &TableEncryption) -> Result<Text, Missing<'_>> {
    if encryption.kms_master_key_arn.is_none() {
        return Ok(Text::new("the AWS owned key", "AWS 所有キー"));
    }
    Ok(match encryption.key_manager.get()?.as_str() {
        "AWS" => Text::new(
            "the AWS managed key (aws/dynamodb)",
            "AWS マネージドキー (aws/dynamodb)",
        ),
        "CUSTOMER" => Text::new("a customer managed key", "カスタマーマネージドキー"),
        other => Text::new(
            format!("a key managed by {other}"),
            format!("{other} が管理するキー"),
        ),
    })
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_item(
        ctx,
        meta,
        "dynamodb:ListTables",
        |s| &s.dynamodb_tables,
        |region, table| {
            let name = &table.name;
            let mut resource = Resource {
                kind: "AWS::DynamoDB::Table".to_owned(),
                id: name.clone(),
                arn: regional_arn(ctx, region, "dynamodb", &format!("table/{name}")),
                name: Some(name.clone()),
                region: region.to_owned(),
            };
            let encryption = match table.encryption.get() {
                Ok(e) => e,
                Err(missing) => return meta.missing(resource, missing, "dynamodb:DescribeTable"),
            };
            if let Some(arn) = &encryption.arn {
                resource.arn = Some(arn.clone());
            }
            let key = match key_type(encryption) {
                Ok(key) => key,
                Err(missing) => return meta.missing(resource, missing, "kms:DescribeKey"),
            };
            let (key_en, key_ja) = (&key.en, &key.ja);
            let evidence = json!({
                "sse_status": encryption.sse_status,
                "sse_type": encryption.sse_type,
                "kms_master_key_arn": encryption.kms_master_key_arn,
                "key_manager": encryption.key_manager.value(),
                "key_type": key.en,
            });
            match encryption.sse_status.as_deref() {
                Some("INACCESSIBLE_ENCRYPTION_CREDENTIALS") => meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "Table {name} is encrypted with {key_en}, but DynamoDB cannot use the key: the table is inaccessible",
                        "テーブル {name} は {key_ja} で暗号化されていますが、DynamoDB がキーを使えず、テーブルにアクセスできません"
                    ),
                    evidence,
                ),
                _ => meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "Table {name} is encrypted at rest with {key_en}",
                        "テーブル {name} は {key_ja} で保管時に暗号化されています"
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
    use kensa_snapshot::storage::{DynamoDbTable, Storage};

    fn table(name: &str, status: Option<&str>, key_manager: Collected<String>) -> DynamoDbTable {
        let kms = !matches!(key_manager, Collected::NotCollected);
        DynamoDbTable {
            name: name.into(),
            encryption: Collected::Value(TableEncryption {
                arn: None,
                sse_status: status.map(str::to_owned),
                sse_type: kms.then(|| "KMS".to_owned()),
                kms_master_key_arn: kms
                    .then(|| "arn:aws:kms:ap-northeast-1:123456789012:key/0f1e".to_owned()),
                key_manager,
            }),
        }
    }

    #[test]
    fn every_branch_in_both_languages() {
        let snapshot = snapshot(vec![(
            REGION,
            Storage {
                dynamodb_tables: Collected::Value(vec![
                    table("owned", None, Collected::NotCollected),
                    table("managed", Some("ENABLED"), Collected::Value("AWS".into())),
                    table(
                        "customer",
                        Some("ENABLED"),
                        Collected::Value("CUSTOMER".into()),
                    ),
                    table(
                        "locked",
                        Some("INACCESSIBLE_ENCRYPTION_CREDENTIALS"),
                        Collected::Value("CUSTOMER".into()),
                    ),
                    table(
                        "unknown-key",
                        Some("ENABLED"),
                        Collected::Error(not_implemented("kms", "DescribeKey")),
                    ),
                    DynamoDbTable {
                        name: "undescribed".into(),
                        encryption: Collected::Error(not_implemented("dynamodb", "DescribeTable")),
                    },
                ]),
                ..Default::default()
            },
        )]);
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }
}
