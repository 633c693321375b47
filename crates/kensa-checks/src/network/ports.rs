//! Port lists as people write them: `443`, `80,443`, `1024-65535`, `all`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A set of ports; `All` also means "the protocol has no ports".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    All,
    Ranges(Vec<(u16, u16)>),
}

impl PortSpec {
    pub fn range(from: u16, to: u16) -> Self {
        PortSpec::Ranges(vec![(from, to)])
    }

    /// The ranges, `None` for all ports (what `FlowSet::rule` takes).
    pub fn ranges(&self) -> Vec<Option<(u16, u16)>> {
        match self {
            PortSpec::All => vec![None],
            PortSpec::Ranges(r) => r.iter().map(|r| Some(*r)).collect(),
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") || text == "*" {
            return Ok(PortSpec::All);
        }
        let port = |s: &str| {
            s.trim()
                .parse::<u16>()
                .map_err(|_| format!("`{s}` is not a port (0-65535) in `{text}`"))
        };
        let mut ranges = Vec::new();
        for part in text.split(',') {
            let range = match part.split_once('-') {
                Some((a, b)) => (port(a)?, port(b)?),
                None => {
                    let p = port(part)?;
                    (p, p)
                }
            };
            if range.0 > range.1 {
                return Err(format!("`{part}` runs backwards in `{text}`"));
            }
            ranges.push(range);
        }
        Ok(PortSpec::Ranges(ranges))
    }
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortSpec::All => f.write_str("all"),
            PortSpec::Ranges(r) => {
                let parts: Vec<String> = r
                    .iter()
                    .map(|(a, b)| {
                        if a == b {
                            a.to_string()
                        } else {
                            format!("{a}-{b}")
                        }
                    })
                    .collect();
                f.write_str(&parts.join(","))
            }
        }
    }
}

impl Serialize for PortSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for PortSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // `ports = 443` and `ports = "80,443"` are both natural in TOML.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => u16::try_from(n)
                .map(|p| PortSpec::range(p, p))
                .map_err(|_| serde::de::Error::custom(format!("{n} is not a port (0-65535)"))),
            Raw::Text(t) => PortSpec::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(PortSpec::parse("all").unwrap(), PortSpec::All);
        assert_eq!(
            PortSpec::parse("80, 443,1024-65535").unwrap(),
            PortSpec::Ranges(vec![(80, 80), (443, 443), (1024, 65535)])
        );
        assert_eq!(
            PortSpec::parse("80,443,1024-65535").unwrap().to_string(),
            "80,443,1024-65535"
        );
        assert_eq!(
            PortSpec::parse("70000").unwrap_err(),
            "`70000` is not a port (0-65535) in `70000`"
        );
        assert_eq!(
            PortSpec::parse("90-80").unwrap_err(),
            "`90-80` runs backwards in `90-80`"
        );
    }
}
