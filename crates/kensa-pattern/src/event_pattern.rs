//! Amazon EventBridge event patterns (content filtering).
//!
//! Rules, from the EventBridge user guide ("Creating event patterns",
//! "Content filtering in Amazon EventBridge event patterns",
//! <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html>
//! and `eb-event-patterns-content-based-filtering.html`):
//!
//! * A pattern is a JSON object. Every field it names must match (AND); a
//!   field's value is either a nested object (matched against the event's
//!   nested object) or an **array** of match values ("Match values are always
//!   in arrays"); the field matches when **any** of them matches (OR).
//! * Exact values: strings (case-sensitive), numbers (compared numerically),
//!   `true`/`false`, and `null`, which matches only a JSON `null` (not a
//!   missing field); `""` matches only the empty string.
//! * "If the value in the event is an array, then the event pattern matches
//!   if the intersection of the event pattern array and the event array is
//!   non-empty": each element of an event array is tried. Arrays of objects
//!   are searched the same way at every level (EventBridge flattens them).
//! * A field that is missing from the event matches only `{"exists": false}`;
//!   every other filter (including `anything-but`) needs the field present.
//! * Filters: `{"prefix": s}`, `{"prefix": {"equals-ignore-case": s}}`,
//!   `{"suffix": s}`, `{"suffix": {"equals-ignore-case": s}}`,
//!   `{"equals-ignore-case": s}`, `{"wildcard": s}` (`*` matches any text,
//!   `\*` and `\\` escape; consecutive `**` are rejected), `{"numeric": [op, n, op, n]}`
//!   (`<`, `<=`, `=`, `>`, `>=`; one or two comparisons; numbers only),
//!   `{"exists": bool}` (leaf values only: a nested object does not count),
//!   `{"cidr": "10.0.0.0/24"}` (IPv4 or IPv6; the event value is an IP string),
//!   `{"anything-but": v | [v, ...] | {"prefix": s|[..]} | {"suffix": s|[..]} |
//!   {"equals-ignore-case": s|[..]} | {"wildcard": s|[..]}}`.
//! * `"$or": [pattern, pattern, ...]` at any object level: any of the
//!   sub-patterns (each is merged with the fields next to `$or`).
//!
//! Decisions (not documented by AWS): `anything-but` with prefix, suffix,
//! wildcard or equals-ignore-case matches non-string values (they cannot
//! start with, end with or equal the text); numeric filters never match a
//! JSON string; case-insensitive comparisons use Unicode lowercase.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use memchr::memmem;
use serde_json::{Map, Value};

use crate::ast::CompareOp;

/// A parsed EventBridge event pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct EventPattern {
    root: Node,
}

/// A node of an event pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// All children must match (the fields of one pattern object).
    All(Vec<Node>),
    /// `$or`: any child matches.
    Any(Vec<Node>),
    /// A field at `path` (keys from the root) and its match values (OR).
    Field {
        path: Vec<String>,
        matchers: Vec<Matcher>,
    },
}

/// One match value from a field's array.
#[derive(Clone, Debug, PartialEq)]
pub enum Matcher {
    Exact(Scalar),
    Prefix(TextMatch),
    Suffix(TextMatch),
    EqualsIgnoreCase(String),
    Wildcard(Wildcard),
    AnythingBut(AnythingBut),
    /// One or two comparisons, all of which must hold.
    Numeric(Vec<(CompareOp, f64)>),
    Exists(bool),
    Cidr(IpNet),
}

/// A JSON scalar used as an exact value.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    String(String),
    Number(f64),
    Bool(bool),
    Null,
}

/// Text for `prefix`/`suffix`, optionally case-insensitive (stored lowercase then).
#[derive(Clone, Debug, PartialEq)]
pub struct TextMatch {
    pub text: String,
    pub ignore_case: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AnythingBut {
    Values(Vec<Scalar>),
    Prefix(Vec<String>),
    Suffix(Vec<String>),
    EqualsIgnoreCase(Vec<String>),
    Wildcard(Vec<Wildcard>),
}

/// An EventBridge wildcard: literal segments separated by `*`.
#[derive(Clone)]
pub struct Wildcard {
    source: String,
    segments: Vec<String>,
    finders: Vec<memmem::Finder<'static>>,
}

impl PartialEq for Wildcard {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl fmt::Debug for Wildcard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Wildcard({:?})", self.source)
    }
}

impl Wildcard {
    /// Parses `dir/*.png`; `\*` is a literal star and `\\` a literal backslash.
    pub fn new(source: &str) -> Result<Wildcard, String> {
        let mut segments = vec![String::new()];
        let mut chars = source.chars().peekable();
        let mut previous_star = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(e @ ('*' | '\\')) => {
                        if let Some(s) = segments.last_mut() {
                            s.push(e);
                        }
                        previous_star = false;
                    }
                    _ => return Err("a wildcard where `\\` escapes only `*` or `\\`".to_owned()),
                },
                '*' => {
                    if previous_star {
                        return Err("a wildcard without consecutive `*` characters".to_owned());
                    }
                    segments.push(String::new());
                    previous_star = true;
                }
                c => {
                    if let Some(s) = segments.last_mut() {
                        s.push(c);
                    }
                    previous_star = false;
                }
            }
        }
        let finders = segments
            .iter()
            .map(|s| memmem::Finder::new(s.as_bytes()).into_owned())
            .collect();
        Ok(Wildcard {
            source: source.to_owned(),
            segments,
            finders,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn matches(&self, value: &str) -> bool {
        let n = self.segments.len();
        let first = &self.segments[0];
        if n == 1 {
            return value == first;
        }
        let last = &self.segments[n - 1];
        if value.len() < first.len() + last.len()
            || !value.starts_with(first.as_str())
            || !value.ends_with(last.as_str())
        {
            return false;
        }
        // Middle segments, leftmost first, between the fixed ends.
        let mut rest = &value.as_bytes()[first.len()..value.len() - last.len()];
        for finder in &self.finders[1..n - 1] {
            match finder.find(rest) {
                Some(at) => rest = &rest[at + finder.needle().len()..],
                None => return false,
            }
        }
        true
    }
}

/// An event pattern that does not parse: where (a JSON path) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventPatternError {
    /// `detail.state[0]`, or empty for the whole pattern.
    pub path: String,
    pub message: String,
}

impl fmt::Display for EventPatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "event pattern: {}", self.message)
        } else {
            write!(f, "event pattern at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for EventPatternError {}

fn err<T>(path: &str, message: impl Into<String>) -> Result<T, EventPatternError> {
    Err(EventPatternError {
        path: path.to_owned(),
        message: message.into(),
    })
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl EventPattern {
    /// Parses an event pattern from its JSON text.
    pub fn parse(json_text: &str) -> Result<EventPattern, EventPatternError> {
        let value: Value = serde_json::from_str(json_text).map_err(|e| EventPatternError {
            path: String::new(),
            message: format!("not valid JSON: {e}"),
        })?;
        EventPattern::from_value(&value)
    }

    /// Parses an event pattern already read as JSON.
    pub fn from_value(value: &Value) -> Result<EventPattern, EventPatternError> {
        let Value::Object(map) = value else {
            return err("", "must be a JSON object");
        };
        if map.is_empty() {
            return err("", "must name at least one field");
        }
        Ok(EventPattern {
            root: parse_object(map, &[], "")?,
        })
    }

    /// The syntax tree.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// Whether the event (a JSON object) matches.
    pub fn matches(&self, event: &Value) -> bool {
        self.root.matches(event)
    }
}

fn parse_object(
    map: &Map<String, Value>,
    prefix: &[String],
    path: &str,
) -> Result<Node, EventPatternError> {
    let mut children = Vec::new();
    for (key, value) in map {
        let here = join(path, key);
        if key == "$or" {
            let Value::Array(alternatives) = value else {
                return err(&here, "`$or` must be an array of patterns");
            };
            if alternatives.is_empty() {
                return err(&here, "`$or` must not be empty");
            }
            let mut options = Vec::new();
            for (i, alternative) in alternatives.iter().enumerate() {
                let at = format!("{here}[{i}]");
                let Value::Object(inner) = alternative else {
                    return err(&at, "each `$or` alternative must be an object");
                };
                if inner.is_empty() {
                    return err(&at, "an `$or` alternative must name at least one field");
                }
                options.push(parse_object(inner, prefix, &at)?);
            }
            children.push(Node::Any(options));
            continue;
        }
        let mut field_path = prefix.to_vec();
        field_path.push(key.clone());
        match value {
            Value::Object(inner) => {
                if inner.is_empty() {
                    return err(&here, "a nested pattern must name at least one field");
                }
                children.push(parse_object(inner, &field_path, &here)?);
            }
            Value::Array(values) => {
                if values.is_empty() {
                    return err(&here, "the array of match values must not be empty");
                }
                let matchers = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| parse_matcher(v, &format!("{here}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?;
                children.push(Node::Field {
                    path: field_path,
                    matchers,
                });
            }
            _ => {
                return err(
                    &here,
                    "match values must be in an array (e.g. [\"value\"]) or a nested object",
                );
            }
        }
    }
    Ok(if children.len() == 1 {
        children.remove(0)
    } else {
        Node::All(children)
    })
}

fn parse_scalar(value: &Value, path: &str) -> Result<Scalar, EventPatternError> {
    Ok(match value {
        Value::String(s) => Scalar::String(s.clone()),
        Value::Number(n) => Scalar::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Null => Scalar::Null,
        _ => return err(path, "a string, number, boolean or null"),
    })
}

fn one_string(value: &Value, path: &str, what: &str) -> Result<String, EventPatternError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        _ => err(path, format!("{what} needs a string")),
    }
}

fn string_list(value: &Value, path: &str, what: &str) -> Result<Vec<String>, EventPatternError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, v)| one_string(v, &format!("{path}[{i}]"), what))
            .collect(),
        _ => err(
            path,
            format!("{what} needs a string or a non-empty array of strings"),
        ),
    }
}

fn text_match(value: &Value, path: &str, what: &str) -> Result<TextMatch, EventPatternError> {
    match value {
        Value::String(s) => Ok(TextMatch {
            text: s.clone(),
            ignore_case: false,
        }),
        Value::Object(map) if map.len() == 1 && map.contains_key("equals-ignore-case") => {
            let inner = &map["equals-ignore-case"];
            let text = one_string(
                inner,
                &join(path, "equals-ignore-case"),
                "equals-ignore-case",
            )?;
            Ok(TextMatch {
                text: text.to_lowercase(),
                ignore_case: true,
            })
        }
        _ => err(
            path,
            format!("{what} needs a string or {{\"equals-ignore-case\": string}}"),
        ),
    }
}

fn parse_matcher(value: &Value, path: &str) -> Result<Matcher, EventPatternError> {
    let Value::Object(map) = value else {
        return parse_scalar(value, path).map(Matcher::Exact);
    };
    if map.len() != 1 {
        return err(
            path,
            "a filter object must have exactly one key (prefix, suffix, anything-but, numeric, exists, equals-ignore-case, wildcard, cidr)",
        );
    }
    let Some((key, inner)) = map.iter().next() else {
        return err(path, "an empty filter object");
    };
    let here = join(path, key);
    match key.as_str() {
        "prefix" => {
            let m = text_match(inner, &here, "prefix")?;
            Ok(Matcher::Prefix(m))
        }
        "suffix" => Ok(Matcher::Suffix(text_match(inner, &here, "suffix")?)),
        "equals-ignore-case" => Ok(Matcher::EqualsIgnoreCase(
            one_string(inner, &here, "equals-ignore-case")?.to_lowercase(),
        )),
        "wildcard" => {
            let text = one_string(inner, &here, "wildcard")?;
            Wildcard::new(&text)
                .map(Matcher::Wildcard)
                .or_else(|m| err(&here, m))
        }
        "exists" => match inner {
            Value::Bool(b) => Ok(Matcher::Exists(*b)),
            _ => err(&here, "exists needs true or false"),
        },
        "cidr" => {
            let text = one_string(inner, &here, "cidr")?;
            text.parse::<IpNet>().map(Matcher::Cidr).or_else(|_| {
                err(
                    &here,
                    format!("{text:?} is not a CIDR block such as 10.0.0.0/24"),
                )
            })
        }
        "numeric" => parse_numeric(inner, &here),
        "anything-but" => parse_anything_but(inner, &here),
        other => err(path, format!("unknown filter {other:?}")),
    }
}

fn parse_numeric(value: &Value, path: &str) -> Result<Matcher, EventPatternError> {
    let Value::Array(items) = value else {
        return err(path, "numeric needs an array such as [\">\", 0, \"<=\", 5]");
    };
    if items.is_empty() || items.len() % 2 != 0 || items.len() > 4 {
        return err(path, "numeric needs one or two (operator, number) pairs");
    }
    let mut comparisons = Vec::new();
    for (i, pair) in items.chunks(2).enumerate() {
        let op = match &pair[0] {
            Value::String(s) => match s.as_str() {
                "<" => CompareOp::Lt,
                "<=" => CompareOp::Le,
                "=" => CompareOp::Eq,
                ">" => CompareOp::Gt,
                ">=" => CompareOp::Ge,
                other => {
                    return err(
                        &format!("{path}[{}]", 2 * i),
                        format!("unknown numeric operator {other:?}"),
                    );
                }
            },
            _ => return err(&format!("{path}[{}]", 2 * i), "a numeric operator string"),
        };
        let Some(number) = pair[1].as_f64() else {
            return err(&format!("{path}[{}]", 2 * i + 1), "a number");
        };
        comparisons.push((op, number));
    }
    Ok(Matcher::Numeric(comparisons))
}

fn parse_anything_but(value: &Value, path: &str) -> Result<Matcher, EventPatternError> {
    let but = match value {
        Value::Array(items) => {
            if items.is_empty() {
                return err(path, "anything-but needs at least one value");
            }
            // "The list must contain either all strings, or all numbers."
            if !items.iter().all(Value::is_string) && !items.iter().all(Value::is_number) {
                return err(path, "a list of only strings or only numbers");
            }
            AnythingBut::Values(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| parse_scalar(v, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?,
            )
        }
        Value::Object(map) => {
            if map.len() != 1 {
                return err(
                    path,
                    "anything-but takes one of prefix, suffix, equals-ignore-case, wildcard",
                );
            }
            let Some((key, inner)) = map.iter().next() else {
                return err(path, "an empty anything-but object");
            };
            let here = join(path, key);
            match key.as_str() {
                "prefix" => AnythingBut::Prefix(string_list(inner, &here, "prefix")?),
                "suffix" => AnythingBut::Suffix(string_list(inner, &here, "suffix")?),
                "equals-ignore-case" => AnythingBut::EqualsIgnoreCase(
                    string_list(inner, &here, "equals-ignore-case")?
                        .into_iter()
                        .map(|s| s.to_lowercase())
                        .collect(),
                ),
                "wildcard" => AnythingBut::Wildcard(
                    string_list(inner, &here, "wildcard")?
                        .iter()
                        .map(|s| Wildcard::new(s))
                        .collect::<Result<_, _>>()
                        .or_else(|m| err(&here, m))?,
                ),
                other => return err(path, format!("anything-but does not take {other:?}")),
            }
        }
        scalar => AnythingBut::Values(vec![parse_scalar(scalar, path)?]),
    };
    Ok(Matcher::AnythingBut(but))
}

// ---- matching --------------------------------------------------------------------------

impl Node {
    pub fn matches(&self, event: &Value) -> bool {
        match self {
            Node::All(children) => children.iter().all(|c| c.matches(event)),
            Node::Any(children) => children.iter().any(|c| c.matches(event)),
            Node::Field { path, matchers } => matchers.iter().any(|m| match m {
                Matcher::Exists(false) => !any_leaf(event, path, &mut |_| true),
                Matcher::Exists(true) => any_leaf(event, path, &mut |_| true),
                m => any_leaf(event, path, &mut |leaf| m.matches(leaf)),
            }),
        }
    }
}

/// Calls `test` on every leaf value (not object, not array) reached by
/// `path`, descending into arrays at every level; true as soon as one passes.
fn any_leaf(node: &Value, path: &[String], test: &mut impl FnMut(&Value) -> bool) -> bool {
    match node {
        Value::Array(items) => items.iter().any(|item| any_leaf(item, path, test)),
        Value::Object(map) => match path.split_first() {
            Some((key, rest)) => map
                .get(key)
                .is_some_and(|child| any_leaf(child, rest, test)),
            None => false,
        },
        leaf => path.is_empty() && test(leaf),
    }
}

fn scalar_equals(scalar: &Scalar, value: &Value) -> bool {
    match (scalar, value) {
        (Scalar::String(a), Value::String(b)) => a == b,
        (Scalar::Number(a), Value::Number(b)) => b.as_f64() == Some(*a),
        (Scalar::Bool(a), Value::Bool(b)) => a == b,
        (Scalar::Null, Value::Null) => true,
        _ => false,
    }
}

fn lower_chars(s: &str) -> impl DoubleEndedIterator<Item = char> + '_ {
    s.chars().flat_map(char::to_lowercase)
}

fn starts_with_ignore_case(value: &str, lower_prefix: &str) -> bool {
    let mut have = lower_chars(value);
    lower_prefix.chars().all(|c| have.next() == Some(c))
}

fn ends_with_ignore_case(value: &str, lower_suffix: &str) -> bool {
    let mut have = value.chars().rev().flat_map(|c| c.to_lowercase().rev());
    lower_suffix.chars().rev().all(|c| have.next() == Some(c))
}

fn equals_ignore_case(value: &str, lower: &str) -> bool {
    lower_chars(value).eq(lower.chars())
}

impl TextMatch {
    fn is_prefix_of(&self, value: &str) -> bool {
        if self.ignore_case {
            starts_with_ignore_case(value, &self.text)
        } else {
            value.starts_with(self.text.as_str())
        }
    }
    fn is_suffix_of(&self, value: &str) -> bool {
        if self.ignore_case {
            ends_with_ignore_case(value, &self.text)
        } else {
            value.ends_with(self.text.as_str())
        }
    }
}

impl Matcher {
    /// Whether one leaf value matches (exists is handled by the field).
    pub fn matches(&self, value: &Value) -> bool {
        let text = value.as_str();
        match self {
            Matcher::Exact(scalar) => scalar_equals(scalar, value),
            Matcher::Prefix(m) => text.is_some_and(|t| m.is_prefix_of(t)),
            Matcher::Suffix(m) => text.is_some_and(|t| m.is_suffix_of(t)),
            Matcher::EqualsIgnoreCase(lower) => text.is_some_and(|t| equals_ignore_case(t, lower)),
            Matcher::Wildcard(w) => text.is_some_and(|t| w.matches(t)),
            Matcher::Numeric(comparisons) => value
                .as_f64()
                .is_some_and(|n| comparisons.iter().all(|(op, limit)| op.holds(n, *limit))),
            Matcher::Exists(_) => true,
            Matcher::Cidr(net) => text
                .and_then(|t| t.parse::<IpAddr>().ok())
                .is_some_and(|ip| net.contains(&ip)),
            Matcher::AnythingBut(but) => match but {
                AnythingBut::Values(values) => !values.iter().any(|s| scalar_equals(s, value)),
                AnythingBut::Prefix(list) => {
                    text.is_none_or(|t| !list.iter().any(|p| t.starts_with(p.as_str())))
                }
                AnythingBut::Suffix(list) => {
                    text.is_none_or(|t| !list.iter().any(|p| t.ends_with(p.as_str())))
                }
                AnythingBut::EqualsIgnoreCase(list) => {
                    text.is_none_or(|t| !list.iter().any(|l| equals_ignore_case(t, l)))
                }
                AnythingBut::Wildcard(list) => {
                    text.is_none_or(|t| !list.iter().any(|w| w.matches(t)))
                }
            },
        }
    }
}
