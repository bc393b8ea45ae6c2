//! Property: for random fixtures and random personas, no search, show or suggestion ever
//! returns an article that the visibility table (spec section 4, written out again here
//! independently of the server's code) denies.

use std::collections::BTreeMap;

use freshmock::fixtures::*;
use freshmock::tokens;
use proptest::prelude::*;
use reqwest::Method;
use serde_json::Value;

use crate::support::{fetch, pinned, Api, NOW};

const SECRET: &str = "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5";
const WORDS: [&str; 6] = ["password", "invoice", "login", "export", "billing", "setup"];
const LANGS: [&str; 2] = ["en", "fr"];

#[derive(Debug, Clone)]
struct GenFolder {
    visibility: u8,
    companies: Vec<Id>,
    contact_segments: Vec<Id>,
    company_segments: Vec<Id>,
    /// (published, languages present, word index)
    articles: Vec<(bool, Vec<bool>, usize)>,
}

#[derive(Debug, Clone)]
struct GenContact {
    companies: Vec<Id>,
    segments: Vec<Id>,
}

#[derive(Debug, Clone)]
struct World {
    /// Category of each folder (0..3), with the folder.
    folders: Vec<(u64, GenFolder)>,
    widget_categories: Vec<u64>,
    /// Company segments of companies 1..=3.
    company_segs: Vec<Vec<Id>>,
    contacts: Vec<GenContact>,
    suggestion: Option<Vec<usize>>,
    leak: bool,
}

fn ids(range: std::ops::RangeInclusive<u64>) -> impl Strategy<Value = Vec<Id>> {
    prop::collection::vec(range, 0..3).prop_map(|mut v| {
        v.sort_unstable();
        v.dedup();
        v
    })
}

fn folder() -> impl Strategy<Value = GenFolder> {
    (
        1u8..=7,
        ids(1..=3),
        ids(11..=12),
        ids(21..=22),
        prop::collection::vec(
            (
                any::<bool>(),
                prop::collection::vec(any::<bool>(), 2),
                0..WORDS.len(),
            ),
            1..5,
        ),
    )
        .prop_map(
            |(visibility, mut companies, mut contact_segments, mut company_segments, articles)| {
                // Restricted folders need at least one member to be valid fixtures.
                if companies.is_empty() {
                    companies.push(1);
                }
                if contact_segments.is_empty() {
                    contact_segments.push(11);
                }
                if company_segments.is_empty() {
                    company_segments.push(21);
                }
                GenFolder {
                    visibility,
                    companies,
                    contact_segments,
                    company_segments,
                    articles,
                }
            },
        )
}

fn world() -> impl Strategy<Value = World> {
    (
        prop::collection::vec((0u64..3, folder()), 1..7),
        ids(0..=2),
        prop::collection::vec(ids(21..=22), 3),
        prop::collection::vec(
            (ids(1..=3), ids(11..=12)).prop_map(|(companies, segments)| GenContact {
                companies,
                segments,
            }),
            1..5,
        ),
        prop::option::of(prop::collection::vec(0usize..40, 1..5)),
        any::<bool>(),
    )
        .prop_map(
            |(folders, widget_categories, company_segs, contacts, suggestion, leak)| World {
                folders,
                widget_categories,
                company_segs,
                contacts,
                suggestion,
                leak,
            },
        )
}

fn article_id(folder: usize, n: usize) -> Id {
    (folder as Id + 1) * 100 + n as Id
}

fn fixtures(w: &World) -> FixtureSet {
    let mut doc = serde_json::json!({
        "account": {
            "id": 1, "name": "Prop", "domain": "prop.freshdesk.com", "widget_secret": SECRET,
            "primary_language": "en", "portal_languages": ["fr"], "multilingual": true,
            "features": { "unlinked_category_leak": w.leak }
        },
        "widgets": [{ "id": 7, "categories": w.widget_categories.clone() }],
        "companies": (1..=3).map(|c| serde_json::json!({"id": c, "name": format!("Company {c}"), "segments": w.company_segs[c as usize - 1]})).collect::<Vec<_>>(),
        "segments": {
            "contact_segments": [{"id": 11, "name": "S11"}, {"id": 12, "name": "S12"}],
            "company_segments": [{"id": 21, "name": "C21"}, {"id": 22, "name": "C22"}]
        },
        "contacts": w.contacts.iter().enumerate().map(|(i, c)| serde_json::json!({
            "id": 1000 + i, "name": format!("Contact {i}"), "email": format!("c{i}@example.com"),
            "companies": c.companies, "segments": c.segments
        })).collect::<Vec<_>>(),
        "agents": [{"id": 2000, "name": "Agent", "email": "agent@example.com"}],
        "solutions": (0..3).map(|cat| serde_json::json!({
            "id": cat, "name": format!("Category {cat}"),
            "folders": w.folders.iter().enumerate().filter(|(_, (c, _))| *c == cat).map(|(fi, (_, f))| serde_json::json!({
                "id": fi + 1, "name": format!("Folder {fi}"), "visibility": f.visibility,
                "companies": f.companies, "contact_segments": f.contact_segments, "company_segments": f.company_segments,
                "articles": f.articles.iter().enumerate().map(|(n, (published, langs, word))| {
                    let mut translations = BTreeMap::new();
                    for (li, present) in langs.iter().enumerate() {
                        if *present || (li == 0 && !langs.iter().any(|p| *p)) {
                            translations.insert(LANGS[li], serde_json::json!({
                                "title": format!("{} {}", WORDS[*word], n),
                                "description": format!("<p>All about {} and more.</p>", WORDS[*word]),
                            }));
                        }
                    }
                    serde_json::json!({
                        "id": article_id(fi, n), "status": if *published { "published" } else { "draft" },
                        "hits": (fi * 7 + n * 3) % 11, "translations": translations
                    })
                }).collect::<Vec<_>>()
            })).collect::<Vec<_>>()
        })).collect::<Vec<_>>(),
    });
    if let Some(rule) = &w.suggestion {
        let all: Vec<Id> = w
            .folders
            .iter()
            .enumerate()
            .flat_map(|(fi, (_, f))| (0..f.articles.len()).map(move |n| article_id(fi, n)))
            .collect();
        let picked: Vec<Id> = rule.iter().map(|i| all[i % all.len()]).collect();
        doc["widgets"][0]["suggestions"] =
            serde_json::json!([{ "position": 1, "url": "/help", "articles": picked }]);
    }
    FixtureSet::from_document(&doc).expect("generated fixtures are valid")
}

#[derive(Debug, Clone, Copy)]
enum Persona {
    Anonymous,
    Contact(usize),
    Agent,
}

#[derive(Clone, Copy, PartialEq)]
enum Purpose {
    Show,
    Search,
}

/// The visibility table of spec section 4, plus the article rules, written out directly.
fn may_see(w: &World, persona: Persona, article: Id, lang: usize, purpose: Purpose) -> bool {
    let fi = (article / 100 - 1) as usize;
    let n = (article % 100) as usize;
    let Some((category, folder)) = w.folders.get(fi) else {
        return false;
    };
    let Some((published, langs, _)) = folder.articles.get(n) else {
        return false;
    };
    let has_lang = langs[lang] || (lang == 0 && !langs.iter().any(|p| *p));
    if !published || !has_lang {
        return false;
    }
    let (companies, segments): (Vec<Id>, Vec<Id>) = match persona {
        Persona::Contact(i) => (
            w.contacts[i].companies.clone(),
            w.contacts[i].segments.clone(),
        ),
        _ => (vec![], vec![]),
    };
    let company_segments: Vec<Id> = companies
        .iter()
        .flat_map(|c| w.company_segs[*c as usize - 1].clone())
        .collect();
    let meets = |a: &[Id], b: &[Id]| a.iter().any(|x| b.contains(x));
    let folder_ok = match (folder.visibility, persona, purpose) {
        (1, _, _) => true,
        (5, _, _) => false,
        (2, Persona::Anonymous, _) => false,
        (2, _, _) => true,
        (3, Persona::Agent, _) => true,
        (3, _, _) => false,
        (4, Persona::Agent, _) => true,
        (4, Persona::Contact(_), _) => meets(&companies, &folder.companies),
        (6 | 7, _, Purpose::Search) => false,
        (6 | 7, Persona::Agent, Purpose::Show) => true,
        (6, Persona::Contact(_), Purpose::Show) => meets(&segments, &folder.contact_segments),
        (7, Persona::Contact(_), Purpose::Show) => {
            meets(&company_segments, &folder.company_segments)
        }
        _ => false,
    };
    let linked = w.widget_categories.contains(category);
    let leaked = w.leak
        && purpose == Purpose::Show
        && matches!(persona, Persona::Contact(_))
        && !companies.is_empty()
        && matches!(folder.visibility, 4 | 6 | 7);
    folder_ok && (linked || leaked)
}

async fn get(server: &Api, path: &str, token: &Option<String>, referrer: &str) -> (u16, Value) {
    let mut request = server
        .widget(Method::GET, path, "7", "prop")
        .header("x-widget-referrer", referrer);
    if let Some(t) = token {
        request = request.header("x-widget-auth", t.as_str());
    }
    let reply = fetch(request).await;
    let body = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    (reply.status.as_u16(), body)
}

fn returned_ids(body: &Value) -> Vec<Id> {
    body.as_array()
        .map(|a| a.iter().filter_map(|x| x["id"].as_u64()).collect())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_endpoint_returns_an_article_the_table_denies(w in world(), persona_pick in 0usize..8) {
        let persona = match persona_pick % (w.contacts.len() + 2) {
            0 => Persona::Anonymous,
            1 => Persona::Agent,
            i => Persona::Contact(i - 2),
        };
        let token = match persona {
            Persona::Anonymous => None,
            Persona::Agent => Some(tokens::mint_for("Agent", "agent@example.com", NOW + 60, SECRET)),
            Persona::Contact(i) => Some(tokens::mint_for("C", &format!("c{i}@example.com"), NOW + 60, SECRET)),
        };
        let all: Vec<Id> = w.folders.iter().enumerate().flat_map(|(fi, (_, f))| (0..f.articles.len()).map(move |n| article_id(fi, n))).collect();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let server = Api::on(pinned().fixtures(fixtures(&w)).start().await);
            for (li, lang) in LANGS.iter().enumerate() {
                for word in WORDS {
                    let (status, body) = get(&server, &format!("/api/widget/search/solutions?term={word}&per_page=30&language={lang}"), &token, "").await;
                    prop_assert_eq!(status, 200);
                    for id in returned_ids(&body) {
                        prop_assert!(may_see(&w, persona, id, li, Purpose::Search), "search {} {} leaked {} to {:?}", lang, word, id, persona);
                    }
                    // Completeness: every article the table allows and that has the word is found.
                    let found = returned_ids(&body);
                    for &id in &all {
                        let fi = (id / 100 - 1) as usize;
                        let word_of = WORDS[w.folders[fi].1.articles[(id % 100) as usize].2];
                        if word_of == word && may_see(&w, persona, id, li, Purpose::Search) {
                            prop_assert!(found.contains(&id), "search {} {} missed {} for {:?}", lang, word, id, persona);
                        }
                    }
                }
                for &id in &all {
                    let (status, _) = get(&server, &format!("/api/widget/solutions/article/{id}?language={lang}"), &token, "").await;
                    let allowed = may_see(&w, persona, id, li, Purpose::Show);
                    prop_assert_eq!(status == 200, allowed, "show {} in {} for {:?}: {}", id, lang, persona, status);
                }
                for referrer in ["https://shop.test/help/page", "https://shop.test/other"] {
                    let (status, body) = get(&server, &format!("/api/widget/solutions/suggested_articles?language={lang}"), &token, referrer).await;
                    prop_assert_eq!(status, 200);
                    for id in returned_ids(&body) {
                        prop_assert!(may_see(&w, persona, id, li, Purpose::Show), "suggested {} leaked to {:?}", id, persona);
                    }
                }
            }
            Ok(())
        })?;
    }
}
