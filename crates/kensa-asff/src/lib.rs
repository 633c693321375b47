//! The part of the AWS Security Finding Format (ASFF) that kensa writes.
//!
//! Two crates need these types and must not depend on each other:
//! `kensa-report` builds them from a report (`--format asff`), and
//! `kensa-collect`, the only crate that talks to AWS, converts them to the
//! SDK's `AwsSecurityFinding` for `BatchImportFindings` and back. Keeping
//! them typed here, rather than passing JSON between the two, lets the
//! compiler check both sides of the conversion.
//!
//! Field names serialize exactly as ASFF spells them (`AwsAccountId`,
//! `Compliance.RelatedRequirements`...), so `--format asff` is a JSON array
//! `BatchImportFindings` (and `aws securityhub batch-import-findings
//! --findings file://...`) accepts as it is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The only ASFF schema version there is.
pub const SCHEMA_VERSION: &str = "2018-10-08";

/// `BatchImportFindings` takes at most this many findings per call.
pub const MAX_FINDINGS_PER_IMPORT: usize = 100;

/// Documented ASFF length limits, in characters (AWS Security Hub API
/// reference, `AwsSecurityFinding` and the objects it holds).
pub mod limits {
    pub const ID: usize = 512;
    pub const GENERATOR_ID: usize = 512;
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 1024;
    pub const REGION: usize = 16;
    pub const PRODUCT_NAME: usize = 128;
    pub const RECOMMENDATION_TEXT: usize = 512;
    pub const NOTE_TEXT: usize = 512;
    pub const NOTE_UPDATED_BY: usize = 512;
    pub const SEVERITY_ORIGINAL: usize = 64;
    pub const RESOURCE_ID: usize = 256;
    pub const RESOURCE_TYPE: usize = 256;
    /// `ProductFields`: at most 50 pairs, keys up to 128, values up to 2048.
    pub const PRODUCT_FIELDS: usize = 50;
    pub const PRODUCT_FIELD_KEY: usize = 128;
    pub const PRODUCT_FIELD_VALUE: usize = 2048;
    /// `Resources[].Details.Other`: keys up to 128, values up to 1024.
    pub const OTHER_DETAIL_VALUE: usize = 1024;
    /// `StatusReasons[].Description`; kept at the shortest limit AWS
    /// documents for free text in `Compliance`.
    pub const STATUS_REASON_DESCRIPTION: usize = 1024;
    pub const TYPES: usize = 50;
    pub const RELATED_REQUIREMENTS: usize = 32;
}

/// One finding, as `BatchImportFindings` takes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Finding {
    pub schema_version: String,
    /// Stable across runs: a re-import updates the finding instead of
    /// adding a second one.
    pub id: String,
    /// `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`:
    /// the account's own (custom) integration.
    pub product_arn: String,
    pub product_name: String,
    pub company_name: String,
    /// The Security Hub region the finding belongs to.
    pub region: String,
    /// `kensa/<check_id>`.
    pub generator_id: String,
    pub aws_account_id: String,
    /// `namespace/category/classifier`.
    pub types: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_observed_at: Option<String>,
    pub severity: Severity,
    pub title: String,
    pub description: String,
    pub remediation: Remediation,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub product_fields: BTreeMap<String, String>,
    pub resources: Vec<Resource>,
    pub compliance: Compliance,
    pub record_state: RecordState,
    pub workflow: Workflow,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Severity {
    pub label: SeverityLabel,
    /// The severity as the product (kensa) names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SeverityLabel {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            SeverityLabel::Informational => "INFORMATIONAL",
            SeverityLabel::Low => "LOW",
            SeverityLabel::Medium => "MEDIUM",
            SeverityLabel::High => "HIGH",
            SeverityLabel::Critical => "CRITICAL",
        }
    }

    pub fn parse(label: &str) -> Option<SeverityLabel> {
        [
            SeverityLabel::Informational,
            SeverityLabel::Low,
            SeverityLabel::Medium,
            SeverityLabel::High,
            SeverityLabel::Critical,
        ]
        .into_iter()
        .find(|l| l.as_str() == label)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Remediation {
    pub recommendation: Recommendation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Recommendation {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    /// An ASFF resource type (`AwsIamUser`...) or `Other`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// The ARN when there is one.
    pub id: String,
    pub partition: String,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ResourceDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceDetails {
    pub other: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Compliance {
    pub status: ComplianceStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_requirements: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_control_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_reasons: Vec<StatusReason>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ComplianceStatus {
    Passed,
    Warning,
    Failed,
    NotAvailable,
}

impl ComplianceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ComplianceStatus::Passed => "PASSED",
            ComplianceStatus::Warning => "WARNING",
            ComplianceStatus::Failed => "FAILED",
            ComplianceStatus::NotAvailable => "NOT_AVAILABLE",
        }
    }

    pub fn parse(status: &str) -> Option<ComplianceStatus> {
        [
            ComplianceStatus::Passed,
            ComplianceStatus::Warning,
            ComplianceStatus::Failed,
            ComplianceStatus::NotAvailable,
        ]
        .into_iter()
        .find(|s| s.as_str() == status)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatusReason {
    pub reason_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecordState {
    Active,
    Archived,
}

impl RecordState {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Active => "ACTIVE",
            RecordState::Archived => "ARCHIVED",
        }
    }

    pub fn parse(state: &str) -> Option<RecordState> {
        match state {
            "ACTIVE" => Some(RecordState::Active),
            "ARCHIVED" => Some(RecordState::Archived),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Workflow {
    pub status: WorkflowStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkflowStatus {
    New,
    Notified,
    Resolved,
    Suppressed,
}

impl WorkflowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowStatus::New => "NEW",
            WorkflowStatus::Notified => "NOTIFIED",
            WorkflowStatus::Resolved => "RESOLVED",
            WorkflowStatus::Suppressed => "SUPPRESSED",
        }
    }

    pub fn parse(status: &str) -> Option<WorkflowStatus> {
        [
            WorkflowStatus::New,
            WorkflowStatus::Notified,
            WorkflowStatus::Resolved,
            WorkflowStatus::Suppressed,
        ]
        .into_iter()
        .find(|s| s.as_str() == status)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Note {
    pub text: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// The product ARN of the account's own integration in a region: the one
/// a custom provider imports under without any partner registration.
pub fn default_product_arn(partition: &str, region: &str, account: &str) -> String {
    format!("arn:{partition}:securityhub:{region}:{account}:product/{account}/default")
}

/// The partition a region belongs to (`aws-cn` for `cn-north-1`...).
pub fn partition_of_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

/// Marks text that was cut to fit a field.
const ELLIPSIS: char = '…';

/// `text` cut to at most `max` characters (ASFF counts characters, not
/// bytes), always on a character boundary, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push(ELLIPSIS);
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn truncation_fits_and_keeps_a_prefix(text in "\\PC{0,80}", max in 0usize..60) {
            let cut = truncate(&text, max);
            prop_assert!(cut.chars().count() <= max);
            if text.chars().count() <= max {
                prop_assert_eq!(&cut, &text);
            } else if max > 0 {
                prop_assert!(cut.ends_with(ELLIPSIS));
                let kept = cut.trim_end_matches(ELLIPSIS);
                prop_assert!(text.starts_with(kept));
                prop_assert_eq!(cut.chars().count(), max);
            }
        }
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        // Fourteen three-byte characters fit a limit of 14.
        let japanese = "パスワードポリシーが弱いです";
        assert_eq!(truncate(japanese, 14), japanese);
        assert_eq!(truncate(japanese, 6), "パスワード…");
    }

    #[test]
    fn product_arn_and_partition() {
        assert_eq!(
            default_product_arn("aws", "ap-northeast-1", "123456789012"),
            "arn:aws:securityhub:ap-northeast-1:123456789012:product/123456789012/default"
        );
        assert_eq!(partition_of_region("cn-north-1"), "aws-cn");
        assert_eq!(partition_of_region("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of_region("eu-west-3"), "aws");
    }

    #[test]
    fn enums_spell_as_asff_does() {
        let json = serde_json::json!({
            "label": SeverityLabel::Informational,
            "compliance": ComplianceStatus::NotAvailable,
            "record": RecordState::Archived,
            "workflow": WorkflowStatus::Suppressed,
        });
        assert_eq!(
            json,
            serde_json::json!({"label": "INFORMATIONAL", "compliance": "NOT_AVAILABLE",
                "record": "ARCHIVED", "workflow": "SUPPRESSED"})
        );
        for label in ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"] {
            assert_eq!(
                SeverityLabel::parse(label).map(SeverityLabel::as_str),
                Some(label)
            );
        }
        for s in ["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"] {
            assert_eq!(
                ComplianceStatus::parse(s).map(ComplianceStatus::as_str),
                Some(s)
            );
        }
        for s in ["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"] {
            assert_eq!(
                WorkflowStatus::parse(s).map(WorkflowStatus::as_str),
                Some(s)
            );
        }
        assert_eq!(RecordState::parse("ACTIVE"), Some(RecordState::Active));
        assert_eq!(RecordState::parse("active"), None);
    }
}
