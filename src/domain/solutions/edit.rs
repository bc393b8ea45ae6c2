//! What a call of the agent API asks of a record, laid over it: a category's or folder's
//! name and description ([`NameEdit`]), with their portals ([`CategoryEdit`]) or access
//! ([`FolderEdit`]), and an article's fields ([`ArticleEdit`]). An edit checks the
//! account's rules ([`super::rules`]) before it changes anything; fields a call leaves out
//! stay as they are.

use serde_json::{Map, Value};

use std::collections::BTreeMap;

use super::rules::{self, Access, Refusal, TranslationCall};
use crate::domain::fixtures::{
    Article, ArticleStatus, Category, Folder, Id, NameTranslation, Translation, Visibility,
};
use crate::domain::invalid::Invalid;

/// A category's or folder's name and description, each when given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameEdit {
    pub name: Option<String>,
    pub description: Option<String>,
}

impl NameEdit {
    /// The `code` version of `what` (say `"folder 7"`) made or changed at `now`, as `call`
    /// asks, among the record's `translations` (see [`rules::check_translation_call`]).
    pub fn translate(
        self,
        translations: &mut BTreeMap<String, NameTranslation>,
        call: TranslationCall,
        primary: &str,
        code: &str,
        now: &str,
        what: &str,
    ) -> Result<(), Refusal> {
        let existing = translations.get(code).cloned();
        rules::check_translation_call(call, primary, code, existing.is_some(), what)?;
        translations.insert(code.to_owned(), self.translation(existing, now));
        Ok(())
    }

    /// The `:language` version made (`existing` none) or changed at `now`.
    fn translation(self, existing: Option<NameTranslation>, now: &str) -> NameTranslation {
        let mut t = existing.unwrap_or(NameTranslation {
            name: String::new(),
            description: String::new(),
            created_at: Some(now.to_owned()),
            updated_at: None,
        });
        self.lay_over(&mut t.name, &mut t.description);
        t.updated_at = Some(now.to_owned());
        t
    }

    fn lay_over(self, name: &mut String, description: &mut String) {
        if let Some(new) = self.name {
            *name = new;
        }
        if let Some(new) = self.description {
            *description = new;
        }
    }
}

/// A category as a call gives it: name, description, portals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryEdit {
    pub named: NameEdit,
    pub portals: Option<Vec<Id>>,
}

impl CategoryEdit {
    /// The category `id` made at `now` among `categories`, in the account's `portal`.
    pub fn create(
        self,
        categories: &[Category],
        portal: Id,
        id: Id,
        now: &str,
    ) -> Result<Category, Invalid> {
        let name = self.named.name.unwrap_or_default();
        rules::check_portals(portal, self.portals.as_deref())?;
        rules::unique_category_name(categories, &name, None)?;
        Ok(Category {
            id,
            name,
            description: self.named.description.unwrap_or_default(),
            visible_in_portals: self.portals.unwrap_or_default(),
            created_at: Some(now.to_owned()),
            updated_at: Some(now.to_owned()),
            translations: Default::default(),
            folders: Vec::new(),
        })
    }

    /// `category`, one of `categories`, changed at `now`.
    pub fn update(
        self,
        categories: &[Category],
        portal: Id,
        category: &mut Category,
        now: &str,
    ) -> Result<(), Invalid> {
        rules::check_portals(portal, self.portals.as_deref())?;
        if let Some(name) = &self.named.name {
            rules::unique_category_name(categories, name, Some(category.id))?;
        }
        self.named
            .lay_over(&mut category.name, &mut category.description);
        if let Some(portals) = self.portals {
            category.visible_in_portals = portals;
        }
        category.updated_at = Some(now.to_owned());
        Ok(())
    }
}

/// A folder as a call gives it: name, description, visibility and the groups it names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderEdit {
    pub named: NameEdit,
    pub access: Access,
}

impl FolderEdit {
    /// The folder `id` made at `now` in `category` (`known`: see [`Access::apply`]).
    pub fn create(
        self,
        category: &Category,
        id: Id,
        now: &str,
        known: &dyn Fn(Visibility, Id) -> bool,
    ) -> Result<Folder, Invalid> {
        let name = self.named.name.unwrap_or_default();
        rules::unique_folder_name(category, &name, None)?;
        let mut folder = Folder {
            id,
            name,
            visibility: Visibility::Anyone,
            companies: Vec::new(),
            contact_segments: Vec::new(),
            company_segments: Vec::new(),
            description: self.named.description.unwrap_or_default(),
            created_at: Some(now.to_owned()),
            updated_at: Some(now.to_owned()),
            translations: Default::default(),
            articles: Default::default(),
        };
        self.access.apply(&mut folder, known)?;
        Ok(folder)
    }

    /// `folder`, one of `category`'s, changed at `now`.
    pub fn update(
        self,
        category: &Category,
        folder: &mut Folder,
        now: &str,
        known: &dyn Fn(Visibility, Id) -> bool,
    ) -> Result<(), Invalid> {
        if let Some(name) = &self.named.name {
            rules::unique_folder_name(category, name, Some(folder.id))?;
        }
        self.named
            .lay_over(&mut folder.name, &mut folder.description);
        self.access.apply(folder, known)?;
        folder.updated_at = Some(now.to_owned());
        Ok(())
    }
}

/// An article's fields as a call gives them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<ArticleStatus>,
    /// Freshdesk's article type: 1 permanent, 2 workaround.
    pub article_type: Option<u8>,
    pub tags: Option<Vec<String>>,
    pub seo_data: Option<Map<String, Value>>,
    pub agent_id: Option<u64>,
}

impl ArticleEdit {
    /// The article `id` made at `now` in the `primary` language, by `author` unless the
    /// edit names its agent.
    pub fn create(self, id: Id, author: Id, primary: &str, now: &str) -> Article {
        let translation = Translation {
            title: self.title.unwrap_or_default(),
            description: self.description.unwrap_or_default(),
            seo_data: self.seo_data.map(Box::new),
            ..blank_translation(now)
        };
        Article {
            id,
            status: self.status.unwrap_or_default(),
            tags: self.tags.unwrap_or_default(),
            hits: 0,
            article_type: self.article_type.unwrap_or(1),
            agent_id: Some(self.agent_id.unwrap_or(author)),
            translations: [(primary.to_owned(), translation)].into(),
        }
    }

    /// `article` changed at `now` through its `primary` language's version, made if it
    /// lacks one: that version's status is the article's.
    pub fn update(&self, article: &mut Article, primary: &str, now: &str) {
        self.lay_over_translation(article, primary, now);
        if let Some(status) = self.status {
            article.status = status;
            if let Some(t) = article.translations.get_mut(primary) {
                t.status = None;
            }
        }
        if let Some(tags) = &self.tags {
            article.tags = tags.clone();
        }
        if let Some(t) = self.article_type {
            article.article_type = t;
        }
        if let Some(a) = self.agent_id {
            article.agent_id = Some(a);
        }
    }

    /// `article`'s `code` version made or changed at `now`, with a status of its own (a
    /// draft translation of a published article stays out of that language's answers).
    pub fn translate(&self, article: &mut Article, code: &str, now: &str) {
        let translation = self.lay_over_translation(article, code, now);
        if let Some(status) = self.status {
            translation.status = Some(status);
        }
        if let Some(tags) = &self.tags {
            article.tags = tags.clone();
        }
    }

    /// Title, description and SEO data laid over `article`'s `code` version (made when
    /// missing).
    fn lay_over_translation<'a>(
        &self,
        article: &'a mut Article,
        code: &str,
        now: &str,
    ) -> &'a mut Translation {
        let t = article
            .translations
            .get_or_insert_with(code, || blank_translation(now));
        if let Some(title) = &self.title {
            t.title = title.clone();
        }
        if let Some(description) = &self.description {
            t.description = description.clone();
        }
        if let Some(seo) = &self.seo_data {
            t.seo_data = Some(Box::new(seo.clone()));
        }
        t.modified_at = now.to_owned();
        t
    }
}

/// A version with nothing in it yet, made at `now`.
fn blank_translation(now: &str) -> Translation {
    Translation {
        title: String::new(),
        description: String::new(),
        modified_at: now.to_owned(),
        status: None,
        created_at: Some(now.into()),
        seo_data: None,
        thumbs_up: 0,
        thumbs_down: 0,
        attachments: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::FixtureSet;

    fn article() -> Article {
        let set = FixtureSet::bundled().unwrap();
        let (_, _, article) = set.articles().next().unwrap();
        article.clone()
    }

    #[test]
    fn a_translations_status_is_its_own_and_the_primarys_the_articles() {
        let mut a = article();
        a.translations.retain(|code, _| code != "de");
        let primary = a.translations.keys().next().unwrap().clone();
        let draft = ArticleEdit {
            title: Some("Entwurf".into()),
            status: Some(ArticleStatus::Draft),
            ..ArticleEdit::default()
        };
        draft.translate(&mut a, "de", "2026-01-02T00:00:00Z");
        let de = &a.translations["de"];
        assert_eq!(
            (de.title.as_str(), de.status),
            ("Entwurf", Some(ArticleStatus::Draft))
        );
        assert_eq!(de.created_at.as_deref(), Some("2026-01-02T00:00:00Z"));
        let published = ArticleEdit {
            status: Some(ArticleStatus::Published),
            ..ArticleEdit::default()
        };
        published.update(&mut a, &primary, "2026-01-03T00:00:00Z");
        assert_eq!(a.status, ArticleStatus::Published);
        assert_eq!(a.translations[&primary].status, None);
        assert_eq!(a.translations["de"].status, Some(ArticleStatus::Draft));
    }

    #[test]
    fn a_name_translation_keeps_what_the_call_leaves_out() {
        let mut translations = BTreeMap::new();
        let make = NameEdit {
            name: Some("Hilfe".into()),
            description: Some("Alles".into()),
        };
        let call = TranslationCall::Create;
        make.translate(&mut translations, call, "en", "de", "t1", "folder 7")
            .unwrap();
        let rename = NameEdit {
            name: Some("Hilfen".into()),
            description: None,
        };
        let call = TranslationCall::Update;
        rename
            .translate(&mut translations, call, "en", "de", "t2", "folder 7")
            .unwrap();
        let de = &translations["de"];
        assert_eq!(
            (de.name.as_str(), de.description.as_str()),
            ("Hilfen", "Alles")
        );
        assert_eq!(de.created_at.as_deref(), Some("t1"));
        assert_eq!(de.updated_at.as_deref(), Some("t2"));
    }
}
