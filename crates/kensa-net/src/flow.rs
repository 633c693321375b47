//! Exact sets of `(protocol, port, peer)` flows.

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::cidr::{ipv4_cidrs, ipv6_cidrs};
use crate::interval::IntervalSet;
use crate::peers::{Peer, Peers};
use crate::piecewise::Piecewise;
use crate::protocol::{ICMP, ICMPV6, Protocol};

/// For one protocol: which peers are in the set on each port.
type PortMap = Piecewise<u16, Peers>;

/// An exact set of `(protocol, port, peer)` triples.
///
/// Stored as a two-level piecewise-constant map: protocol number (0 to 255)
/// to a port map, and port (0 to 65535) to the [`Peers`] in the set for that
/// protocol and port. Both levels keep neighbouring segments distinct, so the
/// representation is canonical and `==` is set equality. "All traffic" is a
/// single protocol segment holding a single port segment.
///
/// Protocols without ports (everything except TCP, UDP, ICMP and ICMPv6) are
/// always a single port segment, so the port given to the `contains*`
/// methods does not matter for them. For ICMP and ICMPv6 the port dimension
/// is the ICMP type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FlowSet {
    by_protocol: Piecewise<u8, PortMap>,
}

impl FlowSet {
    /// No flows.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every protocol and port, with every peer of `peers`.
    pub fn everything(peers: Peers) -> Self {
        Self::rule(Protocol::All, None, peers)
    }

    /// The flows one AWS rule matches.
    ///
    /// - [`Protocol::All`] matches every protocol on every port; `ports` is
    ///   ignored, as AWS does for protocol `-1`.
    /// - For TCP and UDP, `ports` is the inclusive port range; `None` (AWS
    ///   FromPort/ToPort `-1`, or absent) means every port.
    /// - For ICMP and ICMPv6, `ports` is the inclusive range of ICMP types;
    ///   `None` means every type. AWS security groups put the *code* in
    ///   ToPort, so callers should pass `Some((type, type))` for a rule with
    ///   a specific type. Codes are not modelled: a type covers all its codes.
    /// - Every other protocol has no ports and `ports` is ignored.
    ///
    /// A range with `from > to` is empty, as is an empty `peers`.
    pub fn rule(protocol: Protocol, ports: Option<(u16, u16)>, peers: Peers) -> Self {
        match protocol {
            Protocol::All => Self {
                by_protocol: Piecewise::constant(Piecewise::constant(peers)),
            },
            Protocol::Number(number) => {
                let port_map = match ports {
                    Some((from, to)) if Protocol::has_ports(number) => {
                        Piecewise::on_range(from, to, peers)
                    }
                    _ => Piecewise::constant(peers),
                };
                Self {
                    by_protocol: Piecewise::on_range(number, number, port_map),
                }
            }
        }
    }

    /// Whether the set has no flows.
    pub fn is_empty(&self) -> bool {
        self.by_protocol.is_default()
    }

    /// Flows in either set.
    pub fn union(&self, other: &Self) -> Self {
        self.combine(other, Peers::union)
    }

    /// Flows in both sets.
    pub fn intersection(&self, other: &Self) -> Self {
        self.combine(other, Peers::intersection)
    }

    /// Flows in `self` but not in `other`.
    pub fn difference(&self, other: &Self) -> Self {
        self.combine(other, Peers::difference)
    }

    /// Whether every flow of `self` is in `other`.
    pub fn is_subset(&self, other: &Self) -> bool {
        self.difference(other).is_empty()
    }

    /// Applies a peer-wise operation at every `(protocol, port)`. Valid
    /// because every set operation on flows is the same operation on the
    /// peers of each `(protocol, port)` separately.
    fn combine(&self, other: &Self, peers_op: fn(&Peers, &Peers) -> Peers) -> Self {
        Self {
            by_protocol: self.by_protocol.combine(&other.by_protocol, |left, right| {
                left.combine(right, peers_op)
            }),
        }
    }

    /// The peers in the set for `protocol` and `port`.
    pub fn peers_at(&self, protocol: u8, port: u16) -> &Peers {
        self.by_protocol.get(protocol).get(port)
    }

    /// Whether the flow `(protocol, port, address)` is in the set.
    pub fn contains(&self, protocol: u8, port: u16, address: IpAddr) -> bool {
        self.peers_at(protocol, port).contains_addr(address)
    }

    /// Whether the flow `(protocol, port, security group)` is in the set.
    pub fn contains_group(&self, protocol: u8, port: u16, group_id: &str) -> bool {
        self.peers_at(protocol, port).groups.contains(group_id)
    }

    /// Whether the flow `(protocol, port, peer)` is in the set.
    pub fn contains_peer(&self, protocol: u8, port: u16, peer: Peer<'_>) -> bool {
        self.peers_at(protocol, port).contains(peer)
    }

    /// The set as a short list of disjoint pieces for human messages.
    ///
    /// Protocols with identical port maps are merged into one piece, so "all
    /// traffic from anywhere" is one piece with protocol `all`; within a
    /// protocol group, ports with identical peers are merged. The pieces are
    /// disjoint and their union is exactly the set.
    pub fn describe(&self) -> Vec<FlowPiece> {
        let mut protocol_groups: Vec<(&PortMap, IntervalSet<u8>)> = Vec::new();
        for (first, last, port_map) in self.by_protocol.pieces() {
            if port_map.is_default() {
                continue;
            }
            let protocols = IntervalSet::from_range(first, last);
            match protocol_groups.iter_mut().find(|(map, _)| *map == port_map) {
                Some((_, group)) => *group = group.union(&protocols),
                None => protocol_groups.push((port_map, protocols)),
            }
        }

        let mut pieces = Vec::new();
        for (port_map, protocols) in protocol_groups {
            let mut port_groups: Vec<(&Peers, IntervalSet<u16>)> = Vec::new();
            for (first, last, peers) in port_map.pieces() {
                if peers.is_empty() {
                    continue;
                }
                let ports = IntervalSet::from_range(first, last);
                match port_groups
                    .iter_mut()
                    .find(|(existing, _)| *existing == peers)
                {
                    Some((_, group)) => *group = group.union(&ports),
                    None => port_groups.push((peers, ports)),
                }
            }
            let only_icmp = protocols
                .iter()
                .all(|(lo, hi)| (lo..=hi).all(|number| number == ICMP || number == ICMPV6));
            for (peers, ports) in port_groups {
                pieces.push(FlowPiece {
                    protocol: protocol_label(&protocols),
                    ports: (!ports.is_full()).then(|| ports.ranges().to_vec()),
                    ports_are_icmp_types: only_icmp,
                    ipv4: ipv4_cidrs(&peers.ipv4)
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                    ipv6: ipv6_cidrs(&peers.ipv6)
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                    groups: peers.groups.iter().cloned().collect(),
                    prefix_lists: peers.prefix_lists.iter().cloned().collect(),
                });
            }
        }
        pieces
    }
}

/// Names a set of protocol numbers: `all`, `all except tcp`, `tcp, udp`,
/// `0-5, 7`…
fn protocol_label(protocols: &IntervalSet<u8>) -> String {
    fn list(set: &IntervalSet<u8>) -> String {
        set.iter()
            .map(|(lo, hi)| {
                if lo == hi {
                    Protocol::name(lo)
                } else {
                    format!("{lo}-{hi}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn count(set: &IntervalSet<u8>) -> usize {
        set.iter().map(|(lo, hi)| usize::from(hi - lo) + 1).sum()
    }

    if protocols.is_full() {
        return "all".to_owned();
    }
    let missing = protocols.complement();
    // "all except tcp" reads better than "0-5, 7-255".
    if count(&missing) <= 4 && count(&missing) < count(protocols) {
        format!("all except {}", list(&missing))
    } else {
        list(protocols)
    }
}

/// One piece of a [`FlowSet`], rendered for messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowPiece {
    /// `all`, `tcp`, `tcp, udp`, `all except tcp`, `47`, …
    pub protocol: String,
    /// Inclusive port (or ICMP type) ranges; `None` when every port is in
    /// the piece, including for protocols without ports.
    pub ports: Option<Vec<(u16, u16)>>,
    /// Whether `ports` holds ICMP types rather than ports.
    #[serde(skip)]
    pub ports_are_icmp_types: bool,
    /// IPv4 peers as a minimal list of CIDR blocks.
    pub ipv4: Vec<String>,
    /// IPv6 peers as a minimal list of CIDR blocks.
    pub ipv6: Vec<String>,
    /// Security group IDs.
    pub groups: Vec<String>,
    /// Managed prefix list IDs.
    pub prefix_lists: Vec<String>,
}

impl fmt::Display for FlowPiece {
    /// For example `tcp ports 22, 8000-8080: 10.0.0.0/8, sg-0abc`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.protocol)?;
        if let Some(ports) = &self.ports {
            let word = if self.ports_are_icmp_types {
                "type"
            } else {
                "port"
            };
            let plural = if ports.len() == 1 && ports[0].0 == ports[0].1 {
                ""
            } else {
                "s"
            };
            let ranges: Vec<String> = ports
                .iter()
                .map(|&(lo, hi)| {
                    if lo == hi {
                        lo.to_string()
                    } else {
                        format!("{lo}-{hi}")
                    }
                })
                .collect();
            write!(f, " {word}{plural} {}", ranges.join(", "))?;
        }
        let peers: Vec<&str> = self
            .ipv4
            .iter()
            .chain(&self.ipv6)
            .chain(&self.groups)
            .chain(&self.prefix_lists)
            .map(String::as_str)
            .collect();
        write!(f, ": {}", peers.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::TCP;

    fn v4(cidr: &str) -> Peers {
        Peers::ipv4(cidr.parse().unwrap())
    }

    #[test]
    fn all_traffic_is_one_piece() {
        let everything = FlowSet::everything(Peers::internet());
        let pieces = everything.describe();
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].to_string(), "all: 0.0.0.0/0, ::/0");
    }

    #[test]
    fn per_protocol_rules_that_cover_everything_equal_all() {
        let by_protocol = (0..=255u8)
            .map(|number| FlowSet::rule(Protocol::Number(number), None, v4("0.0.0.0/0")))
            .fold(FlowSet::empty(), |acc, rule| acc.union(&rule));
        assert_eq!(by_protocol, FlowSet::everything(v4("0.0.0.0/0")));
    }

    #[test]
    fn split_port_ranges_rejoin() {
        let low = FlowSet::rule(Protocol::TCP, Some((0, 1023)), v4("10.0.0.0/8"));
        let high = FlowSet::rule(Protocol::TCP, Some((1024, 65535)), v4("10.0.0.0/8"));
        assert_eq!(
            low.union(&high),
            FlowSet::rule(Protocol::TCP, None, v4("10.0.0.0/8"))
        );
    }

    #[test]
    fn describe_names_the_hole() {
        let everything = FlowSet::everything(v4("0.0.0.0/0"));
        let ssh = FlowSet::rule(Protocol::TCP, Some((22, 22)), v4("0.0.0.0/0"));
        let rendered: Vec<String> = everything
            .difference(&ssh)
            .describe()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            rendered,
            [
                "all except tcp: 0.0.0.0/0",
                "tcp ports 0-21, 23-65535: 0.0.0.0/0"
            ]
        );
        let icmp = FlowSet::rule(Protocol::ICMP, Some((8, 8)), Peers::group("sg-1"));
        assert_eq!(icmp.describe()[0].to_string(), "icmp type 8: sg-1");
    }

    #[test]
    fn portless_protocols_ignore_ports() {
        let gre = FlowSet::rule(Protocol::Number(47), Some((5, 5)), v4("0.0.0.0/0"));
        assert!(gre.contains(47, 9999, "1.2.3.4".parse().unwrap()));
        assert!(!gre.contains(TCP, 5, "1.2.3.4".parse().unwrap()));
        let inverted = FlowSet::rule(Protocol::TCP, Some((10, 5)), v4("0.0.0.0/0"));
        assert!(inverted.is_empty());
        assert!(FlowSet::rule(Protocol::TCP, None, Peers::none()).is_empty());
    }
}
