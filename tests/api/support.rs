//! Shared test set-up: a server on a free port with the bundled fixtures and a pinned clock.

#![allow(dead_code)]

use freshmock::clock::ClockStart;
use freshmock::server::RunningServer;
use freshmock::state::{AppState, Config};

/// 2026-01-01T00:00:00Z: the clock every test pins, as the token vectors assume.
pub const NOW: i64 = 1_767_225_600;
/// The bundled account's widget secret.
pub const SECRET: &str = "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5";
/// The bundled account's main widget.
pub const WIDGET: &str = "12000000025";

/// Starts a server on the bundled fixtures with the clock frozen at [`NOW`].
pub async fn server() -> RunningServer {
    let mut config = Config::bundled();
    config.clock = ClockStart::Fixed(NOW * 1000);
    RunningServer::start(AppState::new(config).unwrap())
        .await
        .unwrap()
}
