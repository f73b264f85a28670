//! Rows for promotion cases: a case for a person to move to a target role level, written by a
//! manager, commented on by the person, voted on independently by a panel of named people, and
//! decided (approved from a date, or not yet with what is missing). What the case shows of
//! readiness, ratings, evidence and peer input is read from the person's own records.

use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::{Audit, FrameworkVersionId, Millis, NewNotification, PersonId, StoreResult};

crate::parse_from_text!(CaseStatus, PanelVote, CaseOutcome);

pub type PromotionId = i64;

/// Where a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    /// Being written by the manager and commented on by the person; the panel is chosen.
    Draft,
    /// With the panel: each member votes.
    Submitted,
    /// Decided, and shared with the person.
    Decided,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Draft => "draft",
            CaseStatus::Submitted => "submitted",
            CaseStatus::Decided => "decided",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        match s {
            "draft" => Some(CaseStatus::Draft),
            "submitted" => Some(CaseStatus::Submitted),
            "decided" => Some(CaseStatus::Decided),
            _ => None,
        }
    }
}

/// A panel member's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelVote {
    Approve,
    NotYet,
}

impl PanelVote {
    pub fn as_str(self) -> &'static str {
        match self {
            PanelVote::Approve => "approve",
            PanelVote::NotYet => "not_yet",
        }
    }

    pub fn parse(s: &str) -> Option<PanelVote> {
        match s {
            "approve" => Some(PanelVote::Approve),
            "not_yet" => Some(PanelVote::NotYet),
            _ => None,
        }
    }
}

/// What was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseOutcome {
    Approved,
    NotYet,
}

impl CaseOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseOutcome::Approved => "approved",
            CaseOutcome::NotYet => "not_yet",
        }
    }

    pub fn parse(s: &str) -> Option<CaseOutcome> {
        match s {
            "approved" => Some(CaseOutcome::Approved),
            "not_yet" => Some(CaseOutcome::NotYet),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct PromotionCase {
    pub id: PromotionId,
    pub person_id: PersonId,
    /// The target: a full role-level id on the case's framework version.
    pub role_level: String,
    pub framework_version_id: FrameworkVersionId,
    /// The role level the person held when the case was opened.
    pub from_role_level: Option<String>,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub status: CaseStatus,
    /// The manager's written case (Markdown-free plain text, paragraphs by blank lines).
    pub case_text: String,
    pub written_by: Option<PersonId>,
    pub written_at: Option<Millis>,
    pub opened_by: PersonId,
    pub opened_at: Millis,
    pub submitted_by: Option<PersonId>,
    pub submitted_at: Option<Millis>,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "Option<String>"))]
    pub outcome: OptionalOutcome,
    pub decision_reason: Option<String>,
    pub missing: Option<String>,
    /// The day an approved case's role level takes effect, `YYYY-MM-DD`.
    pub effective_on: Option<String>,
    pub decided_by: Option<PersonId>,
    pub decided_at: Option<Millis>,
    /// When the approved role level was assigned.
    pub applied_at: Option<Millis>,
    pub revision: i64,
}

/// A decision, when there is one (a newtype so that rows decode it from nullable text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OptionalOutcome(pub Option<CaseOutcome>);

impl TryFrom<Option<String>> for OptionalOutcome {
    type Error = String;
    fn try_from(text: Option<String>) -> Result<Self, String> {
        text.map(CaseOutcome::try_from)
            .transpose()
            .map(OptionalOutcome)
    }
}

/// A comment on a case before it goes to the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct PromotionComment {
    pub id: i64,
    pub case_id: PromotionId,
    pub author_id: PersonId,
    pub body: String,
    pub at: Millis,
}

/// A member of a case's panel, with their vote once cast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct PanelSeat {
    pub case_id: PromotionId,
    pub member_id: PersonId,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "Option<String>"))]
    pub vote: OptionalVote,
    pub reason: Option<String>,
    pub voted_at: Option<Millis>,
    /// When the member was first shown another member's vote; their own is final from then.
    pub others_seen_at: Option<Millis>,
}

/// A vote, when cast (a newtype so that rows decode it from nullable text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OptionalVote(pub Option<PanelVote>);

impl TryFrom<Option<String>> for OptionalVote {
    type Error = String;
    fn try_from(text: Option<String>) -> Result<Self, String> {
        text.map(PanelVote::try_from).transpose().map(OptionalVote)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPromotion {
    pub person_id: PersonId,
    pub role_level: String,
    pub framework_version_id: FrameworkVersionId,
}

/// A decision as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionDecision {
    pub outcome: CaseOutcome,
    pub reason: String,
    /// What is missing; for "not yet".
    pub missing: Option<String>,
    /// From when the role level takes effect; for "approved".
    pub effective_on: Option<String>,
}

/// A case in a list, with what the list says of it to one reader.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct PromotionListing {
    #[cfg_attr(feature = "sqlx", sqlx(flatten))]
    pub case: PromotionCase,
    /// The reader's seats on its panel without a vote yet (0 or 1).
    pub unvoted_seats: i64,
    /// The reader's comments on it since its case was last written.
    pub comments_since_written: i64,
}

/// A case with its comments and panel, in one snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionRecord {
    pub case: PromotionCase,
    /// Oldest first.
    pub comments: Vec<PromotionComment>,
    /// By member id.
    pub panel: Vec<PanelSeat>,
}

/// Promotion cases. Changes append their audit event in their transaction (`promotion.open`,
/// `promotion.write`, `promotion.comment`, `promotion.panel`, `promotion.submit`,
/// `promotion.vote`, `promotion.decide`, `promotion.apply`; target `promotion:<id>`).
pub trait PromotionStore: Send + Sync {
    /// Opens a draft case, with its notices. `Conflict` when the person has an undecided case
    /// for that role level already; `Invalid` for an unknown person or framework version.
    fn open_promotion(
        &self,
        new: NewPromotion,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PromotionCase>> + Send;
    /// One case; `NotFound` when there is none.
    fn promotion(&self, id: PromotionId)
    -> impl Future<Output = StoreResult<PromotionCase>> + Send;
    /// A case with its comments and panel.
    fn promotion_record(
        &self,
        id: PromotionId,
    ) -> impl Future<Output = StoreResult<PromotionRecord>> + Send;
    /// The cases about any of `people`, or with `member` on their panel, newest first; every
    /// case when `people` is `None`.
    fn promotions_for(
        &self,
        people: Option<Vec<PersonId>>,
        member: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<PromotionCase>>> + Send;
    /// The same cases as [`PromotionStore::promotions_for`], each with what waits on `member` in
    /// it, in one statement.
    fn promotion_list(
        &self,
        people: Option<Vec<PersonId>>,
        member: PersonId,
    ) -> impl Future<Output = StoreResult<Vec<PromotionListing>>> + Send;
    /// Replaces the written case of a draft. `Conflict` unless a draft (or, with
    /// `expected_revision`, when someone changed it meanwhile).
    fn write_promotion(
        &self,
        id: PromotionId,
        text: String,
        expected_revision: Option<i64>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PromotionCase>> + Send;
    /// Adds a comment to a draft by the acting person, with its notices.
    fn comment_on_promotion(
        &self,
        id: PromotionId,
        body: String,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PromotionComment>> + Send;
    /// Names the panel of a draft (replacing the one named before). `Invalid` for an unknown
    /// person or the person the case is about.
    fn set_promotion_panel(
        &self,
        id: PromotionId,
        members: Vec<PersonId>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Vec<PanelSeat>>> + Send;
    /// Sends a draft to its panel, with their notices. `Conflict` unless a draft with a written
    /// case and a panel.
    fn submit_promotion(
        &self,
        id: PromotionId,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PromotionCase>> + Send;
    /// Casts (or changes) the acting member's vote on a submitted case. `NotFound` unless they are
    /// on its panel; `Conflict` unless submitted, or once another member's vote has been shown
    /// to them (see [`PromotionStore::mark_votes_seen`]).
    fn cast_promotion_vote(
        &self,
        id: PromotionId,
        vote: PanelVote,
        reason: String,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PanelSeat>> + Send;
    /// Records that `member`, having voted, is being shown the other votes cast, which makes
    /// their own final; says whether there were any to show. Nothing changes before they vote.
    fn mark_votes_seen(
        &self,
        id: PromotionId,
        member: PersonId,
        at: Millis,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Decides a submitted case, with its notices; an approved one whose day has come (`apply`
    /// holds that day, as the time the role level is held from) changes the person's role level
    /// in the same transaction. `Conflict` unless submitted.
    fn decide_promotion(
        &self,
        id: PromotionId,
        decision: PromotionDecision,
        apply: Option<Millis>,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<PromotionCase>> + Send;
    /// Approved cases whose day is on or before `today` and not applied yet.
    fn promotions_to_apply(
        &self,
        today: &str,
    ) -> impl Future<Output = StoreResult<Vec<PromotionCase>>> + Send;
    /// Assigns an approved case's role level from its day (`since`), with its notices, unless
    /// another server did first; says whether this call did.
    fn apply_promotion(
        &self,
        id: PromotionId,
        since: Millis,
        notices: Vec<NewNotification>,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
}
