//! Data encryption (データの暗号化): ENC-1 in transit, ENC-2 at rest.
//!
//! One check per kind of resource and requirement. kensa sees only what
//! AWS encrypts; an application that encrypts before it stores (client-side
//! encryption) is invisible to it, so an unencrypted resource is a FAIL and
//! the remediation says to record a per-resource `[[exceptions]]` entry with
//! the reason when the application encrypts its data itself.
//!
//! A resource that stores or carries data unencrypted is a FAIL; data that
//! could not be read is an ERROR naming the call. Plain traffic the sheet
//! allows on a protected path inside a VPC, and encryption done by the
//! application, are recorded as `[[exceptions]]` with their reason, never
//! passed silently.

pub mod backup_vault_at_rest;
pub mod bucket_policy;
pub mod classic_elb_listeners;
pub mod cloudfront;
pub mod cloudtrail_kms;
pub mod config;
pub mod dynamodb_at_rest;
pub mod ebs_default;
pub mod ebs_snapshots;
pub mod ebs_volumes;
mod edge;
pub mod efs_at_rest;
pub mod elasticache;
pub mod elb_listeners;
pub mod log_groups_kms;
pub mod opensearch;
pub mod rds;
pub mod rds_cluster_at_rest;
pub mod rds_instance_at_rest;
pub mod rds_tls;
pub mod redshift;
pub mod s3;
pub mod s3_default_encryption;
pub mod s3_tls_only;
pub mod sns_at_rest;
pub mod sqs_at_rest;
pub mod tls_policies;

#[cfg(test)]
mod endpoint_tests;

use kensa_snapshot::storage::Storage;
use kensa_snapshot::{Collected, Missing};

use crate::network::region_resource;
use crate::{CheckMeta, Context, Finding};

/// What every ENC-2 remediation ends with: kensa cannot see client-side
/// encryption, so a person records it.
#[macro_export]
#[doc(hidden)]
macro_rules! client_side_note {
    (en) => {
        " If the application encrypts the data itself before storing it (client-side \
         encryption), record a per-resource `[[exceptions]]` entry for this check in \
         kensa.toml with that reason."
    };
    (ja) => {
        "アプリケーションが保存前に自らデータを暗号化している (クライアントサイド暗号化) 場合は、\
         kensa.toml にこのチェックとリソースを指定した `[[exceptions]]` を、その理由とともに記録する。"
    };
}

/// One audited region's data stores, or `None` when the region was not collected.
pub fn regions<'a>(ctx: &Context<'a>) -> Vec<(&'a str, Option<&'a Storage>)> {
    ctx.snapshot
        .audited_regions
        .iter()
        .map(|r| {
            (
                r.as_str(),
                ctx.snapshot.regions.get(r).map(|region| &region.storage),
            )
        })
        .collect()
}

/// Runs `per_resource` on every item of one collected list in every
/// audited region; a list that could not be read gives the region's ERROR
/// finding naming `call`.
pub(crate) fn each_item<'a, T: 'a>(
    ctx: &Context<'a>,
    meta: &CheckMeta,
    call: &str,
    list: impl Fn(&'a Storage) -> &'a Collected<Vec<T>>,
    mut per_item: impl FnMut(&'a str, &'a T) -> Finding,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, storage) in regions(ctx) {
        let missing = match storage.map(|s| list(s).get()) {
            Some(Ok(items)) => {
                findings.extend(items.iter().map(|item| per_item(region, item)));
                continue;
            }
            Some(Err(missing)) => missing,
            None => Missing::NotCollected,
        };
        findings.push(meta.missing(region_resource(ctx, region), missing, call));
    }
    findings
}

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:REST`, when the account is known.
pub(crate) fn regional_arn(
    ctx: &Context<'_>,
    region: &str,
    service: &str,
    rest: &str,
) -> Option<String> {
    crate::services::regional_arn(ctx, region, service, rest)
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Snapshots for the encryption checks, shaped as AWS documents its answers.
    use kensa_snapshot::storage::{S3Bucket, Storage};
    use kensa_snapshot::{CallError, Collected, Region, Snapshot};

    pub const REGION: &str = "ap-northeast-1";

    /// A snapshot auditing the given regions, each with its data stores.
    pub fn snapshot(regions: Vec<(&str, Storage)>) -> Snapshot {
        let mut s = crate::iam::fixtures::snapshot();
        for (name, storage) in regions {
            s.audited_regions.push(name.to_owned());
            s.regions.insert(
                name.to_owned(),
                Region {
                    storage,
                    ..Default::default()
                },
            );
        }
        s
    }

    /// A snapshot with these buckets and one audited region with nothing in it.
    pub fn with_buckets(buckets: Vec<S3Bucket>) -> Snapshot {
        let mut s = snapshot(vec![(REGION, Storage::default())]);
        s.buckets = Collected::Value(buckets);
        s
    }

    /// What moto answers for an operation it does not implement.
    pub fn not_implemented(service: &str, operation: &str) -> CallError {
        CallError {
            service: service.to_owned(),
            operation: operation.to_owned(),
            region: Some(REGION.to_owned()),
            resource: None,
            code: "InvalidAction".to_owned(),
            message: format!("{operation} is not implemented"),
        }
    }

    /// Each finding as `STATUS resource` and its message in both
    /// languages, for insta snapshots people can read.
    pub fn render(findings: &[crate::Finding]) -> String {
        findings
            .iter()
            .map(|f| {
                format!(
                    "{} {} [{}]\n  en: {}\n  ja: {}\n",
                    f.status, f.resource.id, f.resource.region, f.message.en, f.message.ja
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use crate::exceptions::{ExceptionConfig, ExceptionOutcome, apply};
    use crate::iam::fixtures::run_check;
    use crate::{Status, registry};
    use kensa_snapshot::Collected;
    use kensa_snapshot::storage::S3Bucket;

    /// kensa cannot see client-side encryption: the bucket FAILs, and the
    /// per-resource exception the remediation asks for turns it into
    /// SUPPRESSED with the reason kept.
    #[test]
    fn a_client_side_encryption_exception_suppresses_the_fail_with_its_reason() {
        let check = &super::s3_default_encryption::CHECK;
        assert!(check.meta.remediation.en.contains("[[exceptions]]"));
        assert!(check.meta.remediation.ja.contains("[[exceptions]]"));
        let snapshot = with_buckets(vec![S3Bucket {
            name: "app-uploads".into(),
            region: Collected::Value(REGION.into()),
            encryption: Collected::Value(None),
            policy: Collected::Value(None),
            tags: Collected::Value(Default::default()),
        }]);
        let mut findings = run_check(check, &snapshot);
        assert_eq!(findings[0].status, Status::Fail);
        let reason = "the upload service encrypts every object with AES-GCM before PutObject";
        let exception = ExceptionConfig {
            id: "CSE-7".into(),
            check: Some("enc-s3-default-encryption".into()),
            requirement: None,
            resource: "app-uploads".into(),
            region: None,
            reason: reason.into(),
            approver: "ciso@example.com".into(),
            expires: "2027-03-31".into(),
        };
        let reports = apply(
            &mut findings,
            &[exception],
            &[registry::find("enc-s3-default-encryption").expect("registered")],
            snapshot.collected_at.date_naive(),
        );
        assert_eq!(reports[0].outcome, ExceptionOutcome::Applied);
        let finding = &findings[0];
        assert_eq!(finding.status, Status::Suppressed);
        let suppression = finding.suppression.as_ref().expect("a suppression");
        assert_eq!(suppression.original_status, Status::Fail);
        assert_eq!(suppression.reason, reason);
        assert_eq!(suppression.exception_id, "CSE-7");
    }

    #[test]
    fn every_encryption_check_is_registered_once() {
        let ids: Vec<&str> = registry::CHECKS
            .iter()
            .map(|c| c.meta.id)
            .filter(|id| id.starts_with("enc-"))
            .collect();
        for id in [
            "enc-s3-default-encryption",
            "enc-s3-tls-only",
            "enc-ebs-default",
            "enc-ebs-volumes",
            "enc-ebs-snapshots",
            "enc-rds-instance-at-rest",
            "enc-rds-cluster-at-rest",
            "enc-rds-tls",
            "enc-efs-at-rest",
            "enc-dynamodb-at-rest",
            "enc-backup-vault-at-rest",
            "enc-sns-at-rest",
            "enc-sqs-at-rest",
        ] {
            assert_eq!(ids.iter().filter(|i| **i == id).count(), 1, "{id}");
        }
    }
}
