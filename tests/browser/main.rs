//! Browser tests: the fake FreshworksWidget in headless Chromium, driven over WebDriver.
//! One binary; every test starts its own freshmock, chromedriver and Chromium. They fail,
//! not skip, when Chromium or chromedriver is missing (scripts/test.sh installs them).
//! Screenshots go to `target/screenshots/`.

mod articles;
mod auth;
mod demo;
mod embeds;
mod form;
#[path = "../common/harness.rs"]
mod harness;
mod hostile;
mod layout;
mod lifecycle;
mod loader;
mod support;
#[path = "../common/webdriver.rs"]
mod webdriver;
