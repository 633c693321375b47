//! `[network]` in kensa.toml: the sheet's table of required communication.

use serde::{Deserialize, Serialize};

use super::endpoint::Endpoint;
use super::ports::PortSpec;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkConfig {
    /// The flow matrix. Empty: NET-1 falls back to the sheet's red lines
    /// (internet exposure, admin and database ports, full ranges, default
    /// groups) and leaves "only what is needed" to a person (MANUAL).
    pub flows: Vec<FlowDecl>,
    /// Ports that may face the internet when no flow matrix is declared.
    pub public_ports: Vec<u16>,
    /// Administrative ports: never open beyond the VPC unless declared.
    pub admin_ports: Vec<u16>,
    /// Database and cache ports: never open beyond the VPC unless declared.
    pub database_ports: Vec<u16>,
    /// Judge egress rules against the flow matrix too (the sheet: ingress
    /// and egress). Off: only ingress is judged.
    pub check_egress: bool,
    /// NET-2: what every subnet's network ACL must deny.
    pub baseline_deny: Vec<BaselineRule>,
    /// NET-2: subnets whose ACL controls who may reach them.
    pub subnet_boundaries: Vec<SubnetBoundary>,
    /// Return traffic of connections a subnet opens comes back to these
    /// ports from anywhere; stateless ACLs must allow it, so boundaries do
    /// not count it as undeclared.
    pub ephemeral_ports: PortSpec,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            flows: Vec::new(),
            public_ports: vec![80, 443],
            admin_ports: vec![22, 3389],
            database_ports: vec![1433, 1521, 3306, 5432, 5439, 6379, 9200, 9300, 11211, 27017],
            check_egress: true,
            baseline_deny: vec![
                BaselineRule::tcp(22, "0.0.0.0/0"),
                BaselineRule::tcp(22, "::/0"),
                BaselineRule::tcp(3389, "0.0.0.0/0"),
                BaselineRule::tcp(3389, "::/0"),
            ],
            subnet_boundaries: Vec::new(),
            ephemeral_ports: PortSpec::range(1024, 65535),
        }
    }
}

/// One line of the sheet's communication table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowDecl {
    pub name: String,
    /// `internet`, `cidr:10.0.0.0/16`, `sg:sg-0123`, `sg-name:app`,
    /// `tag:Role=app` (security groups with that tag), `pl:pl-0123`.
    pub from: Endpoint,
    pub to: Endpoint,
    /// `tcp`, `udp`, `icmp`, `all` or a protocol number.
    #[serde(default = "tcp")]
    pub protocol: String,
    /// `443`, `80,443`, `1024-65535` or `all`.
    pub ports: PortSpec,
    /// Why the system needs it (shown as evidence).
    pub reason: String,
}

fn tcp() -> String {
    "tcp".to_owned()
}

/// Traffic every subnet's ACL must deny inbound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineRule {
    #[serde(default = "tcp")]
    pub protocol: String,
    pub ports: PortSpec,
    /// The source that must be denied (`0.0.0.0/0`, `::/0`).
    pub cidr: String,
}

impl BaselineRule {
    fn tcp(port: u16, cidr: &str) -> Self {
        BaselineRule {
            protocol: tcp(),
            ports: PortSpec::range(port, port),
            cidr: cidr.to_owned(),
        }
    }
}

/// A subnet boundary: the subnets it covers may be reached only as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetBoundary {
    pub name: String,
    /// `subnet:subnet-0123`, `tag:Tier=db` or `cidr:10.0.20.0/24`
    /// (subnets inside that range).
    pub subnets: Endpoint,
    /// Who may reach them; everything else must be denied by their ACL.
    pub allow: Vec<BoundaryAllow>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundaryAllow {
    /// `cidr:10.0.10.0/24`, `subnet:subnet-0123`, `tag:Tier=app` or `internet`.
    pub from: Endpoint,
    #[serde(default = "tcp")]
    pub protocol: String,
    pub ports: PortSpec,
}
