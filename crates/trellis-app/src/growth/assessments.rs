//! Assessments: starting one, the checks every rating goes through, and submitting a stage.

use std::collections::HashSet;
use std::sync::Arc;

use serde::Deserialize;
use trellis_model::{EffectiveRequirement, Framework, Profile};
use trellis_store::{
    Assessment, AssessmentId, NewAssessment, NewRating, OPEN_ASSESSMENT_EXISTS, Person, RaterKind,
    Stage, StoreError,
};
use utoipa::ToSchema;

use super::*;
use crate::App;
use crate::access::{self, Actor, Relation};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::frameworks::{Published, VersionRef};
use crate::notifications;

/// The message for a stale `revision`: someone else saved first.
pub const CONCURRENT_EDIT: &str = "Someone else changed this assessment since you loaded it. \
     Reload the page to see their changes, then try again; nothing you sent was saved.";

const MAX_COMMENT: usize = 4_000;
const MAX_REASON: usize = 1_000;
const MAX_CYCLE: usize = 40;
// ---------------------------------------------------------------------------------------------
// Assessments.

/// An assessment with everything needed to show or change it.
#[derive(Debug)]
pub struct AssessmentCtx {
    pub assessment: Assessment,
    pub person: Person,
    /// The framework version the assessment was made on.
    pub published: Arc<Published>,
    /// The effective profile of the assessed role level on that version.
    pub profile: Profile,
    pub relation: Relation,
    /// For the person assessed, the results of the cycle it belongs to while they wait for the
    /// cycle's sharing day.
    pub withheld: Option<crate::sharing::Withheld>,
}

impl AssessmentCtx {
    /// Whether the caller sees a rating of the assessment as it is now (`current`).
    pub fn rating_shown(&self, current: &Assessment, r: &trellis_store::Rating) -> bool {
        rating_visible(current, self.relation, r)
            && !self.withheld.as_ref().is_some_and(|w| w.hides(r))
    }

    pub fn framework(&self) -> &Framework {
        &self.published.framework
    }

    pub fn target(&self) -> String {
        format!("assessment:{}", self.assessment.id)
    }

    pub fn requirement(&self, skill: &str) -> Option<&EffectiveRequirement> {
        self.profile.requirements.iter().find(|r| r.skill == skill)
    }
}

const NO_SUCH_ASSESSMENT: &str = "There is no such assessment.";

pub async fn load_assessment(
    app: &App,
    actor: &Actor,
    id: AssessmentId,
) -> AppResult<AssessmentCtx> {
    let assessment = app.store().assessment(id).await.map_err(|e| match e {
        StoreError::NotFound(_) => AppError::not_found(NO_SUCH_ASSESSMENT),
        other => other.into(),
    })?;
    let (person, relation) = person_and_relation(app, actor, assessment.person_id).await?;
    let published = app
        .framework(VersionRef::Id(assessment.framework_version_id))
        .await?;
    let profile = trellis_model::resolve(&published.framework, &assessment.role_level)
        .map_err(|e| AppError::internal(format!("assessment {id}: {e}")))?;
    let withheld = match relation {
        Relation::Myself => {
            crate::sharing::withheld_assessment(app, &assessment, &crate::time::today()).await?
        }
        _ => None,
    };
    Ok(AssessmentCtx {
        assessment,
        person,
        published,
        profile,
        relation,
        withheld,
    })
}

/// Loads an assessment the actor may see in full (not peers: they see their request only).
pub async fn viewable_assessment(
    app: &App,
    actor: &Actor,
    id: AssessmentId,
) -> AppResult<AssessmentCtx> {
    let a = load_assessment(app, actor, id).await?;
    if !a.relation.may_view() {
        return Err(
            access::hide(app.store(), &actor.audit(), a.target(), NO_SUCH_ASSESSMENT).await,
        );
    }
    Ok(a)
}

/// The review cycle an assessment started now belongs to by default: `2026-H1`.
pub fn default_cycle() -> String {
    let today = crate::time::date(crate::time::now_millis());
    let year = &today[..4];
    let month: u32 = today[5..7].parse().unwrap_or(1);
    format!("{year}-H{}", if month <= 6 { 1 } else { 2 })
}

/// The cycle `n` half-years before a `YYYY-Hh` cycle (`2026-H1`, 1 → `2025-H2`); other names are
/// returned with the count appended.
pub fn cycle_before(cycle: &str, n: u32) -> String {
    let parsed = cycle.split_once("-H").and_then(|(y, h)| {
        Some((
            y.parse::<i64>().ok()?,
            h.parse::<i64>().ok().filter(|h| (1..=2).contains(h))?,
        ))
    });
    match parsed {
        Some((year, half)) => {
            let index = year * 2 + (half - 1) - i64::from(n);
            format!("{}-H{}", index.div_euclid(2), index.rem_euclid(2) + 1)
        }
        None => format!("{cycle}-{n}"),
    }
}

pub fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::SelfRating => "Self-assessment",
        Stage::Manager => "Manager rating",
        Stage::Compare => "Compare and agree",
        Stage::Agreed => "Agreed",
    }
}

/// What starting an assessment needs.
#[derive(Debug, Clone, Default)]
pub struct StartInput {
    pub role_level: String,
    /// The framework version the caller saw when choosing; refused when no longer current.
    pub framework_version: Option<i64>,
    pub cycle: Option<String>,
}

pub async fn start_assessment(
    app: &App,
    actor: &Actor,
    person: &Person,
    input: StartInput,
) -> AppResult<Assessment> {
    let current = app.current_framework().await?.ok_or_else(|| {
        AppError::conflict("No framework has been published yet, so there is nothing to assess.")
    })?;
    if let Some(v) = input.framework_version
        && v != current.summary.id
    {
        return Err(AppError::conflict(format!(
            "The framework has changed since this page was loaded: version {} is current now. \
             Reload the page and start again; nothing was saved.",
            current.summary.version
        ))
        .with_field("framework_version"));
    }
    let role_level = input.role_level.trim();
    if role_level.is_empty() {
        return Err(AppError::field(
            "role_level",
            "Choose the role level to assess against.",
        ));
    }
    let Some((_, _, level)) = current.framework.role_level(role_level) else {
        return Err(AppError::field(
            "role_level",
            format!("There is no role level `{role_level}` in the current framework."),
        ));
    };
    let notices = notifications::assessment_started(actor, person, &level.title);
    let cycle = input
        .cycle
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(default_cycle);
    if cycle.chars().count() > MAX_CYCLE {
        return Err(AppError::field(
            "cycle",
            format!("Keep the cycle name to {MAX_CYCLE} characters."),
        ));
    }
    if let Some(open) = open_assessment(app, person, role_level).await? {
        return Err(already_open(person, &open));
    }
    let created = app
        .store()
        .create_assessment(
            NewAssessment {
                person_id: person.id,
                role_level: role_level.to_owned(),
                framework_version_id: current.summary.id,
                cycle,
            },
            notices,
            &actor.audit(),
        )
        .await;
    match created {
        Ok(a) => Ok(a),
        // Another start for this role level won the race since the check above: the database
        // holds one open assessment per person and role level, so say which one it is.
        Err(StoreError::Conflict(m)) if m == OPEN_ASSESSMENT_EXISTS => {
            match open_assessment(app, person, role_level).await? {
                Some(open) => Err(already_open(person, &open)),
                None => Err(AppError::conflict(format!(
                    "{} already has an open assessment against this role level. Finish it \
                     before starting another.",
                    person.name
                ))
                .with_field("role_level")),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The person's open assessment against the role level, if any (at most one: see
/// [`OPEN_ASSESSMENT_EXISTS`]).
async fn open_assessment(
    app: &App,
    person: &Person,
    role_level: &str,
) -> AppResult<Option<Assessment>> {
    Ok(app
        .store()
        .assessments_of(person.id)
        .await?
        .into_iter()
        .find(|a| a.role_level == role_level && a.stage != Stage::Agreed))
}

fn already_open(person: &Person, open: &Assessment) -> AppError {
    AppError::conflict(format!(
        "{} already has an open assessment against this role level (number {}, cycle {}). \
         Finish it before starting another.",
        person.name, open.id, open.cycle
    ))
    .with_field("role_level")
}

/// One rating as sent: a level on the skill's scale, or "not applicable" with a reason.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// Skill id, one of the requirements of the assessed role level.
    pub skill: String,
    /// A level id on the skill's scale (`practitioner`, `3`). Leave out when not applicable.
    #[serde(default, deserialize_with = "level_as_text")]
    #[schema(value_type = Option<String>)]
    pub level: Option<String>,
    /// Why the skill does not apply; give this instead of a level.
    #[serde(default)]
    pub not_applicable: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Levels may be sent as numbers (`3`) as well as text.
fn level_as_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<trellis_model::LevelId>::deserialize(d)?;
    Ok(v.map(|l| l.0))
}

/// Which part of a rating a problem is about, for naming the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Skill,
    Level,
    Reason,
    Comment,
}

/// A problem with one rating.
#[derive(Debug, Clone)]
pub struct RatingProblem {
    pub skill: String,
    pub part: Part,
    pub message: String,
}

/// Ratings refused, each problem under the field of the page it belongs to.
pub(crate) fn refused_ratings(problems: Vec<RatingProblem>) -> AppError {
    AppError::fields(
        problems
            .iter()
            .map(|p| (p.page_field(), p.message.clone()))
            .collect(),
    )
}

impl RatingProblem {
    /// The id of the form control at fault on the rating pages.
    pub fn page_field(&self) -> String {
        let part = match self.part {
            Part::Skill | Part::Level => "level",
            Part::Reason => "reason",
            Part::Comment => "comment",
        };
        format!("{part}-{}", self.skill)
    }
}

fn cleaned(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Checks ratings against the skills they may cover (`allowed`, each with its requirement) and the
/// skills' scales. With `require_all`, every allowed skill must be rated.
pub fn check_ratings(
    fw: &Framework,
    allowed: &[&EffectiveRequirement],
    role_title: &str,
    inputs: Vec<RatingInput>,
    require_all: bool,
) -> Result<Vec<NewRating>, Vec<RatingProblem>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let problem = |skill: &str, part, message: String| RatingProblem {
        skill: skill.to_owned(),
        part,
        message,
    };
    for input in inputs {
        let skill = input.skill.trim().to_owned();
        let Some(req) = allowed.iter().find(|r| r.skill == skill) else {
            let message = if fw.skill(&skill).is_some() {
                format!(
                    "`{skill}` is not a requirement of {role_title}, so it cannot be rated here."
                )
            } else {
                format!("There is no skill `{skill}` in this framework.")
            };
            problems.push(problem(&skill, Part::Skill, message));
            continue;
        };
        if !seen.insert(skill.clone()) {
            problems.push(problem(
                &skill,
                Part::Skill,
                format!("{} is rated twice; rate it once.", req.skill_name),
            ));
            continue;
        }
        let mut level = cleaned(input.level);
        let reason = cleaned(input.not_applicable);
        let comment = cleaned(input.comment);
        // "Not applicable" chosen as the level: the reason is what says why.
        if level
            .as_deref()
            .is_some_and(|l| l.eq_ignore_ascii_case("n/a"))
        {
            level = None;
            if reason.is_none() {
                problems.push(problem(
                    &skill,
                    Part::Reason,
                    format!("Say why {} does not apply.", req.skill_name),
                ));
                continue;
            }
        }
        let scale = fw.skill(&skill).and_then(|s| fw.scale(&s.scale));
        match (&level, &reason) {
            (Some(_), Some(_)) => problems.push(problem(
                &skill,
                Part::Level,
                format!(
                    "{}: choose a level or say why it does not apply, not both.",
                    req.skill_name
                ),
            )),
            (None, None) => {
                if require_all {
                    problems.push(problem(
                        &skill,
                        Part::Level,
                        format!(
                            "Choose a level for {}, or “not applicable” with a reason.",
                            req.skill_name
                        ),
                    ));
                }
                continue;
            }
            (Some(l), None) => {
                if scale.and_then(|s| s.level(l)).is_none() {
                    let levels = scale
                        .map(|s| {
                            s.levels
                                .iter()
                                .map(|x| x.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default();
                    problems.push(problem(
                        &skill,
                        Part::Level,
                        format!(
                            "`{l}` is not a level of {}; its scale has {levels}.",
                            req.skill_name
                        ),
                    ));
                }
            }
            (None, Some(r)) => {
                if r.chars().count() > MAX_REASON {
                    problems.push(problem(
                        &skill,
                        Part::Reason,
                        format!("Keep the reason to {MAX_REASON} characters."),
                    ));
                }
            }
        }
        if comment
            .as_ref()
            .is_some_and(|c| c.chars().count() > MAX_COMMENT)
        {
            problems.push(problem(
                &skill,
                Part::Comment,
                format!("Keep the comment to {MAX_COMMENT} characters."),
            ));
        }
        out.push(NewRating {
            skill,
            level,
            not_applicable: reason,
            comment,
        });
    }
    if require_all {
        for req in allowed {
            if !seen.contains(&req.skill) {
                problems.push(problem(
                    &req.skill,
                    Part::Level,
                    format!(
                        "Choose a level for {}, or “not applicable” with a reason.",
                        req.skill_name
                    ),
                ));
            }
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(RatingProblem {
            skill: allowed.first().map(|r| r.skill.clone()).unwrap_or_default(),
            part: Part::Level,
            message: "Rate at least one skill.".into(),
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Ratings sent for one stage of an assessment.
#[derive(Debug, Clone)]
pub struct Submission {
    pub kind: RaterKind,
    /// The revision the caller loaded; refused with 409 when someone else saved since.
    pub revision: Option<i64>,
    /// The framework version the form was made for.
    pub framework_version: Option<i64>,
    pub ratings: Vec<RatingInput>,
}

/// The stage at which a kind of rater rates, and the stage their submission moves to.
pub(crate) fn stage_for(kind: RaterKind) -> Option<(Stage, Stage)> {
    match kind {
        RaterKind::SelfRater => Some((Stage::SelfRating, Stage::Manager)),
        RaterKind::Manager => Some((Stage::Manager, Stage::Compare)),
        RaterKind::Agreed => Some((Stage::Compare, Stage::Agreed)),
        RaterKind::Peer => None,
    }
}

pub(crate) fn stage_conflict(a: &AssessmentCtx, kind: RaterKind) -> AppError {
    let name = &a.person.name;
    let detail = match (a.assessment.stage, kind) {
        (Stage::Agreed, _) => {
            "This assessment is closed: its outcome has been agreed. Start a new one to rate again."
                .to_owned()
        }
        (Stage::SelfRating, _) => {
            format!("This assessment is waiting for {name}'s self-assessment.")
        }
        (Stage::Manager, RaterKind::SelfRater) => {
            "The self-assessment has been submitted already; the manager is rating now.".to_owned()
        }
        (Stage::Manager, _) => "The manager has not submitted their ratings yet.".to_owned(),
        (Stage::Compare, _) => {
            "Both ratings are in; what remains is to record the agreed outcome.".to_owned()
        }
    };
    AppError::conflict(format!("{detail} Reload the page to see where it stands."))
}

pub async fn submit_ratings(
    app: &App,
    actor: &Actor,
    a: &AssessmentCtx,
    sub: Submission,
) -> AppResult<Assessment> {
    let (at, to) = stage_for(sub.kind)
        .ok_or_else(|| AppError::field("kind", "Rate as `self`, `manager` or `agreed`."))?;
    if !a.relation.may_rate(sub.kind) {
        let detail = match sub.kind {
            RaterKind::SelfRater => {
                format!("Only {} can submit their self-assessment.", a.person.name)
            }
            _ => format!(
                "Only a manager in {}'s reporting line can rate them and record the outcome.",
                a.person.name
            ),
        };
        return Err(access::deny(app.store(), &actor.audit(), a.target(), detail).await);
    }
    let Some(revision) = sub.revision else {
        return Err(AppError::field(
            "revision",
            "Send the revision of the assessment you loaded.",
        ));
    };
    if revision != a.assessment.revision {
        return Err(AppError::conflict(CONCURRENT_EDIT).with_field("revision"));
    }
    if let Some(v) = sub.framework_version
        && v != a.assessment.framework_version_id
    {
        return Err(AppError::conflict(format!(
            "This assessment was made on framework version {} ({}), not the version your page was \
             for. Reload the page; nothing was saved.",
            a.published.summary.version, a.assessment.framework_version_id
        ))
        .with_field("framework_version"));
    }
    if a.assessment.stage != at {
        return Err(stage_conflict(a, sub.kind));
    }
    let allowed: Vec<&EffectiveRequirement> = a.profile.requirements.iter().collect();
    let ratings = check_ratings(a.framework(), &allowed, &a.profile.title, sub.ratings, true)
        .map_err(refused_ratings)?;
    let mut notices = notifications::stage_submitted(actor, a, to);
    // The person hears of their manager's ratings and the outcome on the cycle's sharing day.
    if matches!(to, Stage::Compare | Stage::Agreed)
        && crate::sharing::withheld_assessment(app, &a.assessment, &crate::time::today())
            .await?
            .is_some()
    {
        notices.retain(|n| n.person_id != a.person.id);
    }
    // The ratings and the move to the next stage are one user action: one transaction.
    app.store()
        .submit_ratings(
            a.assessment.id,
            sub.kind,
            actor.id(),
            ratings,
            revision,
            Some(to),
            notices,
            &actor.audit(),
        )
        .await
        .map_err(concurrency)
}

/// A store conflict on an assessment is a concurrent edit.
fn concurrency(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::conflict(CONCURRENT_EDIT).with_field("revision"),
        other => other.into(),
    }
}

/// Field problems of a rating submission with API field names.
pub fn api_fields(problems: Vec<FieldProblem>) -> Vec<FieldProblem> {
    problems
        .into_iter()
        .map(|FieldProblem { field, message }| {
            let api = match field.split_once('-') {
                Some(("level", skill)) => format!("ratings.{skill}.level"),
                Some(("reason", skill)) => format!("ratings.{skill}.not_applicable"),
                Some(("comment", skill)) => format!("ratings.{skill}.comment"),
                _ => field,
            };
            FieldProblem::new(api, message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::cycle_before;
    use crate::growth::level_text;

    #[test]
    fn level_text_names_the_id_once() {
        assert_eq!(level_text("3", ""), "3");
        assert_eq!(level_text("3", "  "), "3");
        assert_eq!(level_text("3", "Apply"), "3 (Apply)");
        assert_eq!(level_text("expert", "Expert"), "Expert");
        assert_eq!(level_text("3", "Level 3"), "Level 3");
        assert_eq!(level_text("3", "Level 13"), "3 (Level 13)");
        assert_eq!(level_text("l3", "Stufe L3"), "Stufe L3");
        assert_eq!(level_text("é", "Niveau É"), "Niveau É");
        assert_eq!(level_text("é", "Niveau"), "é (Niveau)");
    }

    #[test]
    fn cycles_step_back_by_half_years() {
        assert_eq!(cycle_before("2026-H1", 0), "2026-H1");
        assert_eq!(cycle_before("2026-H1", 1), "2025-H2");
        assert_eq!(cycle_before("2026-H2", 3), "2025-H1");
        assert_eq!(cycle_before("spring", 1), "spring-1");
    }
}
