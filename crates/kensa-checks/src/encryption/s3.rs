//! What the S3 checks share: the account's buckets as resources.

use kensa_snapshot::Missing;
use kensa_snapshot::storage::S3Bucket;

use crate::{CheckMeta, Context, Finding, GLOBAL_REGION, Resource};

/// The bucket as a finding's resource, in its region when that is known.
pub fn bucket_resource(ctx: &Context<'_>, bucket: &S3Bucket) -> Resource {
    Resource {
        kind: "AWS::S3::Bucket".to_owned(),
        id: bucket.name.clone(),
        arn: Some(format!(
            "arn:{}:s3:::{}",
            ctx.snapshot.partition(),
            bucket.name
        )),
        name: Some(bucket.name.clone()),
        region: bucket
            .region
            .value()
            .cloned()
            .unwrap_or_else(|| GLOBAL_REGION.to_owned()),
    }
}

/// Runs `per_bucket` on every bucket of the account; when the bucket list
/// could not be read, one account-wide ERROR naming `s3:ListBuckets`.
pub(crate) fn each_bucket<'a>(
    ctx: &Context<'a>,
    meta: &CheckMeta,
    mut per_bucket: impl FnMut(&'a S3Bucket) -> Finding,
) -> Vec<Finding> {
    match ctx.snapshot.buckets.get() {
        Ok(buckets) => buckets.iter().map(&mut per_bucket).collect(),
        Err(missing) => vec![meta.missing(
            ctx.account_resource("AWS::::Account", "S3 buckets"),
            missing,
            "s3:ListBuckets",
        )],
    }
}

/// The ERROR for a bucket field that could not be read.
pub(crate) fn bucket_missing(
    ctx: &Context<'_>,
    meta: &CheckMeta,
    bucket: &S3Bucket,
    missing: Missing<'_>,
    call: &str,
) -> Finding {
    meta.missing(bucket_resource(ctx, bucket), missing, call)
}
