//! Finds AWS access keys kept as text, and redacts them.
//!
//! Pure code, no network: [`scan_fields`] and [`scan_text`] find access
//! key IDs and secret access keys in text written as `key=value`, JSON,
//! YAML, XML, shell or INI; [`decode_user_data`] turns EC2 user data
//! (base64, gzip, MIME multi-part) into the texts to scan. What they
//! return holds no secret: values come back redacted, and a key ID that
//! is kept whole for matching ([`KeyId`]) prints redacted and cannot be
//! serialized.

mod decode;
mod redact;
mod scan;

pub use decode::{Decoded, MAX_DECOMPRESSED, TextPart, decode_user_data, expand_user_data};
pub use redact::{KEY_ID_SHOWN, SECRET_SHOWN, redact_key_id, redact_secret};
pub use scan::{Field, KeyId, Kind, NEAR_LINES, Sighting, is_secret_like, scan_fields, scan_text};
