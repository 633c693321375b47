//! The syntax tree of a CloudWatch Logs filter pattern.
//!
//! Trees are normalised: an [`Expr::All`] or [`Expr::Any`] has at least two
//! children and never a child of its own kind, parentheses are not kept
//! (precedence decides), and quoting is not kept. So two patterns that differ
//! only in spacing, redundant parentheses or quotes parse to equal trees, and
//! `parse(print(tree)) == tree`. Build trees with [`Expr::all`]/[`Expr::any`]
//! to keep them normalised.

use crate::value::{Number, RegexValue, StringPattern};

/// A parsed filter pattern: one of the three CloudWatch Logs pattern kinds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Unstructured text terms (and standalone `%regex%`).
    Terms(TermPattern),
    /// `{ $.selector OP value && ... }`.
    Json(Expr<JsonCondition>),
    /// `[field, field = value, ..., field]`.
    Delimited(DelimitedPattern),
}

/// An unstructured pattern: alternatives (OR) of term groups (AND).
///
/// `ERROR Exception` is one group of two terms; `?ERROR ?WARN` is two groups
/// of one term. A `?` starts a new group; the terms that follow it without `?`
/// join that group (this is how AWS CDK's `anyTermGroup` writes groups:
/// `?"ERROR" "MainThread" ?"WARN" "Deadlock"`). Terms before the first `?`
/// form the first group. No groups at all (the empty pattern) matches every
/// event.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TermPattern {
    pub groups: Vec<Vec<Term>>,
}

/// One term: it must appear in the message, or with `-` it must not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub excluded: bool,
    pub matcher: TermMatcher,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TermMatcher {
    /// A case-sensitive substring of the message.
    Literal(Literal),
    /// `%regex%`, searched in the message.
    Regex(RegexValue),
}

/// A literal term with its substring searcher compiled once.
#[derive(Clone)]
pub struct Literal {
    text: String,
    // Boxed: a searcher is a few hundred bytes and most trees hold many.
    finder: Box<memchr::memmem::Finder<'static>>,
}

impl Literal {
    pub fn new(text: impl Into<String>) -> Literal {
        let text = text.into();
        let finder = Box::new(memchr::memmem::Finder::new(text.as_bytes()).into_owned());
        Literal { text, finder }
    }
    pub fn as_str(&self) -> &str {
        &self.text
    }
    /// AWS documents `" "` as "match everything": a term of only spaces
    /// matches every message.
    pub(crate) fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
    pub(crate) fn found_in(&self, message: &str) -> bool {
        self.is_blank() || self.finder.find(message.as_bytes()).is_some()
    }
}

impl PartialEq for Literal {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}
impl Eq for Literal {}
impl std::fmt::Debug for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Literal({:?})", self.text)
    }
}

/// A boolean expression over conditions `C`, with `&&` binding tighter than `||`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr<C> {
    Cond(C),
    /// `a && b && ...`: at least two children, none of them `All`.
    All(Vec<Expr<C>>),
    /// `a || b || ...`: at least two children, none of them `Any`.
    Any(Vec<Expr<C>>),
}

impl<C> Expr<C> {
    /// `a && b && ...`, flattened; one child is returned as is.
    pub fn all(children: Vec<Expr<C>>) -> Expr<C> {
        let mut flat = Vec::with_capacity(children.len());
        for child in children {
            match child {
                Expr::All(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        if flat.len() == 1
            && let Some(only) = flat.pop()
        {
            return only;
        }
        Expr::All(flat)
    }

    /// `a || b || ...`, flattened; one child is returned as is.
    pub fn any(children: Vec<Expr<C>>) -> Expr<C> {
        let mut flat = Vec::with_capacity(children.len());
        for child in children {
            match child {
                Expr::Any(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        if flat.len() == 1
            && let Some(only) = flat.pop()
        {
            return only;
        }
        Expr::Any(flat)
    }

    /// Every condition, left to right.
    pub fn conditions(&self) -> Vec<&C> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a C>) {
        match self {
            Expr::Cond(c) => out.push(c),
            Expr::All(children) | Expr::Any(children) => {
                children.iter().for_each(|c| c.collect(out))
            }
        }
    }

    pub(crate) fn eval(&self, test: &mut impl FnMut(&C) -> bool) -> bool {
        match self {
            Expr::Cond(c) => test(c),
            Expr::All(children) => children.iter().all(|c| c.eval(test)),
            Expr::Any(children) => children.iter().any(|c| c.eval(test)),
        }
    }
}

/// `$.a.b[0].c`: a path from the root of the JSON event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// `.name`: alphanumerics, `-` and `_`.
    Key(String),
    /// `[N]`.
    Index(usize),
}

impl Selector {
    /// The selector without `$.`, e.g. `requestParameters.instanceType` or `users[0].id`.
    pub fn dotted(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            match step {
                Step::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Step::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}

/// One JSON condition: `$.sel OP value`, `$.sel IS NULL`, ...
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonCondition {
    pub selector: Selector,
    pub test: JsonTest,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonTest {
    /// `= value`, `!= value`, `< number`, ...
    Compare(Comparison),
    /// `IS NULL`: the value is JSON `null`.
    IsNull,
    /// `NOT EXISTS`: the selector reaches nothing.
    NotExists,
    /// `IS TRUE`.
    IsTrue,
    /// `IS FALSE`.
    IsFalse,
}

/// An operator and its value. Strings and regexes only take `=` and `!=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub op: CompareOp,
    pub value: Operand,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }

    pub(crate) fn holds(self, left: f64, right: f64) -> bool {
        match self {
            CompareOp::Eq => left == right,
            CompareOp::Ne => left != right,
            CompareOp::Lt => left < right,
            CompareOp::Le => left <= right,
            CompareOp::Gt => left > right,
            CompareOp::Ge => left >= right,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A string, quoted or not, with `*` wildcards at its ends.
    String(StringPattern),
    /// An unquoted number.
    Number(Number),
    /// `%regex%`.
    Regex(RegexValue),
}

/// A space-delimited pattern: `[ip, user, ..., status_code = 4*, bytes > 1000]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelimitedPattern {
    pub fields: Vec<DelimitedField>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DelimitedField {
    /// `...`: any number of fields (zero or more).
    Ellipsis,
    /// A named field; `condition` is `None` for a bare name. The field's name
    /// is the name of the first comparison in its condition.
    Named {
        name: String,
        condition: Option<Expr<FieldCondition>>,
    },
}

/// `name OP value` inside a space-delimited pattern. `field` may name another
/// field of the same pattern (AWS's example `status_code = 4* && bytes > 1000`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldCondition {
    pub field: String,
    pub comparison: Comparison,
}
