//! The block scanner against the byte-at-a-time reference, on any bytes:
//! every instruction set the CPU has gives the same end, `\u` flag and key
//! positions, and none panics. Key positions are compared when an end is
//! found (without one, the scanners may stop at different blocks).
#![no_main]

use kensa_jsonscan::{Isa, ObjectScanner, reference_object_end};
use libfuzzer_sys::fuzz_target;

const KEYS: &[&str] = &["eventName", "errorCode", "Name", "instanceType"];

fuzz_target!(|data: &[u8]| {
    let mut want_hits = Vec::new();
    let want = reference_object_end(KEYS, data, &mut want_hits);
    for isa in Isa::available() {
        let Ok(scanner) = ObjectScanner::with_isa(KEYS, isa) else {
            return;
        };
        let mut hits = Vec::new();
        let got = scanner.object_end(data, &mut hits);
        assert_eq!(got, want, "{isa:?}");
        if want.is_some() {
            assert_eq!(hits, want_hits, "{isa:?}");
        }
        if let Some(end) = got {
            assert!(end.end <= data.len());
            assert!(matches!(data[end.end - 1], b'}' | b']'));
        }
    }
});
