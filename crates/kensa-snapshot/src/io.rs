use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{SCHEMA_VERSION, Snapshot};

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a kensa snapshot: {message}")]
    Malformed { path: PathBuf, message: String },
    #[error(
        "{path}: snapshot schema version {found} is newer than this kensa reads ({supported}); \
         upgrade kensa to read it"
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error(
        "{path}: snapshot schema version {found} is not supported (this kensa reads {supported})"
    )]
    Unsupported {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
}

fn is_zstd(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "zst")
}

/// Reads a snapshot; `.zst` files are decompressed.
pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
    let io = |source| SnapshotError::Io {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    if is_zstd(path) {
        let decoder = zstd::Decoder::new(file).map_err(io)?;
        load_from_reader(path, decoder)
    } else {
        load_from_reader(path, BufReader::new(file))
    }
}

/// Reads a snapshot from any reader; `path` only names it in errors.
pub fn load_from_reader(path: &Path, mut reader: impl Read) -> Result<Snapshot, SnapshotError> {
    let mut text = Vec::new();
    reader
        .read_to_end(&mut text)
        .map_err(|source| SnapshotError::Io {
            path: path.to_owned(),
            source,
        })?;
    let malformed = |message: String| SnapshotError::Malformed {
        path: path.to_owned(),
        message,
    };

    // Look at the version before the body: a newer snapshot must be refused
    // for its version, not for whatever field this kensa does not know.
    #[derive(Deserialize)]
    struct VersionProbe {
        schema_version: Option<u32>,
    }
    let probe: VersionProbe =
        serde_json::from_slice(&text).map_err(|e| malformed(e.to_string()))?;
    let found = probe
        .schema_version
        .ok_or_else(|| malformed("no `schema_version` field".to_owned()))?;
    if found > SCHEMA_VERSION {
        return Err(SnapshotError::TooNew {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found < 1 {
        return Err(SnapshotError::Unsupported {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }

    let deserializer = &mut serde_json::Deserializer::from_slice(&text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let inner = e.inner();
        malformed(format!(
            "at `{}` (line {}, column {}): {}",
            e.path(),
            inner.line(),
            inner.column(),
            strip_position(&inner.to_string())
        ))
    })
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at])
}

/// Writes a snapshot as pretty JSON; `.zst` file names are compressed.
pub fn save(snapshot: &Snapshot, path: &Path) -> Result<(), SnapshotError> {
    let io = |source| SnapshotError::Io {
        path: path.to_owned(),
        source,
    };
    let file = File::create(path).map_err(io)?;
    let to_io = |e: serde_json::Error| io(std::io::Error::other(e));
    if is_zstd(path) {
        let mut encoder = zstd::Encoder::new(file, 9).map_err(io)?;
        serde_json::to_writer(&mut encoder, snapshot).map_err(to_io)?;
        encoder.finish().map_err(io)?.sync_all().map_err(io)?;
    } else {
        let mut writer = BufWriter::new(file);
        serde_json::to_writer_pretty(&mut writer, snapshot).map_err(to_io)?;
        writer.write_all(b"\n").map_err(io)?;
        writer.flush().map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Account, CallError, Collected, PasswordPolicy};
    use chrono::{TimeZone, Utc};

    fn sample() -> Snapshot {
        let mut s = Snapshot::new("0.1.0", Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap());
        s.account = Collected::Value(Account {
            id: "123456789012".into(),
            partition: "aws".into(),
            caller_arn: "arn:aws:iam::123456789012:user/auditor".into(),
        });
        s.audited_regions = vec!["ap-northeast-1".into()];
        s.iam.password_policy = Collected::Value(Some(PasswordPolicy {
            minimum_password_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            expire_passwords: false,
            max_password_age: None,
            password_reuse_prevention: Some(24),
            hard_expiry: Some(false),
        }));
        s.iam.users = Collected::Error(CallError {
            service: "iam".into(),
            operation: "GetAccountAuthorizationDetails".into(),
            region: None,
            resource: None,
            code: "AccessDenied".into(),
            message: "denied".into(),
        });
        s
    }

    #[test]
    fn round_trips_plain_and_zstd() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["s.json", "s.json.zst"] {
            let path = dir.path().join(name);
            save(&sample(), &path).unwrap();
            let back = load(&path).unwrap();
            assert_eq!(
                serde_json::to_value(&back).unwrap(),
                serde_json::to_value(sample()).unwrap()
            );
        }
        let raw = std::fs::read(dir.path().join("s.json.zst")).unwrap();
        assert_eq!(&raw[..4], &[0x28, 0xb5, 0x2f, 0xfd], "zstd magic");
    }

    #[test]
    fn newer_version_is_refused_before_its_fields_are_read() {
        let text = r#"{"schema_version": 99, "something_new": {"x": 1}}"#;
        let err = load_from_reader(Path::new("new.json"), text.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "new.json: snapshot schema version 99 is newer than this kensa reads (1); upgrade kensa to read it"
        );
    }

    #[test]
    fn malformed_field_is_reported_with_its_path_and_line() {
        let mut value = serde_json::to_value(sample()).unwrap();
        value["iam"]["password_policy"]["value"]["minimum_password_length"] = "fourteen".into();
        let text = serde_json::to_string_pretty(&value).unwrap();
        let err = load_from_reader(Path::new("bad.json"), text.as_bytes()).unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with(
                "bad.json: not a kensa snapshot: at `iam.password_policy.value.minimum_password_length` (line "
            ),
            "{message}"
        );
        assert!(
            message.contains("invalid type: string \"fourteen\""),
            "{message}"
        );
    }

    #[test]
    fn not_json_and_missing_version_are_refused() {
        let err = load_from_reader(Path::new("x.json"), &b"not json"[..]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("x.json: not a kensa snapshot: expected")
        );
        let err = load_from_reader(Path::new("x.json"), &b"{}"[..]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.json: not a kensa snapshot: no `schema_version` field"
        );
    }

    #[test]
    fn missing_collected_fields_read_as_not_collected() {
        let text = r#"{"schema_version":1,"kensa_version":"0.0.1","collected_at":"2026-01-01T00:00:00Z",
            "account":"not_collected","audited_regions":[],"iam":{}}"#;
        let s = load_from_reader(Path::new("old.json"), text.as_bytes()).unwrap();
        assert_eq!(s.iam.password_policy, Collected::NotCollected);
        assert!(s.errors.is_empty());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever bytes a snapshot file holds, loading it returns an
        /// error or a snapshot; it never panics.
        #[test]
        fn loading_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = load_from_reader(Path::new("fuzz.json"), bytes.as_slice());
        }

        /// Near-valid snapshots (one field's value replaced by arbitrary
        /// JSON text) are refused with the path of the field at fault.
        #[test]
        fn corrupted_field_is_named(junk in "[a-z0-9\\[\\]{}\",:]{1,12}") {
            let text = format!(r#"{{"schema_version":1,"kensa_version":"x","collected_at":{junk},"account":"not_collected","audited_regions":[],"iam":{{}}}}"#);
            if let Err(SnapshotError::Malformed { message, .. }) = load_from_reader(Path::new("s.json"), text.as_bytes()) {
                prop_assert!(message.contains("collected_at") || message.contains("line 1"), "{}", message);
            }
        }
    }
}
