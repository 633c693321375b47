//! Logical access (論理アクセス): IAM-1 to IAM-8.

pub mod access_key_rotation;
pub mod access_key_unused;
pub mod administrators_members;
pub mod administrators_not_in_daily_use;
pub mod console_user_mfa;
pub mod console_user_no_direct_policies;
pub mod duty_group_privilege;
pub mod duty_groups_exist;
pub mod password_policy;
pub mod root_access_keys;
pub mod root_holder_separation;
pub mod root_mfa;
pub mod root_recent_use;
pub mod user_console_and_keys;
pub mod user_in_group;

use kensa_snapshot::{Group, Missing, User};

use crate::{CheckMeta, Context, Finding, GLOBAL_REGION, Resource};

pub(crate) fn user_resource(user: &User) -> Resource {
    Resource {
        kind: "AWS::IAM::User".to_owned(),
        id: user.id.clone(),
        arn: Some(user.arn.clone()),
        name: Some(user.name.clone()),
        region: GLOBAL_REGION.to_owned(),
    }
}

pub(crate) fn group_resource(group: &Group) -> Resource {
    Resource {
        kind: "AWS::IAM::Group".to_owned(),
        id: group.id.clone(),
        arn: Some(group.arn.clone()),
        name: Some(group.name.clone()),
        region: GLOBAL_REGION.to_owned(),
    }
}

/// A group the sheet asks for that the account may not have: named by the
/// configured name, since it has no ID or ARN of its own.
pub(crate) fn missing_group_resource(name: &str) -> Resource {
    Resource {
        kind: "AWS::IAM::Group".to_owned(),
        id: name.to_owned(),
        arn: None,
        name: Some(name.to_owned()),
        region: GLOBAL_REGION.to_owned(),
    }
}

/// The account's users, or the ERROR finding every per-user check gives
/// when they could not be read.
pub(crate) fn users_or_error<'a>(
    ctx: &Context<'a>,
    meta: &CheckMeta,
) -> Result<&'a [User], Box<Finding>> {
    ctx.snapshot
        .iam
        .users
        .get()
        .map(Vec::as_slice)
        .map_err(|missing| {
            meta.missing(
                ctx.account_resource("AWS::::Account", "IAM users"),
                missing,
                "iam:GetAccountAuthorizationDetails",
            )
        })
        .map_err(Box::new)
}

/// Whether a user can sign in to the console, as far as the data says.
pub(crate) fn has_console_password(user: &User) -> Result<bool, Missing<'_>> {
    user.login_profile.get().map(Option::is_some)
}

/// Whether a user holds an active access key, as far as the data says.
pub(crate) fn has_active_key(user: &User) -> Result<bool, Missing<'_>> {
    user.access_keys
        .get()
        .map(|keys| keys.iter().any(|k| k.is_active()))
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Small snapshots for the checks' unit tests.
    use chrono::{DateTime, TimeZone, Utc};
    use kensa_snapshot::{
        AccessKey, AccessKeyLastUsed, Account, AttachedPolicy, CallError, Collected, Group,
        LoginProfile, MfaDevice, Snapshot, User,
    };

    use crate::{Config, Context, Finding, Status};

    pub fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
    }

    pub fn days_ago(days: i64) -> DateTime<Utc> {
        now() - chrono::Duration::days(days)
    }

    pub fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("test", now());
        s.account = Collected::Value(Account {
            id: "123456789012".into(),
            partition: "aws".into(),
            caller_arn: "arn:aws:iam::123456789012:user/auditor".into(),
        });
        s.iam.users = Collected::Value(vec![]);
        s.iam.groups = Collected::Value(vec![]);
        s.iam.policies = Collected::Value(vec![]);
        s
    }

    pub fn user(name: &str) -> User {
        User {
            name: name.into(),
            id: format!("AIDA{}", name.to_uppercase()),
            arn: format!("arn:aws:iam::123456789012:user/{name}"),
            path: "/".into(),
            created: days_ago(400),
            groups: vec![],
            attached_policies: vec![],
            inline_policies: vec![],
            login_profile: Collected::Value(None),
            access_keys: Collected::Value(vec![]),
            mfa_devices: Collected::Value(vec![]),
        }
    }

    pub fn console(mut u: User) -> User {
        u.login_profile = Collected::Value(Some(LoginProfile {
            created: days_ago(300),
            password_reset_required: false,
        }));
        u
    }

    pub fn with_mfa(mut u: User) -> User {
        u.mfa_devices = Collected::Value(vec![MfaDevice {
            serial_number: format!("arn:aws:iam::123456789012:mfa/{}", u.name),
            enabled: days_ago(200),
        }]);
        u
    }

    pub fn with_key(mut u: User, id: &str, age_days: i64, last_used_days: Option<i64>) -> User {
        let key = AccessKey {
            id: id.into(),
            status: "Active".into(),
            created: days_ago(age_days),
            last_used: Collected::Value(last_used_days.map(|d| AccessKeyLastUsed {
                date: days_ago(d),
                service: Some("s3".into()),
                region: Some("ap-northeast-1".into()),
            })),
        };
        match &mut u.access_keys {
            Collected::Value(keys) => keys.push(key),
            _ => u.access_keys = Collected::Value(vec![key]),
        }
        u
    }

    pub fn in_groups(mut u: User, groups: &[&str]) -> User {
        u.groups = groups.iter().map(|g| (*g).to_owned()).collect();
        u
    }

    pub fn attached(name: &str) -> AttachedPolicy {
        let arn = if name.starts_with("Customer") {
            format!("arn:aws:iam::123456789012:policy/{name}")
        } else {
            format!("arn:aws:iam::aws:policy/{name}")
        };
        AttachedPolicy {
            name: name.into(),
            arn,
        }
    }

    pub fn group(name: &str, policies: &[&str]) -> Group {
        Group {
            name: name.into(),
            id: format!("AGPA{}", name.to_uppercase()),
            arn: format!("arn:aws:iam::123456789012:group/{name}"),
            path: "/".into(),
            created: days_ago(500),
            attached_policies: policies.iter().map(|p| attached(p)).collect(),
            inline_policies: vec![],
        }
    }

    pub fn denied(operation: &str, resource: Option<&str>) -> CallError {
        CallError {
            service: "iam".into(),
            operation: operation.into(),
            region: None,
            resource: resource.map(str::to_owned),
            code: "AccessDenied".into(),
            message: "not authorized".into(),
        }
    }

    pub fn users(s: &mut Snapshot, users: Vec<User>) {
        s.iam.users = Collected::Value(users);
    }

    /// Runs one check with the default (sheet) configuration.
    pub fn run_check(check: &crate::Check, snapshot: &Snapshot) -> Vec<Finding> {
        run_with(check, snapshot, &Config::default())
    }

    pub fn run_with(check: &crate::Check, snapshot: &Snapshot, config: &Config) -> Vec<Finding> {
        let findings = (check.run)(&Context::new(snapshot, config));
        for f in &findings {
            assert_eq!(f.check_id, check.meta.id);
            assert!(!f.message.en.is_empty() && !f.message.ja.is_empty());
            assert!(
                f.evidence.is_object(),
                "{}: evidence {}",
                f.check_id,
                f.evidence
            );
        }
        findings
    }

    /// (resource name, status) pairs, for compact assertions.
    pub fn verdicts(findings: &[Finding]) -> Vec<(String, Status)> {
        findings
            .iter()
            .map(|f| (f.resource.name.clone().unwrap_or_default(), f.status))
            .collect()
    }
}
