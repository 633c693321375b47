//! ENC-2: every EBS snapshot the account owns is encrypted.

use serde_json::json;

use super::each_item;
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-ebs-snapshots",
        requirements: &["ENC-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Every EBS snapshot the account owns is encrypted",
            ja: "アカウントが所有するすべての EBS スナップショットが暗号化されている",
        },
        description: StaticText {
            en: "Each snapshot owned by the account (`DescribeSnapshots` with owner `self`) is \
                 encrypted. Snapshots shared by other accounts are theirs to judge.",
            ja: "アカウントが所有する各スナップショット (所有者 `self` の `DescribeSnapshots`) が\
                 暗号化されていること。他のアカウントから共有されたスナップショットは対象外。",
        },
        remediation: StaticText {
            en: concat!(
                "Copy the snapshot with encryption on and delete the unencrypted one.",
                crate::client_side_note!(en)
            ),
            ja: concat!(
                "暗号化を有効にしてスナップショットをコピーし、暗号化されていないものを削除する。",
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
        "ec2:DescribeSnapshots",
        |s| &s.ebs.snapshots,
        |region, snapshot| {
            let id = &snapshot.id;
            let resource = Resource {
                kind: "AWS::EC2::Snapshot".to_owned(),
                id: id.clone(),
                // Snapshot ARNs carry no account ID.
                arn: Some(format!(
                    "arn:{}:ec2:{region}::snapshot/{id}",
                    ctx.snapshot.partition()
                )),
                name: snapshot.name.clone().or_else(|| Some(id.clone())),
                region: region.to_owned(),
            };
            let volume = snapshot.volume_id.as_deref().unwrap_or("?");
            let evidence = json!({
                "encrypted": snapshot.encrypted,
                "kms_key_id": snapshot.kms_key_id,
                "volume_id": snapshot.volume_id,
            });
            if snapshot.encrypted {
                meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "Snapshot {id} (of {volume}) is encrypted",
                        "スナップショット {id} ({volume} のもの) は暗号化されています"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "Snapshot {id} (of {volume}) is not encrypted",
                        "スナップショット {id} ({volume} のもの) は暗号化されていません"
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
    use kensa_snapshot::storage::{Ebs, EbsSnapshot, Storage};

    #[test]
    fn every_branch_in_both_languages() {
        let snap = |id: &str, encrypted: bool| EbsSnapshot {
            id: id.into(),
            name: None,
            volume_id: Some("vol-0a".into()),
            encrypted,
            kms_key_id: None,
        };
        let snapshot = snapshot(vec![
            (
                REGION,
                Storage {
                    ebs: Ebs {
                        snapshots: Collected::Value(vec![
                            snap("snap-1", true),
                            snap("snap-2", false),
                        ]),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            ),
            (
                "us-east-1",
                Storage {
                    ebs: Ebs {
                        snapshots: Collected::Error(not_implemented("ec2", "DescribeSnapshots")),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            ),
        ]);
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }
}
