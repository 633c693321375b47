//! IAM-7: the root user has no access keys.

use serde_json::json;

use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-root-access-keys",
        requirements: &["IAM-7"],
        severity: Severity::Critical,
        title: StaticText {
            en: "The root user has no access keys",
            ja: "ルートアカウントにアクセスキーがない",
        },
        description: StaticText {
            en: "The root user is not used, so it needs no access keys. Reads the credential report's \
                 root row, or the account summary's `AccountAccessKeysPresent`.",
            ja: "ルートアカウントは使用しないため、アクセスキーは不要。認証情報レポートのルート行、\
                 またはアカウントサマリーの `AccountAccessKeysPresent` を読む。",
        },
        remediation: StaticText {
            en: "Sign in as root and delete its access keys (Security credentials > Access keys).",
            ja: "ルートでサインインし、アクセスキーを削除する (認証情報 > アクセスキー)。",
        },
        cis_1_2: &["1.12"],
        fsbp: &["IAM.4"],
        pci_dss: &["PCI.IAM.1"],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let resource = ctx.account_resource("AWS::::Account", "root");
    let iam = &ctx.snapshot.iam;
    let from_report = iam
        .credential_report
        .value()
        .and_then(|r| r.root())
        .map(|row| {
            (
                row.access_key_1_active || row.access_key_2_active,
                "iam:GetCredentialReport",
            )
        });
    let from_summary = || {
        iam.account_summary
            .value()
            .and_then(|s| s.get("AccountAccessKeysPresent"))
            .map(|v| (*v > 0, "iam:GetAccountSummary"))
    };
    let Some((present, source)) = from_report.or_else(from_summary) else {
        let missing = iam
            .credential_report
            .get()
            .err()
            .or_else(|| iam.account_summary.get().err())
            .unwrap_or(kensa_snapshot::Missing::NotCollected);
        return vec![meta.missing(resource, missing, "iam:GetCredentialReport")];
    };
    let evidence = json!({ "root_access_keys_active": present, "source": source });
    if present {
        vec![meta.finding(
            Status::Fail,
            resource,
            text!(
                "The root user has an active access key",
                "ルートアカウントに有効なアクセスキーがあります"
            ),
            evidence,
        )]
    } else {
        vec![meta.finding(
            Status::Pass,
            resource,
            text!(
                "The root user has no active access key",
                "ルートアカウントに有効なアクセスキーはありません"
            ),
            evidence,
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::{Collected, CredentialReport};

    #[test]
    fn root_keys_fail_and_missing_data_errors() {
        let mut s = snapshot();
        let csv = "user,arn,mfa_active,access_key_1_active,access_key_2_active\n<root_account>,arn:aws:iam::123456789012:root,true,false,true\n";
        s.iam.credential_report =
            Collected::Value(CredentialReport::parse_csv(now(), csv).unwrap());
        assert_eq!(run_check(&CHECK, &s)[0].status, Status::Fail);

        s.iam.credential_report = Collected::Error(denied("GetCredentialReport", None));
        s.iam.account_summary =
            Collected::Value([("AccountAccessKeysPresent".to_owned(), 0)].into());
        assert_eq!(run_check(&CHECK, &s)[0].status, Status::Pass);

        s.iam.account_summary = Collected::NotCollected;
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Error);
        assert_eq!(
            f.evidence["failed_call"]["operation"],
            "GetCredentialReport"
        );
    }
}
