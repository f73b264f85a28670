//! The people API: the caller, teams, the directory, accounts and a person's readiness.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use trellis_app::accounts::{self, AccountChanges, NewAccount};
use trellis_app::growth;
use trellis_model::readiness::{Readiness, ReadinessStatus};
use trellis_store::prelude::*;
use trellis_store::{Person, PersonId, SystemRole, TeamId};
use utoipa::{IntoParams, ToSchema};

use crate::api::ReadProblems;
use crate::auth::{self, Me};
use crate::error::{Problem, WebError};
use crate::extract::{ApiJson, PathParams, QueryParams};
use crate::people::directory::visible_people;
use crate::state::AppState;

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

/// The caller, with the ids of the people who report to them, directly or further down.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeJson {
    #[serde(flatten)]
    pub person: PersonJson,
    pub reports: Vec<PersonId>,
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

/// One requirement of a role level, against what is known of the person.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementReadinessJson {
    pub skill: String,
    pub skill_name: String,
    /// `critical`, `important` or `optional`.
    pub importance: String,
    /// The required level id.
    pub required: String,
    pub required_label: String,
    /// Latest self rating: a level id, `n/a`, or null when not rated.
    #[serde(rename = "self")]
    pub self_level: Option<String>,
    pub manager: Option<String>,
    pub agreed: Option<String>,
    /// `met`, `not-met` or `not-applicable`: decided by the agreed level, else the manager's.
    pub status: String,
    pub evidence_count: usize,
    /// In plain language, e.g. "Manager rated Working; Practitioner is required (1 level short)."
    pub explanation: String,
}

/// Readiness of a person for a role level under the framework's readiness policy.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessJson {
    pub person_id: PersonId,
    pub role_level: String,
    pub framework_version_id: i64,
    /// The policy applied, e.g. `all-required`, `n-of-m`, `weighted`, `category-minimums`.
    pub policy: String,
    pub policy_description: String,
    pub ready: bool,
    /// Progress towards ready, from 0 to 1, as the policy measures it.
    pub score: f64,
    pub summary: String,
    pub requirements: Vec<RequirementReadinessJson>,
}

pub(crate) fn readiness_json(person: PersonId, version: i64, r: Readiness) -> ReadinessJson {
    ReadinessJson {
        person_id: person,
        role_level: r.role_level,
        framework_version_id: version,
        policy: r.policy,
        policy_description: r.policy_description,
        ready: r.ready,
        score: r.score,
        summary: r.summary,
        requirements: r
            .requirements
            .into_iter()
            .map(|q| RequirementReadinessJson {
                skill: q.skill,
                skill_name: q.skill_name,
                importance: q.importance.as_str().to_owned(),
                required: q.required.to_string(),
                required_label: q.required_label,
                self_level: q.self_level,
                manager: q.manager,
                agreed: q.agreed,
                status: match q.status {
                    ReadinessStatus::Met => "met",
                    ReadinessStatus::NotMet => "not-met",
                    ReadinessStatus::NotApplicable => "not-applicable",
                }
                .to_owned(),
                evidence_count: q.evidence_count,
                explanation: q.explanation,
            })
            .collect(),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ReadinessQuery {
    /// Full id of the role level, e.g. `engineering/senior-software-engineer`. Default: the
    /// person's current role level.
    role_level: Option<String>,
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
    let teams = state.team_names().await?;
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
    let teams = state.team_names().await?;
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
        ReadProblems
    )
)]
pub async fn person(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
) -> Result<Json<PersonJson>, WebError> {
    let (p, _) = trellis_app::growth::person_for(state.app(), &caller.actor(&ctx), id).await?;
    Ok(Json(PersonJson::new(p, &state.team_names().await?)))
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
    let json = PersonJson::new(person, &state.team_names().await?);
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
            role_level_since: None,
        },
    )
    .await
    .map_err(WebError::from)?;
    // Sessions carry their person (role, active): the next request reads them again.
    state.forget_sessions();
    Ok(Json(PersonJson::new(person, &state.team_names().await?)))
}

/// Readiness of a person for a role level: per requirement the required, self, manager and agreed
/// levels, met / not met / not applicable, evidence count and an explanation, under the readiness
/// policy of the current framework.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/readiness",
    tag = "growth",
    params(("id" = i64, Path, description = "Person id"), ReadinessQuery),
    responses(
        (status = 200, body = ReadinessJson),
        ReadProblems
    )
)]
pub async fn readiness(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    QueryParams(q): QueryParams<ReadinessQuery>,
) -> Result<Json<ReadinessJson>, WebError> {
    let (person, observed) = state
        .app()
        .people()
        .observed(&caller.actor(&ctx), id)
        .await?;
    let current = state
        .current_framework()
        .await?
        .ok_or_else(|| WebError::not_found_because("No framework has been published yet."))?;
    let role_level = match q
        .role_level
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
    {
        Some(r) => r,
        None => person.role_level.clone().ok_or_else(|| {
            WebError::not_found_because(format!(
                "{} has no role level; ask for one with `?role_level=`.",
                person.name
            ))
        })?,
    };
    let (_, r) = growth::readiness_for(&current, &role_level, &observed).ok_or_else(|| {
        WebError::not_found_because(format!(
            "There is no role level `{role_level}` in the current framework."
        ))
    })?;
    state.audit_read(
        ctx.audit(),
        "readiness.read",
        format!("person:{id}"),
        json!({ "role_level": role_level }),
    );
    Ok(Json(readiness_json(id, current.summary.id, r)))
}
