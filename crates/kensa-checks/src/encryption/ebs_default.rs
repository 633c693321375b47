//! ENC-2: EBS encryption by default is on in every audited region.

use kensa_snapshot::Missing;
use serde_json::json;

use super::regions;
use crate::network::region_resource;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-ebs-default",
        requirements: &["ENC-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "EBS encryption by default is on in every region",
            ja: "すべてのリージョンで EBS のデフォルト暗号化が有効",
        },
        description: StaticText {
            en: "With EBS encryption by default, every new volume and snapshot copy in the region \
                 is encrypted, whoever creates it. It is a per-region setting.",
            ja: "EBS のデフォルト暗号化が有効なら、誰が作成してもリージョン内の新しいボリュームと\
                 スナップショットのコピーはすべて暗号化される。リージョンごとの設定。",
        },
        remediation: StaticText {
            en: "Turn on EBS encryption by default in the region (EC2 console, Account attributes, \
                 Data protection and security; or `aws ec2 enable-ebs-encryption-by-default`).",
            ja: "リージョンで EBS のデフォルト暗号化を有効にする (EC2 コンソールのアカウント属性の\
                 「データ保護とセキュリティ」、または `aws ec2 enable-ebs-encryption-by-default`)。",
        },
        cis_1_2: &[],
        fsbp: &["EC2.7"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    regions(ctx)
        .into_iter()
        .map(|(region, storage)| {
            let resource = region_resource(ctx, region);
            let setting = match storage.map(|s| s.ebs.encryption_by_default.get()) {
                Some(Ok(on)) => *on,
                Some(Err(missing)) => {
                    return meta.missing(resource, missing, "ec2:GetEbsEncryptionByDefault");
                }
                None => {
                    return meta.missing(
                        resource,
                        Missing::NotCollected,
                        "ec2:GetEbsEncryptionByDefault",
                    );
                }
            };
            let evidence = json!({ "ebs_encryption_by_default": setting });
            if setting {
                meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "EBS encryption by default is on in {region}",
                        "{region} では EBS のデフォルト暗号化が有効です"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "EBS encryption by default is off in {region}: new volumes may be unencrypted",
                        "{region} では EBS のデフォルト暗号化が無効で、新しいボリュームが暗号化されない可能性があります"
                    ),
                    evidence,
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encryption::fixtures::*;
    use crate::iam::fixtures::run_check;
    use kensa_snapshot::Collected;
    use kensa_snapshot::storage::{Ebs, Storage};

    fn storage(setting: Collected<bool>) -> Storage {
        Storage {
            ebs: Ebs {
                encryption_by_default: setting,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn every_branch_in_both_languages() {
        let mut snapshot = snapshot(vec![
            ("ap-northeast-1", storage(Collected::Value(true))),
            ("eu-west-1", storage(Collected::Value(false))),
            (
                "us-east-1",
                storage(Collected::Error(not_implemented(
                    "ec2",
                    "GetEbsEncryptionByDefault",
                ))),
            ),
        ]);
        snapshot.audited_regions.push("us-west-2".into());
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }
}
