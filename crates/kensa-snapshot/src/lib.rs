//! The snapshot: everything kensa read from one AWS account, as data.
//!
//! The collector writes it, the checks read it, and nothing else is shared
//! between them. A snapshot is a versioned JSON document (see
//! `docs/snapshot-format.md`); every piece of collected data is a
//! [`Collected`] value, so that a check can tell "the account has none"
//! from "kensa could not read it" and never turns the second into a PASS.

mod collected;
mod credential_report;
pub mod ec2;
pub mod endpoints;
mod iam;
pub mod inspector;
mod io;
pub mod monitoring;
pub mod patching;
pub mod secrets;
pub mod services;
pub mod storage;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use collected::{CallError, Collected, Missing};
pub use credential_report::{CredentialReport, CredentialReportError, CredentialReportRow};
pub use iam::{
    AccessKey, AccessKeyLastUsed, AttachedPolicy, Group, Iam, InlinePolicy, LoginProfile,
    ManagedPolicy, MfaDevice, PasswordPolicy, Role, User, VirtualMfaDevice,
};
pub use io::{SnapshotError, load, load_from_reader, save};

/// The snapshot format version this build reads and writes.
///
/// Bump it when a change would make an older kensa misread a newer snapshot;
/// additive fields that older readers may ignore do not need a bump.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything collected from one account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// Format version; see [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Version of the kensa that collected it.
    pub kensa_version: String,
    /// When collection started. Checks measure ages (key age, last use)
    /// against this instant, so an offline audit of a snapshot gives the
    /// same verdicts on any later day.
    pub collected_at: DateTime<Utc>,
    /// Who collected it and from where.
    pub account: Collected<Account>,
    /// The regions the account has enabled, as the account reported them.
    #[serde(default)]
    pub enabled_regions: Collected<Vec<String>>,
    /// The regions this snapshot covers.
    pub audited_regions: Vec<String>,
    /// IAM is global: one copy per account.
    pub iam: Iam,
    /// Regional services, by region name. A region in `audited_regions`
    /// but not here was not collected (an older snapshot).
    #[serde(default)]
    pub regions: BTreeMap<String, Region>,
    /// S3 settings of the buckets CloudTrail delivers to (SVC-7).
    #[serde(default)]
    pub trail_buckets: services::TrailBuckets,
    /// Every S3 bucket of the account (`s3:ListBuckets`) with its
    /// encryption, policy and tags (ENC-1, ENC-2).
    #[serde(default)]
    pub buckets: Collected<Vec<storage::S3Bucket>>,
    /// CloudFront distributions (`cloudfront:ListDistributions`): a global
    /// service, read once (ENC-1).
    #[serde(default)]
    pub cloudfront: Collected<Vec<endpoints::Distribution>>,
    /// Every call that failed during collection, in the order they failed.
    /// The same errors also sit in the [`Collected`] value they left empty.
    #[serde(default)]
    pub errors: Vec<CallError>,
}

/// What kensa read in one region.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Region {
    /// VPCs, subnets, security groups, network ACLs, instances... (`ec2:Describe*`).
    #[serde(default)]
    pub network: ec2::Network,
    /// Config, GuardDuty, ECR scanning, Security Hub.
    #[serde(default)]
    pub services: services::Services,
    /// CloudTrail trails, metric filters, alarms, SNS topics and
    /// EventBridge rules: the chain ALM-1..ALM-11 follow.
    #[serde(default)]
    pub monitoring: monitoring::Monitoring,
    /// EBS, RDS, EFS, DynamoDB, Backup vaults, SNS topics and SQS queues,
    /// and how they are encrypted (ENC-1, ENC-2).
    #[serde(default)]
    pub storage: storage::Storage,
    /// Load balancers, ElastiCache, OpenSearch, Redshift and CloudWatch
    /// Logs groups: what ENC-1 and ENC-2 read.
    #[serde(default)]
    pub endpoints: endpoints::Endpoints,
    /// Systems Manager: managed instances, patching, State Manager
    /// associations and the software inventory (SVC-4, MAL-1).
    #[serde(default)]
    pub patching: patching::Patching,
    /// Access keys kept as text in the region's resources (IAM-9):
    /// redacted sightings only, never the text or a secret.
    #[serde(default)]
    pub secrets: secrets::Secrets,
}

/// The account and the identity that collected it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    /// `aws`, `aws-cn`, `aws-us-gov`...
    pub partition: String,
    /// The caller's ARN (from `sts:GetCallerIdentity`).
    pub caller_arn: String,
}

impl Snapshot {
    /// An empty snapshot, as the collector starts it: nothing collected yet.
    pub fn new(kensa_version: impl Into<String>, collected_at: DateTime<Utc>) -> Self {
        Snapshot {
            schema_version: SCHEMA_VERSION,
            kensa_version: kensa_version.into(),
            collected_at,
            account: Collected::NotCollected,
            enabled_regions: Collected::NotCollected,
            audited_regions: Vec::new(),
            iam: Iam::default(),
            regions: BTreeMap::new(),
            trail_buckets: services::TrailBuckets::default(),
            buckets: Collected::NotCollected,
            cloudfront: Collected::NotCollected,
            errors: Vec::new(),
        }
    }

    /// The account ID, when it could be read.
    pub fn account_id(&self) -> Option<&str> {
        self.account.value().map(|a| a.id.as_str())
    }

    /// The partition, `aws` unless the account said otherwise.
    pub fn partition(&self) -> &str {
        self.account
            .value()
            .map(|a| a.partition.as_str())
            .unwrap_or("aws")
    }
}
