//! DescribeInstances, read once per region. The network (which instances
//! run where), the user-data secret scan and Inspector's coverage all need
//! the region's instances; reading the same pages three times only adds
//! calls for AWS to throttle.

use aws_sdk_ec2::types::Instance;
use kensa_snapshot::CallError;
use tokio::sync::OnceCell;

use crate::call::{Call, Caller};

/// One region's EC2 instances, read at the first [`RegionInstances::get`];
/// callers that ask meanwhile wait for that read, then share its answer
/// (the instances, or the call's error).
pub(crate) struct RegionInstances<'a> {
    caller: &'a Caller,
    ec2: &'a aws_sdk_ec2::Client,
    region: &'a str,
    read: OnceCell<Result<Vec<Instance>, CallError>>,
}

impl<'a> RegionInstances<'a> {
    pub(crate) fn new(caller: &'a Caller, ec2: &'a aws_sdk_ec2::Client, region: &'a str) -> Self {
        RegionInstances {
            caller,
            ec2,
            region,
            read: OnceCell::new(),
        }
    }

    /// Every instance of the region, in every state.
    #[allow(
        clippy::result_large_err,
        reason = "CallError is the snapshot's own record and ends up stored by value"
    )]
    pub(crate) async fn get(&self) -> Result<&[Instance], CallError> {
        let read = self
            .read
            .get_or_init(|| async {
                let call = Call::regional("ec2", "DescribeInstances", self.region);
                let pages = self
                    .caller
                    .all_pages(&call, self.ec2.describe_instances().into_paginator().send())
                    .await?;
                Ok(pages
                    .into_iter()
                    .flat_map(|p| p.reservations.unwrap_or_default())
                    .flat_map(|r| r.instances.unwrap_or_default())
                    .collect())
            })
            .await;
        match read {
            Ok(instances) => Ok(instances),
            Err(error) => Err(error.clone()),
        }
    }
}
