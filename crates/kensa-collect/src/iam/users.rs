//! Per-user calls: console password, access keys and their last use, MFA.

use aws_sdk_iam::Client;
use futures::future::join_all;
use futures::join;
use kensa_snapshot::{
    AccessKey, AccessKeyLastUsed, CallError, Collected, LoginProfile, MfaDevice, User,
};

use crate::call::{Call, Caller, none_if_no_such_entity, required_date, to_chrono};

/// Fills in each user's login profile, access keys and MFA devices. Users
/// are read concurrently; the caller's semaphore bounds the calls.
pub(crate) async fn with_credentials(caller: &Caller, iam: &Client, users: Vec<User>) -> Vec<User> {
    if !users.is_empty() {
        caller
            .progress()
            .phase("IAM users' passwords, access keys and MFA");
    }
    join_all(
        users
            .into_iter()
            .map(|user| with_user_credentials(caller, iam, user)),
    )
    .await
}

async fn with_user_credentials(caller: &Caller, iam: &Client, mut user: User) -> User {
    let (login_profile, access_keys, mfa_devices) = join!(
        login_profile(caller, iam, &user.name),
        access_keys(caller, iam, &user.name),
        mfa_devices(caller, iam, &user.name),
    );
    user.login_profile = login_profile.into();
    user.access_keys = access_keys.into();
    user.mfa_devices = mfa_devices.into();
    user
}

/// `iam:GetLoginProfile`; `None` when the user has no console password.
async fn login_profile(
    caller: &Caller,
    iam: &Client,
    user_name: &str,
) -> Result<Option<LoginProfile>, CallError> {
    let call = Call::iam("GetLoginProfile").on(user_name);
    let output = caller
        .call(&call, iam.get_login_profile().user_name(user_name).send())
        .await;
    let Some(output) = none_if_no_such_entity(output)? else {
        return Ok(None);
    };
    let profile = output
        .login_profile
        .ok_or_else(|| call.malformed("no LoginProfile in the response"))?;
    Ok(Some(LoginProfile {
        created: to_chrono(&profile.create_date),
        password_reset_required: profile.password_reset_required,
    }))
}

/// `iam:ListAccessKeys`, then `iam:GetAccessKeyLastUsed` for each key.
async fn access_keys(
    caller: &Caller,
    iam: &Client,
    user_name: &str,
) -> Result<Vec<AccessKey>, CallError> {
    let call = Call::iam("ListAccessKeys").on(user_name);
    let pages = iam
        .list_access_keys()
        .user_name(user_name)
        .into_paginator()
        .send();
    let pages = caller.all_pages(&call, pages).await?;
    let keys = pages
        .into_iter()
        .flat_map(|page| page.access_key_metadata)
        .map(|key| AccessKey {
            id: key.access_key_id.unwrap_or_default(),
            status: key
                .status
                .map(|status| status.as_str().to_owned())
                .unwrap_or_default(),
            created: required_date(key.create_date.as_ref()),
            last_used: Collected::NotCollected,
        });
    let mut keys: Vec<AccessKey> = join_all(keys.map(|mut key| async {
        key.last_used = last_used(caller, iam, user_name, &key.id).await.into();
        key
    }))
    .await;
    keys.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(keys)
}

/// `iam:GetAccessKeyLastUsed`; `None` when the key was never used.
async fn last_used(
    caller: &Caller,
    iam: &Client,
    user_name: &str,
    key_id: &str,
) -> Result<Option<AccessKeyLastUsed>, CallError> {
    // Naming the user as well as the key lets a reader find the key
    // without searching every user for its ID.
    let call = Call::iam("GetAccessKeyLastUsed").on(format!("{user_name}/{key_id}"));
    let output = caller
        .call(
            &call,
            iam.get_access_key_last_used().access_key_id(key_id).send(),
        )
        .await?;
    let Some(last_used) = output.access_key_last_used else {
        return Ok(None);
    };
    let Some(date) = last_used.last_used_date.as_ref() else {
        return Ok(None);
    };
    Ok(Some(AccessKeyLastUsed {
        date: to_chrono(date),
        service: meaningful(last_used.service_name),
        region: meaningful(last_used.region),
    }))
}

/// IAM says `N/A` where there is nothing to say.
fn meaningful(text: String) -> Option<String> {
    (!text.is_empty() && text != "N/A").then_some(text)
}

/// `iam:ListMFADevices`: the user's MFA devices, virtual or hardware.
async fn mfa_devices(
    caller: &Caller,
    iam: &Client,
    user_name: &str,
) -> Result<Vec<MfaDevice>, CallError> {
    let call = Call::iam("ListMFADevices").on(user_name);
    let pages = iam
        .list_mfa_devices()
        .user_name(user_name)
        .into_paginator()
        .send();
    let pages = caller.all_pages(&call, pages).await?;
    let mut devices: Vec<MfaDevice> = pages
        .into_iter()
        .flat_map(|page| page.mfa_devices)
        .map(|device| MfaDevice {
            serial_number: device.serial_number,
            enabled: to_chrono(&device.enable_date),
        })
        .collect();
    devices.sort_by(|a, b| a.serial_number.cmp(&b.serial_number));
    Ok(devices)
}
