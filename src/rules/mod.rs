//! Rules: schema, loader, line matcher, sequence rules, condition language, engine, findings.

pub mod condition;
pub mod finding;

pub use finding::{Evidence, Finding, Hit, HitSet, SettingRef};
