//! Exact set algebra for AWS network reachability.
//!
//! kensa asks questions such as "is every flow this security group permits a
//! declared one?" and "what does this network ACL let in?". Answering them by
//! sampling addresses or ports could miss a single open port, so this crate
//! represents the sets of flows *exactly* and answers with set operations.
//!
//! # Representation
//!
//! - [`IntervalSet<T>`] is a set of integers (`u16` ports, `u32` IPv4
//!   addresses, `u128` IPv6 addresses, `u8` protocol numbers) stored as
//!   sorted, disjoint, non-adjacent inclusive ranges. A CIDR block is one
//!   range; any union, intersection or difference of blocks is again a finite
//!   list of ranges, so no operation ever approximates.
//! - [`Peers`] is the remote side of a rule: an IPv4 set, an IPv6 set, and
//!   the security group and prefix list IDs a rule references. Symbolic
//!   references are kept as names because their members are not known here.
//! - [`FlowSet`] is a set of `(protocol, port, peer)` triples, stored as a
//!   piecewise-constant map protocol → (port → [`Peers`]). A rule is a box
//!   (protocol range × port range × peers), and combining two such maps only
//!   needs the union of their breakpoints, so every operation is exact and
//!   costs time proportional to the number of segments, never to the size of
//!   the 256 × 65536 × 2¹²⁸ space.
//!
//! Every type keeps a canonical form (touching ranges and neighbouring
//! segments with equal values are merged), so each set has one
//! representation and `==` is set equality: two rule lists allow the same
//! traffic exactly when their [`FlowSet`]s compare equal.
//!
//! # AWS semantics
//!
//! - [`nacl_allowed`] walks network ACL entries in rule-number order; the
//!   first entry that matches a packet decides it and anything unmatched is
//!   denied. [`nacl_explain`] names the deciding entry of one packet.
//! - [`sg_allowed`] is the union of security group rules, which only allow.
//!   [`sg_explain`] lists the rules that allow one flow.
//! - Protocol `-1` means every protocol and every port. Ports only exist for
//!   TCP and UDP; for ICMP and ICMPv6 the port dimension holds the ICMP type
//!   (codes are not modelled). See [`FlowSet::rule`].
//!
//! # Example
//!
//! ```
//! use kensa_net::{FlowSet, Peers, Protocol};
//!
//! let internet = Peers::ipv4("0.0.0.0/0".parse()?);
//! let https = FlowSet::rule(Protocol::TCP, Some((443, 443)), internet.clone());
//! let declared = FlowSet::rule(Protocol::TCP, Some((80, 443)), internet);
//! assert!(https.is_subset(&declared));
//! let extra = declared.difference(&https);
//! assert_eq!(extra.describe()[0].to_string(), "tcp ports 80-442: 0.0.0.0/0");
//! # Ok::<(), kensa_net::CidrError>(())
//! ```

mod cidr;
mod flow;
mod interval;
mod nacl;
mod peers;
mod piecewise;
mod protocol;
mod sg;

pub use cidr::{Cidr, CidrError, Ipv4Cidr, Ipv6Cidr, ipv4_cidrs, ipv6_cidrs};
pub use flow::{FlowPiece, FlowSet};
pub use interval::{IntervalSet, Point};
pub use nacl::{DEFAULT_DENY_RULE_NUMBER, NaclEntry, nacl_allowed, nacl_explain};
pub use peers::{Peer, Peers};
pub use protocol::{ICMP, ICMPV6, Protocol, ProtocolError, TCP, UDP};
pub use sg::{SgRule, sg_allowed, sg_explain};
