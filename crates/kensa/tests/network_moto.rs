//! End-to-end tests of NET-1 and NET-2: kensa against a local moto server
//! whose VPCs, security groups and network ACLs are seeded through the EC2
//! API, checked resource by resource.
//!
//! Every test starts its own server (see `support::moto`), so the tests can
//! run in parallel. moto also creates a default VPC (172.31.0.0/16) with its
//! default group, default ACL and six default subnets; the tests either
//! filter by the resources they created or account for those too.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use aws_sdk_ec2::types::{
    AddPrefixListEntry, Filter, IpPermission, IpRange, PortRange, PrefixListId, RuleAction,
    UserIdGroupPair,
};
use serde_json::Value;

use support::moto::{MotoServer, TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY, kensa};
use support::run::{Report, findings, listing, read_report, run, str_of};

const VPC_CIDR: &str = "10.0.0.0/16";
const SUBNET_A_CIDR: &str = "10.0.1.0/24";
const SUBNET_B_CIDR: &str = "10.0.2.0/24";

// ---------------------------------------------------------------------------
// Running kensa

/// Runs `kensa [--config CONFIG] audit ARGS --format json --output DIR/NAME`
/// in `dir` (so no stray ./kensa.toml is picked up) and reads the report.
fn audit(
    mut command: Command,
    config: Option<&Path>,
    args: &[&str],
    dir: &Path,
    name: &str,
) -> Report {
    let output = dir.join(name);
    command.current_dir(dir);
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    command
        .arg("audit")
        .args(args)
        .args(["--format", "json", "--output"])
        .arg(&output);
    let outcome = run(&mut command);
    assert!(
        matches!(outcome.code, Some(0 | 1)),
        "kensa audit could not run\n{}",
        outcome.describe()
    );
    read_report(outcome, &output)
}

/// A live audit of us-east-1 on `moto`, only the checks of `requirements`.
fn live_audit(
    moto: &MotoServer,
    config: Option<&Path>,
    requirements: &[&str],
    dir: &Path,
    name: &str,
) -> Report {
    let endpoint = moto.endpoint();
    let mut args = vec!["--endpoint-url", endpoint.as_str(), "--region", TEST_REGION];
    for r in requirements {
        args.extend(["--requirement", r]);
    }
    audit(moto.kensa(), config, &args, dir, name)
}

/// Writes `text` as a kensa.toml into `dir` and returns its path.
fn write_config(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the kensa.toml");
    path
}

/// The one finding of `check_id` on the resource with ID `id`.
fn finding<'a>(report: &'a Value, check_id: &str, id: &str) -> &'a Value {
    let matching: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| str_of(f, "/check_id") == check_id && str_of(f, "/resource/id") == id)
        .collect();
    match matching.as_slice() {
        [one] => one,
        [] => panic!(
            "no finding of {check_id} on {id}; the report has:\n{}",
            listing(findings(report))
        ),
        many => panic!(
            "{} findings of {check_id} on {id}:\n{}",
            many.len(),
            listing(many.iter().copied())
        ),
    }
}

/// `(check_id, resource.id) -> status` of the findings on `ids`, for the
/// checks whose ID starts with `net-`.
fn verdicts_on(report: &Value, ids: &BTreeSet<String>) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for f in findings(report) {
        let check = str_of(f, "/check_id");
        let id = str_of(f, "/resource/id");
        if check.starts_with("net-") && ids.contains(id) {
            let previous = out.insert(
                (check.to_owned(), id.to_owned()),
                str_of(f, "/status").to_owned(),
            );
            assert!(
                previous.is_none(),
                "two findings of {check} on {id}:\n{}",
                listing(findings(report))
            );
        }
    }
    out
}

/// Asserts that the network findings on `ids` are exactly `expected`
/// (`(check_id, resource id, status)`), no more, no fewer.
fn assert_verdicts(report: &Report, ids: &[&str], expected: &[(&str, &str, &str)]) {
    let ids: BTreeSet<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    let got = verdicts_on(&report.json, &ids);
    let want: BTreeMap<(String, String), String> = expected
        .iter()
        .map(|(c, id, s)| (((*c).to_owned(), (*id).to_owned()), (*s).to_owned()))
        .collect();
    if got != want {
        let mut diff = Vec::new();
        for (key, status) in &want {
            match got.get(key) {
                Some(g) if g == status => {}
                Some(g) => diff.push(format!("{} on {}: want {status}, got {g}", key.0, key.1)),
                None => diff.push(format!(
                    "{} on {}: want {status}, got no finding",
                    key.0, key.1
                )),
            }
        }
        for (key, status) in &got {
            if !want.contains_key(key) {
                diff.push(format!(
                    "{} on {}: unexpected finding {status}",
                    key.0, key.1
                ));
            }
        }
        panic!(
            "wrong verdicts:\n  {}\nall findings:\n{}",
            diff.join("\n  "),
            listing(findings(&report.json))
        );
    }
}

/// The report's collection errors of EC2 calls.
fn ec2_collection_errors(report: &Value) -> Vec<&Value> {
    report["collection_errors"]
        .as_array()
        .map(|errors| errors.iter().filter(|e| e["service"] == "ec2").collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Seeding

async fn ec2_client(moto: &MotoServer) -> aws_sdk_ec2::Client {
    let credentials = aws_sdk_ec2::config::Credentials::new(
        TEST_ACCESS_KEY,
        TEST_SECRET_KEY,
        None,
        None,
        "kensa-tests",
    );
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .credentials_provider(credentials)
        .region(aws_config::Region::new(TEST_REGION))
        .endpoint_url(moto.endpoint())
        .load()
        .await;
    aws_sdk_ec2::Client::new(&config)
}

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

async fn create_vpc(ec2: &aws_sdk_ec2::Client, cidr: &str) -> String {
    let output = ec2
        .create_vpc()
        .cidr_block(cidr)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create VPC {cidr}: {e:?}"));
    output
        .vpc()
        .and_then(|v| v.vpc_id())
        .unwrap_or_else(|| panic!("CreateVpc {cidr} returned no ID"))
        .to_owned()
}

async fn create_subnet(ec2: &aws_sdk_ec2::Client, vpc: &str, cidr: &str) -> String {
    let output = ec2
        .create_subnet()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create subnet {cidr}: {e:?}"));
    output
        .subnet()
        .and_then(|s| s.subnet_id())
        .unwrap_or_else(|| panic!("CreateSubnet {cidr} returned no ID"))
        .to_owned()
}

async fn create_group(ec2: &aws_sdk_ec2::Client, vpc: &str, name: &str) -> String {
    let output = ec2
        .create_security_group()
        .group_name(name)
        .description(format!("kensa test group {name}"))
        .vpc_id(vpc)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create security group {name}: {e:?}"));
    output
        .group_id()
        .unwrap_or_else(|| panic!("CreateSecurityGroup {name} returned no ID"))
        .to_owned()
}

fn tcp_from_cidr(port: i32, cidr: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .ip_ranges(IpRange::builder().cidr_ip(cidr).build())
        .build()
}

fn tcp_from_group(port: i32, group_id: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .user_id_group_pairs(UserIdGroupPair::builder().group_id(group_id).build())
        .build()
}

fn tcp_from_prefix_list(port: i32, list_id: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .prefix_list_ids(PrefixListId::builder().prefix_list_id(list_id).build())
        .build()
}

async fn allow_in(ec2: &aws_sdk_ec2::Client, group_id: &str, permission: IpPermission) {
    ec2.authorize_security_group_ingress()
        .group_id(group_id)
        .ip_permissions(permission.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("authorize {permission:?} into {group_id}: {e:?}"));
}

/// A VPC's security group of that name, as moto describes it.
async fn group_named(
    ec2: &aws_sdk_ec2::Client,
    vpc: &str,
    name: &str,
) -> aws_sdk_ec2::types::SecurityGroup {
    let output = ec2
        .describe_security_groups()
        .filters(filter("vpc-id", vpc))
        .filters(filter("group-name", name))
        .send()
        .await
        .unwrap_or_else(|e| panic!("describe group {name} of {vpc}: {e:?}"));
    match output.security_groups() {
        [one] => one.clone(),
        other => panic!("{} groups named {name} in {vpc}: {other:?}", other.len()),
    }
}

/// Every security group moto has in the region, by ID.
async fn all_group_ids(ec2: &aws_sdk_ec2::Client) -> Vec<String> {
    let output = ec2
        .describe_security_groups()
        .send()
        .await
        .expect("describe security groups");
    output
        .security_groups()
        .iter()
        .filter_map(|g| g.group_id().map(str::to_owned))
        .collect()
}

/// The default groups of every VPC in the region: `(vpc id, group id)`.
async fn default_groups(ec2: &aws_sdk_ec2::Client) -> Vec<(String, String)> {
    let output = ec2
        .describe_security_groups()
        .filters(filter("group-name", "default"))
        .send()
        .await
        .expect("describe default security groups");
    output
        .security_groups()
        .iter()
        .map(|g| {
            (
                g.vpc_id().unwrap_or_default().to_owned(),
                g.group_id().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// A network ACL entry for `create_network_acl_entry`.
struct AclEntry {
    rule: i32,
    protocol: &'static str,
    ports: Option<i32>,
    cidr: &'static str,
    allow: bool,
}

const fn deny_tcp(rule: i32, port: i32, cidr: &'static str) -> AclEntry {
    AclEntry {
        rule,
        protocol: "6",
        ports: Some(port),
        cidr,
        allow: false,
    }
}

const fn allow_all(rule: i32, cidr: &'static str) -> AclEntry {
    AclEntry {
        rule,
        protocol: "-1",
        ports: None,
        cidr,
        allow: true,
    }
}

/// The sheet's hardened ACL: the baseline denied first, then everything
/// allowed, inbound.
const HARDENED_ACL: &[AclEntry] = &[
    deny_tcp(100, 22, "0.0.0.0/0"),
    deny_tcp(110, 3389, "0.0.0.0/0"),
    deny_tcp(120, 22, "::/0"),
    deny_tcp(130, 3389, "::/0"),
    allow_all(200, "0.0.0.0/0"),
    allow_all(210, "::/0"),
];

async fn create_acl(ec2: &aws_sdk_ec2::Client, vpc: &str, entries: &[AclEntry]) -> String {
    let output = ec2
        .create_network_acl()
        .vpc_id(vpc)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create network ACL in {vpc}: {e:?}"));
    let acl = output
        .network_acl()
        .and_then(|a| a.network_acl_id())
        .expect("CreateNetworkAcl returned no ID")
        .to_owned();
    for entry in entries {
        let mut request = ec2
            .create_network_acl_entry()
            .network_acl_id(&acl)
            .rule_number(entry.rule)
            .protocol(entry.protocol)
            .rule_action(if entry.allow {
                RuleAction::Allow
            } else {
                RuleAction::Deny
            })
            .egress(false);
        request = if entry.cidr.contains(':') {
            request.ipv6_cidr_block(entry.cidr)
        } else {
            request.cidr_block(entry.cidr)
        };
        if let Some(port) = entry.ports {
            request = request.port_range(PortRange::builder().from(port).to(port).build());
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("create entry {} of {acl}: {e:?}", entry.rule));
    }
    acl
}

/// Moves `subnet` from whatever ACL it has to `acl`.
async fn associate_acl(ec2: &aws_sdk_ec2::Client, vpc: &str, subnet: &str, acl: &str) {
    let output = ec2
        .describe_network_acls()
        .filters(filter("vpc-id", vpc))
        .send()
        .await
        .unwrap_or_else(|e| panic!("describe the network ACLs of {vpc}: {e:?}"));
    let association = output
        .network_acls()
        .iter()
        .flat_map(|a| a.associations())
        .find(|a| a.subnet_id() == Some(subnet))
        .and_then(|a| a.network_acl_association_id())
        .unwrap_or_else(|| panic!("no ACL association of {subnet}: {output:?}"))
        .to_owned();
    ec2.replace_network_acl_association()
        .association_id(&association)
        .network_acl_id(acl)
        .send()
        .await
        .unwrap_or_else(|e| panic!("associate {acl} with {subnet}: {e:?}"));
}

/// The default ACL of a VPC.
async fn default_acl(ec2: &aws_sdk_ec2::Client, vpc: &str) -> String {
    let output = ec2
        .describe_network_acls()
        .filters(filter("vpc-id", vpc))
        .filters(filter("default", "true"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("describe the default ACL of {vpc}: {e:?}"));
    match output.network_acls() {
        [one] => one.network_acl_id().unwrap_or_default().to_owned(),
        other => panic!("{} default ACLs in {vpc}: {other:?}", other.len()),
    }
}

/// Every subnet moto has in the region.
async fn all_subnet_ids(ec2: &aws_sdk_ec2::Client) -> Vec<String> {
    let output = ec2
        .describe_subnets()
        .send()
        .await
        .expect("describe subnets");
    output
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_owned))
        .collect()
}

/// The network most tests share: one VPC, two subnets, and the groups of a
/// bastion, an application and its database.
#[derive(Debug)]
struct Seeded {
    vpc: String,
    subnet_a: String,
    subnet_b: String,
    default_group: String,
    bastion: String,
    app: String,
    db: String,
    hardened_acl: String,
}

async fn seed_network(ec2: &aws_sdk_ec2::Client) -> Seeded {
    let vpc = create_vpc(ec2, VPC_CIDR).await;
    let subnet_a = create_subnet(ec2, &vpc, SUBNET_A_CIDR).await;
    let subnet_b = create_subnet(ec2, &vpc, SUBNET_B_CIDR).await;
    let default_group = group_named(ec2, &vpc, "default")
        .await
        .group_id()
        .expect("the default group has an ID")
        .to_owned();
    let bastion = create_group(ec2, &vpc, "bastion").await;
    allow_in(ec2, &bastion, tcp_from_cidr(22, "0.0.0.0/0")).await;
    let app = create_group(ec2, &vpc, "app").await;
    let db = create_group(ec2, &vpc, "db").await;
    allow_in(ec2, &db, tcp_from_group(5432, &app)).await;
    let hardened_acl = create_acl(ec2, &vpc, HARDENED_ACL).await;
    associate_acl(ec2, &vpc, &subnet_a, &hardened_acl).await;
    Seeded {
        vpc,
        subnet_a,
        subnet_b,
        default_group,
        bastion,
        app,
        db,
        hardened_acl,
    }
}

/// Declares the application's database flow (and, with `db_port`, on which
/// port); `check_egress` as given.
fn flow_config(db_port: u16, check_egress: bool) -> String {
    format!(
        r#"[network]
check_egress = {check_egress}

[[network.flows]]
name = "app to db"
from = "sg-name:app"
to = "sg-name:db"
protocol = "tcp"
ports = {db_port}
reason = "the application's database"
"#
    )
}

// ---------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn ssh_open_to_the_internet_fails() {
    let moto = MotoServer::start();
    let ec2 = ec2_client(&moto).await;
    let vpc = create_vpc(&ec2, VPC_CIDR).await;
    let default_group = group_named(&ec2, &vpc, "default")
        .await
        .group_id()
        .expect("the default group has an ID")
        .to_owned();
    let bastion = create_group(&ec2, &vpc, "bastion").await;
    allow_in(&ec2, &bastion, tcp_from_cidr(22, "0.0.0.0/0")).await;
    // A public web server: internet exposure on a public port crosses no
    // red line, so it is left to a person.
    let web = create_group(&ec2, &vpc, "web").await;
    allow_in(&ec2, &web, tcp_from_cidr(443, "0.0.0.0/0")).await;
    // SSH from inside the VPC is not SSH from the internet.
    let internal = create_group(&ec2, &vpc, "internal-ssh").await;
    allow_in(&ec2, &internal, tcp_from_cidr(22, VPC_CIDR)).await;

    let dir = tempfile::tempdir().expect("tempdir");
    let report = live_audit(&moto, None, &["NET-1"], dir.path(), "report.json");
    assert_verdicts(
        &report,
        &[&default_group, &bastion, &web, &internal],
        &[
            ("net-sg-admin-ports-from-internet", &bastion, "FAIL"),
            ("net-sg-admin-ports-from-internet", &web, "PASS"),
            ("net-sg-admin-ports-from-internet", &internal, "PASS"),
            ("net-sg-admin-ports-from-internet", &default_group, "PASS"),
            // No flow matrix: the sheet's red lines.
            ("net-sg-flows-declared", &bastion, "FAIL"),
            ("net-sg-flows-declared", &web, "MANUAL"),
            ("net-sg-flows-declared", &internal, "MANUAL"),
            // moto's default group allows all egress.
            ("net-sg-flows-declared", &default_group, "FAIL"),
            ("net-default-sg-no-rules", &default_group, "FAIL"),
            // Nothing runs in the VPC.
            ("net-sg-unused", &bastion, "FAIL"),
            ("net-sg-unused", &web, "FAIL"),
            ("net-sg-unused", &internal, "FAIL"),
        ],
    );

    let r = &report.json;
    let admin = finding(r, "net-sg-admin-ports-from-internet", &bastion);
    let message = str_of(admin, "/message/en");
    assert!(
        message.starts_with(&format!(
            "Security group bastion ({bastion}) opens administrative ports to the internet: tcp port 22: "
        )),
        "{}",
        listing(findings(r))
    );
    // The evidence keeps the exact public remainder of 0.0.0.0/0: private
    // ranges are not the internet.
    let undeclared = &admin["evidence"]["undeclared"];
    assert_eq!(
        undeclared[0]["ipv4"][0], "0.0.0.0/5",
        "{}",
        admin["evidence"]
    );
    assert!(
        !undeclared.to_string().contains("\"10.0.0.0/"),
        "{}",
        admin["evidence"]
    );
    assert_eq!(admin["resource"]["type"], "AWS::EC2::SecurityGroup");
    assert_eq!(admin["resource"]["name"], "bastion");
    assert_eq!(admin["resource"]["region"], TEST_REGION);
    assert_eq!(
        admin["resource"]["arn"],
        format!("arn:aws:ec2:{TEST_REGION}:123456789012:security-group/{bastion}")
    );
    assert_eq!(admin["requirements"], serde_json::json!(["NET-1"]));

    let flows = finding(r, "net-sg-flows-declared", &bastion);
    let message = str_of(flows, "/message/en");
    assert!(
        message.starts_with(&format!(
            "Security group bastion ({bastion}) crosses the sheet's red lines: "
        )) && message.contains("tcp port 22"),
        "{message}"
    );
    assert!(
        flows["evidence"].get("internet_exposure").is_some()
            && flows["evidence"]
                .get("admin_or_database_ports_beyond_vpc")
                .is_some(),
        "{}",
        flows["evidence"]
    );
    assert_eq!(flows["evidence"]["flow_matrix"], "not declared");

    assert_eq!(
        report.outcome.code,
        Some(1),
        "a FAIL exits 1\n{}",
        report.outcome.describe()
    );
}

#[tokio::test]
async fn database_reachable_only_from_app_passes_when_declared() {
    let moto = MotoServer::start();
    let ec2 = ec2_client(&moto).await;
    let vpc = create_vpc(&ec2, VPC_CIDR).await;
    let default_group = group_named(&ec2, &vpc, "default")
        .await
        .group_id()
        .expect("the default group has an ID")
        .to_owned();
    let app = create_group(&ec2, &vpc, "app").await;
    let db = create_group(&ec2, &vpc, "db").await;
    allow_in(&ec2, &db, tcp_from_group(5432, &app)).await;

    // moto gives new groups AWS's allow-all egress rule.
    let described = group_named(&ec2, &vpc, "db").await;
    let egress = described.ip_permissions_egress();
    assert!(
        egress.len() == 1
            && egress[0].ip_protocol() == Some("-1")
            && egress[0].ip_ranges().first().and_then(|r| r.cidr_ip()) == Some("0.0.0.0/0"),
        "moto's egress rules changed: {egress:?}"
    );
    let ids = [default_group.as_str(), app.as_str(), db.as_str()];
    let dir = tempfile::tempdir().expect("tempdir");

    // Declared, ingress only: the database is reached only as declared.
    let declared = write_config(dir.path(), "declared.toml", &flow_config(5432, false));
    let report = live_audit(
        &moto,
        Some(&declared),
        &["NET-1"],
        dir.path(),
        "declared.json",
    );
    assert_verdicts(
        &report,
        &ids,
        &[
            ("net-sg-flows-declared", &db, "PASS"),
            ("net-sg-flows-declared", &app, "PASS"),
            // Ingress only, and the default group has no ingress rule.
            ("net-sg-flows-declared", &default_group, "PASS"),
            ("net-default-sg-no-rules", &default_group, "FAIL"),
            ("net-sg-admin-ports-from-internet", &db, "PASS"),
            ("net-sg-admin-ports-from-internet", &app, "PASS"),
            ("net-sg-admin-ports-from-internet", &default_group, "PASS"),
            ("net-sg-references-resolve", &db, "PASS"),
            ("net-sg-unused", &db, "FAIL"),
            ("net-sg-unused", &app, "FAIL"),
        ],
    );
    let db_finding = finding(&report.json, "net-sg-flows-declared", &db);
    assert_eq!(
        str_of(db_finding, "/message/en"),
        format!("Security group db ({db}) allows only declared flows")
    );
    assert_eq!(
        db_finding["evidence"]["ingress"]["declared_flows"][0]["name"], "app to db",
        "{}",
        db_finding["evidence"]
    );

    // The matrix declares the database on another port: 5432 from the app
    // group is a flow nobody declared.
    let other_port = write_config(dir.path(), "other-port.toml", &flow_config(3306, false));
    let report = live_audit(
        &moto,
        Some(&other_port),
        &["NET-1"],
        dir.path(),
        "other-port.json",
    );
    let db_finding = finding(&report.json, "net-sg-flows-declared", &db);
    assert_eq!(
        str_of(db_finding, "/status"),
        "FAIL",
        "{}",
        listing(findings(&report.json))
    );
    assert_eq!(
        str_of(db_finding, "/message/en"),
        format!(
            "Security group db ({db}) allows flows no declaration explains: \
             ingress: tcp port 5432: {app}"
        )
    );
    assert_eq!(
        str_of(
            finding(&report.json, "net-sg-flows-declared", &app),
            "/status"
        ),
        "PASS"
    );

    // Egress judged too (the default): moto's allow-all egress rules are
    // undeclared on every group.
    let with_egress = write_config(dir.path(), "egress.toml", &flow_config(5432, true));
    let report = live_audit(
        &moto,
        Some(&with_egress),
        &["NET-1"],
        dir.path(),
        "egress.json",
    );
    for group in ids {
        let f = finding(&report.json, "net-sg-flows-declared", group);
        let message = str_of(f, "/message/en");
        assert_eq!(str_of(f, "/status"), "FAIL", "{message}");
        assert!(
            message.contains("egress: all: 0.0.0.0/0") && !message.contains("ingress:"),
            "only the egress is undeclared: {message}"
        );
    }
}

#[tokio::test]
async fn default_group_with_rules_fails() {
    let moto = MotoServer::start();
    let ec2 = ec2_client(&moto).await;
    let vpc = create_vpc(&ec2, VPC_CIDR).await;
    let default_group = group_named(&ec2, &vpc, "default").await;
    let default_id = default_group.group_id().expect("group ID").to_owned();
    // What moto gives a new VPC's default group: unlike AWS, no inbound
    // self-reference; the allow-all outbound rule.
    assert!(
        default_group.ip_permissions().is_empty(),
        "moto's default ingress changed: {default_group:?}"
    );
    assert_eq!(
        default_group.ip_permissions_egress().len(),
        1,
        "moto's default egress changed: {default_group:?}"
    );
    allow_in(&ec2, &default_id, tcp_from_cidr(443, VPC_CIDR)).await;

    // A second VPC whose default group was emptied, as the sheet wants.
    let clean_vpc = create_vpc(&ec2, "10.1.0.0/16").await;
    let clean = group_named(&ec2, &clean_vpc, "default").await;
    let clean_id = clean.group_id().expect("group ID").to_owned();
    ec2.revoke_security_group_egress()
        .group_id(&clean_id)
        .set_ip_permissions(Some(clean.ip_permissions_egress().to_vec()))
        .send()
        .await
        .expect("revoke the default group's egress");
    let emptied = group_named(&ec2, &clean_vpc, "default").await;
    assert!(
        emptied.ip_permissions().is_empty() && emptied.ip_permissions_egress().is_empty(),
        "{emptied:?}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let report = live_audit(&moto, None, &["NET-1"], dir.path(), "report.json");
    let r = &report.json;

    // Every default group of the region is judged: ours, the clean one and
    // moto's default VPC's (which keeps its allow-all egress).
    let defaults = default_groups(&ec2).await;
    assert_eq!(defaults.len(), 3, "{defaults:?}");
    let mut expected: Vec<(&str, &str, &str)> = defaults
        .iter()
        .map(|(_, id)| {
            (
                "net-default-sg-no-rules",
                id.as_str(),
                if *id == clean_id { "PASS" } else { "FAIL" },
            )
        })
        .collect();
    expected.extend([
        ("net-sg-flows-declared", default_id.as_str(), "FAIL"),
        ("net-sg-flows-declared", clean_id.as_str(), "MANUAL"),
        (
            "net-sg-admin-ports-from-internet",
            default_id.as_str(),
            "PASS",
        ),
        (
            "net-sg-admin-ports-from-internet",
            clean_id.as_str(),
            "PASS",
        ),
    ]);
    let default_vpc_group = defaults
        .iter()
        .find(|(v, _)| *v != vpc && *v != clean_vpc)
        .map(|(_, id)| id.as_str())
        .expect("moto's default VPC has a default group");
    expected.extend([
        ("net-sg-flows-declared", default_vpc_group, "FAIL"),
        (
            "net-sg-admin-ports-from-internet",
            default_vpc_group,
            "PASS",
        ),
    ]);
    let ids: Vec<&str> = defaults.iter().map(|(_, id)| id.as_str()).collect();
    assert_verdicts(&report, &ids, &expected);

    let ours = finding(r, "net-default-sg-no-rules", &default_id);
    assert_eq!(
        str_of(ours, "/message/en"),
        format!("Default group {default_id} of {vpc} has 2 rule(s)")
    );
    assert_eq!(ours["evidence"]["vpc"], vpc.as_str());
    assert_eq!(ours["resource"]["name"], "default");
    assert_eq!(
        ours["evidence"]["ingress"][0]["ipv4"][0], VPC_CIDR,
        "{}",
        ours["evidence"]
    );
    let clean_finding = finding(r, "net-default-sg-no-rules", &clean_id);
    assert_eq!(
        str_of(clean_finding, "/message/en"),
        format!("Default group {clean_id} of {clean_vpc} has no rules")
    );
    let flows = finding(r, "net-sg-flows-declared", &default_id);
    assert!(
        str_of(flows, "/message/en").contains("the default group has rules"),
        "{}",
        str_of(flows, "/message/en")
    );
    // Default groups are not judged as unused: they cannot be deleted.
    assert!(
        findings(r)
            .iter()
            .filter(|f| f["check_id"] == "net-sg-unused")
            .all(|f| !ids.contains(&str_of(f, "/resource/id"))),
        "{}",
        listing(findings(r))
    );
}

#[tokio::test]
async fn nacl_denying_admin_ports_passes_even_with_later_allows() {
    let moto = MotoServer::start();
    let ec2 = ec2_client(&moto).await;
    let vpc = create_vpc(&ec2, VPC_CIDR).await;
    let subnet_a = create_subnet(&ec2, &vpc, SUBNET_A_CIDR).await;
    let subnet_b = create_subnet(&ec2, &vpc, SUBNET_B_CIDR).await;
    let hardened = create_acl(&ec2, &vpc, HARDENED_ACL).await;
    associate_acl(&ec2, &vpc, &subnet_a, &hardened).await;
    let vpc_default_acl = default_acl(&ec2, &vpc).await;

    let dir = tempfile::tempdir().expect("tempdir");
    let report = live_audit(&moto, None, &["NET-2"], dir.path(), "report.json");
    let r = &report.json;

    // Every subnet of the region: ours, and moto's default VPC's six, which
    // keep the default allow-all ACL.
    let subnets = all_subnet_ids(&ec2).await;
    assert!(
        subnets.contains(&subnet_a) && subnets.contains(&subnet_b),
        "{subnets:?}"
    );
    let ids: Vec<&str> = subnets.iter().map(String::as_str).collect();
    let mut expected: Vec<(&str, &str, &str)> = Vec::new();
    for id in &ids {
        let status = if *id == subnet_a { "PASS" } else { "FAIL" };
        expected.push(("net-nacl-baseline", id, status));
        // No [[network.subnet_boundaries]]: nothing to judge, and no
        // per-subnet finding.
    }
    assert_verdicts(&report, &ids, &expected);

    let a = finding(r, "net-nacl-baseline", &subnet_a);
    assert_eq!(
        str_of(a, "/message/en"),
        format!("Subnet {subnet_a}: ACL {hardened} denies the baseline")
    );
    assert_eq!(a["evidence"]["network_acl"], hardened.as_str());
    assert_eq!(a["evidence"]["associated_explicitly"], true);
    assert_eq!(a["resource"]["type"], "AWS::EC2::Subnet");

    let b = finding(r, "net-nacl-baseline", &subnet_b);
    assert_eq!(
        str_of(b, "/message/en"),
        format!(
            "Subnet {subnet_b}: ACL {vpc_default_acl} lets baseline traffic in: \
             tcp ports 22, 3389: 0.0.0.0/0"
        ),
        "{}",
        listing(findings(r))
    );
    assert_eq!(b["evidence"]["network_acl"], vpc_default_acl.as_str());
    assert_eq!(b["evidence"]["allowing_rule_number"], 100);
    assert_eq!(b["requirements"], serde_json::json!(["NET-2"]));
    assert_eq!(
        report.outcome.code,
        Some(1),
        "{}",
        report.outcome.describe()
    );
}

#[tokio::test]
async fn snapshot_network_audit_matches_live() {
    let moto = MotoServer::start();
    let ec2 = ec2_client(&moto).await;
    let seeded = seed_network(&ec2).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), "kensa.toml", &flow_config(5432, false));

    let snapshot = dir.path().join("snap.json");
    let collected = run(moto
        .kensa()
        .current_dir(dir.path())
        .args([
            "collect",
            "--endpoint-url",
            &moto.endpoint(),
            "--region",
            TEST_REGION,
            "--output",
        ])
        .arg(&snapshot));
    assert_eq!(collected.code, Some(0), "{}", collected.describe());
    let snapshot_json: Value =
        serde_json::from_slice(&std::fs::read(&snapshot).expect("read the snapshot"))
            .expect("the snapshot is JSON");
    assert_eq!(
        snapshot_json["audited_regions"],
        serde_json::json!([TEST_REGION]),
        "{}",
        snapshot_json["audited_regions"]
    );

    let requirements = ["--requirement", "NET-1", "--requirement", "NET-2"];
    let snapshot_arg = snapshot.to_str().expect("the temporary path is UTF-8");
    let mut offline_args = vec!["--snapshot", snapshot_arg];
    offline_args.extend(requirements);
    let offline = audit(
        kensa(),
        Some(&config),
        &offline_args,
        dir.path(),
        "offline.json",
    );
    let live = live_audit(
        &moto,
        Some(&config),
        &["NET-1", "NET-2"],
        dir.path(),
        "live.json",
    );

    let verdicts = |report: &Value| -> BTreeSet<(String, String, String)> {
        findings(report)
            .iter()
            .map(|f| {
                (
                    str_of(f, "/check_id").to_owned(),
                    str_of(f, "/resource/id").to_owned(),
                    str_of(f, "/status").to_owned(),
                )
            })
            .collect()
    };
    let (offline_verdicts, live_verdicts) = (verdicts(&offline.json), verdicts(&live.json));
    assert_eq!(
        offline_verdicts,
        live_verdicts,
        "the snapshot's audit differs from the live one\n--- offline ---\n{}\n--- live ---\n{}",
        listing(findings(&offline.json)),
        listing(findings(&live.json))
    );
    // Only the network checks ran, and they judged what was seeded.
    assert!(
        live_verdicts
            .iter()
            .all(|(check, _, _)| check.starts_with("net-")),
        "{}",
        listing(findings(&live.json))
    );
    for (check, id, status) in [
        ("net-sg-admin-ports-from-internet", &seeded.bastion, "FAIL"),
        ("net-sg-flows-declared", &seeded.bastion, "FAIL"),
        ("net-sg-flows-declared", &seeded.db, "PASS"),
        ("net-sg-flows-declared", &seeded.app, "PASS"),
        ("net-default-sg-no-rules", &seeded.default_group, "FAIL"),
        ("net-nacl-baseline", &seeded.subnet_a, "PASS"),
        ("net-nacl-baseline", &seeded.subnet_b, "FAIL"),
    ] {
        let key = (check.to_owned(), id.clone(), status.to_owned());
        assert!(
            live_verdicts.contains(&key),
            "want {check} {status} on {id}\n{}",
            listing(findings(&live.json))
        );
    }
    let a = finding(&offline.json, "net-nacl-baseline", &seeded.subnet_a);
    assert_eq!(a["evidence"]["network_acl"], seeded.hardened_acl.as_str());
    // Groups and subnets are regional; only the region was collected.
    assert!(
        findings(&live.json)
            .iter()
            .filter(|f| f["resource"]["type"] != "AWS::::Account")
            .all(|f| f["resource"]["region"] == TEST_REGION),
        "{}",
        listing(findings(&live.json))
    );
    assert_eq!(
        offline.outcome.code,
        live.outcome.code,
        "same findings, same exit code\n--- offline ---\n{}\n--- live ---\n{}",
        offline.outcome.describe(),
        live.outcome.describe()
    );
}

/// moto 5 answers every EC2 call kensa makes (DescribeVpcs, DescribeSubnets,
/// DescribeRouteTables, DescribeInternetGateways, DescribeNatGateways,
/// DescribeSecurityGroups, DescribeNetworkInterfaces, DescribeNetworkAcls,
/// DescribeVpcPeeringConnections, DescribeManagedPrefixLists,
/// GetManagedPrefixListEntries), so no EC2 call may be recorded as failed and
/// no network verdict may be an ERROR.
#[tokio::test]
async fn moto_answers_every_ec2_call_kensa_makes() {
    let moto = MotoServer::start();
    let ec2 = ec2_client(&moto).await;
    let seeded = seed_network(&ec2).await;
    // A customer managed prefix list, so GetManagedPrefixListEntries is
    // called, and a peering connection.
    let list = ec2
        .create_managed_prefix_list()
        .prefix_list_name("office")
        .address_family("IPv4")
        .max_entries(5)
        .entries(AddPrefixListEntry::builder().cidr("203.0.113.0/24").build())
        .send()
        .await
        .expect("create a managed prefix list");
    let list_id = list
        .prefix_list()
        .and_then(|l| l.prefix_list_id())
        .expect("CreateManagedPrefixList returned no ID")
        .to_owned();
    let office = create_group(&ec2, &seeded.vpc, "office").await;
    allow_in(&ec2, &office, tcp_from_prefix_list(443, &list_id)).await;
    let peer_vpc = create_vpc(&ec2, "10.1.0.0/16").await;
    let peering = ec2
        .create_vpc_peering_connection()
        .vpc_id(&seeded.vpc)
        .peer_vpc_id(&peer_vpc)
        .send()
        .await
        .expect("create a VPC peering connection");
    let peering_id = peering
        .vpc_peering_connection()
        .and_then(|p| p.vpc_peering_connection_id())
        .expect("CreateVpcPeeringConnection returned no ID")
        .to_owned();

    let dir = tempfile::tempdir().expect("tempdir");
    let report = live_audit(&moto, None, &["NET-1", "NET-2"], dir.path(), "report.json");
    let r = &report.json;
    let ec2_errors = ec2_collection_errors(r);
    assert!(
        ec2_errors.is_empty(),
        "moto failed EC2 calls: {}",
        serde_json::to_string_pretty(&ec2_errors).unwrap_or_default()
    );
    let errors: Vec<&Value> = findings(r)
        .iter()
        .filter(|f| f["status"] == "ERROR")
        .collect();
    assert!(errors.is_empty(), "ERROR findings:\n{}", listing(errors));
    let ids: BTreeSet<String> = all_group_ids(&ec2).await.into_iter().collect();
    assert!(ids.contains(&office), "{ids:?}");
    let flows = finding(r, "net-sg-flows-declared", &office);
    assert_eq!(
        str_of(flows, "/status"),
        "MANUAL",
        "{}",
        listing(findings(r))
    );

    // The snapshot holds what those calls returned.
    let snapshot = dir.path().join("snap.json");
    let collected = run(moto
        .kensa()
        .current_dir(dir.path())
        .args([
            "collect",
            "--endpoint-url",
            &moto.endpoint(),
            "--region",
            TEST_REGION,
            "--output",
        ])
        .arg(&snapshot));
    assert_eq!(collected.code, Some(0), "{}", collected.describe());
    let snap: Value = serde_json::from_slice(&std::fs::read(&snapshot).expect("read the snapshot"))
        .expect("the snapshot is JSON");
    let network = &snap["regions"][TEST_REGION]["network"];
    for list in [
        "vpcs",
        "subnets",
        "route_tables",
        "internet_gateways",
        "nat_gateways",
        "security_groups",
        "network_interfaces",
        "network_acls",
        "vpc_peering_connections",
        "prefix_lists",
    ] {
        assert!(
            network[list]["value"].is_array(),
            "network.{list} was not collected: {}",
            network[list]
        );
    }
    let lists = network["prefix_lists"]["value"]
        .as_array()
        .expect("prefix lists");
    let office_list = lists
        .iter()
        .find(|l| l["id"] == list_id.as_str())
        .unwrap_or_else(|| panic!("{list_id} missing: {}", network["prefix_lists"]));
    assert_eq!(
        office_list["entries"],
        serde_json::json!({"value": ["203.0.113.0/24"]}),
        "{office_list}"
    );
    // AWS-managed lists are kept by ID only.
    assert!(
        lists
            .iter()
            .any(|l| l["id"] != list_id.as_str() && l["entries"] == "not_collected"),
        "{}",
        network["prefix_lists"]
    );
    let peerings = network["vpc_peering_connections"]["value"]
        .as_array()
        .expect("peering connections");
    assert!(
        peerings.iter().any(|p| p["id"] == peering_id.as_str()),
        "{}",
        network["vpc_peering_connections"]
    );
    let snap_errors: Vec<&Value> = snap["collection_errors"]
        .as_array()
        .map(|e| e.iter().filter(|e| e["service"] == "ec2").collect())
        .unwrap_or_default();
    assert!(snap_errors.is_empty(), "{snap_errors:?}");
}

/// A customer managed prefix list holding 0.0.0.0/0 is the internet: the
/// checks expand the list's entries rather than treating it as a name.
#[tokio::test]
async fn ssh_from_a_prefix_list_of_the_whole_internet_fails() {
    let moto = MotoServer::start();
    let ec2 = ec2_client(&moto).await;
    let vpc = create_vpc(&ec2, VPC_CIDR).await;
    let list = ec2
        .create_managed_prefix_list()
        .prefix_list_name("everyone")
        .address_family("IPv4")
        .max_entries(5)
        .entries(AddPrefixListEntry::builder().cidr("0.0.0.0/0").build())
        .send()
        .await
        .expect("create a managed prefix list");
    let list_id = list
        .prefix_list()
        .and_then(|l| l.prefix_list_id())
        .expect("CreateManagedPrefixList returned no ID")
        .to_owned();
    let bastion = create_group(&ec2, &vpc, "bastion").await;
    allow_in(&ec2, &bastion, tcp_from_prefix_list(22, &list_id)).await;

    let dir = tempfile::tempdir().expect("tempdir");
    let report = live_audit(&moto, None, &["NET-1"], dir.path(), "report.json");
    let r = &report.json;
    for check in ["net-sg-admin-ports-from-internet", "net-sg-flows-declared"] {
        let f = finding(r, check, &bastion);
        assert_eq!(
            str_of(f, "/status"),
            "FAIL",
            "{check}: SSH from {list_id} (0.0.0.0/0) must fail\n{}",
            listing(findings(r))
        );
    }
}
