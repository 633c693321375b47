//! The one place that decides how kensa talks to AWS: profile, endpoint,
//! region, retries and timeouts.

use std::time::Duration;

use aws_config::default_provider::region::DefaultRegionChain;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

use crate::CollectOptions;

/// Used when neither the options, the environment nor the profile name a
/// region: IAM and STS are global, and every account has us-east-1 enabled.
const FALLBACK_REGION: &str = "us-east-1";

/// One attempt may wait this long; IAM calls on large accounts
/// (GetAccountAuthorizationDetails pages) are slow but not this slow.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// The whole call including its retries and backoff.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(120);

/// Loads the SDK configuration every client is built from.
///
/// Everything not set in `opts` comes from aws-config's default chains, so
/// `AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL` and the usual credential
/// sources keep working.
pub async fn load_sdk_config(opts: &CollectOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(region_chain(opts))
        .retry_config(retry_config(opts.max_attempts))
        .timeout_config(timeout_config());
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(endpoint_url) = &opts.endpoint_url {
        loader = loader.endpoint_url(endpoint_url);
    }
    loader.load().await
}

/// The home region: the first audited region, else the environment's or
/// the profile's, else [`FALLBACK_REGION`].
fn region_chain(opts: &CollectOptions) -> RegionProviderChain {
    let mut default_chain = DefaultRegionChain::builder();
    if let Some(profile) = &opts.profile {
        // Setting the loader's profile does not reach a region provider we
        // build ourselves; it has to be told too.
        default_chain = default_chain.profile_name(profile);
    }
    RegionProviderChain::first_try(opts.regions.first().cloned().map(Region::new))
        .or_else(default_chain.build())
        .or_else(Region::from_static(FALLBACK_REGION))
}

/// Standard retries back off exponentially on throttling and transient
/// errors, which is what a burst of IAM calls on a large account needs.
fn retry_config(max_attempts: u32) -> RetryConfig {
    RetryConfig::standard().with_max_attempts(max_attempts.max(1))
}

fn timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

/// The one SDK configuration, pointed at `region`: every regional client is
/// built from this, so credentials, endpoint, retries and timeouts stay the
/// same everywhere.
pub(crate) fn regional_config(sdk: &SdkConfig, region: &str) -> SdkConfig {
    sdk.to_builder()
        .region(Region::new(region.to_owned()))
        .build()
}

/// One client per service, all from the same configuration.
#[derive(Debug, Clone)]
pub(crate) struct Clients {
    pub(crate) iam: aws_sdk_iam::Client,
    pub(crate) sts: aws_sdk_sts::Client,
    pub(crate) ec2: aws_sdk_ec2::Client,
    /// The region regional calls are made in when no other is asked for.
    pub(crate) home_region: String,
}

impl Clients {
    pub(crate) fn new(sdk: &SdkConfig) -> Self {
        Clients {
            iam: aws_sdk_iam::Client::new(sdk),
            sts: aws_sdk_sts::Client::new(sdk),
            ec2: aws_sdk_ec2::Client::new(sdk),
            home_region: sdk
                .region()
                .map(|region| region.as_ref().to_owned())
                .unwrap_or_else(|| FALLBACK_REGION.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn options_shape_the_sdk_config() {
        let opts = CollectOptions {
            regions: vec!["eu-west-2".to_owned(), "us-east-1".to_owned()],
            endpoint_url: Some("http://localhost:5000".to_owned()),
            max_attempts: 5,
            ..CollectOptions::default()
        };
        let sdk = load_sdk_config(&opts).await;
        assert_eq!(sdk.region().map(|r| r.as_ref()), Some("eu-west-2"));
        assert_eq!(sdk.endpoint_url(), Some("http://localhost:5000"));
        let retry = sdk.retry_config().expect("retry config is set");
        assert_eq!(retry.max_attempts(), 5);
        let timeouts = sdk.timeout_config().expect("timeout config is set");
        assert_eq!(timeouts.operation_attempt_timeout(), Some(ATTEMPT_TIMEOUT));
        assert_eq!(timeouts.operation_timeout(), Some(OPERATION_TIMEOUT));
        assert_eq!(Clients::new(&sdk).home_region, "eu-west-2");
    }
}
