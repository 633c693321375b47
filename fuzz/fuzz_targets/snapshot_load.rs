//! A snapshot file is outside input: any bytes load or fail, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kensa_snapshot::load_from_reader(std::path::Path::new("fuzz.json"), data);
});
