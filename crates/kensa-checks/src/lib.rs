//! kensa's checks: pure functions from a [`Snapshot`](kensa_snapshot::Snapshot)
//! and a [`Config`] to [`Finding`]s. No check touches the network; every
//! check names the design sheet's requirement IDs it serves.

pub mod alarms;
pub mod check;
pub mod config;
pub mod docs;
pub mod encryption;
pub mod exceptions;
mod finding;
pub mod frameworks;
pub mod iam;
pub mod network;
pub mod policy;
pub mod registry;
pub mod report;
pub mod requirements;
pub mod secrets;
pub mod services;

pub use check::{Check, CheckMeta, Context};
pub use config::{Config, ConfigError};
pub use finding::{
    Compliance, Finding, GLOBAL_REGION, Lang, Resource, Severity, StaticText, Status, Suppression,
    Text, redact_key_id,
};
pub use report::{Report, Selection, Source, Summary, evaluate};
