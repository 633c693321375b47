//! CloudWatch Logs filter patterns and EventBridge event patterns: parse,
//! print, and match — pure functions, no network, no AWS SDK.
//!
//! ```
//! use kensa_pattern::{FilterPattern, LogEvent};
//!
//! let pattern = FilterPattern::parse(
//!     r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#,
//! ).unwrap();
//! let record = serde_json::json!({"eventName": "RunInstances", "errorCode": "Client.UnauthorizedOperation"});
//! let message = record.to_string();
//! assert!(pattern.matches(&LogEvent::with_json(&message, &record)));
//! assert_eq!(pattern.json_fields(), ["errorCode"]);
//! assert_eq!(
//!     pattern.to_string(),
//!     r#"{ $.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*" }"#,
//! );
//! ```
//!
//! # Filter patterns
//!
//! The language is AWS's "Filter pattern syntax for metric filters,
//! subscription filters, filter log events and Live Tail"
//! (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>,
//! cited below as CWL-syntax). A pattern is one of three kinds:
//!
//! * **Terms** (unstructured): `ERROR`, `"Failed to process"`, `ERROR -Exiting`,
//!   `?ERROR ?WARN`, `%AUTHORIZED%`. Each term is a case-sensitive substring of
//!   the message (CWL-syntax: "ERROR" matches "Exiting with ERRORCODE: -1");
//!   several terms must all appear; `-term` must not appear; `?` starts an
//!   alternative (see [`TermPattern`]). The empty pattern, `""` and `" "` match
//!   every event.
//! * **JSON**: `{ $.eventName = ConsoleLogin && $.errorMessage = "Failed authentication" }`.
//!   Selectors `$.a.b[0].c`; `=`/`!=` with strings (quoted or not; a leading
//!   and/or trailing `*` is a wildcard, an inner `*` is literal — CWL-syntax
//!   "Ev*ent will only match the actual string Ev*ent"); `= != < <= > >=` with
//!   numbers (`+1000`, `55.5`, `10e-3`); `%regex%`; `IS NULL`, `NOT EXISTS`,
//!   `IS TRUE`, `IS FALSE`; `&&`, `||` and parentheses with precedence
//!   `()` > `&&` > `||` (CWL-syntax, "JSON Compound Conditions": "the syntax
//!   follows standard order of operations () > && > ||").
//! * **Space-delimited**: `[ip, user, ..., status_code = 4* || status_code = 5*, bytes > 1000]`.
//!   The message is split on spaces, with `"..."` and `[...]` each one field
//!   (without the quotes or brackets). `...` stands for zero or more fields.
//!   Without `...` the message must have exactly as many fields as the pattern.
//!
//! # Decisions where AWS documents nothing
//!
//! These are the rules this crate follows; each has a test in `tests/`.
//!
//! 1. **Missing fields never satisfy a comparison**, `!=` included: `{ $.a != "x" }`
//!    does not match an event without `a`. (Observed with the CloudWatch
//!    console's "Test pattern", DataBiosphere/azul#5884; CIS 3.2 `MFAUsed != "Yes"`
//!    relies on it.) Only `NOT EXISTS` matches a missing field.
//! 2. **Type mismatches fail both `=` and `!=`**, as AWS documents for arrays
//!    and objects. A comparison applies to JSON strings and numbers only;
//!    against `null`, booleans, arrays and objects it is false (use `IS NULL`,
//!    `IS TRUE`, `IS FALSE`). `= *` therefore means "is a string or number".
//! 3. **A number in the pattern against a JSON string** compares numerically
//!    when the whole string is a number in AWS's NUMBER syntax (`"400"` = 400);
//!    otherwise the comparison fails (`!=` too).
//! 4. **A string or regex in the pattern against a JSON number** compares with
//!    the number's JSON text (`{ $.code = 4* }` matches `404`).
//! 5. **Arrays are not searched**: `$.list = "x"` does not match `["x"]` (AWS:
//!    a selector pointing at an array fails). Use an index: `$.list[0]`.
//! 6. **Quoted and unquoted strings are the same value** (`"*Unauthorized"` is
//!    still a wildcard); only an unquoted NUMBER is a number. Keywords (`IS`,
//!    `NULL`, `NOT`, `EXISTS`, `TRUE`, `FALSE`) are case-insensitive.
//! 7. **Unquoted values and terms are read leniently**: any run of characters
//!    up to a space or delimiter, because AWS's own templates use unquoted
//!    `s3.amazonaws.com` and `*.8xlarge`.
//! 8. **Quoted strings** accept `\"` and `\\`; any other backslash is kept as written.
//! 9. **Regex** (`%...%`) is checked against AWS's subset (letters, digits,
//!    `_ # = @ / ; , - :` and `^ $ ? [ ] { } | \ * + .`; no parentheses, no
//!    multi-byte characters), at most two per JSON or space-delimited pattern
//!    (AWS quota), and searches the value unanchored with ASCII classes.
//! 10. **Terms and `?`**: a `?` starts a new alternative group and the plain
//!     terms after it join that group (AWS CDK's `anyTermGroup` writes
//!     `?"ERROR" "MainThread" ?"WARN" "Deadlock"`); terms before the first
//!     `?` form the first group. A group matches when all its terms hold.
//! 11. **Space-delimited conditions** may name any field of the pattern
//!     (AWS's example `status_code = 4* && bytes > 1000`); a name the pattern
//!     does not declare has no value, so that comparison is false. A trailing
//!     comma before `]` is accepted (AWS's example `[..., status_code=4*,]`).
//! 12. **A JSON pattern only matches JSON events**: [`FilterPattern::matches`]
//!     with [`LogEvent::new`] (no parsed JSON) is false for JSON patterns;
//!     [`FilterPattern::matches_message`] parses the message when needed.
//! 13. **Numbers** compare as `f64`; integers beyond 2^53 lose precision.
//!
//! Matching allocates nothing per event: substring searchers, wildcards and
//! regexes are built at parse time, and space-delimited matching reuses a
//! per-thread buffer.
//!
//! # Event patterns
//!
//! [`EventPattern`] implements Amazon EventBridge event patterns (content
//! filtering); see [`event_pattern`] for its rules.

mod ast;
mod display;
mod error;
mod eval;
pub mod event_pattern;
mod parse;
mod value;

use std::fmt;

pub use ast::{
    CompareOp, Comparison, DelimitedField, DelimitedPattern, Expr, FieldCondition, JsonCondition,
    JsonTest, Literal, Operand, Pattern, Selector, Step, Term, TermMatcher, TermPattern,
};
pub use error::ParseError;
pub use event_pattern::{EventPattern, EventPatternError};
pub use value::{Number, RegexError, RegexValue, StringPattern};

/// A parsed CloudWatch Logs filter pattern, ready to match events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterPattern {
    ast: Pattern,
}

/// A CloudWatch Logs event: its raw message text and, when the message is
/// JSON, the parsed value.
#[derive(Clone, Copy, Debug)]
pub struct LogEvent<'a> {
    pub message: &'a str,
    pub json: Option<&'a serde_json::Value>,
}

impl<'a> LogEvent<'a> {
    /// An event whose message is not JSON (or was not parsed).
    pub fn new(message: &'a str) -> LogEvent<'a> {
        LogEvent {
            message,
            json: None,
        }
    }

    /// An event whose message is JSON, already parsed into `json`.
    pub fn with_json(message: &'a str, json: &'a serde_json::Value) -> LogEvent<'a> {
        LogEvent {
            message,
            json: Some(json),
        }
    }
}

impl FilterPattern {
    /// Parses a filter pattern as AWS writes it.
    pub fn parse(text: &str) -> Result<FilterPattern, ParseError> {
        parse::parse(text).map(|ast| FilterPattern { ast })
    }

    /// Wraps a syntax tree built by hand. Build `Expr`s with [`Expr::all`] and
    /// [`Expr::any`] so the tree stays normalised (see [`Pattern`]).
    pub fn from_ast(ast: Pattern) -> FilterPattern {
        FilterPattern { ast }
    }

    /// The syntax tree.
    pub fn ast(&self) -> &Pattern {
        &self.ast
    }

    /// Whether the pattern matches the event.
    pub fn matches(&self, event: &LogEvent<'_>) -> bool {
        match &self.ast {
            Pattern::Terms(terms) => terms.matches(event.message),
            Pattern::Json(expr) => event.json.is_some_and(|json| expr.matches_json(json)),
            Pattern::Delimited(delimited) => delimited.matches(event.message),
        }
    }

    /// Whether the pattern matches a raw message, parsing it as JSON when the
    /// pattern is a JSON pattern (a message that is not JSON does not match).
    pub fn matches_message(&self, message: &str) -> bool {
        match &self.ast {
            Pattern::Json(expr) => serde_json::from_str::<serde_json::Value>(message)
                .is_ok_and(|json| expr.matches_json(&json)),
            _ => self.matches(&LogEvent::new(message)),
        }
    }

    /// True for a JSON pattern (`{ ... }`): it needs the event parsed as JSON.
    pub fn is_json(&self) -> bool {
        matches!(self.ast, Pattern::Json(_))
    }

    /// JSON selectors the pattern reads, without `$.`, in order of first use,
    /// e.g. `["eventName", "errorCode", "requestParameters.instanceType", "users[0].id"]`.
    /// Empty for term and space-delimited patterns.
    pub fn json_fields(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Pattern::Json(expr) = &self.ast {
            for condition in expr.conditions() {
                let dotted = condition.selector.dotted();
                if !out.contains(&dotted) {
                    out.push(dotted);
                }
            }
        }
        out
    }
}

impl fmt::Display for FilterPattern {
    /// Canonical text: `FilterPattern::parse(&p.to_string()) == Ok(p)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.ast.fmt(f)
    }
}

impl std::str::FromStr for FilterPattern {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FilterPattern::parse(s)
    }
}
