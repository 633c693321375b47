//! Data stores and how they are encrypted (ENC-1, ENC-2): S3 buckets (an
//! account-wide list, each bucket read in its own region) and, per region,
//! EBS, RDS, EFS, DynamoDB, AWS Backup vaults, SNS topics and SQS queues.
//!
//! Field names follow the service APIs so that a person can compare a
//! snapshot with `aws <service> describe-*` output.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::Collected;

/// One S3 bucket (`s3:ListBuckets`), with what kensa read about it in its
/// own region. A bucket whose region could not be read
/// (`s3:GetBucketLocation`) has that error in every per-bucket field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Bucket {
    pub name: String,
    /// `GetBucketLocation`, as a region name (`us-east-1` for the empty answer).
    #[serde(default)]
    pub region: Collected<String>,
    /// `GetBucketEncryption`; `None`: no default encryption configured
    /// (`ServerSideEncryptionConfigurationNotFoundError`).
    #[serde(default)]
    pub encryption: Collected<Option<BucketEncryption>>,
    /// `GetBucketPolicy`: the policy document as JSON text; `None`: no policy.
    #[serde(default)]
    pub policy: Collected<Option<String>>,
    /// `GetBucketTagging`; empty when the bucket has no tags (`NoSuchTagSet`).
    #[serde(default)]
    pub tags: Collected<BTreeMap<String, String>>,
}

/// `ServerSideEncryptionConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketEncryption {
    #[serde(default)]
    pub rules: Vec<BucketEncryptionRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketEncryptionRule {
    /// `ApplyServerSideEncryptionByDefault.SSEAlgorithm`: `AES256` (SSE-S3),
    /// `aws:kms` (SSE-KMS), `aws:kms:dsse` (DSSE-KMS).
    pub sse_algorithm: String,
    #[serde(default)]
    pub kms_master_key_id: Option<String>,
    #[serde(default)]
    pub bucket_key_enabled: bool,
}

/// One region's data stores, each list from its own call.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Storage {
    #[serde(default)]
    pub ebs: Ebs,
    #[serde(default)]
    pub rds: Rds,
    /// `elasticfilesystem:DescribeFileSystems`.
    #[serde(default)]
    pub efs_file_systems: Collected<Vec<EfsFileSystem>>,
    /// `dynamodb:ListTables`, each table from `DescribeTable`.
    #[serde(default)]
    pub dynamodb_tables: Collected<Vec<DynamoDbTable>>,
    /// `backup:ListBackupVaults`.
    #[serde(default)]
    pub backup_vaults: Collected<Vec<BackupVault>>,
    /// `sns:ListTopics`, each topic's encryption from `GetTopicAttributes`.
    #[serde(default)]
    pub sns_topics: Collected<Vec<SnsTopic>>,
    /// `sqs:ListQueues`, each queue's encryption from `GetQueueAttributes`.
    #[serde(default)]
    pub sqs_queues: Collected<Vec<SqsQueue>>,
}

/// EBS (`ec2:GetEbsEncryptionByDefault`, `DescribeVolumes`, `DescribeSnapshots`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ebs {
    #[serde(default)]
    pub encryption_by_default: Collected<bool>,
    #[serde(default)]
    pub volumes: Collected<Vec<EbsVolume>>,
    /// Snapshots the account owns (`OwnerIds=self`).
    #[serde(default)]
    pub snapshots: Collected<Vec<EbsSnapshot>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EbsVolume {
    pub id: String,
    /// The `Name` tag.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// `available`, `in-use`...
    #[serde(default)]
    pub state: Option<String>,
    /// Instances the volume is attached to.
    #[serde(default)]
    pub attached_to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EbsSnapshot {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub volume_id: Option<String>,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

/// RDS (`rds:DescribeDBInstances`, `DescribeDBClusters`, and the TLS
/// parameters of the parameter groups in use).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Rds {
    #[serde(default)]
    pub instances: Collected<Vec<DbInstance>>,
    #[serde(default)]
    pub clusters: Collected<Vec<DbCluster>>,
    /// `DescribeDBParameters` for each DB parameter group an instance uses,
    /// by group name: only the TLS parameters kensa reads
    /// (`rds.force_ssl`, `require_secure_transport`).
    #[serde(default)]
    pub parameter_groups: BTreeMap<String, Collected<Vec<DbParameter>>>,
    /// `DescribeDBClusterParameters` for each cluster parameter group a
    /// cluster uses, by group name; the same parameters.
    #[serde(default)]
    pub cluster_parameter_groups: BTreeMap<String, Collected<Vec<DbParameter>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbInstance {
    pub identifier: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// `postgres`, `mysql`, `aurora-postgresql`, `sqlserver-se`...
    pub engine: String,
    #[serde(default)]
    pub engine_version: Option<String>,
    #[serde(default)]
    pub storage_encrypted: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// Set for a member of a cluster (Aurora, Multi-AZ DB cluster): its TLS
    /// setting is the cluster's.
    #[serde(default)]
    pub cluster_identifier: Option<String>,
    #[serde(default)]
    pub parameter_groups: Vec<DbParameterGroupStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbParameterGroupStatus {
    pub name: String,
    /// `in-sync`, `pending-reboot`, `applying`...
    #[serde(default)]
    pub apply_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbCluster {
    pub identifier: String,
    #[serde(default)]
    pub arn: Option<String>,
    pub engine: String,
    #[serde(default)]
    pub engine_version: Option<String>,
    #[serde(default)]
    pub storage_encrypted: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// `DBClusterParameterGroup`.
    #[serde(default)]
    pub parameter_group: Option<String>,
}

/// One parameter as `DescribeDBParameters` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbParameter {
    pub name: String,
    /// `None`: no value in the group, the engine's default applies.
    #[serde(default)]
    pub value: Option<String>,
    /// `user`, `system`, `engine-default`.
    #[serde(default)]
    pub source: Option<String>,
    /// `static` or `dynamic`.
    #[serde(default)]
    pub apply_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EfsFileSystem {
    pub id: String,
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DynamoDbTable {
    pub name: String,
    /// `DescribeTable`; an error here leaves this one table undecided.
    pub encryption: Collected<TableEncryption>,
}

/// `SSEDescription`: absent means the AWS owned key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEncryption {
    #[serde(default)]
    pub arn: Option<String>,
    /// `ENABLED`, `UPDATING`, `DISABLED`...; `None`: AWS owned key.
    #[serde(default)]
    pub sse_status: Option<String>,
    /// `KMS` or `AES256`.
    #[serde(default)]
    pub sse_type: Option<String>,
    #[serde(default)]
    pub kms_master_key_arn: Option<String>,
    /// `kms:DescribeKey` of that key: `KeyManager`, `AWS` or `CUSTOMER`.
    /// Asked only when the table names a KMS key.
    #[serde(default)]
    pub key_manager: Collected<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupVault {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub encryption_key_arn: Option<String>,
    /// `AWS_OWNED_KMS_KEY` or `CUSTOMER_MANAGED_KMS_KEY` (newer vaults).
    #[serde(default)]
    pub encryption_key_type: Option<String>,
    /// `BACKUP_VAULT`, `LOGICALLY_AIR_GAPPED_BACKUP_VAULT`...
    #[serde(default)]
    pub vault_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnsTopic {
    pub arn: String,
    /// `GetTopicAttributes` `KmsMasterKeyId`; `None`: no server-side encryption.
    pub kms_master_key_id: Collected<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqsQueue {
    pub url: String,
    /// `GetQueueAttributes` (`KmsMasterKeyId`, `SqsManagedSseEnabled`).
    pub encryption: Collected<QueueEncryption>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEncryption {
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub kms_master_key_id: Option<String>,
    #[serde(default)]
    pub sqs_managed_sse_enabled: bool,
}

impl SqsQueue {
    /// The queue's name: the last part of its URL.
    pub fn name(&self) -> &str {
        self.url.rsplit('/').next().unwrap_or(&self.url)
    }
}
