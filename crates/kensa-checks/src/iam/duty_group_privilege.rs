//! IAM-1: a duty group's policies do not plainly exceed its duty.

use globset::Glob;
use kensa_snapshot::{Group, ManagedPolicy, Missing};
use serde_json::{Value, json};

use super::group_resource;
use crate::config::Duty;
use crate::policy::{self, Statement};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-duty-group-privilege",
        requirements: &["IAM-1"],
        severity: Severity::High,
        title: StaticText {
            en: "Duty groups hold no permission their duty excludes",
            ja: "職責グループに職責外の権限が付与されていない",
        },
        description: StaticText {
            en: "Reads every policy attached to each duty group (managed and inline) and fails the \
                 group when a statement plainly allows an action its duty excludes: an \
                 unconditional Allow on all resources that no unconditional Deny takes back. \
                 InfraAdmins, Operators and application groups may not change IAM or switch off \
                 GuardDuty, CloudTrail, Security Hub or Config; SecurityAdmins may not grant IAM \
                 permissions; IAMAdmins may not change system resources. Administrators may do \
                 everything. A group passes only when every one of its policy documents was read.",
            ja: "各職責グループにアタッチされた全ポリシー (管理ポリシーとインラインポリシー) を読み、\
                 職責外のアクションを明白に許可するステートメント (全リソースに対する無条件の Allow \
                 で、無条件の Deny で打ち消されないもの) があれば FAIL とする。InfraAdmins、\
                 Operators、アプリケーション用グループは IAM の変更や GuardDuty・CloudTrail・\
                 Security Hub・Config の停止ができてはならない。SecurityAdmins は IAM 権限を付与\
                 できてはならない。IAMAdmins はシステムのリソースを変更できてはならない。\
                 Administrators は全操作可。全ポリシー文書を読めた場合のみ PASS とする。",
        },
        remediation: StaticText {
            en: "Detach the broad policy (e.g. AdministratorAccess or IAMFullAccess) from the group \
                 and attach a policy limited to the duty; or add an explicit Deny for the excluded \
                 actions.",
            ja: "広すぎるポリシー (AdministratorAccess、IAMFullAccess など) をグループからデタッチし、\
                 職責に限定したポリシーをアタッチする。または職責外のアクションを明示的に Deny する。",
        },
        cis_1_2: &["1.22"],
        fsbp: &["IAM.1"],
        pci_dss: &["PCI.IAM.3"],
        differs_from_frameworks: Some(StaticText {
            en: "CIS 1.22 and FSBP IAM.1 forbid full `*:*` policies everywhere; the sheet gives the \
                 Administrators group every permission on purpose, so that group is not failed for it.",
            ja: "CIS 1.22 と FSBP IAM.1 は `*:*` のポリシーを一律に禁止するが、設計書は Administrators \
                 グループに全権限を意図的に与えるため、このグループはその理由では FAIL にしない。",
        }),
    },
    run,
};

/// One policy of a group, read or not.
struct GroupPolicy<'a> {
    label: String,
    statements: Result<Vec<Statement>, String>,
    unreadable: Option<Missing<'a>>,
}

fn policies_of<'a>(group: &'a Group, managed: &'a [ManagedPolicy]) -> Vec<GroupPolicy<'a>> {
    let mut out = Vec::new();
    for attached in &group.attached_policies {
        let label = attached.arn.clone();
        match managed.iter().find(|p| p.arn == attached.arn) {
            Some(policy) => match policy.document.get() {
                Ok(doc) => out.push(GroupPolicy {
                    label,
                    statements: policy::parse(doc).map_err(|e| e.to_string()),
                    unreadable: None,
                }),
                Err(missing) => out.push(GroupPolicy {
                    label,
                    statements: Ok(vec![]),
                    unreadable: Some(missing),
                }),
            },
            None => out.push(GroupPolicy {
                label,
                statements: Ok(vec![]),
                unreadable: Some(Missing::NotCollected),
            }),
        }
    }
    for inline in &group.inline_policies {
        out.push(GroupPolicy {
            label: format!("{} (inline)", inline.name),
            statements: policy::parse(&inline.document).map_err(|e| e.to_string()),
            unreadable: None,
        });
    }
    out
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let account = || ctx.account_resource("AWS::::Account", "IAM groups");
    let groups = match ctx.snapshot.iam.groups.get() {
        Ok(g) => g,
        Err(m) => return vec![meta.missing(account(), m, "iam:GetAccountAuthorizationDetails")],
    };
    let managed = match ctx.snapshot.iam.policies.get() {
        Ok(p) => p.as_slice(),
        Err(m) => return vec![meta.missing(account(), m, "iam:GetAccountAuthorizationDetails")],
    };
    let config = &ctx.config.iam.groups;
    let apps = Glob::new(&config.apps.name)
        .map(|g| g.compile_matcher())
        .ok();

    let mut findings = Vec::new();
    for group in groups {
        let duty = Duty::ALL.into_iter().find(|d| match d {
            Duty::Apps => apps.as_ref().is_some_and(|m| m.is_match(&group.name)),
            _ => config.get(*d).name == group.name,
        });
        let Some(duty) = duty else { continue };
        if duty == Duty::Administrators {
            continue;
        }
        findings.push(judge(ctx, group, duty, managed));
    }
    findings
}

fn judge(ctx: &Context<'_>, group: &Group, duty: Duty, managed: &[ManagedPolicy]) -> Finding {
    let meta = &CHECK.meta;
    let name = &group.name;
    let duty_title = duty.title();
    let (duty_en, duty_ja) = (duty_title.en, duty_title.ja);
    let excluded = ctx.config.iam.groups.excluded_actions(duty);
    let policies = policies_of(group, managed);

    let all: Vec<(&str, &Statement)> = policies
        .iter()
        .filter_map(|p| p.statements.as_ref().ok().map(|s| (p.label.as_str(), s)))
        .flat_map(|(label, statements)| statements.iter().map(move |s| (label, s)))
        .collect();
    let mut granted = Vec::new();
    for action in &excluded {
        let denied = all.iter().any(|(_, s)| s.plainly_denies(action));
        if denied {
            continue;
        }
        if let Some((label, statement)) = all.iter().find(|(_, s)| s.plainly_allows(action)) {
            granted.push(json!({
                "action": action,
                "policy": label,
                "statement": statement.sid.clone().map_or(Value::Null, Value::String),
            }));
        }
    }
    let malformed: Vec<Value> = policies
        .iter()
        .filter_map(|p| {
            p.statements
                .as_ref()
                .err()
                .map(|e| json!({ "policy": p.label, "error": e }))
        })
        .collect();
    let unreadable: Vec<Value> = policies
        .iter()
        .filter_map(|p| {
            p.unreadable.map(|m| match m {
                Missing::Failed(e) => json!({ "policy": p.label, "failed_call": e }),
                Missing::NotCollected => {
                    json!({ "policy": p.label, "not_collected": "iam:GetPolicyVersion" })
                }
            })
        })
        .collect();
    let attached: Vec<&str> = policies.iter().map(|p| p.label.as_str()).collect();
    let evidence = json!({
        "duty": duty.key(),
        "policies": attached,
        "excluded_actions": excluded,
        "granted_excluded_actions": granted,
        "malformed_policies": malformed,
        "unreadable_policies": unreadable,
    });

    if !granted.is_empty() {
        let actions: Vec<&str> = granted
            .iter()
            .filter_map(|g| g["action"].as_str())
            .collect();
        let count = actions.len();
        let first = actions
            .iter()
            .take(3)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        return meta.finding(
            Status::Fail,
            group_resource(group),
            text!(
                "Group {name} ({duty_en}) is allowed {count} action(s) its duty excludes, e.g. {first}",
                "グループ {name} ({duty_ja}) に職責外のアクションが {count} 件許可されています (例: {first})"
            ),
            evidence,
        );
    }
    if !malformed.is_empty() || !unreadable.is_empty() {
        let count = malformed.len() + unreadable.len();
        return meta.finding(
            Status::Error,
            group_resource(group),
            text!(
                "Could not decide for group {name}: {count} policy document(s) could not be read or parsed",
                "グループ {name} を判定できません: ポリシー文書 {count} 件を読み取れないか解析できません"
            ),
            evidence,
        );
    }
    let count = policies.len();
    meta.finding(
        Status::Pass,
        group_resource(group),
        text!(
            "Group {name} ({duty_en}): none of its {count} policies plainly allows an excluded action",
            "グループ {name} ({duty_ja}): {count} 件のポリシーはいずれも職責外のアクションを明白には許可していません"
        ),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::{Collected, InlinePolicy, ManagedPolicy};

    fn managed(name: &str, doc: &str) -> ManagedPolicy {
        ManagedPolicy {
            name: name.into(),
            arn: attached(name).arn,
            default_version_id: Some("v1".into()),
            attachment_count: Some(1),
            document: Collected::Value(doc.into()),
        }
    }

    const ADMIN: &str =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    const IAM_FULL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount"],"Resource":"*"}]}"#;
    const POWER_USER: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:ListRoles"],"Resource":"*"}]}"#;
    const READ_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","ec2:Describe*"],"Resource":"*"}]}"#;

    fn account_with(groups: Vec<Group>) -> kensa_snapshot::Snapshot {
        let mut s = snapshot();
        s.iam.groups = Collected::Value(groups);
        s.iam.policies = Collected::Value(vec![
            managed("AdministratorAccess", ADMIN),
            managed("IAMFullAccess", IAM_FULL),
            managed("PowerUserAccess", POWER_USER),
            managed("ReadOnlyAccess", READ_ONLY),
        ]);
        s
    }

    #[test]
    fn broad_policies_fail_the_duties_that_exclude_them() {
        let s = account_with(vec![
            group("Administrators", &["AdministratorAccess"]),
            group("InfraAdmins", &["IAMFullAccess"]),
            group("Operators", &["ReadOnlyAccess"]),
            group("SecurityAdmins", &["AdministratorAccess"]),
            group("BillingApps", &["ReadOnlyAccess"]),
            group("Developers", &["AdministratorAccess"]),
        ]);
        let findings = run_check(&CHECK, &s);
        // Administrators may do everything; Developers is not a duty group.
        assert_eq!(
            verdicts(&findings),
            vec![
                ("InfraAdmins".into(), Status::Fail),
                ("Operators".into(), Status::Pass),
                ("SecurityAdmins".into(), Status::Fail),
                ("BillingApps".into(), Status::Pass),
            ]
        );
        let infra = &findings[0];
        assert_eq!(
            infra.evidence["granted_excluded_actions"][0]["action"],
            "iam:CreateUser"
        );
        assert_eq!(
            infra.evidence["granted_excluded_actions"][0]["policy"],
            "arn:aws:iam::aws:policy/IAMFullAccess"
        );
        assert!(
            infra.message.en.contains("e.g. iam:CreateUser"),
            "{}",
            infra.message.en
        );
    }

    #[test]
    fn power_user_passes_iam_but_fails_security_services_for_infra() {
        let s = account_with(vec![group("InfraAdmins", &["PowerUserAccess"])]);
        let findings = run_check(&CHECK, &s);
        assert_eq!(findings[0].status, Status::Fail);
        let granted: Vec<&str> = findings[0].evidence["granted_excluded_actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["action"].as_str().unwrap())
            .collect();
        assert!(
            !granted.iter().any(|a| a.starts_with("iam:")),
            "{granted:?}"
        );
        assert!(granted.contains(&"cloudtrail:StopLogging"));
    }

    #[test]
    fn an_explicit_deny_takes_the_grant_back() {
        let mut g = group("InfraAdmins", &["AdministratorAccess"]);
        g.inline_policies.push(InlinePolicy {
            name: "DenyIamAndSecurity".into(),
            document: r#"{"Statement":{"Effect":"Deny","Action":["iam:*","guardduty:*","cloudtrail:*","securityhub:*","config:*"],"Resource":"*"}}"#.into(),
        });
        let s = account_with(vec![g]);
        assert_eq!(run_check(&CHECK, &s)[0].status, Status::Pass);
    }

    #[test]
    fn unreadable_or_malformed_documents_are_errors_not_passes() {
        let mut g = group("Operators", &["ReadOnlyAccess", "CustomerOps"]);
        g.inline_policies.push(InlinePolicy {
            name: "broken".into(),
            document: "{not json".into(),
        });
        let s = account_with(vec![g]);
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Error);
        assert_eq!(
            f.evidence["malformed_policies"][0]["policy"],
            "broken (inline)"
        );
        assert_eq!(
            f.evidence["unreadable_policies"][0]["policy"],
            "arn:aws:iam::123456789012:policy/CustomerOps"
        );
        assert!(
            f.message.en.contains("2 policy document(s)"),
            "{}",
            f.message.en
        );
    }

    #[test]
    fn a_grant_is_a_fail_even_when_another_document_is_unreadable() {
        let s = account_with(vec![group(
            "Operators",
            &["AdministratorAccess", "CustomerOps"],
        )]);
        assert_eq!(run_check(&CHECK, &s)[0].status, Status::Fail);
    }
}
