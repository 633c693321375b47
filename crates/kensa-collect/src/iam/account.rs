//! Account-wide IAM reads: password policy, credential report, account
//! summary, virtual MFA devices.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_iam::Client;
use aws_sdk_iam::types::ReportStateType;
use chrono::Utc;
use kensa_snapshot::{CallError, CredentialReport, PasswordPolicy, VirtualMfaDevice};

use crate::call::{Call, Caller, MALFORMED_RESPONSE, none_if_no_such_entity, to_chrono};

/// IAM usually builds the report within seconds; past this many polls
/// kensa asks for it anyway and records whatever IAM answers.
const REPORT_POLLS: u32 = 10;
const REPORT_POLL_INTERVAL: Duration = Duration::from_millis(1500);

/// `iam:GetAccountPasswordPolicy`; `None` when the account has none.
pub(crate) async fn password_policy(
    caller: &Caller,
    iam: &Client,
) -> Result<Option<PasswordPolicy>, CallError> {
    let call = Call::iam("GetAccountPasswordPolicy");
    let output = caller
        .call(&call, iam.get_account_password_policy().send())
        .await;
    let Some(output) = none_if_no_such_entity(output)? else {
        return Ok(None);
    };
    let policy = output
        .password_policy
        .ok_or_else(|| call.malformed("no PasswordPolicy in the response"))?;
    Ok(Some(PasswordPolicy {
        minimum_password_length: policy.minimum_password_length,
        require_symbols: policy.require_symbols,
        require_numbers: policy.require_numbers,
        require_uppercase_characters: policy.require_uppercase_characters,
        require_lowercase_characters: policy.require_lowercase_characters,
        allow_users_to_change_password: policy.allow_users_to_change_password,
        expire_passwords: policy.expire_passwords,
        max_password_age: policy.max_password_age,
        password_reuse_prevention: policy.password_reuse_prevention,
        hard_expiry: policy.hard_expiry,
    }))
}

/// `iam:GenerateCredentialReport` until the report is ready, then
/// `iam:GetCredentialReport`, parsed.
pub(crate) async fn credential_report(
    caller: &Caller,
    iam: &Client,
) -> Result<CredentialReport, CallError> {
    let generate = Call::iam("GenerateCredentialReport");
    for poll in 1..=REPORT_POLLS {
        let output = caller
            .call(&generate, iam.generate_credential_report().send())
            .await?;
        if output.state == Some(ReportStateType::Complete) || poll == REPORT_POLLS {
            break;
        }
        caller
            .progress()
            .phase("waiting for the IAM credential report");
        // Sleeping outside the call keeps the permit free for other calls.
        tokio::time::sleep(REPORT_POLL_INTERVAL).await;
    }

    let get = Call::iam("GetCredentialReport");
    let output = caller
        .call(&get, iam.get_credential_report().send())
        .await?;
    let content = output
        .content
        .ok_or_else(|| get.malformed("no Content in the response"))?;
    // A report without a generation time is still useful; "now" is at
    // most the few seconds of polling off.
    let generated_at = output
        .generated_time
        .as_ref()
        .map(to_chrono)
        .unwrap_or_else(Utc::now);
    let text = String::from_utf8_lossy(content.as_ref());
    CredentialReport::parse_csv(generated_at, &text)
        .map_err(|error| get.error(MALFORMED_RESPONSE, error.to_string()))
}

/// `iam:GetAccountSummary`: entity counts and quotas by name.
pub(crate) async fn account_summary(
    caller: &Caller,
    iam: &Client,
) -> Result<BTreeMap<String, i64>, CallError> {
    let call = Call::iam("GetAccountSummary");
    let output = caller.call(&call, iam.get_account_summary().send()).await?;
    Ok(output
        .summary_map
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| (key.as_str().to_owned(), i64::from(value)))
        .collect())
}

/// `iam:ListVirtualMFADevices`: assigned and unassigned, with the user
/// each is assigned to (the root user's appears here too).
pub(crate) async fn virtual_mfa_devices(
    caller: &Caller,
    iam: &Client,
) -> Result<Vec<VirtualMfaDevice>, CallError> {
    let call = Call::iam("ListVirtualMFADevices");
    let pages = iam.list_virtual_mfa_devices().into_paginator().send();
    let pages = caller.all_pages(&call, pages).await?;
    let mut devices: Vec<VirtualMfaDevice> = pages
        .into_iter()
        .flat_map(|page| page.virtual_mfa_devices)
        .map(|device| VirtualMfaDevice {
            serial_number: device.serial_number,
            user_arn: device.user.map(|user| user.arn),
            enabled: device.enable_date.as_ref().map(to_chrono),
        })
        .collect();
    devices.sort_by(|a, b| a.serial_number.cmp(&b.serial_number));
    Ok(devices)
}
