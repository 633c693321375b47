//! Laws of the scanner and of redaction, over generated text.

use kensa_secrets::{
    KEY_ID_SHOWN, Kind, SECRET_SHOWN, redact_key_id, redact_secret, scan_fields, scan_text,
};
use proptest::prelude::*;

/// An access key ID as AWS issues them: a prefix and 16 base32 characters.
fn key_id() -> impl Strategy<Value = String> {
    (prop_oneof![Just("AKIA"), Just("ASIA")], "[A-Z2-7]{16}")
        .prop_map(|(prefix, body)| format!("{prefix}{body}"))
}

/// A secret access key: 40 base64 characters with both letter cases.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9+/]{40}".prop_filter("both letter cases", |s| {
        s.chars().any(|c| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_ascii_lowercase())
    })
}

/// Lines of ordinary text around the keys.
fn filler() -> impl Strategy<Value = String> {
    prop::collection::vec("[ -~]{0,60}", 0..6).prop_map(|lines| {
        lines
            .into_iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    })
}

/// The ways people write a key pair down.
fn written_pair(id: &str, secret: &str, form: usize) -> String {
    match form {
        0 => format!("[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"),
        1 => format!("export AWS_ACCESS_KEY_ID={id}\nexport AWS_SECRET_ACCESS_KEY=\"{secret}\"\n"),
        2 => format!("{{\"AccessKeyId\": \"{id}\", \"SecretAccessKey\": \"{secret}\"}}\n"),
        3 => format!("aws:\n  access_key: {id}\n  secret_key: '{secret}'\n"),
        4 => format!(
            "<AccessKeyId>{id}</AccessKeyId>\n<SecretAccessKey>{secret}</SecretAccessKey>\n"
        ),
        5 => format!(
            "aws configure set aws_access_key_id {id}\naws configure set aws_secret_access_key {secret}\n"
        ),
        _ => format!(
            "- name: AWS_SECRET_ACCESS_KEY\n  value: {secret}\n- name: AWS_ACCESS_KEY_ID\n  value: {id}\n"
        ),
    }
}

proptest! {
    #[test]
    fn secret_redaction_shows_at_most_its_first_characters(s in "\\PC{0,80}") {
        let redacted = redact_secret(&s);
        let original: Vec<char> = s.chars().collect();
        let shown: Vec<char> = redacted.chars().collect();
        prop_assert_eq!(shown.len(), original.len());
        for (i, c) in shown.iter().enumerate() {
            prop_assert!(
                *c == '*' || (i < SECRET_SHOWN && *c == original[i]),
                "{:?} shows {:?} at {}", redacted, c, i
            );
        }
    }

    #[test]
    fn key_id_redaction_shows_at_most_eight_characters(s in "\\PC{0,40}") {
        let redacted = redact_key_id(&s);
        let original: Vec<char> = s.chars().collect();
        let shown: Vec<char> = redacted.chars().collect();
        prop_assert_eq!(shown.len(), original.len());
        let revealed = shown.iter().zip(&original).filter(|(a, b)| a == b && **a != '*').count();
        prop_assert!(revealed <= KEY_ID_SHOWN);
        for (i, c) in shown.iter().enumerate() {
            let edge = i < KEY_ID_SHOWN / 2 || i + KEY_ID_SHOWN / 2 >= original.len();
            prop_assert!(*c == '*' || (edge && *c == original[i]));
        }
    }

    #[test]
    fn a_key_id_anywhere_in_text_is_found_on_its_line(
        before in "[ -~\n]{0,200}",
        after in "[ -~\n]{0,200}",
        left in "[ =:\"'\n(,]",
        right in "[ =:\"'\n),;]",
        id in key_id(),
    ) {
        let text = format!("{before}{left}{id}{right}{after}");
        let line = text[..text.find(&id).expect("the ID is in the text")].matches('\n').count() + 1;
        let found = scan_text("UserData", &text);
        let multi_line = text.lines().nth(1).is_some();
        prop_assert!(
            found.iter().any(|s| s.kind == Kind::AccessKeyId
                && s.key_id.as_ref().map(|k| k.as_str()) == Some(id.as_str())
                && s.line == multi_line.then_some(line)),
            "{:?} not found on line {} of {:?}: {:?}", id, line, text, found
        );
    }

    #[test]
    fn a_written_pair_is_found_paired_and_never_shown(
        before in filler(),
        after in filler(),
        id in key_id(),
        secret in secret(),
        form in 0usize..7,
    ) {
        let text = format!("{before}{}{after}", written_pair(&id, &secret, form));
        let found = scan_text("UserData", &text);
        prop_assert!(
            found.iter().any(|s| s.kind == Kind::SecretAccessKey
                && s.key_id.as_ref().map(|k| k.as_str()) == Some(id.as_str())),
            "form {}: secret not paired in {:?}: {:?}", form, text, found
        );
        let printed = format!("{found:?}");
        prop_assert!(!printed.contains(&secret[SECRET_SHOWN..]));
        prop_assert!(!printed.contains(&id));
    }

    #[test]
    fn variables_pair_whatever_their_order(
        id in key_id(),
        secret in secret(),
        secret_first in any::<bool>(),
    ) {
        let id_field = kensa_secrets::Field { location: "Environment.Variables", name: Some("AWS_ACCESS_KEY_ID"), text: &id };
        let secret_field = kensa_secrets::Field { location: "Environment.Variables", name: Some("AWS_SECRET_ACCESS_KEY"), text: &secret };
        let fields = if secret_first { [secret_field, id_field] } else { [id_field, secret_field] };
        let found = scan_fields(&fields);
        prop_assert_eq!(found.len(), 2);
        prop_assert!(found.iter().all(|s| s.key_id.as_ref().map(|k| k.as_str()) == Some(id.as_str())));
    }
}
