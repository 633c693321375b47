//! IAM-8: active access keys are rotated within the configured age.

use kensa_snapshot::AccessKey;
use serde_json::json;

use super::{user_resource, users_or_error};
use crate::{
    Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, redact_key_id, text,
};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-access-key-rotation",
        requirements: &["IAM-8"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Active access keys are younger than the rotation period",
            ja: "有効なアクセスキーがローテーション期間内である",
        },
        description: StaticText {
            en: "The sheet rotates access keys periodically. Every active key older than \
                 `iam.access_key_max_age_days` (90) at collection time fails. Inactive keys are not \
                 judged.",
            ja: "設計書はアクセスキーを定期的にローテーションする。収集時点で \
                 `iam.access_key_max_age_days` (90 日) より古い有効なキーは FAIL とする。\
                 無効化されたキーは判定しない。",
        },
        remediation: StaticText {
            en: "Create a new key, move the program to it, deactivate the old key, and delete it once \
                 nothing fails: `aws iam create-access-key`, `aws iam update-access-key --status \
                 Inactive`, `aws iam delete-access-key`.",
            ja: "新しいキーを作成してプログラムを切り替え、古いキーを無効化し、問題がなければ削除する: \
                 `aws iam create-access-key`、`aws iam update-access-key --status Inactive`、\
                 `aws iam delete-access-key`。",
        },
        cis_1_2: &["1.4"],
        fsbp: &["IAM.3"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

/// A key as a resource: the key ID redacted, the user named.
pub(crate) fn key_resource(user: &kensa_snapshot::User, key: &AccessKey) -> Resource {
    let redacted = redact_key_id(&key.id);
    Resource {
        kind: "AWS::IAM::AccessKey".to_owned(),
        id: redacted.clone(),
        arn: Some(user.arn.clone()),
        name: Some(format!("{}/{}", user.name, redacted)),
        region: crate::GLOBAL_REGION.to_owned(),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let users = match users_or_error(ctx, meta) {
        Ok(u) => u,
        Err(error) => return vec![*error],
    };
    let max = ctx.config.iam.access_key_max_age_days;
    let mut findings = Vec::new();
    for user in users {
        let keys = match user.access_keys.get() {
            Ok(k) => k,
            Err(m) => {
                findings.push(meta.missing(user_resource(user), m, "iam:ListAccessKeys"));
                continue;
            }
        };
        for key in keys.iter().filter(|k| k.is_active()) {
            let age = ctx.days_since(key.created);
            let (user_name, key_id) = (&user.name, redact_key_id(&key.id));
            let evidence = json!({
                "user": user_name,
                "access_key_id": key_id,
                "created": key.created,
                "age_days": age,
                "max_age_days": max,
            });
            findings.push(if age > max {
                meta.finding(
                    Status::Fail,
                    key_resource(user, key),
                    text!(
                        "Access key {key_id} of {user_name} is {age} days old (rotate within {max})",
                        "{user_name} のアクセスキー {key_id} は作成から {age} 日経過しています ({max} 日以内にローテーション)"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Pass,
                    key_resource(user, key),
                    text!(
                        "Access key {key_id} of {user_name} is {age} days old (limit {max})",
                        "{user_name} のアクセスキー {key_id} は作成から {age} 日です (上限 {max} 日)"
                    ),
                    evidence,
                )
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;

    #[test]
    fn old_active_keys_fail_and_ids_are_redacted() {
        let mut s = snapshot();
        let mut old_inactive = with_key(user("carol"), "AKIACAROL00000000001", 400, Some(300));
        if let kensa_snapshot::Collected::Value(keys) = &mut old_inactive.access_keys {
            keys[0].status = "Inactive".into();
        }
        users(
            &mut s,
            vec![
                with_key(
                    with_key(user("app"), "AKIAOLDKEY0000000001", 91, Some(1)),
                    "AKIANEWKEY0000000002",
                    5,
                    Some(1),
                ),
                old_inactive,
            ],
        );
        let findings = run_check(&CHECK, &s);
        assert_eq!(
            verdicts(&findings),
            vec![
                ("app/AKIA************0001".into(), Status::Fail),
                ("app/AKIA************0002".into(), Status::Pass)
            ]
        );
        assert_eq!(
            findings[0].message.en,
            "Access key AKIA************0001 of app is 91 days old (rotate within 90)"
        );
        let json = serde_json::to_string(&findings).unwrap();
        assert!(!json.contains("AKIAOLDKEY0000000001"));
    }
}
