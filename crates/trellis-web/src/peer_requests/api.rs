//! The peer input API: requests addressed to the caller and answering one.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use trellis_app::growth::RatingInput;
use trellis_store::prelude::*;
use utoipa::ToSchema;

use crate::api::ChangeProblems;
use crate::api::api_refusal;
use crate::assessments::api::PeerRequestJson;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::{ApiJson, PathParams};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeerInputJson {
    /// One rating for each requested skill.
    pub ratings: Vec<RatingInput>,
}

/// The requests for input addressed to the caller, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/peer-requests",
    tag = "growth",
    responses((status = 200, body = Vec<PeerRequestJson>))
)]
pub async fn peer_requests(
    State(state): State<AppState>,
    Me(caller, _): Me,
) -> Result<Json<Vec<PeerRequestJson>>, WebError> {
    let list = state.store().peer_requests_for(caller.id()).await?;
    Ok(Json(list.iter().map(PeerRequestJson::from).collect()))
}

/// Answers a request for input: one rating per requested skill. Only the peer asked may answer,
/// once.
#[utoipa::path(
    post,
    path = "/api/v1/peer-requests/{id}",
    tag = "growth",
    params(("id" = i64, Path, description = "Peer request id")),
    request_body = PeerInputJson,
    responses(
        (status = 200, body = PeerRequestJson),
        ChangeProblems
    )
)]
pub async fn submit_peer(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<i64>,
    ApiJson(body): ApiJson<PeerInputJson>,
) -> Result<Json<PeerRequestJson>, WebError> {
    let peer_requests = state.app().peer_requests();
    let actor = caller.actor(&ctx);
    let (request, a) = peer_requests.open(&actor, id).await?;
    let r = peer_requests
        .answer(&actor, &request, &a, body.ratings)
        .await
        .map_err(api_refusal)?;
    Ok(Json(PeerRequestJson::from(&r)))
}
