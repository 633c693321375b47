//! What a check is: metadata people read, and a pure function of a snapshot.

use chrono::{DateTime, Utc};
use kensa_snapshot::{Missing, Snapshot};
use serde_json::json;

use crate::{Compliance, Config, Finding, Resource, Severity, StaticText, Status, Text, text};

/// Everything people read about a check; the generated docs and
/// `kensa explain` print exactly this.
#[derive(Debug)]
pub struct CheckMeta {
    /// Stable kebab-case ID, never reused for another meaning.
    pub id: &'static str,
    /// The design sheet's requirement IDs it serves.
    pub requirements: &'static [&'static str],
    pub severity: Severity,
    pub title: StaticText,
    pub description: StaticText,
    pub remediation: StaticText,
    /// CIS AWS Foundations Benchmark v1.2.0 recommendation numbers.
    pub cis_1_2: &'static [&'static str],
    /// AWS Foundational Security Best Practices control IDs.
    pub fsbp: &'static [&'static str],
    /// PCI DSS controls as Security Hub names them.
    pub pci_dss: &'static [&'static str],
    /// Where the sheet deliberately differs from those frameworks.
    pub differs_from_frameworks: Option<StaticText>,
}

/// A check: its metadata and its verdict function.
#[derive(Debug)]
pub struct Check {
    pub meta: CheckMeta,
    pub run: fn(&Context<'_>) -> Vec<Finding>,
}

/// What a check may look at. `now` is the snapshot's collection time, so
/// ages and "recently used" mean the same thing on every re-run.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub config: &'a Config,
    pub now: DateTime<Utc>,
}

impl<'a> Context<'a> {
    pub fn new(snapshot: &'a Snapshot, config: &'a Config) -> Self {
        Context {
            snapshot,
            config,
            now: snapshot.collected_at,
        }
    }

    /// Whole days from `then` to the collection time.
    pub fn days_since(&self, then: DateTime<Utc>) -> i64 {
        (self.now - then).num_days()
    }

    /// The account as a resource (password policy, root user...).
    pub fn account_resource(&self, kind: &str, name: &str) -> Resource {
        let id = self.snapshot.account_id().unwrap_or("unknown").to_owned();
        let arn = self
            .snapshot
            .account_id()
            .map(|acct| format!("arn:{}:iam::{acct}:root", self.snapshot.partition()));
        Resource {
            kind: kind.to_owned(),
            id,
            arn,
            name: Some(name.to_owned()),
            region: crate::GLOBAL_REGION.to_owned(),
        }
    }
}

impl CheckMeta {
    /// The ERROR finding for a call that answered without the data the
    /// verdict needs (e.g. a credential report with no root row).
    pub fn incomplete(&self, resource: Resource, call: &str, what: Text) -> Finding {
        let subject = resource.name.clone().unwrap_or_else(|| resource.id.clone());
        let (what_en, what_ja) = (&what.en, &what.ja);
        self.finding(
            Status::Error,
            resource,
            text!(
                "Could not decide for {subject}: {call} answered without {what_en}",
                "{subject} を判定できません: {call} の応答に{what_ja}がありません"
            ),
            json!({ "incomplete_response": call, "missing": what.en }),
        )
    }

    pub fn compliance(&self) -> Compliance {
        let owned = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect();
        Compliance {
            cis_1_2: owned(self.cis_1_2),
            fsbp: owned(self.fsbp),
            pci_dss: owned(self.pci_dss),
        }
    }

    /// A finding of this check.
    pub fn finding(
        &self,
        status: Status,
        resource: Resource,
        message: Text,
        evidence: serde_json::Value,
    ) -> Finding {
        debug_assert!(evidence.is_object(), "evidence is always an object");
        Finding {
            check_id: self.id.to_owned(),
            requirements: self.requirements.iter().map(|r| (*r).to_owned()).collect(),
            status,
            severity: self.severity,
            resource,
            message,
            evidence,
            compliance: self.compliance(),
            suppression: None,
        }
    }

    /// The ERROR finding for data that is not there: names the call that
    /// failed (or that was never made) so a person can retry it by hand.
    pub fn missing(&self, resource: Resource, missing: Missing<'_>, call: &str) -> Finding {
        let subject = resource.name.clone().unwrap_or_else(|| resource.id.clone());
        match missing {
            Missing::Failed(error) => {
                let failed = error.call();
                let (code, detail) = (&error.code, &error.message);
                self.finding(
                    Status::Error,
                    resource,
                    text!(
                        "Could not decide for {subject}: {failed} failed ({code}: {detail})",
                        "{subject} を判定できません: {failed} が失敗しました ({code}: {detail})"
                    ),
                    json!({ "failed_call": error }),
                )
            }
            Missing::NotCollected => self.finding(
                Status::Error,
                resource,
                text!(
                    "Could not decide for {subject}: {call} was not collected in this snapshot",
                    "{subject} を判定できません: このスナップショットには {call} の結果がありません"
                ),
                json!({ "not_collected": call }),
            ),
        }
    }
}
