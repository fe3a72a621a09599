//! supdiag: diagnose ConfigMgr software update point (SUP) and WSUS synchronization from logs
//! and settings.
//!
//! Pipeline (see `README.md`): sources → records → events → facts → rules → findings → renderers.

pub mod app;
pub mod cli;
pub mod codes;
pub mod collect;
pub mod discover;
pub mod event;
pub mod facts;
pub mod history;
pub mod incidents;
pub mod matching;
pub mod observe;
pub mod parse;
pub mod precheck;
pub mod probe;
pub mod progress;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scan;
pub mod settings;
pub mod source;
pub mod sync;
#[cfg(test)]
mod testutil;
