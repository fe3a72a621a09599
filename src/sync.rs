//! Sync and ADR run reconstruction from wsyncmgr.log and ruleengine.log (domain §D).
