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
    /// The same need as a [`Test`]: the conditions under each `||`
    /// become one bit mask.
    fn test(&self, condition_count: usize) -> Test {
        match self {
            Need::Nothing => Test::True,
            Need::Condition(_) => Need::Any(vec![self.clone()]).test(condition_count),
            Need::All(children) => {
                Test::All(children.iter().map(|c| c.test(condition_count)).collect())
            }
            Need::Any(children) => {
                let mut mask = vec![0u64; condition_count.div_ceil(64)];
                let mut rest = Vec::new();
                for child in children {
                    match child {
                        Need::Condition(i) => mask[i / 64] |= 1 << (i % 64),
                        other => rest.push(other.test(condition_count)),
                    }
                }
                Test::Any { mask, rest }
            }
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

    /// Appends the conditions this need names.
    fn conditions(&self, out: &mut Vec<usize>) {
        match self {
            Need::Nothing => {}
            Need::Condition(i) => out.push(*i),
            Need::All(children) | Need::Any(children) => {
                for child in children {
                    child.conditions(out);
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
            Need::All(children) => Need::all(children.iter().map(|c| c.restricted(key_of, keys))),
            Need::Any(children) => Need::any(children.iter().map(|c| c.restricted(key_of, keys))),
        }
    }

    /// Every one of `children`: those that need nothing drop out, and
    /// with none left, nothing is needed. Kept flat (an `&&` inside an
    /// `&&` is one list, one need is itself), so that the `||` around it
    /// can fold its conditions into one mask (see [`Need::test`]).
    fn all(children: impl Iterator<Item = Need>) -> Need {
        let mut flat = Vec::new();
        for child in children {
            match child {
                Need::Nothing => {}
                Need::All(grandchildren) => flat.extend(grandchildren),
                other => flat.push(other),
            }
        }
        match <[Need; 1]>::try_from(flat) {
            Ok([one]) => one,
            Err(flat) if flat.is_empty() => Need::Nothing,
            Err(flat) => Need::All(flat),
        }
    }

    /// Some one of `children`: if any needs nothing, neither does this.
    /// Kept flat like [`Need::all`]; with no children it never holds.
    fn any(children: impl Iterator<Item = Need>) -> Need {
        let mut flat = Vec::new();
        for child in children {
            match child {
                Need::Nothing => return Need::Nothing,
                Need::Any(grandchildren) => flat.extend(grandchildren),
                other => flat.push(other),
            }
        }
        match <[Need; 1]>::try_from(flat) {
            Ok([one]) => one,
            Err(flat) => Need::Any(flat),
        }
    }
}

/// A [`Need`] evaluated over the bits of [`Found`]: the eleven ALM rules
/// name about seventy conditions, mostly as `eventName` alternatives,
/// which a mask tests at once.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Test {
    True,
    /// Some bit of `mask` is set, or some of `rest` holds.
    Any {
        mask: Vec<u64>,
        rest: Vec<Test>,
    },
    All(Vec<Test>),
}

impl Test {
    fn holds(&self, found: &[u64]) -> bool {
        match self {
            Test::True => true,
            Test::Any { mask, rest } => {
                mask.iter().zip(found).any(|(m, f)| m & f != 0)
                    || rest.iter().any(|t| t.holds(found))
            }
            Test::All(children) => children.iter().all(|t| t.holds(found)),
        }
    }
}

/// The conditions on one key.
#[derive(Debug, Default)]
struct KeyConditions {
    /// Patterns without wildcards, by the value they equal (as bytes, so
    /// that a record's value needs no UTF-8 check to be looked up).
    exact: HashMap<Vec<u8>, Vec<usize>>,
    /// The `exact` values' shapes (see [`shape`]): most values in a
    /// trail (hundreds of event names, where the ALM rules name about
    /// sixty) have none of them, and one bit test rules them out before
    /// the hash lookup.
    exact_shapes: ShapeSet,
    /// Patterns with a leading or trailing `*`.
    wildcard: Vec<(StringPattern, usize)>,
    /// Every condition on this key.
    all: Vec<usize>,
}

/// The key-presence test for a set of rules.
///
/// Two stages: the cover keys (enough to rule most records out, and
/// spotted by the framer's scanner for free) decide first; a record that
/// passes is then searched for the other keys of the rules still
/// possible, so that
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
    /// Whether some rule may hold, over the cover keys' conditions only.
    cover_test: Test,
    /// Whether some rule may hold, over every condition.
    test: Test,
    /// For each rule that names keys past the cover: its test over the
    /// cover keys, and those other keys (indices into `keys`, less
    /// `cover_len`). A record is searched only for the keys of the rules
    /// its cover keys leave possible: a successful `ConsoleLogin` for
    /// `errorMessage`, not also for `instanceType` and `eventSource`.
    second_stage: Vec<(Test, Vec<usize>)>,
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
                slot.exact_shapes
                    .insert(condition.pattern.as_str().as_bytes());
                slot.exact
                    .entry(condition.pattern.as_str().as_bytes().to_vec())
                    .or_default()
                    .push(index);
            }
        }
        let second_stage = needs
            .iter()
            .zip(&cover_needs)
            .filter_map(|(need, cover_need)| {
                let mut named = Vec::new();
                need.conditions(&mut named);
                let mut extra: Vec<usize> = named
                    .iter()
                    .filter_map(|&c| keys.iter().position(|k| *k == key_of[c]))
                    .filter(|&k| k >= cover_len)
                    .map(|k| k - cover_len)
                    .collect();
                extra.sort_unstable();
                extra.dedup();
                (!extra.is_empty()).then(|| (cover_need.test(key_of.len()), extra))
            })
            .collect();
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
            cover_test: Need::any(cover_needs.into_iter()).test(key_of.len()),
            test: Need::any(needs.into_iter()).test(key_of.len()),
            second_stage,
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
        let mut found = Found::new(self.condition_count);
        match scanned {
            Some((_, true)) => return true,
            Some((hits, false)) => {
                for hit in hits {
                    self.mark(record, hit, &mut found);
                }
            }
            None => {
                if memmem::find(record, b"\\u").is_some() {
                    return true;
                }
                self.search(record, 0..self.cover_len, &mut found);
            }
        }
        if !found.any {
            // No cover condition can hold, and every rule needs one.
            return false;
        }
        if !self.cover_test.holds(found.bits()) {
            return false;
        }
        // Needs only ask for conditions (no negations), so a test that
        // holds on the cover keys alone holds whatever the others show.
        if self.test.holds(found.bits()) {
            return true;
        }
        // A rule whose cover keys rule it out stays out whatever its other
        // keys show: only the keys of the rules still possible are searched.
        let mut wanted = Found::new(self.keys.len() - self.cover_len);
        for (cover, extra) in &self.second_stage {
            if cover.holds(found.bits()) {
                wanted.mark(extra);
            }
        }
        let keys = wanted.ones().map(|extra| self.cover_len + extra);
        self.search(record, keys, &mut found);
        self.test.holds(found.bits())
    }

    /// Marks the conditions the values after the keys `keys` (indices)
    /// may satisfy, wherever they occur in `record`.
    fn search(&self, record: &[u8], keys: impl Iterator<Item = usize>, found: &mut Found) {
        for key in keys {
            let finder = &self.finders[key];
            for at in finder.find_iter(record) {
                let hit = KeyHit {
                    key,
                    after: at + finder.needle().len(),
                };
                self.mark(record, &hit, found);
            }
        }
    }

    /// Marks the conditions the value after `hit` may satisfy.
    fn mark(&self, record: &[u8], hit: &KeyHit, found: &mut Found) {
        let conditions = &self.by_key[hit.key];
        match member_value(record, hit.after) {
            Value::NotAMember => {}
            Value::Plain(text) => {
                if conditions.exact_shapes.contains(text)
                    && let Some(indices) = conditions.exact.get(text)
                {
                    found.mark(indices);
                }
                if conditions.wildcard.is_empty() {
                    return;
                }
                let Ok(text) = std::str::from_utf8(text) else {
                    // Not text: the parser will say so.
                    found.mark(&conditions.all);
                    return;
                };
                for (pattern, index) in &conditions.wildcard {
                    if pattern.matches(text) {
                        found.mark(std::slice::from_ref(index));
                    }
                }
            }
            Value::Other => found.mark(&conditions.all),
        }
    }
}

/// A value's length and first and last bytes, as 16 bits.
fn shape(value: &[u8]) -> usize {
    let first = value.first().map_or(0, |b| usize::from(b & 0x1f));
    let last = value.last().map_or(0, |b| usize::from(b & 0x1f));
    ((value.len() & 0x3f) << 10) | (first << 5) | last
}

/// A set of [`shape`]s: a value whose shape is not in it equals none of
/// the values put in.
#[derive(Debug)]
struct ShapeSet(Box<[u64; 1024]>);

impl Default for ShapeSet {
    fn default() -> ShapeSet {
        ShapeSet(Box::new([0; 1024]))
    }
}

impl ShapeSet {
    fn insert(&mut self, value: &[u8]) {
        let bit = shape(value);
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    fn contains(&self, value: &[u8]) -> bool {
        let bit = shape(value);
        (self.0[bit / 64] >> (bit % 64)) & 1 == 1
    }
}

/// Conditions held in [`Found`] without allocating: the eleven ALM rules
/// have about seventy.
const INLINE_CONDITIONS: usize = 256;

/// The conditions that may hold, one bit each (also, in the second stage,
/// the keys to search for). Built for every record, so it lives on the
/// stack unless the rules have more than [`INLINE_CONDITIONS`] conditions.
#[derive(Debug)]
struct Found {
    /// Whether any bit is set: most records have none.
    any: bool,
    inline: [u64; INLINE_CONDITIONS / 64],
    /// Used instead of `inline` when there are more conditions.
    heap: Vec<u64>,
}

impl Found {
    fn new(count: usize) -> Found {
        Found {
            any: false,
            inline: [0; INLINE_CONDITIONS / 64],
            heap: if count > INLINE_CONDITIONS {
                vec![0; count.div_ceil(64)]
            } else {
                Vec::new()
            },
        }
    }

    fn bits(&self) -> &[u64] {
        if self.heap.is_empty() {
            &self.inline
        } else {
            &self.heap
        }
    }

    /// The set bits, in order.
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits().iter().enumerate().flat_map(|(word, &bits)| {
            std::iter::successors(Some(bits), |b| Some(b & b.wrapping_sub(1)))
                .take_while(|&b| b != 0)
                .map(move |b| word * 64 + b.trailing_zeros() as usize)
        })
    }

    fn mark(&mut self, indices: &[usize]) {
        let bits = if self.heap.is_empty() {
            &mut self.inline[..]
        } else {
            &mut self.heap[..]
        };
        for &i in indices {
            bits[i / 64] |= 1 << (i % 64);
        }
        self.any |= !indices.is_empty();
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
    match quote_or_backslash(string) {
        Some(end) if string[end] == b'"' => Value::Plain(&string[..end]),
        _ => Value::Other,
    }
}

/// The first `"` or `\` in `text`, eight bytes at a time: the values
/// looked up are short (event names, error codes), where a SIMD search
/// costs more to set up than it saves.
fn quote_or_backslash(text: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte of `word` that equals `byte`, and maybe
    // of bytes above such a one (a borrow): the lowest is always right.
    let equal = |word: u64, byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut chunks = text.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(bytes);
        let found = equal(word, b'"') | equal(word, b'\\');
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|b| matches!(b, b'"' | b'\\'))
        .map(|i| at + i)
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
        Expr::All(children) => Need::all(children.iter().map(|c| need_of(c, conditions))),
        Expr::Any(children) => Need::any(children.iter().map(|c| need_of(c, conditions))),
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
        // On the cover keys, the eleven rules are alternatives of one
        // key's values each: one mask tests them all.
        assert!(
            matches!(&prefilter.cover_test, Test::Any { rest, .. } if rest.is_empty()),
            "{:?}",
            prefilter.cover_test
        );
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
    fn more_conditions_than_fit_inline() {
        // 300 alternatives: past the 256 bits `Found` holds on the stack.
        let names: Vec<String> = (0..300)
            .map(|i| format!("$.eventName = \"Event{i}\""))
            .collect();
        let pattern = format!("{{ ({}) && $.errorCode = \"Denied\" }}", names.join(" || "));
        let rule = Rule::from_filter_pattern(&pattern).unwrap();
        let prefilter = Prefilter::new(&[rule]).unwrap();
        assert!(prefilter.condition_count > INLINE_CONDITIONS);
        assert!(framed(
            &prefilter,
            br#"{"eventName":"Event299","errorCode":"Denied"}"#
        ));
        assert!(framed(
            &prefilter,
            br#"{"eventName":"Event3","errorCode":"Denied"}"#
        ));
        assert!(!framed(
            &prefilter,
            br#"{"eventName":"Event300","errorCode":"Denied"}"#
        ));
        assert!(!framed(&prefilter, br#"{"eventName":"Event299"}"#));
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
        /// The word-at-a-time search agrees with a byte loop, wherever the
        /// bytes fall in a word and whatever bytes are around them.
        #[test]
        fn quote_or_backslash_finds_the_first(
            text in prop::collection::vec(prop::sample::select(vec![b'"', b'\\', b'a', 0x00, 0x21, 0x5b, 0x5d, 0x80, 0xa2, 0xdc, 0xff]), 0..40),
        ) {
            let expected = text.iter().position(|b| matches!(b, b'"' | b'\\'));
            prop_assert_eq!(quote_or_backslash(&text), expected);
        }

        /// A bit set holds exactly the numbers marked, on the stack and past it.
        #[test]
        fn found_lists_what_was_marked(
            count in 1usize..600,
            picks in prop::collection::vec(any::<prop::sample::Index>(), 0..40),
        ) {
            let indices: Vec<usize> = picks.iter().map(|p| p.index(count)).collect();
            let mut found = Found::new(count);
            found.mark(&indices);
            let mut expected = indices.clone();
            expected.sort_unstable();
            expected.dedup();
            prop_assert_eq!(found.ones().collect::<Vec<_>>(), expected);
            prop_assert_eq!(found.any, !indices.is_empty());
        }

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
