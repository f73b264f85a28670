//! Hiring: an opening made from a role level's hiring kit (the advert and the interview plan, both
//! editable), its candidates, interviews per stage with their interviewer, and scorecards.
//!
//! Who sees what: the people team (and admins) and the opening's hiring manager see the opening,
//! its candidates and the debrief. An interviewer sees the candidate they interview and their own
//! scorecard, and the others' scorecards only once they have submitted their own; reading them
//! makes their own final, so nobody adjusts a score to the others'. Anyone else is told there is
//! no such opening, candidate or interview (404), and the refusal is audited. Every read of a
//! candidate is audited.

pub mod debrief;
pub mod hire;

use std::collections::BTreeMap;

use trellis_formats::render::hiring::HiringKit;
use trellis_store::prelude::*;
use trellis_store::{
    Candidate, CandidateId, Interview, InterviewId, NewCandidate, NewInterview, NewOpening,
    Opening, OpeningId, OpeningStage, PersonId, Scorecard, Scores, Stages, StoreError,
};

use crate::access::{self, Actor, is_staff};
use crate::error::{AppError, AppResult};
use crate::{App, Published};

pub use debrief::{Debrief, DimensionResult, debrief};

/// The longest note or advert, in characters.
pub const MAX_NOTES: usize = 10_000;

/// How the caller stands to an opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HiringRole {
    /// The people team or an admin.
    Staff,
    HiringManager,
    /// Interviews at least one of the opening's candidates.
    Interviewer,
}

/// A dimension of the role level with its weight and what a 1, 3 and 5 answer look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimensionKit {
    pub name: String,
    pub weight: u32,
    pub anchors: Vec<(u8, String)>,
    pub questions: Vec<String>,
}

/// An opening as its hiring manager and the people team see it.
#[derive(Debug, Clone)]
pub struct OpeningView {
    pub opening: Opening,
    pub role: HiringRole,
    pub role_title: String,
    pub dimensions: Vec<DimensionKit>,
    /// Dimensions no stage scores, and critical requirements no stage assesses.
    pub warnings: Vec<String>,
    pub candidates: Vec<Candidate>,
    /// Who interviews at each stage, as planned, in the order of the stages.
    pub interviewers: Vec<Vec<trellis_store::Person>>,
}

/// A candidate as the caller may see them.
#[derive(Debug, Clone)]
pub struct CandidateView {
    pub candidate: Candidate,
    pub opening: Opening,
    pub role: HiringRole,
    pub dimensions: Vec<DimensionKit>,
    /// The caller's own interviews of the candidate.
    pub mine: Vec<Interview>,
    /// Every interview, with the scorecards: for the hiring manager and the people team, and for
    /// an interviewer once their own scorecards are submitted. Empty otherwise.
    pub interviews: Vec<Interview>,
    /// The debrief, when the interviews are shown.
    pub debrief: Option<Debrief>,
}

use_case_area!(Hiring, hiring);

pub(crate) fn text(
    field: &str,
    value: &str,
    what: &str,
    max: usize,
    required: bool,
) -> AppResult<String> {
    crate::input::typed_text(field, value, what, max, required)
        .map_err(|(f, m)| AppError::field(f, m))
}

/// The dimensions of a role level as the kit gives them.
fn dimensions_of(kit: &HiringKit) -> Vec<DimensionKit> {
    kit.questions
        .iter()
        .map(|q| DimensionKit {
            name: q.dimension.clone(),
            weight: q.weight,
            anchors: q.anchors.clone(),
            questions: q.questions.clone(),
        })
        .collect()
}

/// The advert part of a kit, Markdown.
pub(crate) fn advert_of(kit: &HiringKit) -> String {
    let md = trellis_formats::render::hiring::markdown(kit);
    let start = md.find("## Job advert").unwrap_or(0);
    let end = md.find("## Interview plan").unwrap_or(md.len());
    md[start..end].trim().to_owned()
}

/// The stages of a kit's interview plan, with no interviewers yet.
pub(crate) fn stages_of(kit: &HiringKit) -> Stages {
    Stages(
        kit.plan
            .stages
            .iter()
            .map(|s| OpeningStage {
                name: s.name.clone(),
                dimensions: s.dimensions.clone(),
                interviewers: Vec::new(),
            })
            .collect(),
    )
}

/// What an opening's stages leave out: dimensions no stage scores, critical requirements whose
/// dimensions no stage scores.
pub fn warnings(kit: &HiringKit, stages: &Stages) -> Vec<String> {
    let scored: Vec<&str> = stages
        .0
        .iter()
        .flat_map(|s| s.dimensions.iter().map(String::as_str))
        .collect();
    let mut out: Vec<String> = kit
        .questions
        .iter()
        .filter(|q| !scored.contains(&q.dimension.as_str()))
        .map(|q| format!("No stage scores the dimension “{}”.", q.dimension))
        .collect();
    // The kit's own warnings about critical requirements, when its stages are kept as generated,
    // and a requirement whose covering stages were all removed otherwise.
    for s in &kit.plan.stages {
        let kept = stages
            .0
            .iter()
            .any(|x| x.dimensions.iter().any(|d| s.dimensions.contains(d)));
        if !kept {
            for r in &s.requirements {
                out.push(format!("No stage assesses the requirement “{r}” any more."));
            }
        }
    }
    for w in &kit.plan.warnings {
        out.push(w.clone());
    }
    out
}

/// Erases the personal data and notes of candidates not taken on whose decision is older than the
/// organisation's retention period, as of `now`; their scores stay. Returns how many.
pub async fn erase_expired(app: &App, now: trellis_store::Millis) -> AppResult<u64> {
    let store = app.store();
    let days = store.hiring_retention_days().await?;
    let cutoff = now - days * crate::time::day_ms();
    Ok(store
        .erase_candidates(cutoff, &crate::bootstrap::system_audit())
        .await?)
}

impl Hiring<'_> {
    /// Sets the organisation's retention period for unsuccessful candidates (the people team).
    pub async fn set_retention(&self, actor: &Actor, days: &str) -> AppResult<i64> {
        if !is_staff(actor.person.system_role) {
            return Err(access::deny(
                self.app.store(),
                &actor.audit(),
                "hiring".into(),
                "The retention period is set by the people team.",
            )
            .await);
        }
        let days: i64 = match days.trim().parse() {
            Ok(d) if (1..=3650).contains(&d) => d,
            _ => {
                return Err(AppError::field(
                    "retention_days",
                    "Enter a number of days from 1 to 3650.",
                ));
            }
        };
        self.app
            .store()
            .set_hiring_retention_days(days, &actor.audit())
            .await?;
        Ok(days)
    }

    /// Everything held about a candidate, to answer their request for it: the people team only
    /// (hiring managers and interviewers see the candidate, but an export is a data protection
    /// act). Audited.
    pub async fn export_candidate(
        &self,
        actor: &Actor,
        id: CandidateId,
    ) -> AppResult<serde_json::Value> {
        let (candidate, opening, role) = self.candidate_for(actor, id).await?;
        if role != HiringRole::Staff {
            return Err(access::deny(
                self.app.store(),
                &actor.audit(),
                format!("candidate:{id}"),
                "A candidate's data is exported by the people team.",
            )
            .await);
        }
        let interviews = self.app.store().interviews_of(id).await?;
        self.app.audit_read(
            actor.audit(),
            "hiring.candidate-export",
            format!("candidate:{id}"),
            serde_json::json!({ "interviews": interviews.len() }),
        );
        Ok(serde_json::json!({
            "candidate": candidate,
            "opening": {
                "id": opening.id,
                "title": opening.title,
                "role_level": opening.role_level,
            },
            "interviews": interviews,
        }))
    }

    fn published_kit(&self, published: &Published, role_level: &str) -> Option<HiringKit> {
        let mut profile = (*published.profile(role_level)?).clone();
        if !self.app.config().licensed {
            profile.withhold_restricted();
        }
        Some(HiringKit::new(&published.framework, &profile))
    }

    async fn kit(&self, role_level: &str) -> AppResult<HiringKit> {
        let published = self.app.current_framework().await?;
        published
            .as_ref()
            .and_then(|p| self.published_kit(p, role_level))
            .ok_or_else(|| {
                AppError::field(
                    "role_level",
                    format!("There is no role level `{role_level}` in the current framework."),
                )
            })
    }

    /// Openings the caller may see: every one for the people team, their own for a hiring manager.
    pub async fn openings(&self, actor: &Actor) -> AppResult<Vec<Opening>> {
        access::note_decision();
        let all = self.app.store().openings().await?;
        Ok(all
            .into_iter()
            .filter(|o| {
                is_staff(actor.person.system_role) || o.hiring_manager_id == actor.person.id
            })
            .collect())
    }

    /// The interviews the caller conducts.
    pub async fn my_interviews(&self, actor: &Actor) -> AppResult<Vec<Interview>> {
        Ok(self.app.store().interviews_by(actor.person.id).await?)
    }

    /// Makes an opening from a role level's hiring kit (the people team).
    pub async fn create_opening(
        &self,
        actor: &Actor,
        role_level: &str,
        hiring_manager: &str,
    ) -> AppResult<Opening> {
        if !is_staff(actor.person.system_role) {
            return Err(access::deny(
                self.app.store(),
                &actor.audit(),
                "hiring".into(),
                "Openings are made by the people team.",
            )
            .await);
        }
        let kit = self.kit(role_level.trim()).await?;
        let store = self.app.store();
        let hiring_manager = self
            .active_by_email(
                hiring_manager,
                "hiring_manager",
                "Enter the email address of an active person as the hiring manager.",
            )
            .await?;
        let stages = stages_of(&kit);
        let new = NewOpening {
            role_level: kit.role_level.clone(),
            title: kit.title.clone(),
            hiring_manager_id: hiring_manager,
            advert: advert_of(&kit),
            stages,
        };
        match store.create_opening(new, &actor.audit()).await {
            Err(StoreError::Invalid(_)) => Err(AppError::field(
                "role_level",
                "This role level has no interview dimensions to plan an interview from.",
            )),
            other => Ok(other?),
        }
    }

    /// How the caller stands to an opening, or "no such opening" (audited).
    async fn role_in(&self, actor: &Actor, opening: &Opening) -> AppResult<HiringRole> {
        access::note_decision();
        if is_staff(actor.person.system_role) {
            return Ok(HiringRole::Staff);
        }
        if opening.hiring_manager_id == actor.person.id {
            return Ok(HiringRole::HiringManager);
        }
        let store = self.app.store();
        for i in store.interviews_by(actor.person.id).await? {
            if store.candidate(i.candidate_id).await?.opening_id == opening.id {
                return Ok(HiringRole::Interviewer);
            }
        }
        Err(self.hidden(actor, format!("opening:{}", opening.id)).await)
    }

    async fn hidden(&self, actor: &Actor, target: String) -> AppError {
        access::hide(
            self.app.store(),
            &actor.audit(),
            target,
            "There is no such opening, candidate or interview.",
        )
        .await
    }

    async fn opening_for(&self, actor: &Actor, id: OpeningId) -> AppResult<(Opening, HiringRole)> {
        let opening = match self.app.store().opening(id).await {
            Ok(o) => o,
            Err(StoreError::NotFound(_)) => {
                return Err(self.hidden(actor, format!("opening:{id}")).await);
            }
            Err(e) => return Err(e.into()),
        };
        let role = self.role_in(actor, &opening).await?;
        Ok((opening, role))
    }

    /// The opening, for its hiring manager and the people team (an interviewer is refused).
    async fn managed(&self, actor: &Actor, id: OpeningId) -> AppResult<Opening> {
        let (opening, role) = self.opening_for(actor, id).await?;
        if role == HiringRole::Interviewer {
            return Err(access::deny(
                self.app.store(),
                &actor.audit(),
                format!("opening:{id}"),
                "The opening is run by its hiring manager and the people team.",
            )
            .await);
        }
        Ok(opening)
    }

    /// The opening with its kit, warnings and candidates (hiring manager and people team).
    pub async fn view_opening(&self, actor: &Actor, id: OpeningId) -> AppResult<OpeningView> {
        let opening = self.managed(actor, id).await?;
        let role = if is_staff(actor.person.system_role) {
            HiringRole::Staff
        } else {
            HiringRole::HiringManager
        };
        let kit = self.kit(&opening.role_level).await?;
        let candidates = self.app.store().candidates_of(id).await?;
        let mut interviewers = Vec::new();
        for stage in &opening.stages.0 {
            let mut people = Vec::new();
            for p in &stage.interviewers {
                people.push(self.app.store().person(*p).await?);
            }
            interviewers.push(people);
        }
        self.app.audit_read(
            actor.audit(),
            "hiring.opening-read",
            format!("opening:{id}"),
            serde_json::json!({ "candidates": candidates.len() }),
        );
        Ok(OpeningView {
            warnings: warnings(&kit, &opening.stages),
            dimensions: dimensions_of(&kit),
            role_title: kit.title,
            opening,
            role,
            candidates,
            interviewers,
        })
    }

    /// Changes the advert and the stages (hiring manager and people team). Each stage names the
    /// dimensions it scores (an unknown dimension is refused) and who interviews at it:
    /// `interviewers[i]` is stage `i`'s email addresses, separated by commas, each of an active
    /// person.
    pub async fn update_opening(
        &self,
        actor: &Actor,
        id: OpeningId,
        advert: &str,
        stages: Vec<OpeningStage>,
        interviewers: &[String],
    ) -> AppResult<Opening> {
        let opening = self.managed(actor, id).await?;
        let advert = text("advert", advert, "advert", MAX_NOTES, true)?;
        let kit = self.kit(&opening.role_level).await?;
        let mut checked = Vec::new();
        for (i, s) in stages.into_iter().enumerate() {
            let name = text(&format!("stage-{i}"), &s.name, "stage name", 200, false)?;
            if name.is_empty() {
                continue;
            }
            if let Some(d) = s
                .dimensions
                .iter()
                .find(|d| !kit.questions.iter().any(|q| &q.dimension == *d))
            {
                return Err(AppError::field(
                    format!("stage-{i}"),
                    format!("“{d}” is not an interview dimension of this role level."),
                ));
            }
            let mut planned = Vec::new();
            let emails = interviewers.get(i).map(String::as_str).unwrap_or_default();
            for email in emails.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                match self.app.store().person_by_email(email).await? {
                    Some(p) if p.active => {
                        if !planned.contains(&p.id) {
                            planned.push(p.id);
                        }
                    }
                    _ => {
                        return Err(AppError::field(
                            format!("interviewers-{i}"),
                            format!("There is no active account with the email address {email}."),
                        ));
                    }
                }
            }
            checked.push(OpeningStage {
                name,
                dimensions: s.dimensions,
                interviewers: planned,
            });
        }
        match self
            .app
            .store()
            .update_opening(id, advert, Stages(checked), &actor.audit())
            .await
        {
            Err(StoreError::Invalid(m)) => Err(AppError::field("stage-0", m)),
            other => Ok(other?),
        }
    }

    /// Adds a candidate (hiring manager and people team).
    pub async fn add_candidate(
        &self,
        actor: &Actor,
        opening: OpeningId,
        name: &str,
        contact: &str,
        source: &str,
        consent_on: &str,
    ) -> AppResult<Candidate> {
        self.managed(actor, opening).await?;
        let name = text("name", name, "name", 200, true)?;
        let contact = text("contact", contact, "contact", 200, false)?;
        let source = text("source", source, "source", 200, false)?;
        let Some(day) = crate::time::parse_date(consent_on) else {
            return Err(AppError::field(
                "consent_on",
                "Enter the day the candidate consented as YYYY-MM-DD.",
            ));
        };
        let new = NewCandidate {
            opening_id: opening,
            name,
            contact,
            source,
            consent_on: crate::time::date(day),
        };
        Ok(self.app.store().add_candidate(new, &actor.audit()).await?)
    }

    async fn candidate_for(
        &self,
        actor: &Actor,
        id: CandidateId,
    ) -> AppResult<(Candidate, Opening, HiringRole)> {
        access::note_decision();
        let store = self.app.store();
        let candidate = match store.candidate(id).await {
            Ok(c) => c,
            Err(StoreError::NotFound(_)) => {
                return Err(self.hidden(actor, format!("candidate:{id}")).await);
            }
            Err(e) => return Err(e.into()),
        };
        let opening = store.opening(candidate.opening_id).await?;
        let role = if is_staff(actor.person.system_role) {
            HiringRole::Staff
        } else if opening.hiring_manager_id == actor.person.id {
            HiringRole::HiringManager
        } else if store
            .interviews_of(id)
            .await?
            .iter()
            .any(|i| i.interviewer_id == actor.person.id)
        {
            HiringRole::Interviewer
        } else {
            return Err(self.hidden(actor, format!("candidate:{id}")).await);
        };
        Ok((candidate, opening, role))
    }

    /// Schedules an interview of a candidate at a stage (hiring manager and people team).
    pub async fn schedule_interview(
        &self,
        actor: &Actor,
        candidate: CandidateId,
        stage: &str,
        interviewer: &str,
        on: &str,
    ) -> AppResult<Interview> {
        let (c, opening, role) = self.candidate_for(actor, candidate).await?;
        if role == HiringRole::Interviewer {
            return Err(self.not_running(actor, opening.id).await);
        }
        if !opening.stages.0.iter().any(|s| s.name == stage.trim()) {
            return Err(AppError::field("stage", "Choose a stage of the opening."));
        }
        let interviewer = self
            .active_by_email(
                interviewer,
                "interviewer",
                "Enter the email address of an active person to interview.",
            )
            .await?;
        let Some(day) = crate::time::parse_date(on) else {
            return Err(AppError::field(
                "scheduled_on",
                "Enter the day of the interview as YYYY-MM-DD.",
            ));
        };
        let new = NewInterview {
            candidate_id: c.id,
            stage: stage.trim().to_owned(),
            interviewer_id: interviewer,
            scheduled_on: crate::time::date(day),
        };
        match self
            .app
            .store()
            .schedule_interview(new, &actor.audit())
            .await
        {
            Err(StoreError::Conflict(m)) => Err(AppError::conflict(m).with_field("interviewer")),
            other => Ok(other?),
        }
    }

    async fn active_by_email(
        &self,
        email: &str,
        field: &str,
        message: &str,
    ) -> AppResult<PersonId> {
        let email = crate::accounts::normalise_email(email);
        match self.app.store().person_by_email(&email).await? {
            Some(p) if p.active && !email.is_empty() => Ok(p.id),
            _ => Err(AppError::field(field, message)),
        }
    }

    pub(crate) async fn not_running(&self, actor: &Actor, opening: OpeningId) -> AppError {
        access::deny(
            self.app.store(),
            &actor.audit(),
            format!("opening:{opening}"),
            "The opening is run by its hiring manager and the people team.",
        )
        .await
    }

    /// A candidate as the caller may see them (audited). An interviewer who has submitted every
    /// scorecard of theirs for the candidate sees the others', which makes theirs final.
    pub async fn view_candidate(&self, actor: &Actor, id: CandidateId) -> AppResult<CandidateView> {
        let (candidate, opening, role) = self.candidate_for(actor, id).await?;
        let store = self.app.store();
        let mut all = store.interviews_of(id).await?;
        let mine_ids: Vec<InterviewId> = all
            .iter()
            .filter(|i| i.interviewer_id == actor.person.id)
            .map(|i| i.id)
            .collect();
        let sees_all = match role {
            HiringRole::Staff | HiringRole::HiringManager => true,
            HiringRole::Interviewer => all
                .iter()
                .filter(|i| mine_ids.contains(&i.id))
                .all(|i| i.submitted_at.is_some()),
        };
        if role == HiringRole::Interviewer && sees_all {
            for i in &mine_ids {
                store.reveal_scorecards(*i, &actor.audit()).await?;
            }
            all = store.interviews_of(id).await?;
        }
        let mine: Vec<Interview> = all
            .iter()
            .filter(|i| mine_ids.contains(&i.id))
            .cloned()
            .collect();
        let kit = self.kit(&opening.role_level).await?;
        let dimensions = dimensions_of(&kit);
        let (interviews, debrief) = if sees_all {
            let weights: Vec<(String, u32)> = dimensions
                .iter()
                .map(|d| (d.name.clone(), d.weight))
                .collect();
            let d = debrief(&weights, &all);
            (all, Some(d))
        } else {
            (Vec::new(), None)
        };
        self.app.audit_read(
            actor.audit(),
            "hiring.candidate-read",
            format!("candidate:{id}"),
            serde_json::json!({ "scorecards": interviews.len() }),
        );
        Ok(CandidateView {
            candidate,
            opening,
            role,
            dimensions,
            mine,
            interviews,
            debrief,
        })
    }

    /// An interview, for its interviewer (with the dimensions of its stage and their anchors).
    pub async fn interview(
        &self,
        actor: &Actor,
        id: InterviewId,
    ) -> AppResult<(Interview, Candidate, Vec<DimensionKit>)> {
        access::note_decision();
        let store = self.app.store();
        let interview = match store.interview(id).await {
            Ok(i) if i.interviewer_id == actor.person.id => i,
            Ok(_) | Err(StoreError::NotFound(_)) => {
                return Err(self.hidden(actor, format!("interview:{id}")).await);
            }
            Err(e) => return Err(e.into()),
        };
        let candidate = store.candidate(interview.candidate_id).await?;
        let opening = store.opening(candidate.opening_id).await?;
        let stage_dims: Vec<String> = opening
            .stages
            .0
            .iter()
            .find(|s| s.name == interview.stage)
            .map(|s| s.dimensions.clone())
            .unwrap_or_default();
        let kit = self.kit(&opening.role_level).await?;
        let dims = dimensions_of(&kit)
            .into_iter()
            .filter(|d| stage_dims.contains(&d.name))
            .collect();
        self.app.audit_read(
            actor.audit(),
            "hiring.interview-read",
            format!("interview:{id}"),
            serde_json::json!({ "candidate_id": candidate.id }),
        );
        Ok((interview, candidate, dims))
    }

    /// Submits the interviewer's scorecard: a score 1 to 5 for every dimension of the stage, notes,
    /// and a leaning (`hire` or `no-hire`). It can be changed until the interviewer reads the
    /// others' scorecards.
    pub async fn submit_scorecard(
        &self,
        actor: &Actor,
        id: InterviewId,
        scores: &BTreeMap<String, String>,
        notes: &str,
        leaning: &str,
    ) -> AppResult<Interview> {
        let (_, _, dims) = self.interview(actor, id).await?;
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut checked = BTreeMap::new();
        for (i, d) in dims.iter().enumerate() {
            match scores.get(&d.name).map(|s| s.trim().parse::<u8>()) {
                Some(Ok(s)) if (1..=5).contains(&s) => {
                    checked.insert(d.name.clone(), s);
                }
                _ => problems.push((
                    format!("score-{i}"),
                    format!("Score “{}” from 1 to 5.", d.name),
                )),
            }
        }
        let notes = crate::input::typed_text("notes", notes, "notes", MAX_NOTES, false)
            .map_err(|p| problems.push(p))
            .ok();
        if !matches!(leaning, "hire" | "no-hire") {
            problems.push((
                "leaning".into(),
                "Say whether you lean to hire or not.".into(),
            ));
        }
        let (Some(notes), true) = (notes, problems.is_empty()) else {
            return Err(AppError::fields(problems));
        };
        let card = Scorecard {
            scores: Scores(checked),
            notes,
            leaning: leaning.to_owned(),
        };
        match self
            .app
            .store()
            .submit_scorecard(id, card, &actor.audit())
            .await
        {
            Err(StoreError::Conflict(m)) => Err(AppError::conflict(m)),
            other => Ok(other?),
        }
    }

    /// Whether the caller may decide on the candidate: refused (audited) unless they run the opening.
    pub async fn may_decide(&self, actor: &Actor, candidate: CandidateId) -> AppResult<()> {
        let (_, opening, role) = self.candidate_for(actor, candidate).await?;
        if role == HiringRole::Interviewer {
            return Err(self.not_running(actor, opening.id).await);
        }
        Ok(())
    }

    /// Records that a candidate is not taken on, with the reason (hiring manager and people team).
    pub async fn reject(
        &self,
        actor: &Actor,
        candidate: CandidateId,
        reason: &str,
    ) -> AppResult<Candidate> {
        let (c, opening, role) = self.candidate_for(actor, candidate).await?;
        if role == HiringRole::Interviewer {
            return Err(self.not_running(actor, opening.id).await);
        }
        let reason = text("reason", reason, "reason", 2_000, true)?;
        match self
            .app
            .store()
            .decide(c.id, "rejected", reason, None, &actor.audit())
            .await
        {
            Err(StoreError::Conflict(m)) => Err(AppError::conflict(m)),
            other => Ok(other?),
        }
    }
}
