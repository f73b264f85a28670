//! The check-in pages: the caller's check-ins with the form that sets one up, one series with its
//! next meeting (agenda, talking points, notes, actions) and its history, and the administrator's
//! form that records an exception to a pair's privacy.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use trellis_app::access::{Actor, Seat};
use trellis_app::check_ins::{
    ActionInput, CheckInView, CheckIns, MAX_TEXT, ScheduleInput, TalkingPoint,
};
use trellis_app::time::{date, date_time, day_ms, now_millis};
use trellis_app::{AppError, AppResult};
use trellis_store::prelude::*;
use trellis_store::{Cadence, CheckIn, EntryKind, NoteShare, PersonId, Privacy};

use crate::auth::{Caller, Ctx, Me, OnRecord};
use crate::error::WebError;
use crate::extract::{PageForm, PathParams, QueryParams};
use crate::html::form::{Fields, field};
use crate::html::view::{Choice, DoneQuery, FieldErrors};
use crate::html::{Frame, render, render_status};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// The list, and setting up.

#[derive(Debug)]
struct SeriesRow {
    href: String,
    with: String,
    about: &'static str,
    cadence: &'static str,
    next_on: String,
    last_held: String,
}

fn series_rows(me: PersonId, series: &[CheckIn]) -> Vec<SeriesRow> {
    series
        .iter()
        .map(|c| SeriesRow {
            href: format!("/check-ins/{}", c.id),
            with: c.other(me).1.to_owned(),
            about: if c.person_id == me { "you" } else { "them" },
            cadence: c.cadence.label(),
            next_on: c.next_on.clone().unwrap_or_else(|| "none planned".into()),
            last_held: c.last_held_at.map_or_else(|| "not yet".into(), date),
        })
        .collect()
}

#[derive(Debug, Default)]
struct SetUpForm {
    with: String,
    other_email: String,
    cadence: String,
    first_on: String,
}

#[derive(Debug, Template)]
#[template(path = "check_ins/list.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<SeriesRow>,
    /// Whom the caller may set up check-ins with: `manager`, `report-ID`, `other`.
    withs: Vec<Choice>,
    cadences: Vec<Choice>,
    form: SetUpForm,
    errors: FieldErrors,
}

fn cadences() -> Vec<Choice> {
    Cadence::ALL
        .into_iter()
        .map(|c| Choice::new(c.as_str(), c.label()))
        .collect()
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    ctx: &Ctx,
    form: SetUpForm,
    errors: FieldErrors,
) -> Result<ListPage, WebError> {
    let actor = caller.actor(ctx);
    let mine = state.app().check_ins().mine(&actor).await?;
    let mut withs = Vec::new();
    if let Some(m) = actor.person.manager_id {
        let manager = state.store().person(m).await?;
        withs.push(Choice::new(
            "manager",
            format!("You and your manager, {}", manager.name),
        ));
    }
    let reports = state.store().reports(actor.id()).await?;
    for r in reports
        .iter()
        .filter(|r| r.manager_id == Some(actor.id()) && r.active)
    {
        withs.push(Choice::new(
            format!("report-{}", r.id),
            format!("{} and you, their manager", r.name),
        ));
    }
    withs.push(Choice::new(
        "other",
        "You and someone else, such as a mentor",
    ));
    Ok(ListPage {
        frame: Frame::new(Some(ctx), "Check-ins", "check-ins"),
        rows: series_rows(actor.id(), &mine),
        withs,
        cadences: cadences(),
        form,
        errors,
    })
}

/// `GET /check-ins`: the caller's check-ins, and the form that sets one up.
pub async fn list(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    let form = SetUpForm {
        with: "manager".into(),
        cadence: "fortnightly".into(),
        first_on: date(now_millis() + 7 * day_ms()),
        ..SetUpForm::default()
    };
    let page = list_page(&state, &caller, &ctx, form, FieldErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

/// Who meets, from the form's choice: `(person, partner)`.
async fn pair(
    state: &AppState,
    actor: &Actor,
    form: &SetUpForm,
) -> AppResult<(PersonId, PersonId)> {
    match form.with.as_str() {
        "manager" => actor
            .person
            .manager_id
            .map(|m| (actor.id(), m))
            .ok_or_else(|| {
                AppError::field(
                    "with",
                    "You have no manager in Trellis: choose someone else.",
                )
            }),
        "other" => {
            let email = form.other_email.trim();
            if email.is_empty() {
                return Err(AppError::field(
                    "other_email",
                    "Enter the email address of the person you will meet.",
                ));
            }
            match state.store().person_by_email(email).await? {
                Some(p) => Ok((actor.id(), p.id)),
                None => Err(AppError::field(
                    "other_email",
                    "No one in Trellis has that email address.",
                )),
            }
        }
        w => match w.strip_prefix("report-").and_then(|id| id.parse().ok()) {
            Some(report) => Ok((report, actor.id())),
            None => Err(AppError::field(
                "with",
                "Choose whom the check-ins are with.",
            )),
        },
    }
}

/// `POST /check-ins`: `with` (`manager`, `report-ID` or `other` with `other_email`), `cadence`,
/// `first_on`.
pub async fn create(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let form = SetUpForm {
        with: field(&f, "with").unwrap_or_default().to_owned(),
        other_email: field(&f, "other_email").unwrap_or_default().to_owned(),
        cadence: field(&f, "cadence").unwrap_or_default().to_owned(),
        first_on: field(&f, "first_on").unwrap_or_default().to_owned(),
    };
    let actor = caller.actor(&ctx);
    let scheduled = async {
        let (person, partner) = pair(&state, &actor, &form).await?;
        let input = ScheduleInput {
            person,
            partner,
            cadence: form.cadence.clone(),
            first_on: form.first_on.clone(),
        };
        state.app().check_ins().schedule(&actor, input).await
    }
    .await;
    match scheduled {
        Ok(c) => Ok(Redirect::to(&format!("/check-ins/{}", c.id)).into_response()),
        Err(e) => match problems(e) {
            Ok(errors) => {
                let status = errors.1;
                let page = list_page(&state, &caller, &ctx, form, errors.0).await?;
                render_status(status, &page)
            }
            Err(e) => Err(e),
        },
    }
}

/// A refusal a form can show next to its fields (what was sent, or a conflict with what is
/// stored), with its status; anything else is an error page.
fn problems(e: AppError) -> Result<(FieldErrors, StatusCode), WebError> {
    let mut errors = FieldErrors::default();
    match e {
        AppError::Invalid(problems) => {
            for p in problems {
                errors.add(p.field, p.message);
            }
            Ok((errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
        AppError::Conflict {
            message,
            field: Some(field),
        } => {
            errors.add(field, message);
            Ok((errors, StatusCode::CONFLICT))
        }
        other => Err(other.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// One series.

#[derive(Debug)]
struct EntryView {
    id: i64,
    author: String,
    body: String,
    at: String,
    private: bool,
    /// Who the person shared the note with (shown to the person only): id and name.
    shared_with: Vec<(PersonId, String)>,
}

#[derive(Debug)]
struct ActionView {
    id: i64,
    body: String,
    owner: String,
    due: String,
    overdue: bool,
    raised: String,
    done: Option<String>,
}

#[derive(Debug)]
struct PastMeeting {
    on_date: String,
    held: String,
    agenda: Vec<EntryView>,
    notes: Vec<EntryView>,
}

#[derive(Debug)]
struct GlassView {
    by: String,
    at: String,
    reason: String,
}

/// What was typed into the forms of the page, kept when one is refused.
#[derive(Debug, Default)]
struct SeriesForms {
    item: String,
    note: String,
    privacy: String,
    action: String,
    owner: String,
    due_on: String,
    on_date: String,
}

#[derive(Debug, Template)]
#[template(path = "check_ins/show.html")]
struct SeriesPage {
    frame: Frame,
    id: i64,
    title: String,
    cadence: &'static str,
    /// The caller may write (one of the pair).
    writer: bool,
    /// Read through an administrator's exception.
    glass_reader: bool,
    /// The person the series is about, who may share a note beyond the pair.
    sharer: bool,
    next_on: Option<String>,
    agenda: Vec<EntryView>,
    notes: Vec<EntryView>,
    talking_points: Vec<TalkingPoint>,
    open_actions: Vec<ActionView>,
    done_actions: Vec<ActionView>,
    past: Vec<PastMeeting>,
    glass: Vec<GlassView>,
    owners: Vec<Choice>,
    form: SeriesForms,
    errors: FieldErrors,
    notice: Option<&'static str>,
    max_text: usize,
}

fn entry_view(e: &trellis_store::Entry, shares: &[NoteShare]) -> EntryView {
    EntryView {
        id: e.id,
        author: e.author_name.clone(),
        body: e.body.clone(),
        at: date_time(e.at),
        private: e.privacy == Privacy::Private,
        shared_with: shares
            .iter()
            .filter(|s| s.entry_id == e.id)
            .map(|s| (s.shared_with, s.shared_with_name.clone()))
            .collect(),
    }
}

fn series_page(
    ctx: &Ctx,
    me: PersonId,
    view: &CheckInView,
    shares: &[NoteShare],
    mut form: SeriesForms,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> SeriesPage {
    let r = &view.record;
    let c = &r.check_in;
    let next = r.next_meeting();
    let in_meeting = |id: i64, kind: EntryKind| -> Vec<EntryView> {
        r.entries
            .iter()
            .filter(|e| e.meeting_id == id && e.kind == kind)
            .map(|e| entry_view(e, shares))
            .collect()
    };
    let today = date(now_millis());
    let action_view = |a: &trellis_store::Action| ActionView {
        id: a.id,
        body: a.body.clone(),
        owner: a.owner_name.clone(),
        due: a.due_on.clone().unwrap_or_default(),
        overdue: a.done_at.is_none() && a.due_on.as_deref().is_some_and(|d| d < today.as_str()),
        raised: r
            .meetings
            .iter()
            .find(|m| m.id == a.raised_in)
            .map(|m| m.on_date.clone())
            .unwrap_or_default(),
        done: a.done_at.map(date),
    };
    let title = match view.seat {
        Seat::Person => format!("Check-ins with {}", c.partner_name),
        Seat::Partner => format!("Check-ins with {}", c.person_name),
        Seat::BrokeGlass => format!("Check-ins of {} with {}", c.person_name, c.partner_name),
    };
    if form.owner.is_empty() {
        form.owner = me.to_string();
    }
    if form.privacy.is_empty() {
        form.privacy = "shared".into();
    }
    SeriesPage {
        frame: Frame::new(Some(ctx), title.clone(), "check-ins"),
        id: c.id,
        title,
        cadence: c.cadence.label(),
        writer: view.seat.may_write(),
        glass_reader: view.seat == Seat::BrokeGlass,
        sharer: view.seat == Seat::Person,
        next_on: next.map(|m| m.on_date.clone()),
        agenda: next
            .map(|m| in_meeting(m.id, EntryKind::Agenda))
            .unwrap_or_default(),
        notes: next
            .map(|m| in_meeting(m.id, EntryKind::Note))
            .unwrap_or_default(),
        talking_points: view.talking_points.clone(),
        open_actions: r
            .actions
            .iter()
            .filter(|a| a.done_at.is_none())
            .map(action_view)
            .collect(),
        done_actions: r
            .actions
            .iter()
            .filter(|a| a.done_at.is_some())
            .map(action_view)
            .collect(),
        past: r
            .meetings
            .iter()
            .filter_map(|m| {
                let held = m.held_at?;
                Some(PastMeeting {
                    on_date: m.on_date.clone(),
                    held: date(held),
                    agenda: in_meeting(m.id, EntryKind::Agenda),
                    notes: in_meeting(m.id, EntryKind::Note),
                })
            })
            .collect(),
        glass: r
            .break_glass
            .iter()
            .map(|g| GlassView {
                by: g.by_name.clone(),
                at: date_time(g.at),
                reason: g.reason.clone(),
            })
            .collect(),
        owners: vec![
            Choice::new(c.person_id.to_string(), c.person_name.clone()),
            Choice::new(c.partner_id.to_string(), c.partner_name.clone()),
        ],
        form,
        errors,
        notice,
        max_text: MAX_TEXT,
    }
}

/// `GET /check-ins/{id}`: the next meeting, the actions still open, the history.
pub async fn show(
    on: OnRecord<i64>,
    QueryParams(q): QueryParams<DoneQuery>,
) -> Result<Response, WebError> {
    let id = on.id;
    let view = on.app().check_ins().open(&on.actor, id).await?;
    let notice = match q.done.as_deref() {
        Some("agenda") => Some("Added to the agenda."),
        Some("note") => Some("Note saved."),
        Some("action") => Some("Action added."),
        Some("action-done") => Some("Action marked done."),
        Some("held") => Some("Meeting recorded as held; open actions carry over to the next one."),
        Some("moved") => Some("Meeting moved."),
        Some("shared") => Some("Note shared. They are told in their inbox."),
        Some("unshared") => Some("Note taken back: they no longer read it."),
        _ => None,
    };
    let shares = on.app().check_ins().shares(&view).await?;
    let page = series_page(
        &on.ctx,
        on.actor.id(),
        &view,
        &shares,
        SeriesForms::default(),
        FieldErrors::default(),
        notice,
    );
    Ok(render(&page)?.into_response())
}

/// The series a change is made on, read as the caller may see it.
async fn open_series<P>(
    on: &OnRecord<P>,
    id: i64,
) -> Result<(CheckIns<'_>, CheckInView), WebError> {
    let check_ins = on.app().check_ins();
    let view = check_ins.open(&on.actor, id).await?;
    Ok((check_ins, view))
}

/// What a change on the series page did: back to the page (at the part changed), or the page again
/// with the problem next to the field and what was typed kept.
async fn after_change<P, T>(
    on: &OnRecord<P>,
    view: CheckInView,
    result: AppResult<T>,
    done: &str,
    form: SeriesForms,
) -> Result<Response, WebError> {
    let id = view.check_in().id;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/check-ins/{id}?done={done}")).into_response()),
        Err(e) => {
            let (errors, status) = problems(e)?;
            // Read again: the refusal may come from a change made meanwhile.
            let check_ins = on.app().check_ins();
            let view = check_ins.open(&on.actor, id).await.unwrap_or(view);
            let shares = check_ins.shares(&view).await.unwrap_or_default();
            let page = series_page(&on.ctx, on.actor.id(), &view, &shares, form, errors, None);
            render_status(status, &page)
        }
    }
}

/// `POST /check-ins/{id}/agenda`: `item`.
pub async fn add_agenda(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (check_ins, view) = open_series(&on, on.id).await?;
    let item = field(&f, "item").unwrap_or_default();
    let added = check_ins
        .add_to_agenda(&on.actor, &view, item)
        .await
        .map_err(conflict_on("item"));
    let form = SeriesForms {
        item: item.to_owned(),
        ..SeriesForms::default()
    };
    after_change(&on, view, added, "agenda", form).await
}

/// `POST /check-ins/{id}/notes`: `note`, `privacy` (`private` or `shared`).
pub async fn add_note(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (check_ins, view) = open_series(&on, on.id).await?;
    let note = field(&f, "note").unwrap_or_default();
    let privacy = field(&f, "privacy").unwrap_or_default();
    let added = check_ins
        .add_note(&on.actor, &view, note, privacy)
        .await
        .map_err(conflict_on("note"));
    let form = SeriesForms {
        note: note.to_owned(),
        privacy: privacy.to_owned(),
        ..SeriesForms::default()
    };
    after_change(&on, view, added, "note", form).await
}

/// `POST /check-ins/{id}/actions`: `action` (the text), `owner` (a person id), `due_on`.
pub async fn add_action(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (check_ins, view) = open_series(&on, on.id).await?;
    let form = SeriesForms {
        action: field(&f, "action").unwrap_or_default().to_owned(),
        owner: field(&f, "owner").unwrap_or_default().to_owned(),
        due_on: field(&f, "due_on").unwrap_or_default().to_owned(),
        ..SeriesForms::default()
    };
    let input = ActionInput {
        // Not a number: nobody, which the use case refuses as not one of the pair.
        owner: form.owner.trim().parse().unwrap_or(0),
        text: form.action.clone(),
        due_on: form.due_on.clone(),
    };
    let added = check_ins
        .add_action(&on.actor, &view, input)
        .await
        .map_err(conflict_on("action"));
    after_change(&on, view, added, "action", form).await
}

/// `POST /check-ins/{id}/actions/{action}/done`.
pub async fn complete_action(on: OnRecord<(i64, i64)>) -> Result<Response, WebError> {
    let (id, action) = on.id;
    let (check_ins, view) = open_series(&on, id).await?;
    let done = check_ins.complete_action(&on.actor, &view, action).await;
    let done = done.map_err(conflict_on(&format!("action-{action}")));
    after_change(&on, view, done, "action-done", SeriesForms::default()).await
}

/// `POST /check-ins/{id}/held`: the meeting to come was held; the next is planned.
pub async fn held(on: OnRecord<i64>) -> Result<Response, WebError> {
    let (check_ins, view) = open_series(&on, on.id).await?;
    let held = check_ins
        .hold(&on.actor, &view)
        .await
        .map_err(conflict_on("held"));
    after_change(&on, view, held, "held", SeriesForms::default()).await
}

/// `POST /check-ins/{id}/reschedule`: `on_date`.
pub async fn reschedule(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (check_ins, view) = open_series(&on, on.id).await?;
    let on_date = field(&f, "on_date").unwrap_or_default();
    let moved = check_ins
        .reschedule(&on.actor, &view, on_date)
        .await
        .map_err(conflict_on("on_date"));
    let form = SeriesForms {
        on_date: on_date.to_owned(),
        ..SeriesForms::default()
    };
    after_change(&on, view, moved, "moved", form).await
}

/// A conflict with what is stored, shown next to the form it came from.
fn conflict_on(field: &str) -> impl Fn(AppError) -> AppError + '_ {
    move |e| match e {
        AppError::Conflict {
            message,
            field: None,
        } => AppError::Conflict {
            message,
            field: Some(field.to_owned()),
        },
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// An administrator's exception.

#[derive(Debug, Template)]
#[template(path = "check_ins/break_glass.html")]
struct BreakGlassPage {
    frame: Frame,
    id: i64,
    reason: String,
    errors: FieldErrors,
}

/// `GET /check-ins/{id}/break-glass`: the form, for administrators.
pub async fn break_glass_form(
    Me(_, ctx): Me,
    PathParams(id): PathParams<i64>,
) -> Result<Response, WebError> {
    let page = BreakGlassPage {
        frame: Frame::new(Some(&ctx), "Read a pair's check-ins", "admin"),
        id,
        reason: String::new(),
        errors: FieldErrors::default(),
    };
    Ok(render(&page)?.into_response())
}

/// `POST /check-ins/{id}/break-glass`: `reason`.
pub async fn break_glass(
    on: OnRecord<i64>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let reason = field(&f, "reason").unwrap_or_default();
    match on
        .app()
        .check_ins()
        .break_glass(&on.actor, id, reason)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/check-ins/{id}")).into_response()),
        Err(e) => {
            let (errors, status) = problems(e)?;
            let page = BreakGlassPage {
                frame: Frame::new(Some(&on.ctx), "Read a pair's check-ins", "admin"),
                id,
                reason: reason.to_owned(),
                errors,
            };
            render_status(status, &page)
        }
    }
}

/// `POST /check-ins/{id}/notes/{entry}/shares`: `email`, of whom the person shares the note with.
pub async fn share_note(
    on: OnRecord<(i64, i64)>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (id, entry) = on.id;
    let (check_ins, view) = open_series(&on, id).await?;
    let email = field(&f, "email").unwrap_or_default();
    let shared = check_ins.share_note(&on.actor, &view, entry, email).await;
    after_change(&on, view, shared, "shared", SeriesForms::default()).await
}

/// `POST /check-ins/{id}/notes/{entry}/shares/{person}/delete`: takes the share back.
pub async fn unshare_note(on: OnRecord<(i64, i64, PersonId)>) -> Result<Response, WebError> {
    let (id, entry, person) = on.id;
    let (check_ins, view) = open_series(&on, id).await?;
    let taken = check_ins
        .unshare_note(&on.actor, &view, entry, person)
        .await;
    after_change(&on, view, taken, "unshared", SeriesForms::default()).await
}

#[derive(Debug)]
struct SharedNoteView {
    with: String,
    meeting_on: String,
    author: String,
    body: String,
    shared: String,
}

#[derive(Debug, Template)]
#[template(path = "check_ins/shared.html")]
struct SharedPage {
    frame: Frame,
    notes: Vec<SharedNoteView>,
}

/// `GET /check-ins/shared`: the notes people shared with the caller from their check-ins.
pub async fn shared(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Response, WebError> {
    let actor = caller.actor(&ctx);
    let notes = state.app().check_ins().shared_with_me(&actor).await?;
    let page = SharedPage {
        frame: Frame::new(Some(&ctx), "Notes shared with you".to_owned(), "check-ins"),
        notes: notes
            .into_iter()
            .map(|n| SharedNoteView {
                with: format!("{} with {}", n.person_name, n.partner_name),
                meeting_on: n.meeting_on,
                author: n.author_name,
                body: n.body,
                shared: date_time(n.shared_at),
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}
