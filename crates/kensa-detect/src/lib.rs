//! `kensa detect`: the design sheet's suspicious operations (ALM-1..ALM-11)
//! and the user's own rules, found in CloudTrail logs.
//!
//! Pure: it reads from readers and paths it is given; fetching logs from S3
//! is kensa-collect's job. Files are scanned in parallel, each one streamed
//! (memory stays bounded by the largest record, not the file), gunzipped
//! when gzip, and each record parsed only as far as the rules read it.

pub mod frame;
mod inflate;
pub mod prefilter;
pub mod project;
pub mod rules;
pub mod scan;

pub use frame::Position;
pub use rules::{BUILTIN_RULES, Matcher, Rule, RuleError, all_rules, builtin_rules};
pub use scan::{
    Alert, Counters, Detector, FileOutcome, From, InputProblem, TimeWindow, What, Who, log_files,
    sort_alerts,
};
