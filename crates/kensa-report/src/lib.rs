//! Renderers: each turns one evaluated [`Report`] into a format. None of
//! them decides anything; they only show what the checks said.

mod json;
mod text;

pub use json::render_json;
pub use kensa_checks::Report;
pub use text::{TextOptions, render_text};
