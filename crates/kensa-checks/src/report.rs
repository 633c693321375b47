//! One evaluated report: every renderer consumes this and nothing else.

use chrono::{DateTime, Utc};
use kensa_snapshot::{CallError, Snapshot};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::exceptions::{self, ExceptionReport};
use crate::frameworks::FrameworkView;
use crate::{Check, Config, Context, Finding, Status, registry};

/// The version of the JSON result format (`docs/json-output.md`).
pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub kensa_version: String,
    /// Where the data came from: `live` or the snapshot file.
    pub source: Source,
    pub account_id: Option<String>,
    pub collected_at: DateTime<Utc>,
    pub regions: Vec<String>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    /// Calls that failed while collecting (also named by the ERROR findings
    /// they caused).
    pub collection_errors: Vec<CallError>,
    /// Every `[[exceptions]]` entry and what became of it (applied, expired,
    /// matched nothing...). Absent in reports older than exceptions.
    #[serde(default)]
    pub exceptions: Vec<ExceptionReport>,
    /// The findings grouped by one framework's controls, when
    /// `kensa audit --framework` asked for it.
    #[serde(default)]
    pub framework_view: Option<FrameworkView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    Live,
    Snapshot { path: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub checks: usize,
    pub findings: usize,
    /// Count of findings per status; every status is present.
    pub by_status: BTreeMap<Status, usize>,
    /// Count of findings per requirement ID and status.
    pub by_requirement: BTreeMap<String, BTreeMap<Status, usize>>,
}

impl Summary {
    pub fn count(&self, status: Status) -> usize {
        self.by_status.get(&status).copied().unwrap_or(0)
    }
}

/// Which checks to run; empty lists mean all.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub checks: Vec<String>,
    pub requirements: Vec<String>,
}

impl Selection {
    pub fn includes(&self, check: &Check) -> bool {
        let by_id = self.checks.is_empty() || self.checks.iter().any(|c| c == check.meta.id);
        let by_requirement = self.requirements.is_empty()
            || self.requirements.iter().any(|r| {
                check
                    .meta
                    .requirements
                    .iter()
                    .any(|ours| ours.eq_ignore_ascii_case(r))
            });
        by_id && by_requirement
    }
}

/// Runs the selected checks on a snapshot.
pub fn evaluate(
    snapshot: &Snapshot,
    config: &Config,
    selection: &Selection,
    source: Source,
) -> Report {
    let ctx = Context::new(snapshot, config);
    let selected: Vec<&Check> = registry::CHECKS
        .iter()
        .copied()
        .filter(|c| selection.includes(c))
        .collect();
    let mut findings: Vec<Finding> = selected.iter().flat_map(|c| (c.run)(&ctx)).collect();
    // Exceptions expire against the collection date, not today, so an old
    // snapshot gives the same report on every re-run.
    let exceptions = exceptions::apply(
        &mut findings,
        &config.exceptions,
        &selected,
        snapshot.collected_at.date_naive(),
    );

    let mut summary = Summary {
        checks: selected.len(),
        findings: findings.len(),
        by_status: Status::ALL.iter().map(|s| (*s, 0)).collect(),
        by_requirement: BTreeMap::new(),
    };
    for f in &findings {
        *summary.by_status.entry(f.status).or_default() += 1;
        for r in &f.requirements {
            *summary
                .by_requirement
                .entry(r.clone())
                .or_default()
                .entry(f.status)
                .or_default() += 1;
        }
    }
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        kensa_version: env!("CARGO_PKG_VERSION").to_owned(),
        source,
        account_id: snapshot.account_id().map(str::to_owned),
        collected_at: snapshot.collected_at,
        regions: snapshot.audited_regions.clone(),
        summary,
        findings,
        collection_errors: snapshot.errors.clone(),
        exceptions,
        framework_view: None,
    }
}

impl Report {
    /// Adds the findings grouped by `framework` (see [`crate::frameworks`]).
    pub fn with_framework_view(mut self, framework: crate::frameworks::Framework) -> Report {
        self.framework_view = Some(crate::frameworks::view(&self, framework));
        self
    }

    /// Exceptions that expired, matched nothing or could not suppress
    /// anything: kensa warns about these.
    pub fn exceptions_needing_attention(&self) -> impl Iterator<Item = &ExceptionReport> {
        self.exceptions
            .iter()
            .filter(|e| e.outcome.needs_attention())
    }

    /// FAIL or ERROR anywhere: `kensa audit` exits with 1. SUPPRESSED
    /// findings do not count.
    pub fn has_problems(&self) -> bool {
        self.findings.iter().any(|f| f.status.is_problem())
    }
}
