//! ENC-2: every EBS volume is encrypted.

use serde_json::json;

use super::{each_item, regional_arn};
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-ebs-volumes",
        requirements: &["ENC-2"],
        severity: Severity::High,
        title: StaticText {
            en: "Every EBS volume is encrypted",
            ja: "すべての EBS ボリュームが暗号化されている",
        },
        description: StaticText {
            en: "Each volume, attached or not, is encrypted. A volume cannot be encrypted in place: \
                 its data moves through an encrypted snapshot copy.",
            ja: "アタッチの有無にかかわらず、各ボリュームが暗号化されていること。ボリュームはその場で\
                 暗号化できないため、暗号化したスナップショットのコピーを経由してデータを移す。",
        },
        remediation: StaticText {
            en: concat!(
                "Snapshot the volume, copy the snapshot with encryption on, create a volume from \
                 the copy and swap it in; then turn on EBS encryption by default.",
                crate::client_side_note!(en)
            ),
            ja: concat!(
                "ボリュームのスナップショットを取り、暗号化を有効にしてコピーし、そのコピーから作成した\
                 ボリュームに置き換える。その後 EBS のデフォルト暗号化を有効にする。",
                crate::client_side_note!(ja)
            ),
        },
        cis_1_2: &[],
        fsbp: &["EC2.3"],
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
        "ec2:DescribeVolumes",
        |s| &s.ebs.volumes,
        |region, volume| {
            let id = &volume.id;
            let resource = Resource {
                kind: "AWS::EC2::Volume".to_owned(),
                id: id.clone(),
                arn: regional_arn(ctx, region, "ec2", &format!("volume/{id}")),
                name: volume.name.clone().or_else(|| Some(id.clone())),
                region: region.to_owned(),
            };
            let evidence = json!({
                "encrypted": volume.encrypted,
                "kms_key_id": volume.kms_key_id,
                "state": volume.state,
                "attached_to": volume.attached_to,
            });
            let attached = if volume.attached_to.is_empty() {
                crate::Text::new("not attached", "アタッチされていません")
            } else {
                let instances = volume.attached_to.join(", ");
                text!("attached to {instances}", "{instances} にアタッチ")
            };
            let (attached_en, attached_ja) = (&attached.en, &attached.ja);
            if volume.encrypted {
                meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "Volume {id} is encrypted ({attached_en})",
                        "ボリューム {id} は暗号化されています ({attached_ja})"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "Volume {id} is not encrypted ({attached_en})",
                        "ボリューム {id} は暗号化されていません ({attached_ja})"
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
    use kensa_snapshot::storage::{Ebs, EbsVolume, Storage};

    fn volume(id: &str, encrypted: bool, attached_to: &[&str]) -> EbsVolume {
        EbsVolume {
            id: id.into(),
            name: None,
            encrypted,
            kms_key_id: encrypted.then(|| "arn:aws:kms:ap-northeast-1:123456789012:key/ebs".into()),
            state: Some(
                if attached_to.is_empty() {
                    "available"
                } else {
                    "in-use"
                }
                .into(),
            ),
            attached_to: attached_to.iter().map(|i| (*i).to_owned()).collect(),
        }
    }

    fn storage(volumes: Collected<Vec<EbsVolume>>) -> Storage {
        Storage {
            ebs: Ebs {
                volumes,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn every_branch_in_both_languages() {
        let snapshot = snapshot(vec![
            (
                REGION,
                storage(Collected::Value(vec![
                    volume("vol-0a", true, &["i-0123"]),
                    volume("vol-0b", false, &[]),
                    volume("vol-0c", false, &["i-0456"]),
                ])),
            ),
            (
                "us-east-1",
                storage(Collected::Error(not_implemented("ec2", "DescribeVolumes"))),
            ),
        ]);
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }
}
