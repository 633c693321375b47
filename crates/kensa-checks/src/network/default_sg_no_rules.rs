//! NET-1: default security groups have no rules.

use serde_json::json;

use super::{
    PrefixLists, each_region, group_flows, group_resource, pieces, region_list, unreadable_rule,
};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "net-default-sg-no-rules",
        requirements: &["NET-1"],
        severity: Severity::High,
        title: StaticText {
            en: "Default security groups allow nothing",
            ja: "デフォルトのセキュリティグループが何も許可していない",
        },
        description: StaticText {
            en: "Every VPC's `default` group is attached to anything launched without a group. With \
                 rules it allows flows nobody declared, so it must have no inbound and no outbound rule.",
            ja: "各 VPC の `default` グループは、グループを指定せずに起動したリソースに付く。ルールが\
                 あると誰も宣言していない通信を許可するため、インバウンドもアウトバウンドもルールを\
                 持たないこと。",
        },
        remediation: StaticText {
            en: "Remove every rule of the default group and give each resource a purpose-made group.",
            ja: "デフォルトグループのルールをすべて削除し、各リソースには専用のグループを付ける。",
        },
        cis_1_2: &["4.3"],
        fsbp: &["EC2.2"],
        pci_dss: &["PCI.EC2.2"],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
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
        for group in groups.iter().filter(|g| g.is_default()) {
            let id = &group.id;
            let vpc = group.vpc_id.as_deref().unwrap_or("-");
            let lists = PrefixLists(&network.prefix_lists);
            let flows = |egress| group_flows(group, egress, lists);
            let (ingress, egress) = match (flows(false), flows(true)) {
                (Ok(i), Ok(e)) => (i, e),
                (Err(e), _) | (_, Err(e)) => {
                    findings.push(unreadable_rule(ctx, meta, region, group, &e));
                    continue;
                }
            };
            let (ingress_json, _) = pieces(&ingress);
            let (egress_json, _) = pieces(&egress);
            let evidence = json!({ "vpc": vpc, "ingress": ingress_json, "egress": egress_json });
            let count = group.ingress.len() + group.egress.len();
            findings.push(if count == 0 {
                meta.finding(
                    Status::Pass,
                    group_resource(ctx, region, group),
                    text!(
                        "Default group {id} of {vpc} has no rules",
                        "{vpc} のデフォルトグループ {id} にルールはありません"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Fail,
                    group_resource(ctx, region, group),
                    text!(
                        "Default group {id} of {vpc} has {count} rule(s)",
                        "{vpc} のデフォルトグループ {id} に {count} 件のルールがあります"
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
    fn default_groups_with_rules_fail() {
        let mut with_egress = group("sg-d2", "default", vec![]);
        with_egress.egress = vec![all_traffic_to("0.0.0.0/0")];
        let s = snapshot(network(vec![
            group("sg-d1", "default", vec![]),
            with_egress,
            group("sg-x", "web", vec![tcp_from_cidr(443, "0.0.0.0/0")]),
        ]));
        let f = crate::iam::fixtures::run_check(&CHECK, &s);
        assert_eq!(
            f.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(
            f[1].message.en,
            "Default group sg-d2 of vpc-1 has 1 rule(s)"
        );
        assert_eq!(f[1].resource.kind, "AWS::EC2::SecurityGroup");
        assert_eq!(
            f[1].resource.arn.as_deref(),
            Some("arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-d2")
        );
    }
}
