//! Security services (セキュリティを強化するサービス): SVC-1 .. SVC-7, and
//! anti-malware (ウィルス/マルウェア対策): MAL-1.
//!
//! Each check runs in every audited region: a service missing in one
//! region fails there. A service that exists but is off (a stopped
//! recorder, a disabled detector) is a FAIL, never a PASS.

pub mod anti_malware;
pub mod anti_malware_policy;
pub mod cloudtrail_trail;
pub mod config;
pub mod config_recorder;
pub mod ecr_scan;
pub mod guardduty_enabled;
pub mod guardduty_notified;
pub mod inspector_ec2;
pub mod inspector_ecr;
pub mod inspector_findings;
#[cfg(test)]
pub(crate) mod inspector_fixtures;
pub mod patch_baselines;
pub mod patch_compliance;
pub mod patch_group;
pub mod patch_managed;
pub mod patch_os_auto_update;
pub mod patch_windows;
pub mod patching;
pub mod security_hub;

use kensa_snapshot::services::Services;
use kensa_snapshot::{Collected, Missing};

use crate::network::region_resource;
use crate::{CheckMeta, Context, Finding};

/// One audited region's services, or `None` when the region was not collected.
pub fn regions<'a>(ctx: &Context<'a>) -> Vec<(&'a str, Option<&'a Services>)> {
    ctx.snapshot
        .audited_regions
        .iter()
        .map(|r| {
            (
                r.as_str(),
                ctx.snapshot.regions.get(r).map(|region| &region.services),
            )
        })
        .collect()
}

/// The value of one collected list of a region, or the region's ERROR
/// finding naming `call`.
pub(crate) fn region_value<'a, T>(
    ctx: &Context<'_>,
    meta: &CheckMeta,
    region: &str,
    services: Option<&'a Services>,
    call: &str,
    value: impl Fn(&'a Services) -> &'a Collected<T>,
) -> Result<&'a T, Box<Finding>> {
    let missing = match services {
        Some(s) => match value(s).get() {
            Ok(v) => return Ok(v),
            Err(m) => m,
        },
        None => Missing::NotCollected,
    };
    Err(Box::new(meta.missing(
        region_resource(ctx, region),
        missing,
        call,
    )))
}

/// Runs `per_region` on every audited region; a region that could not be
/// read gives its ERROR finding instead.
pub(crate) fn each_region<'a>(
    ctx: &Context<'a>,
    mut per_region: impl FnMut(&str, Option<&'a Services>) -> Result<Vec<Finding>, Box<Finding>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, services) in regions(ctx) {
        match per_region(region, services) {
            Ok(found) => findings.extend(found),
            Err(error) => findings.push(*error),
        }
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
    ctx.snapshot.account_id().map(|account| {
        format!(
            "arn:{}:{service}:{region}:{account}:{rest}",
            ctx.snapshot.partition()
        )
    })
}

/// The English and Japanese lists of what is wrong, for a FAIL message.
pub(crate) fn join_gaps(gaps: &[crate::Text]) -> crate::Text {
    crate::Text {
        en: gaps
            .iter()
            .map(|g| g.en.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        ja: gaps
            .iter()
            .map(|g| g.ja.as_str())
            .collect::<Vec<_>>()
            .join("、"),
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Snapshots for the services checks, shaped as AWS documents its answers.
    use kensa_snapshot::services::Services;
    use kensa_snapshot::{CallError, Region, Snapshot};

    pub const REGION: &str = "ap-northeast-1";
    pub const OTHER_REGION: &str = "us-east-1";

    /// A snapshot auditing the given regions, each with its services.
    pub fn snapshot(regions: Vec<(&str, Services)>) -> Snapshot {
        let mut s = crate::iam::fixtures::snapshot();
        for (name, services) in regions {
            s.audited_regions.push(name.to_owned());
            s.regions.insert(
                name.to_owned(),
                Region {
                    services,
                    ..Default::default()
                },
            );
        }
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
}
