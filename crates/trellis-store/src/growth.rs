//! Rows for growth conversations: assessments with their ratings, peer input and evidence.
//!
//! History is never overwritten: every rating is a new row, and the current rating of a skill by a
//! kind of rater is the newest one. An assessment is made against one role level on one framework
//! version, and moves through stages: self → manager → compare → agreed.

use serde::{Deserialize, Serialize};

use crate::{FrameworkVersionId, Millis, Person, PersonId, Team};

pub type AssessmentId = i64;

pub type EvidenceId = i64;

/// The [`crate::StoreError::Conflict`] of starting an assessment while the person already has an
/// open one (any stage before `agreed`) against that role level: at most one is open at a time.
pub const OPEN_ASSESSMENT_EXISTS: &str =
    "this person already has an open assessment against this role level";

crate::parse_from_text!(Stage, RaterKind);

/// Where an assessment is in its check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// The person rates themselves.
    #[serde(rename = "self")]
    SelfRating,
    /// Self ratings are submitted; the manager rates.
    Manager,
    /// Both are submitted and shown side by side; manager and person agree an outcome.
    Compare,
    /// The agreed outcome is recorded; the assessment is closed.
    Agreed,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::SelfRating => "self",
            Stage::Manager => "manager",
            Stage::Compare => "compare",
            Stage::Agreed => "agreed",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        match s {
            "self" => Some(Stage::SelfRating),
            "manager" => Some(Stage::Manager),
            "compare" => Some(Stage::Compare),
            "agreed" => Some(Stage::Agreed),
            _ => None,
        }
    }

    /// The stage after this one, if any.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::SelfRating => Some(Stage::Manager),
            Stage::Manager => Some(Stage::Compare),
            Stage::Compare => Some(Stage::Agreed),
            Stage::Agreed => None,
        }
    }
}

/// Who gave a rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RaterKind {
    #[serde(rename = "self")]
    SelfRater,
    Manager,
    Peer,
    /// The outcome manager and person agreed.
    Agreed,
}

impl RaterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RaterKind::SelfRater => "self",
            RaterKind::Manager => "manager",
            RaterKind::Peer => "peer",
            RaterKind::Agreed => "agreed",
        }
    }

    pub fn parse(s: &str) -> Option<RaterKind> {
        match s {
            "self" => Some(RaterKind::SelfRater),
            "manager" => Some(RaterKind::Manager),
            "peer" => Some(RaterKind::Peer),
            "agreed" => Some(RaterKind::Agreed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Assessment {
    pub id: AssessmentId,
    /// The person assessed.
    pub person_id: PersonId,
    /// Full id of the role level assessed against (their own or another, e.g. the next one).
    pub role_level: String,
    /// The framework version the assessment was made on.
    pub framework_version_id: FrameworkVersionId,
    /// A label for the review cycle, e.g. `2026-H2`.
    pub cycle: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub stage: Stage,
    pub created_by: PersonId,
    pub created_at: Millis,
    pub self_submitted_at: Option<Millis>,
    pub self_submitted_by: Option<PersonId>,
    pub manager_submitted_at: Option<Millis>,
    pub manager_submitted_by: Option<PersonId>,
    pub agreed_at: Option<Millis>,
    pub agreed_by: Option<PersonId>,
    /// Increases with every change to its ratings (peer input included) or stage, for optimistic
    /// concurrency. Peer requests do not change it.
    pub revision: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssessment {
    pub person_id: PersonId,
    pub role_level: String,
    pub framework_version_id: FrameworkVersionId,
    pub cycle: String,
}

/// One rating of one skill. Exactly one of `level` and `not_applicable` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Rating {
    pub id: i64,
    pub assessment_id: AssessmentId,
    /// The person rated.
    pub person_id: PersonId,
    pub skill: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub rater_kind: RaterKind,
    pub rater_id: PersonId,
    /// A level id on the skill's scale.
    pub level: Option<String>,
    /// Why the skill does not apply, when it does not.
    pub not_applicable: Option<String>,
    pub comment: Option<String>,
    pub at: Millis,
}

/// What readiness reads of a person's latest rating of a skill by one kind of rater: the level,
/// or why the skill does not apply. Pages about many people read their latest ratings so, without
/// the rest of each [`Rating`] (ids, rater, comment, time), which would be most of what the
/// database writes out for them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LatestRating {
    pub person_id: PersonId,
    pub skill: String,
    pub rater_kind: RaterKind,
    pub level: Option<String>,
    pub not_applicable: Option<String>,
}

impl From<&Rating> for LatestRating {
    fn from(r: &Rating) -> LatestRating {
        LatestRating {
            person_id: r.person_id,
            skill: r.skill.clone(),
            rater_kind: r.rater_kind,
            level: r.level.clone(),
            not_applicable: r.not_applicable.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewRating {
    pub skill: String,
    pub level: Option<String>,
    pub not_applicable: Option<String>,
    pub comment: Option<String>,
}

/// A rater's unsubmitted ratings of one stage, kept for them alone until they submit: any of a
/// rating's parts may still be missing (a level chosen without its comment, "not applicable"
/// without its reason yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingDraft {
    pub assessment_id: AssessmentId,
    pub rater_kind: RaterKind,
    pub rater_id: PersonId,
    pub ratings: Vec<NewRating>,
    pub saved_at: Millis,
}

crate::parse_from_text!(OutcomeAnswerKind);

/// What the person says of the agreed outcome of their assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeAnswerKind {
    Confirmed,
    /// Disputed, with a comment saying why.
    Disputed,
}

impl OutcomeAnswerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeAnswerKind::Confirmed => "confirmed",
            OutcomeAnswerKind::Disputed => "disputed",
        }
    }

    pub fn parse(s: &str) -> Option<OutcomeAnswerKind> {
        match s {
            "confirmed" => Some(OutcomeAnswerKind::Confirmed),
            "disputed" => Some(OutcomeAnswerKind::Disputed),
            _ => None,
        }
    }
}

/// The person's answer to the agreed outcome of their assessment, given once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct OutcomeAnswer {
    pub assessment_id: AssessmentId,
    pub person_id: PersonId,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub answer: OutcomeAnswerKind,
    /// Why, for a dispute (required then); optional for a confirmation.
    pub comment: Option<String>,
    pub at: Millis,
}

/// A piece of evidence as it read before an edit replaced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct EvidenceVersion {
    pub evidence_id: EvidenceId,
    pub happened_on: String,
    pub title: String,
    pub description: String,
    #[cfg_attr(feature = "sqlx", sqlx(json))]
    pub links: Vec<String>,
    #[cfg_attr(feature = "sqlx", sqlx(json))]
    pub skills: Vec<String>,
    #[cfg_attr(feature = "sqlx", sqlx(json))]
    pub corroborators: Vec<String>,
    pub replaced_at: Millis,
    pub replaced_by: PersonId,
}

/// Where a page of a person's evidence starts: after this piece, in the order of
/// [`crate::GrowthStore::evidence_of`] (newest `happened_on` first, then newest id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceAfter {
    pub happened_on: String,
    pub id: EvidenceId,
}

/// One piece of evidence addressed by id, deleted or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceEntry {
    pub evidence: Evidence,
    pub updated_at: Option<Millis>,
    pub updated_by: Option<PersonId>,
    /// When it was deleted (softly: the row and its history stay), if it was.
    pub deleted_at: Option<Millis>,
    pub deleted_by: Option<PersonId>,
}

/// A request for a peer's input on chosen skills of an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct PeerRequest {
    pub id: i64,
    pub assessment_id: AssessmentId,
    pub peer_id: PersonId,
    #[cfg_attr(feature = "sqlx", sqlx(json))]
    pub skills: Vec<String>,
    pub requested_by: PersonId,
    pub requested_at: Millis,
    pub submitted_at: Option<Millis>,
}

/// Something that happened, offered as evidence for one or more skills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Evidence {
    pub id: EvidenceId,
    pub person_id: PersonId,
    /// The date it happened, `YYYY-MM-DD`.
    pub happened_on: String,
    pub title: String,
    pub description: String,
    #[cfg_attr(feature = "sqlx", sqlx(json))]
    pub links: Vec<String>,
    #[cfg_attr(feature = "sqlx", sqlx(json))]
    pub skills: Vec<String>,
    /// People who can corroborate it, by name (they need not have an account).
    #[cfg_attr(feature = "sqlx", sqlx(json))]
    pub corroborators: Vec<String>,
    pub created_by: PersonId,
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvidence {
    pub person_id: PersonId,
    pub happened_on: String,
    pub title: String,
    pub description: String,
    pub links: Vec<String>,
    pub skills: Vec<String>,
    pub corroborators: Vec<String>,
}

/// An assessment with its ratings, for bulk loading (demo data, migrations from other tools).
///
/// Ratings may be of any kind, peer included (they count as submitted), and may rate a skill more
/// than once (history). Each stage the assessment has passed is marked as submitted by the rater of
/// the newest rating of the matching kind (self, manager, agreed) at that rating's time, or by
/// `created_by` at `created_at` when there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkAssessment {
    pub assessment: NewAssessment,
    pub stage: Stage,
    pub created_by: PersonId,
    pub created_at: Millis,
    /// (kind, rater, rating, when).
    pub ratings: Vec<(RaterKind, PersonId, NewRating, Millis)>,
}

/// What is known of some people's skills, read at once: what readiness is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Observations {
    /// As [`crate::GrowthStore::latest_ratings`] returns them, in any order.
    pub latest: Vec<LatestRating>,
    /// As [`crate::GrowthStore::evidence_counts`] returns them.
    pub evidence_counts: Vec<(PersonId, String, i64)>,
}

/// A person with everything their page shows, read at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub person: Person,
    pub team: Option<Team>,
    pub manager: Option<Person>,
    /// The people who report to them directly, by name (lower-cased), then id.
    pub direct_reports: Vec<Person>,
    /// As [`crate::GrowthStore::assessments_of`]: newest first.
    pub assessments: Vec<Assessment>,
    /// As [`crate::GrowthStore::evidence_of`]: newest `happened_on` first.
    pub evidence: Vec<Evidence>,
    /// As [`crate::GrowthStore::rating_history`]: oldest first.
    pub rating_history: Vec<Rating>,
    /// As [`crate::GrowthStore::peer_requests_for`]: requests addressed to them, newest first.
    pub peer_requests: Vec<PeerRequest>,
    /// Names of the people who added their evidence or were asked for peer input on their
    /// assessments, by id: every peer rater, except for peer ratings loaded in bulk without a
    /// request (see [`BulkAssessment`]).
    pub names: Vec<(PersonId, String)>,
    /// The managers above them, nearest first: their whole reporting line (at most
    /// [`MAX_REPORTING_LINE`]), which decides who may see the record.
    pub managers: Vec<PersonId>,
    /// As [`crate::CheckInStore::check_ins_of`]: the check-in series they are one of the pair of,
    /// with their dates only (never content), next meeting first.
    pub check_ins: Vec<crate::CheckIn>,
    /// Whether any of their assessments is in a review cycle whose results are not shared yet:
    /// only then may some of it be withheld from them (see
    /// [`crate::CycleStore::unshared_cycle_assessments`]).
    pub in_unshared_cycle: bool,
}

/// The longest reporting line followed. Lines cannot loop (the store refuses a change that would
/// close one), but every walk up a line stays bounded all the same.
pub const MAX_REPORTING_LINE: usize = 64;
