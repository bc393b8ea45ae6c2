//! The knowledge base as the dashboard shows it: the tree with each folder's rule in words
//! (`GET /_freshmock/kb`), and what one persona gets from the widget (`GET
//! /_freshmock/view-as`).
//!
//! View-as answers from the same code a widget call runs: the persona gets a token signed
//! with the current secret, the call goes through the widget's header and token checks
//! ([`check`]), the language through the same resolution, and the articles through
//! [`Catalog::search`], [`Catalog::suggested`], [`Catalog::check_article`],
//! [`Catalog::check_searchable`] and [`Catalog::explain`]; companies, segments, widgets and
//! suggestion rules through the catalog's lookups. So what it shows cannot drift from what
//! the widget answers, and a test below compares the two for every persona and article.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

use crate::domain::access::Caller;
use crate::domain::catalog::{Catalog, Group};
use crate::domain::fixtures::{Article, Folder, Id, Visibility};
use crate::domain::language::Lang;
use crate::domain::people::{Role, User};
use crate::domain::token;
use crate::http::context::{check, Login, WidgetCall, WidgetHeaders};
use crate::http::error::ApiError;
use crate::http::reply::{ok, Answer};
use crate::http::request::Req;
use crate::state::{AppState, TranslationVotes};

/// Search results view-as lists: the widget's first page at its default size, as the widget asks for it.
const SEARCH_PAGE_SIZE: usize = 10;
/// Lifetime of the token view-as signs for a persona; it is used at once.
const PERSONA_TOKEN_TTL_SECS: i64 = 60;

/// `GET /_freshmock/view-as` parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ViewAs {
    /// A user's email (primary or secondary); absent or blank for anonymous.
    email: Option<String>,
    /// The widget's `language` parameter.
    language: Option<String>,
    /// The search term; no search when absent or blank.
    term: Option<String>,
    /// The page the widget is on (`X-Widget-Referrer`), for suggestion rules.
    referrer: Option<String>,
    /// The widget; the first active one by default.
    widget: Option<Id>,
    /// The browser's `Accept-Language`.
    accept_language: Option<String>,
}

/// `GET /_freshmock/kb`: the whole knowledge base with who may see each folder, and the
/// live hits and votes.
pub async fn kb(req: Req) -> Answer {
    let hits = req.state.live_hits().await?;
    let votes = req.state.votes_by_article().await?;
    ok(&tree(&req.state, &hits, votes)?)
}

/// `GET /_freshmock/view-as?email=…`: what one customer would get from the widget.
pub async fn view_as(req: Req) -> Answer {
    let params: ViewAs = req.query_as()?;
    let hits = req.state.live_hits().await?;
    view_as_with(&req.state, params, &hits)
}

fn visibility_label(v: Visibility) -> &'static str {
    match v {
        Visibility::Anyone => "Anyone",
        Visibility::LoggedIn => "Logged-in users",
        Visibility::Agents => "Agents",
        Visibility::Companies => "Companies",
        Visibility::Bots => "Bots",
        Visibility::ContactSegments => "Contact segments",
        Visibility::CompanySegments => "Company segments",
    }
}

fn named(catalog: &Catalog, group: Group, ids: &[Id]) -> Vec<Value> {
    ids.iter()
        .map(|&id| json!({ "id": id, "name": catalog.group_name(group, id) }))
        .collect()
}

/// The companies or segments a folder is restricted to, named (empty for the others).
fn restricted_to(catalog: &Catalog, folder: &Folder) -> Vec<Value> {
    catalog
        .restricted_to(folder)
        .into_iter()
        .map(|(id, name)| json!({ "id": id, "name": name }))
        .collect()
}

/// "Companies: Globex", "Anyone".
fn badge(catalog: &Catalog, folder: &Folder) -> String {
    let label = visibility_label(folder.visibility);
    let names: Vec<String> = catalog
        .restricted_to(folder)
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    if names.is_empty() {
        label.to_owned()
    } else {
        format!("{label}: {}", names.join(", "))
    }
}

/// The article's title in `lang`, else in the primary language, else any.
fn title(catalog: &Catalog, article: &Article, lang: Option<Lang>) -> String {
    let primary = catalog.languages.primary.code();
    lang.and_then(|l| article.translations.get(l.code()))
        .or_else(|| article.translations.get(primary))
        .or_else(|| article.translations.values().next())
        .map(|t| t.title.clone())
        .unwrap_or_default()
}

/// Categories → folders → articles, with visibility badges, languages, and the live hits
/// and votes (the fixtures' counters plus what the API counted since).
fn tree(
    state: &AppState,
    hits: &HashMap<Id, u64>,
    mut votes: HashMap<Id, Vec<TranslationVotes>>,
) -> Result<Value, ApiError> {
    let catalog = &*state.catalog();
    let account = &catalog.fixtures.account;
    let widgets: Vec<Value> = catalog
        .fixtures
        .widgets
        .iter()
        .map(|w| json!({ "id": w.id, "name": w.name, "active": w.active, "categories": w.categories }))
        .collect();
    let categories: Vec<Value> = catalog
        .fixtures
        .solutions
        .iter()
        .map(|category| {
            let linked: Vec<Id> = catalog.widgets_linking(category.id).collect();
            let folders: Vec<Value> = category
                .folders
                .iter()
                .map(|folder| {
                    let articles: Vec<Value> = folder
                        .articles
                        .iter()
                        .map(|a| {
                            let live = Live {
                                hits: hits.get(&a.id).copied().unwrap_or(a.hits),
                                votes: votes.remove(&a.id).unwrap_or_default(),
                            };
                            article_summary(catalog, a, &live)
                        })
                        .collect();
                    json!({
                        "id": folder.id,
                        "name": folder.name,
                        "visibility": folder.visibility,
                        "visibility_label": visibility_label(folder.visibility),
                        "badge": badge(catalog, folder),
                        "restricted_to": restricted_to(catalog, folder),
                        "articles": articles,
                    })
                })
                .collect();
            json!({ "id": category.id, "name": category.name, "widgets": linked, "folders": folders })
        })
        .collect();
    let companies: Vec<Value> = catalog
        .fixtures
        .companies
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name,
                "segments": named(catalog, Group::CompanySegment, &c.segments),
            })
        })
        .collect();
    let languages: Vec<&str> = catalog
        .languages
        .portal_languages()
        .map(|l| l.code())
        .collect();
    Ok(json!({
        "account": {
            "id": account.id,
            "name": account.name,
            "multilingual": account.multilingual,
            "primary_language": catalog.languages.primary.code(),
            "languages": languages,
            "unlinked_category_leak": account.features.unlinked_category_leak,
        },
        "widgets": widgets,
        "companies": companies,
        "segments": catalog.fixtures.segments,
        "categories": categories,
    }))
}

/// An article's live counters.
struct Live {
    hits: u64,
    votes: Vec<crate::state::TranslationVotes>,
}

/// An article in the tree: status, languages, hits and votes.
fn article_summary(catalog: &Catalog, article: &Article, live: &Live) -> Value {
    let counters = |code: &str| live.votes.iter().find(|v| v.language == code);
    let translations: Vec<Value> = article
        .translations
        .iter()
        .map(|(code, t)| {
            let v = counters(code);
            json!({
                "language": code,
                "title": t.title,
                "thumbs_up": v.map_or(t.thumbs_up, |v| v.thumbs_up),
                "thumbs_down": v.map_or(t.thumbs_down, |v| v.thumbs_down),
            })
        })
        .collect();
    let up: u64 = translations
        .iter()
        .filter_map(|t| t["thumbs_up"].as_u64())
        .sum();
    let down: u64 = translations
        .iter()
        .filter_map(|t| t["thumbs_down"].as_u64())
        .sum();
    json!({
        "id": article.id,
        "title": title(catalog, article, None),
        "status": article.status,
        "languages": article.translations.keys().collect::<Vec<_>>(),
        "hits": live.hits,
        "thumbs_up": up,
        "thumbs_down": down,
        "tags": article.tags,
        "translations": translations,
    })
}

fn view_as_with(state: &AppState, params: ViewAs, hits: &HashMap<Id, u64>) -> Answer {
    let catalog = state.catalog();
    let widget = match params.widget {
        Some(id) => catalog.widget(id).ok_or_else(|| {
            ApiError::control(
                StatusCode::NOT_FOUND,
                "unknown_widget",
                format!("widget {id} is not in the fixtures"),
            )
        })?,
        None => catalog.default_widget().ok_or_else(|| {
            ApiError::control(
                StatusCode::NOT_FOUND,
                "unknown_widget",
                "the fixtures have no active widget",
            )
        })?,
    };
    let email = params
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let persona = match email {
        Some(email) => {
            let user = state.read().directory.find_by_email(email).cloned();
            match user {
                Some(user) => persona_json(&catalog, &user),
                None => json!({ "kind": "unknown", "email": email }),
            }
        }
        None => json!({ "kind": "anonymous" }),
    };
    let headers = WidgetHeaders {
        widget_id: Some(widget.id.to_string().into()),
        client_id: Some("freshmock-dashboard".into()),
        auth: email.map(|e| persona_token(state, e).into()),
        accept_language: params.accept_language.clone().map(Into::into),
        referrer: params.referrer.clone().map(Into::into),
    };
    let term = params.term.as_deref().unwrap_or_default();
    let mut body = json!({
        "widget": widget.id,
        "persona": persona,
        "term": term,
        "referrer": params.referrer,
    });
    let call = match check(state, headers, Login::Optional) {
        Ok(call) => call,
        Err(refusal) => {
            let code = refusal
                .body()
                .and_then(|b| b["code"].as_str().map(str::to_owned));
            body["refused"] = json!({
                "status": refusal.status().as_u16(),
                "code": code,
                "reason": refusal.reason(),
            });
            body["sees_as"] = json!(null);
            body["search"] = json!([]);
            body["suggested"] = json!([]);
            body["articles"] = json!([]);
            return ok(&body);
        }
    };
    let lang = call.language(params.language.as_deref());
    let hints = call.language_hints(
        params.language.as_deref(),
        params.accept_language.as_deref(),
    );
    body["refused"] = json!(null);
    body["sees_as"] = json!(match call.caller {
        Caller::Anonymous => "anonymous",
        Caller::Contact { .. } => "contact",
        Caller::Agent => "agent",
    });
    body["language"] = json!(lang.code());
    body["language_reason"] = json!(call.catalog.languages.explain(hints));
    let search = if term.trim().is_empty() {
        Vec::new()
    } else {
        call.catalog
            .search(
                call.widget(),
                &call.search_caller(),
                lang,
                term,
                0,
                SEARCH_PAGE_SIZE,
            )
            .map_err(ApiError::internal)?
    };
    let suggested = call.catalog.suggested(
        call.widget(),
        &call.caller,
        lang,
        call.headers.referrer.as_deref(),
        hits,
    );
    body["search"] = json!(items(&call, lang, &search));
    body["suggested"] = json!(items(&call, lang, &suggested));
    body["suggestion_rule"] = json!(matching_rule(&call));
    body["articles"] = json!(access(&call, lang));
    ok(&body)
}

/// A token for the persona, signed with the current secret, as the customer's page would
/// send it.
fn persona_token(state: &AppState, email: &str) -> String {
    let world = state.read();
    let name = world
        .directory
        .find_by_email(email)
        .map_or_else(|| email.to_owned(), |u| u.name.clone());
    let exp = state.clock().now_secs() + PERSONA_TOKEN_TTL_SECS;
    token::mint(
        "HS256",
        &world.secret,
        &json!({ "name": name, "email": email, "exp": exp }),
    )
}

/// Who a user is, with companies and segments named.
fn persona_json(catalog: &Catalog, user: &User) -> Value {
    let mut v = json!({
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "state": user.state,
        "language": user.language,
    });
    match &user.role {
        Role::Contact {
            companies,
            segments,
        } => {
            v["kind"] = json!("contact");
            v["companies"] = json!(named(catalog, Group::Company, companies));
            v["contact_segments"] = json!(named(catalog, Group::ContactSegment, segments));
            let company_segments = catalog.company_segments_of(companies);
            v["company_segments"] = json!(named(catalog, Group::CompanySegment, &company_segments));
        }
        Role::Agent {
            admin,
            manage_tickets,
            ..
        } => {
            v["kind"] = json!("agent");
            v["admin"] = json!(admin);
            v["manage_tickets"] = json!(manage_tickets);
        }
    }
    v
}

/// List items for ids, titled in the call's language.
fn items(call: &WidgetCall, lang: Lang, ids: &[Id]) -> Vec<Value> {
    ids.iter()
        .filter_map(|&id| {
            let found = call.catalog.article(id)?;
            Some(json!({
                "id": id,
                "title": title(&call.catalog, found.article, Some(lang)),
                "folder": found.folder.id,
                "category": found.category.id,
            }))
        })
        .collect()
}

/// The suggestion rule whose URL is in the referrer, as [`Catalog::suggested`] picks it.
fn matching_rule(call: &WidgetCall) -> Option<String> {
    call.catalog
        .suggestion_rule(call.widget(), call.headers.referrer.as_deref())
        .map(|rule| rule.url.clone())
}

/// Every article: may this persona open it, find it by search, and if not, why not.
fn access(call: &WidgetCall, lang: Lang) -> Vec<Value> {
    let catalog = &call.catalog;
    let widget = call.widget();
    catalog
        .fixtures
        .articles()
        .map(|(category, folder, article)| {
            let id = article.id;
            let shown = catalog.check_article(widget, &call.caller, lang, id);
            let searched = catalog.check_searchable(widget, &call.search_caller(), lang, id);
            json!({
                "id": id,
                "title": title(catalog, article, Some(lang)),
                "folder": folder.id,
                "folder_name": folder.name,
                "category": category.id,
                "visible": shown.is_ok(),
                "reason": shown.err().map(|why| catalog.explain(id, &why)),
                "searchable": searched.is_ok(),
                "search_reason": searched.err().map(|why| catalog.explain(id, &why)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Config;

    /// What the widget API answers a persona, by status and body.
    async fn api(state: &AppState, email: Option<&str>, path: &str) -> (StatusCode, Value) {
        let widget = state.catalog().default_widget().unwrap().id;
        let mut request = warp::test::request()
            .path(path)
            .header("X-Widget-Id", widget.to_string())
            .header("X-Client-Id", "view-as-test");
        if let Some(email) = email {
            request = request.header("X-Widget-Auth", persona_token(state, email));
        }
        let reply = request
            .reply(&crate::http::dispatch::app(state.clone()))
            .await;
        let body = serde_json::from_slice(reply.body()).unwrap_or(Value::Null);
        (reply.status(), body)
    }

    /// View-as's verdict on every article (visible, searchable) is the widget API's, for
    /// anonymous and every bundled user.
    #[tokio::test]
    async fn view_as_agrees_with_the_widget_api_for_every_persona_and_article() {
        let state = AppState::new(Config::bundled()).unwrap();
        state.catalog().wait_indexed().unwrap();
        let emails: Vec<String> = state
            .read()
            .directory
            .users()
            .map(|u| u.email.clone())
            .collect();
        let personas = std::iter::once(None).chain(emails.iter().map(|e| Some(e.as_str())));
        let (mut shown, mut searched) = (0, 0);
        for email in personas {
            let query = email.map_or_else(String::new, |e| format!("?email={e}"));
            let view = warp::test::request()
                .path(&format!("/_freshmock/view-as{query}"))
                .reply(&crate::http::dispatch::app(state.clone()))
                .await;
            assert_eq!(view.status(), StatusCode::OK, "{email:?}");
            let view: Value = serde_json::from_slice(view.body()).unwrap();
            let refused = !view["refused"].is_null();
            let articles = view["articles"].as_array().unwrap().clone();
            assert_eq!(
                articles.is_empty(),
                refused,
                "{email:?}: view-as lists articles unless refused"
            );
            for (_, _, article) in state.catalog().fixtures.articles() {
                let id = article.id;
                let (status, _) = api(
                    &state,
                    email,
                    &format!("/api/widget/solutions/article/{id}"),
                )
                .await;
                let entry = articles.iter().find(|a| a["id"] == json!(id));
                let visible = entry.is_some_and(|a| a["visible"] == json!(true));
                assert_eq!(
                    status == StatusCode::OK,
                    visible,
                    "{email:?}, article {id}: show answered {status}"
                );
                shown += usize::from(visible);
                let Some(entry) = entry else { continue };
                let title = entry["title"].as_str().unwrap();
                let term: String =
                    serde_urlencoded::to_string([("term", title), ("per_page", "30")]).unwrap();
                let (status, hits) = api(
                    &state,
                    email,
                    &format!("/api/widget/search/solutions?{term}"),
                )
                .await;
                assert_eq!(status, StatusCode::OK);
                let found = hits
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|h| h["id"] == json!(id));
                assert_eq!(
                    found,
                    entry["searchable"] == json!(true),
                    "{email:?}, article {id}: search for {title:?}"
                );
                searched += usize::from(found);
            }
        }
        assert!(shown > 0 && searched > 0);
    }
}
