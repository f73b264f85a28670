//! The organisation overview page, for the people team and admins.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use trellis_app::organisation::{OrganisationOverview, TeamReadiness, TrackCount};

use crate::auth::Me;
use crate::error::WebError;
use crate::html::{Frame, render};
use crate::state::AppState;

#[derive(Debug, Template)]
#[template(path = "organisation/overview.html")]
struct OverviewPage {
    frame: Frame,
    people: usize,
    without_role_level: usize,
    tracks: Vec<TrackCount>,
    teams: Vec<TeamReadiness>,
}

/// A share as a whole percentage, "—" of nobody.
fn percent(part: &usize, whole: &usize) -> String {
    if *whole == 0 {
        "—".to_owned()
    } else {
        format!("{}%", (part * 100 + whole / 2) / whole)
    }
}

/// `GET /organisation`.
pub async fn overview(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Html<String>, WebError> {
    let OrganisationOverview {
        people,
        tracks,
        without_role_level,
        teams,
    } = state
        .app()
        .organisation()
        .overview(&caller.actor(&ctx))
        .await?;
    render(&OverviewPage {
        frame: Frame::new(Some(&ctx), "Organisation", "people"),
        people,
        without_role_level,
        tracks,
        teams,
    })
}
