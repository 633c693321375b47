//! Resources' text and user data come from the account: any bytes decode
//! and scan without a panic, and nothing found shows more of a key than
//! redaction allows.
#![no_main]

use kensa_secrets::{KEY_ID_SHOWN, Kind, SECRET_SHOWN, Sighting, expand_user_data, scan_text};
use libfuzzer_sys::fuzz_target;

fn check(sightings: &[Sighting]) {
    for s in sightings {
        let shown = s.redacted.chars().filter(|c| *c != '*').count();
        match s.kind {
            Kind::AccessKeyId => assert!(shown <= KEY_ID_SHOWN, "{s:?}"),
            Kind::SecretAccessKey => assert!(shown <= SECRET_SHOWN, "{s:?}"),
        }
        assert!(s.line.is_none_or(|l| l >= 1));
    }
}

fuzz_target!(|data: &[u8]| {
    let decoded = expand_user_data(data);
    for part in &decoded.parts {
        check(&scan_text(&part.label, &part.text));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        check(&scan_text("UserData", text));
        let decoded = kensa_secrets::decode_user_data(text);
        for part in &decoded.parts {
            check(&scan_text(&part.label, &part.text));
        }
    }
});
