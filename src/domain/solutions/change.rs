//! The knowledge base and companies as the agent API changes them: one [`Change`] at a
//! time, applied to a fixture set, naming the articles whose search documents it changes
//! (so the index is updated for those alone).
//!
//! Changes are also what the store keeps (each as the whole record, see
//! [`Change::record`]), replayed in order over the fixtures at start-up.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::fixtures::{Article, Category, Company, FixtureSet, Folder, Id};

/// One change to the knowledge base or the companies.
#[derive(Debug, Clone)]
pub enum Change {
    /// A category made or changed; its folders are kept (the record's own are ignored).
    Category(Category),
    /// A category deleted, with its folders and their articles (as Freshdesk does).
    DeleteCategory(Id),
    /// A folder made or changed in `category`; its articles are kept.
    Folder {
        category: Id,
        folder: Folder,
    },
    /// A folder deleted, with its articles.
    DeleteFolder(Id),
    /// An article made, changed or moved into `folder`.
    Article {
        folder: Id,
        article: Article,
    },
    DeleteArticle(Id),
    Company(Company),
    DeleteCompany(Id),
}

/// The kind of record a change writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Category,
    Folder,
    Article,
    Company,
}

#[derive(Serialize, Deserialize)]
struct FolderRecord {
    category_id: Id,
    folder: Folder,
}

#[derive(Serialize, Deserialize)]
struct ArticleRecord {
    folder_id: Id,
    article: Article,
}

impl Change {
    /// The record the store keeps: its kind, id, and the whole record (`None`: deleted).
    pub fn record(&self) -> (Kind, Id, Option<Value>) {
        match self {
            Change::Category(c) => {
                let mut c = c.clone();
                c.folders.clear();
                (Kind::Category, c.id, json(&c))
            }
            Change::DeleteCategory(id) => (Kind::Category, *id, None),
            Change::Folder { category, folder } => {
                let mut folder = folder.clone();
                folder.articles = Default::default();
                let id = folder.id;
                let record = FolderRecord {
                    category_id: *category,
                    folder,
                };
                (Kind::Folder, id, json(&record))
            }
            Change::DeleteFolder(id) => (Kind::Folder, *id, None),
            Change::Article { folder, article } => {
                let record = ArticleRecord {
                    folder_id: *folder,
                    article: article.clone(),
                };
                (Kind::Article, article.id, json(&record))
            }
            Change::DeleteArticle(id) => (Kind::Article, *id, None),
            Change::Company(c) => (Kind::Company, c.id, json(c)),
            Change::DeleteCompany(id) => (Kind::Company, *id, None),
        }
    }

    /// The change a stored record describes.
    pub fn from_record(kind: Kind, id: Id, doc: Option<&Value>) -> Result<Change, String> {
        let parse = |doc: &Value| -> Result<Change, serde_json::Error> {
            Ok(match kind {
                Kind::Category => Change::Category(Category::deserialize(doc)?),
                Kind::Folder => {
                    let r = FolderRecord::deserialize(doc)?;
                    Change::Folder {
                        category: r.category_id,
                        folder: r.folder,
                    }
                }
                Kind::Article => {
                    let r = ArticleRecord::deserialize(doc)?;
                    Change::Article {
                        folder: r.folder_id,
                        article: r.article,
                    }
                }
                Kind::Company => Change::Company(Company::deserialize(doc)?),
            })
        };
        match doc {
            None => Ok(match kind {
                Kind::Category => Change::DeleteCategory(id),
                Kind::Folder => Change::DeleteFolder(id),
                Kind::Article => Change::DeleteArticle(id),
                Kind::Company => Change::DeleteCompany(id),
            }),
            Some(doc) => parse(doc).map_err(|e| format!("{kind:?} {id}: {e}")),
        }
    }

    /// Applies the change to `set`; the ids of the articles whose search documents change
    /// (made, changed, moved, deleted, or in a folder whose access changed). A change whose
    /// parent is gone changes nothing (the API refuses those before they are made).
    pub fn apply(&self, set: &mut FixtureSet) -> Vec<Id> {
        self.apply_knowing(set, &|_| Whereabouts::Unknown)
    }

    /// [`Change::apply`], told where articles are by `whereabouts` (the catalog's lookups):
    /// finding an article by going through every folder was most of an edit of 100,000
    /// articles, and a new article was looked for in all of them. A position that does
    /// not hold the article is not trusted: the article is then looked for everywhere.
    pub fn apply_knowing(
        &self,
        set: &mut FixtureSet,
        whereabouts: &dyn Fn(Id) -> Whereabouts,
    ) -> Vec<Id> {
        let take_article = |set: &mut FixtureSet, id: Id| take_article(set, id, whereabouts(id));
        match self {
            Change::Category(new) => {
                match set.solutions.iter_mut().find(|c| c.id == new.id) {
                    Some(category) => {
                        let folders = std::mem::take(&mut category.folders);
                        *category = Category {
                            folders,
                            ..new.clone()
                        };
                        // The category id is all the index knows of it: nothing to redo.
                        Vec::new()
                    }
                    None => {
                        set.solutions.push(Category {
                            folders: Vec::new(),
                            ..new.clone()
                        });
                        Vec::new()
                    }
                }
            }
            Change::DeleteCategory(id) => {
                let Some(at) = set.solutions.iter().position(|c| c.id == *id) else {
                    return Vec::new();
                };
                let category = set.solutions.remove(at);
                category
                    .folders
                    .iter()
                    .flat_map(|f| f.articles.iter().map(|a| a.id))
                    .collect()
            }
            Change::Folder { category, folder } => {
                let found = take_folder(set, folder.id);
                let Some(target) = set.solutions.iter().position(|c| c.id == *category) else {
                    return found.map(|(_, f)| article_ids(&f)).unwrap_or_default();
                };
                let articles = found
                    .as_ref()
                    .map(|(_, f)| f.articles.clone())
                    .unwrap_or_default();
                let touched = articles.iter().map(|a| a.id).collect();
                let new = Folder {
                    articles,
                    ..folder.clone()
                };
                match found {
                    // Back where it was, when it stays in its category.
                    Some(((ci, fi), _)) if ci == target => {
                        let folders = &mut set.solutions[ci].folders;
                        folders.insert(fi.min(folders.len()), new)
                    }
                    _ => set.solutions[target].folders.push(new),
                }
                touched
            }
            Change::DeleteFolder(id) => take_folder(set, *id)
                .map(|(_, f)| article_ids(&f))
                .unwrap_or_default(),
            Change::Article { folder, article } => {
                let found = take_article(set, article.id);
                let Some((ci, fi)) = folder_position(set, *folder) else {
                    return vec![article.id];
                };
                let articles = Arc::make_mut(&mut set.solutions[ci].folders[fi].articles);
                match found {
                    // Back where it was, when it stays in its folder.
                    Some((c, f, ai)) if (c, f) == (ci, fi) => {
                        articles.insert(ai.min(articles.len()), Arc::new(article.clone()))
                    }
                    _ => articles.push(Arc::new(article.clone())),
                }
                vec![article.id]
            }
            Change::DeleteArticle(id) => take_article(set, *id)
                .map(|_| vec![*id])
                .unwrap_or_default(),
            Change::Company(new) => {
                match set.companies.iter_mut().find(|c| c.id == new.id) {
                    Some(company) => *company = new.clone(),
                    None => set.companies.push(new.clone()),
                }
                Vec::new()
            }
            Change::DeleteCompany(id) => {
                set.companies.retain(|c| c.id != *id);
                // Folders keep the id in their list, as Freshdesk's do until edited: it
                // matches no contact any more.
                Vec::new()
            }
        }
    }
}

fn article_ids(folder: &Folder) -> Vec<Id> {
    folder.articles.iter().map(|a| a.id).collect()
}

fn folder_position(set: &FixtureSet, id: Id) -> Option<(usize, usize)> {
    set.solutions
        .iter()
        .enumerate()
        .find_map(|(ci, c)| c.folders.iter().position(|f| f.id == id).map(|fi| (ci, fi)))
}

/// Removes a folder, returning where it was and what it held.
fn take_folder(set: &mut FixtureSet, id: Id) -> Option<((usize, usize), Folder)> {
    let (ci, fi) = folder_position(set, id)?;
    Some(((ci, fi), set.solutions[ci].folders.remove(fi)))
}

/// Where an article is in a fixture set, as far as the caller knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whereabouts {
    /// Look for it.
    Unknown,
    /// In no folder.
    Nowhere,
    /// Probably here: category, folder and own position (checked before use).
    At(usize, usize, usize),
}

/// Removes an article, returning where it was (category, folder, position).
fn take_article(
    set: &mut FixtureSet,
    id: Id,
    whereabouts: Whereabouts,
) -> Option<(usize, usize, usize)> {
    match whereabouts {
        Whereabouts::Nowhere => return None,
        Whereabouts::At(ci, fi, ai) => {
            let folder = set
                .solutions
                .get_mut(ci)
                .and_then(|c| c.folders.get_mut(fi))
                .filter(|f| f.articles.get(ai).is_some_and(|a| a.id == id));
            if let Some(folder) = folder {
                Arc::make_mut(&mut folder.articles).remove(ai);
                return Some((ci, fi, ai));
            }
        }
        Whereabouts::Unknown => {}
    }
    for (ci, category) in set.solutions.iter_mut().enumerate() {
        for (fi, folder) in category.folders.iter_mut().enumerate() {
            if let Some(ai) = folder.articles.iter().position(|a| a.id == id) {
                Arc::make_mut(&mut folder.articles).remove(ai);
                return Some((ci, fi, ai));
            }
        }
    }
    None
}

fn json(record: &impl Serialize) -> Option<Value> {
    Some(serde_json::to_value(record).expect("fixture records serialise"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> FixtureSet {
        FixtureSet::bundled().unwrap()
    }

    fn folder_of(set: &FixtureSet, article: Id) -> Option<Id> {
        set.articles()
            .find(|(_, _, a)| a.id == article)
            .map(|(_, f, _)| f.id)
    }

    /// An article told to be where it is not is looked for, and found, everywhere.
    #[test]
    fn an_article_at_a_wrong_place_is_still_found() {
        let mut set = bundled();
        let (_, _, article) = set.articles().nth(1).unwrap();
        let id = article.id;
        let touched =
            Change::DeleteArticle(id).apply_knowing(&mut set, &|_| Whereabouts::At(0, 0, 0));
        assert_eq!(touched, vec![id]);
        assert_eq!(folder_of(&set, id), None);
    }

    #[test]
    fn a_record_reads_back_as_the_same_change() {
        let set = bundled();
        let (_, folder, article) = set.articles().next().unwrap();
        let change = Change::Article {
            folder: folder.id,
            article: article.clone(),
        };
        let (kind, id, doc) = change.record();
        let again = Change::from_record(kind, id, doc.as_ref()).unwrap();
        assert_eq!(again.record(), (kind, id, doc));
        let deleted = Change::DeleteFolder(folder.id).record();
        assert_eq!(deleted, (Kind::Folder, folder.id, None));
    }

    #[test]
    fn moving_an_article_takes_it_out_of_its_old_folder() {
        let mut set = bundled();
        let (_, from, article) = set
            .articles()
            .next()
            .map(|(c, f, a)| (c.id, f.id, a.clone()))
            .unwrap();
        let to = set
            .articles()
            .map(|(_, f, _)| f.id)
            .find(|f| *f != from)
            .unwrap();
        let touched = Change::Article {
            folder: to,
            article: article.clone(),
        }
        .apply(&mut set);
        assert_eq!(touched, vec![article.id]);
        assert_eq!(folder_of(&set, article.id), Some(to));
        assert_eq!(
            set.articles()
                .filter(|(_, _, a)| a.id == article.id)
                .count(),
            1
        );
    }

    #[test]
    fn deleting_a_category_deletes_its_folders_articles() {
        let mut set = bundled();
        let category = set.solutions[0].clone();
        let expected: Vec<Id> = category
            .folders
            .iter()
            .flat_map(|f| f.articles.iter().map(|a| a.id))
            .collect();
        let touched = Change::DeleteCategory(category.id).apply(&mut set);
        assert_eq!(touched, expected);
        assert!(expected.iter().all(|id| folder_of(&set, *id).is_none()));
    }

    #[test]
    fn changing_a_folder_keeps_its_articles_and_names_them() {
        let mut set = bundled();
        let category = set.solutions[0].id;
        let mut folder = set.solutions[0].folders[0].clone();
        let ids = article_ids(&folder);
        folder.articles = Default::default();
        folder.name = "Renamed".into();
        let touched = Change::Folder { category, folder }.apply(&mut set);
        assert_eq!(touched, ids);
        assert_eq!(set.solutions[0].folders[0].name, "Renamed");
        assert_eq!(article_ids(&set.solutions[0].folders[0]), ids);
    }
}
