//! What a check says about one resource.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The verdict of one check on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// The evidence was read and it breaks the requirement.
    Fail,
    /// The data the verdict needs could not be read; the finding names the call.
    Error,
    /// Only a person can decide; the finding says what to look at.
    Manual,
    /// The evidence was read and it meets the requirement.
    Pass,
    /// The requirement does not apply (e.g. no console users at all).
    NotApplicable,
    /// A person accepted this finding: an exception in the config, with a
    /// reason, an approver and an expiry, matched it. The original verdict
    /// is kept in [`Finding::suppression`].
    Suppressed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Fail,
        Status::Error,
        Status::Manual,
        Status::Pass,
        Status::NotApplicable,
        Status::Suppressed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Manual => "MANUAL",
            Status::Error => "ERROR",
            Status::NotApplicable => "NOT_APPLICABLE",
            Status::Suppressed => "SUPPRESSED",
        }
    }

    /// FAIL and ERROR make `kensa audit` exit with 1.
    pub fn is_problem(self) -> bool {
        matches!(self, Status::Fail | Status::Error)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Informational,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "CRITICAL",
            Severity::High => "HIGH",
            Severity::Medium => "MEDIUM",
            Severity::Low => "LOW",
            Severity::Informational => "INFORMATIONAL",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The two languages every sentence for people is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// Japanese when the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, first set
    /// wins, as POSIX orders them) says so, English otherwise.
    pub fn from_env() -> Lang {
        Self::from_locale_vars(|name| std::env::var(name).ok())
    }

    pub fn from_locale_vars(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(var)
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if locale.starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }
}

/// A sentence in English and Japanese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub en: String,
    pub ja: String,
}

impl Text {
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            ja: ja.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }
}

/// A static sentence in both languages, for check metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticText {
    pub en: &'static str,
    pub ja: &'static str,
}

impl StaticText {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ja => self.ja,
        }
    }

    pub fn to_text(self) -> Text {
        Text::new(self.en, self.ja)
    }
}

/// Builds a [`Text`] from two format strings that capture the same variables.
#[macro_export]
macro_rules! text {
    ($en:literal, $ja:literal $(,)?) => {
        $crate::Text {
            en: format!($en),
            ja: format!($ja),
        }
    };
}

/// The resource a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Resource {
    /// CloudFormation-style type: `AWS::IAM::User`, `AWS::::Account`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub arn: Option<String>,
    pub name: Option<String>,
    /// `global` for IAM and other account-wide resources.
    pub region: String,
}

pub const GLOBAL_REGION: &str = "global";

/// One verdict, with what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub check_id: String,
    /// The design sheet's requirement IDs (`IAM-5`...).
    pub requirements: Vec<String>,
    pub status: Status,
    pub severity: Severity,
    pub resource: Resource,
    pub message: Text,
    /// The data the verdict was decided on (always an object).
    pub evidence: serde_json::Value,
    /// Other frameworks' control IDs this finding also answers.
    pub compliance: Compliance,
    /// Set when an exception turned this finding into SUPPRESSED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
}

/// Why a finding is SUPPRESSED: the exception that matched and the verdict
/// it would have had without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// The exception's ID in the config.
    pub exception_id: String,
    /// The verdict before the exception applied (FAIL, MANUAL...).
    pub original_status: Status,
    pub reason: String,
    pub approver: String,
    /// The last day (inclusive, UTC) the exception applies.
    pub expires: chrono::NaiveDate,
}

/// Control IDs of other frameworks a check maps to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compliance {
    /// CIS Amazon Web Services Foundations Benchmark v1.2.0.
    pub cis_1_2: Vec<String>,
    /// AWS Foundational Security Best Practices (Security Hub control IDs).
    pub fsbp: Vec<String>,
    /// PCI DSS v3.2.1 as Security Hub names its controls.
    pub pci_dss: Vec<String>,
}

/// Shows an access key ID with all but its first four and last four
/// characters hidden: enough to find it in the console, not enough to use.
/// One implementation for reports and for the IAM-9 scanner, which
/// redacts before anything reaches a snapshot.
pub fn redact_key_id(id: &str) -> String {
    kensa_secrets::redact_key_id(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_redacted() {
        assert_eq!(
            redact_key_id("AKIAIOSFODNN7EXAMPLE"),
            "AKIA************MPLE"
        );
        assert_eq!(redact_key_id("short"), "*****");
    }

    #[test]
    fn locale_picks_japanese_only_for_ja() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            Lang::from_locale_vars(env(&[("LANG", "ja_JP.UTF-8")])),
            Lang::Ja
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LC_ALL", "C"), ("LANG", "ja_JP.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LC_ALL", ""), ("LANG", "ja_JP.UTF-8")])),
            Lang::Ja
        );
        assert_eq!(Lang::from_locale_vars(env(&[])), Lang::En);
    }
}
