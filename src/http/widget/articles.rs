//! Knowledge-base reads: search, show (and its alias) and suggested articles.

use bytes::Bytes;
use http::StatusCode;
use serde::Serialize;
use serde_json::{json, Value};

use crate::domain::access::SearchAccess;
use crate::domain::catalog::ArticleRef;
use crate::domain::fixtures::Id;
use crate::domain::language::Lang;
use crate::http::context::{check, Login, WidgetCall, WidgetHeaders};
use crate::http::error::ApiError;
use crate::http::reply::{json_bytes_response, json_response, Answer};
use crate::http::request::Params;
use crate::http::request::Req;
use crate::state::answers::SearchKey;

/// `page` may not exceed this.
const MAX_PAGE: usize = 10;
/// `per_page` may not exceed this.
const MAX_PER_PAGE: usize = 30;
const DEFAULT_PER_PAGE: usize = 10;

/// The list item: `{id, title, modified_at, language_id}`.
#[derive(Serialize)]
struct Summary<'a> {
    id: Id,
    title: &'a str,
    /// In Freshdesk's form since the catalog loaded.
    modified_at: &'a str,
    language_id: u32,
}

fn summary(found: ArticleRef<'_>, lang: Lang) -> Option<Summary<'_>> {
    let tr = found.article.translations.get(lang.code())?;
    Some(Summary {
        id: found.article.id,
        title: &tr.title,
        modified_at: &tr.modified_at,
        language_id: lang.id(),
    })
}

fn summaries(call: &WidgetCall, lang: Lang, ids: Vec<Id>) -> Vec<Summary<'_>> {
    ids.into_iter()
        .filter_map(|id| call.catalog.article(id).and_then(|a| summary(a, lang)))
        .collect()
}

fn list(call: &WidgetCall, lang: Lang, ids: Vec<Id>) -> Answer {
    json_response(StatusCode::OK, &summaries(call, lang, ids))
}

/// `GET /api/widget/search/solutions?term=…`: the articles this caller may see that match.
pub async fn search(req: Req) -> Answer {
    let call = check(&req.state, WidgetHeaders::of(&req.headers), Login::Optional)?;
    // `k`, `id` and `solution` are among the parameters Freshdesk's search takes (and
    // ignores here): `DEFAULT_PARAMS` and `RESULTS_FIELDS` of its search controller.
    let params = Params::parse(
        req.query(),
        &[
            "term", "page", "per_page", "language", "k", "id", "solution",
        ],
    )?;
    let page = params.positive_int("page", MAX_PAGE, 1)?;
    let per_page = params.positive_int("per_page", MAX_PER_PAGE, DEFAULT_PER_PAGE)?;
    let lang = call.language(params.get("language"));
    // Freshdesk strips markup from the term before searching (`lib/search/utils.rb`).
    let term = strip_tags(params.get("term").unwrap_or_default());
    let term = term.as_ref();
    if term.trim().is_empty() {
        return json_response(StatusCode::OK, &Vec::<Value>::new());
    }
    let offset = (page - 1) * per_page;
    // Remembered answers belong to the account's catalog and are keyed by everything else
    // the answer depends on, so a remembered answer is the one a search would give. The
    // caller's token and status were checked above, as on every call.
    let key = SearchKey {
        widget: call.widget_id,
        lang,
        offset,
        limit: per_page,
        access: SearchAccess::of(&call.search_caller()),
        text: term.to_owned(),
    };
    if let Some(body) = req.state.answers().get(&call.catalog, &key) {
        return Ok(json_bytes_response(StatusCode::OK, body));
    }
    // Just after start-up the index may still be building: wait for it off the runtime.
    req.state.indexed_in(&call.catalog, lang).await;
    let ids = call
        .catalog
        .search(
            call.widget(),
            &call.search_caller(),
            lang,
            term,
            offset,
            per_page,
        )
        .map_err(ApiError::internal)?;
    let body = Bytes::from(serde_json::to_vec(&summaries(&call, lang, ids)).unwrap_or_default());
    req.state.answers().put(&call.catalog, key, body.clone());
    Ok(json_bytes_response(StatusCode::OK, body))
}

/// The term without its markup: each `<…>` tag removed (an unclosed `<` is kept).
fn strip_tags(term: &str) -> std::borrow::Cow<'_, str> {
    if !term.contains('<') {
        return term.into();
    }
    let mut out = String::with_capacity(term.len());
    let mut rest = term;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// `https://<portal>[/<lang>]/support/solutions/articles/<id>-<slug>`.
fn portal_link(call: &WidgetCall, id: Id, title: &str, lang: Lang) -> String {
    let account = &call.catalog.fixtures.account;
    let host = account.portal_host.as_deref().unwrap_or(&account.domain);
    let prefix = if account.multilingual {
        format!("/{}", lang.code())
    } else {
        String::new()
    };
    format!(
        "https://{host}{prefix}/support/solutions/articles/{id}-{}",
        slug(title)
    )
}

/// Lower-cased title (first 100 characters), runs of punctuation and space as `-`.
fn slug(title: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in title.to_lowercase().chars().take(100) {
        if c.is_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    out
}

/// `GET /api/widget/solutions/article/:id` (and `/solutions/:id`): one article, if this
/// caller may see it; an empty 404 otherwise, as for one that does not exist.
pub fn show(req: Req) -> Answer {
    let call = check(&req.state, WidgetHeaders::of(&req.headers), Login::Optional)?;
    let id: Id = req.id(0)?;
    // Freshdesk validates no parameter of article show: unknown ones are ignored.
    let params = req.params();
    let lang = call.language(params.get("language"));
    let found = call
        .catalog
        .check_article(call.widget(), &call.caller, lang, id)
        .map_err(|why| ApiError::not_found(call.catalog.explain(id, &why)))?;
    let tr = &found.article.translations[lang.code()];
    // In Freshdesk's form since the catalog loaded.
    let modified = &tr.modified_at;
    let account = &call.catalog.fixtures.account;
    let attachments: Vec<Value> = tr
        .attachments
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "created_at": modified,
                "updated_at": modified,
                "attachment_url": format!("https://{}/helpdesk/attachments/{}", account.domain, a.id),
            })
        })
        .collect();
    json_response(
        StatusCode::OK,
        &json!({
            "id": id,
            "title": tr.title,
            "modified_at": modified,
            "language_id": lang.id(),
            "attachments": attachments,
            "description": tr.description,
            "meta": { "portal_link": portal_link(&call, id, &tr.title, lang) },
        }),
    )
}

/// `GET /api/widget/solutions/suggested_articles`: the articles suggested for the page.
pub async fn suggested(req: Req) -> Answer {
    let call = check(&req.state, WidgetHeaders::of(&req.headers), Login::Optional)?;
    let params = Params::parse(req.query(), &["language"])?;
    let lang = call.language(params.get("language"));
    let hits = req.state.live_hits().await?;
    // The widget's suggestion rules apply only with the account's
    // help_widget_article_customisation feature; without it every page gets the most viewed.
    let referrer = call
        .catalog
        .fixtures
        .account
        .features
        .help_widget_article_customisation
        .then_some(call.headers.referrer.as_deref())
        .flatten();
    let ids = call
        .catalog
        .suggested(call.widget(), &call.caller, lang, referrer, &hits);
    list(&call, lang, ids)
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_follow_freshdesk() {
        assert_eq!(
            slug("How to reset your password?"),
            "how-to-reset-your-password-"
        );
        assert_eq!(
            slug("Réinitialiser  --  mot de passe"),
            "réinitialiser-mot-de-passe"
        );
    }
}
