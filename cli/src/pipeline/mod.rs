//! The stages a check runs, in order: load (files, or clusters through
//! [`live_source`]), [`evaluate`], then the team's [`suppress`]ions and
//! [`baseline`] before a printer gets the report. Commands drive these stages;
//! nothing here parses flags or writes stdout.
pub mod baseline;
pub mod evaluate;
pub mod live_source;
pub mod suppress;
