//! Hits and votes: the counters the widget moves, beyond the fixtures'.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::records::{UserVote, Vote, VoteTally, Voter};
use super::{Store, StoreError};
use crate::domain::fixtures::Id;

impl Store {
    /// Counts one hit; returns the hits counted since the fixtures.
    pub fn add_hit(&self, article: Id) -> Result<u64, StoreError> {
        self.write(|tx| {
            Ok(tx.query_row(
                "INSERT INTO hits (article_id, count) VALUES (?1, 1)
                 ON CONFLICT (article_id) DO UPDATE SET count = count + 1
                 RETURNING count",
                [article as i64],
                |r| r.get::<_, i64>(0),
            )? as u64)
        })
    }

    /// Hits counted since the fixtures, by article.
    pub fn hits(&self) -> Result<HashMap<Id, u64>, StoreError> {
        self.read("hits", |conn| {
            let mut stmt = conn.prepare("SELECT article_id, count FROM hits")?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as Id, r.get::<_, i64>(1)?.max(0) as u64))
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Records a vote on one article translation with Freshdesk's rules (spec section 5):
    /// anonymous votes always count; a user's first vote counts, the same vote again changes
    /// nothing, the opposite vote moves it.
    pub fn vote(
        &self,
        article: Id,
        language: &str,
        voter: Voter,
        vote: Vote,
        at: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let (up, down) = match voter {
                Voter::Anonymous => match vote {
                    Vote::Helpful => (1, 0),
                    Vote::NotHelpful => (0, 1),
                },
                Voter::User(user) => {
                    let held: Option<i64> = tx
                        .query_row(
                            "SELECT vote FROM user_votes WHERE article_id = ?1 AND language = ?2 AND user_id = ?3",
                            params![article as i64, language, user as i64],
                            |r| r.get(0),
                        )
                        .optional()?;
                    let held = held.map(Vote::from_sql);
                    if held == Some(vote) {
                        return Ok(());
                    }
                    tx.execute(
                        "INSERT INTO user_votes (article_id, language, user_id, vote, voted_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (article_id, language, user_id)
                         DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
                        params![article as i64, language, user as i64, vote.to_sql(), at],
                    )?;
                    match (vote, held) {
                        (Vote::Helpful, None) => (1, 0),
                        (Vote::NotHelpful, None) => (0, 1),
                        (Vote::Helpful, Some(_)) => (1, -1),
                        (Vote::NotHelpful, Some(_)) => (-1, 1),
                    }
                }
            };
            tx.execute(
                "INSERT INTO vote_counts (article_id, language, up, down) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (article_id, language)
                 DO UPDATE SET up = up + excluded.up, down = down + excluded.down",
                params![article as i64, language, up, down],
            )?;
            Ok(())
        })
    }

    /// The counters of one article translation beyond the fixtures', and who holds which vote.
    pub fn tally(&self, article: Id, language: &str) -> Result<VoteTally, StoreError> {
        self.read("votes", |conn| tally(conn, article, language))
    }

    /// Every vote a user holds.
    pub fn votes_of(&self, user: Id) -> Result<Vec<UserVote>, StoreError> {
        self.read("user_votes", |conn| votes_of(conn, user))
    }
}

/// The counters of one article translation beyond the fixtures', and who holds which vote.
fn tally(conn: &Connection, article: Id, language: &str) -> Result<VoteTally, StoreError> {
    let (up, down) = conn
        .query_row(
            "SELECT up, down FROM vote_counts WHERE article_id = ?1 AND language = ?2",
            params![article as i64, language],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, 0));
    let mut tally = VoteTally {
        up,
        down,
        ..VoteTally::default()
    };
    let mut stmt = conn.prepare(
        "SELECT user_id, vote FROM user_votes WHERE article_id = ?1 AND language = ?2
             ORDER BY voted_at, user_id",
    )?;
    let rows = stmt.query_map(params![article as i64, language], |r| {
        Ok((r.get::<_, i64>(0)? as Id, Vote::from_sql(r.get(1)?)))
    })?;
    for row in rows {
        let (user, vote) = row?;
        match vote {
            Vote::Helpful => tally.users_up.push(user),
            Vote::NotHelpful => tally.users_down.push(user),
        }
    }
    Ok(tally)
}

/// Every vote a user holds.
fn votes_of(conn: &Connection, user: Id) -> Result<Vec<UserVote>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT article_id, language, user_id, vote, voted_at FROM user_votes
             WHERE user_id = ?1 ORDER BY article_id, language",
    )?;
    let rows = stmt.query_map([user as i64], |r| {
        Ok(UserVote {
            article_id: r.get::<_, i64>(0)? as Id,
            language: r.get(1)?,
            user_id: r.get::<_, i64>(2)? as Id,
            vote: Vote::from_sql(r.get(3)?),
            voted_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
