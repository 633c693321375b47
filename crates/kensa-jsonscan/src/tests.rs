use proptest::prelude::*;

use super::*;

const KEYS: &[&str] = &["eventName", "errorCode", "key\\", "Name"];

fn keys() -> Vec<&'static str> {
    // `key\` cannot be spotted; the others can.
    vec!["eventName", "errorCode", "Name"]
}

/// Key sets that take each path of the scanner: several lengths (spans
/// tested per candidate), one length (the block loop's own span test, as
/// for the ALM rules' `eventName` and `errorCode`), a key longer than the
/// two words `verify` compares, and none (cutting only).
fn key_sets() -> Vec<Vec<&'static str>> {
    vec![
        keys(),
        vec!["eventName", "errorCode"],
        vec!["requestParametersName", "Name"],
        vec![],
    ]
}

/// Every instruction set gives the reference's answer, for every key set.
fn check(data: &[u8]) -> Option<ObjectEnd> {
    let mut answer = None;
    for keys in key_sets() {
        answer = check_keys(&keys, data);
    }
    answer
}

fn check_keys(keys: &[&str], data: &[u8]) -> Option<ObjectEnd> {
    let mut want_hits = Vec::new();
    let want = reference_object_end(keys, data, &mut want_hits);
    for isa in Isa::available() {
        let scanner = ObjectScanner::with_isa(keys, isa).unwrap();
        let mut hits = Vec::new();
        let got = scanner.object_end(data, &mut hits);
        assert_eq!(
            got,
            want,
            "{isa:?} with {keys:?} on {:?}",
            String::from_utf8_lossy(data)
        );
        if want.is_some() {
            assert_eq!(
                hits,
                want_hits,
                "{isa:?} with {keys:?} on {:?}",
                String::from_utf8_lossy(data)
            );
        }
    }
    want
}

#[test]
fn finds_the_end_of_a_cloudtrail_record_and_its_keys() {
    let record = br#"{"eventVersion":"1.08","eventName":"StopLogging","requestParameters":{"name":"a}b","list":[1,{"x":"]"}]},"errorCode":"AccessDenied"},{"eventName":"next"}"#;
    let end = check(record).unwrap();
    // The brackets and braces inside strings do not count.
    let first = br#"{"eventVersion":"1.08","eventName":"StopLogging","requestParameters":{"name":"a}b","list":[1,{"x":"]"}]},"errorCode":"AccessDenied"}"#;
    assert_eq!(end.end, first.len());
    assert!(!end.unicode_escape);
    let scanner = ObjectScanner::new(&keys()).unwrap();
    let mut hits = Vec::new();
    scanner.object_end(record, &mut hits).unwrap();
    let found: Vec<(&str, &[u8])> = hits
        .iter()
        .map(|h| (keys()[h.key], &record[h.after..h.after + 3]))
        .collect();
    assert_eq!(
        found,
        vec![("eventName", &b":\"S"[..]), ("errorCode", &b":\"A"[..]),]
    );
}

#[test]
fn escapes_hide_quotes_and_brackets_and_unicode_escapes_are_flagged() {
    // An escaped quote does not end the string; the `}` after it is text.
    let end = check(br#"{"a":"x\"}","b":"\\"}tail"#).unwrap();
    assert_eq!(end.end, br#"{"a":"x\"}","b":"\\"}"#.len());
    assert!(!end.unicode_escape);
    let end = check(br#"{"event\u004eame":"x"}"#).unwrap();
    assert!(end.unicode_escape);
    // `\\u` is an escaped backslash followed by a plain `u`.
    assert!(!check(br#"{"a":"\\u"}"#).unwrap().unicode_escape);
}

#[test]
fn values_spanning_blocks_and_long_backslash_runs() {
    let mut record = String::from(r#"{"eventName":"#);
    record.push('"');
    record.push_str(&"\\\\".repeat(40));
    record.push_str(r#"\"}""#);
    record.push_str(&",\"errorCode\":\"x\"".repeat(9));
    record.push_str("}]");
    let end = check(record.as_bytes()).unwrap();
    assert_eq!(end.end, record.len() - 1);
}

#[test]
fn a_key_whose_opening_quote_is_escaped_is_not_a_key() {
    // Found by the fuzzer: `\"Name"` ends like `"Name"`, and another key's
    // length put an unescaped quote where only that key's opening quote counts.
    assert!(check(br#"{"x":"\"Name","eventName":1, "errorCode":2}"#).is_some());
    check(include_bytes!(
        "../testdata/fuzz-crash-escaped-opening-quote.bin"
    ));
    let scanner = ObjectScanner::new(&["Name"]).unwrap();
    let mut hits = Vec::new();
    scanner.object_end(br#"{"a":"\"Name"}"#, &mut hits).unwrap();
    assert_eq!(hits, []);
}

#[test]
fn no_end_is_none() {
    assert_eq!(check(br#"{"a":"}"#), None);
    assert_eq!(check(b"\"not an object\""), None);
    assert_eq!(check(b""), None);
}

#[test]
fn keys_it_cannot_spot_are_refused() {
    assert!(matches!(ObjectScanner::new(KEYS), Err(KeyError::Unsupported(k)) if k == "key\\"));
    assert!(matches!(
        ObjectScanner::new(&["abc"]),
        Err(KeyError::Unsupported(_))
    ));
    assert_eq!(
        ObjectScanner::new(&["Abcd", "Bbcd", "Cbcd", "Dbcd", "Ebcd"]).unwrap_err(),
        KeyError::TooManyAnchors
    );
    assert_eq!(
        ObjectScanner::new(&["Nabc", "xNabc", "xxNabc", "xxxNabc", "xxxxNabc"]).unwrap_err(),
        KeyError::TooManyLengths
    );
    assert!(matches!(
        ObjectScanner::new(&["k".repeat(63).as_str()]),
        Err(KeyError::Unsupported(_))
    ));
}

/// Bytes drawn mostly from JSON's structural characters, so that strings,
/// escapes and nesting all occur, with the keys' spellings mixed in.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"\\u".to_vec()),
        Just(b"u".to_vec()),
        Just(b":".to_vec()),
        Just(b",".to_vec()),
        Just(b"\"eventName\"".to_vec()),
        Just(b"\"errorCode\":".to_vec()),
        Just(b"Name\"".to_vec()),
        Just(b"\"requestParametersName\"".to_vec()),
        // Near misses: the same length and last eight bytes, another
        // first word (or middle, for the long key).
        Just(b"\"requestParametarsName\"".to_vec()),
        Just(b"\"xventName\"".to_vec()),
        Just(b"N".to_vec()),
        Just(b"C".to_vec()),
        Just(b"e".to_vec()),
        prop::collection::vec(any::<u8>(), 0..70),
        Just(vec![b'x'; 61]),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| {
        let mut data = vec![b'{'];
        for p in pieces {
            data.extend(p);
        }
        data
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_isa_agrees_with_the_reference(data in jsonish()) {
        check(&data);
    }

    /// On valid JSON, the end is where serde_json's value ends.
    #[test]
    fn the_end_of_valid_json_is_the_values_end(
        names in prop::collection::vec("[a-zA-Z\\\\\"{}\\[\\]]{0,12}", 1..8),
        depth in 0usize..4,
    ) {
        let mut value = String::from("{");
        for (i, name) in names.iter().enumerate() {
            if i > 0 { value.push(','); }
            let text = name.replace('\\', "\\\\").replace('"', "\\\"");
            value.push_str(&format!("\"{text}\":\"{text}\""));
        }
        value.push('}');
        for _ in 0..depth {
            value = format!("{{\"eventName\":[{value},\"]\"]}}");
        }
        let end = check(format!("{value}, {{}}").as_bytes()).unwrap();
        prop_assert_eq!(end.end, value.len());
    }
}
