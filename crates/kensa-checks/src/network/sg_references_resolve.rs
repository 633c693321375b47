//! NET-1: rules that reference security groups reference existing ones.

use serde_json::json;

use super::{each_region, group_resource, region_list};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "net-sg-references-resolve",
        requirements: &["NET-1"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Rules reference only security groups that exist",
            ja: "ルールが参照するセキュリティグループが存在する",
        },
        description: StaticText {
            en: "A rule naming a group of this account that no longer exists (a stale reference) \
                 is a flow nobody can explain, and a future group with that role may inherit it. \
                 References to other accounts' groups or across VPC peering cannot be resolved \
                 from this account and are listed in the evidence.",
            ja: "存在しない自アカウントのグループを参照するルール (古い参照) は誰も説明できない通信で\
                 ある。他アカウントのグループや VPC ピアリング越しの参照はこのアカウントからは解決できない\
                 ため、証跡に列挙する。",
        },
        remediation: StaticText {
            en: "Remove the rule that names the missing group, or point it at the group that now \
                 plays that role.",
            ja: "存在しないグループを参照するルールを削除するか、現在その役割を持つグループに向け直す。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let own_account = ctx.snapshot.account_id();
    each_region(ctx, |region, network| {
        let (_, groups) = region_list(
            ctx,
            meta,
            region,
            network,
            "ec2:DescribeSecurityGroups",
            |n| &n.security_groups,
        )?;
        let mut findings = Vec::new();
        // A set, not a scan per reference: estates have thousands of groups.
        let existing: std::collections::HashSet<&str> =
            groups.iter().map(|g| g.id.as_str()).collect();
        for group in groups {
            let name = format!("{} ({})", group.name, group.id);
            let mut stale = Vec::new();
            let mut foreign = Vec::new();
            for peer in group
                .ingress
                .iter()
                .chain(&group.egress)
                .flat_map(|p| &p.groups)
            {
                let same_account = match (peer.user_id.as_deref(), own_account) {
                    (Some(user), Some(own)) => user == own,
                    // Without an owner on the reference, it is this account's.
                    (None, _) => true,
                    (Some(_), None) => false,
                };
                if !same_account || peer.peering_status.is_some() {
                    foreign.push(peer.group_id.clone());
                } else if !existing.contains(peer.group_id.as_str()) {
                    stale.push(peer.group_id.clone());
                }
            }
            stale.sort();
            stale.dedup();
            if group
                .ingress
                .iter()
                .chain(&group.egress)
                .all(|p| p.groups.is_empty())
            {
                continue;
            }
            let evidence =
                json!({ "missing_groups": stale, "unresolvable_from_this_account": foreign });
            findings.push(if stale.is_empty() {
                meta.finding(
                    Status::Pass,
                    group_resource(ctx, region, group),
                    text!(
                        "Every group that {name} references exists",
                        "{name} が参照するグループはすべて存在します"
                    ),
                    evidence,
                )
            } else {
                let missing = stale.join(", ");
                meta.finding(
                    Status::Fail,
                    group_resource(ctx, region, group),
                    text!(
                        "Security group {name} references groups that do not exist: {missing}",
                        "セキュリティグループ {name} が存在しないグループを参照しています: {missing}"
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
    fn stale_references_fail() {
        let s = snapshot(network(vec![
            group("sg-app", "app", vec![]),
            group(
                "sg-db",
                "db",
                vec![
                    tcp_from_group(5432, "sg-app"),
                    tcp_from_group(5432, "sg-gone"),
                ],
            ),
            group("sg-ok", "ok", vec![tcp_from_group(443, "sg-app")]),
        ]));
        let f = crate::iam::fixtures::run_check(&CHECK, &s);
        assert_eq!(
            f.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Fail, Status::Pass]
        );
        assert_eq!(f[0].evidence["missing_groups"][0], "sg-gone");
    }
}
