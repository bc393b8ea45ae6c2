//! `GET /api/v2/search/solutions`.

use serde_json::Value;

use super::common::portal_language;
use super::shape::{article_json, Counters};
use crate::domain::people::Privilege;
use crate::http::agent::api::{self, Page};
use crate::http::error::ApiError;
use crate::http::reply::Answer;
use crate::http::request::Req;

/// `GET /api/v2/search/solutions?term=`: every article whose words match, drafts and
/// restricted folders included, best first, as a plain array (`language` picks the
/// translation searched, the primary by default).
pub async fn search(req: Req) -> Answer {
    api::caller(&req, Privilege::ViewSolutions)?;
    let params = req.params();
    params.only(&["term", "language", "page", "per_page"])?;
    let page = Page::of(&params)?;
    let term = params.get("term").map(str::trim).unwrap_or_default();
    if term.is_empty() {
        return Err(api::invalid(
            "term",
            "Mandatory attribute missing",
            "missing_field",
        ));
    }
    let catalog = req.state.catalog();
    let lang = match params.get("language") {
        None => catalog.languages.primary,
        Some(code) => portal_language(&catalog, code).map_err(|codes| {
            api::invalid(
                "language",
                format!("It should be one of these values: '{}'", codes.join(",")),
                "invalid_value",
            )
        })?,
    };
    let term = term.to_owned();
    // Enough for this page and to know whether another follows, never more than there are.
    let wanted = page
        .page
        .saturating_mul(page.per_page)
        .saturating_add(1)
        .min(catalog.article_count());
    let found = {
        let catalog = catalog.clone();
        tokio::task::spawn_blocking(move || catalog.agent_search(lang, &term, 0, wanted))
            .await
            .map_err(|e| ApiError::internal(format!("the search panicked: {e}")))?
            .map_err(ApiError::internal)?
    };
    let (shown, more) = page.slice(&found);
    let counters = Counters::read(&req.state, shown.to_vec()).await?;
    let items: Vec<Value> = shown
        .iter()
        .filter_map(|&id| {
            let a = catalog.article(id)?;
            article_json(a.category, a.folder, a.article, lang.code(), &counters)
        })
        .collect();
    api::page_answer(&req, page, &items, more)
}
