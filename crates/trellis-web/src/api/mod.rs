//! The JSON API under `/api/v1`: the same data and the same rules as the pages, for scripts.
//!
//! Every endpoint is documented here with `#[utoipa::path]`; [`ApiDoc`] gathers them into the OpenAPI
//! 3.1 document served at `/api/v1/openapi.json`. Errors are `application/problem+json`.

pub mod growth;

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use trellis_model::Framework;
use trellis_store::{Person, PersonId, SystemRole, TeamId};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::{self, Me};
use crate::error::{Problem, WebError};
use crate::extract::{ApiJson, PathParams, QueryParams};
use crate::pages::people::visible_people;
use crate::state::{AppState, VersionRef};
use trellis_app::accounts::{self, AccountChanges, NewAccount};
use trellis_store::prelude::*;

/// The OpenAPI document of the API.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Trellis API",
        description = "Career frameworks, role profiles, people and their growth: assessments, evidence and readiness. Authenticate with an API token \
                       (`Authorization: Bearer <token>`, created with `trellis token create` or on \
                       the API tokens page). Errors are RFC 9457 problem objects.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        openapi_json,
        me,
        frameworks,
        framework,
        role_levels,
        role_level,
        compare,
        teams,
        people,
        person,
        create_person,
        update_person,
        growth::readiness,
        growth::assessments,
        growth::start,
        growth::assessment,
        growth::rate,
        growth::request_peer,
        growth::peer_requests,
        growth::submit_peer,
        growth::evidence,
        growth::add_evidence
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

#[derive(Debug)]
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The OpenAPI document as JSON.
pub fn openapi_document() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".into())
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        openapi_document(),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Shapes.

/// A person's system role: what they may see and do beyond their own records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Admin,
    PeopleTeam,
    Member,
}

impl From<SystemRole> for Role {
    fn from(r: SystemRole) -> Self {
        match r {
            SystemRole::Admin => Role::Admin,
            SystemRole::PeopleTeam => Role::PeopleTeam,
            SystemRole::Member => Role::Member,
        }
    }
}

impl From<Role> for SystemRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => SystemRole::Admin,
            Role::PeopleTeam => SystemRole::PeopleTeam,
            Role::Member => SystemRole::Member,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamJson {
    pub id: TeamId,
    pub name: String,
}

/// A person. Times are Unix milliseconds.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonJson {
    pub id: PersonId,
    pub email: String,
    pub name: String,
    pub team: Option<TeamJson>,
    pub manager_id: Option<PersonId>,
    /// Full role-level id, e.g. `product/senior-product-manager`.
    pub role_level: Option<String>,
    /// The framework version the role level was assigned on.
    pub role_level_version: Option<i64>,
    pub role_level_since: Option<i64>,
    pub system_role: Role,
    pub active: bool,
    /// Send it back in `PATCH` to refuse the change if someone else changed the person meanwhile.
    pub revision: i64,
    pub created_at: i64,
}

impl PersonJson {
    fn new(p: Person, teams: &HashMap<TeamId, String>) -> PersonJson {
        PersonJson {
            id: p.id,
            team: p.team_id.map(|id| TeamJson {
                id,
                name: teams.get(&id).cloned().unwrap_or_default(),
            }),
            email: p.email,
            name: p.name,
            manager_id: p.manager_id,
            role_level: p.role_level,
            role_level_version: p.role_level_version,
            role_level_since: p.role_level_since,
            system_role: p.system_role.into(),
            active: p.active,
            revision: p.revision,
            created_at: p.created_at,
        }
    }
}

async fn team_names(state: &AppState) -> Result<HashMap<TeamId, String>, WebError> {
    Ok(state
        .store()
        .teams()
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// The caller, with the ids of the people who report to them, directly or further down.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeJson {
    #[serde(flatten)]
    pub person: PersonJson,
    pub reports: Vec<PersonId>,
}

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
pub struct VersionQuery {
    /// `current` (the default) or a framework version id.
    version: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct CompareQuery {
    /// Full id of the role level to compare from.
    from: Option<String>,
    /// Full id of the role level to compare to.
    to: Option<String>,
    /// `current` (the default) or a framework version id.
    version: Option<String>,
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonJson {
    pub email: String,
    pub name: String,
    /// Defaults to `member`.
    #[serde(default)]
    pub role: Option<Role>,
    /// Team name; created if it does not exist.
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub manager_id: Option<PersonId>,
    /// Full role-level id in the current framework.
    #[serde(default)]
    pub role_level: Option<String>,
    /// An initial password (at least 12 characters). Without one the account cannot sign in until
    /// an administrator resets its password.
    #[serde(default)]
    pub password: Option<String>,
}

/// Changes to a person. Absent fields stay as they are; `null` clears `team`, `manager_id` and
/// `role_level`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatchJson {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub team: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub manager_id: Option<Option<PersonId>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub role_level: Option<Option<String>>,
    #[serde(default)]
    pub active: Option<bool>,
    /// The revision you read; the change is refused with 409 if the person has changed since.
    #[serde(default)]
    pub revision: Option<i64>,
}

/// A field that is present, possibly `null`, as `Some(value)`; absent fields default to `None`.
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

// ---------------------------------------------------------------------------------------------
// Handlers.

/// The signed-in caller.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "people",
    responses(
        (status = 200, body = MeJson),
        (status = 401, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn me(
    State(state): State<AppState>,
    Me(caller, _): Me,
) -> Result<Json<MeJson>, WebError> {
    let teams = team_names(&state).await?;
    let reports = state
        .store()
        .reports(caller.id())
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let person = state.store().person(caller.id()).await?;
    Ok(Json(MeJson {
        person: PersonJson::new(person, &teams),
        reports,
    }))
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
    let v = version
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or("current");
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

/// Every team.
#[utoipa::path(
    get,
    path = "/api/v1/teams",
    tag = "people",
    responses((status = 200, body = Vec<TeamJson>))
)]
pub async fn teams(
    State(state): State<AppState>,
    Me(..): Me,
) -> Result<Json<Vec<TeamJson>>, WebError> {
    Ok(Json(
        state
            .store()
            .teams()
            .await?
            .into_iter()
            .map(|t| TeamJson {
                id: t.id,
                name: t.name,
            })
            .collect(),
    ))
}

/// The people the caller may see: themselves and their reports, or everyone for the people team and
/// admins. Ordered by name.
#[utoipa::path(
    get,
    path = "/api/v1/people",
    tag = "people",
    responses((status = 200, body = Vec<PersonJson>))
)]
pub async fn people(
    State(state): State<AppState>,
    Me(caller, _): Me,
) -> Result<Json<Vec<PersonJson>>, WebError> {
    let teams = team_names(&state).await?;
    let people = visible_people(state.store(), &caller).await?;
    Ok(Json(
        people
            .into_iter()
            .map(|p| PersonJson::new(p, &teams))
            .collect(),
    ))
}

/// One person: yourself, one of your reports, or anyone for the people team and admins.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}",
    tag = "people",
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, body = PersonJson),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn person(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
) -> Result<Json<PersonJson>, WebError> {
    let (p, _) =
        trellis_app::growth::person_for(state.app(), &caller.actor(&ctx), id, None).await?;
    Ok(Json(PersonJson::new(p, &team_names(&state).await?)))
}

/// Creates an account (admins only).
#[utoipa::path(
    post,
    path = "/api/v1/people",
    tag = "people",
    request_body = NewPersonJson,
    responses(
        (status = 201, body = PersonJson),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create_person(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    ApiJson(body): ApiJson<NewPersonJson>,
) -> Result<Response, WebError> {
    let password_hash = match body.password {
        Some(pw) => {
            if let Some(problem) = auth::password_problem(&pw, &body.email) {
                return Err(WebError::invalid("password", problem));
            }
            Some(auth::hash_blocking(pw).await?)
        }
        None => None,
    };
    let person = accounts::create(
        state.app(),
        &ctx.audit(),
        NewAccount {
            email: body.email,
            name: body.name,
            role: body.role.map_or(SystemRole::Member, Into::into),
            team: body.team,
            manager_id: body.manager_id,
            role_level: body.role_level,
            password_hash,
        },
    )
    .await
    .map_err(WebError::from)?;
    let location = format!("/api/v1/people/{}", person.id);
    let json = PersonJson::new(person, &team_names(&state).await?);
    let mut res = (StatusCode::CREATED, Json(json)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Changes an account (admins only). Send `revision` to refuse the change with 409 if someone else
/// changed the person since you read it.
#[utoipa::path(
    patch,
    path = "/api/v1/people/{id}",
    tag = "people",
    params(("id" = i64, Path, description = "Person id")),
    request_body = PersonPatchJson,
    responses(
        (status = 200, body = PersonJson),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn update_person(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    ApiJson(body): ApiJson<PersonPatchJson>,
) -> Result<Json<PersonJson>, WebError> {
    let person = accounts::update(
        state.app(),
        &ctx.audit(),
        id,
        AccountChanges {
            email: body.email,
            name: body.name,
            role: body.role.map(Into::into),
            team: body.team,
            manager_id: body.manager_id,
            role_level: body.role_level,
            active: body.active,
            expected_revision: body.revision,
        },
    )
    .await
    .map_err(WebError::from)?;
    // Sessions carry their person (role, active): the next request reads them again.
    state.forget_sessions();
    Ok(Json(PersonJson::new(person, &team_names(&state).await?)))
}
