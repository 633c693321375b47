//! Framework views: the same findings, grouped by the controls of CIS AWS
//! Foundations 1.2, AWS FSBP (Security Hub control IDs), PCI DSS 3.2.1 or
//! the design sheet's own requirements.
//!
//! The control tables are data. A control no kensa check maps to is listed
//! as MANUAL ("no automated check"), so coverage is never overstated.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use crate::{Check, Report, StaticText, Status, Text, registry, requirements};

pub mod cis_1_2;
pub mod fsbp;
pub mod pci_dss;

/// One control of a framework, as the framework titles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    pub id: &'static str,
    pub title: StaticText,
}

/// The frameworks `kensa audit --framework` can group findings by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Framework {
    /// The design sheet's sections and requirements.
    #[serde(rename = "sheet")]
    Sheet,
    /// CIS Amazon Web Services Foundations Benchmark v1.2.0.
    #[serde(rename = "cis-1.2")]
    Cis12,
    /// AWS Foundational Security Best Practices (Security Hub control IDs).
    #[serde(rename = "fsbp")]
    Fsbp,
    /// PCI DSS v3.2.1 as Security Hub names its controls.
    #[serde(rename = "pci-dss")]
    PciDss,
}

impl Framework {
    pub const ALL: [Framework; 4] = [
        Framework::Sheet,
        Framework::Cis12,
        Framework::Fsbp,
        Framework::PciDss,
    ];

    /// The name on the command line and in the JSON (`cis-1.2`).
    pub fn key(self) -> &'static str {
        match self {
            Framework::Sheet => "sheet",
            Framework::Cis12 => "cis-1.2",
            Framework::Fsbp => "fsbp",
            Framework::PciDss => "pci-dss",
        }
    }

    pub fn from_key(key: &str) -> Option<Framework> {
        Framework::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn title(self) -> StaticText {
        let (en, ja) = match self {
            Framework::Sheet => ("Security design sheet", "セキュリティ設計書"),
            Framework::Cis12 => (
                "CIS AWS Foundations Benchmark v1.2.0",
                "CIS AWS Foundations Benchmark v1.2.0",
            ),
            Framework::Fsbp => (
                "AWS Foundational Security Best Practices (Security Hub controls)",
                "AWS 基礎セキュリティのベストプラクティス (Security Hub コントロール)",
            ),
            Framework::PciDss => (
                "PCI DSS v3.2.1 (Security Hub controls)",
                "PCI DSS v3.2.1 (Security Hub コントロール)",
            ),
        };
        StaticText { en, ja }
    }

    /// Every control, in the framework's order.
    pub fn controls(self) -> Vec<Control> {
        match self {
            Framework::Sheet => requirements::REQUIREMENTS
                .iter()
                .map(|r| Control {
                    id: r.id,
                    title: r.title,
                })
                .collect(),
            Framework::Cis12 => cis_1_2::CONTROLS.to_vec(),
            Framework::Fsbp => fsbp::CONTROLS.to_vec(),
            Framework::PciDss => pci_dss::CONTROLS.to_vec(),
        }
    }

    /// The control IDs of this framework a check maps to.
    pub fn mapped_ids(self, check: &Check) -> &'static [&'static str] {
        let m = &check.meta;
        match self {
            Framework::Sheet => m.requirements,
            Framework::Cis12 => m.cis_1_2,
            Framework::Fsbp => m.fsbp,
            Framework::PciDss => m.pci_dss,
        }
    }

    /// The heading a control is listed under: the sheet's section, the CIS
    /// section, or the AWS service.
    pub fn group(self, control_id: &str) -> Text {
        match self {
            Framework::Sheet => requirements::section_of(control_id)
                .map(|s| s.title.to_text())
                .unwrap_or_else(|| Text::new("Other", "その他")),
            Framework::Cis12 => cis_1_2::section(control_id).to_text(),
            Framework::Fsbp => {
                let service = fsbp::service(control_id);
                Text::new(service, service)
            }
            Framework::PciDss => {
                let service = pci_dss::service(control_id);
                Text::new(service, service)
            }
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A report's findings grouped by one framework's controls. Built by
/// [`view`]; every renderer shows this same structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameworkView {
    pub framework: Framework,
    pub title: Text,
    pub coverage: Coverage,
    /// Every control of the framework, in its order.
    pub controls: Vec<ControlView>,
}

/// How much of the framework kensa decides by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub controls: usize,
    /// Controls at least one kensa check maps to.
    pub automated: usize,
    /// Controls no kensa check maps to: a person must judge them.
    pub manual: usize,
    /// Controls per aggregated status.
    pub by_status: BTreeMap<Status, usize>,
}

/// Why a control's status is MANUAL without a finding saying so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlNote {
    /// No kensa check maps to the control.
    NoAutomatedCheck,
    /// Checks map to it, but none of them ran in this selection.
    NotRun,
}

impl ControlNote {
    pub fn text(self) -> StaticText {
        let (en, ja) = match self {
            ControlNote::NoAutomatedCheck => ("no automated check", "自動チェックなし"),
            ControlNote::NotRun => (
                "its checks were not run in this selection",
                "このチェック選択では対応するチェックを実行していません",
            ),
        };
        StaticText { en, ja }
    }
}

/// One control: the checks mapped to it, their findings and a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlView {
    pub id: String,
    pub title: Text,
    /// The section or service it is listed under.
    pub group: Text,
    /// FAIL if any finding FAILs, else ERROR, else MANUAL, else PASS;
    /// SUPPRESSED only when every finding is; MANUAL with a `note` when
    /// nothing decided it.
    pub status: Status,
    /// Whether a kensa check maps to the control.
    pub automated: bool,
    pub note: Option<ControlNote>,
    /// The kensa checks mapped to it, in registry order.
    pub checks: Vec<String>,
    /// Its findings per status (SUPPRESSED counted on its own).
    pub counts: BTreeMap<Status, usize>,
    /// Indexes into the report's `findings`.
    pub findings: Vec<usize>,
    /// Where the sheet deliberately differs from this framework here.
    pub differs: Vec<Text>,
}

/// The status a control gets from its findings' statuses.
pub fn aggregate(counts: &BTreeMap<Status, usize>) -> Option<Status> {
    let has = |s: Status| counts.get(&s).copied().unwrap_or(0) > 0;
    [
        Status::Fail,
        Status::Error,
        Status::Manual,
        Status::Pass,
        Status::Suppressed,
        Status::NotApplicable,
    ]
    .into_iter()
    .find(|s| has(*s))
}

/// Groups a report's findings by the controls of `framework`.
pub fn view(report: &Report, framework: Framework) -> FrameworkView {
    let ran: Vec<&str> = {
        let mut ids: Vec<&str> = report
            .findings
            .iter()
            .map(|f| f.check_id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let controls: Vec<ControlView> = framework
        .controls()
        .into_iter()
        .map(|control| {
            let mapped: Vec<&Check> = registry::CHECKS
                .iter()
                .copied()
                .filter(|c| {
                    framework
                        .mapped_ids(c)
                        .iter()
                        .any(|id| id.eq_ignore_ascii_case(control.id))
                })
                .collect();
            let checks: Vec<String> = mapped.iter().map(|c| c.meta.id.to_owned()).collect();
            let findings: Vec<usize> = report
                .findings
                .iter()
                .enumerate()
                .filter(|(_, f)| checks.contains(&f.check_id))
                .map(|(i, _)| i)
                .collect();
            let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
            for i in &findings {
                *counts.entry(report.findings[*i].status).or_default() += 1;
            }
            let automated = !mapped.is_empty();
            let note = if !automated {
                Some(ControlNote::NoAutomatedCheck)
            } else if !checks.iter().any(|c| ran.contains(&c.as_str())) {
                Some(ControlNote::NotRun)
            } else {
                None
            };
            let status = aggregate(&counts).unwrap_or(Status::Manual);
            let differs = if framework == Framework::Sheet {
                Vec::new()
            } else {
                mapped
                    .iter()
                    .filter_map(|c| c.meta.differs_from_frameworks.map(StaticText::to_text))
                    .collect()
            };
            ControlView {
                id: control.id.to_owned(),
                title: control.title.to_text(),
                group: framework.group(control.id),
                status,
                automated,
                note,
                checks,
                counts,
                findings,
                differs,
            }
        })
        .collect();
    let mut by_status: BTreeMap<Status, usize> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for c in &controls {
        *by_status.entry(c.status).or_default() += 1;
    }
    let automated = controls.iter().filter(|c| c.automated).count();
    FrameworkView {
        framework,
        title: framework.title().to_text(),
        coverage: Coverage {
            controls: controls.len(),
            automated,
            manual: controls.len() - automated,
            by_status,
        },
        controls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_mapped_id_exists_in_its_framework_table() {
        for framework in Framework::ALL {
            let known: HashSet<&str> = framework.controls().iter().map(|c| c.id).collect();
            for check in registry::CHECKS {
                for id in framework.mapped_ids(check) {
                    assert!(
                        known.contains(id),
                        "{}: {framework} control {id} is not in the {framework} table",
                        check.meta.id
                    );
                }
            }
        }
    }

    #[test]
    fn control_ids_are_unique_and_titled() {
        for framework in Framework::ALL {
            let mut seen = HashSet::new();
            for c in framework.controls() {
                assert!(seen.insert(c.id), "{framework}: duplicate {}", c.id);
                assert!(!c.title.en.trim().is_empty(), "{framework} {}", c.id);
                assert!(!c.title.ja.trim().is_empty(), "{framework} {}", c.id);
            }
        }
    }

    #[test]
    fn cis_1_2_has_every_recommendation() {
        let ids: Vec<&str> = cis_1_2::CONTROLS.iter().map(|c| c.id).collect();
        let expected: Vec<String> = [(1, 22), (2, 9), (3, 14), (4, 4)]
            .iter()
            .flat_map(|(section, n)| (1..=*n).map(move |i| format!("{section}.{i}")))
            .collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn pci_ids_follow_security_hub() {
        assert_eq!(pci_dss::CONTROLS.len(), 45);
        for c in pci_dss::CONTROLS {
            assert!(c.id.starts_with("PCI."), "{}", c.id);
        }
    }

    #[test]
    fn keys_round_trip() {
        for f in Framework::ALL {
            assert_eq!(Framework::from_key(f.key()), Some(f));
            assert_eq!(
                serde_json::to_value(f).ok(),
                Some(serde_json::json!(f.key()))
            );
        }
        assert_eq!(Framework::from_key("cis"), None);
    }

    #[test]
    fn aggregation_orders_fail_error_manual_pass() {
        let counts = |pairs: &[(Status, usize)]| pairs.iter().copied().collect();
        assert_eq!(
            aggregate(&counts(&[
                (Status::Pass, 3),
                (Status::Error, 1),
                (Status::Fail, 1)
            ])),
            Some(Status::Fail)
        );
        assert_eq!(
            aggregate(&counts(&[
                (Status::Pass, 3),
                (Status::Manual, 1),
                (Status::Error, 1)
            ])),
            Some(Status::Error)
        );
        assert_eq!(
            aggregate(&counts(&[(Status::Pass, 3), (Status::Manual, 1)])),
            Some(Status::Manual)
        );
        assert_eq!(
            aggregate(&counts(&[(Status::Pass, 3), (Status::Suppressed, 2)])),
            Some(Status::Pass)
        );
        assert_eq!(
            aggregate(&counts(&[(Status::Suppressed, 2)])),
            Some(Status::Suppressed)
        );
        assert_eq!(aggregate(&counts(&[])), None);
    }
}
