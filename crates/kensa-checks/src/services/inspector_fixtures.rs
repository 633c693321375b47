//! Snapshots for the Inspector checks, shaped as Inspector2's documented
//! answers (BatchGetAccountStatus, ListCoverage, ListFindings) and EC2's
//! DescribeInstances.

use chrono::{DateTime, TimeZone, Utc};
use kensa_snapshot::Collected;
use kensa_snapshot::inspector::{AccountStatus, CoveredInstance, Finding, Inspector, Instance};
use kensa_snapshot::services::Services;

use crate::Finding as KensaFinding;

pub const ACCOUNT: &str = "123456789012";

pub fn instance(id: &str, state: &str) -> Instance {
    Instance {
        instance_id: id.into(),
        state: state.into(),
    }
}

/// This account's status with EC2 and ECR scanning as given (`None`: AWS
/// left the scan type out), Lambda scanning off.
pub fn status(ec2: Option<&str>, ecr: Option<&str>) -> Collected<Vec<AccountStatus>> {
    let any_on = [ec2, ecr].contains(&Some("ENABLED"));
    Collected::Value(vec![AccountStatus {
        account_id: ACCOUNT.into(),
        status: Some(if any_on { "ENABLED" } else { "DISABLED" }.into()),
        ec2: ec2.map(str::to_owned),
        ecr: ecr.map(str::to_owned),
        lambda: Some("DISABLED".into()),
        lambda_code: Some("DISABLED".into()),
    }])
}

pub fn covered(id: &str, code: &str, reason: &str) -> CoveredInstance {
    CoveredInstance {
        resource_id: id.into(),
        scan_status_code: Some(code.into()),
        scan_status_reason: Some(reason.into()),
        last_scanned_at: Some(at(2026, 10, 31)),
    }
}

pub fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// An open finding first observed on the given day (the fixtures' snapshot
/// is collected on 2026-11-01).
pub fn finding(n: u32, severity: &str, first_observed: DateTime<Utc>, resource: &str) -> Finding {
    let (resource_type, title) = if resource.starts_with("i-") {
        ("AWS_EC2_INSTANCE", format!("CVE-2026-{n:04} - openssl"))
    } else {
        (
            "AWS_ECR_CONTAINER_IMAGE",
            format!("CVE-2026-{n:04} - libssh2"),
        )
    };
    Finding {
        finding_arn: format!("arn:aws:inspector2:ap-northeast-1:{ACCOUNT}:finding/{n:032x}"),
        severity: severity.into(),
        finding_type: Some("PACKAGE_VULNERABILITY".into()),
        title: Some(title),
        first_observed_at: first_observed,
        resource_type: Some(resource_type.into()),
        resource_id: Some(resource.into()),
    }
}

pub fn inspector(
    ec2_instances: Collected<Vec<Instance>>,
    account_status: Collected<Vec<AccountStatus>>,
    ec2_coverage: Collected<Vec<CoveredInstance>>,
    open_findings: Collected<Vec<Finding>>,
) -> Services {
    Services {
        inspector: Inspector {
            account_status,
            ec2_coverage,
            open_findings,
            ec2_instances,
        },
        ..Default::default()
    }
}

/// Findings as the lines a person reads, both languages.
pub fn render(findings: &[KensaFinding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{:?} {}\n  en: {}\n  ja: {}\n",
                f.status, f.resource.id, f.message.en, f.message.ja
            )
        })
        .collect()
}
