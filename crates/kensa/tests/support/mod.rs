//! Helpers shared by the integration tests.
//!
//! Each test binary uses only part of them.
#![allow(dead_code)]

pub mod moto;
pub mod run;
