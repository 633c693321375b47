//! Security services, per region: what SVC-1, SVC-3, SVC-5 and SVC-6 read
//! (AWS Config, ECR scanning, GuardDuty, Security Hub), and the S3 settings
//! of the buckets CloudTrail delivers to (SVC-7).
//!
//! Field names follow the service APIs so that a person can compare a
//! snapshot with `aws <service> describe-*` output.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::Collected;

/// One region's security services, each list from its own call.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Services {
    #[serde(default)]
    pub config: ConfigService,
    #[serde(default)]
    pub guardduty: GuardDuty,
    #[serde(default)]
    pub ecr: Ecr,
    #[serde(default)]
    pub security_hub: SecurityHub,
    /// Amazon Inspector and the EC2 instances it should scan (SVC-2).
    #[serde(default)]
    pub inspector: crate::inspector::Inspector,
}

/// AWS Config (`config:Describe*`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConfigService {
    /// `DescribeConfigurationRecorders`.
    #[serde(default)]
    pub recorders: Collected<Vec<ConfigRecorder>>,
    /// `DescribeConfigurationRecorderStatus`.
    #[serde(default)]
    pub recorder_statuses: Collected<Vec<ConfigRecorderStatus>>,
    /// `DescribeDeliveryChannels`.
    #[serde(default)]
    pub delivery_channels: Collected<Vec<DeliveryChannel>>,
    /// `DescribeDeliveryChannelStatus`: only reported, a failure here does
    /// not hide the recorder's verdict.
    #[serde(default)]
    pub delivery_channel_statuses: Collected<Vec<DeliveryChannelStatus>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRecorder {
    pub name: String,
    /// `recordingGroup.allSupported`.
    #[serde(default)]
    pub all_supported: bool,
    /// `recordingGroup.includeGlobalResourceTypes`.
    #[serde(default)]
    pub include_global_resource_types: bool,
    /// `recordingGroup.resourceTypes`, when only some types are recorded.
    #[serde(default)]
    pub resource_types: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRecorderStatus {
    pub name: String,
    #[serde(default)]
    pub recording: bool,
    /// `Success`, `Failure`, `Pending`.
    #[serde(default)]
    pub last_status: Option<String>,
    #[serde(default)]
    pub last_error_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryChannel {
    pub name: String,
    #[serde(default)]
    pub s3_bucket_name: Option<String>,
    #[serde(default)]
    pub sns_topic_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryChannelStatus {
    pub name: String,
    /// `configHistoryDeliveryInfo.lastStatus`: `Success`, `Failure`, `Not_Applicable`.
    #[serde(default)]
    pub config_history_last_status: Option<String>,
    /// `configSnapshotDeliveryInfo.lastStatus`.
    #[serde(default)]
    pub config_snapshot_last_status: Option<String>,
}

/// GuardDuty (`guardduty:ListDetectors`, `GetDetector` for each).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GuardDuty {
    #[serde(default)]
    pub detectors: Collected<Vec<Detector>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detector {
    pub id: String,
    /// `GetDetector`; an error here leaves this one detector undecided.
    pub details: Collected<DetectorDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectorDetails {
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    /// Protection plans by feature name (`EBS_MALWARE_PROTECTION`,
    /// `S3_DATA_EVENTS`...) and their status.
    #[serde(default)]
    pub features: BTreeMap<String, String>,
}

impl DetectorDetails {
    pub fn is_enabled(&self) -> bool {
        self.status.eq_ignore_ascii_case("ENABLED")
    }
}

/// ECR (`ecr:DescribeRepositories`, `GetRegistryScanningConfiguration`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ecr {
    #[serde(default)]
    pub repositories: Collected<Vec<Repository>>,
    #[serde(default)]
    pub registry_scanning: Collected<RegistryScanning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repository {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// `imageScanningConfiguration.scanOnPush`.
    #[serde(default)]
    pub scan_on_push: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryScanning {
    /// `BASIC` or `ENHANCED`.
    #[serde(default)]
    pub scan_type: Option<String>,
    #[serde(default)]
    pub rules: Vec<RegistryScanningRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryScanningRule {
    /// `SCAN_ON_PUSH` or `CONTINUOUS_SCAN`.
    pub scan_frequency: String,
    /// Repository name filters; `*` is a wildcard (`WILDCARD` filters).
    #[serde(default)]
    pub filters: Vec<String>,
}

/// Security Hub (`securityhub:DescribeHub`, `GetEnabledStandards`,
/// `DescribeStandardsControls`, `GetFindings`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SecurityHub {
    /// `None`: Security Hub is not enabled in the region (DescribeHub
    /// answered `InvalidAccessException`).
    #[serde(default)]
    pub hub: Collected<Option<Hub>>,
    #[serde(default)]
    pub standards: Collected<Vec<EnabledStandard>>,
    /// Failed, active control findings by severity label (`CRITICAL`...).
    #[serde(default)]
    pub failed_controls_by_severity: Collected<BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hub {
    pub hub_arn: String,
    #[serde(default)]
    pub subscribed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnabledStandard {
    pub standards_arn: String,
    pub subscription_arn: String,
    /// `READY`, `PENDING`, `INCOMPLETE`, `DELETING`, `FAILED`.
    pub status: String,
    /// `DescribeStandardsControls` for this subscription.
    pub controls: Collected<Vec<StandardsControl>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardsControl {
    pub control_id: String,
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    #[serde(default)]
    pub disabled_reason: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
}

/// S3 settings kensa reads for the buckets CloudTrail delivers to (SVC-7),
/// and the account's public access block.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TrailBuckets {
    /// `s3control:GetPublicAccessBlock` for the account; `None`: none set.
    #[serde(default)]
    pub account_public_access_block: Collected<Option<PublicAccessBlock>>,
    /// By bucket name.
    #[serde(default)]
    pub buckets: BTreeMap<String, Bucket>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Bucket {
    /// `GetBucketLogging`: the target bucket, `None` when logging is off.
    #[serde(default)]
    pub logging_target: Collected<Option<String>>,
    /// `GetBucketPolicyStatus`: `IsPublic`; `false` when there is no policy.
    #[serde(default)]
    pub policy_is_public: Collected<bool>,
    /// `GetBucketAcl`: grants to `AllUsers` or `AuthenticatedUsers`, as
    /// `grantee-uri permission`.
    #[serde(default)]
    pub public_acl_grants: Collected<Vec<String>>,
    /// `GetPublicAccessBlock` for the bucket; `None`: none set.
    #[serde(default)]
    pub public_access_block: Collected<Option<PublicAccessBlock>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    #[serde(default)]
    pub block_public_acls: bool,
    #[serde(default)]
    pub ignore_public_acls: bool,
    #[serde(default)]
    pub block_public_policy: bool,
    #[serde(default)]
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}
