use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::{Collected, CredentialReport};

/// IAM, read once per account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Iam {
    /// Users with their groups and policies (`iam:GetAccountAuthorizationDetails`),
    /// each with its own per-user calls.
    #[serde(default)]
    pub users: Collected<Vec<User>>,
    /// Groups with their policies (`iam:GetAccountAuthorizationDetails`).
    #[serde(default)]
    pub groups: Collected<Vec<Group>>,
    /// Roles (`iam:GetAccountAuthorizationDetails`).
    #[serde(default)]
    pub roles: Collected<Vec<Role>>,
    /// Customer managed policies, and the AWS managed policies attached to
    /// something, each with its default version's document.
    #[serde(default)]
    pub policies: Collected<Vec<ManagedPolicy>>,
    /// `Value(None)`: the account has no password policy (AWS defaults apply).
    #[serde(default)]
    pub password_policy: Collected<Option<PasswordPolicy>>,
    #[serde(default)]
    pub credential_report: Collected<CredentialReport>,
    /// `iam:GetAccountSummary`: `AccountMFAEnabled`, `AccountAccessKeysPresent`...
    #[serde(default)]
    pub account_summary: Collected<BTreeMap<String, i64>>,
    #[serde(default)]
    pub virtual_mfa_devices: Collected<Vec<VirtualMfaDevice>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub id: String,
    pub arn: String,
    #[serde(default = "root_path")]
    pub path: String,
    pub created: DateTime<Utc>,
    /// Names of the groups the user belongs to.
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// `iam:GetLoginProfile`; `Value(None)`: no console password.
    #[serde(default)]
    pub login_profile: Collected<Option<LoginProfile>>,
    /// `iam:ListAccessKeys`.
    #[serde(default)]
    pub access_keys: Collected<Vec<AccessKey>>,
    /// `iam:ListMFADevices`.
    #[serde(default)]
    pub mfa_devices: Collected<Vec<MfaDevice>>,
}

fn root_path() -> String {
    "/".to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub id: String,
    pub arn: String,
    #[serde(default = "root_path")]
    pub path: String,
    pub created: DateTime<Utc>,
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub id: String,
    pub arn: String,
    #[serde(default = "root_path")]
    pub path: String,
    pub created: DateTime<Utc>,
    /// The trust policy, as JSON text.
    #[serde(default)]
    pub assume_role_policy: Option<String>,
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: String,
}

/// An inline policy; `document` is the JSON text, URL-decoded but otherwise
/// as IAM returned it (checks parse it and report it when malformed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub name: String,
    pub document: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub default_version_id: Option<String>,
    /// How many users, groups and roles it is attached to.
    #[serde(default)]
    pub attachment_count: Option<i32>,
    /// The default version's JSON text, when it could be read.
    pub document: Collected<String>,
}

impl ManagedPolicy {
    /// AWS managed policies live under the `aws` account in their ARN.
    pub fn is_aws_managed(&self) -> bool {
        self.arn.split(':').nth(4) == Some("aws")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginProfile {
    pub created: DateTime<Utc>,
    #[serde(default)]
    pub password_reset_required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    /// The access key ID. Not a secret by itself, but reports show it redacted.
    pub id: String,
    /// `Active` or `Inactive`.
    pub status: String,
    pub created: DateTime<Utc>,
    /// `iam:GetAccessKeyLastUsed`; `Value(None)`: never used.
    #[serde(default)]
    pub last_used: Collected<Option<AccessKeyLastUsed>>,
}

impl AccessKey {
    pub fn is_active(&self) -> bool {
        self.status.eq_ignore_ascii_case("Active")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKeyLastUsed {
    pub date: DateTime<Utc>,
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaDevice {
    pub serial_number: String,
    pub enabled: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualMfaDevice {
    pub serial_number: String,
    /// ARN of the user (or root) it is assigned to, if any.
    #[serde(default)]
    pub user_arn: Option<String>,
    #[serde(default)]
    pub enabled: Option<DateTime<Utc>>,
}

/// The account password policy, as `iam:GetAccountPasswordPolicy` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    #[serde(default)]
    pub minimum_password_length: Option<i32>,
    #[serde(default)]
    pub require_symbols: bool,
    #[serde(default)]
    pub require_numbers: bool,
    #[serde(default)]
    pub require_uppercase_characters: bool,
    #[serde(default)]
    pub require_lowercase_characters: bool,
    #[serde(default)]
    pub allow_users_to_change_password: bool,
    #[serde(default)]
    pub expire_passwords: bool,
    #[serde(default)]
    pub max_password_age: Option<i32>,
    #[serde(default)]
    pub password_reuse_prevention: Option<i32>,
    #[serde(default)]
    pub hard_expiry: Option<bool>,
}
