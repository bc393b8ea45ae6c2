//! `PUT /api/widget/solutions/article/:id/hit`, `…/thumbs_up`, `…/thumbs_down`: a customer
//! read an article, or found it helpful or not (spec sections 2 and 5).

use http::{Method, StatusCode};
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::Filter;

use super::body::{self, Accepts};
use super::context::{check, widget_headers, Login, Params, WidgetHeaders};
use super::{allow, blocking, raw_query, with_state, ApiError};
use crate::domain::fixtures::Id;
use crate::state::AppState;
use crate::state::store::{Vote, Voter};

/// What the call records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Hit,
    Thumbs(Vote),
}

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "widget" / "solutions" / "article" / Id / String)
        .and_then(|id: Id, action: String| async move {
            let action = match action.as_str() {
                "hit" => Action::Hit,
                "thumbs_up" => Action::Thumbs(Vote::Helpful),
                "thumbs_down" => Action::Thumbs(Vote::NotHelpful),
                _ => return Err(warp::reject::not_found()),
            };
            Ok::<_, warp::Rejection>((id, action))
        })
        .untuple_one()
        .and(allow(&[Method::PUT]))
        .and(with_state(state))
        .and(widget_headers())
        .and(body::content_type())
        .and(raw_query())
        .then(
            |id: Id,
             action: Action,
             s: AppState,
             h: WidgetHeaders,
             ct: Option<String>,
             q: String| async move {
                let result = match body::content_kind(ct.as_deref(), Accepts::Json) {
                    Ok(_) => blocking(move || record(&s, id, action, h, &q)).await,
                    Err(e) => Err(e),
                };
                super::respond(result)
            },
        )
        .boxed()
}

fn record(
    state: &AppState,
    id: Id,
    action: Action,
    headers: WidgetHeaders,
    query: &str,
) -> Result<Response, ApiError> {
    let call = check(state, headers, Login::Optional)?;
    let params = Params::parse(query, &["language"])?;
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
        Action::Hit => state.count_hit(id).map_err(ApiError::internal)?,
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
                state
                    .record_vote(id, lang.code(), voter, vote)
                    .map_err(ApiError::internal)?;
            }
        }
    }
    let mut response = Response::new(Vec::new().into());
    *response.status_mut() = StatusCode::NO_CONTENT;
    Ok(response)
}
