//! `kensa.toml`: the sheet's parameters, tailored per system.
//!
//! Every default here is the design sheet's own value, not a peer's CIS
//! default: passwords do not expire, API-only users may hold policies.

use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub iam: IamConfig,
    pub network: crate::network::config::NetworkConfig,
    /// Accepted findings, each with a reason, an approver and an expiry.
    pub exceptions: Vec<crate::exceptions::ExceptionConfig>,
    pub detect: DetectConfig,
    pub services: crate::services::config::ServicesConfig,
    pub alarms: crate::alarms::config::AlarmsConfig,
    pub encryption: crate::encryption::config::EncryptionConfig,
}

/// `kensa detect`: rules of the user's own, run with the sheet's ALM-1..11.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DetectConfig {
    pub rules: Vec<DetectRuleConfig>,
}

/// One `[[detect.rules]]`: a name, a severity and exactly one pattern. The
/// pattern's syntax is checked when `kensa detect` compiles it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectRuleConfig {
    pub name: String,
    pub severity: crate::Severity,
    /// A CloudWatch Logs filter pattern (`{ $.eventName = DeleteBucket }`).
    #[serde(default)]
    pub filter_pattern: Option<String>,
    /// An EventBridge event pattern (JSON text), matched against the event
    /// EventBridge builds from the record.
    #[serde(default)]
    pub event_pattern: Option<String>,
    /// The design sheet's requirement this rule serves, if any.
    #[serde(default)]
    pub requirement: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IamConfig {
    /// IAM-2: the fewest members the Administrators group may have.
    pub min_administrators: usize,
    /// IAM-8: an active access key older than this many days fails.
    pub access_key_max_age_days: i64,
    /// IAM-8: an active access key unused for this many days is reported.
    pub access_key_unused_days: i64,
    /// IAM-7: root activity within this many days fails.
    pub root_recent_use_days: i64,
    pub groups: DutyGroups,
    pub password_policy: PasswordPolicyConfig,
}

impl Default for IamConfig {
    fn default() -> Self {
        IamConfig {
            min_administrators: 2,
            access_key_max_age_days: 90,
            access_key_unused_days: 90,
            root_recent_use_days: 90,
            groups: DutyGroups::default(),
            password_policy: PasswordPolicyConfig::default(),
        }
    }
}

/// IAM-1: the sheet's duty groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DutyGroups {
    pub administrators: DutyGroup,
    pub infra_admins: DutyGroup,
    pub security_admins: DutyGroup,
    pub iam_admins: DutyGroup,
    pub operators: DutyGroup,
    /// `name` is a glob: one group per application (`*Apps`).
    pub apps: DutyGroup,
    /// Fail when no group matches the `apps` pattern.
    pub require_apps_group: bool,
}

/// One duty: the group's name and the actions its duty excludes. A group
/// whose policies plainly allow one of these actions fails IAM-1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutyGroup {
    pub name: String,
    /// IAM action patterns (`iam:Create*`); omitted: the sheet's default
    /// for this duty.
    #[serde(default)]
    pub excluded_actions: Option<Vec<String>>,
}

/// The duties, in the sheet's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Duty {
    Administrators,
    InfraAdmins,
    SecurityAdmins,
    IamAdmins,
    Apps,
    Operators,
}

impl Duty {
    pub const ALL: [Duty; 6] = [
        Duty::Administrators,
        Duty::InfraAdmins,
        Duty::SecurityAdmins,
        Duty::IamAdmins,
        Duty::Apps,
        Duty::Operators,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Duty::Administrators => "administrators",
            Duty::InfraAdmins => "infra_admins",
            Duty::SecurityAdmins => "security_admins",
            Duty::IamAdmins => "iam_admins",
            Duty::Apps => "apps",
            Duty::Operators => "operators",
        }
    }

    /// The duty as the sheet names it (職責名).
    pub fn title(self) -> crate::StaticText {
        let (en, ja) = match self {
            Duty::Administrators => ("cloud administrators", "クラウド管理者"),
            Duty::InfraAdmins => ("infrastructure administrators", "インフラ管理者"),
            Duty::SecurityAdmins => ("security administrators", "セキュリティ管理者"),
            Duty::IamAdmins => ("IAM administrators", "IAM 管理者"),
            Duty::Apps => ("application developers", "アプリケーション開発者"),
            Duty::Operators => ("operators", "オペレーター"),
        };
        crate::StaticText { en, ja }
    }

    /// What the sheet's duty table excludes for each duty.
    pub fn default_excluded_actions(self) -> &'static [&'static str] {
        match self {
            Duty::Administrators => &[],
            // "IAM 関連とセキュリティ関連は読み取りのみ"
            Duty::InfraAdmins | Duty::Operators | Duty::Apps => &[
                "iam:CreateUser",
                "iam:DeleteUser",
                "iam:CreateAccessKey",
                "iam:CreateLoginProfile",
                "iam:AddUserToGroup",
                "iam:AttachUserPolicy",
                "iam:AttachGroupPolicy",
                "iam:AttachRolePolicy",
                "iam:PutUserPolicy",
                "iam:PutGroupPolicy",
                "iam:PutRolePolicy",
                "iam:CreatePolicyVersion",
                "iam:UpdateAssumeRolePolicy",
                "guardduty:DeleteDetector",
                "guardduty:UpdateDetector",
                "cloudtrail:StopLogging",
                "cloudtrail:DeleteTrail",
                "cloudtrail:UpdateTrail",
                "securityhub:DisableSecurityHub",
                "config:StopConfigurationRecorder",
                "config:DeleteConfigurationRecorder",
                "config:DeleteDeliveryChannel",
            ],
            // Security work, but granting permissions is IAMAdmins' duty.
            Duty::SecurityAdmins => &[
                "iam:CreateUser",
                "iam:CreateAccessKey",
                "iam:CreateLoginProfile",
                "iam:AddUserToGroup",
                "iam:AttachUserPolicy",
                "iam:AttachGroupPolicy",
                "iam:AttachRolePolicy",
                "iam:PutUserPolicy",
                "iam:PutGroupPolicy",
                "iam:PutRolePolicy",
                "iam:CreatePolicyVersion",
            ],
            // IAM only: no system resources, no switching off detection.
            Duty::IamAdmins => &[
                "ec2:RunInstances",
                "ec2:TerminateInstances",
                "ec2:AuthorizeSecurityGroupIngress",
                "s3:DeleteBucket",
                "s3:PutBucketPolicy",
                "rds:DeleteDBInstance",
                "guardduty:DeleteDetector",
                "cloudtrail:StopLogging",
                "cloudtrail:DeleteTrail",
                "securityhub:DisableSecurityHub",
                "config:StopConfigurationRecorder",
            ],
        }
    }
}

impl DutyGroups {
    pub fn get(&self, duty: Duty) -> &DutyGroup {
        match duty {
            Duty::Administrators => &self.administrators,
            Duty::InfraAdmins => &self.infra_admins,
            Duty::SecurityAdmins => &self.security_admins,
            Duty::IamAdmins => &self.iam_admins,
            Duty::Apps => &self.apps,
            Duty::Operators => &self.operators,
        }
    }

    /// The actions a duty excludes: configured, else the sheet's default.
    pub fn excluded_actions(&self, duty: Duty) -> Vec<String> {
        match &self.get(duty).excluded_actions {
            Some(actions) => actions.clone(),
            None => duty
                .default_excluded_actions()
                .iter()
                .map(|a| (*a).to_owned())
                .collect(),
        }
    }
}

impl Default for DutyGroups {
    fn default() -> Self {
        let group = |name: &str| DutyGroup {
            name: name.to_owned(),
            excluded_actions: None,
        };
        DutyGroups {
            administrators: group("Administrators"),
            infra_admins: group("InfraAdmins"),
            security_admins: group("SecurityAdmins"),
            iam_admins: group("IAMAdmins"),
            operators: group("Operators"),
            apps: group("*Apps"),
            require_apps_group: true,
        }
    }
}

/// IAM-5: the sheet's password policy table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordPolicyConfig {
    pub minimum_length: i32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    /// The sheet: passwords do NOT expire (CIS 1.2 says the opposite).
    pub expire_passwords: bool,
    /// The sheet: no administrator reset on expiry.
    pub hard_expiry: bool,
    pub allow_users_to_change: bool,
    /// How many previous passwords may not be reused; 0 turns the item off.
    pub reuse_prevention: i32,
}

impl Default for PasswordPolicyConfig {
    fn default() -> Self {
        PasswordPolicyConfig {
            minimum_length: 14,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            expire_passwords: false,
            hard_expiry: false,
            allow_users_to_change: true,
            reuse_prevention: 24,
        }
    }
}

/// A config file that could not be used, with where.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// toml's message already carries the line, the column and a caret.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::from_toml(&text, &path.display().to_string())
    }

    /// Parses and validates; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: origin.to_owned(),
            message: e.to_string(),
        })?;
        config.validate().map_err(|message| ConfigError::Invalid {
            path: origin.to_owned(),
            message,
        })?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        let iam = &self.iam;
        if iam.min_administrators == 0 {
            return Err("iam.min_administrators must be at least 1".into());
        }
        for (key, days) in [
            ("iam.access_key_max_age_days", iam.access_key_max_age_days),
            ("iam.access_key_unused_days", iam.access_key_unused_days),
            ("iam.root_recent_use_days", iam.root_recent_use_days),
        ] {
            if days < 1 {
                return Err(format!("{key} must be at least 1 (got {days})"));
            }
        }
        let pp = &iam.password_policy;
        if !(6..=128).contains(&pp.minimum_length) {
            return Err(format!(
                "iam.password_policy.minimum_length must be 6 to 128, as IAM allows (got {})",
                pp.minimum_length
            ));
        }
        if !(0..=24).contains(&pp.reuse_prevention) {
            return Err(format!(
                "iam.password_policy.reuse_prevention must be 0 to 24, as IAM allows (got {})",
                pp.reuse_prevention
            ));
        }
        self.services.patching.validate()?;
        self.services.anti_malware.validate()?;
        let network = &self.network;
        for (index, flow) in network.flows.iter().enumerate() {
            crate::network::protocol(&flow.protocol)
                .map_err(|e| format!("network.flows[{index}] (`{}`): {e}", flow.name))?;
        }
        for (index, rule) in network.baseline_deny.iter().enumerate() {
            crate::network::protocol(&rule.protocol)
                .map_err(|e| format!("network.baseline_deny[{index}]: {e}"))?;
            rule.cidr
                .parse::<kensa_net::Cidr>()
                .map_err(|e| format!("network.baseline_deny[{index}]: `{}`: {e}", rule.cidr))?;
        }
        for (index, boundary) in network.subnet_boundaries.iter().enumerate() {
            for allow in &boundary.allow {
                crate::network::protocol(&allow.protocol).map_err(|e| {
                    format!(
                        "network.subnet_boundaries[{index}] (`{}`): {e}",
                        boundary.name
                    )
                })?;
            }
        }
        for (index, exception) in self.exceptions.iter().enumerate() {
            crate::exceptions::compile(index, exception)?;
        }
        let mut ids = std::collections::HashSet::new();
        for exception in &self.exceptions {
            if !ids.insert(exception.id.as_str()) {
                return Err(format!(
                    "exceptions: the id `{}` is used twice; each exception needs its own",
                    exception.id
                ));
            }
        }
        for (index, rule) in self.detect.rules.iter().enumerate() {
            if rule.name.trim().is_empty() {
                return Err(format!("detect.rules[{index}]: name is empty"));
            }
            if rule.filter_pattern.is_some() == rule.event_pattern.is_some() {
                return Err(format!(
                    "detect.rules[{index}] (`{}`): give exactly one of filter_pattern and event_pattern",
                    rule.name
                ));
            }
            if let Some(earlier) = self.detect.rules[..index]
                .iter()
                .position(|r| r.name == rule.name)
            {
                return Err(format!(
                    "detect.rules[{index}]: the name `{}` is already used by detect.rules[{earlier}]",
                    rule.name
                ));
            }
        }
        self.encryption.s3_require_kms.validate()?;
        globset::Glob::new(&iam.groups.apps.name)
            .map_err(|e| format!("iam.groups.apps.name is not a valid pattern: {e}"))?;
        for duty in Duty::ALL {
            if iam.groups.get(duty).name.trim().is_empty() {
                return Err(format!("iam.groups.{}.name is empty", duty.key()));
            }
        }
        Ok(())
    }
}

/// What `kensa init` writes: every key with the sheet's value and why.
pub const DEFAULT_CONFIG_TOML: &str = r#"# kensa.toml: the security design sheet's parameters for this system.
# Every value below is the sheet's default; change what your system's sheet
# changes. Unknown keys are errors, so a typo never silently falls back.

[iam]
# IAM-2: Administrators has at least this many members (最低2名に割り当てる).
min_administrators = 2
# IAM-8: active access keys older than this many days fail (rotate them).
access_key_max_age_days = 90
# IAM-8: active access keys unused for this many days are reported.
access_key_unused_days = 90
# IAM-7: any root sign-in or root key use within this many days fails.
root_recent_use_days = 90

# IAM-1: one group per duty. `excluded_actions` lists actions the duty must
# not have; omit it to use the sheet's list for that duty (see
# `kensa explain iam-duty-group-privilege`).
[iam.groups]
# Fail when no group matches the application pattern below.
require_apps_group = true

[iam.groups.administrators]
name = "Administrators"

[iam.groups.infra_admins]
name = "InfraAdmins"

[iam.groups.security_admins]
name = "SecurityAdmins"

[iam.groups.iam_admins]
name = "IAMAdmins"

[iam.groups.operators]
name = "Operators"

[iam.groups.apps]
# A pattern: one group per application, e.g. BillingApps, PortalApps.
name = "*Apps"

# IAM-5: the sheet's password policy. Passwords do NOT expire.
[iam.password_policy]
minimum_length = 14
require_uppercase = true
require_lowercase = true
require_numbers = true
require_symbols = true
expire_passwords = false
hard_expiry = false
allow_users_to_change = true
# Number of previous passwords that cannot be reused (0 = off).
reuse_prevention = 24

# NET-1 / NET-2: network security.
[network]
# With no [[network.flows]], NET-1 fails internet exposure other than these
# ports, admin and database ports open beyond the VPC, full port ranges and
# rules on default groups, and leaves "only what is needed" to a person.
public_ports = [80, 443]
admin_ports = [22, 3389]
database_ports = [1433, 1521, 3306, 5432, 5439, 6379, 9200, 9300, 11211, 27017]
# Judge egress rules against the flow matrix too.
check_egress = true
# Stateless ACLs must let return traffic in; boundaries do not count it.
ephemeral_ports = "1024-65535"

# What every subnet's network ACL must deny inbound (NET-2).
[[network.baseline_deny]]
protocol = "tcp"
ports = 22
cidr = "0.0.0.0/0"

[[network.baseline_deny]]
protocol = "tcp"
ports = 22
cidr = "::/0"

[[network.baseline_deny]]
protocol = "tcp"
ports = 3389
cidr = "0.0.0.0/0"

[[network.baseline_deny]]
protocol = "tcp"
ports = 3389
cidr = "::/0"

# The sheet's communication table: one entry per needed flow. Endpoints:
# internet, cidr:CIDR, sg:ID, sg-name:NAME, tag:KEY=VALUE, pl:ID.
# [[network.flows]]
# name = "web"
# from = "internet"
# to = "sg-name:alb"
# protocol = "tcp"
# ports = 443
# reason = "the public site"
#
# [[network.flows]]
# name = "app to db"
# from = "sg-name:app"
# to = "sg-name:db"
# ports = 5432
# reason = "the application's database"

# Subnets whose ACL controls who reaches them (NET-2).
# [[network.subnet_boundaries]]
# name = "db tier"
# subnets = "tag:Tier=db"
# reason = "only the app tier reaches the databases"
# allow = [{ from = "cidr:10.0.10.0/24", protocol = "tcp", ports = 5432 }]

# Accepted findings. A matching exception turns FAIL or MANUAL into
# SUPPRESSED until `expires` (inclusive, judged against the date the data
# was collected). ERROR is never suppressed: nobody knows if it complies.
# `resource` is a glob over the resource's ID, ARN or name.
# [[exceptions]]
# id = "CHG-1234"
# check = "iam-access-key-rotation"    # and/or requirement = "IAM-8"
# resource = "arn:aws:iam::*:user/legacy-batch"
# region = "global"                    # optional
# reason = "the batch job is replaced in Q1; its key is rotated by hand"
# approver = "ciso@example.com"
# expires = 2027-03-31

# `kensa detect`: rules of your own, run with the sheet's ALM-1..ALM-11.
# Exactly one of filter_pattern (CloudWatch Logs syntax) and event_pattern
# (EventBridge JSON, matched against source aws.<service>, detail = record).
# [[detect.rules]]
# name = "bucket-deleted"
# severity = "HIGH"
# filter_pattern = '{ $.eventName = DeleteBucket }'
# requirement = "ALM-11"
#
# [[detect.rules]]
# name = "root-console-login"
# severity = "CRITICAL"
# event_pattern = '{"detail-type": ["AWS Console Sign In via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}'

# ALM-1..ALM-11: how soon an alarm on a suspicious operation must fire.
[alarms]
# Every alarm must go off when this many of its events happen in one period.
events_to_alarm = 1
# ALM-6: failed console sign-ins in one period that must raise the alarm
# (AWS's CloudTrail alarm template uses 3).
failed_sign_ins_to_alarm = 3

# SVC-1..SVC-7: security services.
[services]
# SVC-6: Security Hub standards that must be enabled, each as a part of the
# standard's ARN: CIS AWS Foundations 1.2, PCI DSS, AWS Foundational
# Security Best Practices.
security_hub_standards = [
  "cis-aws-foundations-benchmark/v/1.2.0",
  "pci-dss/v/",
  "aws-foundational-security-best-practices/v/",
]
# SVC-2: an open critical or high Amazon Inspector finding older than this
# many days (since Inspector first observed it) fails. 30 days is PCI DSS's
# one month for installing critical security patches.
inspector_max_finding_age_days = 30

# SVC-4: patching with Systems Manager. Patch groups are the values of the
# instances' `Patch Group` (or `PatchGroup`) tag; `*` matches any run of
# characters. Patches go to verification first, production after.
[services.patching]
verification_patch_groups = ["staging*", "stg*", "verification*"]
production_patch_groups = ["production*", "prod*"]
# SSM documents whose State Manager associations turn the OS's own automatic
# updates off (e.g. "Custom-DisableAutomaticUpdates"). None: MANUAL.
os_auto_update_off_documents = []

# MAL-1: installed application names (SSM inventory) that are an anti-malware
# agent. Case does not matter; without `*`, a name containing the text.
[services.anti_malware]
products = [
  "Deep Security Agent",
  "ds_agent",
  "Trend Micro Cloud One",
  "Trend Micro Vision One",
  "Trend Micro Apex One",
  "CrowdStrike",
  "falcon-sensor",
  "Microsoft Defender",
  "mdatp",
  "Sophos",
  "SentinelOne",
  "SentinelAgent",
  "Symantec Endpoint Protection",
  "Trellix",
  "McAfee Endpoint Security",
]

# ENC-1 / ENC-2: data encryption. S3's own keys (SSE-S3) satisfy the sheet;
# list buckets whose default encryption must use AWS KMS instead. Data an
# application encrypts itself (client-side) is invisible to kensa: record it
# as an [[exceptions]] entry for the resource, with that reason.
[encryption.s3_require_kms]
# Bucket name patterns, e.g. ["payroll-*"].
buckets = []
# Tags, KEY=VALUE or KEY for any value, e.g. ["classification=confidential"].
tags = []
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_template_is_the_default() {
        let parsed = Config::from_toml(DEFAULT_CONFIG_TOML, "kensa.toml").unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn empty_file_is_the_default() {
        assert_eq!(Config::from_toml("", "k.toml").unwrap(), Config::default());
    }

    #[test]
    fn unknown_key_says_where() {
        let err = Config::from_toml("[iam]\nmin_administrator = 3\n", "k.toml").unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("k.toml: TOML parse error at line 2, column 1"),
            "{message}"
        );
        assert!(
            message.contains("unknown field `min_administrator`"),
            "{message}"
        );
    }

    #[test]
    fn mistyped_value_says_where() {
        let err = Config::from_toml("[iam.password_policy]\nminimum_length = \"14\"\n", "k.toml")
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("line 2, column 18"), "{message}");
        assert!(
            message.contains("invalid type: string \"14\", expected i32"),
            "{message}"
        );
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let err =
            Config::from_toml("[iam.password_policy]\nminimum_length = 4\n", "k.toml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "k.toml: iam.password_policy.minimum_length must be 6 to 128, as IAM allows (got 4)"
        );
    }

    #[test]
    fn exceptions_parse_with_a_toml_date_or_a_string() {
        let text = "[[exceptions]]\nid = \"CHG-1\"\ncheck = \"iam-root-mfa\"\nresource = \"*\"\nreason = \"r\"\napprover = \"a\"\nexpires = 2027-03-31\n\n[[exceptions]]\nid = \"CHG-2\"\nrequirement = \"IAM-8\"\nresource = \"ci-*\"\nreason = \"r\"\napprover = \"a\"\nexpires = \"2027-04-01\"\n";
        let config = Config::from_toml(text, "k.toml").unwrap();
        assert_eq!(config.exceptions.len(), 2);
        assert_eq!(config.exceptions[0].expires, "2027-03-31");
        assert_eq!(config.exceptions[1].expires, "2027-04-01");
    }

    #[test]
    fn invalid_exceptions_say_which_and_what() {
        let base = "[[exceptions]]\nid = \"CHG-1\"\ncheck = \"iam-root-mfa\"\nresource = \"*\"\napprover = \"a\"\n";
        let err = |extra: &str| {
            Config::from_toml(&format!("{base}{extra}"), "k.toml")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("expires = 2027-03-31\n"),
            "k.toml: exceptions[0] (`CHG-1`): `reason` is missing: say why the finding is accepted"
        );
        assert_eq!(
            err("reason = \"r\"\nexpires = \"31/03/2027\"\n"),
            "k.toml: exceptions[0] (`CHG-1`): `expires` = `31/03/2027` is not a date YYYY-MM-DD (input contains invalid characters)"
        );
        let message = err("reason = \"r\"\nexpires = 2027\n");
        assert!(message.contains("line 7, column 11"), "{message}");
        assert!(
            message.contains("expected a date YYYY-MM-DD, found integer"),
            "{message}"
        );
        let message = err("reason = \"r\"\nexpires = 2027-03-31\nowner = \"x\"\n");
        assert!(message.contains("unknown field `owner`"), "{message}");
        let twice = format!(
            "{base}reason = \"r\"\nexpires = 2027-03-31\n\n{base}reason = \"r\"\nexpires = 2027-03-31\n"
        );
        assert_eq!(
            Config::from_toml(&twice, "k.toml").unwrap_err().to_string(),
            "k.toml: exceptions: the id `CHG-1` is used twice; each exception needs its own"
        );
    }

    #[test]
    fn detect_rules_need_exactly_one_pattern_and_distinct_names() {
        let config = Config::from_toml(
            "[[detect.rules]]\nname = \"x\"\nseverity = \"HIGH\"\nfilter_pattern = \"{ $.a = 1 }\"\n",
            "k.toml",
        )
        .unwrap();
        assert_eq!(config.detect.rules[0].severity, crate::Severity::High);
        let both = "[[detect.rules]]\nname = \"x\"\nseverity = \"LOW\"\nfilter_pattern = \"a\"\nevent_pattern = \"{}\"\n";
        assert_eq!(
            Config::from_toml(both, "k.toml").unwrap_err().to_string(),
            "k.toml: detect.rules[0] (`x`): give exactly one of filter_pattern and event_pattern"
        );
        let twice = "[[detect.rules]]\nname = \"x\"\nseverity = \"LOW\"\nfilter_pattern = \"a\"\n[[detect.rules]]\nname = \"x\"\nseverity = \"LOW\"\nfilter_pattern = \"b\"\n";
        assert_eq!(
            Config::from_toml(twice, "k.toml").unwrap_err().to_string(),
            "k.toml: detect.rules[1]: the name `x` is already used by detect.rules[0]"
        );
    }

    #[test]
    fn the_commented_exception_example_is_valid() {
        let example: String = DEFAULT_CONFIG_TOML
            .lines()
            .skip_while(|l| *l != "# [[exceptions]]")
            .take_while(|l| !l.is_empty())
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        let config = Config::from_toml(&example, "example").unwrap();
        assert_eq!(config.exceptions.len(), 1);
        assert_eq!(config.exceptions[0].id, "CHG-1234");
    }

    #[test]
    fn partial_duty_group_keeps_the_sheet_exclusions() {
        let config =
            Config::from_toml("[iam.groups.infra_admins]\nname = \"Infra\"\n", "k.toml").unwrap();
        assert_eq!(config.iam.groups.infra_admins.name, "Infra");
        assert!(
            config
                .iam
                .groups
                .excluded_actions(Duty::InfraAdmins)
                .contains(&"iam:CreateUser".to_owned())
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A config file is user input: any text is a config or an error
        /// that names the file, never a panic.
        #[test]
        fn arbitrary_toml_never_panics(text in "(\\[iam[a-z_.]*\\]\n)?([a-z_]{1,20} = [a-z0-9\"\\[\\],]{0,10}\n){0,6}") {
            if let Err(e) = Config::from_toml(&text, "k.toml") {
                prop_assert!(e.to_string().starts_with("k.toml: "));
            }
        }
    }
}
