//! The search page, reached from the header's search box.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use trellis_app::search::{Found, SEARCH_LIMIT};
use trellis_formats::render::view::skill_anchor;

use crate::auth::Me;
use crate::error::WebError;
use crate::extract::QueryParams;
use crate::html::view::profile_href;
use crate::html::{Frame, render};
use crate::state::AppState;

#[derive(Debug)]
struct Hit {
    text: String,
    detail: String,
    href: String,
}

#[derive(Debug, Template)]
#[template(path = "search.html")]
struct SearchPage {
    frame: Frame,
    q: String,
    people: Vec<Hit>,
    more_people: usize,
    role_levels: Vec<Hit>,
    skills: Vec<Hit>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

/// `GET /search?q=`: people, role levels and skills whose names hold every word.
pub async fn search(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    QueryParams(query): QueryParams<SearchQuery>,
) -> Result<Html<String>, WebError> {
    let q = query.q.trim().to_owned();
    let found: Found = state.app().search().find(&caller.actor(&ctx), &q).await?;
    render(&SearchPage {
        frame: Frame::new(Some(&ctx), format!("Search: {q}"), "search"),
        more_people: found.people_matching.saturating_sub(SEARCH_LIMIT),
        people: found
            .people
            .into_iter()
            .map(|p| Hit {
                href: format!("/people/{}", p.id),
                text: p.name,
                detail: p.email,
            })
            .collect(),
        role_levels: found
            .role_levels
            .into_iter()
            .map(|r| Hit {
                href: profile_href("current", &r.id),
                text: r.title,
                detail: r.track,
            })
            .collect(),
        skills: found
            .skills
            .into_iter()
            .map(|s| Hit {
                href: format!("/frameworks/current/skills#{}", skill_anchor(&s.id)),
                text: s.name,
                detail: s.id,
            })
            .collect(),
        q,
    })
}
