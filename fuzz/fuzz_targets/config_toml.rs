//! kensa.toml is user input: any text is a config or an error naming the
//! file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = kensa_checks::Config::from_toml(text, "kensa.toml") {
        assert!(e.to_string().starts_with("kensa.toml: "));
    }
});
