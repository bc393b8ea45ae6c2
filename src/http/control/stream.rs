//! Server-sent events: every event for the control plane, and the widget's live sync
//! (clock, secret, reset) that an open widget listens to.

use std::convert::Infallible;

use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use warp::reply::Reply;
use warp::sse::Event as SseEvent;

use crate::http::reply::Answer;
use crate::http::request::Req;
use crate::state::events::{ClockInfo, Event};
use crate::state::AppState;

/// The bus as an SSE stream, keeping only the events `keep` accepts; starts with the
/// current clock so a listener knows the time at once.
fn sse(
    state: AppState,
    keep: fn(&Event) -> bool,
) -> impl Stream<Item = Result<SseEvent, Infallible>> + Send + Sync {
    let first = Event::Clock(ClockInfo::read(state.clock()));
    let receiver = state.events().subscribe();
    let rest = stream::unfold(receiver, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(event) => return Some((event, rx)),
                // A slow listener skips what it missed rather than stopping.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    stream::iter(Some(first))
        .chain(rest)
        .filter(move |e| std::future::ready(keep(e)))
        .map(|event| {
            let sse = SseEvent::default().event(event.name());
            Ok(sse
                .json_data(&event)
                .unwrap_or_else(|_| SseEvent::default().event("error")))
        })
}

/// `GET /_freshmock/events`: requests, clock changes, secret rotations, resets.
pub fn events(req: Req) -> Answer {
    Ok(warp::sse::reply(warp::sse::keep_alive().stream(sse(req.state, |_| true))).into_response())
}

/// `GET /_freshmock/widget/sync`: clock, secret and reset events only; public.
pub fn widget_sync(req: Req) -> Answer {
    Ok(
        warp::sse::reply(warp::sse::keep_alive().stream(sse(req.state, Event::concerns_widget)))
            .into_response(),
    )
}
