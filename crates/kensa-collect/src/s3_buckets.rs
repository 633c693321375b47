//! Every S3 bucket of the account and how it protects its data (ENC-1,
//! ENC-2): default encryption, bucket policy and tags, each read in the
//! bucket's own region.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use futures::future::join_all;
use futures::join;
use kensa_snapshot::storage::{BucketEncryption, BucketEncryptionRule, S3Bucket};
use kensa_snapshot::{CallError, Collected};

use crate::call::{Call, Caller};
use crate::trail_buckets::{bucket_region, s3_client};

/// S3's answer when a bucket has no default encryption configuration.
const NO_ENCRYPTION_CONFIGURATION: &str = "ServerSideEncryptionConfigurationNotFoundError";
/// S3's answer when a bucket has no policy.
const NO_SUCH_BUCKET_POLICY: &str = "NoSuchBucketPolicy";
/// S3's answer when a bucket has no tags.
const NO_SUCH_TAG_SET: &str = "NoSuchTagSet";

/// Lists the buckets (`s3:ListBuckets`, asked in the home region) and reads each one.
pub(crate) async fn collect(
    caller: &Caller,
    sdk: &SdkConfig,
    home_region: &str,
) -> Collected<Vec<S3Bucket>> {
    let home = s3_client(sdk, home_region);
    let call = Call::regional("s3", "ListBuckets", home_region);
    let names = match caller
        .all_pages(&call, home.list_buckets().into_paginator().send())
        .await
    {
        Ok(pages) => {
            let mut names: Vec<String> = pages
                .into_iter()
                .flat_map(|p| p.buckets.unwrap_or_default())
                .filter_map(|b| b.name)
                .collect();
            names.sort();
            names.dedup();
            names
        }
        Err(e) => return Collected::Error(e),
    };
    let home = &home;
    Collected::Value(
        join_all(
            names
                .into_iter()
                .map(|name| async move { bucket(caller, sdk, home, home_region, name).await }),
        )
        .await,
    )
}

async fn bucket(
    caller: &Caller,
    sdk: &SdkConfig,
    home: &aws_sdk_s3::Client,
    home_region: &str,
    name: String,
) -> S3Bucket {
    let region = match bucket_region(caller, home, home_region, &name).await {
        Ok(region) => region,
        Err(e) => {
            return S3Bucket {
                name,
                region: Collected::Error(e.clone()),
                encryption: Collected::Error(e.clone()),
                policy: Collected::Error(e.clone()),
                tags: Collected::Error(e),
            };
        }
    };
    let s3 = s3_client(sdk, &region);
    let name_ref = name.as_str();
    let region_ref = region.as_str();
    let encryption = async {
        let call = Call::regional("s3", "GetBucketEncryption", region_ref).on(name_ref);
        match caller
            .call(&call, s3.get_bucket_encryption().bucket(name_ref).send())
            .await
        {
            Ok(out) => Ok(Some(BucketEncryption {
                rules: out
                    .server_side_encryption_configuration
                    .map(|c| c.rules)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|rule| {
                        let default = rule.apply_server_side_encryption_by_default?;
                        Some(BucketEncryptionRule {
                            sse_algorithm: default.sse_algorithm.as_str().to_owned(),
                            kms_master_key_id: default.kms_master_key_id,
                            bucket_key_enabled: rule.bucket_key_enabled.unwrap_or(false),
                        })
                    })
                    .collect(),
            })),
            Err(e) if e.code == NO_ENCRYPTION_CONFIGURATION => Ok(None),
            Err(e) => Err(e),
        }
    };
    let policy = async {
        let call = Call::regional("s3", "GetBucketPolicy", region_ref).on(name_ref);
        match caller
            .call(&call, s3.get_bucket_policy().bucket(name_ref).send())
            .await
        {
            Ok(out) => Ok(out.policy),
            Err(e) if e.code == NO_SUCH_BUCKET_POLICY => Ok(None),
            Err(e) => Err(e),
        }
    };
    let tags = async {
        let call = Call::regional("s3", "GetBucketTagging", region_ref).on(name_ref);
        match caller
            .call(&call, s3.get_bucket_tagging().bucket(name_ref).send())
            .await
        {
            Ok(out) => Ok(out
                .tag_set
                .into_iter()
                .map(|t| (t.key, t.value))
                .collect::<BTreeMap<_, _>>()),
            Err(e) if e.code == NO_SUCH_TAG_SET => Ok(BTreeMap::new()),
            Err(e) => Err::<_, CallError>(e),
        }
    };
    let (encryption, policy, tags) = join!(encryption, policy, tags);
    S3Bucket {
        region: Collected::Value(region.clone()),
        name,
        encryption: encryption.into(),
        policy: policy.into(),
        tags: tags.into(),
    }
}

/// Every error recorded for the account's buckets.
pub(crate) fn errors(errors: &mut Vec<CallError>, buckets: &Collected<Vec<S3Bucket>>) {
    fn push<T>(errors: &mut Vec<CallError>, collected: &Collected<T>) {
        if let Some(error) = collected.error() {
            errors.push(error.clone());
        }
    }
    push(errors, buckets);
    for bucket in buckets.value().into_iter().flatten() {
        push(errors, &bucket.region);
        push(errors, &bucket.encryption);
        push(errors, &bucket.policy);
        push(errors, &bucket.tags);
    }
}
