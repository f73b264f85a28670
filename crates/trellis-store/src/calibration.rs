//! Rows for calibration: how a review cycle's outcomes sit against the levels their role levels
//! require, counted per manager, team, track and skill; and calibration changes, each a recorded
//! adjustment of one outcome with its level before and after, who made it, when and why.

use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::{
    Assessment, AssessmentId, Audit, CycleId, Millis, Person, PersonId, RaterKind, Rating,
    StoreResult,
};

pub type CalibrationChangeId = i64;

/// Whose outcomes a calibration read covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalibrationScope {
    /// Everyone assessed by the cycle (the people team).
    Everyone,
    /// The people below a manager in their reporting lines, at any depth.
    Below(PersonId),
}

/// How one level of a skill compares with what a role level requires: the level's place on the
/// skill's scale minus the required level's. The caller computes these from the framework version
/// of the cycle; the store counts outcomes by them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelGap {
    pub role_level: String,
    pub skill: String,
    pub level: String,
    pub gap: i64,
    /// The track of the role level, for counting per track.
    pub track: String,
}

/// What outcomes are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// The manager who submitted the manager's ratings (the person's manager before that).
    Manager,
    Team,
    Track,
    Skill,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Dimension::Manager,
        Dimension::Team,
        Dimension::Track,
        Dimension::Skill,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Manager => "manager",
            Dimension::Team => "team",
            Dimension::Track => "track",
            Dimension::Skill => "skill",
        }
    }

    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// How many outcomes of one group (a manager, team, track or skill) sit at one gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapCount {
    pub dimension: Dimension,
    /// The manager's or team's id as text, the track's or skill's id; `None` for outcomes of
    /// people without a manager or team.
    pub key: Option<String>,
    /// The manager's or team's name, when the group is one.
    pub name: Option<String>,
    pub gap: i64,
    pub count: i64,
}

/// One calibration change: an outcome moved, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct CalibrationChange {
    pub id: CalibrationChangeId,
    pub cycle_id: CycleId,
    pub assessment_id: AssessmentId,
    pub person_id: PersonId,
    pub skill: String,
    /// The kind of rating moved: the agreed outcome, or the manager's before agreement.
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub rater_kind: RaterKind,
    /// The level before; `None` when there was no rating yet or it was "not applicable".
    pub before_level: Option<String>,
    pub after_level: String,
    pub reason: String,
    /// The rating the change wrote.
    pub rating_id: i64,
    pub changed_by: PersonId,
    pub changed_at: Millis,
}

/// A change as asked for (the store cleans the texts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCalibrationChange {
    pub assessment_id: AssessmentId,
    pub skill: String,
    pub level: String,
    pub reason: String,
}

/// The people of a calibration session with what is shown of them, in one snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionRecords {
    /// The cycle's assessments of the people in scope, by id.
    pub assessments: Vec<Assessment>,
    /// The newest self, manager and agreed rating of each skill of those assessments.
    pub ratings: Vec<Rating>,
    /// The people assessed and their managers, by id.
    pub people: Vec<Person>,
    /// Per (person, skill): pieces of evidence supporting it.
    pub evidence_counts: Vec<(PersonId, String, i64)>,
}

/// Calibration. A change appends its rating, the change row and the audit event
/// `calibration.change` (target `assessment:<id>`) in one transaction.
pub trait CalibrationStore: Send + Sync {
    /// The outcomes of a cycle (per assessment and skill, the newest agreed rating, else the
    /// newest manager's rating; not-applicable ones left out) counted per group and gap, for
    /// outcomes whose role level, skill and level are in `gaps`. The gaps of a framework version
    /// are recorded the first time one of its cycles is counted, and kept: a version's gaps never
    /// change. `NotFound` for an unknown cycle.
    fn calibration_counts(
        &self,
        cycle: CycleId,
        scope: CalibrationScope,
        gaps: &[LevelGap],
    ) -> impl Future<Output = StoreResult<Vec<GapCount>>> + Send;
    /// Every counted outcome of a cycle (as [`CalibrationStore::calibration_counts`] counts them,
    /// for everyone) by gap: (gap, count), by gap. `NotFound` for an unknown cycle.
    fn calibration_totals(
        &self,
        cycle: CycleId,
        gaps: &[LevelGap],
    ) -> impl Future<Output = StoreResult<Vec<(i64, i64)>>> + Send;
    /// The calibration changes of a cycle for people in scope, the newest first.
    fn calibration_changes(
        &self,
        cycle: CycleId,
        scope: CalibrationScope,
    ) -> impl Future<Output = StoreResult<Vec<CalibrationChange>>> + Send;
    /// The people of a cycle in scope (and of `team`, when given) with their ratings and
    /// evidence counts.
    fn calibration_session(
        &self,
        cycle: CycleId,
        scope: CalibrationScope,
        team: Option<i64>,
    ) -> impl Future<Output = StoreResult<SessionRecords>> + Send;
    /// Links to a cycle the assessments labelled with its name and in no cycle yet (loaded in
    /// bulk, as `trellis demo` and the benchmarks load history), marking a draft launched; returns
    /// how many were linked. Audited as `cycle.adopt`. `NotFound` for an unknown cycle.
    fn adopt_assessments(
        &self,
        cycle: CycleId,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<u64>> + Send;
    /// Whether anyone reports directly to this person: who has a population to calibrate.
    fn has_reports(&self, manager: PersonId) -> impl Future<Output = StoreResult<bool>> + Send;
    /// Moves one outcome of a cycle's assessment: the agreed rating of the skill when the
    /// assessment is agreed, else the manager's; the rating is appended (by the acting person) and
    /// the assessment's revision bumped. `NotFound` when the assessment is not the cycle's;
    /// `Conflict` when the assessment is still at the self stage or the level is the current
    /// one; `Invalid` for an empty reason, skill or level.
    fn record_calibration_change(
        &self,
        cycle: CycleId,
        change: NewCalibrationChange,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<CalibrationChange>> + Send;
}
