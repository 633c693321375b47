//! Finding access key IDs and secret access keys in text, naming where
//! they are, and pairing each secret with the key ID it most likely
//! belongs to.
//!
//! What counts as a key:
//! - an access key ID is `AKIA` (long-term, an IAM user's) or `ASIA`
//!   (temporary, from STS) followed by 16 upper-case letters or digits, as
//!   a whole word. AWS documents access key IDs as 20 alphanumeric
//!   characters with these prefixes (IAM's "unique ID prefixes" table and
//!   its examples such as `AKIAIOSFODNN7EXAMPLE`); the keys AWS issues use
//!   only `A-Z` and `2-7` (base32), but AWS does not document that, so the
//!   scanner accepts every digit rather than miss a key over an
//!   undocumented detail. Lower-case letters are not accepted: AWS never
//!   issues them, and accepting them would flag words.
//! - a secret access key is 40 characters of `A-Z a-z 0-9 + /` (AWS's
//!   example is `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`), as a whole
//!   word, with both upper- and lower-case letters (which leaves out
//!   40-digit hex digests such as Git commit IDs), and only where the text
//!   says it is one: written under a secret-like name (`aws_secret_access_key`,
//!   `SecretAccessKey`, `SECRET`...) or near an access key ID. Forty random
//!   characters alone are too common (tokens, hashes) to report.

use crate::redact::{redact_key_id, redact_secret};
use std::fmt;

/// A secret closer than this many lines to an access key ID in the same
/// text is taken to be that key's secret, whatever it is called.
pub const NEAR_LINES: usize = 5;

/// Length of an access key ID, prefix included.
const KEY_ID_LEN: usize = 20;
/// Length of a secret access key.
const SECRET_LEN: usize = 40;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    AccessKeyId,
    SecretAccessKey,
}

/// An access key ID in full.
///
/// The full text stays in memory, so that the collector can tell whose key
/// it is; `Debug` and `Display` show it redacted, and it deliberately has
/// no `Serialize`, so that it cannot end up in a snapshot by accident.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(String);

impl KeyId {
    /// The full ID, for comparing with the IAM users' keys. Never print it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `AKIA************WXYZ`.
    pub fn redacted(&self) -> String {
        redact_key_id(&self.0)
    }

    /// `ASIA...`: temporary credentials from STS, not an IAM user's key.
    pub fn is_temporary(&self) -> bool {
        self.0.starts_with("ASIA")
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.redacted())
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// One piece of a resource to scan: a variable, a parameter, a block of
/// user data.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    /// Where it is in the resource (`Environment.Variables`, `UserData`).
    pub location: &'a str,
    /// Its name, when the resource names it (a variable's or a parameter's).
    pub name: Option<&'a str>,
    pub text: &'a str,
}

/// A key found in a field. It holds no secret: the value is redacted, and
/// the key ID (kept whole in memory, see [`KeyId`]) prints redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    pub kind: Kind,
    /// The field's location, as the caller gave it.
    pub location: String,
    /// The field's name, as the caller gave it.
    pub field: Option<String>,
    /// The name the value is written under inside the text
    /// (`aws_secret_access_key = ...`), when there is one and it is not
    /// the field's own name.
    pub name: Option<String>,
    /// 1-based line in the field's text; `None` when the text is one line.
    pub line: Option<usize>,
    /// The value, redacted ([`redact_key_id`], [`redact_secret`]).
    pub redacted: String,
    /// For a key ID, itself; for a secret, the key ID nearest to it, if any.
    pub key_id: Option<KeyId>,
}

/// Scans one text (user data, a document) as a field of its own.
pub fn scan_text(location: &str, text: &str) -> Vec<Sighting> {
    scan_fields(&[Field {
        location,
        name: None,
        text,
    }])
}

/// Scans the fields of one resource together: a secret in one field pairs
/// with a key ID in another (`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`
/// as two environment variables), so a resource is scanned in one call.
pub fn scan_fields(fields: &[Field<'_>]) -> Vec<Sighting> {
    let mut key_ids = Vec::new();
    let mut secrets = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let lines: Vec<&str> = field.text.lines().collect();
        for (line_index, line) in lines.iter().enumerate() {
            for (start, value) in key_ids_in(line) {
                key_ids.push(Candidate {
                    field: index,
                    line: line_index,
                    value,
                    name: name_of(&lines, line_index, start),
                });
            }
            for (start, value) in secret_shapes_in(line) {
                secrets.push(Candidate {
                    field: index,
                    line: line_index,
                    value,
                    name: name_of(&lines, line_index, start),
                });
            }
        }
    }

    let mut sightings = Vec::new();
    for candidate in &key_ids {
        let key_id = KeyId(candidate.value.to_owned());
        sightings.push(candidate.sighting(
            fields,
            Kind::AccessKeyId,
            key_id.redacted(),
            Some(key_id),
        ));
    }
    for candidate in &secrets {
        let field = &fields[candidate.field];
        let named = candidate.name.as_deref().is_some_and(is_secret_like)
            || field.name.is_some_and(is_secret_like);
        let same_field = key_ids
            .iter()
            .filter(|k| k.field == candidate.field)
            .min_by_key(|k| (k.line.abs_diff(candidate.line), k.line > candidate.line));
        let other_field = key_ids
            .iter()
            .filter(|k| k.field != candidate.field)
            .min_by_key(|k| k.field.abs_diff(candidate.field));
        let near = same_field.is_some_and(|k| k.line.abs_diff(candidate.line) <= NEAR_LINES)
            || other_field.is_some();
        if !(named || near) {
            continue;
        }
        let key_id = same_field
            .or(other_field)
            .map(|k| KeyId(k.value.to_owned()));
        sightings.push(candidate.sighting(
            fields,
            Kind::SecretAccessKey,
            redact_secret(candidate.value),
            key_id,
        ));
    }
    sightings.sort_by(|a, b| {
        (&a.location, &a.field, a.line, a.kind).cmp(&(&b.location, &b.field, b.line, b.kind))
    });
    sightings
}

/// A key-shaped value before it is judged.
#[derive(Debug)]
struct Candidate<'t> {
    field: usize,
    /// 0-based.
    line: usize,
    value: &'t str,
    name: Option<String>,
}

impl Candidate<'_> {
    fn sighting(
        &self,
        fields: &[Field<'_>],
        kind: Kind,
        redacted: String,
        key_id: Option<KeyId>,
    ) -> Sighting {
        let field = &fields[self.field];
        let one_line = field.text.lines().nth(1).is_none();
        Sighting {
            kind,
            location: field.location.to_owned(),
            field: field.name.map(str::to_owned),
            name: self
                .name
                .clone()
                .filter(|name| Some(name.as_str()) != field.name),
            line: (!one_line).then_some(self.line + 1),
            redacted,
            key_id,
        }
    }
}

/// Access key IDs in `line`, with their byte offsets.
fn key_ids_in(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = line.as_bytes();
    (0..bytes.len().saturating_sub(KEY_ID_LEN - 1)).filter_map(move |start| {
        let end = start + KEY_ID_LEN;
        let candidate = &bytes[start..end];
        let prefix_ok = candidate.starts_with(b"AKIA") || candidate.starts_with(b"ASIA");
        let body_ok = candidate[4..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after_ok = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        // All ASCII, so `start..end` lies on character boundaries.
        (prefix_ok && body_ok && before_ok && after_ok).then(|| (start, &line[start..end]))
    })
}

fn is_secret_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Runs of exactly 40 secret characters in `line` with both letter cases,
/// not followed by base64 padding, with their byte offsets.
fn secret_shapes_in(line: &str) -> Vec<(usize, &str)> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        if !is_secret_char(bytes[start]) {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < bytes.len() && is_secret_char(bytes[end]) {
            end += 1;
        }
        let run = &bytes[start..end];
        if run.len() == SECRET_LEN
            && bytes.get(end) != Some(&b'=')
            && run.iter().any(u8::is_ascii_uppercase)
            && run.iter().any(u8::is_ascii_lowercase)
        {
            // All ASCII, so `start..end` lies on character boundaries.
            found.push((start, &line[start..end]));
        }
        start = end;
    }
    found
}

/// Whether a name says its value is a secret: `aws_secret_access_key`,
/// `SecretAccessKey`, `SECRET_KEY`, `secret`...
pub fn is_secret_like(name: &str) -> bool {
    let normalized: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    normalized.contains("secret")
}

/// The name the value starting at byte `start` of line `index` is written
/// under: `NAME=value`, `NAME: value`, `"NAME": "value"`, `<NAME>value`,
/// `command NAME value`. A generic `value` (`{"name": "X", "value": "..."}`,
/// Kubernetes-style lists) takes the name of its sibling `name`/`key`.
fn name_of(lines: &[&str], index: usize, start: usize) -> Option<String> {
    let line = lines[index];
    let own = name_before(&line[..start])?;
    if !is_generic_value_name(own) {
        return Some(own.to_owned());
    }
    // The sibling is on the same line before the value, or on one of the
    // two lines above it.
    let first = index.saturating_sub(2);
    let mut context: String = lines[first..index].join("\n");
    context.push('\n');
    context.push_str(&line[..start]);
    Some(sibling_name(&context).unwrap_or(own).to_owned())
}

fn is_generic_value_name(name: &str) -> bool {
    ["value", "parametervalue", "outputvalue"]
        .iter()
        .any(|v| name.eq_ignore_ascii_case(v))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Quotes and escapes around a name or a value.
fn strip_quotes(s: &str) -> &str {
    s.trim_end_matches(['"', '\'', '`', '\\']).trim_end()
}

/// The name-like word at the end of `s` (`--secret-key` gives `secret-key`).
fn last_name(s: &str) -> Option<&str> {
    let start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map(|(i, _)| i)?;
    let name = s[start..].trim_start_matches('-');
    (!name.is_empty()).then_some(name)
}

fn name_before(before: &str) -> Option<&str> {
    let trimmed = before.trim_end();
    let separated = trimmed.len() < before.len();
    let s = strip_quotes(trimmed);
    let quoted = s.len() < trimmed.len();
    if let Some(rest) = s.strip_suffix('>') {
        // <SecretAccessKey>value
        let open = rest.rfind('<')?;
        let tag = rest[open + 1..].split_whitespace().next()?;
        return last_name(tag).filter(|name| name.len() == tag.len());
    }
    for operator in [":=", "=>", "=", ":"] {
        if let Some(rest) = s.strip_suffix(operator) {
            return last_name(strip_quotes(rest.trim_end()));
        }
    }
    if separated || quoted {
        return last_name(s);
    }
    None
}

/// The value of the last `name`/`key` entry in `context`:
/// `"name": "AWS_SECRET_ACCESS_KEY"`, `- name: X`, `ParameterKey=X`.
fn sibling_name(context: &str) -> Option<&str> {
    const KEYS: [&str; 5] = ["name", "key", "parameterkey", "outputkey", "variable"];
    const SPACING: [char; 5] = ['"', '\'', '\\', ' ', '\t'];
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in context.char_indices() {
        if is_name_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            words.push((s, i));
        }
    }
    if let Some(s) = start {
        words.push((s, context.len()));
    }
    for &(s, e) in words.iter().rev() {
        let word = context[s..e].trim_start_matches('-');
        if !KEYS.iter().any(|k| word.eq_ignore_ascii_case(k)) {
            continue;
        }
        let after = context[e..].trim_start_matches(SPACING);
        let Some(rest) = after.strip_prefix([':', '=']) else {
            continue;
        };
        let value = rest.trim_start_matches(SPACING);
        let len = value.find(|c| !is_name_char(c)).unwrap_or(value.len());
        if len > 0 {
            return Some(&value[..len]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_ID: &str = "AKIAZ2XQ7TESTKEY4ID5";
    const SECRET: &str = "bX9sQeR2v+T/u7WmZk1NaY3pHc0LdJf8GgEiOoPq";

    /// Kind, line, name and redacted key ID of a sighting.
    type Summary = (Kind, Option<usize>, Option<String>, Option<String>);

    fn summary(sightings: &[Sighting]) -> Vec<Summary> {
        sightings
            .iter()
            .map(|s| {
                (
                    s.kind,
                    s.line,
                    s.name.clone(),
                    s.key_id.as_ref().map(KeyId::redacted),
                )
            })
            .collect()
    }

    fn pair(id_line: usize, secret_line: usize, id_name: &str, secret_name: &str) -> Vec<Summary> {
        let redacted = Some(redact_key_id(KEY_ID));
        let mut v = vec![
            (
                Kind::AccessKeyId,
                Some(id_line),
                Some(id_name.to_owned()),
                redacted.clone(),
            ),
            (
                Kind::SecretAccessKey,
                Some(secret_line),
                Some(secret_name.to_owned()),
                redacted,
            ),
        ];
        v.sort_by_key(|(k, l, _, _)| (*l, *k));
        v
    }

    #[test]
    fn credentials_file() {
        let text = format!(
            "[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\nregion = ap-northeast-1\n"
        );
        assert_eq!(
            summary(&scan_text("UserData", &text)),
            pair(2, 3, "aws_access_key_id", "aws_secret_access_key")
        );
    }

    #[test]
    fn shell_exports_and_cli() {
        let text = format!(
            "#!/bin/bash\nexport AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY=\"{SECRET}\"\n"
        );
        assert_eq!(
            summary(&scan_text("UserData", &text)),
            pair(2, 3, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        );
        let cli = format!(
            "aws configure set aws_access_key_id {KEY_ID}\n\naws configure set aws_secret_access_key {SECRET}\n"
        );
        assert_eq!(
            summary(&scan_text("UserData", &cli)),
            pair(1, 3, "aws_access_key_id", "aws_secret_access_key")
        );
    }

    #[test]
    fn json_on_one_line_and_xml() {
        let json = format!(r#"{{"AccessKeyId": "{KEY_ID}", "SecretAccessKey": "{SECRET}"}}"#);
        let found = scan_text("Value", &json);
        assert_eq!(
            summary(&found),
            vec![
                (
                    Kind::AccessKeyId,
                    None,
                    Some("AccessKeyId".into()),
                    Some(redact_key_id(KEY_ID))
                ),
                (
                    Kind::SecretAccessKey,
                    None,
                    Some("SecretAccessKey".into()),
                    Some(redact_key_id(KEY_ID))
                ),
            ]
        );
        let xml = format!(
            "<Credentials>\n<AccessKeyId>{KEY_ID}</AccessKeyId>\n<SecretAccessKey>{SECRET}</SecretAccessKey>\n</Credentials>"
        );
        assert_eq!(
            summary(&scan_text("Value", &xml)),
            pair(2, 3, "AccessKeyId", "SecretAccessKey")
        );
    }

    #[test]
    fn yaml_and_name_value_lists() {
        let yaml = format!("credentials:\n  access_key: {KEY_ID}\n  secret_key: '{SECRET}'\n");
        assert_eq!(
            summary(&scan_text("Value", &yaml)),
            pair(2, 3, "access_key", "secret_key")
        );
        // Far from the key ID, only the sibling `name` says it is a secret.
        let list = format!(
            "env:\n  - name: AWS_SECRET_ACCESS_KEY\n    value: {SECRET}\n{}",
            "# filler\n".repeat(10)
        );
        let found = scan_text("Value", &list);
        assert_eq!(
            summary(&found),
            vec![(
                Kind::SecretAccessKey,
                Some(3),
                Some("AWS_SECRET_ACCESS_KEY".into()),
                None
            )]
        );
        let inline = format!(r#"[{{"name": "AWS_SECRET_ACCESS_KEY", "value": "{SECRET}"}}]"#);
        assert_eq!(
            summary(&scan_text("Value", &inline)),
            vec![(
                Kind::SecretAccessKey,
                None,
                Some("AWS_SECRET_ACCESS_KEY".into()),
                None
            )]
        );
    }

    #[test]
    fn a_secret_needs_a_secret_like_name_or_a_key_id_nearby() {
        // Forty random characters under an ordinary name, alone: not reported.
        let lonely = format!("token={SECRET}\n");
        assert!(scan_text("UserData", &lonely).is_empty());
        // The same near a key ID: reported and paired.
        let near = format!("id={KEY_ID}\ntoken={SECRET}\n");
        assert_eq!(
            summary(&scan_text("UserData", &near)),
            pair(1, 2, "id", "token")
        );
        // Too far from it: only the key ID.
        let far = format!("id={KEY_ID}\n{}token={SECRET}\n", "\n".repeat(NEAR_LINES));
        let found = scan_text("UserData", &far);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::AccessKeyId);
    }

    #[test]
    fn digests_and_longer_runs_are_not_secrets() {
        let sha = "3f786850e387550fdab836ed7e6dc881de23001b";
        assert_eq!(sha.len(), 40);
        let text = format!(
            "secret={sha}\nsecret={SECRET}A\nsecret={SECRET}=\nAKIA{}\nXAKIAZ2XQ7TESTKEY4ID5\n",
            "A".repeat(17)
        );
        assert!(
            scan_text("UserData", &text).is_empty(),
            "{:?}",
            scan_text("UserData", &text)
        );
        // A lower-case key-ID look-alike is no key ID.
        assert!(scan_text("UserData", "akiaz2xq7testkey4id5").is_empty());
    }

    #[test]
    fn fields_pair_across_variables() {
        let fields = [
            Field {
                location: "Environment.Variables",
                name: Some("MY_ID"),
                text: KEY_ID,
            },
            Field {
                location: "Environment.Variables",
                name: Some("MY_TOKEN"),
                text: SECRET,
            },
            Field {
                location: "Environment.Variables",
                name: Some("REGION"),
                text: "ap-northeast-1",
            },
        ];
        let found = scan_fields(&fields);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].field.as_deref(), Some("MY_ID"));
        assert_eq!(found[1].field.as_deref(), Some("MY_TOKEN"));
        assert_eq!(found[1].name, None);
        assert_eq!(found[1].line, None);
        assert_eq!(found[1].key_id.as_ref().map(KeyId::as_str), Some(KEY_ID));
        // A field named like a secret needs no key ID.
        let named = [Field {
            location: "Parameters",
            name: Some("SecretKey"),
            text: SECRET,
        }];
        assert_eq!(scan_fields(&named).len(), 1);
        // CloudFormation masks NoEcho parameters: nothing to find.
        let masked = [Field {
            location: "Parameters",
            name: Some("SecretKey"),
            text: "****",
        }];
        assert!(scan_fields(&masked).is_empty());
    }

    #[test]
    fn temporary_keys_are_found_and_told_apart() {
        let found = scan_text("UserData", "ASIAZ2XQ7TESTKEY4ID5");
        assert_eq!(found.len(), 1);
        assert!(found[0].key_id.as_ref().is_some_and(KeyId::is_temporary));
    }

    #[test]
    fn nothing_printable_holds_the_secret() {
        let text = format!("aws_access_key_id={KEY_ID}\naws_secret_access_key={SECRET}\n");
        let found = scan_text("UserData", &text);
        let printed = format!("{found:?}");
        assert!(!printed.contains(SECRET));
        assert!(!printed.contains(KEY_ID));
        assert!(!printed.contains(&SECRET[4..]));
    }
}
