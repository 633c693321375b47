//! Renderers: each turns one evaluated [`Report`] into a format. None of
//! them decides anything; they only show what the checks said.

mod asff;
mod csv;
pub mod diff;
mod diff_render;
mod finding_uid;
mod html;
mod json;
mod junit;
mod labels;
mod markdown;
mod ocsf;
mod sarif;
mod text;
mod views;

pub use asff::{
    NoAccountId, PRODUCT_NAME, asff_findings, asff_resource_type, compliance_status, render_asff,
    security_hub_region,
};
pub use csv::{CSV_HEADER, render_csv};
pub use diff::{Diff, ResultFileError, diff, load_result};
pub use diff_render::{render_diff_html, render_diff_json, render_diff_markdown, render_diff_text};
pub use finding_uid::finding_uid;
pub use html::render_html;
pub use json::render_json;
pub use junit::render_junit;
pub use kensa_checks::Report;
pub use markdown::render_markdown;
pub use ocsf::{OCSF_VERSION, ocsf_events, render_ocsf};
pub use sarif::{is_sarif_result, render_sarif, sarif_value};
pub use text::{TextOptions, render_text};
