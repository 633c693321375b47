//! NET-1: every flow a security group allows is a declared, needed flow.

use kensa_net::{FlowSet, Peers, Protocol};
use kensa_snapshot::ec2::{Network, SecurityGroup};
use serde_json::{Value, json};

use super::{
    FlowMatrix, PrefixLists, each_region, group_flows, group_resource, pieces, public_peers,
    region_list, unreadable_rule, vpc_peers,
};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "net-sg-flows-declared",
        requirements: &["NET-1"],
        severity: Severity::High,
        title: StaticText {
            en: "Security groups allow only the declared flows",
            ja: "セキュリティグループが宣言された通信のみを許可している",
        },
        description: StaticText {
            en: "Computes, exactly, the set of (protocol, ports, peer) each security group allows, \
                 inbound and outbound, and subtracts the flows declared in `[[network.flows]]` of \
                 kensa.toml (the sheet's communication table). Anything left is an undeclared flow \
                 and fails, named in the finding. With no flow matrix declared, a group fails for \
                 internet exposure other than `network.public_ports`, administrative or database \
                 ports open beyond its VPC, full port ranges, or any rule on a default group; \
                 otherwise whether each flow is needed stays MANUAL, with the flows to review.",
            ja: "各セキュリティグループが許可する (プロトコル、ポート、通信相手) の集合をインバウンド・\
                 アウトバウンドとも正確に求め、kensa.toml の `[[network.flows]]` (設計書の通信要件表) \
                 で宣言された通信を差し引く。残りは宣言されていない通信であり、FAIL として内容を示す。\
                 通信要件表が未宣言の場合は、`network.public_ports` 以外のインターネット公開、VPC \
                 外への管理用・データベース用ポートの開放、全ポート範囲の許可、デフォルトグループの\
                 ルールを FAIL とし、それ以外は各通信が必要かどうかを MANUAL (確認対象の通信一覧付き) \
                 とする。",
        },
        remediation: StaticText {
            en: "Remove the rules that allow undeclared flows (`aws ec2 revoke-security-group-ingress` \
                 / `-egress`), or, if the system needs the flow, add it to the communication table \
                 (`[[network.flows]]`) with its reason.",
            ja: "宣言されていない通信を許可するルールを削除する (`aws ec2 revoke-security-group-ingress` \
                 / `-egress`)。システムに必要な通信であれば、理由とともに通信要件表 \
                 (`[[network.flows]]`) に追加する。",
        },
        cis_1_2: &[],
        fsbp: &["EC2.18"],
        pci_dss: &[],
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
        let matrix = FlowMatrix::resolve(
            &ctx.config.network,
            groups,
            PrefixLists(&network.prefix_lists),
        );
        for group in groups {
            let finding = if ctx.config.network.flows.is_empty() {
                without_matrix(ctx, region, network, group)
            } else {
                with_matrix(ctx, region, network, group, &matrix)
            };
            findings.push(finding);
        }
        Ok(findings)
    })
}

fn with_matrix(
    ctx: &Context<'_>,
    region: &str,
    network: &Network,
    group: &SecurityGroup,
    matrix: &FlowMatrix<'_>,
) -> Finding {
    let meta = &CHECK.meta;
    let lists = PrefixLists(&network.prefix_lists);
    let config = &ctx.config.network;
    let name = format!("{} ({})", group.name, group.id);
    let mut evidence = serde_json::Map::new();
    let mut undeclared_lines = Vec::new();
    let directions: &[bool] = if config.check_egress {
        &[false, true]
    } else {
        &[false]
    };
    for &egress in directions {
        let direction = if egress { "egress" } else { "ingress" };
        let allowed = match group_flows(group, egress, lists) {
            Ok(f) => f,
            Err(e) => return unreadable_rule(ctx, &CHECK.meta, region, group, &e),
        };
        let (declared, used) = match matrix.declared_for(group, egress) {
            Ok(d) => d,
            Err(e) => return unreadable_rule(ctx, &CHECK.meta, region, group, &e),
        };
        let undeclared = allowed.difference(&declared);
        let (allowed_json, _) = pieces(&allowed);
        let (undeclared_json, undeclared_line) = pieces(&undeclared);
        evidence.insert(
            direction.to_owned(),
            json!({
                "allowed": allowed_json,
                "declared_flows": used.iter().map(|d| json!({"name": d.name, "from": d.from, "to": d.to, "protocol": d.protocol, "ports": d.ports, "reason": d.reason})).collect::<Vec<_>>(),
                "undeclared": undeclared_json,
            }),
        );
        if !undeclared.is_empty() {
            undeclared_lines.push(format!("{direction}: {undeclared_line}"));
        }
    }
    let evidence = Value::Object(evidence);
    if undeclared_lines.is_empty() {
        meta.finding(
            Status::Pass,
            group_resource(ctx, region, group),
            text!(
                "Security group {name} allows only declared flows",
                "セキュリティグループ {name} は宣言された通信のみを許可しています"
            ),
            evidence,
        )
    } else {
        let detail = undeclared_lines.join(" | ");
        meta.finding(
            Status::Fail,
            group_resource(ctx, region, group),
            text!(
                "Security group {name} allows flows no declaration explains: {detail}",
                "セキュリティグループ {name} が宣言されていない通信を許可しています: {detail}"
            ),
            evidence,
        )
    }
}

/// The sheet's red lines, for accounts without a flow matrix.
fn without_matrix(
    ctx: &Context<'_>,
    region: &str,
    network: &Network,
    group: &SecurityGroup,
) -> Finding {
    let meta = &CHECK.meta;
    let config = &ctx.config.network;
    let name = format!("{} ({})", group.name, group.id);
    let lists = PrefixLists(&network.prefix_lists);
    let (ingress, egress) = match (
        group_flows(group, false, lists),
        group_flows(group, true, lists),
    ) {
        (Ok(i), Ok(e)) => (i, e),
        (Err(e), _) | (_, Err(e)) => return unreadable_rule(ctx, &CHECK.meta, region, group, &e),
    };
    if network.vpcs.value().is_none() {
        return meta.missing(
            group_resource(ctx, region, group),
            network
                .vpcs
                .get()
                .err()
                .unwrap_or(kensa_snapshot::Missing::NotCollected),
            "ec2:DescribeVpcs",
        );
    }
    let tcp = Protocol::Number(kensa_net::TCP);
    let ports_set = |ports: &[u16], peers: &Peers| {
        ports.iter().fold(FlowSet::empty(), |acc, p| {
            acc.union(&FlowSet::rule(tcp, Some((*p, *p)), peers.clone()))
        })
    };
    let public = public_peers(network, group.vpc_id.as_deref());
    let beyond_vpc = Peers::internet().difference(&vpc_peers(network, group.vpc_id.as_deref()));

    // Each red line: its key in the evidence, its label in both languages,
    // the exact set (evidence) and what the rules wrote (message).
    let mut problems: Vec<(&str, (&str, &str), String, Value)> = Vec::new();
    let every = Peers::internet();
    let exposed = ingress
        .intersection(&FlowSet::everything(public.clone()))
        .difference(&ports_set(&config.public_ports, &public));
    if !exposed.is_empty() {
        let shown = ingress
            .intersection(&FlowSet::everything(every.clone()))
            .difference(&ports_set(&config.public_ports, &every));
        let (_, line) = pieces(&shown);
        let (exact, _) = pieces(&exposed);
        problems.push((
            "internet_exposure",
            ("open to the internet", "インターネットに公開"),
            line,
            exact,
        ));
    }
    let sensitive: Vec<u16> = config
        .admin_ports
        .iter()
        .chain(&config.database_ports)
        .copied()
        .collect();
    let admin_db = ingress.intersection(&ports_set(&sensitive, &beyond_vpc));
    if !admin_db.is_empty() {
        let (_, line) = pieces(&ingress.intersection(&ports_set(&sensitive, &every)));
        let (exact, _) = pieces(&admin_db);
        problems.push((
            "admin_or_database_ports_beyond_vpc",
            (
                "administrative or database ports open beyond the VPC",
                "管理用・データベース用ポートを VPC 外に開放",
            ),
            line,
            exact,
        ));
    }
    let full_range = group
        .ingress
        .iter()
        .any(|p| p.protocol == "-1" || (p.from_port == Some(0) && p.to_port == Some(65535)));
    if full_range {
        problems.push((
            "full_port_range",
            (
                "an ingress rule allows every port",
                "全ポートを許可するインバウンドルールがある",
            ),
            String::new(),
            json!(true),
        ));
    }
    if group.is_default() && (!ingress.is_empty() || !egress.is_empty()) {
        problems.push((
            "default_group_with_rules",
            (
                "the default group has rules",
                "デフォルトグループにルールがある",
            ),
            String::new(),
            json!(true),
        ));
    }

    let (ingress_json, _) = pieces(&ingress);
    let (egress_json, _) = pieces(&egress);
    let mut evidence = json!({
        "flow_matrix": "not declared",
        "ingress": ingress_json,
        "egress": egress_json,
        "placement": super::placement(network, group),
    });
    if problems.is_empty() {
        return meta.finding(
            Status::Manual,
            group_resource(ctx, region, group),
            text!(
                "Security group {name}: no red line crossed; confirm each allowed flow is needed, or declare the flow matrix in kensa.toml",
                "セキュリティグループ {name}: 禁止事項には該当しません。許可された各通信が必要か確認するか、kensa.toml に通信要件表を宣言してください"
            ),
            evidence,
        );
    }
    let describe = |label: &str, line: &str| {
        if line.is_empty() {
            label.to_owned()
        } else {
            format!("{label} ({line})")
        }
    };
    let detail = problems
        .iter()
        .map(|(_, (en, _), line, _)| describe(en, line))
        .collect::<Vec<_>>()
        .join("; ");
    let detail_ja = problems
        .iter()
        .map(|(_, (_, ja), line, _)| describe(ja, line))
        .collect::<Vec<_>>()
        .join("; ");
    for (key, _, _, value) in &problems {
        evidence[*key] = value.clone();
    }
    meta.finding(
        Status::Fail,
        group_resource(ctx, region, group),
        text!(
            "Security group {name} crosses the sheet's red lines: {detail}",
            "セキュリティグループ {name} が禁止事項に該当します: {detail_ja}"
        ),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::network::config::FlowDecl;
    use crate::network::fixtures::*;

    fn decl(name: &str, from: &str, to: &str, ports: &str) -> FlowDecl {
        FlowDecl {
            name: name.into(),
            from: from.to_owned().try_into().unwrap(),
            to: to.to_owned().try_into().unwrap(),
            protocol: "tcp".into(),
            ports: crate::network::ports::PortSpec::parse(ports).unwrap(),
            reason: "test".into(),
        }
    }

    fn db_account() -> kensa_snapshot::Snapshot {
        snapshot(network(vec![
            group("sg-app", "app", vec![tcp_from_cidr(443, "10.0.0.0/16")]),
            group("sg-db", "db", vec![tcp_from_group(5432, "sg-app")]),
        ]))
    }

    #[test]
    fn a_declared_flow_passes_and_an_undeclared_one_fails() {
        let s = db_account();
        let mut config = Config::default();
        config.network.check_egress = false;
        config.network.flows = vec![
            decl("lb to app", "cidr:10.0.0.0/16", "sg-name:app", "443"),
            decl("app to db", "sg-name:app", "sg-name:db", "5432"),
        ];
        let f = crate::iam::fixtures::run_with(&CHECK, &s, &config);
        assert_eq!(
            f.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Pass]
        );

        config.network.flows.pop();
        let f = crate::iam::fixtures::run_with(&CHECK, &s, &config);
        assert_eq!(f[1].status, Status::Fail);
        assert_eq!(
            f[1].message.en,
            "Security group db (sg-db) allows flows no declaration explains: ingress: tcp port 5432: sg-app"
        );
    }

    #[test]
    fn a_narrower_declaration_leaves_the_rest_undeclared() {
        let s = snapshot(network(vec![group(
            "sg-web",
            "web",
            vec![tcp_from_cidr(443, "0.0.0.0/0")],
        )]));
        let mut config = Config::default();
        config.network.check_egress = false;
        config.network.flows = vec![decl("office", "cidr:203.0.113.0/24", "sg-name:web", "443")];
        let f = &crate::iam::fixtures::run_with(&CHECK, &s, &config)[0];
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.evidence["ingress"]["undeclared"][0]["ipv4"][0], "0.0.0.0/1",
            "{}",
            f.evidence
        );
    }

    #[test]
    fn egress_is_judged_when_asked() {
        let mut g = group("sg-app", "app", vec![]);
        g.egress = vec![all_traffic_to("0.0.0.0/0")];
        let s = snapshot(network(vec![g]));
        let mut config = Config::default();
        config.network.flows = vec![decl("app out", "sg-name:app", "internet", "443")];
        let f = &crate::iam::fixtures::run_with(&CHECK, &s, &config)[0];
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.en.contains("egress: "), "{}", f.message.en);
        config.network.check_egress = false;
        assert_eq!(
            crate::iam::fixtures::run_with(&CHECK, &s, &config)[0].status,
            Status::Pass
        );
    }

    #[test]
    fn without_a_matrix_red_lines_fail_and_the_rest_is_manual() {
        let s = snapshot(network(vec![
            group("sg-ssh", "bastion", vec![tcp_from_cidr(22, "0.0.0.0/0")]),
            group("sg-web", "web", vec![tcp_from_cidr(443, "0.0.0.0/0")]),
            group("sg-db", "db", vec![tcp_from_cidr(5432, "10.0.0.0/16")]),
            group(
                "sg-wide",
                "wide",
                vec![tcp_from_cidr(3306, "192.168.0.0/16")],
            ),
            group("sg-def", "default", vec![tcp_from_group(443, "sg-def")]),
        ]));
        let f = crate::iam::fixtures::run_check(&CHECK, &s);
        let statuses: Vec<Status> = f.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Fail,
                Status::Manual,
                Status::Manual,
                Status::Fail,
                Status::Fail
            ]
        );
        assert!(f[0].evidence.get("internet_exposure").is_some());
        assert_eq!(
            f[0].message.en,
            "Security group bastion (sg-ssh) crosses the sheet's red lines: open to the internet (tcp port 22: 0.0.0.0/0); \
             administrative or database ports open beyond the VPC (tcp port 22: 0.0.0.0/0)"
        );
        assert_eq!(
            f[4].message.ja,
            "セキュリティグループ default (sg-def) が禁止事項に該当します: デフォルトグループにルールがある"
        );
        assert!(
            f[3].evidence
                .get("admin_or_database_ports_beyond_vpc")
                .is_some()
        );
        assert!(f[4].evidence.get("default_group_with_rules").is_some());
    }

    #[test]
    fn unreadable_groups_are_an_error_for_the_region() {
        let mut n = network(vec![]);
        n.security_groups = kensa_snapshot::Collected::NotCollected;
        let f = crate::iam::fixtures::run_check(&CHECK, &snapshot(n));
        assert_eq!(f[0].status, Status::Error);
        assert!(f[0].message.en.contains("ec2:DescribeSecurityGroups"));
    }
}
