//! AWS's predefined load balancer security policies and the TLS protocol
//! versions each allows, for deciding ENC-1's "TLS 1.2 or newer only".
//!
//! Sources, checked against AWS's documentation:
//! - ELBv2 (Application and Network Load Balancers): "Security policies for
//!   your Application Load Balancer", tables "Protocols by policy" for the
//!   TLS, FIPS and FS policies.
//! - Classic Load Balancers: "Predefined SSL security policies for Classic
//!   Load Balancers" (the table of the six most recent policies).
//!
//! A name not in these tables is not guessed from its spelling: on ELBv2 the
//! region's own `DescribeSSLPolicies` answer decides, on a classic listener
//! its policy's `Protocol-*` attributes do.

/// TLS 1.3 and 1.2.
const TLS13_TLS12: &[&str] = &["TLSv1.3", "TLSv1.2"];
/// TLS 1.3 only.
const TLS13: &[&str] = &["TLSv1.3"];
/// TLS 1.2 only.
const TLS12: &[&str] = &["TLSv1.2"];
const TLS13_TO_11: &[&str] = &["TLSv1.3", "TLSv1.2", "TLSv1.1"];
const TLS13_TO_10: &[&str] = &["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"];
const TLS12_11: &[&str] = &["TLSv1.2", "TLSv1.1"];
const TLS12_TO_10: &[&str] = &["TLSv1.2", "TLSv1.1", "TLSv1"];

/// ELBv2 predefined policies and the protocols they allow.
pub static ELBV2_POLICIES: &[(&str, &[&str])] = &[
    // TLS security policies.
    ("ELBSecurityPolicy-TLS13-1-3-2021-06", TLS13),
    ("ELBSecurityPolicy-TLS13-1-2-2021-06", TLS13_TLS12),
    ("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", TLS13_TLS12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", TLS13_TLS12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", TLS13_TLS12),
    ("ELBSecurityPolicy-TLS13-1-1-2021-06", TLS13_TO_11),
    ("ELBSecurityPolicy-TLS13-1-0-2021-06", TLS13_TO_10),
    ("ELBSecurityPolicy-TLS-1-2-Ext-2018-06", TLS12),
    ("ELBSecurityPolicy-TLS-1-2-2017-01", TLS12),
    ("ELBSecurityPolicy-TLS-1-1-2017-01", TLS12_11),
    ("ELBSecurityPolicy-2016-08", TLS12_TO_10),
    // The older guide lists it as identical to ELBSecurityPolicy-2016-08.
    ("ELBSecurityPolicy-2015-05", TLS12_TO_10),
    // FIPS security policies.
    ("ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", TLS13),
    ("ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", TLS13_TLS12),
    ("ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", TLS13_TLS12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04", TLS13_TLS12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04", TLS13_TLS12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04", TLS13_TLS12),
    ("ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04", TLS13_TO_11),
    ("ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", TLS13_TO_10),
    // Forward secrecy policies.
    ("ELBSecurityPolicy-FS-1-2-Res-2020-10", TLS12),
    ("ELBSecurityPolicy-FS-1-2-Res-2019-08", TLS12),
    ("ELBSecurityPolicy-FS-1-2-2019-08", TLS12),
    ("ELBSecurityPolicy-FS-1-1-2019-08", TLS12_11),
    ("ELBSecurityPolicy-FS-2018-06", TLS12_TO_10),
];

/// Classic Load Balancer reference policies and the protocols they allow.
pub static CLASSIC_POLICIES: &[(&str, &[&str])] = &[
    ("ELBSecurityPolicy-2016-08", TLS12_TO_10),
    ("ELBSecurityPolicy-TLS-1-1-2017-01", TLS12_11),
    ("ELBSecurityPolicy-TLS-1-2-2017-01", TLS12),
    ("ELBSecurityPolicy-2015-05", TLS12_TO_10),
    ("ELBSecurityPolicy-2015-03", TLS12_TO_10),
    ("ELBSecurityPolicy-2015-02", TLS12_TO_10),
];

/// The protocols a named policy allows, from one of the tables above.
pub fn known_protocols(
    table: &[(&str, &'static [&'static str])],
    name: &str,
) -> Option<&'static [&'static str]> {
    table
        .iter()
        .find(|(policy, _)| *policy == name)
        .map(|(_, protocols)| *protocols)
}

/// The protocol versions, among `protocols`, older than TLS 1.2 (SSLv3,
/// TLSv1, TLSv1.1) or unknown to kensa; empty: TLS 1.2 or newer only.
pub fn below_tls12<S: AsRef<str>>(protocols: &[S]) -> Vec<String> {
    protocols
        .iter()
        .map(AsRef::as_ref)
        .filter(|p| !matches!(*p, "TLSv1.2" | "TLSv1.3"))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_per_table() {
        for table in [ELBV2_POLICIES, CLASSIC_POLICIES] {
            let mut names: Vec<_> = table.iter().map(|(n, _)| *n).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len());
        }
    }

    #[test]
    fn the_issue_s_examples_fall_on_the_right_side() {
        let strict =
            known_protocols(ELBV2_POLICIES, "ELBSecurityPolicy-TLS13-1-2-2021-06").unwrap();
        assert!(below_tls12(strict).is_empty());
        let default = known_protocols(ELBV2_POLICIES, "ELBSecurityPolicy-2016-08").unwrap();
        assert_eq!(below_tls12(default), ["TLSv1.1", "TLSv1"]);
        assert_eq!(
            known_protocols(ELBV2_POLICIES, "ELBSecurityPolicy-Unknown"),
            None
        );
        assert_eq!(below_tls12(&["TLSv1.2", "SSLv3"]), ["SSLv3"]);
    }
}
