//! ENC-2: every S3 bucket encrypts new objects by default.

use kensa_snapshot::storage::{BucketEncryption, S3Bucket};
use serde_json::json;

use super::config::KmsRule;
use super::s3::{bucket_missing, bucket_resource, each_bucket};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-s3-default-encryption",
        requirements: &["ENC-2"],
        severity: Severity::High,
        title: StaticText {
            en: "Every S3 bucket encrypts objects at rest by default",
            ja: "すべての S3 バケットがオブジェクトを既定で保管時に暗号化している",
        },
        description: StaticText {
            en: "The bucket has a default encryption rule: SSE-S3 (AES256), SSE-KMS (aws:kms) or \
                 DSSE-KMS (aws:kms:dsse). SSE-S3 satisfies the sheet; `encryption.s3_require_kms` in \
                 kensa.toml may require KMS for buckets by name or tag. AWS applies SSE-S3 to every \
                 bucket since January 2023, so a bucket without a rule is usually on an emulator or \
                 an older partition.",
            ja: "バケットに既定の暗号化ルールがあること: SSE-S3 (AES256)、SSE-KMS (aws:kms)、\
                 DSSE-KMS (aws:kms:dsse)。設計書は SSE-S3 で満たされる。kensa.toml の \
                 `encryption.s3_require_kms` で、名前やタグで指定したバケットに KMS を求められる。\
                 AWS は 2023 年 1 月以降すべてのバケットに SSE-S3 を適用しているため、ルールのない\
                 バケットは通常エミュレーターか古いパーティションのもの。",
        },
        remediation: StaticText {
            en: concat!(
                "Set default encryption on the bucket (SSE-S3, or SSE-KMS where kensa.toml requires it).",
                crate::client_side_note!(en)
            ),
            ja: concat!(
                "バケットに既定の暗号化を設定する (SSE-S3、kensa.toml が求める場合は SSE-KMS)。",
                crate::client_side_note!(ja)
            ),
        },
        cis_1_2: &[],
        fsbp: &["S3.4"],
        pci_dss: &["PCI.S3.4"],
        differs_from_frameworks: None,
    },
    run,
};

fn is_kms(algorithm: &str) -> bool {
    algorithm == "aws:kms" || algorithm == "aws:kms:dsse"
}

/// The KMS rule of kensa.toml that applies to the bucket, or the ERROR
/// when a tag rule applies and the tags could not be read.
fn kms_rule(ctx: &Context<'_>, bucket: &S3Bucket) -> Result<Option<KmsRule>, Box<Finding>> {
    let rules = &ctx.config.encryption.s3_require_kms;
    if let Some(rule) = rules.by_name(&bucket.name) {
        return Ok(Some(rule));
    }
    if !rules.uses_tags() {
        return Ok(None);
    }
    match bucket.tags.get() {
        Ok(tags) => Ok(rules.by_tags(tags)),
        Err(missing) => Err(Box::new(bucket_missing(
            ctx,
            &CHECK.meta,
            bucket,
            missing,
            "s3:GetBucketTagging",
        ))),
    }
}

fn judge(ctx: &Context<'_>, bucket: &S3Bucket, encryption: &Option<BucketEncryption>) -> Finding {
    let meta = &CHECK.meta;
    let name = &bucket.name;
    let resource = bucket_resource(ctx, bucket);
    let rule = match kms_rule(ctx, bucket) {
        Ok(rule) => rule,
        Err(error) => return *error,
    };
    let required = rule.as_ref().map(KmsRule::describe);
    let algorithms: Vec<&str> = encryption
        .iter()
        .flat_map(|e| e.rules.iter())
        .map(|r| r.sse_algorithm.as_str())
        .collect();
    let evidence = json!({ "default_encryption": encryption, "kms_required_by": required });
    let Some(algorithm) = algorithms.first().copied() else {
        return meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} has no default encryption",
                "{name} には既定の暗号化が設定されていません"
            ),
            evidence,
        );
    };
    match (algorithm, required) {
        (a, _) if is_kms(a) => meta.finding(
            Status::Pass,
            resource,
            text!(
                "{name} encrypts new objects with AWS KMS ({a})",
                "{name} は新しいオブジェクトを AWS KMS ({a}) で暗号化します"
            ),
            evidence,
        ),
        ("AES256", None) => meta.finding(
            Status::Pass,
            resource,
            text!(
                "{name} encrypts new objects with S3-managed keys (SSE-S3)",
                "{name} は新しいオブジェクトを S3 管理キー (SSE-S3) で暗号化します"
            ),
            evidence,
        ),
        ("AES256", Some(rule)) => meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} uses S3-managed keys (SSE-S3), but {rule} requires AWS KMS",
                "{name} は S3 管理キー (SSE-S3) を使っていますが、{rule} により AWS KMS が必要です"
            ),
            evidence,
        ),
        (other, _) => meta.finding(
            Status::Manual,
            resource,
            text!(
                "{name} uses the encryption algorithm {other}, which kensa does not know; check it by hand",
                "{name} は kensa の知らない暗号化方式 {other} を使っています。手動で確認してください"
            ),
            evidence,
        ),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_bucket(ctx, meta, |bucket| match bucket.encryption.get() {
        Ok(encryption) => judge(ctx, bucket, encryption),
        Err(missing) => bucket_missing(ctx, meta, bucket, missing, "s3:GetBucketEncryption"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::encryption::config::S3RequireKms;
    use crate::encryption::fixtures::*;
    use crate::iam::fixtures::{run_check, run_with};
    use kensa_snapshot::Collected;
    use kensa_snapshot::storage::BucketEncryptionRule;

    fn bucket(name: &str, algorithm: Option<&str>, tags: &[(&str, &str)]) -> S3Bucket {
        S3Bucket {
            name: name.into(),
            region: Collected::Value(REGION.into()),
            encryption: Collected::Value(algorithm.map(|a| BucketEncryption {
                rules: vec![BucketEncryptionRule {
                    sse_algorithm: a.into(),
                    kms_master_key_id:
                        a.starts_with("aws:kms").then(|| {
                            "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd".to_owned()
                        }),
                    bucket_key_enabled: false,
                }],
            })),
            policy: Collected::Value(None),
            tags: Collected::Value(
                tags.iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            ),
        }
    }

    fn strict() -> Config {
        let mut config = Config::default();
        config.encryption.s3_require_kms = S3RequireKms {
            buckets: vec!["payroll-*".into()],
            tags: vec!["classification=confidential".into()],
        };
        config
    }

    #[test]
    fn every_branch_in_both_languages() {
        let mut unreadable = bucket("unreadable", None, &[]);
        unreadable.encryption = Collected::Error(not_implemented("s3", "GetBucketEncryption"));
        let mut lost = bucket("lost", None, &[]);
        let location = not_implemented("s3", "GetBucketLocation");
        lost.region = Collected::Error(location.clone());
        lost.encryption = Collected::Error(location);
        let snapshot = with_buckets(vec![
            bucket("sse-s3", Some("AES256"), &[]),
            bucket("sse-kms", Some("aws:kms"), &[]),
            bucket("dsse", Some("aws:kms:dsse"), &[]),
            bucket("plain", None, &[]),
            bucket("future", Some("aws:quantum"), &[]),
            unreadable,
            lost,
        ]);
        insta::assert_snapshot!(render(&run_check(&CHECK, &snapshot)));
    }

    #[test]
    fn configured_buckets_need_kms() {
        let mut untagged = bucket("tags-unreadable", Some("AES256"), &[]);
        untagged.tags = Collected::Error(not_implemented("s3", "GetBucketTagging"));
        let snapshot = with_buckets(vec![
            bucket("payroll-2026", Some("AES256"), &[]),
            bucket("hr", Some("AES256"), &[("classification", "confidential")]),
            bucket(
                "hr-kms",
                Some("aws:kms"),
                &[("classification", "confidential")],
            ),
            bucket("web", Some("AES256"), &[("classification", "public")]),
            untagged,
        ]);
        insta::assert_snapshot!(render(&run_with(&CHECK, &snapshot, &strict())));
    }
}
