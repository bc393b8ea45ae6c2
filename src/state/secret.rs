//! The widget secret: the current one, those it replaced, a reset, and token checks
//! against them.

use std::sync::Arc;

use super::AppState;
use crate::domain::token::{Claims, Keys, TokenError};
use crate::state::events::Event;
use crate::state::store::{SecretChange, StoreError};

impl AppState {
    /// Replaces the widget secret with a new random one (what Freshdesk's "reset secret"
    /// does): every token signed with the old one fails from now on. Durable before it
    /// returns.
    pub async fn rotate_secret(&self) -> Result<String, StoreError> {
        self.blocking(AppState::rotate_secret_now).await
    }

    pub(super) fn rotate_secret_now(&self) -> Result<String, StoreError> {
        let now = self.clock().now_secs();
        let mut world = self.write();
        let change = SecretChange {
            secret: random_secret(),
            replaced: world.secret.clone(),
            replaced_at: now,
        };
        self.inner.store.rotate_secret(&change)?;
        world.former_secrets.push((change.replaced, now));
        world.secret = change.secret.clone();
        drop(world);
        self.events().publish(Event::Secret {
            rotated_at_ms: self.clock().now_ms(),
        });
        Ok(change.secret)
    }

    /// The current widget secret.
    pub fn secret(&self) -> String {
        self.read().secret.clone()
    }

    /// The current secret, and those it replaced with when (Unix seconds).
    pub fn secrets(&self) -> (String, Vec<(String, i64)>) {
        let world = self.read();
        (world.secret.clone(), world.former_secrets.clone())
    }

    /// Verifies a widget token as Freshdesk does, at the server's time, with these keys
    /// (the world's, read by the caller).
    pub fn verify_token(&self, token: &str, keys: Keys<'_>) -> Result<Arc<Claims>, TokenError> {
        let now = self.clock().now_secs();
        self.inner
            .accepted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .verify(token, keys, now)
    }
}

/// 32 lowercase hex characters from the operating system's randomness.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
