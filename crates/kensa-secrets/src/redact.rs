//! Redaction: what of a key kensa may show.

/// Characters of an access key ID a report shows: the first four (the
/// prefix, `AKIA` or `ASIA`) and the last four, enough to find the key in
/// the IAM console.
pub const KEY_ID_SHOWN: usize = 8;

/// Characters of a secret access key a report shows: the first four, enough
/// to tell two secrets apart, never enough to use one.
pub const SECRET_SHOWN: usize = 4;

/// An access key ID with all but its first four and last four characters
/// hidden (`AKIA************MPLE`). Anything of eight characters or fewer is
/// hidden entirely.
pub fn redact_key_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= KEY_ID_SHOWN {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..KEY_ID_SHOWN / 2].iter().collect();
    let tail: String = chars[chars.len() - KEY_ID_SHOWN / 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - KEY_ID_SHOWN))
}

/// A secret with all but its first four characters hidden
/// (`wJal************************************`). Anything of twelve
/// characters or fewer is hidden entirely: four characters of a short
/// value would be too large a part of it.
pub fn redact_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= SECRET_SHOWN * 3 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..SECRET_SHOWN].iter().collect();
    format!("{head}{}", "*".repeat(chars.len() - SECRET_SHOWN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_keep_prefix_and_last_four() {
        assert_eq!(
            redact_key_id("AKIAIOSFODNN7EXAMPLE"),
            "AKIA************MPLE"
        );
        assert_eq!(redact_key_id("short"), "*****");
        assert_eq!(redact_key_id("12345678"), "********");
    }

    #[test]
    fn secrets_keep_only_their_first_four() {
        assert_eq!(
            redact_secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            format!("wJal{}", "*".repeat(36))
        );
        assert_eq!(redact_secret("123456789012"), "************");
        assert_eq!(redact_secret(""), "");
    }
}
