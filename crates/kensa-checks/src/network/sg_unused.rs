//! NET-1: no security group is left unused.

use serde_json::json;

use super::{each_region, group_resource, region_list};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "net-sg-unused",
        requirements: &["NET-1"],
        severity: Severity::Low,
        title: StaticText {
            en: "No security group is left unused",
            ja: "使われていないセキュリティグループがない",
        },
        description: StaticText {
            en: "A group attached to no network interface protects nothing, and its rules are a \
                 flow matrix nobody reviews; the next resource to use it inherits them. Default \
                 groups cannot be deleted and are judged by net-default-sg-no-rules instead.",
            ja: "どのネットワークインターフェースにも付いていないグループは何も保護しておらず、そのルールは\
                 誰も見直さない通信許可となり、次に使うリソースがそれを引き継ぐ。デフォルトグループは\
                 削除できないため net-default-sg-no-rules で判定する。",
        },
        remediation: StaticText {
            en: "Delete the group (`aws ec2 delete-security-group --group-id ID`) after checking no \
                 template or launch configuration still names it.",
            ja: "テンプレートや起動設定が参照していないことを確認してからグループを削除する \
                 (`aws ec2 delete-security-group --group-id ID`)。",
        },
        cis_1_2: &[],
        fsbp: &["EC2.22"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_region(ctx, |region, network| {
        let (_, groups) = region_list(
            ctx,
            meta,
            region,
            network,
            "ec2:DescribeSecurityGroups",
            |n| &n.security_groups,
        )?;
        let (_, interfaces) = region_list(
            ctx,
            meta,
            region,
            network,
            "ec2:DescribeNetworkInterfaces",
            |n| &n.network_interfaces,
        )?;
        let mut findings = Vec::new();
        // Group → interfaces, built once: a scan per group is quadratic.
        let mut users_of: std::collections::HashMap<&str, Vec<&str>> =
            std::collections::HashMap::new();
        for interface in interfaces {
            for group_id in &interface.group_ids {
                users_of
                    .entry(group_id.as_str())
                    .or_default()
                    .push(interface.id.as_str());
            }
        }
        for group in groups.iter().filter(|g| !g.is_default()) {
            let name = format!("{} ({})", group.name, group.id);
            let users: &[&str] = users_of.get(group.id.as_str()).map_or(&[], Vec::as_slice);
            let count = users.len();
            let evidence = json!({ "network_interfaces": users });
            findings.push(if users.is_empty() {
                meta.finding(
                    Status::Fail,
                    group_resource(ctx, region, group),
                    text!(
                        "Security group {name} is attached to no network interface",
                        "セキュリティグループ {name} はどのネットワークインターフェースにも付いていません"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Pass,
                    group_resource(ctx, region, group),
                    text!(
                        "Security group {name} is in use by {count} network interface(s)",
                        "セキュリティグループ {name} は {count} 個のネットワークインターフェースで使われています"
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
    fn unattached_groups_fail_and_missing_interfaces_error() {
        let mut n = network(vec![
            group("sg-1", "default", vec![]),
            group("sg-2", "app", vec![]),
            group("sg-3", "old", vec![]),
        ]);
        n.network_interfaces = Collected::Value(vec![interface("eni-1", &["sg-2"])]);
        let f = crate::iam::fixtures::run_check(&CHECK, &snapshot(n.clone()));
        assert_eq!(
            f.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Fail]
        );
        n.network_interfaces = Collected::NotCollected;
        let f = crate::iam::fixtures::run_check(&CHECK, &snapshot(n));
        assert_eq!(f[0].status, Status::Error);
        assert!(f[0].message.en.contains("ec2:DescribeNetworkInterfaces"));
    }
}
