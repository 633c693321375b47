//! `[services]` in kensa.toml: the sheet's parameters for SVC checks.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServicesConfig {
    /// SVC-6: the Security Hub standards that must be enabled, each as a
    /// part of the standard's ARN. The sheet names CIS AWS Foundations 1.2,
    /// PCI DSS and AWS Foundational Security Best Practices.
    pub security_hub_standards: Vec<String>,
    /// SVC-4: which patch groups are which environment.
    pub patching: super::patching::PatchingConfig,
    /// MAL-1: what counts as an anti-malware agent.
    pub anti_malware: super::patching::AntiMalwareConfig,
    /// SVC-2: an open critical or high Inspector finding first observed
    /// more than this many days before the collection fails. 30 days is
    /// PCI DSS's one month for installing critical security patches.
    pub inspector_max_finding_age_days: u32,
}

impl Default for ServicesConfig {
    fn default() -> Self {
        ServicesConfig {
            security_hub_standards: vec![
                "cis-aws-foundations-benchmark/v/1.2.0".to_owned(),
                "pci-dss/v/".to_owned(),
                "aws-foundational-security-best-practices/v/".to_owned(),
            ],
            patching: super::patching::PatchingConfig::default(),
            anti_malware: super::patching::AntiMalwareConfig::default(),
            inspector_max_finding_age_days: 30,
        }
    }
}
