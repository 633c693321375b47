//! IAM-4: every user belongs to at least one group.

use serde_json::json;

use super::{user_resource, users_or_error};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-user-in-group",
        requirements: &["IAM-4"],
        severity: Severity::Low,
        title: StaticText {
            en: "Every IAM user belongs to a group",
            ja: "全 IAM ユーザーが IAM グループに所属している",
        },
        description: StaticText {
            en: "The sheet's principle: users belong to the group of their duty and get their \
                 permissions from it. A user in no group is outside that principle.",
            ja: "設計書の大原則: IAM ユーザーは職責の IAM グループに所属し、グループから権限を得る。\
                 どのグループにも所属しないユーザーはこの原則から外れている。",
        },
        remediation: StaticText {
            en: "Add the user to the group of its duty: `aws iam add-user-to-group --group-name \
                 GROUP --user-name NAME`; delete users nobody needs.",
            ja: "ユーザーを職責のグループに追加する: `aws iam add-user-to-group --group-name GROUP \
                 --user-name NAME`。不要なユーザーは削除する。",
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
    let users = match users_or_error(ctx, meta) {
        Ok(u) => u,
        Err(error) => return vec![*error],
    };
    users
        .iter()
        .map(|user| {
            let name = &user.name;
            let evidence = json!({ "groups": user.groups });
            if user.groups.is_empty() {
                meta.finding(
                    Status::Fail,
                    user_resource(user),
                    text!(
                        "User {name} belongs to no group",
                        "ユーザー {name} はどのグループにも所属していません"
                    ),
                    evidence,
                )
            } else {
                let groups = user.groups.join(", ");
                meta.finding(
                    Status::Pass,
                    user_resource(user),
                    text!(
                        "User {name} belongs to {groups}",
                        "ユーザー {name} は {groups} に所属しています"
                    ),
                    evidence,
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;

    #[test]
    fn users_without_groups_fail() {
        let mut s = snapshot();
        users(
            &mut s,
            vec![in_groups(user("a"), &["Operators"]), user("b")],
        );
        let findings = run_check(&CHECK, &s);
        assert_eq!(
            verdicts(&findings),
            vec![("a".into(), Status::Pass), ("b".into(), Status::Fail)]
        );
        assert_eq!(
            findings[0].message.ja,
            "ユーザー a は Operators に所属しています"
        );
    }
}
