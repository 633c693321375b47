//! Renderers: each turns one evaluated [`Report`] into a format. None of
//! them decides anything; they only show what the checks said.

mod csv;
mod json;
mod junit;
mod markdown;
mod sarif;
mod text;
mod views;

pub use csv::{CSV_HEADER, render_csv};
pub use json::render_json;
pub use junit::render_junit;
pub use kensa_checks::Report;
pub use markdown::render_markdown;
pub use sarif::{is_sarif_result, render_sarif, sarif_value};
pub use text::{TextOptions, render_text};
