//! NET-2: every subnet's network ACL denies the baseline.

use kensa_net::{Cidr, FlowSet, Peers, nacl_allowed, nacl_explain};
use serde_json::json;

use super::{each_region, pieces, protocol, region_list, subnet_inbound, subnet_resource};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "net-nacl-baseline",
        requirements: &["NET-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Each subnet's network ACL denies the baseline",
            ja: "各サブネットのネットワーク ACL がベースラインを拒否している",
        },
        description: StaticText {
            en: "Evaluates the network ACL actually associated with each subnet (its own, else the \
                 VPC's default) as AWS does: inbound entries in rule-number order, first match wins. \
                 The subnet passes when none of `network.baseline_deny` (by default TCP 22 and 3389 \
                 from 0.0.0.0/0 and ::/0) can get in, whatever later entries allow.",
            ja: "各サブネットに実際に関連付けられたネットワーク ACL (明示的な関連付け、なければ VPC の\
                 デフォルト) を AWS と同じく評価する: インバウンドのエントリをルール番号順に、最初に\
                 一致したものが決める。`network.baseline_deny` (既定は 0.0.0.0/0 と ::/0 からの TCP 22 \
                 と 3389) がどれも通らなければ、後続のエントリが何を許可していても PASS とする。",
        },
        remediation: StaticText {
            en: "Add deny entries for the baseline with rule numbers lower than any allow entry that \
                 covers it (e.g. 100 deny tcp 22 0.0.0.0/0, 110 deny tcp 3389 0.0.0.0/0), or associate \
                 the subnet with an ACL that has them.",
            ja: "ベースラインを覆う許可エントリより小さいルール番号で拒否エントリを追加する (例: 100 \
                 deny tcp 22 0.0.0.0/0、110 deny tcp 3389 0.0.0.0/0)。またはそれを持つ ACL をサブネット\
                 に関連付ける。",
        },
        cis_1_2: &[],
        fsbp: &["EC2.21"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let baseline = ctx
        .config
        .network
        .baseline_deny
        .iter()
        .fold(FlowSet::empty(), |acc, rule| {
            // The config was validated when loaded, so these parse.
            let (Ok(protocol), Ok(cidr)) = (protocol(&rule.protocol), rule.cidr.parse::<Cidr>())
            else {
                return acc;
            };
            rule.ports.ranges().into_iter().fold(acc, |acc, ports| {
                acc.union(&FlowSet::rule(protocol, ports, Peers::cidr(cidr)))
            })
        });
    each_region(ctx, |region, network| {
        let (_, subnets) = region_list(ctx, meta, region, network, "ec2:DescribeSubnets", |n| {
            &n.subnets
        })?;
        let (_, acls) = region_list(ctx, meta, region, network, "ec2:DescribeNetworkAcls", |n| {
            &n.network_acls
        })?;
        let mut findings = Vec::new();
        for subnet in subnets {
            let id = &subnet.id;
            let (acl, entries) = match subnet_inbound(ctx, meta, region, subnet, acls) {
                Ok(found) => found,
                Err(error) => {
                    findings.push(*error);
                    continue;
                }
            };
            let allowed = nacl_allowed(&entries, false);
            let leak = allowed.intersection(&baseline);
            let acl_id = &acl.id;
            let (leak_json, line) = pieces(&leak);
            // The entry that lets a sample of the leak in: what to fix first.
            let culprit = leak.describe().first().and_then(|piece| {
                let port = piece
                    .ports
                    .as_ref()
                    .and_then(|p| p.first())
                    .map_or(0, |p| p.0);
                let addr = piece
                    .ipv4
                    .first()
                    .or(piece.ipv6.first())?
                    .parse::<Cidr>()
                    .ok()?;
                let proto = kensa_net::TCP;
                nacl_explain(&entries, false, proto, port, addr.first_address())
                    .map(|e| e.rule_number)
            });
            let evidence = json!({
                "network_acl": acl_id,
                "associated_explicitly": acl.subnet_ids.contains(id),
                "baseline_allowed_in": leak_json,
                "allowing_rule_number": culprit,
            });
            findings.push(if leak.is_empty() {
                meta.finding(
                    Status::Pass,
                    subnet_resource(ctx, region, subnet),
                    text!(
                        "Subnet {id}: ACL {acl_id} denies the baseline",
                        "サブネット {id}: ACL {acl_id} はベースラインを拒否しています"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Fail,
                    subnet_resource(ctx, region, subnet),
                    text!(
                        "Subnet {id}: ACL {acl_id} lets baseline traffic in: {line}",
                        "サブネット {id}: ACL {acl_id} がベースラインの通信を許可しています: {line}"
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
    use kensa_snapshot::Collected;

    #[test]
    fn denies_before_allow_all_pass_and_the_default_acl_fails() {
        let mut n = network(vec![]);
        n.subnets = Collected::Value(vec![
            subnet("subnet-hard", "10.0.1.0/24", &[]),
            subnet("subnet-open", "10.0.2.0/24", &[]),
        ]);
        n.network_acls = Collected::Value(vec![
            acl(
                "acl-hard",
                false,
                &["subnet-hard"],
                vec![
                    entry(100, "6", Some((22, 22)), "0.0.0.0/0", false),
                    entry(101, "6", Some((22, 22)), "::/0", false),
                    entry(110, "6", Some((3389, 3389)), "0.0.0.0/0", false),
                    entry(111, "6", Some((3389, 3389)), "::/0", false),
                    entry(200, "-1", None, "0.0.0.0/0", true),
                    entry(201, "-1", None, "::/0", true),
                    entry(32767, "-1", None, "0.0.0.0/0", false),
                ],
            ),
            acl("acl-default", true, &[], allow_all_entries()),
        ]);
        let f = crate::iam::fixtures::run_check(&CHECK, &snapshot(n));
        assert_eq!(
            f.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(f[1].evidence["network_acl"], "acl-default");
        assert_eq!(f[1].evidence["allowing_rule_number"], 100);
        assert!(
            f[1].message.en.contains("tcp ports 22, 3389: 0.0.0.0/0"),
            "{}",
            f[1].message.en
        );
    }

    #[test]
    fn a_deny_after_the_allow_does_not_count() {
        let mut n = network(vec![]);
        n.subnets = Collected::Value(vec![subnet("subnet-1", "10.0.1.0/24", &[])]);
        n.network_acls = Collected::Value(vec![acl(
            "acl-late",
            false,
            &["subnet-1"],
            vec![
                entry(100, "-1", None, "0.0.0.0/0", true),
                entry(200, "6", Some((22, 22)), "0.0.0.0/0", false),
            ],
        )]);
        assert_eq!(
            crate::iam::fixtures::run_check(&CHECK, &snapshot(n))[0].status,
            Status::Fail
        );
    }
}
