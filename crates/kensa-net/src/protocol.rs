//! IP protocols as AWS names them in security group and network ACL rules.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// IANA protocol number of TCP.
pub const TCP: u8 = 6;
/// IANA protocol number of UDP.
pub const UDP: u8 = 17;
/// IANA protocol number of ICMP.
pub const ICMP: u8 = 1;
/// IANA protocol number of ICMPv6.
pub const ICMPV6: u8 = 58;

/// The protocol of a rule: every protocol (`-1` in the AWS API) or one
/// protocol number.
///
/// Names are normalized to numbers, so `"tcp"` and `"6"` parse to the same
/// value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "String")]
pub enum Protocol {
    /// Every protocol, on every port.
    All,
    /// One IANA protocol number.
    Number(u8),
}

impl Protocol {
    /// TCP.
    pub const TCP: Self = Self::Number(TCP);
    /// UDP.
    pub const UDP: Self = Self::Number(UDP);
    /// ICMP.
    pub const ICMP: Self = Self::Number(ICMP);
    /// ICMPv6.
    pub const ICMPV6: Self = Self::Number(ICMPV6);

    /// Whether `number` is a protocol whose rules carry a port range.
    ///
    /// For TCP and UDP the range is ports. For ICMP and ICMPv6, AWS reuses
    /// the FromPort/ToPort fields for the ICMP type (and code), and this
    /// crate models that dimension as the type range. Every other protocol
    /// has no ports, and its rules cover the whole port dimension.
    pub fn has_ports(number: u8) -> bool {
        matches!(number, TCP | UDP | ICMP | ICMPV6)
    }

    /// A short human name: `all`, `tcp`, `udp`, `icmp`, `icmpv6`, or the
    /// number.
    pub fn name(number: u8) -> String {
        match number {
            TCP => "tcp".to_owned(),
            UDP => "udp".to_owned(),
            ICMP => "icmp".to_owned(),
            ICMPV6 => "icmpv6".to_owned(),
            other => other.to_string(),
        }
    }
}

/// Why a protocol string was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError(pub String);

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown protocol {:?} (expected -1, all, tcp, udp, icmp, icmpv6 or 0 to 255)",
            self.0
        )
    }
}

impl std::error::Error for ProtocolError {}

impl FromStr for Protocol {
    type Err = ProtocolError;

    fn from_str(input: &str) -> Result<Self, ProtocolError> {
        let normalized = input.trim().to_ascii_lowercase();
        match normalized.as_str() {
            "-1" | "all" => Ok(Self::All),
            "tcp" => Ok(Self::TCP),
            "udp" => Ok(Self::UDP),
            "icmp" => Ok(Self::ICMP),
            "icmpv6" => Ok(Self::ICMPV6),
            digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits
                .parse()
                .map(Self::Number)
                .map_err(|_| ProtocolError(input.to_owned())),
            _ => Err(ProtocolError(input.to_owned())),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::All => f.write_str("all"),
            Self::Number(number) => f.write_str(&Self::name(*number)),
        }
    }
}

impl From<Protocol> for String {
    fn from(protocol: Protocol) -> Self {
        protocol.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_aws_spellings() {
        assert_eq!("-1".parse(), Ok(Protocol::All));
        assert_eq!("all".parse(), Ok(Protocol::All));
        assert_eq!("tcp".parse(), Ok(Protocol::TCP));
        assert_eq!("6".parse(), Ok(Protocol::TCP));
        assert_eq!("UDP".parse(), Ok(Protocol::UDP));
        assert_eq!("icmpv6".parse(), Ok(Protocol::Number(58)));
        assert_eq!("255".parse(), Ok(Protocol::Number(255)));
        assert!("256".parse::<Protocol>().is_err());
        assert!("-2".parse::<Protocol>().is_err());
        assert!("sctp".parse::<Protocol>().is_err());
        assert!("".parse::<Protocol>().is_err());
    }

    #[test]
    fn displays_names() {
        assert_eq!(Protocol::All.to_string(), "all");
        assert_eq!(Protocol::Number(6).to_string(), "tcp");
        assert_eq!(Protocol::Number(47).to_string(), "47");
    }
}
