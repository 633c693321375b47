//! Who is at either end of a declared flow or boundary.

use serde::{Deserialize, Serialize};
use std::fmt;

use kensa_net::Cidr;
use kensa_snapshot::ec2::{SecurityGroup, Subnet, Tags};

/// Written as text in kensa.toml: `internet`, `cidr:10.0.0.0/16`,
/// `sg:sg-0123`, `sg-name:app`, `tag:Role=app`, `pl:pl-0123`,
/// `subnet:subnet-0123`. A bare CIDR or `sg-…` ID is accepted too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Endpoint {
    Internet,
    Cidr(String),
    Group(String),
    GroupName(String),
    Tag(String, String),
    PrefixList(String),
    Subnet(String),
}

impl TryFrom<String> for Endpoint {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let t = text.trim();
        let (kind, value) = t.split_once(':').unwrap_or(("", t));
        let nonempty = |v: &str, what: &str| {
            if v.trim().is_empty() {
                Err(format!("`{t}`: {what} is empty"))
            } else {
                Ok(v.trim().to_owned())
            }
        };
        let endpoint = match kind {
            _ if t.eq_ignore_ascii_case("internet") => Endpoint::Internet,
            "cidr" => {
                value.parse::<Cidr>().map_err(|e| format!("`{t}`: {e}"))?;
                Endpoint::Cidr(value.trim().to_owned())
            }
            "sg" => Endpoint::Group(nonempty(value, "the group ID")?),
            "sg-name" => Endpoint::GroupName(nonempty(value, "the group name")?),
            "pl" => Endpoint::PrefixList(nonempty(value, "the prefix list ID")?),
            "subnet" => Endpoint::Subnet(nonempty(value, "the subnet ID")?),
            "tag" => {
                let (k, v) = value
                    .split_once('=')
                    .ok_or_else(|| format!("`{t}`: write a tag as tag:KEY=VALUE"))?;
                Endpoint::Tag(nonempty(k, "the tag key")?, v.trim().to_owned())
            }
            "" if t.starts_with("sg-") => Endpoint::Group(t.to_owned()),
            "" if t.starts_with("pl-") => Endpoint::PrefixList(t.to_owned()),
            "" if t.starts_with("subnet-") => Endpoint::Subnet(t.to_owned()),
            _ if t.parse::<Cidr>().is_ok() => Endpoint::Cidr(t.to_owned()),
            _ => {
                return Err(format!(
                    "`{t}` is not an endpoint: use internet, cidr:CIDR, sg:ID, sg-name:NAME, \
                     tag:KEY=VALUE, pl:ID or subnet:ID"
                ));
            }
        };
        Ok(endpoint)
    }
}

impl From<Endpoint> for String {
    fn from(e: Endpoint) -> String {
        e.to_string()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Internet => f.write_str("internet"),
            Endpoint::Cidr(c) => write!(f, "cidr:{c}"),
            Endpoint::Group(g) => write!(f, "sg:{g}"),
            Endpoint::GroupName(n) => write!(f, "sg-name:{n}"),
            Endpoint::Tag(k, v) => write!(f, "tag:{k}={v}"),
            Endpoint::PrefixList(p) => write!(f, "pl:{p}"),
            Endpoint::Subnet(s) => write!(f, "subnet:{s}"),
        }
    }
}

fn has_tag(tags: &Tags, key: &str, value: &str) -> bool {
    tags.get(key).is_some_and(|v| v == value)
}

impl Endpoint {
    /// Whether this endpoint names the security group.
    pub fn selects_group(&self, group: &SecurityGroup) -> bool {
        match self {
            Endpoint::Group(id) => &group.id == id,
            Endpoint::GroupName(name) => &group.name == name,
            Endpoint::Tag(k, v) => has_tag(&group.tags, k, v),
            _ => false,
        }
    }

    /// Whether this endpoint names the subnet (a CIDR selects the subnets inside it).
    pub fn selects_subnet(&self, subnet: &Subnet) -> bool {
        match self {
            Endpoint::Subnet(id) => &subnet.id == id,
            Endpoint::Tag(k, v) => has_tag(&subnet.tags, k, v),
            Endpoint::Cidr(c) => match (
                c.parse::<Cidr>(),
                subnet.cidr_block.as_deref().map(str::parse::<Cidr>),
            ) {
                (Ok(Cidr::V4(outer)), Some(Ok(Cidr::V4(inner)))) => {
                    inner.to_set().is_subset(&outer.to_set())
                }
                _ => false,
            },
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Endpoint, String> {
        Endpoint::try_from(s.to_owned())
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(parse("internet").unwrap(), Endpoint::Internet);
        assert_eq!(
            parse("cidr:10.0.0.0/16").unwrap(),
            Endpoint::Cidr("10.0.0.0/16".into())
        );
        assert_eq!(
            parse("10.0.0.0/16").unwrap(),
            Endpoint::Cidr("10.0.0.0/16".into())
        );
        assert_eq!(parse("sg-0abc").unwrap(), Endpoint::Group("sg-0abc".into()));
        assert_eq!(
            parse("sg-name:app").unwrap(),
            Endpoint::GroupName("app".into())
        );
        assert_eq!(
            parse("tag:Role=db").unwrap(),
            Endpoint::Tag("Role".into(), "db".into())
        );
        assert_eq!(
            parse("pl:pl-1").unwrap(),
            Endpoint::PrefixList("pl-1".into())
        );
        assert_eq!(parse("sg-name:app").unwrap().to_string(), "sg-name:app");
    }

    #[test]
    fn errors_say_what_to_write() {
        assert!(
            parse("cidr:10.0.0.0/40")
                .unwrap_err()
                .starts_with("`cidr:10.0.0.0/40`: ")
        );
        assert!(parse("tag:Role").unwrap_err().contains("tag:KEY=VALUE"));
        assert!(
            parse("somewhere")
                .unwrap_err()
                .contains("is not an endpoint")
        );
    }
}
