//! The "who" side of a rule: addresses and symbolic references.

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::cidr::{Cidr, Ipv4Cidr, Ipv6Cidr};
use crate::interval::IntervalSet;

/// One peer of a flow, for membership questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer<'a> {
    /// A concrete source or destination address.
    Addr(IpAddr),
    /// A security group, by ID (`sg-…`).
    Group(&'a str),
    /// A managed prefix list, by ID (`pl-…`).
    PrefixList(&'a str),
}

/// A set of peers: IPv4 and IPv6 address sets plus symbolic security-group
/// and prefix-list references.
///
/// The four components are independent: set operations act on each one
/// separately. Symbolic peers are *not* expanded into addresses (that needs
/// the members of the group or the entries of the list, which this crate does
/// not know), so `sg-1` is neither inside nor outside `0.0.0.0/0`; it is just
/// a distinct name. A rule that references `sg-1` is matched by
/// [`Peer::Group`]`("sg-1")`, never by an address.
///
/// Every component is canonical, so `==` is set equality.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Peers {
    /// IPv4 addresses, as integers.
    pub ipv4: IntervalSet<u32>,
    /// IPv6 addresses, as integers.
    pub ipv6: IntervalSet<u128>,
    /// Referenced security group IDs.
    pub groups: BTreeSet<String>,
    /// Referenced managed prefix list IDs.
    pub prefix_lists: BTreeSet<String>,
}

impl Peers {
    /// No peers at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// The addresses of one IPv4 block.
    pub fn ipv4(cidr: Ipv4Cidr) -> Self {
        Self {
            ipv4: cidr.to_set(),
            ..Self::default()
        }
    }

    /// The addresses of one IPv6 block.
    pub fn ipv6(cidr: Ipv6Cidr) -> Self {
        Self {
            ipv6: cidr.to_set(),
            ..Self::default()
        }
    }

    /// The addresses of one block of either family.
    pub fn cidr(cidr: Cidr) -> Self {
        match cidr {
            Cidr::V4(cidr) => Self::ipv4(cidr),
            Cidr::V6(cidr) => Self::ipv6(cidr),
        }
    }

    /// One security group reference.
    pub fn group(id: impl Into<String>) -> Self {
        Self {
            groups: BTreeSet::from([id.into()]),
            ..Self::default()
        }
    }

    /// One managed prefix list reference.
    pub fn prefix_list(id: impl Into<String>) -> Self {
        Self {
            prefix_lists: BTreeSet::from([id.into()]),
            ..Self::default()
        }
    }

    /// Every IPv4 and IPv6 address (`0.0.0.0/0` and `::/0`).
    pub fn internet() -> Self {
        Self {
            ipv4: IntervalSet::full(),
            ipv6: IntervalSet::full(),
            ..Self::default()
        }
    }

    /// Every address; the same as [`Peers::internet`].
    ///
    /// The set of all group and prefix-list IDs cannot be written down, and
    /// is not needed: every address a symbolic peer can stand for is already
    /// included, and membership of a symbolic peer is asked separately.
    pub fn all() -> Self {
        Self::internet()
    }

    /// Whether the set has no peers of any kind.
    pub fn is_empty(&self) -> bool {
        self.ipv4.is_empty()
            && self.ipv6.is_empty()
            && self.groups.is_empty()
            && self.prefix_lists.is_empty()
    }

    /// Peers in either set.
    pub fn union(&self, other: &Self) -> Self {
        Self {
            ipv4: self.ipv4.union(&other.ipv4),
            ipv6: self.ipv6.union(&other.ipv6),
            groups: self.groups.union(&other.groups).cloned().collect(),
            prefix_lists: self
                .prefix_lists
                .union(&other.prefix_lists)
                .cloned()
                .collect(),
        }
    }

    /// Peers in both sets.
    pub fn intersection(&self, other: &Self) -> Self {
        Self {
            ipv4: self.ipv4.intersection(&other.ipv4),
            ipv6: self.ipv6.intersection(&other.ipv6),
            groups: self.groups.intersection(&other.groups).cloned().collect(),
            prefix_lists: self
                .prefix_lists
                .intersection(&other.prefix_lists)
                .cloned()
                .collect(),
        }
    }

    /// Peers in `self` but not in `other`.
    pub fn difference(&self, other: &Self) -> Self {
        Self {
            ipv4: self.ipv4.difference(&other.ipv4),
            ipv6: self.ipv6.difference(&other.ipv6),
            groups: self.groups.difference(&other.groups).cloned().collect(),
            prefix_lists: self
                .prefix_lists
                .difference(&other.prefix_lists)
                .cloned()
                .collect(),
        }
    }

    /// Whether every peer of `self` is in `other`.
    pub fn is_subset(&self, other: &Self) -> bool {
        self.ipv4.is_subset(&other.ipv4)
            && self.ipv6.is_subset(&other.ipv6)
            && self.groups.is_subset(&other.groups)
            && self.prefix_lists.is_subset(&other.prefix_lists)
    }

    /// Whether `address` is in the address part of the set.
    pub fn contains_addr(&self, address: IpAddr) -> bool {
        match address {
            IpAddr::V4(address) => self.ipv4.contains(u32::from(address)),
            IpAddr::V6(address) => self.ipv6.contains(u128::from(address)),
        }
    }

    /// Whether `peer` is in the set.
    pub fn contains(&self, peer: Peer<'_>) -> bool {
        match peer {
            Peer::Addr(address) => self.contains_addr(address),
            Peer::Group(id) => self.groups.contains(id),
            Peer::PrefixList(id) => self.prefix_lists.contains(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_independent() {
        let web = Peers::group("sg-web").union(&Peers::ipv4("10.0.0.0/8".parse().unwrap()));
        assert!(web.contains(Peer::Group("sg-web")));
        assert!(!web.contains(Peer::Group("sg-db")));
        assert!(web.contains(Peer::Addr("10.1.2.3".parse().unwrap())));
        assert!(!web.contains(Peer::Addr("::1".parse().unwrap())));
        let without_group = web.difference(&Peers::group("sg-web"));
        assert_eq!(without_group, Peers::ipv4("10.0.0.0/8".parse().unwrap()));
        assert!(Peers::all().contains(Peer::Addr("2001:db8::1".parse().unwrap())));
        assert!(!Peers::all().contains(Peer::PrefixList("pl-1")));
    }
}
