//! The block scanner against the byte-at-a-time reference, on any bytes:
//! every instruction set the CPU has gives the same end, `\u` flag and key
//! positions, and none panics. Key positions are compared when an end is
//! found (without one, the scanners may stop at different blocks). Three
//! key sets: several lengths, one length (the ALM rules' pair, which the
//! block loop filters itself), and a key longer than two words.
#![no_main]

use kensa_jsonscan::{Isa, ObjectScanner, reference_object_end};
use libfuzzer_sys::fuzz_target;

const KEY_SETS: &[&[&str]] = &[
    &["eventName", "errorCode", "Name", "instanceType"],
    &["eventName", "errorCode"],
    &["requestParametersName", "Name"],
];

fuzz_target!(|data: &[u8]| {
    for keys in KEY_SETS {
        check(keys, data);
    }
});

fn check(keys: &[&str], data: &[u8]) {
    let mut want_hits = Vec::new();
    let want = reference_object_end(keys, data, &mut want_hits);
    for isa in Isa::available() {
        let Ok(scanner) = ObjectScanner::with_isa(keys, isa) else {
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
}
