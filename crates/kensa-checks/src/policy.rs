//! Just enough IAM policy reading to say when a policy *plainly* grants an
//! action: an unconditional Allow on every resource that no unconditional
//! Deny takes back. Conditions, resource scoping and permission boundaries
//! are for the full evaluator; everything this module cannot judge it
//! leaves alone, so it can make a group FAIL but never makes one PASS by
//! itself (the caller PASSes only when every document was read).

use serde_json::Value;

/// One policy statement, reduced to what the plain reading needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub allow: bool,
    /// `Action` patterns, or `NotAction` patterns when `not_action` is set.
    pub actions: Vec<String>,
    pub not_action: bool,
    /// True when the statement applies to every resource: `Resource: "*"`,
    /// or a `NotResource` (which still covers `*`-scoped actions).
    pub all_resources: bool,
    pub has_condition: bool,
}

/// A policy document that is not the JSON IAM documents are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PolicyError(pub String);

/// Parses a policy document's JSON text.
pub fn parse(document: &str) -> Result<Vec<Statement>, PolicyError> {
    let value: Value =
        serde_json::from_str(document).map_err(|e| PolicyError(format!("not JSON: {e}")))?;
    let statements = match value.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(item @ Value::Object(_)) => vec![item],
        Some(_) => {
            return Err(PolicyError(
                "`Statement` is neither an object nor an array".into(),
            ));
        }
        None => return Err(PolicyError("no `Statement`".into())),
    };
    statements
        .into_iter()
        .enumerate()
        .map(|(index, s)| statement(index, s))
        .collect()
}

fn strings(value: &Value, what: &str, index: usize) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str().map(str::to_owned).ok_or_else(|| {
                    PolicyError(format!("statement {index}: `{what}` holds a non-string"))
                })
            })
            .collect(),
        _ => Err(PolicyError(format!(
            "statement {index}: `{what}` is neither a string nor an array"
        ))),
    }
}

fn statement(index: usize, value: &Value) -> Result<Statement, PolicyError> {
    let allow = match value.get("Effect").and_then(Value::as_str) {
        Some("Allow") => true,
        Some("Deny") => false,
        Some(other) => {
            return Err(PolicyError(format!(
                "statement {index}: `Effect` is `{other}`, expected Allow or Deny"
            )));
        }
        None => return Err(PolicyError(format!("statement {index}: no `Effect`"))),
    };
    let (actions, not_action) = match (value.get("Action"), value.get("NotAction")) {
        (Some(a), None) => (strings(a, "Action", index)?, false),
        (None, Some(a)) => (strings(a, "NotAction", index)?, true),
        _ => {
            return Err(PolicyError(format!(
                "statement {index}: needs exactly one of `Action` and `NotAction`"
            )));
        }
    };
    let all_resources = match (value.get("Resource"), value.get("NotResource")) {
        (Some(r), None) => strings(r, "Resource", index)?.iter().any(|r| r == "*"),
        (None, Some(_)) => true,
        _ => {
            return Err(PolicyError(format!(
                "statement {index}: needs exactly one of `Resource` and `NotResource`"
            )));
        }
    };
    Ok(Statement {
        sid: value.get("Sid").and_then(Value::as_str).map(str::to_owned),
        allow,
        actions,
        not_action,
        all_resources,
        has_condition: value
            .get("Condition")
            .is_some_and(|c| c.as_object().is_some_and(|o| !o.is_empty())),
    })
}

/// IAM's action matching: case-insensitive, `*` any run, `?` one character.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let a: Vec<char> = action.to_ascii_lowercase().chars().collect();
    // Iterative wildcard match with one backtrack point: linear enough for
    // the short strings of IAM actions, and no recursion on hostile input.
    let (mut pi, mut ai) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ai < a.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == a[ai]) {
            pi += 1;
            ai += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ai));
            pi += 1;
        } else if let Some((sp, sa)) = star {
            pi = sp + 1;
            ai = sa + 1;
            star = Some((sp, sa + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

impl Statement {
    fn covers(&self, action: &str) -> bool {
        let listed = self.actions.iter().any(|p| action_matches(p, action));
        listed != self.not_action
    }

    /// Grants `action` on every resource with no condition.
    pub fn plainly_allows(&self, action: &str) -> bool {
        self.allow && self.all_resources && !self.has_condition && self.covers(action)
    }

    /// Denies `action` on every resource with no condition.
    pub fn plainly_denies(&self, action: &str) -> bool {
        !self.allow && self.all_resources && !self.has_condition && self.covers(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(action_matches("*", "iam:CreateUser"));
        assert!(action_matches("iam:*", "iam:CreateUser"));
        assert!(action_matches("IAM:create*", "iam:CreateUser"));
        assert!(action_matches("iam:?reateUser", "iam:CreateUser"));
        assert!(action_matches("iam:*User", "iam:CreateUser"));
        assert!(!action_matches("iam:Get*", "iam:CreateUser"));
        assert!(!action_matches("iam:CreateUse", "iam:CreateUser"));
        assert!(!action_matches("s3:*", "iam:CreateUser"));
    }

    #[test]
    fn reads_administrator_access() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let statements = parse(doc).unwrap();
        assert!(statements[0].plainly_allows("iam:CreateUser"));
    }

    #[test]
    fn conditions_and_scoped_resources_are_not_plain() {
        let doc = r#"{"Statement":[
            {"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
            {"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::123456789012:user/app/*"}]}"#;
        let statements = parse(doc).unwrap();
        assert!(
            statements
                .iter()
                .all(|s| !s.plainly_allows("iam:CreateUser"))
        );
    }

    #[test]
    fn not_action_allows_everything_else() {
        let doc = r#"{"Statement":{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}}"#;
        let statements = parse(doc).unwrap();
        assert!(!statements[0].plainly_allows("iam:CreateUser"));
        assert!(statements[0].plainly_allows("cloudtrail:StopLogging"));
    }

    #[test]
    fn malformed_documents_say_what_is_wrong() {
        assert_eq!(
            parse(r#"{"Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}"#)
                .unwrap_err()
                .to_string(),
            "statement 0: `Effect` is `Permit`, expected Allow or Deny"
        );
        assert!(parse("{").unwrap_err().to_string().starts_with("not JSON"));
        assert_eq!(parse("{}").unwrap_err().to_string(), "no `Statement`");
    }

    proptest! {
        /// A pattern without wildcards matches exactly the same text, in any case.
        #[test]
        fn literal_patterns_match_only_themselves(a in "[a-zA-Z:]{1,20}", b in "[a-zA-Z:]{1,20}") {
            prop_assert!(action_matches(&a, &a.to_ascii_uppercase()));
            prop_assert_eq!(action_matches(&a, &b), a.eq_ignore_ascii_case(&b));
        }

        /// `prefix*` matches every action that starts with the prefix.
        #[test]
        fn prefix_star_matches_extensions(prefix in "[a-z:]{0,10}", rest in "[a-zA-Z]{0,10}") {
            let action = format!("{prefix}{rest}");
            let pattern = format!("{prefix}*");
            prop_assert!(action_matches(&pattern, &action));
        }

        /// Policy documents come from the account: any JSON text parses or
        /// fails with a message, never a panic.
        #[test]
        fn parsing_arbitrary_documents_never_panics(text in r#"\{("Statement":)?[\[\]{}",:a-zA-Z*]{0,80}\}"#) {
            let _ = parse(&text);
        }

        /// Matching never panics, whatever the input.
        #[test]
        fn never_panics(p in ".{0,30}", a in ".{0,30}") {
            let _ = action_matches(&p, &a);
        }
    }
}
