//! Network security (ネットワークセキュリティ): NET-1 and NET-2.
//!
//! The snapshot's security groups and network ACLs are turned into exact
//! flow sets (`kensa-net`), and the declared flow matrix of kensa.toml into
//! another; a verdict is a set difference, and a FAIL names what is left.

pub mod config;
pub mod default_sg_no_rules;
pub mod endpoint;
pub mod nacl_baseline;
pub mod nacl_boundaries;
pub mod ports;
pub mod sg_admin_ports;
pub mod sg_flows_declared;
pub mod sg_references_resolve;
pub mod sg_unused;

use kensa_net::{Cidr, FlowPiece, FlowSet, NaclEntry, Peers, Protocol, SgRule};
use kensa_snapshot::ec2::{Network, NetworkAcl, Permission, PrefixList, SecurityGroup, Subnet};
use kensa_snapshot::{Collected, Missing};
use serde_json::{Value, json};

use crate::{CheckMeta, Context, Finding, Resource, Status, text};
use config::{FlowDecl, NetworkConfig};
use endpoint::Endpoint;

/// One audited region's network, or why it is missing.
pub fn regions<'a>(ctx: &Context<'a>) -> Vec<(&'a str, Option<&'a Network>)> {
    ctx.snapshot
        .audited_regions
        .iter()
        .map(|r| {
            (
                r.as_str(),
                ctx.snapshot.regions.get(r).map(|region| &region.network),
            )
        })
        .collect()
}

/// The region itself as a resource, for region-wide ERRORs.
pub fn region_resource(ctx: &Context<'_>, region: &str) -> Resource {
    Resource {
        kind: "AWS::::Region".to_owned(),
        id: region.to_owned(),
        arn: None,
        name: Some(format!(
            "{region} ({})",
            ctx.snapshot.account_id().unwrap_or("unknown account")
        )),
        region: region.to_owned(),
    }
}

pub fn group_resource(ctx: &Context<'_>, region: &str, group: &SecurityGroup) -> Resource {
    let account = group
        .owner_id
        .as_deref()
        .or(ctx.snapshot.account_id())
        .unwrap_or("");
    Resource {
        kind: "AWS::EC2::SecurityGroup".to_owned(),
        id: group.id.clone(),
        arn: Some(format!(
            "arn:{}:ec2:{region}:{account}:security-group/{}",
            ctx.snapshot.partition(),
            group.id
        )),
        name: Some(group.name.clone()),
        region: region.to_owned(),
    }
}

pub fn subnet_resource(ctx: &Context<'_>, region: &str, subnet: &Subnet) -> Resource {
    Resource {
        kind: "AWS::EC2::Subnet".to_owned(),
        id: subnet.id.clone(),
        arn: ctx.snapshot.account_id().map(|account| {
            format!(
                "arn:{}:ec2:{region}:{account}:subnet/{}",
                ctx.snapshot.partition(),
                subnet.id
            )
        }),
        name: subnet.tags.get("Name").cloned().or(Some(subnet.id.clone())),
        region: region.to_owned(),
    }
}

/// A region's network and one of its lists, or the ERROR finding for the
/// region that names the call which should have read the list. Checks run
/// one region at a time and use `?` on each list they need.
pub(crate) fn region_list<'a, T>(
    ctx: &Context<'_>,
    meta: &CheckMeta,
    region: &str,
    network: Option<&'a Network>,
    call: &str,
    list: impl Fn(&'a Network) -> &'a Collected<Vec<T>>,
) -> Result<(&'a Network, &'a [T]), Box<Finding>> {
    let missing = match network {
        Some(n) => match list(n).get() {
            Ok(items) => return Ok((n, items)),
            Err(m) => m,
        },
        None => Missing::NotCollected,
    };
    Err(Box::new(meta.missing(
        region_resource(ctx, region),
        missing,
        call,
    )))
}

/// Runs `per_region` on every audited region; a region that could not be
/// read gives its ERROR finding instead.
pub(crate) fn each_region<'a>(
    ctx: &Context<'a>,
    mut per_region: impl FnMut(&str, Option<&'a Network>) -> Result<Vec<Finding>, Box<Finding>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (region, network) in regions(ctx) {
        match per_region(region, network) {
            Ok(found) => findings.extend(found),
            Err(error) => findings.push(*error),
        }
    }
    findings
}

/// The protocol of a rule or flow; an unknown one is malformed input.
pub fn protocol(text: &str) -> Result<Protocol, String> {
    text.parse::<Protocol>().map_err(|e| e.to_string())
}

fn port(value: Option<i32>) -> Option<u16> {
    value.and_then(|v| u16::try_from(v).ok())
}

/// A region's managed prefix lists. A rule or flow naming a customer
/// managed list covers the addresses of its entries (as well as the list's
/// name, so that a flow declared as `pl:ID` explains it); AWS-managed
/// lists (service ranges such as S3's) stay names.
#[derive(Debug, Clone, Copy)]
pub struct PrefixLists<'a>(pub &'a Collected<Vec<PrefixList>>);

impl PrefixLists<'_> {
    /// What naming list `id` in a rule lets through. A list whose entries
    /// could not be read makes the rule undecidable: an error, never "no
    /// addresses" (a list holding 0.0.0.0/0 would otherwise pass).
    pub fn peers(&self, id: &str) -> Result<Peers, String> {
        let named = Peers::prefix_list(id.to_owned());
        let lists = match self.0 {
            Collected::Value(lists) => lists,
            Collected::Error(e) => {
                return Err(format!(
                    "prefix list {id} cannot be expanded: {} failed ({}: {})",
                    e.call(),
                    e.code,
                    e.message
                ));
            }
            Collected::NotCollected => {
                return Err(format!(
                    "prefix list {id} cannot be expanded: ec2:DescribeManagedPrefixLists was not collected"
                ));
            }
        };
        let Some(list) = lists.iter().find(|l| l.id == id) else {
            return Err(format!(
                "prefix list {id} is not among the region's prefix lists (ec2:DescribeManagedPrefixLists)"
            ));
        };
        match &list.entries {
            Collected::Value(cidrs) => cidrs.iter().try_fold(named, |acc, c| {
                let cidr = c
                    .parse::<Cidr>()
                    .map_err(|e| format!("prefix list {id} entry `{c}`: {e}"))?;
                Ok(acc.union(&Peers::cidr(cidr)))
            }),
            // Entries are read for customer managed lists only.
            Collected::NotCollected => Ok(named),
            Collected::Error(e) => Err(format!(
                "prefix list {id} cannot be expanded: {} failed ({}: {})",
                e.call(),
                e.code,
                e.message
            )),
        }
    }
}

/// One `IpPermission` as algebra. AWS: protocol -1 means everything; a
/// missing or -1 port means all ports; for ICMP, FromPort is the type and
/// ToPort the code (codes are not modelled, so the type is the range).
pub fn permission_rule(permission: &Permission, lists: PrefixLists<'_>) -> Result<SgRule, String> {
    let protocol = protocol(&permission.protocol)?;
    let icmp =
        matches!(protocol, Protocol::Number(n) if n == kensa_net::ICMP || n == kensa_net::ICMPV6);
    let ports = match (port(permission.from_port), port(permission.to_port)) {
        _ if icmp => port(permission.from_port).map(|t| (t, t)),
        (Some(from), Some(to)) => Some((from, to)),
        _ => None,
    };
    let mut peers = Peers::none();
    for range in &permission.ipv4_ranges {
        let cidr = range
            .cidr
            .parse::<Cidr>()
            .map_err(|e| format!("`{}`: {e}", range.cidr))?;
        peers = peers.union(&Peers::cidr(cidr));
    }
    for range in &permission.ipv6_ranges {
        let cidr = range
            .cidr
            .parse::<Cidr>()
            .map_err(|e| format!("`{}`: {e}", range.cidr))?;
        peers = peers.union(&Peers::cidr(cidr));
    }
    for group in &permission.groups {
        peers = peers.union(&Peers::group(group.group_id.clone()));
    }
    for list in &permission.prefix_list_ids {
        peers = peers.union(&lists.peers(&list.prefix_list_id)?);
    }
    Ok(SgRule {
        protocol,
        ports,
        peers,
        description: None,
    })
}

/// Everything a group's rules allow in one direction.
pub fn group_flows(
    group: &SecurityGroup,
    egress: bool,
    lists: PrefixLists<'_>,
) -> Result<FlowSet, String> {
    let permissions = if egress {
        &group.egress
    } else {
        &group.ingress
    };
    let mut flows = FlowSet::empty();
    for (index, permission) in permissions.iter().enumerate() {
        let rule = permission_rule(permission, lists).map_err(|e| {
            format!(
                "{} rule {index} of {}: {e}",
                if egress { "egress" } else { "ingress" },
                group.id
            )
        })?;
        flows = flows.union(&rule.flows());
    }
    Ok(flows)
}

/// The peers an endpoint stands for on the far side of a rule.
pub fn endpoint_peers(
    endpoint: &Endpoint,
    groups: &[SecurityGroup],
    lists: PrefixLists<'_>,
) -> Result<Peers, String> {
    Ok(match endpoint {
        Endpoint::Internet => Peers::internet(),
        Endpoint::Cidr(c) => c
            .parse::<Cidr>()
            .map(Peers::cidr)
            .unwrap_or_else(|_| Peers::none()),
        Endpoint::PrefixList(id) => lists.peers(id)?,
        Endpoint::Group(_) | Endpoint::GroupName(_) | Endpoint::Tag(..) => groups
            .iter()
            .filter(|g| endpoint.selects_group(g))
            .fold(Peers::none(), |acc, g| {
                acc.union(&Peers::group(g.id.clone()))
            }),
        Endpoint::Subnet(_) => Peers::none(),
    })
}

/// The flows a declaration allows, as algebra.
pub fn decl_flows(decl: &FlowDecl, peers: Peers) -> Result<FlowSet, String> {
    let protocol = protocol(&decl.protocol).map_err(|e| format!("flow `{}`: {e}", decl.name))?;
    Ok(decl
        .ports
        .ranges()
        .into_iter()
        .fold(FlowSet::empty(), |acc, ports| {
            acc.union(&FlowSet::rule(protocol, ports, peers.clone()))
        }))
}

/// The flow table resolved against one region's groups and prefix lists.
/// Each declaration's flows are computed once, as seen from either end, so
/// judging every group costs the flows that select it, not a scan of all
/// groups per flow (which made 10,000 groups quadratic).
#[derive(Debug)]
pub struct FlowMatrix<'c> {
    flows: Vec<ResolvedFlow<'c>>,
}

#[derive(Debug)]
struct ResolvedFlow<'c> {
    decl: &'c FlowDecl,
    /// What the destination's ingress may allow: the source as peers.
    inbound: Result<FlowSet, String>,
    /// What the source's egress may allow: the destination as peers.
    outbound: Result<FlowSet, String>,
}

impl<'c> FlowMatrix<'c> {
    pub fn resolve(
        config: &'c NetworkConfig,
        groups: &[SecurityGroup],
        lists: PrefixLists<'_>,
    ) -> Self {
        let side = |decl: &FlowDecl, far: &Endpoint| {
            let peers = endpoint_peers(far, groups, lists)
                .map_err(|e| format!("flow `{}`: {e}", decl.name))?;
            decl_flows(decl, peers)
        };
        let flows = config
            .flows
            .iter()
            .map(|decl| ResolvedFlow {
                decl,
                inbound: side(decl, &decl.from),
                outbound: side(decl, &decl.to),
            })
            .collect();
        FlowMatrix { flows }
    }

    /// What the table declares for a group in one direction, and which
    /// declarations contributed. A declaration that selects the group but
    /// could not be resolved makes the answer an error, never "undeclared".
    pub fn declared_for(
        &self,
        group: &SecurityGroup,
        egress: bool,
    ) -> Result<(FlowSet, Vec<&'c FlowDecl>), String> {
        let mut flows = FlowSet::empty();
        let mut used = Vec::new();
        for flow in &self.flows {
            let (this_side, resolved) = if egress {
                (&flow.decl.from, &flow.outbound)
            } else {
                (&flow.decl.to, &flow.inbound)
            };
            if this_side.selects_group(group) {
                flows = flows.union(resolved.as_ref().map_err(Clone::clone)?);
                used.push(flow.decl);
            }
        }
        Ok((flows, used))
    }
}

/// A network ACL's entries of one direction, as algebra.
pub fn nacl_entries(acl: &NetworkAcl, egress: bool) -> Result<Vec<NaclEntry>, String> {
    acl.entries
        .iter()
        .filter(|e| e.egress == egress)
        .map(|e| {
            let cidr_text = e
                .cidr_block
                .as_deref()
                .or(e.ipv6_cidr_block.as_deref())
                .ok_or_else(|| format!("{} entry {} has no CIDR", acl.id, e.rule_number))?;
            let cidr = cidr_text
                .parse::<Cidr>()
                .map_err(|err| format!("{} entry {}: {err}", acl.id, e.rule_number))?;
            let protocol = protocol(&e.protocol)
                .map_err(|err| format!("{} entry {}: {err}", acl.id, e.rule_number))?;
            let icmp = matches!(protocol, Protocol::Number(n) if n == kensa_net::ICMP || n == kensa_net::ICMPV6);
            let ports = if icmp {
                port(e.icmp_type).map(|t| (t, t))
            } else {
                match (port(e.port_from), port(e.port_to)) {
                    (Some(a), Some(b)) => Some((a, b)),
                    _ => None,
                }
            };
            Ok(NaclEntry {
                rule_number: e.rule_number,
                protocol,
                ports,
                cidr,
                allow: e.rule_action.eq_ignore_ascii_case("allow"),
                egress,
            })
        })
        .collect()
}

/// The ACL a subnet uses: its explicit association, else its VPC's default.
pub fn acl_of<'a>(subnet: &Subnet, acls: &'a [NetworkAcl]) -> Option<&'a NetworkAcl> {
    acls.iter()
        .find(|a| a.subnet_ids.contains(&subnet.id))
        .or_else(|| {
            acls.iter()
                .find(|a| a.is_default && a.vpc_id == subnet.vpc_id)
        })
}

/// The ERROR finding for a group with a rule kensa cannot turn into flows
/// (an unknown protocol, a malformed CIDR, a prefix list it could not read).
pub(crate) fn unreadable_rule(
    ctx: &Context<'_>,
    meta: &CheckMeta,
    region: &str,
    group: &SecurityGroup,
    error: &str,
) -> Finding {
    let name = format!("{} ({})", group.name, group.id);
    meta.finding(
        Status::Error,
        group_resource(ctx, region, group),
        text!(
            "Could not decide for {name}: a rule could not be read ({error})",
            "{name} を判定できません: ルールを解釈できません ({error})"
        ),
        json!({ "malformed_rule": error }),
    )
}

/// The ACL a subnet uses and its inbound entries, or the ERROR finding that
/// says why they cannot be judged (no ACL listed, or a malformed entry).
pub(crate) fn subnet_inbound<'a>(
    ctx: &Context<'_>,
    meta: &CheckMeta,
    region: &str,
    subnet: &Subnet,
    acls: &'a [NetworkAcl],
) -> Result<(&'a NetworkAcl, Vec<NaclEntry>), Box<Finding>> {
    let id = &subnet.id;
    let Some(acl) = acl_of(subnet, acls) else {
        return Err(Box::new(meta.incomplete(
            subnet_resource(ctx, region, subnet),
            "ec2:DescribeNetworkAcls",
            text!("an ACL for {id} or its VPC", " {id} またはその VPC の ACL "),
        )));
    };
    nacl_entries(acl, false)
        .map(|entries| (acl, entries))
        .map_err(|e| {
            meta.finding(
                Status::Error,
                subnet_resource(ctx, region, subnet),
                text!(
                    "Could not decide for {id}: {e}",
                    "{id} を判定できません: {e}"
                ),
                json!({ "malformed_entry": e }),
            )
        })
        .map_err(Box::new)
}

/// Subnets whose route table (their own association, else the VPC's main
/// table) has an active route to an internet gateway: what sits there is
/// reachable from the internet as far as its security group allows.
pub fn public_subnets(network: &Network) -> Result<Vec<&str>, String> {
    let subnets = network
        .subnets
        .get()
        .map_err(|m| describe_missing(m, "ec2:DescribeSubnets"))?;
    let tables = network
        .route_tables
        .get()
        .map_err(|m| describe_missing(m, "ec2:DescribeRouteTables"))?;
    let to_internet = |table: &kensa_snapshot::ec2::RouteTable| {
        table.routes.iter().any(|r| {
            r.gateway_id
                .as_deref()
                .is_some_and(|g| g.starts_with("igw-"))
                && r.state.as_deref() != Some("blackhole")
        })
    };
    Ok(subnets
        .iter()
        .filter(|subnet| {
            tables
                .iter()
                .find(|t| t.subnet_ids.contains(&subnet.id))
                .or_else(|| tables.iter().find(|t| t.main && t.vpc_id == subnet.vpc_id))
                .is_some_and(to_internet)
        })
        .map(|s| s.id.as_str())
        .collect())
}

fn describe_missing(missing: Missing<'_>, call: &str) -> String {
    match missing {
        Missing::Failed(e) => format!("{} failed ({}: {})", e.call(), e.code, e.message),
        Missing::NotCollected => format!("{call} was not collected"),
    }
}

/// Where a group is attached, for the evidence of exposure findings: its
/// network interfaces and which of them sit in public subnets.
pub fn placement(network: &Network, group: &SecurityGroup) -> Value {
    let interfaces = match network.network_interfaces.get() {
        Ok(i) => i,
        Err(m) => return json!({ "unknown": describe_missing(m, "ec2:DescribeNetworkInterfaces") }),
    };
    let attached: Vec<&kensa_snapshot::ec2::NetworkInterface> = interfaces
        .iter()
        .filter(|i| i.group_ids.contains(&group.id))
        .collect();
    let public = match public_subnets(network) {
        Ok(p) => p,
        Err(e) => {
            return json!({ "network_interfaces": attached.len(), "public_subnets": { "unknown": e } });
        }
    };
    let in_public: Vec<&str> = attached
        .iter()
        .filter(|i| i.subnet_id.as_deref().is_some_and(|s| public.contains(&s)))
        .map(|i| i.id.as_str())
        .collect();
    json!({
        "network_interfaces": attached.len(),
        "in_public_subnets": in_public,
    })
}

/// Flow pieces as evidence and as one line for messages.
pub fn pieces(flows: &FlowSet) -> (Value, String) {
    let described: Vec<FlowPiece> = flows.describe();
    let line = described
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    (json!(described), line)
}

/// Public addresses as seen from a VPC: everything except private ranges
/// (RFC 1918, IPv6 unique local) and the VPC's own blocks. A rule from
/// 192.168.0.0/16 reaches a VPN, not the internet.
pub fn public_peers(network: &Network, vpc_id: Option<&str>) -> Peers {
    let private = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
        .iter()
        .filter_map(|c| c.parse::<Cidr>().ok())
        .fold(Peers::none(), |acc, c| acc.union(&Peers::cidr(c)));
    Peers::internet()
        .difference(&private)
        .difference(&vpc_peers(network, vpc_id))
}

/// The VPC's own address space, IPv4 and IPv6: "beyond the VPC" is the rest.
pub fn vpc_peers(network: &Network, vpc_id: Option<&str>) -> Peers {
    let Some(vpcs) = network.vpcs.value() else {
        return Peers::none();
    };
    vpcs.iter()
        .filter(|v| Some(v.id.as_str()) == vpc_id)
        .flat_map(|v| v.cidr_blocks.iter().chain(&v.ipv6_cidr_blocks))
        .filter_map(|c| c.parse::<Cidr>().ok())
        .fold(Peers::none(), |acc, c| acc.union(&Peers::cidr(c)))
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Small networks for the checks' unit tests.
    use kensa_snapshot::ec2::{
        CidrPeer, GroupPeer, Network, NetworkAcl, NetworkAclEntry, NetworkInterface, Permission,
        SecurityGroup, Subnet, Vpc,
    };
    use kensa_snapshot::{Collected, Region, Snapshot};

    pub const REGION: &str = "ap-northeast-1";

    pub fn snapshot(network: Network) -> Snapshot {
        let mut s = crate::iam::fixtures::snapshot();
        s.audited_regions = vec![REGION.to_owned()];
        s.regions.insert(
            REGION.to_owned(),
            Region {
                network,
                ..Default::default()
            },
        );
        s
    }

    pub fn network(groups: Vec<SecurityGroup>) -> Network {
        Network {
            vpcs: Collected::Value(vec![Vpc {
                id: "vpc-1".into(),
                cidr_blocks: vec!["10.0.0.0/16".into()],
                ipv6_cidr_blocks: vec![],
                is_default: false,
                tags: Default::default(),
            }]),
            security_groups: Collected::Value(groups),
            network_interfaces: Collected::Value(vec![]),
            subnets: Collected::Value(vec![]),
            network_acls: Collected::Value(vec![]),
            prefix_lists: Collected::Value(vec![]),
            ..Network::default()
        }
    }

    pub fn group(id: &str, name: &str, ingress: Vec<Permission>) -> SecurityGroup {
        SecurityGroup {
            id: id.into(),
            name: name.into(),
            description: String::new(),
            vpc_id: Some("vpc-1".into()),
            owner_id: Some("123456789012".into()),
            tags: Default::default(),
            ingress,
            egress: vec![],
        }
    }

    pub fn tcp_from_cidr(port: i32, cidr: &str) -> Permission {
        Permission {
            protocol: "tcp".into(),
            from_port: Some(port),
            to_port: Some(port),
            ipv4_ranges: if cidr.contains(':') {
                vec![]
            } else {
                vec![CidrPeer {
                    cidr: cidr.into(),
                    description: None,
                }]
            },
            ipv6_ranges: if cidr.contains(':') {
                vec![CidrPeer {
                    cidr: cidr.into(),
                    description: None,
                }]
            } else {
                vec![]
            },
            prefix_list_ids: vec![],
            groups: vec![],
        }
    }

    pub fn tcp_from_group(port: i32, group_id: &str) -> Permission {
        Permission {
            protocol: "tcp".into(),
            from_port: Some(port),
            to_port: Some(port),
            ipv4_ranges: vec![],
            ipv6_ranges: vec![],
            prefix_list_ids: vec![],
            groups: vec![GroupPeer {
                group_id: group_id.into(),
                user_id: Some("123456789012".into()),
                vpc_id: None,
                peering_status: None,
                description: None,
            }],
        }
    }

    pub fn all_traffic_to(cidr: &str) -> Permission {
        Permission {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            ipv4_ranges: vec![CidrPeer {
                cidr: cidr.into(),
                description: None,
            }],
            ipv6_ranges: vec![],
            prefix_list_ids: vec![],
            groups: vec![],
        }
    }

    pub fn interface(id: &str, groups: &[&str]) -> NetworkInterface {
        NetworkInterface {
            id: id.into(),
            vpc_id: Some("vpc-1".into()),
            subnet_id: Some("subnet-1".into()),
            group_ids: groups.iter().map(|g| (*g).to_owned()).collect(),
            interface_type: Some("interface".into()),
            description: None,
            instance_id: Some("i-1".into()),
            private_ip_addresses: vec!["10.0.1.10".into()],
        }
    }

    pub fn subnet(id: &str, cidr: &str, tags: &[(&str, &str)]) -> Subnet {
        Subnet {
            id: id.into(),
            vpc_id: "vpc-1".into(),
            cidr_block: Some(cidr.into()),
            ipv6_cidr_blocks: vec![],
            availability_zone: Some("ap-northeast-1a".into()),
            map_public_ip_on_launch: false,
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// An ACL entry: `(rule, protocol, ports, cidr, allow)`, ingress.
    pub fn entry(
        rule: i32,
        protocol: &str,
        ports: Option<(i32, i32)>,
        cidr: &str,
        allow: bool,
    ) -> NetworkAclEntry {
        NetworkAclEntry {
            rule_number: rule,
            protocol: protocol.into(),
            rule_action: if allow { "allow" } else { "deny" }.into(),
            egress: false,
            cidr_block: (!cidr.contains(':')).then(|| cidr.to_owned()),
            ipv6_cidr_block: cidr.contains(':').then(|| cidr.to_owned()),
            port_from: ports.map(|p| p.0),
            port_to: ports.map(|p| p.1),
            icmp_type: None,
            icmp_code: None,
        }
    }

    pub fn acl(
        id: &str,
        is_default: bool,
        subnets: &[&str],
        entries: Vec<NetworkAclEntry>,
    ) -> NetworkAcl {
        NetworkAcl {
            id: id.into(),
            vpc_id: "vpc-1".into(),
            is_default,
            subnet_ids: subnets.iter().map(|s| (*s).to_owned()).collect(),
            entries,
            tags: Default::default(),
        }
    }

    /// AWS's default ACL: allow everything, then the implicit deny.
    pub fn allow_all_entries() -> Vec<NetworkAclEntry> {
        vec![
            entry(100, "-1", None, "0.0.0.0/0", true),
            entry(32767, "-1", None, "0.0.0.0/0", false),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use kensa_snapshot::ec2::{Route, RouteTable};

    fn table(id: &str, main: bool, subnets: &[&str], igw: bool) -> RouteTable {
        let mut routes = vec![Route {
            destination_cidr_block: Some("10.0.0.0/16".into()),
            destination_ipv6_cidr_block: None,
            destination_prefix_list_id: None,
            gateway_id: Some("local".into()),
            nat_gateway_id: None,
            vpc_peering_connection_id: None,
            transit_gateway_id: None,
            state: Some("active".into()),
        }];
        if igw {
            routes.push(Route {
                destination_cidr_block: Some("0.0.0.0/0".into()),
                gateway_id: Some("igw-1".into()),
                ..routes[0].clone()
            });
        }
        RouteTable {
            id: id.into(),
            vpc_id: "vpc-1".into(),
            main,
            subnet_ids: subnets.iter().map(|s| (*s).to_owned()).collect(),
            routes,
        }
    }

    #[test]
    fn public_subnets_follow_their_route_table_or_the_main_one() {
        let mut n = network(vec![group("sg-web", "web", vec![])]);
        n.subnets = Collected::Value(vec![
            subnet("subnet-pub", "10.0.0.0/24", &[]),
            subnet("subnet-priv", "10.0.1.0/24", &[]),
            subnet("subnet-main", "10.0.2.0/24", &[]),
        ]);
        n.route_tables = Collected::Value(vec![
            table("rtb-pub", false, &["subnet-pub"], true),
            table("rtb-priv", false, &["subnet-priv"], false),
            table("rtb-main", true, &[], true),
        ]);
        assert_eq!(
            public_subnets(&n).unwrap(),
            vec!["subnet-pub", "subnet-main"]
        );

        let mut eni = interface("eni-1", &["sg-web"]);
        eni.subnet_id = Some("subnet-pub".into());
        n.network_interfaces = Collected::Value(vec![eni, interface("eni-2", &["sg-web"])]);
        let groups = n.security_groups.value().unwrap().clone();
        assert_eq!(
            placement(&n, &groups[0]),
            json!({ "network_interfaces": 2, "in_public_subnets": ["eni-1"] })
        );

        n.route_tables = Collected::NotCollected;
        assert_eq!(
            placement(&n, &groups[0])["public_subnets"]["unknown"],
            "ec2:DescribeRouteTables was not collected"
        );
    }
}
