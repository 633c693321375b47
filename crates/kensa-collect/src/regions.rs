//! Who is collecting (STS) and which regions the account has (EC2).

use kensa_snapshot::{Account, CallError};

use crate::call::{Call, Caller};
use crate::clients::Clients;

/// `sts:GetCallerIdentity`: the account, its partition and the caller.
pub(crate) async fn account(caller: &Caller, clients: &Clients) -> Result<Account, CallError> {
    let call = Call::global("sts", "GetCallerIdentity");
    let identity = caller
        .call(&call, clients.sts.get_caller_identity().send())
        .await?;
    let id = identity
        .account
        .ok_or_else(|| call.malformed("no Account in the response"))?;
    let caller_arn = identity
        .arn
        .ok_or_else(|| call.malformed("no Arn in the response"))?;
    let partition = partition_of(&caller_arn)
        .ok_or_else(|| call.malformed(format!("cannot read a partition from `{caller_arn}`")))?
        .to_owned();
    Ok(Account {
        id,
        partition,
        caller_arn,
    })
}

/// `arn:PARTITION:service:region:account:resource`
fn partition_of(arn: &str) -> Option<&str> {
    let mut fields = arn.split(':');
    match (fields.next(), fields.next()) {
        (Some("arn"), Some(partition)) if !partition.is_empty() => Some(partition),
        _ => None,
    }
}

/// `ec2:DescribeRegions` without `AllRegions`: only the regions the account
/// has enabled (opted in, or enabled by default), sorted.
pub(crate) async fn enabled_regions(
    caller: &Caller,
    clients: &Clients,
) -> Result<Vec<String>, CallError> {
    let call = Call::regional("ec2", "DescribeRegions", &clients.home_region);
    let output = caller
        .call(&call, clients.ec2.describe_regions().send())
        .await?;
    let mut regions: Vec<String> = output
        .regions
        .unwrap_or_default()
        .into_iter()
        .filter_map(|region| region.region_name)
        .collect();
    regions.sort();
    regions.dedup();
    Ok(regions)
}

/// The regions to audit: the ones asked for, else every enabled one, else
/// (when the enabled ones could not be read) the home region alone.
pub(crate) fn audited_regions(
    requested: &[String],
    enabled: Option<&Vec<String>>,
    home_region: &str,
) -> Vec<String> {
    let mut regions = if !requested.is_empty() {
        requested.to_vec()
    } else if let Some(enabled) = enabled.filter(|enabled| !enabled.is_empty()) {
        enabled.clone()
    } else {
        vec![home_region.to_owned()]
    };
    regions.sort();
    regions.dedup();
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_comes_from_the_second_arn_field() {
        assert_eq!(
            partition_of("arn:aws-us-gov:iam::123456789012:user/alice"),
            Some("aws-us-gov")
        );
        assert_eq!(partition_of("not-an-arn"), None);
        assert_eq!(partition_of("arn::iam"), None);
    }

    #[test]
    fn audited_regions_prefer_the_request_then_the_enabled_ones() {
        let enabled = vec!["eu-west-1".to_owned(), "us-east-1".to_owned()];
        let requested = vec!["us-west-2".to_owned(), "eu-west-1".to_owned()];
        assert_eq!(
            audited_regions(&requested, Some(&enabled), "us-east-1"),
            vec!["eu-west-1", "us-west-2"]
        );
        assert_eq!(audited_regions(&[], Some(&enabled), "us-east-1"), enabled);
        assert_eq!(audited_regions(&[], None, "ap-south-1"), vec!["ap-south-1"]);
    }
}
