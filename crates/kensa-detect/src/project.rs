//! Parsing only the parts of a record the rules read.
//!
//! A CloudTrail record is mostly `requestParameters`, `responseElements`
//! and `userIdentity` detail that no rule looks at. [`Projection`] parses a
//! record into a `serde_json::Value` that holds exactly the paths the rules'
//! selectors name (`eventName`, `requestParameters.instanceType`...) and
//! skips everything else without building it. Every value on a kept path
//! is kept whole and unchanged, so a pattern gives the same answer on the
//! projection as on the full record.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The set of paths to keep, as a tree of object keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    /// Keep the whole value here (a selected leaf, or a path through an array).
    whole: bool,
    children: BTreeMap<String, Projection>,
}

impl Projection {
    /// Keeps nothing: every record parses to `{}`.
    pub fn empty() -> Self {
        Projection::default()
    }

    /// Keeps everything: the full record.
    pub fn everything() -> Self {
        Projection {
            whole: true,
            children: BTreeMap::new(),
        }
    }

    pub fn is_everything(&self) -> bool {
        self.whole
    }

    /// Adds a selector such as `requestParameters.instanceType`,
    /// `$.users[0].id` or `userIdentity`. An array index keeps the whole
    /// array, which is exact and rare.
    pub fn add(&mut self, selector: &str) {
        let selector = selector.strip_prefix("$.").unwrap_or(selector);
        let selector = selector.strip_prefix('$').unwrap_or(selector);
        let mut node = self;
        for segment in selector.split('.') {
            if node.whole {
                return;
            }
            let (name, indexed) = match segment.find('[') {
                Some(i) => (&segment[..i], true),
                None => (segment, false),
            };
            node = node.children.entry(name.to_owned()).or_default();
            if indexed {
                node.keep_whole();
                return;
            }
        }
        node.keep_whole();
    }

    /// Adds every path of `other`.
    pub fn merge(&mut self, other: &Projection) {
        if self.whole {
            return;
        }
        if other.whole {
            self.keep_whole();
            return;
        }
        for (key, child) in &other.children {
            self.children.entry(key.clone()).or_default().merge(child);
        }
    }

    fn keep_whole(&mut self) {
        self.whole = true;
        self.children.clear();
    }

    /// Parses one record's JSON text into its projection.
    pub fn parse(&self, json: &[u8]) -> serde_json::Result<Value> {
        if self.whole {
            return serde_json::from_slice(json);
        }
        let mut de = serde_json::Deserializer::from_slice(json);
        let value = self.deserialize(&mut de)?;
        de.end()?;
        Ok(value)
    }
}

impl<'de> DeserializeSeed<'de> for &Projection {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.whole {
            return <Value as serde::Deserialize>::deserialize(deserializer);
        }
        deserializer.deserialize_any(ProjectVisitor(self))
    }
}

struct ProjectVisitor<'a>(&'a Projection);

impl<'de> Visitor<'de> for ProjectVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match self.0.children.get(key.as_ref()) {
                Some(child) => {
                    let value = map.next_value_seed(child)?;
                    out.insert(key.into_owned(), value);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(out))
    }

    // A path that meets an array or a scalar keeps it whole: the pattern
    // engine decides what a selector through it means.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            out.push(item);
        }
        Ok(Value::Array(out))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn projection(selectors: &[&str]) -> Projection {
        let mut p = Projection::empty();
        for s in selectors {
            p.add(s);
        }
        p
    }

    #[test]
    fn keeps_only_the_selected_paths() {
        let record = json!({
            "eventName": "RunInstances",
            "eventSource": "ec2.amazonaws.com",
            "requestParameters": {"instanceType": "c5.8xlarge", "imageId": "ami-1"},
            "userIdentity": {"type": "Root", "arn": "arn:aws:iam::1:root"},
        });
        let p = projection(&[
            "eventName",
            "$.requestParameters.instanceType",
            "userIdentity.invokedBy",
        ]);
        let got = p.parse(record.to_string().as_bytes()).unwrap();
        assert_eq!(
            got,
            json!({
                "eventName": "RunInstances",
                "requestParameters": {"instanceType": "c5.8xlarge"},
                "userIdentity": {},
            })
        );
    }

    #[test]
    fn paths_through_arrays_and_non_objects_keep_the_value() {
        let p = projection(&["users[0].id", "requestParameters.instanceType"]);
        let got = p
            .parse(br#"{"users":[{"id":1,"x":2}],"requestParameters":null,"z":[1]}"#)
            .unwrap();
        assert_eq!(
            got,
            json!({"users":[{"id":1,"x":2}], "requestParameters": null})
        );
    }

    #[test]
    fn a_shorter_selector_keeps_the_whole_subtree() {
        let p = projection(&["userIdentity.type", "userIdentity"]);
        let got = p
            .parse(br#"{"userIdentity":{"type":"Root","arn":"a"}}"#)
            .unwrap();
        assert_eq!(got, json!({"userIdentity":{"type":"Root","arn":"a"}}));
    }

    #[test]
    fn malformed_json_is_an_error_even_in_skipped_parts() {
        let p = projection(&["eventName"]);
        assert!(p.parse(br#"{"eventName":"X","other":[1,}"#).is_err());
        assert!(p.parse(br#"{"eventName":"X"} trailing"#).is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// The value at `path` in `value`, following object keys only.
    fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
        path.iter().try_fold(value, |v, key| v.get(*key))
    }

    proptest! {
        /// For every selected path, the projection holds exactly what the
        /// full record holds there (absent stays absent).
        #[test]
        fn projection_agrees_with_the_full_record_on_selected_paths(
            record in prop::collection::btree_map(
                "[abc]", prop_oneof![
                    Just(Value::Null),
                    "[a-z]{0,3}".prop_map(Value::String),
                    prop::collection::btree_map("[abc]", "[a-z]{0,3}".prop_map(Value::String), 0..3)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ], 0..4),
            selectors in prop::collection::vec("[abc](\\.[abc]){0,2}", 1..4),
        ) {
            let record = Value::Object(record.into_iter().collect());
            let mut p = Projection::empty();
            for s in &selectors { p.add(s); }
            let projected = p.parse(record.to_string().as_bytes()).unwrap();
            for s in &selectors {
                let path: Vec<&str> = s.split('.').collect();
                prop_assert_eq!(at(&projected, &path), at(&record, &path), "selector {}", s);
            }
        }
    }
}
