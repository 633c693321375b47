//! Matching a parsed filter pattern against one log event, without allocating
//! (space-delimited patterns reuse a per-thread buffer for field positions).

use std::cell::RefCell;
use std::fmt::Write as _;

use serde_json::Value;

use crate::ast::{
    CompareOp, Comparison, DelimitedField, DelimitedPattern, Expr, FieldCondition, JsonCondition,
    JsonTest, Operand, Selector, Step, Term, TermMatcher, TermPattern,
};
use crate::value::number_in_text;

impl TermPattern {
    pub(crate) fn matches(&self, message: &str) -> bool {
        self.groups.is_empty()
            || self
                .groups
                .iter()
                .any(|group| group.iter().all(|term| term.holds(message)))
    }
}

impl Term {
    fn holds(&self, message: &str) -> bool {
        let found = match &self.matcher {
            TermMatcher::Literal(l) => l.found_in(message),
            TermMatcher::Regex(r) => r.is_match(message),
        };
        found != self.excluded
    }
}

impl Selector {
    /// The value the selector reaches, or `None` when any step is missing or
    /// walks into the wrong kind of node.
    pub fn resolve<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        let mut node = root;
        for step in &self.steps {
            node = match (step, node) {
                (Step::Key(k), Value::Object(map)) => map.get(k)?,
                (Step::Index(i), Value::Array(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

impl JsonCondition {
    /// See the crate docs, "Decisions", for the rules on types and missing fields.
    pub fn matches(&self, root: &Value) -> bool {
        let target = self.selector.resolve(root);
        match &self.test {
            JsonTest::NotExists => target.is_none(),
            JsonTest::IsNull => matches!(target, Some(Value::Null)),
            JsonTest::IsTrue => matches!(target, Some(Value::Bool(true))),
            JsonTest::IsFalse => matches!(target, Some(Value::Bool(false))),
            JsonTest::Compare(comparison) => match target {
                Some(Value::String(s)) => comparison.holds_for_text(s),
                Some(Value::Number(n)) => {
                    if let (Operand::Number(want), Some(have)) = (&comparison.value, n.as_f64()) {
                        return comparison.op.holds(have, want.value());
                    }
                    with_number_text(n, |text| comparison.holds_for_text(text))
                }
                // AWS: "The SELECTOR must point to a value node (string or
                // number) in the JSON. If it points to an array or object, the
                // filter will not be applied": both `=` and `!=` fail. We treat
                // `null`, booleans and missing fields the same way.
                _ => false,
            },
        }
    }
}

/// A JSON number's text (`404`, `1.5`) for string and regex comparisons,
/// written to the stack unless it is unusually long.
fn with_number_text<R>(n: &serde_json::Number, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = StackText::default();
    if write!(buf, "{n}").is_ok() {
        f(buf.as_str())
    } else {
        f(&n.to_string())
    }
}

#[derive(Default)]
struct StackText {
    bytes: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever copied in, so this is valid UTF-8.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.bytes.len() {
            return Err(std::fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl Comparison {
    /// The comparison against a field's text (a JSON string, a JSON number's
    /// text, or a space-delimited field).
    pub(crate) fn holds_for_text(&self, text: &str) -> bool {
        match &self.value {
            Operand::String(pattern) => match self.op {
                CompareOp::Eq => pattern.matches(text),
                CompareOp::Ne => !pattern.matches(text),
                // The parser only allows `=` and `!=` with strings.
                _ => false,
            },
            Operand::Regex(regex) => match self.op {
                CompareOp::Eq => regex.is_match(text),
                CompareOp::Ne => !regex.is_match(text),
                _ => false,
            },
            // A numeric comparison applies when the text is a number in AWS's
            // NUMBER syntax; otherwise it does not apply and fails (`!=` too).
            Operand::Number(want) => {
                number_in_text(text).is_some_and(|have| self.op.holds(have, want.value()))
            }
        }
    }
}

/// Byte ranges of the fields of one message, reused across events.
#[derive(Default)]
struct Scratch {
    fields: Vec<(usize, usize)>,
    extents: Vec<usize>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Splits a log line into fields the way AWS describes: "The characters
/// between a pair of square brackets [] or two double quotes ("") are treated
/// as a single field." Fields are separated by one or more spaces; the
/// brackets and quotes are not part of the field's value.
pub(crate) fn split_fields(message: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let bytes = message.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' {
            i += 1;
            continue;
        }
        let close = match bytes[i] {
            b'"' => Some(b'"'),
            b'[' => Some(b']'),
            _ => None,
        };
        match close {
            Some(close) => {
                let start = i + 1;
                let end = memchr::memchr(close, &bytes[start..]).map_or(bytes.len(), |n| start + n);
                out.push((start, end));
                i = end + 1;
            }
            None => {
                let end = memchr::memchr(b' ', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                out.push((i, end));
                i = end;
            }
        }
    }
}

impl DelimitedPattern {
    pub(crate) fn matches(&self, message: &str) -> bool {
        SCRATCH.with(|scratch| {
            let Ok(mut scratch) = scratch.try_borrow_mut() else {
                // Only reachable if matching re-entered itself; fall back to fresh buffers.
                return self.matches_with(message, &mut Scratch::default());
            };
            self.matches_with(message, &mut scratch)
        })
    }

    fn matches_with(&self, message: &str, scratch: &mut Scratch) -> bool {
        let Scratch { fields, extents } = scratch;
        split_fields(message, fields);
        let named = self
            .fields
            .iter()
            .filter(|f| !matches!(f, DelimitedField::Ellipsis))
            .count();
        let ellipses = self.fields.len() - named;
        if fields.len() < named || (ellipses == 0 && fields.len() != named) {
            return false;
        }
        extents.clear();
        extents.resize(ellipses, 0);
        self.try_extents(message, fields, extents, 0, fields.len() - named)
    }

    /// Tries every way to share `spare` fields among the ellipses from `k` on.
    fn try_extents(
        &self,
        message: &str,
        fields: &[(usize, usize)],
        extents: &mut [usize],
        k: usize,
        spare: usize,
    ) -> bool {
        if k + 1 >= extents.len() {
            if let Some(last) = extents.get_mut(k) {
                *last = spare;
            } else if spare != 0 {
                return false;
            }
            return self.holds(message, fields, extents);
        }
        (0..=spare).any(|n| {
            extents[k] = n;
            self.try_extents(message, fields, extents, k + 1, spare - n)
        })
    }

    fn holds(&self, message: &str, fields: &[(usize, usize)], extents: &[usize]) -> bool {
        self.fields.iter().all(|field| match field {
            DelimitedField::Named {
                condition: Some(condition),
                ..
            } => condition
                .eval(&mut |c: &FieldCondition| self.condition_holds(c, message, fields, extents)),
            _ => true,
        })
    }

    fn condition_holds(
        &self,
        c: &FieldCondition,
        message: &str,
        fields: &[(usize, usize)],
        extents: &[usize],
    ) -> bool {
        let Some(index) = self.field_index(&c.field, extents) else {
            // A condition on a name the pattern does not declare has no value to test.
            return false;
        };
        fields
            .get(index)
            .is_some_and(|&(start, end)| c.comparison.holds_for_text(&message[start..end]))
    }

    /// Position in the message of the first field called `name`.
    fn field_index(&self, name: &str, extents: &[usize]) -> Option<usize> {
        let mut position = 0;
        let mut ellipsis = 0;
        for field in &self.fields {
            match field {
                DelimitedField::Ellipsis => {
                    position += extents.get(ellipsis).copied().unwrap_or(0);
                    ellipsis += 1;
                }
                DelimitedField::Named { name: n, .. } => {
                    if n == name {
                        return Some(position);
                    }
                    position += 1;
                }
            }
        }
        None
    }
}

impl Expr<JsonCondition> {
    pub(crate) fn matches_json(&self, root: &Value) -> bool {
        self.eval(&mut |c: &JsonCondition| c.matches(root))
    }
}
