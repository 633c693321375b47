//! ENC-2: CloudWatch Logs groups are encrypted with a KMS key.

use kensa_snapshot::endpoints::LogGroup;
use serde_json::json;

use super::edge::{each_item, regional_arn};
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-log-group-kms",
        requirements: &["ENC-2"],
        severity: Severity::Low,
        title: StaticText {
            en: "CloudWatch Logs groups are encrypted with a KMS key",
            ja: "CloudWatch Logs のロググループが KMS キーで暗号化されている",
        },
        description: StaticText {
            en: "Every log group names a KMS key. Without one, CloudWatch Logs still encrypts the \
                 data, but with a key the account can neither restrict nor audit; where that is \
                 accepted for a group, record an exception with the reason.",
            ja: "すべてのロググループが KMS キーを指定していること。指定がなくても CloudWatch Logs はデータを\
                 暗号化するが、アカウントが制限も監査もできないキーを使う。それを認めるロググループは、理由を付けて\
                 例外を記録する。",
        },
        remediation: StaticText {
            en: "Associate a KMS key with the log group (aws logs associate-kms-key); the key policy \
                 must allow the logs service principal of the region.",
            ja: "ロググループに KMS キーを関連付ける (aws logs associate-kms-key)。キーポリシーでリージョンの logs \
                 サービスプリンシパルを許可する必要がある。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn group_resource(ctx: &Context<'_>, region: &str, g: &LogGroup) -> Resource {
    Resource {
        kind: "AWS::Logs::LogGroup".to_owned(),
        id: g.name.clone(),
        arn: g
            .arn
            .clone()
            .or_else(|| regional_arn(ctx, region, "logs", &format!("log-group:{}:*", g.name))),
        name: Some(g.name.clone()),
        region: region.to_owned(),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_item(
        ctx,
        meta,
        "logs:DescribeLogGroups",
        |e| &e.log_groups,
        |region, _, g| {
            let name = g.name.clone();
            let evidence = json!({ "kms_key_id": g.kms_key_id });
            let resource = group_resource(ctx, region, g);
            vec![match &g.kms_key_id {
            Some(key) => meta.finding(
                Status::Pass,
                resource,
                text!(
                    "{name} is encrypted with KMS key {key}",
                    "{name} は KMS キー {key} で暗号化されています"
                ),
                evidence,
            ),
            None => meta.finding(
                Status::Fail,
                resource,
                text!(
                    "{name} names no KMS key: CloudWatch Logs encrypts it with a key the account does not control",
                    "{name} は KMS キーを指定していません: CloudWatch Logs がアカウントの管理できないキーで暗号化しています"
                ),
                evidence,
            ),
        }]
        },
    )
}
