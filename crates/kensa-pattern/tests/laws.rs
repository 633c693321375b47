//! Laws: printing then parsing gives the same tree; parsing and matching
//! never panic, whatever the input.

use kensa_pattern::{
    CompareOp, Comparison, DelimitedField, DelimitedPattern, Expr, FieldCondition, FilterPattern,
    JsonCondition, JsonTest, Literal, LogEvent, Number, Operand, Pattern, RegexValue, Selector,
    Step, StringPattern, Term, TermMatcher, TermPattern,
};
use proptest::prelude::*;

fn any_text() -> impl Strategy<Value = String> {
    // Printable text with the characters the syntax cares about.
    proptest::string::string_regex(r#"[a-zA-Z0-9 _.*"\\{}\[\]()&|=!<>%?,$\-:é]{0,12}"#)
        .expect("a valid generator regex")
}

fn regex_value() -> impl Strategy<Value = RegexValue> {
    prop_oneof![
        Just("AUTHORIZED"),
        Just(r"\d{1,3}\.\d+"),
        Just("^[hc]at$"),
        Just("[Ee]rror|[Ff]ail"),
        Just("a{3,5}")
    ]
    .prop_map(|s| RegexValue::new(s).expect("listed regexes are valid"))
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i32>().prop_map(|n| n.to_string()),
        (any::<i16>(), 0u16..1000).prop_map(|(i, f)| format!("{i}.{f}")),
        (1u8..100, -20i8..20).prop_map(|(m, e)| format!("{m}e{e}")),
        (0u16..1000).prop_map(|n| format!("+{n}")),
    ]
    .prop_map(|text| Number::parse(&text).expect("generated in NUMBER syntax"))
}

fn string_operand() -> impl Strategy<Value = Operand> {
    any_text().prop_map(|s| Operand::String(StringPattern::new(s)))
}

fn comparison(allow_regex: bool) -> impl Strategy<Value = Comparison> {
    let string_ops = prop_oneof![Just(CompareOp::Eq), Just(CompareOp::Ne)];
    let all_ops = prop_oneof![
        Just(CompareOp::Eq),
        Just(CompareOp::Ne),
        Just(CompareOp::Lt),
        Just(CompareOp::Le),
        Just(CompareOp::Gt),
        Just(CompareOp::Ge)
    ];
    let strings =
        (string_ops.clone(), string_operand()).prop_map(|(op, value)| Comparison { op, value });
    let numbers = (all_ops, number()).prop_map(|(op, n)| Comparison {
        op,
        value: Operand::Number(n),
    });
    let regexes = (string_ops, regex_value()).prop_map(|(op, r)| Comparison {
        op,
        value: Operand::Regex(r),
    });
    if allow_regex {
        prop_oneof![strings, numbers, regexes].boxed()
    } else {
        prop_oneof![strings, numbers].boxed()
    }
}

fn name() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9_-]{1,8}").expect("a valid generator regex")
}

fn selector() -> impl Strategy<Value = Selector> {
    (
        name(),
        proptest::collection::vec(
            prop_oneof![
                name().prop_map(Step::Key),
                (0usize..20).prop_map(Step::Index)
            ],
            0..4,
        ),
    )
        .prop_map(|(first, rest)| {
            let mut steps = vec![Step::Key(first)];
            steps.extend(rest);
            Selector { steps }
        })
}

fn json_condition() -> impl Strategy<Value = JsonCondition> {
    let test = prop_oneof![
        6 => comparison(false).prop_map(JsonTest::Compare),
        1 => Just(JsonTest::IsNull),
        1 => Just(JsonTest::NotExists),
        1 => Just(JsonTest::IsTrue),
        1 => Just(JsonTest::IsFalse),
    ];
    (selector(), test).prop_map(|(selector, test)| JsonCondition { selector, test })
}

fn expr<C: Clone + std::fmt::Debug + 'static>(
    leaf: impl Strategy<Value = C> + 'static,
) -> impl Strategy<Value = Expr<C>> {
    leaf.prop_map(Expr::Cond).prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 2..4).prop_map(Expr::all),
            proptest::collection::vec(inner, 2..4).prop_map(Expr::any),
        ]
    })
}

fn term() -> impl Strategy<Value = Term> {
    let matcher = prop_oneof![
        4 => any_text().prop_map(|s| TermMatcher::Literal(Literal::new(s))),
        1 => regex_value().prop_map(TermMatcher::Regex),
    ];
    (any::<bool>(), matcher).prop_map(|(excluded, matcher)| Term { excluded, matcher })
}

fn delimited_field() -> impl Strategy<Value = DelimitedField> {
    let condition = (name(), comparison(false))
        .prop_map(|(field, comparison)| FieldCondition { field, comparison });
    prop_oneof![
        1 => Just(DelimitedField::Ellipsis),
        2 => name().prop_map(|name| DelimitedField::Named { name, condition: None }),
        3 => expr(condition).prop_map(|c| {
            let name = c.conditions()[0].field.clone();
            DelimitedField::Named { name, condition: Some(c) }
        }),
    ]
}

fn pattern() -> impl Strategy<Value = Pattern> {
    prop_oneof![
        proptest::collection::vec(proptest::collection::vec(term(), 1..4), 0..4)
            .prop_map(|groups| Pattern::Terms(TermPattern { groups })),
        expr(json_condition()).prop_map(Pattern::Json),
        proptest::collection::vec(delimited_field(), 1..6)
            .prop_map(|fields| Pattern::Delimited(DelimitedPattern { fields })),
    ]
}

/// One JSON regex condition, to cover `%regex%` values in JSON patterns
/// without exceeding AWS's two-regex quota.
fn json_with_regex() -> impl Strategy<Value = Pattern> {
    (selector(), comparison(true), expr(json_condition())).prop_map(
        |(selector, comparison, rest)| {
            Pattern::Json(Expr::all(vec![
                Expr::Cond(JsonCondition {
                    selector,
                    test: JsonTest::Compare(comparison),
                }),
                rest,
            ]))
        },
    )
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((name(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn print_then_parse_is_identity(ast in prop_oneof![4 => pattern(), 1 => json_with_regex()]) {
        let pattern = FilterPattern::from_ast(ast);
        let text = pattern.to_string();
        let parsed = FilterPattern::parse(&text);
        prop_assert_eq!(parsed.as_ref(), Ok(&pattern), "printed as {}", text);
        // Printing is canonical: once printed, printing again is the same text.
        prop_assert_eq!(parsed.map(|p| p.to_string()).unwrap_or_default(), text);
    }

    #[test]
    fn parse_never_panics(text in "\\PC{0,64}") {
        let _ = FilterPattern::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_pattern_like_text(text in r#"[\[\]{}()$.a-c0-9 =!<>&|"%*?,\-]{0,48}"#) {
        if let Ok(p) = FilterPattern::parse(&text) {
            // Whatever parses also prints to text that parses to the same tree.
            prop_assert_eq!(FilterPattern::parse(&p.to_string()), Ok(p));
        }
    }

    #[test]
    fn matching_never_panics(ast in pattern(), message in "\\PC{0,64}", json in json_value()) {
        let pattern = FilterPattern::from_ast(ast);
        let _ = pattern.matches(&LogEvent::new(&message));
        let _ = pattern.matches(&LogEvent::with_json(&message, &json));
        let _ = pattern.matches_message(&json.to_string());
    }

    #[test]
    fn excluding_a_term_negates_it(text in "[a-z]{1,4}", message in "[a-z ]{0,16}") {
        let include = FilterPattern::parse(&text).unwrap();
        let exclude = FilterPattern::parse(&format!("-{text}")).unwrap();
        let event = LogEvent::new(&message);
        prop_assert_eq!(include.matches(&event), !exclude.matches(&event));
        prop_assert_eq!(include.matches(&event), message.contains(&text));
    }

    #[test]
    fn and_or_follow_boolean_logic(a in "[a-c]", b in "[a-c]", c in "[a-c]", value in "[a-c]") {
        let event = serde_json::json!({"x": value});
        let message = event.to_string();
        let e = LogEvent::with_json(&message, &event);
        let holds = |v: &str| value == v;
        let p = FilterPattern::parse(&format!("{{ $.x = {a} || $.x = {b} && $.x = {c} }}")).unwrap();
        prop_assert_eq!(p.matches(&e), holds(&a) || (holds(&b) && holds(&c)));
        let p = FilterPattern::parse(&format!("{{ ($.x = {a} || $.x = {b}) && $.x = {c} }}")).unwrap();
        prop_assert_eq!(p.matches(&e), (holds(&a) || holds(&b)) && holds(&c));
    }
}
