//! A JSON pattern compiled for matching many events.
//!
//! Two things make the AWS/CIS patterns cheap: each distinct selector is
//! resolved at most once per event (the templates test `$.eventName` up to 16
//! times), and `$.x = A || $.x = B || ...` with plain (wildcard-free) strings
//! becomes one sorted-set lookup. The plan is derived from the syntax tree and
//! gives exactly the same verdicts; `tests/laws.rs` checks that on random trees.

use serde_json::Value;

use crate::ast::{CompareOp, Expr, JsonCondition, JsonTest, Operand, Selector};
use crate::eval::{test_target, with_number_text};

#[derive(Clone, Debug)]
pub(crate) struct JsonPlan {
    selectors: Vec<Selector>,
    root: Node,
}

#[derive(Clone, Debug)]
enum Node {
    Cond {
        selector: usize,
        test: JsonTest,
    },
    All(Vec<Node>),
    Any(Vec<Node>),
    /// `$.sel = "a" || $.sel = "b" || ...`: sorted, deduplicated.
    OneOf {
        selector: usize,
        values: Vec<String>,
    },
}

/// Selector resolutions cached on the stack for the first `CACHED` selectors.
const CACHED: usize = 32;

#[derive(Clone, Copy)]
enum Slot<'v> {
    Unknown,
    Resolved(Option<&'v Value>),
}

impl JsonPlan {
    pub(crate) fn new(expr: &Expr<JsonCondition>) -> JsonPlan {
        let mut selectors = Vec::new();
        let root = compile(expr, &mut selectors);
        JsonPlan { selectors, root }
    }

    pub(crate) fn matches(&self, root: &Value) -> bool {
        let mut cache = [Slot::Unknown; CACHED];
        self.eval(&self.root, root, &mut cache)
    }

    fn resolve<'v>(
        &self,
        index: usize,
        root: &'v Value,
        cache: &mut [Slot<'v>; CACHED],
    ) -> Option<&'v Value> {
        match cache.get(index) {
            Some(Slot::Resolved(found)) => *found,
            Some(Slot::Unknown) => {
                let found = self.selectors[index].resolve(root);
                cache[index] = Slot::Resolved(found);
                found
            }
            None => self.selectors[index].resolve(root),
        }
    }

    fn eval<'v>(&self, node: &Node, root: &'v Value, cache: &mut [Slot<'v>; CACHED]) -> bool {
        match node {
            Node::Cond { selector, test } => {
                test_target(test, self.resolve(*selector, root, cache))
            }
            Node::All(children) => children.iter().all(|c| self.eval(c, root, cache)),
            Node::Any(children) => children.iter().any(|c| self.eval(c, root, cache)),
            Node::OneOf { selector, values } => {
                let contains =
                    |text: &str| values.binary_search_by(|v| v.as_str().cmp(text)).is_ok();
                match self.resolve(*selector, root, cache) {
                    Some(Value::String(s)) => contains(s),
                    Some(Value::Number(n)) => with_number_text(n, contains),
                    _ => false,
                }
            }
        }
    }
}

fn intern(selector: &Selector, selectors: &mut Vec<Selector>) -> usize {
    if let Some(i) = selectors.iter().position(|s| s == selector) {
        return i;
    }
    selectors.push(selector.clone());
    selectors.len() - 1
}

/// The literal of `$.sel = "literal"` without wildcards, if that is what `c` is.
fn exact_string(c: &JsonCondition) -> Option<&str> {
    match &c.test {
        JsonTest::Compare(cmp) if cmp.op == CompareOp::Eq => match &cmp.value {
            Operand::String(s) if s.is_exact() => Some(s.as_str()),
            _ => None,
        },
        _ => None,
    }
}

fn compile(expr: &Expr<JsonCondition>, selectors: &mut Vec<Selector>) -> Node {
    match expr {
        Expr::Cond(c) => Node::Cond {
            selector: intern(&c.selector, selectors),
            test: c.test.clone(),
        },
        Expr::All(children) => Node::All(children.iter().map(|c| compile(c, selectors)).collect()),
        Expr::Any(children) => {
            // Exact string tests per selector, in order of first appearance.
            let mut sets: Vec<(usize, Vec<String>)> = Vec::new();
            let mut rest = Vec::new();
            for child in children {
                match child {
                    Expr::Cond(c) if exact_string(c).is_some() => {
                        let selector = intern(&c.selector, selectors);
                        let value = exact_string(c).unwrap_or_default().to_owned();
                        match sets.iter_mut().find(|(s, _)| *s == selector) {
                            Some((_, values)) => values.push(value),
                            None => sets.push((selector, vec![value])),
                        }
                    }
                    other => rest.push(compile(other, selectors)),
                }
            }
            let mut nodes: Vec<Node> = sets
                .into_iter()
                .map(|(selector, mut values)| {
                    values.sort();
                    values.dedup();
                    Node::OneOf { selector, values }
                })
                .collect();
            nodes.extend(rest);
            if nodes.len() == 1
                && let Some(only) = nodes.pop()
            {
                return only;
            }
            Node::Any(nodes)
        }
    }
}
