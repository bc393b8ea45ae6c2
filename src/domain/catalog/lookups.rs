//! Where each article is and which are most viewed: made once from a fixture set, then
//! patched for what each edit of the agent API changes.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::domain::fixtures::{FixtureSet, Id};

/// An article's place: its category's, folder's and own position in the fixtures' lists.
pub(super) type Position = (usize, usize, usize);

/// The article lookups of a catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ArticleLookups {
    pub(super) positions: HashMap<Id, Position>,
    /// `(hits, id)` of every article, most viewed first (equal hits: lower id first).
    pub(super) by_hits: Vec<(u64, Id)>,
}

/// More articles than this whose hits change, and [`ArticleLookups::patched`] sorts the
/// whole list again rather than moving each.
const MOVES_BEFORE_SORTING: usize = 256;

/// The order of [`ArticleLookups::by_hits`].
fn most_viewed_first(a: &(u64, Id), b: &(u64, Id)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1))
}

impl ArticleLookups {
    /// The lookups of a fixture set, made from every article.
    pub(super) fn of(fixtures: &FixtureSet) -> ArticleLookups {
        let mut positions = HashMap::new();
        for (ci, category) in fixtures.solutions.iter().enumerate() {
            for (fi, folder) in category.folders.iter().enumerate() {
                for (ai, article) in folder.articles.iter().enumerate() {
                    positions.insert(article.id, (ci, fi, ai));
                }
            }
        }
        let mut by_hits: Vec<(u64, Id)> = fixtures
            .articles()
            .map(|(_, _, a)| (a.hits, a.id))
            .collect();
        by_hits.sort_by(most_viewed_first);
        ArticleLookups { positions, by_hits }
    }

    /// The lookups of `new`, an edit of `old` (whose lookups these are): made again only
    /// for the folders whose article lists the edit replaced (a folder's list is shared
    /// between the two sets until an edit changes it), so an edit of one article costs
    /// its folder, not the set. When categories or folders were made, deleted or moved
    /// (every position after them moves), they are made again from every article.
    pub(super) fn patched(&self, old: &FixtureSet, new: &FixtureSet) -> ArticleLookups {
        let same_places = old.solutions.len() == new.solutions.len()
            && old.solutions.iter().zip(&new.solutions).all(|(a, b)| {
                a.id == b.id
                    && a.folders.len() == b.folders.len()
                    && a.folders.iter().zip(&b.folders).all(|(f, g)| f.id == g.id)
            });
        if !same_places {
            return ArticleLookups::of(new);
        }
        let mut changed = Vec::new();
        for (ci, (a, b)) in old.solutions.iter().zip(&new.solutions).enumerate() {
            for (fi, (f, g)) in a.folders.iter().zip(&b.folders).enumerate() {
                if !Arc::ptr_eq(&f.articles, &g.articles) {
                    changed.push((ci, fi));
                }
            }
        }
        let mut lookups = self.clone();
        if changed.is_empty() {
            return lookups;
        }
        // Hits before and after of the articles in the changed folders: an article whose
        // hits and presence are the same keeps its place in `by_hits`.
        let mut before: HashMap<Id, u64> = HashMap::new();
        let mut after: HashMap<Id, u64> = HashMap::new();
        for &(ci, fi) in &changed {
            let articles = &old.solutions[ci].folders[fi].articles;
            for (ai, article) in articles.iter().enumerate() {
                before.insert(article.id, article.hits);
                if lookups.positions.get(&article.id) == Some(&(ci, fi, ai)) {
                    lookups.positions.remove(&article.id);
                }
            }
        }
        for &(ci, fi) in &changed {
            let articles = &new.solutions[ci].folders[fi].articles;
            for (ai, article) in articles.iter().enumerate() {
                after.insert(article.id, article.hits);
                lookups.positions.insert(article.id, (ci, fi, ai));
            }
        }
        let moved: HashSet<Id> = before
            .iter()
            .filter(|(id, hits)| after.get(id) != Some(hits))
            .map(|(id, _)| *id)
            .chain(
                after
                    .iter()
                    .filter(|(id, hits)| before.get(id) != Some(hits))
                    .map(|(id, _)| *id),
            )
            .collect();
        if moved.len() > MOVES_BEFORE_SORTING {
            lookups.by_hits = lookups
                .positions
                .iter()
                .map(|(&id, &(ci, fi, ai))| (new.solutions[ci].folders[fi].articles[ai].hits, id))
                .collect();
            lookups.by_hits.sort_by(most_viewed_first);
            return lookups;
        }
        let by_hits = &mut lookups.by_hits;
        for id in &moved {
            if let Some(&hits) = before.get(id) {
                let at = by_hits.partition_point(|x| most_viewed_first(x, &(hits, *id)).is_lt());
                if by_hits.get(at) == Some(&(hits, *id)) {
                    by_hits.remove(at);
                }
            }
        }
        for id in &moved {
            if let Some(&hits) = after.get(id) {
                let at = by_hits.partition_point(|x| most_viewed_first(x, &(hits, *id)).is_lt());
                by_hits.insert(at, (hits, *id));
            }
        }
        lookups
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::solutions::Change;

    /// Each kind of change, applied to a copy of the set that shares its folders' lists:
    /// the patched lookups are the lookups made from every article.
    #[test]
    fn patched_lookups_are_the_lookups_made_again() {
        let set = FixtureSet::bundled().unwrap();
        let (_, first_folder, first) = set.articles().next().unwrap();
        let (_, other_folder, _) = set
            .articles()
            .find(|(_, f, _)| f.id != first_folder.id)
            .unwrap();
        let mut viewed = first.clone();
        viewed.hits += 1000;
        let mut made = first.clone();
        made.id = 99_999;
        let category = set.solutions[0].clone();
        let changes = [
            Change::Article {
                folder: first_folder.id,
                article: viewed.clone(),
            },
            Change::Article {
                folder: other_folder.id,
                article: viewed,
            },
            Change::Article {
                folder: other_folder.id,
                article: made,
            },
            Change::DeleteArticle(first.id),
            Change::Category(category.clone()),
            Change::DeleteFolder(other_folder.id),
            Change::DeleteCategory(category.id),
        ];
        for change in changes {
            let mut new = set.clone();
            change.apply(&mut new);
            let patched = ArticleLookups::of(&set).patched(&set, &new);
            assert_eq!(patched, ArticleLookups::of(&new), "{change:?}");
        }
    }
}
