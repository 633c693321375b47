//! Fixture tests of the ENC checks on endpoints and data services: each
//! service's branches, both languages, on snapshots shaped as AWS documents
//! its answers.

use std::collections::BTreeMap;

use kensa_snapshot::endpoints::*;
use kensa_snapshot::monitoring::Trail;
use kensa_snapshot::{Collected, Region};

use super::edge::fixtures::{REGION, not_implemented, render, snapshot};
use super::*;
use crate::iam::fixtures::run_check;
use crate::{Status, exceptions};

const ACCOUNT: &str = "123456789012";

fn lb_arn(kind: &str, name: &str) -> String {
    let short = match kind {
        "application" => "app",
        "network" => "net",
        _ => "gwy",
    };
    format!(
        "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{short}/{name}/50dc6c495c0c9188"
    )
}

fn listener(
    lb: &str,
    port: i32,
    protocol: &str,
    policy: Option<&str>,
    actions: Vec<ListenerAction>,
) -> Listener {
    Listener {
        arn: format!(
            "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/{lb}/50dc6c495c0c9188/{port:016}"
        ),
        port: Some(port),
        protocol: protocol.into(),
        ssl_policy: policy.map(Into::into),
        default_actions: actions,
        rules: if protocol == "HTTP" {
            Collected::Value(vec![])
        } else {
            Collected::NotCollected
        },
    }
}

fn forward() -> ListenerAction {
    ListenerAction {
        kind: "forward".into(),
        redirect_protocol: None,
    }
}

fn redirect(protocol: Option<&str>) -> ListenerAction {
    ListenerAction {
        kind: "redirect".into(),
        redirect_protocol: protocol.map(Into::into),
    }
}

fn load_balancer(
    kind: &str,
    name: &str,
    scheme: &str,
    listeners: Collected<Vec<Listener>>,
) -> LoadBalancer {
    LoadBalancer {
        arn: lb_arn(kind, name),
        name: name.into(),
        kind: kind.into(),
        scheme: Some(scheme.into()),
        vpc_id: Some("vpc-0a1b2c3d".into()),
        listeners,
    }
}

fn endpoints_with_lbs(lbs: Vec<LoadBalancer>, policies: Collected<Vec<SslPolicy>>) -> Endpoints {
    Endpoints {
        load_balancers: Collected::Value(lbs),
        ssl_policies: policies,
        ..Default::default()
    }
}

#[test]
fn elbv2_listeners_every_branch() {
    let mut redirecting = listener(
        "web",
        80,
        "HTTP",
        Some("ELBSecurityPolicy-TLS13-1-3-2021-06"),
        vec![redirect(Some("HTTPS"))],
    );
    redirecting.rules = Collected::Value(vec![
        ListenerRule {
            arn: "arn:aws:elasticloadbalancing:rule/web/1".into(),
            priority: "10".into(),
            is_default: false,
            actions: vec![redirect(Some("HTTPS"))],
        },
        ListenerRule {
            arn: "arn:aws:elasticloadbalancing:rule/web/default".into(),
            priority: "default".into(),
            is_default: true,
            actions: vec![redirect(Some("HTTPS"))],
        },
    ]);
    let mut sneaky = listener(
        "web",
        8080,
        "HTTP",
        Some("ELBSecurityPolicy-TLS13-1-3-2021-06"),
        vec![redirect(Some("HTTPS"))],
    );
    sneaky.rules = Collected::Value(vec![ListenerRule {
        arn: "arn:aws:elasticloadbalancing:rule/web/2".into(),
        priority: "5".into(),
        is_default: false,
        actions: vec![forward()],
    }]);
    let mut unread_rules = listener("web", 8081, "HTTP", None, vec![redirect(Some("HTTPS"))]);
    unread_rules.rules = Collected::Error(not_implemented("elasticloadbalancing", "DescribeRules"));
    let web = load_balancer(
        "application",
        "web",
        "internet-facing",
        Collected::Value(vec![
            redirecting,
            listener("web", 81, "HTTP", None, vec![forward()]),
            listener("web", 82, "HTTP", None, vec![redirect(None)]),
            sneaky,
            unread_rules,
            listener(
                "web",
                443,
                "HTTPS",
                Some("ELBSecurityPolicy-TLS13-1-2-2021-06"),
                vec![forward()],
            ),
            listener(
                "web",
                444,
                "HTTPS",
                Some("ELBSecurityPolicy-2016-08"),
                vec![forward()],
            ),
            listener(
                "web",
                445,
                "HTTPS",
                Some("ELBSecurityPolicy-Custom-Future"),
                vec![forward()],
            ),
            listener(
                "web",
                446,
                "HTTPS",
                Some("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"),
                vec![forward()],
            ),
        ]),
    );
    let nlb = load_balancer(
        "network",
        "tcp",
        "internal",
        Collected::Value(vec![
            listener("tcp", 5432, "TCP", None, vec![forward()]),
            listener(
                "tcp",
                636,
                "TLS",
                Some("ELBSecurityPolicy-TLS-1-1-2017-01"),
                vec![forward()],
            ),
        ]),
    );
    let gwlb = load_balancer(
        "gateway",
        "inspect",
        "internal",
        Collected::Value(vec![listener(
            "inspect",
            6081,
            "GENEVE",
            None,
            vec![forward()],
        )]),
    );
    let broken = load_balancer(
        "application",
        "broken",
        "internal",
        Collected::Error(not_implemented("elasticloadbalancing", "DescribeListeners")),
    );
    // The region's own answer knows the post-quantum policy kensa's table lacks.
    let policies = Collected::Value(vec![SslPolicy {
        name: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09".into(),
        ssl_protocols: vec!["TLSv1.3".into(), "TLSv1.2".into()],
    }]);
    let s = snapshot(endpoints_with_lbs(vec![web, nlb, gwlb, broken], policies));
    let findings = run_check(&elb_listeners::CHECK, &s);
    let statuses: Vec<_> = findings.iter().map(|f| f.status).collect();
    assert_eq!(
        statuses,
        [
            Status::Pass,
            Status::Fail,
            Status::Fail,
            Status::Fail,
            Status::Error,
            Status::Pass,
            Status::Fail,
            Status::Error,
            Status::Pass,
            Status::Manual,
            Status::Fail,
            Status::NotApplicable,
            Status::Error,
        ]
    );
    insta::assert_snapshot!(render(&findings));
}

#[test]
fn elbv2_without_describe_ssl_policies_falls_back_to_the_table_or_errors() {
    let web = load_balancer(
        "application",
        "web",
        "internet-facing",
        Collected::Value(vec![
            listener(
                "web",
                443,
                "HTTPS",
                Some("ELBSecurityPolicy-TLS13-1-2-2021-06"),
                vec![forward()],
            ),
            listener(
                "web",
                444,
                "HTTPS",
                Some("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"),
                vec![forward()],
            ),
        ]),
    );
    let s = snapshot(endpoints_with_lbs(
        vec![web],
        Collected::Error(not_implemented(
            "elasticloadbalancing",
            "DescribeSSLPolicies",
        )),
    ));
    let findings = run_check(&elb_listeners::CHECK, &s);
    assert_eq!(findings[0].status, Status::Pass);
    assert_eq!(findings[1].status, Status::Error);
    assert!(
        findings[1]
            .message
            .en
            .contains("elasticloadbalancing:DescribeSSLPolicies failed"),
        "{}",
        findings[1].message.en
    );
    assert_eq!(
        findings[0].evidence["protocols_from"],
        "AWS's documented policy table"
    );
}

#[test]
fn an_exception_suppresses_an_internal_http_listener_with_its_reason() {
    let internal = load_balancer(
        "application",
        "billing-internal",
        "internal",
        Collected::Value(vec![listener(
            "billing-internal",
            80,
            "HTTP",
            None,
            vec![forward()],
        )]),
    );
    let s = snapshot(endpoints_with_lbs(vec![internal], Collected::Value(vec![])));
    let mut findings = run_check(&elb_listeners::CHECK, &s);
    assert_eq!(findings[0].status, Status::Fail);
    let exception = exceptions::ExceptionConfig {
        id: "NET-42".into(),
        check: Some("enc-elbv2-listener-tls".into()),
        requirement: None,
        resource: "billing-internal HTTP:80".into(),
        region: Some(REGION.into()),
        reason: "VPC-internal path between the app tier and billing; protected by security groups \
                 and a private subnet (ENC-1: unencrypted allowed inside a VPC when the path is protected)"
            .into(),
        approver: "ciso@example.com".into(),
        expires: "2027-03-31".into(),
    };
    let reports = exceptions::apply(
        &mut findings,
        std::slice::from_ref(&exception),
        &[&elb_listeners::CHECK],
        s.collected_at.date_naive(),
    );
    assert_eq!(findings[0].status, Status::Suppressed);
    let suppression = findings[0].suppression.as_ref().expect("suppressed");
    assert_eq!(suppression.original_status, Status::Fail);
    assert_eq!(suppression.reason, exception.reason);
    assert_eq!(reports[0].outcome, exceptions::ExceptionOutcome::Applied);
}

fn classic(
    name: &str,
    listeners: Vec<ClassicListener>,
    policies: Collected<Vec<ClassicPolicy>>,
) -> ClassicLoadBalancer {
    ClassicLoadBalancer {
        name: name.into(),
        scheme: Some("internet-facing".into()),
        vpc_id: Some("vpc-0a1b2c3d".into()),
        listeners,
        policies,
    }
}

fn classic_listener(protocol: &str, port: i32, policies: &[&str]) -> ClassicListener {
    ClassicListener {
        protocol: protocol.into(),
        load_balancer_port: port,
        instance_protocol: Some("HTTP".into()),
        instance_port: 8080,
        policy_names: policies.iter().map(|p| (*p).to_owned()).collect(),
    }
}

fn negotiation(name: &str, attributes: &[(&str, &str)]) -> ClassicPolicy {
    ClassicPolicy {
        name: name.into(),
        type_name: Some("SSLNegotiationPolicyType".into()),
        attributes: attributes
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    }
}

#[test]
fn classic_listeners_every_branch() {
    let policies = Collected::Value(vec![
        negotiation(
            "strict",
            &[
                ("Protocol-TLSv1", "false"),
                ("Protocol-TLSv1.1", "false"),
                ("Protocol-TLSv1.2", "true"),
                ("ECDHE-RSA-AES128-GCM-SHA256", "true"),
            ],
        ),
        negotiation(
            "by-reference",
            &[("Reference-Security-Policy", "ELBSecurityPolicy-2016-08")],
        ),
        negotiation(
            "opaque",
            &[("Reference-Security-Policy", "ELBSecurityPolicy-2011-08")],
        ),
    ]);
    let lb = classic(
        "legacy",
        vec![
            classic_listener("HTTP", 80, &[]),
            classic_listener("HTTPS", 443, &["strict"]),
            classic_listener("SSL", 8443, &["by-reference"]),
            classic_listener("HTTPS", 9443, &["ELBSecurityPolicy-TLS-1-2-2017-01"]),
            classic_listener("HTTPS", 10443, &["opaque"]),
            classic_listener("TCP", 3306, &[]),
        ],
        policies,
    );
    let unread = classic(
        "unread",
        vec![classic_listener("HTTPS", 443, &["x"])],
        Collected::Error(not_implemented(
            "elasticloadbalancing",
            "DescribeLoadBalancerPolicies",
        )),
    );
    let s = snapshot(Endpoints {
        classic_load_balancers: Collected::Value(vec![lb, unread]),
        ..Default::default()
    });
    let findings = run_check(&classic_elb_listeners::CHECK, &s);
    let statuses: Vec<_> = findings.iter().map(|f| f.status).collect();
    assert_eq!(
        statuses,
        [
            Status::Fail,
            Status::Pass,
            Status::Fail,
            Status::Pass,
            Status::Error,
            Status::Manual,
            Status::Error,
        ]
    );
    insta::assert_snapshot!(render(&findings));
}

fn distribution(
    id: &str,
    viewer: &[(&str, &str)],
    certificate: ViewerCertificate,
    origins: Vec<Origin>,
) -> Distribution {
    Distribution {
        id: id.into(),
        arn: format!("arn:aws:cloudfront::{ACCOUNT}:distribution/{id}"),
        domain_name: Some(format!("{}.cloudfront.net", id.to_lowercase())),
        enabled: true,
        aliases: vec![],
        cache_behaviors: viewer
            .iter()
            .enumerate()
            .map(|(i, (origin, policy))| CacheBehavior {
                path_pattern: (i > 0).then(|| format!("/path{i}/*")),
                target_origin_id: (*origin).into(),
                viewer_protocol_policy: (*policy).into(),
            })
            .collect(),
        origins,
        viewer_certificate: certificate,
    }
}

fn custom(id: &str, policy: &str, protocols: &[&str]) -> Origin {
    Origin {
        id: id.into(),
        domain_name: Some(format!("{id}.example.com")),
        kind: "custom".into(),
        origin_protocol_policy: Some(policy.into()),
        origin_ssl_protocols: protocols.iter().map(|p| (*p).to_owned()).collect(),
    }
}

fn custom_certificate(version: &str) -> ViewerCertificate {
    ViewerCertificate {
        cloudfront_default_certificate: false,
        minimum_protocol_version: Some(version.into()),
        ssl_support_method: Some("sni-only".into()),
    }
}

#[test]
fn cloudfront_every_branch() {
    let good = distribution(
        "E1GOOD",
        &[("api", "redirect-to-https"), ("api", "https-only")],
        custom_certificate("TLSv1.2_2021"),
        vec![custom("api", "match-viewer", &["TLSv1.2"])],
    );
    let default_cert = distribution(
        "E2DEFAULT",
        &[("site", "redirect-to-https")],
        ViewerCertificate {
            cloudfront_default_certificate: true,
            minimum_protocol_version: Some("TLSv1".into()),
            ssl_support_method: None,
        },
        vec![Origin {
            id: "site".into(),
            domain_name: Some("site.s3.amazonaws.com".into()),
            kind: "s3".into(),
            origin_protocol_policy: None,
            origin_ssl_protocols: vec![],
        }],
    );
    let plain = distribution(
        "E3PLAIN",
        &[("legacy", "allow-all"), ("legacy", "https-only")],
        custom_certificate("TLSv1_2016"),
        vec![custom(
            "legacy",
            "match-viewer",
            &["TLSv1", "TLSv1.1", "TLSv1.2"],
        )],
    );
    let vpc = distribution(
        "E4VPC",
        &[("internal", "https-only")],
        custom_certificate("TLSv1.2_2019"),
        vec![Origin {
            id: "internal".into(),
            domain_name: Some("internal-alb".into()),
            kind: "vpc".into(),
            origin_protocol_policy: None,
            origin_ssl_protocols: vec![],
        }],
    );
    let mut s = snapshot(Endpoints::default());
    s.cloudfront = Collected::Value(vec![good, default_cert, plain, vpc]);
    let findings = run_check(&cloudfront::CHECK, &s);
    let statuses: Vec<_> = findings.iter().map(|f| f.status).collect();
    assert_eq!(
        statuses,
        [Status::Pass, Status::Fail, Status::Fail, Status::Manual]
    );
    insta::assert_snapshot!(render(&findings));

    s.cloudfront = Collected::Error(not_implemented("cloudfront", "ListDistributions"));
    let findings = run_check(&cloudfront::CHECK, &s);
    assert_eq!(findings[0].status, Status::Error);
    assert!(
        findings[0]
            .message
            .ja
            .contains("cloudfront:ListDistributions")
    );
}

fn group(id: &str, at_rest: bool, transit: bool, mode: Option<&str>) -> CacheReplicationGroup {
    CacheReplicationGroup {
        id: id.into(),
        arn: Some(format!(
            "arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:{id}"
        )),
        engine: Some("valkey".into()),
        status: Some("available".into()),
        at_rest_encryption_enabled: at_rest,
        kms_key_id: None,
        transit_encryption_enabled: transit,
        transit_encryption_mode: mode.map(Into::into),
    }
}

fn cluster(
    id: &str,
    engine: &str,
    group: Option<&str>,
    at_rest: bool,
    transit: bool,
) -> CacheCluster {
    CacheCluster {
        id: id.into(),
        arn: Some(format!(
            "arn:aws:elasticache:{REGION}:{ACCOUNT}:cluster:{id}"
        )),
        engine: Some(engine.into()),
        engine_version: Some("1.6.22".into()),
        replication_group_id: group.map(Into::into),
        at_rest_encryption_enabled: at_rest,
        transit_encryption_enabled: transit,
        transit_encryption_mode: None,
    }
}

#[test]
fn elasticache_every_branch() {
    let s = snapshot(Endpoints {
        cache_replication_groups: Collected::Value(vec![
            group("sessions", true, true, Some("required")),
            group("carts", false, true, Some("preferred")),
            group("leaderboard", false, false, None),
        ]),
        cache_clusters: Collected::Value(vec![
            cluster("sessions-001", "valkey", Some("sessions"), true, true),
            cluster("memo", "memcached", None, false, true),
            cluster("single", "redis", None, true, false),
        ]),
        ..Default::default()
    });
    let at_rest = run_check(&elasticache::AT_REST, &s);
    let in_transit = run_check(&elasticache::IN_TRANSIT, &s);
    let statuses = |f: &[crate::Finding]| f.iter().map(|f| f.status).collect::<Vec<_>>();
    assert_eq!(
        statuses(&at_rest),
        [
            Status::Pass,
            Status::Fail,
            Status::Fail,
            Status::Fail,
            Status::Pass
        ]
    );
    assert_eq!(
        statuses(&in_transit),
        [
            Status::Pass,
            Status::Fail,
            Status::Fail,
            Status::Pass,
            Status::Fail
        ]
    );
    insta::assert_snapshot!(format!("{}---\n{}", render(&at_rest), render(&in_transit)));

    let unread = snapshot(Endpoints {
        cache_replication_groups: Collected::Error(not_implemented(
            "elasticache",
            "DescribeReplicationGroups",
        )),
        cache_clusters: Collected::Value(vec![]),
        ..Default::default()
    });
    let findings = run_check(&elasticache::IN_TRANSIT, &unread);
    assert_eq!(statuses(&findings), [Status::Error]);
}

fn domain(
    name: &str,
    at_rest: bool,
    https: bool,
    policy: Option<&str>,
    node_to_node: bool,
) -> SearchDomain {
    SearchDomain {
        name: name.into(),
        arn: format!("arn:aws:es:{REGION}:{ACCOUNT}:domain/{name}"),
        engine_version: Some("OpenSearch_2.13".into()),
        encryption_at_rest_enabled: at_rest,
        kms_key_id: None,
        node_to_node_encryption_enabled: node_to_node,
        enforce_https: https,
        tls_security_policy: policy.map(Into::into),
    }
}

#[test]
fn opensearch_every_branch() {
    let s = snapshot(Endpoints {
        search_domains: Collected::Value(vec![
            domain(
                "logs",
                true,
                true,
                Some("Policy-Min-TLS-1-2-PFS-2023-10"),
                true,
            ),
            domain(
                "legacy",
                false,
                false,
                Some("Policy-Min-TLS-1-0-2019-07"),
                false,
            ),
            domain("quiet", true, true, None, true),
        ]),
        ..Default::default()
    });
    let at_rest = run_check(&opensearch::AT_REST, &s);
    let in_transit = run_check(&opensearch::IN_TRANSIT, &s);
    assert_eq!(
        at_rest.iter().map(|f| f.status).collect::<Vec<_>>(),
        [Status::Pass, Status::Fail, Status::Pass]
    );
    assert_eq!(
        in_transit.iter().map(|f| f.status).collect::<Vec<_>>(),
        [Status::Pass, Status::Fail, Status::Fail]
    );
    insta::assert_snapshot!(format!("{}---\n{}", render(&at_rest), render(&in_transit)));
}

#[test]
fn redshift_every_branch() {
    let cluster = |id: &str, encrypted: bool, group: Option<&str>| RedshiftCluster {
        id: id.into(),
        encrypted,
        kms_key_id: None,
        parameter_groups: group.into_iter().map(Into::into).collect(),
    };
    let s = snapshot(Endpoints {
        redshift_clusters: Collected::Value(vec![
            cluster("warehouse", true, Some("secure")),
            cluster("sandbox", false, Some("default.redshift-1.0")),
            cluster("explicit-off", true, Some("lax")),
            cluster("unread", true, Some("hidden")),
            cluster("orphan", true, None),
        ]),
        redshift_parameter_groups: BTreeMap::from([
            (
                "secure".to_owned(),
                Collected::Value(RedshiftParameters {
                    require_ssl: Some("true".into()),
                }),
            ),
            (
                "default.redshift-1.0".to_owned(),
                Collected::Value(RedshiftParameters::default()),
            ),
            (
                "lax".to_owned(),
                Collected::Value(RedshiftParameters {
                    require_ssl: Some("false".into()),
                }),
            ),
            (
                "hidden".to_owned(),
                Collected::Error(not_implemented("redshift", "DescribeClusterParameters")),
            ),
        ]),
        ..Default::default()
    });
    let at_rest = run_check(&redshift::AT_REST, &s);
    let in_transit = run_check(&redshift::IN_TRANSIT, &s);
    assert_eq!(
        in_transit.iter().map(|f| f.status).collect::<Vec<_>>(),
        [
            Status::Pass,
            Status::Fail,
            Status::Fail,
            Status::Error,
            Status::Error
        ]
    );
    insta::assert_snapshot!(format!("{}---\n{}", render(&at_rest), render(&in_transit)));
}

fn trail(name: &str, home: &str, kms: Option<&str>) -> Trail {
    Trail {
        name: name.into(),
        arn: format!("arn:aws:cloudtrail:{home}:{ACCOUNT}:trail/{name}"),
        home_region: home.into(),
        is_multi_region_trail: true,
        include_global_service_events: true,
        log_file_validation_enabled: true,
        is_organization_trail: false,
        cloud_watch_logs_log_group_arn: None,
        cloud_watch_logs_role_arn: None,
        s3_bucket_name: Some("audit-logs".into()),
        s3_key_prefix: None,
        kms_key_id: kms.map(Into::into),
        status: Collected::NotCollected,
        event_selectors: Collected::NotCollected,
    }
}

#[test]
fn cloudtrail_and_log_groups_kms() {
    let mut s = snapshot(Endpoints {
        log_groups: Collected::Value(vec![
            LogGroup {
                name: "/app/audit".into(),
                arn: None,
                kms_key_id: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd")),
            },
            LogGroup {
                name: "/aws/lambda/thumbnailer".into(),
                arn: None,
                kms_key_id: None,
            },
        ]),
        ..Default::default()
    });
    let key = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/5678efgh");
    let trails = vec![
        trail("management", REGION, Some(&key)),
        trail("data-events", REGION, None),
    ];
    s.regions.get_mut(REGION).unwrap().monitoring.trails = Collected::Value(trails.clone());
    // The same multi-region trails seen from a second region are judged once;
    // a third region's unreadable list is an ERROR of its own.
    s.audited_regions.push("us-east-1".into());
    let mut other = Region::default();
    other.monitoring.trails = Collected::Value(trails);
    other.endpoints.log_groups = Collected::Value(vec![]);
    s.regions.insert("us-east-1".into(), other);
    s.audited_regions.push("eu-west-1".into());
    let mut broken = Region::default();
    broken.monitoring.trails = Collected::Error(not_implemented("cloudtrail", "DescribeTrails"));
    broken.endpoints.log_groups = Collected::Error(not_implemented("logs", "DescribeLogGroups"));
    s.regions.insert("eu-west-1".into(), broken);

    let trails = run_check(&cloudtrail_kms::CHECK, &s);
    let groups = run_check(&log_groups_kms::CHECK, &s);
    assert_eq!(
        trails.iter().map(|f| f.status).collect::<Vec<_>>(),
        [Status::Error, Status::Fail, Status::Pass]
    );
    assert_eq!(
        groups.iter().map(|f| f.status).collect::<Vec<_>>(),
        [Status::Pass, Status::Fail, Status::Error]
    );
    insta::assert_snapshot!(format!("{}---\n{}", render(&trails), render(&groups)));
}
