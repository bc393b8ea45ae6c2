//! The dashboard at `/_freshmock/ui`: plain HTML, CSS and JavaScript from
//! `static/dashboard/`, compiled into the binary. The page itself holds no data; it reads
//! everything from the control API (so with `--control-token` it asks for the token).

use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};
use rust_embed::RustEmbed;
use warp::filters::BoxedFilter;
use warp::path::Tail;
use warp::reply::Response;
use warp::Filter;

use crate::http::control::error;
use crate::http::widget::ApiError;

#[derive(RustEmbed)]
#[folder = "static/dashboard/"]
struct Assets;

/// The page every other file is loaded by.
const INDEX: &str = "index.html";

/// `GET /_freshmock/ui` (and `/ui/`) is the page; `GET /_freshmock/ui/<file>` its files.
pub fn routes() -> BoxedFilter<(Response,)> {
    warp::path("ui")
        .and(warp::path::tail())
        .and(warp::get())
        .map(|tail: Tail| match tail.as_str() {
            "" => asset(INDEX),
            name => asset(name),
        })
        .boxed()
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

fn asset(name: &str) -> Response {
    let Some(file) = Assets::get(name) else {
        return ApiError::into_response(error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("the dashboard has no file {name:?}"),
        ));
    };
    let mut response = Response::new(file.data.into_owned().into());
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    // Always the files of the binary that runs, never a stale copy.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
