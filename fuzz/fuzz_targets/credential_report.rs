//! The credential report comes from the network: any text parses or fails
//! with a line number, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = kensa_snapshot::CredentialReport::parse_csv(chrono::Utc::now(), text) {
        assert!(e.line >= 1);
    }
});
