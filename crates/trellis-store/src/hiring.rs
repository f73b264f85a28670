//! Rows for hiring: openings (a role level's hiring kit, as edited for one vacancy), candidates
//! (as little personal data as the process needs), interviews per stage with their interviewer,
//! and the scorecard each interviewer fills in.

use std::collections::BTreeMap;
use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::{Audit, Millis, NewGoal, NewMilestone, NewPerson, Person, PersonId, StoreResult};

pub type OpeningId = i64;
pub type CandidateId = i64;
pub type InterviewId = i64;

/// One stage of an opening's interview plan and the interview dimensions it scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningStage {
    pub name: String,
    pub dimensions: Vec<String>,
    /// Who interviews at this stage, as planned (interviews are scheduled one by one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interviewers: Vec<PersonId>,
}

/// An opening's stages, kept as JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Stages(pub Vec<OpeningStage>);

/// A scorecard's scores, 1 to 5 by dimension name, kept as JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Scores(pub BTreeMap<String, u8>);

macro_rules! json_text {
    ($($t:ident),*) => {$(
        impl TryFrom<String> for $t {
            type Error = String;
            fn try_from(text: String) -> Result<Self, String> {
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", stringify!($t)))
            }
        }
        impl $t {
            pub fn to_text(&self) -> String {
                serde_json::to_string(self).unwrap_or_else(|_| "[]".into())
            }
        }
    )*};
}
json_text!(Stages, Scores);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Opening {
    pub id: OpeningId,
    pub role_level: String,
    pub title: String,
    pub hiring_manager_id: PersonId,
    /// The job advert, Markdown.
    pub advert: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub stages: Stages,
    pub created_by: PersonId,
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOpening {
    pub role_level: String,
    pub title: String,
    pub hiring_manager_id: PersonId,
    pub advert: String,
    pub stages: Stages,
}

/// Where a candidate stands: in the process, hired, or not taken on.
pub const CANDIDATE_STATUSES: [&str; 3] = ["active", "hired", "rejected"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Candidate {
    pub id: CandidateId,
    pub opening_id: OpeningId,
    /// Empty once erased.
    pub name: String,
    pub contact: String,
    pub source: String,
    /// `YYYY-MM-DD`: when the candidate agreed to their data being kept.
    pub consent_on: String,
    /// One of [`CANDIDATE_STATUSES`].
    pub status: String,
    pub decision_reason: Option<String>,
    pub decided_by: Option<PersonId>,
    pub decided_at: Option<Millis>,
    /// The account made when they were hired.
    pub person_id: Option<PersonId>,
    /// When their personal data and the interview notes were erased (the scores are kept).
    pub erased_at: Option<Millis>,
    pub created_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCandidate {
    pub opening_id: OpeningId,
    pub name: String,
    pub contact: String,
    pub source: String,
    pub consent_on: String,
}

/// An interview of a candidate at one stage by one interviewer, with their scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct Interview {
    pub id: InterviewId,
    pub candidate_id: CandidateId,
    pub stage: String,
    pub interviewer_id: PersonId,
    pub interviewer_name: String,
    pub scheduled_on: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub scores: Scores,
    pub notes: String,
    /// `hire` or `no-hire`, once submitted.
    pub leaning: Option<String>,
    pub submitted_at: Option<Millis>,
    /// When the interviewer first read the other scorecards; theirs is final from then on.
    pub revealed_at: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInterview {
    pub candidate_id: CandidateId,
    pub stage: String,
    pub interviewer_id: PersonId,
    pub scheduled_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    pub scores: Scores,
    pub notes: String,
    /// `hire` or `no-hire`.
    pub leaning: String,
}

/// What a hire writes: the new account, the reason for the decision, and the first plan (goals,
/// whose `person_id` is set to the new account's, and the role level's milestones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hire {
    pub person: NewPerson,
    pub reason: String,
    pub goals: Vec<NewGoal>,
    pub milestones: Vec<NewMilestone>,
}

/// Hiring. Every change appends its audit event (`hiring.opening-create`, `hiring.opening-update`,
/// `hiring.candidate-add`, `hiring.interview-schedule`, `hiring.scorecard-submit`,
/// `hiring.scorecards-reveal`, `hiring.decision`, `hiring.erase`; target `opening:<id>`,
/// `candidate:<id>` or `interview:<id>`) in its transaction, without personal data or notes.
pub trait HiringStore: Send + Sync {
    fn create_opening(
        &self,
        new: NewOpening,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Opening>> + Send;
    /// Changes the advert and the stages of an opening.
    fn update_opening(
        &self,
        id: OpeningId,
        advert: String,
        stages: Stages,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Opening>> + Send;
    fn opening(&self, id: OpeningId) -> impl Future<Output = StoreResult<Opening>> + Send;
    /// Every opening, newest first.
    fn openings(&self) -> impl Future<Output = StoreResult<Vec<Opening>>> + Send;
    fn add_candidate(
        &self,
        new: NewCandidate,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Candidate>> + Send;
    fn candidate(&self, id: CandidateId) -> impl Future<Output = StoreResult<Candidate>> + Send;
    fn candidates_of(
        &self,
        opening: OpeningId,
    ) -> impl Future<Output = StoreResult<Vec<Candidate>>> + Send;
    /// `Invalid` when the stage is not one of the opening's.
    fn schedule_interview(
        &self,
        new: NewInterview,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Interview>> + Send;
    fn interview(&self, id: InterviewId) -> impl Future<Output = StoreResult<Interview>> + Send;
    /// A candidate's interviews, in the order they were scheduled.
    fn interviews_of(
        &self,
        candidate: CandidateId,
    ) -> impl Future<Output = StoreResult<Vec<Interview>>> + Send;
    /// The interviews someone conducts, newest first.
    fn interviews_by(
        &self,
        interviewer: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<Interview>>> + Send;
    /// Submits (or, until the interviewer has read the others, changes) a scorecard. `Conflict`
    /// once the others have been revealed to its interviewer, or once the candidate is decided.
    fn submit_scorecard(
        &self,
        id: InterviewId,
        card: Scorecard,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Interview>> + Send;
    /// Records that the interviewer read the other scorecards of the candidate, which makes theirs
    /// final. `Conflict` when their own is not submitted yet.
    fn reveal_scorecards(
        &self,
        id: InterviewId,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Interview>> + Send;
    /// Records the decision (`hired` or `rejected`) with its reason and, for a hire, the account
    /// made. `Conflict` when the candidate was decided already.
    fn decide(
        &self,
        candidate: CandidateId,
        status: &str,
        reason: String,
        person: Option<PersonId>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Candidate>> + Send;
    /// Hires an active candidate in one transaction: their account, the decision (`hired`, with
    /// the account), and their first goals and milestones. `Conflict` when the candidate was
    /// decided already or the email is taken; nothing is written then.
    fn hire(
        &self,
        candidate: CandidateId,
        hire: Hire,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<(Candidate, Person)>> + Send;
    /// The organisation's retention period for unsuccessful candidates, in days.
    fn hiring_retention_days(&self) -> impl Future<Output = StoreResult<i64>> + Send;
    /// Sets it (`Invalid` outside 1 to 3650 days).
    fn set_hiring_retention_days(
        &self,
        days: i64,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Erases the personal data and the interview notes of candidates not taken on whose decision
    /// is older than `decided_before`; their scores stay, anonymised. Returns how many were.
    fn erase_candidates(
        &self,
        decided_before: Millis,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<u64>> + Send;
}
