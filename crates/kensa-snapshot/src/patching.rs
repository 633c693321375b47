//! Systems Manager, per region: what SVC-4 (OS patching) and MAL-1
//! (anti-malware agents, through the software inventory) read.
//!
//! Field names follow the Systems Manager API so that a person can compare
//! a snapshot with `aws ssm describe-*` output. The EC2 instances these
//! calls are about live in [`crate::ec2::Network::instances`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::Collected;

/// One region's Systems Manager data, each part from its own call.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Patching {
    /// `ssm:DescribeInstanceInformation`: every managed node of the region.
    #[serde(default)]
    pub managed_instances: Collected<Vec<ManagedInstance>>,
    /// `ssm:DescribeInstancePatchStates` for the running EC2 instances that
    /// are managed. Not collected when the managed instances could not be
    /// read (the check reports that call instead).
    #[serde(default)]
    pub patch_states: Collected<Vec<InstancePatchState>>,
    /// `ssm:DescribePatchGroups`: which baseline each patch group uses.
    #[serde(default)]
    pub patch_groups: Collected<Vec<PatchGroup>>,
    /// `ssm:GetPatchBaseline` for every baseline a patch group uses, by
    /// baseline ID.
    #[serde(default)]
    pub baselines: BTreeMap<String, Collected<PatchBaseline>>,
    /// `ssm:DescribeMaintenanceWindows`, each with its targets and tasks.
    #[serde(default)]
    pub maintenance_windows: Collected<Vec<MaintenanceWindow>>,
    /// `ssm:ListAssociations`: State Manager associations.
    #[serde(default)]
    pub associations: Collected<Vec<Association>>,
    /// `ssm:ListInventoryEntries` (type `AWS:Application`) for each running,
    /// managed EC2 instance, by instance ID.
    #[serde(default)]
    pub applications: BTreeMap<String, Collected<Vec<Application>>>,
}

/// One `InstanceInformation`: a node the SSM agent has registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedInstance {
    pub instance_id: String,
    /// `Online`, `ConnectionLost`, `Inactive`.
    #[serde(default)]
    pub ping_status: Option<String>,
    #[serde(default)]
    pub last_ping_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub agent_version: Option<String>,
    /// `Windows`, `Linux`, `MacOS`.
    #[serde(default)]
    pub platform_type: Option<String>,
    #[serde(default)]
    pub platform_name: Option<String>,
    #[serde(default)]
    pub platform_version: Option<String>,
    /// `EC2Instance`, `ManagedInstance` (on premises)...
    #[serde(default)]
    pub resource_type: Option<String>,
}

impl ManagedInstance {
    /// The agent answered its last ping.
    pub fn is_online(&self) -> bool {
        self.ping_status.as_deref() == Some("Online")
    }
}

/// One `InstancePatchState`: the last patch scan or install on an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstancePatchState {
    pub instance_id: String,
    #[serde(default)]
    pub patch_group: String,
    #[serde(default)]
    pub baseline_id: String,
    /// `Scan` or `Install`.
    #[serde(default)]
    pub operation: String,
    #[serde(default)]
    pub operation_end_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub installed_count: i32,
    #[serde(default)]
    pub installed_other_count: i32,
    #[serde(default)]
    pub installed_pending_reboot_count: Option<i32>,
    #[serde(default)]
    pub installed_rejected_count: Option<i32>,
    #[serde(default)]
    pub missing_count: i32,
    #[serde(default)]
    pub failed_count: i32,
    #[serde(default)]
    pub not_applicable_count: i32,
    #[serde(default)]
    pub critical_non_compliant_count: Option<i32>,
    #[serde(default)]
    pub security_non_compliant_count: Option<i32>,
}

/// One `PatchGroupPatchBaselineMapping`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchGroup {
    /// The value of the instances' `Patch Group` or `PatchGroup` tag.
    pub name: String,
    pub baseline_id: String,
    #[serde(default)]
    pub baseline_name: Option<String>,
    /// `WINDOWS`, `AMAZON_LINUX_2`, `UBUNTU`...
    #[serde(default)]
    pub operating_system: Option<String>,
    /// The operating system's default baseline.
    #[serde(default)]
    pub default_baseline: bool,
}

/// `GetPatchBaseline`: what a baseline approves, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchBaseline {
    pub baseline_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub operating_system: Option<String>,
    /// `ApprovalRules.PatchRules`.
    #[serde(default)]
    pub approval_rules: Vec<ApprovalRule>,
    /// Patches approved by name, whatever the rules say.
    #[serde(default)]
    pub approved_patches: Vec<String>,
    #[serde(default)]
    pub patch_groups: Vec<String>,
}

/// One `PatchRule`: patches its filters select are approved
/// `approve_after_days` after release, or if released by `approve_until_date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRule {
    #[serde(default)]
    pub approve_after_days: Option<i32>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub approve_until_date: Option<String>,
    #[serde(default)]
    pub compliance_level: Option<String>,
    #[serde(default)]
    pub enable_non_security: bool,
    /// `PatchFilterGroup`: key (`CLASSIFICATION`, `SEVERITY`...) to values.
    #[serde(default)]
    pub filters: BTreeMap<String, Vec<String>>,
}

/// One `MaintenanceWindowIdentity`, with what it runs on and what it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    pub window_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub schedule_timezone: Option<String>,
    #[serde(default)]
    pub next_execution_time: Option<String>,
    /// `DescribeMaintenanceWindowTargets`.
    #[serde(default)]
    pub targets: Collected<Vec<WindowTarget>>,
    /// `DescribeMaintenanceWindowTasks`.
    #[serde(default)]
    pub tasks: Collected<Vec<WindowTask>>,
}

/// A `Target`: `InstanceIds`, `tag:KEY`, `tag-key`, `resource-groups:Name`,
/// `WindowTargetIds`...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub key: String,
    #[serde(default)]
    pub values: Vec<String>,
}

/// A registered target of a maintenance window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowTarget {
    pub window_target_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub targets: Vec<Target>,
}

/// A registered task of a maintenance window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowTask {
    pub window_task_id: String,
    /// The document for `RUN_COMMAND` tasks (`AWS-RunPatchBaseline`).
    #[serde(default)]
    pub task_arn: String,
    /// `RUN_COMMAND`, `AUTOMATION`, `LAMBDA`, `STEP_FUNCTIONS`.
    #[serde(default)]
    pub task_type: Option<String>,
    /// Usually `WindowTargetIds`.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// `GetMaintenanceWindowTask`, read only for patch baseline tasks: the
    /// document's `Operation` parameter (`Install`, `Scan`), `None` when the
    /// task sets none.
    #[serde(default)]
    pub operation: Collected<Option<String>>,
}

impl WindowTask {
    /// Whether the task runs a patch baseline document (by name or ARN).
    pub fn runs_patch_baseline(&self) -> bool {
        is_patch_document(&self.task_arn)
    }
}

/// Documents that scan or patch an instance against its patch baseline.
pub const PATCH_DOCUMENTS: &[&str] = &[
    "AWS-RunPatchBaseline",
    "AWS-RunPatchBaselineWithHooks",
    "AWS-RunPatchBaselineAssociation",
];

/// Whether a document name or ARN is one of [`PATCH_DOCUMENTS`].
pub fn is_patch_document(name_or_arn: &str) -> bool {
    let name = name_or_arn.rsplit('/').next().unwrap_or(name_or_arn);
    PATCH_DOCUMENTS.contains(&name)
}

/// One State Manager `Association`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    pub association_id: String,
    /// The SSM document it applies.
    pub name: String,
    #[serde(default)]
    pub association_name: Option<String>,
    /// Set for old-style associations with a single instance.
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub targets: Vec<Target>,
    /// `Overview.Status`: `Success`, `Failed`, `Pending`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub last_execution_date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub schedule_expression: Option<String>,
}

/// One `AWS:Application` inventory entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub name: String,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_documents_match_by_name_or_arn() {
        assert!(is_patch_document("AWS-RunPatchBaseline"));
        assert!(is_patch_document(
            "arn:aws:ssm:ap-northeast-1::document/AWS-RunPatchBaselineWithHooks"
        ));
        assert!(!is_patch_document("AWS-RunShellScript"));
        assert!(!is_patch_document("Custom-AWS-RunPatchBaseline-Wrapper"));
    }
}
