//! The rules this crate follows where AWS documents nothing (crate docs,
//! "Decisions"), one test each, numbered as there.

use kensa_pattern::{FilterPattern, LogEvent, Pattern};
use serde_json::{Value, json};

fn parse(text: &str) -> FilterPattern {
    FilterPattern::parse(text).unwrap_or_else(|e| panic!("{}", e.render(text)))
}

fn on_json(p: &str, event: Value) -> bool {
    let message = event.to_string();
    parse(p).matches(&LogEvent::with_json(&message, &event))
}

fn on_text(p: &str, message: &str) -> bool {
    parse(p).matches(&LogEvent::new(message))
}

#[test]
fn d1_missing_fields_never_satisfy_a_comparison() {
    for p in [
        r#"{ $.a = "x" }"#,
        r#"{ $.a != "x" }"#,
        "{ $.a != 1 }",
        "{ $.a < 1 }",
        "{ $.a = * }",
        "{ $.a != %x% }",
    ] {
        assert!(!on_json(p, json!({"b": 1})), "{p}");
        assert!(!on_json(p, json!({"a": {"b": 1}})), "{p} on an object");
    }
    assert!(on_json("{ $.a NOT EXISTS }", json!({"b": 1})));
    assert!(
        on_json("{ $.a.b NOT EXISTS }", json!({"a": "string"})),
        "walking into a string reaches nothing"
    );
    assert!(!on_json("{ $.a NOT EXISTS }", json!({"a": null})));
}

#[test]
fn d2_type_mismatches_fail_both_ways() {
    for value in [
        json!(null),
        json!(true),
        json!(false),
        json!([1]),
        json!({"k": 1}),
    ] {
        for p in [
            r#"{ $.a = "true" }"#,
            r#"{ $.a != "x" }"#,
            "{ $.a = 1 }",
            "{ $.a != 1 }",
            "{ $.a = * }",
        ] {
            assert!(!on_json(p, json!({ "a": value.clone() })), "{p} on {value}");
        }
    }
    assert!(on_json("{ $.a IS TRUE }", json!({"a": true})));
    assert!(!on_json("{ $.a IS TRUE }", json!({"a": "true"})));
    assert!(on_json("{ $.a IS FALSE }", json!({"a": false})));
    assert!(on_json("{ $.a IS NULL }", json!({"a": null})));
    assert!(!on_json("{ $.a IS NULL }", json!({})));
    assert!(on_json("{ $.a = * }", json!({"a": ""})));
    assert!(on_json("{ $.a = * }", json!({"a": 0})));
}

#[test]
fn d3_numbers_against_strings() {
    assert!(on_json("{ $.code = 400 }", json!({"code": "400"})));
    assert!(on_json("{ $.code > 399.5 }", json!({"code": "400"})));
    assert!(on_json("{ $.code = 400 }", json!({"code": 400.0})));
    assert!(!on_json(
        "{ $.code = 400 }",
        json!({"code": "400 Bad Request"})
    ));
    assert!(
        !on_json("{ $.code != 400 }", json!({"code": "Bad"})),
        "not a number: the comparison does not apply"
    );
    assert!(!on_json("{ $.code = 400 }", json!({"code": " 400"})));
}

#[test]
fn d4_strings_against_numbers() {
    assert!(on_json("{ $.code = 4* }", json!({"code": 404})));
    assert!(on_json(r#"{ $.code = "404" }"#, json!({"code": 404})));
    assert!(!on_json(r#"{ $.code != "404" }"#, json!({"code": 404})));
    assert!(on_json("{ $.code = %^40% }", json!({"code": 404})));
    assert!(on_json("{ $.ratio = 1.5 }", json!({"ratio": 1.5})));
}

#[test]
fn d5_arrays_are_not_searched() {
    assert!(!on_json(r#"{ $.list = "x" }"#, json!({"list": ["x"]})));
    assert!(on_json(r#"{ $.list[0] = "x" }"#, json!({"list": ["x"]})));
    assert!(!on_json(r#"{ $.list[1] = "x" }"#, json!({"list": ["x"]})));
    // CloudTrail's S3 `host` is an array.
    let host = json!({"requestParameters": {"host": ["bucket.s3.us-west-2.amazonaws.com"]}});
    assert!(!on_json(
        "{ $.requestParameters.host = *amazonaws.com }",
        host.clone()
    ));
    assert!(on_json(
        "{ $.requestParameters.host[0] = *amazonaws.com }",
        host
    ));
}

#[test]
fn d6_quoting_does_not_change_a_string_and_keywords_ignore_case() {
    assert_eq!(parse("{ $.a = abc }"), parse(r#"{ $.a = "abc" }"#));
    assert_eq!(
        parse("{ $.a = *Unauthorized }"),
        parse(r#"{$.a="*Unauthorized"}"#)
    );
    assert_ne!(parse("{ $.a = 400 }"), parse(r#"{ $.a = "400" }"#));
    assert_eq!(
        parse("{ $.a is null || $.b not exists || $.c Is True }"),
        parse("{ $.a IS NULL || $.b NOT EXISTS || $.c IS TRUE }")
    );
    // A quoted number is a string: it compares with the text.
    assert!(!on_json(r#"{ $.a = "400" }"#, json!({"a": 400.0})));
    assert!(on_json("{ $.a = 400 }", json!({"a": 400.0})));
}

#[test]
fn d7_unquoted_values_and_terms_are_lenient() {
    assert!(on_json(
        "{ $.eventSource = s3.amazonaws.com }",
        json!({"eventSource": "s3.amazonaws.com"})
    ));
    assert!(on_json("{ $.ip = 192.0.2.* }", json!({"ip": "192.0.2.7"})));
    assert!(on_json(
        "{ $.arn = arn:aws:iam::*:root }",
        json!({"arn": "arn:aws:iam::*:root"})
    ));
    assert!(on_text("ERROR:", "ERROR: disk full"));
    assert!(!on_text("ERROR:", "ERROR disk full"));
}

#[test]
fn d8_quoted_escapes() {
    assert!(on_text(r#""say \"hi\"""#, r#"they say "hi" twice"#));
    assert!(on_text(r#""C:\\temp""#, r"path C:\temp here"));
    assert!(
        on_text(r#""a\nb""#, r"a\nb"),
        "other backslashes are kept as written"
    );
    assert!(on_json(r#"{ $.a = "x\"y" }"#, json!({"a": "x\"y"})));
}

#[test]
fn d9_regex_subset_and_quota() {
    assert!(
        FilterPattern::parse("%a b%").is_err(),
        "space is not in AWS's list"
    );
    assert!(
        FilterPattern::parse("%a:b%").is_ok(),
        "':' is in the docs.amazonaws.cn list"
    );
    assert!(FilterPattern::parse("{ $.a = %x% && $.b = %y% }").is_ok());
    assert!(FilterPattern::parse("{ $.a = %x% && $.b = %y% && $.c = %z% }").is_err());
    assert!(FilterPattern::parse("[a = %x%, b = %y%, c = %z%]").is_err());
    // Term patterns have no quota.
    assert!(FilterPattern::parse("%x% %y% %z%").is_ok());
    // Unanchored, ASCII classes.
    assert!(on_text("%rror%", "ERROR error"));
    assert!(
        !on_text(r"%^\d+$%", "١٢٣"),
        "Arabic-Indic digits are not \\d"
    );
    assert!(on_text(r"%^\d+$%", "123"));
}

#[test]
fn d10_question_mark_starts_a_group() {
    let p = parse(r#"?"ERROR" "MainThread" ?"WARN" "Deadlock""#);
    assert!(p.matches(&LogEvent::new("ERROR in MainThread")));
    assert!(p.matches(&LogEvent::new("WARN: Deadlock")));
    assert!(!p.matches(&LogEvent::new("ERROR: Deadlock")));
    assert!(!p.matches(&LogEvent::new("WARN in MainThread")));
    // Terms before the first `?` form the first group.
    assert_eq!(parse("A ?B"), parse("?A ?B"));
    assert!(on_text("A ?B", "only B"));
    let Pattern::Terms(terms) = parse("?ERROR -Exiting ?WARN").ast().clone() else {
        panic!("terms")
    };
    assert_eq!(terms.groups.len(), 2);
    assert!(on_text("?ERROR -Exiting ?WARN", "ERROR now"));
    assert!(!on_text("?ERROR -Exiting ?WARN", "ERROR Exiting"));
    assert!(on_text("?ERROR -Exiting ?WARN", "WARN Exiting"));
}

#[test]
fn d11_delimited_names_and_trailing_comma() {
    let line = "GET 404 1534";
    assert!(on_text(
        "[method, status_code = 4* && bytes > 1000, bytes]",
        line
    ));
    assert!(!on_text(
        "[method, status_code = 4* && bytes > 2000, bytes]",
        line
    ));
    // `size` is not a field of the pattern: no value, so the comparison fails.
    assert!(!on_text(
        "[method, status_code = 4* && size > 1000, bytes]",
        line
    ));
    assert!(on_text(
        "[method, status_code = 4* || size > 1000, bytes]",
        line
    ));
    assert_eq!(parse("[a, b,]"), parse("[a, b]"));
    // Several spaces separate like one; brackets and quotes group.
    assert!(on_text("[a, b = \"x y\", c = 3]", "1   \"x y\"  3"));
    assert!(on_text("[a, ..., z = end]", "a end"));
    assert!(on_text("[..., x = 1, ..., y = 2, ...]", "0 1 0 0 2 0"));
    assert!(!on_text("[..., x = 1, ..., y = 2, ...]", "0 2 0 0 1 0"));
    // Adjacent ellipses mean one; failing conditions prune the search, so many
    // ellipses over a long line stay cheap (this would be ~10^8 placements).
    assert_eq!(
        on_text("[..., ..., a]", "1 2 3"),
        on_text("[..., a]", "1 2 3")
    );
    let long_line = vec!["0"; 80].join(" ");
    assert!(!on_text(
        "[..., a = 1, ..., b = 2, ..., c = 3, ..., d = 4, ..., e = 5, ...]",
        &long_line
    ));
    assert!(on_text(
        "[..., a = 1, ..., b = 2, ..., c = 3, ..., d = 4, ..., e = 5, ...]",
        &format!("{long_line} 1 2 3 4 5")
    ));
}

#[test]
fn d12_json_patterns_need_json() {
    let p = parse(r#"{ $.eventName = "StopLogging" }"#);
    let message = r#"{"eventName":"StopLogging"}"#;
    assert!(
        !p.matches(&LogEvent::new(message)),
        "LogEvent::new carries no JSON"
    );
    assert!(p.matches_message(message));
    assert!(!p.matches_message("eventName StopLogging"));
    assert!(p.is_json());
    assert!(!parse("StopLogging").is_json());
    assert!(parse("StopLogging").matches_message(message));
}

#[test]
fn d13_numbers_are_f64() {
    assert!(on_json(
        "{ $.n = 9007199254740993 }",
        json!({"n": 9007199254740992_u64})
    ));
    assert!(on_json("{ $.n = 1e3 }", json!({"n": 1000})));
    assert!(on_json("{ $.n < 10e-3 }", json!({"n": 0.001})));
}

#[test]
fn d14_selectors() {
    for bad in [
        "{ $.a.* = 1 }",
        "{ $.a[*] = 1 }",
        "{ $ = 1 }",
        "{ $[0] = 1 }",
        "{ $.a..b = 1 }",
        "{ $.a b = 1 }",
    ] {
        assert!(FilterPattern::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        parse("{ $.a-b_c[0][2].d = 1 }").json_fields(),
        ["a-b_c[0][2].d"]
    );
    assert_eq!(
        parse("{ $.b = 1 || $.a = 2 && $.b != 3 || $.c[0].d IS NULL }").json_fields(),
        ["b", "a", "c[0].d"]
    );
    assert!(parse("[a, b]").json_fields().is_empty());
}
