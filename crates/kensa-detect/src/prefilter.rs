//! A cheap test that rules out most records before they are parsed, and is
//! exact: it never rules out a record a rule would match.
//!
//! A JSON condition `$.a.eventName = "Stop*"` can only hold if the record
//! has a member `"eventName": <value>` somewhere whose value is a string
//! the pattern matches, or a number (whose text might). The key is spelled
//! `"eventName"` in the record's text unless the writer spelled some of
//! its characters as `\uXXXX` escapes (keys are identifiers: no other
//! escape can stand for their characters). So, for a record without `\u`:
//! find every `"eventName"` followed by `:`, read the value after it, and
//! the condition may hold only if one of those values passes. A value that
//! is not a plain string (a number, an object, a string with escapes)
//! counts as passing. Each rule's conditions are then evaluated over
//! "which conditions may hold" instead of over parsed JSON.
//!
//! Only enough keys are looked for to rule records out: under an `&&`,
//! one side suffices (`eventName` rather than `eventSource` in the S3
//! rule), so the eleven ALM rules need only `eventName` and `errorCode`.
//! Conditions that no key captures (`!=`, numbers, `IS NULL`, `NOT
//! EXISTS`, regexes, `= *`, a selector ending in an index) count as "may
//! hold". When any rule as a whole may hold for every record (an event
//! pattern, a term pattern, a rule made only of such conditions), there is
//! no prefilter.
//!
//! Finding the keys costs almost nothing in CloudTrail files: the framer's
//! block scanner ([`kensa_jsonscan`]) reports where they are while it looks
//! for the record's end. Records framed without it (JSON lines, a stream
//! whose record crosses a buffer) are searched here.

use foldhash::HashMap;
use kensa_jsonscan::{KeyHit, ObjectScanner};
use kensa_pattern::{
    CompareOp, Expr, JsonCondition, JsonTest, Operand, Pattern, Step, StringPattern,
};
use memchr::memmem;

use crate::rules::{Matcher, Rule};

/// What a rule needs of the record, over condition indices.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Need {
    /// Nothing known: the rule may match any record.
    Nothing,
    Condition(usize),
    All(Vec<Need>),
    Any(Vec<Need>),
}

impl Need {
    fn holds(&self, found: &[bool]) -> bool {
        match self {
            Need::Nothing => true,
            Need::Condition(i) => found[*i],
            Need::All(children) => children.iter().all(|c| c.holds(found)),
            Need::Any(children) => children.iter().any(|c| c.holds(found)),
        }
    }

    /// The keys a record must show for this to hold: one side of each
    /// `&&` (the one whose keys are cheapest given `preferred`), every
    /// side of each `||`.
    fn cover(&self, key_of: &[String], preferred: &[String], out: &mut Vec<String>) {
        match self {
            Need::Nothing => {}
            Need::Condition(i) => {
                if !out.contains(&key_of[*i]) {
                    out.push(key_of[*i].clone());
                }
            }
            Need::Any(children) => {
                for child in children {
                    child.cover(key_of, preferred, out);
                }
            }
            Need::All(children) => {
                let best = children
                    .iter()
                    .map(|child| {
                        let mut keys = Vec::new();
                        child.cover(key_of, preferred, &mut keys);
                        let new = keys.iter().filter(|k| !preferred.contains(k)).count();
                        (new, keys.len(), keys)
                    })
                    .min_by_key(|(new, len, _)| (*new, *len));
                if let Some((_, _, keys)) = best {
                    for key in keys {
                        if !out.contains(&key) {
                            out.push(key);
                        }
                    }
                }
            }
        }
    }

    /// The same need with conditions on other keys as unknown.
    fn restricted(&self, key_of: &[String], keys: &[String]) -> Need {
        match self {
            Need::Nothing => Need::Nothing,
            Need::Condition(i) => {
                if keys.contains(&key_of[*i]) {
                    Need::Condition(*i)
                } else {
                    Need::Nothing
                }
            }
            Need::All(children) => {
                let children: Vec<Need> = children
                    .iter()
                    .map(|c| c.restricted(key_of, keys))
                    .filter(|n| *n != Need::Nothing)
                    .collect();
                if children.is_empty() {
                    Need::Nothing
                } else {
                    Need::All(children)
                }
            }
            Need::Any(children) => {
                let children: Vec<Need> = children
                    .iter()
                    .map(|c| c.restricted(key_of, keys))
                    .collect();
                if children.contains(&Need::Nothing) {
                    Need::Nothing
                } else {
                    Need::Any(children)
                }
            }
        }
    }
}

/// The conditions on one key.
#[derive(Debug, Default)]
struct KeyConditions {
    /// Patterns without wildcards, by the value they equal (as bytes, so
    /// that a record's value needs no UTF-8 check to be looked up).
    exact: HashMap<Vec<u8>, Vec<usize>>,
    /// Patterns with a leading or trailing `*`.
    wildcard: Vec<(StringPattern, usize)>,
    /// Every condition on this key.
    all: Vec<usize>,
}

/// The key-presence test for a set of rules.
///
/// Two stages: the cover keys (enough to rule most records out, and
/// spotted by the framer's scanner for free) decide first; a record that
/// passes is then searched for the other keys the rules name, so that
/// `eventName = ConsoleLogin && errorMessage = "Failed authentication"`
/// does not send every successful sign-in to the parser.
#[derive(Debug)]
pub struct Prefilter {
    /// Every key the conditions name: the cover keys first, in
    /// [`ObjectScanner`] order, then the others.
    keys: Vec<String>,
    cover_len: usize,
    /// `"key"` searchers, for records the scanner did not frame and for
    /// the second stage.
    finders: Vec<memmem::Finder<'static>>,
    by_key: Vec<KeyConditions>,
    condition_count: usize,
    /// Each rule's need over the cover keys' conditions only.
    cover_needs: Vec<Need>,
    /// Each rule's need over every condition.
    needs: Vec<Need>,
    /// The block scanner that reports the keys while framing, when every
    /// key has an anchor (see [`ObjectScanner::new`]).
    scanner: Option<ObjectScanner>,
}

/// One condition a key can decide: `$...key = pattern`.
struct KeyCondition {
    key: String,
    pattern: StringPattern,
}

impl Prefilter {
    /// `None` when some rule may match any record (no key to look for).
    pub fn new(rules: &[Rule]) -> Option<Prefilter> {
        let mut conditions: Vec<KeyCondition> = Vec::new();
        let mut needs = Vec::new();
        for rule in rules {
            let Matcher::Filter(pattern) = &rule.matcher else {
                return None;
            };
            let Pattern::Json(expr) = pattern.ast() else {
                return None;
            };
            let need = need_of(expr, &mut conditions);
            if need == Need::Nothing {
                return None;
            }
            needs.push(need);
        }
        let key_of: Vec<String> = conditions.iter().map(|c| c.key.clone()).collect();
        // Keys by how many conditions name them: covers prefer the keys
        // most rules use (`eventName`), so few keys serve every rule.
        let mut popular: Vec<String> = Vec::new();
        for key in &key_of {
            if !popular.contains(key) {
                popular.push(key.clone());
            }
        }
        popular.sort_by_key(|k| std::cmp::Reverse(key_of.iter().filter(|o| *o == k).count()));
        let mut keys: Vec<String> = Vec::new();
        for need in &needs {
            let mut preferred = keys.clone();
            preferred.extend(popular.iter().take(1).cloned());
            need.cover(&key_of, &preferred, &mut keys);
        }
        let cover_needs: Vec<Need> = needs.iter().map(|n| n.restricted(&key_of, &keys)).collect();
        if cover_needs.contains(&Need::Nothing) || keys.is_empty() {
            return None;
        }
        let cover_len = keys.len();
        for key in &key_of {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        let mut by_key: Vec<KeyConditions> =
            keys.iter().map(|_| KeyConditions::default()).collect();
        for (index, condition) in conditions.into_iter().enumerate() {
            let Some(k) = keys.iter().position(|key| *key == condition.key) else {
                continue;
            };
            let slot = &mut by_key[k];
            slot.all.push(index);
            if !condition.pattern.is_exact() {
                slot.wildcard.push((condition.pattern, index));
            } else {
                slot.exact
                    .entry(condition.pattern.as_str().as_bytes().to_vec())
                    .or_default()
                    .push(index);
            }
        }
        let key_refs: Vec<&str> = keys[..cover_len].iter().map(String::as_str).collect();
        let scanner = ObjectScanner::new(&key_refs).ok();
        let finders = keys
            .iter()
            .map(|k| memmem::Finder::new(format!("\"{k}\"").as_bytes()).into_owned())
            .collect();
        Some(Prefilter {
            keys,
            cover_len,
            finders,
            by_key,
            condition_count: key_of.len(),
            cover_needs,
            needs,
            scanner,
        })
    }

    /// The scanner the framer should use, so that it reports the keys.
    pub fn scanner(&self) -> Option<&ObjectScanner> {
        self.scanner.as_ref()
    }

    /// The keys that decide first (and that the scanner spots).
    pub fn cover_keys(&self) -> &[String] {
        &self.keys[..self.cover_len]
    }

    /// False only when no rule can match the record. `scanned` is what the
    /// framer's block scanner reported for it (the cover keys' occurrences
    /// relative to the record's start, and whether a `\u` escape occurs),
    /// if it framed the record.
    pub fn may_match(&self, record: &[u8], scanned: Option<(&[KeyHit], bool)>) -> bool {
        // Without a key-spotting scanner, the framer's (keyless) scanner
        // reported no keys: search for them.
        let scanned = scanned.filter(|_| self.scanner.is_some());
        let mut found = Found::default();
        match scanned {
            Some((_, true)) => return true,
            Some((hits, false)) => self.mark(record, hits, &mut found),
            None => {
                if memmem::find(record, b"\\u").is_some() {
                    return true;
                }
                let hits = self.search(record, 0..self.cover_len);
                self.mark(record, &hits, &mut found);
            }
        }
        let Some(found_so_far) = found.0.as_deref() else {
            // No cover condition can hold, and every rule needs one.
            return false;
        };
        if !self.cover_needs.iter().any(|need| need.holds(found_so_far)) {
            return false;
        }
        if self.cover_len < self.keys.len() {
            let hits = self.search(record, self.cover_len..self.keys.len());
            self.mark(record, &hits, &mut found);
        }
        let found = found.0.as_deref().unwrap_or_default();
        self.needs.iter().any(|need| need.holds(found))
    }

    /// Where the keys `keys` (indices) occur in `record`.
    fn search(&self, record: &[u8], keys: std::ops::Range<usize>) -> Vec<KeyHit> {
        let mut hits = Vec::new();
        for key in keys {
            let finder = &self.finders[key];
            hits.extend(finder.find_iter(record).map(|at| KeyHit {
                key,
                after: at + finder.needle().len(),
            }));
        }
        hits
    }

    /// Marks the conditions the values after `hits` may satisfy.
    fn mark(&self, record: &[u8], hits: &[KeyHit], found: &mut Found) {
        for hit in hits {
            let conditions = &self.by_key[hit.key];
            match member_value(record, hit.after) {
                Value::NotAMember => {}
                Value::Plain(text) => {
                    if let Some(indices) = conditions.exact.get(text) {
                        found.mark(indices, self.condition_count);
                    }
                    if conditions.wildcard.is_empty() {
                        continue;
                    }
                    let Ok(text) = std::str::from_utf8(text) else {
                        // Not text: the parser will say so.
                        found.mark(&conditions.all, self.condition_count);
                        continue;
                    };
                    for (pattern, index) in &conditions.wildcard {
                        if pattern.matches(text) {
                            found.mark(std::slice::from_ref(index), self.condition_count);
                        }
                    }
                }
                Value::Other => found.mark(&conditions.all, self.condition_count),
            }
        }
    }
}

/// The conditions that may hold, allocated at the first one: most
/// records have none.
#[derive(Debug, Default)]
struct Found(Option<Vec<bool>>);

impl Found {
    fn mark(&mut self, indices: &[usize], count: usize) {
        let found = self.0.get_or_insert_with(|| vec![false; count]);
        for &i in indices {
            found[i] = true;
        }
    }
}

/// What follows a `"key"` in a record's text.
enum Value<'a> {
    /// `,`, `}` or `]`: the spelling was a string value, not a key.
    NotAMember,
    /// A string without escapes, its bytes.
    Plain(&'a [u8]),
    /// Anything else the value could be compared as: a number, a string
    /// with escapes, text the parser will reject.
    Other,
}

fn member_value(record: &[u8], after_key: usize) -> Value<'_> {
    let rest = &record[after_key.min(record.len())..];
    let rest = rest.trim_ascii_start();
    let Some(rest) = rest.strip_prefix(b":") else {
        // A string value ends before `,`, `}` or `]`. Anything else is
        // broken JSON that may have been meant as this key: it goes on to
        // the parser, which reports it.
        return match rest.first() {
            None | Some(b',' | b'}' | b']') => Value::NotAMember,
            Some(_) => Value::Other,
        };
    };
    let rest = rest.trim_ascii_start();
    let Some(string) = rest.strip_prefix(b"\"") else {
        return Value::Other;
    };
    match memchr::memchr2(b'"', b'\\', string) {
        Some(end) if string[end] == b'"' => Value::Plain(&string[..end]),
        _ => Value::Other,
    }
}

fn need_of(expr: &Expr<JsonCondition>, conditions: &mut Vec<KeyCondition>) -> Need {
    match expr {
        Expr::Cond(condition) => match key_condition(condition) {
            Some(condition) => {
                conditions.push(condition);
                Need::Condition(conditions.len() - 1)
            }
            None => Need::Nothing,
        },
        Expr::All(children) => {
            let children: Vec<Need> = children
                .iter()
                .map(|c| need_of(c, conditions))
                .filter(|n| *n != Need::Nothing)
                .collect();
            if children.is_empty() {
                Need::Nothing
            } else {
                Need::All(children)
            }
        }
        Expr::Any(children) => {
            let children: Vec<Need> = children.iter().map(|c| need_of(c, conditions)).collect();
            if children.contains(&Need::Nothing) {
                Need::Nothing
            } else {
                Need::Any(children)
            }
        }
    }
}

/// `$...key = "string pattern"`, when some value must equal or contain
/// text (not `= *`, which any value matches).
fn key_condition(condition: &JsonCondition) -> Option<KeyCondition> {
    let JsonTest::Compare(comparison) = &condition.test else {
        return None;
    };
    if comparison.op != CompareOp::Eq {
        return None;
    }
    let Operand::String(pattern) = &comparison.value else {
        return None;
    };
    if pattern.is_match_all() {
        return None;
    }
    let Some(Step::Key(key)) = condition.selector.steps.last() else {
        return None;
    };
    Some(KeyCondition {
        key: key.clone(),
        pattern: pattern.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin_rules;

    fn framed(prefilter: &Prefilter, record: &[u8]) -> bool {
        let mut hits = Vec::new();
        let scanned = prefilter
            .scanner()
            .and_then(|s| s.object_end(record, &mut hits))
            .map(|end| end.unicode_escape);
        let by_scanner = scanned.map(|unicode| prefilter.may_match(record, Some((&hits, unicode))));
        let by_search = prefilter.may_match(record, None);
        if let Some(by_scanner) = by_scanner {
            assert_eq!(by_scanner, by_search, "{}", String::from_utf8_lossy(record));
        }
        by_search
    }

    #[test]
    fn builtin_rules_look_for_two_keys_and_pass_their_own_events() {
        let rules = builtin_rules();
        let prefilter = Prefilter::new(&rules).expect("the ALM patterns are all literal");
        assert_eq!(prefilter.cover_keys(), ["eventName", "errorCode"]);
        // A successful sign-in has no `errorMessage`: the second stage rules it out.
        assert!(!framed(
            &prefilter,
            br#"{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"}}"#
        ));
        assert!(framed(
            &prefilter,
            br#"{"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}"#
        ));
        assert!(prefilter.scanner().is_some());
        assert!(framed(&prefilter, br#"{"eventName":"StopLogging"}"#));
        assert!(framed(
            &prefilter,
            br#"{"errorCode":"Client.UnauthorizedOperation"}"#
        ));
        assert!(!framed(
            &prefilter,
            br#"{"eventName":"GetObject","eventSource":"s3.amazonaws.com"}"#
        ));
        // The name as a value of another key is not the key.
        assert!(!framed(
            &prefilter,
            br#"{"eventName":"GetObject","x":"StopLogging"}"#
        ));
        // RunInstances alone is ALM-2; the large-instance condition is not needed for it.
        assert!(framed(&prefilter, br#"{"eventName":"RunInstances"}"#));
        // Spacing between key, colon and value is JSON too.
        assert!(framed(&prefilter, b"{\"eventName\" :\n \"StopLogging\"}"));
        // An escaped spelling defeats the search, so it must pass.
        assert!(framed(&prefilter, br#"{"eventName":"Stop\u004cogging"}"#));
        assert!(framed(&prefilter, br#"{"event\u004eame":"GetObject"}"#));
        // A value that is not a plain string may compare equal in text.
        assert!(framed(&prefilter, br#"{"eventName":"Stop\/Logging"}"#));
    }

    #[test]
    fn wildcards_and_nested_keys() {
        let rule = Rule::from_filter_pattern(
            r#"{ $.requestParameters.instanceType = "*.8xlarge" && $.eventSource = "ec2*" }"#,
        )
        .unwrap();
        let prefilter = Prefilter::new(&[rule]).unwrap();
        assert_eq!(prefilter.cover_keys().len(), 1);
        assert!(framed(
            &prefilter,
            br#"{"eventSource":"ec2.amazonaws.com","requestParameters":{"instanceType":"c5.8xlarge"}}"#
        ));
        assert!(!framed(
            &prefilter,
            br#"{"eventSource":"ec2.amazonaws.com","requestParameters":{"instanceType":"t3.micro"}}"#
        ));
    }

    #[test]
    fn rules_without_key_conditions_disable_it() {
        let rule = Rule::from_filter_pattern("{ $.eventName != GetObject }").unwrap();
        assert!(Prefilter::new(&[rule]).is_none());
        let rule = Rule::from_filter_pattern("ERROR").unwrap();
        assert!(Prefilter::new(&[rule]).is_none());
        let rule = Rule::from_filter_pattern("{ $.eventName = * }").unwrap();
        assert!(Prefilter::new(&[rule]).is_none());
    }

    #[test]
    fn short_keys_are_searched_without_the_scanner() {
        // `ip` has no anchor for the block scanner; the record search still finds it.
        let rule = Rule::from_filter_pattern("{ $.ip = 10.0.0.1 }").unwrap();
        let prefilter = Prefilter::new(&[rule]).unwrap();
        assert!(prefilter.scanner().is_none());
        assert!(prefilter.may_match(br#"{"ip":"10.0.0.1"}"#, None));
        // The framer's keyless scanner reports no keys; they are searched for.
        assert!(prefilter.may_match(br#"{"ip":"10.0.0.1"}"#, Some((&[], false))));
        assert!(!prefilter.may_match(br#"{"ip":"10.0.0.2"}"#, None));
        // A number's text may match a string pattern.
        assert!(prefilter.may_match(br#"{"ip":10}"#, None));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::rules::builtin_rules;
    use proptest::prelude::*;

    proptest! {
        /// Exactness: whenever a rule matches a record, the prefilter lets
        /// the record through, whether the framer's scanner or the record
        /// search found the keys (records built from the rules' own words).
        #[test]
        fn never_rules_out_a_match(
            name in prop::sample::select(vec!["RunInstances", "StopLogging", "GetObject", "PutBucketPolicy", "ConsoleLogin", "CreateVpc", "Describe"]),
            source in prop::sample::select(vec!["s3.amazonaws.com", "ec2.amazonaws.com"]),
            error in prop::option::of(prop::sample::select(vec!["AccessDenied", "AccessDeniedException", "Client.UnauthorizedOperation", "Throttling"])),
            message in prop::option::of(prop::sample::select(vec!["Failed authentication", "other"])),
            instance in prop::option::of(prop::sample::select(vec!["c5.8xlarge", "t3.micro", "m5.4xlarge"])),
            escape in prop::sample::select(vec!["", "\\u0052", "\\/"]),
            pretty in any::<bool>(),
        ) {
            let mut record = serde_json::json!({"eventName": name, "eventSource": source});
            if let Some(e) = error { record["errorCode"] = e.into(); }
            if let Some(m) = message { record["errorMessage"] = m.into(); }
            if let Some(i) = instance { record["requestParameters"] = serde_json::json!({"instanceType": i}); }
            let mut text = if pretty {
                serde_json::to_string_pretty(&record).unwrap()
            } else {
                record.to_string()
            };
            if !escape.is_empty() {
                text = text.replacen("Run", &format!("{escape}un"), 1);
            }
            let Ok(parsed) = serde_json::from_str::<serde_json::Value>(&text) else {
                return Ok(());
            };
            let rules = builtin_rules();
            let prefilter = Prefilter::new(&rules).unwrap();
            let matched = rules.iter().any(|r| r.matches(&text, &parsed));
            let mut hits = Vec::new();
            let scanner = prefilter.scanner().unwrap();
            let end = scanner.object_end(text.as_bytes(), &mut hits).unwrap();
            prop_assert_eq!(end.end, text.len());
            let by_scanner = prefilter.may_match(text.as_bytes(), Some((&hits, end.unicode_escape)));
            let by_search = prefilter.may_match(text.as_bytes(), None);
            prop_assert_eq!(by_scanner, by_search);
            if matched {
                prop_assert!(by_scanner, "{}", text);
            }
        }
    }
}
