//! Generated fixture sets of any size, for benchmarks and load tests.
//!
//! `freshmock generate --articles N` writes a fixture folder that `freshmock check` accepts:
//! the demo personas (alice@globex.test and friends, with the same companies, segments and
//! agents), widget `12000000025` linking every category but one, folders of every
//! visibility kind in every category, and `N` articles whose titles and bodies come from a
//! small help-centre vocabulary in each language (en, fr, de, es), so that searches such as
//! `password` or `invoice` find a realistic share of them. The same options and seed always
//! give the same files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use freshmock::fixtures::{
    Account, Agent, Article, ArticleAttachment, ArticleStatus, Category, Company, Contact,
    ContactState, Features, FixtureError, FixtureSet, Folder, Id, Segment, Segments,
    SuggestionRule, TicketField, Translation, Translations, Visibility, Widget, WidgetSettings,
};
use freshmock::Lang;

mod rng;
mod text;

use rng::Rng;
use text::{vocabulary, ArticlePlan, Topic, WORDS};

/// Languages used unless told otherwise.
pub const DEFAULT_LANGUAGES: &str = "en,fr,de";
/// Seed used unless told otherwise.
pub const DEFAULT_SEED: u64 = 1;
/// The widget every generated set has, linking every category but the last.
pub const WIDGET_ID: Id = 12_000_000_025;
/// Roughly one category per this many articles (at least three).
const ARTICLES_PER_CATEGORY: usize = 2500;
/// The first generated article id; ids then follow one another.
const FIRST_ARTICLE_ID: Id = 1_000_001;
const FIRST_ATTACHMENT_ID: Id = 7_000_001;
/// Chance (in percent) that an article is a draft, that a non-primary translation is
/// missing, and that a translation carries an attachment.
const DRAFT_PERCENT: u64 = 4;
const MISSING_TRANSLATION_PERCENT: u64 = 10;
const ATTACHMENT_PERCENT: u64 = 3;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub articles: usize,
    /// The primary language first, then the other portal languages.
    pub languages: Vec<Lang>,
    pub seed: u64,
}

impl Options {
    /// Options from a comma-separated language list (`en,fr,de`), primary first.
    pub fn new(articles: usize, languages: &str, seed: u64) -> Result<Options, GenerateError> {
        let mut langs = Vec::new();
        for code in languages
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let lang = Lang::parse(code)
                .filter(|l| vocabulary(*l).is_some())
                .ok_or_else(|| GenerateError::Language(code.to_owned()))?;
            if !langs.contains(&lang) {
                langs.push(lang);
            }
        }
        if langs.is_empty() {
            return Err(GenerateError::Language(languages.to_owned()));
        }
        Ok(Options {
            articles,
            languages: langs,
            seed,
        })
    }
}

/// Why a fixture set could not be generated or written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("cannot generate text in '{0}': the generator knows en, fr, de and es")]
    Language(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the generated set is invalid (a generator bug): {0}")]
    Invalid(#[from] FixtureError),
}

/// The folders of every category: name, visibility and share of the articles (percent).
const FOLDERS: [(&str, Visibility, u64); 8] = [
    ("General", Visibility::Anyone, 35),
    ("How-to guides", Visibility::Anyone, 20),
    ("Members area", Visibility::LoggedIn, 20),
    ("Agent playbooks", Visibility::Agents, 5),
    ("Customer corner", Visibility::Companies, 10),
    ("Bot answers", Visibility::Bots, 2),
    ("Beta programme", Visibility::ContactSegments, 4),
    ("Enterprise desk", Visibility::CompanySegments, 4),
];

/// The demo's companies: id, name and company segments (folders restricted to companies
/// name them).
const DEMO_COMPANIES: [(Id, &str, &[Id]); 3] = [
    (101, "Globex", &[]),
    (102, "Initech", &[]),
    (103, "Umbrella", &[301]),
];

/// A timestamp between 2024-01-01 and mid-2026.
fn timestamp(rng: &mut Rng) -> String {
    const START: i64 = 1_704_067_200;
    const SPAN: u64 = 78_000_000;
    format_timestamp(START + rng.below(SPAN) as i64)
}

/// Builds a fixture set in memory (validated before it is returned). Each part is made by
/// its own function below; they draw from one random sequence, so the order they are
/// called in is part of what a seed gives.
pub fn generate(options: &Options) -> Result<FixtureSet, GenerateError> {
    let mut rng = Rng(options.seed ^ 0xF2E5_D0C4);
    let langs = &options.languages;
    let n = options.articles;
    let demo = FixtureSet::bundled()?;

    let companies = companies(n, &mut rng);
    let contacts = contacts(n, &demo, langs, &companies, &mut rng);
    let agents = agents(n, &demo, &mut rng);
    let mut solutions = categories(n);
    articles(&mut solutions, n, langs, &mut rng);
    let set = FixtureSet {
        account: account(&demo, langs),
        widgets: widgets(&solutions),
        companies,
        segments: segments(),
        contacts: contacts.into(),
        agents,
        solutions,
        ticket_fields: ticket_fields(&demo, langs),
    };
    freshmock::fixtures::validate::validate(&set)?;
    Ok(set)
}

/// The account: Acme with the demo's secret, in the generated languages.
fn account(demo: &FixtureSet, langs: &[Lang]) -> Account {
    Account {
        id: 1,
        name: "Acme Corp (generated)".into(),
        domain: "acme.freshdesk.com".into(),
        portal_host: Some("support.acme.test".into()),
        widget_secret: demo.account.widget_secret.clone(),
        primary_language: langs[0].code().into(),
        portal_languages: langs[1..].iter().map(|l| l.code().to_owned()).collect(),
        portal_language: None,
        multilingual: langs.len() > 1,
        features: Features::default(),
        created_at: "2024-01-01T00:00:00Z".into(),
    }
}

/// The demo's companies, then one more per 2,000 articles (60 at most).
fn companies(n: usize, rng: &mut Rng) -> Vec<Company> {
    let mut companies: Vec<Company> = DEMO_COMPANIES
        .iter()
        .map(|&(id, name, segments)| Company {
            id,
            name: name.into(),
            segments: segments.to_vec(),
            ..Company::default()
        })
        .collect();
    let extra_companies = (n / 2000).min(60) as u64;
    for i in 0..extra_companies {
        let [first, second] = &WORDS.company_name_parts;
        let forms = &WORDS.company_legal_forms;
        let k = i as usize;
        let name = format!(
            "{}{} {}",
            first[k % first.len()],
            second[k / first.len() % second.len()],
            forms[k % forms.len()]
        );
        companies.push(Company {
            id: 104 + i,
            name,
            segments: if rng.percent(30) {
                vec![302]
            } else {
                Vec::new()
            },
            ..Company::default()
        });
    }
    companies
}

/// The demo's segments: two of contacts, two of companies.
fn segments() -> Segments {
    Segments {
        contact_segments: vec![
            Segment {
                id: 201,
                name: "Beta testers".into(),
            },
            Segment {
                id: 202,
                name: "Early adopters".into(),
            },
        ],
        company_segments: vec![
            Segment {
                id: 301,
                name: "Enterprise customers".into(),
            },
            Segment {
                id: 302,
                name: "Partners".into(),
            },
        ],
    }
}

/// The demo's personas, from the bundled fixtures (so a generated set logs in the same
/// people as the demo), with preferred languages the set does not have cleared; then one
/// generated customer per 50 articles (5,000 at most).
fn contacts(
    n: usize,
    demo: &FixtureSet,
    langs: &[Lang],
    companies: &[Company],
    rng: &mut Rng,
) -> Vec<Contact> {
    let mut contacts = (*demo.contacts).clone();
    for contact in &mut contacts {
        let generated = contact
            .language
            .as_deref()
            .and_then(Lang::parse)
            .is_some_and(|l| langs.contains(&l));
        if !generated {
            contact.language = None;
        }
    }
    for i in 0..(n / 50).min(5000) as u64 {
        let first = rng.pick(&WORDS.first_names);
        let last = rng.pick(&WORDS.last_names);
        let company = rng
            .percent(70)
            .then(|| companies[rng.below(companies.len() as u64) as usize].id);
        let local: String = format!("{first}.{last}")
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'é' => 'e',
                'í' => 'i',
                'ü' => 'u',
                c => c,
            })
            .collect();
        contacts.push(Contact {
            id: 10_001 + i,
            name: format!("{first} {last}"),
            email: format!("{local}.{}@customers.test", 10_001 + i),
            other_emails: Vec::new(),
            phone: None,
            mobile: None,
            language: (langs.len() > 1 && rng.percent(20))
                .then(|| rng.pick(langs).code().to_owned()),
            external_id: None,
            companies: company.into_iter().collect(),
            segments: if rng.percent(5) {
                vec![202]
            } else {
                Vec::new()
            },
            state: if rng.percent(2) {
                ContactState::Blocked
            } else {
                ContactState::Active
            },
        });
    }
    contacts
}

/// The demo's agents, then one more per 5,000 articles (100 at most).
fn agents(n: usize, demo: &FixtureSet, rng: &mut Rng) -> Vec<Agent> {
    let mut agents = demo.agents.clone();
    for i in 0..(n / 5000).min(100) as u64 {
        let first = rng.pick(&WORDS.first_names);
        agents.push(Agent {
            id: 20_001 + i,
            name: format!("{first} Agent {}", i + 1),
            email: format!("agent{}@acme.test", i + 1),
            language: None,
            admin: false,
            manage_tickets: true,
            api_key: None,
            role: None,
        });
    }
    agents
}

/// One category per [`ARTICLES_PER_CATEGORY`] articles (three at least), each with one
/// folder of each kind and no articles yet; the last one is linked to no widget.
fn categories(n: usize) -> Vec<Category> {
    let count = n.div_ceil(ARTICLES_PER_CATEGORY).max(3);
    let mut categories: Vec<Category> = (0..count)
        .map(|ci| {
            let id = ci as Id + 1;
            let names = &WORDS.category_names;
            let base = &names[ci % names.len()];
            let name = match ci / names.len() {
                0 => base.to_owned(),
                k => format!("{base} ({})", k + 1),
            };
            Category {
                id,
                name,
                description: String::new(),
                visible_in_portals: Vec::new(),
                created_at: None,
                updated_at: None,
                translations: BTreeMap::new(),
                folders: folders(ci, id),
            }
        })
        .collect();
    if let Some(last) = categories.last_mut() {
        last.name = "Partner network".into();
    }
    categories
}

/// The folders of the `ci`-th category (id `category`): one of each of [`FOLDERS`],
/// those restricted to a company for one of the demo's companies in turn.
fn folders(ci: usize, category: Id) -> Vec<Folder> {
    FOLDERS
        .iter()
        .enumerate()
        .map(|(fi, (folder_name, visibility, _))| {
            let (company, company_name, _) = DEMO_COMPANIES[ci % DEMO_COMPANIES.len()];
            let (companies, contact_segments, company_segments) = match visibility {
                Visibility::Companies => (vec![company], Vec::new(), Vec::new()),
                Visibility::ContactSegments => (Vec::new(), vec![201], Vec::new()),
                Visibility::CompanySegments => (Vec::new(), Vec::new(), vec![301]),
                _ => (Vec::new(), Vec::new(), Vec::new()),
            };
            let name = if *visibility == Visibility::Companies {
                format!("{company_name} {}", folder_name.to_lowercase())
            } else {
                (*folder_name).to_owned()
            };
            Folder {
                id: category * 100 + fi as Id + 1,
                name,
                visibility: *visibility,
                companies,
                contact_segments,
                company_segments,
                description: String::new(),
                created_at: None,
                updated_at: None,
                translations: BTreeMap::new(),
                articles: Default::default(),
            }
        })
        .collect()
}

/// `n` articles, over the categories in turn and over each category's folders by the
/// folders' shares.
fn articles(categories: &mut [Category], n: usize, langs: &[Lang], rng: &mut Rng) {
    let mut attachment_id = FIRST_ATTACHMENT_ID;
    for i in 0..n {
        let category = i % categories.len();
        let folder = folder_index(rng);
        let article = article(FIRST_ARTICLE_ID + i as Id, langs, &mut attachment_id, rng);
        std::sync::Arc::make_mut(&mut categories[category].folders[folder].articles)
            .push(std::sync::Arc::new(article));
    }
}

/// Which of [`FOLDERS`] an article goes to, by their shares.
fn folder_index(rng: &mut Rng) -> usize {
    let total_share: u64 = FOLDERS.iter().map(|f| f.2).sum();
    let mut roll = rng.below(total_share);
    FOLDERS
        .iter()
        .position(|f| {
            if roll < f.2 {
                true
            } else {
                roll -= f.2;
                false
            }
        })
        .unwrap_or(0)
}

/// One article about a topic, in the primary language and most others (drafts in the
/// primary one only); `attachment_id` is the next attachment's id.
fn article(id: Id, langs: &[Lang], attachment_id: &mut Id, rng: &mut Rng) -> Article {
    let topic = rng.pick(&WORDS.topics);
    let plan = ArticlePlan::draw(rng);
    let mut tags = vec![topic.tag.to_owned()];
    tags.extend(
        topic
            .tags
            .iter()
            .filter(|_| rng.percent(60))
            .map(|t| t.to_owned()),
    );
    let draft = rng.percent(DRAFT_PERCENT);
    let mut translations = Translations::new();
    for (li, &lang) in langs.iter().enumerate() {
        if li > 0 && (draft || rng.percent(MISSING_TRANSLATION_PERCENT)) {
            continue;
        }
        let translation = translation(&plan, topic, lang, attachment_id, rng);
        translations.insert(lang.code().to_owned(), translation);
    }
    Article {
        id,
        status: if draft {
            ArticleStatus::Draft
        } else {
            ArticleStatus::Published
        },
        tags,
        // Most articles are read a little, a few a lot.
        hits: rng.below(100) * rng.below(100) + rng.below(50),
        article_type: 1,
        agent_id: None,
        translations,
    }
}

/// An article's translation into one language, now and then with an attachment.
fn translation(
    plan: &ArticlePlan,
    topic: &Topic,
    lang: Lang,
    attachment_id: &mut Id,
    rng: &mut Rng,
) -> Translation {
    let v = vocabulary(lang).expect("checked by Options::new");
    let attachments = if rng.percent(ATTACHMENT_PERCENT) {
        *attachment_id += 1;
        vec![ArticleAttachment {
            id: *attachment_id - 1,
            name: format!("{}-{}-{}.pdf", topic.tag, v.attachment, lang.code()),
            content_type: "application/pdf".into(),
            size: 20_000 + rng.below(2_000_000),
        }]
    } else {
        Vec::new()
    };
    let up = rng.below(60);
    Translation {
        title: plan.title(v, topic),
        description: plan.body(v, topic),
        modified_at: timestamp(rng),
        thumbs_up: up,
        thumbs_down: rng.below(up / 4 + 1),
        attachments,
        status: None,
        created_at: None,
        seo_data: None,
    }
}

/// The widgets: the one linking every category but the last, with suggestion rules; an
/// inactive one; a login-only portal form.
fn widgets(categories: &[Category]) -> Vec<Widget> {
    let linked: Vec<Id> = categories
        .iter()
        .take(categories.len() - 1)
        .map(|c| c.id)
        .collect();
    let public_articles = |category: usize| -> Vec<Id> {
        categories
            .get(category)
            .map(|c| c.folders[0].articles.iter().take(3).map(|a| a.id).collect())
            .unwrap_or_default()
    };
    let suggestions: Vec<SuggestionRule> = [("/pricing", 1), ("/account", 0)]
        .into_iter()
        .enumerate()
        .filter_map(|(i, (url, category))| {
            let articles = public_articles(category);
            (!articles.is_empty()).then(|| SuggestionRule {
                position: i as u32 + 1,
                url: url.into(),
                articles,
            })
        })
        .collect();
    let mut help = widget(WIDGET_ID, "Help widget", linked.clone());
    help.settings.components.solution_articles = true;
    help.suggestions = suggestions;
    let mut retired = widget(WIDGET_ID + 1, "Retired widget", linked.clone());
    retired.active = false;
    let mut portal = widget(WIDGET_ID + 2, "Customer portal form", linked);
    portal.settings.components.solution_articles = true;
    portal.settings.contact_form.form_type = 2;
    portal.settings.contact_form.require_login = true;
    vec![help, retired, portal]
}

fn widget(id: Id, name: &str, categories: Vec<Id>) -> Widget {
    Widget {
        id,
        name: name.into(),
        product_id: None,
        active: true,
        date_format: 1,
        categories,
        settings: WidgetSettings::default(),
        suggestions: Vec::new(),
        created_at: "2024-01-01T00:00:00Z".into(),
        updated_at: "2024-01-01T00:00:00Z".into(),
    }
}

/// The demo's contact form, labelled in the generated languages (the primary one at
/// least, in English words when the demo has no translation).
fn ticket_fields(demo: &FixtureSet, langs: &[Lang]) -> Vec<TicketField> {
    let mut ticket_fields = demo.ticket_fields.clone();
    for field in &mut ticket_fields {
        let english = field.labels.get("en").cloned();
        field
            .labels
            .retain(|code, _| Lang::parse(code).is_some_and(|l| langs.contains(&l)));
        if let Some(english) = english {
            field
                .labels
                .entry(langs[0].code().to_owned())
                .or_insert(english);
        }
    }
    ticket_fields
}

/// Writes a fixture set as a folder (`account.json`, `widgets.json` ...), creating it if
/// needed and replacing those files if they exist.
pub fn write_dir(set: &FixtureSet, dir: &Path) -> Result<(), GenerateError> {
    std::fs::create_dir_all(dir).map_err(|source| GenerateError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    save(dir, "account", &set.account)?;
    save(dir, "widgets", &set.widgets)?;
    save(dir, "companies", &set.companies)?;
    save(dir, "segments", &set.segments)?;
    save(dir, "contacts", &set.contacts)?;
    save(dir, "agents", &set.agents)?;
    save(dir, "solutions", &set.solutions)?;
    save(dir, "ticket_fields", &set.ticket_fields)
}

/// Writes one file as pretty JSON (2-space indent, as the bundled files are).
fn save<T: Serialize + ?Sized>(dir: &Path, stem: &str, value: &T) -> Result<(), GenerateError> {
    let path = dir.join(format!("{stem}.json"));
    let write = || -> std::io::Result<()> {
        let file = std::fs::File::create(&path)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        serde_json::to_writer_pretty(&mut out, value)?;
        out.write_all(b"\n")?;
        out.flush()
    };
    write().map_err(|source| GenerateError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// A fixture time as Freshdesk writes it (`2026-09-14T08:12:30Z`).
fn format_timestamp(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
            ))
            .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use freshmock::fixtures::validate::validate;

    fn small(seed: u64) -> FixtureSet {
        generate(&Options::new(120, "en,fr,de", seed).unwrap()).unwrap()
    }

    #[test]
    fn generated_set_is_valid_and_has_the_requested_size() {
        let set = small(7);
        assert!(validate(&set).is_ok());
        assert_eq!(set.articles().count(), 120);
        assert_eq!(set.account.primary_language, "en");
        assert_eq!(set.account.portal_languages, vec!["fr", "de"]);
    }

    #[test]
    fn same_seed_gives_the_same_set_and_another_seed_another() {
        let a = serde_json::to_string(&small(3).to_document()).unwrap();
        let b = serde_json::to_string(&small(3).to_document()).unwrap();
        let c = serde_json::to_string(&small(4).to_document()).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn every_visibility_kind_and_the_demo_personas_are_present() {
        let set = small(1);
        for v in 1..=7u8 {
            let kind = Visibility::try_from(v).unwrap();
            assert!(
                set.solutions
                    .iter()
                    .flat_map(|c| &c.folders)
                    .any(|f| f.visibility == kind && !f.articles.is_empty()),
                "no articles with visibility {v}"
            );
        }
        let alice = set
            .contacts
            .iter()
            .find(|c| c.email == "alice@globex.test")
            .unwrap();
        assert_eq!(alice.companies, vec![101]);
        let widget = set.widgets.iter().find(|w| w.id == WIDGET_ID).unwrap();
        assert!(widget.active);
        assert_eq!(widget.categories.len(), set.solutions.len() - 1);
    }

    #[test]
    fn translations_are_in_each_language_and_say_the_same_thing() {
        let set = small(2);
        let article = set
            .articles()
            .map(|(_, _, a)| a)
            .find(|a| a.tags[0] == "password" && a.translations.len() == 3)
            .expect("a password article in three languages");
        assert!(article.translations["en"].title.contains("password"));
        assert!(article.translations["fr"].title.contains("mot de passe"));
        assert!(article.translations["de"].title.contains("Passwort"));
        assert!(article.translations["en"].description.starts_with("<p>"));
    }

    #[test]
    fn written_folder_loads_like_any_fixture_folder() {
        let dir = std::env::temp_dir().join(format!("freshmock-generate-{}", std::process::id()));
        let set = generate(&Options::new(40, "de,es", 9).unwrap()).unwrap();
        write_dir(&set, &dir).unwrap();
        let loaded = FixtureSet::from_dir(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        let loaded = loaded.unwrap();
        assert_eq!(loaded.articles().count(), 40);
        assert_eq!(loaded.account.primary_language, "de");
        assert!(loaded
            .ticket_fields
            .iter()
            .all(|f| f.labels.contains_key("de")));
    }

    #[test]
    fn unknown_or_missing_languages_are_refused() {
        assert!(matches!(
            Options::new(10, "en,xx", 1),
            Err(GenerateError::Language(code)) if code == "xx"
        ));
        assert!(matches!(
            Options::new(10, "ja-JP", 1),
            Err(GenerateError::Language(_))
        ));
        assert!(Options::new(10, " ", 1).is_err());
    }

    #[test]
    fn an_empty_set_is_still_valid() {
        let set = generate(&Options::new(0, "en", 1).unwrap()).unwrap();
        assert_eq!(set.articles().count(), 0);
        assert!(!set.account.multilingual);
    }
}
