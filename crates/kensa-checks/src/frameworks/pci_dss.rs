//! PCI DSS v3.2.1 as AWS Security Hub names its controls (PCI.IAM.1...),
//! with Security Hub's standard control titles. Titles are in English in
//! both languages: Security Hub publishes no Japanese titles to copy.

use super::Control;
use crate::StaticText;

const fn c(id: &'static str, en: &'static str) -> Control {
    Control {
        id,
        title: StaticText { en, ja: en },
    }
}

/// The service part of the ID (`PCI.IAM.1` → IAM).
pub(super) fn service(id: &str) -> &str {
    id.split('.').nth(1).unwrap_or(id)
}

pub static CONTROLS: &[Control] = &[
    c(
        "PCI.AutoScaling.1",
        "Auto scaling groups associated with a load balancer should use load balancer health checks",
    ),
    c(
        "PCI.CloudTrail.1",
        "CloudTrail logs should be encrypted at rest using AWS KMS CMKs",
    ),
    c("PCI.CloudTrail.2", "CloudTrail should be enabled"),
    c(
        "PCI.CloudTrail.3",
        "CloudTrail log file validation should be enabled",
    ),
    c(
        "PCI.CloudTrail.4",
        "CloudTrail trails should be integrated with Amazon CloudWatch Logs",
    ),
    c(
        "PCI.CodeBuild.1",
        "CodeBuild GitHub or Bitbucket source repository URLs should use OAuth",
    ),
    c(
        "PCI.CodeBuild.2",
        "CodeBuild project environment variables should not contain clear text credentials",
    ),
    c("PCI.Config.1", "AWS Config should be enabled"),
    c(
        "PCI.CW.1",
        "A log metric filter and alarm should exist for usage of the \"root\" user",
    ),
    c(
        "PCI.DMS.1",
        "Database Migration Service replication instances should not be public",
    ),
    c(
        "PCI.EC2.1",
        "EBS snapshots should not be publicly restorable",
    ),
    c(
        "PCI.EC2.2",
        "VPC default security group should prohibit inbound and outbound traffic",
    ),
    c("PCI.EC2.4", "Unused EC2 EIPs should be removed"),
    c(
        "PCI.EC2.5",
        "Security groups should not allow ingress from 0.0.0.0/0 to port 22",
    ),
    c(
        "PCI.EC2.6",
        "VPC flow logging should be enabled in all VPCs",
    ),
    c(
        "PCI.ELBv2.1",
        "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
    ),
    c("PCI.ES.1", "Elasticsearch domains should be in a VPC"),
    c(
        "PCI.ES.2",
        "Elasticsearch domains should have encryption at-rest enabled",
    ),
    c("PCI.GuardDuty.1", "GuardDuty should be enabled"),
    c("PCI.IAM.1", "IAM root user access key should not exist"),
    c(
        "PCI.IAM.2",
        "IAM users should not have IAM policies attached",
    ),
    c(
        "PCI.IAM.3",
        "IAM policies should not allow full \"*\" administrative privileges",
    ),
    c(
        "PCI.IAM.4",
        "Hardware MFA should be enabled for the root user",
    ),
    c(
        "PCI.IAM.5",
        "Virtual MFA should be enabled for the root user",
    ),
    c("PCI.IAM.6", "MFA should be enabled for all IAM users"),
    c(
        "PCI.IAM.7",
        "IAM user credentials should be disabled if not used within a pre-defined number days",
    ),
    c(
        "PCI.IAM.8",
        "Password policies for IAM users should have strong configurations",
    ),
    c(
        "PCI.KMS.1",
        "Customer master key (CMK) rotation should be enabled",
    ),
    c(
        "PCI.Lambda.1",
        "Lambda functions should prohibit public access",
    ),
    c("PCI.Lambda.2", "Lambda functions should be in a VPC"),
    c("PCI.Opensearch.1", "OpenSearch domains should be in a VPC"),
    // Security Hub's PCI title for this control repeats PCI.EC2.1's by
    // mistake; the security control it runs (Opensearch.1) is this one.
    c(
        "PCI.Opensearch.2",
        "OpenSearch domains should have encryption at rest enabled",
    ),
    c("PCI.RDS.1", "RDS snapshot should be private"),
    c(
        "PCI.RDS.2",
        "RDS DB Instances should prohibit public access",
    ),
    c(
        "PCI.Redshift.1",
        "Amazon Redshift clusters should prohibit public access",
    ),
    c("PCI.S3.1", "S3 buckets should prohibit public write access"),
    c("PCI.S3.2", "S3 buckets should prohibit public read access"),
    c(
        "PCI.S3.3",
        "S3 buckets should have cross-region replication enabled",
    ),
    c(
        "PCI.S3.4",
        "S3 buckets should have server-side encryption enabled",
    ),
    c(
        "PCI.S3.5",
        "S3 buckets should require requests to use Secure Socket Layer",
    ),
    c(
        "PCI.S3.6",
        "S3 Block Public Access setting should be enabled",
    ),
    c(
        "PCI.SageMaker.1",
        "Amazon SageMaker notebook instances should not have direct internet access",
    ),
    c(
        "PCI.SSM.1",
        "EC2 instances managed by Systems Manager should have a patch compliance status of COMPLIANT after a patch installation",
    ),
    c(
        "PCI.SSM.2",
        "EC2 instances managed by Systems Manager should have an association compliance status of COMPLIANT",
    ),
    c(
        "PCI.SSM.3",
        "EC2 instances should be managed by AWS Systems Manager",
    ),
];
