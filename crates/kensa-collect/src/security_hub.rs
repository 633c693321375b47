//! `kensa audit --to-security-hub`: the one write call kensa makes, made
//! only when asked.
//!
//! kensa's findings go to the account's own Security Hub integration
//! (`product/<account>/default`) through `BatchImportFindings`, at most
//! 100 per call as AWS requires. Their IDs are stable, so a re-run updates
//! the findings of the last run instead of adding new ones.
//!
//! Before importing, kensa reads back the findings it imported earlier
//! (`GetFindings`, filtered by product ARN, account and the `kensa/`
//! generator prefix, and filtered again here). Those it did not produce
//! this time, within the [`ArchiveScope`], are imported once more with
//! `RecordState` ARCHIVED: the resource is gone or the check no longer
//! applies. A finding imported again keeps its first `CreatedAt`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_config::{Region, SdkConfig};
use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::{
    AwsSecurityFinding, AwsSecurityFindingFilters, Compliance, ComplianceStatus, Note, Partition,
    Recommendation, RecordState, Remediation, Resource, ResourceDetails, Severity, SeverityLabel,
    StatusReason, StringFilter, StringFilterComparison, Workflow, WorkflowStatus,
};
use chrono::{DateTime, SecondsFormat, Utc};
use kensa_snapshot::CallError;

use crate::CollectOptions;
use crate::call::{Call, Caller};
use crate::clients::load_sdk_config;
use crate::progress::Progress;

const SERVICE: &str = "securityhub";

/// Every generator ID kensa imports under starts with this.
pub const GENERATOR_PREFIX: &str = "kensa/";

/// The `ProductFields` keys the archive decision reads.
const CHECK_ID_FIELD: &str = "kensa/CheckId";
const RESOURCE_REGION_FIELD: &str = "kensa/ResourceRegion";

/// What to import, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRequest {
    /// The Security Hub region (the findings' `ProductArn` names it too).
    pub region: String,
    pub account_id: String,
    /// `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`.
    pub product_arn: String,
    pub findings: Vec<kensa_asff::Finding>,
    pub archive: ArchiveScope,
}

/// Which earlier findings this run speaks for: an earlier finding that is
/// not imported again is archived only if its check ran cleanly this time
/// and its resource's region was audited. Anything else (a check left out
/// by `--check`, a check whose data could not be read) says nothing about
/// whether the earlier finding still holds, and it stays as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveScope {
    pub check_ids: BTreeSet<String>,
    /// kensa's regions (`global` included for account-wide resources).
    pub regions: BTreeSet<String>,
}

/// A finding Security Hub did not take, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedFinding {
    pub id: String,
    pub code: String,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Findings of this run Security Hub took.
    pub imported: usize,
    /// Earlier findings archived because this run did not produce them.
    pub archived: usize,
    pub failed: Vec<FailedFinding>,
    /// Calls that failed as a whole (listing the earlier findings; a batch
    /// whose findings are then also in `failed`).
    pub errors: Vec<CallError>,
}

/// How an import went, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Every finding was imported (and every stale one archived).
    Complete,
    /// Some were, some were not.
    Partial,
    /// Nothing was imported.
    Failed,
}

impl ImportReport {
    pub fn outcome(&self) -> ImportOutcome {
        let succeeded = self.imported + self.archived;
        if self.failed.is_empty() && self.errors.is_empty() {
            ImportOutcome::Complete
        } else if succeeded == 0 {
            ImportOutcome::Failed
        } else {
            ImportOutcome::Partial
        }
    }
}

/// Imports through the SDK configuration `opts` and the environment give.
pub async fn import_findings(opts: &CollectOptions, request: ImportRequest) -> ImportReport {
    let sdk = load_sdk_config(opts).await;
    import_with_config(&sdk, opts.max_in_flight, request, Utc::now()).await
}

/// A Security Hub client for `region`, otherwise configured as `sdk` is.
pub fn client(sdk: &SdkConfig, region: &str) -> Client {
    let config = aws_sdk_securityhub::config::Builder::from(sdk)
        .region(Region::new(region.to_owned()))
        .build();
    Client::from_conf(config)
}

/// Imports through an SDK configuration; `now` becomes `UpdatedAt`.
pub async fn import_with_config(
    sdk: &SdkConfig,
    max_in_flight: usize,
    request: ImportRequest,
    now: DateTime<Utc>,
) -> ImportReport {
    let client = client(sdk, &request.region);
    let caller = Caller::new(max_in_flight, Progress::new(false));
    let mut report = ImportReport::default();

    let earlier = match earlier_findings(&caller, &client, &request).await {
        Ok(findings) => findings,
        Err(error) => {
            // Importing still works; only the archiving and the kept
            // CreatedAt need the earlier findings.
            report.errors.push(error);
            Vec::new()
        }
    };
    let earlier_by_id: HashMap<&str, &kensa_asff::Finding> =
        earlier.iter().map(|f| (f.id.as_str(), f)).collect();
    let stamp = |previous: Option<&&kensa_asff::Finding>| {
        // UpdatedAt never goes back, even if this clock is behind the one
        // that stamped the earlier import.
        let previous = previous
            .and_then(|f| DateTime::parse_from_rfc3339(&f.updated_at).ok())
            .map(|t| t.with_timezone(&Utc));
        previous
            .map_or(now, |p| p.max(now))
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    };

    let current: BTreeSet<&str> = request.findings.iter().map(|f| f.id.as_str()).collect();
    let mut batch: Vec<kensa_asff::Finding> = Vec::with_capacity(request.findings.len());
    for finding in &request.findings {
        let mut finding = finding.clone();
        let previous = earlier_by_id.get(finding.id.as_str());
        if let Some(previous) = previous {
            finding.created_at = previous.created_at.clone();
        }
        finding.updated_at = stamp(previous);
        batch.push(finding);
    }
    let stale: Vec<kensa_asff::Finding> = earlier
        .iter()
        .filter(|f| f.record_state == kensa_asff::RecordState::Active)
        .filter(|f| !current.contains(f.id.as_str()))
        .filter(|f| in_scope(f, &request.archive))
        .map(|f| {
            let mut archived = f.clone();
            archived.record_state = kensa_asff::RecordState::Archived;
            archived.updated_at = stamp(Some(&f));
            archived
        })
        .collect();
    let stale_ids: BTreeSet<String> = stale.iter().map(|f| f.id.clone()).collect();
    batch.extend(stale);

    for chunk in batch.chunks(kensa_asff::MAX_FINDINGS_PER_IMPORT) {
        let outcome = import_batch(&caller, &client, &request.region, chunk).await;
        let failed_ids: BTreeSet<&str> = outcome.failed.iter().map(|f| f.id.as_str()).collect();
        for finding in chunk {
            if failed_ids.contains(finding.id.as_str()) {
                continue;
            }
            if stale_ids.contains(&finding.id) {
                report.archived += 1;
            } else {
                report.imported += 1;
            }
        }
        report.failed.extend(outcome.failed);
        report.errors.extend(outcome.error);
    }
    report
}

fn in_scope(f: &kensa_asff::Finding, scope: &ArchiveScope) -> bool {
    let field = |key| f.product_fields.get(key).map(String::as_str);
    match (field(CHECK_ID_FIELD), field(RESOURCE_REGION_FIELD)) {
        (Some(check), Some(region)) => {
            scope.check_ids.contains(check) && scope.regions.contains(region)
        }
        // Not one kensa can place: leave it alone.
        _ => false,
    }
}

struct BatchOutcome {
    failed: Vec<FailedFinding>,
    error: Option<CallError>,
}

async fn import_batch(
    caller: &Caller,
    client: &Client,
    region: &str,
    findings: &[kensa_asff::Finding],
) -> BatchOutcome {
    let call = Call::regional(SERVICE, "BatchImportFindings", region);
    let request = client
        .batch_import_findings()
        .set_findings(Some(findings.iter().map(to_sdk).collect()));
    match caller.call(&call, request.send()).await {
        Ok(output) => BatchOutcome {
            failed: output
                .failed_findings()
                .iter()
                .map(|f| FailedFinding {
                    id: f.id().unwrap_or_default().to_owned(),
                    code: f.error_code().unwrap_or_default().to_owned(),
                    message: f.error_message().unwrap_or_default().to_owned(),
                })
                .collect(),
            error: None,
        },
        // The whole batch failed: every finding in it did.
        Err(error) => BatchOutcome {
            failed: findings
                .iter()
                .map(|f| FailedFinding {
                    id: f.id.clone(),
                    code: error.code.clone(),
                    message: error.message.clone(),
                })
                .collect(),
            error: Some(error),
        },
    }
}

/// The findings kensa imported earlier into this account's integration
/// in `request.region`, active and archived.
async fn earlier_findings(
    caller: &Caller,
    client: &Client,
    request: &ImportRequest,
) -> Result<Vec<kensa_asff::Finding>, CallError> {
    let call = Call::regional(SERVICE, "GetFindings", &request.region);
    let all = kensa_findings(
        caller,
        client,
        &call,
        &request.product_arn,
        &request.account_id,
    )
    .await?;
    Ok(all.into_iter().filter_map(Result::ok).collect())
}

/// Every finding of `product_arn` for `account_id` whose generator is one
/// of kensa's, converted back to kensa's ASFF types (or why one could not
/// be).
async fn kensa_findings(
    caller: &Caller,
    client: &Client,
    call: &Call,
    product_arn: &str,
    account_id: &str,
) -> Result<Vec<Result<kensa_asff::Finding, String>>, CallError> {
    let filter = |value: &str, comparison| {
        StringFilter::builder()
            .value(value)
            .comparison(comparison)
            .build()
    };
    let filters = AwsSecurityFindingFilters::builder()
        .product_arn(filter(product_arn, StringFilterComparison::Equals))
        .aws_account_id(filter(account_id, StringFilterComparison::Equals))
        .generator_id(filter(GENERATOR_PREFIX, StringFilterComparison::Prefix))
        .build();
    let pages = client
        .get_findings()
        .filters(filters)
        .max_results(100)
        .into_paginator()
        .send();
    let pages = caller.all_pages(call, pages).await?;
    // The filters again: an endpoint that ignores them (moto does) must not
    // make kensa archive another product's findings.
    Ok(pages
        .iter()
        .flat_map(|page| page.findings())
        .filter(|f| {
            f.product_arn() == Some(product_arn)
                && f.aws_account_id() == Some(account_id)
                && f.generator_id()
                    .is_some_and(|g| g.starts_with(GENERATOR_PREFIX))
        })
        .map(from_sdk)
        .collect())
}

/// kensa's ASFF finding as the SDK's.
pub fn to_sdk(f: &kensa_asff::Finding) -> AwsSecurityFinding {
    let recommendation = Recommendation::builder()
        .text(&f.remediation.recommendation.text)
        .set_url(f.remediation.recommendation.url.clone())
        .build();
    let resources = f
        .resources
        .iter()
        .map(|r| {
            Resource::builder()
                .r#type(&r.kind)
                .id(&r.id)
                .partition(Partition::from(r.partition.as_str()))
                .region(&r.region)
                .set_details(r.details.as_ref().map(|d| {
                    ResourceDetails::builder()
                        .set_other(Some(d.other.clone().into_iter().collect()))
                        .build()
                }))
                .build()
        })
        .collect();
    let compliance = Compliance::builder()
        .status(ComplianceStatus::from(f.compliance.status.as_str()))
        .set_related_requirements(non_empty(f.compliance.related_requirements.clone()))
        .set_security_control_id(f.compliance.security_control_id.clone())
        .set_status_reasons(non_empty(
            f.compliance
                .status_reasons
                .iter()
                .map(|s| {
                    StatusReason::builder()
                        .reason_code(&s.reason_code)
                        .set_description(s.description.clone())
                        .build()
                })
                .collect(),
        ))
        .build();
    AwsSecurityFinding::builder()
        .schema_version(&f.schema_version)
        .id(&f.id)
        .product_arn(&f.product_arn)
        .product_name(&f.product_name)
        .company_name(&f.company_name)
        .region(&f.region)
        .generator_id(&f.generator_id)
        .aws_account_id(&f.aws_account_id)
        .set_types(Some(f.types.clone()))
        .created_at(&f.created_at)
        .updated_at(&f.updated_at)
        .set_last_observed_at(f.last_observed_at.clone())
        .severity(
            Severity::builder()
                .label(SeverityLabel::from(f.severity.label.as_str()))
                .set_original(f.severity.original.clone())
                .build(),
        )
        .title(&f.title)
        .description(&f.description)
        .remediation(
            Remediation::builder()
                .recommendation(recommendation)
                .build(),
        )
        .set_product_fields(
            (!f.product_fields.is_empty()).then(|| f.product_fields.clone().into_iter().collect()),
        )
        .set_resources(Some(resources))
        .compliance(compliance)
        .record_state(RecordState::from(f.record_state.as_str()))
        .workflow(
            Workflow::builder()
                .status(WorkflowStatus::from(f.workflow.status.as_str()))
                .build(),
        )
        .set_note(f.note.as_ref().map(|n| {
            Note::builder()
                .text(&n.text)
                .updated_by(&n.updated_by)
                .updated_at(&n.updated_at)
                .build()
        }))
        .build()
}

fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// The SDK's finding as kensa's ASFF finding; an error names the first
/// field kensa needs that is missing or unknown. Fields kensa never sets
/// are dropped, as are the `aws/` product fields Security Hub adds.
pub fn from_sdk(f: &AwsSecurityFinding) -> Result<kensa_asff::Finding, String> {
    fn required<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str, String> {
        value.ok_or_else(|| format!("{name} is missing"))
    }
    fn parsed<T>(
        value: Option<&str>,
        parse: fn(&str) -> Option<T>,
        name: &str,
    ) -> Result<T, String> {
        let value = required(value, name)?;
        parse(value).ok_or_else(|| format!("{name} {value:?} is not one kensa knows"))
    }
    let severity = f.severity().ok_or("Severity is missing")?;
    let compliance = f.compliance().ok_or("Compliance is missing")?;
    let recommendation = f
        .remediation()
        .and_then(|r| r.recommendation())
        .ok_or("Remediation.Recommendation is missing")?;
    let product_fields: BTreeMap<String, String> = f
        .product_fields()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !k.starts_with("aws/"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let resources = f
        .resources()
        .iter()
        .map(|r| {
            Ok(kensa_asff::Resource {
                kind: required(r.r#type(), "Resources[].Type")?.to_owned(),
                id: required(r.id(), "Resources[].Id")?.to_owned(),
                partition: required(
                    r.partition().map(Partition::as_str),
                    "Resources[].Partition",
                )?
                .to_owned(),
                region: required(r.region(), "Resources[].Region")?.to_owned(),
                details: r.details().and_then(|d| d.other()).map(|other| {
                    kensa_asff::ResourceDetails {
                        other: other.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    }
                }),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(kensa_asff::Finding {
        schema_version: required(f.schema_version(), "SchemaVersion")?.to_owned(),
        id: required(f.id(), "Id")?.to_owned(),
        product_arn: required(f.product_arn(), "ProductArn")?.to_owned(),
        product_name: f.product_name().unwrap_or_default().to_owned(),
        company_name: f.company_name().unwrap_or_default().to_owned(),
        region: f.region().unwrap_or_default().to_owned(),
        generator_id: required(f.generator_id(), "GeneratorId")?.to_owned(),
        aws_account_id: required(f.aws_account_id(), "AwsAccountId")?.to_owned(),
        types: f.types().to_vec(),
        created_at: required(f.created_at(), "CreatedAt")?.to_owned(),
        updated_at: required(f.updated_at(), "UpdatedAt")?.to_owned(),
        last_observed_at: f.last_observed_at().map(str::to_owned),
        severity: kensa_asff::Severity {
            label: parsed(
                severity.label().map(SeverityLabel::as_str),
                kensa_asff::SeverityLabel::parse,
                "Severity.Label",
            )?,
            original: severity.original().map(str::to_owned),
        },
        title: required(f.title(), "Title")?.to_owned(),
        description: required(f.description(), "Description")?.to_owned(),
        remediation: kensa_asff::Remediation {
            recommendation: kensa_asff::Recommendation {
                text: recommendation.text().unwrap_or_default().to_owned(),
                url: recommendation.url().map(str::to_owned),
            },
        },
        product_fields,
        resources,
        compliance: kensa_asff::Compliance {
            status: parsed(
                compliance.status().map(ComplianceStatus::as_str),
                kensa_asff::ComplianceStatus::parse,
                "Compliance.Status",
            )?,
            related_requirements: compliance.related_requirements().to_vec(),
            security_control_id: compliance.security_control_id().map(str::to_owned),
            status_reasons: compliance
                .status_reasons()
                .iter()
                .map(|s| {
                    Ok(kensa_asff::StatusReason {
                        reason_code: required(s.reason_code(), "StatusReasons[].ReasonCode")?
                            .to_owned(),
                        description: s.description().map(str::to_owned),
                    })
                })
                .collect::<Result<Vec<_>, String>>()?,
        },
        // A finding whose record state is not given is active (AWS's default).
        record_state: match f.record_state() {
            Some(state) => parsed(
                Some(state.as_str()),
                kensa_asff::RecordState::parse,
                "RecordState",
            )?,
            None => kensa_asff::RecordState::Active,
        },
        workflow: kensa_asff::Workflow {
            status: match f.workflow().and_then(|w| w.status()) {
                Some(status) => parsed(
                    Some(status.as_str()),
                    kensa_asff::WorkflowStatus::parse,
                    "Workflow.Status",
                )?,
                None => kensa_asff::WorkflowStatus::New,
            },
        },
        note: f
            .note()
            .map(|n| {
                Ok::<_, String>(kensa_asff::Note {
                    text: required(n.text(), "Note.Text")?.to_owned(),
                    updated_by: required(n.updated_by(), "Note.UpdatedBy")?.to_owned(),
                    updated_at: required(n.updated_at(), "Note.UpdatedAt")?.to_owned(),
                })
            })
            .transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, check: &str, region: &str) -> kensa_asff::Finding {
        let mut product_fields = BTreeMap::new();
        product_fields.insert(CHECK_ID_FIELD.to_owned(), check.to_owned());
        product_fields.insert(RESOURCE_REGION_FIELD.to_owned(), region.to_owned());
        kensa_asff::Finding {
            schema_version: kensa_asff::SCHEMA_VERSION.to_owned(),
            id: id.to_owned(),
            product_arn: "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
                .to_owned(),
            product_name: "kensa".to_owned(),
            company_name: "kensa".to_owned(),
            region: "us-east-1".to_owned(),
            generator_id: format!("kensa/{check}"),
            aws_account_id: "123456789012".to_owned(),
            types: vec!["Software and Configuration Checks/AWS Security Best Practices".to_owned()],
            created_at: "2026-11-20T01:00:00.000Z".to_owned(),
            updated_at: "2026-11-20T01:00:00.000Z".to_owned(),
            last_observed_at: None,
            severity: kensa_asff::Severity {
                label: kensa_asff::SeverityLabel::High,
                original: Some("HIGH".to_owned()),
            },
            title: "IAM-6 MFA".to_owned(),
            description: "no MFA".to_owned(),
            remediation: kensa_asff::Remediation {
                recommendation: kensa_asff::Recommendation {
                    text: "register one".to_owned(),
                    url: None,
                },
            },
            product_fields,
            resources: vec![kensa_asff::Resource {
                kind: "AwsIamUser".to_owned(),
                id: "arn:aws:iam::123456789012:user/a".to_owned(),
                partition: "aws".to_owned(),
                region: "us-east-1".to_owned(),
                details: None,
            }],
            compliance: kensa_asff::Compliance {
                status: kensa_asff::ComplianceStatus::Failed,
                related_requirements: vec!["Security design sheet/IAM-6".to_owned()],
                security_control_id: Some("IAM.5".to_owned()),
                status_reasons: vec![kensa_asff::StatusReason {
                    reason_code: "KENSA_ERROR".to_owned(),
                    description: Some("throttled".to_owned()),
                }],
            },
            record_state: kensa_asff::RecordState::Active,
            workflow: kensa_asff::Workflow {
                status: kensa_asff::WorkflowStatus::Suppressed,
            },
            note: Some(kensa_asff::Note {
                text: "accepted".to_owned(),
                updated_by: "kensa".to_owned(),
                updated_at: "2026-11-20T01:00:00.000Z".to_owned(),
            }),
        }
    }

    #[test]
    fn sdk_conversion_round_trips() {
        let f = finding(
            "kensa/1/global/iam-console-user-mfa/00",
            "iam-console-user-mfa",
            "global",
        );
        assert_eq!(from_sdk(&to_sdk(&f)), Ok(f));
    }

    #[test]
    fn a_finding_without_what_kensa_needs_is_named() {
        let sdk = AwsSecurityFinding::builder().id("x").build();
        assert_eq!(from_sdk(&sdk), Err("Severity is missing".to_owned()));
    }

    #[test]
    fn archiving_stays_within_the_checks_and_regions_that_ran() {
        let scope = ArchiveScope {
            check_ids: ["iam-root-mfa".to_owned()].into(),
            regions: ["global".to_owned(), "us-east-1".to_owned()].into(),
        };
        assert!(in_scope(&finding("a", "iam-root-mfa", "global"), &scope));
        assert!(!in_scope(
            &finding("b", "iam-root-mfa", "eu-west-1"),
            &scope
        ));
        assert!(!in_scope(
            &finding("c", "net-sg-unused", "us-east-1"),
            &scope
        ));
        let mut foreign = finding("d", "iam-root-mfa", "global");
        foreign.product_fields.clear();
        assert!(!in_scope(&foreign, &scope));
    }

    #[test]
    fn outcomes() {
        let failed = FailedFinding {
            id: "x".to_owned(),
            code: "InvalidInput".to_owned(),
            message: "bad".to_owned(),
        };
        let mut report = ImportReport {
            imported: 3,
            ..ImportReport::default()
        };
        assert_eq!(report.outcome(), ImportOutcome::Complete);
        report.failed.push(failed.clone());
        assert_eq!(report.outcome(), ImportOutcome::Partial);
        let nothing = ImportReport {
            failed: vec![failed],
            ..ImportReport::default()
        };
        assert_eq!(nothing.outcome(), ImportOutcome::Failed);
        // No findings at all is a complete (empty) import.
        assert_eq!(ImportReport::default().outcome(), ImportOutcome::Complete);
    }
}
