//! The S3 settings of the buckets CloudTrail delivers to, and the account's
//! public access block (SVC-7: access logging on, not public).

use aws_config::{Region, SdkConfig};
use aws_sdk_s3::types::BucketLocationConstraint;
use futures::future::join_all;
use futures::join;
use kensa_snapshot::services::{Bucket, PublicAccessBlock, TrailBuckets};
use kensa_snapshot::{CallError, Collected};

use crate::call::{Call, Caller};

/// S3's answer when a bucket has no policy: not public by policy.
const NO_SUCH_BUCKET_POLICY: &str = "NoSuchBucketPolicy";
/// S3's and S3 Control's answer when no public access block is set.
const NO_PUBLIC_ACCESS_BLOCK: &str = "NoSuchPublicAccessBlockConfiguration";

/// Grantees that make an ACL grant public.
const PUBLIC_GRANTEES: [&str; 2] = [
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

pub(crate) fn s3_client(sdk: &SdkConfig, region: &str) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .region(Region::new(region.to_owned()))
            // Emulators (moto, LocalStack) serve buckets by path.
            .force_path_style(sdk.endpoint_url().is_some())
            .build(),
    )
}

/// Reads `bucket_names` (deduplicated by the caller) and the account's
/// public access block. `account_id` is `None` when STS could not say who
/// we are; the account-level block is then an error naming that.
pub(crate) async fn collect(
    caller: &Caller,
    sdk: &SdkConfig,
    home_region: &str,
    account_id: Option<&str>,
    bucket_names: &[String],
) -> TrailBuckets {
    let account_block = async {
        let call = Call::regional("s3control", "GetPublicAccessBlock", home_region);
        let Some(account_id) = account_id else {
            return Err(call.error(
                "NoAccountId",
                "sts:GetCallerIdentity failed, so the account ID is unknown",
            ));
        };
        let client = aws_sdk_s3control::Client::from_conf(
            aws_sdk_s3control::config::Builder::from(sdk)
                .region(Region::new(home_region.to_owned()))
                .build(),
        );
        match caller
            .call(
                &call,
                client
                    .get_public_access_block()
                    .account_id(account_id)
                    .send(),
            )
            .await
        {
            Ok(out) => Ok(out
                .public_access_block_configuration
                .map(|c| PublicAccessBlock {
                    block_public_acls: c.block_public_acls.unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls.unwrap_or(false),
                    block_public_policy: c.block_public_policy.unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets.unwrap_or(false),
                })),
            Err(e) if e.code == NO_PUBLIC_ACCESS_BLOCK => Ok(None),
            Err(e) => Err(e),
        }
    };
    let home = s3_client(sdk, home_region);
    let buckets = join_all(bucket_names.iter().map(|name| {
        let home = &home;
        async move {
            (
                name.clone(),
                bucket(caller, sdk, home, home_region, name).await,
            )
        }
    }));
    let (account_block, buckets) = join!(account_block, buckets);
    TrailBuckets {
        account_public_access_block: account_block.into(),
        buckets: buckets.into_iter().collect(),
    }
}

/// Where a bucket lives (`s3:GetBucketLocation`, asked in the home
/// region): a bucket answers only in its own region.
pub(crate) async fn bucket_region(
    caller: &Caller,
    home: &aws_sdk_s3::Client,
    home_region: &str,
    name: &str,
) -> Result<String, CallError> {
    let call = Call::regional("s3", "GetBucketLocation", home_region).on(name);
    let out = caller
        .call(&call, home.get_bucket_location().bucket(name).send())
        .await?;
    Ok(match out.location_constraint {
        // No constraint is us-east-1, as S3 has always answered.
        None => "us-east-1".to_owned(),
        Some(BucketLocationConstraint::Eu) => "eu-west-1".to_owned(),
        Some(c) if c.as_str().is_empty() => "us-east-1".to_owned(),
        Some(c) => c.as_str().to_owned(),
    })
}

async fn bucket(
    caller: &Caller,
    sdk: &SdkConfig,
    home: &aws_sdk_s3::Client,
    home_region: &str,
    name: &str,
) -> Bucket {
    let location = match bucket_region(caller, home, home_region, name).await {
        Ok(location) => location,
        Err(e) => {
            return Bucket {
                logging_target: Collected::Error(e.clone()),
                policy_is_public: Collected::Error(e.clone()),
                public_acl_grants: Collected::Error(e.clone()),
                public_access_block: Collected::Error(e),
            };
        }
    };
    let s3 = s3_client(sdk, &location);
    let region = location.as_str();
    let logging = async {
        let call = Call::regional("s3", "GetBucketLogging", region).on(name);
        let out = caller
            .call(&call, s3.get_bucket_logging().bucket(name).send())
            .await?;
        Ok::<_, CallError>(out.logging_enabled.map(|l| l.target_bucket))
    };
    let policy = async {
        let call = Call::regional("s3", "GetBucketPolicyStatus", region).on(name);
        match caller
            .call(&call, s3.get_bucket_policy_status().bucket(name).send())
            .await
        {
            Ok(out) => Ok(out.policy_status.and_then(|s| s.is_public).unwrap_or(false)),
            Err(e) if e.code == NO_SUCH_BUCKET_POLICY => Ok(false),
            Err(e) => Err(e),
        }
    };
    let acl = async {
        let call = Call::regional("s3", "GetBucketAcl", region).on(name);
        let out = caller
            .call(&call, s3.get_bucket_acl().bucket(name).send())
            .await?;
        Ok::<_, CallError>(
            out.grants
                .unwrap_or_default()
                .into_iter()
                .filter_map(|g| {
                    let uri = g.grantee?.uri?;
                    PUBLIC_GRANTEES.contains(&uri.as_str()).then(|| {
                        let permission = g.permission.map(|p| p.as_str().to_owned());
                        format!("{uri} {}", permission.unwrap_or_default())
                    })
                })
                .collect(),
        )
    };
    let block = async {
        let call = Call::regional("s3", "GetPublicAccessBlock", region).on(name);
        match caller
            .call(&call, s3.get_public_access_block().bucket(name).send())
            .await
        {
            Ok(out) => Ok(out
                .public_access_block_configuration
                .map(|c| PublicAccessBlock {
                    block_public_acls: c.block_public_acls.unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls.unwrap_or(false),
                    block_public_policy: c.block_public_policy.unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets.unwrap_or(false),
                })),
            Err(e) if e.code == NO_PUBLIC_ACCESS_BLOCK => Ok(None),
            Err(e) => Err(e),
        }
    };
    let (logging, policy, acl, block) = join!(logging, policy, acl, block);
    Bucket {
        logging_target: logging.into(),
        policy_is_public: policy.into(),
        public_acl_grants: acl.into(),
        public_access_block: block.into(),
    }
}
