//! The progress bar: how many AWS calls are done and what is being read.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, Clone)]
pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A spinner on stderr when `visible`, otherwise a bar that draws
    /// nothing so that the callers need not check.
    pub(crate) fn new(visible: bool) -> Self {
        if !visible {
            return Progress {
                bar: ProgressBar::hidden(),
            };
        }
        // The total number of calls is unknown up front (it grows with the
        // number of users and keys), so a spinner with a counter is honest
        // where a bar with a percentage would not be.
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {pos:>5} AWS calls  {msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }

    pub(crate) fn call_done(&self) {
        self.bar.inc(1);
    }

    pub(crate) fn phase(&self, phase: &str) {
        self.bar.set_message(phase.to_owned());
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
