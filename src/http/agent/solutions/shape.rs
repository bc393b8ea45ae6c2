//! The knowledge base's records as the agent API answers them.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::domain::catalog::Catalog;
use crate::domain::fixtures::{Article, ArticleStatus, Category, Folder, Id, Visibility};
use crate::domain::html;
use crate::http::error::ApiError;
use crate::state::AppState;

/// The account's one portal, which `visible_in_portals` names (the account id here).
pub(super) fn portal_id(catalog: &Catalog) -> Id {
    catalog.fixtures.account.id
}

fn or_account_time(catalog: &Catalog, time: &Option<String>) -> String {
    time.clone()
        .unwrap_or_else(|| catalog.fixtures.account.created_at.clone())
}

pub(super) fn category_json(catalog: &Catalog, c: &Category, lang: Option<&str>) -> Value {
    let (name, description, created, updated) = match lang.and_then(|l| c.translations.get(l)) {
        Some(t) => (&t.name, &t.description, &t.created_at, &t.updated_at),
        None => (&c.name, &c.description, &c.created_at, &c.updated_at),
    };
    let portals = if c.visible_in_portals.is_empty() {
        vec![portal_id(catalog)]
    } else {
        c.visible_in_portals.clone()
    };
    json!({
        "id": c.id,
        "name": name,
        "description": description,
        "created_at": or_account_time(catalog, created),
        "updated_at": or_account_time(catalog, updated),
        "visible_in_portals": portals,
    })
}

pub(super) fn folder_json(
    catalog: &Catalog,
    category: &Category,
    f: &Folder,
    lang: Option<&str>,
) -> Value {
    let (name, description, created, updated) = match lang.and_then(|l| f.translations.get(l)) {
        Some(t) => (&t.name, &t.description, &t.created_at, &t.updated_at),
        None => (&f.name, &f.description, &f.created_at, &f.updated_at),
    };
    let mut v = json!({
        "id": f.id,
        "name": name,
        "description": description,
        "visibility": u8::from(f.visibility),
        "category_id": category.id,
        "articles_count": f.articles.len(),
        "created_at": or_account_time(catalog, created),
        "updated_at": or_account_time(catalog, updated),
    });
    match f.visibility {
        Visibility::Companies => v["company_ids"] = json!(f.companies),
        Visibility::ContactSegments => v["contact_segment_ids"] = json!(f.contact_segments),
        Visibility::CompanySegments => v["company_segment_ids"] = json!(f.company_segments),
        _ => {}
    }
    v
}

/// Counters the store adds to the fixtures' (hits, votes), by article and language.
#[derive(Default)]
pub(super) struct Counters {
    hits: HashMap<Id, u64>,
    votes: HashMap<(Id, String), (u64, u64)>,
}

impl Counters {
    /// The counters of these articles (only those: reading every article's votes took
    /// seconds at 100,000 articles).
    pub(super) async fn read(state: &AppState, ids: Vec<Id>) -> Result<Counters, ApiError> {
        let hits = state.live_hits().await?;
        let votes = state
            .votes_of_articles(ids)
            .await?
            .into_values()
            .flatten()
            .map(|v| ((v.article_id, v.language), (v.thumbs_up, v.thumbs_down)))
            .collect();
        Ok(Counters { hits, votes })
    }
}

pub(super) fn article_json(
    category: &Category,
    folder: &Folder,
    a: &Article,
    code: &str,
    counters: &Counters,
) -> Option<Value> {
    let t = a.translations.get(code)?;
    let (up, down) = counters
        .votes
        .get(&(a.id, code.to_owned()))
        .copied()
        .unwrap_or((t.thumbs_up, t.thumbs_down));
    let status = t.status.unwrap_or(a.status);
    Some(json!({
        "id": a.id,
        "type": a.article_type,
        "category_id": category.id,
        "folder_id": folder.id,
        "title": t.title,
        "description": t.description,
        "description_text": html::to_text(&t.description),
        "status": status_number(status),
        "agent_id": a.agent_id,
        "thumbs_up": up,
        "thumbs_down": down,
        "hits": counters.hits.get(&a.id).copied().unwrap_or(a.hits),
        "tags": a.tags,
        "seo_data": t.seo_data.as_deref().cloned().unwrap_or_default(),
        "attachments": t.attachments.iter().map(|at| json!({
            "id": at.id,
            "name": at.name,
            "content_type": at.content_type,
            "size": at.size,
        })).collect::<Vec<_>>(),
        "created_at": t.created_at.as_deref().unwrap_or(&t.modified_at),
        "updated_at": t.modified_at,
    }))
}

fn status_number(status: ArticleStatus) -> u8 {
    match status {
        ArticleStatus::Draft => 1,
        ArticleStatus::Published => 2,
    }
}
