//! Assessment pages: starting one, the self → manager → compare → agreed stages, peer requests and
//! evidence. The rules and checks live in `crate::growth`; this module shows them.
//!
//! Stable hooks for browser tests: every form and button has an id (`start-current`, `submit-self`,
//! `submit-manager`, `submit-agreed`, `request-peer`, `submit-peer`, `add-evidence`), and each
//! rating control is `level-<skill>`, `reason-<skill>` and `comment-<skill>` (named `level.<skill>`,
//! `reason.<skill>` and `comment.<skill>`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use trellis_model::Framework;
use trellis_store::{AssessmentId, Evidence, PeerRequest, PersonId, RaterKind, Rating, Stage};

use super::view::{FieldErrors, profile_href};
use super::{Frame, render, render_status};
use crate::auth::{Caller, Ctx, Me};
use crate::error::WebError;
use crate::extract::{PageForm, PathParams, QueryParams};
use crate::routes::SeenPerson;
use crate::state::AppState;
use trellis_app::growth::{
    self, AssessmentCtx, EvidenceInput, RatingInput, StartInput, Submission, rating_text,
    rating_visible, stage_label,
};
use trellis_app::time::{date, date_time};
use trellis_app::{AppError, Relation};
use trellis_store::prelude::*;

/// A form's fields, in order, repeated names kept (multi-selects).
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn all_of(fields: &Fields, name: &str) -> Vec<String> {
    fields
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

fn number(fields: &Fields, name: &str) -> Option<i64> {
    field(fields, name).and_then(|v| v.trim().parse().ok())
}

// ---------------------------------------------------------------------------------------------
// Starting an assessment.

/// `POST /people/{id}/assessments`: `role_level`, `framework_version`, optional `cycle`.
pub async fn start(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<PersonId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (person, _) = growth::person_for(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    let input = StartInput {
        role_level: field(&f, "role_level").unwrap_or_default().to_owned(),
        framework_version: number(&f, "framework_version"),
        cycle: field(&f, "cycle").map(str::to_owned),
    };
    match growth::start_assessment(state.app(), &caller.actor(&ctx), &person, input).await {
        Ok(a) => Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response()),
        Err(r) => {
            growth::audit_refusal(
                state.app(),
                &caller.actor(&ctx),
                "assessment.create",
                format!("person:{id}"),
                &r,
            );
            Err(WebError::from(r))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The assessment page.

#[derive(Debug)]
struct StageStep {
    label: &'static str,
    /// `done`, `current` or `todo`.
    state: &'static str,
}

/// One requirement in a rating form.
#[derive(Debug)]
struct RatingField {
    skill: String,
    name: String,
    required: String,
    importance: &'static str,
    descriptor: Option<String>,
    options: Vec<(String, String)>,
    selected: String,
    reason: String,
    comment: String,
    /// What others said, shown to help (the self rating to the manager, both when agreeing).
    hints: Vec<String>,
    evidence: Vec<EvidenceLink>,
}

#[derive(Debug)]
struct RatingForm {
    action: String,
    heading: String,
    intro: String,
    button: &'static str,
    button_id: &'static str,
    fields: Vec<RatingField>,
}

#[derive(Debug, Clone)]
pub(crate) struct EvidenceLink {
    pub title: String,
    pub date: String,
    pub href: String,
}

#[derive(Debug)]
struct Said {
    text: String,
    comment: Option<String>,
}

#[derive(Debug)]
struct PeerSaid {
    who: String,
    text: String,
    comment: Option<String>,
}

#[derive(Debug)]
struct RequirementRow {
    skill: String,
    name: String,
    required: String,
    importance: &'static str,
    self_rating: Option<Said>,
    manager: Option<Said>,
    agreed: Option<Said>,
    peers: Vec<PeerSaid>,
    /// "Same", "Manager 1 level higher", … when both self and manager are shown.
    difference: Option<String>,
    evidence: Vec<EvidenceLink>,
}

#[derive(Debug)]
struct PeerRow {
    who: String,
    skills: String,
    requested: String,
    status: String,
}

#[derive(Debug)]
struct PeerForm {
    people: Vec<(String, String)>,
    skills: Vec<(String, String)>,
    selected_peer: String,
    selected_skills: Vec<String>,
}

impl PeerForm {
    fn skill_selected(&self, skill: &str) -> bool {
        self.selected_skills.iter().any(|s| s == skill)
    }
}

#[derive(Debug, Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    frame: Frame,
    id: AssessmentId,
    person_name: String,
    person_href: String,
    is_self: bool,
    role_title: String,
    role_href: String,
    cycle: String,
    version_label: String,
    version_note: Option<String>,
    stage: &'static str,
    stage_text: &'static str,
    stages: Vec<StageStep>,
    timeline: Vec<String>,
    revision: i64,
    framework_version: i64,
    status_message: Option<String>,
    notice: Option<String>,
    conflict: Option<String>,
    errors: FieldErrors,
    form: Option<RatingForm>,
    show_self: bool,
    show_manager: bool,
    show_agreed: bool,
    show_peers: bool,
    rows: Vec<RequirementRow>,
    peers: Vec<PeerRow>,
    peer_form: Option<PeerForm>,
}

/// Values typed into a rating form, to show again with the problems found.
#[derive(Debug, Default)]
struct Typed {
    fields: Fields,
    /// Which form they belong to: `self`, `manager`, `agreed` or `peer`.
    kind: &'static str,
}

fn evidence_links(person: PersonId, evidence: &[Evidence], skill: &str) -> Vec<EvidenceLink> {
    evidence
        .iter()
        .filter(|e| e.skills.iter().any(|s| s == skill))
        .map(|e| EvidenceLink {
            title: e.title.clone(),
            date: e.happened_on.clone(),
            href: format!("/people/{person}#evidence-{}", e.id),
        })
        .collect()
}

fn said(fw: &Framework, r: &Rating) -> Said {
    let text = match &r.not_applicable {
        Some(reason) => format!("Not applicable: {reason}"),
        None => rating_text(fw, r),
    };
    Said {
        text,
        comment: r.comment.clone(),
    }
}

fn difference(fw: &Framework, s: &Rating, m: &Rating) -> Option<String> {
    match (&s.level, &m.level) {
        (Some(a), Some(b)) => {
            let (ra, _) = growth::rank_of(fw, &s.skill, a)?;
            let (rb, _) = growth::rank_of(fw, &s.skill, b)?;
            Some(match rb as i64 - ra as i64 {
                0 => "Same".to_owned(),
                d if d > 0 => format!("Manager {d} level{} higher", if d == 1 { "" } else { "s" }),
                d => format!(
                    "Manager {} level{} lower",
                    -d,
                    if d == -1 { "" } else { "s" }
                ),
            })
        }
        _ if s.not_applicable.is_some() != m.not_applicable.is_some() => {
            Some("Differ on whether it applies".to_owned())
        }
        _ => Some("Same".to_owned()),
    }
}

/// The newest rating of each skill by each kind (peers by rater), among those visible.
fn latest_visible<'a>(
    a: &AssessmentCtx,
    ratings: &'a [Rating],
) -> HashMap<(String, RaterKind, Option<PersonId>), &'a Rating> {
    let mut out = HashMap::new();
    for r in ratings
        .iter()
        .filter(|r| rating_visible(&a.assessment, a.relation, r))
    {
        let rater = (r.rater_kind == RaterKind::Peer).then_some(r.rater_id);
        out.insert((r.skill.clone(), r.rater_kind, rater), r);
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn assessment_page(
    state: &AppState,
    caller: &Caller,
    ctx: &Ctx,
    a: &AssessmentCtx,
    typed: Option<Typed>,
    errors: FieldErrors,
    conflict: Option<String>,
    notice: Option<String>,
) -> Result<AssessmentPage, WebError> {
    let store = state.store();
    let fw = a.framework();
    let asm = &a.assessment;
    let ratings = store.ratings(asm.id).await?;
    let requests = store.peer_requests_of_assessment(asm.id).await?;
    let evidence = store.evidence_of(a.person.id).await?;
    let mut ids: Vec<PersonId> = vec![asm.created_by];
    ids.extend(asm.self_submitted_by);
    ids.extend(asm.manager_submitted_by);
    ids.extend(asm.agreed_by);
    ids.extend(requests.iter().map(|r| r.peer_id));
    ids.extend(ratings.iter().map(|r| r.rater_id));
    let names = growth::names(store, ids).await?;
    let name = |id: PersonId| names.get(&id).cloned().unwrap_or_default();
    let latest = latest_visible(a, &ratings);
    let get = |skill: &str, kind: RaterKind| latest.get(&(skill.to_owned(), kind, None)).copied();

    let current = state.current_framework().await?;
    let version_note = match &current {
        Some(c) if c.summary.id == asm.framework_version_id => None,
        _ => Some(format!(
            "This assessment was made on version {} of {}, which is not the current version; it \
             is shown as it was made.",
            a.published.summary.version, a.published.summary.name
        )),
    };

    let mut timeline = vec![format!(
        "Started by {} on {}.",
        name(asm.created_by),
        date_time(asm.created_at)
    )];
    if let (Some(by), Some(at)) = (asm.self_submitted_by, asm.self_submitted_at) {
        timeline.push(format!(
            "Self-assessment submitted by {} on {}.",
            name(by),
            date_time(at)
        ));
    }
    if let (Some(by), Some(at)) = (asm.manager_submitted_by, asm.manager_submitted_at) {
        timeline.push(format!(
            "Manager ratings submitted by {} on {}.",
            name(by),
            date_time(at)
        ));
    }
    if let (Some(by), Some(at)) = (asm.agreed_by, asm.agreed_at) {
        timeline.push(format!(
            "Outcome agreed and recorded by {} on {}.",
            name(by),
            date_time(at)
        ));
    }
    for r in &requests {
        if let Some(at) = r.submitted_at {
            timeline.push(format!(
                "Peer input from {} submitted on {}.",
                name(r.peer_id),
                date_time(at)
            ));
        }
    }

    let stages = [
        Stage::SelfRating,
        Stage::Manager,
        Stage::Compare,
        Stage::Agreed,
    ]
    .into_iter()
    .map(|s| StageStep {
        label: stage_label(s),
        state: if s < asm.stage || asm.stage == Stage::Agreed {
            "done"
        } else if s == asm.stage {
            "current"
        } else {
            "todo"
        },
    })
    .collect();

    // Who acts now, and the form if it is the caller.
    let person = &a.person.name;
    let is_self = a.relation == Relation::Myself;
    let is_manager = a.relation == Relation::Manager;
    let (kind, status_message): (Option<RaterKind>, Option<String>) = match asm.stage {
        Stage::SelfRating if is_self => (Some(RaterKind::SelfRater), None),
        Stage::SelfRating => (
            None,
            Some(format!(
                "Waiting for {person} to submit their self-assessment. You will see it here once \
                 they do."
            )),
        ),
        Stage::Manager if is_manager => (Some(RaterKind::Manager), None),
        Stage::Manager if is_self => (
            None,
            Some(
                "Your self-assessment is submitted. Your manager rates you next; you will see \
                 their ratings next to yours once they submit them."
                    .to_owned(),
            ),
        ),
        Stage::Manager => (
            None,
            Some(format!(
                "{person}'s self-assessment is in; waiting for their manager's ratings."
            )),
        ),
        Stage::Compare if is_manager => (Some(RaterKind::Agreed), None),
        Stage::Compare => (
            None,
            Some(format!(
                "Both ratings are in, side by side below. {} records the outcome you agree in \
                 your conversation.",
                if is_self {
                    "Your manager".to_owned()
                } else {
                    format!("{person}'s manager")
                }
            )),
        ),
        Stage::Agreed => (
            None,
            Some("This assessment is closed: the outcome below was agreed.".to_owned()),
        ),
    };
    let typed_for = |k: &str| typed.as_ref().filter(|t| t.kind == k).map(|t| &t.fields);
    let form = kind.map(|kind| {
        let (k, action, heading, intro, button, button_id) = match kind {
            RaterKind::SelfRater => (
                "self",
                format!("/assessments/{}/self", asm.id),
                "Rate yourself".to_owned(),
                format!(
                    "For each skill {} asks for, choose the level you work at today, or “not \
                     applicable” with a reason. Your manager sees your ratings once you submit.",
                    a.profile.title
                ),
                "Submit self-assessment",
                "submit-self",
            ),
            RaterKind::Manager => (
                "manager",
                format!("/assessments/{}/manager", asm.id),
                format!("Rate {person}"),
                format!(
                    "{person}'s own ratings are shown with each skill. {person} sees your \
                     ratings once you submit them."
                ),
                "Submit manager ratings",
                "submit-manager",
            ),
            _ => (
                "agreed",
                format!("/assessments/{}/agreed", asm.id),
                "Record the agreed outcome".to_owned(),
                "Each level starts at your rating; change it where your conversation agreed \
                 otherwise. Recording the outcome closes the assessment."
                    .to_owned(),
                "Record agreed outcome",
                "submit-agreed",
            ),
        };
        let typed = typed_for(k);
        let fields = a
            .profile
            .requirements
            .iter()
            .map(|req| {
                let skill = &req.skill;
                let mut hints = Vec::new();
                if kind != RaterKind::SelfRater
                    && let Some(r) = get(skill, RaterKind::SelfRater)
                {
                    let s = said(fw, r);
                    hints.push(format!(
                        "Self: {}{}",
                        s.text,
                        s.comment.map(|c| format!(" (“{c}”)")).unwrap_or_default()
                    ));
                }
                let manager = get(skill, RaterKind::Manager);
                if kind == RaterKind::Agreed
                    && let Some(r) = manager
                {
                    let s = said(fw, r);
                    hints.push(format!(
                        "Manager: {}{}",
                        s.text,
                        s.comment.map(|c| format!(" (“{c}”)")).unwrap_or_default()
                    ));
                }
                let (selected, reason, comment) = match typed {
                    Some(t) => (
                        field(t, &format!("level.{skill}"))
                            .unwrap_or_default()
                            .to_owned(),
                        field(t, &format!("reason.{skill}"))
                            .unwrap_or_default()
                            .to_owned(),
                        field(t, &format!("comment.{skill}"))
                            .unwrap_or_default()
                            .to_owned(),
                    ),
                    None if kind == RaterKind::Agreed => match manager {
                        Some(r) => (
                            if r.not_applicable.is_some() {
                                "n/a".to_owned()
                            } else {
                                r.level.clone().unwrap_or_default()
                            },
                            r.not_applicable.clone().unwrap_or_default(),
                            String::new(),
                        ),
                        None => Default::default(),
                    },
                    None => Default::default(),
                };
                RatingField {
                    skill: skill.clone(),
                    name: req.skill_name.clone(),
                    required: growth::level_label(fw, skill, req.level.as_str()),
                    importance: req.importance.as_str(),
                    descriptor: req.descriptor.clone().filter(|d| !d.trim().is_empty()),
                    options: growth::scale_options(fw, skill),
                    selected,
                    reason,
                    comment,
                    hints,
                    evidence: evidence_links(a.person.id, &evidence, skill),
                }
            })
            .collect();
        RatingForm {
            action,
            heading,
            intro,
            button,
            button_id,
            fields,
        }
    });

    let rows: Vec<RequirementRow> = a
        .profile
        .requirements
        .iter()
        .map(|req| {
            let s = get(&req.skill, RaterKind::SelfRater);
            let m = get(&req.skill, RaterKind::Manager);
            let peers = latest
                .iter()
                .filter(|((skill, kind, _), _)| *kind == RaterKind::Peer && *skill == req.skill)
                .map(|(_, r)| {
                    let s = said(fw, r);
                    PeerSaid {
                        who: name(r.rater_id),
                        text: s.text,
                        comment: s.comment,
                    }
                })
                .collect();
            RequirementRow {
                skill: req.skill.clone(),
                name: req.skill_name.clone(),
                required: growth::level_label(fw, &req.skill, req.level.as_str()),
                importance: req.importance.as_str(),
                self_rating: s.map(|r| said(fw, r)),
                manager: m.map(|r| said(fw, r)),
                agreed: get(&req.skill, RaterKind::Agreed).map(|r| said(fw, r)),
                peers,
                difference: match (s, m) {
                    (Some(s), Some(m)) => difference(fw, s, m),
                    _ => None,
                },
                evidence: evidence_links(a.person.id, &evidence, &req.skill),
            }
        })
        .collect();

    let skill_name = |s: &str| {
        a.requirement(s)
            .map(|r| r.skill_name.clone())
            .unwrap_or_else(|| s.to_owned())
    };
    let peers: Vec<PeerRow> = requests
        .iter()
        .map(|r| PeerRow {
            who: name(r.peer_id),
            skills: r
                .skills
                .iter()
                .map(|s| skill_name(s))
                .collect::<Vec<_>>()
                .join(", "),
            requested: format!("{} by {}", date(r.requested_at), name(r.requested_by)),
            status: match r.submitted_at {
                Some(at) => format!("Answered on {}", date(at)),
                None => "Waiting for an answer".to_owned(),
            },
        })
        .collect();
    let peer_form = if a.relation.may_request_peers() && asm.stage != Stage::Agreed {
        let typed = typed_for("peer");
        // Whom to ask: the person's team and the people who share their manager, as the people
        // directory would show them, not the whole organisation's names.
        let person = &a.person;
        let people = store
            .people()
            .await?
            .into_iter()
            .filter(|p| p.active && p.id != person.id && p.id != caller.id())
            .filter(|p| {
                (person.team_id.is_some() && p.team_id == person.team_id)
                    || (person.manager_id.is_some() && p.manager_id == person.manager_id)
            })
            .map(|p| (p.id.to_string(), p.name))
            .collect();
        Some(PeerForm {
            people,
            skills: a
                .profile
                .requirements
                .iter()
                .map(|r| (r.skill.clone(), r.skill_name.clone()))
                .collect(),
            selected_peer: typed
                .and_then(|t| field(t, "peer_id"))
                .unwrap_or_default()
                .to_owned(),
            selected_skills: typed.map(|t| all_of(t, "skills")).unwrap_or_default(),
        })
    } else {
        None
    };

    let show_self = rows.iter().any(|r| r.self_rating.is_some());
    let show_manager = rows.iter().any(|r| r.manager.is_some());
    let show_agreed = rows.iter().any(|r| r.agreed.is_some());
    let show_peers = rows.iter().any(|r| !r.peers.is_empty());
    Ok(AssessmentPage {
        frame: Frame::new(
            Some(ctx),
            format!("{}: assessment against {}", a.person.name, a.profile.title),
            "people",
        ),
        id: asm.id,
        person_name: a.person.name.clone(),
        person_href: format!("/people/{}", a.person.id),
        is_self,
        role_title: a.profile.title.clone(),
        role_href: profile_href(&asm.framework_version_id.to_string(), &asm.role_level),
        cycle: asm.cycle.clone(),
        version_label: format!(
            "{} {}",
            a.published.summary.name, a.published.summary.version
        ),
        version_note,
        stage: asm.stage.as_str(),
        stage_text: stage_label(asm.stage),
        stages,
        timeline,
        revision: asm.revision,
        framework_version: asm.framework_version_id,
        status_message,
        notice,
        conflict,
        errors,
        form,
        show_self,
        show_manager,
        show_agreed,
        show_peers,
        rows,
        peers,
        peer_form,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `GET /assessments/{id}`.
pub async fn assessment(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<AssessmentId>,
    QueryParams(q): QueryParams<DoneQuery>,
) -> Result<Response, WebError> {
    let a = growth::viewable_assessment(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    let notice = match q.done.as_deref() {
        Some("self") => Some("Your self-assessment is submitted.".to_owned()),
        Some("manager") => Some("Your ratings are submitted.".to_owned()),
        Some("agreed") => Some("The agreed outcome is recorded.".to_owned()),
        Some("peer") => Some("Your request for peer input is sent.".to_owned()),
        _ => None,
    };
    let page = assessment_page(
        &state,
        &caller,
        &ctx,
        &a,
        None,
        FieldErrors::default(),
        None,
        notice,
    )
    .await?;
    state.audit_read(
        ctx.audit(),
        "assessment.read",
        a.target(),
        json!({ "person": a.person.id, "view": "assessment-page" }),
    );
    Ok(render(&page)?.into_response())
}

/// Reads the rating controls of a form for these skills.
fn ratings_from(fields: &Fields, skills: &[String]) -> Vec<RatingInput> {
    let mut out = Vec::new();
    for skill in skills {
        let level = field(fields, &format!("level.{skill}"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        let reason = field(fields, &format!("reason.{skill}"))
            .unwrap_or_default()
            .to_owned();
        let comment = field(fields, &format!("comment.{skill}"))
            .unwrap_or_default()
            .to_owned();
        out.push(RatingInput {
            skill: skill.clone(),
            // The reason box only counts when "not applicable" is chosen.
            not_applicable: (level == "n/a").then_some(reason),
            level: Some(level),
            comment: Some(comment),
        });
    }
    // Controls for skills that are not requirements (a stale or altered form) are refused too.
    for (k, _) in fields {
        if let Some(skill) = k.strip_prefix("level.")
            && !skills.iter().any(|s| s == skill)
        {
            out.push(RatingInput {
                skill: skill.to_owned(),
                level: field(fields, k).map(str::to_owned),
                ..RatingInput::default()
            });
        }
    }
    out
}

async fn rate(
    state: AppState,
    caller: Caller,
    ctx: Ctx,
    id: AssessmentId,
    f: Fields,
    kind: RaterKind,
    seen: SeenPerson,
) -> Result<Response, WebError> {
    let a = growth::viewable_assessment(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    let skills: Vec<String> = a
        .profile
        .requirements
        .iter()
        .map(|r| r.skill.clone())
        .collect();
    let sub = Submission {
        kind,
        revision: number(&f, "revision"),
        framework_version: number(&f, "framework_version"),
        ratings: ratings_from(&f, &skills),
    };
    let k = match kind {
        RaterKind::SelfRater => "self",
        RaterKind::Manager => "manager",
        _ => "agreed",
    };
    match growth::submit_ratings(state.app(), &caller.actor(&ctx), &a, sub).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{id}?done={k}")).into_response()),
        Err(refusal) => {
            growth::audit_refusal(
                state.app(),
                &caller.actor(&ctx),
                "assessment.rate",
                a.target(),
                &refusal,
            );
            refused(
                &state,
                &caller,
                &ctx,
                id,
                a,
                refusal,
                Typed { fields: f, kind: k },
            )
            .await
        }
    }
}

/// Shows the assessment page again after a refused change: field problems next to the fields with
/// what was typed (422), or a conflict above what is stored now (409).
async fn refused(
    state: &AppState,
    caller: &Caller,
    ctx: &Ctx,
    id: AssessmentId,
    a: AssessmentCtx,
    refusal: AppError,
    typed: Typed,
) -> Result<Response, WebError> {
    match refusal {
        AppError::Invalid(problems) => {
            let mut errors = FieldErrors::default();
            for p in problems {
                errors.add(p.field, p.message);
            }
            let page =
                assessment_page(state, caller, ctx, &a, Some(typed), errors, None, None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        AppError::Conflict { message, .. } => {
            let fresh =
                growth::viewable_assessment(state.app(), &caller.actor(ctx), id, None).await?;
            let page = assessment_page(
                state,
                caller,
                ctx,
                &fresh,
                None,
                FieldErrors::default(),
                Some(message),
                None,
            )
            .await?;
            render_status(StatusCode::CONFLICT, &page)
        }
        e => Err(e.into()),
    }
}

/// `POST /assessments/{id}/self`.
pub async fn rate_self(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<AssessmentId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    rate(state, caller, ctx, id, f, RaterKind::SelfRater, seen).await
}

/// `POST /assessments/{id}/manager`.
pub async fn rate_manager(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<AssessmentId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    rate(state, caller, ctx, id, f, RaterKind::Manager, seen).await
}

/// `POST /assessments/{id}/agreed`.
pub async fn rate_agreed(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<AssessmentId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    rate(state, caller, ctx, id, f, RaterKind::Agreed, seen).await
}

/// `POST /assessments/{id}/peer-requests`: `peer_id` and `skills` (repeated).
pub async fn request_peer(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<AssessmentId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let a = growth::viewable_assessment(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    // Not a number: no one has that id, which the check reports as "no such person".
    let peer = field(&f, "peer_id")
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| v.parse::<PersonId>().unwrap_or(-1));
    match growth::request_peer(
        state.app(),
        &caller.actor(&ctx),
        &a,
        peer,
        all_of(&f, "skills"),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{id}?done=peer#peers")).into_response()),
        Err(refusal) => {
            growth::audit_refusal(
                state.app(),
                &caller.actor(&ctx),
                "peer.request",
                a.target(),
                &refusal,
            );
            refused(
                &state,
                &caller,
                &ctx,
                id,
                a,
                refusal,
                Typed {
                    fields: f,
                    kind: "peer",
                },
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Peer requests.

#[derive(Debug)]
struct InboxRow {
    href: String,
    person: String,
    role: String,
    skills: usize,
    requested: String,
    status: String,
}

#[derive(Debug, Template)]
#[template(path = "peer_requests.html")]
struct InboxPage {
    frame: Frame,
    rows: Vec<InboxRow>,
}

/// `GET /peer-requests`: the requests for input addressed to the caller.
pub async fn inbox(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    let store = state.store();
    let requests = store.peer_requests_for(caller.id()).await?;
    let mut rows = Vec::new();
    for r in requests {
        let a = store.assessment(r.assessment_id).await?;
        let person = store.person(a.person_id).await?;
        let fw = state
            .framework(crate::state::VersionRef::Id(a.framework_version_id))
            .await?;
        rows.push(InboxRow {
            href: format!("/peer-requests/{}", r.id),
            person: person.name,
            role: super::view::role_title(&fw.framework, &a.role_level),
            skills: r.skills.len(),
            requested: date(r.requested_at),
            status: match r.submitted_at {
                Some(at) => format!("Answered on {}", date(at)),
                None => "Waiting for your answer".to_owned(),
            },
        });
    }
    let page = InboxPage {
        frame: Frame::new(Some(&ctx), "Requests for your input", "home"),
        rows,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug)]
struct MySaid {
    name: String,
    text: String,
    comment: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "peer_request.html")]
struct PeerPage {
    frame: Frame,
    id: i64,
    person_name: String,
    role_title: String,
    requested_by: String,
    requested: String,
    submitted: Option<String>,
    closed: bool,
    errors: FieldErrors,
    conflict: Option<String>,
    fields: Vec<RatingField>,
    mine: Vec<MySaid>,
}

async fn peer_context(
    state: &AppState,
    caller: &Caller,
    ctx: &Ctx,
    id: i64,
) -> Result<(PeerRequest, AssessmentCtx), WebError> {
    let request = growth::load_peer_request(state.store(), id).await?;
    if request.peer_id != caller.id() {
        return Err(trellis_app::access::deny(
            state.store(),
            &ctx.audit(),
            format!("peer-request:{id}"),
            "This request for input was sent to someone else.",
        )
        .await
        .into());
    }
    let a = growth::load_assessment(state.app(), &caller.actor(ctx), request.assessment_id, None)
        .await?;
    Ok((request, a))
}

async fn peer_page(
    state: &AppState,
    ctx: &Ctx,
    request: &PeerRequest,
    a: &AssessmentCtx,
    typed: Option<&Fields>,
    errors: FieldErrors,
    conflict: Option<String>,
) -> Result<PeerPage, WebError> {
    let store = state.store();
    let fw = a.framework();
    // Only what this peer wrote, never the others' ratings.
    let mine = store
        .ratings(a.assessment.id)
        .await?
        .into_iter()
        .filter(|r| r.rater_kind == RaterKind::Peer && r.rater_id == request.peer_id)
        .map(|r| {
            let s = said(fw, &r);
            MySaid {
                name: a
                    .requirement(&r.skill)
                    .map(|q| q.skill_name.clone())
                    .unwrap_or_else(|| r.skill.clone()),
                text: s.text,
                comment: s.comment,
            }
        })
        .collect();
    let fields = request
        .skills
        .iter()
        .filter_map(|s| a.requirement(s))
        .map(|req| {
            let skill = &req.skill;
            let get = |k: &str| {
                typed
                    .and_then(|t| field(t, &format!("{k}.{skill}")))
                    .unwrap_or_default()
                    .to_owned()
            };
            RatingField {
                skill: skill.clone(),
                name: req.skill_name.clone(),
                required: growth::level_label(fw, skill, req.level.as_str()),
                importance: req.importance.as_str(),
                descriptor: req.descriptor.clone().filter(|d| !d.trim().is_empty()),
                options: growth::scale_options(fw, skill),
                selected: get("level"),
                reason: get("reason"),
                comment: get("comment"),
                hints: Vec::new(),
                evidence: Vec::new(),
            }
        })
        .collect();
    let requested_by = growth::names(store, vec![request.requested_by])
        .await?
        .remove(&request.requested_by)
        .unwrap_or_default();
    Ok(PeerPage {
        frame: Frame::new(Some(ctx), format!("Input for {}", a.person.name), "home"),
        id: request.id,
        person_name: a.person.name.clone(),
        role_title: a.profile.title.clone(),
        requested_by,
        requested: date(request.requested_at),
        submitted: request.submitted_at.map(date_time),
        closed: a.assessment.stage == Stage::Agreed,
        errors,
        conflict,
        fields,
        mine,
    })
}

/// `GET /peer-requests/{id}`: the peer's page, with the form until they answer.
pub async fn peer_request(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<i64>,
) -> Result<Response, WebError> {
    let (request, a) = peer_context(&state, &caller, &ctx, id).await?;
    let page = peer_page(
        &state,
        &ctx,
        &request,
        &a,
        None,
        FieldErrors::default(),
        None,
    )
    .await?;
    state.audit_read(
        ctx.audit(),
        "assessment.read",
        a.target(),
        json!({ "person": a.person.id, "view": "peer-request", "request": id }),
    );
    Ok(render(&page)?.into_response())
}

/// `POST /peer-requests/{id}`: the peer's ratings of the requested skills.
pub async fn peer_submit(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (request, a) = peer_context(&state, &caller, &ctx, id).await?;
    let ratings = ratings_from(&f, &request.skills);
    match growth::submit_peer(state.app(), &caller.actor(&ctx), &request, &a, ratings).await {
        Ok(_) => Ok(Redirect::to(&format!("/peer-requests/{id}")).into_response()),
        Err(refusal) => {
            growth::audit_refusal(
                state.app(),
                &caller.actor(&ctx),
                "peer.submit",
                format!("peer-request:{id}"),
                &refusal,
            );
            match refusal {
                AppError::Invalid(problems) => {
                    let mut errors = FieldErrors::default();
                    for p in problems {
                        errors.add(p.field, p.message);
                    }
                    let page =
                        peer_page(&state, &ctx, &request, &a, Some(&f), errors, None).await?;
                    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
                }
                AppError::Conflict { message, .. } => {
                    let fresh = growth::load_peer_request(state.store(), id).await?;
                    let page = peer_page(
                        &state,
                        &ctx,
                        &fresh,
                        &a,
                        None,
                        FieldErrors::default(),
                        Some(message),
                    )
                    .await?;
                    render_status(StatusCode::CONFLICT, &page)
                }
                e => Err(e.into()),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evidence.

#[derive(Debug, Default)]
struct EvidenceForm {
    happened_on: String,
    title: String,
    description: String,
    links: String,
    skills: Vec<String>,
    corroborators: String,
}

impl EvidenceForm {
    fn has_skill(&self, skill: &str) -> bool {
        self.skills.iter().any(|s| s == skill)
    }
}

#[derive(Debug)]
pub(crate) struct SkillGroup {
    pub category: String,
    pub skills: Vec<(String, String)>,
}

/// Every skill of a framework, grouped by category, for multi-selects.
pub(crate) fn skill_groups(fw: &Framework) -> Vec<SkillGroup> {
    let mut groups: Vec<SkillGroup> = Vec::new();
    for s in &fw.skills {
        let category = s.category.clone().unwrap_or_else(|| "Other".to_owned());
        match groups.iter_mut().find(|g| g.category == category) {
            Some(g) => g.skills.push((s.id.clone(), s.name.clone())),
            None => groups.push(SkillGroup {
                category,
                skills: vec![(s.id.clone(), s.name.clone())],
            }),
        }
    }
    for g in &mut groups {
        g.skills.sort_by(|a, b| a.1.cmp(&b.1));
    }
    groups
}

/// One piece of evidence as shown.
#[derive(Debug)]
pub(crate) struct EvidenceView {
    pub id: i64,
    pub date: String,
    pub title: String,
    pub description: String,
    pub links: Vec<String>,
    pub skills: Vec<String>,
    pub corroborators: Vec<String>,
    pub added: String,
}

pub(crate) fn evidence_views(
    fw: &Framework,
    evidence: &[Evidence],
    names: &HashMap<PersonId, String>,
) -> Vec<EvidenceView> {
    evidence
        .iter()
        .map(|e| EvidenceView {
            id: e.id,
            date: e.happened_on.clone(),
            title: e.title.clone(),
            description: e.description.clone(),
            links: e.links.clone(),
            skills: e
                .skills
                .iter()
                .map(|s| fw.skill(s).map_or_else(|| s.clone(), |k| k.name.clone()))
                .collect(),
            corroborators: e.corroborators.clone(),
            added: format!(
                "Added by {} on {}",
                names.get(&e.created_by).cloned().unwrap_or_default(),
                date(e.created_at)
            ),
        })
        .collect()
}

#[derive(Debug, Template)]
#[template(path = "evidence.html")]
struct EvidencePage {
    frame: Frame,
    person_id: PersonId,
    person_name: String,
    is_self: bool,
    form: EvidenceForm,
    errors: FieldErrors,
    groups: Vec<SkillGroup>,
    added: bool,
    entries: Vec<EvidenceView>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AddedQuery {
    added: Option<String>,
}

async fn evidence_page(
    state: &AppState,
    ctx: &Ctx,
    person: &trellis_store::Person,
    relation: Relation,
    form: EvidenceForm,
    errors: FieldErrors,
    added: bool,
) -> Result<EvidencePage, WebError> {
    let current = state
        .current_framework()
        .await?
        .ok_or_else(|| WebError::not_found_because("No framework has been published yet."))?;
    let evidence = state.store().evidence_of(person.id).await?;
    let ids: Vec<PersonId> = evidence.iter().map(|e| e.created_by).collect();
    let names = growth::names(state.store(), ids).await?;
    Ok(EvidencePage {
        frame: Frame::new(Some(ctx), format!("Evidence: {}", person.name), "people"),
        person_id: person.id,
        person_name: person.name.clone(),
        is_self: relation == Relation::Myself,
        form,
        errors,
        groups: skill_groups(&current.framework),
        added,
        entries: evidence_views(&current.framework, &evidence, &names),
    })
}

/// `GET /people/{id}/evidence`: the evidence log with the form to add to it.
pub async fn evidence(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<PersonId>,
    QueryParams(q): QueryParams<AddedQuery>,
) -> Result<Response, WebError> {
    let (person, relation) =
        growth::person_for(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    let form = EvidenceForm {
        happened_on: date(trellis_app::time::now_millis()),
        ..EvidenceForm::default()
    };
    let page = evidence_page(
        &state,
        &ctx,
        &person,
        relation,
        form,
        FieldErrors::default(),
        q.added.is_some(),
    )
    .await?;
    state.audit_read(
        ctx.audit(),
        "evidence.read",
        format!("person:{id}"),
        json!({ "view": "evidence-page" }),
    );
    Ok(render(&page)?.into_response())
}

/// `POST /people/{id}/evidence`: `happened_on`, `title`, `description`, `links` (one per line),
/// `skills` (repeated), `corroborators` (one per line).
pub async fn evidence_add(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    seen: SeenPerson,
    PathParams(id): PathParams<PersonId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (person, relation) =
        growth::person_for(state.app(), &caller.actor(&ctx), id, seen.seen()).await?;
    let form = EvidenceForm {
        happened_on: field(&f, "happened_on").unwrap_or_default().to_owned(),
        title: field(&f, "title").unwrap_or_default().to_owned(),
        description: field(&f, "description").unwrap_or_default().to_owned(),
        links: field(&f, "links").unwrap_or_default().to_owned(),
        skills: all_of(&f, "skills"),
        corroborators: field(&f, "corroborators").unwrap_or_default().to_owned(),
    };
    let input = EvidenceInput {
        happened_on: form.happened_on.clone(),
        title: form.title.clone(),
        description: form.description.clone(),
        links: vec![form.links.clone()],
        skills: form.skills.clone(),
        corroborators: vec![form.corroborators.clone()],
    };
    match growth::add_evidence(state.app(), &caller.actor(&ctx), &person, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}/evidence?added=1")).into_response()),
        Err(refusal) => {
            growth::audit_refusal(
                state.app(),
                &caller.actor(&ctx),
                "evidence.create",
                format!("person:{id}"),
                &refusal,
            );
            match refusal {
                AppError::Invalid(problems) => {
                    let mut errors = FieldErrors::default();
                    for p in problems {
                        errors.add(p.field, p.message);
                    }
                    let page =
                        evidence_page(&state, &ctx, &person, relation, form, errors, false).await?;
                    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
                }
                e => Err(e.into()),
            }
        }
    }
}
