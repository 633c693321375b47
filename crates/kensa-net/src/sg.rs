//! Security group evaluation.

use crate::flow::FlowSet;
use crate::peers::{Peer, Peers};
use crate::protocol::Protocol;

/// One security group permission, flattened to a single protocol and port
/// range and the peers it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgRule {
    /// The protocol the rule allows.
    pub protocol: Protocol,
    /// Port (or ICMP type) range; `None` means all. See [`FlowSet::rule`].
    pub ports: Option<(u16, u16)>,
    /// The remote side: CIDRs, referenced groups and prefix lists.
    pub peers: Peers,
    /// The rule's description, kept for messages.
    pub description: Option<String>,
}

impl SgRule {
    /// The flows this rule allows.
    pub fn flows(&self) -> FlowSet {
        FlowSet::rule(self.protocol, self.ports, self.peers.clone())
    }
}

/// Exactly the flows a set of security group rules (of one direction)
/// allows. Security groups only allow, so this is the union of the rules.
pub fn sg_allowed(rules: &[SgRule]) -> FlowSet {
    rules.iter().fold(FlowSet::empty(), |allowed, rule| {
        allowed.union(&rule.flows())
    })
}

/// The indexes of the rules that allow `(protocol, port, peer)`, in input
/// order; empty when the flow is not allowed.
pub fn sg_explain(rules: &[SgRule], protocol: u8, port: u16, peer: Peer<'_>) -> Vec<usize> {
    rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| rule.flows().contains_peer(protocol, port, peer))
        .map(|(index, _)| index)
        .collect()
}
