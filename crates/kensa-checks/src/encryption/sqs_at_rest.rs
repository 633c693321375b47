//! ENC-2: every SQS queue encrypts its messages at rest.

use serde_json::json;

use super::{each_item, regional_arn};
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-sqs-at-rest",
        requirements: &["ENC-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Every SQS queue is encrypted at rest",
            ja: "すべての SQS キューが保管時に暗号化されている",
        },
        description: StaticText {
            en: "Each queue has server-side encryption: SQS-managed keys (SSE-SQS, \
                 `SqsManagedSseEnabled`) or an AWS KMS key (SSE-KMS, `KmsMasterKeyId`).",
            ja: "各キューでサーバー側の暗号化が有効であること: SQS 管理キー (SSE-SQS、\
                 `SqsManagedSseEnabled`) または AWS KMS キー (SSE-KMS、`KmsMasterKeyId`)。",
        },
        remediation: StaticText {
            en: concat!(
                "Turn on server-side encryption for the queue (SSE-SQS, or SSE-KMS).",
                crate::client_side_note!(en)
            ),
            ja: concat!(
                "キューのサーバー側の暗号化 (SSE-SQS または SSE-KMS) を有効にする。",
                crate::client_side_note!(ja)
            ),
        },
        cis_1_2: &[],
        fsbp: &["SQS.1"],
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
        "sqs:ListQueues",
        |s| &s.sqs_queues,
        |region, queue| {
            let name = queue.name().to_owned();
            let mut resource = Resource {
                kind: "AWS::SQS::Queue".to_owned(),
                id: queue.url.clone(),
                arn: regional_arn(ctx, region, "sqs", &name),
                name: Some(name.clone()),
                region: region.to_owned(),
            };
            let encryption = match queue.encryption.get() {
                Ok(e) => e,
                Err(missing) => return meta.missing(resource, missing, "sqs:GetQueueAttributes"),
            };
            if let Some(arn) = &encryption.arn {
                resource.arn = Some(arn.clone());
            }
            let evidence = json!({
                "kms_master_key_id": encryption.kms_master_key_id,
                "sqs_managed_sse_enabled": encryption.sqs_managed_sse_enabled,
            });
            match (
                &encryption.kms_master_key_id,
                encryption.sqs_managed_sse_enabled,
            ) {
                (Some(key), _) => meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "Queue {name} is encrypted with the KMS key {key} (SSE-KMS)",
                        "キュー {name} は KMS キー {key} で暗号化されています (SSE-KMS)"
                    ),
                    evidence,
                ),
                (None, true) => meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "Queue {name} is encrypted with SQS-managed keys (SSE-SQS)",
                        "キュー {name} は SQS 管理キーで暗号化されています (SSE-SQS)"
                    ),
                    evidence,
                ),
                (None, false) => meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "Queue {name} has no server-side encryption",
                        "キュー {name} にはサーバー側の暗号化がありません"
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
    use kensa_snapshot::storage::{QueueEncryption, SqsQueue, Storage};

    #[test]
    fn every_branch_in_both_languages() {
        let queue = |name: &str, encryption: Collected<QueueEncryption>| SqsQueue {
            url: format!("https://sqs.ap-northeast-1.amazonaws.com/123456789012/{name}"),
            encryption,
        };
        let plain = |kms: Option<&str>, sqs: bool| {
            Collected::Value(QueueEncryption {
                arn: None,
                kms_master_key_id: kms.map(str::to_owned),
                sqs_managed_sse_enabled: sqs,
            })
        };
        let snapshot = snapshot(vec![(
            REGION,
            Storage {
                sqs_queues: Collected::Value(vec![
                    queue("orders", plain(Some("alias/aws/sqs"), false)),
                    queue("events", plain(None, true)),
                    queue("legacy", plain(None, false)),
                    queue(
                        "hidden",
                        Collected::Error(not_implemented("sqs", "GetQueueAttributes")),
                    ),
                ]),
                ..Default::default()
            },
        )]);
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }
}
