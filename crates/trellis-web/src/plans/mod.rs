//! A person's development plan: their goals with actions, notes and linked evidence, the form that
//! turns readiness gaps into goals, and the forms that change it. Who may do what is decided in
//! `trellis_app::plans`. The plan in the JSON API is in [`api`].

pub mod api;

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use trellis_app::plans::{GoalsInput, MAX_TEXT, PlanView};
use trellis_app::time::{date, date_time, day_ms, now_millis};
use trellis_app::{AppResult, Relation};
use trellis_store::{CommentKind, PersonId, PlanActionKind};

use crate::auth::{Ctx, OnRecord};
use crate::error::WebError;
use crate::extract::{PageForm, QueryParams};
use crate::html::form::{Fields, all_of, field};
use crate::html::view::{Choice, DoneQuery, FieldErrors};
use crate::html::{Frame, render, render_status};

#[derive(Debug)]
struct GapGroup {
    title: String,
    gaps: Vec<GapRow>,
}

#[derive(Debug)]
struct GapRow {
    key: String,
    label: String,
    checked: bool,
}

#[derive(Debug)]
struct ActionRow {
    id: i64,
    kind: &'static str,
    body: String,
    due: String,
    done: bool,
}

#[derive(Debug)]
struct CommentRow {
    kind: &'static str,
    author: String,
    at: String,
    body: String,
}

#[derive(Debug)]
struct EvidenceRow {
    title: String,
    date: String,
}

#[derive(Debug)]
struct GoalRow {
    id: i64,
    skill: String,
    title: String,
    /// `met`, `open` or `closed`.
    state: &'static str,
    state_text: String,
    toward: String,
    due: String,
    why: String,
    agreed: String,
    open: bool,
    actions: Vec<ActionRow>,
    comments: Vec<CommentRow>,
    evidence: Vec<EvidenceRow>,
    /// The person's evidence not linked yet.
    linkable: Vec<Choice>,
}

#[derive(Debug)]
struct MilestoneRow {
    id: i64,
    stage: &'static str,
    body: String,
    evidence: Vec<String>,
    due: String,
    done: bool,
    /// Not done, and its day has passed.
    late: bool,
}

#[derive(Debug, Template)]
#[template(path = "plans/plan.html")]
struct PlanPage {
    frame: Frame,
    id: PersonId,
    name: String,
    is_owner: bool,
    is_manager: bool,
    has_role_level: bool,
    groups: Vec<GapGroup>,
    goals: Vec<GoalRow>,
    milestones: Vec<MilestoneRow>,
    onboarding: Option<trellis_app::onboarding::OnboardingOffer>,
    kinds: Vec<Choice>,
    due_on: String,
    why: String,
    errors: FieldErrors,
    notice: Option<&'static str>,
    max_text: usize,
}

fn kind_label(k: PlanActionKind) -> &'static str {
    match k {
        PlanActionKind::Course => "Course",
        PlanActionKind::Project => "Project",
        PlanActionKind::Shadowing => "Shadowing",
        PlanActionKind::Mentoring => "Mentoring",
        PlanActionKind::Other => "Other",
    }
}

fn comment_label(k: CommentKind) -> &'static str {
    match k {
        CommentKind::Progress => "Progress",
        CommentKind::Comment => "Comment",
        CommentKind::Suggestion => "Suggestion",
    }
}

/// What the goals form had, kept when it is refused.
#[derive(Debug, Default)]
struct GoalsForm {
    gaps: Vec<String>,
    due_on: String,
    why: String,
}

fn plan_page(
    ctx: &Ctx,
    view: PlanView,
    form: GoalsForm,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> PlanPage {
    let mut groups: Vec<GapGroup> = Vec::new();
    for g in &view.gaps {
        let row = GapRow {
            key: g.key.clone(),
            label: format!(
                "{}: reach {} (now: {})",
                g.skill_name,
                g.target_label,
                g.now.as_deref().unwrap_or("not rated")
            ),
            checked: form.gaps.contains(&g.key),
        };
        match groups.iter_mut().find(|x| x.title == g.role_title) {
            Some(group) => group.gaps.push(row),
            None => groups.push(GapGroup {
                title: g.role_title.clone(),
                gaps: vec![row],
            }),
        }
    }
    let is_owner = view.relation == Relation::Myself;
    let goals = view
        .goals
        .iter()
        .map(|g| {
            let (state, state_text) = match (g.met_at, g.open()) {
                (Some(at), _) => ("met", format!("Met on {}", date(at))),
                (None, true) => ("open", "Open".to_owned()),
                (None, false) => ("closed", "Closed".to_owned()),
            };
            let linked: Vec<i64> = g.evidence.iter().map(|e| e.id).collect();
            GoalRow {
                id: g.goal.id,
                skill: g.goal.skill.clone(),
                title: format!("{}: reach {}", g.skill_name, g.target_label),
                state,
                state_text,
                toward: g.role_title.clone().unwrap_or_default(),
                due: g.goal.due_on.clone().unwrap_or_default(),
                why: g.goal.why.clone(),
                agreed: g.agreed.clone().unwrap_or_else(|| "not agreed yet".into()),
                open: g.open(),
                actions: g
                    .actions
                    .iter()
                    .map(|a| ActionRow {
                        id: a.id,
                        kind: kind_label(a.kind),
                        body: a.body.clone(),
                        due: a.due_on.clone().unwrap_or_default(),
                        done: a.done_at.is_some(),
                    })
                    .collect(),
                comments: g
                    .comments
                    .iter()
                    .map(|c| CommentRow {
                        kind: comment_label(c.kind),
                        author: c.author_name.clone(),
                        at: date_time(c.at),
                        body: c.body.clone(),
                    })
                    .collect(),
                evidence: g
                    .evidence
                    .iter()
                    .map(|e| EvidenceRow {
                        title: e.title.clone(),
                        date: e.happened_on.clone(),
                    })
                    .collect(),
                linkable: view
                    .evidence
                    .iter()
                    .filter(|e| !linked.contains(&e.id))
                    .map(|e| {
                        Choice::new(e.id.to_string(), format!("{} ({})", e.title, e.happened_on))
                    })
                    .collect(),
            }
        })
        .collect();
    let title = if is_owner {
        "Your development plan".to_owned()
    } else {
        format!("Development plan: {}", view.person.name)
    };
    let today = date(now_millis());
    let milestones = view
        .milestones
        .iter()
        .map(|m| MilestoneRow {
            id: m.id,
            stage: trellis_app::onboarding::stage_label(&m.stage),
            body: m.body.clone(),
            evidence: m.evidence.lines().map(str::to_owned).collect(),
            due: m.due_on.clone(),
            done: m.done_at.is_some(),
            late: m.done_at.is_none() && m.due_on < today,
        })
        .collect();
    PlanPage {
        frame: Frame::new(Some(ctx), title, "people"),
        id: view.person.id,
        name: view.person.name.clone(),
        is_owner,
        is_manager: view.relation == Relation::Manager,
        has_role_level: view.person.role_level.is_some(),
        groups,
        goals,
        milestones,
        onboarding: view.onboarding,
        kinds: PlanActionKind::ALL
            .into_iter()
            .map(|k| Choice::new(k.as_str(), kind_label(k)))
            .collect(),
        due_on: if form.due_on.is_empty() {
            date(now_millis() + trellis_app::plans::DEFAULT_GOAL_DAYS * day_ms())
        } else {
            form.due_on
        },
        why: form.why,
        errors,
        notice,
        max_text: MAX_TEXT,
    }
}

/// `GET /people/{id}/plan`.
pub async fn plan(
    on: OnRecord<PersonId>,
    QueryParams(q): QueryParams<DoneQuery>,
) -> Result<Response, WebError> {
    let view = on.app().plans().view(&on.actor, on.id).await?;
    let notice = match q.done.as_deref() {
        Some("goals") => Some("Goals added to the plan."),
        Some("action") => Some("Action added."),
        Some("action-done") => Some("Action marked done."),
        Some("comment") => Some("Saved."),
        Some("evidence") => Some("Evidence linked."),
        Some("closed") => Some("Goal closed."),
        Some("onboarding") => Some("The first-year milestones are in the plan."),
        Some("milestone") => Some("Milestone marked done."),
        _ => None,
    };
    let page = plan_page(
        &on.ctx,
        view,
        GoalsForm::default(),
        FieldErrors::default(),
        notice,
    );
    Ok(render(&page)?.into_response())
}

/// After a change: back to the plan at the goal changed, or the plan again with the problem next
/// to its field.
async fn after_change<P, T>(
    on: &OnRecord<P>,
    person: PersonId,
    result: AppResult<T>,
    done: String,
    form: GoalsForm,
) -> Result<Response, WebError> {
    let (status, errors) = match result {
        Ok(_) => {
            // `done` is what the notice says, then the goal changed (`action#goal-7`).
            let to = format!("/people/{person}/plan?done={done}");
            return Ok(Redirect::to(&to).into_response());
        }
        Err(e) => FieldErrors::of_refusal(e, "goals-heading")?,
    };
    let view = on.app().plans().view(&on.actor, person).await?;
    render_status(status, &plan_page(&on.ctx, view, form, errors, None))
}

/// `POST /people/{id}/plan/goals`: `gaps` (repeated), `due_on`, `why`.
pub async fn add_goals(
    on: OnRecord<PersonId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let form = GoalsForm {
        gaps: all_of(&f, "gaps"),
        due_on: field(&f, "due_on").unwrap_or_default().to_owned(),
        why: field(&f, "why").unwrap_or_default().to_owned(),
    };
    let input = GoalsInput {
        gaps: form.gaps.clone(),
        due_on: form.due_on.clone(),
        why: form.why.clone(),
    };
    let added = on.app().plans().add_goals(&on.actor, id, input).await;
    after_change(&on, id, added, "goals".into(), form).await
}

/// `POST /people/{id}/plan/goals/{goal}/actions`: `kind`, `action`, `due_on`.
pub async fn add_action(
    on: OnRecord<(PersonId, i64)>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (id, goal) = on.id;
    let kind = field(&f, "kind").unwrap_or_default();
    let text = field(&f, "action").unwrap_or_default();
    let due = field(&f, "due_on").unwrap_or_default();
    let added = on
        .app()
        .plans()
        .add_action(&on.actor, id, goal, kind, text, due)
        .await;
    let done = format!("action#goal-{goal}");
    after_change(&on, id, added, done, GoalsForm::default()).await
}

/// `POST /people/{id}/plan/goals/{goal}/actions/{action}/done`.
pub async fn complete_action(on: OnRecord<(PersonId, i64, i64)>) -> Result<Response, WebError> {
    let (id, goal, action) = on.id;
    let completed = on
        .app()
        .plans()
        .complete_action(&on.actor, id, goal, action)
        .await;
    let done = format!("action-done#goal-{goal}");
    after_change(&on, id, completed, done, GoalsForm::default()).await
}

/// `POST /people/{id}/plan/goals/{goal}/comments`: `comment`, and for managers `kind`
/// (`comment` or `suggestion`).
pub async fn comment(
    on: OnRecord<(PersonId, i64)>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (id, goal) = on.id;
    let kind = field(&f, "kind").unwrap_or("comment");
    let text = field(&f, "comment").unwrap_or_default();
    let said = on
        .app()
        .plans()
        .comment(&on.actor, id, goal, kind, text)
        .await;
    let done = format!("comment#goal-{goal}");
    after_change(&on, id, said, done, GoalsForm::default()).await
}

/// `POST /people/{id}/plan/goals/{goal}/evidence`: `evidence` (an id).
pub async fn link_evidence(
    on: OnRecord<(PersonId, i64)>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (id, goal) = on.id;
    let evidence = field(&f, "evidence")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let linked = on
        .app()
        .plans()
        .link_evidence(&on.actor, id, goal, evidence)
        .await;
    let done = format!("evidence#goal-{goal}");
    after_change(&on, id, linked, done, GoalsForm::default()).await
}

/// `POST /people/{id}/plan/goals/{goal}/close`.
pub async fn close_goal(on: OnRecord<(PersonId, i64)>) -> Result<Response, WebError> {
    let (id, goal) = on.id;
    let closed = on.app().plans().close_goal(&on.actor, id, goal).await;
    let done = format!("closed#goal-{goal}");
    after_change(&on, id, closed, done, GoalsForm::default()).await
}

/// `POST /people/{id}/plan/onboarding`: `role_level` (the person's own).
pub async fn start_onboarding(
    on: OnRecord<PersonId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let role_level = field(&f, "role_level").unwrap_or_default();
    let started = on
        .app()
        .plans()
        .start_onboarding(&on.actor, id, role_level)
        .await;
    let done = "onboarding#milestones-heading".to_owned();
    after_change(&on, id, started, done, GoalsForm::default()).await
}

/// `POST /people/{id}/plan/milestones/{milestone}/done`.
pub async fn complete_milestone(on: OnRecord<(PersonId, i64)>) -> Result<Response, WebError> {
    let (id, milestone) = on.id;
    let done = on
        .app()
        .plans()
        .complete_milestone(&on.actor, id, milestone)
        .await;
    let to = format!("milestone#milestone-{milestone}");
    after_change(&on, id, done, to, GoalsForm::default()).await
}
