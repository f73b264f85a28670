//! 1:1 check-ins in the JSON API: the caller's series, one series as the caller may read it, and
//! adding to its agenda or notes. The same use cases and rules as the pages: only the pair reads
//! a series (an administrator only after recording an exception), a private note reaches its
//! author alone, and every read and write is audited.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use trellis_store::{Action, CheckIn, Entry, Meeting};
use utoipa::ToSchema;

use crate::api::{ChangeProblems, ReadProblems, api_refusal, as_json_field, created};
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::{ApiJson, PathParams};
use crate::state::AppState;

/// A series of check-ins between two people.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInJson {
    pub id: i64,
    /// The person the series is about (the one who is managed or mentored).
    pub person_id: i64,
    pub person_name: String,
    /// The other one of the pair: their manager, or a mentor.
    pub partner_id: i64,
    pub partner_name: String,
    /// `weekly`, `fortnightly`, `monthly` or `once`.
    pub cadence: String,
    /// The day of the meeting still to be held, `YYYY-MM-DD`, if one is planned.
    pub next_on: Option<String>,
    /// When the last meeting was held (milliseconds since the epoch).
    pub last_held_at: Option<i64>,
    pub created_at: i64,
}

impl From<&CheckIn> for CheckInJson {
    fn from(c: &CheckIn) -> Self {
        CheckInJson {
            id: c.id,
            person_id: c.person_id,
            person_name: c.person_name.clone(),
            partner_id: c.partner_id,
            partner_name: c.partner_name.clone(),
            cadence: c.cadence.as_str().into(),
            next_on: c.next_on.clone(),
            last_held_at: c.last_held_at,
            created_at: c.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingJson {
    pub id: i64,
    /// `YYYY-MM-DD`.
    pub on_date: String,
    /// When it was held; absent for the meeting still to be held.
    pub held_at: Option<i64>,
}

impl From<&Meeting> for MeetingJson {
    fn from(m: &Meeting) -> Self {
        MeetingJson {
            id: m.id,
            on_date: m.on_date.clone(),
            held_at: m.held_at,
        }
    }
}

/// An agenda item or a note.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryJson {
    pub id: i64,
    pub meeting_id: i64,
    /// `agenda` or `note`.
    pub kind: String,
    /// `shared` by the pair, or `private` to its author (who alone ever gets it).
    pub privacy: String,
    pub author_id: i64,
    pub author_name: String,
    pub body: String,
    pub at: i64,
}

impl From<&Entry> for EntryJson {
    fn from(e: &Entry) -> Self {
        EntryJson {
            id: e.id,
            meeting_id: e.meeting_id,
            kind: e.kind.as_str().into(),
            privacy: e.privacy.as_str().into(),
            author_id: e.author_id,
            author_name: e.author_name.clone(),
            body: e.body.clone(),
            at: e.at,
        }
    }
}

/// An action item: open from the meeting that raised it until done.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionJson {
    pub id: i64,
    /// The meeting that raised it.
    pub raised_in: i64,
    pub owner_id: i64,
    pub owner_name: String,
    pub body: String,
    /// `YYYY-MM-DD`, if it has a due day.
    pub due_on: Option<String>,
    pub done_at: Option<i64>,
}

impl From<&Action> for ActionJson {
    fn from(a: &Action) -> Self {
        ActionJson {
            id: a.id,
            raised_in: a.raised_in,
            owner_id: a.owner_id,
            owner_name: a.owner_name.clone(),
            body: a.body.clone(),
            due_on: a.due_on.clone(),
            done_at: a.done_at,
        }
    }
}

/// Something worth raising, suggested from the person's plan and readiness.
#[derive(Debug, Serialize, ToSchema)]
pub struct TalkingPointJson {
    pub text: String,
    /// Where to read more, a path of the web app.
    pub link: String,
}

/// A series as the caller may read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInRecordJson {
    pub check_in: CheckInJson,
    /// Newest first; the one still to be held has no `held_at`.
    pub meetings: Vec<MeetingJson>,
    /// The agenda and the notes the caller may read: the pair's shared ones and their own private
    /// ones.
    pub entries: Vec<EntryJson>,
    pub actions: Vec<ActionJson>,
    pub talking_points: Vec<TalkingPointJson>,
}

/// An item for the agenda of the meeting still to be held.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemJson {
    /// One line.
    pub item: String,
}

/// A note on the meeting still to be held.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteJson {
    /// The note; several lines allowed.
    pub note: String,
    /// `shared` with the other one of the pair, or `private` to you alone.
    #[schema(pattern = "^(shared|private)$")]
    pub privacy: String,
}

/// The caller's series of check-ins, the next meeting first.
#[utoipa::path(
    get,
    path = "/api/v1/check-ins",
    tag = "check-ins",
    responses((status = 200, body = Vec<CheckInJson>))
)]
pub async fn check_ins(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Json<Vec<CheckInJson>>, WebError> {
    let mine = state.app().check_ins().mine(&caller.actor(&ctx)).await?;
    Ok(Json(mine.iter().map(CheckInJson::from).collect()))
}

/// One series: for the pair only (an administrator after recording an exception, which the
/// person is told of); anyone else is answered as if there were no such series.
#[utoipa::path(
    get,
    path = "/api/v1/check-ins/{id}",
    tag = "check-ins",
    params(("id" = i64, Path, description = "Check-in series id")),
    responses((status = 200, body = CheckInRecordJson), ReadProblems)
)]
pub async fn check_in(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<i64>,
) -> Result<Json<CheckInRecordJson>, WebError> {
    let view = state
        .app()
        .check_ins()
        .open(&caller.actor(&ctx), id)
        .await?;
    let r = &view.record;
    Ok(Json(CheckInRecordJson {
        check_in: CheckInJson::from(&r.check_in),
        meetings: r.meetings.iter().map(MeetingJson::from).collect(),
        entries: r.entries.iter().map(EntryJson::from).collect(),
        actions: r.actions.iter().map(ActionJson::from).collect(),
        talking_points: view
            .talking_points
            .iter()
            .map(|t| TalkingPointJson {
                text: t.text.clone(),
                link: t.link.clone(),
            })
            .collect(),
    }))
}

/// Adds an item to the agenda of the meeting still to be held; the other one of the pair is told.
#[utoipa::path(
    post,
    path = "/api/v1/check-ins/{id}/agenda",
    tag = "check-ins",
    params(("id" = i64, Path, description = "Check-in series id")),
    request_body = AgendaItemJson,
    responses((status = 201, body = EntryJson), ChangeProblems)
)]
pub async fn add_agenda(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<i64>,
    ApiJson(body): ApiJson<AgendaItemJson>,
) -> Result<Response, WebError> {
    let actor = caller.actor(&ctx);
    let check_ins = state.app().check_ins();
    let view = check_ins.open(&actor, id).await?;
    // The use case names the field as the page's form does.
    let entry = check_ins
        .add_to_agenda(&actor, &view, &body.item)
        .await
        .map_err(|e| as_json_field(e, |f| f == "agenda", "item"))?;
    Ok(created_entry(id, &entry))
}

/// Adds a note, shared or private, to the meeting still to be held.
#[utoipa::path(
    post,
    path = "/api/v1/check-ins/{id}/notes",
    tag = "check-ins",
    params(("id" = i64, Path, description = "Check-in series id")),
    request_body = NoteJson,
    responses((status = 201, body = EntryJson), ChangeProblems)
)]
pub async fn add_note(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<i64>,
    ApiJson(body): ApiJson<NoteJson>,
) -> Result<Response, WebError> {
    let actor = caller.actor(&ctx);
    let check_ins = state.app().check_ins();
    let view = check_ins.open(&actor, id).await?;
    let entry = check_ins
        .add_note(&actor, &view, &body.note, &body.privacy)
        .await
        .map_err(api_refusal)?;
    Ok(created_entry(id, &entry))
}

/// `201 Created` with the entry, at the address of its series.
fn created_entry(series: i64, entry: &Entry) -> Response {
    created(
        format!("/api/v1/check-ins/{series}"),
        EntryJson::from(entry),
    )
}
