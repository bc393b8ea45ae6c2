//! The account and its rules, with no HTTP and no SQLite: what a fixture set holds, who may
//! see which article, how a language is chosen, how tokens are judged, how search ranks.
//! Everything here is a pure function of its inputs (and of the clock it is handed).

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
