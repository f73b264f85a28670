//! Around a stage's ratings: a draft the rater keeps until they submit, and the person's answer
//! (confirm, or dispute with a comment) to the agreed outcome.

use trellis_model::EffectiveRequirement;
use trellis_store::prelude::*;
use trellis_store::{
    NewRating, OutcomeAnswer, OutcomeAnswerKind, RaterKind, RatingDraft, Stage, StoreError,
};

use super::*;
use crate::App;
use crate::access::{self, Actor, Relation};
use crate::error::{AppError, AppResult};
use crate::notifications;

const MAX_COMMENT: usize = 4_000;
const MAX_REASON: usize = 1_000;

/// Checks a draft's ratings: only requirements of the role level, each level on its skill's
/// scale (or "n/a"); anything may still be missing. Entries with nothing in them are dropped.
pub fn check_draft(
    a: &AssessmentCtx,
    inputs: Vec<RatingInput>,
) -> Result<Vec<NewRating>, Vec<RatingProblem>> {
    let fw = a.framework();
    let allowed: Vec<&EffectiveRequirement> = a.profile.requirements.iter().collect();
    let mut problems = Vec::new();
    let mut out: Vec<NewRating> = Vec::new();
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    for input in inputs {
        let skill = input.skill.trim().to_owned();
        let mut problem = |part, message: String| {
            problems.push(RatingProblem {
                skill: skill.clone(),
                part,
                message,
            })
        };
        let Some(req) = allowed.iter().find(|r| r.skill == skill) else {
            problem(
                Part::Skill,
                format!(
                    "`{skill}` is not a requirement of {}, so it cannot be rated here.",
                    a.profile.title
                ),
            );
            continue;
        };
        if out.iter().any(|r| r.skill == skill) {
            problem(
                Part::Skill,
                format!("{} is rated twice; rate it once.", req.skill_name),
            );
            continue;
        }
        let level = clean(input.level);
        let reason = clean(input.not_applicable);
        let comment = clean(input.comment);
        if let Some(l) = &level
            && !l.eq_ignore_ascii_case("n/a")
            && fw
                .skill(&skill)
                .and_then(|s| fw.scale(&s.scale))
                .and_then(|s| s.level(l))
                .is_none()
        {
            problem(
                Part::Level,
                format!("`{l}` is not a level of {}.", req.skill_name),
            );
            continue;
        }
        if reason
            .as_ref()
            .is_some_and(|r| r.chars().count() > MAX_REASON)
        {
            problem(
                Part::Reason,
                format!("Keep the reason to {MAX_REASON} characters."),
            );
            continue;
        }
        if comment
            .as_ref()
            .is_some_and(|c| c.chars().count() > MAX_COMMENT)
        {
            problem(
                Part::Comment,
                format!("Keep the comment to {MAX_COMMENT} characters."),
            );
            continue;
        }
        if level.is_none() && reason.is_none() && comment.is_none() {
            continue;
        }
        let na = level
            .as_deref()
            .is_some_and(|l| l.eq_ignore_ascii_case("n/a"));
        out.push(NewRating {
            skill,
            level: level.map(|l| if na { "n/a".to_owned() } else { l }),
            // A reason only counts with "not applicable", as on submission.
            not_applicable: reason.filter(|_| na),
            comment,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Saves the actor's draft of their stage's ratings: only whoever may submit them, and only
/// while the assessment waits for them.
pub async fn save_draft(
    app: &App,
    actor: &Actor,
    a: &AssessmentCtx,
    sub: Submission,
) -> AppResult<RatingDraft> {
    let (at, _) = stage_for(sub.kind)
        .ok_or_else(|| AppError::field("kind", "Rate as `self`, `manager` or `agreed`."))?;
    if !a.relation.may_rate(sub.kind) {
        let detail = match sub.kind {
            RaterKind::SelfRater => {
                format!("Only {} can draft their self-assessment.", a.person.name)
            }
            _ => format!(
                "Only a manager in {}'s reporting line can rate them.",
                a.person.name
            ),
        };
        return Err(access::deny(app.store(), &actor.audit(), a.target(), detail).await);
    }
    if a.assessment.stage != at {
        return Err(stage_conflict(a, sub.kind));
    }
    let ratings = check_draft(a, sub.ratings).map_err(super::assessments::refused_ratings)?;
    app.store()
        .save_rating_draft(
            a.assessment.id,
            sub.kind,
            actor.id(),
            ratings,
            &actor.audit(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => stage_conflict(a, sub.kind),
            other => other.into(),
        })
}

/// The actor's own draft of their stage's ratings, while the assessment waits for them; nobody
/// else's.
pub async fn own_draft(
    app: &App,
    actor: &Actor,
    a: &AssessmentCtx,
    kind: RaterKind,
) -> AppResult<Option<RatingDraft>> {
    let waits = stage_for(kind).is_some_and(|(at, _)| at == a.assessment.stage);
    if !waits || !a.relation.may_rate(kind) {
        return Ok(None);
    }
    let draft = app.store().rating_draft(a.assessment.id, kind).await?;
    Ok(draft.filter(|d| d.rater_id == actor.id()))
}

/// The person confirms the agreed outcome of their assessment, or disputes it with a comment;
/// a dispute is told to their manager and to whoever recorded the outcome.
pub async fn answer_outcome(
    app: &App,
    actor: &Actor,
    a: &AssessmentCtx,
    answer: Option<&str>,
    comment: Option<String>,
) -> AppResult<OutcomeAnswer> {
    if a.relation != Relation::Myself {
        return Err(access::deny(
            app.store(),
            &actor.audit(),
            a.target(),
            format!(
                "Only {} can confirm or dispute the outcome of their assessment.",
                a.person.name
            ),
        )
        .await);
    }
    if let Some(w) = &a.withheld {
        return Err(AppError::conflict(format!(
            "{}: you can confirm or dispute the outcome then.",
            w.line()
        )));
    }
    // Closed without an agreement (a duplicate closed by a migration): nothing to answer.
    if a.assessment.stage != Stage::Agreed || a.assessment.agreed_at.is_none() {
        return Err(AppError::conflict(
            "The outcome has not been agreed yet; you can confirm or dispute it once your \
             manager records it.",
        ));
    }
    if app.store().outcome_answer(a.assessment.id).await?.is_some() {
        return Err(AppError::conflict(
            "You have answered this outcome already; your answer is shown below.",
        ));
    }
    let answer = match answer.map(str::trim) {
        Some("confirm" | "confirmed") => OutcomeAnswerKind::Confirmed,
        Some("dispute" | "disputed") => OutcomeAnswerKind::Disputed,
        _ => {
            return Err(AppError::field(
                "answer",
                "Choose whether you confirm or dispute the outcome.",
            ));
        }
    };
    let comment = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if answer == OutcomeAnswerKind::Disputed && comment.is_none() {
        return Err(AppError::field(
            "outcome_comment",
            "Say what you disagree with, so that your manager can talk it through with you.",
        ));
    }
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_COMMENT)
    {
        return Err(AppError::field(
            "outcome_comment",
            format!("Keep the comment to {MAX_COMMENT} characters."),
        ));
    }
    let notices = match answer {
        OutcomeAnswerKind::Disputed => notifications::outcome_disputed(actor, a),
        OutcomeAnswerKind::Confirmed => Vec::new(),
    };
    app.store()
        .answer_outcome(
            a.assessment.id,
            actor.id(),
            answer,
            comment,
            notices,
            &actor.audit(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::conflict(
                "You have answered this outcome already; your answer is shown below.",
            ),
            other => other.into(),
        })
}
