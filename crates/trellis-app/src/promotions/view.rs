//! A promotion case as its page shows it: the case and its decision, assembled with what Trellis
//! knows of the person (readiness against the target with each requirement's explanation, the
//! agreed ratings and their history, evidence per requirement with its corroborators, peer input),
//! the comments, and the panel with the votes the reader may see. Also the list of cases a reader
//! may see, and what on it waits on them.

use std::collections::{HashMap, HashSet};

use serde_json::json;
use trellis_model::readiness::{Readiness, RequirementReadiness};
use trellis_store::prelude::*;
use trellis_store::{
    CaseStatus, Evidence, PanelVote, Person, PersonId, PromotionCase, PromotionId,
    PromotionListing, RaterKind, Rating,
};

use super::{CaseSeat, Promotions, waits_on};
use crate::access::{Actor, is_staff};
use crate::error::AppResult;
use crate::frameworks::VersionRef;
use crate::growth::{level_label, names, readiness_for};
use crate::time::{date, now_millis};

/// A rating on the case page: when, what, by whom, and what they said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingLine {
    pub on: String,
    pub level: String,
    pub by: String,
    pub comment: Option<String>,
}

/// A piece of evidence on the case page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceLine {
    pub title: String,
    pub happened_on: String,
    pub description: String,
    pub links: Vec<String>,
    pub corroborators: Vec<String>,
}

/// One requirement of the target: how it stands, and what it stands on.
#[derive(Debug, Clone)]
pub struct RequirementView {
    pub readiness: RequirementReadiness,
    /// Agreed ratings of the skill, oldest first: the newest is the one that counts.
    pub agreed: Vec<RatingLine>,
    pub evidence: Vec<EvidenceLine>,
    pub peer_input: Vec<RatingLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentView {
    pub author: String,
    pub at: String,
    pub body: String,
}

/// A panel member as the reader sees them: always their name and whether they voted; their vote
/// and reason only when the reader may see the votes (or it is the reader's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatView {
    pub member_id: PersonId,
    pub name: String,
    pub voted: bool,
    pub vote: Option<&'static str>,
    pub reason: Option<String>,
    pub mine: bool,
}

/// The reader's own place on the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MySeat {
    pub vote: Option<PanelVote>,
    pub reason: Option<String>,
    /// Whether their vote is final: they have been shown the others.
    pub final_vote: bool,
}

#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: PromotionCase,
    pub seat: CaseSeat,
    pub person: Person,
    pub target_title: String,
    pub from_title: Option<String>,
    /// The framework version the case was opened on, as `name version`.
    pub framework: String,
    /// `None` when the framework version no longer has the target.
    pub readiness: Option<Readiness>,
    pub requirements: Vec<RequirementView>,
    pub comments: Vec<CommentView>,
    pub panel: Vec<SeatView>,
    /// Whether the reader sees the individual votes.
    pub votes_shown: bool,
    pub my_seat: Option<MySeat>,
    pub opened_by: String,
    pub written_by: Option<String>,
    pub decided_by: Option<String>,
}

impl CaseView {
    pub fn may_run(&self) -> bool {
        self.seat.may_run()
    }

    pub fn may_comment(&self) -> bool {
        self.seat.may_comment() && self.case.status == CaseStatus::Draft
    }

    pub fn votes_cast(&self) -> usize {
        self.panel.iter().filter(|s| s.voted).count()
    }
}

/// How a vote reads.
pub fn vote_text(v: PanelVote) -> &'static str {
    match v {
        PanelVote::Approve => "Approve",
        PanelVote::NotYet => "Not yet",
    }
}

/// A case in a list: whom it is about, for what, where it is, and whether it waits on the reader.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    pub case: PromotionCase,
    pub person: String,
    pub target_title: String,
    /// `vote` or `comment` when the case waits on the reader.
    pub waits_on_you: Option<&'static str>,
}

impl Promotions<'_> {
    /// A case as the actor may see it; the read is audited. A panel member who has voted is shown
    /// the votes cast so far, which makes their own final (recorded before they are shown).
    pub async fn view(&self, actor: &Actor, id: PromotionId) -> AppResult<CaseView> {
        let store = self.app.store();
        let mut seen = self.seen(actor, id).await?;
        let mine = seen
            .record
            .panel
            .iter()
            .find(|s| s.member_id == actor.id())
            .cloned();
        let voted = mine.as_ref().is_some_and(|s| s.vote.0.is_some());
        let votes_shown = match seen.seat {
            CaseSeat::Subject => false,
            CaseSeat::Panel => voted,
            CaseSeat::Line | CaseSeat::Staff => true,
        };
        if seen.seat == CaseSeat::Panel && voted {
            let at = now_millis();
            if store.mark_votes_seen(id, actor.id(), at).await? {
                for s in &mut seen.record.panel {
                    if s.member_id == actor.id() {
                        s.others_seen_at = Some(at);
                    }
                }
            }
        }
        self.app.audit_read(
            actor.audit(),
            "promotion.read",
            format!("promotion:{id}"),
            json!({ "seat": format!("{:?}", seen.seat).to_lowercase(), "votes_shown": votes_shown }),
        );
        let case = seen.record.case.clone();
        let published = self
            .app
            .framework(VersionRef::Id(case.framework_version_id))
            .await?;
        let mut record = store.person_record(case.person_id).await?;
        // The person reads their own case without what their cycles have not shared yet.
        if actor.id() == case.person_id {
            let withheld =
                crate::sharing::withheld_from(self.app, case.person_id, &crate::time::today())
                    .await?;
            record
                .rating_history
                .retain(|r| !crate::sharing::hidden(&withheld, r));
        }
        let observed = crate::people::observed_in(&record);
        let target = readiness_for(&published, &case.role_level, &observed);
        let target_title = target
            .as_ref()
            .map_or_else(|| case.role_level.clone(), |(p, _)| p.title.clone());
        let from_title = case.from_role_level.as_ref().map(|rl| {
            published
                .profile(rl)
                .map_or_else(|| rl.clone(), |p| p.title.clone())
        });
        let mut ids: Vec<PersonId> = vec![case.opened_by];
        ids.extend(case.written_by);
        ids.extend(case.decided_by);
        ids.extend(seen.record.comments.iter().map(|c| c.author_id));
        ids.extend(seen.record.panel.iter().map(|s| s.member_id));
        ids.extend(record.rating_history.iter().map(|r| r.rater_id));
        let mut who: HashMap<PersonId, String> = record.names.iter().cloned().collect();
        ids.retain(|i| !who.contains_key(i));
        who.extend(names(store, ids).await?);
        let name = |id: PersonId| {
            who.get(&id)
                .cloned()
                .unwrap_or_else(|| format!("person {id}"))
        };
        let line = |r: &Rating| RatingLine {
            on: date(r.at),
            level: match (&r.level, &r.not_applicable) {
                (_, Some(why)) => format!("Not applicable: {why}"),
                (Some(l), None) => level_label(&published.framework, &r.skill, l),
                (None, None) => String::new(),
            },
            by: name(r.rater_id),
            comment: r.comment.clone(),
        };
        let evidence_line = |e: &Evidence| EvidenceLine {
            title: e.title.clone(),
            happened_on: e.happened_on.clone(),
            description: e.description.clone(),
            links: e.links.clone(),
            corroborators: e.corroborators.clone(),
        };
        let (readiness, requirements) = match target {
            Some((_, r)) => {
                let reqs = r
                    .requirements
                    .iter()
                    .map(|q| RequirementView {
                        readiness: q.clone(),
                        agreed: record
                            .rating_history
                            .iter()
                            .filter(|x| x.skill == q.skill && x.rater_kind == RaterKind::Agreed)
                            .map(line)
                            .collect(),
                        evidence: record
                            .evidence
                            .iter()
                            .filter(|e| e.skills.contains(&q.skill))
                            .map(evidence_line)
                            .collect(),
                        peer_input: record
                            .rating_history
                            .iter()
                            .filter(|x| x.skill == q.skill && x.rater_kind == RaterKind::Peer)
                            .map(line)
                            .collect(),
                    })
                    .collect();
                (Some(r), reqs)
            }
            None => (None, Vec::new()),
        };
        let panel = seen
            .record
            .panel
            .iter()
            .map(|s| {
                let own = s.member_id == actor.id();
                let show = own || votes_shown;
                SeatView {
                    member_id: s.member_id,
                    name: name(s.member_id),
                    voted: s.vote.0.is_some(),
                    vote: s.vote.0.filter(|_| show).map(vote_text),
                    reason: s.reason.clone().filter(|_| show),
                    mine: own,
                }
            })
            .collect();
        let my_seat = seen
            .record
            .panel
            .iter()
            .find(|s| s.member_id == actor.id())
            .map(|s| MySeat {
                vote: s.vote.0,
                reason: s.reason.clone(),
                final_vote: s.others_seen_at.is_some(),
            });
        let comments = seen
            .record
            .comments
            .iter()
            .map(|c| CommentView {
                author: name(c.author_id),
                at: crate::time::date_time(c.at),
                body: c.body.clone(),
            })
            .collect();
        Ok(CaseView {
            framework: format!("{} {}", published.summary.name, published.summary.version),
            opened_by: name(case.opened_by),
            written_by: case.written_by.map(name),
            decided_by: case.decided_by.map(name),
            seat: seen.seat,
            person: seen.person,
            target_title,
            from_title,
            readiness,
            requirements,
            comments,
            panel,
            votes_shown,
            my_seat,
            case,
        })
    }

    /// Every case the actor may see, the newest first: their own, those of people below them in
    /// their line, those whose panel they are on, and every case for the people team. The read is
    /// audited.
    pub async fn list(&self, actor: &Actor) -> AppResult<Vec<CaseSummary>> {
        let out = self.visible(actor).await?;
        self.app.audit_read(
            actor.audit(),
            "promotion.list",
            format!("person:{}", actor.id()),
            json!({ "cases": out.len() }),
        );
        Ok(out)
    }

    async fn visible(&self, actor: &Actor) -> AppResult<Vec<CaseSummary>> {
        let store = self.app.store();
        let people = if is_staff(actor.role()) {
            None
        } else {
            let mut ids: Vec<PersonId> = crate::people::visible_to(store, actor)
                .await?
                .into_iter()
                .map(|p| p.id)
                .collect();
            ids.push(actor.id());
            Some(ids)
        };
        let cases = store.promotion_list(people, actor.id()).await?;
        let ids: HashSet<PersonId> = cases.iter().map(|c| c.case.person_id).collect();
        let who = names(store, ids.into_iter().collect()).await?;
        let mut out = Vec::with_capacity(cases.len());
        for listed in cases {
            let case = &listed.case;
            out.push(CaseSummary {
                person: who.get(&case.person_id).cloned().unwrap_or_default(),
                target_title: self.target_title(case).await,
                waits_on_you: waits_on(actor.id(), &listed),
                case: listed.case,
            });
        }
        Ok(out)
    }

    /// The cases waiting on the actor (a vote or a comment), for their to-do list: only their
    /// own and those whose panel they are on can.
    pub async fn waiting_on(&self, actor: &Actor) -> AppResult<Vec<CaseSummary>> {
        let store = self.app.store();
        let waiting: Vec<(PromotionListing, &'static str)> = store
            .promotion_list(Some(vec![actor.id()]), actor.id())
            .await?
            .into_iter()
            .filter_map(|listed| {
                let waits = waits_on(actor.id(), &listed)?;
                Some((listed, waits))
            })
            .collect();
        let ids: HashSet<PersonId> = waiting.iter().map(|(l, _)| l.case.person_id).collect();
        let who = names(store, ids.into_iter().collect()).await?;
        let mut out = Vec::with_capacity(waiting.len());
        for (listed, waits) in waiting {
            let case = listed.case;
            out.push(CaseSummary {
                person: who.get(&case.person_id).cloned().unwrap_or_default(),
                target_title: self.target_title(&case).await,
                waits_on_you: Some(waits),
                case,
            });
        }
        Ok(out)
    }
}
