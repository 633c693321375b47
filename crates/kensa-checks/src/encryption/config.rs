//! `[encryption]` in kensa.toml: rules stricter than the sheet.
//!
//! The sheet asks only that stored data be encrypted, so S3's own keys
//! (SSE-S3) satisfy it. A system may require AWS KMS keys (SSE-KMS) for
//! some buckets: named ones, or ones carrying a tag.

use globset::Glob;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EncryptionConfig {
    /// ENC-2: buckets whose default encryption must use AWS KMS.
    pub s3_require_kms: S3RequireKms,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct S3RequireKms {
    /// Bucket name patterns (`payroll-*`).
    pub buckets: Vec<String>,
    /// Tags: `KEY=VALUE`, or `KEY` for any value.
    pub tags: Vec<String>,
}

/// Why a bucket must use KMS: the rule that selected it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KmsRule {
    Bucket(String),
    Tag(String),
}

impl KmsRule {
    pub fn describe(&self) -> String {
        match self {
            KmsRule::Bucket(pattern) => format!("encryption.s3_require_kms.buckets `{pattern}`"),
            KmsRule::Tag(tag) => format!("encryption.s3_require_kms.tags `{tag}`"),
        }
    }
}

impl S3RequireKms {
    /// Checks the patterns; the error names the one at fault.
    pub fn validate(&self) -> Result<(), String> {
        for pattern in &self.buckets {
            Glob::new(pattern).map_err(|e| {
                format!(
                    "encryption.s3_require_kms.buckets: `{pattern}` is not a valid pattern: {e}"
                )
            })?;
        }
        for tag in &self.tags {
            if tag
                .split('=')
                .next()
                .is_none_or(|key| key.trim().is_empty())
            {
                return Err(format!(
                    "encryption.s3_require_kms.tags: `{tag}` has no key; write KEY or KEY=VALUE"
                ));
            }
        }
        Ok(())
    }

    /// Whether any tag rule exists: only then do a bucket's tags matter.
    pub fn uses_tags(&self) -> bool {
        !self.tags.is_empty()
    }

    /// The bucket-name rule that requires KMS for `bucket`, if any.
    pub fn by_name(&self, bucket: &str) -> Option<KmsRule> {
        self.buckets
            .iter()
            .find(|pattern| {
                Glob::new(pattern)
                    .map(|g| g.compile_matcher().is_match(bucket))
                    .unwrap_or(false)
            })
            .map(|p| KmsRule::Bucket(p.clone()))
    }

    /// The tag rule that requires KMS for a bucket with `tags`, if any.
    pub fn by_tags(&self, tags: &BTreeMap<String, String>) -> Option<KmsRule> {
        self.tags
            .iter()
            .find(|rule| match rule.split_once('=') {
                Some((key, value)) => tags.get(key.trim()).is_some_and(|v| v == value.trim()),
                None => tags.contains_key(rule.trim()),
            })
            .map(|t| KmsRule::Tag(t.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_select_buckets_by_name_and_tag() {
        let rules = S3RequireKms {
            buckets: vec!["payroll-*".into()],
            tags: vec!["classification=confidential".into(), "pii".into()],
        };
        assert!(rules.validate().is_ok());
        assert_eq!(
            rules.by_name("payroll-2026"),
            Some(KmsRule::Bucket("payroll-*".into()))
        );
        assert_eq!(rules.by_name("web-assets"), None);
        let tags = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>()
        };
        assert_eq!(
            rules.by_tags(&tags(&[("classification", "confidential")])),
            Some(KmsRule::Tag("classification=confidential".into()))
        );
        assert_eq!(rules.by_tags(&tags(&[("classification", "public")])), None);
        assert_eq!(
            rules.by_tags(&tags(&[("pii", "")])),
            Some(KmsRule::Tag("pii".into()))
        );
    }

    #[test]
    fn bad_rules_say_which() {
        let rules = S3RequireKms {
            buckets: vec!["a[".into()],
            tags: vec![],
        };
        assert!(rules.validate().unwrap_err().contains("`a[`"));
        let rules = S3RequireKms {
            buckets: vec![],
            tags: vec!["=x".into()],
        };
        assert!(rules.validate().unwrap_err().contains("`=x` has no key"));
    }
}
