//! Data encryption (データの暗号化): ENC-1 in transit, ENC-2 at rest.
//!
//! A resource that stores or carries data unencrypted is a FAIL; data that
//! could not be read is an ERROR naming the call. Plain traffic the sheet
//! allows on a protected path inside a VPC, and encryption done by the
//! application, are recorded as `[[exceptions]]` with their reason, never
//! passed silently.

pub mod classic_elb_listeners;
pub mod cloudfront;
pub mod cloudtrail_kms;
mod edge;
pub mod elasticache;
pub mod elb_listeners;
pub mod log_groups_kms;
pub mod opensearch;
pub mod redshift;
pub mod tls_policies;

#[cfg(test)]
mod endpoint_tests;
