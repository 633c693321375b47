//! Oracle tests for EventBridge event patterns: the examples in the EventBridge
//! user guide (awsdocs/amazon-eventbridge-user-guide `eb-event-patterns-content-based-filtering.md`,
//! `content-filtering-with-event-patterns.md`, `eb-event-patterns-arrays.md`,
//! `eb-event-patterns-null-values.md`, and the live "Comparison operators" page).

use kensa_pattern::EventPattern;
use serde_json::{Value, json};

fn pattern(value: Value) -> EventPattern {
    EventPattern::parse(&value.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn ec2_state_change() -> Value {
    json!({
      "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602",
      "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
      "account": "123456789012", "time": "2015-11-11T21:29:54Z", "region": "us-east-1",
      "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
      "detail": {"instance-id": "i-abcd1111", "state": "pending"}
    })
}

fn with_detail(detail: Value) -> Value {
    let mut e = ec2_state_change();
    e["detail"] = detail;
    e
}

#[test]
fn prefix_matching() {
    let p = pattern(json!({"time": [{"prefix": "2017-10-02"}]}));
    assert!(p.matches(&json!({"time": "2017-10-02T18:43:48Z"})));
    assert!(!p.matches(&json!({"time": "2017-10-03T18:43:48Z"})));
    assert!(!p.matches(&json!({"other": "2017-10-02"})));
    let europe = pattern(json!({"source": ["aws.autoscaling"], "region": [{"prefix": "eu-"}]}));
    assert!(europe.matches(&json!({"source": "aws.autoscaling", "region": "eu-west-1"})));
    assert!(!europe.matches(&json!({"source": "aws.autoscaling", "region": "us-east-1"})));
    assert!(!europe.matches(&json!({"source": "aws.ec2", "region": "eu-west-1"})));
    // "Prefix matching only works on string-valued fields."
    assert!(!pattern(json!({"n": [{"prefix": "1"}]})).matches(&json!({"n": 12})));
}

#[test]
fn prefix_and_suffix_ignoring_case() {
    let p = pattern(json!({"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}}));
    for s in ["EventBridge", "EVENTBRIDGE", "eventbridge", "eVeNtB"] {
        assert!(p.matches(&with_detail(json!({"service": s}))), "{s}");
    }
    assert!(!p.matches(&with_detail(json!({"service": "Event"}))));
    let p = pattern(json!({"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}}));
    assert!(p.matches(&with_detail(json!({"FileName": "a.PNG"}))));
    assert!(p.matches(&with_detail(json!({"FileName": "a.png"}))));
    assert!(!p.matches(&with_detail(json!({"FileName": "a.jpg"}))));
    let p = pattern(json!({"FileName": [{"suffix": ".png"}]}));
    assert!(p.matches(&json!({"FileName": "image.png"})));
    assert!(!p.matches(&json!({"FileName": "image.PNG"})));
}

#[test]
fn anything_but() {
    let state = pattern(json!({"detail": {"state": [{"anything-but": "initializing"}]}}));
    assert!(state.matches(&with_detail(json!({"state": "running"}))));
    assert!(!state.matches(&with_detail(json!({"state": "initializing"}))));
    // A missing field is not "anything but".
    assert!(!state.matches(&with_detail(json!({}))));

    let limit = pattern(json!({"detail": {"x-limit": [{"anything-but": 123}]}}));
    assert!(limit.matches(&with_detail(json!({"x-limit": 124}))));
    assert!(!limit.matches(&with_detail(json!({"x-limit": 123}))));
    assert!(!limit.matches(&with_detail(json!({"x-limit": 123.0}))));

    let states =
        pattern(json!({"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}}));
    assert!(states.matches(&with_detail(json!({"state": "running"}))));
    assert!(!states.matches(&with_detail(json!({"state": "stopped"}))));
    assert!(!states.matches(&with_detail(json!({"state": "overloaded"}))));

    let limits = pattern(json!({"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}}));
    assert!(limits.matches(&with_detail(json!({"x-limit": 150}))));
    assert!(!limits.matches(&with_detail(json!({"x-limit": 200}))));

    let not_init = pattern(json!({"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}));
    assert!(not_init.matches(&with_detail(json!({"state": "running"}))));
    assert!(!not_init.matches(&with_detail(json!({"state": "initializing"}))));

    let not_cloudtrail =
        pattern(json!({"detail-type": [{"anything-but": "AWS API Call via CloudTrail"}]}));
    assert!(not_cloudtrail.matches(&ec2_state_change()));
    assert!(!not_cloudtrail.matches(&json!({"detail-type": "AWS API Call via CloudTrail"})));

    let not_ec2_s3 = pattern(json!({"source": [{"anything-but": ["aws.ec2", "aws.s3"]}]}));
    assert!(!not_ec2_s3.matches(&ec2_state_change()));
    assert!(not_ec2_s3.matches(&json!({"source": "aws.sns"})));

    let own_events = pattern(json!({"source": [{"anything-but": {"prefix": "aws."}}]}));
    assert!(!own_events.matches(&ec2_state_change()));
    assert!(own_events.matches(&json!({"source": "com.example.orders"})));
}

#[test]
fn anything_but_suffix_ignore_case_and_wildcard() {
    let p = pattern(json!({"FileName": [{"anything-but": {"suffix": ".png"}}]}));
    assert!(p.matches(&json!({"FileName": "a.jpg"})));
    assert!(!p.matches(&json!({"FileName": "a.png"})));
    let p = pattern(json!({"state": [{"anything-but": {"equals-ignore-case": "initializing"}}]}));
    assert!(!p.matches(&json!({"state": "INITIALIZING"})));
    assert!(p.matches(&json!({"state": "running"})));
    let p = pattern(
        json!({"state": [{"anything-but": {"equals-ignore-case": ["Stopped", "OverLoaded"]}}]}),
    );
    assert!(!p.matches(&json!({"state": "stopped"})));
    assert!(!p.matches(&json!({"state": "OVERLOADED"})));
    assert!(p.matches(&json!({"state": "running"})));
    let p = pattern(json!({"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}));
    assert!(!p.matches(&json!({"FilePath": "/usr/lib/x.so"})));
    assert!(p.matches(&json!({"FilePath": "/usr/bin/x"})));
}

#[test]
fn numeric_matching() {
    let p = pattern(json!({"detail": {
        "c-count": [{"numeric": [">", 0, "<=", 5]}],
        "d-count": [{"numeric": ["<", 10]}],
        "x-limit": [{"numeric": ["=", 3.018e2]}]
    }}));
    assert!(p.matches(&with_detail(
        json!({"c-count": 5, "d-count": 9.5, "x-limit": 301.8})
    )));
    assert!(!p.matches(&with_detail(
        json!({"c-count": 0, "d-count": 9.5, "x-limit": 301.8})
    )));
    assert!(!p.matches(&with_detail(
        json!({"c-count": 6, "d-count": 9.5, "x-limit": 301.8})
    )));
    assert!(!p.matches(&with_detail(
        json!({"c-count": 5, "d-count": 10, "x-limit": 301.8})
    )));
    assert!(!p.matches(&with_detail(
        json!({"c-count": 5, "d-count": 9, "x-limit": 301})
    )));
    // "Numeric matching works with values that are JSON numbers."
    assert!(!p.matches(&with_detail(
        json!({"c-count": "5", "d-count": 9, "x-limit": 301.8})
    )));
}

#[test]
fn ip_address_matching() {
    let p = pattern(json!({"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}}));
    assert!(p.matches(&with_detail(json!({"sourceIPAddress": "10.0.0.255"}))));
    assert!(p.matches(&with_detail(json!({"sourceIPAddress": "10.0.0.0"}))));
    assert!(!p.matches(&with_detail(json!({"sourceIPAddress": "10.0.1.0"}))));
    assert!(!p.matches(&with_detail(
        json!({"sourceIPAddress": "autoscaling.amazonaws.com"})
    )));
    let v6 = pattern(json!({"ip": [{"cidr": "2001:db8::/32"}]}));
    assert!(v6.matches(&json!({"ip": "2001:db8::1"})));
    assert!(!v6.matches(&json!({"ip": "2001:db9::1"})));
}

#[test]
fn exists_matching() {
    let has_state = pattern(json!({"detail": {"state": [{"exists": true}]}}));
    assert!(has_state.matches(&ec2_state_change()));
    let no_state = json!({
      "detail-type": ["EC2 Instance State-change Notification"],
      "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
      "detail": {"c-count": {"c1": 100}}
    });
    assert!(!has_state.matches(&no_state));

    let no_c_count = pattern(json!({"detail": {"c-count": [{"exists": false}]}}));
    let without = json!({"detail": {"state": ["initializing", "running"]}});
    assert!(no_c_count.matches(&without));
    // "it would also match the following event because c-count is not a leaf node"
    let intermediate =
        json!({"detail": {"state": ["initializing", "running"], "c-count": {"c1": 100}}});
    assert!(no_c_count.matches(&intermediate));
    assert!(!no_c_count.matches(&json!({"detail": {"c-count": 3}})));
    // Exists on an intermediate node does not count as existing.
    assert!(!pattern(json!({"detail": {"c-count": [{"exists": true}]}})).matches(&intermediate));
}

#[test]
fn complex_example() {
    let p = pattern(json!({
      "time": [{"prefix": "2017-10-02"}],
      "detail": {
        "state": [{"anything-but": "initializing"}],
        "c-count": [{"numeric": [">", 0, "<=", 5]}],
        "d-count": [{"numeric": ["<", 10]}],
        "x-limit": [{"anything-but": [100, 200, 300]}]
      }
    }));
    let event = json!({"time": "2017-10-02T18:43:48Z", "detail": {"state": "running", "c-count": 3, "d-count": 1, "x-limit": 150}});
    assert!(p.matches(&event));
    let mut wrong = event.clone();
    wrong["detail"]["x-limit"] = json!(300);
    assert!(!p.matches(&wrong));
}

#[test]
fn duplicate_keys_last_one_wins() {
    // "if you include a key more than once the last reference will be the one used"
    let p = EventPattern::parse(r#"{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}"#)
        .expect("valid pattern");
    assert!(p.matches(&json!({"detail": {"location": "eu-west"}})));
    assert!(!p.matches(&json!({"detail": {"location": "us-east"}})));
}

#[test]
fn arrays_match_when_they_intersect() {
    let p = pattern(json!({"resources": [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"
    ]}));
    assert!(p.matches(&json!({"resources": [
        "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"
    ]})));
    assert!(!p.matches(
        &json!({"resources": ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"]})
    ));
    assert!(!p.matches(&json!({"resources": []})));
    // Arrays of objects are searched too.
    let nested = pattern(json!({"detail": {"items": {"name": ["b"]}}}));
    assert!(nested.matches(&json!({"detail": {"items": [{"name": "a"}, {"name": "b"}]}})));
    assert!(!nested.matches(&json!({"detail": {"items": [{"name": "a"}]}})));
}

#[test]
fn null_and_empty_string() {
    let event = json!({
      "version": "0", "id": "3e3c153a-8339-4e30-8c35-687ebef853fe",
      "detail-type": "EC2 Instance Launch Successful", "source": "aws.autoscaling",
      "account": "123456789012", "time": "2015-11-11T21:31:47Z", "region": "us-east-1",
      "resources": [], "detail": {"eventVersion": "", "responseElements": null}
    });
    assert!(pattern(json!({"detail": {"eventVersion": [""]}})).matches(&event));
    assert!(pattern(json!({"detail": {"responseElements": [null]}})).matches(&event));
    // "Null values and empty strings are not interchangeable."
    assert!(!pattern(json!({"detail": {"eventVersion": [null]}})).matches(&event));
    assert!(!pattern(json!({"detail": {"responseElements": [""]}})).matches(&event));
    // null matches a null value, not a missing field.
    assert!(!pattern(json!({"detail": {"missing": [null]}})).matches(&event));
}

#[test]
fn equals_ignore_case_and_wildcard() {
    let p = pattern(json!({"Name": [{"equals-ignore-case": "alice"}]}));
    assert!(p.matches(&json!({"Name": "Alice"})));
    assert!(p.matches(&json!({"Name": "ALICE"})));
    assert!(!p.matches(&json!({"Name": "Alicia"})));
    let p =
        pattern(json!({"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]}));
    assert!(p.matches(
        &json!({"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/default"})
    ));
    assert!(!p.matches(
        &json!({"EventBusArn": "arn:aws:events:us-west-2:123456789012:event-bus/default"})
    ));
    let p = pattern(json!({"FilePath": [{"wildcard": "dir/*.png"}]}));
    assert!(p.matches(&json!({"FilePath": "dir/a.png"})));
    assert!(p.matches(&json!({"FilePath": "dir/sub/a.png"})));
    assert!(!p.matches(&json!({"FilePath": "dir/a.png.txt"})));
    let escaped = pattern(json!({"s": [{"wildcard": "a\\*b*"}]}));
    assert!(escaped.matches(&json!({"s": "a*bc"})));
    assert!(!escaped.matches(&json!({"s": "axbc"})));
}

#[test]
fn or_matching() {
    // The "$or" example from the comparison-operators page.
    let p = pattern(json!({"detail": {"$or": [
        {"c-count": [{"numeric": [">", 0, "<=", 5]}]},
        {"d-count": [{"numeric": ["<", 10]}]},
        {"x-limit": [{"numeric": ["=", 3.018e2]}]}
    ]}}));
    assert!(p.matches(&with_detail(json!({"c-count": 3}))));
    assert!(p.matches(&with_detail(json!({"d-count": 3}))));
    assert!(p.matches(&with_detail(json!({"x-limit": 301.8}))));
    assert!(!p.matches(&with_detail(json!({"c-count": 30, "d-count": 30}))));
    // Fields next to `$or` must match as well.
    let p = pattern(
        json!({"source": ["aws.ec2"], "$or": [{"detail": {"state": ["pending"]}}, {"region": ["eu-west-1"]}]}),
    );
    assert!(p.matches(&ec2_state_change()));
    let mut other = ec2_state_change();
    other["detail"]["state"] = json!("running");
    assert!(!p.matches(&other));
    other["region"] = json!("eu-west-1");
    assert!(p.matches(&other));
}

#[test]
fn cloudtrail_api_call_rule() {
    // A typical rule on CloudTrail events delivered to EventBridge.
    let p = pattern(json!({
      "source": ["aws.cloudtrail"],
      "detail-type": ["AWS API Call via CloudTrail"],
      "detail": {"eventSource": ["cloudtrail.amazonaws.com"], "eventName": ["StopLogging", "DeleteTrail", "UpdateTrail"]}
    }));
    let event = json!({"source": "aws.cloudtrail", "detail-type": "AWS API Call via CloudTrail",
        "detail": {"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"}});
    assert!(p.matches(&event));
    let mut start = event.clone();
    start["detail"]["eventName"] = json!("StartLogging");
    assert!(!p.matches(&start));
}

#[test]
fn errors_say_where_and_why() {
    let error = |text: &str| {
        EventPattern::parse(text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    insta::assert_snapshot!(error(r#"{"source": "aws.ec2"}"#), @r#"event pattern at source: match values must be in an array (e.g. ["value"]) or a nested object"#);
    insta::assert_snapshot!(error(r#"{"detail": {"state": []}}"#), @"event pattern at detail.state: the array of match values must not be empty");
    insta::assert_snapshot!(error(r#"{"detail": {"n": [{"numeric": [">", "x"]}]}}"#), @"event pattern at detail.n[0].numeric[1]: a number");
    insta::assert_snapshot!(error(r#"{"detail": {"n": [{"numeric": ["~", 1]}]}}"#), @r#"event pattern at detail.n[0].numeric[0]: unknown numeric operator "~""#);
    insta::assert_snapshot!(error(r#"{"a": [{"contains": "x"}]}"#), @r#"event pattern at a[0]: unknown filter "contains""#);
    insta::assert_snapshot!(error(r#"{"a": [{"cidr": "10.0.0.0/33"}]}"#), @r#"event pattern at a[0].cidr: "10.0.0.0/33" is not a CIDR block such as 10.0.0.0/24"#);
    insta::assert_snapshot!(error(r#"{"a": [{"wildcard": "a**b"}]}"#), @"event pattern at a[0].wildcard: a wildcard without consecutive `*` characters");
    insta::assert_snapshot!(error(r#"{"a": [{"prefix": 1}]}"#), @r#"event pattern at a[0].prefix: prefix needs a string or {"equals-ignore-case": string}"#);
    insta::assert_snapshot!(error(r#"{"a": [{"anything-but": ["x", 1]}]}"#), @"event pattern at a[0].anything-but: a list of only strings or only numbers");
    insta::assert_snapshot!(error(r#"{"$or": [{"a": ["x"]}, 3]}"#), @"event pattern at $or[1]: each `$or` alternative must be an object");
    insta::assert_snapshot!(error("[1]"), @"event pattern: must be a JSON object");
    insta::assert_snapshot!(error("{}"), @"event pattern: must name at least one field");
    insta::assert_snapshot!(error("{"), @"event pattern: not valid JSON: EOF while parsing an object at line 1 column 1");
}
