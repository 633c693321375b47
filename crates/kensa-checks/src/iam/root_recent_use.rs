//! IAM-7: the root user is not used.

use serde_json::json;

use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-root-recent-use",
        requirements: &["IAM-7"],
        severity: Severity::High,
        title: StaticText {
            en: "The root user has not been used recently",
            ja: "ルートアカウントが最近使用されていない",
        },
        description: StaticText {
            en: "The sheet: the root user is not used. Fails when the credential report shows a root \
                 console sign-in or root access key use within the configured number of days \
                 (`iam.root_recent_use_days`, 90) before collection.",
            ja: "設計書: ルートアカウントは使用しない。収集時点から設定日数 \
                 (`iam.root_recent_use_days`、90 日) 以内にルートのコンソールサインインまたは\
                 アクセスキー利用が認証情報レポートにあれば FAIL とする。",
        },
        remediation: StaticText {
            en: "Find out who used root and why (CloudTrail `userIdentity.type = Root`); do that work \
                 with an IAM user of the right duty instead.",
            ja: "誰が何のためにルートを使ったかを調べ (CloudTrail の `userIdentity.type = Root`)、\
                 その作業は適切な職責の IAM ユーザーで行う。",
        },
        cis_1_2: &["1.1"],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let resource = ctx.account_resource("AWS::::Account", "root");
    let report = match ctx.snapshot.iam.credential_report.get() {
        Ok(r) => r,
        Err(m) => return vec![meta.missing(resource, m, "iam:GetCredentialReport")],
    };
    let Some(root) = report.root() else {
        return vec![meta.incomplete(
            resource,
            "iam:GetCredentialReport",
            text!("the <root_account> row", " <root_account> 行"),
        )];
    };
    let days = ctx.config.iam.root_recent_use_days;
    let uses = [
        (
            ("console sign-in", "コンソールサインイン"),
            root.password_last_used,
        ),
        (
            ("access key 1", "アクセスキー1"),
            root.access_key_1_last_used,
        ),
        (
            ("access key 2", "アクセスキー2"),
            root.access_key_2_last_used,
        ),
    ];
    let last = uses
        .iter()
        .filter_map(|(what, when)| when.map(|w| (*what, w)))
        .max_by_key(|(_, w)| *w);
    let evidence = json!({
        "password_last_used": root.password_last_used,
        "access_key_1_last_used": root.access_key_1_last_used,
        "access_key_2_last_used": root.access_key_2_last_used,
        "report_generated_at": report.generated_at,
        "window_days": days,
    });
    match last {
        Some(((what, what_ja), when)) if ctx.days_since(when) <= days => {
            let ago = ctx.days_since(when);
            let when = when.format("%Y-%m-%d %H:%M UTC");
            vec![meta.finding(
                Status::Fail,
                resource,
                text!(
                    "The root user was used {ago} day(s) before collection ({what}, {when})",
                    "ルートアカウントが収集の {ago} 日前に使用されています ({what_ja}、{when})"
                ),
                evidence,
            )]
        }
        _ => vec![meta.finding(
            Status::Pass,
            resource,
            text!(
                "The root user was not used in the {days} days before collection",
                "ルートアカウントは収集前 {days} 日間使用されていません"
            ),
            evidence,
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::{Collected, CredentialReport};

    fn with_root_use(last_used: &str) -> kensa_snapshot::Snapshot {
        let mut s = snapshot();
        let csv = format!(
            "user,arn,password_last_used,mfa_active\n<root_account>,arn:aws:iam::123456789012:root,{last_used},true\n"
        );
        s.iam.credential_report =
            Collected::Value(CredentialReport::parse_csv(now(), &csv).unwrap());
        s
    }

    #[test]
    fn recent_sign_in_fails_old_or_none_passes() {
        let f = &run_check(&CHECK, &with_root_use("2026-10-30T09:00:00+00:00"))[0];
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.message.en,
            "The root user was used 1 day(s) before collection (console sign-in, 2026-10-30 09:00 UTC)"
        );
        assert_eq!(
            run_check(&CHECK, &with_root_use("2025-01-01T00:00:00+00:00"))[0].status,
            Status::Pass
        );
        assert_eq!(
            run_check(&CHECK, &with_root_use("no_information"))[0].status,
            Status::Pass
        );
    }

    #[test]
    fn report_without_root_row_is_an_error() {
        let mut s = snapshot();
        s.iam.credential_report =
            Collected::Value(CredentialReport::parse_csv(now(), "user,arn,mfa_active\n").unwrap());
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Error);
        assert_eq!(
            f.message.en,
            "Could not decide for root: iam:GetCredentialReport answered without the <root_account> row"
        );
    }
}
