//! What the browser gets, embedded in the binary from `static/`: the fake widget loader
//! (`/widgets/:id.js`, `/widgetBase/bootstrap.js`), the widget's own files under
//! `/widgetBase/`, the demo site at `/` (`/demo/...`), and the dashboard at `/_freshmock/ui`.
//! No build step: the files are served as written.

use http::HeaderValue;
use rust_embed::RustEmbed;
use warp::reply::Response;

use super::error::ApiError;
use super::reply::Answer;
use super::request::Req;

/// Everything under `static/`.
#[derive(RustEmbed)]
#[folder = "static/"]
#[exclude = "*.md"]
struct Assets;

/// The generic loader, the same file for every widget id (as on Freshdesk's CDN).
const LOADER: &str = "widget/widget.js";
/// The folder of the widget's files (loader and UI), the ones the size budget counts.
const WIDGET_DIR: &str = "widget/";
/// The dashboard's folder, and the page every other file is loaded by.
const DASHBOARD_DIR: &str = "dashboard/";
const DASHBOARD_INDEX: &str = "index.html";

/// `/widgets/<id>.js`: the loader, but only for an active widget: "an inactive widget has
/// neither file".
pub fn widget_loader(req: Req) -> Answer {
    let id = req.capture(0);
    let active = id
        .parse()
        .ok()
        .and_then(|id| req.state.catalog().widget(id).map(|w| w.active))
        .unwrap_or(false);
    if !active {
        return Err(ApiError::file_not_found(format!(
            "no active widget {id}: an inactive or unknown widget has no published script"
        )));
    }
    file(LOADER)
}

/// The policy of the widget's frames (`launcher.html`, `frame.html`). They are documents of
/// their own, from this origin, as Freshdesk's frames are from its: a host page's policy does
/// not reach them, so a site only has to allow this origin (scripts, frames, styles,
/// requests). Only the frames' own script runs: an inline script or handler in an article
/// body does not. Articles keep their inline styles and any image.
pub const FRAME_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src * data: blob:; media-src * data: blob:; font-src * data:; frame-src *; \
     base-uri 'none'; form-action 'none'; object-src 'none'";

/// `/widgetBase/<file>`: the widget's files; `bootstrap.js` is the loader, the `.html` files
/// its frames, with [`FRAME_POLICY`].
pub fn widget_file(req: Req) -> Answer {
    let name = req.capture(0);
    if name == "bootstrap.js" {
        return file(LOADER);
    }
    let mut answer = file(&format!("{WIDGET_DIR}{name}"))?;
    if name.ends_with(".html") {
        answer.headers_mut().insert(
            http::header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FRAME_POLICY),
        );
    }
    Ok(answer)
}

/// `/`: the demo site's page.
pub fn home(_: Req) -> Answer {
    file("demo/index.html")
}

/// `/demo/<file>`.
pub fn demo_file(req: Req) -> Answer {
    file(&format!("demo/{}", req.capture(0)))
}

/// `/_freshmock/ui` (and `/ui/`) is the dashboard's page; `/_freshmock/ui/<file>` its files.
/// The page holds no data: it reads everything from the control API.
pub fn dashboard_file(req: Req) -> Answer {
    let name = req.capture(0);
    let name = if name.is_empty() {
        DASHBOARD_INDEX
    } else {
        &name
    };
    file(&format!("{DASHBOARD_DIR}{name}"))
        .map_err(|_| ApiError::control_not_found(format!("the dashboard has no file {name:?}")))
}

/// One embedded file, or an empty 404.
fn file(path: &str) -> Answer {
    let Some(file) = Assets::get(path) else {
        return Err(ApiError::file_not_found(format!(
            "no file {path} among the embedded assets"
        )));
    };
    let mut response = Response::new(file.data.into_owned().into());
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    // Edits to static/ show on the next reload while developing; the dashboard is always
    // the binary's own, never a stale copy.
    headers.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    Ok(response)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The budget for script and UI together, before compression.
    const WIDGET_BUDGET: usize = 60 * 1024;

    #[test]
    fn widget_script_and_ui_stay_under_60_kb() {
        let size: usize = Assets::iter()
            .filter(|name| name.starts_with(WIDGET_DIR))
            .filter_map(|name| Assets::get(&name).map(|f| f.data.len()))
            .sum();
        assert!(Assets::get(LOADER).is_some(), "the loader is embedded");
        assert!(size > 0);
        assert!(
            size < WIDGET_BUDGET,
            "static/{WIDGET_DIR} weighs {size} bytes, over the {WIDGET_BUDGET}-byte budget"
        );
    }

    #[test]
    fn demo_site_and_dashboard_are_embedded() {
        assert!(Assets::get("demo/index.html").is_some());
        assert!(Assets::get("demo/mistakes.html").is_some());
        assert!(Assets::get("dashboard/index.html").is_some());
    }
}
