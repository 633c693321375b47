//! `kensa network`: who can reach which security group, and why.
//!
//! Without `--from`/`--to` it prints the effective ingress flow matrix, one
//! row per (group, source, protocol, ports, rule), marked declared or not
//! against `[[network.flows]]`. With `--from X --to Y` it answers whether X
//! can reach Y and names the rules and network ACL entries that decide.
//!
//! Exit codes: the flow matrix exits 0, or 1 when some data could not be
//! read (the matrix is then incomplete). A `--from/--to` question exits 0
//! when reachable, 1 when not, and 2 when kensa cannot tell (data could not
//! be read) or the question is malformed. "Cannot tell" is deliberately not
//! 1: a script reading 1 as "blocked" must never get that from missing data.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use kensa_checks::network::endpoint::Endpoint;
use kensa_checks::network::{
    FlowMatrix, PrefixLists, acl_of, decl_flows, endpoint_peers, nacl_entries, permission_rule,
    public_peers,
};
use kensa_checks::{Config, Lang};
use kensa_net::{
    Cidr, FlowSet, IntervalSet, NaclEntry, Peer, Peers, Protocol, SgRule, nacl_allowed,
    nacl_explain, sg_allowed, sg_explain,
};
use kensa_snapshot::ec2::{Network, NetworkAcl, Permission, SecurityGroup, Subnet};
use kensa_snapshot::{Missing, Snapshot};
use serde_json::{Value, json};

use super::AwsArgs;

#[derive(Debug, Args)]
pub struct NetworkArgs {
    #[command(flatten)]
    aws: AwsArgs,
    /// Read a saved snapshot instead of the live account (.json or .json.zst);
    /// --region then picks regions of the snapshot
    #[arg(long, value_name = "FILE", conflicts_with_all = ["profile", "endpoint_url"])]
    snapshot: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = NetFormat::Table)]
    format: NetFormat,
    /// Ask whether this endpoint can reach --to: internet, cidr:CIDR, an IP
    /// address, sg:ID, sg-name:NAME or tag:KEY=VALUE
    #[arg(long, value_name = "ENDPOINT", requires = "to")]
    from: Option<String>,
    /// The security groups to reach: sg:ID, sg-name:NAME or tag:KEY=VALUE
    #[arg(long, value_name = "ENDPOINT", requires = "from")]
    to: Option<String>,
    /// Port to ask about [default: report every reachable port]
    #[arg(long, value_name = "PORT", requires = "from")]
    port: Option<u16>,
    /// Protocol to ask about (tcp, udp, icmp or a number) [default: tcp]
    #[arg(long, value_name = "PROTOCOL", requires = "from")]
    protocol: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum NetFormat {
    /// Aligned columns (the flow matrix) or plain lines (a question)
    Table,
    /// Graphviz DOT (the flow matrix only)
    Dot,
    /// Mermaid flowchart (the flow matrix only)
    Mermaid,
    Json,
}

pub fn run(args: NetworkArgs, config: &Config, lang: Lang) -> Result<ExitCode> {
    let snapshot = match &args.snapshot {
        Some(path) => kensa_snapshot::load(path)?,
        None => super::collect_live(&args.aws)?,
    };
    let regions = selected_regions(&snapshot, &args.aws.regions)?;
    match (&args.from, &args.to) {
        (Some(from), Some(to)) => {
            if matches!(args.format, NetFormat::Dot | NetFormat::Mermaid) {
                bail!(
                    "--format dot and mermaid draw the flow matrix; a --from/--to answer is table or json"
                );
            }
            let protocol_text = args.protocol.as_deref().unwrap_or("tcp");
            let protocol = match protocol_text.parse::<Protocol>() {
                Ok(Protocol::Number(n)) => n,
                Ok(Protocol::All) => {
                    bail!("--protocol: name one protocol (tcp, udp, icmp or a number)")
                }
                Err(e) => bail!("--protocol: {e}"),
            };
            let question = Question {
                from: parse_source(from)?,
                from_text: from.trim().to_owned(),
                to: parse_destination(to)?,
                to_text: to.trim().to_owned(),
                protocol,
                port: args.port,
            };
            let answer = answer(&snapshot, &regions, config, &question)?;
            let mut out = io::stdout().lock();
            match args.format {
                NetFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &answer.to_json(&question))?;
                    writeln!(out)?;
                }
                _ => out.write_all(answer.to_text(&question).as_bytes())?,
            }
            out.flush()?;
            Ok(ExitCode::from(match answer.verdict {
                Verdict::Yes => 0,
                Verdict::No => 1,
                Verdict::CannotTell => 2,
            }))
        }
        _ => {
            let matrix = matrix(&snapshot, &regions, config);
            let text = match args.format {
                NetFormat::Table => render_table(&matrix.rows, lang),
                NetFormat::Dot => render_dot(&matrix),
                NetFormat::Mermaid => render_mermaid(&matrix),
                NetFormat::Json => {
                    let rows: Vec<Value> = matrix.rows.iter().map(Row::to_json).collect();
                    format!("{}\n", serde_json::to_string_pretty(&rows)?)
                }
            };
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            // Machine formats stay parseable: the gaps go to standard error.
            for note in &matrix.cannot_tell {
                eprintln!("kensa: {note}");
            }
            Ok(if matrix.cannot_tell.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// The snapshot's audited regions, narrowed to `--region` when given, sorted
/// so that every output is deterministic.
fn selected_regions(snapshot: &Snapshot, wanted: &[String]) -> Result<Vec<String>> {
    let audited: BTreeSet<&String> = snapshot.audited_regions.iter().collect();
    for region in wanted {
        if !audited.contains(region) {
            bail!(
                "region {region} is not in the snapshot (it covers {})",
                snapshot.audited_regions.join(", ")
            );
        }
    }
    Ok(audited
        .into_iter()
        .filter(|r| wanted.is_empty() || wanted.contains(r))
        .cloned()
        .collect())
}

/// Why a region's list is missing, in the words the brief's users grep for.
fn cannot_tell(call: &str, region: &str, missing: Missing<'_>) -> String {
    match missing {
        Missing::Failed(e) => format!("cannot tell: {call} failed in {region}: {}", e.code),
        Missing::NotCollected => format!("cannot tell: {call} was not collected in {region}"),
    }
}

fn list<'a, T>(
    network: Option<&'a Network>,
    region: &str,
    call: &str,
    get: impl Fn(&'a Network) -> &'a kensa_snapshot::Collected<Vec<T>>,
) -> Result<&'a [T], String> {
    match network {
        Some(n) => get(n)
            .get()
            .map(Vec::as_slice)
            .map_err(|m| cannot_tell(call, region, m)),
        None => Err(cannot_tell(call, region, Missing::NotCollected)),
    }
}

fn security_groups<'a>(
    snapshot: &'a Snapshot,
    region: &str,
) -> Result<&'a [SecurityGroup], String> {
    let network = snapshot.regions.get(region).map(|r| &r.network);
    list(network, region, "ec2:DescribeSecurityGroups", |n| {
        &n.security_groups
    })
}

// ---------------------------------------------------------------------------
// The flow matrix

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Declared {
    Yes,
    Partly,
    No,
}

impl Declared {
    fn key(self) -> &'static str {
        match self {
            Declared::Yes => "yes",
            Declared::Partly => "partly",
            Declared::No => "no",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Declared::Yes, Lang::En) => "yes",
            (Declared::Partly, Lang::En) => "partly",
            (Declared::No, Lang::En) => "NO",
            (Declared::Yes, Lang::Ja) => "宣言済み",
            (Declared::Partly, Lang::Ja) => "一部のみ",
            (Declared::No, Lang::Ja) => "未宣言",
        }
    }
}

/// Who can reach one group on which ports, through which rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    region: String,
    group_id: String,
    group_name: String,
    direction: &'static str,
    rule_index: usize,
    /// A CIDR, a group ID or a prefix list ID.
    source: String,
    source_kind: SourceKind,
    /// The source group's name, when it is in the same region.
    source_name: Option<String>,
    protocol: String,
    ports: String,
    description: Option<String>,
    declared: Declared,
    declared_by: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SourceKind {
    Group,
    Cidr,
    PrefixList,
}

impl Row {
    fn rule(&self) -> String {
        format!("{} {} #{}", self.group_id, self.direction, self.rule_index)
    }

    fn to_json(&self) -> Value {
        json!({
            "region": self.region,
            "group_id": self.group_id,
            "group_name": self.group_name,
            "direction": self.direction,
            "source": self.source,
            "source_name": self.source_name,
            "protocol": self.protocol,
            "ports": self.ports,
            "rule": self.rule(),
            "rule_index": self.rule_index,
            "description": self.description,
            "declared": self.declared.key(),
            "declared_by": self.declared_by,
        })
    }
}

#[derive(Debug, Default)]
struct Matrix {
    rows: Vec<Row>,
    /// Every group of the regions read, for graph nodes: (id, name).
    groups: BTreeMap<String, String>,
    cannot_tell: Vec<String>,
}

fn matrix(snapshot: &Snapshot, regions: &[String], config: &Config) -> Matrix {
    let mut m = Matrix::default();
    for region in regions {
        let groups = match security_groups(snapshot, region) {
            Ok(g) => g,
            Err(note) => {
                m.cannot_tell.push(note);
                continue;
            }
        };
        let mut sorted: Vec<&SecurityGroup> = groups.iter().collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        let lists = prefix_lists(snapshot, region);
        let flow_table = FlowMatrix::resolve(&config.network, groups, lists);
        for group in sorted {
            m.groups.insert(group.id.clone(), group.name.clone());
            if let Err(note) = group_rows(region, group, groups, lists, &flow_table, &mut m.rows) {
                m.cannot_tell
                    .push(format!("cannot tell: {region} {}: {note}", group.id));
            }
        }
    }
    m.rows.sort();
    m
}

/// The rows of one group's ingress rules.
fn group_rows(
    region: &str,
    group: &SecurityGroup,
    groups: &[SecurityGroup],
    lists: PrefixLists<'_>,
    matrix: &FlowMatrix<'_>,
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    let (declared, used) = matrix.declared_for(group, false)?;
    let declarations: Vec<(String, FlowSet)> = used
        .iter()
        .map(|d| {
            Ok((
                d.name.clone(),
                decl_flows(d, endpoint_peers(&d.from, groups, lists)?)?,
            ))
        })
        .collect::<Result<_, String>>()?;
    for (index, permission) in group.ingress.iter().enumerate() {
        let rule = permission_rule(permission, lists)
            .map_err(|e| format!("ingress rule #{index} could not be read: {e}"))?;
        let flows = rule.flows();
        for piece in flows.describe() {
            let sources = piece
                .ipv4
                .iter()
                .chain(&piece.ipv6)
                .map(|c| (c, SourceKind::Cidr))
                .chain(piece.groups.iter().map(|g| (g, SourceKind::Group)))
                .chain(
                    piece
                        .prefix_lists
                        .iter()
                        .map(|p| (p, SourceKind::PrefixList)),
                );
            for (source, kind) in sources {
                let peers = match kind {
                    SourceKind::Cidr => source
                        .parse::<Cidr>()
                        .map(Peers::cidr)
                        .map_err(|e| e.to_string())?,
                    SourceKind::Group => Peers::group(source.clone()),
                    SourceKind::PrefixList => Peers::prefix_list(source.clone()),
                };
                let row_flows = flows.intersection(&FlowSet::everything(peers));
                let declared_state = if row_flows.is_subset(&declared) {
                    Declared::Yes
                } else if row_flows.intersection(&declared).is_empty() {
                    Declared::No
                } else {
                    Declared::Partly
                };
                let declared_by = declarations
                    .iter()
                    .filter(|(_, f)| !f.intersection(&row_flows).is_empty())
                    .map(|(name, _)| name.clone())
                    .collect();
                rows.push(Row {
                    region: region.to_owned(),
                    group_id: group.id.clone(),
                    group_name: group.name.clone(),
                    direction: "ingress",
                    rule_index: index,
                    source: source.clone(),
                    source_kind: kind,
                    source_name: match kind {
                        SourceKind::Group => groups
                            .iter()
                            .find(|g| &g.id == source)
                            .map(|g| g.name.clone()),
                        _ => None,
                    },
                    protocol: piece.protocol.clone(),
                    ports: ports_text(piece.ports.as_deref()),
                    description: peer_description(permission, source, kind),
                    declared: declared_state,
                    declared_by,
                });
            }
        }
    }
    Ok(())
}

/// `all`, `443` or `80,8000-8080`, as kensa.toml writes ports.
fn ports_text(ports: Option<&[(u16, u16)]>) -> String {
    match ports {
        None => "all".to_owned(),
        Some(ranges) => ranges
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// AWS keeps descriptions per peer of a permission, not per permission.
fn peer_description(permission: &Permission, source: &str, kind: SourceKind) -> Option<String> {
    let same_cidr = |text: &str| match (text.parse::<Cidr>(), source.parse::<Cidr>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => text == source,
    };
    match kind {
        SourceKind::Cidr => permission
            .ipv4_ranges
            .iter()
            .chain(&permission.ipv6_ranges)
            .find(|r| same_cidr(&r.cidr))
            .and_then(|r| r.description.clone()),
        SourceKind::Group => permission
            .groups
            .iter()
            .find(|g| g.group_id == source)
            .and_then(|g| g.description.clone()),
        SourceKind::PrefixList => permission
            .prefix_list_ids
            .iter()
            .find(|p| p.prefix_list_id == source)
            .and_then(|p| p.description.clone()),
    }
    .filter(|d| !d.is_empty())
}

/// Terminal columns a string takes: CJK characters take two, so that
/// Japanese headers line up.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let c = u32::from(c);
            let wide = matches!(c,
                0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
            if wide { 2 } else { 1 }
        })
        .sum()
}

fn render_table(rows: &[Row], lang: Lang) -> String {
    let header: [&str; 9] = match lang {
        Lang::En => [
            "REGION",
            "GROUP",
            "DIRECTION",
            "SOURCE",
            "PROTOCOL",
            "PORTS",
            "RULE",
            "DECLARED",
            "DESCRIPTION",
        ],
        Lang::Ja => [
            "リージョン",
            "セキュリティグループ",
            "方向",
            "送信元",
            "プロトコル",
            "ポート",
            "ルール",
            "宣言",
            "説明",
        ],
    };
    let direction = |d: &str| match lang {
        Lang::Ja if d == "ingress" => "インバウンド".to_owned(),
        _ => d.to_owned(),
    };
    let mut table: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    for row in rows {
        table.push(vec![
            row.region.clone(),
            format!("{} ({})", row.group_name, row.group_id),
            direction(row.direction),
            match &row.source_name {
                Some(name) => format!("{} ({name})", row.source),
                None => row.source.clone(),
            },
            row.protocol.clone(),
            row.ports.clone(),
            row.rule(),
            row.declared.label(lang).to_owned(),
            row.description.clone().unwrap_or_default(),
        ]);
    }
    let mut widths = [0usize; 9];
    for line in &table {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(display_width(cell));
        }
    }
    let mut out = String::new();
    for line in &table {
        let mut text = String::new();
        for (i, (cell, w)) in line.iter().zip(widths).enumerate() {
            text.push_str(cell);
            if i + 1 < line.len() {
                text.push_str(&" ".repeat(w - display_width(cell) + 2));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// A graph node: a security group, an address block or a prefix list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Node {
    key: String,
    label: Vec<String>,
    kind: SourceKind,
}

/// One edge per (source, destination, protocol and ports, declared or not).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: String,
    to: String,
    label: String,
    undeclared: bool,
}

fn graph(matrix: &Matrix) -> (Vec<Node>, Vec<Edge>) {
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    for (id, name) in &matrix.groups {
        nodes.insert(
            id.clone(),
            Node {
                key: id.clone(),
                label: vec![name.clone(), id.clone()],
                kind: SourceKind::Group,
            },
        );
    }
    let mut edges = BTreeSet::new();
    for row in &matrix.rows {
        nodes.entry(row.source.clone()).or_insert_with(|| Node {
            key: row.source.clone(),
            label: match row.source_kind {
                SourceKind::Cidr if row.source == "0.0.0.0/0" || row.source == "::/0" => {
                    vec!["internet".to_owned(), row.source.clone()]
                }
                _ => vec![row.source.clone()],
            },
            kind: row.source_kind,
        });
        edges.insert(Edge {
            from: row.source.clone(),
            to: row.group_id.clone(),
            label: if row.ports == "all" {
                format!("{} all ports", row.protocol)
            } else {
                format!("{} {}", row.protocol, row.ports)
            },
            // A partly declared flow still has an undeclared part to show.
            undeclared: row.declared != Declared::Yes,
        });
    }
    // Groups first, then address blocks and prefix lists, each sorted.
    let mut nodes: Vec<Node> = nodes.into_values().collect();
    nodes.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
    (nodes, edges.into_iter().collect())
}

fn dot_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn render_dot(matrix: &Matrix) -> String {
    let (nodes, edges) = graph(matrix);
    let mut out = String::from("digraph kensa_network {\n  rankdir=LR;\n  node [shape=box];\n");
    for node in &nodes {
        let label = node
            .label
            .iter()
            .map(|l| l.replace('\\', "\\\\").replace('"', "\\\""))
            .collect::<Vec<_>>()
            .join("\\n");
        let shape = match node.kind {
            SourceKind::Group => "",
            SourceKind::Cidr => ", shape=ellipse",
            SourceKind::PrefixList => ", shape=note",
        };
        let _ = writeln!(
            out,
            "  {} [label=\"{label}\"{shape}];",
            dot_quote(&node.key)
        );
    }
    for edge in &edges {
        let style = if edge.undeclared {
            ", color=red, style=dashed"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {} -> {} [label={}{style}];",
            dot_quote(&edge.from),
            dot_quote(&edge.to),
            dot_quote(&edge.label)
        );
    }
    out.push_str("}\n");
    out
}

/// Mermaid IDs allow letters, digits and `_` only; keys differ by more than
/// punctuation in practice, but a collision still gets a numeric suffix.
fn mermaid_ids(nodes: &[Node]) -> BTreeMap<String, String> {
    let mut ids = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for node in nodes {
        let prefix = match node.kind {
            SourceKind::Group => "",
            SourceKind::Cidr => "net_",
            SourceKind::PrefixList => "",
        };
        let base: String = format!("{prefix}{}", node.key)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        ids.insert(node.key.clone(), id);
    }
    ids
}

fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;")
}

fn render_mermaid(matrix: &Matrix) -> String {
    let (nodes, edges) = graph(matrix);
    let ids = mermaid_ids(&nodes);
    let id = |key: &str| ids.get(key).cloned().unwrap_or_else(|| key.to_owned());
    let mut out = String::from("flowchart LR\n");
    for node in &nodes {
        let label = node
            .label
            .iter()
            .map(|l| mermaid_text(l))
            .collect::<Vec<_>>()
            .join("<br/>");
        let (open, close) = match node.kind {
            SourceKind::Group => ("[\"", "\"]"),
            SourceKind::Cidr => ("([\"", "\"])"),
            SourceKind::PrefixList => ("[/\"", "\"/]"),
        };
        let _ = writeln!(out, "  {}{open}{label}{close}", id(&node.key));
    }
    let mut red = Vec::new();
    for (index, edge) in edges.iter().enumerate() {
        let arrow = if edge.undeclared { "-.->" } else { "-->" };
        let _ = writeln!(
            out,
            "  {} {arrow}|\"{}\"| {}",
            id(&edge.from),
            mermaid_text(&edge.label),
            id(&edge.to)
        );
        if edge.undeclared {
            red.push(index.to_string());
        }
    }
    if !red.is_empty() {
        let _ = writeln!(out, "  linkStyle {} stroke:red", red.join(","));
    }
    out
}

// ---------------------------------------------------------------------------
// Can X reach Y?

#[derive(Debug)]
enum Source {
    /// One address: the question is about exactly that host.
    Addr(IpAddr),
    /// An address range (a CIDR): reachable when some address of it is,
    /// which is what exposure questions mean.
    Range(Peers),
    /// Public addresses as seen from the destination's VPC: not the
    /// private ranges and not the VPC's own blocks, which 0.0.0.0/0 also
    /// covers but which no one means by "the internet".
    Internet,
    /// Security groups, by any selector.
    Groups(Endpoint),
}

#[derive(Debug)]
struct Question {
    from: Source,
    from_text: String,
    to: Endpoint,
    to_text: String,
    protocol: u8,
    port: Option<u16>,
}

impl Question {
    fn traffic(&self) -> String {
        let protocol = Protocol::name(self.protocol);
        match self.port {
            Some(p) if Protocol::has_ports(self.protocol) => format!("{protocol} {p}"),
            _ if Protocol::has_ports(self.protocol) => format!("{protocol} (any port)"),
            _ => protocol,
        }
    }

    /// The ports asked about: one, or all of them.
    fn ports(&self) -> Option<(u16, u16)> {
        self.port.map(|p| (p, p))
    }
}

fn parse_source(text: &str) -> Result<Source> {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(Source::Addr(ip));
    }
    let endpoint =
        Endpoint::try_from(text.to_owned()).map_err(|e| anyhow::anyhow!("--from: {e}"))?;
    Ok(match endpoint {
        Endpoint::Internet => Source::Internet,
        Endpoint::Cidr(c) => {
            let cidr = c
                .parse::<Cidr>()
                .map_err(|e| anyhow::anyhow!("--from: {e}"))?;
            Source::Range(Peers::cidr(cidr))
        }
        e @ (Endpoint::Group(_) | Endpoint::GroupName(_) | Endpoint::Tag(..)) => Source::Groups(e),
        Endpoint::PrefixList(_) | Endpoint::Subnet(_) => {
            bail!("--from: `{text}`: use an address, a CIDR, internet or security groups")
        }
    })
}

fn parse_destination(text: &str) -> Result<Endpoint> {
    let endpoint =
        Endpoint::try_from(text.trim().to_owned()).map_err(|e| anyhow::anyhow!("--to: {e}"))?;
    match endpoint {
        Endpoint::Group(_) | Endpoint::GroupName(_) | Endpoint::Tag(..) => Ok(endpoint),
        _ => bail!("--to: `{text}`: name security groups (sg:ID, sg-name:NAME or tag:KEY=VALUE)"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Yes,
    No,
    CannotTell,
}

impl Verdict {
    fn key(self) -> &'static str {
        match self {
            Verdict::Yes => "yes",
            Verdict::No => "no",
            Verdict::CannotTell => "cannot_tell",
        }
    }
}

/// The answer for one destination group.
#[derive(Debug)]
struct Destination {
    region: String,
    group_id: String,
    group_name: String,
    verdict: Verdict,
    /// Ports on which the source reaches it (for the asked protocol).
    ports: IntervalSet<u16>,
    lines: Vec<String>,
}

#[derive(Debug)]
struct Answer {
    verdict: Verdict,
    destinations: Vec<Destination>,
    /// Regions whose data could not be read, so a destination may be missing.
    cannot_tell: Vec<String>,
}

fn port_set_text(ports: &IntervalSet<u16>) -> String {
    if ports.is_full() {
        "all ports".to_owned()
    } else {
        ports_text(Some(ports.ranges()))
    }
}

impl Answer {
    fn to_text(&self, q: &Question) -> String {
        let mut out = String::new();
        let headline = match self.verdict {
            Verdict::Yes => "YES",
            Verdict::No => "NO",
            Verdict::CannotTell => "CANNOT TELL",
        };
        let what = match self.verdict {
            Verdict::Yes => "can reach",
            Verdict::No => "cannot reach",
            Verdict::CannotTell => "may or may not reach",
        };
        let _ = writeln!(
            out,
            "{headline}: {} {what} {} on {}",
            q.from_text,
            q.to_text,
            q.traffic()
        );
        for note in &self.cannot_tell {
            let _ = writeln!(out, "  {note}");
        }
        for d in &self.destinations {
            let verdict = match d.verdict {
                Verdict::Yes if q.port.is_none() => {
                    format!(
                        "reachable on {} {}",
                        Protocol::name(q.protocol),
                        port_set_text(&d.ports)
                    )
                }
                Verdict::Yes => "reachable".to_owned(),
                Verdict::No => "not reachable".to_owned(),
                Verdict::CannotTell => "cannot tell".to_owned(),
            };
            let _ = writeln!(
                out,
                "  {} {} ({}): {verdict}",
                d.region, d.group_name, d.group_id
            );
            for line in &d.lines {
                let _ = writeln!(out, "    {line}");
            }
        }
        out
    }

    fn to_json(&self, q: &Question) -> Value {
        json!({
            "from": q.from_text,
            "to": q.to_text,
            "protocol": Protocol::name(q.protocol),
            "port": q.port,
            "answer": self.verdict.key(),
            "reachable": match self.verdict {
                Verdict::Yes => Some(true),
                Verdict::No => Some(false),
                Verdict::CannotTell => None,
            },
            "cannot_tell": self.cannot_tell,
            "destinations": self.destinations.iter().map(|d| json!({
                "region": d.region,
                "group_id": d.group_id,
                "group_name": d.group_name,
                "answer": d.verdict.key(),
                "ports": d.ports.ranges(),
                "explanation": d.lines,
            })).collect::<Vec<_>>(),
        })
    }
}

fn answer(
    snapshot: &Snapshot,
    regions: &[String],
    config: &Config,
    q: &Question,
) -> Result<Answer> {
    let mut destinations = Vec::new();
    let mut cannot = Vec::new();
    let mut source_groups_seen = false;
    for region in regions {
        let groups = match security_groups(snapshot, region) {
            Ok(g) => g,
            Err(note) => {
                cannot.push(note);
                continue;
            }
        };
        let network = snapshot.regions.get(region).map(|r| &r.network);
        let mut targets: Vec<&SecurityGroup> =
            groups.iter().filter(|g| q.to.selects_group(g)).collect();
        targets.sort_by(|a, b| a.id.cmp(&b.id));
        let sources: Vec<&SecurityGroup> = match &q.from {
            Source::Groups(e) => {
                let mut s: Vec<&SecurityGroup> =
                    groups.iter().filter(|g| e.selects_group(g)).collect();
                s.sort_by(|a, b| a.id.cmp(&b.id));
                source_groups_seen |= !s.is_empty();
                s
            }
            _ => Vec::new(),
        };
        for target in targets {
            let ctx = Ctx {
                region,
                network,
                groups,
                config,
                q,
            };
            destinations.push(ctx.destination(target, &sources));
        }
    }
    if matches!(q.from, Source::Groups(_)) && !source_groups_seen && cannot.is_empty() {
        bail!("--from: `{}` names no security group", q.from_text);
    }
    if destinations.is_empty() && cannot.is_empty() {
        bail!(
            "--to: `{}` names no security group in {}",
            q.to_text,
            regions.join(", ")
        );
    }
    let verdicts: Vec<Verdict> = destinations.iter().map(|d| d.verdict).collect();
    // A definite NO anywhere is definite; otherwise a gap in the data (a
    // region not read may hold more of Y) leaves the answer open.
    let verdict = if verdicts.contains(&Verdict::No) {
        Verdict::No
    } else if verdicts.contains(&Verdict::CannotTell) || !cannot.is_empty() {
        Verdict::CannotTell
    } else {
        Verdict::Yes
    };
    Ok(Answer {
        verdict,
        destinations,
        cannot_tell: cannot,
    })
}

/// Stands in for a region with no network data.
static NOT_COLLECTED: kensa_snapshot::Collected<Vec<kensa_snapshot::ec2::PrefixList>> =
    kensa_snapshot::Collected::NotCollected;

/// The region's prefix lists; a region without network data has none
/// collected, so a rule naming a list there cannot be judged.
fn prefix_lists<'a>(snapshot: &'a Snapshot, region: &str) -> PrefixLists<'a> {
    PrefixLists(
        snapshot
            .regions
            .get(region)
            .map_or(&NOT_COLLECTED, |r| &r.network.prefix_lists),
    )
}

/// One region's data for answering a question.
struct Ctx<'a> {
    region: &'a str,
    network: Option<&'a Network>,
    groups: &'a [SecurityGroup],
    config: &'a Config,
    q: &'a Question,
}

/// The ports of a flow set (for one protocol), whatever the peers.
fn ports_of(flows: &FlowSet) -> IntervalSet<u16> {
    flows
        .describe()
        .iter()
        .fold(IntervalSet::empty(), |acc, piece| match &piece.ports {
            None => IntervalSet::full(),
            Some(ranges) => acc.union(&IntervalSet::from_ranges(ranges.iter().copied())),
        })
}

fn rules_of(
    group: &SecurityGroup,
    egress: bool,
    lists: PrefixLists<'_>,
) -> Result<Vec<SgRule>, String> {
    let (direction, permissions) = if egress {
        ("egress", &group.egress)
    } else {
        ("ingress", &group.ingress)
    };
    permissions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            permission_rule(p, lists).map_err(|e| {
                format!(
                    "cannot tell: {direction} rule #{i} of {} could not be read: {e}",
                    group.id
                )
            })
        })
        .collect()
}

fn flows_text(flows: &FlowSet) -> String {
    flows
        .describe()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a rule says, as the console shows it: `tcp 5432 from sg-app (app) "why"`.
fn permission_text(p: &Permission, groups: &[SecurityGroup], egress: bool) -> String {
    let protocol = p
        .protocol
        .parse::<Protocol>()
        .map_or(p.protocol.clone(), |x| x.to_string());
    let ports = match (p.from_port, p.to_port) {
        _ if p.protocol == "-1" => String::new(),
        (Some(a), Some(b)) if a >= 0 && a == b => format!(" {a}"),
        (Some(a), Some(b)) if a >= 0 && b >= 0 => format!(" {a}-{b}"),
        _ => " all ports".to_owned(),
    };
    let described = |id: &str, d: &Option<String>| match d.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => format!("{id} \"{d}\""),
        None => id.to_owned(),
    };
    let peers: Vec<String> = p
        .ipv4_ranges
        .iter()
        .chain(&p.ipv6_ranges)
        .map(|r| described(&r.cidr, &r.description))
        .chain(p.groups.iter().map(|g| {
            let name = groups
                .iter()
                .find(|x| x.id == g.group_id)
                .map(|x| x.name.as_str());
            let id = match name {
                Some(n) => format!("{} ({n})", g.group_id),
                None => g.group_id.clone(),
            };
            described(&id, &g.description)
        }))
        .chain(
            p.prefix_list_ids
                .iter()
                .map(|l| described(&l.prefix_list_id, &l.description)),
        )
        .collect();
    let word = if egress { "to" } else { "from" };
    format!("{protocol}{ports} {word} {}", peers.join(", "))
}

fn entry_text(acl: &NetworkAcl, entry: &NaclEntry) -> String {
    let rule = if entry.rule_number == kensa_net::DEFAULT_DENY_RULE_NUMBER {
        "*".to_owned()
    } else {
        entry.rule_number.to_string()
    };
    let ports = match entry.ports {
        Some((a, b)) if a == b => format!(" {a}"),
        Some((a, b)) => format!(" {a}-{b}"),
        None => String::new(),
    };
    format!(
        "{} {} rule {rule}: {} {}{ports} {} {}",
        acl.id,
        if entry.egress { "outbound" } else { "inbound" },
        if entry.allow { "allow" } else { "deny" },
        entry.protocol,
        if entry.egress { "to" } else { "from" },
        entry.cidr
    )
}

impl Ctx<'_> {
    fn lists(&self) -> PrefixLists<'_> {
        PrefixLists(self.network.map_or(&NOT_COLLECTED, |n| &n.prefix_lists))
    }

    fn destination(&self, target: &SecurityGroup, sources: &[&SecurityGroup]) -> Destination {
        let mut lines = Vec::new();
        let mut unknown = false;
        let mut ports = match self.q.ports() {
            Some((a, b)) => IntervalSet::from_range(a, b),
            None => IntervalSet::full(),
        };
        let mut note_unknown = |lines: &mut Vec<String>, note: String| {
            lines.push(note);
            unknown = true;
        };
        match rules_of(target, false, self.lists()) {
            Err(note) => note_unknown(&mut lines, note),
            Ok(ingress) => match &self.q.from {
                Source::Groups(_) => {
                    let mut reached = IntervalSet::empty();
                    if sources.is_empty() {
                        lines.push(format!(
                            "no security group matches `{}` in {}",
                            self.q.from_text, self.region
                        ));
                    }
                    for source in sources {
                        let via = self.group_path(source, target, &ingress, &mut lines);
                        match via {
                            Ok(p) => reached = reached.union(&p),
                            Err(note) => note_unknown(&mut lines, note),
                        }
                    }
                    ports = ports.intersection(&reached);
                }
                Source::Addr(ip) => {
                    let peers = host_peers(*ip);
                    match self.address_path(&peers, Some(*ip), target, &ingress, &mut lines) {
                        Ok(p) => ports = ports.intersection(&p),
                        Err(note) => note_unknown(&mut lines, note),
                    }
                }
                Source::Internet => {
                    let public = self.network.map_or_else(Peers::internet, |n| {
                        public_peers(n, target.vpc_id.as_deref())
                    });
                    lines.push(
                        "internet: public addresses, i.e. neither private ranges nor the VPC's own blocks"
                            .to_owned(),
                    );
                    match self.address_path(&public, None, target, &ingress, &mut lines) {
                        Ok(p) => ports = ports.intersection(&p),
                        Err(note) => note_unknown(&mut lines, note),
                    }
                }
                Source::Range(peers) => {
                    match self.address_path(peers, None, target, &ingress, &mut lines) {
                        Ok(p) => ports = ports.intersection(&p),
                        Err(note) => note_unknown(&mut lines, note),
                    }
                }
            },
        }
        let verdict = if ports.is_empty() {
            Verdict::No
        } else if unknown {
            Verdict::CannotTell
        } else {
            Verdict::Yes
        };
        Destination {
            region: self.region.to_owned(),
            group_id: target.id.clone(),
            group_name: target.name.clone(),
            verdict,
            ports,
            lines,
        }
    }

    /// The ingress rules of `target` that allow `probe`, with their text.
    fn explain_ingress(
        &self,
        target: &SecurityGroup,
        ingress: &[SgRule],
        probe: &FlowSet,
        point: Option<Peer<'_>>,
        lines: &mut Vec<String>,
    ) -> FlowSet {
        // A single peer on a single port is exactly sg_explain's question.
        let indexes: Vec<usize> = match (point, self.q.port) {
            (Some(peer), Some(port)) => sg_explain(ingress, self.q.protocol, port, peer),
            _ => (0..ingress.len())
                .filter(|&i| !ingress[i].flows().intersection(probe).is_empty())
                .collect(),
        };
        if indexes.is_empty() {
            lines.push(format!(
                "ingress: no rule of {} allows {} from {}",
                target.id,
                self.q.traffic(),
                self.q.from_text
            ));
        }
        for i in &indexes {
            let text = permission_text(&target.ingress[*i], self.groups, false);
            lines.push(format!(
                "ingress: allowed by {} ingress #{i}: {text}",
                target.id
            ));
        }
        sg_allowed(ingress).intersection(probe)
    }

    fn probe(&self, peers: Peers) -> FlowSet {
        FlowSet::rule(Protocol::Number(self.q.protocol), self.q.ports(), peers)
    }

    /// Source group to target: the target's ingress by group reference and
    /// the source's egress to the target (by reference or by address).
    fn group_path(
        &self,
        source: &SecurityGroup,
        target: &SecurityGroup,
        ingress: &[SgRule],
        lines: &mut Vec<String>,
    ) -> Result<IntervalSet<u16>, String> {
        lines.push(format!("from {} ({}):", source.name, source.id));
        let allowed_in = self.explain_ingress(
            target,
            ingress,
            &self.probe(Peers::group(source.id.clone())),
            Some(Peer::Group(&source.id)),
            lines,
        );
        let in_ports = ports_of(&allowed_in);
        if in_ports.is_empty() {
            return Ok(in_ports);
        }
        let egress = rules_of(source, true, self.lists())?;
        let by_reference =
            sg_allowed(&egress).intersection(&self.probe(Peers::group(target.id.clone())));
        for (i, rule) in egress.iter().enumerate() {
            if !rule
                .flows()
                .intersection(&self.probe(Peers::group(target.id.clone())))
                .is_empty()
            {
                let text = permission_text(&source.egress[i], self.groups, true);
                lines.push(format!(
                    "egress: allowed by {} egress #{i}: {text}",
                    source.id
                ));
            }
        }
        let mut out_ports = ports_of(&by_reference);
        if !in_ports.intersection(&out_ports).eq(&in_ports) {
            // Address-based egress rules match the target only through the
            // addresses its network interfaces have now.
            let addresses = self.addresses_of(target)?;
            if addresses.is_empty() {
                lines.push(format!(
                    "egress: no rule of {} names {}, and {} has no network interface whose address an address rule could match",
                    source.id, target.id, target.id
                ));
            }
            for address in addresses {
                let allowed = sg_allowed(&egress).intersection(&self.probe(host_peers(address)));
                let p = ports_of(&allowed);
                if p.is_empty() {
                    lines.push(format!(
                        "egress: no rule of {} allows {} to {address} ({}'s interface address)",
                        source.id,
                        self.q.traffic(),
                        target.id
                    ));
                } else {
                    for (i, rule) in egress.iter().enumerate() {
                        if !rule.flows().intersection(&allowed).is_empty() {
                            let text = permission_text(&source.egress[i], self.groups, true);
                            lines.push(format!(
                                "egress: allowed to {address} ({}'s interface address; depends on its addresses) by {} egress #{i}: {text}",
                                target.id, source.id
                            ));
                        }
                    }
                }
                out_ports = out_ports.union(&p);
            }
        }
        Ok(in_ports.intersection(&out_ports))
    }

    /// The private addresses of the interfaces that carry `group`.
    fn addresses_of(&self, group: &SecurityGroup) -> Result<Vec<IpAddr>, String> {
        let interfaces = list(
            self.network,
            self.region,
            "ec2:DescribeNetworkInterfaces",
            |n| &n.network_interfaces,
        )?;
        let mut addresses: Vec<IpAddr> = interfaces
            .iter()
            .filter(|i| i.group_ids.contains(&group.id))
            .flat_map(|i| &i.private_ip_addresses)
            .filter_map(|a| a.parse().ok())
            .collect();
        addresses.sort();
        addresses.dedup();
        Ok(addresses)
    }

    /// Addresses to target: ingress by address rules, then the network ACL
    /// of every subnet the target has interfaces in, both ways, because
    /// ACLs are stateless.
    fn address_path(
        &self,
        peers: &Peers,
        ip: Option<IpAddr>,
        target: &SecurityGroup,
        ingress: &[SgRule],
        lines: &mut Vec<String>,
    ) -> Result<IntervalSet<u16>, String> {
        let allowed_in = self.explain_ingress(
            target,
            ingress,
            &self.probe(peers.clone()),
            ip.map(Peer::Addr),
            lines,
        );
        if allowed_in.is_empty() {
            return Ok(IntervalSet::empty());
        }
        let interfaces = list(
            self.network,
            self.region,
            "ec2:DescribeNetworkInterfaces",
            |n| &n.network_interfaces,
        )?;
        let mut subnet_ids: Vec<&str> = interfaces
            .iter()
            .filter(|i| i.group_ids.contains(&target.id))
            .filter_map(|i| i.subnet_id.as_deref())
            .collect();
        subnet_ids.sort_unstable();
        subnet_ids.dedup();
        if subnet_ids.is_empty() {
            lines.push(format!(
                "network ACL: {} has no network interface in a subnet, so no ACL was evaluated",
                target.id
            ));
            return Ok(ports_of(&allowed_in));
        }
        let subnets = list(self.network, self.region, "ec2:DescribeSubnets", |n| {
            &n.subnets
        })?;
        let acls = list(self.network, self.region, "ec2:DescribeNetworkAcls", |n| {
            &n.network_acls
        })?;
        let mut reached = IntervalSet::empty();
        for subnet_id in subnet_ids {
            let Some(subnet) = subnets.iter().find(|s| s.id == subnet_id) else {
                return Err(format!(
                    "cannot tell: subnet {subnet_id} of {} is not in ec2:DescribeSubnets of {}",
                    target.id, self.region
                ));
            };
            if peers.is_subset(&subnet_peers(subnet)) {
                lines.push(format!(
                    "network ACL: {} is inside {subnet_id}, so its ACL is not crossed",
                    self.q.from_text
                ));
                reached = reached.union(&ports_of(&allowed_in));
                continue;
            }
            let Some(acl) = acl_of(subnet, acls) else {
                return Err(format!(
                    "cannot tell: no network ACL of {} serves {subnet_id}",
                    self.region
                ));
            };
            let p = self.acl_path(acl, subnet, ip, &allowed_in, lines)?;
            reached = reached.union(&p);
        }
        Ok(reached)
    }

    /// One subnet's ACL: inbound for the request, outbound for the reply to
    /// the client's ephemeral port.
    fn acl_path(
        &self,
        acl: &NetworkAcl,
        subnet: &Subnet,
        ip: Option<IpAddr>,
        allowed_in: &FlowSet,
        lines: &mut Vec<String>,
    ) -> Result<IntervalSet<u16>, String> {
        let bad = |e: String| format!("cannot tell: {e}");
        let inbound = nacl_entries(acl, false).map_err(bad)?;
        let outbound = nacl_entries(acl, true).map_err(bad)?;
        let prefix = format!("network ACL {} of {}", acl.id, subnet.id);
        let passed = allowed_in.intersection(&nacl_allowed(&inbound, false));
        match (ip, self.q.port) {
            (Some(address), Some(port)) => {
                match nacl_explain(&inbound, false, self.q.protocol, port, address) {
                    Some(entry) => {
                        lines.push(format!("{prefix}: decided by {}", entry_text(acl, entry)))
                    }
                    None => lines.push(format!(
                        "{prefix}: no inbound entry matches; the implicit deny (*) decides"
                    )),
                }
            }
            _ => self.walk(acl, &inbound, false, allowed_in, &prefix, lines),
        }
        if passed.is_empty() {
            return Ok(IntervalSet::empty());
        }
        // ACLs are stateless: the reply leaves on the client's ephemeral
        // port and needs an outbound entry of its own.
        let ephemeral = &self.config.network.ephemeral_ports;
        // Replies go only to the part of X whose request got through.
        let answered = peers_of(&passed);
        let reply = ephemeral
            .ranges()
            .into_iter()
            .fold(FlowSet::empty(), |acc, ports| {
                acc.union(&FlowSet::rule(
                    Protocol::Number(self.q.protocol),
                    ports,
                    answered.clone(),
                ))
            });
        if !Protocol::has_ports(self.q.protocol) {
            lines.push(format!(
                "{prefix}: (stateless) replies are checked on all of {}",
                Protocol::name(self.q.protocol)
            ));
        }
        let reply_allowed = reply.intersection(&nacl_allowed(&outbound, true));
        let reply_prefix = format!(
            "{prefix}: reply to {} on ephemeral ports {ephemeral} (ACLs are stateless)",
            self.q.from_text
        );
        self.walk(acl, &outbound, true, &reply, &reply_prefix, lines);
        if reply_allowed.is_empty() {
            lines.push(format!(
                "{reply_prefix}: no reply can leave, so no connection completes"
            ));
            return Ok(IntervalSet::empty());
        }
        if reply_allowed != reply {
            lines.push(format!(
                "{reply_prefix}: only partly allowed ({}); clients using other source ports fail",
                flows_text(&reply_allowed)
            ));
        }
        Ok(ports_of(&passed))
    }

    /// First match, entry by entry: which entry decides which part of `probe`.
    fn walk(
        &self,
        acl: &NetworkAcl,
        entries: &[NaclEntry],
        egress: bool,
        probe: &FlowSet,
        prefix: &str,
        lines: &mut Vec<String>,
    ) {
        let mut ordered: Vec<&NaclEntry> = entries.iter().filter(|e| e.egress == egress).collect();
        ordered.sort_by_key(|e| e.rule_number);
        let mut undecided = probe.clone();
        for entry in ordered {
            if undecided.is_empty() {
                break;
            }
            let decided = entry.flows().intersection(&undecided);
            if !decided.is_empty() {
                lines.push(format!(
                    "{prefix}: {} decides {}",
                    entry_text(acl, entry),
                    flows_text(&decided)
                ));
                undecided = undecided.difference(&decided);
            }
        }
        if !undecided.is_empty() {
            lines.push(format!(
                "{prefix}: the implicit deny (*) decides {}",
                flows_text(&undecided)
            ));
        }
    }
}

/// The address peers of a flow set, whatever the protocol and port.
fn peers_of(flows: &FlowSet) -> Peers {
    flows
        .describe()
        .iter()
        .flat_map(|piece| piece.ipv4.iter().chain(&piece.ipv6))
        .filter_map(|c| c.parse::<Cidr>().ok())
        .fold(Peers::none(), |acc, c| acc.union(&Peers::cidr(c)))
}

/// One address as a peer set.
fn host_peers(ip: IpAddr) -> Peers {
    match ip {
        IpAddr::V4(a) => Peers {
            ipv4: IntervalSet::from_range(u32::from(a), u32::from(a)),
            ..Peers::none()
        },
        IpAddr::V6(a) => Peers {
            ipv6: IntervalSet::from_range(u128::from(a), u128::from(a)),
            ..Peers::none()
        },
    }
}

/// A subnet's own address blocks: traffic inside them does not cross its ACL.
fn subnet_peers(subnet: &Subnet) -> Peers {
    subnet
        .cidr_block
        .iter()
        .chain(&subnet.ipv6_cidr_blocks)
        .filter_map(|c| c.parse::<Cidr>().ok())
        .fold(Peers::none(), |acc, c| acc.union(&Peers::cidr(c)))
}
