//! AWS Security Finding Format (ASFF), for AWS Security Hub.
//!
//! `--format asff` writes a JSON array of findings that
//! `BatchImportFindings` accepts as it is; `kensa audit --to-security-hub`
//! sends the same findings (see `kensa_collect::security_hub`).
//!
//! How kensa's verdicts map (AWS documents `Compliance.Status` as: PASSED
//! check passed; WARNING some information is missing or the check is not
//! supported for the configuration; FAILED; NOT_AVAILABLE the check could
//! not be performed, e.g. an API error):
//!
//! | kensa | Compliance.Status | Workflow.Status | Severity.Label |
//! |---|---|---|---|
//! | PASS | PASSED | RESOLVED | INFORMATIONAL |
//! | FAIL | FAILED | NEW | the check's |
//! | ERROR | NOT_AVAILABLE (the data could not be read) | NEW | the check's |
//! | MANUAL | WARNING (a person must decide) | NEW | the check's |
//! | NOT_APPLICABLE | NOT_AVAILABLE | RESOLVED | INFORMATIONAL |
//! | SUPPRESSED | that of the verdict it replaced | SUPPRESSED, with the exception in `Note` | that of the verdict it replaced |
//!
//! ERROR, MANUAL and NOT_APPLICABLE also carry a `StatusReasons` entry
//! (`KENSA_ERROR`...) with kensa's message, so that ERROR and
//! NOT_APPLICABLE, both NOT_AVAILABLE, stay apart. `Severity.Original`
//! always holds the check's own severity.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};

use chrono::SecondsFormat;
use kensa_asff::{
    Compliance, ComplianceStatus, Finding as AsffFinding, Note, Recommendation, RecordState,
    Remediation, Resource, ResourceDetails, SCHEMA_VERSION, Severity as AsffSeverity,
    SeverityLabel, StatusReason, Workflow, WorkflowStatus, limits, truncate,
};
use kensa_checks::registry;
use kensa_checks::{Finding, GLOBAL_REGION, Lang, Report, Severity, Status};

use crate::finding_uid::finding_uid;

/// The name kensa imports under, as `ProductName` and `CompanyName`.
pub const PRODUCT_NAME: &str = "kensa";

/// Where each check's page lives.
pub(crate) const CHECK_DOCS_URL: &str = "https://github.com/kensa-aws/kensa/blob/main/docs/checks";

/// Used when the report names no audited region and none was given.
const FALLBACK_REGION: &str = "us-east-1";

/// The region ASFF findings are filed under: `--security-hub-region` when
/// given, else the report's first audited region (kensa's home region).
/// Account-wide findings (kensa's `global`) get this region too.
pub fn security_hub_region(report: &Report, explicit: Option<&str>) -> String {
    explicit
        .map(str::to_owned)
        .or_else(|| report.regions.first().cloned())
        .unwrap_or_else(|| FALLBACK_REGION.to_owned())
}

/// ASFF needs the account ID, which a run whose `sts:GetCallerIdentity`
/// failed does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoAccountId;

impl fmt::Display for NoAccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the report has no account ID (sts:GetCallerIdentity failed), and every ASFF \
             finding needs one",
        )
    }
}

impl std::error::Error for NoAccountId {}

/// One ASFF finding per kensa finding, in the report's order.
pub fn asff_findings(
    report: &Report,
    lang: Lang,
    region: &str,
) -> Result<Vec<AsffFinding>, NoAccountId> {
    let account = report.account_id.as_deref().ok_or(NoAccountId)?;
    let context = Context {
        report,
        account,
        region,
        lang,
        time: report
            .collected_at
            .to_rfc3339_opts(SecondsFormat::Millis, true),
    };
    Ok(report.findings.iter().map(|f| context.finding(f)).collect())
}

/// `--format asff`: the findings as one JSON array.
pub fn render_asff(
    report: &Report,
    lang: Lang,
    region: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let findings = asff_findings(report, lang, region).map_err(io::Error::other)?;
    serde_json::to_writer_pretty(&mut *out, &findings).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Maps kensa's CloudFormation-style resource types to ASFF's.
pub fn asff_resource_type(kind: &str) -> &'static str {
    match kind {
        // Security Hub files account-level controls (root user, password
        // policy) under AwsAccount.
        "AWS::::Account" | "AWS::IAM::AccountPasswordPolicy" => "AwsAccount",
        "AWS::IAM::User" => "AwsIamUser",
        "AWS::IAM::Group" => "AwsIamGroup",
        "AWS::IAM::Role" => "AwsIamRole",
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => "AwsIamPolicy",
        "AWS::IAM::AccessKey" => "AwsIamAccessKey",
        "AWS::EC2::SecurityGroup" => "AwsEc2SecurityGroup",
        "AWS::EC2::Subnet" => "AwsEc2Subnet",
        "AWS::EC2::VPC" => "AwsEc2Vpc",
        "AWS::EC2::NetworkAcl" => "AwsEc2NetworkAcl",
        "AWS::EC2::NetworkInterface" => "AwsEc2NetworkInterface",
        "AWS::EC2::RouteTable" => "AwsEc2RouteTable",
        "AWS::EC2::VPCPeeringConnection" => "AwsEc2VpcPeeringConnection",
        "AWS::EC2::Instance" => "AwsEc2Instance",
        "AWS::CloudTrail::Trail" => "AwsCloudTrailTrail",
        "AWS::CloudWatch::Alarm" => "AwsCloudWatchAlarm",
        "AWS::S3::Bucket" => "AwsS3Bucket",
        "AWS::KMS::Key" => "AwsKmsKey",
        "AWS::SNS::Topic" => "AwsSnsTopic",
        "AWS::GuardDuty::Detector" => "AwsGuardDutyDetector",
        _ => "Other",
    }
}

/// The verdict a SUPPRESSED finding would have had: what Security Hub's
/// compliance fields describe. The suppression itself is the workflow's.
pub(crate) fn verdict(f: &Finding) -> Status {
    match (&f.suppression, f.status) {
        (Some(s), Status::Suppressed) => s.original_status,
        _ => f.status,
    }
}

/// kensa's statuses as ASFF compliance statuses (see the module's table).
pub fn compliance_status(status: Status) -> ComplianceStatus {
    match status {
        Status::Pass => ComplianceStatus::Passed,
        Status::Fail => ComplianceStatus::Failed,
        Status::Manual => ComplianceStatus::Warning,
        // A SUPPRESSED finding without its original verdict: nobody can
        // say whether it complies.
        Status::Error | Status::NotApplicable | Status::Suppressed => {
            ComplianceStatus::NotAvailable
        }
    }
}

fn severity_label(severity: Severity) -> SeverityLabel {
    match severity {
        Severity::Critical => SeverityLabel::Critical,
        Severity::High => SeverityLabel::High,
        Severity::Medium => SeverityLabel::Medium,
        Severity::Low => SeverityLabel::Low,
        Severity::Informational => SeverityLabel::Informational,
    }
}

/// The partition of a resource: its ARN's, else its region's.
pub(crate) fn partition(arn: Option<&str>, region: &str) -> String {
    arn.and_then(|a| a.strip_prefix("arn:"))
        .and_then(|rest| rest.split(':').next())
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| kensa_asff::partition_of_region(region).to_owned())
}

struct Context<'a> {
    report: &'a Report,
    account: &'a str,
    region: &'a str,
    lang: Lang,
    time: String,
}

impl Context<'_> {
    fn finding(&self, f: &Finding) -> AsffFinding {
        let meta = registry::find(&f.check_id).map(|c| &c.meta);
        let verdict = verdict(f);
        let title = meta.map_or(f.check_id.as_str(), |m| m.title.get(self.lang));
        let remediation = meta.map_or(f.message.get(self.lang), |m| m.remediation.get(self.lang));
        let message = f.message.get(self.lang);
        let home_partition = kensa_asff::partition_of_region(self.region);
        AsffFinding {
            schema_version: SCHEMA_VERSION.to_owned(),
            id: truncate(&finding_uid(self.account, f), limits::ID),
            product_arn: kensa_asff::default_product_arn(home_partition, self.region, self.account),
            product_name: PRODUCT_NAME.to_owned(),
            company_name: PRODUCT_NAME.to_owned(),
            region: self.region.to_owned(),
            generator_id: truncate(&format!("kensa/{}", f.check_id), limits::GENERATOR_ID),
            aws_account_id: self.account.to_owned(),
            types: types(f),
            created_at: self.time.clone(),
            updated_at: self.time.clone(),
            last_observed_at: Some(self.time.clone()),
            severity: AsffSeverity {
                label: match verdict {
                    Status::Pass | Status::NotApplicable => SeverityLabel::Informational,
                    _ => severity_label(f.severity),
                },
                original: Some(truncate(f.severity.as_str(), limits::SEVERITY_ORIGINAL)),
            },
            // The sheet's requirement IDs lead, as on every line kensa writes.
            title: truncate(
                &format!("{} {title}", f.requirements.join(",")),
                limits::TITLE,
            ),
            description: truncate(
                if message.trim().is_empty() {
                    title
                } else {
                    message
                },
                limits::DESCRIPTION,
            ),
            remediation: Remediation {
                recommendation: Recommendation {
                    text: truncate(remediation, limits::RECOMMENDATION_TEXT),
                    url: meta.map(|m| format!("{CHECK_DOCS_URL}/{}.md", m.id)),
                },
            },
            product_fields: self.product_fields(f),
            resources: vec![self.resource(f)],
            compliance: Compliance {
                status: compliance_status(verdict),
                related_requirements: related_requirements(f),
                security_control_id: f.compliance.fsbp.first().cloned(),
                status_reasons: match verdict {
                    Status::Error | Status::Manual | Status::NotApplicable => vec![StatusReason {
                        reason_code: format!("KENSA_{}", verdict.as_str()),
                        description: Some(truncate(message, limits::STATUS_REASON_DESCRIPTION)),
                    }],
                    _ => Vec::new(),
                },
            },
            record_state: RecordState::Active,
            workflow: Workflow {
                status: match (f.status, verdict) {
                    (Status::Suppressed, _) => WorkflowStatus::Suppressed,
                    (_, Status::Pass | Status::NotApplicable) => WorkflowStatus::Resolved,
                    _ => WorkflowStatus::New,
                },
            },
            note: f
                .suppression
                .as_ref()
                .filter(|_| f.status == Status::Suppressed)
                .map(|s| {
                    let (id, approver, expires, reason) =
                        (&s.exception_id, &s.approver, s.expires, &s.reason);
                    let text = match self.lang {
                        Lang::En => format!(
                            "Suppressed by exception {id} (approved by {approver}, until \
                             {expires}): {reason}"
                        ),
                        Lang::Ja => format!(
                            "例外 {id} により抑制（承認者 {approver}、{expires} まで）: {reason}"
                        ),
                    };
                    Note {
                        text: truncate(&text, limits::NOTE_TEXT),
                        updated_by: truncate(PRODUCT_NAME, limits::NOTE_UPDATED_BY),
                        updated_at: self.time.clone(),
                    }
                }),
        }
    }

    fn resource(&self, f: &Finding) -> Resource {
        let r = &f.resource;
        let region = if r.region == GLOBAL_REGION {
            self.region
        } else {
            r.region.as_str()
        };
        let mut other = BTreeMap::new();
        other.insert("kensa/Type".to_owned(), r.kind.clone());
        other.insert("kensa/Id".to_owned(), r.id.clone());
        if let Some(name) = &r.name {
            other.insert("kensa/Name".to_owned(), name.clone());
        }
        for value in other.values_mut() {
            *value = truncate(value, limits::OTHER_DETAIL_VALUE);
        }
        Resource {
            kind: asff_resource_type(&r.kind).to_owned(),
            id: truncate(r.arn.as_deref().unwrap_or(&r.id), limits::RESOURCE_ID),
            partition: partition(r.arn.as_deref(), region),
            region: truncate(region, limits::REGION),
            details: Some(ResourceDetails { other }),
        }
    }

    fn product_fields(&self, f: &Finding) -> BTreeMap<String, String> {
        let r = &f.resource;
        let evidence = serde_json::to_string(&f.evidence).unwrap_or_default();
        let mut fields = BTreeMap::from([
            ("kensa/KensaVersion", self.report.kensa_version.clone()),
            ("kensa/CheckId", f.check_id.clone()),
            ("kensa/Status", f.status.as_str().to_owned()),
            ("kensa/Severity", f.severity.as_str().to_owned()),
            ("kensa/Requirements", f.requirements.join(",")),
            ("kensa/ResourceType", r.kind.clone()),
            ("kensa/ResourceId", r.id.clone()),
            // `global` stays `global` here, so an import can tell an IAM
            // finding from one about the home region.
            ("kensa/ResourceRegion", r.region.clone()),
            ("kensa/Evidence", evidence),
        ]);
        if evidence_is_cut(&fields) {
            fields.insert("kensa/EvidenceTruncated", "true".to_owned());
        }
        if let Some(name) = &r.name {
            fields.insert("kensa/ResourceName", name.clone());
        }
        fields
            .into_iter()
            .take(limits::PRODUCT_FIELDS)
            .map(|(k, v)| {
                (
                    truncate(k, limits::PRODUCT_FIELD_KEY),
                    truncate(&v, limits::PRODUCT_FIELD_VALUE),
                )
            })
            .collect()
    }
}

fn evidence_is_cut(fields: &BTreeMap<&str, String>) -> bool {
    fields
        .get("kensa/Evidence")
        .is_some_and(|e| e.chars().count() > limits::PRODUCT_FIELD_VALUE)
}

/// `namespace/category/classifier`, from ASFF's types taxonomy.
pub(crate) fn types(f: &Finding) -> Vec<String> {
    let mut types =
        vec!["Software and Configuration Checks/AWS Security Best Practices".to_owned()];
    if !f.compliance.cis_1_2.is_empty() {
        types.push(
            "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS \
             Foundations Benchmark"
                .to_owned(),
        );
    }
    if !f.compliance.pci_dss.is_empty() {
        types.push(
            "Software and Configuration Checks/Industry and Regulatory Standards/PCI-DSS"
                .to_owned(),
        );
    }
    types.truncate(limits::TYPES);
    types
}

/// The sheet's requirements first, then the frameworks', each named
/// `standard/ID` as Security Hub's own control findings do.
pub(crate) fn related_requirements(f: &Finding) -> Vec<String> {
    let c = &f.compliance;
    let sheet = f
        .requirements
        .iter()
        .map(|id| format!("Security design sheet/{id}"));
    let cis = c
        .cis_1_2
        .iter()
        .map(|id| format!("CIS AWS Foundations Benchmark v1.2.0/{id}"));
    let fsbp = c
        .fsbp
        .iter()
        .map(|id| format!("AWS Foundational Security Best Practices v1.0.0/{id}"));
    let pci = c.pci_dss.iter().map(|id| format!("PCI DSS v3.2.1/{id}"));
    sheet
        .chain(cis)
        .chain(fsbp)
        .chain(pci)
        .take(limits::RELATED_REQUIREMENTS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_come_from_the_arn_first() {
        assert_eq!(
            partition(Some("arn:aws-cn:iam::1:user/a"), "us-east-1"),
            "aws-cn"
        );
        assert_eq!(partition(None, "us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition(Some("not an arn"), "eu-west-1"), "aws");
    }

    #[test]
    fn resource_types_map_and_fall_back_to_other() {
        assert_eq!(asff_resource_type("AWS::IAM::User"), "AwsIamUser");
        assert_eq!(
            asff_resource_type("AWS::EC2::SecurityGroup"),
            "AwsEc2SecurityGroup"
        );
        assert_eq!(asff_resource_type("AWS::::Account"), "AwsAccount");
        assert_eq!(asff_resource_type("AWS::::Region"), "Other");
    }

    #[test]
    fn every_status_has_a_compliance_status() {
        assert_eq!(compliance_status(Status::Pass), ComplianceStatus::Passed);
        assert_eq!(compliance_status(Status::Fail), ComplianceStatus::Failed);
        assert_eq!(compliance_status(Status::Manual), ComplianceStatus::Warning);
        assert_eq!(
            compliance_status(Status::Error),
            ComplianceStatus::NotAvailable
        );
        assert_eq!(
            compliance_status(Status::NotApplicable),
            ComplianceStatus::NotAvailable
        );
    }
}
