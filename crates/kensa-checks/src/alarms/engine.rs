//! Filter and event patterns, run on CloudTrail records by kensa-pattern,
//! the same semantics CloudWatch Logs and EventBridge give them.

use kensa_pattern::{EventPattern, FilterPattern, LogEvent};
use serde_json::Value;

use super::operations::Sample;

/// A metric filter's pattern, parsed once; a pattern kensa cannot parse
/// keeps its parse error, which the finding shows.
#[derive(Debug)]
pub(crate) struct Filter(Result<FilterPattern, String>);

impl Filter {
    pub(crate) fn parse(text: &str) -> Filter {
        Filter(FilterPattern::parse(text).map_err(|e| e.to_string()))
    }

    pub(crate) fn error(&self) -> Option<&str> {
        self.0.as_ref().err().map(String::as_str)
    }

    /// Does the filter count this record, as CloudWatch Logs receives it
    /// (one JSON log event per record)?
    pub(crate) fn matches(&self, sample: &Sample) -> bool {
        match &self.0 {
            Ok(pattern) => {
                let raw = sample.record.to_string();
                pattern.matches(&LogEvent::with_json(&raw, &sample.record))
            }
            Err(_) => false,
        }
    }
}

/// An EventBridge rule's event pattern, parsed once.
#[derive(Debug)]
pub(crate) struct Rule(Result<EventPattern, String>);

impl Rule {
    pub(crate) fn parse(text: &str) -> Rule {
        Rule(EventPattern::parse(text).map_err(|e| e.to_string()))
    }

    pub(crate) fn error(&self) -> Option<&str> {
        self.0.as_ref().err().map(String::as_str)
    }

    pub(crate) fn matches(&self, event: &Value) -> bool {
        match &self.0 {
            Ok(pattern) => pattern.matches(event),
            Err(_) => false,
        }
    }
}
