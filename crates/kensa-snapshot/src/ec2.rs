//! EC2 networking and instances, per region: what NET-1 and NET-2 read,
//! and the instances SVC-2, SVC-4 and MAL-1 judge.
//!
//! Field names follow the EC2 API so that a person can compare a snapshot
//! with `aws ec2 describe-*` output.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::Collected;

pub type Tags = BTreeMap<String, String>;

/// One region's network, each list from its own `ec2:Describe*` call.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Network {
    #[serde(default)]
    pub vpcs: Collected<Vec<Vpc>>,
    #[serde(default)]
    pub subnets: Collected<Vec<Subnet>>,
    #[serde(default)]
    pub route_tables: Collected<Vec<RouteTable>>,
    #[serde(default)]
    pub internet_gateways: Collected<Vec<InternetGateway>>,
    #[serde(default)]
    pub nat_gateways: Collected<Vec<NatGateway>>,
    #[serde(default)]
    pub security_groups: Collected<Vec<SecurityGroup>>,
    #[serde(default)]
    pub network_interfaces: Collected<Vec<NetworkInterface>>,
    #[serde(default)]
    pub network_acls: Collected<Vec<NetworkAcl>>,
    #[serde(default)]
    pub vpc_peering_connections: Collected<Vec<VpcPeeringConnection>>,
    /// Customer managed prefix lists with their entries.
    #[serde(default)]
    pub prefix_lists: Collected<Vec<PrefixList>>,
    /// `ec2:DescribeInstances`: every instance, whatever its state.
    #[serde(default)]
    pub instances: Collected<Vec<Instance>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    #[serde(default)]
    pub cidr_blocks: Vec<String>,
    #[serde(default)]
    pub ipv6_cidr_blocks: Vec<String>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub ipv6_cidr_blocks: Vec<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    /// The VPC's main route table: it serves every subnet with no explicit association.
    #[serde(default)]
    pub main: bool,
    /// Subnets explicitly associated with this table.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    #[serde(default)]
    pub destination_cidr_block: Option<String>,
    #[serde(default)]
    pub destination_ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub destination_prefix_list_id: Option<String>,
    /// `igw-…`, `local`, `vgw-…`...
    #[serde(default)]
    pub gateway_id: Option<String>,
    #[serde(default)]
    pub nat_gateway_id: Option<String>,
    #[serde(default)]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    /// `active` or `blackhole`.
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    /// VPCs it is attached to.
    #[serde(default)]
    pub vpc_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NatGateway {
    pub id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default)]
    pub ingress: Vec<Permission>,
    #[serde(default)]
    pub egress: Vec<Permission>,
}

impl SecurityGroup {
    /// Every VPC has one group named `default`, which cannot be deleted.
    pub fn is_default(&self) -> bool {
        self.name == "default"
    }
}

/// One `IpPermission`: a protocol and port range for several peers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all) or a protocol number.
    pub protocol: String,
    /// `None` or -1: all ports (or, for ICMP, all types).
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    #[serde(default)]
    pub ipv4_ranges: Vec<CidrPeer>,
    #[serde(default)]
    pub ipv6_ranges: Vec<CidrPeer>,
    #[serde(default)]
    pub prefix_list_ids: Vec<PrefixListPeer>,
    #[serde(default)]
    pub groups: Vec<GroupPeer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CidrPeer {
    pub cidr: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixListPeer {
    pub prefix_list_id: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPeer {
    pub group_id: String,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub peering_status: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub group_ids: Vec<String>,
    /// `interface`, `nat_gateway`, `vpc_endpoint`, `load_balancer`...
    #[serde(default)]
    pub interface_type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The instance it is attached to, if any.
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub private_ip_addresses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: String,
    /// The VPC's default ACL, which serves subnets with no other association.
    #[serde(default)]
    pub is_default: bool,
    /// Subnets associated with this ACL.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub entries: Vec<NetworkAclEntry>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAclEntry {
    pub rule_number: i32,
    /// A protocol number as text (`6`, `17`, `-1`), as the API returns it.
    pub protocol: String,
    /// `allow` or `deny`.
    pub rule_action: String,
    pub egress: bool,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub port_from: Option<i32>,
    #[serde(default)]
    pub port_to: Option<i32>,
    #[serde(default)]
    pub icmp_type: Option<i32>,
    #[serde(default)]
    pub icmp_code: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcPeeringConnection {
    pub id: String,
    #[serde(default)]
    pub requester_vpc_id: Option<String>,
    #[serde(default)]
    pub accepter_vpc_id: Option<String>,
    #[serde(default)]
    pub requester_cidr_blocks: Vec<String>,
    #[serde(default)]
    pub accepter_cidr_blocks: Vec<String>,
    /// `active`, `pending-acceptance`, `deleted`...
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixList {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub address_family: Option<String>,
    /// `ec2:GetManagedPrefixListEntries`.
    #[serde(default)]
    pub entries: Collected<Vec<String>>,
}

/// One EC2 instance (`ec2:DescribeInstances`): the machines SVC-2, SVC-4
/// and MAL-1 judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    /// `pending`, `running`, `shutting-down`, `terminated`, `stopping`, `stopped`.
    pub state: String,
    #[serde(default)]
    pub instance_type: Option<String>,
    /// `windows` for Windows instances; absent otherwise (the API's `Platform`).
    #[serde(default)]
    pub platform: Option<String>,
    /// `Linux/UNIX`, `Windows`, `Red Hat Enterprise Linux`... (`PlatformDetails`).
    #[serde(default)]
    pub platform_details: Option<String>,
    #[serde(default)]
    pub image_id: Option<String>,
    #[serde(default)]
    pub launch_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

impl Instance {
    pub fn is_running(&self) -> bool {
        self.state == "running"
    }

    pub fn is_windows(&self) -> bool {
        self.platform
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("windows"))
    }

    /// The `Name` tag.
    pub fn name(&self) -> Option<&str> {
        self.tags.get("Name").map(String::as_str)
    }

    /// The patch group Systems Manager puts the instance in: the value of
    /// its `Patch Group` tag, or of `PatchGroup` (the spelling instance
    /// metadata tags allow), with the tag's key.
    pub fn patch_group(&self) -> Option<(&'static str, &str)> {
        PATCH_GROUP_TAGS
            .iter()
            .find_map(|key| self.tags.get(*key).map(|v| (*key, v.as_str())))
    }
}

/// The tag keys Systems Manager reads an instance's patch group from.
pub const PATCH_GROUP_TAGS: [&str; 2] = ["Patch Group", "PatchGroup"];
