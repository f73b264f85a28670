//! Promotion cases: the list of cases the caller may see, the form that opens one from a person's
//! page, a case's page (the case assembled from the person's records, the written case and its
//! comments, the panel and its votes as far as the caller may see them, the vote and decision
//! forms), and its printable export. Who may see and do what is decided in
//! `trellis_app::promotions`.

pub mod api;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use trellis_app::AppError;
use trellis_app::promotions::{
    CaseSummary, CaseView, CommentView, DecisionInput, EvidenceLine, MAX_CASE, RatingLine, SeatView,
};
use trellis_model::readiness::ReadinessStatus;
use trellis_store::{CaseOutcome, CaseStatus, PersonId, PromotionId};

use crate::auth::{Me, OnRecord};
use crate::error::WebError;
use crate::extract::{PageForm, QueryParams};
use crate::html::form::{Fields, field, number};
use crate::html::view::{Choice, DoneQuery, FieldErrors};
use crate::html::{Frame, render, render_status};
use crate::state::AppState;

#[derive(Debug)]
struct CaseRow {
    id: PromotionId,
    person: String,
    target: String,
    status: &'static str,
    outcome: &'static str,
    waits_on_you: &'static str,
}

#[derive(Debug, Template)]
#[template(path = "promotions/list.html")]
struct ListPage {
    frame: Frame,
    cases: Vec<CaseRow>,
}

#[derive(Debug, Template)]
#[template(path = "promotions/new.html")]
struct NewPage {
    frame: Frame,
    person_id: PersonId,
    person: String,
    current: String,
    levels: Vec<Choice>,
    chosen: String,
    errors: FieldErrors,
}

/// One requirement of the target as the case shows it.
#[derive(Debug)]
struct RequirementRow {
    skill: String,
    skill_name: String,
    importance: &'static str,
    required: String,
    status: &'static str,
    explanation: String,
    agreed: Vec<RatingLine>,
    evidence: Vec<EvidenceLine>,
    peer_input: Vec<RatingLine>,
}

/// What the forms of a case page were sent with, kept when one is refused.
#[derive(Debug, Default)]
struct Sent {
    case_text: Option<String>,
    comment: String,
    panel: Option<String>,
    vote: String,
    reason: String,
    decision: DecisionInput,
}

#[derive(Debug, Template)]
#[template(path = "promotions/case.html")]
struct CasePage {
    frame: Frame,
    c: Case,
    errors: FieldErrors,
    notice: Option<String>,
    sent: Sent,
    /// The vote the form shows chosen: the one sent, or the caller's own.
    chosen_vote: String,
    max_case: usize,
}

#[derive(Debug, Template)]
#[template(path = "promotions/print.html")]
struct PrintPage {
    frame: Frame,
    c: Case,
}

/// A case as its pages show it.
#[derive(Debug)]
struct Case {
    id: PromotionId,
    person_id: PersonId,
    person: String,
    target: String,
    from: String,
    framework: String,
    status: &'static str,
    status_text: &'static str,
    opened_by: String,
    opened_on: String,
    case_text: String,
    written_by: String,
    revision: i64,
    policy: String,
    verdict: String,
    requirements: Vec<RequirementRow>,
    comments: Vec<CommentView>,
    panel: Vec<SeatView>,
    panel_emails: String,
    votes_shown: bool,
    votes_cast: usize,
    /// The caller's seat: `subject`, `panel`, `line` or `staff`.
    seat: &'static str,
    may_run: bool,
    may_comment: bool,
    may_vote: bool,
    my_vote: String,
    my_reason: String,
    my_vote_final: bool,
    outcome: &'static str,
    outcome_text: &'static str,
    decision_reason: String,
    missing: String,
    effective_on: String,
    applied: bool,
    decided_by: String,
}

fn status_words(s: CaseStatus) -> (&'static str, &'static str) {
    match s {
        CaseStatus::Draft => ("draft", "Draft: being written and commented on"),
        CaseStatus::Submitted => ("submitted", "With the panel"),
        CaseStatus::Decided => ("decided", "Decided"),
    }
}

fn outcome_words(o: Option<CaseOutcome>) -> (&'static str, &'static str) {
    match o {
        Some(CaseOutcome::Approved) => ("approved", "Approved"),
        Some(CaseOutcome::NotYet) => ("not_yet", "Not yet"),
        None => ("", ""),
    }
}

fn case_of(v: CaseView, panel_emails: String) -> Case {
    let (status, status_text) = status_words(v.case.status);
    let (outcome, outcome_text) = outcome_words(v.case.outcome.0);
    let (policy, verdict) = match &v.readiness {
        Some(r) => (
            r.policy_description.clone(),
            format!(
                "{}: {}",
                if r.ready { "Ready" } else { "Not ready yet" },
                r.summary
            ),
        ),
        None => (
            String::new(),
            "The framework version of this case no longer has its target role level.".into(),
        ),
    };
    let may_run = v.may_run();
    let may_comment = v.may_comment();
    let votes_cast = v.votes_cast();
    let may_vote = v.my_seat.is_some() && v.case.status == CaseStatus::Submitted;
    let (my_vote, my_reason, my_vote_final) = match &v.my_seat {
        Some(s) => (
            s.vote.map(|x| x.as_str().to_owned()).unwrap_or_default(),
            s.reason.clone().unwrap_or_default(),
            s.final_vote,
        ),
        None => (String::new(), String::new(), false),
    };
    let requirements = v
        .requirements
        .into_iter()
        .map(|q| RequirementRow {
            skill: q.readiness.skill.clone(),
            skill_name: q.readiness.skill_name.clone(),
            importance: q.readiness.importance.as_str(),
            required: q.readiness.required_label.clone(),
            status: match q.readiness.status {
                ReadinessStatus::Met => "Met",
                ReadinessStatus::NotMet => "Not met",
                ReadinessStatus::NotApplicable => "Not applicable",
            },
            explanation: q.readiness.explanation.clone(),
            agreed: q.agreed,
            evidence: q.evidence,
            peer_input: q.peer_input,
        })
        .collect();
    let c = v.case;
    Case {
        id: c.id,
        person_id: v.person.id,
        person: v.person.name,
        target: v.target_title,
        from: v.from_title.unwrap_or_else(|| "no role level".into()),
        framework: v.framework,
        status,
        status_text,
        opened_by: v.opened_by,
        opened_on: trellis_app::time::date(c.opened_at),
        case_text: c.case_text,
        written_by: v.written_by.unwrap_or_default(),
        revision: c.revision,
        policy,
        verdict,
        requirements,
        comments: v.comments,
        panel: v.panel,
        panel_emails,
        votes_shown: v.votes_shown,
        votes_cast,
        seat: match v.seat {
            trellis_app::promotions::CaseSeat::Subject => "subject",
            trellis_app::promotions::CaseSeat::Panel => "panel",
            trellis_app::promotions::CaseSeat::Line => "line",
            trellis_app::promotions::CaseSeat::Staff => "staff",
        },
        may_run,
        may_comment,
        may_vote,
        my_vote,
        my_reason,
        my_vote_final,
        outcome,
        outcome_text,
        decision_reason: c.decision_reason.unwrap_or_default(),
        missing: c.missing.unwrap_or_default(),
        effective_on: c.effective_on.unwrap_or_default(),
        applied: c.applied_at.is_some(),
        decided_by: v.decided_by.unwrap_or_default(),
    }
}

/// The panel's email addresses, for the form that names it (for those who name it).
async fn panel_emails(state: &AppState, v: &CaseView) -> Result<String, WebError> {
    use trellis_store::prelude::*;
    if !v.may_run() {
        return Ok(String::new());
    }
    let mut out = Vec::new();
    for s in &v.panel {
        out.push(state.store().person(s.member_id).await?.email);
    }
    Ok(out.join("\n"))
}

fn row(s: CaseSummary) -> CaseRow {
    CaseRow {
        id: s.case.id,
        person: s.person,
        target: s.target_title,
        status: status_words(s.case.status).1,
        outcome: outcome_words(s.case.outcome.0).1,
        waits_on_you: match s.waits_on_you {
            Some("vote") => "Your vote",
            Some(_) => "Your comment",
            None => "",
        },
    }
}

/// `GET /promotions`.
pub async fn list(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    let cases = state.app().promotions().list(&caller.actor(&ctx)).await?;
    let page = ListPage {
        frame: Frame::new(Some(&ctx), "Promotion cases", "people"),
        cases: cases.into_iter().map(row).collect(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewQuery {
    role_level: Option<String>,
}

async fn new_page(
    on: &OnRecord<PersonId>,
    chosen: Option<String>,
    errors: FieldErrors,
) -> Result<NewPage, WebError> {
    let id = on.id;
    let choices = on.app().promotions().choices(&on.actor, id).await?;
    Ok(NewPage {
        frame: Frame::new(
            Some(&on.ctx),
            format!("Open a promotion case for {}", choices.person.name),
            "people",
        ),
        person_id: id,
        person: choices.person.name,
        current: choices.current.unwrap_or_else(|| "no role level".into()),
        levels: choices
            .levels
            .into_iter()
            .map(|(v, l)| Choice::new(v, l))
            .collect(),
        chosen: chosen.or(choices.next).unwrap_or_default(),
        errors,
    })
}

/// `GET /people/{id}/promotions/new`: `?role_level=` preselects the target.
pub async fn new_form(
    on: OnRecord<PersonId>,
    QueryParams(q): QueryParams<NewQuery>,
) -> Result<Response, WebError> {
    let page = new_page(&on, q.role_level, FieldErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /people/{id}/promotions`: `role_level`.
pub async fn open(
    on: OnRecord<PersonId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let role_level = field(&f, "role_level").unwrap_or_default().to_owned();
    let opened = on
        .app()
        .promotions()
        .open(&on.actor, on.id, &role_level)
        .await;
    let (status, errors) = match opened {
        Ok(c) => {
            return Ok(Redirect::to(&format!("/promotions/{}?done=opened", c.id)).into_response());
        }
        Err(e) => FieldErrors::of_refusal(e, "role_level")?,
    };
    let page = new_page(&on, Some(role_level), errors).await?;
    render_status(status, &page)
}

async fn case_page(
    on: &OnRecord<PromotionId>,
    errors: FieldErrors,
    notice: Option<String>,
    sent: Sent,
) -> Result<CasePage, WebError> {
    let v = on.app().promotions().view(&on.actor, on.id).await?;
    let emails = panel_emails(&on.state, &v).await?;
    let c = case_of(v, emails);
    let chosen_vote = if sent.vote.is_empty() {
        c.my_vote.clone()
    } else {
        sent.vote.clone()
    };
    Ok(CasePage {
        chosen_vote,
        frame: Frame::new(
            Some(&on.ctx),
            format!("Promotion case: {} for {}", c.person, c.target),
            "people",
        ),
        c,
        errors,
        notice,
        sent,
        max_case: MAX_CASE,
    })
}

/// `GET /promotions/{id}`.
pub async fn case(
    on: OnRecord<PromotionId>,
    QueryParams(q): QueryParams<DoneQuery>,
) -> Result<Response, WebError> {
    let notice = match q.done.as_deref() {
        Some("opened") => {
            Some("Case opened: write it, name the panel, and ask the person to read it.")
        }
        Some("written") => Some("The written case is saved."),
        Some("commented") => Some("Comment added."),
        Some("panel") => Some("The panel is named."),
        Some("submitted") => Some("Submitted: each panel member is asked to vote."),
        Some("voted") => Some("Your vote is recorded."),
        Some("decided") => Some("The decision is recorded and shared with the person."),
        _ => None,
    };
    let page = case_page(
        &on,
        FieldErrors::default(),
        notice.map(str::to_owned),
        Sent::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// After a change to a case: back to its page with what was done, or the page again with the
/// problem next to its field and what was sent.
async fn after_change<T>(
    on: &OnRecord<PromotionId>,
    result: Result<T, AppError>,
    (done, field_at_fault): (&str, &str),
    sent: Sent,
) -> Result<Response, WebError> {
    let (status, errors) = match result {
        Ok(_) => {
            let id = on.id;
            return Ok(Redirect::to(&format!("/promotions/{id}?done={done}")).into_response());
        }
        Err(e) => FieldErrors::of_refusal(e, field_at_fault)?,
    };
    let page = case_page(on, errors, None, sent).await?;
    render_status(status, &page)
}

/// `POST /promotions/{id}/case`: `case_text`, `revision`.
pub async fn write(
    on: OnRecord<PromotionId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let text = field(&f, "case_text").unwrap_or_default().to_owned();
    let revision = number(&f, "revision");
    let result = on
        .app()
        .promotions()
        .write(&on.actor, on.id, &text, revision)
        .await;
    let sent = Sent {
        case_text: Some(text),
        ..Sent::default()
    };
    after_change(&on, result, ("written", "case_text"), sent).await
}

/// `POST /promotions/{id}/comments`: `comment`.
pub async fn comment(
    on: OnRecord<PromotionId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let body = field(&f, "comment").unwrap_or_default().to_owned();
    let result = on.app().promotions().comment(&on.actor, on.id, &body).await;
    let sent = Sent {
        comment: body,
        ..Sent::default()
    };
    after_change(&on, result, ("commented", "comment"), sent).await
}

/// `POST /promotions/{id}/panel`: `panel`, email addresses one per line.
pub async fn panel(
    on: OnRecord<PromotionId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let emails = field(&f, "panel").unwrap_or_default().to_owned();
    let result = on
        .app()
        .promotions()
        .set_panel(&on.actor, on.id, &emails)
        .await;
    let sent = Sent {
        panel: Some(emails),
        ..Sent::default()
    };
    after_change(&on, result, ("panel", "panel"), sent).await
}

/// `POST /promotions/{id}/submit`.
pub async fn submit(on: OnRecord<PromotionId>) -> Result<Response, WebError> {
    let result = on.app().promotions().submit(&on.actor, on.id).await;
    after_change(&on, result, ("submitted", "submit"), Sent::default()).await
}

/// `POST /promotions/{id}/vote`: `vote` (`approve` or `not_yet`), `reason`.
pub async fn vote(
    on: OnRecord<PromotionId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let vote = field(&f, "vote").unwrap_or_default().to_owned();
    let reason = field(&f, "reason").unwrap_or_default().to_owned();
    let result = on
        .app()
        .promotions()
        .vote(&on.actor, on.id, &vote, &reason)
        .await;
    let sent = Sent {
        vote,
        reason,
        ..Sent::default()
    };
    after_change(&on, result, ("voted", "vote"), sent).await
}

/// `POST /promotions/{id}/decision`: `outcome` (`approved` or `not_yet`), `reason`, `missing`
/// (for not yet), `effective_on` (for approved).
pub async fn decide(
    on: OnRecord<PromotionId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let get = |name: &str| field(&f, name).unwrap_or_default().to_owned();
    let input = DecisionInput {
        outcome: get("outcome"),
        reason: get("decision_reason"),
        missing: get("missing"),
        effective_on: get("effective_on"),
    };
    let result = on
        .app()
        .promotions()
        .decide(&on.actor, on.id, input.clone())
        .await;
    let sent = Sent {
        decision: input,
        ..Sent::default()
    };
    after_change(&on, result, ("decided", "outcome"), sent).await
}

/// `GET /promotions/{id}/print`: the case on a page of its own for printing or saving as PDF.
pub async fn print(on: OnRecord<PromotionId>) -> Result<Response, WebError> {
    let id = on.id;
    let v = on.app().promotions().view(&on.actor, id).await?;
    let c = case_of(v, String::new());
    let page = PrintPage {
        frame: Frame::new(
            Some(&on.ctx),
            format!("Promotion case: {} for {}", c.person, c.target),
            "",
        ),
        c,
    };
    Ok(render(&page)?.into_response())
}
