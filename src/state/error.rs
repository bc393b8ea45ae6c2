//! What the state refuses: a start, a fixture set, an edit of the knowledge base.

use crate::domain::clock::OutOfRange;
use crate::domain::search::SearchError;
use crate::state::store::StoreError;

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Fixtures(#[from] crate::domain::fixtures::FixtureError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("the widget secret {0:?} is not 32 lowercase hexadecimal characters, as Freshdesk issues them")]
    Secret(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Clock(#[from] OutOfRange),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    #[error("the control token is empty: give a non-empty --control-token, or none at all")]
    EmptyControlToken,
    #[error(
        "freshmock would listen on {0}, beyond this machine, with no control token: anyone \
         who can reach it could read the widget secret, mint tokens and reset the server. \
         Give --control-token (FRESHMOCK_CONTROL_TOKEN), or --insecure-control to accept that"
    )]
    ExposedControl(std::net::SocketAddr),
}

/// Why a fixture set was not taken.
#[derive(Debug, thiserror::Error)]
pub enum FixturesRefused {
    #[error("the fixture set is not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("{0}")]
    Invalid(String),
    /// The store could not be cleared for the new set: a server fault.
    #[error(transparent)]
    Store(StoreError),
    /// A bug.
    #[error("{0}")]
    Fault(String),
}

/// Why an edit of the knowledge base was not made.
#[derive(Debug)]
pub enum EditError<E> {
    /// The edit itself refused (what the caller asked does not fit the catalog).
    Refused(E),
    Store(StoreError),
    Search(SearchError),
}

/// What the agent API's writes need to know of a refused change: the store failed (a
/// server fault), or the edit itself refused (the caller's error, `E`).
pub type Edited<T, E> = Result<Result<T, E>, StoreError>;
