//! Whether a bucket policy refuses requests that do not use TLS (ENC-1).
//!
//! The policy is read statement by statement, never searched as text: a
//! statement counts when it denies (Effect Deny), to everyone (`*` or
//! `{"AWS": "*"}`), every S3 action (`s3:*` or `*`), on the bucket and its
//! objects, under exactly the condition `Bool` / `BoolIfExists`
//! `aws:SecureTransport` = false. Statements that are otherwise complete may
//! split the bucket and its objects between them. A statement that has the
//! condition but covers less says what it leaves out.

use serde::Serialize;
use serde_json::Value;

use crate::policy::{self, PolicyError, action_matches};

/// What the policy does about requests without TLS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum TlsOnly {
    /// Statements (by index and Sid) that together deny every request
    /// without TLS on the bucket and its objects.
    Enforced { statements: Vec<StatementRef> },
    /// A statement denies requests without TLS, but not all of them.
    Partial {
        statement: StatementRef,
        gaps: Vec<Gap>,
    },
    /// No statement denies requests without TLS.
    Absent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    pub index: usize,
    pub sid: Option<String>,
}

/// What a TLS deny leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "gap", rename_all = "snake_case")]
pub enum Gap {
    /// It applies to some principals only.
    Principal { principal: Value },
    /// It denies only these actions (or uses `NotAction`).
    Actions {
        actions: Vec<String>,
        not_action: bool,
    },
    /// It does not cover the bucket itself.
    Bucket { arn: String },
    /// It does not cover (all) the bucket's objects.
    Objects { arn: String },
    /// Other conditions narrow it.
    OtherConditions { conditions: Vec<String> },
}

impl Gap {
    pub fn text(&self) -> crate::Text {
        match self {
            Gap::Principal { principal } => crate::text!(
                "it applies only to {principal}, not to every principal (`*`)",
                "{principal} にしか適用されず、すべてのプリンシパル (`*`) が対象ではありません"
            ),
            Gap::Actions {
                actions,
                not_action: false,
            } => {
                let actions = actions.join(", ");
                crate::text!(
                    "it denies only {actions}, not every S3 action (`s3:*`)",
                    "拒否するのは {actions} だけで、すべての S3 アクション (`s3:*`) ではありません"
                )
            }
            Gap::Actions {
                actions,
                not_action: true,
            } => {
                let actions = actions.join(", ");
                crate::text!(
                    "it uses NotAction, so {actions} are not denied",
                    "NotAction を使っているため {actions} は拒否されません"
                )
            }
            Gap::Bucket { arn } => crate::text!(
                "it does not cover the bucket itself ({arn})",
                "バケット自体 ({arn}) が対象外です"
            ),
            Gap::Objects { arn } => crate::text!(
                "it does not cover all of the bucket's objects ({arn})",
                "バケットのオブジェクトの一部またはすべて ({arn}) が対象外です"
            ),
            Gap::OtherConditions { conditions } => {
                let conditions = conditions.join(", ");
                crate::text!(
                    "other conditions narrow it ({conditions})",
                    "他の条件 ({conditions}) によって対象が狭められています"
                )
            }
        }
    }
}

/// Reads `document` for bucket `bucket` in `partition`.
pub fn tls_only(document: &str, partition: &str, bucket: &str) -> Result<TlsOnly, PolicyError> {
    // The shared reader checks Effect, Action and Resource and reports a
    // malformed statement by its index; principals and conditions are read here.
    let parsed = policy::parse(document)?;
    let value: Value =
        serde_json::from_str(document).map_err(|e| PolicyError(format!("not JSON: {e}")))?;
    let raw: Vec<&Value> = match value.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item) => vec![item],
        None => Vec::new(),
    };
    let bucket_arn = format!("arn:{partition}:s3:::{bucket}");
    let objects_arn = format!("{bucket_arn}/*");

    let mut complete: Vec<(StatementRef, bool, bool)> = Vec::new();
    let mut partial: Option<(StatementRef, Vec<Gap>)> = None;
    for (index, (statement, raw)) in parsed.iter().zip(raw).enumerate() {
        if statement.allow {
            continue;
        }
        let condition = secure_transport_condition(index, raw)?;
        let Some(other_conditions) = condition else {
            continue;
        };
        let reference = StatementRef {
            index,
            sid: statement.sid.clone(),
        };
        let mut gaps = Vec::new();
        if let Some(principal) = principal_gap(raw) {
            gaps.push(Gap::Principal { principal });
        }
        let all_actions =
            !statement.not_action && statement.actions.iter().any(|a| covers_every_s3_action(a));
        if !all_actions {
            gaps.push(Gap::Actions {
                actions: statement.actions.clone(),
                not_action: statement.not_action,
            });
        }
        if !other_conditions.is_empty() {
            gaps.push(Gap::OtherConditions {
                conditions: other_conditions,
            });
        }
        let resources = resources(index, raw)?;
        let (covers_bucket, covers_objects) = match &resources {
            None => (false, false),
            Some(patterns) => (
                patterns.iter().any(|p| action_matches(p, &bucket_arn)),
                patterns
                    .iter()
                    .any(|p| covers_everything_under(p, &objects_arn)),
            ),
        };
        if gaps.is_empty() {
            complete.push((reference, covers_bucket, covers_objects));
            continue;
        }
        if !covers_bucket {
            gaps.push(Gap::Bucket {
                arn: bucket_arn.clone(),
            });
        }
        if !covers_objects {
            gaps.push(Gap::Objects {
                arn: objects_arn.clone(),
            });
        }
        // Report the statement that comes closest.
        if partial
            .as_ref()
            .is_none_or(|(_, best)| gaps.len() < best.len())
        {
            partial = Some((reference, gaps));
        }
    }
    let bucket_covered = complete.iter().any(|(_, b, _)| *b);
    let objects_covered = complete.iter().any(|(_, _, o)| *o);
    if bucket_covered && objects_covered {
        return Ok(TlsOnly::Enforced {
            statements: complete
                .into_iter()
                .filter(|(_, b, o)| *b || *o)
                .map(|(r, _, _)| r)
                .collect(),
        });
    }
    if let Some((statement, _, _)) = complete.into_iter().find(|(_, b, o)| *b || *o) {
        let mut gaps = Vec::new();
        if !bucket_covered {
            gaps.push(Gap::Bucket { arn: bucket_arn });
        }
        if !objects_covered {
            gaps.push(Gap::Objects { arn: objects_arn });
        }
        return Ok(TlsOnly::Partial { statement, gaps });
    }
    Ok(match partial {
        Some((statement, gaps)) => TlsOnly::Partial { statement, gaps },
        None => TlsOnly::Absent,
    })
}

/// `*` or `s3:*` (any case, any number of stars): every S3 action.
fn covers_every_s3_action(pattern: &str) -> bool {
    let lower = pattern.to_ascii_lowercase();
    let rest = lower.strip_prefix("s3:").unwrap_or(&lower);
    !rest.is_empty() && rest.chars().all(|c| c == '*')
}

/// Whether the resource pattern matches every ARN that starts with
/// `prefix` minus its final `*`: it must end in `*`, and what comes before
/// that star must match a leading part of the prefix. (Matching the text
/// `bucket/*` directly would let `bucket/?` pass.)
fn covers_everything_under(pattern: &str, objects_arn: &str) -> bool {
    let prefix = objects_arn.strip_suffix('*').unwrap_or(objects_arn);
    let Some(head) = pattern.strip_suffix('*') else {
        return false;
    };
    let head = head.trim_end_matches('*');
    (0..=prefix.len())
        .filter(|end| prefix.is_char_boundary(*end))
        .any(|end| action_matches(head, &prefix[..end]))
}

/// `None` when the principal is everyone; else the principal as written.
fn principal_gap(raw: &Value) -> Option<Value> {
    let everyone = |v: &Value| match v {
        Value::String(s) => s == "*",
        Value::Array(items) => items.iter().any(|i| i.as_str() == Some("*")),
        _ => false,
    };
    match raw.get("Principal") {
        Some(p @ Value::String(_)) if everyone(p) => None,
        Some(Value::Object(map)) if map.get("AWS").is_some_and(everyone) => None,
        Some(other) => Some(other.clone()),
        None => Some(
            raw.get("NotPrincipal")
                .map(|p| serde_json::json!({ "NotPrincipal": p }))
                .unwrap_or(Value::String("(no Principal)".into())),
        ),
    }
}

/// The statement's `Resource` patterns; `None` for `NotResource`.
fn resources(index: usize, raw: &Value) -> Result<Option<Vec<String>>, PolicyError> {
    match raw.get("Resource") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str().map(str::to_owned).ok_or_else(|| {
                    PolicyError(format!("statement {index}: `Resource` holds a non-string"))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(PolicyError(format!(
            "statement {index}: `Resource` is neither a string nor an array"
        ))),
    }
}

/// Whether the statement's condition holds `aws:SecureTransport` = false
/// under `Bool` or `BoolIfExists`: `None` when it does not, else the other
/// conditions (`Operator:key`) that narrow the statement.
fn secure_transport_condition(
    index: usize,
    raw: &Value,
) -> Result<Option<Vec<String>>, PolicyError> {
    let Some(condition) = raw.get("Condition") else {
        return Ok(None);
    };
    let Some(operators) = condition.as_object() else {
        return Err(PolicyError(format!(
            "statement {index}: `Condition` is not an object"
        )));
    };
    let mut found = false;
    let mut others = Vec::new();
    for (operator, keys) in operators {
        let Some(keys) = keys.as_object() else {
            return Err(PolicyError(format!(
                "statement {index}: condition `{operator}` is not an object"
            )));
        };
        for (key, value) in keys {
            let is_tls_key = key.eq_ignore_ascii_case("aws:SecureTransport");
            let is_bool = operator == "Bool" || operator == "BoolIfExists";
            if is_tls_key && is_bool && holds_false(value) {
                found = true;
            } else {
                others.push(format!("{operator}:{key}"));
            }
        }
    }
    Ok(found.then_some(others))
}

/// `false`, `"false"` (any case), or an array with one of them.
fn holds_false(value: &Value) -> bool {
    match value {
        Value::Bool(b) => !b,
        Value::String(s) => s.eq_ignore_ascii_case("false"),
        Value::Array(items) => items.iter().any(holds_false),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BUCKET: &str = "logs";

    fn read(statements: &str) -> Result<TlsOnly, PolicyError> {
        tls_only(
            &format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#),
            "aws",
            BUCKET,
        )
    }

    fn deny(principal: &str, action: &str, resource: &str, condition: &str) -> String {
        format!(
            r#"{{"Sid":"TlsOnly","Effect":"Deny","Principal":{principal},"Action":{action},"Resource":{resource},"Condition":{condition}}}"#
        )
    }

    const BOTH: &str = r#"["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]"#;
    const INSECURE: &str = r#"{"Bool":{"aws:SecureTransport":"false"}}"#;

    fn enforced(index: usize) -> TlsOnly {
        TlsOnly::Enforced {
            statements: vec![StatementRef {
                index,
                sid: Some("TlsOnly".into()),
            }],
        }
    }

    #[test]
    fn the_documented_statement_enforces_tls() {
        let statement = deny(r#""*""#, r#""s3:*""#, BOTH, INSECURE);
        assert_eq!(read(&format!("[{statement}]")), Ok(enforced(0)));
    }

    #[test]
    fn accepted_spellings() {
        for (principal, action, resource, condition) in [
            (r#"{"AWS":"*"}"#, r#""*""#, BOTH, INSECURE),
            (
                r#"{"AWS":["*"]}"#,
                r#"["S3:*"]"#,
                r#""*""#,
                r#"{"BoolIfExists":{"aws:securetransport":false}}"#,
            ),
            (
                r#""*""#,
                r#""s3:*""#,
                r#""arn:aws:s3:::logs*""#,
                r#"{"Bool":{"AWS:SecureTransport":["FALSE"]}}"#,
            ),
        ] {
            let statement = deny(principal, action, resource, condition);
            assert_eq!(read(&statement), Ok(enforced(0)), "{statement}");
        }
    }

    #[test]
    fn bucket_and_objects_may_be_split_between_statements() {
        let bucket = deny(r#""*""#, r#""s3:*""#, r#""arn:aws:s3:::logs""#, INSECURE);
        let objects = deny(r#""*""#, r#""s3:*""#, r#""arn:aws:s3:::logs/*""#, INSECURE);
        let got = read(&format!("[{bucket},{objects}]")).unwrap();
        assert!(matches!(got, TlsOnly::Enforced { ref statements } if statements.len() == 2));
    }

    #[test]
    fn partial_denies_say_what_they_miss() {
        let objects_only = deny(r#""*""#, r#""s3:*""#, r#""arn:aws:s3:::logs/*""#, INSECURE);
        assert_eq!(
            read(&format!("[{objects_only}]")),
            Ok(TlsOnly::Partial {
                statement: StatementRef {
                    index: 0,
                    sid: Some("TlsOnly".into())
                },
                gaps: vec![Gap::Bucket {
                    arn: "arn:aws:s3:::logs".into()
                }],
            })
        );
        let some_actions = deny(
            r#""*""#,
            r#"["s3:GetObject","s3:PutObject"]"#,
            BOTH,
            INSECURE,
        );
        let TlsOnly::Partial { gaps, .. } = read(&some_actions).unwrap() else {
            panic!("not partial");
        };
        assert_eq!(
            gaps,
            vec![Gap::Actions {
                actions: vec!["s3:GetObject".into(), "s3:PutObject".into()],
                not_action: false
            }]
        );
        assert_eq!(
            gaps[0].text().en,
            "it denies only s3:GetObject, s3:PutObject, not every S3 action (`s3:*`)"
        );
        let one_account = deny(
            r#"{"AWS":"arn:aws:iam::111122223333:root"}"#,
            r#""s3:*""#,
            BOTH,
            INSECURE,
        );
        assert!(matches!(
            read(&one_account).unwrap(),
            TlsOnly::Partial { ref gaps, .. } if matches!(gaps[..], [Gap::Principal { .. }])
        ));
        let narrowed = deny(
            r#""*""#,
            r#""s3:*""#,
            BOTH,
            r#"{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:SourceVpc":"vpc-1"}}"#,
        );
        assert_eq!(
            read(&narrowed).unwrap(),
            TlsOnly::Partial {
                statement: StatementRef {
                    index: 0,
                    sid: Some("TlsOnly".into())
                },
                gaps: vec![Gap::OtherConditions {
                    conditions: vec!["StringEquals:aws:SourceVpc".into()]
                }],
            }
        );
        let prefix_only = deny(
            r#""*""#,
            r#""s3:*""#,
            r#"["arn:aws:s3:::logs","arn:aws:s3:::logs/private/*"]"#,
            INSECURE,
        );
        assert!(matches!(
            read(&prefix_only).unwrap(),
            TlsOnly::Partial { ref gaps, .. } if matches!(gaps[..], [Gap::Objects { .. }])
        ));
        let one_char = deny(
            r#""*""#,
            r#""s3:*""#,
            r#"["arn:aws:s3:::logs","arn:aws:s3:::logs/?"]"#,
            INSECURE,
        );
        assert!(matches!(read(&one_char).unwrap(), TlsOnly::Partial { .. }));
    }

    #[test]
    fn look_alikes_do_not_count() {
        for statement in [
            // An Allow with the condition.
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#.to_owned(),
            // The opposite value: denies TLS requests.
            deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"Bool":{"aws:SecureTransport":"true"}}"#),
            // The wrong operator.
            deny(r#""*""#, r#""s3:*""#, BOTH, r#"{"StringEquals":{"aws:SecureTransport":"false"}}"#),
            // The key only in a Sid.
            r#"{"Sid":"aws:SecureTransport false","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}"#.to_owned(),
        ] {
            assert_eq!(read(&format!("[{statement}]")), Ok(TlsOnly::Absent), "{statement}");
        }
    }

    #[test]
    fn malformed_policies_are_errors_with_the_statement() {
        let err = read(
            r#"[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":[]}]"#,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "statement 0: `Condition` is not an object");
        assert!(
            tls_only("{", "aws", BUCKET)
                .unwrap_err()
                .to_string()
                .starts_with("not JSON")
        );
    }

    proptest! {
        /// Bucket policies come from the account: any text is read or
        /// refused with a message, never a panic.
        #[test]
        fn never_panics(text in r#"\{("Statement":)?[\[\]{}",:a-zA-Z*/]{0,80}\}"#) {
            let _ = tls_only(&text, "aws", BUCKET);
        }

        /// A resource pattern that is an object prefix narrower than the
        /// bucket never covers all of its objects.
        #[test]
        fn narrower_prefixes_never_cover_all_objects(prefix in "[a-z0-9]{1,12}") {
            let pattern = format!("arn:aws:s3:::logs/{prefix}/*");
            prop_assert!(!covers_everything_under(&pattern, "arn:aws:s3:::logs/*"));
        }
    }
}
