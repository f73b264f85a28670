//! Promotion cases: a manager in a person's line (or the person, or the people team) opens a case
//! for a target role level; the case page assembles what Trellis knows (readiness against the
//! target under the framework's policy, requirement by requirement; the agreed ratings and their
//! history; evidence per requirement with its corroborators; peer input); the manager writes the
//! case and names a panel; the person reads it and comments before it is submitted; each panel
//! member votes with a reason without seeing the others; a decision (approved from a date, or not
//! yet with what is missing) is recorded and shared with the person, and an approved case changes
//! the person's role level from its date (at once when the date is today or past, otherwise from
//! the daily reminder run).
//!
//! Who sees what ([`CaseSeat`]):
//! - the person sees their case, its panel and the decision, never the individual votes;
//! - managers in their line and the people team see the case and the votes as they come;
//! - a panel member sees the case while on its panel, and the other votes only once they have
//!   voted. The first time they are shown another vote, their own becomes final: until then they
//!   may change it (a second thought before anyone's view could sway it), never after;
//! - nobody else sees anything: a case they may not see answers as one that does not exist.
//!
//! Every read of a case is audited (`promotion.read`), and every change is, with the change.

mod view;

pub use view::*;

use trellis_store::prelude::*;
use trellis_store::{
    CaseOutcome, CaseStatus, NewNotification, NewPromotion, PanelSeat, PanelVote, Person, PersonId,
    PromotionCase, PromotionDecision, PromotionId, PromotionListing, PromotionRecord, StoreError,
};

use crate::App;
use crate::access::{self, Actor, Relation, is_staff};
use crate::error::{AppError, AppResult};
use crate::frameworks::VersionRef;
use crate::input::typed_text;
use crate::time::{date, parse_date, today};

/// The longest written case, in characters.
pub const MAX_CASE: usize = 20_000;
/// The longest comment, reason or list of what is missing, in characters.
pub const MAX_TEXT: usize = 4_000;
/// The most people on a panel.
pub const MAX_PANEL: usize = 12;

/// What a refusal to see a case says: the same as for a case that does not exist.
pub const NO_SUCH_CASE: &str = "There is no such promotion case.";

/// How an actor stands to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseSeat {
    /// The person the case is about.
    Subject,
    /// On its panel (whatever else they are: a panel member's view keeps the votes hidden until
    /// they have voted).
    Panel,
    /// A manager in the person's line.
    Line,
    /// The people team or an admin.
    Staff,
}

impl CaseSeat {
    /// The seat of `actor` at a case about `person`, given the person's managers and the panel.
    pub fn of(
        actor: &Person,
        person: &Person,
        managers: &[PersonId],
        panel: &[PanelSeat],
    ) -> Option<CaseSeat> {
        let relation = Relation::of(actor, person, managers);
        if relation == Relation::Myself {
            Some(CaseSeat::Subject)
        } else if panel.iter().any(|s| s.member_id == actor.id) {
            Some(CaseSeat::Panel)
        } else {
            match relation {
                Relation::Manager => Some(CaseSeat::Line),
                Relation::Staff => Some(CaseSeat::Staff),
                _ => None,
            }
        }
    }

    /// Writes the case, names its panel, submits it and records the decision.
    pub fn may_run(self) -> bool {
        matches!(self, CaseSeat::Line | CaseSeat::Staff)
    }

    /// Comments on the case before it is submitted.
    pub fn may_comment(self) -> bool {
        matches!(self, CaseSeat::Subject | CaseSeat::Line | CaseSeat::Staff)
    }
}

/// What a new case may be for: the person, their role level, and the role levels of the current
/// framework (the next one of theirs first suggested).
#[derive(Debug, Clone)]
pub struct NewCaseChoices {
    pub person: Person,
    /// The title of their role level, when they hold one.
    pub current: Option<String>,
    /// The full id of the level after theirs, when there is one.
    pub next: Option<String>,
    /// (full id, "title (track)") of every role level of the current framework.
    pub levels: Vec<(String, String)>,
}

/// A decision as typed on the form.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    /// `approved` or `not_yet`.
    pub outcome: String,
    pub reason: String,
    pub missing: String,
    pub effective_on: String,
}

use_case_area!(Promotions, promotions);

/// A case the actor may see, with how they stand to it and the person it is about.
pub(crate) struct Seen {
    pub record: PromotionRecord,
    pub person: Person,
    pub seat: CaseSeat,
}

impl Promotions<'_> {
    /// A case and the actor's seat at it; refused as if there were no such case (and the refusal
    /// audited) unless they may see it.
    pub(crate) async fn seen(&self, actor: &Actor, id: PromotionId) -> AppResult<Seen> {
        let store = self.app.store();
        let hidden = || async {
            access::hide(
                store,
                &actor.audit(),
                format!("promotion:{id}"),
                NO_SUCH_CASE,
            )
            .await
        };
        let record = match store.promotion_record(id).await {
            Ok(r) => r,
            Err(StoreError::NotFound(_)) => {
                access::note_decision();
                return Err(if is_staff(actor.role()) {
                    AppError::not_found(NO_SUCH_CASE)
                } else {
                    hidden().await
                });
            }
            Err(e) => return Err(e.into()),
        };
        let person = store.person(record.case.person_id).await?;
        let managers = access::reporting_line(store, &person, Some(actor.id())).await?;
        match CaseSeat::of(&actor.person, &person, &managers, &record.panel) {
            Some(seat) => Ok(Seen {
                record,
                person,
                seat,
            }),
            None => Err(hidden().await),
        }
    }

    /// The case as [`Self::seen`] finds it, refused (and the refusal audited) unless the actor's
    /// seat `may` do what is asked.
    async fn seen_if(
        &self,
        actor: &Actor,
        id: PromotionId,
        may: impl Fn(CaseSeat) -> bool,
        why: &str,
    ) -> AppResult<Seen> {
        let seen = self.seen(actor, id).await?;
        if !may(seen.seat) {
            return Err(self.refuse(actor, id, why).await);
        }
        Ok(seen)
    }

    /// Refuses a change the actor's seat does not allow (they see the case, so 403), audited.
    async fn refuse(&self, actor: &Actor, id: PromotionId, why: &str) -> AppError {
        access::deny(
            self.app.store(),
            &actor.audit(),
            format!("promotion:{id}"),
            why,
        )
        .await
    }

    /// What a case for `person` may be for; refused unless the actor may see them.
    pub async fn choices(&self, actor: &Actor, person: PersonId) -> AppResult<NewCaseChoices> {
        let (person, _) = crate::growth::person_for(self.app, actor, person).await?;
        let Some(published) = self.app.current_framework().await? else {
            return Err(AppError::conflict(
                "No framework is published yet: publish one before opening a case.",
            ));
        };
        let own = person
            .role_level
            .as_deref()
            .and_then(|rl| published.profile(rl));
        let mut levels = Vec::new();
        for t in &published.framework.tracks {
            for l in &t.levels {
                levels.push((
                    format!("{}/{}", t.id, l.id),
                    format!("{} ({})", l.title, t.name),
                ));
            }
        }
        Ok(NewCaseChoices {
            current: own.as_ref().map(|p| p.title.clone()),
            next: own.and_then(|p| p.next.clone()),
            person,
            levels,
        })
    }

    /// Opens a draft case for `person` towards `role_level` on the current framework.
    pub async fn open(
        &self,
        actor: &Actor,
        person: PersonId,
        role_level: &str,
    ) -> AppResult<PromotionCase> {
        let (subject, _) = crate::growth::person_for(self.app, actor, person).await?;
        let Some(published) = self.app.current_framework().await? else {
            return Err(AppError::conflict(
                "No framework is published yet: publish one before opening a case.",
            ));
        };
        let role_level = role_level.trim();
        let Some(profile) = published.profile(role_level) else {
            return Err(AppError::field(
                "role_level",
                "Choose the role level the case is for, from the current framework.",
            ));
        };
        if subject.role_level.as_deref() == Some(role_level) {
            return Err(AppError::field(
                "role_level",
                "The person holds this role level already: choose the one the case is for.",
            ));
        }
        let by = if actor.id() == subject.id {
            "you".to_owned()
        } else {
            actor.person.name.clone()
        };
        // The person reads and comments; when they opened it themselves, their manager writes it.
        let mut notices = Vec::new();
        let told = if actor.id() == subject.id {
            subject.manager_id
        } else {
            Some(subject.id)
        };
        if let Some(to) = told {
            let subject_line = if to == subject.id {
                format!(
                    "A promotion case for {} was opened by {by}: read it and comment before it is \
                     submitted",
                    profile.title
                )
            } else {
                format!(
                    "{} opened a promotion case for {}: write the case",
                    subject.name, profile.title
                )
            };
            notices.push(NewNotification {
                person_id: to,
                kind: "promotion.opened".into(),
                subject: subject_line,
                link: "/promotions/{id}".into(),
            });
        }
        let new = NewPromotion {
            person_id: subject.id,
            role_level: role_level.to_owned(),
            framework_version_id: published.summary.id,
        };
        match self
            .app
            .store()
            .open_promotion(new, notices, &actor.audit())
            .await
        {
            Err(StoreError::Conflict(m)) => Err(AppError::Conflict {
                message: format!("{m}: open that one instead."),
                field: Some("role_level".into()),
            }),
            other => Ok(other?),
        }
    }

    /// Replaces the written case of a draft.
    pub async fn write(
        &self,
        actor: &Actor,
        id: PromotionId,
        text: &str,
        expected_revision: Option<i64>,
    ) -> AppResult<PromotionCase> {
        let why = "The case is written by a manager in the person's line.";
        self.seen_if(actor, id, CaseSeat::may_run, why).await?;
        let text = typed_text("case_text", text, "case", MAX_CASE, true)
            .map_err(|p| AppError::fields(vec![p]))?;
        self.app
            .store()
            .write_promotion(id, text, expected_revision, &actor.audit())
            .await
            .map_err(|e| AppError::from(e).with_field("case_text"))
    }

    /// Comments on a draft: the person, or a manager in their line replying.
    pub async fn comment(&self, actor: &Actor, id: PromotionId, body: &str) -> AppResult<()> {
        let why = "The panel votes; it does not comment on the draft.";
        let seen = self.seen_if(actor, id, CaseSeat::may_comment, why).await?;
        let body = typed_text("comment", body, "comment", MAX_TEXT, true)
            .map_err(|p| AppError::fields(vec![p]))?;
        let case = &seen.record.case;
        let to = if actor.id() == seen.person.id {
            case.written_by.unwrap_or(case.opened_by)
        } else {
            seen.person.id
        };
        let notices = if to == actor.id() {
            Vec::new()
        } else {
            vec![NewNotification {
                person_id: to,
                kind: "promotion.comment".into(),
                subject: format!(
                    "{} commented on the promotion case of {}",
                    actor.person.name, seen.person.name
                ),
                link: format!("/promotions/{id}"),
            }]
        };
        self.app
            .store()
            .comment_on_promotion(id, body, notices, &actor.audit())
            .await
            .map_err(|e| AppError::from(e).with_field("comment"))?;
        Ok(())
    }

    /// Names the panel of a draft, by email, one per line or separated by commas.
    pub async fn set_panel(&self, actor: &Actor, id: PromotionId, emails: &str) -> AppResult<()> {
        let why = "The panel is named by a manager in the person's line.";
        let seen = self.seen_if(actor, id, CaseSeat::may_run, why).await?;
        // The votes are asked of the people named when it was sent: nobody is added or dropped.
        if seen.record.case.status != CaseStatus::Draft {
            return Err(AppError::conflict(
                "The case has been submitted: its panel is the one it was sent to and no longer \
                 changes.",
            )
            .with_field("panel"));
        }
        let store = self.app.store();
        let mut members = Vec::new();
        let mut problems = Vec::new();
        for email in emails
            .split(['\n', ',', ';'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            match store.person_by_email(email).await {
                Ok(Some(p)) if p.active && p.id != seen.person.id => members.push(p.id),
                Ok(Some(p)) if p.id == seen.person.id => problems.push(format!(
                    "{email} is the person the case is about, who cannot sit on its panel."
                )),
                Ok(_) => problems.push(format!("Nobody active has the email address {email}.")),
                Err(e) => return Err(e.into()),
            }
        }
        members.sort_unstable();
        members.dedup();
        if problems.is_empty() && members.is_empty() {
            problems.push("Name at least one person for the panel, by email address.".into());
        }
        if members.len() > MAX_PANEL {
            problems.push(format!("A panel has at most {MAX_PANEL} people."));
        }
        if !problems.is_empty() {
            return Err(AppError::field("panel", problems.join(" ")));
        }
        store
            .set_promotion_panel(id, members, &actor.audit())
            .await
            .map_err(|e| AppError::from(e).with_field("panel"))?;
        Ok(())
    }

    /// Sends a draft to its panel, each member asked to vote.
    pub async fn submit(&self, actor: &Actor, id: PromotionId) -> AppResult<PromotionCase> {
        let why = "The case is submitted by a manager in the person's line.";
        let seen = self.seen_if(actor, id, CaseSeat::may_run, why).await?;
        let title = self.target_title(&seen.record.case).await;
        let notices = seen
            .record
            .panel
            .iter()
            .map(|s| NewNotification {
                person_id: s.member_id,
                kind: "promotion.vote".into(),
                subject: format!(
                    "Your vote is asked on the promotion case of {} for {title}",
                    seen.person.name
                ),
                link: format!("/promotions/{id}"),
            })
            .collect();
        self.app
            .store()
            .submit_promotion(id, notices, &actor.audit())
            .await
            .map_err(|e| AppError::from(e).with_field("submit"))
    }

    /// Casts (or, until the others are shown to them, changes) the actor's vote.
    pub async fn vote(
        &self,
        actor: &Actor,
        id: PromotionId,
        vote: &str,
        reason: &str,
    ) -> AppResult<PanelSeat> {
        let on_panel = |seat| seat == CaseSeat::Panel;
        let why = "Only the members of the case's panel vote.";
        self.seen_if(actor, id, on_panel, why).await?;
        let mut problems = Vec::new();
        let vote = PanelVote::parse(vote.trim());
        if vote.is_none() {
            problems.push(("vote".to_owned(), "Choose approve or not yet.".to_owned()));
        }
        let reason = typed_text("reason", reason, "reason for your vote", MAX_TEXT, true)
            .unwrap_or_else(|p| {
                problems.push(p);
                String::new()
            });
        let (Some(vote), true) = (vote, problems.is_empty()) else {
            return Err(AppError::fields(problems));
        };
        self.app
            .store()
            .cast_promotion_vote(id, vote, reason, &actor.audit())
            .await
            .map_err(|e| AppError::from(e).with_field("vote"))
    }

    /// Decides a submitted case and tells the person; an approved case whose date is today or
    /// past changes their role level now, a later one on its date.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: PromotionId,
        input: DecisionInput,
    ) -> AppResult<PromotionCase> {
        self.decide_on(actor, id, input, &today()).await
    }

    pub async fn decide_on(
        &self,
        actor: &Actor,
        id: PromotionId,
        input: DecisionInput,
        today: &str,
    ) -> AppResult<PromotionCase> {
        let why = "The decision is recorded by the people team or a manager in \
                        the person's line, not by the panel or the person.";
        let seen = self.seen_if(actor, id, CaseSeat::may_run, why).await?;
        let mut problems = Vec::new();
        let outcome = CaseOutcome::parse(input.outcome.trim());
        if outcome.is_none() {
            problems.push((
                "outcome".to_owned(),
                "Choose approved or not yet.".to_owned(),
            ));
        }
        let reason = typed_text(
            "decision_reason",
            &input.reason,
            "reason for the decision",
            MAX_TEXT,
            true,
        )
        .unwrap_or_else(|p| {
            problems.push(p);
            String::new()
        });
        let not_yet = outcome == Some(CaseOutcome::NotYet);
        let missing = typed_text(
            "missing",
            &input.missing,
            "what is missing",
            MAX_TEXT,
            not_yet,
        )
        .unwrap_or_else(|p| {
            problems.push(p);
            String::new()
        });
        let mut effective_on = None;
        if outcome == Some(CaseOutcome::Approved) {
            match parse_date(input.effective_on.trim()) {
                Some(d) => effective_on = Some((date(d), d)),
                None => problems.push((
                    "effective_on".to_owned(),
                    "Enter the day the new role level takes effect as YYYY-MM-DD, for example \
                     2027-03-01."
                        .to_owned(),
                )),
            }
        }
        let (Some(outcome), true) = (outcome, problems.is_empty()) else {
            return Err(AppError::fields(problems));
        };
        let apply = effective_on
            .as_ref()
            .filter(|(day, _)| day.as_str() <= today)
            .map(|(_, ms)| *ms);
        let title = self.target_title(&seen.record.case).await;
        let subject = match (outcome, &effective_on) {
            (CaseOutcome::Approved, Some((day, _))) => {
                format!("Your promotion case for {title} was approved, from {day}")
            }
            _ => format!("The decision on your promotion case for {title}: not yet"),
        };
        let case = &seen.record.case;
        let mut notices = vec![NewNotification {
            person_id: seen.person.id,
            kind: "promotion.decided".into(),
            subject,
            link: format!("/promotions/{id}"),
        }];
        let opener = case.written_by.unwrap_or(case.opened_by);
        if opener != seen.person.id && opener != actor.id() {
            notices.push(NewNotification {
                person_id: opener,
                kind: "promotion.decided".into(),
                subject: format!(
                    "The promotion case of {} for {title} was decided",
                    seen.person.name
                ),
                link: format!("/promotions/{id}"),
            });
        }
        let decision = PromotionDecision {
            outcome,
            reason,
            missing: not_yet.then_some(missing),
            effective_on: effective_on.map(|(d, _)| d),
        };
        self.app
            .store()
            .decide_promotion(id, decision, apply, notices, &actor.audit())
            .await
            .map_err(|e| AppError::from(e).with_field("outcome"))
    }

    /// The target's title, or its id when the framework no longer has it.
    pub(crate) async fn target_title(&self, case: &PromotionCase) -> String {
        self.app
            .framework(VersionRef::Id(case.framework_version_id))
            .await
            .ok()
            .and_then(|p| p.profile(&case.role_level))
            .map_or_else(|| case.role_level.clone(), |p| p.title.clone())
    }
}

/// Changes the role level of people whose approved case takes effect on or before `today`;
/// returns how many changed.
pub(crate) async fn apply_due(app: &App, today: &str) -> AppResult<usize> {
    let mut applied = 0;
    for case in app.store().promotions_to_apply(today).await? {
        let Some(since) = case.effective_on.as_deref().and_then(parse_date) else {
            continue;
        };
        let title = app.promotions().target_title(&case).await;
        let notices = vec![NewNotification {
            person_id: case.person_id,
            kind: "promotion.applied".into(),
            subject: format!("Your role level is now {title}"),
            link: format!("/promotions/{}", case.id),
        }];
        let audit = trellis_store::Audit {
            actor_id: None,
            ip: None,
            at: crate::time::now_millis(),
        };
        if app
            .store()
            .apply_promotion(case.id, since, notices, &audit)
            .await?
        {
            applied += 1;
        }
    }
    Ok(applied)
}

/// Whether a listed case waits on the actor: a vote from a panel member who has not voted, or a
/// comment from the person on a written draft they have not answered since it was last written.
pub(crate) fn waits_on(actor: PersonId, listed: &PromotionListing) -> Option<&'static str> {
    let case = &listed.case;
    match case.status {
        CaseStatus::Submitted => (listed.unvoted_seats > 0).then_some("vote"),
        CaseStatus::Draft if case.person_id == actor => {
            case.written_at?;
            (listed.comments_since_written == 0).then_some("comment")
        }
        _ => None,
    }
}
