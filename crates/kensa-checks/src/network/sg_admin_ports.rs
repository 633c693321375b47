//! NET-1: administrative ports are not reachable from the internet, unless
//! the flow matrix declares it.

use kensa_net::{FlowSet, Protocol};
use serde_json::json;

use super::{
    FlowMatrix, PrefixLists, each_region, group_flows, group_resource, pieces, region_list,
    unreadable_rule,
};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "net-sg-admin-ports-from-internet",
        requirements: &["NET-1"],
        severity: Severity::High,
        title: StaticText {
            en: "No security group opens administrative ports to the internet",
            ja: "管理用ポートをインターネットに開放しているセキュリティグループがない",
        },
        description: StaticText {
            en: "Fails a group when any internet address (any public IPv4 or IPv6 address: not \
                 private (RFC 1918, fc00::/7) and not in the group's VPC) can reach one of `network.admin_ports` (22 and 3389) over TCP, \
                 computed exactly from all its rules, so that splitting 0.0.0.0/0 into smaller \
                 blocks does not hide it. A flow declared in the flow matrix with its reason passes. \
                 The evidence lists the group's network interfaces and which of them sit in public \
                 subnets (a route to an internet gateway).",
            ja: "インターネット上のアドレス (プライベート (RFC 1918、fc00::/7) でも VPC 内でもない IPv4/IPv6 アドレス) から \
                 `network.admin_ports` (22 と 3389) に TCP で到達できるグループを FAIL とする。全\
                 ルールから正確に計算するため、0.0.0.0/0 を小さなブロックに分けても見逃さない。\
                 通信要件表に理由付きで宣言された通信は PASS とする。証跡にはグループのネットワーク\
                 インターフェースと、そのうちパブリックサブネット (インターネットゲートウェイへの\
                 ルートあり) にあるものを示す。",
        },
        remediation: StaticText {
            en: "Remove the rule, and reach instances through Systems Manager Session Manager or a \
                 VPN; if the system truly needs it, declare the flow with its reason.",
            ja: "ルールを削除し、Systems Manager Session Manager や VPN 経由で接続する。システムに\
                 本当に必要な場合は理由とともに通信を宣言する。",
        },
        cis_1_2: &["4.1", "4.2"],
        fsbp: &["EC2.13", "EC2.53", "EC2.54"],
        pci_dss: &["PCI.EC2.5"],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let config = &ctx.config.network;
    let tcp = Protocol::Number(kensa_net::TCP);
    each_region(ctx, |region, network| {
        let (network, groups) = region_list(
            ctx,
            meta,
            region,
            network,
            "ec2:DescribeSecurityGroups",
            |n| &n.security_groups,
        )?;
        let mut findings = Vec::new();
        let lists = PrefixLists(&network.prefix_lists);
        let matrix = FlowMatrix::resolve(config, groups, lists);
        for group in groups {
            let name = format!("{} ({})", group.name, group.id);
            let ingress = group_flows(group, false, lists);
            let declared = matrix.declared_for(group, false);
            let (ingress, declared) = match (ingress, declared) {
                (Ok(i), Ok((d, _))) => (i, d),
                (Err(e), _) | (_, Err(e)) => {
                    findings.push(unreadable_rule(ctx, meta, region, group, &e));
                    continue;
                }
            };
            let outside = super::public_peers(network, group.vpc_id.as_deref());
            let admin = config.admin_ports.iter().fold(FlowSet::empty(), |acc, p| {
                acc.union(&FlowSet::rule(tcp, Some((*p, *p)), outside.clone()))
            });
            let exposed = ingress.intersection(&admin);
            let undeclared = exposed.difference(&declared);
            let (exposed_json, _) = pieces(&exposed);
            let (undeclared_json, _) = pieces(&undeclared);
            // People read the sources as their rules wrote them (0.0.0.0/0),
            // not as the exact public remainder, which the evidence keeps.
            let every_peer = config.admin_ports.iter().fold(FlowSet::empty(), |acc, p| {
                acc.union(&FlowSet::rule(
                    tcp,
                    Some((*p, *p)),
                    kensa_net::Peers::internet(),
                ))
            });
            let (_, line) = pieces(&ingress.intersection(&every_peer).difference(&declared));
            let evidence = json!({
                "admin_ports": config.admin_ports,
                "exposed": exposed_json,
                "undeclared": undeclared_json,
                "placement": super::placement(network, group),
            });
            findings.push(if !undeclared.is_empty() {
                meta.finding(
                    Status::Fail,
                    group_resource(ctx, region, group),
                    text!(
                        "Security group {name} opens administrative ports to the internet: {line}",
                        "セキュリティグループ {name} が管理用ポートをインターネットに開放しています: {line}"
                    ),
                    evidence,
                )
            } else if !exposed.is_empty() {
                meta.finding(
                    Status::Pass,
                    group_resource(ctx, region, group),
                    text!(
                        "Security group {name} opens administrative ports to the internet only as declared in the flow matrix",
                        "セキュリティグループ {name} の管理用ポートのインターネット公開は通信要件表で宣言されたもののみです"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Pass,
                    group_resource(ctx, region, group),
                    text!(
                        "Security group {name} opens no administrative port to the internet",
                        "セキュリティグループ {name} は管理用ポートをインターネットに開放していません"
                    ),
                    evidence,
                )
            });
        }
        Ok(findings)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::fixtures::*;

    #[test]
    fn split_blocks_do_not_hide_internet_ssh() {
        let s = snapshot(network(vec![
            group(
                "sg-a",
                "split",
                vec![
                    tcp_from_cidr(22, "0.0.0.0/1"),
                    tcp_from_cidr(22, "128.0.0.0/1"),
                ],
            ),
            group("sg-b", "vpc-only", vec![tcp_from_cidr(22, "10.0.0.0/16")]),
            group("sg-c", "v6", vec![tcp_from_cidr(3389, "::/0")]),
        ]));
        let f = crate::iam::fixtures::run_check(&CHECK, &s);
        assert_eq!(
            f.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Fail, Status::Pass, Status::Fail]
        );
        assert_eq!(
            f[0].message.en,
            "Security group split (sg-a) opens administrative ports to the internet: tcp port 22: 0.0.0.0/0"
        );
        assert_eq!(f[0].evidence["undeclared"][0]["ipv4"][0], "0.0.0.0/5");
    }

    fn ssh_from_list(entries: kensa_snapshot::Collected<Vec<String>>) -> Finding {
        use kensa_snapshot::ec2::{PrefixList, PrefixListPeer};
        let mut rule = tcp_from_cidr(22, "10.0.0.0/16");
        rule.ipv4_ranges.clear();
        rule.prefix_list_ids = vec![PrefixListPeer {
            prefix_list_id: "pl-1".into(),
            description: None,
        }];
        let mut n = network(vec![group("sg-pl", "via-list", vec![rule])]);
        n.prefix_lists = kensa_snapshot::Collected::Value(vec![PrefixList {
            id: "pl-1".into(),
            name: "office".into(),
            address_family: Some("IPv4".into()),
            entries,
        }]);
        crate::iam::fixtures::run_check(&CHECK, &snapshot(n)).remove(0)
    }

    /// A customer list holding 0.0.0.0/0 is the internet, not a name.
    #[test]
    fn prefix_lists_are_expanded_and_unreadable_ones_are_errors() {
        use kensa_snapshot::Collected;
        let f = ssh_from_list(Collected::Value(vec!["0.0.0.0/0".into()]));
        assert_eq!(f.status, Status::Fail, "{}", f.message.en);
        let f = ssh_from_list(Collected::Value(vec!["203.0.113.0/24".into()]));
        assert_eq!(
            f.status,
            Status::Fail,
            "a public office range is still the internet"
        );
        let f = ssh_from_list(Collected::Value(vec!["10.0.5.0/24".into()]));
        assert_eq!(f.status, Status::Pass);
        let f = ssh_from_list(Collected::Error(kensa_snapshot::CallError {
            service: "ec2".into(),
            operation: "GetManagedPrefixListEntries".into(),
            region: Some(REGION.into()),
            resource: Some("pl-1".into()),
            code: "UnauthorizedOperation".into(),
            message: "denied".into(),
        }));
        assert_eq!(f.status, Status::Error);
        assert!(
            f.message
                .en
                .contains("ec2:GetManagedPrefixListEntries failed"),
            "{}",
            f.message.en
        );
    }
}
