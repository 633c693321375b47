//! IAM-7: the root password holder and the MFA holder are different people.

use serde_json::json;

use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-root-holder-separation",
        requirements: &["IAM-7"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Root password and root MFA are held by different people",
            ja: "ルートのパスワードを知る者と MFA を管理する者が別人である",
        },
        description: StaticText {
            en: "Who holds the root password and who holds the root MFA device is not visible in AWS. \
                 This check is always MANUAL: record who holds each, and confirm they differ.",
            ja: "ルートのパスワードと MFA デバイスを誰が保持しているかは AWS からは分からない。\
                 このチェックは常に MANUAL: それぞれの保持者を記録し、別人であることを確認する。",
        },
        remediation: StaticText {
            en: "Name the password holder and the MFA holder in the system's records; if one person \
                 holds both, hand the MFA device to someone else.",
            ja: "パスワード保持者と MFA 保持者をシステムの記録に明記する。同一人物が両方を保持して\
                 いる場合は MFA デバイスを別の人に渡す。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    vec![CHECK.meta.finding(
        Status::Manual,
        ctx.account_resource("AWS::::Account", "root"),
        text!(
            "Confirm that the root password holder and the root MFA holder are different people",
            "ルートのパスワードを知る者と MFA を管理する者が別人であることを確認してください"
        ),
        json!({ "decided_by": "a person: not visible through AWS APIs" }),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;

    #[test]
    fn is_always_manual() {
        assert_eq!(run_check(&CHECK, &snapshot())[0].status, Status::Manual);
    }
}
