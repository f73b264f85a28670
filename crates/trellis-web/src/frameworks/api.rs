//! The framework API: published versions, role levels, effective profiles and comparisons.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use trellis_model::Framework;
use trellis_store::PersonId;
use trellis_store::prelude::*;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Me;
use crate::error::{Problem, WebError};
use crate::extract::{PathParams, QueryParams};
use crate::state::{AppState, VersionRef};

/// A published framework version, without its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkVersionJson {
    pub id: i64,
    pub framework_id: String,
    pub version: String,
    pub name: String,
    pub published_at: i64,
    pub published_by: Option<PersonId>,
    /// Whether this is the version the organisation works with now.
    pub current: bool,
}

/// A published framework version with its content: the framework as in its files, with text from
/// sources that may not be redistributed left out unless the server is licensed for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkJson {
    #[serde(flatten)]
    pub version: FrameworkVersionJson,
    #[schema(value_type = Object)]
    pub content: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleLevelJson {
    /// Full id, `<track>/<level>`.
    pub id: String,
    pub track: String,
    pub track_name: String,
    pub title: String,
    pub summary: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleLevelsJson {
    pub version_id: i64,
    pub role_levels: Vec<RoleLevelJson>,
}

/// The effective profile of a role level: its requirements, each marked `new`, `raised` or
/// `inherited`, with everything else the role level says.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileJson {
    pub version_id: i64,
    #[schema(value_type = Object)]
    pub profile: serde_json::Value,
}

/// What changes from one role level to another: requirements added, raised, lowered and removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompareJson {
    pub version_id: i64,
    #[schema(value_type = Object)]
    pub diff: serde_json::Value,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// `current` (the default) or a framework version id.
    #[param(pattern = "^(current|[1-9][0-9]{0,17})?$")]
    version: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// Full id of the role level to compare from. (Optional in the struct so that its absence is
    /// answered with a message naming it.)
    #[param(required = true, min_length = 1)]
    from: Option<String>,
    /// Full id of the role level to compare to.
    #[param(required = true, min_length = 1)]
    to: Option<String>,
    /// `current` (the default) or a framework version id.
    #[param(pattern = "^(current|[1-9][0-9]{0,17})?$")]
    version: Option<String>,
}

fn version_json(
    v: &trellis_store::FrameworkVersionSummary,
    current: Option<i64>,
) -> FrameworkVersionJson {
    FrameworkVersionJson {
        id: v.id,
        framework_id: v.framework_id.clone(),
        version: v.version.clone(),
        name: v.name.clone(),
        published_at: v.published_at,
        published_by: v.published_by,
        current: Some(v.id) == current,
    }
}

/// Every published framework version, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/frameworks",
    tag = "frameworks",
    responses((status = 200, body = Vec<FrameworkVersionJson>))
)]
pub async fn frameworks(
    State(state): State<AppState>,
    Me(..): Me,
) -> Result<Json<Vec<FrameworkVersionJson>>, WebError> {
    let current = state.current_framework().await?.map(|c| c.summary.id);
    let mut versions = state.store().framework_versions().await?;
    versions.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
    Ok(Json(
        versions.iter().map(|v| version_json(v, current)).collect(),
    ))
}

/// Leaves out text from sources that may not be redistributed.
fn redacted(fw: &Framework, licensed: bool) -> Framework {
    let mut fw = fw.clone();
    if licensed {
        return fw;
    }
    let restricted: Vec<String> = fw
        .skills
        .iter()
        .filter(|s| !fw.skill_text_redistributable(s))
        .map(|s| s.id.clone())
        .collect();
    for skill in fw.skills.iter_mut().filter(|s| restricted.contains(&s.id)) {
        skill.description = None;
        skill.guidance = None;
        skill.levels.clear();
    }
    fw
}

fn version_param(version: Option<&str>) -> Result<VersionRef, WebError> {
    let v = version.filter(|v| !v.is_empty()).unwrap_or("current");
    VersionRef::parse(v).ok_or_else(|| {
        WebError::invalid(
            "version",
            "`version` must be `current` or a framework version id.",
        )
    })
}

/// One framework version with its content.
#[utoipa::path(
    get,
    path = "/api/v1/frameworks/{version}",
    tag = "frameworks",
    params(("version" = String, Path, description = "`current` or a framework version id")),
    responses(
        (status = 200, body = FrameworkJson),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn framework(
    State(state): State<AppState>,
    Me(..): Me,
    PathParams(seg): PathParams<String>,
) -> Result<Json<FrameworkJson>, WebError> {
    let version = VersionRef::parse(&seg).ok_or_else(WebError::not_found)?;
    let p = state.framework(version).await?;
    let current = state.current_framework().await?.map(|c| c.summary.id);
    let content = serde_json::to_value(redacted(&p.framework, state.config().licensed))
        .map_err(WebError::internal)?;
    Ok(Json(FrameworkJson {
        version: version_json(&p.summary, current),
        content,
    }))
}

/// Every role level of a framework version, in track order.
#[utoipa::path(
    get,
    path = "/api/v1/role-levels",
    tag = "frameworks",
    params(VersionQuery),
    responses(
        (status = 200, body = RoleLevelsJson),
        (status = 404, description = "There is no such framework version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn role_levels(
    State(state): State<AppState>,
    Me(..): Me,
    QueryParams(q): QueryParams<VersionQuery>,
) -> Result<Json<RoleLevelsJson>, WebError> {
    let p = state
        .framework(version_param(q.version.as_deref())?)
        .await?;
    Ok(Json(RoleLevelsJson {
        version_id: p.summary.id,
        role_levels: p
            .framework
            .role_levels()
            .map(|(id, t, l)| RoleLevelJson {
                id,
                track: t.id.clone(),
                track_name: t.name.clone(),
                title: l.title.clone(),
                summary: l.summary.clone(),
            })
            .collect(),
    }))
}

/// The effective profile of a role level (`/api/v1/role-levels/product/senior-product-manager`).
#[utoipa::path(
    get,
    path = "/api/v1/role-levels/{track}/{level}",
    tag = "frameworks",
    params(
        ("track" = String, Path, description = "Track id, e.g. `product`"),
        ("level" = String, Path, description = "Level id within the track, e.g. `senior-product-manager`"),
        VersionQuery
    ),
    responses(
        (status = 200, body = ProfileJson),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn role_level(
    State(state): State<AppState>,
    Me(..): Me,
    PathParams((track, level)): PathParams<(String, String)>,
    QueryParams(q): QueryParams<VersionQuery>,
) -> Result<Json<ProfileJson>, WebError> {
    let p = state
        .framework(version_param(q.version.as_deref())?)
        .await?;
    let id = format!("{track}/{level}");
    if p.framework.role_level(&id).is_none() {
        return Err(WebError::not_found_because(format!(
            "There is no role level `{id}`."
        )));
    }
    let mut profile = trellis_model::resolve(&p.framework, &id)
        .map_err(|e| WebError::not_found_because(e.to_string()))?;
    if !state.config().licensed {
        profile.withhold_restricted();
    }
    Ok(Json(ProfileJson {
        version_id: p.summary.id,
        profile: serde_json::to_value(&profile).map_err(WebError::internal)?,
    }))
}

/// What changes from one role level to another, in any tracks.
#[utoipa::path(
    get,
    path = "/api/v1/compare",
    tag = "frameworks",
    params(CompareQuery),
    responses(
        (status = 200, body = CompareJson),
        (status = 404, description = "There is no such framework version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn compare(
    State(state): State<AppState>,
    Me(..): Me,
    QueryParams(q): QueryParams<CompareQuery>,
) -> Result<Json<CompareJson>, WebError> {
    let required = |field: &'static str, v: Option<String>| {
        v.map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                WebError::invalid(field, format!("`{field}` is required: a role-level id."))
            })
    };
    let from = required("from", q.from)?;
    let to = required("to", q.to)?;
    let p = state
        .framework(version_param(q.version.as_deref())?)
        .await?;
    let fw = &p.framework;
    for (field, id) in [("from", &from), ("to", &to)] {
        if let Err(e) = trellis_model::resolve::find_role_level(fw, id) {
            return Err(WebError::invalid(field, e.to_string()));
        }
    }
    let mut diff = trellis_model::diff::diff(fw, &from, &to)
        .map_err(|e| WebError::invalid("from", e.to_string()))?;
    if !state.config().licensed {
        diff.withhold_restricted();
    }
    Ok(Json(CompareJson {
        version_id: p.summary.id,
        diff: serde_json::to_value(&diff).map_err(WebError::internal)?,
    }))
}
