//! A cheap test that rules out most records before they are parsed, and is
//! exact: it never rules out a record a rule would match.
//!
//! A JSON condition `$.x = "AccessDenied*"` can only hold if the value of
//! `x` contains `AccessDenied`, so the record's text contains it too, unless
//! the writer spelled some of its characters as `\uXXXX` escapes. Other
//! escapes (`\"`, `\\`, `\/`, `\n`...) only stand for characters the
//! literals here never contain. So: a record without `\u` whose text lacks
//! the literals a rule needs cannot match that rule. One Aho-Corasick pass
//! finds every literal of every rule; each rule's conditions are then
//! evaluated over "which literals occur" instead of over parsed JSON.
//!
//! Conditions that no literal captures (`!=`, numbers, `IS NULL`, `NOT
//! EXISTS`, regexes, `= *`) count as "may hold". When any rule as a whole
//! may hold for every record (an event pattern, a term pattern, a rule
//! made only of such conditions), there is no prefilter.

use aho_corasick::AhoCorasick;
use kensa_pattern::{CompareOp, Expr, JsonCondition, JsonTest, Operand, Pattern};

use crate::rules::{Matcher, Rule};

/// What a rule needs to find in the record's text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Need {
    /// Nothing known: the rule may match any record.
    Nothing,
    Literal(usize),
    All(Vec<Need>),
    Any(Vec<Need>),
}

impl Need {
    fn holds(&self, found: &[bool]) -> bool {
        match self {
            Need::Nothing => true,
            Need::Literal(i) => found[*i],
            Need::All(children) => children.iter().all(|c| c.holds(found)),
            Need::Any(children) => children.iter().any(|c| c.holds(found)),
        }
    }
}

/// The literal-presence test for a set of rules.
#[derive(Debug)]
pub struct Prefilter {
    automaton: AhoCorasick,
    literal_count: usize,
    needs: Vec<Need>,
}

impl Prefilter {
    /// `None` when some rule may match any record (no literal to look for).
    pub fn new(rules: &[Rule]) -> Option<Prefilter> {
        let mut literals: Vec<String> = Vec::new();
        let mut needs = Vec::new();
        for rule in rules {
            let Matcher::Filter(pattern) = &rule.matcher else {
                return None;
            };
            let Pattern::Json(expr) = pattern.ast() else {
                return None;
            };
            let need = need_of(expr, &mut literals);
            if need == Need::Nothing {
                return None;
            }
            needs.push(need);
        }
        if literals.is_empty() {
            return None;
        }
        let automaton = AhoCorasick::new(&literals).ok()?;
        Some(Prefilter {
            automaton,
            literal_count: literals.len(),
            needs,
        })
    }

    /// False only when no rule can match the record.
    pub fn may_match(&self, record: &[u8]) -> bool {
        if memchr::memmem::find(record, b"\\u").is_some() {
            return true;
        }
        let mut found = vec![false; self.literal_count];
        for m in self.automaton.find_overlapping_iter(record) {
            found[m.pattern().as_usize()] = true;
        }
        self.needs.iter().any(|need| need.holds(&found))
    }
}

fn need_of(expr: &Expr<JsonCondition>, literals: &mut Vec<String>) -> Need {
    match expr {
        Expr::Cond(condition) => match literal_of(condition) {
            Some(literal) => {
                let index = match literals.iter().position(|l| *l == literal) {
                    Some(i) => i,
                    None => {
                        literals.push(literal);
                        literals.len() - 1
                    }
                };
                Need::Literal(index)
            }
            None => Need::Nothing,
        },
        Expr::All(children) => {
            let children: Vec<Need> = children
                .iter()
                .map(|c| need_of(c, literals))
                .filter(|n| *n != Need::Nothing)
                .collect();
            if children.is_empty() {
                Need::Nothing
            } else {
                Need::All(children)
            }
        }
        Expr::Any(children) => {
            let children: Vec<Need> = children.iter().map(|c| need_of(c, literals)).collect();
            if children.contains(&Need::Nothing) {
                Need::Nothing
            } else {
                Need::Any(children)
            }
        }
    }
}

/// The text a condition's value must contain, if there is one that
/// appears verbatim in any JSON spelling without `\u` escapes.
fn literal_of(condition: &JsonCondition) -> Option<String> {
    let JsonTest::Compare(comparison) = &condition.test else {
        return None;
    };
    if comparison.op != CompareOp::Eq {
        return None;
    }
    let Operand::String(pattern) = &comparison.value else {
        return None;
    };
    // The same core StringPattern compares: one `*` off each end.
    let text = pattern.as_str();
    let leading = usize::from(text.starts_with('*'));
    let trailing = usize::from(text.len() > leading && text.ends_with('*'));
    let core = &text[leading..text.len() - trailing];
    let spelled_verbatim = core
        .chars()
        .all(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/'));
    // A string pattern also compares with a JSON number's text, which the
    // parser may spell differently from the record (`4e2` is 400.0): cores
    // that could be part of a number's text have no prefilter.
    let could_be_number = core
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'));
    if could_be_number {
        return None;
    }
    (!core.is_empty() && spelled_verbatim).then(|| core.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin_rules;

    #[test]
    fn builtin_rules_have_a_prefilter_that_passes_their_own_events() {
        let rules = builtin_rules();
        let prefilter = Prefilter::new(&rules).expect("the ALM patterns are all literal");
        assert!(prefilter.may_match(br#"{"eventName":"StopLogging"}"#));
        assert!(prefilter.may_match(br#"{"errorCode":"Client.UnauthorizedOperation"}"#));
        assert!(
            !prefilter.may_match(br#"{"eventName":"GetObject","eventSource":"s3.amazonaws.com"}"#)
        );
        // RunInstances alone is ALM-2; the large-instance literal is not needed for it.
        assert!(prefilter.may_match(br#"{"eventName":"RunInstances"}"#));
        // An escaped spelling defeats the literal search, so it must pass.
        assert!(prefilter.may_match(br#"{"eventName":"Stop\u004cogging"}"#));
    }

    #[test]
    fn rules_without_literals_disable_it() {
        let rule = Rule::from_filter_pattern("{ $.eventName != GetObject }").unwrap();
        assert!(Prefilter::new(&[rule]).is_none());
        let rule = Rule::from_filter_pattern("ERROR").unwrap();
        assert!(Prefilter::new(&[rule]).is_none());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::rules::builtin_rules;
    use proptest::prelude::*;

    proptest! {
        /// Exactness: whenever a rule matches a record, the prefilter lets
        /// the record through (records built from the rules' own words).
        #[test]
        fn never_rules_out_a_match(
            name in prop::sample::select(vec!["RunInstances", "StopLogging", "GetObject", "PutBucketPolicy", "ConsoleLogin", "CreateVpc", "Describe"]),
            source in prop::sample::select(vec!["s3.amazonaws.com", "ec2.amazonaws.com"]),
            error in prop::option::of(prop::sample::select(vec!["AccessDenied", "AccessDeniedException", "Client.UnauthorizedOperation", "Throttling"])),
            message in prop::option::of(prop::sample::select(vec!["Failed authentication", "other"])),
            instance in prop::option::of(prop::sample::select(vec!["c5.8xlarge", "t3.micro", "m5.4xlarge"])),
            escape in any::<bool>(),
        ) {
            let mut record = serde_json::json!({"eventName": name, "eventSource": source});
            if let Some(e) = error { record["errorCode"] = e.into(); }
            if let Some(m) = message { record["errorMessage"] = m.into(); }
            if let Some(i) = instance { record["requestParameters"] = serde_json::json!({"instanceType": i}); }
            let mut text = record.to_string();
            if escape {
                text = text.replacen("Run", "\\u0052un", 1);
            }
            let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
            let rules = builtin_rules();
            let prefilter = Prefilter::new(&rules).unwrap();
            let matched = rules.iter().any(|r| r.matches(&text, &parsed));
            if matched {
                prop_assert!(prefilter.may_match(text.as_bytes()), "{}", text);
            }
        }
    }
}
