//! `[alarms]` in kensa.toml: how soon an alarm must fire.

use serde::{Deserialize, Serialize};

use super::operations::{CONSOLE_SIGN_IN_FAILURE, Operation};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlarmsConfig {
    /// An alarm must go off when this many of its events happen within
    /// one period (1: every single occurrence is notified).
    pub events_to_alarm: u32,
    /// ALM-6: failed console sign-ins within one period that must raise the
    /// alarm (AWS's alarm template: 3).
    pub failed_sign_ins_to_alarm: u32,
}

impl Default for AlarmsConfig {
    fn default() -> Self {
        AlarmsConfig {
            events_to_alarm: 1,
            failed_sign_ins_to_alarm: 3,
        }
    }
}

impl AlarmsConfig {
    /// How many occurrences of `operation` must be enough to alarm.
    pub fn events_to_alarm(&self, operation: &Operation) -> u32 {
        let n = if std::ptr::eq(operation, &CONSOLE_SIGN_IN_FAILURE) {
            self.failed_sign_ins_to_alarm
        } else {
            self.events_to_alarm
        };
        // Zero events can never raise an alarm; one is the least that means something.
        n.max(1)
    }
}
