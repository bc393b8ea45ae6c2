//! The knowledge base as the agent API changes it, and the account's rules for it.
//!
//! - `change.rs`: one [`Change`] at a time, applied to a fixture set and kept by the store.

mod change;

pub use change::{Change, Kind};
