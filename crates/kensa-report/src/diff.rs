//! `kensa diff`: what changed between two JSON results of `kensa audit`.
//!
//! Findings are matched by (check, resource type, resource ID, region). A
//! check may say several things about one resource; those are matched in
//! the order each result lists them.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use kensa_checks::report::REPORT_SCHEMA_VERSION;
use kensa_checks::{Finding, Report, Source, Status};
use serde::{Deserialize, Serialize};

/// The version of `kensa diff --format json` (`docs/json-output.md`).
pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// Why a JSON result could not be read; every variant names the file.
/// The underlying error is part of the message, not a `source`, so that
/// a chain printer does not say it twice.
#[derive(Debug, thiserror::Error)]
pub enum ResultFileError {
    #[error("{path}: cannot read it: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path}: not JSON: {error}")]
    Syntax {
        path: PathBuf,
        error: serde_json::Error,
    },
    #[error(
        "{path}: not a kensa JSON result (no numeric `schema_version`); write one with `kensa audit --format json`"
    )]
    NotAResult { path: PathBuf },
    #[error(
        "{path}: written by a newer kensa (result schema_version {found}; this kensa reads up to {supported}): upgrade kensa"
    )]
    Newer {
        path: PathBuf,
        found: u64,
        supported: u32,
    },
    #[error("{path}: not a kensa JSON result of schema_version {version}: {error}")]
    Shape {
        path: PathBuf,
        version: u64,
        error: serde_json::Error,
    },
}

/// Reads a result `kensa audit --format json` wrote. JSON syntax and
/// shape errors give the line and column.
pub fn load_result(path: &Path) -> Result<Report, ResultFileError> {
    let text = std::fs::read_to_string(path).map_err(|error| ResultFileError::Read {
        path: path.to_owned(),
        error,
    })?;
    parse_result(&text, path)
}

/// [`load_result`] on text already read; `path` only names it in errors.
pub fn parse_result(text: &str, path: &Path) -> Result<Report, ResultFileError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| ResultFileError::Syntax {
            path: path.to_owned(),
            error,
        })?;
    let Some(version) = value
        .get("schema_version")
        .and_then(serde_json::Value::as_u64)
    else {
        return Err(ResultFileError::NotAResult {
            path: path.to_owned(),
        });
    };
    if version > u64::from(REPORT_SCHEMA_VERSION) {
        return Err(ResultFileError::Newer {
            path: path.to_owned(),
            found: version,
            supported: REPORT_SCHEMA_VERSION,
        });
    }
    // Parsed again from the text, not the value, so errors carry positions.
    serde_json::from_str(text).map_err(|error| ResultFileError::Shape {
        path: path.to_owned(),
        version,
        error,
    })
}

/// What identifies a finding across two results.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FindingKey {
    pub check_id: String,
    pub resource_type: String,
    pub resource_id: String,
    pub region: String,
}

impl FindingKey {
    pub fn of(f: &Finding) -> Self {
        FindingKey {
            check_id: f.check_id.clone(),
            resource_type: f.resource.kind.clone(),
            resource_id: f.resource.id.clone(),
            region: f.resource.region.clone(),
        }
    }
}

impl fmt::Display for FindingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} ({})",
            self.check_id, self.resource_type, self.resource_id, self.region
        )
    }
}

/// One side of the comparison: where the result came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultInfo {
    pub account_id: Option<String>,
    pub collected_at: chrono::DateTime<chrono::Utc>,
    pub source: Source,
    pub kensa_version: String,
    pub regions: Vec<String>,
    /// Findings per status in that result.
    pub by_status: BTreeMap<Status, usize>,
}

impl ResultInfo {
    fn of(report: &Report) -> Self {
        let mut by_status: BTreeMap<Status, usize> = Status::ALL.iter().map(|s| (*s, 0)).collect();
        for f in &report.findings {
            *by_status.entry(f.status).or_default() += 1;
        }
        ResultInfo {
            account_id: report.account_id.clone(),
            collected_at: report.collected_at,
            source: report.source.clone(),
            kensa_version: report.kensa_version.clone(),
            regions: report.regions.clone(),
            by_status,
        }
    }
}

/// Why a finding counts as resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolvedHow {
    /// The new result has no such finding (the resource or check is gone).
    Gone,
    /// It was FAIL or ERROR and is PASS now.
    NowPasses,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolved {
    pub how: ResolvedHow,
    pub before: Finding,
    /// The PASS finding, when it is [`ResolvedHow::NowPasses`].
    pub after: Option<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changed {
    pub before: Finding,
    pub after: Finding,
    /// It became FAIL or ERROR from a status that was not a problem.
    pub is_new_problem: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffSummary {
    pub new: usize,
    /// New findings that are FAIL or ERROR.
    pub new_problems: usize,
    pub resolved: usize,
    pub changed: usize,
    /// Changed findings that became FAIL or ERROR.
    pub changed_into_problems: usize,
    pub unchanged: usize,
    /// `new_problems + changed_into_problems > 0`: `kensa diff` exits with 1.
    pub introduces_problems: bool,
}

/// The comparison of two results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    pub schema_version: u32,
    pub before: ResultInfo,
    pub after: ResultInfo,
    pub summary: DiffSummary,
    /// In the new result only, in its order.
    pub new: Vec<Finding>,
    /// Gone from the new result, or FAIL/ERROR turned PASS; in the old result's order.
    pub resolved: Vec<Resolved>,
    /// Same key, another status or message; in the new result's order.
    pub changed: Vec<Changed>,
}

impl Diff {
    /// NEW has a new or changed FAIL or ERROR finding: `kensa diff` exits with 1.
    pub fn introduces_problems(&self) -> bool {
        self.summary.introduces_problems
    }

    /// Both results name an account and the accounts differ.
    pub fn different_accounts(&self) -> bool {
        matches!(
            (&self.before.account_id, &self.after.account_id),
            (Some(a), Some(b)) if a != b
        )
    }
}

/// Findings by key; several for one key stay in their result's order.
fn index(findings: &[Finding]) -> HashMap<FindingKey, Vec<usize>> {
    let mut by_key: HashMap<FindingKey, Vec<usize>> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        by_key.entry(FindingKey::of(f)).or_default().push(i);
    }
    by_key
}

/// Compares two results: `old` the earlier one, `new` the later one.
pub fn diff(old: &Report, new: &Report) -> Diff {
    let old_by_key = index(&old.findings);
    let new_by_key = index(&new.findings);
    // For each finding, its counterpart on the other side (the n-th finding
    // of a key pairs with the n-th of the same key).
    let mut old_partner: Vec<Option<usize>> = vec![None; old.findings.len()];
    let mut new_partner: Vec<Option<usize>> = vec![None; new.findings.len()];
    for (key, olds) in &old_by_key {
        if let Some(news) = new_by_key.get(key) {
            for (o, n) in olds.iter().zip(news) {
                old_partner[*o] = Some(*n);
                new_partner[*n] = Some(*o);
            }
        }
    }

    let mut added = Vec::new();
    let mut changed = Vec::new();
    let mut unchanged = 0;
    let mut resolved = Vec::new();
    for (i, after) in new.findings.iter().enumerate() {
        let Some(o) = new_partner[i] else {
            added.push(after.clone());
            continue;
        };
        let before = &old.findings[o];
        if before.status.is_problem() && after.status == Status::Pass {
            resolved.push((
                o,
                Resolved {
                    how: ResolvedHow::NowPasses,
                    before: before.clone(),
                    after: Some(after.clone()),
                },
            ));
        } else if before.status != after.status || before.message != after.message {
            changed.push(Changed {
                before: before.clone(),
                after: after.clone(),
                is_new_problem: after.status.is_problem() && !before.status.is_problem(),
            });
        } else {
            unchanged += 1;
        }
    }
    for (o, before) in old.findings.iter().enumerate() {
        if old_partner[o].is_none() {
            resolved.push((
                o,
                Resolved {
                    how: ResolvedHow::Gone,
                    before: before.clone(),
                    after: None,
                },
            ));
        }
    }
    resolved.sort_by_key(|(o, _)| *o);
    let resolved: Vec<Resolved> = resolved.into_iter().map(|(_, r)| r).collect();

    let new_problems = added.iter().filter(|f| f.status.is_problem()).count();
    let changed_into_problems = changed.iter().filter(|c| c.is_new_problem).count();
    Diff {
        schema_version: DIFF_SCHEMA_VERSION,
        before: ResultInfo::of(old),
        after: ResultInfo::of(new),
        summary: DiffSummary {
            new: added.len(),
            new_problems,
            resolved: resolved.len(),
            changed: changed.len(),
            changed_into_problems,
            unchanged,
            introduces_problems: new_problems + changed_into_problems > 0,
        },
        new: added,
        resolved,
        changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kensa_checks::{Compliance, Resource, Severity, Text};
    use serde_json::json;

    fn finding(check: &str, id: &str, status: Status, message: &str) -> Finding {
        Finding {
            check_id: check.to_owned(),
            requirements: vec!["IAM-5".to_owned()],
            status,
            severity: Severity::Medium,
            resource: Resource {
                kind: "AWS::IAM::User".to_owned(),
                id: id.to_owned(),
                arn: None,
                name: Some(id.to_owned()),
                region: "global".to_owned(),
            },
            message: Text::new(message, message),
            evidence: json!({}),
            compliance: Compliance::default(),
            suppression: None,
        }
    }

    fn report(findings: Vec<Finding>) -> Report {
        let text = json!({
            "schema_version": 1, "kensa_version": "0.1.0", "source": {"kind": "live"},
            "account_id": "123456789012", "collected_at": "2026-11-20T01:00:00Z",
            "regions": [], "summary": {"checks": 1, "findings": 0, "by_status": {}, "by_requirement": {}},
            "findings": [], "collection_errors": []
        });
        let mut r: Report = serde_json::from_value(text).unwrap();
        r.findings = findings;
        r
    }

    #[test]
    fn classifies_every_kind_of_change() {
        let old = report(vec![
            finding("a", "u1", Status::Fail, "bad"),
            finding("a", "u2", Status::Pass, "ok"),
            finding("a", "u3", Status::Pass, "ok"),
            finding("a", "u4", Status::Error, "unreadable"),
            finding("a", "u5", Status::Manual, "look"),
            finding("a", "u6", Status::Fail, "3 keys"),
        ]);
        let new = report(vec![
            finding("a", "u1", Status::Pass, "ok"), // resolved: now passes
            finding("a", "u2", Status::Pass, "ok"), // unchanged
            finding("a", "u3", Status::Fail, "bad"), // changed into a problem
            finding("a", "u5", Status::Manual, "look"), // unchanged
            finding("a", "u6", Status::Fail, "4 keys"), // changed, still a problem
            finding("a", "u7", Status::Manual, "new"), // new, not a problem
        ]);
        let d = diff(&old, &new);
        assert_eq!(
            d.summary,
            DiffSummary {
                new: 1,
                new_problems: 0,
                resolved: 2,
                changed: 2,
                changed_into_problems: 1,
                unchanged: 2,
                introduces_problems: true,
            }
        );
        assert_eq!(d.resolved[0].how, ResolvedHow::NowPasses);
        assert_eq!(d.resolved[0].before.resource.id, "u1");
        assert_eq!(d.resolved[1].how, ResolvedHow::Gone);
        assert_eq!(d.resolved[1].before.resource.id, "u4");
        assert!(d.changed[0].is_new_problem);
        assert!(!d.changed[1].is_new_problem);
        assert_eq!(d.new[0].resource.id, "u7");
    }

    #[test]
    fn a_result_compared_with_itself_has_no_change() {
        let r = report(vec![
            finding("a", "u1", Status::Fail, "bad"),
            finding("a", "u1", Status::Fail, "also bad"),
        ]);
        let d = diff(&r, &r);
        assert_eq!(d.summary.unchanged, 2);
        assert!(d.new.is_empty() && d.resolved.is_empty() && d.changed.is_empty());
        assert!(!d.introduces_problems());
    }

    #[test]
    fn a_new_problem_fails_the_diff() {
        let old = report(vec![]);
        let new = report(vec![finding("a", "u1", Status::Error, "unreadable")]);
        assert!(diff(&old, &new).introduces_problems());
        assert!(!diff(&new, &old).introduces_problems());
    }

    use proptest::prelude::*;

    /// Small results whose keys collide often: few checks, few resources.
    fn findings() -> impl Strategy<Value = Vec<Finding>> {
        prop::collection::vec((0..3u8, 0..4u8, 0..6usize, 0..2u8), 0..12).prop_map(|items| {
            items
                .into_iter()
                .map(|(check, user, status, message)| {
                    finding(
                        &format!("check-{check}"),
                        &format!("u{user}"),
                        Status::ALL[status],
                        &format!("message {message}"),
                    )
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn every_finding_is_counted_once(old in findings(), new in findings()) {
            let d = diff(&report(old.clone()), &report(new.clone()));
            let gone = d.resolved.iter().filter(|r| r.how == ResolvedHow::Gone).count();
            let now_passes = d.resolved.len() - gone;
            let matched = d.summary.unchanged + d.summary.changed + now_passes;
            prop_assert_eq!(d.summary.new + matched, new.len());
            prop_assert_eq!(gone + matched, old.len());
            prop_assert_eq!(d.new.len(), d.summary.new);
            prop_assert_eq!(d.changed.len(), d.summary.changed);
            // What is new one way is gone the other way.
            let back = diff(&report(new), &report(old));
            let back_gone = back.resolved.iter().filter(|r| r.how == ResolvedHow::Gone).count();
            prop_assert_eq!(d.summary.new, back_gone);
        }

        #[test]
        fn exit_1_means_a_new_or_changed_problem(old in findings(), new in findings()) {
            let d = diff(&report(old), &report(new));
            let expected = d.new.iter().any(|f| f.status.is_problem())
                || d.changed.iter().any(|c| c.after.status.is_problem() && !c.before.status.is_problem());
            prop_assert_eq!(d.introduces_problems(), expected);
            for c in &d.changed {
                prop_assert!(c.before.status != c.after.status || c.before.message != c.after.message);
                prop_assert!(!(c.before.status.is_problem() && c.after.status == Status::Pass));
            }
        }

        #[test]
        fn nothing_changes_between_a_result_and_itself(same in findings()) {
            let d = diff(&report(same.clone()), &report(same.clone()));
            prop_assert_eq!(d.summary.unchanged, same.len());
            prop_assert!(d.new.is_empty() && d.resolved.is_empty() && d.changed.is_empty());
        }
    }

    #[test]
    fn bad_files_are_named_with_line_and_column() {
        let path = Path::new("old.json");
        let syntax = parse_result("{\n  \"schema_version\": 1,\n  oops\n}", path).unwrap_err();
        assert_eq!(
            syntax.to_string(),
            "old.json: not JSON: key must be a string at line 3 column 3"
        );
        let other = parse_result("{\"runs\": []}", path).unwrap_err();
        assert!(
            matches!(other, ResultFileError::NotAResult { .. }),
            "{other}"
        );
        let newer = parse_result("{\"schema_version\": 2}", path).unwrap_err();
        assert_eq!(
            newer.to_string(),
            "old.json: written by a newer kensa (result schema_version 2; this kensa reads up to 1): upgrade kensa"
        );
        let shape = parse_result("{\"schema_version\": 1,\n \"findings\": 3}", path).unwrap_err();
        assert!(
            shape
                .to_string()
                .starts_with("old.json: not a kensa JSON result of schema_version 1: "),
            "{shape}"
        );
        assert!(shape.to_string().contains("line "), "{shape}");
    }
}
