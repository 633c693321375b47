//! ENC-1: every S3 bucket's policy refuses requests that do not use TLS.

use serde_json::json;

use super::bucket_policy::{TlsOnly, tls_only};
use super::s3::{bucket_missing, bucket_resource, each_bucket};
use crate::services::join_gaps;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-s3-tls-only",
        requirements: &["ENC-1"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Every S3 bucket refuses requests without TLS",
            ja: "すべての S3 バケットが TLS を使わないリクエストを拒否している",
        },
        description: StaticText {
            en: "The bucket policy has a statement that denies (Effect Deny) every principal (`*`) \
                 every S3 action (`s3:*` or `*`) on the bucket and on all its objects when \
                 `aws:SecureTransport` is false (condition `Bool` or `BoolIfExists`). The policy is \
                 read statement by statement: a deny that covers only some actions, only the \
                 objects, only some principals, or that other conditions narrow, fails and says \
                 what it leaves out. A policy that cannot be read is an ERROR.",
            ja: "バケットポリシーに、`aws:SecureTransport` が false のとき (条件 `Bool` または \
                 `BoolIfExists`)、すべてのプリンシパル (`*`) に対し、バケットとそのすべてのオブジェクトへの\
                 すべての S3 アクション (`s3:*` または `*`) を拒否する (Effect Deny) ステートメントがあること。\
                 ポリシーはステートメントごとに読む。一部のアクションやオブジェクトだけ、一部のプリンシパル\
                 だけを拒否するもの、他の条件で対象が狭められたものは不合格とし、何が対象外かを示す。\
                 読み取れないポリシーは ERROR とする。",
        },
        remediation: StaticText {
            en: "Add to the bucket policy: {\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \
                 \"s3:*\", \"Resource\": [\"arn:aws:s3:::BUCKET\", \"arn:aws:s3:::BUCKET/*\"], \
                 \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}.",
            ja: "バケットポリシーに次を追加する: {\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \
                 \"s3:*\", \"Resource\": [\"arn:aws:s3:::BUCKET\", \"arn:aws:s3:::BUCKET/*\"], \
                 \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}。",
        },
        cis_1_2: &[],
        fsbp: &["S3.5"],
        pci_dss: &["PCI.S3.5"],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_bucket(ctx, meta, |bucket| {
        let name = &bucket.name;
        let policy = match bucket.policy.get() {
            Ok(policy) => policy,
            Err(missing) => {
                return bucket_missing(ctx, meta, bucket, missing, "s3:GetBucketPolicy");
            }
        };
        let resource = bucket_resource(ctx, bucket);
        let Some(document) = policy else {
            return meta.finding(
                Status::Fail,
                resource,
                text!(
                    "{name} has no bucket policy, so requests without TLS are not refused",
                    "{name} にはバケットポリシーがなく、TLS を使わないリクエストが拒否されません"
                ),
                json!({ "policy": null }),
            );
        };
        match tls_only(document, ctx.snapshot.partition(), name) {
            Err(error) => {
                let error = error.to_string();
                meta.finding(
                    Status::Error,
                    resource,
                    text!(
                        "Could not decide for {name}: its bucket policy cannot be read: {error}",
                        "{name} を判定できません: バケットポリシーを読み取れません: {error}"
                    ),
                    json!({ "policy_error": error, "policy": document }),
                )
            }
            Ok(verdict @ TlsOnly::Enforced { .. }) => meta.finding(
                Status::Pass,
                resource,
                text!(
                    "{name}'s bucket policy refuses every request without TLS",
                    "{name} のバケットポリシーは TLS を使わないリクエストをすべて拒否します"
                ),
                json!({ "tls_only": verdict }),
            ),
            Ok(TlsOnly::Partial {
                ref statement,
                ref gaps,
            }) => {
                let which = statement
                    .sid
                    .clone()
                    .unwrap_or_else(|| format!("#{}", statement.index));
                let texts: Vec<crate::Text> = gaps.iter().map(|g| g.text()).collect();
                let joined = join_gaps(&texts);
                let (gaps_en, gaps_ja) = (&joined.en, &joined.ja);
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "{name}'s bucket policy denies requests without TLS only in part: statement {which}: {gaps_en}",
                        "{name} のバケットポリシーは TLS を使わないリクエストを一部しか拒否しません: ステートメント {which}: {gaps_ja}"
                    ),
                    json!({ "tls_only": { "verdict": "partial", "statement": statement, "gaps": gaps } }),
                )
            }
            Ok(TlsOnly::Absent) => meta.finding(
                Status::Fail,
                resource,
                text!(
                    "{name}'s bucket policy has no statement that denies requests without TLS",
                    "{name} のバケットポリシーには TLS を使わないリクエストを拒否するステートメントがありません"
                ),
                json!({ "tls_only": { "verdict": "absent" } }),
            ),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encryption::fixtures::*;
    use crate::iam::fixtures::run_check;
    use kensa_snapshot::Collected;
    use kensa_snapshot::storage::S3Bucket;

    fn bucket(name: &str, policy: Collected<Option<String>>) -> S3Bucket {
        S3Bucket {
            name: name.into(),
            region: Collected::Value(REGION.into()),
            encryption: Collected::Value(None),
            policy,
            tags: Collected::Value(Default::default()),
        }
    }

    fn tls_policy(resources: &str) -> Collected<Option<String>> {
        Collected::Value(Some(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":{resources},"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
        )))
    }

    #[test]
    fn every_branch_in_both_languages() {
        let snapshot = with_buckets(vec![
            bucket(
                "enforced",
                tls_policy(r#"["arn:aws:s3:::enforced","arn:aws:s3:::enforced/*"]"#),
            ),
            bucket("objects-only", tls_policy(r#""arn:aws:s3:::objects-only/*""#)),
            bucket("no-policy", Collected::Value(None)),
            bucket(
                "unrelated",
                Collected::Value(Some(
                    r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::unrelated/*"}]}"#.into(),
                )),
            ),
            bucket("garbled", Collected::Value(Some(r#"{"Statement":[{"Effect":"Deny"}]}"#.into()))),
            bucket("unreadable", Collected::Error(not_implemented("s3", "GetBucketPolicy"))),
        ]);
        let findings = run_check(&CHECK, &snapshot);
        insta::assert_snapshot!(render(&findings));
        let garbled = &findings[4];
        assert_eq!(garbled.status, Status::Error);
        assert_eq!(
            garbled.evidence["policy_error"],
            "statement 0: needs exactly one of `Action` and `NotAction`"
        );
    }

    #[test]
    fn an_unreadable_bucket_list_is_one_error() {
        let mut snapshot = with_buckets(vec![]);
        snapshot.buckets = Collected::Error(not_implemented("s3", "ListBuckets"));
        let findings = run_check(&CHECK, &snapshot);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Error);
        assert!(findings[0].message.en.contains("s3:ListBuckets failed"));
    }
}
