//! EC2 networking, one region at a time: the data NET-1 and NET-2 decide on.

use aws_config::{Region, SdkConfig};
use aws_sdk_ec2::types;
use futures::future::join_all;
use futures::join;
use kensa_snapshot::ec2::{
    CidrPeer, GroupPeer, Instance, InternetGateway, NatGateway, Network, NetworkAcl,
    NetworkAclEntry, NetworkInterface, Permission, PrefixList, PrefixListPeer, Route, RouteTable,
    SecurityGroup, Subnet, Tags, Vpc, VpcPeeringConnection,
};
use kensa_snapshot::{CallError, Collected};

use crate::call::{Call, Caller, to_chrono};
use crate::instances::RegionInstances;

/// An EC2 client for one region, sharing the one SDK configuration (and so
/// its credentials, endpoint, retry and timeout policy).
pub(crate) fn client(sdk: &SdkConfig, region: &str) -> aws_sdk_ec2::Client {
    let config = aws_sdk_ec2::config::Builder::from(sdk)
        .region(Region::new(region.to_owned()))
        .build();
    aws_sdk_ec2::Client::from_conf(config)
}

fn tags(tags: Option<Vec<types::Tag>>) -> Tags {
    tags.unwrap_or_default()
        .into_iter()
        .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
        .collect()
}

/// Every list of one region's network, read concurrently.
pub(crate) async fn collect(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
    region_instances: &RegionInstances<'_>,
) -> Network {
    let (
        vpcs,
        subnets,
        route_tables,
        internet_gateways,
        nat_gateways,
        security_groups,
        network_interfaces,
        network_acls,
        vpc_peering_connections,
        prefix_lists,
        instances,
    ) = join!(
        vpcs(caller, ec2, region),
        subnets(caller, ec2, region),
        route_tables(caller, ec2, region),
        internet_gateways(caller, ec2, region),
        nat_gateways(caller, ec2, region),
        security_groups(caller, ec2, region),
        network_interfaces(caller, ec2, region),
        network_acls(caller, ec2, region),
        vpc_peering_connections(caller, ec2, region),
        prefix_lists(caller, ec2, region),
        instances(region_instances),
    );
    Network {
        vpcs: vpcs.into(),
        subnets: subnets.into(),
        route_tables: route_tables.into(),
        internet_gateways: internet_gateways.into(),
        nat_gateways: nat_gateways.into(),
        security_groups: security_groups.into(),
        network_interfaces: network_interfaces.into(),
        network_acls: network_acls.into(),
        vpc_peering_connections: vpc_peering_connections.into(),
        prefix_lists: prefix_lists.into(),
        instances: instances.into(),
    }
}
async fn instances(region_instances: &RegionInstances<'_>) -> Result<Vec<Instance>, CallError> {
    let mut out: Vec<Instance> = region_instances
        .get()
        .await?
        .iter()
        .filter_map(|i| {
            Some(Instance {
                id: i.instance_id.clone()?,
                state: i
                    .state
                    .as_ref()
                    .and_then(|s| s.name.as_ref())
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_default(),
                instance_type: i.instance_type.as_ref().map(|t| t.as_str().to_owned()),
                platform: i.platform.as_ref().map(|p| p.as_str().to_owned()),
                platform_details: i.platform_details.clone(),
                image_id: i.image_id.clone(),
                launch_time: i.launch_time.as_ref().map(to_chrono),
                vpc_id: i.vpc_id.clone(),
                subnet_id: i.subnet_id.clone(),
                tags: tags(i.tags.clone()),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn vpcs(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<Vec<Vpc>, CallError> {
    let call = Call::regional("ec2", "DescribeVpcs", region);
    let pages = caller
        .all_pages(&call, ec2.describe_vpcs().into_paginator().send())
        .await?;
    let mut out: Vec<Vpc> = pages
        .into_iter()
        .flat_map(|p| p.vpcs.unwrap_or_default())
        .filter_map(|v| {
            let mut cidr_blocks: Vec<String> = v
                .cidr_block_association_set
                .unwrap_or_default()
                .into_iter()
                .filter_map(|a| a.cidr_block)
                .collect();
            if cidr_blocks.is_empty() {
                cidr_blocks.extend(v.cidr_block);
            }
            Some(Vpc {
                id: v.vpc_id?,
                cidr_blocks,
                ipv6_cidr_blocks: v
                    .ipv6_cidr_block_association_set
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|a| a.ipv6_cidr_block)
                    .collect(),
                is_default: v.is_default.unwrap_or(false),
                tags: tags(v.tags),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn subnets(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<Vec<Subnet>, CallError> {
    let call = Call::regional("ec2", "DescribeSubnets", region);
    let pages = caller
        .all_pages(&call, ec2.describe_subnets().into_paginator().send())
        .await?;
    let mut out: Vec<Subnet> = pages
        .into_iter()
        .flat_map(|p| p.subnets.unwrap_or_default())
        .filter_map(|s| {
            Some(Subnet {
                id: s.subnet_id?,
                vpc_id: s.vpc_id?,
                cidr_block: s.cidr_block,
                ipv6_cidr_blocks: s
                    .ipv6_cidr_block_association_set
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|a| a.ipv6_cidr_block)
                    .collect(),
                availability_zone: s.availability_zone,
                map_public_ip_on_launch: s.map_public_ip_on_launch.unwrap_or(false),
                tags: tags(s.tags),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn route_tables(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<Vec<RouteTable>, CallError> {
    let call = Call::regional("ec2", "DescribeRouteTables", region);
    let pages = caller
        .all_pages(&call, ec2.describe_route_tables().into_paginator().send())
        .await?;
    let mut out: Vec<RouteTable> = pages
        .into_iter()
        .flat_map(|p| p.route_tables.unwrap_or_default())
        .filter_map(|t| {
            let associations = t.associations.unwrap_or_default();
            let mut subnet_ids: Vec<String> = associations
                .iter()
                .filter_map(|a| a.subnet_id.clone())
                .collect();
            subnet_ids.sort();
            Some(RouteTable {
                id: t.route_table_id?,
                vpc_id: t.vpc_id?,
                main: associations.iter().any(|a| a.main.unwrap_or(false)),
                subnet_ids,
                routes: t
                    .routes
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| Route {
                        destination_cidr_block: r.destination_cidr_block,
                        destination_ipv6_cidr_block: r.destination_ipv6_cidr_block,
                        destination_prefix_list_id: r.destination_prefix_list_id,
                        gateway_id: r.gateway_id,
                        nat_gateway_id: r.nat_gateway_id,
                        vpc_peering_connection_id: r.vpc_peering_connection_id,
                        transit_gateway_id: r.transit_gateway_id,
                        state: r.state.map(|s| s.as_str().to_owned()),
                    })
                    .collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn internet_gateways(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<Vec<InternetGateway>, CallError> {
    let call = Call::regional("ec2", "DescribeInternetGateways", region);
    let pages = caller
        .all_pages(
            &call,
            ec2.describe_internet_gateways().into_paginator().send(),
        )
        .await?;
    let mut out: Vec<InternetGateway> = pages
        .into_iter()
        .flat_map(|p| p.internet_gateways.unwrap_or_default())
        .filter_map(|g| {
            Some(InternetGateway {
                id: g.internet_gateway_id?,
                vpc_ids: g
                    .attachments
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|a| a.vpc_id)
                    .collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn nat_gateways(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<Vec<NatGateway>, CallError> {
    let call = Call::regional("ec2", "DescribeNatGateways", region);
    let pages = caller
        .all_pages(&call, ec2.describe_nat_gateways().into_paginator().send())
        .await?;
    let mut out: Vec<NatGateway> = pages
        .into_iter()
        .flat_map(|p| p.nat_gateways.unwrap_or_default())
        .filter_map(|g| {
            Some(NatGateway {
                id: g.nat_gateway_id?,
                vpc_id: g.vpc_id?,
                subnet_id: g.subnet_id?,
                state: g.state.map(|s| s.as_str().to_owned()),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

fn permission(p: types::IpPermission) -> Permission {
    Permission {
        protocol: p.ip_protocol.unwrap_or_else(|| "-1".to_owned()),
        from_port: p.from_port,
        to_port: p.to_port,
        ipv4_ranges: p
            .ip_ranges
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| {
                Some(CidrPeer {
                    cidr: r.cidr_ip?,
                    description: r.description,
                })
            })
            .collect(),
        ipv6_ranges: p
            .ipv6_ranges
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| {
                Some(CidrPeer {
                    cidr: r.cidr_ipv6?,
                    description: r.description,
                })
            })
            .collect(),
        prefix_list_ids: p
            .prefix_list_ids
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| {
                Some(PrefixListPeer {
                    prefix_list_id: r.prefix_list_id?,
                    description: r.description,
                })
            })
            .collect(),
        groups: p
            .user_id_group_pairs
            .unwrap_or_default()
            .into_iter()
            .filter_map(|g| {
                Some(GroupPeer {
                    group_id: g.group_id?,
                    user_id: g.user_id,
                    vpc_id: g.vpc_id,
                    peering_status: g.peering_status,
                    description: g.description,
                })
            })
            .collect(),
    }
}

async fn security_groups(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<Vec<SecurityGroup>, CallError> {
    let call = Call::regional("ec2", "DescribeSecurityGroups", region);
    let pages = caller
        .all_pages(
            &call,
            ec2.describe_security_groups().into_paginator().send(),
        )
        .await?;
    let mut out: Vec<SecurityGroup> = pages
        .into_iter()
        .flat_map(|p| p.security_groups.unwrap_or_default())
        .filter_map(|g| {
            Some(SecurityGroup {
                id: g.group_id?,
                name: g.group_name.unwrap_or_default(),
                description: g.description.unwrap_or_default(),
                vpc_id: g.vpc_id,
                owner_id: g.owner_id,
                tags: tags(g.tags),
                ingress: g
                    .ip_permissions
                    .unwrap_or_default()
                    .into_iter()
                    .map(permission)
                    .collect(),
                egress: g
                    .ip_permissions_egress
                    .unwrap_or_default()
                    .into_iter()
                    .map(permission)
                    .collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn network_interfaces(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<Vec<NetworkInterface>, CallError> {
    let call = Call::regional("ec2", "DescribeNetworkInterfaces", region);
    let pages = caller
        .all_pages(
            &call,
            ec2.describe_network_interfaces().into_paginator().send(),
        )
        .await?;
    let mut out: Vec<NetworkInterface> = pages
        .into_iter()
        .flat_map(|p| p.network_interfaces.unwrap_or_default())
        .filter_map(|n| {
            Some(NetworkInterface {
                id: n.network_interface_id?,
                vpc_id: n.vpc_id,
                subnet_id: n.subnet_id,
                group_ids: n
                    .groups
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|g| g.group_id)
                    .collect(),
                interface_type: n.interface_type.map(|t| t.as_str().to_owned()),
                description: n.description,
                instance_id: n.attachment.and_then(|a| a.instance_id),
                private_ip_addresses: n
                    .private_ip_addresses
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|a| a.private_ip_address)
                    .collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn network_acls(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<Vec<NetworkAcl>, CallError> {
    let call = Call::regional("ec2", "DescribeNetworkAcls", region);
    let pages = caller
        .all_pages(&call, ec2.describe_network_acls().into_paginator().send())
        .await?;
    let mut out: Vec<NetworkAcl> = pages
        .into_iter()
        .flat_map(|p| p.network_acls.unwrap_or_default())
        .filter_map(|a| {
            let mut subnet_ids: Vec<String> = a
                .associations
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| s.subnet_id)
                .collect();
            subnet_ids.sort();
            let mut entries: Vec<NetworkAclEntry> = a
                .entries
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| {
                    Some(NetworkAclEntry {
                        rule_number: e.rule_number?,
                        protocol: e.protocol.unwrap_or_else(|| "-1".to_owned()),
                        rule_action: e.rule_action.map(|r| r.as_str().to_owned())?,
                        egress: e.egress.unwrap_or(false),
                        cidr_block: e.cidr_block,
                        ipv6_cidr_block: e.ipv6_cidr_block,
                        port_from: e.port_range.as_ref().and_then(|p| p.from),
                        port_to: e.port_range.as_ref().and_then(|p| p.to),
                        icmp_type: e.icmp_type_code.as_ref().and_then(|c| c.r#type),
                        icmp_code: e.icmp_type_code.as_ref().and_then(|c| c.code),
                    })
                })
                .collect();
            entries.sort_by_key(|e| (e.egress, e.rule_number));
            Some(NetworkAcl {
                id: a.network_acl_id?,
                vpc_id: a.vpc_id?,
                is_default: a.is_default.unwrap_or(false),
                subnet_ids,
                entries,
                tags: tags(a.tags),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn vpc_peering_connections(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<Vec<VpcPeeringConnection>, CallError> {
    let call = Call::regional("ec2", "DescribeVpcPeeringConnections", region);
    let pages = caller
        .all_pages(
            &call,
            ec2.describe_vpc_peering_connections()
                .into_paginator()
                .send(),
        )
        .await?;
    let cidrs = |info: Option<&types::VpcPeeringConnectionVpcInfo>| -> Vec<String> {
        let Some(info) = info else { return Vec::new() };
        let mut out: Vec<String> = info
            .cidr_block_set
            .iter()
            .flatten()
            .filter_map(|c| c.cidr_block.clone())
            .collect();
        if out.is_empty() {
            out.extend(info.cidr_block.clone());
        }
        out
    };
    let mut out: Vec<VpcPeeringConnection> = pages
        .into_iter()
        .flat_map(|p| p.vpc_peering_connections.unwrap_or_default())
        .filter_map(|c| {
            Some(VpcPeeringConnection {
                requester_vpc_id: c.requester_vpc_info.as_ref().and_then(|i| i.vpc_id.clone()),
                accepter_vpc_id: c.accepter_vpc_info.as_ref().and_then(|i| i.vpc_id.clone()),
                requester_cidr_blocks: cidrs(c.requester_vpc_info.as_ref()),
                accepter_cidr_blocks: cidrs(c.accepter_vpc_info.as_ref()),
                status: c.status.and_then(|s| s.code).map(|s| s.as_str().to_owned()),
                id: c.vpc_peering_connection_id?,
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// Customer managed prefix lists with their entries. AWS-managed lists
/// (S3, DynamoDB...) are kept by ID only: rules naming them are AWS-service
/// flows, declared as such, not address ranges to expand.
async fn prefix_lists(
    caller: &Caller,
    ec2: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<Vec<PrefixList>, CallError> {
    let call = Call::regional("ec2", "DescribeManagedPrefixLists", region);
    let pages = caller
        .all_pages(
            &call,
            ec2.describe_managed_prefix_lists().into_paginator().send(),
        )
        .await?;
    let lists: Vec<types::ManagedPrefixList> = pages
        .into_iter()
        .flat_map(|p| p.prefix_lists.unwrap_or_default())
        .collect();
    let mut out = join_all(lists.into_iter().filter_map(|list| {
        let id = list.prefix_list_id?;
        let name = list.prefix_list_name.unwrap_or_default();
        let aws_managed = list.owner_id.as_deref() == Some("AWS");
        Some(async move {
            let entries = if aws_managed {
                Collected::NotCollected
            } else {
                let call =
                    Call::regional("ec2", "GetManagedPrefixListEntries", region).on(id.clone());
                let pages = caller
                    .all_pages(
                        &call,
                        ec2.get_managed_prefix_list_entries()
                            .prefix_list_id(&id)
                            .into_paginator()
                            .send(),
                    )
                    .await;
                pages
                    .map(|pages| {
                        pages
                            .into_iter()
                            .flat_map(|p| p.entries.unwrap_or_default())
                            .filter_map(|e| e.cidr)
                            .collect()
                    })
                    .into()
            };
            PrefixList {
                id,
                name,
                address_family: list.address_family,
                entries,
            }
        })
    }))
    .await;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}
