//! Algebraic laws and point-wise soundness of the set types, and network ACL
//! evaluation against a brute-force first-match evaluator.
//!
//! Generators draw values from small neighbourhoods (including both ends of
//! each domain) so that random sets overlap often; the code under test is the
//! ordinary generic code.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use kensa_net::{
    Cidr, FlowSet, IntervalSet, Ipv4Cidr, Ipv6Cidr, NaclEntry, Peer, Peers, Point, Protocol,
    ipv4_cidrs, ipv6_cidrs, nacl_allowed,
};
use proptest::prelude::*;

/// Maps a small code to a value near either end of the domain, so that the
/// boundary handling at `MIN` and `MAX` is exercised.
trait NearEnds: Point {
    fn near_ends(code: u8) -> Self;
}

macro_rules! impl_near_ends {
    ($($t:ty),*) => {$(
        impl NearEnds for $t {
            fn near_ends(code: u8) -> Self {
                let code = code % 32;
                if code < 16 { <$t>::from(code) } else { <$t>::MAX - <$t>::from(31 - code) }
            }
        }
    )*};
}

impl_near_ends!(u16, u32, u128);

fn value<T: NearEnds>() -> impl Strategy<Value = T> {
    any::<u8>().prop_map(T::near_ends)
}

fn interval_set<T: NearEnds>() -> impl Strategy<Value = IntervalSet<T>> {
    prop::collection::vec((value::<T>(), value::<T>()), 0..4).prop_map(|pairs| {
        IntervalSet::from_ranges(pairs.into_iter().map(|(a, b)| (a.min(b), a.max(b))))
    })
}

macro_rules! interval_laws {
    ($module:ident, $t:ty) => {
        mod $module {
            use super::*;

            proptest! {
                #[test]
                fn algebra(a in interval_set::<$t>(), b in interval_set::<$t>(), c in interval_set::<$t>()) {
                    prop_assert_eq!(a.union(&b), b.union(&a));
                    prop_assert_eq!(a.intersection(&b), b.intersection(&a));
                    prop_assert_eq!(a.union(&b).union(&c), a.union(&b.union(&c)));
                    prop_assert_eq!(a.intersection(&b).intersection(&c), a.intersection(&b.intersection(&c)));
                    prop_assert_eq!(a.intersection(&b.union(&c)), a.intersection(&b).union(&a.intersection(&c)));
                    prop_assert_eq!(a.union(&b.intersection(&c)), a.union(&b).intersection(&a.union(&c)));
                    prop_assert_eq!(a.union(&a), a.clone());
                    prop_assert!(a.difference(&a).is_empty());
                    prop_assert!(a.difference(&b).intersection(&b).is_empty());
                    prop_assert_eq!(a.union(&b.difference(&a)), a.union(&b));
                    prop_assert_eq!(a.union(&b).complement(), a.complement().intersection(&b.complement()));
                    prop_assert_eq!(a.intersection(&b).complement(), a.complement().union(&b.complement()));
                    prop_assert_eq!(a.complement().complement(), a.clone());
                    prop_assert!(a.is_subset(&a.union(&b)));
                    prop_assert!(a.intersection(&b).is_subset(&a));
                    prop_assert_eq!(a.is_subset(&b), a.union(&b) == b);
                }

                #[test]
                fn canonical(a in interval_set::<$t>()) {
                    for pair in a.ranges().windows(2) {
                        let (_, end) = pair[0];
                        let (start, _) = pair[1];
                        prop_assert!(end.successor().is_some_and(|next| next < start));
                    }
                    prop_assert!(a.iter().all(|(lo, hi)| lo <= hi));
                }

                #[test]
                fn pointwise(a in interval_set::<$t>(), b in interval_set::<$t>(), points in prop::collection::vec(value::<$t>(), 16)) {
                    for p in points {
                        let (in_a, in_b) = (a.contains(p), b.contains(p));
                        prop_assert_eq!(a.union(&b).contains(p), in_a || in_b);
                        prop_assert_eq!(a.intersection(&b).contains(p), in_a && in_b);
                        prop_assert_eq!(a.difference(&b).contains(p), in_a && !in_b);
                        prop_assert_eq!(a.complement().contains(p), !in_a);
                    }
                }
            }
        }
    };
}

interval_laws!(ports, u16);
interval_laws!(ipv4, u32);
interval_laws!(ipv6, u128);

// --- CIDR rendering -------------------------------------------------------

proptest! {
    #[test]
    fn ipv4_block_renders_as_itself(address in any::<u32>(), prefix_len in 0u8..=32) {
        let cidr = Ipv4Cidr::new(Ipv4Addr::from(address), prefix_len).unwrap();
        prop_assert_eq!(ipv4_cidrs(&cidr.to_set()), vec![cidr]);
        prop_assert_eq!(cidr.to_string().parse::<Ipv4Cidr>().unwrap(), cidr);
    }

    #[test]
    fn ipv6_block_renders_as_itself(address in any::<u128>(), prefix_len in 0u8..=128) {
        let cidr = Ipv6Cidr::new(Ipv6Addr::from(address), prefix_len).unwrap();
        prop_assert_eq!(ipv6_cidrs(&cidr.to_set()), vec![cidr]);
        prop_assert_eq!(cidr.to_string().parse::<Ipv6Cidr>().unwrap(), cidr);
    }

    #[test]
    fn ipv4_sets_round_trip(set in interval_set::<u32>(), a in any::<u32>(), b in any::<u32>()) {
        let set = set.union(&IntervalSet::from_range(a.min(b), a.max(b)));
        let blocks = ipv4_cidrs(&set);
        let rebuilt = blocks.iter().fold(IntervalSet::empty(), |acc, block| acc.union(&block.to_set()));
        prop_assert_eq!(rebuilt, set);
        // In address order and pairwise disjoint.
        for pair in blocks.windows(2) {
            prop_assert!(pair[0].range().1 < pair[1].range().0);
        }
    }

    #[test]
    fn ipv6_sets_round_trip(set in interval_set::<u128>(), a in any::<u128>(), b in any::<u128>()) {
        let set = set.union(&IntervalSet::from_range(a.min(b), a.max(b)));
        let blocks = ipv6_cidrs(&set);
        let rebuilt = blocks.iter().fold(IntervalSet::empty(), |acc, block| acc.union(&block.to_set()));
        prop_assert_eq!(rebuilt, set);
        for pair in blocks.windows(2) {
            prop_assert!(pair[0].range().1 < pair[1].range().0);
        }
    }

    #[test]
    fn a_block_is_never_split(address in any::<u32>(), prefix_len in 1u8..=32) {
        // Two sibling blocks always merge back into their parent.
        let cidr = Ipv4Cidr::new(Ipv4Addr::from(address), prefix_len).unwrap();
        let parent = Ipv4Cidr::new(Ipv4Addr::from(address), prefix_len - 1).unwrap();
        let sibling_start = cidr.range().0 ^ (1u32 << (32 - u32::from(prefix_len)));
        let sibling = Ipv4Cidr::new(Ipv4Addr::from(sibling_start), prefix_len).unwrap();
        prop_assert_eq!(ipv4_cidrs(&cidr.to_set().union(&sibling.to_set())), vec![parent]);
    }
}

// --- Flow sets ------------------------------------------------------------

const GROUPS: [&str; 3] = ["sg-a", "sg-b", "sg-c"];
const PREFIX_LISTS: [&str; 2] = ["pl-a", "pl-b"];

fn protocol() -> impl Strategy<Value = Protocol> {
    prop_oneof![
        Just(Protocol::All),
        Just(Protocol::TCP),
        Just(Protocol::UDP),
        Just(Protocol::ICMP),
        Just(Protocol::Number(47)),
    ]
}

fn protocol_number() -> impl Strategy<Value = u8> {
    prop::sample::select(vec![0u8, 1, 6, 17, 47, 58, 255])
}

fn ports() -> impl Strategy<Value = Option<(u16, u16)>> {
    prop::option::of((value::<u16>(), value::<u16>()).prop_map(|(a, b)| (a.min(b), a.max(b))))
}

/// Addresses in 10.0.0.0/24 plus both ends of the IPv4 space.
fn ipv4_address() -> impl Strategy<Value = Ipv4Addr> {
    prop_oneof![
        (0u32..256).prop_map(|offset| Ipv4Addr::from(0x0a00_0000 + offset)),
        Just(Ipv4Addr::UNSPECIFIED),
        Just(Ipv4Addr::BROADCAST),
    ]
}

/// Addresses in 2001:db8::/120 plus both ends of the IPv6 space.
fn ipv6_address() -> impl Strategy<Value = Ipv6Addr> {
    prop_oneof![
        (0u128..256).prop_map(|offset| Ipv6Addr::from(0x2001_0db8_u128 << 96 | offset)),
        Just(Ipv6Addr::UNSPECIFIED),
        Just(Ipv6Addr::from(u128::MAX)),
    ]
}

fn cidr() -> impl Strategy<Value = Cidr> {
    prop_oneof![
        (ipv4_address(), 22u8..=32).prop_map(|(a, len)| Cidr::V4(
            Ipv4Cidr::new(a, len).expect("prefix length is in range")
        )),
        Just(Cidr::V4(
            Ipv4Cidr::new(Ipv4Addr::UNSPECIFIED, 0).expect("/0 is valid")
        )),
        (ipv6_address(), 118u8..=128).prop_map(|(a, len)| Cidr::V6(
            Ipv6Cidr::new(a, len).expect("prefix length is in range")
        )),
        Just(Cidr::V6(
            Ipv6Cidr::new(Ipv6Addr::UNSPECIFIED, 0).expect("/0 is valid")
        )),
    ]
}

fn peers() -> impl Strategy<Value = Peers> {
    prop_oneof![
        3 => cidr().prop_map(Peers::cidr),
        1 => prop::sample::select(GROUPS.to_vec()).prop_map(Peers::group),
        1 => prop::sample::select(PREFIX_LISTS.to_vec()).prop_map(Peers::prefix_list),
    ]
}

/// A flow set built from a few rules, some added and some taken away, so
/// that the result has holes and several segments.
fn flow_set() -> impl Strategy<Value = FlowSet> {
    prop::collection::vec((protocol(), ports(), peers(), any::<bool>()), 0..5).prop_map(|rules| {
        rules
            .into_iter()
            .fold(FlowSet::empty(), |acc, (protocol, ports, peers, add)| {
                let rule = FlowSet::rule(protocol, ports, peers);
                if add {
                    acc.union(&rule)
                } else {
                    acc.difference(&rule)
                }
            })
    })
}

#[derive(Debug, Clone)]
enum TestPeer {
    Addr(IpAddr),
    Group(&'static str),
    PrefixList(&'static str),
}

impl TestPeer {
    fn as_peer(&self) -> Peer<'_> {
        match self {
            Self::Addr(address) => Peer::Addr(*address),
            Self::Group(id) => Peer::Group(id),
            Self::PrefixList(id) => Peer::PrefixList(id),
        }
    }
}

fn address() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        ipv4_address().prop_map(IpAddr::V4),
        ipv6_address().prop_map(IpAddr::V6)
    ]
}

fn test_peer() -> impl Strategy<Value = TestPeer> {
    prop_oneof![
        4 => address().prop_map(TestPeer::Addr),
        1 => prop::sample::select(GROUPS.to_vec()).prop_map(TestPeer::Group),
        1 => prop::sample::select(PREFIX_LISTS.to_vec()).prop_map(TestPeer::PrefixList),
    ]
}

fn flow_point() -> impl Strategy<Value = (u8, u16, TestPeer)> {
    (protocol_number(), value::<u16>(), test_peer())
}

proptest! {
    #[test]
    fn flow_algebra(a in flow_set(), b in flow_set(), c in flow_set()) {
        prop_assert_eq!(a.union(&b), b.union(&a));
        prop_assert_eq!(a.intersection(&b), b.intersection(&a));
        prop_assert_eq!(a.union(&b).union(&c), a.union(&b.union(&c)));
        prop_assert_eq!(a.intersection(&b).intersection(&c), a.intersection(&b.intersection(&c)));
        prop_assert_eq!(a.intersection(&b.union(&c)), a.intersection(&b).union(&a.intersection(&c)));
        prop_assert_eq!(a.union(&b.intersection(&c)), a.union(&b).intersection(&a.union(&c)));
        prop_assert_eq!(a.union(&a), a.clone());
        prop_assert!(a.difference(&a).is_empty());
        prop_assert!(a.difference(&b).intersection(&b).is_empty());
        prop_assert_eq!(a.union(&b.difference(&a)), a.union(&b));
        prop_assert!(a.is_subset(&a.union(&b)));
        prop_assert_eq!(a.is_subset(&b), a.union(&b) == b);
    }

    #[test]
    fn flow_pointwise(a in flow_set(), b in flow_set(), points in prop::collection::vec(flow_point(), 16)) {
        let (union, intersection, difference) = (a.union(&b), a.intersection(&b), a.difference(&b));
        for (protocol, port, peer) in &points {
            let peer = peer.as_peer();
            let in_a = a.contains_peer(*protocol, *port, peer);
            let in_b = b.contains_peer(*protocol, *port, peer);
            prop_assert_eq!(union.contains_peer(*protocol, *port, peer), in_a || in_b);
            prop_assert_eq!(intersection.contains_peer(*protocol, *port, peer), in_a && in_b);
            prop_assert_eq!(difference.contains_peer(*protocol, *port, peer), in_a && !in_b);
        }
    }

    #[test]
    fn describe_pieces_rebuild_the_set(a in flow_set()) {
        // Parse each rendered piece back into flows; their union must be the
        // set, so messages neither hide nor invent traffic.
        let mut rebuilt = FlowSet::empty();
        for piece in a.describe() {
            let mut peers = Peers::none();
            for block in piece.ipv4.iter().chain(&piece.ipv6) {
                peers = peers.union(&Peers::cidr(block.parse().unwrap()));
            }
            for id in &piece.groups {
                peers = peers.union(&Peers::group(id.clone()));
            }
            for id in &piece.prefix_lists {
                peers = peers.union(&Peers::prefix_list(id.clone()));
            }
            let protocols: Vec<Protocol> = if piece.protocol == "all" {
                vec![Protocol::All]
            } else {
                (0..=255u8)
                    .filter(|n| protocol_label_includes(&piece.protocol, *n))
                    .map(Protocol::Number)
                    .collect()
            };
            let port_ranges = piece.ports.clone().map_or(vec![None], |ranges| ranges.into_iter().map(Some).collect());
            for protocol in &protocols {
                for ports in &port_ranges {
                    rebuilt = rebuilt.union(&FlowSet::rule(*protocol, *ports, peers.clone()));
                }
            }
        }
        prop_assert_eq!(rebuilt, a);
    }
}

/// Whether a rendered protocol label (`tcp, 47`, `all except tcp, 0-5`)
/// names protocol `number`.
fn protocol_label_includes(label: &str, number: u8) -> bool {
    let (negated, list) = match label.strip_prefix("all except ") {
        Some(rest) => (true, rest),
        None => (false, label),
    };
    let listed = list.split(", ").any(|item| match item.split_once('-') {
        Some((lo, hi)) => {
            let lo: u8 = lo.parse().expect("label ranges are numeric");
            let hi: u8 = hi.parse().expect("label ranges are numeric");
            (lo..=hi).contains(&number)
        }
        None => {
            item.parse::<Protocol>().expect("label items are protocols") == Protocol::Number(number)
        }
    });
    listed != negated
}

// --- Network ACLs against brute force --------------------------------------

fn nacl_entry() -> impl Strategy<Value = NaclEntry> {
    (
        1i32..12,
        protocol(),
        ports(),
        cidr(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(rule_number, protocol, ports, cidr, allow, egress)| NaclEntry {
                rule_number: rule_number * 10,
                protocol,
                ports,
                cidr,
                allow,
                egress,
            },
        )
}

/// Whether `entry` matches a packet, written directly from the AWS rules
/// rather than through flow sets.
fn brute_matches(entry: &NaclEntry, protocol: u8, port: u16, address: IpAddr) -> bool {
    let protocol_matches = match entry.protocol {
        Protocol::All => true,
        Protocol::Number(number) => number == protocol,
    };
    let port_matches = match (entry.protocol, entry.ports) {
        (Protocol::Number(6 | 17 | 1 | 58), Some((from, to))) => (from..=to).contains(&port),
        _ => true,
    };
    let address_matches = match (entry.cidr, address) {
        (Cidr::V4(cidr), IpAddr::V4(address)) => {
            let (lo, hi) = cidr.range();
            (lo..=hi).contains(&u32::from(address))
        }
        (Cidr::V6(cidr), IpAddr::V6(address)) => {
            let (lo, hi) = cidr.range();
            (lo..=hi).contains(&u128::from(address))
        }
        _ => false,
    };
    protocol_matches && port_matches && address_matches
}

fn brute_allowed(
    entries: &[NaclEntry],
    egress: bool,
    protocol: u8,
    port: u16,
    address: IpAddr,
) -> bool {
    let mut ordered: Vec<&NaclEntry> = entries
        .iter()
        .filter(|entry| entry.egress == egress)
        .collect();
    ordered.sort_by_key(|entry| entry.rule_number);
    ordered
        .into_iter()
        .find(|entry| brute_matches(entry, protocol, port, address))
        .is_some_and(|entry| entry.allow)
}

proptest! {
    #[test]
    fn nacl_matches_brute_force(
        entries in prop::collection::vec(nacl_entry(), 0..7),
        egress in any::<bool>(),
        packets in prop::collection::vec((protocol_number(), value::<u16>(), address()), 32),
    ) {
        let allowed = nacl_allowed(&entries, egress);
        for (protocol, port, address) in packets {
            prop_assert_eq!(
                allowed.contains(protocol, port, address),
                brute_allowed(&entries, egress, protocol, port, address),
                "packet {} {} {}", protocol, port, address
            );
            let decider = kensa_net::nacl_explain(&entries, egress, protocol, port, address);
            prop_assert_eq!(decider.is_some_and(|entry| entry.allow), allowed.contains(protocol, port, address));
        }
    }
}
