//! ENC-2: every SNS topic encrypts its messages at rest.

use serde_json::json;

use super::each_item;
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-sns-at-rest",
        requirements: &["ENC-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Every SNS topic is encrypted at rest",
            ja: "すべての SNS トピックが保管時に暗号化されている",
        },
        description: StaticText {
            en: "Each topic has server-side encryption with an AWS KMS key (`KmsMasterKeyId`).",
            ja: "各トピックで AWS KMS キーによるサーバー側の暗号化 (`KmsMasterKeyId`) が有効であること。",
        },
        remediation: StaticText {
            en: concat!(
                "Turn on server-side encryption for the topic (`alias/aws/sns` or a customer \
                 managed key that lets the publishing services use it).",
                crate::client_side_note!(en)
            ),
            ja: concat!(
                "トピックのサーバー側の暗号化を有効にする (`alias/aws/sns`、または発行元のサービスが\
                 使えるカスタマーマネージドキー)。",
                crate::client_side_note!(ja)
            ),
        },
        cis_1_2: &[],
        fsbp: &["SNS.1"],
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
        "sns:ListTopics",
        |s| &s.sns_topics,
        |region, topic| {
            let name = topic
                .arn
                .rsplit(':')
                .next()
                .unwrap_or(&topic.arn)
                .to_owned();
            let resource = Resource {
                kind: "AWS::SNS::Topic".to_owned(),
                id: topic.arn.clone(),
                arn: Some(topic.arn.clone()),
                name: Some(name.clone()),
                region: region.to_owned(),
            };
            let key = match topic.kms_master_key_id.get() {
                Ok(key) => key,
                Err(missing) => return meta.missing(resource, missing, "sns:GetTopicAttributes"),
            };
            let evidence = json!({ "kms_master_key_id": key });
            match key {
                Some(key) => meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "Topic {name} is encrypted with {key}",
                        "トピック {name} は {key} で暗号化されています"
                    ),
                    evidence,
                ),
                None => meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "Topic {name} has no server-side encryption",
                        "トピック {name} にはサーバー側の暗号化がありません"
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
    use kensa_snapshot::storage::{SnsTopic, Storage};

    #[test]
    fn every_branch_in_both_languages() {
        let topic = |name: &str, key: Collected<Option<String>>| SnsTopic {
            arn: format!("arn:aws:sns:ap-northeast-1:123456789012:{name}"),
            kms_master_key_id: key,
        };
        let snapshot = snapshot(vec![(
            REGION,
            Storage {
                sns_topics: Collected::Value(vec![
                    topic("alerts", Collected::Value(Some("alias/aws/sns".into()))),
                    topic("plain", Collected::Value(None)),
                    topic(
                        "hidden",
                        Collected::Error(not_implemented("sns", "GetTopicAttributes")),
                    ),
                ]),
                ..Default::default()
            },
        )]);
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }
}
