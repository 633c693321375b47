//! Bucket policies come from the audited account: reading one for a
//! TLS-only deny never panics, whatever the text.
#![no_main]

use kensa_checks::encryption::bucket_policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = bucket_policy::tls_only(text, "aws", "logs");
    let _ = bucket_policy::tls_only(text, "aws-cn", "a.b-c");
});
