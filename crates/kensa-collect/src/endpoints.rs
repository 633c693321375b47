//! Endpoints and data services, one region at a time: load balancers
//! (ELBv2 and classic), ElastiCache, OpenSearch, Redshift and CloudWatch
//! Logs groups (ENC-1, ENC-2); and CloudFront, which is global.
//!
//! Read-only: Describe/List calls only. Every failure is a `CallError`
//! naming the call, kept where the data would have been.

use std::collections::{BTreeMap, BTreeSet};

use aws_config::SdkConfig;
use futures::future::join_all;
use futures::join;
use kensa_snapshot::CallError;
use kensa_snapshot::endpoints::{
    CacheBehavior, CacheCluster, CacheReplicationGroup, ClassicListener, ClassicLoadBalancer,
    ClassicPolicy, Distribution, Endpoints, Listener, ListenerAction, ListenerRule, LoadBalancer,
    LogGroup, Origin, RedshiftCluster, RedshiftParameters, SearchDomain, SslPolicy,
    ViewerCertificate,
};

use crate::call::{Call, Caller};
use crate::clients::regional_config;

/// DescribeDomains takes at most this many names per call.
const DESCRIBE_DOMAINS_MAX_NAMES: usize = 5;

/// CloudFront's API lives in us-east-1 whatever the audited regions are.
const CLOUDFRONT_REGION: &str = "us-east-1";

/// The clients of one region, sharing the one SDK configuration.
#[derive(Debug, Clone)]
pub(crate) struct Clients {
    elbv2: aws_sdk_elasticloadbalancingv2::Client,
    elb: aws_sdk_elasticloadbalancing::Client,
    elasticache: aws_sdk_elasticache::Client,
    opensearch: aws_sdk_opensearch::Client,
    redshift: aws_sdk_redshift::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
}

impl Clients {
    pub(crate) fn new(sdk: &SdkConfig, region: &str) -> Self {
        let sdk = regional_config(sdk, region);
        Clients {
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&sdk),
            elb: aws_sdk_elasticloadbalancing::Client::new(&sdk),
            elasticache: aws_sdk_elasticache::Client::new(&sdk),
            opensearch: aws_sdk_opensearch::Client::new(&sdk),
            redshift: aws_sdk_redshift::Client::new(&sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(&sdk),
        }
    }
}

/// Every endpoint and data service of one region, read concurrently.
pub(crate) async fn collect(caller: &Caller, clients: &Clients, region: &str) -> Endpoints {
    let (
        load_balancers,
        ssl_policies,
        classic_load_balancers,
        cache_replication_groups,
        cache_clusters,
        search_domains,
        (redshift_clusters, redshift_parameter_groups),
        log_groups,
    ) = join!(
        load_balancers(caller, &clients.elbv2, region),
        ssl_policies(caller, &clients.elbv2, region),
        classic_load_balancers(caller, &clients.elb, region),
        replication_groups(caller, &clients.elasticache, region),
        cache_clusters(caller, &clients.elasticache, region),
        search_domains(caller, &clients.opensearch, region),
        redshift(caller, &clients.redshift, region),
        log_groups(caller, &clients.logs, region),
    );
    Endpoints {
        load_balancers: load_balancers.into(),
        ssl_policies: ssl_policies.into(),
        classic_load_balancers: classic_load_balancers.into(),
        cache_replication_groups: cache_replication_groups.into(),
        cache_clusters: cache_clusters.into(),
        search_domains: search_domains.into(),
        redshift_clusters: redshift_clusters.into(),
        redshift_parameter_groups,
        log_groups: log_groups.into(),
    }
}

fn action(a: aws_sdk_elasticloadbalancingv2::types::Action) -> ListenerAction {
    ListenerAction {
        kind: a.r#type.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        redirect_protocol: a.redirect_config.and_then(|r| r.protocol),
    }
}

async fn load_balancers(
    caller: &Caller,
    client: &aws_sdk_elasticloadbalancingv2::Client,
    region: &str,
) -> Result<Vec<LoadBalancer>, CallError> {
    let call = Call::regional("elasticloadbalancing", "DescribeLoadBalancers", region);
    let pages = caller
        .all_pages(
            &call,
            client.describe_load_balancers().into_paginator().send(),
        )
        .await?;
    let listed: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.load_balancers.unwrap_or_default())
        .filter_map(|lb| {
            Some(LoadBalancer {
                arn: lb.load_balancer_arn?,
                name: lb.load_balancer_name.unwrap_or_default(),
                kind: lb.r#type.map(|t| t.as_str().to_owned()).unwrap_or_default(),
                scheme: lb.scheme.map(|s| s.as_str().to_owned()),
                vpc_id: lb.vpc_id,
                listeners: kensa_snapshot::Collected::NotCollected,
            })
        })
        .collect();
    let mut out = join_all(listed.into_iter().map(|mut lb| async move {
        lb.listeners = listeners(caller, client, region, &lb.arn).await.into();
        lb
    }))
    .await;
    out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.arn.cmp(&b.arn)));
    Ok(out)
}

async fn listeners(
    caller: &Caller,
    client: &aws_sdk_elasticloadbalancingv2::Client,
    region: &str,
    load_balancer_arn: &str,
) -> Result<Vec<Listener>, CallError> {
    let call =
        Call::regional("elasticloadbalancing", "DescribeListeners", region).on(load_balancer_arn);
    let pages = caller
        .all_pages(
            &call,
            client
                .describe_listeners()
                .load_balancer_arn(load_balancer_arn)
                .into_paginator()
                .send(),
        )
        .await?;
    let listed: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.listeners.unwrap_or_default())
        .filter_map(|l| {
            Some(Listener {
                arn: l.listener_arn?,
                port: l.port,
                protocol: l
                    .protocol
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default(),
                ssl_policy: l.ssl_policy,
                default_actions: l
                    .default_actions
                    .unwrap_or_default()
                    .into_iter()
                    .map(action)
                    .collect(),
                rules: kensa_snapshot::Collected::NotCollected,
            })
        })
        .collect();
    let mut out = join_all(listed.into_iter().map(|mut l| async move {
        // Only an HTTP listener's verdict depends on its rules.
        if l.protocol == "HTTP" {
            l.rules = rules(caller, client, region, &l.arn).await.into();
        }
        l
    }))
    .await;
    out.sort_by(|a, b| a.port.cmp(&b.port).then_with(|| a.arn.cmp(&b.arn)));
    Ok(out)
}

async fn rules(
    caller: &Caller,
    client: &aws_sdk_elasticloadbalancingv2::Client,
    region: &str,
    listener_arn: &str,
) -> Result<Vec<ListenerRule>, CallError> {
    let call = Call::regional("elasticloadbalancing", "DescribeRules", region).on(listener_arn);
    let pages = caller
        .all_pages(
            &call,
            client
                .describe_rules()
                .listener_arn(listener_arn)
                .into_paginator()
                .send(),
        )
        .await?;
    Ok(pages
        .into_iter()
        .flat_map(|p| p.rules.unwrap_or_default())
        .map(|r| ListenerRule {
            arn: r.rule_arn.unwrap_or_default(),
            priority: r.priority.unwrap_or_default(),
            is_default: r.is_default.unwrap_or(false),
            actions: r
                .actions
                .unwrap_or_default()
                .into_iter()
                .map(action)
                .collect(),
        })
        .collect())
}

/// DescribeSSLPolicies has no paginator in the SDK; its pages follow
/// `NextMarker` like the other ELB calls.
async fn ssl_policies(
    caller: &Caller,
    client: &aws_sdk_elasticloadbalancingv2::Client,
    region: &str,
) -> Result<Vec<SslPolicy>, CallError> {
    let call = Call::regional("elasticloadbalancing", "DescribeSSLPolicies", region);
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    let mut seen_markers = BTreeSet::new();
    loop {
        let page = caller
            .call(
                &call,
                client
                    .describe_ssl_policies()
                    .set_marker(marker.clone())
                    .send(),
            )
            .await?;
        out.extend(
            page.ssl_policies
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| {
                    Some(SslPolicy {
                        name: p.name?,
                        ssl_protocols: p.ssl_protocols.unwrap_or_default(),
                    })
                }),
        );
        match page.next_marker.filter(|m| !m.is_empty()) {
            // A marker seen before would loop forever; the list is complete.
            Some(next) if seen_markers.insert(next.clone()) => marker = Some(next),
            _ => break,
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    Ok(out)
}

async fn classic_load_balancers(
    caller: &Caller,
    client: &aws_sdk_elasticloadbalancing::Client,
    region: &str,
) -> Result<Vec<ClassicLoadBalancer>, CallError> {
    let call = Call::regional("elasticloadbalancing", "DescribeLoadBalancers", region);
    let pages = caller
        .all_pages(
            &call,
            client.describe_load_balancers().into_paginator().send(),
        )
        .await?;
    let listed: Vec<ClassicLoadBalancer> = pages
        .into_iter()
        .flat_map(|p| p.load_balancer_descriptions.unwrap_or_default())
        .filter_map(|lb| {
            Some(ClassicLoadBalancer {
                name: lb.load_balancer_name?,
                scheme: lb.scheme,
                vpc_id: lb.vpc_id,
                listeners: lb
                    .listener_descriptions
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|d| {
                        let l = d.listener?;
                        Some(ClassicListener {
                            protocol: l.protocol.to_ascii_uppercase(),
                            load_balancer_port: l.load_balancer_port,
                            instance_protocol: l.instance_protocol,
                            instance_port: l.instance_port,
                            policy_names: d.policy_names.unwrap_or_default(),
                        })
                    })
                    .collect(),
                policies: kensa_snapshot::Collected::NotCollected,
            })
        })
        .collect();
    let mut out = join_all(listed.into_iter().map(|mut lb| async move {
        let call = Call::regional(
            "elasticloadbalancing",
            "DescribeLoadBalancerPolicies",
            region,
        )
        .on(lb.name.clone());
        lb.policies = caller
            .call(
                &call,
                client
                    .describe_load_balancer_policies()
                    .load_balancer_name(&lb.name)
                    .send(),
            )
            .await
            .map(|out| {
                out.policy_descriptions
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| {
                        Some(ClassicPolicy {
                            name: p.policy_name?,
                            type_name: p.policy_type_name,
                            attributes: p
                                .policy_attribute_descriptions
                                .unwrap_or_default()
                                .into_iter()
                                .filter_map(|a| Some((a.attribute_name?, a.attribute_value?)))
                                .collect(),
                        })
                    })
                    .collect()
            })
            .into();
        lb
    }))
    .await;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

async fn replication_groups(
    caller: &Caller,
    client: &aws_sdk_elasticache::Client,
    region: &str,
) -> Result<Vec<CacheReplicationGroup>, CallError> {
    let call = Call::regional("elasticache", "DescribeReplicationGroups", region);
    let pages = caller
        .all_pages(
            &call,
            client.describe_replication_groups().into_paginator().send(),
        )
        .await?;
    let mut out: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.replication_groups.unwrap_or_default())
        .filter_map(|g| {
            Some(CacheReplicationGroup {
                id: g.replication_group_id?,
                arn: g.arn,
                engine: g.engine,
                status: g.status,
                at_rest_encryption_enabled: g.at_rest_encryption_enabled.unwrap_or(false),
                kms_key_id: g.kms_key_id,
                transit_encryption_enabled: g.transit_encryption_enabled.unwrap_or(false),
                transit_encryption_mode: g.transit_encryption_mode.map(|m| m.as_str().to_owned()),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn cache_clusters(
    caller: &Caller,
    client: &aws_sdk_elasticache::Client,
    region: &str,
) -> Result<Vec<CacheCluster>, CallError> {
    let call = Call::regional("elasticache", "DescribeCacheClusters", region);
    let pages = caller
        .all_pages(
            &call,
            client.describe_cache_clusters().into_paginator().send(),
        )
        .await?;
    let mut out: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.cache_clusters.unwrap_or_default())
        .filter_map(|c| {
            Some(CacheCluster {
                id: c.cache_cluster_id?,
                arn: c.arn,
                engine: c.engine,
                engine_version: c.engine_version,
                replication_group_id: c.replication_group_id,
                at_rest_encryption_enabled: c.at_rest_encryption_enabled.unwrap_or(false),
                transit_encryption_enabled: c.transit_encryption_enabled.unwrap_or(false),
                transit_encryption_mode: c.transit_encryption_mode.map(|m| m.as_str().to_owned()),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn search_domains(
    caller: &Caller,
    client: &aws_sdk_opensearch::Client,
    region: &str,
) -> Result<Vec<SearchDomain>, CallError> {
    let call = Call::regional("es", "ListDomainNames", region);
    let names: Vec<String> = caller
        .call(&call, client.list_domain_names().send())
        .await?
        .domain_names
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| d.domain_name)
        .collect();
    let mut out = Vec::new();
    for chunk in names.chunks(DESCRIBE_DOMAINS_MAX_NAMES) {
        let call = Call::regional("es", "DescribeDomains", region).on(chunk.join(","));
        let answer = caller
            .call(
                &call,
                client
                    .describe_domains()
                    .set_domain_names(Some(chunk.to_vec()))
                    .send(),
            )
            .await?;
        out.extend(
            answer
                .domain_status_list
                .into_iter()
                .filter(|d| d.deleted != Some(true))
                .map(|d| {
                    let at_rest = d.encryption_at_rest_options;
                    let endpoint = d.domain_endpoint_options;
                    SearchDomain {
                        name: d.domain_name,
                        arn: d.arn,
                        engine_version: d.engine_version,
                        encryption_at_rest_enabled: at_rest
                            .as_ref()
                            .and_then(|o| o.enabled)
                            .unwrap_or(false),
                        kms_key_id: at_rest.and_then(|o| o.kms_key_id),
                        node_to_node_encryption_enabled: d
                            .node_to_node_encryption_options
                            .and_then(|o| o.enabled)
                            .unwrap_or(false),
                        enforce_https: endpoint
                            .as_ref()
                            .and_then(|o| o.enforce_https)
                            .unwrap_or(false),
                        tls_security_policy: endpoint
                            .and_then(|o| o.tls_security_policy)
                            .map(|p| p.as_str().to_owned()),
                    }
                }),
        );
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

async fn redshift(
    caller: &Caller,
    client: &aws_sdk_redshift::Client,
    region: &str,
) -> (
    Result<Vec<RedshiftCluster>, CallError>,
    BTreeMap<String, kensa_snapshot::Collected<RedshiftParameters>>,
) {
    let call = Call::regional("redshift", "DescribeClusters", region);
    let clusters = caller
        .all_pages(&call, client.describe_clusters().into_paginator().send())
        .await
        .map(|pages| {
            let mut out: Vec<_> = pages
                .into_iter()
                .flat_map(|p| p.clusters.unwrap_or_default())
                .filter_map(|c| {
                    Some(RedshiftCluster {
                        id: c.cluster_identifier?,
                        encrypted: c.encrypted.unwrap_or(false),
                        kms_key_id: c.kms_key_id,
                        parameter_groups: c
                            .cluster_parameter_groups
                            .unwrap_or_default()
                            .into_iter()
                            .filter_map(|g| g.parameter_group_name)
                            .collect(),
                    })
                })
                .collect();
            out.sort_by(|a, b| a.id.cmp(&b.id));
            out
        });
    let groups: BTreeSet<String> = clusters
        .iter()
        .flatten()
        .flat_map(|c| c.parameter_groups.iter().cloned())
        .collect();
    let parameters = join_all(groups.into_iter().map(|group| async move {
        let call =
            Call::regional("redshift", "DescribeClusterParameters", region).on(group.clone());
        let answer = caller
            .all_pages(
                &call,
                client
                    .describe_cluster_parameters()
                    .parameter_group_name(&group)
                    .into_paginator()
                    .send(),
            )
            .await
            .map(|pages| RedshiftParameters {
                require_ssl: pages
                    .into_iter()
                    .flat_map(|p| p.parameters.unwrap_or_default())
                    .find(|p| p.parameter_name.as_deref() == Some("require_ssl"))
                    .and_then(|p| p.parameter_value),
            });
        (group, answer.into())
    }))
    .await
    .into_iter()
    .collect();
    (clusters, parameters)
}

async fn log_groups(
    caller: &Caller,
    client: &aws_sdk_cloudwatchlogs::Client,
    region: &str,
) -> Result<Vec<LogGroup>, CallError> {
    let call = Call::regional("logs", "DescribeLogGroups", region);
    let pages = caller
        .all_pages(&call, client.describe_log_groups().into_paginator().send())
        .await?;
    let mut out: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.log_groups.unwrap_or_default())
        .filter_map(|g| {
            Some(LogGroup {
                name: g.log_group_name?,
                arn: g.arn,
                kms_key_id: g.kms_key_id,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Every CloudFront distribution of the account (a global service).
pub(crate) async fn cloudfront(
    caller: &Caller,
    sdk: &SdkConfig,
) -> Result<Vec<Distribution>, CallError> {
    let client = aws_sdk_cloudfront::Client::new(&regional_config(sdk, CLOUDFRONT_REGION));
    let call = Call::global("cloudfront", "ListDistributions");
    let pages = caller
        .all_pages(&call, client.list_distributions().into_paginator().send())
        .await?;
    let mut out: Vec<_> = pages
        .into_iter()
        .filter_map(|p| p.distribution_list)
        .flat_map(|l| l.items.unwrap_or_default())
        .map(distribution)
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

fn distribution(d: aws_sdk_cloudfront::types::DistributionSummary) -> Distribution {
    let mut cache_behaviors = Vec::new();
    if let Some(b) = d.default_cache_behavior {
        cache_behaviors.push(CacheBehavior {
            path_pattern: None,
            target_origin_id: b.target_origin_id,
            viewer_protocol_policy: b.viewer_protocol_policy.as_str().to_owned(),
        });
    }
    for b in d.cache_behaviors.and_then(|c| c.items).unwrap_or_default() {
        cache_behaviors.push(CacheBehavior {
            path_pattern: Some(b.path_pattern),
            target_origin_id: b.target_origin_id,
            viewer_protocol_policy: b.viewer_protocol_policy.as_str().to_owned(),
        });
    }
    let origins = d
        .origins
        .map(|o| o.items)
        .unwrap_or_default()
        .into_iter()
        .map(|o| {
            let (kind, policy, protocols) = match (&o.custom_origin_config, &o.vpc_origin_config) {
                (Some(custom), _) => (
                    "custom",
                    Some(custom.origin_protocol_policy.as_str().to_owned()),
                    custom
                        .origin_ssl_protocols
                        .as_ref()
                        .map(|p| p.items.iter().map(|i| i.as_str().to_owned()).collect())
                        .unwrap_or_default(),
                ),
                (None, Some(_)) => ("vpc", None, Vec::new()),
                (None, None) => ("s3", None, Vec::new()),
            };
            Origin {
                id: o.id,
                domain_name: Some(o.domain_name),
                kind: kind.to_owned(),
                origin_protocol_policy: policy,
                origin_ssl_protocols: protocols,
            }
        })
        .collect();
    let viewer_certificate = d
        .viewer_certificate
        .map(|v| ViewerCertificate {
            cloudfront_default_certificate: v.cloud_front_default_certificate.unwrap_or(false),
            minimum_protocol_version: v.minimum_protocol_version.map(|m| m.as_str().to_owned()),
            ssl_support_method: v.ssl_support_method.map(|m| m.as_str().to_owned()),
        })
        // No viewer certificate block: CloudFront serves its default one.
        .unwrap_or(ViewerCertificate {
            cloudfront_default_certificate: true,
            minimum_protocol_version: None,
            ssl_support_method: None,
        });
    Distribution {
        id: d.id,
        arn: d.arn,
        domain_name: Some(d.domain_name),
        enabled: d.enabled,
        aliases: d.aliases.and_then(|a| a.items).unwrap_or_default(),
        cache_behaviors,
        origins,
        viewer_certificate,
    }
}
