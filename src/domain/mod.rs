//! The account and its rules, with no HTTP, no SQLite and no threads: what a fixture set
//! holds, who may see which article, how a language is chosen, how tokens are judged, how
//! search ranks. Everything here is a pure function of its inputs (and of the clock it is
//! handed). Work that a server runs elsewhere is handed out as a value: the search index's
//! build is an `IndexJob` that `state` runs on a thread of its own, and rendered answers are
//! remembered by `state`, not here.

pub mod access;
pub mod catalog;
pub mod clock;
pub mod email;
pub mod fixtures;
pub mod html;
pub mod invalid;
pub mod language;
pub mod people;
pub mod search;
pub mod solutions;
pub mod tickets;
pub mod token;
