//! Amazon Inspector (v2), per region: what SVC-2 reads.
//!
//! Field names follow the Inspector2 API (`BatchGetAccountStatus`,
//! `ListCoverage`, `ListFindings`) so that a person can compare a snapshot
//! with `aws inspector2 ...` output.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Collected;

/// One region's Inspector state and the EC2 instances it should scan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Inspector {
    /// `inspector2:BatchGetAccountStatus` for the calling account: one
    /// entry per account in the answer (normally just this one).
    #[serde(default)]
    pub account_status: Collected<Vec<AccountStatus>>,
    /// `inspector2:ListCoverage` for resource type `AWS_EC2_INSTANCE`.
    #[serde(default)]
    pub ec2_coverage: Collected<Vec<CoveredInstance>>,
    /// `inspector2:ListFindings` with status `ACTIVE` and severity
    /// `CRITICAL` or `HIGH`: the open findings SVC-2 reports.
    #[serde(default)]
    pub open_findings: Collected<Vec<Finding>>,
    /// `ec2:DescribeInstances`: the instances that are not terminated, so
    /// that SVC-2 knows where EC2 runs and which instances must be covered.
    #[serde(default)]
    pub ec2_instances: Collected<Vec<Instance>>,
}

/// One account's Inspector status: `ENABLING`, `ENABLED`, `DISABLING`,
/// `DISABLED`, `SUSPENDING` or `SUSPENDED` for the account and each scan type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountStatus {
    pub account_id: String,
    /// `state.status`.
    #[serde(default)]
    pub status: Option<String>,
    /// `resourceState.ec2.status`.
    #[serde(default)]
    pub ec2: Option<String>,
    /// `resourceState.ecr.status`.
    #[serde(default)]
    pub ecr: Option<String>,
    /// `resourceState.lambda.status`.
    #[serde(default)]
    pub lambda: Option<String>,
    /// `resourceState.lambdaCode.status`.
    #[serde(default)]
    pub lambda_code: Option<String>,
}

/// The status value meaning "on".
pub const ENABLED: &str = "ENABLED";

impl AccountStatus {
    pub fn ec2_enabled(&self) -> bool {
        self.ec2.as_deref() == Some(ENABLED)
    }

    pub fn ecr_enabled(&self) -> bool {
        self.ecr.as_deref() == Some(ENABLED)
    }

    /// Whether Inspector scans any kind of resource here.
    pub fn scans_anything(&self) -> bool {
        [&self.ec2, &self.ecr, &self.lambda, &self.lambda_code]
            .iter()
            .any(|s| s.as_deref() == Some(ENABLED))
    }
}

/// One EC2 instance as `ListCoverage` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoveredInstance {
    /// `resourceId`: the instance ID.
    pub resource_id: String,
    /// `scanStatus.statusCode`: `ACTIVE` (scanned) or `INACTIVE`.
    #[serde(default)]
    pub scan_status_code: Option<String>,
    /// `scanStatus.reason` (`UNMANAGED_EC2_INSTANCE`, `EC2_INSTANCE_STOPPED`...).
    #[serde(default)]
    pub scan_status_reason: Option<String>,
    /// `lastScannedAt`.
    #[serde(default)]
    pub last_scanned_at: Option<DateTime<Utc>>,
}

impl CoveredInstance {
    pub fn is_active(&self) -> bool {
        self.scan_status_code.as_deref() == Some("ACTIVE")
    }
}

/// One open Inspector finding, as much as SVC-2 reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub finding_arn: String,
    /// `CRITICAL`, `HIGH`...
    pub severity: String,
    /// `PACKAGE_VULNERABILITY`, `NETWORK_REACHABILITY`, `CODE_VULNERABILITY`.
    #[serde(default)]
    pub finding_type: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// `firstObservedAt`: the age SVC-2 measures.
    pub first_observed_at: DateTime<Utc>,
    /// `resources[0].type` (`AWS_EC2_INSTANCE`, `AWS_ECR_CONTAINER_IMAGE`...).
    #[serde(default)]
    pub resource_type: Option<String>,
    /// `resources[0].id`.
    #[serde(default)]
    pub resource_id: Option<String>,
}

/// One EC2 instance from `DescribeInstances`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub instance_id: String,
    /// `state.name`: `pending`, `running`, `stopping`, `stopped`.
    pub state: String,
}

impl Instance {
    /// Inspector scans only instances that run; a stopped one is scanned
    /// again when it starts.
    pub fn is_running(&self) -> bool {
        matches!(self.state.as_str(), "pending" | "running")
    }
}
