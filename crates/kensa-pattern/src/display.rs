//! Canonical text of a filter pattern: `parse(print(p)) == p`.
//!
//! JSON patterns print as `{ $.a = "x" && ($.b = 1 || $.c IS NULL) }`: strings
//! always quoted, numbers as written, one space around operators, parentheses
//! only where `||` sits inside `&&`.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{
    Comparison, DelimitedField, DelimitedPattern, Expr, FieldCondition, JsonCondition, JsonTest,
    Operand, Pattern, Selector, Step, Term, TermMatcher, TermPattern,
};

impl Display for Pattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Terms(t) => t.fmt(f),
            Pattern::Json(expr) => write!(f, "{{ {expr} }}"),
            Pattern::Delimited(d) => d.fmt(f),
        }
    }
}

impl Display for TermPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let alternatives = self.groups.len() > 1;
        let mut first = true;
        for group in &self.groups {
            for (i, term) in group.iter().enumerate() {
                if !first {
                    f.write_char(' ')?;
                }
                first = false;
                if alternatives && i == 0 {
                    f.write_char('?')?;
                }
                term.fmt(f)?;
            }
        }
        Ok(())
    }
}

impl Display for Term {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.excluded {
            f.write_char('-')?;
        }
        match &self.matcher {
            TermMatcher::Literal(l) => {
                let text = l.as_str();
                if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    f.write_str(text)
                } else {
                    write_quoted(f, text)
                }
            }
            TermMatcher::Regex(r) => write!(f, "%{}%", r.as_str()),
        }
    }
}

fn write_quoted(f: &mut Formatter<'_>, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        if c == '"' || c == '\\' {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char('"')
}

impl<C: Display> Display for Expr<C> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Cond(c) => c.fmt(f),
            Expr::Any(children) => {
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" || ")?;
                    }
                    child.fmt(f)?;
                }
                Ok(())
            }
            Expr::All(children) => {
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" && ")?;
                    }
                    if matches!(child, Expr::Any(_)) {
                        write!(f, "({child})")?;
                    } else {
                        child.fmt(f)?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl Display for Selector {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('$')?;
        for step in &self.steps {
            match step {
                Step::Key(k) => write!(f, ".{k}")?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

impl Display for JsonCondition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.selector.fmt(f)?;
        match &self.test {
            JsonTest::Compare(c) => write!(f, " {c}"),
            JsonTest::IsNull => f.write_str(" IS NULL"),
            JsonTest::NotExists => f.write_str(" NOT EXISTS"),
            JsonTest::IsTrue => f.write_str(" IS TRUE"),
            JsonTest::IsFalse => f.write_str(" IS FALSE"),
        }
    }
}

impl Display for Comparison {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.op.as_str())?;
        self.value.fmt(f)
    }
}

impl Display for Operand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Operand::String(s) => write_quoted(f, s.as_str()),
            Operand::Number(n) => f.write_str(n.as_str()),
            Operand::Regex(r) => write!(f, "%{}%", r.as_str()),
        }
    }
}

impl Display for FieldCondition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.comparison)
    }
}

impl Display for DelimitedPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('[')?;
        for (i, field) in self.fields.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match field {
                DelimitedField::Ellipsis => f.write_str("...")?,
                DelimitedField::Named {
                    name,
                    condition: None,
                } => f.write_str(name)?,
                DelimitedField::Named {
                    condition: Some(c), ..
                } => c.fmt(f)?,
            }
        }
        f.write_char(']')
    }
}
