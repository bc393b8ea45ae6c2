//! What the browser gets, embedded in the binary from `static/`: the fake widget loader
//! (`/widgets/:id.js`, `/widgetBase/bootstrap.js`), the widget's own assets under
//! `/widgetBase/`, and the demo site at `/` (`/demo/...`). No build step: the files are served
//! as written.

use http::{HeaderValue, Method, StatusCode};
use rust_embed::RustEmbed;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use crate::http::widget::{allow, with_state, ApiError};
use crate::state::AppState;

/// Everything under `static/`.
#[derive(RustEmbed)]
#[folder = "static/"]
#[exclude = "*.md"]
struct Assets;

/// The generic loader, the same file for every widget id (as on Freshdesk's CDN).
const LOADER: &str = "widget/widget.js";
/// The folder of the widget's files (loader and UI), the ones the size budget counts.
pub const WIDGET_DIR: &str = "widget/";

/// The browser-facing routes.
pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let loader = warp::path!("widgets" / String)
        .and(allow(&[Method::GET]))
        .and(with_state(state))
        .and_then(|file: String, s: AppState| async move {
            match file.strip_suffix(".js") {
                Some(id) => Ok(widget_loader(&s, id)),
                None => Err(warp::reject::not_found()),
            }
        });
    let widget_base = warp::path!("widgetBase" / String)
        .and(allow(&[Method::GET]))
        .map(|name: String| {
            let file = if name == "bootstrap.js" {
                LOADER.to_owned()
            } else {
                format!("{WIDGET_DIR}{name}")
            };
            asset(&file)
        });
    let home = warp::path::end()
        .and(allow(&[Method::GET]))
        .map(|| asset("demo/index.html"));
    let demo = warp::path!("demo" / String)
        .and(allow(&[Method::GET]))
        .map(|name: String| asset(&format!("demo/{name}")));
    loader
        .or(widget_base)
        .unify()
        .or(home)
        .unify()
        .or(demo)
        .unify()
        .boxed()
}

/// `/widgets/<id>.js`: the loader, but only for an active widget: "an inactive widget has
/// neither file".
fn widget_loader(state: &AppState, id: &str) -> Response {
    let active = id
        .parse()
        .ok()
        .and_then(|id| state.catalog().widget(id).map(|w| w.active))
        .unwrap_or(false);
    if !active {
        return ApiError::not_found(format!(
            "no active widget {id}: an inactive or unknown widget has no published script"
        ))
        .into_response();
    }
    asset(LOADER)
}

/// One embedded file, or an empty 404.
fn asset(path: &str) -> Response {
    let Some(file) = Assets::get(path) else {
        return ApiError::not_found(format!("no file {path} among the embedded assets"))
            .into_response();
    };
    let mut response = Response::new(file.data.into_owned().into());
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    // Edits to static/ show on the next reload while developing.
    headers.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    response
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Total size in bytes of the widget's files (loader, UI script, styles), before compression.
pub fn widget_size() -> usize {
    Assets::iter()
        .filter(|name| name.starts_with(WIDGET_DIR))
        .filter_map(|name| Assets::get(&name).map(|f| f.data.len()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The budget for script and UI together, before compression.
    const WIDGET_BUDGET: usize = 60 * 1024;

    #[test]
    fn widget_script_and_ui_stay_under_60_kb() {
        let size = widget_size();
        assert!(Assets::get(LOADER).is_some(), "the loader is embedded");
        assert!(size > 0);
        assert!(
            size < WIDGET_BUDGET,
            "static/{WIDGET_DIR} weighs {size} bytes, over the {WIDGET_BUDGET}-byte budget"
        );
    }

    #[test]
    fn demo_site_is_embedded() {
        assert!(Assets::get("demo/index.html").is_some());
        assert!(Assets::get("demo/mistakes.html").is_some());
    }
}
