//! The values a filter pattern compares against: wildcard strings, numbers and
//! regular expressions. Each is compiled once, when the pattern is parsed.

use std::fmt;

use memchr::memmem;

/// A string value with CloudWatch Logs wildcards, e.g. `*UnauthorizedOperation`
/// or `AccessDenied*`.
///
/// AWS (FilterAndPatternSyntax, "STRING"): "You can use the asterisk '*'
/// wildcard character to match any text at, before, or after a search term.
/// For example, *Event will match PutEvent and GetEvent. Event* will match
/// EventId and EventName. Ev*ent will only match the actual string Ev*ent."
/// So only a leading and a trailing `*` are wildcards; an inner `*` is a
/// literal character. The whole value must match (not a substring).
#[derive(Clone)]
pub struct StringPattern {
    text: String,
    /// `text` without the leading/trailing wildcard stars.
    core_start: usize,
    core_end: usize,
    leading_star: bool,
    trailing_star: bool,
    // Boxed: a searcher is a few hundred bytes and most trees hold many.
    finder: Option<Box<memmem::Finder<'static>>>,
}

impl StringPattern {
    /// The pattern as written (without quotes, escapes already resolved).
    pub fn new(text: impl Into<String>) -> StringPattern {
        let text = text.into();
        let leading_star = text.starts_with('*');
        let trailing_star = text.len() > usize::from(leading_star) && text.ends_with('*');
        let core_start = usize::from(leading_star);
        let core_end = text.len() - usize::from(trailing_star);
        let core_end = core_end.max(core_start);
        let finder = (leading_star && trailing_star && core_end > core_start).then(|| {
            Box::new(memmem::Finder::new(&text.as_bytes()[core_start..core_end]).into_owned())
        });
        StringPattern {
            text,
            core_start,
            core_end,
            leading_star,
            trailing_star,
            finder,
        }
    }

    /// The value as written, stars included.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True for `*` alone: any value exists.
    pub fn is_match_all(&self) -> bool {
        self.leading_star && self.core_start == self.core_end
    }

    fn core(&self) -> &str {
        &self.text[self.core_start..self.core_end]
    }

    /// Whether `value` (the whole field) matches. Case-sensitive.
    pub fn matches(&self, value: &str) -> bool {
        let core = self.core();
        match (self.leading_star, self.trailing_star) {
            (false, false) => value == core,
            (true, false) => value.ends_with(core),
            (false, true) => value.starts_with(core),
            (true, true) => match &self.finder {
                Some(finder) => finder.find(value.as_bytes()).is_some(),
                None => true,
            },
        }
    }
}

impl PartialEq for StringPattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}
impl Eq for StringPattern {}

impl fmt::Debug for StringPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StringPattern({:?})", self.text)
    }
}

/// A number in a pattern: an optional sign, an integer or decimal, and an
/// optional exponent (`+1000`, `55.5`, `10e-3`). Compared as `f64`.
#[derive(Clone)]
pub struct Number {
    text: String,
    value: f64,
}

impl Number {
    /// Parses AWS's NUMBER grammar: `[+-]? DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)?`.
    /// Returns `None` for anything else (that text is then a string value).
    pub fn parse(text: &str) -> Option<Number> {
        if !is_number_syntax(text) {
            return None;
        }
        let value: f64 = text.parse().ok()?;
        value.is_finite().then(|| Number {
            text: text.to_owned(),
            value,
        })
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// AWS's NUMBER grammar (see [`Number::parse`]), checked without allocating.
pub(crate) fn is_number_syntax(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        i += 1;
        if i < bytes.len() && matches!(bytes[i], b'+' | b'-') {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == bytes.len()
}

/// Parses a field's text as a number for a numeric comparison.
pub(crate) fn number_in_text(text: &str) -> Option<f64> {
    if is_number_syntax(text) {
        text.parse().ok()
    } else {
        None
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        // -0 and +0 are the same number in a comparison.
        self.value == other.value
    }
}
impl Eq for Number {}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({})", self.text)
    }
}

/// A `%regex%` value, restricted to the subset CloudWatch Logs accepts.
///
/// AWS (regex-expressions.html, "Supported regular expressions (regex)
/// syntax"): filter patterns with regex can only include alphanumeric
/// characters; the symbols `_ # = @ / ; , -` (the docs.amazonaws.cn copy also
/// lists `:`); and the operators `^ $ ? [ ] { } | \ * + .`. "The () operators
/// are not supported." "Multi-byte characters are not supported." We accept
/// exactly that set (with `:`) and reject everything else at parse time.
///
/// The regex searches the value (it is not anchored): AWS's example
/// `%AUTHORIZED%` matches "[ERROR 401] UNAUTHORIZED REQUEST". Use `^`/`$` to anchor.
/// Character classes such as `\d` and `\w` are ASCII-only.
#[derive(Clone)]
pub struct RegexValue {
    source: String,
    compiled: regex::bytes::Regex,
}

/// Why a `%regex%` was rejected; `offset` is a byte offset into the regex source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexError {
    pub offset: usize,
    pub message: String,
}

impl RegexValue {
    /// Validates AWS's subset, then compiles with the `regex` crate.
    pub fn new(source: &str) -> Result<RegexValue, RegexError> {
        if source.is_empty() {
            return Err(RegexError {
                offset: 0,
                message: "a non-empty regular expression".into(),
            });
        }
        for (offset, c) in source.char_indices() {
            if !is_allowed_regex_char(c) {
                let message = if c == '(' || c == ')' {
                    "a regex without ( or ) (CloudWatch Logs does not support groups)".to_owned()
                } else if !c.is_ascii() {
                    "a regex without multi-byte characters".to_owned()
                } else {
                    format!("a regex character CloudWatch Logs supports (not {c:?})")
                };
                return Err(RegexError { offset, message });
            }
        }
        let compiled = regex::bytes::RegexBuilder::new(source)
            .unicode(false)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| RegexError {
                offset: 0,
                message: format!(
                    "a valid regular expression ({})",
                    first_line(&e.to_string())
                ),
            })?;
        Ok(RegexValue {
            source: source.to_owned(),
            compiled,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.compiled.is_match(text.as_bytes())
    }
}

fn first_line(s: &str) -> String {
    // regex's errors are multi-line with a caret; keep the last line: the reason.
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .trim_start_matches("error: ")
        .to_owned()
}

pub(crate) fn is_allowed_regex_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '_' | '#'
                | '='
                | '@'
                | '/'
                | ';'
                | ','
                | '-'
                | ':'
                | '^'
                | '$'
                | '?'
                | '['
                | ']'
                | '{'
                | '}'
                | '|'
                | '\\'
                | '*'
                | '+'
                | '.'
        )
}

impl PartialEq for RegexValue {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}
impl Eq for RegexValue {}

impl fmt::Debug for RegexValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegexValue(%{}%)", self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_only_at_the_ends() {
        assert!(StringPattern::new("*Event").matches("PutEvent"));
        assert!(StringPattern::new("Event*").matches("EventName"));
        assert!(!StringPattern::new("Ev*ent").matches("Evxent"));
        assert!(StringPattern::new("Ev*ent").matches("Ev*ent"));
        assert!(StringPattern::new("*html*").matches("GET /index.html HTTP/1.0"));
        assert!(StringPattern::new("*").matches(""));
        assert!(StringPattern::new("**").matches("x"));
        assert!(!StringPattern::new("abc").matches("abcd"));
    }

    #[test]
    fn number_grammar() {
        for ok in ["1", "+1000", "-5", "55.5", "10e3", "10e-3", "1E+2"] {
            assert!(Number::parse(ok).is_some(), "{ok}");
        }
        for bad in ["", "1.", ".5", "1e", "192.0.2.0", "abc", "1x", "+", "0x10"] {
            assert!(Number::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn regex_subset() {
        assert!(RegexValue::new(r"\d{1,3}\.\d{1,3}").is_ok());
        assert!(RegexValue::new("something!").is_err());
        assert!(RegexValue::new("(a)").is_err());
        assert!(RegexValue::new("é").is_err());
        assert!(RegexValue::new("[a").is_err());
        assert!(
            RegexValue::new("AUTHORIZED")
                .unwrap()
                .is_match("[ERROR 401] UNAUTHORIZED REQUEST")
        );
    }
}
