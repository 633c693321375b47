//! Oracle tests: the examples in AWS's "Filter pattern syntax" documentation
//! (awsdocs/amazon-cloudwatch-logs-user-guide `doc_source/FilterAndPatternSyntax.md`
//! @5ae5c9ae, and the live regex page), each with the verdict AWS states.

use kensa_pattern::{FilterPattern, LogEvent};
use serde_json::{Value, json};

fn pattern(text: &str) -> FilterPattern {
    FilterPattern::parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.render(text)))
}

fn text_matches(p: &str, message: &str) -> bool {
    pattern(p).matches(&LogEvent::new(message))
}

fn json_matches(p: &str, event: &Value) -> bool {
    let message = event.to_string();
    let parsed = pattern(p);
    let verdict = parsed.matches(&LogEvent::with_json(&message, event));
    assert_eq!(
        verdict,
        parsed.matches_message(&message),
        "matches_message disagrees for {p}"
    );
    verdict
}

#[test]
fn match_everything() {
    // "The filter pattern "" matches all log events."
    assert!(text_matches("", "anything at all"));
    assert!(text_matches(r#""""#, "anything at all"));
    // The live page: `" "` matches everything.
    assert!(text_matches(r#"" ""#, "nospaceshere"));
    assert!(text_matches("   ", ""));
}

#[test]
fn single_term_is_a_case_sensitive_substring() {
    assert!(text_matches(
        "ERROR",
        "[ERROR] A fatal exception has occurred"
    ));
    assert!(text_matches("ERROR", "Exiting with ERRORCODE: -1"));
    assert!(!text_matches("ERROR", "error: lower case"));
}

#[test]
fn include_and_exclude() {
    // `"ERROR" - "Exiting"` (with the doc's space after the minus).
    assert!(!text_matches(
        r#""ERROR" - "Exiting""#,
        "Exiting with ERRORCODE: -1"
    ));
    assert!(text_matches(
        r#""ERROR" - "Exiting""#,
        "[ERROR] A fatal exception has occurred"
    ));
}

#[test]
fn multiple_terms_and_phrases() {
    assert!(text_matches(
        "ERROR Exception",
        "[ERROR] Caught IllegalArgumentException"
    ));
    assert!(text_matches(
        "ERROR Exception",
        "[ERROR] Unhandled Exception"
    ));
    assert!(!text_matches("ERROR Exception", "[ERROR] Unhandled"));
    // Unquoted: all five words, anywhere.
    assert!(text_matches(
        "Failed to process the request",
        "[WARN] Failed to process the request"
    ));
    assert!(text_matches(
        "Failed to process the request",
        "request the process to Failed"
    ));
    // Quoted: the exact phrase.
    assert!(text_matches(
        r#""Failed to process the request""#,
        "[ERROR] Unable to continue: Failed to process the request"
    ));
    assert!(!text_matches(
        r#""Failed to process the request""#,
        "request the process to Failed"
    ));
}

#[test]
fn or_terms() {
    let lines = ["ERROR WARN message", "ERROR message", "WARN message"];
    let verdicts = |p: &str| lines.map(|l| text_matches(p, l));
    assert_eq!(verdicts("ERROR"), [true, true, false]);
    assert_eq!(verdicts("?ERROR ?WARN"), [true, true, true]);
    assert_eq!(verdicts("ERROR WARN"), [true, false, false]);
    assert_eq!(verdicts("ERROR -WARN"), [false, true, false]);
}

#[test]
fn or_in_space_delimited_and_json() {
    let lines = ["ERROR WARN message", "ERROR message", "WARN message"];
    let verdicts = |p: &str| lines.map(|l| text_matches(p, l));
    assert_eq!(verdicts("[w1=ERROR, w2]"), [false, true, false]);
    assert_eq!(verdicts("[w1=ERROR || w1=WARN, w2]"), [false, true, true]);
    // The doc says `[w1!=ERROR&&w1!=WARN, w2]` "matches lines containing both
    // ERROR and WARN (pattern 1)", which contradicts its own operators: in
    // "ERROR WARN message" w1 is ERROR, and the line has three fields, not two.
    // We follow the operators.
    assert_eq!(verdicts("[w1!=ERROR&&w1!=WARN, w2]"), [false, false, false]);
    assert!(text_matches("[w1!=ERROR&&w1!=WARN, w2]", "INFO message"));

    let bar = json!({"foo": "bar"});
    let baz = json!({"foo": "baz"});
    assert!(json_matches("{$.foo = bar}", &bar));
    assert!(!json_matches("{$.foo = bar}", &baz));
    assert!(json_matches("{$.foo = baz }", &baz));
    assert!(json_matches("{$.foo = bar || $.foo = baz }", &bar));
    assert!(json_matches("{$.foo = bar || $.foo = baz }", &baz));
}

fn metric_filter_example() -> Value {
    json!({
      "eventType": "UpdateTrail",
      "sourceIPAddress": "111.111.111.111",
      "arrayKey": ["value", "another value"],
      "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
      "SomeObject": null,
      "ThisFlag": true
    })
}

#[test]
fn json_metric_filter_examples_all_match() {
    let event = metric_filter_example();
    for p in [
        r#"{ $.eventType = "UpdateTrail" }"#,
        "{ $.sourceIPAddress != 123.123.* }",
        r#"{ $.arrayKey[0] = "value" }"#,
        "{ $.objectList[1].id = 2 }",
        "{ $.SomeObject IS NULL }",
        "{ $.SomeOtherObject NOT EXISTS }",
        "{ $.ThisFlag IS TRUE }",
    ] {
        assert!(json_matches(p, &event), "{p}");
    }
    // And their negatives, per the doc's explanations.
    for p in [
        "{ $.sourceIPAddress != 111.111.* }",
        r#"{ $.arrayKey[1] = "value" }"#,
        r#"{ $.eventType[0] = "value" }"#, // "If arrayKey is not an array this will be false."
        "{ $.objectList[1].id = 1 }",
        "{ $.objectList[2].id = 2 }",
        "{ $.ThisFlag IS NULL }",
        "{ $.eventType NOT EXISTS }",
        "{ $.SomeObject NOT EXISTS }",
        "{ $.ThisFlag IS FALSE }",
    ] {
        assert!(!json_matches(p, &event), "{p}");
    }
}

#[test]
fn json_compound_conditions() {
    let event = json!({
        "user": {"id": 1, "email": "John.Stiles@example.com"},
        "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
        "actions": ["GET", "PUT", "DELETE"],
        "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]
    });
    assert!(json_matches(
        r#"{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }"#,
        &event
    ));
    assert!(!json_matches(
        r#"{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }"#,
        &event
    ));
    // && binds tighter than ||.
    assert!(json_matches(
        r#"{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }"#,
        &event
    ));
    assert!(!json_matches(
        r#"{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }"#,
        &event
    ));
    assert!(json_matches("{ $.coordinates[1][2] = 6 }", &event));
}

#[test]
fn selector_on_array_or_object_fails_both_ways() {
    let event = json!({"users": [1, 2, 3]});
    assert!(!json_matches("{$.users = 1}", &event));
    assert!(!json_matches("{$.users != 1}", &event));
}

#[test]
fn numeric_comparisons() {
    let event = json!({
        "latency": 1500, "numbers": [0.001, 5], "processes": [0, 1, 2, 3, {"averageRuntime": 55.5}],
        "errorCode": 400
    });
    for (p, expected) in [
        ("{ $.latency >= 500 }", true),
        ("{ $.numbers[0] < 10e3 }", true),
        ("{ $.numbers[0] < 10e-3 }", true),
        ("{ $.numbers[1] < 10e-3 }", false),
        ("{ $.processes[4].averageRuntime <= 55.5 }", true),
        ("{ $.processes[4].averageRuntime < 55.5 }", false),
        ("{ $.errorCode = 400 }", true),
        ("{ $.errorCode != 500 }", true),
        ("{ $.errorCode != 400 }", false),
        ("{ $.latency > +1000 }", true),
        ("{ $.latency > 1500 }", false),
        ("{ $.latency = * }", true),
    ] {
        assert_eq!(json_matches(p, &event), expected, "{p}");
    }
}

#[test]
fn wildcards() {
    let event = |name: &str| json!({ "eventName": name });
    assert!(json_matches("{ $.eventName = *Event }", &event("PutEvent")));
    assert!(json_matches("{ $.eventName = *Event }", &event("GetEvent")));
    assert!(json_matches("{ $.eventName = Event* }", &event("EventId")));
    assert!(json_matches(
        "{ $.eventName = Event* }",
        &event("EventName")
    ));
    // "Ev*ent will only match the actual string Ev*ent."
    assert!(!json_matches(
        r#"{ $.eventName = "Ev*ent" }"#,
        &event("Event")
    ));
    assert!(!json_matches(
        r#"{ $.eventName = "Ev*ent" }"#,
        &event("EvXent")
    ));
    assert!(json_matches(
        r#"{ $.eventName = "Ev*ent" }"#,
        &event("Ev*ent")
    ));
    // Whole-value equality, not substring.
    assert!(!json_matches("{ $.eventName = Event }", &event("PutEvent")));
}

const APACHE: [&str; 3] = [
    r#"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534"#,
    r#"127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324"#,
    r#"127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355"#,
];

#[test]
fn space_delimited_examples() {
    let verdicts = |p: &str| APACHE.map(|l| text_matches(p, l));
    assert_eq!(
        verdicts("[ip, user, username, timestamp, request, status_code, bytes]"),
        [true; 3]
    );
    assert_eq!(verdicts("[..., status_code, bytes]"), [true; 3]);
    assert_eq!(verdicts("[ip, user, ..., status_code, bytes]"), [true; 3]);
    assert_eq!(verdicts("[ip, user, ...]"), [true; 3]);
    assert_eq!(
        verdicts("[ip, user, username, timestamp, request, status_code, bytes > 1000]"),
        [true; 3]
    );
    assert_eq!(
        verdicts("[ip, user, username, timestamp, request, status_code, bytes > 5000]"),
        [false, true, false]
    );
    assert_eq!(
        verdicts("[ip, user, username, timestamp, request, status_code = 200, bytes]"),
        [true, false, true]
    );
    assert_eq!(
        verdicts("[ip, user, username, timestamp, request, status_code = 5*, bytes]"),
        [false, true, false]
    );
    assert_eq!(
        verdicts("[ip, user, username, timestamp, request = *gif*, status_code = 5*, bytes]"),
        [false, true, false]
    );
    assert_eq!(
        verdicts("[ip, user, username, timestamp, request = *html*, status_code = 5*, bytes]"),
        [false; 3]
    );
    assert_eq!(
        verdicts(
            "[ip, user, username, timestamp, request, status_code = 500 || status_code = 404, bytes]"
        ),
        [false, true, false]
    );
    // Too few pattern fields and no `...`: the line has seven fields.
    assert_eq!(
        verdicts("[ip, user, username, timestamp, request, status_code]"),
        [false; 3]
    );
    // Brackets and quotes delimit one field each and are not part of it.
    assert_eq!(
        verdicts(
            "[ip, user, username, timestamp = 10/Oct/2000*, request = \"GET /apache_pb.gif HTTP/1.0\", ...]"
        ),
        [true; 3]
    );
}

#[test]
fn space_delimited_with_trailing_comma() {
    // The doc's "Example Filter" and log event.
    let line =
        r#"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534"#;
    // With the doc's trailing comma the pattern has three fields after `...`,
    // ending at `status_code`: the line's last field is the bytes count.
    assert!(!text_matches(
        "[..., request=*.html*, status_code=4*,]",
        line
    ));
    assert!(text_matches(
        "[..., request=*.html*, status_code=4*, bytes]",
        line
    ));
    assert_eq!(
        pattern("[..., request=*.html*, status_code=4*,]").to_string(),
        r#"[..., request = "*.html*", status_code = "4*"]"#
    );
}

#[test]
fn regex_standalone_and_in_values() {
    assert!(text_matches(
        "%AUTHORIZED%",
        "[ERROR 401] UNAUTHORIZED REQUEST"
    ));
    assert!(text_matches(
        "%AUTHORIZED%",
        "[SUCCESS 200] AUTHORIZED REQUEST"
    ));
    assert!(!text_matches("%AUTHORIZED%", "[SUCCESS 200] authorized"));
    assert!(text_matches(
        r"%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%",
        "from 10.0.0.1 ok"
    ));
    assert!(text_matches("%[Ee]rror|[Ff]ail%", "it failed"));
    assert!(text_matches("%^[hc]at%", "hat trick"));
    assert!(!text_matches("%^[hc]at%", "that"));
    assert!(text_matches("%[hc]at$%", "a cat"));
    assert!(text_matches("%colou?r%", "color"));
    assert!(text_matches("%colou?r%", "colour"));
    assert!(text_matches("%a{3,5}%", "baaab"));
    assert!(!text_matches("%a{3,5}%", "baab"));
    assert!(json_matches(
        "{ $.eventName = %^Put% }",
        &json!({"eventName": "PutBucketPolicy"})
    ));
    assert!(!json_matches(
        "{ $.eventName != %^Put% }",
        &json!({"eventName": "PutBucketPolicy"})
    ));
    assert!(text_matches("[w1 = %^ERR%, ...]", "ERROR one"));
    // "%something!% is rejected because ! is not supported."
    assert!(FilterPattern::parse("%something!%").is_err());
    assert!(FilterPattern::parse("%(a)%").is_err());
}
