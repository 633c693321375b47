//! End-to-end tests of the ENC checks on endpoints and data services: kensa
//! audits a moto account seeded through the SDK and must give the verdicts
//! the issue lists.
//!
//! moto 5.2.5 serves every call these checks make (ELBv2 with
//! DescribeSSLPolicies, classic ELB with DescribeLoadBalancerPolicies,
//! ElastiCache, OpenSearch, Redshift, CloudWatch Logs, CloudFront,
//! CloudTrail). What it cannot do is set a Redshift parameter: its
//! DescribeClusterParameters always answers the engine defaults, so every
//! cluster there has require_ssl = false.

mod support;

use aws_config::SdkConfig;
use serde_json::Value;

use support::moto::{MotoServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, kensa};
use support::run::{Report, findings, listing, read_report, run, str_of};

const REGION: &str = "us-east-1";
/// moto takes any certificate ARN; an IAM one keeps it from looking in ACM.
const CERTIFICATE: &str = "arn:aws:iam::123456789012:server-certificate/web";

async fn sdk(moto: &MotoServer) -> SdkConfig {
    let credentials = aws_sdk_iam::config::Credentials::new(
        TEST_ACCESS_KEY,
        TEST_SECRET_KEY,
        None,
        None,
        "kensa-tests",
    );
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .credentials_provider(credentials)
        .region(aws_config::Region::new(REGION))
        .endpoint_url(moto.endpoint())
        .load()
        .await
}

/// An Application Load Balancer with the four listeners.
async fn seed_load_balancers(sdk: &SdkConfig) {
    use aws_sdk_elasticloadbalancingv2::types::{
        Action, ActionTypeEnum, Certificate, ProtocolEnum, RedirectActionConfig,
        RedirectActionStatusCodeEnum,
    };

    let ec2 = aws_sdk_ec2::Client::new(sdk);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .expect("create a VPC")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("a VPC ID");
    let mut subnets = Vec::new();
    for (cidr, zone) in [("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b")] {
        subnets.push(
            ec2.create_subnet()
                .vpc_id(&vpc)
                .cidr_block(cidr)
                .availability_zone(zone)
                .send()
                .await
                .expect("create a subnet")
                .subnet
                .and_then(|s| s.subnet_id)
                .expect("a subnet ID"),
        );
    }
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(sdk);
    let lb = elbv2
        .create_load_balancer()
        .name("web")
        .set_subnets(Some(subnets))
        .send()
        .await
        .expect("create a load balancer")
        .load_balancers
        .and_then(|l| l.into_iter().next())
        .and_then(|l| l.load_balancer_arn)
        .expect("a load balancer ARN");
    let target_group = elbv2
        .create_target_group()
        .name("app")
        .protocol(ProtocolEnum::Http)
        .port(8080)
        .vpc_id(&vpc)
        .send()
        .await
        .expect("create a target group")
        .target_groups
        .and_then(|t| t.into_iter().next())
        .and_then(|t| t.target_group_arn)
        .expect("a target group ARN");
    let forward = Action::builder()
        .r#type(ActionTypeEnum::Forward)
        .target_group_arn(&target_group)
        .build();
    let redirect = Action::builder()
        .r#type(ActionTypeEnum::Redirect)
        .redirect_config(
            RedirectActionConfig::builder()
                .protocol("HTTPS")
                .port("443")
                .status_code(RedirectActionStatusCodeEnum::Http301)
                .build(),
        )
        .build();
    let listeners = [
        (80, ProtocolEnum::Http, None, forward.clone()),
        (8080, ProtocolEnum::Http, None, redirect),
        (
            443,
            ProtocolEnum::Https,
            Some("ELBSecurityPolicy-TLS13-1-2-2021-06"),
            forward.clone(),
        ),
        (
            8443,
            ProtocolEnum::Https,
            Some("ELBSecurityPolicy-2016-08"),
            forward,
        ),
    ];
    for (port, protocol, policy, action) in listeners {
        let mut request = elbv2
            .create_listener()
            .load_balancer_arn(&lb)
            .port(port)
            .protocol(protocol)
            .default_actions(action);
        if let Some(policy) = policy {
            request = request
                .ssl_policy(policy)
                .certificates(Certificate::builder().certificate_arn(CERTIFICATE).build());
        }
        request.send().await.expect("create a listener");
    }

    let elb = aws_sdk_elasticloadbalancing::Client::new(sdk);
    elb.create_load_balancer()
        .load_balancer_name("legacy")
        .availability_zones("us-east-1a")
        .listeners(
            aws_sdk_elasticloadbalancing::types::Listener::builder()
                .protocol("HTTP")
                .load_balancer_port(80)
                .instance_protocol("HTTP")
                .instance_port(8080)
                .build()
                .expect("a classic listener"),
        )
        .send()
        .await
        .expect("create a classic load balancer");
}

/// Caches, a search domain, a warehouse, log groups, a distribution and a
/// trail: one encrypted and one not where moto lets both be made.
async fn seed_services(sdk: &SdkConfig) {
    let elasticache = aws_sdk_elasticache::Client::new(sdk);
    for (id, encrypted) in [("sessions", true), ("carts", false)] {
        elasticache
            .create_replication_group()
            .replication_group_id(id)
            .replication_group_description(id)
            .engine("redis")
            .cache_node_type("cache.t4g.micro")
            .num_cache_clusters(1)
            .at_rest_encryption_enabled(encrypted)
            .transit_encryption_enabled(encrypted)
            .send()
            .await
            .expect("create a replication group");
    }

    let opensearch = aws_sdk_opensearch::Client::new(sdk);
    opensearch
        .create_domain()
        .domain_name("search")
        .engine_version("OpenSearch_2.11")
        .encryption_at_rest_options(
            aws_sdk_opensearch::types::EncryptionAtRestOptions::builder()
                .enabled(true)
                .build(),
        )
        .node_to_node_encryption_options(
            aws_sdk_opensearch::types::NodeToNodeEncryptionOptions::builder()
                .enabled(true)
                .build(),
        )
        .domain_endpoint_options(
            aws_sdk_opensearch::types::DomainEndpointOptions::builder()
                .enforce_https(true)
                .tls_security_policy(
                    aws_sdk_opensearch::types::TlsSecurityPolicy::PolicyMinTls12201907,
                )
                .build(),
        )
        .send()
        .await
        .expect("create an OpenSearch domain");

    aws_sdk_redshift::Client::new(sdk)
        .create_cluster()
        .cluster_identifier("warehouse")
        .node_type("ra3.xlplus")
        .master_username("admin")
        .master_user_password("Password1234")
        .encrypted(true)
        .send()
        .await
        .expect("create a Redshift cluster");

    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    logs.create_log_group()
        .log_group_name("/app/audit")
        .kms_key_id("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        .send()
        .await
        .expect("create a log group with a KMS key");
    logs.create_log_group()
        .log_group_name("/app/plain")
        .send()
        .await
        .expect("create a log group");

    aws_sdk_s3::Client::new(sdk)
        .create_bucket()
        .bucket("trail-bucket")
        .send()
        .await
        .expect("create the trail's bucket");
    aws_sdk_cloudtrail::Client::new(sdk)
        .create_trail()
        .name("management")
        .s3_bucket_name("trail-bucket")
        .is_multi_region_trail(true)
        .send()
        .await
        .expect("create a trail");

    use aws_sdk_cloudfront::types::{
        DefaultCacheBehavior, DistributionConfig, Origin, Origins, S3OriginConfig,
        ViewerProtocolPolicy,
    };
    aws_sdk_cloudfront::Client::new(sdk)
        .create_distribution()
        .distribution_config(
            DistributionConfig::builder()
                .caller_reference("kensa-test")
                .comment("site")
                .enabled(true)
                .origins(
                    Origins::builder()
                        .quantity(1)
                        .items(
                            Origin::builder()
                                .id("site")
                                .domain_name("site-bucket.s3.amazonaws.com")
                                .s3_origin_config(
                                    S3OriginConfig::builder().origin_access_identity("").build(),
                                )
                                .build()
                                .expect("an origin"),
                        )
                        .build()
                        .expect("origins"),
                )
                .default_cache_behavior(
                    DefaultCacheBehavior::builder()
                        .target_origin_id("site")
                        .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
                        .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6")
                        .build()
                        .expect("a default cache behaviour"),
                )
                .build()
                .expect("a distribution config"),
        )
        .send()
        .await
        .expect("create a distribution");
}

fn audit(moto: &MotoServer, dir: &std::path::Path) -> Report {
    let endpoint = moto.endpoint();
    let output = dir.join("report.json");
    let mut command = kensa();
    command
        .current_dir(dir)
        .args(["audit", "--endpoint-url", &endpoint, "--region", REGION])
        .args(["--requirement", "ENC-1", "--requirement", "ENC-2"])
        .args(["--format", "json", "--output"])
        .arg(&output);
    let outcome = run(&mut command);
    assert_eq!(
        outcome.code,
        Some(1),
        "FAILs make kensa exit 1\n{}",
        outcome.describe()
    );
    read_report(outcome, &output)
}

/// The finding of `check` whose resource name (or ID) is `resource`.
fn finding<'a>(report: &'a Value, check: &str, resource: &str) -> &'a Value {
    findings(report)
        .iter()
        .find(|f| {
            str_of(f, "/check_id") == check
                && (str_of(f, "/resource/name") == resource
                    || str_of(f, "/resource/id") == resource)
        })
        .unwrap_or_else(|| {
            panic!(
                "no {check} finding for {resource}\n{}",
                listing(findings(report))
            )
        })
}

fn status<'a>(report: &'a Value, check: &str, resource: &str) -> &'a str {
    str_of(finding(report, check, resource), "/status")
}

#[tokio::test]
async fn endpoints_encrypt_or_fail() {
    let moto = MotoServer::start();
    let sdk = sdk(&moto).await;
    seed_load_balancers(&sdk).await;
    seed_services(&sdk).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let report = audit(&moto, dir.path());
    let json = &report.json;
    let elbv2 = "enc-elbv2-listener-tls";

    // The four listeners.
    assert_eq!(status(json, elbv2, "web HTTP:80"), "FAIL");
    assert_eq!(status(json, elbv2, "web HTTP:8080"), "PASS");
    assert_eq!(status(json, elbv2, "web HTTPS:443"), "PASS");
    let old = finding(json, elbv2, "web HTTPS:8443");
    assert_eq!(str_of(old, "/status"), "FAIL", "{old}");
    assert!(
        str_of(old, "/message/en").contains("TLSv1.1, TLSv1"),
        "{old}"
    );
    // The account's own DescribeSSLPolicies answer decided, not kensa's table.
    assert_eq!(
        str_of(old, "/evidence/protocols_from"),
        "elasticloadbalancing:DescribeSSLPolicies"
    );
    assert_eq!(
        status(json, "enc-classic-elb-listener-tls", "legacy HTTP:80"),
        "FAIL"
    );

    assert_eq!(status(json, "enc-elasticache-at-rest", "sessions"), "PASS");
    assert_eq!(status(json, "enc-elasticache-at-rest", "carts"), "FAIL");
    assert_eq!(
        status(json, "enc-elasticache-in-transit", "sessions"),
        "PASS"
    );
    assert_eq!(status(json, "enc-elasticache-in-transit", "carts"), "FAIL");
    assert_eq!(status(json, "enc-opensearch-at-rest", "search"), "PASS");
    assert_eq!(status(json, "enc-opensearch-in-transit", "search"), "PASS");
    assert_eq!(status(json, "enc-redshift-at-rest", "warehouse"), "PASS");
    let ssl = finding(json, "enc-redshift-in-transit", "warehouse");
    assert_eq!(str_of(ssl, "/status"), "FAIL", "{ssl}");
    assert_eq!(
        str_of(ssl, "/evidence/parameter_group"),
        "default.redshift-1.0"
    );
    assert_eq!(status(json, "enc-log-group-kms", "/app/audit"), "PASS");
    assert_eq!(status(json, "enc-log-group-kms", "/app/plain"), "FAIL");
    assert_eq!(status(json, "enc-cloudtrail-kms", "management"), "FAIL");
    // moto gives a new distribution the default *.cloudfront.net certificate.
    let distribution = findings(json)
        .iter()
        .find(|f| str_of(f, "/check_id") == "enc-cloudfront-tls")
        .unwrap_or_else(|| panic!("no CloudFront finding\n{}", listing(findings(json))));
    assert_eq!(str_of(distribution, "/status"), "FAIL", "{distribution}");
    assert!(
        str_of(distribution, "/message/en").contains("default *.cloudfront.net certificate"),
        "{distribution}"
    );
    let errors: Vec<&Value> = findings(json)
        .iter()
        .filter(|f| str_of(f, "/status") == "ERROR" && str_of(f, "/check_id").starts_with("enc-"))
        .collect();
    assert!(
        errors.is_empty(),
        "moto serves every call\n{}",
        listing(errors)
    );
}
