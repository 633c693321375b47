//! The collector: the only part of kensa that talks to AWS.
//!
//! It makes read-only calls (List/Get/Describe, plus
//! `iam:GenerateCredentialReport`, which only asks IAM to build a report)
//! and writes what it read into a [`Snapshot`]. Collection never fails as a
//! whole: each call that fails becomes a [`CallError`] in the part of the
//! snapshot it left empty, and in [`Snapshot::errors`].
//!
//! The one write kensa makes, `securityhub:BatchImportFindings`, lives in
//! [`security_hub`] and runs only for `kensa audit --to-security-hub`.

mod call;
mod clients;
mod endpoints;
mod iam;
mod inspector;
mod instances;
mod monitoring;
mod network;
mod patching;
mod progress;
mod regions;
mod s3_buckets;
pub mod s3_logs;
mod secrets;
pub mod security_hub;
mod services;
mod storage;
mod trail_buckets;

use chrono::Utc;
use futures::future::join_all;
use futures::join;
use kensa_snapshot::{CallError, Collected, Snapshot};

use crate::call::Caller;
use crate::clients::Clients;
use crate::instances::RegionInstances;
use crate::progress::Progress;

pub use crate::clients::load_sdk_config;

/// How to reach AWS and how hard to push it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectOptions {
    /// A profile from the AWS config files; `None`: `AWS_PROFILE` or `default`.
    pub profile: Option<String>,
    /// Regions to audit; empty: every region the account has enabled.
    pub regions: Vec<String>,
    /// Any AWS-compatible endpoint (LocalStack, moto) instead of AWS's own.
    pub endpoint_url: Option<String>,
    /// At most this many AWS calls at once; IAM throttles large bursts.
    pub max_in_flight: usize,
    /// Attempts per call, retries included, on throttling and transient errors.
    pub max_attempts: u32,
    /// Show a progress spinner on stderr (the caller knows whether it is a terminal).
    pub progress: bool,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            profile: None,
            regions: Vec::new(),
            endpoint_url: None,
            max_in_flight: 16,
            max_attempts: 8,
            progress: false,
        }
    }
}

/// Reads the account as configured by `opts` and the environment.
pub async fn collect(opts: &CollectOptions) -> Snapshot {
    let sdk = load_sdk_config(opts).await;
    collect_with_config(&sdk, opts).await
}

/// Reads the account through an already built SDK configuration (tests use
/// it to put a fake HTTP client in place of AWS). Of `opts`, only
/// `regions`, `max_in_flight` and `progress` apply; the rest is in `sdk`.
pub async fn collect_with_config(sdk: &aws_config::SdkConfig, opts: &CollectOptions) -> Snapshot {
    let mut snapshot = Snapshot::new(env!("CARGO_PKG_VERSION"), Utc::now());
    let clients = Clients::new(sdk);
    let caller = Caller::new(opts.max_in_flight, Progress::new(opts.progress));

    caller.progress().phase("account and regions");
    // Regional reads wait for the region list; IAM and the account do not.
    let regional = async {
        let enabled_regions = regions::enabled_regions(&caller, &clients).await;
        let audited = regions::audited_regions(
            &opts.regions,
            enabled_regions.as_ref().ok(),
            &clients.home_region,
        );
        let networks = join_all(audited.iter().map(|region| {
            let ec2 = network::client(sdk, region);
            let service_clients = services::RegionClients::new(sdk, region);
            let caller = &caller;
            let monitoring_clients = monitoring::Clients::new(sdk, region);
            let storage_clients = storage::RegionClients::new(sdk, region);
            let endpoint_clients = endpoints::Clients::new(sdk, region);
            let ssm = patching::client(sdk, region);
            let secrets_clients = secrets::Clients::new(sdk, region);
            let inspector_clients = inspector::Clients::new(sdk, region);
            async move {
                // DescribeInstances is read once and shared by the
                // network, the secret scan and Inspector's coverage.
                let region_instances = RegionInstances::new(caller, &ec2, region);
                let region_instances = &region_instances;
                // Systems Manager is asked about the region's instances, so
                // it follows the network (which reads them).
                let network_and_patching = async {
                    let network = network::collect(caller, &ec2, region, region_instances).await;
                    let patching =
                        patching::collect(caller, &ssm, region, &network.instances).await;
                    (network, patching)
                };
                join!(
                    network_and_patching,
                    monitoring::collect(caller, &monitoring_clients, region),
                    services::collect(caller, &service_clients, region),
                    storage::collect(caller, &storage_clients, region),
                    endpoints::collect(caller, &endpoint_clients, region),
                    secrets::collect(caller, &secrets_clients, region, region_instances),
                    inspector::collect(caller, &inspector_clients, region, region_instances),
                )
            }
        }))
        .await;
        (enabled_regions, audited, networks)
    };
    let (account, (enabled_regions, audited, networks), iam, cloudfront) = join!(
        regions::account(&caller, &clients),
        regional,
        iam::collect(&caller, &clients),
        endpoints::cloudfront(&caller, sdk),
    );
    snapshot.cloudfront = cloudfront.into();
    snapshot.account = account.into();
    // Whose key a sighting is can be told only once IAM is read.
    let owners = secrets::Owners::new(&iam);
    for (
        region,
        ((network, patching), monitoring, mut services, storage, endpoints, secrets, inspector),
    ) in audited.iter().zip(networks)
    {
        services.inspector = inspector;
        snapshot.regions.insert(
            region.clone(),
            kensa_snapshot::Region {
                network,
                monitoring,
                services,
                storage,
                endpoints,
                patching,
                secrets: secrets.finish(&owners),
            },
        );
    }
    // SVC-7 reads the S3 settings of the buckets the trails deliver to,
    // which are known only once the trails are.
    let trail_bucket_names: Vec<String> = snapshot
        .regions
        .values()
        .filter_map(|r| r.monitoring.trails.value())
        .flatten()
        .filter_map(|t| t.s3_bucket_name.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let account_id = snapshot.account_id().map(str::to_owned);
    let (trail_buckets, buckets) = join!(
        trail_buckets::collect(
            &caller,
            sdk,
            &clients.home_region,
            account_id.as_deref(),
            &trail_bucket_names,
        ),
        s3_buckets::collect(&caller, sdk, &clients.home_region),
    );
    snapshot.trail_buckets = trail_buckets;
    snapshot.buckets = buckets;
    snapshot.audited_regions = audited;
    snapshot.enabled_regions = enabled_regions.into();
    snapshot.iam = iam;
    snapshot.errors = errors_in(&snapshot);

    caller.progress().finish();
    tracing::info!(errors = snapshot.errors.len(), "collection finished");
    snapshot
}

fn services_errors(errors: &mut Vec<CallError>, services: &kensa_snapshot::services::Services) {
    fn push<T>(errors: &mut Vec<CallError>, collected: &Collected<T>) {
        if let Some(error) = collected.error() {
            errors.push(error.clone());
        }
    }
    let config = &services.config;
    push(errors, &config.recorders);
    push(errors, &config.recorder_statuses);
    push(errors, &config.delivery_channels);
    push(errors, &config.delivery_channel_statuses);
    push(errors, &services.guardduty.detectors);
    for detector in services.guardduty.detectors.value().into_iter().flatten() {
        push(errors, &detector.details);
    }
    push(errors, &services.ecr.repositories);
    push(errors, &services.ecr.registry_scanning);
    let hub = &services.security_hub;
    push(errors, &hub.hub);
    push(errors, &hub.standards);
    for standard in hub.standards.value().into_iter().flatten() {
        push(errors, &standard.controls);
    }
    push(errors, &hub.failed_controls_by_severity);
    let inspector = &services.inspector;
    push(errors, &inspector.account_status);
    push(errors, &inspector.ec2_coverage);
    push(errors, &inspector.open_findings);
    push(errors, &inspector.ec2_instances);
}

fn endpoints_errors(errors: &mut Vec<CallError>, endpoints: &kensa_snapshot::endpoints::Endpoints) {
    fn push<T>(errors: &mut Vec<CallError>, collected: &Collected<T>) {
        if let Some(error) = collected.error() {
            errors.push(error.clone());
        }
    }
    push(errors, &endpoints.load_balancers);
    for lb in endpoints.load_balancers.value().into_iter().flatten() {
        push(errors, &lb.listeners);
        for listener in lb.listeners.value().into_iter().flatten() {
            push(errors, &listener.rules);
        }
    }
    push(errors, &endpoints.ssl_policies);
    push(errors, &endpoints.classic_load_balancers);
    for lb in endpoints
        .classic_load_balancers
        .value()
        .into_iter()
        .flatten()
    {
        push(errors, &lb.policies);
    }
    push(errors, &endpoints.cache_replication_groups);
    push(errors, &endpoints.cache_clusters);
    push(errors, &endpoints.search_domains);
    push(errors, &endpoints.redshift_clusters);
    for parameters in endpoints.redshift_parameter_groups.values() {
        push(errors, parameters);
    }
    push(errors, &endpoints.log_groups);
}

fn patching_errors(errors: &mut Vec<CallError>, patching: &kensa_snapshot::patching::Patching) {
    fn push<T>(errors: &mut Vec<CallError>, collected: &Collected<T>) {
        if let Some(error) = collected.error() {
            errors.push(error.clone());
        }
    }
    push(errors, &patching.managed_instances);
    push(errors, &patching.patch_states);
    push(errors, &patching.patch_groups);
    for baseline in patching.baselines.values() {
        push(errors, baseline);
    }
    push(errors, &patching.maintenance_windows);
    for window in patching.maintenance_windows.value().into_iter().flatten() {
        push(errors, &window.targets);
        push(errors, &window.tasks);
        for task in window.tasks.value().into_iter().flatten() {
            push(errors, &task.operation);
        }
    }
    push(errors, &patching.associations);
    for applications in patching.applications.values() {
        push(errors, applications);
    }
}

/// Every error recorded anywhere in the snapshot, once each, in a stable
/// order so that two collections of the same account compare equal.
///
/// Gathering them from the snapshot, rather than as calls fail, keeps the
/// list and the [`Collected`] values from ever disagreeing, and leaves out
/// the `NoSuchEntity` answers that are data rather than failures.
fn errors_in(snapshot: &Snapshot) -> Vec<CallError> {
    fn push<T>(errors: &mut Vec<CallError>, collected: &Collected<T>) {
        if let Some(error) = collected.error() {
            errors.push(error.clone());
        }
    }

    let mut errors = Vec::new();
    let iam = &snapshot.iam;
    push(&mut errors, &snapshot.account);
    push(&mut errors, &snapshot.enabled_regions);
    push(&mut errors, &iam.users);
    for user in iam.users.value().into_iter().flatten() {
        push(&mut errors, &user.login_profile);
        push(&mut errors, &user.access_keys);
        push(&mut errors, &user.mfa_devices);
        for key in user.access_keys.value().into_iter().flatten() {
            push(&mut errors, &key.last_used);
        }
    }
    push(&mut errors, &iam.groups);
    push(&mut errors, &iam.roles);
    push(&mut errors, &iam.policies);
    for policy in iam.policies.value().into_iter().flatten() {
        push(&mut errors, &policy.document);
    }
    push(&mut errors, &iam.password_policy);
    push(&mut errors, &iam.credential_report);
    push(&mut errors, &iam.account_summary);
    push(&mut errors, &iam.virtual_mfa_devices);
    for region in snapshot.regions.values() {
        let n = &region.network;
        push(&mut errors, &n.vpcs);
        push(&mut errors, &n.subnets);
        push(&mut errors, &n.route_tables);
        push(&mut errors, &n.internet_gateways);
        push(&mut errors, &n.nat_gateways);
        push(&mut errors, &n.security_groups);
        push(&mut errors, &n.network_interfaces);
        push(&mut errors, &n.network_acls);
        push(&mut errors, &n.vpc_peering_connections);
        push(&mut errors, &n.prefix_lists);
        push(&mut errors, &n.instances);
        for list in n.prefix_lists.value().into_iter().flatten() {
            push(&mut errors, &list.entries);
        }
        let m = &region.monitoring;
        push(&mut errors, &m.trails);
        for trail in m.trails.value().into_iter().flatten() {
            push(&mut errors, &trail.status);
            push(&mut errors, &trail.event_selectors);
        }
        push(&mut errors, &m.metric_filters);
        push(&mut errors, &m.alarms);
        push(&mut errors, &m.topics);
        for topic in m.topics.value().into_iter().flatten() {
            push(&mut errors, &topic.subscriptions);
        }
        push(&mut errors, &m.event_rules);
        for rule in m.event_rules.value().into_iter().flatten() {
            push(&mut errors, &rule.targets);
        }
        services_errors(&mut errors, &region.services);
        patching_errors(&mut errors, &region.patching);
        storage::errors(&mut errors, &region.storage);
        endpoints_errors(&mut errors, &region.endpoints);
        secrets::errors(&mut errors, &region.secrets);
    }
    s3_buckets::errors(&mut errors, &snapshot.buckets);
    push(&mut errors, &snapshot.cloudfront);
    let trail_buckets = &snapshot.trail_buckets;
    push(&mut errors, &trail_buckets.account_public_access_block);
    for bucket in trail_buckets.buckets.values() {
        push(&mut errors, &bucket.logging_target);
        push(&mut errors, &bucket.policy_is_public);
        push(&mut errors, &bucket.public_acl_grants);
        push(&mut errors, &bucket.public_access_block);
    }

    errors.sort_by(|a, b| {
        (
            &a.service,
            &a.operation,
            &a.region,
            &a.resource,
            &a.code,
            &a.message,
        )
            .cmp(&(
                &b.service,
                &b.operation,
                &b.region,
                &b.resource,
                &b.code,
                &b.message,
            ))
    });
    // A failed GetAccountAuthorizationDetails empties users, groups, roles
    // and policies alike; it is still one failed call.
    errors.dedup();
    errors
}
