//! Matching arbitrary log messages and JSON events never panics. The input is
//! split at the first NUL: a pattern, then a message (parsed as JSON when it is).
#![no_main]

use kensa_pattern::{FilterPattern, LogEvent};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (pattern, message) = text.split_once('\0').unwrap_or((text, ""));
    let Ok(pattern) = FilterPattern::parse(pattern) else { return };
    let _ = pattern.matches(&LogEvent::new(message));
    let _ = pattern.matches_message(message);
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(message) {
        let _ = pattern.matches(&LogEvent::with_json(message, &json));
    }
});
