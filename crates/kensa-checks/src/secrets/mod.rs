//! Access keys kept as text in AWS resources (IAM-9, the AWS side).
//!
//! The collector scanned the resources and kept only redacted sightings
//! (`kensa_snapshot::secrets`); the check turns them into verdicts.

pub mod keys_in_resources;
