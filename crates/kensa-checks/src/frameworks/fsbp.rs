//! AWS Security Hub control IDs and titles, the IDs AWS Foundational
//! Security Best Practices findings carry (`IAM.1`, `EC2.2`...).
//!
//! Source: Security Hub's controls reference as AWS published it in its
//! user guide repository (awsdocs/aws-security-hub-user-guide, archived in
//! 2023), plus EC2.53, EC2.54, ELB.17, ELB.18 and Redshift.10, which kensa
//! maps to and which came later (titles from the current Security Hub guide).
//! That reference lists every security control, so a few here run only in
//! the CIS or NIST standards (CloudWatch.1-14, IAM.11-18, IAM.20...); kensa
//! keeps them because its checks map to them. Rows added later (with `cj`)
//! follow the FSBP standard's current control list in the Security Hub CSPM
//! user guide: the Inspector and newer GuardDuty controls, and the
//! encryption controls AWS added for Backup, CloudFront, DynamoDB, EC2, EFS,
//! ELB, RDS and Redshift. Other controls added after mid-2023 are still
//! missing; `docs/json-output.md` says so. The 2023 rows are titled in
//! English in both languages (AWS's Japanese titles are machine
//! translations kensa does not copy); the later rows carry kensa's own
//! Japanese title.

use super::Control;
use crate::StaticText;

const fn c(id: &'static str, en: &'static str) -> Control {
    Control {
        id,
        title: StaticText { en, ja: en },
    }
}

/// A control with kensa's own Japanese title (rows added after the 2023
/// table: AWS's Japanese titles are machine translations, not copied).
const fn cj(id: &'static str, en: &'static str, ja: &'static str) -> Control {
    Control {
        id,
        title: StaticText { en, ja },
    }
}

/// The service part of the ID (`EC2.2` → EC2).
pub(super) fn service(id: &str) -> &str {
    id.split('.').next().unwrap_or(id)
}

pub static CONTROLS: &[Control] = &[
    c(
        "Account.1",
        "Security contact information should be provided for an AWS account",
    ),
    c(
        "Account.2",
        "AWS accounts should be part of an AWS Organizations organization",
    ),
    c(
        "ACM.1",
        "Imported and ACM-issued certificates should be renewed after a specified time period",
    ),
    c(
        "APIGateway.1",
        "API Gateway REST and WebSocket API execution logging should be enabled",
    ),
    c(
        "APIGateway.2",
        "API Gateway REST API stages should be configured to use SSL certificates for backend authentication",
    ),
    c(
        "APIGateway.3",
        "API Gateway REST API stages should have AWS X-Ray tracing enabled",
    ),
    c(
        "APIGateway.4",
        "API Gateway should be associated with a WAF Web ACL",
    ),
    c(
        "APIGateway.5",
        "API Gateway REST API cache data should be encrypted at rest",
    ),
    c(
        "APIGateway.8",
        "API Gateway routes should specify an authorization type",
    ),
    c(
        "APIGateway.9",
        "Access logging should be configured for API Gateway V2 Stages",
    ),
    c(
        "AutoScaling.1",
        "Auto Scaling groups associated with a Classic Load Balancer should use load balancer health checks",
    ),
    c(
        "AutoScaling.2",
        "Amazon EC2 Auto Scaling group should cover multiple Availability Zones",
    ),
    c(
        "AutoScaling.3",
        "Auto Scaling group launch configurations should configure EC2 instances to require Instance Metadata Service Version 2 (IMDSv2)",
    ),
    c(
        "AutoScaling.4",
        "Auto Scaling group launch configuration should not have a metadata response hop limit greater than 1",
    ),
    c(
        "Autoscaling.5",
        "Amazon EC2 instances launched using Auto Scaling group launch configurations should not have Public IP addresses",
    ),
    c(
        "AutoScaling.6",
        "Auto Scaling groups should use multiple instance types in multiple Availability Zones",
    ),
    c(
        "AutoScaling.9",
        "EC2 Auto Scaling groups should use EC2 launch templates",
    ),
    cj(
        "Backup.1",
        "AWS Backup recovery points should be encrypted at rest",
        "AWS Backup の復旧ポイントを保存時に暗号化する",
    ),
    c(
        "CloudFormation.1",
        "CloudFormation stacks should be integrated with Simple Notification Service (SNS)",
    ),
    c(
        "CloudFront.1",
        "CloudFront distributions should have a default root object configured",
    ),
    c(
        "CloudFront.2",
        "CloudFront distributions should have origin access identity enabled",
    ),
    c(
        "CloudFront.3",
        "CloudFront distributions should require encryption in transit",
    ),
    c(
        "CloudFront.4",
        "CloudFront distributions should have origin failover configured",
    ),
    c(
        "CloudFront.5",
        "CloudFront distributions should have logging enabled",
    ),
    c(
        "CloudFront.6",
        "CloudFront distributions should have WAF enabled",
    ),
    c(
        "CloudFront.7",
        "CloudFront distributions should use custom SSL/TLS certificates",
    ),
    c(
        "CloudFront.8",
        "CloudFront distributions should use SNI to serve HTTPS requests",
    ),
    c(
        "CloudFront.9",
        "CloudFront distributions should encrypt traffic to custom origins",
    ),
    c(
        "CloudFront.10",
        "CloudFront distributions should not use deprecated SSL protocols between edge locations and custom origins",
    ),
    c(
        "CloudFront.12",
        "CloudFront distributions should not point to non-existent S3 origins",
    ),
    cj(
        "CloudFront.15",
        "CloudFront distributions should use the recommended TLS security policy",
        "CloudFront ディストリビューションで推奨の TLS セキュリティポリシーを使う",
    ),
    c(
        "CloudTrail.1",
        "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events",
    ),
    c(
        "CloudTrail.2",
        "CloudTrail should have encryption at-rest enabled",
    ),
    c("CloudTrail.3", "CloudTrail should be enabled"),
    c(
        "CloudTrail.4",
        "CloudTrail log file validation should be enabled",
    ),
    c(
        "CloudTrail.5",
        "CloudTrail trails should be integrated with Amazon CloudWatch Logs",
    ),
    c(
        "CloudTrail.6",
        "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible",
    ),
    c(
        "CloudTrail.7",
        "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket",
    ),
    c(
        "CloudWatch.1",
        "A log metric filter and alarm should exist for usage of the \"root\" user",
    ),
    c(
        "CloudWatch.2",
        "Ensure a log metric filter and alarm exist for unauthorized API calls",
    ),
    c(
        "CloudWatch.3",
        "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA",
    ),
    c(
        "CloudWatch.4",
        "Ensure a log metric filter and alarm exist for IAM policy changes",
    ),
    c(
        "CloudWatch.5",
        "Ensure a log metric filter and alarm exist for CloudTrail configuration changes",
    ),
    c(
        "CloudWatch.6",
        "Ensure a log metric filter and alarm exist for AWS Management Console authentication failures",
    ),
    c(
        "CloudWatch.7",
        "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs",
    ),
    c(
        "CloudWatch.8",
        "Ensure a log metric filter and alarm exist for S3 bucket policy changes",
    ),
    c(
        "CloudWatch.9",
        "Ensure a log metric filter and alarm exist for AWS Config configuration changes",
    ),
    c(
        "CloudWatch.10",
        "Ensure a log metric filter and alarm exist for security group changes",
    ),
    c(
        "CloudWatch.11",
        "Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)",
    ),
    c(
        "CloudWatch.12",
        "Ensure a log metric filter and alarm exist for changes to network gateways",
    ),
    c(
        "CloudWatch.13",
        "Ensure a log metric filter and alarm exist for route table changes",
    ),
    c(
        "CloudWatch.14",
        "Ensure a log metric filter and alarm exist for VPC changes",
    ),
    c(
        "CloudWatch.15",
        "CloudWatch alarms should have an action configured for the ALARM state",
    ),
    c(
        "CloudWatch.16",
        "CloudWatch log groups should be retained for at least 1 year",
    ),
    c(
        "CloudWatch.17",
        "CloudWatch alarm actions should be activated",
    ),
    c(
        "CodeBuild.1",
        "CodeBuild GitHub or Bitbucket source repository URLs should use OAuth",
    ),
    c(
        "CodeBuild.2",
        "CodeBuild project environment variables should not contain clear text credentials",
    ),
    c("CodeBuild.3", "CodeBuild S3 logs should be encrypted"),
    c(
        "CodeBuild.4",
        "CodeBuild project environments should have a logging configuration",
    ),
    c(
        "CodeBuild.5",
        "CodeBuild project environments should not have privileged mode enabled",
    ),
    c("Config.1", "AWS Config should be enabled"),
    c(
        "DMS.1",
        "Database Migration Service replication instances should not be public",
    ),
    c(
        "DynamoDB.1",
        "DynamoDB tables should automatically scale capacity with demand",
    ),
    c(
        "DynamoDB.2",
        "DynamoDB tables should have point-in-time recovery enabled",
    ),
    c(
        "DynamoDB.3",
        "DynamoDB Accelerator (DAX) clusters should be encrypted at rest",
    ),
    c(
        "DynamoDB.4",
        "DynamoDB tables should be covered by a backup plan",
    ),
    cj(
        "DynamoDB.7",
        "DynamoDB Accelerator clusters should be encrypted in transit",
        "DynamoDB Accelerator (DAX) クラスターを転送中に暗号化する",
    ),
    c("EC2.1", "EBS snapshots should not be publicly restorable"),
    c(
        "EC2.2",
        "The VPC default security group should not allow inbound and outbound traffic",
    ),
    c("EC2.3", "Attached EBS volumes should be encrypted at-rest"),
    c(
        "EC2.4",
        "Stopped EC2 instances should be removed after a specified time period",
    ),
    c("EC2.6", "VPC flow logging should be enabled in all VPCs"),
    c("EC2.7", "EBS default encryption should be enabled"),
    c(
        "EC2.8",
        "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)",
    ),
    c(
        "EC2.9",
        "EC2 instances should not have a public IPv4 address",
    ),
    c(
        "EC2.10",
        "Amazon EC2 should be configured to use VPC endpoints that are created for the Amazon EC2 service",
    ),
    c("EC2.12", "Unused EC2 EIPs should be removed"),
    c(
        "EC2.13",
        "Security groups should not allow ingress from 0.0.0.0/0 to port 22",
    ),
    c(
        "EC2.14",
        "Ensure no security groups allow ingress from 0.0.0.0/0 to port 3389",
    ),
    c(
        "EC2.15",
        "EC2 subnets should not automatically assign public IP addresses",
    ),
    c(
        "EC2.16",
        "Unused Network Access Control Lists should be removed",
    ),
    c("EC2.17", "EC2 instances should not use multiple ENIs"),
    c(
        "EC2.18",
        "Security groups should only allow unrestricted incoming traffic for authorized ports",
    ),
    c(
        "EC2.19",
        "Security groups should not allow unrestricted access to ports with high risk",
    ),
    c(
        "EC2.20",
        "Both VPN tunnels for an AWS Site-to-Site VPN connection should be up",
    ),
    c(
        "EC2.21",
        "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389",
    ),
    c("EC2.22", "Unused EC2 security groups should be removed"),
    c(
        "EC2.23",
        "EC2 Transit Gateways should not automatically accept VPC attachment requests",
    ),
    c(
        "EC2.24",
        "EC2 paravirtual instance types should not be used",
    ),
    c(
        "EC2.25",
        "EC2 launch templates should not assign public IPs to network interfaces",
    ),
    c("EC2.28", "EBS volumes should be covered by a backup plan"),
    c("EC2.29", "EC2 instances should be launched in a VPC"),
    c(
        "EC2.53",
        "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports",
    ),
    c(
        "EC2.54",
        "EC2 security groups should not allow ingress from ::/0 to remote server administration ports",
    ),
    cj(
        "EC2.173",
        "EC2 Spot Fleet requests with launch parameters should enable encryption for attached EBS volumes",
        "起動パラメータ付きの EC2 スポットフリートリクエストで、アタッチする EBS ボリュームの暗号化を有効にする",
    ),
    cj(
        "EC2.181",
        "EC2 launch templates should enable encryption for attached EBS volumes",
        "EC2 起動テンプレートで、アタッチする EBS ボリュームの暗号化を有効にする",
    ),
    c(
        "ECR.1",
        "ECR private repositories should have image scanning configured",
    ),
    c(
        "ECR.2",
        "ECR private repositories should have tag immutability configured",
    ),
    c(
        "ECR.3",
        "ECR repositories should have at least one lifecycle policy configured",
    ),
    c(
        "ECS.1",
        "Amazon ECS task definitions should have secure networking modes and user definitions.",
    ),
    c(
        "ECS.2",
        "ECS services should not have public IP addresses assigned to them automatically",
    ),
    c(
        "ECS.3",
        "ECS task definitions should not share the host's process namespace",
    ),
    c("ECS.4", "ECS containers should run as non-privileged"),
    c(
        "ECS.5",
        "ECS containers should be limited to read-only access to root filesystems",
    ),
    c(
        "ECS.8",
        "Secrets should not be passed as container environment variables",
    ),
    c(
        "ECS.10",
        "ECS Fargate services should run on the latest Fargate platform version",
    ),
    c("ECS.12", "ECS clusters should use Container Insights"),
    c(
        "EFS.1",
        "Elastic File System should be configured to encrypt file data at-rest using AWS KMS",
    ),
    c("EFS.2", "Amazon EFS volumes should be in backup plans"),
    c("EFS.3", "EFS access points should enforce a root directory"),
    c("EFS.4", "EFS access points should enforce a user identity"),
    cj(
        "EFS.8",
        "EFS file systems should be encrypted at rest",
        "EFS ファイルシステムを保存時に暗号化する",
    ),
    c(
        "EKS.2",
        "EKS clusters should run on a supported Kubernetes version",
    ),
    c(
        "ElastiCache.1",
        "ElastiCache Redis clusters should have automatic backup enabled",
    ),
    c(
        "ElastiCache.2",
        "ElastiCache for Redis cache clusters should have auto minor version upgrades enabled",
    ),
    c(
        "ElastiCache.3",
        "ElastiCache replication groups should have automatic failover enabled",
    ),
    c(
        "ElastiCache.4",
        "ElastiCache replication groups should have encryption-at-rest enabled",
    ),
    c(
        "ElastiCache.5",
        "ElastiCache replication groups should have encryption-in-transit enabled",
    ),
    c(
        "ElastiCache.6",
        "ElastiCache replication groups of earlier Redis versions should have Redis AUTH enabled",
    ),
    c(
        "ElastiCache.7",
        "ElastiCache clusters should not use the default subnet group",
    ),
    c(
        "ElasticBeanstalk.1",
        "Elastic Beanstalk environments should have enhanced health reporting enabled",
    ),
    c(
        "ElasticBeanstalk.2",
        "Elastic Beanstalk managed platform updates should be enabled",
    ),
    c(
        "ELB.1",
        "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
    ),
    c(
        "ELB.2",
        "Classic Load Balancers with SSL/HTTPS listeners should use a certificate provided by AWS Certificate Manager",
    ),
    c(
        "ELB.3",
        "Classic Load Balancer listeners should be configured with HTTPS or TLS termination",
    ),
    c(
        "ELB.4",
        "Application Load Balancer should be configured to drop http headers",
    ),
    c(
        "ELB.5",
        "Application and Classic Load Balancers logging should be enabled",
    ),
    c(
        "ELB.6",
        "Application Load Balancer deletion protection should be enabled",
    ),
    c(
        "ELB.7",
        "Classic Load Balancers should have connection draining enabled",
    ),
    c(
        "ELB.8",
        "Classic Load Balancers with SSL listeners should use a predefined security policy that has strong configuration",
    ),
    c(
        "ELB.9",
        "Classic Load Balancers should have cross-zone load balancing enabled",
    ),
    c(
        "ELB.10",
        "Classic Load Balancer should span multiple Availability Zones",
    ),
    c(
        "ELB.12",
        "Application Load Balancer should be configured with defensive or strictest desync mitigation mode",
    ),
    c(
        "ELB.13",
        "Application, Network and Gateway Load Balancers should span multiple Availability Zones",
    ),
    c(
        "ELB.14",
        "Classic Load Balancer should be configured with defensive or strictest desync mitigation mode",
    ),
    cj(
        "ELB.17",
        "Application and Network Load Balancers with listeners should use recommended security policies",
        "リスナーを持つ Application Load Balancer と Network Load Balancer で推奨のセキュリティポリシーを使う",
    ),
    cj(
        "ELB.18",
        "Application and Network Load Balancer listeners should use secure protocols to encrypt data in transit",
        "Application Load Balancer と Network Load Balancer のリスナーで、転送中のデータを暗号化する安全なプロトコルを使う",
    ),
    c(
        "EMR.1",
        "Amazon Elastic MapReduce cluster master nodes should not have public IP addresses",
    ),
    c(
        "ES.1",
        "Elasticsearch domains should have encryption at-rest enabled",
    ),
    c("ES.2", "Elasticsearch domains should be in a VPC"),
    c(
        "ES.3",
        "Elasticsearch domains should encrypt data sent between nodes",
    ),
    c(
        "ES.4",
        "Elasticsearch domain error logging to CloudWatch Logs should be enabled",
    ),
    c(
        "ES.5",
        "Elasticsearch domains should have audit logging enabled",
    ),
    c(
        "ES.6",
        "Elasticsearch domains should have at least three data nodes",
    ),
    c(
        "ES.7",
        "Elasticsearch domains should be configured with at least three dedicated master nodes",
    ),
    c(
        "ES.8",
        "Connections to Elasticsearch domains should be encrypted using TLS 1.2",
    ),
    c("GuardDuty.1", "GuardDuty should be enabled"),
    cj(
        "GuardDuty.5",
        "GuardDuty EKS Audit Log Monitoring should be enabled",
        "GuardDuty の EKS 監査ログモニタリングを有効にする",
    ),
    cj(
        "GuardDuty.6",
        "GuardDuty Lambda Protection should be enabled",
        "GuardDuty の Lambda 保護を有効にする",
    ),
    cj(
        "GuardDuty.7",
        "GuardDuty EKS Runtime Monitoring should be enabled",
        "GuardDuty の EKS ランタイムモニタリングを有効にする",
    ),
    cj(
        "GuardDuty.8",
        "GuardDuty Malware Protection for EC2 should be enabled",
        "GuardDuty の EC2 向けマルウェア保護を有効にする",
    ),
    cj(
        "GuardDuty.9",
        "GuardDuty RDS Protection should be enabled",
        "GuardDuty の RDS 保護を有効にする",
    ),
    cj(
        "GuardDuty.10",
        "GuardDuty S3 Protection should be enabled",
        "GuardDuty の S3 保護を有効にする",
    ),
    cj(
        "GuardDuty.11",
        "GuardDuty Runtime Monitoring should be enabled",
        "GuardDuty のランタイムモニタリングを有効にする",
    ),
    cj(
        "GuardDuty.12",
        "GuardDuty ECS Runtime Monitoring should be enabled",
        "GuardDuty の ECS ランタイムモニタリングを有効にする",
    ),
    cj(
        "GuardDuty.13",
        "GuardDuty EC2 Runtime Monitoring should be enabled",
        "GuardDuty の EC2 ランタイムモニタリングを有効にする",
    ),
    c(
        "IAM.1",
        "IAM policies should not allow full \"*\" administrative privileges",
    ),
    c("IAM.2", "IAM users should not have IAM policies attached"),
    c(
        "IAM.3",
        "IAM users' access keys should be rotated every 90 days or less",
    ),
    c("IAM.4", "IAM root user access key should not exist"),
    c(
        "IAM.5",
        "MFA should be enabled for all IAM users that have a console password",
    ),
    c("IAM.6", "Hardware MFA should be enabled for the root user"),
    c(
        "IAM.7",
        "Password policies for IAM users should have strong configurations",
    ),
    c("IAM.8", "Unused IAM user credentials should be removed"),
    c("IAM.9", "Virtual MFA should be enabled for the root user"),
    c(
        "IAM.10",
        "Password policies for IAM users should have strong configurations",
    ),
    c(
        "IAM.11",
        "Ensure IAM password policy requires at least one uppercase letter",
    ),
    c(
        "IAM.12",
        "Ensure IAM password policy requires at least one lowercase letter",
    ),
    c(
        "IAM.13",
        "Ensure IAM password policy requires at least one symbol",
    ),
    c(
        "IAM.14",
        "Ensure IAM password policy requires at least one number",
    ),
    c(
        "IAM.15",
        "Ensure IAM password policy requires minimum password length of 14 or greater",
    ),
    c(
        "IAM.16",
        "Ensure IAM password policy prevents password reuse",
    ),
    c(
        "IAM.17",
        "Ensure IAM password policy expires passwords within 90 days or less",
    ),
    c(
        "IAM.18",
        "Ensure a support role has been created to manage incidents with AWS Support",
    ),
    c("IAM.19", "MFA should be enabled for all IAM users"),
    c("IAM.20", "Avoid the use of the root user"),
    c(
        "IAM.21",
        "IAM customer managed policies that you create should not allow wildcard actions for services",
    ),
    c(
        "IAM.22",
        "IAM user credentials unused for 45 days should be removed",
    ),
    cj(
        "Inspector.1",
        "Amazon Inspector EC2 scanning should be enabled",
        "Amazon Inspector の EC2 スキャンを有効にする",
    ),
    cj(
        "Inspector.2",
        "Amazon Inspector ECR scanning should be enabled",
        "Amazon Inspector の ECR スキャンを有効にする",
    ),
    cj(
        "Inspector.3",
        "Amazon Inspector Lambda code scanning should be enabled",
        "Amazon Inspector の Lambda コードスキャンを有効にする",
    ),
    cj(
        "Inspector.4",
        "Amazon Inspector Lambda standard scanning should be enabled",
        "Amazon Inspector の Lambda 標準スキャンを有効にする",
    ),
    c("Kinesis.1", "Kinesis streams should be encrypted at rest"),
    c(
        "KMS.1",
        "IAM customer managed policies should not allow decryption actions on all KMS keys",
    ),
    c(
        "KMS.2",
        "IAM principals should not have IAM inline policies that allow decryption actions on all KMS keys",
    ),
    c(
        "KMS.3",
        "AWS KMS keys should not be deleted unintentionally",
    ),
    c("KMS.4", "AWS KMS key rotation should be enabled"),
    c(
        "Lambda.1",
        "Lambda function policies should prohibit public access",
    ),
    c("Lambda.2", "Lambda functions should use supported runtimes"),
    c("Lambda.3", "Lambda functions should be in a VPC"),
    c(
        "Lambda.5",
        "VPC Lambda functions should operate in more than one Availability Zone",
    ),
    c(
        "NetworkFirewall.3",
        "Network Firewall policies should have at least one rule group associated",
    ),
    c(
        "NetworkFirewall.4",
        "The default stateless action for Network Firewall policies should be drop or forward for full packets",
    ),
    c(
        "NetworkFirewall.5",
        "The default stateless action for Network Firewall policies should be drop or forward for fragmented packets",
    ),
    c(
        "NetworkFirewall.6",
        "Stateless network firewall rule group should not be empty",
    ),
    c(
        "Opensearch.1",
        "OpenSearch domains should have encryption at rest enabled",
    ),
    c("Opensearch.2", "OpenSearch domains should be in a VPC"),
    c(
        "Opensearch.3",
        "OpenSearch domains should encrypt data sent between nodes",
    ),
    c(
        "Opensearch.4",
        "OpenSearch domain error logging to CloudWatch Logs should be enabled",
    ),
    c(
        "Opensearch.5",
        "OpenSearch domains should have audit logging enabled",
    ),
    c(
        "Opensearch.6",
        "OpenSearch domains should have at least three data nodes",
    ),
    c(
        "Opensearch.7",
        "OpenSearch domains should have fine-grained access control enabled",
    ),
    c(
        "Opensearch.8",
        "Connections to OpenSearch domains should be encrypted using TLS 1.2",
    ),
    c("RDS.1", "RDS snapshot should be private"),
    c(
        "RDS.2",
        "RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration",
    ),
    c(
        "RDS.3",
        "RDS DB instances should have encryption at-rest enabled",
    ),
    c(
        "RDS.4",
        "RDS cluster snapshots and database snapshots should be encrypted at rest",
    ),
    c(
        "RDS.5",
        "RDS DB instances should be configured with multiple Availability Zones",
    ),
    c(
        "RDS.6",
        "Enhanced monitoring should be configured for RDS DB instances",
    ),
    c(
        "RDS.7",
        "RDS clusters should have deletion protection enabled",
    ),
    c(
        "RDS.8",
        "RDS DB instances should have deletion protection enabled",
    ),
    c("RDS.9", "Database logging should be enabled"),
    c(
        "RDS.10",
        "IAM authentication should be configured for RDS instances",
    ),
    c(
        "RDS.11",
        "RDS instances should have automatic backups enabled",
    ),
    c(
        "RDS.12",
        "IAM authentication should be configured for RDS clusters",
    ),
    c(
        "RDS.13",
        "RDS automatic minor version upgrades should be enabled",
    ),
    c(
        "RDS.14",
        "Amazon Aurora clusters should have backtracking enabled",
    ),
    c(
        "RDS.15",
        "RDS DB clusters should be configured for multiple Availability Zones",
    ),
    c(
        "RDS.16",
        "RDS DB clusters should be configured to copy tags to snapshots",
    ),
    c(
        "RDS.17",
        "RDS DB instances should be configured to copy tags to snapshots",
    ),
    c("RDS.18", "RDS instances should be deployed in a VPC"),
    c(
        "RDS.19",
        "An RDS event notifications subscription should be configured for critical cluster events",
    ),
    c(
        "RDS.20",
        "An RDS event notifications subscription should be configured for critical database instance events",
    ),
    c(
        "RDS.21",
        "An RDS event notifications subscription should be configured for critical database parameter group events",
    ),
    c(
        "RDS.22",
        "An RDS event notifications subscription should be configured for critical database security group events",
    ),
    c(
        "RDS.23",
        "RDS instances should not use a database engine default port",
    ),
    c(
        "RDS.24",
        "RDS Database Clusters should use a custom administrator username",
    ),
    c(
        "RDS.25",
        "RDS database instances should use a custom administrator username",
    ),
    c(
        "RDS.26",
        "RDS DB instances should be covered by a backup plan",
    ),
    cj(
        "RDS.27",
        "RDS DB clusters should be encrypted at rest",
        "RDS DB クラスターを保存時に暗号化する",
    ),
    cj(
        "RDS.41",
        "RDS for SQL Server DB instances should be encrypted in transit",
        "RDS for SQL Server の DB インスタンスを転送中に暗号化する",
    ),
    cj(
        "RDS.43",
        "RDS DB proxies should require TLS encryption for connections",
        "RDS DB プロキシで接続に TLS 暗号化を必須にする",
    ),
    cj(
        "RDS.44",
        "RDS for MariaDB DB instances should be encrypted in transit",
        "RDS for MariaDB の DB インスタンスを転送中に暗号化する",
    ),
    c(
        "Redshift.1",
        "Amazon Redshift clusters should prohibit public access",
    ),
    c(
        "Redshift.2",
        "Connections to Amazon Redshift clusters should be encrypted in transit",
    ),
    c(
        "Redshift.3",
        "Amazon Redshift clusters should have automatic snapshots enabled",
    ),
    c(
        "Redshift.4",
        "Amazon Redshift clusters should have audit logging enabled",
    ),
    c(
        "Redshift.6",
        "Amazon Redshift should have automatic upgrades to major versions enabled",
    ),
    c(
        "Redshift.7",
        "Redshift clusters should use enhanced VPC routing",
    ),
    c(
        "Redshift.8",
        "Amazon Redshift clusters should not use the default Admin username",
    ),
    c(
        "Redshift.9",
        "Redshift clusters should not use the default database name",
    ),
    cj(
        "Redshift.10",
        "Redshift clusters should be encrypted at rest",
        "Redshift クラスターを保存時に暗号化する",
    ),
    c("S3.1", "S3 Block Public Access setting should be enabled"),
    c("S3.2", "S3 buckets should prohibit public read access"),
    c("S3.3", "S3 buckets should prohibit public write access"),
    c(
        "S3.4",
        "S3 buckets should have server-side encryption enabled",
    ),
    c(
        "S3.5",
        "S3 buckets should require requests to use Secure Socket Layer",
    ),
    c(
        "S3.6",
        "S3 permissions granted to other AWS accounts in bucket policies should be restricted",
    ),
    c(
        "S3.7",
        "S3 buckets should have cross-Region replication enabled",
    ),
    c(
        "S3.8",
        "S3 Block Public Access setting should be enabled at the bucket-level",
    ),
    c("S3.9", "S3 bucket server access logging should be enabled"),
    c(
        "S3.10",
        "S3 buckets with versioning enabled should have lifecycle policies configured",
    ),
    c(
        "S3.11",
        "S3 buckets should have event notifications enabled",
    ),
    c(
        "S3.12",
        "S3 access control lists (ACLs) should not be used to manage user access to buckets",
    ),
    c(
        "S3.13",
        "S3 buckets should have lifecycle policies configured",
    ),
    c("S3.14", "S3 buckets should use versioning"),
    c(
        "SageMaker.1",
        "Amazon SageMaker notebook instances should not have direct internet access",
    ),
    c(
        "SageMaker.2",
        "SageMaker notebook instances should be launched in a custom VPC",
    ),
    c(
        "SageMaker.3",
        "Users should not have root access to SageMaker notebook instances",
    ),
    c(
        "SecretsManager.1",
        "Secrets Manager secrets should have automatic rotation enabled",
    ),
    c(
        "SecretsManager.2",
        "Secrets Manager secrets configured with automatic rotation should rotate successfully",
    ),
    c("SecretsManager.3", "Remove unused Secrets Manager secrets"),
    c(
        "SecretsManager.4",
        "Secrets Manager secrets should be rotated within a specified number of days",
    ),
    c(
        "SNS.1",
        "SNS topics should be encrypted at-rest using AWS KMS",
    ),
    c(
        "SNS.2",
        "Logging of delivery status should be enabled for notification messages sent to a topic",
    ),
    c("SQS.1", "Amazon SQS queues should be encrypted at rest"),
    c(
        "SSM.1",
        "EC2 instances should be managed by AWS Systems Manager",
    ),
    c(
        "SSM.2",
        "EC2 instances managed by Systems Manager should have a patch compliance status of COMPLIANT after a patch installation",
    ),
    c(
        "SSM.3",
        "EC2 instances managed by Systems Manager should have an association compliance status of COMPLIANT",
    ),
    c("SSM.4", "SSM documents should not be public"),
    c(
        "WAF.1",
        "AWS WAF Classic Global Web ACL logging should be enabled",
    ),
    c(
        "WAF.2",
        "A WAF Regional rule should have at least one condition",
    ),
    c(
        "WAF.3",
        "A WAF Regional rule group should have at least one rule",
    ),
    c(
        "WAF.4",
        "A WAF Regional web ACL should have at least one rule or rule group",
    ),
    c(
        "WAF.6",
        "A WAF global rule should have at least one condition",
    ),
    c(
        "WAF.7",
        "A WAF global rule group should have at least one rule",
    ),
    c(
        "WAF.8",
        "A WAF global web ACL should have at least one rule or rule group",
    ),
    c(
        "WAF.10",
        "A WAFV2 web ACL should have at least one rule or rule group",
    ),
    c("WAF.11", "AWS WAFv2 web ACL logging should be activated"),
];
