//! Condition language of fact rules (`when = '...'`), parsed with nom.
//!
//! Interim version: only `exists(key)` and bare fact references are understood; the full
//! language (==, !=, <, >, &&, ||, !, parentheses, literals) lands with the settings issue.

use thiserror::Error;

use crate::facts::FactStore;

#[derive(Debug, Error, PartialEq)]
#[error("condition {src:?}: {message} (at byte {offset})")]
pub struct ConditionError {
    pub src: String,
    pub message: String,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    keys: Vec<String>,
}

impl Condition {
    pub fn parse(src: &str) -> Result<Condition, ConditionError> {
        let s = src.trim();
        let key = s
            .strip_prefix("exists(")
            .and_then(|r| r.strip_suffix(')'))
            .unwrap_or(s);
        if key.is_empty() {
            return Err(ConditionError {
                src: src.to_string(),
                message: "empty condition".into(),
                offset: 0,
            });
        }
        Ok(Condition {
            keys: vec![key.to_string()],
        })
    }

    /// Evaluate against the facts (a fact key is true when present and truthy).
    pub fn eval(&self, facts: &FactStore) -> bool {
        self.keys.iter().all(|k| {
            facts
                .get(k)
                .is_some_and(|f| f.value.as_bool().unwrap_or(true))
        })
    }

    /// Fact keys the condition reads (for the finding's `settings` list).
    pub fn references(&self) -> Vec<String> {
        self.keys.clone()
    }
}
