//! IAM-3: one user per person and one per program, so no user is both.

use serde_json::json;

use super::{has_active_key, has_console_password, user_resource, users_or_error};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-user-console-and-keys",
        requirements: &["IAM-3"],
        severity: Severity::Medium,
        title: StaticText {
            en: "No user is both a person (console password) and a program (access keys)",
            ja: "人用 (コンソールパスワード) とプログラム用 (アクセスキー) を兼ねるユーザーがいない",
        },
        description: StaticText {
            en: "The sheet issues one IAM user per person and one per program and forbids shared \
                 users. A user with both a console password and an active access key mixes the two \
                 and is flagged. Signs of sharing in CloudTrail are analysed by `kensa detect`.",
            ja: "設計書は1人につき1ユーザー、1プログラムにつき1ユーザーを発行し、共用を禁止する。\
                 コンソールパスワードと有効なアクセスキーの両方を持つユーザーは両者が混在しているため\
                 指摘する。CloudTrail 上の共用の兆候は `kensa detect` で分析する。",
        },
        remediation: StaticText {
            en: "Split the user: keep the console password on the person's user and move the access \
                 key to a dedicated program user (or a role), then delete the key from the person's user.",
            ja: "ユーザーを分ける: コンソールパスワードは本人のユーザーに残し、アクセスキーは\
                 プログラム専用ユーザー (またはロール) に移してから本人のユーザーのキーを削除する。",
        },
        cis_1_2: &["1.21"],
        fsbp: &[],
        pci_dss: &[],
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
    users
        .iter()
        .map(|user| {
            let name = &user.name;
            let password = has_console_password(user);
            let keys = has_active_key(user);
            let evidence = json!({
                "console_password": password.as_ref().ok(),
                "active_access_keys": user.access_keys.value().map(|ks| {
                    ks.iter().filter(|k| k.is_active()).map(|k| crate::redact_key_id(&k.id)).collect::<Vec<_>>()
                }),
            });
            // Either fact alone can clear the user; both are needed to fail.
            match (password, keys) {
                (Ok(true), Ok(true)) => meta.finding(
                    Status::Fail,
                    user_resource(user),
                    text!(
                        "User {name} has a console password and an active access key: person and program mixed",
                        "ユーザー {name} はコンソールパスワードと有効なアクセスキーの両方を持っています (人とプログラムの混在)"
                    ),
                    evidence,
                ),
                (Ok(false), _) => meta.finding(
                    Status::Pass,
                    user_resource(user),
                    text!(
                        "User {name} has no console password (program user)",
                        "ユーザー {name} にはコンソールパスワードがありません (プログラム用)"
                    ),
                    evidence,
                ),
                (_, Ok(false)) => meta.finding(
                    Status::Pass,
                    user_resource(user),
                    text!(
                        "User {name} has no active access key",
                        "ユーザー {name} には有効なアクセスキーがありません"
                    ),
                    evidence,
                ),
                (Err(m), _) => meta.missing(user_resource(user), m, "iam:GetLoginProfile"),
                (_, Err(m)) => meta.missing(user_resource(user), m, "iam:ListAccessKeys"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::Collected;

    #[test]
    fn flags_only_users_with_both() {
        let mut s = snapshot();
        users(
            &mut s,
            vec![
                with_key(console(user("mixed")), "AKIAMIXED00000000001", 10, Some(1)),
                console(user("person")),
                with_key(user("program"), "AKIAPROGRAM000000001", 10, Some(1)),
            ],
        );
        assert_eq!(
            verdicts(&run_check(&CHECK, &s)),
            vec![
                ("mixed".into(), Status::Fail),
                ("person".into(), Status::Pass),
                ("program".into(), Status::Pass),
            ]
        );
    }

    #[test]
    fn one_known_fact_clears_a_user_but_never_guesses() {
        let mut s = snapshot();
        let mut no_profile = with_key(user("a"), "AKIAAAAAAAAAAAAAAAA1", 1, None);
        no_profile.login_profile = Collected::Error(denied("GetLoginProfile", Some("a")));
        let mut no_keys_known = user("b");
        no_keys_known.login_profile = Collected::Error(denied("GetLoginProfile", Some("b")));
        no_keys_known.access_keys = Collected::Value(vec![]);
        users(&mut s, vec![no_profile, no_keys_known]);
        let findings = run_check(&CHECK, &s);
        assert_eq!(
            verdicts(&findings),
            vec![("a".into(), Status::Error), ("b".into(), Status::Pass)]
        );
        assert!(
            findings[0]
                .message
                .en
                .contains("iam:GetLoginProfile failed")
        );
        assert_eq!(findings[0].evidence["failed_call"]["resource"], "a");
    }
}
