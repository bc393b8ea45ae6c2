//! Hits and votes: counting them, and the counters as the control plane and the widget
//! read them (the fixtures' counts plus those counted since).

use std::collections::HashMap;

use serde::Serialize;

use super::AppState;
use crate::domain::fixtures::Id;
use crate::state::events::Event;
use crate::state::store::{StoreError, UserVote, Vote, Voter};

impl AppState {
    /// Counts a view of an article.
    pub async fn count_hit(&self, article: Id) -> Result<(), StoreError> {
        self.blocking(move |state| {
            let _world = state.read();
            state.inner.store.add_hit(article).map(drop)
        })
        .await
    }

    /// Records a thumbs up or down on one translation (spec section 5 rules in the store).
    pub async fn record_vote(
        &self,
        article: Id,
        language: &'static str,
        voter: Voter,
        vote: Vote,
    ) -> Result<(), StoreError> {
        self.blocking(move |state| {
            let now = state.clock().now_secs();
            let _world = state.read();
            state.inner.store.vote(article, language, voter, vote, now)
        })
        .await?;
        self.events().publish(Event::Vote {
            article_id: article,
        });
        Ok(())
    }

    /// The hits now of the articles viewed since the fixtures loaded: their fixtures' count
    /// plus those counted since. An article missing from it still has its fixtures' count;
    /// leaving those out keeps this small when the fixtures hold 100,000 articles.
    pub async fn live_hits(&self) -> Result<HashMap<Id, u64>, StoreError> {
        self.blocking(AppState::live_hits_now).await
    }

    pub(super) fn live_hits_now(&self) -> Result<HashMap<Id, u64>, StoreError> {
        let catalog = self.catalog();
        let counted = self.inner.store.hits()?;
        Ok(counted
            .into_iter()
            .filter_map(|(id, n)| Some((id, catalog.article(id)?.article.hits + n)))
            .collect())
    }

    /// The votes on one article translation, with the names of the users who hold them.
    /// `None` when the article or the translation does not exist.
    pub async fn translation_votes(
        &self,
        article: Id,
        language: String,
    ) -> Result<Option<TranslationVotes>, StoreError> {
        self.blocking(move |state| state.translation_votes_now(article, &language))
            .await
    }

    pub(super) fn translation_votes_now(
        &self,
        article: Id,
        language: &str,
    ) -> Result<Option<TranslationVotes>, StoreError> {
        let world = self.read();
        let Some(found) = world.catalog.article(article) else {
            return Ok(None);
        };
        let Some(tr) = found.article.translations.get(language) else {
            return Ok(None);
        };
        let tally = self.inner.store.tally(article, language)?;
        let named = |ids: &[Id]| -> Vec<VoterName> {
            ids.iter()
                .map(|id| VoterName {
                    id: *id,
                    name: world
                        .directory
                        .find_by_id(*id)
                        .map(|u| u.name.clone())
                        .unwrap_or_default(),
                })
                .collect()
        };
        let total = |base: u64, counted: i64| (base as i64 + counted).max(0) as u64;
        Ok(Some(TranslationVotes {
            article_id: article,
            language: language.to_owned(),
            thumbs_up: total(tr.thumbs_up, tally.up),
            thumbs_down: total(tr.thumbs_down, tally.down),
            helpful: named(&tally.users_up),
            not_helpful: named(&tally.users_down),
        }))
    }

    /// Votes on every translation of an article.
    pub async fn article_votes(&self, article: Id) -> Result<Vec<TranslationVotes>, StoreError> {
        self.blocking(move |state| state.article_votes_now(article))
            .await
    }

    pub(super) fn article_votes_now(
        &self,
        article: Id,
    ) -> Result<Vec<TranslationVotes>, StoreError> {
        let languages: Vec<String> = match self.catalog().article(article) {
            Some(found) => found.article.translations.keys().cloned().collect(),
            None => return Ok(Vec::new()),
        };
        let mut out = Vec::new();
        for language in languages {
            out.extend(self.translation_votes_now(article, &language)?);
        }
        Ok(out)
    }

    /// Votes on every translation of every article, in one trip to the store.
    pub async fn votes_by_article(&self) -> Result<HashMap<Id, Vec<TranslationVotes>>, StoreError> {
        self.blocking(|state| {
            let catalog = state.catalog();
            let mut out = HashMap::new();
            for (_, _, article) in catalog.fixtures.articles() {
                out.insert(article.id, state.article_votes_now(article.id)?);
            }
            Ok(out)
        })
        .await
    }

    /// Votes on every translation of these articles, in one trip to the store (an
    /// article that does not exist has none).
    pub async fn votes_of_articles(
        &self,
        ids: Vec<Id>,
    ) -> Result<HashMap<Id, Vec<TranslationVotes>>, StoreError> {
        self.blocking(move |state| {
            let mut out = HashMap::new();
            for id in ids {
                out.insert(id, state.article_votes_now(id)?);
            }
            Ok(out)
        })
        .await
    }

    /// Every vote a customer (or agent) holds.
    pub async fn customer_votes(&self, user: Id) -> Result<Vec<UserVote>, StoreError> {
        self.blocking(move |state| state.inner.store.votes_of(user))
            .await
    }

    /// Hits of every article: the fixtures' count, those counted since, and the total.
    pub async fn article_hits(&self) -> Result<Vec<ArticleHits>, StoreError> {
        self.blocking(AppState::article_hits_now).await
    }

    pub(super) fn article_hits_now(&self) -> Result<Vec<ArticleHits>, StoreError> {
        let catalog = self.catalog();
        let counted = self.inner.store.hits()?;
        let mut out: Vec<ArticleHits> = catalog
            .fixtures
            .articles()
            .map(|(_, _, a)| {
                let since = counted.get(&a.id).copied().unwrap_or(0);
                ArticleHits {
                    article_id: a.id,
                    fixture_hits: a.hits,
                    counted: since,
                    hits: a.hits + since,
                }
            })
            .collect();
        out.sort_by_key(|h| h.article_id);
        Ok(out)
    }
}

/// A voter as the votes endpoint lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoterName {
    pub id: Id,
    pub name: String,
}

/// The votes on one article translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranslationVotes {
    pub article_id: Id,
    pub language: String,
    /// The counter: the fixtures' plus every vote counted since.
    pub thumbs_up: u64,
    pub thumbs_down: u64,
    /// Users holding a helpful vote, oldest first.
    pub helpful: Vec<VoterName>,
    pub not_helpful: Vec<VoterName>,
}

impl TranslationVotes {
    /// Helpful votes not held by a known user (the counter minus the users).
    pub fn anonymous_helpful(&self) -> u64 {
        self.thumbs_up.saturating_sub(self.helpful.len() as u64)
    }

    pub fn anonymous_not_helpful(&self) -> u64 {
        self.thumbs_down
            .saturating_sub(self.not_helpful.len() as u64)
    }
}

/// An article's views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleHits {
    pub article_id: Id,
    pub fixture_hits: u64,
    /// Counted through the API since the fixtures were loaded.
    pub counted: u64,
    pub hits: u64,
}
