//! Parse errors that say where and what.

use std::fmt;

/// A filter pattern that does not parse.
///
/// `offset` is a byte offset into the pattern text; [`ParseError::column`]
/// counts characters from 1. Display: `at column N: expected X, found Y`.
/// [`ParseError::render`] draws the pattern with a caret under the position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub expected: String,
    pub found: String,
    column: usize,
}

impl ParseError {
    pub(crate) fn new(source: &str, offset: usize, expected: impl Into<String>) -> ParseError {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let column = source[..offset].chars().count() + 1;
        ParseError {
            offset,
            expected: expected.into(),
            found: describe_found(&source[offset..]),
            column,
        }
    }

    /// 1-based character column of the error.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The pattern on one line and a caret under the error position, then the message:
    ///
    /// ```text
    /// { $.eventName = }
    ///                 ^ expected a value, found `}`
    /// ```
    ///
    /// Line breaks and tabs in the pattern are shown as spaces so the caret lines up.
    pub fn render(&self, pattern: &str) -> String {
        let line: String = pattern
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let pad = " ".repeat(self.column - 1);
        format!(
            "{line}\n{pad}^ expected {}, found {}",
            self.expected, self.found
        )
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at column {}: expected {}, found {}",
            self.column, self.expected, self.found
        )
    }
}

impl std::error::Error for ParseError {}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What the parser saw at the error: `end of pattern`, or the next token in backticks.
fn describe_found(rest: &str) -> String {
    let Some(first) = rest.chars().next() else {
        return "end of pattern".to_owned();
    };
    let same_class = |c: char| -> bool {
        if first.is_alphanumeric() || first == '_' {
            c.is_alphanumeric() || c == '_'
        } else if "&|=!<>".contains(first) {
            "&|=!<>".contains(c)
        } else {
            false
        }
    };
    let mut token = String::new();
    for c in rest.chars() {
        if token.is_empty() || same_class(c) {
            token.push(c);
        } else {
            break;
        }
        if token.chars().count() >= 24 {
            break;
        }
    }
    if first.is_whitespace() {
        return "whitespace".to_owned();
    }
    format!("`{token}`")
}
