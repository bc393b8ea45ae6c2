//! `PUT /api/widget/solutions/article/:id/hit`, `…/thumbs_up`, `…/thumbs_down`: a customer
//! read an article, or found it helpful or not (spec sections 2 and 5).

use http::StatusCode;

use crate::domain::fixtures::Id;
use crate::http::body::{self, Accepts};
use crate::http::context::{check, Login, WidgetHeaders};
use crate::http::error::ApiError;
use crate::http::reply::{no_content, Answer};
use crate::http::request::Params;
use crate::http::request::Req;
use crate::state::store::{Vote, Voter};

/// What the call records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Hit,
    Thumbs(Vote),
}

/// `PUT …/hit`.
pub async fn hit(req: Req) -> Answer {
    record(req, Action::Hit).await
}

/// `PUT …/thumbs_up`.
pub async fn thumbs_up(req: Req) -> Answer {
    record(req, Action::Thumbs(Vote::Helpful)).await
}

/// `PUT …/thumbs_down`.
pub async fn thumbs_down(req: Req) -> Answer {
    record(req, Action::Thumbs(Vote::NotHelpful)).await
}

async fn record(req: Req, action: Action) -> Answer {
    body::content_kind(req.content_type().as_deref(), Accepts::Json)?;
    let state = &req.state;
    let id: Id = req.id(0)?;
    let call = check(state, WidgetHeaders::of(&req.headers), Login::Optional)?;
    let params = Params::parse(req.query(), &["language"])?;
    let widget = call.widget();
    if !widget.settings.components.solution_articles {
        return Err(ApiError::request(
            StatusCode::BAD_REQUEST,
            "solution_article_not_enabled",
            format!(
                "widget {} has solution articles turned off (settings.components.solution_articles)",
                widget.id
            ),
        ));
    }
    let lang = call.language(params.get("language"));
    call.catalog
        .check_article(widget, &call.caller, lang, id)
        .map_err(|why| ApiError::not_found(call.catalog.explain(id, &why)))?;
    match action {
        // An agent's view counts only with agent metrics on
        // (`widget/solutions/articles_controller.rb`).
        Action::Hit => match &call.user {
            Some(user)
                if user.is_agent() && !call.catalog.fixtures.account.features.agent_metrics =>
            {
                tracing::info!(agent = %user.email, "an agent's view is not counted (account feature agent_metrics is off)");
            }
            _ => state.count_hit(id).await?,
        },
        Action::Thumbs(vote) => {
            let voter = match &call.user {
                None => Some(Voter::Anonymous),
                Some(user)
                    if user.is_agent() && !call.catalog.fixtures.account.features.agent_metrics =>
                {
                    tracing::info!(agent = %user.email, "an agent's vote is not recorded (account feature agent_metrics is off)");
                    None
                }
                Some(user) => Some(Voter::User(user.id)),
            };
            if let Some(voter) = voter {
                state.record_vote(id, lang.code(), voter, vote).await?;
            }
        }
    }
    no_content()
}
