//! Policy documents come from the audited account: parsing and matching
//! never panic.
#![no_main]

use kensa_checks::policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(statements) = policy::parse(text) {
        for s in &statements {
            let _ = s.plainly_allows("iam:CreateUser");
            let _ = s.plainly_denies("cloudtrail:StopLogging");
            for pattern in &s.actions {
                let _ = policy::action_matches(pattern, "guardduty:DeleteDetector");
            }
        }
    }
});
