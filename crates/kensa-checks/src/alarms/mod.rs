//! Notification of suspicious operations (不正と疑われる操作の通知): ALM-1..ALM-11,
//! and the CIS 1.2 3.x monitoring items beside them.
//!
//! Each operation is a set of CloudTrail records (operations.rs); a check
//! follows the chain from the trail to a confirmed SNS subscriber and runs
//! every filter and rule on those records (chain.rs); which alarms watch a
//! filter's metric is decided in watch.rs.

mod chain;
pub mod config;
mod engine;
pub mod operations;
mod watch;

pub mod cloudtrail_changes;
pub mod config_changes;
pub mod console_sign_in_failures;
pub mod console_sign_in_without_mfa;
pub mod ec2_instance_changes;
pub mod gateway_changes;
pub mod iam_policy_changes;
pub mod kms_key_disable;
pub mod large_instance_launch;
pub mod network_acl_changes;
pub mod root_use;
pub mod route_table_changes;
pub mod s3_bucket_policy_changes;
pub mod security_group_changes;
pub mod unauthorized_api_calls;
pub mod vpc_changes;

#[cfg(test)]
mod tests;
