//! Where each article is and which are most viewed: made once from a fixture set, then
//! patched for what each edit of the agent API changes.

// Fx: ids are small integers and the maps are read and patched on every edit, where
// SipHash was the larger part of patching a folder's places.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use crate::domain::fixtures::{FixtureSet, Id};

/// An article's place: its category's, folder's and own position in the fixtures' lists.
pub(super) type Position = (usize, usize, usize);

/// The article lookups of a catalog. Catalogs made from one another by edits share what
/// was made whole last, and each holds what its edits changed since: an edit of 100,000
/// articles copied every article's place and count (about 6 MB) to change a few hundred,
/// and that copy was most of what an edit left behind in memory.
#[derive(Debug, Clone, Default)]
pub(super) struct ArticleLookups {
    /// Where each article was when the lookups were made whole ...
    positions: Arc<HashMap<Id, Position>>,
    /// ... and where the edits since put the articles they moved (`None`: gone).
    moved: HashMap<Id, Option<Position>>,
    /// How many articles there are now.
    count: usize,
    /// `(hits, id)` of every article when made whole, most viewed first (equal hits: lower
    /// id first) ...
    by_hits: Arc<Vec<(u64, Id)>>,
    /// ... the entries edits added since, in that order ...
    hits_added: Vec<(u64, Id)>,
    /// ... and those of `by_hits` they took out.
    hits_removed: HashSet<(u64, Id)>,
}

/// More articles than this whose hits change, and [`ArticleLookups::patched`] makes the
/// lookups again from every article rather than moving each.
const MOVES_BEFORE_SORTING: usize = 256;

/// More changes than this kept beside what was made whole, and the lookups are made whole
/// again (a copy of every article's place: its cost shared by this many edits).
const CHANGES_BEFORE_WHOLE: usize = 4_096;

/// The order of [`ArticleLookups::most_viewed`].
fn most_viewed_first(a: &(u64, Id), b: &(u64, Id)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1))
}

impl PartialEq for ArticleLookups {
    /// The same places and the same order, however they are kept.
    fn eq(&self, other: &ArticleLookups) -> bool {
        let places = |l: &ArticleLookups| {
            let mut all: Vec<(Id, Position)> = l.whole_positions().into_iter().collect();
            all.sort_unstable();
            all
        };
        self.count == other.count
            && places(self) == places(other)
            && self.most_viewed().eq(other.most_viewed())
    }
}

impl Eq for ArticleLookups {}

impl ArticleLookups {
    /// The lookups of a fixture set, made from every article.
    pub(super) fn of(fixtures: &FixtureSet) -> ArticleLookups {
        let mut positions = HashMap::default();
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
        ArticleLookups {
            count: positions.len(),
            positions: Arc::new(positions),
            moved: HashMap::default(),
            by_hits: Arc::new(by_hits),
            hits_added: Vec::new(),
            hits_removed: HashSet::default(),
        }
    }

    /// Where an article is.
    pub(super) fn get(&self, id: Id) -> Option<Position> {
        if !self.moved.is_empty() {
            if let Some(&moved) = self.moved.get(&id) {
                return moved;
            }
        }
        self.positions.get(&id).copied()
    }

    /// How many articles there are.
    pub(super) fn len(&self) -> usize {
        self.count
    }

    /// `(hits, id)` of every article, most viewed first (equal hits: lower id first).
    pub(super) fn most_viewed(&self) -> impl Iterator<Item = (u64, Id)> + '_ {
        let mut kept = self
            .by_hits
            .iter()
            .copied()
            .filter(|entry| self.hits_removed.is_empty() || !self.hits_removed.contains(entry))
            .peekable();
        let mut added = self.hits_added.iter().copied().peekable();
        std::iter::from_fn(move || match (kept.peek(), added.peek()) {
            (Some(a), Some(b)) if most_viewed_first(b, a).is_lt() => added.next(),
            (Some(_), _) => kept.next(),
            (None, _) => added.next(),
        })
    }

    /// Every article's place, in one map.
    fn whole_positions(&self) -> HashMap<Id, Position> {
        let mut positions = (*self.positions).clone();
        for (&id, &moved) in &self.moved {
            match moved {
                Some(place) => positions.insert(id, place),
                None => positions.remove(&id),
            };
        }
        positions
    }

    /// Puts an article at `place` (`None`: takes it out).
    fn place(&mut self, id: Id, place: Option<Position>) {
        let was = self.get(id).is_some();
        if self.positions.get(&id).copied() == place {
            self.moved.remove(&id);
        } else {
            self.moved.insert(id, place);
        }
        self.count = self.count + usize::from(place.is_some()) - usize::from(was);
    }

    /// Takes `(hits, id)` out of [`ArticleLookups::most_viewed`].
    fn remove_hits(&mut self, entry: (u64, Id)) {
        let at = self
            .hits_added
            .partition_point(|x| most_viewed_first(x, &entry).is_lt());
        if self.hits_added.get(at) == Some(&entry) {
            self.hits_added.remove(at);
        } else if self
            .by_hits
            .binary_search_by(|x| most_viewed_first(x, &entry))
            .is_ok()
        {
            self.hits_removed.insert(entry);
        }
    }

    /// Puts `(hits, id)` in [`ArticleLookups::most_viewed`].
    fn insert_hits(&mut self, entry: (u64, Id)) {
        if !self.hits_removed.remove(&entry) {
            let at = self
                .hits_added
                .partition_point(|x| most_viewed_first(x, &entry).is_lt());
            self.hits_added.insert(at, entry);
        }
    }

    /// These lookups made whole again once enough changes are kept beside them.
    fn made_whole_when_due(mut self) -> ArticleLookups {
        let changes = self.moved.len() + self.hits_added.len() + self.hits_removed.len();
        if changes <= CHANGES_BEFORE_WHOLE {
            return self;
        }
        let by_hits: Vec<(u64, Id)> = self.most_viewed().collect();
        self.positions = Arc::new(self.whole_positions());
        self.moved = HashMap::default();
        self.by_hits = Arc::new(by_hits);
        self.hits_added = Vec::new();
        self.hits_removed = HashSet::default();
        self
    }

    /// The lookups of `new`, an edit of `old` (whose lookups these are): changed only for
    /// the folders whose article lists the edit replaced (a folder's list is shared
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
        // hits and presence are the same keeps its place in `most_viewed`.
        let mut before: HashMap<Id, u64> = HashMap::default();
        let mut after: HashMap<Id, u64> = HashMap::default();
        for &(ci, fi) in &changed {
            let articles = &old.solutions[ci].folders[fi].articles;
            for (ai, article) in articles.iter().enumerate() {
                before.insert(article.id, article.hits);
                if lookups.get(article.id) == Some((ci, fi, ai)) {
                    lookups.place(article.id, None);
                }
            }
        }
        for &(ci, fi) in &changed {
            let articles = &new.solutions[ci].folders[fi].articles;
            for (ai, article) in articles.iter().enumerate() {
                after.insert(article.id, article.hits);
                lookups.place(article.id, Some((ci, fi, ai)));
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
            return ArticleLookups::of(new);
        }
        for id in &moved {
            if let Some(&hits) = before.get(id) {
                lookups.remove_hits((hits, *id));
            }
        }
        for id in &moved {
            if let Some(&hits) = after.get(id) {
                lookups.insert_hits((hits, *id));
            }
        }
        lookups.made_whole_when_due()
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

    /// Edits one after the other, each patching the lookups the one before left, past
    /// the point where they are made whole again: the lookups stay those made from every
    /// article, and the changes kept beside the whole ones stay few.
    #[test]
    fn lookups_patched_edit_after_edit_are_the_lookups_made_again() {
        let mut set = FixtureSet::bundled().unwrap();
        let folders: Vec<Id> = set
            .solutions
            .iter()
            .flat_map(|c| c.folders.iter().map(|f| f.id))
            .collect();
        let (_, _, first) = set.articles().next().unwrap();
        let mut small = first.clone();
        small.translations = Default::default();
        let first = first.id;
        let mut lookups = ArticleLookups::of(&set);
        let edits = CHANGES_BEFORE_WHOLE + 100;
        for n in 0..edits as u64 {
            let folder = folders[n as usize % folders.len()];
            let change = match n % 5 {
                // Taken out again: an article made by an earlier edit.
                4 => Change::DeleteArticle(1_000_000 + n - 2),
                // An article of the fixtures viewed more: it moves in the most viewed.
                3 => {
                    let (_, _, article) = set.articles().find(|(_, _, a)| a.id == first).unwrap();
                    let mut viewed = article.clone();
                    viewed.hits += n;
                    Change::Article {
                        folder,
                        article: viewed,
                    }
                }
                _ => {
                    let mut article = small.clone();
                    article.id = 1_000_000 + n;
                    article.hits = n % 7;
                    Change::Article { folder, article }
                }
            };
            let mut new = set.clone();
            change.apply(&mut new);
            lookups = lookups.patched(&set, &new);
            set = new;
            if n % 500 == 0 || n as usize + 1 == edits {
                assert_eq!(lookups, ArticleLookups::of(&set), "after edit {n}");
            }
        }
        let kept = lookups.moved.len() + lookups.hits_added.len() + lookups.hits_removed.len();
        assert!(kept <= CHANGES_BEFORE_WHOLE, "{kept} changes kept");
    }
}
