//! EventBridge rule patterns come from the audited account: parsing and
//! matching never panic. The input is split at the first NUL: a pattern, then an event.
#![no_main]

use kensa_pattern::EventPattern;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (pattern, event) = text.split_once('\0').unwrap_or((text, "{}"));
    let Ok(pattern) = EventPattern::parse(pattern) else { return };
    if let Ok(event) = serde_json::from_str::<serde_json::Value>(event) {
        let _ = pattern.matches(&event);
    }
});
