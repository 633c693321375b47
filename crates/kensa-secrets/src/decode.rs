//! EC2 user data as AWS returns it: base64 (`DescribeInstanceAttribute`,
//! `DescribeLaunchTemplateVersions`), possibly gzip-compressed (cloud-init
//! accepts that), possibly a MIME multi-part archive whose parts may be
//! base64 and gzip again. Decoding turns it into the texts to scan.

use std::io::Read;

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use flate2::read::GzDecoder;

/// More than this after decompression is not scanned: user data is at most
/// 16 KiB, so only a decompression bomb gets here.
pub const MAX_DECOMPRESSED: usize = 4 * 1024 * 1024;

/// Archives inside archives deeper than this are scanned as they are.
const MAX_DEPTH: usize = 4;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Base64 as AWS and MIME write it, forgiving about padding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// One text to scan, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPart {
    /// `UserData`, `UserData (gzip)`, `UserData, MIME part 2 (text/x-shellscript)`.
    pub label: String,
    pub text: String,
}

/// The texts in a piece of user data, and what could not be decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    pub parts: Vec<TextPart>,
    /// What kensa could not decode. The undecoded bytes are still scanned
    /// as text, but a key in them may have been missed.
    pub problems: Vec<String>,
}

/// Decodes user data as AWS returns it (base64).
pub fn decode_user_data(encoded: &str) -> Decoded {
    let compact: String = encoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    match BASE64.decode(compact.as_bytes()) {
        Ok(bytes) => expand_user_data(&bytes),
        Err(error) => Decoded {
            parts: vec![TextPart {
                label: "UserData".to_owned(),
                text: encoded.to_owned(),
            }],
            problems: vec![format!(
                "UserData is not valid base64 ({error}); scanned as it is"
            )],
        },
    }
}

/// Decodes user data already out of base64: gzip and MIME multi-part.
pub fn expand_user_data(bytes: &[u8]) -> Decoded {
    let mut decoded = Decoded::default();
    expand(bytes, "UserData".to_owned(), 0, &mut decoded);
    decoded
}

fn expand(bytes: &[u8], label: String, depth: usize, out: &mut Decoded) {
    let too_deep = depth >= MAX_DEPTH;
    if bytes.starts_with(&GZIP_MAGIC) {
        if too_deep {
            out.problems.push(format!(
                "{label}: archives nested more than {MAX_DEPTH} deep; scanned as it is"
            ));
        } else {
            match gunzip(bytes) {
                Ok((data, complete)) => {
                    if !complete {
                        out.problems.push(format!(
                            "{label}: more than {} MiB after decompression; only the first {} MiB were scanned",
                            MAX_DECOMPRESSED / (1024 * 1024),
                            MAX_DECOMPRESSED / (1024 * 1024),
                        ));
                    }
                    expand(&data, format!("{label} (gzip)"), depth + 1, out);
                    return;
                }
                Err(error) => out.problems.push(format!(
                    "{label}: gzip data could not be decompressed ({error}); scanned as it is"
                )),
            }
        }
    }
    let text = String::from_utf8_lossy(bytes);
    if let Some(archive) = multipart(&text) {
        if too_deep {
            out.problems.push(format!(
                "{label}: archives nested more than {MAX_DEPTH} deep; scanned as it is"
            ));
        } else {
            expand_multipart(&archive, &label, depth, out);
            return;
        }
    }
    out.parts.push(TextPart {
        label,
        text: text.into_owned(),
    });
}

/// Decompresses at most [`MAX_DECOMPRESSED`] bytes; `false` when there was more.
fn gunzip(bytes: &[u8]) -> std::io::Result<(Vec<u8>, bool)> {
    let mut data = Vec::new();
    GzDecoder::new(bytes)
        .take(MAX_DECOMPRESSED as u64 + 1)
        .read_to_end(&mut data)?;
    let complete = data.len() <= MAX_DECOMPRESSED;
    data.truncate(MAX_DECOMPRESSED);
    Ok((data, complete))
}

fn expand_multipart(archive: &Multipart<'_>, label: &str, depth: usize, out: &mut Decoded) {
    if !archive.outside.trim().is_empty() {
        out.parts.push(TextPart {
            label: format!("{label}, outside the MIME parts"),
            text: archive.outside.clone(),
        });
    }
    for (index, part) in archive.parts.iter().enumerate() {
        let (headers, body) = headers_and_body(part);
        let content_type = header(&headers, "content-type").unwrap_or("text/plain");
        let media_type = content_type
            .split(';')
            .next()
            .unwrap_or(content_type)
            .trim();
        let filename = header(&headers, "content-disposition")
            .and_then(|d| parameter(d, "filename"))
            .or_else(|| parameter(content_type, "name"));
        let part_label = match filename {
            Some(file) => format!("{label}, MIME part {} ({media_type}, {file})", index + 1),
            None => format!("{label}, MIME part {} ({media_type})", index + 1),
        };
        let encoding = header(&headers, "content-transfer-encoding")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => {
                let compact: Vec<u8> = body.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
                match BASE64.decode(&compact) {
                    Ok(bytes) => bytes,
                    Err(error) => {
                        out.problems.push(format!(
                            "{part_label}: not valid base64 ({error}); scanned as it is"
                        ));
                        body.as_bytes().to_vec()
                    }
                }
            }
            "quoted-printable" => quoted_printable(body),
            _ => body.as_bytes().to_vec(),
        };
        expand(&bytes, part_label, depth + 1, out);
    }
}

/// A MIME multi-part document split at its boundary.
#[derive(Debug)]
struct Multipart<'t> {
    /// Each part, its headers included.
    parts: Vec<&'t str>,
    /// The preamble and the epilogue, which MIME readers ignore; a key
    /// there is still a key kept as text.
    outside: String,
}

/// The parts of `text` when it is a MIME multi-part document.
fn multipart(text: &str) -> Option<Multipart<'_>> {
    let (headers, body) = headers_and_body(text);
    let content_type = header(&headers, "content-type")?;
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/")
    {
        return None;
    }
    let boundary = parameter(content_type, "boundary")?;
    let delimiter = format!("--{boundary}");
    let closing = format!("--{boundary}--");
    let mut parts = Vec::new();
    let mut outside = String::new();
    let mut part_start: Option<usize> = None;
    let mut offset = 0;
    let mut closed = false;
    for line in body.split_inclusive('\n') {
        let bare = line.trim_end();
        let line_start = offset;
        offset += line.len();
        if closed {
            outside.push_str(line);
            continue;
        }
        if bare == delimiter || bare == closing {
            if let Some(start) = part_start.take() {
                parts.push(&body[start..line_start]);
            }
            if bare == closing {
                closed = true;
            } else {
                part_start = Some(offset);
            }
        } else if part_start.is_none() {
            outside.push_str(line);
        }
    }
    // A last part without a closing delimiter still counts.
    if let Some(start) = part_start {
        parts.push(&body[start..]);
    }
    Some(Multipart { parts, outside })
}

/// Header lines up to the first empty line, lower-cased names, folded
/// lines joined; no headers when the text does not start with one.
fn headers_and_body(text: &str) -> (Vec<(String, String)>, &str) {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        offset += line.len();
        if bare.is_empty() {
            return (headers, &text[offset..]);
        }
        if bare.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(bare.trim());
                continue;
            }
            return (Vec::new(), text);
        }
        match bare.split_once(':') {
            Some((name, value))
                if !name.is_empty()
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
            }
            _ => return (Vec::new(), text),
        }
    }
    // Headers only, no body.
    (headers, "")
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A `; key=value` or `; key="value"` parameter of a header value.
fn parameter(value: &str, key: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|piece| {
        let (k, v) = piece.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|v| !v.is_empty())
    })
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Quoted-printable (RFC 2045): `=XX` bytes and `=` soft line breaks.
fn quoted_printable(body: &str) -> Vec<u8> {
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'=' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"\r\n") {
            i += 3;
        } else if rest.starts_with(b"\n") {
            i += 2;
        } else if let (Some(hi), Some(lo)) = (
            rest.first().copied().and_then(hex_value),
            rest.get(1).copied().and_then(hex_value),
        ) {
            out.push(hi * 16 + lo);
            i += 3;
        } else {
            out.push(b'=');
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).expect("write to memory");
        encoder.finish().expect("finish in memory")
    }

    fn b64(data: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(data)
    }

    fn labels_and_texts(decoded: &Decoded) -> Vec<(&str, &str)> {
        decoded
            .parts
            .iter()
            .map(|p| (p.label.as_str(), p.text.as_str()))
            .collect()
    }

    #[test]
    fn plain_base64() {
        let decoded = decode_user_data(&b64(b"#!/bin/bash\necho hi\n"));
        assert_eq!(
            labels_and_texts(&decoded),
            vec![("UserData", "#!/bin/bash\necho hi\n")]
        );
        assert!(decoded.problems.is_empty());
    }

    #[test]
    fn gzip_inside_base64() {
        let decoded = decode_user_data(&b64(&gzip(b"#cloud-config\n")));
        assert_eq!(
            labels_and_texts(&decoded),
            vec![("UserData (gzip)", "#cloud-config\n")]
        );
    }

    #[test]
    fn mime_multipart_with_base64_and_gzip_parts() {
        let script = "#!/bin/sh\nexport A=1\n";
        let config = "#cloud-config\nruncmd: [ls]\n";
        let archive = format!(
            "Content-Type: multipart/mixed; boundary=\"===BOUNDARY==\"\r\n\
             MIME-Version: 1.0\r\n\r\n\
             --===BOUNDARY==\r\n\
             Content-Type: text/cloud-config; charset=\"us-ascii\"\r\n\
             Content-Transfer-Encoding: base64\r\n\
             Content-Disposition: attachment; filename=\"config.txt\"\r\n\r\n\
             {}\r\n\
             --===BOUNDARY==\r\n\
             Content-Type: text/x-shellscript\r\n\r\n\
             {script}\
             --===BOUNDARY==\r\n\
             Content-Type: application/x-gzip\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n\
             {}\r\n\
             --===BOUNDARY==--\r\n",
            b64(config.as_bytes()),
            b64(&gzip(b"secret stuff\n")),
        );
        let decoded = decode_user_data(&b64(archive.as_bytes()));
        assert_eq!(
            labels_and_texts(&decoded),
            vec![
                (
                    "UserData, MIME part 1 (text/cloud-config, config.txt)",
                    config
                ),
                ("UserData, MIME part 2 (text/x-shellscript)", script),
                (
                    "UserData, MIME part 3 (application/x-gzip) (gzip)",
                    "secret stuff\n"
                ),
            ]
        );
        assert!(decoded.problems.is_empty(), "{:?}", decoded.problems);
    }

    #[test]
    fn quoted_printable_parts_are_decoded() {
        let archive = "Content-Type: multipart/mixed; boundary=XX\n\n--XX\n\
                       Content-Transfer-Encoding: quoted-printable\n\n\
                       key=3Dva=\nlue\n--XX--\n";
        let decoded = expand_user_data(archive.as_bytes());
        assert_eq!(
            labels_and_texts(&decoded),
            vec![("UserData, MIME part 1 (text/plain)", "key=value\n")]
        );
    }

    #[test]
    fn what_cannot_be_decoded_is_scanned_as_it_is_and_reported() {
        let decoded = decode_user_data("not base64 at all!");
        assert_eq!(
            labels_and_texts(&decoded),
            vec![("UserData", "not base64 at all!")]
        );
        assert_eq!(decoded.problems.len(), 1);

        let mut broken = gzip(b"hello");
        broken.truncate(12);
        let decoded = expand_user_data(&broken);
        assert_eq!(decoded.parts.len(), 1);
        assert!(decoded.problems[0].contains("could not be decompressed"));
    }

    #[test]
    fn decompression_is_bounded() {
        let big = vec![b'a'; MAX_DECOMPRESSED + 10];
        let decoded = expand_user_data(&gzip(&big));
        assert_eq!(decoded.parts[0].text.len(), MAX_DECOMPRESSED);
        assert!(decoded.problems[0].contains("only the first"));
    }
}
