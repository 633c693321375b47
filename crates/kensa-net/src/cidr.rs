//! CIDR blocks: parsing, conversion to address ranges, and rendering address
//! sets back as a minimal list of CIDR blocks.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::interval::IntervalSet;

/// Why a CIDR string was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    /// The string has no `/prefix-length` part. AWS always sends one, so a
    /// bare address most likely means the wrong field was read.
    MissingPrefixLength(String),
    /// The part before `/` is not an address of the expected family.
    InvalidAddress(String),
    /// The part after `/` is not a number between 0 and `max`.
    InvalidPrefixLength {
        /// The whole input.
        input: String,
        /// 32 for IPv4, 128 for IPv6.
        max: u8,
    },
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingPrefixLength(input) => {
                write!(f, "CIDR {input:?} has no /prefix-length")
            }
            Self::InvalidAddress(input) => write!(f, "CIDR {input:?} has an invalid address"),
            Self::InvalidPrefixLength { input, max } => write!(
                f,
                "CIDR {input:?} has an invalid prefix length (expected 0 to {max})"
            ),
        }
    }
}

impl std::error::Error for CidrError {}

/// The bits below a prefix of `prefix_len` out of `width` bits.
fn host_mask(prefix_len: u8, width: u32) -> u128 {
    let host_bits = width - u32::from(prefix_len);
    if host_bits == 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    }
}

fn split_cidr(input: &str, max: u8) -> Result<(&str, u8), CidrError> {
    let (address, prefix) = input
        .split_once('/')
        .ok_or_else(|| CidrError::MissingPrefixLength(input.to_owned()))?;
    let invalid_prefix = || CidrError::InvalidPrefixLength {
        input: input.to_owned(),
        max,
    };
    // `u8::from_str` accepts a leading `+`, which is not valid CIDR notation.
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid_prefix());
    }
    let prefix_len: u8 = prefix.parse().map_err(|_| invalid_prefix())?;
    if prefix_len > max {
        return Err(invalid_prefix());
    }
    Ok((address, prefix_len))
}

/// An IPv4 CIDR block such as `10.0.0.0/16`.
///
/// Host bits below the prefix are cleared on construction, as AWS does, so
/// `10.0.0.1/16` and `10.0.0.0/16` are the same block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Cidr {
    network: Ipv4Addr,
    prefix_len: u8,
}

impl Ipv4Cidr {
    /// The block of `address` with `prefix_len` leading bits (0 to 32).
    pub fn new(address: Ipv4Addr, prefix_len: u8) -> Result<Self, CidrError> {
        if prefix_len > 32 {
            return Err(CidrError::InvalidPrefixLength {
                input: format!("{address}/{prefix_len}"),
                max: 32,
            });
        }
        let bits = u32::from(address) & !(host_mask(prefix_len, 32) as u32);
        Ok(Self {
            network: Ipv4Addr::from(bits),
            prefix_len,
        })
    }

    /// The first address of the block.
    pub fn network(&self) -> Ipv4Addr {
        self.network
    }

    /// The number of leading bits that are fixed.
    pub fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    /// The first and last address of the block, as integers.
    pub fn range(&self) -> (u32, u32) {
        let first = u32::from(self.network);
        (first, first | host_mask(self.prefix_len, 32) as u32)
    }

    /// The addresses of the block as a set.
    pub fn to_set(&self) -> IntervalSet<u32> {
        let (lo, hi) = self.range();
        IntervalSet::from_range(lo, hi)
    }

    /// Whether `address` lies in the block.
    pub fn contains(&self, address: Ipv4Addr) -> bool {
        let (lo, hi) = self.range();
        (lo..=hi).contains(&u32::from(address))
    }
}

impl FromStr for Ipv4Cidr {
    type Err = CidrError;

    fn from_str(input: &str) -> Result<Self, CidrError> {
        let (address, prefix_len) = split_cidr(input, 32)?;
        let address: Ipv4Addr = address
            .parse()
            .map_err(|_| CidrError::InvalidAddress(input.to_owned()))?;
        Self::new(address, prefix_len)
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix_len)
    }
}

/// An IPv6 CIDR block such as `2001:db8::/32`.
///
/// Host bits below the prefix are cleared on construction, as AWS does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv6Cidr {
    network: Ipv6Addr,
    prefix_len: u8,
}

impl Ipv6Cidr {
    /// The block of `address` with `prefix_len` leading bits (0 to 128).
    pub fn new(address: Ipv6Addr, prefix_len: u8) -> Result<Self, CidrError> {
        if prefix_len > 128 {
            return Err(CidrError::InvalidPrefixLength {
                input: format!("{address}/{prefix_len}"),
                max: 128,
            });
        }
        let bits = u128::from(address) & !host_mask(prefix_len, 128);
        Ok(Self {
            network: Ipv6Addr::from(bits),
            prefix_len,
        })
    }

    /// The first address of the block.
    pub fn network(&self) -> Ipv6Addr {
        self.network
    }

    /// The number of leading bits that are fixed.
    pub fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    /// The first and last address of the block, as integers.
    pub fn range(&self) -> (u128, u128) {
        let first = u128::from(self.network);
        (first, first | host_mask(self.prefix_len, 128))
    }

    /// The addresses of the block as a set.
    pub fn to_set(&self) -> IntervalSet<u128> {
        let (lo, hi) = self.range();
        IntervalSet::from_range(lo, hi)
    }

    /// Whether `address` lies in the block.
    pub fn contains(&self, address: Ipv6Addr) -> bool {
        let (lo, hi) = self.range();
        (lo..=hi).contains(&u128::from(address))
    }
}

impl FromStr for Ipv6Cidr {
    type Err = CidrError;

    fn from_str(input: &str) -> Result<Self, CidrError> {
        let (address, prefix_len) = split_cidr(input, 128)?;
        let address: Ipv6Addr = address
            .parse()
            .map_err(|_| CidrError::InvalidAddress(input.to_owned()))?;
        Self::new(address, prefix_len)
    }
}

impl fmt::Display for Ipv6Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix_len)
    }
}

/// A CIDR block of either address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cidr {
    /// An IPv4 block.
    V4(Ipv4Cidr),
    /// An IPv6 block.
    V6(Ipv6Cidr),
}

impl Cidr {
    /// Whether `address` lies in the block; addresses of the other family
    /// never do.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self, address) {
            (Self::V4(cidr), IpAddr::V4(address)) => cidr.contains(address),
            (Self::V6(cidr), IpAddr::V6(address)) => cidr.contains(address),
            _ => false,
        }
    }

    /// The block's first (network) address: a sample member for "which
    /// rule decides this traffic" questions.
    pub fn first_address(&self) -> IpAddr {
        match self {
            Self::V4(cidr) => IpAddr::V4(cidr.network()),
            Self::V6(cidr) => IpAddr::V6(cidr.network()),
        }
    }
}

impl FromStr for Cidr {
    type Err = CidrError;

    /// Parses either family; a `:` in the address part means IPv6.
    fn from_str(input: &str) -> Result<Self, CidrError> {
        if input.contains(':') {
            input.parse().map(Self::V6)
        } else {
            input.parse().map(Self::V4)
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V4(cidr) => cidr.fmt(f),
            Self::V6(cidr) => cidr.fmt(f),
        }
    }
}

impl From<Ipv4Cidr> for Cidr {
    fn from(cidr: Ipv4Cidr) -> Self {
        Self::V4(cidr)
    }
}

impl From<Ipv6Cidr> for Cidr {
    fn from(cidr: Ipv6Cidr) -> Self {
        Self::V6(cidr)
    }
}

/// Splits `lo..=hi` of a `width`-bit space into the fewest aligned blocks,
/// returned as `(network, prefix_len)`.
///
/// Greedy is optimal: at each step the largest block that starts at `lo`
/// and stays within `hi` is taken; any cover must contain a block starting at
/// `lo`, and no block starting there can be larger.
fn range_to_blocks(mut lo: u128, hi: u128, width: u32) -> Vec<(u128, u8)> {
    let mut blocks = Vec::new();
    loop {
        // The alignment of `lo` bounds the block size from above.
        let mut host_bits = if lo == 0 {
            width
        } else {
            lo.trailing_zeros().min(width)
        };
        let end = loop {
            let mask = if host_bits == 128 {
                u128::MAX
            } else {
                (1u128 << host_bits) - 1
            };
            let end = lo | mask;
            if end <= hi {
                break end;
            }
            host_bits -= 1;
        };
        let prefix_len = u8::try_from(width - host_bits).expect("prefix length is at most 128");
        blocks.push((lo, prefix_len));
        if end >= hi {
            return blocks;
        }
        lo = end + 1;
    }
}

/// The fewest IPv4 CIDR blocks whose union is exactly `set`, in address
/// order.
pub fn ipv4_cidrs(set: &IntervalSet<u32>) -> Vec<Ipv4Cidr> {
    set.iter()
        .flat_map(|(lo, hi)| range_to_blocks(lo.into(), hi.into(), 32))
        .map(|(network, prefix_len)| Ipv4Cidr {
            network: Ipv4Addr::from(
                u32::try_from(network).expect("block lies within the IPv4 range it came from"),
            ),
            prefix_len,
        })
        .collect()
}

/// The fewest IPv6 CIDR blocks whose union is exactly `set`, in address
/// order.
pub fn ipv6_cidrs(set: &IntervalSet<u128>) -> Vec<Ipv6Cidr> {
    set.iter()
        .flat_map(|(lo, hi)| range_to_blocks(lo, hi, 128))
        .map(|(network, prefix_len)| Ipv6Cidr {
            network: Ipv6Addr::from(network),
            prefix_len,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_masks_host_bits() {
        let cidr: Ipv4Cidr = "10.0.3.7/16".parse().unwrap();
        assert_eq!(cidr.to_string(), "10.0.0.0/16");
        assert_eq!(cidr.range(), (0x0a00_0000, 0x0a00_ffff));
        let any: Ipv4Cidr = "0.0.0.0/0".parse().unwrap();
        assert_eq!(any.range(), (0, u32::MAX));
        let v6: Ipv6Cidr = "2001:db8::1/32".parse().unwrap();
        assert_eq!(v6.to_string(), "2001:db8::/32");
        let all_v6: Ipv6Cidr = "::/0".parse().unwrap();
        assert_eq!(all_v6.range(), (0, u128::MAX));
        assert_eq!("::/0".parse::<Cidr>().unwrap(), Cidr::V6(all_v6));
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(
            "10.0.0.0/33".parse::<Ipv4Cidr>(),
            Err(CidrError::InvalidPrefixLength { max: 32, .. })
        ));
        assert!(matches!(
            "::/129".parse::<Ipv6Cidr>(),
            Err(CidrError::InvalidPrefixLength { max: 128, .. })
        ));
        assert!(matches!(
            "10.0.0.0/+8".parse::<Ipv4Cidr>(),
            Err(CidrError::InvalidPrefixLength { .. })
        ));
        assert!(matches!(
            "10.0.0.0".parse::<Ipv4Cidr>(),
            Err(CidrError::MissingPrefixLength(_))
        ));
        assert!(matches!(
            "10.0.0/8".parse::<Ipv4Cidr>(),
            Err(CidrError::InvalidAddress(_))
        ));
        assert!(matches!(
            "2001:db8::/32".parse::<Ipv4Cidr>(),
            Err(CidrError::InvalidAddress(_))
        ));
        let message = "10.0.0.0/40".parse::<Cidr>().unwrap_err().to_string();
        assert!(message.contains("0 to 32"), "{message}");
    }

    #[test]
    fn renders_minimal_cidrs() {
        let set = IntervalSet::from_range(0x0a00_0000u32, 0x0a00_01ff);
        let rendered: Vec<String> = ipv4_cidrs(&set).iter().map(ToString::to_string).collect();
        assert_eq!(rendered, ["10.0.0.0/23"]);

        // 10.0.0.1 - 10.0.0.6 needs 1/32, 2/31, 4/31, 6/32.
        let set = IntervalSet::from_range(0x0a00_0001u32, 0x0a00_0006);
        let rendered: Vec<String> = ipv4_cidrs(&set).iter().map(ToString::to_string).collect();
        assert_eq!(
            rendered,
            ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"]
        );

        let rendered: Vec<String> = ipv4_cidrs(&IntervalSet::full())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(rendered, ["0.0.0.0/0"]);
        let rendered: Vec<String> = ipv6_cidrs(&IntervalSet::full())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(rendered, ["::/0"]);
        let top = IntervalSet::singleton(u128::MAX);
        assert_eq!(ipv6_cidrs(&top)[0].prefix_len(), 128);
    }
}
