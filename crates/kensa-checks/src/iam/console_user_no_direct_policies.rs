//! IAM-4: console users get permissions only through groups. API-only users
//! may have policies attached directly (the sheet's exception).

use serde_json::json;

use super::{has_console_password, user_resource, users_or_error};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-console-user-no-direct-policies",
        requirements: &["IAM-4"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Console users have no policies of their own",
            ja: "コンソールユーザーに直接ポリシーが付与されていない",
        },
        description: StaticText {
            en: "Policies are attached to groups, not users. The sheet allows one exception: a \
                 program's API-only user (no console password) may have policies attached directly. \
                 A user with a console password and any attached or inline policy fails.",
            ja: "ポリシーはユーザーではなくグループにアタッチする。設計書の例外として、プログラム用の \
                 API 専用ユーザー (コンソールパスワードなし) には直接ポリシーをアタッチしてよい。\
                 コンソールパスワードを持ち、アタッチ済みまたはインラインのポリシーがあるユーザーは \
                 FAIL とする。",
        },
        remediation: StaticText {
            en: "Move the permissions to the user's duty group, then detach the policies from the \
                 user (`aws iam detach-user-policy`, `aws iam delete-user-policy`).",
            ja: "権限をユーザーの職責グループに移し、ユーザーからポリシーを外す \
                 (`aws iam detach-user-policy`、`aws iam delete-user-policy`)。",
        },
        cis_1_2: &["1.16"],
        fsbp: &["IAM.2"],
        pci_dss: &["PCI.IAM.2"],
        differs_from_frameworks: Some(StaticText {
            en: "CIS 1.16 and FSBP IAM.2 fail every user with policies; the sheet allows them on \
                 API-only program users, so those pass here.",
            ja: "CIS 1.16 と FSBP IAM.2 はポリシーを持つ全ユーザーを FAIL とするが、設計書は API \
                 専用のプログラム用ユーザーには許容しているため、ここでは PASS とする。",
        }),
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
            let policies: Vec<String> = user
                .attached_policies
                .iter()
                .map(|p| p.arn.clone())
                .chain(user.inline_policies.iter().map(|p| format!("{} (inline)", p.name)))
                .collect();
            let count = policies.len();
            let evidence = json!({
                "policies": policies,
                "console_password": has_console_password(user).ok(),
            });
            if policies.is_empty() {
                return meta.finding(
                    Status::Pass,
                    user_resource(user),
                    text!(
                        "User {name} has no policies of its own",
                        "ユーザー {name} に直接付与されたポリシーはありません"
                    ),
                    evidence,
                );
            }
            match has_console_password(user) {
                Ok(true) => meta.finding(
                    Status::Fail,
                    user_resource(user),
                    text!(
                        "Console user {name} has {count} policy(ies) attached directly",
                        "コンソールユーザー {name} に {count} 件のポリシーが直接付与されています"
                    ),
                    evidence,
                ),
                Ok(false) => meta.finding(
                    Status::Pass,
                    user_resource(user),
                    text!(
                        "API-only user {name} has {count} policy(ies) attached directly, as the sheet allows for programs",
                        "API 専用ユーザー {name} に {count} 件のポリシーが直接付与されています (設計書がプログラム用に許容する例外)"
                    ),
                    evidence,
                ),
                Err(m) => meta.missing(user_resource(user), m, "iam:GetLoginProfile"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::{Collected, InlinePolicy};

    #[test]
    fn api_only_users_are_the_sheets_exception() {
        let mut s = snapshot();
        let mut console_with_inline = console(user("alice"));
        console_with_inline.inline_policies.push(InlinePolicy {
            name: "extra".into(),
            document: "{}".into(),
        });
        let mut api = user("batch");
        api.attached_policies
            .push(attached("AmazonS3ReadOnlyAccess"));
        let mut unknown = user("carol");
        unknown.attached_policies.push(attached("ReadOnlyAccess"));
        unknown.login_profile = Collected::Error(denied("GetLoginProfile", Some("carol")));
        users(
            &mut s,
            vec![console_with_inline, api, unknown, console(user("dave"))],
        );
        let findings = run_check(&CHECK, &s);
        assert_eq!(
            verdicts(&findings),
            vec![
                ("alice".into(), Status::Fail),
                ("batch".into(), Status::Pass),
                ("carol".into(), Status::Error),
                ("dave".into(), Status::Pass),
            ]
        );
        assert_eq!(findings[0].evidence["policies"][0], "extra (inline)");
        assert!(findings[1].message.en.contains("as the sheet allows"));
    }
}
