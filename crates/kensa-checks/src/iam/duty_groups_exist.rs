//! IAM-1: the sheet's duty groups exist.

use globset::Glob;
use serde_json::json;

use super::{group_resource, missing_group_resource};
use crate::config::Duty;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-duty-groups-exist",
        requirements: &["IAM-1"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Each duty of the sheet has its IAM group",
            ja: "職責ごとの IAM グループが存在する",
        },
        description: StaticText {
            en: "The sheet grants permissions by duty: Administrators, InfraAdmins, SecurityAdmins, \
                 IAMAdmins, one `<App>Apps` group per application, and Operators. Each configured \
                 group must exist; the application groups are found by pattern (`*Apps`).",
            ja: "設計書は職責ごとに権限を付与する: Administrators、InfraAdmins、SecurityAdmins、\
                 IAMAdmins、アプリケーションごとの `～～Apps`、Operators。設定された各グループが\
                 存在することを確認する。アプリケーション用グループはパターン (`*Apps`) で探す。",
        },
        remediation: StaticText {
            en: "Create the missing group (`aws iam create-group --group-name NAME`) and attach the \
                 least-privilege policies of its duty, or set the system's own group names in \
                 `[iam.groups]` of kensa.toml.",
            ja: "不足しているグループを作成し (`aws iam create-group --group-name NAME`)、職責に\
                 応じた最小権限のポリシーをアタッチする。グループ名が異なる場合は kensa.toml の \
                 `[iam.groups]` に設定する。",
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
    let groups_config = &ctx.config.iam.groups;
    let groups = match ctx.snapshot.iam.groups.get() {
        Ok(groups) => groups,
        Err(missing) => {
            return vec![meta.missing(
                ctx.account_resource("AWS::::Account", "IAM groups"),
                missing,
                "iam:GetAccountAuthorizationDetails",
            )];
        }
    };
    let mut findings = Vec::new();
    for duty in Duty::ALL {
        let name = &groups_config.get(duty).name;
        let duty_title = duty.title();
        let (duty_en, duty_ja) = (duty_title.en, duty_title.ja);
        if duty == Duty::Apps {
            // Validated when the config was loaded; an invalid pattern
            // cannot reach here, but a non-matching one is still honest.
            let matcher = Glob::new(name).map(|g| g.compile_matcher());
            let matching: Vec<_> = match &matcher {
                Ok(m) => groups.iter().filter(|g| m.is_match(&g.name)).collect(),
                Err(_) => Vec::new(),
            };
            if matching.is_empty() {
                let status = if groups_config.require_apps_group {
                    Status::Fail
                } else {
                    Status::NotApplicable
                };
                findings.push(meta.finding(
                    status,
                    missing_group_resource(name),
                    text!(
                        "No group matches `{name}` ({duty_en}: one group per application)",
                        "`{name}` に一致するグループがありません ({duty_ja}: アプリケーションごとに1グループ)"
                    ),
                    json!({ "pattern": name, "groups": groups.iter().map(|g| &g.name).collect::<Vec<_>>() }),
                ));
            }
            for group in matching {
                let group_name = &group.name;
                findings.push(meta.finding(
                    Status::Pass,
                    group_resource(group),
                    text!(
                        "Group {group_name} exists ({duty_en}, pattern `{name}`)",
                        "グループ {group_name} が存在します ({duty_ja}、パターン `{name}`)"
                    ),
                    json!({ "pattern": name, "group": group_name }),
                ));
            }
            continue;
        }
        match groups.iter().find(|g| &g.name == name) {
            Some(group) => findings.push(meta.finding(
                Status::Pass,
                group_resource(group),
                text!(
                    "Group {name} exists ({duty_en})",
                    "グループ {name} が存在します ({duty_ja})"
                ),
                json!({ "duty": duty.key(), "group": name }),
            )),
            None => findings.push(meta.finding(
                Status::Fail,
                missing_group_resource(name),
                text!(
                    "Group {name} ({duty_en}) does not exist",
                    "グループ {name} ({duty_ja}) が存在しません"
                ),
                json!({ "duty": duty.key(), "group": name, "groups": groups.iter().map(|g| &g.name).collect::<Vec<_>>() }),
            )),
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
    fn every_duty_is_checked_and_apps_found_by_pattern() {
        let mut s = snapshot();
        s.iam.groups = Collected::Value(
            [
                "Administrators",
                "InfraAdmins",
                "SecurityAdmins",
                "BillingApps",
                "PortalApps",
            ]
            .iter()
            .map(|n| group(n, &[]))
            .collect(),
        );
        let v = verdicts(&run_check(&CHECK, &s));
        assert_eq!(
            v,
            vec![
                ("Administrators".into(), Status::Pass),
                ("InfraAdmins".into(), Status::Pass),
                ("SecurityAdmins".into(), Status::Pass),
                ("IAMAdmins".into(), Status::Fail),
                ("BillingApps".into(), Status::Pass),
                ("PortalApps".into(), Status::Pass),
                ("Operators".into(), Status::Fail),
            ]
        );
    }

    #[test]
    fn no_apps_group_fails_unless_not_required() {
        let mut s = snapshot();
        s.iam.groups = Collected::Value(vec![group("Administrators", &[])]);
        let apps = |findings: Vec<Finding>| {
            findings
                .into_iter()
                .find(|f| f.resource.name.as_deref() == Some("*Apps"))
                .unwrap()
                .status
        };
        assert_eq!(apps(run_check(&CHECK, &s)), Status::Fail);
        let mut config = crate::Config::default();
        config.iam.groups.require_apps_group = false;
        assert_eq!(apps(run_with(&CHECK, &s, &config)), Status::NotApplicable);
    }

    #[test]
    fn unreadable_groups_are_an_error_naming_the_call() {
        let mut s = snapshot();
        s.iam.groups = Collected::Error(denied("GetAccountAuthorizationDetails", None));
        let findings = run_check(&CHECK, &s);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Error);
        assert!(
            findings[0]
                .message
                .en
                .contains("iam:GetAccountAuthorizationDetails failed (AccessDenied")
        );
        assert!(
            findings[0]
                .message
                .ja
                .contains("iam:GetAccountAuthorizationDetails が失敗しました")
        );
    }
}
