//! `iam:GetAccountAuthorizationDetails`, and the AWS managed policies it
//! refers to but does not include.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::Client;
use aws_sdk_iam::types::{
    AttachedPolicy as SdkAttachedPolicy, EntityType, GroupDetail, ManagedPolicyDetail,
    PolicyDetail, RoleDetail, UserDetail,
};
use futures::future::join_all;
use kensa_snapshot::{
    AttachedPolicy, CallError, Collected, Group, InlinePolicy, ManagedPolicy, Role, User,
};
use percent_encoding::percent_decode_str;

use crate::call::{Call, Caller, required_date};

const OPERATION: &str = "GetAccountAuthorizationDetails";

/// Users, groups, roles and customer managed policies, sorted.
#[derive(Debug, Default)]
pub(crate) struct AuthorizationDetails {
    /// Without their per-user data yet (login profile, keys, MFA).
    pub(crate) users: Vec<User>,
    pub(crate) groups: Vec<Group>,
    pub(crate) roles: Vec<Role>,
    pub(crate) local_policies: Vec<ManagedPolicy>,
}

impl AuthorizationDetails {
    /// AWS managed policies attached to a user, group or role, by ARN with
    /// their names. The filter asks only for customer managed policies, so
    /// these have to be read one by one.
    pub(crate) fn attached_aws_managed_policies(&self) -> BTreeMap<String, String> {
        let known: BTreeSet<&str> = self
            .local_policies
            .iter()
            .map(|policy| policy.arn.as_str())
            .collect();
        self.users
            .iter()
            .flat_map(|user| &user.attached_policies)
            .chain(
                self.groups
                    .iter()
                    .flat_map(|group| &group.attached_policies),
            )
            .chain(self.roles.iter().flat_map(|role| &role.attached_policies))
            .filter(|policy| is_aws_managed(&policy.arn) && !known.contains(policy.arn.as_str()))
            .map(|policy| (policy.arn.clone(), policy.name.clone()))
            .collect()
    }
}

/// `arn:PARTITION:iam::aws:policy/...`: the account field is `aws`.
fn is_aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws")
}

/// All pages of `iam:GetAccountAuthorizationDetails`.
pub(crate) async fn authorization_details(
    caller: &Caller,
    iam: &Client,
) -> Result<AuthorizationDetails, CallError> {
    let call = Call::iam(OPERATION);
    let pages = iam
        .get_account_authorization_details()
        .filter(EntityType::User)
        .filter(EntityType::Group)
        .filter(EntityType::Role)
        .filter(EntityType::LocalManagedPolicy)
        .into_paginator()
        .send();
    let pages = caller.all_pages(&call, pages).await?;

    let mut details = AuthorizationDetails::default();
    for page in pages {
        details.users.extend(
            page.user_detail_list
                .unwrap_or_default()
                .into_iter()
                .map(user),
        );
        details.groups.extend(
            page.group_detail_list
                .unwrap_or_default()
                .into_iter()
                .map(group),
        );
        details.roles.extend(
            page.role_detail_list
                .unwrap_or_default()
                .into_iter()
                .map(role),
        );
        details.local_policies.extend(
            page.policies
                .unwrap_or_default()
                .into_iter()
                .map(|policy| local_policy(&call, policy)),
        );
    }
    details.users.sort_by(|a, b| a.name.cmp(&b.name));
    details.groups.sort_by(|a, b| a.name.cmp(&b.name));
    details.roles.sort_by(|a, b| a.name.cmp(&b.name));
    details.local_policies.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(details)
}

fn user(detail: UserDetail) -> User {
    let mut groups = detail.group_list.unwrap_or_default();
    groups.sort();
    User {
        name: detail.user_name.unwrap_or_default(),
        id: detail.user_id.unwrap_or_default(),
        arn: detail.arn.unwrap_or_default(),
        path: detail.path.unwrap_or_else(root_path),
        created: required_date(detail.create_date.as_ref()),
        groups,
        attached_policies: attached(detail.attached_managed_policies),
        inline_policies: inline(detail.user_policy_list),
        login_profile: Collected::NotCollected,
        access_keys: Collected::NotCollected,
        mfa_devices: Collected::NotCollected,
    }
}

fn group(detail: GroupDetail) -> Group {
    Group {
        name: detail.group_name.unwrap_or_default(),
        id: detail.group_id.unwrap_or_default(),
        arn: detail.arn.unwrap_or_default(),
        path: detail.path.unwrap_or_else(root_path),
        created: required_date(detail.create_date.as_ref()),
        attached_policies: attached(detail.attached_managed_policies),
        inline_policies: inline(detail.group_policy_list),
    }
}

fn role(detail: RoleDetail) -> Role {
    Role {
        name: detail.role_name.unwrap_or_default(),
        id: detail.role_id.unwrap_or_default(),
        arn: detail.arn.unwrap_or_default(),
        path: detail.path.unwrap_or_else(root_path),
        created: required_date(detail.create_date.as_ref()),
        assume_role_policy: detail
            .assume_role_policy_document
            .as_deref()
            .map(decode_policy_document),
        attached_policies: attached(detail.attached_managed_policies),
        inline_policies: inline(detail.role_policy_list),
    }
}

fn local_policy(call: &Call, detail: ManagedPolicyDetail) -> ManagedPolicy {
    let arn = detail.arn.unwrap_or_default();
    let default_version = detail
        .policy_version_list
        .unwrap_or_default()
        .into_iter()
        .find(|version| version.is_default_version);
    let document = match default_version.and_then(|version| version.document) {
        Some(document) => Collected::Value(decode_policy_document(&document)),
        None => Collected::Error(
            call.clone()
                .on(arn.clone())
                .malformed("no document for the default policy version"),
        ),
    };
    ManagedPolicy {
        name: detail.policy_name.unwrap_or_default(),
        arn,
        default_version_id: detail.default_version_id,
        attachment_count: detail.attachment_count,
        document,
    }
}

/// `iam:GetPolicy` and `iam:GetPolicyVersion` for each AWS managed policy,
/// concurrently; a failure is recorded on that policy alone.
pub(crate) async fn aws_managed_policies(
    caller: &Caller,
    iam: &Client,
    names_by_arn: BTreeMap<String, String>,
) -> Vec<ManagedPolicy> {
    if !names_by_arn.is_empty() {
        caller.progress().phase("AWS managed policies");
    }
    join_all(
        names_by_arn
            .into_iter()
            .map(|(arn, name)| aws_managed_policy(caller, iam, arn, name)),
    )
    .await
}

async fn aws_managed_policy(
    caller: &Caller,
    iam: &Client,
    arn: String,
    name: String,
) -> ManagedPolicy {
    let mut managed = ManagedPolicy {
        name,
        arn,
        default_version_id: None,
        attachment_count: None,
        document: Collected::NotCollected,
    };
    let get_policy = Call::iam("GetPolicy").on(managed.arn.clone());
    let policy = match caller
        .call(
            &get_policy,
            iam.get_policy().policy_arn(&managed.arn).send(),
        )
        .await
    {
        Ok(output) => output.policy,
        Err(error) => {
            managed.document = Collected::Error(error);
            return managed;
        }
    };
    let Some(policy) = policy else {
        managed.document = Collected::Error(get_policy.malformed("no Policy in the response"));
        return managed;
    };
    if let Some(name) = policy.policy_name {
        managed.name = name;
    }
    managed.attachment_count = policy.attachment_count;
    managed.default_version_id = policy.default_version_id;
    let Some(version_id) = managed.default_version_id.clone() else {
        managed.document =
            Collected::Error(get_policy.malformed("no DefaultVersionId in the response"));
        return managed;
    };

    let get_version = Call::iam("GetPolicyVersion").on(managed.arn.clone());
    let version = caller
        .call(
            &get_version,
            iam.get_policy_version()
                .policy_arn(&managed.arn)
                .version_id(version_id)
                .send(),
        )
        .await;
    managed.document = match version {
        Ok(output) => match output.policy_version.and_then(|version| version.document) {
            Some(document) => Collected::Value(decode_policy_document(&document)),
            None => Collected::Error(get_version.malformed("no policy document in the response")),
        },
        Err(error) => Collected::Error(error),
    };
    managed
}

fn attached(policies: Option<Vec<SdkAttachedPolicy>>) -> Vec<AttachedPolicy> {
    let mut attached: Vec<AttachedPolicy> = policies
        .unwrap_or_default()
        .into_iter()
        .map(|policy| AttachedPolicy {
            name: policy.policy_name.unwrap_or_default(),
            arn: policy.policy_arn.unwrap_or_default(),
        })
        .collect();
    attached.sort_by(|a, b| a.arn.cmp(&b.arn));
    attached
}

fn inline(policies: Option<Vec<PolicyDetail>>) -> Vec<InlinePolicy> {
    let mut inline: Vec<InlinePolicy> = policies
        .unwrap_or_default()
        .into_iter()
        .map(|policy| InlinePolicy {
            name: policy.policy_name.unwrap_or_default(),
            document: decode_policy_document(policy.policy_document.as_deref().unwrap_or("")),
        })
        .collect();
    inline.sort_by(|a, b| a.name.cmp(&b.name));
    inline
}

fn root_path() -> String {
    "/".to_owned()
}

/// IAM returns policy documents URL-encoded (RFC 3986). Some
/// AWS-compatible endpoints return them as plain JSON, and decoding plain
/// JSON would corrupt any literal `%` in it, so only text that does not
/// already look like a JSON object is decoded.
pub(crate) fn decode_policy_document(text: &str) -> String {
    if text.trim_start().starts_with('{') {
        text.to_owned()
    } else {
        percent_decode_str(text).decode_utf8_lossy().into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_documents_are_decoded() {
        assert_eq!(
            decode_policy_document("%7B%22Version%22%3A%222012-10-17%22%7D"),
            r#"{"Version":"2012-10-17"}"#
        );
    }

    #[test]
    fn plain_json_documents_are_left_alone() {
        let plain = r#" {"Statement":[{"Resource":"arn:aws:s3:::bucket/100%25"}]}"#;
        assert_eq!(decode_policy_document(plain), plain);
    }

    #[test]
    fn aws_managed_arns_have_aws_as_account() {
        assert!(is_aws_managed("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(is_aws_managed(
            "arn:aws-cn:iam::aws:policy/service-role/AWSConfigRole"
        ));
        assert!(!is_aws_managed("arn:aws:iam::123456789012:policy/mine"));
    }
}
