//! The use cases by area, one method per thing a person does: `app.assessments().view(actor, id)`
//! then `.submit(actor, &assessment, submission)`, `app.accounts().create(by, new)`,
//! `app.evidence().add(actor, person, input)`. Each decides access for the actor first (refusals are
//! audited; a change on a viewed assessment relies on the access `view` decided), then checks what
//! was sent, then writes with its audit event, and the notices it causes, in one store transaction;
//! a refused change is recorded too. (`app.people()` is in [`crate::people`], `app.notifications()`
//! in [`crate::notifications`], `app.todo()` in [`crate::todo`].)

use trellis_store::{
    Assessment, AssessmentId, Audit, Evidence, EvidenceId, OutcomeAnswer, PeerRequest, Person,
    PersonId, RaterKind, RatingDraft, SystemRole,
};

use trellis_store::prelude::*;

use crate::App;
use crate::access::{self, Actor, Relation};
use crate::accounts::{self, AccountChanges, NewAccount};
use crate::bootstrap::system_audit;
use crate::error::AppResult;
use crate::growth::{self, AssessmentCtx, EvidenceInput, RatingInput, StartInput, Submission};

/// Who changes accounts: an admin signed in, or the operator at the command line (who holds the
/// database itself, so no rule can stop them).
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Admin(&'a Actor),
    Operator,
}

impl By<'_> {
    pub(crate) fn audit(&self) -> Audit {
        match self {
            By::Admin(actor) => actor.audit(),
            By::Operator => system_audit(),
        }
    }
}

use_case_area!(Accounts, accounts);
use_case_area!(Assessments, assessments);
use_case_area!(PeerRequests, peer_requests);
use_case_area!(EvidenceCases, evidence);

impl Accounts<'_> {
    /// Refuses (audited) anyone but an admin.
    async fn admit(&self, by: By<'_>, target: String) -> AppResult<()> {
        match by {
            By::Admin(actor) if actor.role() != SystemRole::Admin => Err(access::deny(
                self.app.store(),
                &actor.audit(),
                target,
                "Only administrators manage accounts.",
            )
            .await),
            _ => Ok(()),
        }
    }

    pub async fn create(&self, by: By<'_>, new: NewAccount) -> AppResult<Person> {
        self.admit(by, "people".into()).await?;
        accounts::create(self.app, &by.audit(), new).await
    }

    pub async fn update(
        &self,
        by: By<'_>,
        id: PersonId,
        changes: AccountChanges,
    ) -> AppResult<Person> {
        self.admit(by, format!("person:{id}")).await?;
        accounts::update(self.app, &by.audit(), id, changes).await
    }
}

pub use crate::assignment::Assignment;

impl Assessments<'_> {
    /// A person's assessments, newest first, for those who may see the person's records.
    pub async fn of_person(&self, actor: &Actor, person: PersonId) -> AppResult<Vec<Assessment>> {
        growth::person_for(self.app, actor, person).await?;
        Ok(self.app.store().assessments_of(person).await?)
    }

    /// An assessment with everything needed to show or change it, for those who may see it in
    /// full (the person, their managers, the people team, admins; not peers). The changes below
    /// take what this returns, so access is decided once, by this read.
    pub async fn view(&self, actor: &Actor, id: AssessmentId) -> AppResult<AssessmentCtx> {
        growth::viewable_assessment(self.app, actor, id).await
    }

    /// Starts an assessment of a person against a role level of the current framework.
    pub async fn start(
        &self,
        actor: &Actor,
        person: PersonId,
        input: StartInput,
    ) -> AppResult<Assessment> {
        let (person, _) = growth::person_for(self.app, actor, person).await?;
        let started = growth::start_assessment(self.app, actor, &person, input).await;
        let target = format!("person:{}", person.id);
        audited(self.app, actor, "assessment.create", target, started)
    }

    /// Submits the ratings of the actor's stage and moves the assessment on, in one transaction.
    pub async fn submit(
        &self,
        actor: &Actor,
        a: &AssessmentCtx,
        submission: Submission,
    ) -> AppResult<Assessment> {
        let submitted = growth::submit_ratings(self.app, actor, a, submission).await;
        audited(self.app, actor, "assessment.rate", a.target(), submitted)
    }

    /// Keeps the actor's unsubmitted ratings of their stage, for them alone, until they submit.
    pub async fn save_draft(
        &self,
        actor: &Actor,
        a: &AssessmentCtx,
        submission: Submission,
    ) -> AppResult<RatingDraft> {
        let saved = growth::save_draft(self.app, actor, a, submission).await;
        audited(self.app, actor, "assessment.draft", a.target(), saved)
    }

    /// The actor's own draft of their stage's ratings, if they kept one; never anyone else's.
    pub async fn own_draft(
        &self,
        actor: &Actor,
        a: &AssessmentCtx,
        kind: RaterKind,
    ) -> AppResult<Option<RatingDraft>> {
        growth::own_draft(self.app, actor, a, kind).await
    }

    /// The person confirms the agreed outcome (`confirm`), or disputes it (`dispute`) with a
    /// comment, which their manager is told of.
    pub async fn answer_outcome(
        &self,
        actor: &Actor,
        a: &AssessmentCtx,
        answer: Option<&str>,
        comment: Option<String>,
    ) -> AppResult<OutcomeAnswer> {
        let answered = growth::answer_outcome(self.app, actor, a, answer, comment).await;
        audited(
            self.app,
            actor,
            "assessment.outcome-answer",
            a.target(),
            answered,
        )
    }

    /// Asks a peer, named by email address, for input on some skills of the assessment.
    pub async fn request_peer_by_email(
        &self,
        actor: &Actor,
        a: &AssessmentCtx,
        peer: &str,
        skills: Vec<String>,
    ) -> AppResult<PeerRequest> {
        let requested = growth::request_peer_by_email(self.app, actor, a, peer, skills).await;
        audited(self.app, actor, "peer.request", a.target(), requested)
    }

    /// Asks a peer for input on some skills of the assessment.
    pub async fn request_peer(
        &self,
        actor: &Actor,
        a: &AssessmentCtx,
        peer: Option<PersonId>,
        skills: Vec<String>,
    ) -> AppResult<PeerRequest> {
        let requested = growth::request_peer(self.app, actor, a, peer, skills).await;
        audited(self.app, actor, "peer.request", a.target(), requested)
    }
}

impl PeerRequests<'_> {
    /// A request for input with the assessment it is about, for the peer it was sent to only.
    pub async fn open(&self, actor: &Actor, id: i64) -> AppResult<(PeerRequest, AssessmentCtx)> {
        let request = growth::load_peer_request(self.app.store(), id).await?;
        if request.peer_id != actor.id() {
            return Err(access::hide(
                self.app.store(),
                &actor.audit(),
                format!("peer-request:{id}"),
                growth::peers::NO_SUCH_REQUEST,
            )
            .await);
        }
        let a = growth::load_assessment(self.app, actor, request.assessment_id).await?;
        Ok((request, a))
    }

    /// The peer's answer to a request opened with [`PeerRequests::open`].
    pub async fn answer(
        &self,
        actor: &Actor,
        request: &PeerRequest,
        a: &AssessmentCtx,
        ratings: Vec<RatingInput>,
    ) -> AppResult<PeerRequest> {
        let answered = growth::submit_peer(self.app, actor, request, a, ratings).await;
        let target = format!("peer-request:{}", request.id);
        audited(self.app, actor, "peer.submit", target, answered)
    }
}

impl EvidenceCases<'_> {
    /// A person's evidence, newest first, for those who may see the person's records.
    pub async fn of_person(&self, actor: &Actor, person: PersonId) -> AppResult<Vec<Evidence>> {
        growth::person_for(self.app, actor, person).await?;
        Ok(self.app.store().evidence_of(person).await?)
    }

    /// A page of a person's evidence, newest first, for those who may see the person's records:
    /// from the newest, or from a `cursor` a page before gave; `limit` pieces at most
    /// ([`growth::EVIDENCE_PAGE`] when not given). The fields at fault are named `cursor` and
    /// `limit`.
    pub async fn page_of_person(
        &self,
        actor: &Actor,
        person: PersonId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> AppResult<(Person, Relation, growth::EvidencePage)> {
        let (person, relation) = growth::person_for(self.app, actor, person).await?;
        let size = growth::evidence_page_size("limit", limit)?;
        // Exactly as given back (no trimming), as the API documents the cursor's shape.
        let after = match cursor.filter(|c| !c.is_empty()) {
            Some(c) => Some(growth::parse_evidence_cursor("cursor", c)?),
            None => None,
        };
        let page = growth::evidence_page(self.app, person.id, after, size).await?;
        Ok((person, relation, page))
    }

    /// Adds evidence to a person's record.
    pub async fn add(
        &self,
        actor: &Actor,
        person: PersonId,
        input: EvidenceInput,
    ) -> AppResult<Evidence> {
        let (person, _) = growth::person_for(self.app, actor, person).await?;
        let added = growth::add_evidence(self.app, actor, &person, input).await;
        let target = format!("person:{}", person.id);
        audited(self.app, actor, "evidence.create", target, added)
    }
}

impl EvidenceCases<'_> {
    /// A piece of a person's evidence, for whoever may change it (who added it, or the person).
    pub async fn changeable(
        &self,
        actor: &Actor,
        person: PersonId,
        id: EvidenceId,
    ) -> AppResult<(Person, Evidence)> {
        growth::changeable_evidence(self.app, actor, person, id).await
    }

    /// Edits a piece of evidence, keeping the version it replaces.
    pub async fn edit(
        &self,
        actor: &Actor,
        person: PersonId,
        id: EvidenceId,
        input: EvidenceInput,
    ) -> AppResult<Evidence> {
        let edited = growth::edit_evidence(self.app, actor, person, id, input).await;
        audited(
            self.app,
            actor,
            "evidence.update",
            format!("evidence:{id}"),
            edited,
        )
    }

    /// Deletes a piece of evidence softly: it no longer counts; its history stays.
    pub async fn delete(&self, actor: &Actor, person: PersonId, id: EvidenceId) -> AppResult<()> {
        let deleted = growth::delete_evidence(self.app, actor, person, id).await;
        audited(
            self.app,
            actor,
            "evidence.delete",
            format!("evidence:{id}"),
            deleted,
        )
    }
}

/// Records a refused change in the audit log (refusals by the access rules are recorded by
/// [`access::deny`] already) and passes the result on.
pub(crate) fn audited<T>(
    app: &App,
    actor: &Actor,
    action: &str,
    target: String,
    result: AppResult<T>,
) -> AppResult<T> {
    if let Err(refusal) = &result {
        growth::audit_refusal(app, actor, action, target, refusal);
    }
    result
}
