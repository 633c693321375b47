//! Amazon Inspector (v2), one region at a time (SVC-2): the account's scan
//! status, which EC2 instances Inspector covers, the open critical and high
//! findings, and the region's EC2 instances (where EC2 runs).

use aws_config::SdkConfig;
use aws_sdk_inspector2::types::{
    CoverageFilterCriteria, CoverageResourceType, CoverageStringComparison, CoverageStringFilter,
    FilterCriteria, Severity, StringComparison, StringFilter,
};
use futures::join;
use kensa_snapshot::CallError;
use kensa_snapshot::inspector::{AccountStatus, CoveredInstance, Finding, Inspector, Instance};

use crate::call::{Call, Caller, to_chrono};
use crate::clients::regional_config;
use crate::instances::RegionInstances;

/// The clients of one region (EC2's instances come from the region's
/// shared [`RegionInstances`]).
#[derive(Debug, Clone)]
pub(crate) struct Clients {
    inspector: aws_sdk_inspector2::Client,
}

impl Clients {
    pub(crate) fn new(sdk: &SdkConfig, region: &str) -> Self {
        let config = regional_config(sdk, region);
        Clients {
            inspector: aws_sdk_inspector2::Client::new(&config),
        }
    }
}

/// The severities SVC-2 reports.
const REPORTED_SEVERITIES: [Severity; 2] = [Severity::Critical, Severity::High];

/// Instance states that no longer count as "EC2 runs here".
const GONE: [&str; 2] = ["shutting-down", "terminated"];

/// Everything SVC-2 reads in one region, concurrently.
pub(crate) async fn collect(
    caller: &Caller,
    clients: &Clients,
    region: &str,
    region_instances: &RegionInstances<'_>,
) -> Inspector {
    let (account_status, ec2_coverage, open_findings, ec2_instances) = join!(
        account_status(caller, &clients.inspector, region),
        ec2_coverage(caller, &clients.inspector, region),
        open_findings(caller, &clients.inspector, region),
        instances(region_instances),
    );
    Inspector {
        account_status: account_status.into(),
        ec2_coverage: ec2_coverage.into(),
        open_findings: open_findings.into(),
        ec2_instances: ec2_instances.into(),
    }
}

/// What the SDK puts in a required field AWS left out; kensa records
/// "not given" instead of a status nobody sent.
const SDK_PLACEHOLDER: &str = "no value was set";

fn status_of(state: Option<&aws_sdk_inspector2::types::State>) -> Option<String> {
    state
        .map(|s| s.status.as_str())
        .filter(|s| *s != SDK_PLACEHOLDER)
        .map(str::to_owned)
}

/// Without `accountIds` Inspector answers for the calling account; the
/// check matches the entry to the snapshot's account.
async fn account_status(
    caller: &Caller,
    client: &aws_sdk_inspector2::Client,
    region: &str,
) -> Result<Vec<AccountStatus>, CallError> {
    let call = Call::regional("inspector2", "BatchGetAccountStatus", region);
    let out = caller
        .call(&call, client.batch_get_account_status().send())
        .await?;
    Ok(out
        .accounts()
        .iter()
        .map(|a| {
            let resources = a.resource_state();
            AccountStatus {
                account_id: a.account_id().to_owned(),
                status: status_of(a.state()),
                ec2: status_of(resources.and_then(|r| r.ec2())),
                ecr: status_of(resources.and_then(|r| r.ecr())),
                lambda: status_of(resources.and_then(|r| r.lambda())),
                lambda_code: status_of(resources.and_then(|r| r.lambda_code())),
            }
        })
        .collect())
}

#[allow(
    clippy::result_large_err,
    reason = "CallError is the snapshot's own record and ends up stored by value"
)]
fn built<T>(
    call: &Call,
    built: Result<T, aws_sdk_inspector2::error::BuildError>,
) -> Result<T, CallError> {
    built.map_err(|e| call.error("ConstructionFailure", e.to_string()))
}

async fn ec2_coverage(
    caller: &Caller,
    client: &aws_sdk_inspector2::Client,
    region: &str,
) -> Result<Vec<CoveredInstance>, CallError> {
    let call = Call::regional("inspector2", "ListCoverage", region);
    let ec2_only = built(
        &call,
        CoverageStringFilter::builder()
            .comparison(CoverageStringComparison::Equals)
            .value(CoverageResourceType::AwsEc2Instance.as_str())
            .build(),
    )?;
    let criteria = CoverageFilterCriteria::builder()
        .resource_type(ec2_only)
        .build();
    let pages = caller
        .all_pages(
            &call,
            client
                .list_coverage()
                .filter_criteria(criteria)
                .into_paginator()
                .send(),
        )
        .await?;
    let mut covered: Vec<CoveredInstance> = pages
        .iter()
        .flat_map(|p| p.covered_resources())
        // The filter again: an endpoint that ignores it must not make an
        // image or a function look like an instance.
        .filter(|r| r.resource_type == CoverageResourceType::AwsEc2Instance)
        .map(|r| CoveredInstance {
            resource_id: r.resource_id.clone(),
            scan_status_code: r
                .scan_status
                .as_ref()
                .map(|s| s.status_code.as_str().to_owned()),
            scan_status_reason: r.scan_status.as_ref().map(|s| s.reason.as_str().to_owned()),
            last_scanned_at: r.last_scanned_at.as_ref().map(to_chrono),
        })
        .collect();
    covered.sort_by(|a, b| a.resource_id.cmp(&b.resource_id));
    Ok(covered)
}

async fn open_findings(
    caller: &Caller,
    client: &aws_sdk_inspector2::Client,
    region: &str,
) -> Result<Vec<Finding>, CallError> {
    let call = Call::regional("inspector2", "ListFindings", region);
    let mut criteria = FilterCriteria::builder().finding_status(built(
        &call,
        StringFilter::builder()
            .comparison(StringComparison::Equals)
            .value("ACTIVE")
            .build(),
    )?);
    // Filters of one field are ORed, so both severities come back.
    for severity in REPORTED_SEVERITIES {
        criteria = criteria.severity(built(
            &call,
            StringFilter::builder()
                .comparison(StringComparison::Equals)
                .value(severity.as_str())
                .build(),
        )?);
    }
    let pages = caller
        .all_pages(
            &call,
            client
                .list_findings()
                .filter_criteria(criteria.build())
                .into_paginator()
                .send(),
        )
        .await?;
    let mut findings: Vec<Finding> = pages
        .iter()
        .flat_map(|p| p.findings())
        // The filters again: an endpoint that ignores them must not turn a
        // closed or a low finding into an open critical one.
        .filter(|f| f.status.as_str() == "ACTIVE" && REPORTED_SEVERITIES.contains(&f.severity))
        .map(|f| {
            let resource = f.resources.first();
            Finding {
                finding_arn: f.finding_arn.clone(),
                severity: f.severity.as_str().to_owned(),
                finding_type: Some(f.r#type.as_str().to_owned()),
                title: f.title.clone(),
                first_observed_at: to_chrono(&f.first_observed_at),
                resource_type: resource.map(|r| r.r#type.as_str().to_owned()),
                resource_id: resource.map(|r| r.id.clone()),
            }
        })
        .collect();
    findings.sort_by(|a, b| {
        (a.first_observed_at, &a.finding_arn).cmp(&(b.first_observed_at, &b.finding_arn))
    });
    Ok(findings)
}

async fn instances(region_instances: &RegionInstances<'_>) -> Result<Vec<Instance>, CallError> {
    let mut instances: Vec<Instance> = region_instances
        .get()
        .await?
        .iter()
        .filter_map(|i| {
            let state = i
                .state()
                .and_then(|s| s.name())
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default();
            Some(Instance {
                instance_id: i.instance_id()?.to_owned(),
                state,
            })
        })
        .filter(|i| !GONE.contains(&i.state.as_str()))
        .collect();
    instances.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    Ok(instances)
}
