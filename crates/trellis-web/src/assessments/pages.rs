//! The assessment pages' handlers: starting an assessment, showing it, and the self, manager and
//! agreed ratings and peer requests submitted from it. The page itself is built in
//! [`super::view`].

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use trellis_app::AppError;
use trellis_app::growth::{AssessmentCtx, RatingInput, StartInput, Submission};
use trellis_app::use_cases::Assessments;
use trellis_store::{AssessmentId, PersonId, RaterKind};

use super::view::{Typed, assessment_page};
use crate::auth::OnRecord;
use crate::error::WebError;
use crate::extract::{PageForm, QueryParams};
use crate::html::form::{Fields, all_of, field, number};
use crate::html::view::{DoneQuery, FieldErrors};
use crate::html::{render, render_status};

// ---------------------------------------------------------------------------------------------
// Starting an assessment.

/// `POST /people/{id}/assessments`: `role_level`, `framework_version`, optional `cycle`.
pub async fn start(
    on: OnRecord<PersonId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let input = StartInput {
        role_level: field(&f, "role_level").unwrap_or_default().to_owned(),
        framework_version: number(&f, "framework_version"),
        cycle: field(&f, "cycle").map(str::to_owned),
    };
    let a = on.app().assessments().start(&on.actor, id, input).await?;
    Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response())
}

/// `GET /assessments/{id}`.
pub async fn assessment(
    on: OnRecord<AssessmentId>,
    QueryParams(q): QueryParams<DoneQuery>,
) -> Result<Response, WebError> {
    let id = on.id;
    let a = on.app().assessments().view(&on.actor, id).await?;
    let notice = match q.done.as_deref() {
        Some("self") => Some("Your self-assessment is submitted.".to_owned()),
        Some("manager") => Some("Your ratings are submitted.".to_owned()),
        Some("agreed") => Some("The agreed outcome is recorded.".to_owned()),
        Some("peer") => Some("Your request for peer input is sent.".to_owned()),
        Some("draft") => {
            Some("Your draft is saved. Only you can see it; submit when you are ready.".to_owned())
        }
        Some("confirmed") => Some("You confirmed the agreed outcome.".to_owned()),
        Some("disputed") => Some(
            "You disputed the agreed outcome; your manager is told, with your comment.".to_owned(),
        ),
        _ => None,
    };
    let page = assessment_page(
        &on.state,
        &on.caller,
        &on.ctx,
        &a,
        None,
        FieldErrors::default(),
        None,
        notice,
    )
    .await?;
    on.state.audit_read(
        on.ctx.audit(),
        "assessment.read",
        a.target(),
        json!({ "person": a.person.id, "view": "assessment-page" }),
    );
    Ok(render(&page)?.into_response())
}

/// Reads the rating controls of a form for these skills.
pub(crate) fn ratings_from(fields: &Fields, skills: &[String]) -> Vec<RatingInput> {
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

/// A stage's ratings as the form sends them, each required skill's read by `ratings`.
fn submission(
    a: &AssessmentCtx,
    f: &Fields,
    kind: RaterKind,
    ratings: fn(&Fields, &[String]) -> Vec<RatingInput>,
) -> Submission {
    let requirements = &a.profile.requirements;
    let skills: Vec<String> = requirements.iter().map(|r| r.skill.clone()).collect();
    Submission {
        kind,
        revision: number(f, "revision"),
        framework_version: number(f, "framework_version"),
        ratings: ratings(f, &skills),
    }
}

/// The assessment a form is sent on, as the caller may see it.
async fn open_assessment(
    on: &OnRecord<AssessmentId>,
) -> Result<(Assessments<'_>, AssessmentCtx), WebError> {
    let assessments = on.app().assessments();
    let a = assessments.view(&on.actor, on.id).await?;
    Ok((assessments, a))
}

async fn rate(
    on: OnRecord<AssessmentId>,
    f: Fields,
    kind: RaterKind,
) -> Result<Response, WebError> {
    let (assessments, a) = open_assessment(&on).await?;
    let sub = submission(&a, &f, kind, ratings_from);
    let k = match kind {
        RaterKind::SelfRater => "self",
        RaterKind::Manager => "manager",
        _ => "agreed",
    };
    match assessments.submit(&on.actor, &a, sub).await {
        Ok(_) => {
            let id = on.id;
            Ok(Redirect::to(&format!("/assessments/{id}?done={k}")).into_response())
        }
        Err(refusal) => refused(&on, a, refusal, Typed { fields: f, kind: k }).await,
    }
}

/// Shows the assessment page again after a refused change: field problems next to the fields with
/// what was typed (422), or a conflict above what is stored now (409).
async fn refused(
    on: &OnRecord<AssessmentId>,
    a: AssessmentCtx,
    refusal: AppError,
    typed: Typed,
) -> Result<Response, WebError> {
    let (state, caller, ctx) = (&on.state, &on.caller, &on.ctx);
    match refusal {
        AppError::Invalid(problems) => {
            let errors = FieldErrors::from(problems);
            let page =
                assessment_page(state, caller, ctx, &a, Some(typed), errors, None, None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        AppError::Conflict { message, .. } => {
            let (_, fresh) = open_assessment(on).await?;
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
    on: OnRecord<AssessmentId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    rate(on, f, RaterKind::SelfRater).await
}

/// `POST /assessments/{id}/manager`.
pub async fn rate_manager(
    on: OnRecord<AssessmentId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    rate(on, f, RaterKind::Manager).await
}

/// `POST /assessments/{id}/agreed`.
pub async fn rate_agreed(
    on: OnRecord<AssessmentId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    rate(on, f, RaterKind::Agreed).await
}

/// `POST /assessments/{id}/self/draft`: the self-assessment form, kept as a draft.
pub async fn save_self_draft(
    on: OnRecord<AssessmentId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let (assessments, a) = open_assessment(&on).await?;
    let sub = submission(&a, &f, RaterKind::SelfRater, draft_ratings_from);
    match assessments.save_draft(&on.actor, &a, sub).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{id}?done=draft")).into_response()),
        Err(refusal) => {
            let typed = Typed {
                fields: f,
                kind: "self",
            };
            refused(&on, a, refusal, typed).await
        }
    }
}

/// The rating controls of a form as a draft keeps them: "not applicable" stays a level, so that
/// it comes back chosen even before its reason is written.
fn draft_ratings_from(fields: &Fields, skills: &[String]) -> Vec<RatingInput> {
    ratings_from(fields, skills)
        .into_iter()
        .map(|mut r| {
            if r.not_applicable.is_some() {
                r.level = Some("n/a".to_owned());
            }
            r
        })
        .collect()
}

/// `POST /assessments/{id}/outcome`: `answer` (`confirm` or `dispute`) and `outcome_comment`.
pub async fn answer_outcome(
    on: OnRecord<AssessmentId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let (assessments, a) = open_assessment(&on).await?;
    let answer = field(&f, "answer").map(str::to_owned);
    let comment = field(&f, "outcome_comment").map(str::to_owned);
    match assessments
        .answer_outcome(&on.actor, &a, answer.as_deref(), comment)
        .await
    {
        Ok(o) => {
            let done = o.answer.as_str();
            Ok(
                Redirect::to(&format!("/assessments/{id}?done={done}#outcome-answer"))
                    .into_response(),
            )
        }
        Err(refusal) => {
            let typed = Typed {
                fields: f,
                kind: "answer",
            };
            refused(&on, a, refusal, typed).await
        }
    }
}

/// `POST /assessments/{id}/peer-requests`: `peer` (an email address, or `Name <address>`) and
/// `skills` (repeated).
pub async fn request_peer(
    on: OnRecord<AssessmentId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let (assessments, a) = open_assessment(&on).await?;
    let peer = field(&f, "peer").unwrap_or_default().to_owned();
    let skills = all_of(&f, "skills");
    match assessments
        .request_peer_by_email(&on.actor, &a, &peer, skills)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{id}?done=peer#peers")).into_response()),
        Err(refusal) => {
            refused(
                &on,
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
