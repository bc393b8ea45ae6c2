//! [`Req`]: what a handler gets: the state, the request's parts, the route's captures, and
//! the body, read only if the handler asks (with a limit, whatever its framing).

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use bytes::{Buf, Bytes};
use futures_util::{Stream, StreamExt, TryStreamExt};
use http::header::{HeaderName, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, Method, StatusCode, Uri};
use serde::de::DeserializeOwned;

use super::error::{ApiError, FieldError};
use crate::state::AppState;

/// The control plane's paths.
pub const CONTROL_PREFIX: &str = "/_freshmock";

/// The captured parts of a path, as byte ranges of it.
pub type Captures = Vec<(usize, usize)>;

/// A request body as a stream of chunks, never collected unless a caller decides to.
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

/// The body as a [`BodyStream`] (chunks as `Bytes`, errors as I/O errors for multer),
/// failing with [`std::io::ErrorKind::TimedOut`] when the client sends nothing for `idle`
/// while a handler waits for it (the idle timeout of a stalled upload: the connection itself
/// is not timed out while its answer is being worked on).
pub fn body_stream<S, B, E>(stream: S, idle: Duration) -> BodyStream
where
    S: Stream<Item = Result<B, E>> + Send + Unpin + 'static,
    B: Buf,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    Box::pin(Stalls {
        inner: stream
            .map_ok(|mut buf| buf.copy_to_bytes(buf.remaining()))
            .map_err(std::io::Error::other),
        idle,
        timer: None,
    })
}

/// A hyper body as a [`BodyStream`] (see [`body_stream`]). Most requests are GETs without
/// a body: theirs is an empty stream, which takes no allocation.
pub fn incoming_stream(body: hyper::body::Incoming, idle: Duration) -> BodyStream {
    use hyper::body::Body;
    if body.is_end_stream() {
        return Box::pin(futures_util::stream::empty());
    }
    body_stream(DataFrames(body), idle)
}

/// A hyper body's data frames, as a stream (trailers are skipped, as warp did).
struct DataFrames(hyper::body::Incoming);

impl Stream for DataFrames {
    type Item = Result<Bytes, hyper::Error>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use hyper::body::Body;
        use std::task::Poll;
        loop {
            return match std::task::ready!(Pin::new(&mut self.0).poll_frame(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => Poll::Ready(Some(Ok(data))),
                    Err(_) => continue,
                },
                Some(Err(err)) => Poll::Ready(Some(Err(err))),
                None => Poll::Ready(None),
            };
        }
    }
}

/// A body stream that gives up when no chunk comes for `idle`.
struct Stalls<S> {
    inner: S,
    idle: Duration,
    /// Armed on the first wait only: most bodies are empty or arrive whole.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S> Stream for Stalls<S>
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Unpin,
{
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(item) => {
                self.timer = None;
                Poll::Ready(item)
            }
            Poll::Pending => {
                let idle = self.idle;
                let timer = self
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "the client sent no more of the body for {} s (--idle-timeout)",
                            idle.as_secs_f32()
                        ),
                    )))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

/// Control-plane bodies may not exceed this, but for a fixture set (the largest, a fault
/// or a token to explain, are a few KB).
pub const MAX_CONTROL_BODY: usize = 64 * 1024;

/// One request, as a handler sees it.
pub struct Req {
    pub state: AppState,
    pub method: Method,
    /// The request target: its path and query are read from it, not copied.
    uri: Uri,
    pub headers: HeaderMap,
    captures: Captures,
    body: Option<BodyStream>,
}

impl std::fmt::Debug for Req {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Req")
            .field("method", &self.method)
            .field("path", &self.path())
            .field("query", &self.uri.query())
            .finish_non_exhaustive()
    }
}

impl Req {
    /// A request as it arrived; the route's captures come with [`Req::captured`].
    pub fn new(
        state: AppState,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: BodyStream,
    ) -> Req {
        Req {
            state,
            method,
            uri,
            headers,
            captures: Captures::new(),
            body: Some(body),
        }
    }

    /// The request with the parts its route's pattern captured.
    pub fn captured(mut self, captures: Captures) -> Req {
        self.captures = captures;
        self
    }

    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The raw query string, empty when there is none.
    pub fn query(&self) -> &str {
        self.uri.query().unwrap_or_default()
    }

    /// The `i`th capture of the route's pattern, percent-decoded.
    pub fn capture(&self, i: usize) -> String {
        let (from, to) = self.captures.get(i).copied().unwrap_or((0, 0));
        percent_decode(&self.path()[from..to])
    }

    /// How many parts the route's pattern captured.
    pub fn captures_len(&self) -> usize {
        self.captures.len()
    }

    /// The `i`th capture as a number (the table lets only digits through; one too large
    /// for its type is no such thing, a 404).
    pub fn id<T: FromStr>(&self, i: usize) -> Result<T, ApiError> {
        let text = self.capture(i);
        text.parse().map_err(|_| {
            let why = format!("{text} is too large to be an id of anything");
            if self.path().starts_with(CONTROL_PREFIX) {
                ApiError::control_not_found(why)
            } else {
                ApiError::not_found(why)
            }
        })
    }

    /// A header's text; `None` when absent or not UTF-8 (the checks refuse it then).
    pub fn header(&self, name: &HeaderName) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
    }

    /// A header's text with bytes that are not UTF-8 replaced.
    pub fn header_lossy(&self, name: &HeaderName) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }

    pub fn content_type(&self) -> Option<String> {
        self.header_lossy(&CONTENT_TYPE)
    }

    /// The body, once.
    pub fn take_body(&mut self) -> BodyStream {
        self.body
            .take()
            .unwrap_or_else(|| Box::pin(futures_util::stream::empty()))
    }

    /// The whole body, refused with 413 as soon as it passes `limit` bytes: at once when its
    /// `Content-Length` says so (nothing is read), or when a chunked body gets there.
    pub async fn bytes(&mut self, limit: usize, over: &str) -> Result<Vec<u8>, ApiError> {
        let declared = self
            .header(&CONTENT_LENGTH)
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            return Err(too_large(limit, over));
        }
        read_limited(self.take_body(), limit, over).await
    }

    /// A control call's JSON body, at most `limit` bytes; an empty body reads as `{}`.
    /// Anything else must say `Content-Type: application/json`: a page of another site can
    /// send a `text/plain` body without asking the browser first, a JSON one it cannot.
    pub async fn json_bytes(&mut self, limit: usize, over: &str) -> Result<Vec<u8>, ApiError> {
        let bytes = self.bytes(limit, over).await?;
        if !bytes.iter().all(u8::is_ascii_whitespace) && !is_json(self.header(&CONTENT_TYPE)) {
            return Err(ApiError::control(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_content_type",
                format!(
                    "this call takes a JSON body sent with Content-Type: application/json, \
                     not {}",
                    self.header_lossy(&CONTENT_TYPE).map_or_else(
                        || "a body without a Content-Type".into(),
                        |t| format!("{t:?}")
                    )
                ),
            ));
        }
        Ok(bytes)
    }

    /// A control call's JSON body (see [`Req::json_bytes`]) as `T`.
    pub async fn json<T: DeserializeOwned>(&mut self) -> Result<T, ApiError> {
        let bytes = self
            .json_bytes(
                MAX_CONTROL_BODY,
                "the control API takes JSON bodies of this size at most",
            )
            .await?;
        parse_json(&bytes)
    }

    /// The query string's parameters.
    pub fn params(&self) -> Params<'_> {
        Params::read(self.query())
    }

    /// The query string as `T`; a parameter `T` does not take, or a value of the wrong
    /// type, is a 400 naming it.
    pub fn query_as<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_urlencoded::from_str(self.query()).map_err(|e| {
            ApiError::control(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!(
                    "the query string {:?} is not what this call takes: {e}",
                    self.query()
                ),
            )
        })
    }
}

/// Reads a whole body, refusing it with 413 as soon as it passes `limit` bytes (`over` says
/// what to do instead), whether it came with a length or chunked.
pub async fn read_limited(
    mut body: BodyStream,
    limit: usize,
    over: &str,
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            if e.kind() == std::io::ErrorKind::TimedOut {
                return ApiError::request(
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    e.to_string(),
                );
            }
            ApiError::request(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("the request body could not be read: {e}"),
            )
        })?;
        if out.len() + chunk.len() > limit {
            return Err(too_large(limit, over));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// A body over `limit` bytes, with what to do instead.
pub fn too_large(limit: usize, over: &str) -> ApiError {
    ApiError::too_large(limit, format!("the body is over {limit} bytes; {over}"))
}

/// A JSON body of type `T`, whitespace alone reading as `{}`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::control(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the request body is not what this call takes: {e}"),
        )
    })
}

/// `application/json`, with parameters or not, or a `+json` type.
fn is_json(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A request's query parameters, in order, repeated names kept: the one query-string
/// reader of the widget and agent APIs. Decoding is form decoding as Rack does it (`+` a
/// space, `%XX` its byte, a malformed escape kept as written, bytes that are not UTF-8
/// replaced), so a parameter is never silently dropped: each one is either taken or refused
/// by [`Params::only`].
///
/// Names and values borrow the query string unless decoding changed them: a widget search
/// copied its term and page figures into new strings on every call.
#[derive(Debug, Clone, Default)]
pub struct Params<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'a> std::ops::Deref for Params<'a> {
    type Target = [(Cow<'a, str>, Cow<'a, str>)];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'a> Params<'a> {
    /// Every parameter of a raw query string.
    pub fn read(raw: &'a str) -> Params<'a> {
        Params(form_urlencoded::parse(raw.as_bytes()).collect())
    }

    /// The query string's parameters, refusing any not in `allowed` (`invalid_field`).
    pub fn parse(raw: &'a str, allowed: &[&str]) -> Result<Params<'a>, ApiError> {
        let params = Params::read(raw);
        params.only(allowed)?;
        Ok(params)
    }

    /// Refuses any parameter not in `allowed`, as Freshdesk does: one `invalid_field`
    /// error per unexpected name.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        let unexpected: Vec<FieldError> = self
            .0
            .iter()
            .filter(|(k, _)| !allowed.contains(&k.as_ref()))
            .map(|(k, _)| FieldError::unexpected(k))
            .collect();
        if !unexpected.is_empty() {
            let names: Vec<&str> = unexpected.iter().map(|e| e.field.as_str()).collect();
            let reason = format!(
                "unexpected parameter(s) {}; this endpoint takes {}",
                names.join(", "),
                allowed.join(", ")
            );
            return Err(ApiError::validation(
                StatusCode::BAD_REQUEST,
                unexpected,
                reason,
            ));
        }
        Ok(())
    }

    /// The last value given for a parameter (as Rails keeps it).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_ref())
    }

    /// A positive integer parameter no larger than `max`, or `default` when absent.
    pub fn positive_int(&self, key: &str, max: usize, default: usize) -> Result<usize, ApiError> {
        let Some(raw) = self.get(key) else {
            return Ok(default);
        };
        match raw.trim().parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid(
                FieldError::new(
                    key,
                    format!("It should be a Positive Integer less than or equal to {max}"),
                    "datatype_mismatch",
                ),
                format!("{key}={raw:?} must be a whole number from 1 to {max}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_are_percent_decoded() {
        assert_eq!(percent_decode("pt-BR"), "pt-BR");
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn json_bodies_are_recognised_by_their_media_type() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("Application/JSON; charset=utf-8")));
        assert!(is_json(Some("application/merge-patch+json")));
        assert!(!is_json(Some("text/plain")));
        assert!(!is_json(Some("application/x-www-form-urlencoded")));
        assert!(!is_json(Some("multipart/form-data; boundary=x")));
        assert!(!is_json(None));
    }
}
