//! Network ACL evaluation with AWS first-match semantics.

use std::net::IpAddr;

use crate::cidr::Cidr;
use crate::flow::FlowSet;
use crate::peers::Peers;
use crate::protocol::Protocol;

/// The rule number AWS gives the implicit final deny (shown as `*`).
pub const DEFAULT_DENY_RULE_NUMBER: i32 = 32767;

/// One network ACL entry, as returned by `DescribeNetworkAcls`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaclEntry {
    /// Entries of one direction are evaluated in ascending order.
    pub rule_number: i32,
    /// The protocol the entry matches.
    pub protocol: Protocol,
    /// Port (or ICMP type) range; `None` means all. See [`FlowSet::rule`].
    pub ports: Option<(u16, u16)>,
    /// The remote address block (source for ingress, destination for
    /// egress).
    pub cidr: Cidr,
    /// Allow or deny.
    pub allow: bool,
    /// Outbound (`true`) or inbound (`false`).
    pub egress: bool,
}

impl NaclEntry {
    /// The packets this entry matches, whatever its action.
    pub fn flows(&self) -> FlowSet {
        FlowSet::rule(self.protocol, self.ports, Peers::cidr(self.cidr))
    }
}

/// The entries of one direction in evaluation order. The sort is stable, so
/// duplicate rule numbers (which AWS rejects) keep their input order.
fn in_evaluation_order(entries: &[NaclEntry], egress: bool) -> Vec<&NaclEntry> {
    let mut ordered: Vec<&NaclEntry> = entries
        .iter()
        .filter(|entry| entry.egress == egress)
        .collect();
    ordered.sort_by_key(|entry| entry.rule_number);
    ordered
}

/// Exactly the `(protocol, port, remote address)` flows that one direction
/// of a network ACL allows.
///
/// First match wins: walking the entries in order, an entry decides the
/// packets it matches that no earlier entry matched. Whatever no entry
/// matches is denied, so the result is the same whether or not the `*`
/// entry (rule 32767) is present in `entries`. The result only has address
/// peers.
pub fn nacl_allowed(entries: &[NaclEntry], egress: bool) -> FlowSet {
    let mut allowed = FlowSet::empty();
    let mut undecided = FlowSet::everything(Peers::internet());
    for entry in in_evaluation_order(entries, egress) {
        if undecided.is_empty() {
            break;
        }
        let matched = entry.flows();
        if entry.allow {
            allowed = allowed.union(&matched.intersection(&undecided));
        }
        undecided = undecided.difference(&matched);
    }
    allowed
}

/// The entry that decides the packet `(protocol, port, address)` in one
/// direction, or `None` when no entry matches and the implicit deny applies.
///
/// When the `*` entry is present in `entries` it is returned for packets no
/// other entry matches.
pub fn nacl_explain(
    entries: &[NaclEntry],
    egress: bool,
    protocol: u8,
    port: u16,
    address: IpAddr,
) -> Option<&NaclEntry> {
    in_evaluation_order(entries, egress)
        .into_iter()
        .find(|entry| entry.flows().contains(protocol, port, address))
}
