//! IAM-2: Administrators is not used in normal operation (a person decides,
//! on the members' last activity).

use serde_json::json;

use super::{group_resource, missing_group_resource};
use crate::iam::administrators_members::last_activity;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-administrators-not-in-daily-use",
        requirements: &["IAM-2"],
        severity: Severity::Low,
        title: StaticText {
            en: "Administrators is not used in normal operation",
            ja: "Administrators グループを通常は使用しない",
        },
        description: StaticText {
            en: "Whether an administrator's sign-ins were exceptional work or daily operation is \
                 something only a person can judge. This check is MANUAL and lists each member's last \
                 console sign-in and access key use as the evidence to review.",
            ja: "管理者のサインインが例外的な作業か日常の運用かは人にしか判断できない。このチェックは \
                 MANUAL とし、各メンバーの最終コンソールサインインとアクセスキー利用を確認用の証跡と\
                 して示す。",
        },
        remediation: StaticText {
            en: "Review the listed activity; move day-to-day work to the duty groups (InfraAdmins, \
                 Operators...) and keep administrator credentials for exceptional use.",
            ja: "示された利用状況を確認し、日常作業は職責グループ (InfraAdmins、Operators など) に\
                 移し、管理者の認証情報は例外的な作業にのみ使う。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let name = &ctx.config.iam.groups.administrators.name;
    let (groups, users) = match (ctx.snapshot.iam.groups.get(), ctx.snapshot.iam.users.get()) {
        (Ok(g), Ok(u)) => (g, u),
        (Err(m), _) | (_, Err(m)) => {
            return vec![meta.missing(
                missing_group_resource(name),
                m,
                "iam:GetAccountAuthorizationDetails",
            )];
        }
    };
    let Some(group) = groups.iter().find(|g| &g.name == name) else {
        return vec![meta.finding(
            Status::NotApplicable,
            missing_group_resource(name),
            text!(
                "Group {name} does not exist (see iam-administrators-members)",
                "グループ {name} が存在しません (iam-administrators-members を参照)"
            ),
            json!({ "group": name }),
        )];
    };
    let members: Vec<_> = users
        .iter()
        .filter(|u| u.groups.contains(name))
        .map(|u| last_activity(ctx, u))
        .collect();
    let count = members.len();
    vec![meta.finding(
        Status::Manual,
        group_resource(group),
        text!(
            "Review the last activity of the {count} member(s) of {name}: it should be exceptional work only",
            "{name} のメンバー {count} 名の最終利用を確認してください: 例外的な作業のみであること"
        ),
        json!({ "group": name, "members": members }),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::Collected;

    #[test]
    fn is_manual_with_the_members_activity() {
        let mut s = snapshot();
        s.iam.groups = Collected::Value(vec![group("Administrators", &[])]);
        users(&mut s, vec![in_groups(user("alice"), &["Administrators"])]);
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Manual);
        assert_eq!(f.evidence["members"][0]["user"], "alice");
        // No credential report in the fixture: said so, never guessed.
        assert_eq!(
            f.evidence["members"][0]["password_last_used"],
            "unknown (credential report not read)"
        );
    }
}
