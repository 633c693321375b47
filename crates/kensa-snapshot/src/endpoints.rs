//! Endpoints and data services, per region: what ENC-1 (in transit) and
//! ENC-2 (at rest) read about load balancers, ElastiCache, OpenSearch,
//! Redshift and CloudWatch Logs groups. CloudFront is global: its
//! distributions sit in [`crate::Snapshot::cloudfront`].
//!
//! Field names follow the service APIs so that a person can compare a
//! snapshot with `aws elbv2 describe-listeners` (and so on) output.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::Collected;

/// One region's endpoints and data services, each list from its own call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Endpoints {
    /// `elasticloadbalancing:DescribeLoadBalancers` (v2: application,
    /// network and gateway load balancers), each with `DescribeListeners`.
    #[serde(default)]
    pub load_balancers: Collected<Vec<LoadBalancer>>,
    /// `elasticloadbalancing:DescribeSSLPolicies` (v2): the region's
    /// predefined security policies and the protocols each allows.
    #[serde(default)]
    pub ssl_policies: Collected<Vec<SslPolicy>>,
    /// `elasticloadbalancing:DescribeLoadBalancers` (classic), each with
    /// `DescribeLoadBalancerPolicies`.
    #[serde(default)]
    pub classic_load_balancers: Collected<Vec<ClassicLoadBalancer>>,
    /// `elasticache:DescribeReplicationGroups`.
    #[serde(default)]
    pub cache_replication_groups: Collected<Vec<CacheReplicationGroup>>,
    /// `elasticache:DescribeCacheClusters`: every node-based cluster,
    /// replication group members included (`replication_group_id`).
    #[serde(default)]
    pub cache_clusters: Collected<Vec<CacheCluster>>,
    /// `es:ListDomainNames` and `es:DescribeDomains` (OpenSearch Service,
    /// OpenSearch and Elasticsearch engines alike).
    #[serde(default)]
    pub search_domains: Collected<Vec<SearchDomain>>,
    /// `redshift:DescribeClusters`.
    #[serde(default)]
    pub redshift_clusters: Collected<Vec<RedshiftCluster>>,
    /// `redshift:DescribeClusterParameters` for each parameter group a
    /// cluster uses, by group name.
    #[serde(default)]
    pub redshift_parameter_groups: BTreeMap<String, Collected<RedshiftParameters>>,
    /// `logs:DescribeLogGroups`.
    #[serde(default)]
    pub log_groups: Collected<Vec<LogGroup>>,
}

/// An Application, Network or Gateway Load Balancer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    /// `application`, `network` or `gateway`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `internet-facing` or `internal`.
    #[serde(default)]
    pub scheme: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// `DescribeListeners` for this load balancer.
    #[serde(default)]
    pub listeners: Collected<Vec<Listener>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listener {
    pub arn: String,
    #[serde(default)]
    pub port: Option<i32>,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`...
    pub protocol: String,
    /// The security policy; meaningful on HTTPS and TLS listeners only.
    #[serde(default)]
    pub ssl_policy: Option<String>,
    #[serde(default)]
    pub default_actions: Vec<ListenerAction>,
    /// `DescribeRules`, asked for HTTP listeners only: whether plain HTTP
    /// only redirects depends on every rule. `not_collected` on the others.
    #[serde(default)]
    pub rules: Collected<Vec<ListenerRule>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerRule {
    pub arn: String,
    /// A number, or `default` for the listener's default rule.
    pub priority: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub actions: Vec<ListenerAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`...
    #[serde(rename = "type")]
    pub kind: String,
    /// `RedirectConfig.Protocol`: `HTTP`, `HTTPS` or `#{protocol}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_protocol: Option<String>,
}

/// A predefined ELBv2 security policy as `DescribeSSLPolicies` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SslPolicy {
    pub name: String,
    /// `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`.
    #[serde(default)]
    pub ssl_protocols: Vec<String>,
}

/// A Classic Load Balancer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassicLoadBalancer {
    pub name: String,
    #[serde(default)]
    pub scheme: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub listeners: Vec<ClassicListener>,
    /// `DescribeLoadBalancerPolicies` for this load balancer.
    #[serde(default)]
    pub policies: Collected<Vec<ClassicPolicy>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassicListener {
    /// `HTTP`, `HTTPS`, `TCP` or `SSL`.
    pub protocol: String,
    pub load_balancer_port: i32,
    #[serde(default)]
    pub instance_protocol: Option<String>,
    #[serde(default)]
    pub instance_port: i32,
    /// The policies the listener uses (an `SSLNegotiationPolicyType` one
    /// on HTTPS and SSL listeners).
    #[serde(default)]
    pub policy_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassicPolicy {
    pub name: String,
    /// `SSLNegotiationPolicyType`, `LBCookieStickinessPolicyType`...
    #[serde(default)]
    pub type_name: Option<String>,
    /// `Protocol-TLSv1` → `true`, `Reference-Security-Policy` → a name...
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// An ElastiCache replication group (Valkey or Redis OSS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheReplicationGroup {
    pub id: String,
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub at_rest_encryption_enabled: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub transit_encryption_enabled: bool,
    /// `preferred` (plain connections still accepted) or `required`.
    #[serde(default)]
    pub transit_encryption_mode: Option<String>,
}

/// An ElastiCache node-based cluster (Memcached, or a Valkey/Redis OSS node).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheCluster {
    pub id: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// `memcached`, `redis`, `valkey`.
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub engine_version: Option<String>,
    /// Set when the cluster is a member of a replication group, which is
    /// judged as a whole.
    #[serde(default)]
    pub replication_group_id: Option<String>,
    #[serde(default)]
    pub at_rest_encryption_enabled: bool,
    #[serde(default)]
    pub transit_encryption_enabled: bool,
    #[serde(default)]
    pub transit_encryption_mode: Option<String>,
}

/// An OpenSearch Service domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDomain {
    pub name: String,
    pub arn: String,
    /// `OpenSearch_2.11`, `Elasticsearch_7.10`...
    #[serde(default)]
    pub engine_version: Option<String>,
    #[serde(default)]
    pub encryption_at_rest_enabled: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub node_to_node_encryption_enabled: bool,
    /// `DomainEndpointOptions.EnforceHTTPS`.
    #[serde(default)]
    pub enforce_https: bool,
    /// `DomainEndpointOptions.TLSSecurityPolicy` (`Policy-Min-TLS-1-2-2019-07`...).
    #[serde(default)]
    pub tls_security_policy: Option<String>,
}

/// A provisioned Redshift cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedshiftCluster {
    pub id: String,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// `ClusterParameterGroups[].ParameterGroupName`.
    #[serde(default)]
    pub parameter_groups: Vec<String>,
}

/// What kensa reads from a Redshift parameter group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedshiftParameters {
    /// `require_ssl`'s value; `None`: the group did not list it.
    #[serde(default)]
    pub require_ssl: Option<String>,
}

/// A CloudWatch Logs group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogGroup {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// The KMS key that encrypts it; `None`: CloudWatch Logs' own key.
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

/// A CloudFront distribution (`cloudfront:ListDistributions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    pub id: String,
    pub arn: String,
    #[serde(default)]
    pub domain_name: Option<String>,
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The default cache behaviour first (`path_pattern` `None`), then the
    /// others in the distribution's order.
    #[serde(default)]
    pub cache_behaviors: Vec<CacheBehavior>,
    #[serde(default)]
    pub origins: Vec<Origin>,
    #[serde(default)]
    pub viewer_certificate: ViewerCertificate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheBehavior {
    /// `None`: the default cache behaviour.
    #[serde(default)]
    pub path_pattern: Option<String>,
    pub target_origin_id: String,
    /// `allow-all`, `redirect-to-https` or `https-only`.
    pub viewer_protocol_policy: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub id: String,
    #[serde(default)]
    pub domain_name: Option<String>,
    /// `s3` (an S3 REST endpoint), `custom` or `vpc`.
    pub kind: String,
    /// Custom origins: `http-only`, `match-viewer` or `https-only`.
    #[serde(default)]
    pub origin_protocol_policy: Option<String>,
    /// Custom origins: `SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2`.
    #[serde(default)]
    pub origin_ssl_protocols: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewerCertificate {
    /// The `*.cloudfront.net` certificate, which accepts TLSv1 whatever
    /// `minimum_protocol_version` says.
    #[serde(default)]
    pub cloudfront_default_certificate: bool,
    /// `TLSv1`, `TLSv1_2016`, `TLSv1.1_2016`, `TLSv1.2_2018`... `TLSv1.3_2025`.
    #[serde(default)]
    pub minimum_protocol_version: Option<String>,
    /// `sni-only`, `vip` or `static-ip`.
    #[serde(default)]
    pub ssl_support_method: Option<String>,
}
