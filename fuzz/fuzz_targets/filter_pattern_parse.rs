//! Filter patterns come from the audited account (metric filters): parsing
//! never panics, and whatever parses prints to text that parses to the same tree.
#![no_main]

use kensa_pattern::FilterPattern;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match FilterPattern::parse(text) {
        Ok(pattern) => {
            let printed = pattern.to_string();
            let reparsed = FilterPattern::parse(&printed);
            assert_eq!(reparsed.as_ref(), Ok(&pattern), "{text:?} printed as {printed:?}");
            let _ = pattern.json_fields();
        }
        Err(error) => {
            let _ = error.render(text);
        }
    }
});
