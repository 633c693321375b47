//! Concrete network ACL and security group examples with known AWS outcomes.

use std::net::IpAddr;

use kensa_net::{
    Cidr, FlowSet, NaclEntry, Peer, Peers, Protocol, SgRule, TCP, UDP, nacl_allowed, nacl_explain,
    sg_allowed, sg_explain,
};

fn ip(text: &str) -> IpAddr {
    text.parse().expect("test addresses are valid")
}

fn entry(
    rule_number: i32,
    protocol: &str,
    ports: Option<(u16, u16)>,
    cidr: &str,
    allow: bool,
) -> NaclEntry {
    NaclEntry {
        rule_number,
        protocol: protocol.parse().expect("test protocols are valid"),
        ports,
        cidr: cidr.parse::<Cidr>().expect("test CIDRs are valid"),
        allow,
        egress: false,
    }
}

fn deny_star(cidr: &str) -> NaclEntry {
    entry(32767, "-1", None, cidr, false)
}

#[test]
fn denies_before_allow_all_block_their_ports() {
    let entries = [
        entry(100, "tcp", Some((22, 22)), "0.0.0.0/0", false),
        entry(110, "6", Some((3389, 3389)), "0.0.0.0/0", false),
        entry(120, "-1", None, "0.0.0.0/0", true),
        deny_star("0.0.0.0/0"),
    ];
    let allowed = nacl_allowed(&entries, false);
    assert!(allowed.contains(TCP, 443, ip("1.2.3.4")));
    assert!(!allowed.contains(TCP, 22, ip("1.2.3.4")));
    assert!(!allowed.contains(TCP, 3389, ip("1.2.3.4")));
    assert!(allowed.contains(UDP, 22, ip("1.2.3.4")));
    assert!(!allowed.contains(TCP, 443, ip("2001:db8::1")));

    assert_eq!(
        nacl_explain(&entries, false, TCP, 22, ip("1.2.3.4"))
            .unwrap()
            .rule_number,
        100
    );
    assert_eq!(
        nacl_explain(&entries, false, TCP, 443, ip("1.2.3.4"))
            .unwrap()
            .rule_number,
        120
    );
    // No entry names IPv6, not even the `*` deny: the implicit deny decides.
    assert_eq!(nacl_explain(&entries, false, TCP, 443, ip("::1")), None);
    // The egress direction has no entries: the implicit deny decides.
    assert_eq!(nacl_explain(&entries, true, TCP, 443, ip("1.2.3.4")), None);
    assert!(nacl_allowed(&entries, true).is_empty());

    let everything = FlowSet::everything(Peers::ipv4("0.0.0.0/0".parse().unwrap()));
    let blocked = FlowSet::rule(
        Protocol::TCP,
        Some((22, 22)),
        Peers::ipv4("0.0.0.0/0".parse().unwrap()),
    )
    .union(&FlowSet::rule(
        Protocol::TCP,
        Some((3389, 3389)),
        Peers::ipv4("0.0.0.0/0".parse().unwrap()),
    ));
    assert_eq!(allowed, everything.difference(&blocked));
}

#[test]
fn deny_after_allow_all_does_not_block() {
    let entries = [
        entry(100, "-1", None, "0.0.0.0/0", true),
        entry(200, "tcp", Some((22, 22)), "0.0.0.0/0", false),
    ];
    let allowed = nacl_allowed(&entries, false);
    assert!(allowed.contains(TCP, 22, ip("1.2.3.4")));
    assert_eq!(
        nacl_explain(&entries, false, TCP, 22, ip("1.2.3.4"))
            .unwrap()
            .rule_number,
        100
    );
}

#[test]
fn entries_are_evaluated_by_rule_number_not_list_order() {
    let entries = [
        entry(200, "-1", None, "0.0.0.0/0", true),
        entry(100, "tcp", Some((22, 22)), "10.0.0.0/8", false),
    ];
    let allowed = nacl_allowed(&entries, false);
    assert!(!allowed.contains(TCP, 22, ip("10.1.1.1")));
    assert!(allowed.contains(TCP, 22, ip("11.1.1.1")));
}

#[test]
fn default_nacl_allows_all_ipv4_and_no_ipv6() {
    let with_star = [
        entry(100, "-1", None, "0.0.0.0/0", true),
        deny_star("0.0.0.0/0"),
    ];
    let without_star = &with_star[..1];
    for entries in [&with_star[..], without_star] {
        let allowed = nacl_allowed(entries, false);
        assert_eq!(
            allowed,
            FlowSet::everything(Peers::ipv4("0.0.0.0/0".parse().unwrap()))
        );
        assert!(!allowed.contains(TCP, 443, ip("2001:db8::1")));
        let rendered: Vec<String> = allowed.describe().iter().map(ToString::to_string).collect();
        assert_eq!(rendered, ["all: 0.0.0.0/0"]);
    }

    // A VPC with an IPv6 block gets rule 101 for ::/0 as well.
    let dual_stack = [
        entry(100, "-1", None, "0.0.0.0/0", true),
        entry(101, "-1", None, "::/0", true),
        deny_star("0.0.0.0/0"),
        deny_star("::/0"),
    ];
    assert_eq!(
        nacl_allowed(&dual_stack, false),
        FlowSet::everything(Peers::internet())
    );
}

#[test]
fn narrow_allow_then_deny_leaves_exact_remainder() {
    let entries = [
        entry(100, "tcp", Some((443, 443)), "10.0.0.0/16", true),
        entry(110, "tcp", Some((0, 65535)), "10.0.0.0/8", false),
        entry(120, "tcp", Some((1024, 65535)), "0.0.0.0/0", true),
        deny_star("0.0.0.0/0"),
    ];
    let allowed = nacl_allowed(&entries, false);
    assert_eq!(
        nacl_explain(&entries, false, UDP, 53, ip("8.8.8.8"))
            .unwrap()
            .rule_number,
        32767
    );
    assert_eq!(
        nacl_explain(&entries, false, TCP, 443, ip("10.1.0.1"))
            .unwrap()
            .rule_number,
        110
    );
    let rendered: Vec<String> = allowed.describe().iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [
            "tcp port 443: 10.0.0.0/16",
            "tcp ports 1024-65535: 0.0.0.0/5, 8.0.0.0/7, 11.0.0.0/8, 12.0.0.0/6, 16.0.0.0/4, 32.0.0.0/3, \
             64.0.0.0/2, 128.0.0.0/1",
        ]
    );
}

#[test]
fn security_groups_union_and_explain() {
    let rules = [
        SgRule {
            protocol: Protocol::TCP,
            ports: Some((443, 443)),
            peers: Peers::internet(),
            description: Some("https".to_owned()),
        },
        SgRule {
            protocol: Protocol::All,
            ports: None,
            peers: Peers::group("sg-0bastion"),
            description: None,
        },
        SgRule {
            protocol: Protocol::TCP,
            ports: Some((22, 443)),
            peers: Peers::ipv4("10.0.0.0/8".parse().unwrap()),
            description: None,
        },
    ];
    let allowed = sg_allowed(&rules);
    assert!(allowed.contains(TCP, 443, ip("2001:db8::1")));
    assert!(!allowed.contains(TCP, 22, ip("1.2.3.4")));
    assert!(allowed.contains_group(UDP, 53, "sg-0bastion"));
    assert!(!allowed.contains_group(UDP, 53, "sg-other"));
    assert!(allowed.contains_peer(TCP, 80, Peer::Addr(ip("10.9.9.9"))));

    assert_eq!(
        sg_explain(&rules, TCP, 443, Peer::Addr(ip("10.0.0.1"))),
        [0, 2]
    );
    assert_eq!(sg_explain(&rules, TCP, 80, Peer::Group("sg-0bastion")), [1]);
    assert!(sg_explain(&rules, TCP, 80, Peer::Addr(ip("1.1.1.1"))).is_empty());

    // Is every permitted flow a declared one?
    let declared = FlowSet::rule(Protocol::TCP, Some((443, 443)), Peers::internet())
        .union(&FlowSet::everything(Peers::group("sg-0bastion")));
    let undeclared = allowed.difference(&declared);
    assert!(!undeclared.is_empty());
    let rendered: Vec<String> = undeclared
        .describe()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(rendered, ["tcp ports 22-442: 10.0.0.0/8"]);
}

#[test]
fn describe_exposes_structured_fields() {
    let flows = FlowSet::rule(Protocol::TCP, Some((22, 22)), Peers::prefix_list("pl-123"));
    let piece = &flows.describe()[0];
    assert_eq!(piece.protocol, "tcp");
    assert_eq!(piece.ports, Some(vec![(22, 22)]));
    assert_eq!(piece.prefix_lists, ["pl-123"]);
}
