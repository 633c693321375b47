//! IAM-6: console users sign in with MFA.

use serde_json::json;

use super::{has_console_password, user_resource, users_or_error};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-console-user-mfa",
        requirements: &["IAM-6"],
        severity: Severity::High,
        title: StaticText {
            en: "Every console user has an MFA device",
            ja: "全コンソールユーザーが MFA デバイスを持つ",
        },
        description: StaticText {
            en: "The sheet requires MFA at console sign-in. Every user with a console password must \
                 have an MFA device. (The sheet's alternative, a user without MFA holding no or \
                 read-only permissions, needs policy evaluation and is decided in a later version; \
                 until then such users fail.) Users without a console password are not listed.",
            ja: "設計書はコンソールログイン時の MFA 利用を求める。コンソールパスワードを持つ全ユーザーが \
                 MFA デバイスを持つこと。(設計書の代替策である「MFA なしでは権限なし/ReadOnly」は\
                 ポリシー評価が必要なため今後のバージョンで判定する。それまでは該当ユーザーも FAIL と\
                 する。) コンソールパスワードのないユーザーは対象外。",
        },
        remediation: StaticText {
            en: "Have the user register an MFA device (IAM console > Users > Security credentials), \
                 and enforce it with a policy that denies everything but MFA setup when \
                 `aws:MultiFactorAuthPresent` is false.",
            ja: "ユーザーに MFA デバイスを登録させ (IAM コンソール > ユーザー > 認証情報)、\
                 `aws:MultiFactorAuthPresent` が false のときは MFA 設定以外を拒否するポリシーで強制する。",
        },
        cis_1_2: &["1.2"],
        fsbp: &["IAM.5"],
        pci_dss: &["PCI.IAM.6"],
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
    let mut findings = Vec::new();
    for user in users {
        let name = &user.name;
        let devices = user.mfa_devices.get();
        let has_mfa = devices.map(|d| !d.is_empty());
        let evidence = json!({
            "console_password": has_console_password(user).ok(),
            "mfa_devices": devices.ok().map(|d| d.iter().map(|m| &m.serial_number).collect::<Vec<_>>()),
        });
        match (has_console_password(user), has_mfa) {
            (Ok(false), _) => {}
            // A user with MFA meets the requirement whether or not it signs in.
            (_, Ok(true)) => findings.push(meta.finding(
                Status::Pass,
                user_resource(user),
                text!(
                    "User {name} has an MFA device",
                    "ユーザー {name} は MFA デバイスを持っています"
                ),
                evidence,
            )),
            (Ok(true), Ok(false)) => findings.push(meta.finding(
                Status::Fail,
                user_resource(user),
                text!(
                    "Console user {name} has no MFA device",
                    "コンソールユーザー {name} に MFA デバイスがありません"
                ),
                evidence,
            )),
            (Err(m), _) => {
                findings.push(meta.missing(user_resource(user), m, "iam:GetLoginProfile"))
            }
            (_, Err(m)) => {
                findings.push(meta.missing(user_resource(user), m, "iam:ListMFADevices"))
            }
        }
    }
    if findings.is_empty() {
        findings.push(meta.finding(
            Status::NotApplicable,
            ctx.account_resource("AWS::::Account", "IAM users"),
            text!(
                "No user has a console password",
                "コンソールパスワードを持つユーザーはいません"
            ),
            json!({ "users": users.len() }),
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::Collected;

    #[test]
    fn console_users_need_mfa() {
        let mut s = snapshot();
        let mut unknown = console(user("erin"));
        unknown.mfa_devices = Collected::Error(denied("ListMFADevices", Some("erin")));
        users(
            &mut s,
            vec![
                console(user("alice")),
                with_mfa(console(user("bob"))),
                user("batch"),
                unknown,
            ],
        );
        let findings = run_check(&CHECK, &s);
        assert_eq!(
            verdicts(&findings),
            vec![
                ("alice".into(), Status::Fail),
                ("bob".into(), Status::Pass),
                ("erin".into(), Status::Error),
            ]
        );
        assert!(findings[2].message.en.contains("iam:ListMFADevices failed"));
    }

    #[test]
    fn no_console_users_is_not_applicable() {
        let mut s = snapshot();
        users(&mut s, vec![user("batch")]);
        assert_eq!(run_check(&CHECK, &s)[0].status, Status::NotApplicable);
    }
}
