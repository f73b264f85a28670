//! A cycle's calibration in the JSON API: the figures of its calibration page (the distributions
//! of outcomes against the required levels, each manager's leniency against the organisation, the
//! moved list), every group rather than the page's first ones. For whoever may see the page, as
//! `trellis_app::calibration` decides: the people team everyone, a manager their reporting lines;
//! anyone else is refused as on the page. The read is audited.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use trellis_app::calibration::{BUCKETS, CalibrationView, Group, Leniency, Moved};
use trellis_store::CycleId;
use utoipa::ToSchema;

use crate::api::ReadProblems;
use crate::auth::Me;
use crate::cycles::api::CycleJson;
use crate::error::WebError;
use crate::extract::PathParams;
use crate::state::AppState;

/// Outcomes of one group (a manager, team, track or skill, or everyone), by their gap to the
/// required level.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupJson {
    pub key: String,
    pub label: String,
    /// Outcomes in each bucket of `buckets`: 2+ below, 1 below, at, 1 above, 2+ above.
    pub counts: [i64; 5],
    /// Outcomes in all.
    pub n: i64,
    /// The mean gap in levels (negative: below the required level); absent without outcomes.
    pub mean: Option<f64>,
    /// The calibration session of this group's people (`manager:<id>` or `team:<id>`).
    pub session: Option<String>,
}

impl From<&Group> for GroupJson {
    fn from(g: &Group) -> Self {
        GroupJson {
            key: g.key.clone(),
            label: g.label.clone(),
            counts: g.counts,
            n: g.n(),
            mean: g.moments.mean(),
            session: g.session.clone(),
        }
    }
}

/// The outcomes grouped one way.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistributionJson {
    /// `manager`, `team`, `track` or `skill`.
    pub dimension: String,
    pub title: String,
    pub groups: Vec<GroupJson>,
}

/// A manager's outcomes against the rest of the organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeniencyJson {
    pub manager_id: Option<i64>,
    pub name: String,
    pub group: GroupJson,
    /// Their mean gap minus the rest of the organisation's.
    pub difference: f64,
    pub standard_error: f64,
    /// The 95% interval of the difference.
    pub low: f64,
    pub high: f64,
    /// "More lenient than the organisation", "Stricter than the organisation", "Within noise"
    /// or "Too few ratings to tell".
    pub verdict: String,
    /// More lenient or stricter: for the calibration session to discuss.
    pub flagged: bool,
}

impl From<&Leniency> for LeniencyJson {
    fn from(l: &Leniency) -> Self {
        let c = l.comparison;
        LeniencyJson {
            manager_id: l.manager_id,
            name: l.name.clone(),
            group: GroupJson::from(&l.group),
            difference: c.difference,
            standard_error: c.standard_error,
            low: c.low,
            high: c.high,
            verdict: c.verdict.text().to_owned(),
            flagged: c.verdict.flagged(),
        }
    }
}

/// An outcome moved in calibration.
#[derive(Debug, Serialize, ToSchema)]
pub struct MovedJson {
    pub assessment_id: i64,
    pub person_id: i64,
    pub person: String,
    pub skill: String,
    pub before: String,
    pub after: String,
    /// "agreed outcome" or "manager's rating".
    pub outcome: String,
    pub reason: String,
    pub by: String,
    /// Unix milliseconds.
    pub at: i64,
}

impl From<&Moved> for MovedJson {
    fn from(m: &Moved) -> Self {
        MovedJson {
            assessment_id: m.change.assessment_id,
            person_id: m.change.person_id,
            person: m.person.clone(),
            skill: m.skill.clone(),
            before: m.before.clone(),
            after: m.after.clone(),
            outcome: m.outcome.to_owned(),
            reason: m.change.reason.clone(),
            by: m.by.clone(),
            at: m.change.changed_at,
        }
    }
}

/// A cycle's calibration, as its page shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalibrationJson {
    pub cycle: CycleJson,
    /// Whether the caller sees everyone (the people team) or their reporting lines.
    pub everyone: bool,
    /// The buckets of every `counts`, in order.
    pub buckets: Vec<String>,
    /// Every outcome in view.
    pub overall: GroupJson,
    /// Outcomes of the whole organisation, which leniency is measured against.
    pub organisation_n: i64,
    pub organisation_mean: Option<f64>,
    pub distributions: Vec<DistributionJson>,
    pub leniency: Vec<LeniencyJson>,
    pub moved: Vec<MovedJson>,
}

impl From<&CalibrationView> for CalibrationJson {
    fn from(v: &CalibrationView) -> Self {
        CalibrationJson {
            cycle: CycleJson::from(&v.summary),
            everyone: v.everyone,
            buckets: BUCKETS.iter().map(|b| (*b).to_owned()).collect(),
            overall: GroupJson::from(&v.overall),
            organisation_n: v.organisation.n,
            organisation_mean: v.organisation.mean(),
            distributions: v
                .distributions
                .iter()
                .map(|d| DistributionJson {
                    dimension: d.dimension.as_str().to_owned(),
                    title: d.title.to_owned(),
                    groups: d.groups.iter().map(GroupJson::from).collect(),
                })
                .collect(),
            leniency: v.leniency.iter().map(LeniencyJson::from).collect(),
            moved: v.moved.iter().map(MovedJson::from).collect(),
        }
    }
}

/// A cycle's calibration: for the people team (everyone) and managers (their reporting lines).
/// The read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/cycles/{id}/calibration",
    tag = "cycles",
    params(("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = CalibrationJson), ReadProblems)
)]
pub async fn calibration(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<CycleId>,
) -> Result<Json<CalibrationJson>, WebError> {
    let view = state
        .app()
        .calibration()
        .overview(&caller.actor(&ctx), id)
        .await?;
    Ok(Json(CalibrationJson::from(&view)))
}
