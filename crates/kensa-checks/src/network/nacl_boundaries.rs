//! NET-2: network ACLs enforce the declared subnet boundaries.

use kensa_net::{Cidr, FlowSet, Peers, Protocol, nacl_allowed};
use kensa_snapshot::ec2::Subnet;
use serde_json::json;

use super::config::SubnetBoundary;
use super::endpoint::Endpoint;
use super::{each_region, pieces, protocol, region_list, subnet_inbound, subnet_resource};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "net-nacl-subnet-boundaries",
        requirements: &["NET-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Network ACLs enforce the declared subnet boundaries",
            ja: "ネットワーク ACL が宣言されたサブネット境界を守っている",
        },
        description: StaticText {
            en: "For each boundary declared in `[[network.subnet_boundaries]]`, evaluates the ACL of \
                 every subnet it covers and fails the subnet when its inbound entries let in anything \
                 the boundary does not allow. Return traffic on `network.ephemeral_ports` is not \
                 counted, since a stateless ACL must admit it. A subnet on the default allow-all ACL \
                 fails any boundary. With no boundary declared the requirement does not apply.",
            ja: "`[[network.subnet_boundaries]]` で宣言された各境界について、対象の全サブネットの ACL \
                 を評価し、境界が許可していない通信をインバウンドで通すサブネットを FAIL とする。\
                 ステートレスな ACL は戻りの通信を通す必要があるため、`network.ephemeral_ports` への\
                 戻り通信は数えない。デフォルトの全許可 ACL のサブネットはどの境界でも FAIL となる。\
                 境界が宣言されていなければ対象外。",
        },
        remediation: StaticText {
            en: "Give the subnets a dedicated ACL: allow entries for what the boundary lists and for \
                 return traffic, then deny the rest.",
            ja: "対象サブネットに専用の ACL を付け、境界が許可する通信と戻り通信を許可し、それ以外を\
                 拒否する。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

/// The peers an allow entry names: CIDRs, the internet, or the address
/// ranges of the subnets it selects.
fn allow_peers(from: &Endpoint, subnets: &[Subnet]) -> Peers {
    let cidr_peers = |text: &str| {
        text.parse::<Cidr>()
            .map(Peers::cidr)
            .unwrap_or_else(|_| Peers::none())
    };
    match from {
        Endpoint::Internet => Peers::internet(),
        Endpoint::Cidr(c) => cidr_peers(c),
        Endpoint::Subnet(_) | Endpoint::Tag(..) => subnets
            .iter()
            .filter(|s| from.selects_subnet(s))
            .flat_map(|s| s.cidr_block.iter().chain(&s.ipv6_cidr_blocks))
            .fold(Peers::none(), |acc, c| acc.union(&cidr_peers(c))),
        _ => Peers::none(),
    }
}

fn allowed_by(boundary: &SubnetBoundary, subnets: &[Subnet], ctx: &Context<'_>) -> FlowSet {
    let mut flows = FlowSet::empty();
    for allow in &boundary.allow {
        // Validated with the config.
        let Ok(protocol) = protocol(&allow.protocol) else {
            continue;
        };
        let peers = allow_peers(&allow.from, subnets);
        for ports in allow.ports.ranges() {
            flows = flows.union(&FlowSet::rule(protocol, ports, peers.clone()));
        }
    }
    for ports in ctx.config.network.ephemeral_ports.ranges() {
        for proto in [kensa_net::TCP, kensa_net::UDP] {
            flows = flows.union(&FlowSet::rule(
                Protocol::Number(proto),
                ports,
                Peers::internet(),
            ));
        }
    }
    flows
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let boundaries = &ctx.config.network.subnet_boundaries;
    if boundaries.is_empty() {
        return vec![meta.finding(
            Status::NotApplicable,
            ctx.account_resource("AWS::::Account", "network"),
            text!(
                "No subnet boundary is declared in kensa.toml ([[network.subnet_boundaries]])",
                "kensa.toml にサブネット境界 ([[network.subnet_boundaries]]) が宣言されていません"
            ),
            json!({ "subnet_boundaries": [] }),
        )];
    }
    each_region(ctx, |region, network| {
        let (_, subnets) = region_list(ctx, meta, region, network, "ec2:DescribeSubnets", |n| {
            &n.subnets
        })?;
        let (_, acls) = region_list(ctx, meta, region, network, "ec2:DescribeNetworkAcls", |n| {
            &n.network_acls
        })?;
        let mut findings = Vec::new();
        for boundary in boundaries {
            let permitted = allowed_by(boundary, subnets, ctx);
            let boundary_name = &boundary.name;
            for subnet in subnets
                .iter()
                .filter(|s| boundary.subnets.selects_subnet(s))
            {
                let id = &subnet.id;
                let (acl, entries) = match subnet_inbound(ctx, meta, region, subnet, acls) {
                    Ok(found) => found,
                    Err(error) => {
                        findings.push(*error);
                        continue;
                    }
                };
                let undeclared = nacl_allowed(&entries, false).difference(&permitted);
                let acl_id = &acl.id;
                let (undeclared_json, line) = pieces(&undeclared);
                let evidence = json!({
                    "boundary": boundary_name,
                    "reason": boundary.reason,
                    "network_acl": acl_id,
                    "undeclared_inbound": undeclared_json,
                });
                findings.push(if undeclared.is_empty() {
                    meta.finding(
                        Status::Pass,
                        subnet_resource(ctx, region, subnet),
                        text!(
                            "Subnet {id}: ACL {acl_id} enforces boundary `{boundary_name}`",
                            "サブネット {id}: ACL {acl_id} は境界 `{boundary_name}` を守っています"
                        ),
                        evidence,
                    )
                } else {
                    meta.finding(
                        Status::Fail,
                        subnet_resource(ctx, region, subnet),
                        text!(
                            "Subnet {id}: ACL {acl_id} lets in traffic boundary `{boundary_name}` does not allow: {line}",
                            "サブネット {id}: ACL {acl_id} が境界 `{boundary_name}` で許可されていない通信を通します: {line}"
                        ),
                        evidence,
                    )
                });
            }
        }
        Ok(findings)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::network::config::BoundaryAllow;
    use crate::network::fixtures::*;
    use crate::network::ports::PortSpec;
    use kensa_snapshot::Collected;

    #[test]
    fn an_allow_all_acl_fails_a_boundary_and_a_tight_one_passes() {
        let mut n = network(vec![]);
        n.subnets = Collected::Value(vec![
            subnet("subnet-app", "10.0.10.0/24", &[("Tier", "app")]),
            subnet("subnet-db1", "10.0.20.0/24", &[("Tier", "db")]),
            subnet("subnet-db2", "10.0.21.0/24", &[("Tier", "db")]),
        ]);
        n.network_acls = Collected::Value(vec![
            acl(
                "acl-db",
                false,
                &["subnet-db1"],
                vec![
                    entry(100, "6", Some((5432, 5432)), "10.0.10.0/24", true),
                    entry(110, "6", Some((1024, 65535)), "0.0.0.0/0", true),
                    entry(32767, "-1", None, "0.0.0.0/0", false),
                ],
            ),
            acl("acl-default", true, &[], allow_all_entries()),
        ]);
        let mut config = Config::default();
        config.network.subnet_boundaries = vec![SubnetBoundary {
            name: "db tier".into(),
            subnets: "tag:Tier=db".to_owned().try_into().unwrap(),
            allow: vec![BoundaryAllow {
                from: "tag:Tier=app".to_owned().try_into().unwrap(),
                protocol: "tcp".into(),
                ports: PortSpec::parse("5432").unwrap(),
            }],
            reason: "databases only from the app tier".into(),
        }];
        let f = crate::iam::fixtures::run_with(&CHECK, &snapshot(n), &config);
        assert_eq!(
            f.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(f[1].evidence["network_acl"], "acl-default");
    }

    #[test]
    fn without_boundaries_it_does_not_apply() {
        let f = crate::iam::fixtures::run_check(&CHECK, &snapshot(network(vec![])));
        assert_eq!(f[0].status, Status::NotApplicable);
    }
}
