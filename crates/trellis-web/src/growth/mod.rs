//! Growth conversations, shared by the pages and the API: who may see and do what with a person's
//! assessments and evidence, the checks every change goes through before anything is written, and
//! readiness built from the latest ratings.
//!
//! The rules, in one place:
//! - a person's records (assessments, evidence, readiness) are seen by the person, their managers
//!   (direct and indirect), the people team and admins; never by another member;
//! - the person rates themselves; a manager in their reporting line rates them and records the
//!   agreed outcome; the people team sees everything but does not rate;
//! - a peer sees only the request addressed to them and what they wrote;
//! - self ratings are shown to others once submitted, manager ratings to the person once the
//!   manager has submitted them, and peer input once the peer has submitted it.
//!
//! Every refusal names the field at fault and is decided before anything is written.

pub(crate) mod chart;
pub(crate) mod csv;
pub(crate) mod team;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::json;
use trellis_model::readiness::{Observed, Rated, Readiness, readiness};
use trellis_model::{EffectiveRequirement, Framework, Profile};
use trellis_store::{
    Assessment, AssessmentId, Evidence, NewAssessment, NewAuditEvent, NewEvidence, NewRating,
    Outcome, PeerRequest, Person, PersonId, RaterKind, Rating, Stage, Store, StoreError,
    SystemRole,
};
use utoipa::ToSchema;

use crate::auth::{Caller, Ctx};
use crate::error::{ErrorKind, WebError};
use crate::routes::SeenPerson;
use crate::state::{AppState, Published, VersionRef};

/// The message for a stale `revision`: someone else saved first.
pub(crate) const CONCURRENT_EDIT: &str = "Someone else changed this assessment since you loaded it. \
     Reload the page to see their changes, then try again; nothing you sent was saved.";

const MAX_COMMENT: usize = 4_000;
const MAX_REASON: usize = 1_000;
const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 10_000;
const MAX_LINKS: usize = 20;
const MAX_CORROBORATORS: usize = 20;
const MAX_CYCLE: usize = 40;

// ---------------------------------------------------------------------------------------------
// Who may do what.

/// How the caller stands to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relation {
    Myself,
    /// A manager in the person's reporting line, direct or indirect.
    Manager,
    /// The people team or an admin, outside the person's reporting line.
    Staff,
    Unrelated,
}

impl Relation {
    /// Sees the person's assessments, evidence and readiness.
    pub fn may_view(self) -> bool {
        self != Relation::Unrelated
    }

    /// Asks a peer for input on the person's assessment.
    pub fn may_request_peers(self) -> bool {
        matches!(self, Relation::Myself | Relation::Manager)
    }
}

/// The managers above a person, nearest first. Reporting lines cannot loop (the store refuses it),
/// but the walk stays bounded all the same.
pub(crate) async fn managers_of<S: Store>(
    store: &S,
    person: &Person,
) -> Result<Vec<PersonId>, WebError> {
    let mut out = Vec::new();
    let mut next = person.manager_id;
    while let Some(id) = next {
        if out.contains(&id) || out.len() > 64 {
            break;
        }
        out.push(id);
        next = store.person(id).await?.manager_id;
    }
    Ok(out)
}

pub(crate) async fn relation<S: Store>(
    store: &S,
    caller: &Caller,
    person: &Person,
) -> Result<Relation, WebError> {
    if caller.id() == person.id {
        return Ok(Relation::Myself);
    }
    Ok(relation_given(
        caller,
        person,
        &managers_of(store, person).await?,
    ))
}

/// The relation when the managers above the person are known already.
pub(crate) fn relation_given(caller: &Caller, person: &Person, managers: &[PersonId]) -> Relation {
    if caller.id() == person.id {
        Relation::Myself
    } else if managers.contains(&caller.id()) {
        Relation::Manager
    } else if caller.role() == SystemRole::Member {
        Relation::Unrelated
    } else {
        Relation::Staff
    }
}

/// Refuses with 403 and records the refusal in the audit log before answering.
pub(crate) async fn deny<S: Store>(
    state: &AppState<S>,
    ctx: &Ctx,
    target: String,
    detail: impl Into<String>,
) -> WebError {
    let detail = detail.into();
    let event = NewAuditEvent {
        action: "access.denied".into(),
        target,
        outcome: Outcome::Denied,
        details: json!({ "reason": detail }),
    };
    if let Err(e) = state.store().append_audit(event, &ctx.audit()).await {
        return e.into();
    }
    WebError::new(ErrorKind::Forbidden, detail)
}

pub(crate) async fn load_person<S: Store>(store: &S, id: PersonId) -> Result<Person, WebError> {
    store.person(id).await.map_err(|e| match e {
        StoreError::NotFound(_) => WebError::not_found_because("There is no such person."),
        other => other.into(),
    })
}

/// A person with the caller's relation to them, refused (and audited) unless the caller may see
/// their records.
pub(crate) async fn person_for<S: Store>(
    state: &AppState<S>,
    caller: &Caller,
    ctx: &Ctx,
    id: PersonId,
    seen: &SeenPerson,
) -> Result<(Person, Relation), WebError> {
    // The route's rule has usually looked the person up already.
    let (person, rel) = match seen.get(id) {
        Some(s) => (
            s.person.clone(),
            relation_given(caller, &s.person, &s.managers),
        ),
        None => {
            let person = load_person(state.store(), id).await?;
            let rel = relation(state.store(), caller, &person).await?;
            (person, rel)
        }
    };
    if !rel.may_view() {
        return Err(deny(
            state,
            ctx,
            format!("person:{id}"),
            "You do not have access to this person's records.",
        )
        .await);
    }
    Ok((person, rel))
}

// ---------------------------------------------------------------------------------------------
// Refusals.

/// Why a change was refused: problems with fields (422, shown next to each field), or another error.
#[derive(Debug)]
pub(crate) enum Refusal {
    Fields(Vec<(String, String)>),
    Error(WebError),
}

impl From<WebError> for Refusal {
    fn from(e: WebError) -> Self {
        Refusal::Error(e)
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Error(e.into())
    }
}

impl Refusal {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Refusal {
        Refusal::Fields(vec![(field.into(), message.into())])
    }

    /// As one error: the first field problem for the API.
    pub fn into_web_error(self) -> WebError {
        match self {
            Refusal::Error(e) => e,
            Refusal::Fields(mut problems) => {
                let count = problems.len();
                let (field, message) = problems.remove(0);
                let message = if count > 1 {
                    format!(
                        "{message} ({} more problem{})",
                        count - 1,
                        plural(count - 1)
                    )
                } else {
                    message
                };
                WebError::invalid(field, message)
            }
        }
    }

    fn outcome_details(&self) -> serde_json::Value {
        match self {
            Refusal::Fields(p) => {
                json!({ "status": 422, "fields": p.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>() })
            }
            Refusal::Error(e) => json!({ "status": e.kind.status().as_u16(), "reason": e.detail }),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Records a refused change in the audit log (refusals by the access rules are recorded already).
pub(crate) fn audit_refusal<S: Store>(
    state: &AppState<S>,
    ctx: &Ctx,
    action: &str,
    target: String,
    refusal: &Refusal,
) {
    if let Refusal::Error(e) = refusal
        && e.kind == ErrorKind::Forbidden
    {
        return;
    }
    state.audit_queued(
        ctx.audit(),
        action,
        target,
        Outcome::Failure,
        refusal.outcome_details(),
    );
}

// ---------------------------------------------------------------------------------------------
// Assessments.

/// An assessment with everything needed to show or change it.
#[derive(Debug)]
pub(crate) struct AssessmentCtx {
    pub assessment: Assessment,
    pub person: Person,
    /// The framework version the assessment was made on.
    pub published: Arc<Published>,
    /// The effective profile of the assessed role level on that version.
    pub profile: Profile,
    pub relation: Relation,
}

impl AssessmentCtx {
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

pub(crate) async fn load_assessment<S: Store>(
    state: &AppState<S>,
    caller: &Caller,
    id: AssessmentId,
    seen: &SeenPerson,
) -> Result<AssessmentCtx, WebError> {
    let store = state.store();
    let assessment = store.assessment(id).await.map_err(|e| match e {
        StoreError::NotFound(_) => WebError::not_found_because("There is no such assessment."),
        other => other.into(),
    })?;
    let (person, relation) = match seen.get(assessment.person_id) {
        Some(s) => (
            s.person.clone(),
            relation_given(caller, &s.person, &s.managers),
        ),
        None => {
            let person = load_person(store, assessment.person_id).await?;
            let relation = relation(store, caller, &person).await?;
            (person, relation)
        }
    };
    let published = state
        .framework(VersionRef::Id(assessment.framework_version_id))
        .await?;
    let profile = trellis_model::resolve(&published.framework, &assessment.role_level)
        .map_err(|e| WebError::internal(format!("assessment {id}: {e}")))?;
    Ok(AssessmentCtx {
        assessment,
        person,
        published,
        profile,
        relation,
    })
}

/// Loads an assessment the caller may see in full (not peers: they see their request only).
pub(crate) async fn viewable_assessment<S: Store>(
    state: &AppState<S>,
    caller: &Caller,
    ctx: &Ctx,
    id: AssessmentId,
    seen: &SeenPerson,
) -> Result<AssessmentCtx, WebError> {
    let a = load_assessment(state, caller, id, seen).await?;
    if !a.relation.may_view() {
        return Err(deny(
            state,
            ctx,
            a.target(),
            "You do not have access to this assessment.",
        )
        .await);
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

#[cfg(test)]
mod tests {
    use super::cycle_before;

    #[test]
    fn cycles_step_back_by_half_years() {
        assert_eq!(cycle_before("2026-H1", 0), "2026-H1");
        assert_eq!(cycle_before("2026-H1", 1), "2025-H2");
        assert_eq!(cycle_before("2026-H2", 3), "2025-H1");
        assert_eq!(cycle_before("spring", 1), "spring-1");
    }
}

pub(crate) fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::SelfRating => "Self-assessment",
        Stage::Manager => "Manager rating",
        Stage::Compare => "Compare and agree",
        Stage::Agreed => "Agreed",
    }
}

/// What starting an assessment needs.
#[derive(Debug, Clone, Default)]
pub(crate) struct StartInput {
    pub role_level: String,
    /// The framework version the caller saw when choosing; refused when no longer current.
    pub framework_version: Option<i64>,
    pub cycle: Option<String>,
}

pub(crate) async fn start_assessment<S: Store>(
    state: &AppState<S>,
    ctx: &Ctx,
    person: &Person,
    input: StartInput,
) -> Result<Assessment, Refusal> {
    let current = state.current_framework().await?.ok_or_else(|| {
        WebError::conflict("No framework has been published yet, so there is nothing to assess.")
    })?;
    if let Some(v) = input.framework_version
        && v != current.summary.id
    {
        return Err(WebError::conflict(format!(
            "The framework has changed since this page was loaded: version {} is current now. \
             Reload the page and start again; nothing was saved.",
            current.summary.version
        ))
        .with_field("framework_version")
        .into());
    }
    let role_level = input.role_level.trim();
    if role_level.is_empty() {
        return Err(Refusal::field(
            "role_level",
            "Choose the role level to assess against.",
        ));
    }
    if current.framework.role_level(role_level).is_none() {
        return Err(Refusal::field(
            "role_level",
            format!("There is no role level `{role_level}` in the current framework."),
        ));
    }
    let cycle = input
        .cycle
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(default_cycle);
    if cycle.chars().count() > MAX_CYCLE {
        return Err(Refusal::field(
            "cycle",
            format!("Keep the cycle name to {MAX_CYCLE} characters."),
        ));
    }
    let open = state
        .store()
        .assessments_of(person.id)
        .await?
        .into_iter()
        .find(|a| a.role_level == role_level && a.stage != Stage::Agreed);
    if let Some(open) = open {
        return Err(WebError::conflict(format!(
            "{} already has an open assessment against this role level (number {}, cycle {}). \
             Finish it before starting another.",
            person.name, open.id, open.cycle
        ))
        .with_field("role_level")
        .into());
    }
    Ok(state
        .store()
        .create_assessment(
            NewAssessment {
                person_id: person.id,
                role_level: role_level.to_owned(),
                framework_version_id: current.summary.id,
                cycle,
            },
            &ctx.audit(),
        )
        .await?)
}

/// One rating as sent: a level on the skill's scale, or "not applicable" with a reason.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// Skill id, one of the requirements of the assessed role level.
    pub skill: String,
    /// A level id on the skill's scale (`practitioner`, `3`). Leave out when not applicable.
    #[serde(default, deserialize_with = "level_text")]
    #[schema(value_type = Option<String>)]
    pub level: Option<String>,
    /// Why the skill does not apply; give this instead of a level.
    #[serde(default)]
    pub not_applicable: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Levels may be sent as numbers (`3`) as well as text.
fn level_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<trellis_model::LevelId>::deserialize(d)?;
    Ok(v.map(|l| l.0))
}

/// Which part of a rating a problem is about, for naming the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Skill,
    Level,
    Reason,
    Comment,
}

/// A problem with one rating.
#[derive(Debug, Clone)]
pub(crate) struct RatingProblem {
    pub skill: String,
    pub part: Part,
    pub message: String,
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
pub(crate) fn check_ratings(
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
pub(crate) struct Submission {
    pub kind: RaterKind,
    /// The revision the caller loaded; refused with 409 when someone else saved since.
    pub revision: Option<i64>,
    /// The framework version the form was made for.
    pub framework_version: Option<i64>,
    pub ratings: Vec<RatingInput>,
}

/// The stage at which a kind of rater rates, and the stage their submission moves to.
fn stage_for(kind: RaterKind) -> Option<(Stage, Stage)> {
    match kind {
        RaterKind::SelfRater => Some((Stage::SelfRating, Stage::Manager)),
        RaterKind::Manager => Some((Stage::Manager, Stage::Compare)),
        RaterKind::Agreed => Some((Stage::Compare, Stage::Agreed)),
        RaterKind::Peer => None,
    }
}

/// Whether the caller is the one who rates at this stage: the person for `self`, a manager in
/// their line for `manager` and `agreed`.
pub(crate) fn may_rate(relation: Relation, kind: RaterKind) -> bool {
    match kind {
        RaterKind::SelfRater => relation == Relation::Myself,
        RaterKind::Manager | RaterKind::Agreed => relation == Relation::Manager,
        RaterKind::Peer => false,
    }
}

fn stage_conflict(a: &AssessmentCtx, kind: RaterKind) -> WebError {
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
    WebError::conflict(format!("{detail} Reload the page to see where it stands."))
}

pub(crate) async fn submit_ratings<S: Store>(
    state: &AppState<S>,
    caller: &Caller,
    ctx: &Ctx,
    a: &AssessmentCtx,
    sub: Submission,
) -> Result<Assessment, Refusal> {
    let (at, to) = stage_for(sub.kind)
        .ok_or_else(|| Refusal::field("kind", "Rate as `self`, `manager` or `agreed`."))?;
    if !may_rate(a.relation, sub.kind) {
        let detail = match sub.kind {
            RaterKind::SelfRater => {
                format!("Only {} can submit their self-assessment.", a.person.name)
            }
            _ => format!(
                "Only a manager in {}'s reporting line can rate them and record the outcome.",
                a.person.name
            ),
        };
        return Err(deny(state, ctx, a.target(), detail).await.into());
    }
    let Some(revision) = sub.revision else {
        return Err(Refusal::field(
            "revision",
            "Send the revision of the assessment you loaded.",
        ));
    };
    if revision != a.assessment.revision {
        return Err(WebError::conflict(CONCURRENT_EDIT)
            .with_field("revision")
            .into());
    }
    if let Some(v) = sub.framework_version
        && v != a.assessment.framework_version_id
    {
        return Err(WebError::conflict(format!(
            "This assessment was made on framework version {} ({}), not the version your page was \
             for. Reload the page; nothing was saved.",
            a.published.summary.version, a.assessment.framework_version_id
        ))
        .with_field("framework_version")
        .into());
    }
    if a.assessment.stage != at {
        return Err(stage_conflict(a, sub.kind).into());
    }
    let allowed: Vec<&EffectiveRequirement> = a.profile.requirements.iter().collect();
    let ratings = check_ratings(a.framework(), &allowed, &a.profile.title, sub.ratings, true)
        .map_err(|p| {
            Refusal::Fields(
                p.iter()
                    .map(|p| (p.page_field(), p.message.clone()))
                    .collect(),
            )
        })?;
    let store = state.store();
    let audit = ctx.audit();
    let rated = store
        .record_ratings(
            a.assessment.id,
            sub.kind,
            caller.id(),
            ratings,
            revision,
            &audit,
        )
        .await
        .map_err(concurrency)?;
    store
        .advance_assessment(a.assessment.id, to, caller.id(), rated.revision, &audit)
        .await
        .map_err(concurrency)
}

/// A store conflict on an assessment is a concurrent edit.
fn concurrency(e: StoreError) -> Refusal {
    match e {
        StoreError::Conflict(_) => WebError::conflict(CONCURRENT_EDIT)
            .with_field("revision")
            .into(),
        other => other.into(),
    }
}

/// Field problems of a rating submission with API field names.
pub(crate) fn api_fields(problems: Vec<(String, String)>) -> Vec<(String, String)> {
    problems
        .into_iter()
        .map(|(field, message)| {
            let api = match field.split_once('-') {
                Some(("level", skill)) => format!("ratings.{skill}.level"),
                Some(("reason", skill)) => format!("ratings.{skill}.not_applicable"),
                Some(("comment", skill)) => format!("ratings.{skill}.comment"),
                _ => field,
            };
            (api, message)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Peers.

pub(crate) async fn request_peer<S: Store>(
    state: &AppState<S>,
    caller: &Caller,
    ctx: &Ctx,
    a: &AssessmentCtx,
    peer: Option<PersonId>,
    skills: Vec<String>,
) -> Result<PeerRequest, Refusal> {
    if !a.relation.may_request_peers() {
        return Err(deny(
            state,
            ctx,
            a.target(),
            format!(
                "Only {} and their managers can ask for peer input.",
                a.person.name
            ),
        )
        .await
        .into());
    }
    if a.assessment.stage == Stage::Agreed {
        return Err(WebError::conflict(
            "This assessment is closed: its outcome has been agreed, so it takes no more input.",
        )
        .into());
    }
    let mut problems = Vec::new();
    let peer = match peer {
        None => {
            problems.push(("peer_id".into(), "Choose whom to ask.".into()));
            None
        }
        Some(id) => match state.store().person(id).await {
            Ok(p) if !p.active => {
                problems.push((
                    "peer_id".into(),
                    format!("{} has left; choose someone else.", p.name),
                ));
                None
            }
            Ok(p) if p.id == caller.id() => {
                problems.push(("peer_id".into(), "Ask someone other than yourself.".into()));
                None
            }
            Ok(p) if p.id == a.person.id => {
                problems.push((
                    "peer_id".into(),
                    "A peer is someone other than the person assessed.".into(),
                ));
                None
            }
            Ok(p) => Some(p),
            Err(StoreError::NotFound(_)) => {
                problems.push(("peer_id".into(), "There is no such person.".into()));
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let mut chosen: Vec<String> = Vec::new();
    for s in skills.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if a.requirement(s).is_none() {
            problems.push((
                "skills".into(),
                format!(
                    "`{s}` is not a requirement of {}; ask only about its requirements.",
                    a.profile.title
                ),
            ));
        } else if !chosen.iter().any(|c| c == s) {
            chosen.push(s.to_owned());
        }
    }
    if chosen.is_empty() && !problems.iter().any(|(f, _)| f == "skills") {
        problems.push((
            "skills".into(),
            "Choose at least one skill to ask about.".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(Refusal::Fields(problems));
    }
    let peer = peer.ok_or_else(|| Refusal::field("peer_id", "Choose whom to ask."))?;
    Ok(state
        .store()
        .request_peer_input(a.assessment.id, peer.id, chosen, caller.id(), &ctx.audit())
        .await?)
}

pub(crate) async fn load_peer_request<S: Store>(
    store: &S,
    id: i64,
) -> Result<PeerRequest, WebError> {
    store.peer_request(id).await.map_err(|e| match e {
        StoreError::NotFound(_) => WebError::not_found_because("There is no such request."),
        other => other.into(),
    })
}

pub(crate) async fn submit_peer<S: Store>(
    state: &AppState<S>,
    caller: &Caller,
    ctx: &Ctx,
    request: &PeerRequest,
    a: &AssessmentCtx,
    ratings: Vec<RatingInput>,
) -> Result<PeerRequest, Refusal> {
    if request.peer_id != caller.id() {
        return Err(deny(
            state,
            ctx,
            format!("peer-request:{}", request.id),
            "Only the person asked can answer this request.",
        )
        .await
        .into());
    }
    if request.submitted_at.is_some() {
        return Err(WebError::conflict("You have already answered this request.").into());
    }
    if a.assessment.stage == Stage::Agreed {
        return Err(WebError::conflict(
            "This assessment is closed: its outcome was agreed before you answered.",
        )
        .into());
    }
    let allowed: Vec<&EffectiveRequirement> = request
        .skills
        .iter()
        .filter_map(|s| a.requirement(s))
        .collect();
    let ratings =
        check_ratings(a.framework(), &allowed, &a.profile.title, ratings, true).map_err(|p| {
            Refusal::Fields(
                p.iter()
                    .map(|p| (p.page_field(), p.message.clone()))
                    .collect(),
            )
        })?;
    state
        .store()
        .submit_peer_input(request.id, ratings, &ctx.audit())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                WebError::conflict("You have already answered this request.").into()
            }
            other => other.into(),
        })
}

// ---------------------------------------------------------------------------------------------
// Evidence.

/// Evidence as typed in.
#[derive(Debug, Clone, Default)]
pub(crate) struct EvidenceInput {
    pub happened_on: String,
    pub title: String,
    pub description: String,
    pub links: Vec<String>,
    pub skills: Vec<String>,
    pub corroborators: Vec<String>,
}

fn lines(items: Vec<String>) -> Vec<String> {
    items
        .iter()
        .flat_map(|i| i.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn check_evidence(
    fw: &Framework,
    person: PersonId,
    input: EvidenceInput,
) -> Result<NewEvidence, Vec<(String, String)>> {
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut add = |f: &str, m: String| problems.push((f.to_owned(), m));
    let happened_on = input.happened_on.trim().to_owned();
    match crate::time::parse_date(&happened_on) {
        None if happened_on.is_empty() => add("happened_on", "Enter the date it happened.".into()),
        None => add(
            "happened_on",
            "Enter the date as YYYY-MM-DD, for example 2026-03-14.".into(),
        ),
        // A day of slack for time zones ahead of UTC.
        Some(d) if d > crate::time::now_millis() + crate::time::day_ms() => {
            add("happened_on", "The date is in the future.".into());
        }
        Some(_) => {}
    }
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        add("title", "Say in a few words what happened.".into());
    } else if title.chars().count() > MAX_TITLE {
        add(
            "title",
            format!("Keep the title to {MAX_TITLE} characters."),
        );
    }
    let description = input.description.trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION {
        add(
            "description",
            format!("Keep the description to {MAX_DESCRIPTION} characters."),
        );
    }
    let links = lines(input.links);
    if links.len() > MAX_LINKS {
        add("links", format!("Give at most {MAX_LINKS} links."));
    }
    for l in &links {
        let ok = (l.starts_with("https://") || l.starts_with("http://"))
            && l.len() <= 2_000
            && !l.chars().any(char::is_whitespace)
            && l.split_once("://")
                .is_some_and(|(_, rest)| !rest.is_empty());
        if !ok {
            add(
                "links",
                format!("`{l}` is not a web address; links start with https://."),
            );
            break;
        }
    }
    let mut skills: Vec<String> = Vec::new();
    for s in input
        .skills
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        if fw.skill(s).is_none() {
            add(
                "skills",
                format!("There is no skill `{s}` in the framework."),
            );
        } else if !skills.iter().any(|x| x == s) {
            skills.push(s.to_owned());
        }
    }
    if skills.is_empty() && !problems.iter().any(|(f, _)| f == "skills") {
        problems.push((
            "skills".into(),
            "Choose at least one skill this shows.".into(),
        ));
    }
    let corroborators = lines(input.corroborators);
    if corroborators.len() > MAX_CORROBORATORS {
        problems.push((
            "corroborators".into(),
            format!("Name at most {MAX_CORROBORATORS} people."),
        ));
    }
    if corroborators.iter().any(|c| c.chars().count() > 200) {
        problems.push((
            "corroborators".into(),
            "Give each person's name on its own line.".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(NewEvidence {
        person_id: person,
        happened_on,
        title,
        description,
        links,
        skills,
        corroborators,
    })
}

pub(crate) async fn add_evidence<S: Store>(
    state: &AppState<S>,
    ctx: &Ctx,
    person: &Person,
    input: EvidenceInput,
) -> Result<Evidence, Refusal> {
    let current = state.current_framework().await?.ok_or_else(|| {
        WebError::conflict("No framework has been published yet, so there are no skills to link.")
    })?;
    let new = check_evidence(&current.framework, person.id, input).map_err(Refusal::Fields)?;
    Ok(state.store().add_evidence(new, &ctx.audit()).await?)
}

// ---------------------------------------------------------------------------------------------
// Readiness.

fn rated(r: &Rating) -> Option<Rated> {
    match (&r.not_applicable, &r.level) {
        (Some(reason), _) => Some(Rated::NotApplicable(reason.clone())),
        (None, Some(level)) => Some(Rated::Level(trellis_model::LevelId(level.clone()))),
        (None, None) => None,
    }
}

/// What is known of each person's skills, from the latest ratings and the evidence counts of many
/// people at once.
pub(crate) fn observed_by_person(
    latest: &[Rating],
    counts: &[(PersonId, String, i64)],
) -> HashMap<PersonId, HashMap<String, Observed>> {
    let mut out: HashMap<PersonId, HashMap<String, Observed>> = HashMap::new();
    for r in latest {
        let o = out
            .entry(r.person_id)
            .or_default()
            .entry(r.skill.clone())
            .or_default();
        match r.rater_kind {
            RaterKind::SelfRater => o.self_rating = rated(r),
            RaterKind::Manager => o.manager = rated(r),
            RaterKind::Agreed => o.agreed = rated(r),
            RaterKind::Peer => {}
        }
    }
    for (person, skill, n) in counts {
        out.entry(*person)
            .or_default()
            .entry(skill.clone())
            .or_default()
            .evidence_count = usize::try_from(*n).unwrap_or(0);
    }
    out
}

/// What is known of one person's skills.
pub(crate) async fn observed_of<S: Store>(
    store: &S,
    person: PersonId,
) -> Result<HashMap<String, Observed>, WebError> {
    let seen = store.observations(&[person]).await?;
    Ok(observed_by_person(&seen.latest, &seen.evidence_counts)
        .remove(&person)
        .unwrap_or_default())
}

/// Readiness against a role level of a framework version; `None` when it has no such level.
pub(crate) fn readiness_for(
    published: &Published,
    role_level: &str,
    observed: &HashMap<String, Observed>,
) -> Option<(Arc<Profile>, Readiness)> {
    let profile = published.profile(role_level)?;
    let r = readiness(&published.framework, &profile, observed);
    Some((profile, r))
}

/// Whether a rating of an assessment is shown to someone with this relation to the person: self
/// ratings once submitted, manager ratings to the person once the manager has submitted, the rest
/// always (peer input is only stored when submitted).
pub(crate) fn rating_visible(a: &Assessment, relation: Relation, r: &Rating) -> bool {
    match r.rater_kind {
        RaterKind::SelfRater => relation == Relation::Myself || a.stage > Stage::SelfRating,
        RaterKind::Manager => relation != Relation::Myself || a.stage > Stage::Manager,
        RaterKind::Peer | RaterKind::Agreed => true,
    }
}

/// The level of a rating as people read it: "Practitioner (practitioner)" or "Not applicable".
pub(crate) fn rating_text(fw: &Framework, r: &Rating) -> String {
    rating_text_by(r, |skill, level| level_label(fw, skill, level))
}

/// [`rating_text`] with levels labelled by `label(skill, level)`.
pub(crate) fn rating_text_by(r: &Rating, label: impl Fn(&str, &str) -> String) -> String {
    match (&r.level, &r.not_applicable) {
        (_, Some(_)) => "Not applicable".to_owned(),
        (Some(l), None) => label(&r.skill, l),
        (None, None) => String::new(),
    }
}

/// A level's label on a skill's scale, with the id when it adds something.
pub(crate) fn level_label(fw: &Framework, skill: &str, level: &str) -> String {
    if level == "n/a" {
        return "Not applicable".to_owned();
    }
    let label = fw
        .skill(skill)
        .and_then(|s| fw.scale(&s.scale))
        .and_then(|sc| sc.level(level))
        .map(|l| l.label.clone())
        .unwrap_or_default();
    crate::pages::view::level_text(level, &label)
}

/// Position of a level on a skill's scale and the scale's length.
pub(crate) fn rank_of(fw: &Framework, skill: &str, level: &str) -> Option<(usize, usize)> {
    let scale = fw.skill(skill).and_then(|s| fw.scale(&s.scale))?;
    Some((scale.rank(level)?, scale.levels.len()))
}

/// The levels of a skill's scale as (id, "Label"), for selects.
pub(crate) fn scale_options(fw: &Framework, skill: &str) -> Vec<(String, String)> {
    fw.skill(skill)
        .and_then(|s| fw.scale(&s.scale))
        .map(|sc| {
            sc.levels
                .iter()
                .map(|l| {
                    (
                        l.id.to_string(),
                        crate::pages::view::level_text(l.id.as_str(), &l.label),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Names of people by id, for "who did what".
pub(crate) async fn names<S: Store>(
    store: &S,
    ids: Vec<PersonId>,
) -> Result<HashMap<PersonId, String>, WebError> {
    let mut out = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(id) {
            let name = match store.person(id).await {
                Ok(p) => p.name,
                Err(StoreError::NotFound(_)) => format!("person {id}"),
                Err(e) => return Err(e.into()),
            };
            e.insert(name);
        }
    }
    Ok(out)
}
