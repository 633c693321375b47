//! NET-1 / NET-2 on a large synthetic estate.
//!
//! Run with `scripts/bench-network` (or `cargo bench -p kensa-checks --bench
//! network`). The estate is built in code from a fixed seed, so every run
//! measures the same snapshot:
//!
//! - security groups (1,000 / 5,000 / 10,000), 20 rules each: 16 ingress and
//!   4 egress permissions mixing TCP single ports and ranges, UDP, ICMP and
//!   all-traffic rules; peers from 10.x private space, public space,
//!   `0.0.0.0/0`, `::/0`, group references (a few stale) and prefix lists.
//!   About 30% of the groups only allow declared flows, the rest also allow
//!   undeclared ones, so both PASS and FAIL paths run.
//! - one VPC per 200 groups, each with a `default` group;
//! - one subnet per 5 groups (2,000 at 10,000 groups), 90% with their own
//!   network ACL of about 10 entries, the rest on the VPC's default ACL;
//! - one network interface per group, each in 1 to 3 groups;
//! - a flow matrix of 500 declared flows and 3 subnet boundaries.
//!
//! Benches:
//! - `net_evaluate/groups/N`: `kensa_checks::evaluate` for NET-1 + NET-2;
//! - `sg_micro/...`: `sg_allowed` (and the difference with the declared flows)
//!   for one group of 20 ingress rules;
//! - `nacl_micro/...`: `nacl_allowed` for one 10-entry ACL.
//!
//! Before measuring, each estate's findings are printed on a line starting
//! with `kensa-estate:` (scripts/bench-network puts them in its report).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use kensa_checks::network::config::{BoundaryAllow, FlowDecl, SubnetBoundary};
use kensa_checks::network::endpoint::Endpoint;
use kensa_checks::network::ports::PortSpec;
use kensa_checks::{Config, Selection, Source, Status, evaluate};
use kensa_net::{
    Cidr, FlowSet, ICMP, NaclEntry, Peers, Protocol, SgRule, nacl_allowed, sg_allowed,
};
use kensa_snapshot::ec2::{
    CidrPeer, GroupPeer, Network, NetworkAcl, NetworkAclEntry, NetworkInterface, Permission,
    PrefixList, PrefixListPeer, SecurityGroup, Subnet, Tags, Vpc,
};
use kensa_snapshot::{Account, Collected, Region, Snapshot};

const REGION: &str = "ap-northeast-1";
const ACCOUNT: &str = "123456789012";
const SEED: u64 = 0x6b65_6e73_615f_6e65; // "kensa_ne"
/// Estate sizes for `net_evaluate`, in security groups.
const SIZES: [usize; 3] = [1_000, 5_000, 10_000];
const ROLES: usize = 100;
const FLOWS: usize = 500;
const PREFIX_LISTS: usize = 20;
const GROUPS_PER_VPC: usize = 200;
const GROUPS_PER_SUBNET: usize = 5;
const INGRESS_RULES: usize = 16;
const EGRESS_RULES: usize = 4;
const TIERS: [&str; 4] = ["web", "app", "db", "mgmt"];
const COMMON_PORTS: [u16; 16] = [
    22, 25, 53, 80, 443, 1433, 3306, 3389, 5432, 6379, 8080, 8443, 9000, 9200, 11211, 27017,
];

/// splitmix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("below n fits in usize")
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn port(&mut self) -> u16 {
        if self.percent(70) {
            *self.pick(&COMMON_PORTS)
        } else {
            u16::try_from(1024 + self.below(64_000)).expect("port below 65536")
        }
    }
}

fn endpoint(text: &str) -> Endpoint {
    text.to_owned()
        .try_into()
        .expect("the bench writes valid endpoints")
}

fn group_id(i: usize) -> String {
    format!("sg-{i:017x}")
}

fn role(r: usize) -> String {
    format!("role-{r:02}")
}

fn prefix_list_id(k: usize) -> String {
    format!("pl-{k:017x}")
}

fn vpc_id(v: usize) -> String {
    format!("vpc-{v:017x}")
}

fn private_cidr(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("10.{}.0.0/16", rng.below(256)),
        1 => format!("10.{}.{}.0/24", rng.below(256), rng.below(256)),
        _ => format!(
            "10.{}.{}.{}/28",
            rng.below(256),
            rng.below(256),
            rng.below(16) * 16
        ),
    }
}

fn public_cidr(rng: &mut Rng) -> String {
    // First octets outside 10/8, 127/8 and multicast.
    let first = *rng.pick(&[3, 13, 18, 34, 52, 54, 99, 100, 130, 150, 198, 203]);
    match rng.below(3) {
        0 => format!("{first}.{}.0.0/16", rng.below(256)),
        1 => format!("{first}.{}.{}.0/24", rng.below(256), rng.below(256)),
        _ => format!(
            "{first}.{}.{}.{}/32",
            rng.below(256),
            rng.below(256),
            rng.below(256)
        ),
    }
}

fn cidr_peer(cidr: String) -> CidrPeer {
    CidrPeer {
        cidr,
        description: None,
    }
}

fn group_peer(id: String) -> GroupPeer {
    GroupPeer {
        group_id: id,
        user_id: Some(ACCOUNT.to_owned()),
        vpc_id: None,
        peering_status: None,
        description: None,
    }
}

fn permission(protocol: &str, ports: Option<(u16, u16)>) -> Permission {
    Permission {
        protocol: protocol.to_owned(),
        from_port: ports.map(|p| i32::from(p.0)),
        to_port: ports.map(|p| i32::from(p.1)),
        ipv4_ranges: vec![],
        ipv6_ranges: vec![],
        prefix_list_ids: vec![],
        groups: vec![],
    }
}

/// The flow matrix: 4 flows into each role by tag, the rest into single
/// groups by ID or name; sources by role tag, group, CIDR, the internet or a
/// prefix list.
fn flows(rng: &mut Rng, groups: usize) -> Vec<FlowDecl> {
    (0..FLOWS)
        .map(|f| {
            let to = if f < 4 * ROLES {
                format!("tag:Role={}", role(f % ROLES))
            } else if rng.percent(50) {
                format!("sg:{}", group_id(rng.below(groups)))
            } else {
                let i = rng.below(groups);
                format!("sg-name:{}-{i}", role(i % ROLES))
            };
            let from = match rng.below(100) {
                0..40 => format!("tag:Role={}", role(rng.below(ROLES))),
                40..55 => format!("sg:{}", group_id(rng.below(groups))),
                55..75 => format!("cidr:{}", private_cidr(rng)),
                75..85 => "internet".to_owned(),
                _ => format!("pl:{}", prefix_list_id(rng.below(PREFIX_LISTS))),
            };
            let (protocol, ports) = match rng.below(100) {
                0..60 => {
                    let p = rng.port();
                    ("tcp", PortSpec::range(p, p))
                }
                60..75 => {
                    let a = rng.port();
                    let b = rng.port();
                    ("tcp", PortSpec::Ranges(vec![(a, a), (b, b)]))
                }
                75..85 => {
                    let from = rng.port();
                    let to = from.saturating_add(u16::try_from(rng.below(1000)).expect("< 1000"));
                    ("tcp", PortSpec::range(from, to))
                }
                85..95 => {
                    let p = *rng.pick(&[53, 123, 161, 514]);
                    ("udp", PortSpec::range(p, p))
                }
                _ => ("all", PortSpec::All),
            };
            FlowDecl {
                name: format!("flow-{f:03}"),
                from: endpoint(&from),
                to: endpoint(&to),
                protocol: protocol.to_owned(),
                ports,
                reason: "synthetic".to_owned(),
            }
        })
        .collect()
}

/// A permission that one declared flow explains (the far side is `far`).
fn declared_permission(
    rng: &mut Rng,
    decl: &FlowDecl,
    far: &Endpoint,
    groups: usize,
) -> Permission {
    let ports = match &decl.ports {
        PortSpec::All => None,
        PortSpec::Ranges(r) => Some(*rng.pick(r)),
    };
    let protocol = if decl.protocol == "all" {
        "-1"
    } else {
        decl.protocol.as_str()
    };
    let mut p = permission(protocol, if protocol == "-1" { None } else { ports });
    match far {
        Endpoint::Internet => {
            p.ipv4_ranges.push(cidr_peer("0.0.0.0/0".to_owned()));
            p.ipv6_ranges.push(cidr_peer("::/0".to_owned()));
        }
        Endpoint::Cidr(c) => p.ipv4_ranges.push(cidr_peer(c.clone())),
        Endpoint::PrefixList(id) => p.prefix_list_ids.push(PrefixListPeer {
            prefix_list_id: id.clone(),
            description: None,
        }),
        Endpoint::Group(id) => p.groups.push(group_peer(id.clone())),
        Endpoint::GroupName(name) => {
            let i: usize = name
                .rsplit('-')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("the bench names groups ROLE-INDEX");
            p.groups.push(group_peer(group_id(i)));
        }
        Endpoint::Tag(_, value) => {
            let r: usize = value
                .strip_prefix("role-")
                .and_then(|n| n.parse().ok())
                .expect("the bench tags roles role-NN");
            // A member of that role: group indexes r, r + ROLES, ...
            let members = groups.div_ceil(ROLES).max(1);
            let i = (r + ROLES * rng.below(members)).min(groups - 1);
            p.groups.push(group_peer(group_id(i)));
        }
        Endpoint::Subnet(_) => p.ipv4_ranges.push(cidr_peer(private_cidr(rng))),
    }
    p
}

/// A permission no declaration needs to explain.
fn random_permission(rng: &mut Rng, groups: usize) -> Permission {
    let mut p = match rng.below(100) {
        0..55 => {
            let port = rng.port();
            permission("tcp", Some((port, port)))
        }
        55..70 => {
            let from = rng.port();
            let to = from.saturating_add(u16::try_from(rng.below(2000)).expect("< 2000"));
            permission("tcp", Some((from, to)))
        }
        70..85 => {
            let port = *rng.pick(&[53, 123, 161, 500, 514, 4500]);
            permission("udp", Some((port, port)))
        }
        85..95 => permission("-1", None),
        _ => permission("icmp", Some((8, 0))),
    };
    let peers = 1 + usize::from(rng.percent(20));
    for _ in 0..peers {
        match rng.below(100) {
            0..35 => p.ipv4_ranges.push(cidr_peer(private_cidr(rng))),
            35..50 => p.ipv4_ranges.push(cidr_peer(public_cidr(rng))),
            50..60 => p.ipv4_ranges.push(cidr_peer("0.0.0.0/0".to_owned())),
            60..70 => p.ipv6_ranges.push(cidr_peer("::/0".to_owned())),
            70..88 => p.groups.push(group_peer(group_id(rng.below(groups)))),
            88..90 => p.groups.push(group_peer(format!(
                "sg-{:017x}",
                0xdead_0000 + rng.below(100)
            ))),
            _ => p.prefix_list_ids.push(PrefixListPeer {
                prefix_list_id: prefix_list_id(rng.below(PREFIX_LISTS)),
                description: None,
            }),
        }
    }
    p
}

fn security_groups(rng: &mut Rng, groups: usize, flows: &[FlowDecl]) -> Vec<SecurityGroup> {
    // The flows that reach a role, and those that leave it, with the far side.
    let mut inbound: Vec<Vec<(&FlowDecl, &Endpoint)>> = vec![Vec::new(); ROLES];
    let mut outbound: Vec<Vec<(&FlowDecl, &Endpoint)>> = vec![Vec::new(); ROLES];
    for decl in flows {
        if let Endpoint::Tag(_, v) = &decl.to {
            let r: usize = v[5..].parse().expect("role-NN");
            inbound[r].push((decl, &decl.from));
        }
        if let Endpoint::Tag(_, v) = &decl.from {
            let r: usize = v[5..].parse().expect("role-NN");
            outbound[r].push((decl, &decl.to));
        }
    }
    (0..groups)
        .map(|i| {
            let r = i % ROLES;
            let vpc = i / GROUPS_PER_VPC;
            let mut tags = Tags::new();
            tags.insert("Role".to_owned(), role(r));
            tags.insert("Name".to_owned(), format!("{}-{i}", role(r)));
            if i % GROUPS_PER_VPC == 0 {
                // The VPC's default group, with AWS's default rules.
                let mut all_from_self = permission("-1", None);
                all_from_self.groups.push(group_peer(group_id(i)));
                let mut all_out = permission("-1", None);
                all_out.ipv4_ranges.push(cidr_peer("0.0.0.0/0".to_owned()));
                return SecurityGroup {
                    id: group_id(i),
                    name: "default".to_owned(),
                    description: "default VPC security group".to_owned(),
                    vpc_id: Some(vpc_id(vpc)),
                    owner_id: Some(ACCOUNT.to_owned()),
                    tags,
                    ingress: vec![all_from_self],
                    egress: vec![all_out],
                };
            }
            let clean = rng.percent(30);
            let rule = |rng: &mut Rng, declared: &[(&FlowDecl, &Endpoint)]| {
                if !declared.is_empty() && (clean || rng.percent(50)) {
                    let (decl, far) = *rng.pick(declared);
                    declared_permission(rng, decl, far, groups)
                } else {
                    random_permission(rng, groups)
                }
            };
            let ingress = (0..INGRESS_RULES).map(|_| rule(rng, &inbound[r])).collect();
            let egress = if clean && outbound[r].is_empty() {
                vec![]
            } else if !clean && rng.percent(60) {
                // AWS's default egress rule, left in place.
                let mut all_out = permission("-1", None);
                all_out.ipv4_ranges.push(cidr_peer("0.0.0.0/0".to_owned()));
                vec![all_out]
            } else {
                (0..EGRESS_RULES).map(|_| rule(rng, &outbound[r])).collect()
            };
            SecurityGroup {
                id: group_id(i),
                name: format!("{}-{i}", role(r)),
                description: "synthetic".to_owned(),
                vpc_id: Some(vpc_id(vpc)),
                owner_id: Some(ACCOUNT.to_owned()),
                tags,
                ingress,
                egress,
            }
        })
        .collect()
}

fn acl_entry(
    rule_number: i32,
    protocol: &str,
    ports: Option<(u16, u16)>,
    cidr: &str,
    allow: bool,
    egress: bool,
) -> NetworkAclEntry {
    let v6 = cidr.contains(':');
    NetworkAclEntry {
        rule_number,
        protocol: protocol.to_owned(),
        rule_action: if allow { "allow" } else { "deny" }.to_owned(),
        egress,
        cidr_block: (!v6).then(|| cidr.to_owned()),
        ipv6_cidr_block: v6.then(|| cidr.to_owned()),
        port_from: ports.map(|p| i32::from(p.0)),
        port_to: ports.map(|p| i32::from(p.1)),
        icmp_type: None,
        icmp_code: None,
    }
}

/// About 10 entries: 7 or 8 inbound (some without the SSH/RDP denies, so
/// NET-2 fails them), 2 outbound, and the `*` deny of both directions.
fn acl_entries(rng: &mut Rng, vpc_cidr: &str) -> Vec<NetworkAclEntry> {
    let mut entries = Vec::new();
    let mut n = 100;
    let mut next = |step: i32| {
        n += step;
        n
    };
    if rng.percent(70) {
        entries.push(acl_entry(
            next(0),
            "6",
            Some((22, 22)),
            "0.0.0.0/0",
            false,
            false,
        ));
        entries.push(acl_entry(
            next(1),
            "6",
            Some((3389, 3389)),
            "0.0.0.0/0",
            false,
            false,
        ));
    }
    if rng.percent(50) {
        entries.push(acl_entry(
            next(10),
            "-1",
            None,
            public_cidr(rng).as_str(),
            false,
            false,
        ));
    }
    entries.push(acl_entry(
        next(10),
        "6",
        Some((443, 443)),
        "0.0.0.0/0",
        true,
        false,
    ));
    entries.push(acl_entry(
        next(1),
        "6",
        Some((80, 80)),
        "0.0.0.0/0",
        true,
        false,
    ));
    entries.push(acl_entry(next(10), "-1", None, vpc_cidr, true, false));
    entries.push(acl_entry(
        next(10),
        "6",
        Some((1024, 65535)),
        "0.0.0.0/0",
        true,
        false,
    ));
    entries.push(acl_entry(
        next(1),
        "17",
        Some((1024, 65535)),
        "0.0.0.0/0",
        true,
        false,
    ));
    if rng.percent(40) {
        entries.push(acl_entry(next(10), "-1", None, "::/0", true, false));
    }
    entries.push(acl_entry(100, "-1", None, "0.0.0.0/0", true, true));
    entries.push(acl_entry(101, "-1", None, "::/0", true, true));
    entries.push(acl_entry(32767, "-1", None, "0.0.0.0/0", false, false));
    entries.push(acl_entry(32767, "-1", None, "0.0.0.0/0", false, true));
    entries
}

fn default_acl_entries() -> Vec<NetworkAclEntry> {
    vec![
        acl_entry(100, "-1", None, "0.0.0.0/0", true, false),
        acl_entry(101, "-1", None, "::/0", true, false),
        acl_entry(100, "-1", None, "0.0.0.0/0", true, true),
        acl_entry(101, "-1", None, "::/0", true, true),
        acl_entry(32767, "-1", None, "0.0.0.0/0", false, false),
        acl_entry(32767, "-1", None, "0.0.0.0/0", false, true),
    ]
}

struct Estate {
    snapshot: Snapshot,
    config: Config,
}

fn estate(groups: usize) -> Estate {
    let mut rng = Rng(SEED);
    let vpcs = groups.div_ceil(GROUPS_PER_VPC);
    let subnets = groups / GROUPS_PER_SUBNET;
    let subnets_per_vpc = subnets.div_ceil(vpcs);

    let flows = flows(&mut rng, groups);
    let security_groups = security_groups(&mut rng, groups, &flows);

    let vpc_list: Vec<Vpc> = (0..vpcs)
        .map(|v| Vpc {
            id: vpc_id(v),
            cidr_blocks: vec![format!("10.{v}.0.0/16")],
            ipv6_cidr_blocks: vec![format!("2600:1f18:{v:x}::/56")],
            is_default: false,
            tags: Tags::new(),
        })
        .collect();

    let mut subnet_list = Vec::with_capacity(subnets);
    let mut acls: Vec<NetworkAcl> = (0..vpcs)
        .map(|v| NetworkAcl {
            id: format!("acl-d{v:016x}"),
            vpc_id: vpc_id(v),
            is_default: true,
            subnet_ids: vec![],
            entries: default_acl_entries(),
            tags: Tags::new(),
        })
        .collect();
    for s in 0..subnets {
        let v = s / subnets_per_vpc;
        let within = s % subnets_per_vpc;
        let id = format!("subnet-{s:017x}");
        let tier = TIERS[within % TIERS.len()];
        let mut tags = Tags::new();
        tags.insert("Name".to_owned(), format!("{tier}-{s}"));
        tags.insert("Tier".to_owned(), tier.to_owned());
        subnet_list.push(Subnet {
            id: id.clone(),
            vpc_id: vpc_id(v),
            cidr_block: Some(format!("10.{v}.{within}.0/24")),
            ipv6_cidr_blocks: vec![],
            availability_zone: Some(format!("{REGION}{}", ["a", "c", "d"][within % 3])),
            map_public_ip_on_launch: tier == "web",
            tags,
        });
        if rng.percent(90) {
            acls.push(NetworkAcl {
                id: format!("acl-{s:017x}"),
                vpc_id: vpc_id(v),
                is_default: false,
                subnet_ids: vec![id],
                entries: acl_entries(&mut rng, &format!("10.{v}.0.0/16")),
                tags: Tags::new(),
            });
        }
    }

    let interfaces: Vec<NetworkInterface> = (0..groups)
        .map(|n| {
            let count = 1 + rng.below(3);
            NetworkInterface {
                id: format!("eni-{n:017x}"),
                vpc_id: None,
                subnet_id: None,
                group_ids: (0..count).map(|_| group_id(rng.below(groups))).collect(),
                interface_type: Some("interface".to_owned()),
                description: None,
                instance_id: Some(format!("i-{n:017x}")),
                private_ip_addresses: vec![],
            }
        })
        .collect();

    let prefix_lists: Vec<PrefixList> = (0..PREFIX_LISTS)
        .map(|k| PrefixList {
            id: prefix_list_id(k),
            name: format!("partner-{k}"),
            address_family: Some("IPv4".to_owned()),
            entries: Collected::Value((0..5).map(|_| public_cidr(&mut rng)).collect()),
        })
        .collect();

    let network = Network {
        vpcs: Collected::Value(vpc_list),
        subnets: Collected::Value(subnet_list),
        route_tables: Collected::Value(vec![]),
        internet_gateways: Collected::Value(vec![]),
        nat_gateways: Collected::Value(vec![]),
        security_groups: Collected::Value(security_groups),
        network_interfaces: Collected::Value(interfaces),
        network_acls: Collected::Value(acls),
        vpc_peering_connections: Collected::Value(vec![]),
        prefix_lists: Collected::Value(prefix_lists),
        instances: Collected::Value(vec![]),
    };

    let collected_at =
        chrono::DateTime::from_timestamp(1_767_225_600, 0).expect("a valid fixed instant");
    let mut snapshot = Snapshot::new("bench", collected_at);
    snapshot.account = Collected::Value(Account {
        id: ACCOUNT.to_owned(),
        partition: "aws".to_owned(),
        caller_arn: format!("arn:aws:iam::{ACCOUNT}:user/bench"),
    });
    snapshot.enabled_regions = Collected::Value(vec![REGION.to_owned()]);
    snapshot.audited_regions = vec![REGION.to_owned()];
    snapshot.regions.insert(
        REGION.to_owned(),
        Region {
            network,
            ..Default::default()
        },
    );

    let mut config = Config::default();
    config.network.flows = flows;
    let allow = |from: &str, ports: &str| BoundaryAllow {
        from: endpoint(from),
        protocol: "tcp".to_owned(),
        ports: PortSpec::parse(ports).expect("the bench writes valid ports"),
    };
    config.network.subnet_boundaries = vec![
        SubnetBoundary {
            name: "db tier".to_owned(),
            subnets: endpoint("tag:Tier=db"),
            allow: vec![allow("tag:Tier=app", "3306,5432")],
            reason: "databases only from the app tier".to_owned(),
        },
        SubnetBoundary {
            name: "app tier".to_owned(),
            subnets: endpoint("tag:Tier=app"),
            allow: vec![
                allow("tag:Tier=web", "8080,8443"),
                allow("cidr:10.0.0.0/8", "443"),
            ],
            reason: "the app tier behind the web tier".to_owned(),
        },
        SubnetBoundary {
            name: "management".to_owned(),
            subnets: endpoint("tag:Tier=mgmt"),
            allow: vec![allow("cidr:10.255.0.0/16", "22,3389")],
            reason: "bastions only".to_owned(),
        },
    ];
    Estate { snapshot, config }
}

fn net_selection() -> Selection {
    Selection {
        checks: vec![],
        requirements: vec!["NET-1".into(), "NET-2".into()],
    }
}

/// Whether an environment variable is set to something other than `0` or empty.
fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

fn bench_evaluate(c: &mut Criterion) {
    // The 10,000-group case takes about a minute per evaluation on the 2-core
    // machines, so criterion's minimum of 10 samples would take 10 minutes:
    // by default it is timed once, and KENSA_BENCH_FULL=1 samples it too.
    let full = flag("KENSA_BENCH_FULL");
    // KENSA_BENCH_BREAKDOWN=1 also times each NET check alone, once per size.
    let breakdown = flag("KENSA_BENCH_BREAKDOWN");
    let mut group = c.benchmark_group("net_evaluate");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1));
    for groups in SIZES {
        let Estate { snapshot, config } = estate(groups);
        let network = &snapshot.regions[REGION].network;
        let len = |list: &Collected<Vec<_>>| list.value().map_or(0, Vec::len);
        let started = Instant::now();
        let report = evaluate(&snapshot, &config, &net_selection(), Source::Live);
        let first_run = started.elapsed();
        let count = |status: Status| report.summary.by_status.get(&status).copied().unwrap_or(0);
        println!(
            "kensa-estate: groups={groups} subnets={} acls={} interfaces={} flows={} \
             checks={} findings={} pass={} fail={} error={} first_run_ns={}",
            network.subnets.value().map_or(0, Vec::len),
            network.network_acls.value().map_or(0, Vec::len),
            len(&network.network_interfaces),
            config.network.flows.len(),
            report.summary.checks,
            report.summary.findings,
            count(Status::Pass),
            count(Status::Fail),
            count(Status::Error),
            first_run.as_nanos(),
        );
        if breakdown {
            for check in kensa_checks::registry::CHECKS.iter().filter(|c| {
                c.meta
                    .requirements
                    .iter()
                    .any(|r| *r == "NET-1" || *r == "NET-2")
            }) {
                let only = Selection {
                    checks: vec![check.meta.id.to_owned()],
                    requirements: vec![],
                };
                let started = Instant::now();
                let report = evaluate(&snapshot, &config, &only, Source::Live);
                println!(
                    "kensa-check: groups={groups} check={} findings={} ns={}",
                    check.meta.id,
                    report.summary.findings,
                    started.elapsed().as_nanos(),
                );
            }
        }
        if groups > 5_000 && !full {
            continue;
        }
        // Enough time for 10 samples of one evaluation each.
        group.measurement_time(first_run.mul_f64(11.0).max(Duration::from_secs(5)));
        group.bench_with_input(BenchmarkId::new("groups", groups), &groups, |b, _| {
            b.iter(|| {
                evaluate(
                    black_box(&snapshot),
                    black_box(&config),
                    &net_selection(),
                    Source::Live,
                )
            });
        });
    }
    group.finish();
}

/// A permission as `kensa_net` sees it. The micro benches convert by
/// themselves, so they measure `kensa_net` alone; prefix lists stay names.
fn sg_rule(p: &Permission) -> SgRule {
    let protocol: Protocol = p
        .protocol
        .parse()
        .expect("the bench writes valid protocols");
    let port = |v: Option<i32>| v.and_then(|v| u16::try_from(v).ok());
    let ports = match protocol {
        Protocol::Number(ICMP) => port(p.from_port).map(|t| (t, t)),
        _ => port(p.from_port).zip(port(p.to_port)),
    };
    let cidr = |c: &CidrPeer| Peers::cidr(c.cidr.parse::<Cidr>().expect("valid CIDR"));
    let peers = p
        .ipv4_ranges
        .iter()
        .chain(&p.ipv6_ranges)
        .map(cidr)
        .chain(p.groups.iter().map(|g| Peers::group(g.group_id.clone())))
        .chain(
            p.prefix_list_ids
                .iter()
                .map(|l| Peers::prefix_list(l.prefix_list_id.clone())),
        )
        .fold(Peers::none(), |acc, peers| acc.union(&peers));
    SgRule {
        protocol,
        ports,
        peers,
        description: None,
    }
}

/// What the flow matrix declares into `group`, as `kensa_net` flows.
fn declared_into(group: &SecurityGroup, groups: &[SecurityGroup], config: &Config) -> FlowSet {
    let mut declared = FlowSet::empty();
    for decl in config
        .network
        .flows
        .iter()
        .filter(|d| d.to.selects_group(group))
    {
        let peers = match &decl.from {
            Endpoint::Internet => Peers::internet(),
            Endpoint::Cidr(c) => Peers::cidr(c.parse::<Cidr>().expect("valid CIDR")),
            Endpoint::PrefixList(id) => Peers::prefix_list(id.clone()),
            Endpoint::Subnet(_) => Peers::none(),
            far => groups
                .iter()
                .filter(|g| far.selects_group(g))
                .fold(Peers::none(), |acc, g| {
                    acc.union(&Peers::group(g.id.clone()))
                }),
        };
        let protocol: Protocol = decl.protocol.parse().expect("valid protocol");
        for ports in decl.ports.ranges() {
            declared = declared.union(&FlowSet::rule(protocol, ports, peers.clone()));
        }
    }
    declared
}

fn bench_sg(c: &mut Criterion) {
    // A group of the 1,000-group estate with 16 ingress and 4 egress
    // permissions (20 rules), taken as one rule list, against what the flow
    // matrix declares into it.
    let Estate { snapshot, config } = estate(1_000);
    let network = &snapshot.regions[REGION].network;
    let groups = network
        .security_groups
        .value()
        .expect("the bench collects groups");
    let group = groups
        .iter()
        .find(|g| !g.is_default() && g.egress.len() == EGRESS_RULES)
        .expect("a group with 20 rules");
    let rules: Vec<SgRule> = group
        .ingress
        .iter()
        .chain(&group.egress)
        .map(sg_rule)
        .collect();
    assert_eq!(rules.len(), INGRESS_RULES + EGRESS_RULES);
    let declared = declared_into(group, groups, &config);
    let allowed = sg_allowed(&rules);
    println!(
        "kensa-micro: group={} rules={} allowed_pieces={} declared_pieces={} undeclared_pieces={}",
        group.id,
        rules.len(),
        allowed.describe().len(),
        declared.describe().len(),
        allowed.difference(&declared).describe().len(),
    );
    let mut c = c.benchmark_group("sg_micro");
    c.bench_function(BenchmarkId::new("sg_allowed", "20_rules"), |b| {
        b.iter(|| sg_allowed(black_box(&rules)));
    });
    c.bench_function(BenchmarkId::new("sg_allowed_difference", "20_rules"), |b| {
        b.iter(|| sg_allowed(black_box(&rules)).difference(black_box(&declared)));
    });
    c.finish();
}

fn bench_nacl(c: &mut Criterion) {
    // A typical hardened subnet ACL: 10 inbound entries, `*` included.
    let entry = |rule_number, protocol, ports, cidr: &str, allow| NaclEntry {
        rule_number,
        protocol,
        ports,
        cidr: cidr.parse().expect("valid CIDR"),
        allow,
        egress: false,
    };
    let (tcp, udp, all) = (Protocol::TCP, Protocol::UDP, Protocol::All);
    let entries = vec![
        entry(100, tcp, Some((22, 22)), "0.0.0.0/0", false),
        entry(101, tcp, Some((22, 22)), "::/0", false),
        entry(110, tcp, Some((3389, 3389)), "0.0.0.0/0", false),
        entry(120, all, None, "198.51.100.0/24", false),
        entry(200, tcp, Some((443, 443)), "0.0.0.0/0", true),
        entry(201, tcp, Some((443, 443)), "::/0", true),
        entry(210, all, None, "10.0.0.0/16", true),
        entry(300, tcp, Some((1024, 65535)), "0.0.0.0/0", true),
        entry(310, udp, Some((1024, 65535)), "0.0.0.0/0", true),
        entry(32767, all, None, "0.0.0.0/0", false),
    ];
    let mut c = c.benchmark_group("nacl_micro");
    c.bench_function(BenchmarkId::new("nacl_allowed", "10_entries"), |b| {
        b.iter(|| nacl_allowed(black_box(&entries), false));
    });
    c.finish();
}

criterion_group!(benches, bench_sg, bench_nacl, bench_evaluate);
criterion_main!(benches);
