//! A hand-written recursive-descent parser for filter patterns.

use crate::ast::{
    CompareOp, Comparison, DelimitedField, DelimitedPattern, Expr, FieldCondition, JsonCondition,
    JsonTest, Literal, Operand, Pattern, Selector, Step, Term, TermMatcher, TermPattern,
};
use crate::error::ParseError;
use crate::value::{Number, RegexValue, StringPattern};

/// AWS quota (FilterAndPatternSyntax, regex): "There is a limit of 2 regex per
/// filter pattern when creating a delimited or JSON filter pattern".
const MAX_REGEX_IN_STRUCTURED: usize = 2;

pub(crate) fn parse(src: &str) -> Result<Pattern, ParseError> {
    let mut p = Parser {
        src,
        pos: 0,
        regex_count: 0,
    };
    p.skip_ws();
    match p.peek() {
        Some('{') => {
            let expr = p.json_pattern()?;
            p.expect_end()?;
            Ok(Pattern::Json(expr))
        }
        Some('[') => {
            let delimited = p.delimited_pattern()?;
            p.expect_end()?;
            Ok(Pattern::Delimited(delimited))
        }
        _ => p.term_pattern().map(Pattern::Terms),
    }
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    regex_count: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }
    fn error(&self, expected: impl Into<String>) -> ParseError {
        ParseError::new(self.src, self.pos, expected)
    }
    fn error_at(&self, offset: usize, expected: impl Into<String>) -> ParseError {
        ParseError::new(self.src, offset, expected)
    }
    fn expect_end(&mut self) -> Result<(), ParseError> {
        self.skip_ws();
        if self.pos == self.src.len() {
            Ok(())
        } else {
            Err(self.error("end of pattern"))
        }
    }

    // ---- unstructured terms -------------------------------------------------------------

    fn term_pattern(&mut self) -> Result<TermPattern, ParseError> {
        let mut groups: Vec<Vec<Term>> = Vec::new();
        let mut current: Vec<Term> = Vec::new();
        loop {
            self.skip_ws();
            if self.peek().is_none() {
                break;
            }
            if self.eat("?") {
                if !current.is_empty() {
                    groups.push(std::mem::take(&mut current));
                }
                self.skip_ws();
            }
            let excluded = self.eat("-");
            if excluded {
                // AWS's own example writes `"ERROR" - "Exiting"` with a space after the minus.
                self.skip_ws();
            }
            let matcher = self.term()?;
            current.push(Term { excluded, matcher });
        }
        if !current.is_empty() {
            groups.push(current);
        }
        Ok(TermPattern { groups })
    }

    fn term(&mut self) -> Result<TermMatcher, ParseError> {
        match self.peek() {
            None => Err(self.error("a term")),
            Some('"') => Ok(TermMatcher::Literal(Literal::new(self.quoted()?))),
            Some('%') => Ok(TermMatcher::Regex(self.regex()?)),
            Some(_) => {
                let start = self.pos;
                while self.peek().is_some_and(|c| !c.is_whitespace() && c != '"') {
                    self.bump();
                }
                Ok(TermMatcher::Literal(Literal::new(
                    &self.src[start..self.pos],
                )))
            }
        }
    }

    /// `"..."` with `\"` and `\\` escapes; any other backslash is kept as written.
    fn quoted(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    let column = self.src[..open].chars().count() + 1;
                    let expected =
                        format!("a closing `\"` for the string opened at column {column}");
                    return Err(ParseError::new(self.src, self.src.len(), expected));
                }
                Some('"') => return Ok(out),
                Some('\\') => match self.peek() {
                    Some(c @ ('"' | '\\')) => {
                        self.bump();
                        out.push(c);
                    }
                    _ => out.push('\\'),
                },
                Some(c) => out.push(c),
            }
        }
    }

    /// `%regex%`.
    fn regex(&mut self) -> Result<RegexValue, ParseError> {
        self.bump();
        let body_start = self.pos;
        let Some(len) = self.rest().find('%') else {
            return Err(self.error_at(self.src.len(), "a closing `%` after the regex"));
        };
        let body = &self.src[body_start..body_start + len];
        let value =
            RegexValue::new(body).map_err(|e| self.error_at(body_start + e.offset, e.message))?;
        self.pos = body_start + len + 1;
        Ok(value)
    }

    // ---- JSON -------------------------------------------------------------------------------

    fn json_pattern(&mut self) -> Result<Expr<JsonCondition>, ParseError> {
        self.bump(); // `{`
        self.skip_ws();
        let expr = self.or_expr(&mut Self::json_condition)?;
        self.skip_ws();
        if !self.eat("}") {
            return Err(self.error("`&&`, `||` or `}`"));
        }
        Ok(expr)
    }

    /// `and ('||' and)*`. AWS (FilterAndPatternSyntax, "JSON Compound
    /// Conditions"): "Parenthesis are allowed and the syntax follows standard
    /// order of operations () > && > ||."
    fn or_expr<C>(
        &mut self,
        atom: &mut impl FnMut(&mut Self) -> Result<C, ParseError>,
    ) -> Result<Expr<C>, ParseError> {
        let mut children = vec![self.and_expr(atom)?];
        loop {
            self.skip_ws();
            if !self.eat("||") {
                break;
            }
            self.skip_ws();
            children.push(self.and_expr(atom)?);
        }
        Ok(Expr::any(children))
    }

    fn and_expr<C>(
        &mut self,
        atom: &mut impl FnMut(&mut Self) -> Result<C, ParseError>,
    ) -> Result<Expr<C>, ParseError> {
        let mut children = vec![self.primary(atom)?];
        loop {
            self.skip_ws();
            if !self.eat("&&") {
                break;
            }
            self.skip_ws();
            children.push(self.primary(atom)?);
        }
        Ok(Expr::all(children))
    }

    fn primary<C>(
        &mut self,
        atom: &mut impl FnMut(&mut Self) -> Result<C, ParseError>,
    ) -> Result<Expr<C>, ParseError> {
        self.skip_ws();
        if self.eat("(") {
            self.skip_ws();
            let inner = self.or_expr(atom)?;
            self.skip_ws();
            if !self.eat(")") {
                return Err(self.error("`&&`, `||` or `)`"));
            }
            return Ok(inner);
        }
        atom(self).map(Expr::Cond)
    }

    fn json_condition(&mut self) -> Result<JsonCondition, ParseError> {
        let selector = self.selector()?;
        self.skip_ws();
        let keyword_start = self.pos;
        if self.eat_keyword("IS") {
            self.skip_ws();
            let test = if self.eat_keyword("NULL") {
                JsonTest::IsNull
            } else if self.eat_keyword("TRUE") {
                JsonTest::IsTrue
            } else if self.eat_keyword("FALSE") {
                JsonTest::IsFalse
            } else {
                return Err(self.error("NULL, TRUE or FALSE after IS"));
            };
            return Ok(JsonCondition { selector, test });
        }
        if self.eat_keyword("NOT") {
            self.skip_ws();
            if !self.eat_keyword("EXISTS") {
                return Err(self.error("EXISTS after NOT"));
            }
            return Ok(JsonCondition {
                selector,
                test: JsonTest::NotExists,
            });
        }
        self.pos = keyword_start;
        let comparison = self.comparison()?;
        Ok(JsonCondition {
            selector,
            test: JsonTest::Compare(comparison),
        })
    }

    /// A keyword, case-insensitive, not followed by a name character.
    fn eat_keyword(&mut self, keyword: &str) -> bool {
        let rest = self.rest();
        let Some(head) = rest.get(..keyword.len()) else {
            return false;
        };
        if !head.eq_ignore_ascii_case(keyword) {
            return false;
        }
        if rest[keyword.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            return false;
        }
        self.pos += keyword.len();
        true
    }

    /// `$.name(.name|[N])*`. AWS: "Property selectors are alphanumeric strings
    /// that also support '-' and '_' characters. Array elements are denoted
    /// with [NUMBER] syntax, and must follow a property."
    fn selector(&mut self) -> Result<Selector, ParseError> {
        if !self.eat("$") {
            return Err(self.error("a selector such as `$.eventName`"));
        }
        let mut steps = Vec::new();
        loop {
            if self.eat(".") {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    self.bump();
                }
                if self.pos == start {
                    return Err(self.error("a property name (letters, digits, `-`, `_`)"));
                }
                steps.push(Step::Key(self.src[start..self.pos].to_owned()));
            } else if self.peek() == Some('[') {
                if steps.is_empty() {
                    return Err(self
                        .error("`.` and a property name (an array index must follow a property)"));
                }
                self.bump();
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.bump();
                }
                let index = self.src[start..self.pos]
                    .parse::<usize>()
                    .map_err(|_| self.error_at(start, "an array index"))?;
                if !self.eat("]") {
                    return Err(self.error("`]`"));
                }
                steps.push(Step::Index(index));
            } else {
                break;
            }
        }
        if steps.is_empty() {
            return Err(self.error("`.` and a property name after `$`"));
        }
        Ok(Selector { steps })
    }

    fn comparison(&mut self) -> Result<Comparison, ParseError> {
        let op = if self.eat("!=") {
            CompareOp::Ne
        } else if self.eat("<=") {
            CompareOp::Le
        } else if self.eat(">=") {
            CompareOp::Ge
        } else if self.eat("=") {
            CompareOp::Eq
        } else if self.eat("<") {
            CompareOp::Lt
        } else if self.eat(">") {
            CompareOp::Gt
        } else {
            return Err(self.error("an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS)"));
        };
        self.skip_ws();
        let value_start = self.pos;
        let value = self.operand()?;
        let numeric_only = !matches!(op, CompareOp::Eq | CompareOp::Ne);
        if numeric_only && !matches!(value, Operand::Number(_)) {
            return Err(self.error_at(value_start, format!("a number after `{}`", op.as_str())));
        }
        Ok(Comparison { op, value })
    }

    fn operand(&mut self) -> Result<Operand, ParseError> {
        match self.peek() {
            Some('"') => Ok(Operand::String(StringPattern::new(self.quoted()?))),
            Some('%') => {
                let start = self.pos;
                let regex = self.regex()?;
                self.regex_count += 1;
                if self.regex_count > MAX_REGEX_IN_STRUCTURED {
                    return Err(self.error_at(
                        start,
                        "at most 2 regular expressions in a JSON or space-delimited pattern",
                    ));
                }
                Ok(Operand::Regex(regex))
            }
            _ => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| !c.is_whitespace() && !"(){}[]\"%&|=!<>,".contains(c))
                {
                    self.bump();
                }
                let text = &self.src[start..self.pos];
                if text.is_empty() {
                    return Err(self.error("a value"));
                }
                Ok(match Number::parse(text) {
                    Some(n) => Operand::Number(n),
                    None => Operand::String(StringPattern::new(text)),
                })
            }
        }
    }

    // ---- space-delimited ------------------------------------------------------------------

    fn delimited_pattern(&mut self) -> Result<DelimitedPattern, ParseError> {
        self.bump(); // `[`
        let mut fields = Vec::new();
        loop {
            self.skip_ws();
            // AWS's own example `[..., request=*.html*, status_code=4*,]` ends with a comma.
            if !fields.is_empty() && self.eat("]") {
                break;
            }
            fields.push(self.delimited_field()?);
            self.skip_ws();
            if self.eat(",") {
                continue;
            }
            if self.eat("]") {
                break;
            }
            return Err(self.error("`,` or `]`"));
        }
        Ok(DelimitedPattern { fields })
    }

    fn delimited_field(&mut self) -> Result<DelimitedField, ParseError> {
        if self.eat("...") {
            return Ok(DelimitedField::Ellipsis);
        }
        let start = self.pos;
        if let Some(name) = self.field_name() {
            self.skip_ws();
            match self.peek() {
                Some(',' | ']') => {
                    return Ok(DelimitedField::Named {
                        name,
                        condition: None,
                    });
                }
                Some('=' | '!' | '<' | '>') => {}
                _ => return Err(self.error("`,`, `]` or an operator (=, !=, <, <=, >, >=)")),
            }
        }
        self.pos = start;
        let condition = self.or_expr(&mut Self::field_condition)?;
        let name = condition
            .conditions()
            .first()
            .map(|c| c.field.clone())
            .unwrap_or_default();
        Ok(DelimitedField::Named {
            name,
            condition: Some(condition),
        })
    }

    fn field_name(&mut self) -> Option<String> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            self.bump();
        }
        (self.pos > start).then(|| self.src[start..self.pos].to_owned())
    }

    fn field_condition(&mut self) -> Result<FieldCondition, ParseError> {
        let Some(field) = self.field_name() else {
            return Err(self.error("a field name, `...`, or `name OP value`"));
        };
        self.skip_ws();
        let comparison = self.comparison()?;
        Ok(FieldCondition { field, comparison })
    }
}
