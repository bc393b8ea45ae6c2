//! The HTTP face of freshmock.

pub mod agent;
pub mod assets;
pub mod control;
pub mod dashboard_old;
pub mod error;
pub mod mock;
pub mod observe;
pub mod server;
pub mod verdict;
pub mod widget;
