//! IAM-2: Administrators has at least the configured number of members.

use kensa_snapshot::User;
use serde_json::{Value, json};

use super::{group_resource, missing_group_resource};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-administrators-members",
        requirements: &["IAM-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Administrators has at least two members",
            ja: "Administrators グループに最低2名が所属している",
        },
        description: StaticText {
            en: "The sheet assigns the cloud administrator duty to at least two people, so that the \
                 account never depends on one person. Counts the members of the Administrators group \
                 (name and minimum configurable) and reports each member's last activity.",
            ja: "設計書はクラウド管理者を最低2名に割り当て、アカウントが1人に依存しないようにする。\
                 Administrators グループ (名前と最小人数は設定可能) のメンバー数を数え、各メンバーの\
                 最終利用を報告する。",
        },
        remediation: StaticText {
            en: "Add a second named administrator: `aws iam add-user-to-group --group-name \
                 Administrators --user-name NAME`.",
            ja: "2人目の管理者を追加する: `aws iam add-user-to-group --group-name Administrators \
                 --user-name NAME`。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

/// A member's last sign-in and key use, from the credential report and the
/// keys' own last-used data: what an auditor asks about an administrator.
pub(crate) fn last_activity(ctx: &Context<'_>, user: &User) -> Value {
    let report_row = ctx
        .snapshot
        .iam
        .credential_report
        .value()
        .and_then(|r| r.user(&user.name));
    let password_last_used = match ctx.snapshot.iam.credential_report.get() {
        Ok(_) => json!(report_row.and_then(|r| r.password_last_used)),
        Err(_) => json!("unknown (credential report not read)"),
    };
    let keys = match user.access_keys.get() {
        Ok(keys) => keys
            .iter()
            .map(|k| {
                json!({
                    "access_key_id": crate::redact_key_id(&k.id),
                    "status": k.status,
                    "last_used": match k.last_used.get() {
                        Ok(used) => json!(used.as_ref().map(|u| u.date)),
                        Err(_) => json!("unknown"),
                    },
                })
            })
            .collect::<Vec<_>>(),
        Err(_) => vec![json!("unknown (iam:ListAccessKeys not read)")],
    };
    json!({
        "user": user.name,
        "password_last_used": password_last_used,
        "access_keys": keys,
    })
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let name = &ctx.config.iam.groups.administrators.name;
    let min = ctx.config.iam.min_administrators;
    let groups = match ctx.snapshot.iam.groups.get() {
        Ok(g) => g,
        Err(m) => {
            return vec![meta.missing(
                missing_group_resource(name),
                m,
                "iam:GetAccountAuthorizationDetails",
            )];
        }
    };
    let Some(group) = groups.iter().find(|g| &g.name == name) else {
        return vec![meta.finding(
            Status::Fail,
            missing_group_resource(name),
            text!(
                "Group {name} does not exist, so it has no members (at least {min} required)",
                "グループ {name} が存在しないため、メンバーがいません (最低 {min} 名必要)"
            ),
            json!({ "group": name, "members": [], "minimum": min }),
        )];
    };
    let users = match ctx.snapshot.iam.users.get() {
        Ok(u) => u,
        Err(m) => {
            return vec![meta.missing(
                group_resource(group),
                m,
                "iam:GetAccountAuthorizationDetails",
            )];
        }
    };
    let members: Vec<&User> = users.iter().filter(|u| u.groups.contains(name)).collect();
    let count = members.len();
    let evidence = json!({
        "group": name,
        "minimum": min,
        "members": members.iter().map(|u| last_activity(ctx, u)).collect::<Vec<_>>(),
    });
    vec![if count >= min {
        meta.finding(
            Status::Pass,
            group_resource(group),
            text!(
                "Group {name} has {count} members (at least {min} required)",
                "グループ {name} のメンバーは {count} 名です (最低 {min} 名)"
            ),
            evidence,
        )
    } else {
        meta.finding(
            Status::Fail,
            group_resource(group),
            text!(
                "Group {name} has {count} member(s); at least {min} are required",
                "グループ {name} のメンバーは {count} 名です。最低 {min} 名必要です"
            ),
            evidence,
        )
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::Collected;

    #[test]
    fn counts_members_against_the_minimum() {
        let mut s = snapshot();
        s.iam.groups = Collected::Value(vec![group("Administrators", &["AdministratorAccess"])]);
        users(
            &mut s,
            vec![
                in_groups(console(user("alice")), &["Administrators"]),
                user("bob"),
            ],
        );
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.evidence["members"][0]["user"], "alice");
        assert_eq!(
            f.message.en,
            "Group Administrators has 1 member(s); at least 2 are required"
        );

        users(
            &mut s,
            vec![
                in_groups(user("alice"), &["Administrators"]),
                in_groups(
                    with_key(user("carol"), "AKIAEXAMPLEKEY000001", 10, Some(1)),
                    &["Administrators"],
                ),
            ],
        );
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Pass);
        assert_eq!(
            f.evidence["members"][1]["access_keys"][0]["access_key_id"],
            "AKIA************0001"
        );
    }

    #[test]
    fn missing_group_fails() {
        let s = snapshot();
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.resource.id, "Administrators");
    }

    #[test]
    fn unreadable_users_are_an_error() {
        let mut s = snapshot();
        s.iam.groups = Collected::Value(vec![group("Administrators", &[])]);
        s.iam.users = Collected::NotCollected;
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Error);
        assert!(
            f.message
                .en
                .contains("iam:GetAccountAuthorizationDetails was not collected")
        );
    }
}
