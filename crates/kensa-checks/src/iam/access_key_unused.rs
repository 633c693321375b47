//! IAM-8: active access keys nobody uses are reported.

use serde_json::json;

use super::access_key_rotation::key_resource;
use super::{user_resource, users_or_error};
use crate::{
    Check, CheckMeta, Context, Finding, Severity, StaticText, Status, redact_key_id, text,
};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-access-key-unused",
        requirements: &["IAM-8"],
        severity: Severity::Medium,
        title: StaticText {
            en: "No active access key is left unused",
            ja: "使われていない有効なアクセスキーがない",
        },
        description: StaticText {
            en: "An active key unused for `iam.access_key_unused_days` (90) days, or never used and \
                 older than that, is a credential nobody watches. Reads each key's last use \
                 (`iam:GetAccessKeyLastUsed`).",
            ja: "`iam.access_key_unused_days` (90 日) 以上使われていない有効なキー、または作成から\
                 それ以上経って一度も使われていないキーは、誰も見ていない認証情報である。各キーの\
                 最終利用 (`iam:GetAccessKeyLastUsed`) を読む。",
        },
        remediation: StaticText {
            en: "Deactivate the key (`aws iam update-access-key --status Inactive`) and delete it if \
                 nothing breaks.",
            ja: "キーを無効化し (`aws iam update-access-key --status Inactive`)、問題がなければ削除する。",
        },
        cis_1_2: &["1.3"],
        fsbp: &["IAM.8"],
        pci_dss: &["PCI.IAM.7"],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let users = match users_or_error(ctx, meta) {
        Ok(u) => u,
        Err(error) => return vec![*error],
    };
    let limit = ctx.config.iam.access_key_unused_days;
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
            let (user_name, key_id) = (&user.name, redact_key_id(&key.id));
            let last_used = match key.last_used.get() {
                Ok(l) => l,
                Err(m) => {
                    findings.push(meta.missing(
                        key_resource(user, key),
                        m,
                        "iam:GetAccessKeyLastUsed",
                    ));
                    continue;
                }
            };
            let evidence = json!({
                "user": user_name,
                "access_key_id": key_id,
                "created": key.created,
                "last_used": last_used,
                "unused_limit_days": limit,
            });
            let finding = match last_used {
                Some(used) => {
                    let idle = ctx.days_since(used.date);
                    if idle > limit {
                        meta.finding(Status::Fail, key_resource(user, key), text!(
                            "Access key {key_id} of {user_name} was last used {idle} days ago (limit {limit})",
                            "{user_name} のアクセスキー {key_id} は {idle} 日間使われていません (上限 {limit} 日)"
                        ), evidence)
                    } else {
                        meta.finding(
                            Status::Pass,
                            key_resource(user, key),
                            text!(
                                "Access key {key_id} of {user_name} was used {idle} day(s) ago",
                                "{user_name} のアクセスキー {key_id} は {idle} 日前に使われています"
                            ),
                            evidence,
                        )
                    }
                }
                None => {
                    let age = ctx.days_since(key.created);
                    if age > limit {
                        meta.finding(Status::Fail, key_resource(user, key), text!(
                            "Access key {key_id} of {user_name} has never been used in its {age} days",
                            "{user_name} のアクセスキー {key_id} は作成から {age} 日間一度も使われていません"
                        ), evidence)
                    } else {
                        meta.finding(Status::Pass, key_resource(user, key), text!(
                            "Access key {key_id} of {user_name} is new ({age} days) and not used yet",
                            "{user_name} のアクセスキー {key_id} は作成から {age} 日で、まだ使われていません"
                        ), evidence)
                    }
                }
            };
            findings.push(finding);
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::Collected;

    #[test]
    fn idle_and_never_used_keys_fail() {
        let mut s = snapshot();
        let mut unknown = with_key(user("dan"), "AKIADAN0000000000001", 10, None);
        if let Collected::Value(keys) = &mut unknown.access_keys {
            keys[0].last_used = Collected::Error(denied("GetAccessKeyLastUsed", Some("dan")));
        }
        users(
            &mut s,
            vec![
                with_key(user("a"), "AKIAAAAAAAAAAAAAAAA1", 200, Some(120)),
                with_key(user("b"), "AKIABBBBBBBBBBBBBBB1", 200, Some(3)),
                with_key(user("c"), "AKIACCCCCCCCCCCCCCC1", 100, None),
                with_key(user("d"), "AKIADDDDDDDDDDDDDDD1", 5, None),
                unknown,
            ],
        );
        let statuses: Vec<Status> = run_check(&CHECK, &s).iter().map(|f| f.status).collect();
        use Status::*;
        assert_eq!(statuses, vec![Fail, Pass, Fail, Pass, Error]);
    }
}
