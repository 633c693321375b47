//! OCSF 1.5.0 Compliance Finding events (class 2003), for SIEMs and data
//! lakes that speak the Open Cybersecurity Schema Framework.
//!
//! `--format ocsf` writes a JSON array with one event per finding. The
//! event's `finding_info.uid` is the same stable ID as the ASFF finding's
//! `Id`. kensa's own fields (its status, the evidence, the exception that
//! suppressed a finding) go in `unmapped.kensa`.
//!
//! | kensa | compliance.status_id | status_id (the finding) | severity_id |
//! |---|---|---|---|
//! | PASS | 1 Pass | 4 Resolved | 1 Informational |
//! | FAIL | 3 Fail | 1 New | the check's |
//! | ERROR | 2 Warning (no result: data missing) | 1 New | the check's |
//! | MANUAL | 99 Other (`Manual`) | 1 New | the check's |
//! | NOT_APPLICABLE | 99 Other (`Not Applicable`) | 4 Resolved | 1 Informational |
//! | SUPPRESSED | that of the verdict it replaced | 3 Suppressed | that of the verdict it replaced |

use std::io::{self, Write};

use kensa_checks::registry;
use kensa_checks::{Finding, GLOBAL_REGION, Lang, Report, Severity, Status};
use serde_json::{Value, json};

use crate::asff::{CHECK_DOCS_URL, partition, related_requirements, types, verdict};
use crate::finding_uid::finding_uid;

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.5.0";

const CLASS_UID: u32 = 2003;
const CATEGORY_UID: u32 = 2;
/// Every event reports a finding as kensa saw it in this run.
const ACTIVITY_CREATE: u32 = 1;
const PRODUCT_URL: &str = "https://github.com/kensa-aws/kensa";
/// `account.type_id` for an AWS account.
const ACCOUNT_TYPE_AWS: u32 = 10;
/// `analytic.type_id` for a rule: a kensa check.
const ANALYTIC_TYPE_RULE: u32 = 1;

/// The event's `severity_id` and its caption.
fn severity(f: &Finding) -> (u32, &'static str) {
    match verdict(f) {
        Status::Pass | Status::NotApplicable => (1, "Informational"),
        _ => match f.severity {
            Severity::Informational => (1, "Informational"),
            Severity::Low => (2, "Low"),
            Severity::Medium => (3, "Medium"),
            Severity::High => (4, "High"),
            Severity::Critical => (5, "Critical"),
        },
    }
}

/// `compliance.status_id` and its caption.
fn compliance_status(status: Status) -> (u32, &'static str) {
    match status {
        Status::Pass => (1, "Pass"),
        Status::Fail => (3, "Fail"),
        // OCSF's Warning: "did not yield a result due to missing information".
        Status::Error => (2, "Warning"),
        Status::Manual => (99, "Manual"),
        Status::NotApplicable => (99, "Not Applicable"),
        Status::Suppressed => (99, "Suppressed"),
    }
}

/// The finding's own `status_id` and its caption.
fn finding_status(f: &Finding) -> (u32, &'static str) {
    match (f.status, verdict(f)) {
        (Status::Suppressed, _) => (3, "Suppressed"),
        (_, Status::Pass | Status::NotApplicable) => (4, "Resolved"),
        _ => (1, "New"),
    }
}

/// One Compliance Finding event per kensa finding, in the report's order.
/// `region` stands in for kensa's `global` (account-wide resources) in
/// `cloud.region`, as the ASFF output does.
pub fn ocsf_events(report: &Report, lang: Lang, region: &str) -> Vec<Value> {
    report
        .findings
        .iter()
        .map(|f| event(report, f, lang, region))
        .collect()
}

/// `--format ocsf`: the events as one JSON array.
pub fn render_ocsf(
    report: &Report,
    lang: Lang,
    region: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &ocsf_events(report, lang, region))
        .map_err(io::Error::other)?;
    out.write_all(b"\n")
}

fn event(report: &Report, f: &Finding, lang: Lang, home_region: &str) -> Value {
    let meta = registry::find(&f.check_id).map(|c| &c.meta);
    let title = meta.map_or(f.check_id.as_str(), |m| m.title.get(lang));
    let message = f.message.get(lang);
    let verdict = verdict(f);
    let (severity_id, severity) = severity(f);
    let (status_id, status) = finding_status(f);
    let (compliance_status_id, compliance_status) = compliance_status(verdict);
    let r = &f.resource;
    let region = if r.region == GLOBAL_REGION {
        home_region
    } else {
        r.region.as_str()
    };
    let time = report.collected_at.timestamp_millis();
    let docs_url = meta.map(|m| format!("{CHECK_DOCS_URL}/{}.md", m.id));
    let c = &f.compliance;
    let mut standards = vec!["Security design sheet"];
    for (ids, name) in [
        (&c.cis_1_2, "CIS AWS Foundations Benchmark v1.2.0"),
        (&c.fsbp, "AWS Foundational Security Best Practices v1.0.0"),
        (&c.pci_dss, "PCI DSS v3.2.1"),
    ] {
        if !ids.is_empty() {
            standards.push(name);
        }
    }

    let mut resource = json!({
        "uid": r.arn.as_deref().unwrap_or(&r.id),
        "type": r.kind,
        "region": region,
        "cloud_partition": partition(r.arn.as_deref(), region),
    });
    if r.arn.is_some() {
        resource["uid_alt"] = json!(r.id);
    }
    if let Some(name) = &r.name {
        resource["name"] = json!(name);
    }

    let mut cloud = json!({ "provider": "AWS", "region": region });
    if let Some(account) = &report.account_id {
        cloud["account"] = json!({
            "uid": account,
            "type_id": ACCOUNT_TYPE_AWS,
            "type": "AWS Account",
        });
    }

    let mut finding_info = json!({
        "uid": finding_uid(report.account_id.as_deref().unwrap_or("unknown"), f),
        "title": format!("{} {title}", f.requirements.join(",")),
        "desc": message,
        "types": types(f),
        "last_seen_time": time,
        "analytic": {
            "uid": f.check_id,
            "name": f.check_id,
            "type_id": ANALYTIC_TYPE_RULE,
            "type": "Rule",
        },
    });
    if let Some(url) = &docs_url {
        finding_info["src_url"] = json!(url);
    }

    let mut compliance = json!({
        "control": f.check_id,
        "standards": standards,
        "requirements": related_requirements(f),
        "status_id": compliance_status_id,
        "status": compliance_status,
        "status_detail": message,
    });
    if let Some(m) = meta {
        compliance["desc"] = json!(m.description.get(lang));
    }

    let mut remediation = json!({
        "desc": meta.map_or(message, |m| m.remediation.get(lang)),
    });
    if let Some(url) = &docs_url {
        remediation["references"] = json!([url]);
    }

    let mut kensa = json!({
        "status": f.status.as_str(),
        "check_id": f.check_id,
        "requirements": f.requirements,
        "severity": f.severity.as_str(),
        "resource_region": r.region,
        "evidence": f.evidence,
    });
    if let Some(s) = &f.suppression {
        kensa["suppression"] = json!(s);
    }

    json!({
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "time": time,
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "message": message,
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "product": {
                "name": "kensa",
                "vendor_name": "kensa",
                "version": report.kensa_version,
                "url_string": PRODUCT_URL,
                "lang": match lang {
                    Lang::En => "en",
                    Lang::Ja => "ja",
                },
            },
        },
        "finding_info": finding_info,
        "compliance": compliance,
        "resources": [resource],
        "cloud": cloud,
        "remediation": remediation,
        "unmapped": { "kensa": kensa },
    })
}
