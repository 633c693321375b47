//! IAM-7: the root user is protected by MFA.

use serde_json::json;

use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-root-mfa",
        requirements: &["IAM-7"],
        severity: Severity::Critical,
        title: StaticText {
            en: "The root user has MFA",
            ja: "ルートアカウントが MFA で保護されている",
        },
        description: StaticText {
            en: "Reads the root row of the credential report (`mfa_active`), or the account summary's \
                 `AccountMFAEnabled` when the report cannot be read. The evidence says whether the \
                 device is virtual; the sheet prefers a hardware device.",
            ja: "認証情報レポートのルート行 (`mfa_active`)、読めない場合はアカウントサマリーの \
                 `AccountMFAEnabled` を読む。証跡には仮想 MFA かどうかを示す。設計書はハードウェア \
                 MFA を推奨する。",
        },
        remediation: StaticText {
            en: "Sign in as root and assign an MFA device (preferably hardware) under Security \
                 credentials; keep the device with a different person than the password holder.",
            ja: "ルートでサインインし、認証情報から MFA デバイス (できればハードウェア) を割り当てる。\
                 デバイスはパスワード保持者とは別の人が管理する。",
        },
        cis_1_2: &["1.13", "1.14"],
        fsbp: &["IAM.9", "IAM.6"],
        pci_dss: &["PCI.IAM.5", "PCI.IAM.4"],
        differs_from_frameworks: Some(StaticText {
            en: "CIS 1.14, FSBP IAM.6 and PCI.IAM.4 require a hardware device; the sheet only prefers \
                 one, so a virtual device passes with a note.",
            ja: "CIS 1.14、FSBP IAM.6、PCI.IAM.4 はハードウェア MFA を必須とするが、設計書は推奨に\
                 とどまるため、仮想 MFA は注記付きで PASS とする。",
        }),
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let resource = ctx.account_resource("AWS::::Account", "root");
    let iam = &ctx.snapshot.iam;
    let (enabled, source) = match iam.credential_report.get() {
        Ok(report) => match report.root() {
            Some(row) => (row.mfa_active, "iam:GetCredentialReport"),
            None => match iam.account_summary.get() {
                Ok(summary) => match summary.get("AccountMFAEnabled") {
                    Some(v) => (*v == 1, "iam:GetAccountSummary"),
                    None => {
                        return vec![meta.incomplete(
                            resource,
                            "iam:GetAccountSummary",
                            text!("AccountMFAEnabled", " AccountMFAEnabled "),
                        )];
                    }
                },
                Err(m) => return vec![meta.missing(resource, m, "iam:GetAccountSummary")],
            },
        },
        Err(report_missing) => match iam.account_summary.get() {
            Ok(summary) if summary.contains_key("AccountMFAEnabled") => {
                (summary["AccountMFAEnabled"] == 1, "iam:GetAccountSummary")
            }
            _ => return vec![meta.missing(resource, report_missing, "iam:GetCredentialReport")],
        },
    };
    let root_arn_suffix = ":root";
    let virtual_device = iam.virtual_mfa_devices.get().ok().map(|devices| {
        devices.iter().any(|d| {
            d.user_arn
                .as_deref()
                .is_some_and(|a| a.ends_with(root_arn_suffix))
                || d.serial_number.ends_with("/root-account-mfa-device")
        })
    });
    let evidence = json!({
        "mfa_active": enabled,
        "source": source,
        "virtual_device": virtual_device,
    });
    if !enabled {
        return vec![meta.finding(
            Status::Fail,
            resource,
            text!(
                "The root user has no MFA device",
                "ルートアカウントに MFA が設定されていません"
            ),
            evidence,
        )];
    }
    let message = match virtual_device {
        Some(true) => text!(
            "The root user has MFA (a virtual device; the sheet prefers hardware MFA)",
            "ルートアカウントは MFA で保護されています (仮想 MFA。設計書はハードウェア MFA を推奨)"
        ),
        Some(false) => text!(
            "The root user has MFA (not a virtual device)",
            "ルートアカウントは MFA で保護されています (仮想 MFA ではありません)"
        ),
        None => text!(
            "The root user has MFA (device type unknown: iam:ListVirtualMFADevices not read)",
            "ルートアカウントは MFA で保護されています (デバイス種別は不明: iam:ListVirtualMFADevices 未取得)"
        ),
    };
    vec![meta.finding(Status::Pass, resource, message, evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::{Collected, CredentialReport, VirtualMfaDevice};

    pub(crate) fn report(root_mfa: bool) -> CredentialReport {
        let csv = format!(
            "user,arn,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_2_active\n<root_account>,arn:aws:iam::123456789012:root,not_supported,N/A,{root_mfa},false,false\n"
        );
        CredentialReport::parse_csv(now(), &csv).unwrap()
    }

    #[test]
    fn reads_the_report_then_the_summary() {
        let mut s = snapshot();
        s.iam.credential_report = Collected::Value(report(false));
        assert_eq!(run_check(&CHECK, &s)[0].status, Status::Fail);

        s.iam.credential_report = Collected::Value(report(true));
        s.iam.virtual_mfa_devices = Collected::Value(vec![VirtualMfaDevice {
            serial_number: "arn:aws:iam::123456789012:mfa/root-account-mfa-device".into(),
            user_arn: Some("arn:aws:iam::123456789012:root".into()),
            enabled: Some(days_ago(10)),
        }]);
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Pass);
        assert!(f.message.en.contains("virtual device"), "{}", f.message.en);

        s.iam.credential_report = Collected::Error(denied("GetCredentialReport", None));
        s.iam.account_summary = Collected::Value([("AccountMFAEnabled".to_owned(), 1)].into());
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Pass);
        assert_eq!(f.evidence["source"], "iam:GetAccountSummary");

        s.iam.account_summary = Collected::Error(denied("GetAccountSummary", None));
        let f = &run_check(&CHECK, &s)[0];
        assert_eq!(f.status, Status::Error);
        assert!(f.message.en.contains("iam:GetCredentialReport failed"));
    }
}
