//! SARIF 2.1.0, for code-scanning dashboards (GitHub, Azure DevOps...).

use std::io::{self, Write};

use kensa_checks::registry::CHECKS;
use kensa_checks::{Check, Finding, Lang, Report, Severity, Status};
use serde_json::{Value, json};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/kensa-aws/kensa";

/// FNV-1a, 64 bits: small, dependency-free and stable across releases and
/// platforms, which is all a fingerprint needs (it is not a security hash).
pub(crate) fn fnv1a_64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The same check on the same resource in the same region has the same
/// fingerprint on every run, so dashboards can follow it over time.
fn fingerprint(f: &Finding) -> String {
    let key = format!(
        "{}\u{0}{}\u{0}{}",
        f.check_id, f.resource.id, f.resource.region
    );
    format!("{:016x}", fnv1a_64(key.as_bytes()))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Informational => "note",
    }
}

fn rule(check: &Check, lang: Lang) -> Value {
    let m = &check.meta;
    let mut tags: Vec<&str> = vec!["security", "aws"];
    tags.extend(m.requirements.iter().copied());
    json!({
        "id": m.id,
        "name": m.id,
        "shortDescription": { "text": m.title.get(lang) },
        "fullDescription": { "text": m.description.get(lang) },
        "help": { "text": m.remediation.get(lang) },
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": {
            "requirements": m.requirements,
            "severity": m.severity.as_str(),
            "cis_1_2": m.cis_1_2,
            "fsbp": m.fsbp,
            "pci_dss": m.pci_dss,
            "tags": tags,
        },
    })
}

fn result(f: &Finding, lang: Lang) -> Value {
    // A FAIL's level follows its severity. An ERROR (the data could not be
    // read) is always an error: nobody knows whether the account complies.
    // `kind` stays "fail" for both, as SARIF requires for any level but "none".
    let level = match f.status {
        Status::Error => "error",
        _ => level(f.severity),
    };
    let r = &f.resource;
    let mut value = json!({
        "ruleId": f.check_id,
        "kind": "fail",
        "level": level,
        "message": { "text": f.message.get(lang) },
        "locations": [{
            "logicalLocations": [{
                "name": r.name.as_deref().unwrap_or(&r.id),
                "fullyQualifiedName": r.arn.as_deref().unwrap_or(&r.id),
                "kind": r.kind,
            }],
        }],
        "partialFingerprints": { "kensa/v1": fingerprint(f) },
        "properties": {
            "kensa_status": f.status.as_str(),
            "severity": f.severity.as_str(),
            "requirements": f.requirements,
            "region": r.region,
            "evidence": f.evidence,
        },
    });
    // An accepted FAIL stays a result, marked as SARIF marks accepted
    // problems, so dashboards show it as suppressed rather than fixed.
    if let (Some(s), Some(obj)) = (&f.suppression, value.as_object_mut()) {
        obj.insert(
            "suppressions".to_owned(),
            json!([{
                "kind": "external",
                "status": "accepted",
                "justification": s.reason,
                "properties": {
                    "exception_id": s.exception_id,
                    "approver": s.approver,
                    "expires": s.expires,
                    "original_status": s.original_status,
                },
            }]),
        );
    }
    if let (Some(index), Some(obj)) = (
        CHECKS.iter().position(|c| c.meta.id == f.check_id),
        value.as_object_mut(),
    ) {
        obj.insert("ruleIndex".to_owned(), json!(index));
    }
    value
}

/// FAIL and ERROR, and FAILs an exception suppressed.
pub fn is_sarif_result(f: &Finding) -> bool {
    f.status.is_problem()
        || f.suppression
            .as_ref()
            .is_some_and(|s| s.original_status.is_problem())
}

/// Builds the SARIF log as a JSON value.
pub fn sarif_value(report: &Report, lang: Lang) -> Value {
    let rules: Vec<Value> = CHECKS.iter().map(|c| rule(c, lang)).collect();
    // Only FAIL and ERROR findings are results: SARIF results are problems.
    // A FAIL an exception accepted stays one, with `suppressions`. PASS,
    // MANUAL and NOT_APPLICABLE are left out (the JSON, text and Markdown
    // reports carry them).
    let results: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| is_sarif_result(f))
        .map(|f| result(f, lang))
        .collect();
    // Calls that failed while collecting: notifications of the run.
    let notifications: Vec<Value> = report
        .collection_errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": e.to_string() },
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "kensa",
                    "version": report.kensa_version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                },
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "language": match lang {
                Lang::En => "en-US",
                Lang::Ja => "ja-JP",
            },
            "results": results,
            "properties": {
                "account_id": report.account_id,
                "collected_at": report.collected_at,
                "regions": report.regions,
                "source": report.source,
                "summary": report.summary,
            },
        }],
    })
}

/// SARIF 2.1.0: one rule per check, one result per FAIL or ERROR finding.
pub fn render_sarif(report: &Report, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &sarif_value(report, lang))
        .map_err(io::Error::other)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::fnv1a_64;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
