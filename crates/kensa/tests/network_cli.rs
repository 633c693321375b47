//! `kensa network` on a small three-tier snapshot built here: no AWS.
//!
//! web (sg-web) takes 443 from the internet, app (sg-app) takes 8080 from
//! web, db (sg-db) takes 5432 from app and, undeclared, 22 from the VPC.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

const REGION: &str = "ap-northeast-1";

const CONFIG: &str = r#"
[[network.flows]]
name = "public site"
from = "internet"
to = "sg-name:web"
ports = 443
reason = "the site is public over HTTPS"

[[network.flows]]
name = "web to app"
from = "sg-name:web"
to = "sg-name:app"
ports = 8080
reason = "the web tier forwards to the application"

[[network.flows]]
name = "app to db"
from = "sg-name:app"
to = "sg-name:db"
ports = 5432
reason = "the application's PostgreSQL"
"#;

fn tcp(port: i32, cidrs: &[(&str, &str)], groups: &[(&str, &str)]) -> Value {
    json!({
        "protocol": "tcp",
        "from_port": port,
        "to_port": port,
        "ipv4_ranges": cidrs.iter().map(|(c, d)| json!({"cidr": c, "description": d})).collect::<Vec<_>>(),
        "groups": groups.iter().map(|(g, d)| json!({"group_id": g, "description": d})).collect::<Vec<_>>(),
    })
}

fn group(id: &str, name: &str, ingress: Vec<Value>, egress: Vec<Value>) -> Value {
    json!({"id": id, "name": name, "vpc_id": "vpc-1", "ingress": ingress, "egress": egress})
}

fn interface(id: &str, subnet: &str, group: &str, ip: &str) -> Value {
    json!({"id": id, "vpc_id": "vpc-1", "subnet_id": subnet, "group_ids": [group],
           "interface_type": "interface", "private_ip_addresses": [ip]})
}

fn acl_entry(rule: i32, egress: bool, allow: bool, ports: Option<(i32, i32)>, cidr: &str) -> Value {
    json!({"rule_number": rule, "protocol": if ports.is_some() { "6" } else { "-1" },
           "rule_action": if allow { "allow" } else { "deny" }, "egress": egress,
           "cidr_block": cidr, "port_from": ports.map(|p| p.0), "port_to": ports.map(|p| p.1)})
}

fn network() -> Value {
    let all_out = json!({"protocol": "-1", "ipv4_ranges": [{"cidr": "0.0.0.0/0"}]});
    json!({
        "vpcs": {"value": [{"id": "vpc-1", "cidr_blocks": ["10.0.0.0/16"]}]},
        "subnets": {"value": [
            {"id": "subnet-pub", "vpc_id": "vpc-1", "cidr_block": "10.0.0.0/24"},
            {"id": "subnet-app", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24"},
            {"id": "subnet-db", "vpc_id": "vpc-1", "cidr_block": "10.0.2.0/24"},
        ]},
        "security_groups": {"value": [
            group("sg-web", "web", vec![tcp(443, &[("0.0.0.0/0", "https")], &[])], vec![all_out.clone()]),
            group("sg-app", "app", vec![tcp(8080, &[], &[("sg-web", "from web")])],
                  vec![tcp(5432, &[], &[("sg-db", "to postgres")])]),
            group("sg-db", "db", vec![
                tcp(5432, &[], &[("sg-app", "app to postgres")]),
                tcp(22, &[("10.0.0.0/16", "ssh from the VPC")], &[]),
            ], vec![]),
        ]},
        "network_interfaces": {"value": [
            interface("eni-web", "subnet-pub", "sg-web", "10.0.0.10"),
            interface("eni-app", "subnet-app", "sg-app", "10.0.1.10"),
            interface("eni-db", "subnet-db", "sg-db", "10.0.2.10"),
        ]},
        "network_acls": {"value": [
            {"id": "acl-pub", "vpc_id": "vpc-1", "subnet_ids": ["subnet-pub"], "entries": [
                acl_entry(100, false, true, Some((443, 443)), "0.0.0.0/0"),
                acl_entry(110, false, true, None, "10.0.0.0/16"),
                acl_entry(32767, false, false, None, "0.0.0.0/0"),
                acl_entry(100, true, true, Some((1024, 65535)), "0.0.0.0/0"),
                acl_entry(110, true, true, None, "10.0.0.0/16"),
                acl_entry(32767, true, false, None, "0.0.0.0/0"),
            ]},
            {"id": "acl-default", "vpc_id": "vpc-1", "is_default": true, "subnet_ids": ["subnet-app", "subnet-db"], "entries": [
                acl_entry(100, false, true, None, "0.0.0.0/0"),
                acl_entry(32767, false, false, None, "0.0.0.0/0"),
                acl_entry(100, true, true, None, "0.0.0.0/0"),
                acl_entry(32767, true, false, None, "0.0.0.0/0"),
            ]},
        ]},
    })
}

fn snapshot(network: Value) -> Value {
    json!({
        "schema_version": 1,
        "kensa_version": "0.1.0",
        "collected_at": "2025-01-01T00:00:00Z",
        "account": {"value": {"id": "123456789012", "partition": "aws",
                              "caller_arn": "arn:aws:iam::123456789012:user/auditor"}},
        "audited_regions": [REGION],
        "iam": {},
        "regions": {REGION: {"network": network}},
    })
}

/// A temporary directory with `snapshot.json` and `kensa.toml`.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(snapshot: &Value) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("snapshot.json"),
            serde_json::to_string_pretty(snapshot).expect("json"),
        )
        .expect("write the snapshot");
        std::fs::write(dir.path().join("kensa.toml"), CONFIG).expect("write kensa.toml");
        Fixture { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn network(&self, args: &[&str]) -> Output {
        let snapshot: PathBuf = self.path().join("snapshot.json");
        Command::new(env!("CARGO_BIN_EXE_kensa"))
            .arg("network")
            .arg("--snapshot")
            .arg(&snapshot)
            // English unless the test asks otherwise (clap refuses --lang twice).
            .args(if args.contains(&"--lang") {
                &[][..]
            } else {
                &["--lang", "en"][..]
            })
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("run the kensa binary")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo() -> Fixture {
    Fixture::new(&snapshot(network()))
}

#[test]
fn the_table_names_the_rule_that_lets_app_reach_db() {
    let f = demo();
    let o = f.network(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("REGION"), "{text}");
    let row = lines
        .iter()
        .find(|l| l.contains("sg-app (app)") && l.contains("db (sg-db)"))
        .unwrap_or_else(|| panic!("no app -> db row in\n{text}"));
    let cells: Vec<&str> = row
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        cells,
        [
            REGION,
            "db (sg-db)",
            "ingress",
            "sg-app (app)",
            "tcp",
            "5432",
            "sg-db ingress #0",
            "yes",
            "app to postgres"
        ],
        "{text}"
    );
    // The ssh rule is not in the flow matrix.
    let ssh = lines
        .iter()
        .find(|l| l.contains("10.0.0.0/16"))
        .expect("ssh row");
    assert!(
        ssh.contains("sg-db ingress #1") && ssh.contains(" NO "),
        "{text}"
    );
    // Columns line up: every row starts its RULE column at the same place.
    let rule_col = lines[0].find("RULE").expect("RULE header");
    assert_eq!(&row[rule_col..rule_col + 5], "sg-db", "{text}");

    let ja = f.network(&["--lang", "ja"]);
    assert!(stdout(&ja).starts_with("リージョン"), "{}", stdout(&ja));
    assert!(stdout(&ja).contains("未宣言"));

    let json = f.network(&["--format", "json"]);
    let rows: Value = serde_json::from_str(&stdout(&json)).expect("json rows");
    let app_db = rows
        .as_array()
        .expect("an array")
        .iter()
        .find(|r| r["group_id"] == "sg-db" && r["source"] == "sg-app")
        .expect("app -> db row");
    assert_eq!(app_db["rule"], "sg-db ingress #0");
    assert_eq!(app_db["ports"], "5432");
    assert_eq!(app_db["declared"], "yes");
    assert_eq!(app_db["declared_by"], json!(["app to db"]));
}

const EXPECTED_DOT: &str = r#"digraph kensa_network {
  rankdir=LR;
  node [shape=box];
  "sg-app" [label="app\nsg-app"];
  "sg-db" [label="db\nsg-db"];
  "sg-web" [label="web\nsg-web"];
  "0.0.0.0/0" [label="internet\n0.0.0.0/0", shape=ellipse];
  "10.0.0.0/16" [label="10.0.0.0/16", shape=ellipse];
  "0.0.0.0/0" -> "sg-web" [label="tcp 443"];
  "10.0.0.0/16" -> "sg-db" [label="tcp 22", color=red, style=dashed];
  "sg-app" -> "sg-db" [label="tcp 5432"];
  "sg-web" -> "sg-app" [label="tcp 8080"];
}
"#;

const EXPECTED_MERMAID: &str = r#"flowchart LR
  sg_app["app<br/>sg-app"]
  sg_db["db<br/>sg-db"]
  sg_web["web<br/>sg-web"]
  net_0_0_0_0_0(["internet<br/>0.0.0.0/0"])
  net_10_0_0_0_16(["10.0.0.0/16"])
  net_0_0_0_0_0 -->|"tcp 443"| sg_web
  net_10_0_0_0_16 -.->|"tcp 22"| sg_db
  sg_app -->|"tcp 5432"| sg_db
  sg_web -->|"tcp 8080"| sg_app
  linkStyle 1 stroke:red
"#;

#[test]
fn dot_and_mermaid_draw_the_matrix_exactly() {
    let f = demo();
    let dot = f.network(&["--format", "dot"]);
    assert_eq!(dot.status.code(), Some(0), "{}", stderr(&dot));
    assert_eq!(stdout(&dot), EXPECTED_DOT);
    let mermaid = f.network(&["--format", "mermaid"]);
    assert_eq!(mermaid.status.code(), Some(0), "{}", stderr(&mermaid));
    assert_eq!(stdout(&mermaid), EXPECTED_MERMAID);
}

#[test]
fn graphviz_accepts_the_dot_output() {
    let f = demo();
    let dot_file = f.path().join("net.dot");
    std::fs::write(&dot_file, stdout(&f.network(&["--format", "dot"]))).expect("write dot");
    // scripts/test installs graphviz; a missing `dot` is a broken setup, not a pass.
    let rendered = Command::new("dot")
        .arg("-Tsvg")
        .arg(&dot_file)
        .output()
        .expect("graphviz `dot` runs (scripts/test installs it)");
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    assert!(stdout(&rendered).contains("<svg"));
}

#[test]
fn app_reaches_db_on_5432_through_a_named_rule() {
    let o = demo().network(&[
        "--from",
        "sg-name:app",
        "--to",
        "sg-name:db",
        "--port",
        "5432",
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    assert!(
        text.starts_with("YES: sg-name:app can reach sg-name:db on tcp 5432\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "ingress: allowed by sg-db ingress #0: tcp 5432 from sg-app (app) \"app to postgres\""
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "egress: allowed by sg-app egress #0: tcp 5432 to sg-db (db) \"to postgres\""
        ),
        "{text}"
    );

    // Without --port: on which ports.
    let o = demo().network(&["--from", "sg-name:app", "--to", "sg-name:db"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("reachable on tcp 5432"),
        "{}",
        stdout(&o)
    );

    let json = demo().network(&[
        "--from",
        "sg-name:app",
        "--to",
        "sg-name:db",
        "--port",
        "5432",
        "--format",
        "json",
    ]);
    let answer: Value = serde_json::from_str(&stdout(&json)).expect("json answer");
    assert_eq!(answer["answer"], "yes");
    assert_eq!(answer["reachable"], true);
    assert_eq!(answer["destinations"][0]["group_id"], "sg-db");
}

#[test]
fn the_internet_does_not_reach_db() {
    let o = demo().network(&["--from", "internet", "--to", "sg-name:db", "--port", "5432"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}{}", stderr(&o));
    assert!(
        text.starts_with("NO: internet cannot reach sg-name:db on tcp 5432\n"),
        "{text}"
    );
    assert!(
        text.contains("ingress: no rule of sg-db allows tcp 5432 from internet"),
        "{text}"
    );
    // sg-db admits 22 from 10.0.0.0/16: inside 0.0.0.0/0, but not the internet.
    let o = demo().network(&["--from", "internet", "--to", "sg-name:db", "--port", "22"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let o = demo().network(&["--from", "10.0.1.10", "--to", "sg-name:db", "--port", "22"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn an_address_reaching_web_names_the_deciding_acl_entries() {
    let o = demo().network(&[
        "--from",
        "203.0.113.9",
        "--to",
        "sg-name:web",
        "--port",
        "443",
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    assert!(
        text.starts_with("YES: 203.0.113.9 can reach sg-name:web on tcp 443\n"),
        "{text}"
    );
    assert!(
        text.contains("allowed by sg-web ingress #0: tcp 443 from 0.0.0.0/0 \"https\""),
        "{text}"
    );
    assert!(
        text.contains("network ACL acl-pub of subnet-pub: decided by acl-pub inbound rule 100: allow tcp 443 from 0.0.0.0/0"),
        "{text}"
    );
    assert!(
        text.contains("reply to 203.0.113.9 on ephemeral ports 1024-65535 (ACLs are stateless): acl-pub outbound rule 100: allow tcp 1024-65535 to 0.0.0.0/0"),
        "{text}"
    );

    // Port 80: the security group says no before any ACL is asked.
    let o = demo().network(&[
        "--from",
        "203.0.113.9",
        "--to",
        "sg-name:web",
        "--port",
        "80",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}

#[test]
fn unreadable_security_groups_cannot_tell_with_exit_2() {
    let mut n = network();
    n["security_groups"] = json!({"error": {"service": "ec2", "operation": "DescribeSecurityGroups",
        "region": REGION, "code": "UnauthorizedOperation", "message": "You are not authorized"}});
    let f = Fixture::new(&snapshot(n));
    let o = f.network(&[
        "--from",
        "sg-name:app",
        "--to",
        "sg-name:db",
        "--port",
        "5432",
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(2), "{text}{}", stderr(&o));
    assert!(text.starts_with("CANNOT TELL"), "{text}");
    assert!(
        text.contains("cannot tell: ec2:DescribeSecurityGroups failed in ap-northeast-1: UnauthorizedOperation"),
        "{text}"
    );
    assert!(!text.contains("cannot reach"), "{text}");

    // The matrix is incomplete: exit 1, the gap on standard error.
    let m = f.network(&[]);
    assert_eq!(m.status.code(), Some(1));
    assert!(
        stderr(&m).contains("cannot tell: ec2:DescribeSecurityGroups failed in ap-northeast-1"),
        "{}",
        stderr(&m)
    );
}

#[test]
fn bad_questions_exit_2() {
    let f = demo();
    let o = f.network(&["--from", "sg-name:app", "--to", "sg-name:nope"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("`sg-name:nope` names no security group"),
        "{}",
        stderr(&o)
    );
    let o = f.network(&["--from", "somewhere", "--to", "sg-name:db"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not an endpoint"), "{}", stderr(&o));
    let o = f.network(&["--from", "sg-name:app", "--to", "10.0.0.1"]);
    assert_eq!(o.status.code(), Some(2));
}
