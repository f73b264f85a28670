//! The assessment page: the self → manager → compare → agreed stages, the rating form of the
//! caller's stage, what each rater said, peer requests and the evidence for each requirement. The
//! rules and checks live in `trellis_app::growth`; this module shows them.
//!
//! Stable hooks for browser tests: every form and button has an id (`start-current`, `submit-self`,
//! `submit-manager`, `submit-agreed`, `request-peer`, `submit-peer`, `add-evidence`), and each
//! rating control is `level-<skill>`, `reason-<skill>` and `comment-<skill>` (named `level.<skill>`,
//! `reason.<skill>` and `comment.<skill>`).

use std::collections::HashMap;

use askama::Template;
use trellis_app::Relation;
use trellis_app::growth::{self, AssessmentCtx, rating_text, stage_label};
use trellis_app::time::{date, date_time};
use trellis_formats::render::name_with_version;
use trellis_model::{EffectiveRequirement, Framework};
use trellis_store::prelude::*;
use trellis_store::{AssessmentId, Evidence, PersonId, RaterKind, Rating, Stage};

use crate::auth::{Caller, Ctx};
use crate::error::WebError;
use crate::evidence::pages::SkillPicker;
use crate::html::Frame;
use crate::html::form::{Fields, all_of, field};
use crate::html::view::{Choice, FieldErrors, profile_href};
use crate::state::AppState;

#[derive(Debug)]
struct StageStep {
    label: &'static str,
    /// `done`, `current` or `todo`.
    state: &'static str,
}

/// One requirement in a rating form.
#[derive(Debug)]
pub(crate) struct RatingField {
    pub(crate) skill: String,
    pub(crate) name: String,
    pub(crate) required: String,
    pub(crate) importance: &'static str,
    pub(crate) descriptor: Option<String>,
    pub(crate) options: Vec<Choice>,
    pub(crate) selected: String,
    pub(crate) reason: String,
    pub(crate) comment: String,
    /// What others said, shown to help (the self rating to the manager, both when agreeing).
    pub(crate) hints: Vec<String>,
    pub(crate) evidence: Vec<EvidenceLink>,
    /// The name of the skill's scale, and what each of its levels means for this skill.
    pub(crate) scale_name: String,
    pub(crate) levels: Vec<LevelMeaning>,
}

impl RatingField {
    /// The field of a requirement with nothing chosen or written yet, no hints and no evidence.
    pub(crate) fn blank(fw: &Framework, req: &EffectiveRequirement, licensed: bool) -> RatingField {
        let skill = &req.skill;
        let (scale_name, levels) = level_meanings(fw, skill, req.level.as_str(), licensed);
        RatingField {
            skill: skill.clone(),
            name: req.skill_name.clone(),
            required: growth::level_label(fw, skill, req.level.as_str()),
            importance: req.importance.as_str(),
            descriptor: req.descriptor.clone().filter(|d| !d.trim().is_empty()),
            options: scale_choices(fw, skill),
            selected: String::new(),
            reason: String::new(),
            comment: String::new(),
            hints: Vec::new(),
            evidence: Vec::new(),
            scale_name,
            levels,
        }
    }
}

/// What one level of a skill's scale means: the skill's own descriptor at that level, or else the
/// scale's description of it.
#[derive(Debug)]
pub(crate) struct LevelMeaning {
    pub(crate) label: String,
    pub(crate) descriptor: Option<String>,
    pub(crate) required: bool,
}

/// One scale the skills of a page are rated on, with its levels: the page's key when its skills
/// use more than one scale.
#[derive(Debug)]
pub(crate) struct ScaleKey {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) levels: Vec<LevelMeaning>,
}

/// What every level of a skill's scale means, for its rating control: its scale's name and each
/// level, the required one marked. Text from a source that may not be redistributed is left out
/// unless the server is licensed for it.
pub(crate) fn level_meanings(
    fw: &Framework,
    skill: &str,
    required: &str,
    licensed: bool,
) -> (String, Vec<LevelMeaning>) {
    let Some(s) = fw.skill(skill) else {
        return (String::new(), Vec::new());
    };
    let Some(scale) = fw.scale(&s.scale) else {
        return (String::new(), Vec::new());
    };
    let open = licensed || fw.skill_text_redistributable(s);
    let levels = scale
        .levels
        .iter()
        .map(|l| LevelMeaning {
            label: growth::level_text(l.id.as_str(), &l.label),
            descriptor: open
                .then(|| {
                    s.levels
                        .get(l.id.as_str())
                        .cloned()
                        .or_else(|| l.description.clone())
                })
                .flatten()
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty()),
            required: l.id.as_str() == required,
        })
        .collect();
    (scale.name.clone(), levels)
}

/// The scales these skills are rated on, in the order first used, when there is more than one
/// (one scale needs no key: each rating explains it).
pub(crate) fn scale_key<'a>(
    fw: &Framework,
    skills: impl IntoIterator<Item = &'a str>,
    licensed: bool,
) -> Vec<ScaleKey> {
    let mut keys: Vec<ScaleKey> = Vec::new();
    let mut withheld: Vec<String> = Vec::new();
    for skill in skills {
        let Some(s) = fw.skill(skill) else { continue };
        if !licensed && !fw.skill_text_redistributable(s) {
            withheld.push(s.scale.clone());
        }
        if keys.iter().any(|k| k.id == s.scale) {
            continue;
        }
        let Some(scale) = fw.scale(&s.scale) else {
            continue;
        };
        keys.push(ScaleKey {
            id: scale.id.clone(),
            name: scale.name.clone(),
            description: scale.description.clone(),
            levels: scale
                .levels
                .iter()
                .map(|l| LevelMeaning {
                    label: growth::level_text(l.id.as_str(), &l.label),
                    descriptor: l.description.clone(),
                    required: false,
                })
                .collect(),
        });
    }
    for k in keys.iter_mut().filter(|k| withheld.contains(&k.id)) {
        k.description = None;
        for l in &mut k.levels {
            l.descriptor = None;
        }
    }
    if keys.len() < 2 {
        keys.clear();
    }
    keys
}

#[derive(Debug)]
struct RatingForm {
    action: String,
    heading: String,
    intro: String,
    button: &'static str,
    button_id: &'static str,
    /// Where "Save draft" sends the form, for the stages that keep drafts.
    draft_action: Option<String>,
    /// When the draft shown was saved, if the form shows one.
    draft_saved: Option<String>,
    fields: Vec<RatingField>,
}

/// The person's answer to the agreed outcome, as shown to everyone who sees the assessment.
#[derive(Debug)]
struct AnswerView {
    confirmed: bool,
    text: String,
    comment: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct EvidenceLink {
    pub title: String,
    pub date: String,
    pub href: String,
}

#[derive(Debug)]
pub(crate) struct Said {
    pub(crate) text: String,
    pub(crate) comment: Option<String>,
}

#[derive(Debug)]
struct PeerSaid {
    who: String,
    text: String,
    comment: Option<String>,
}

#[derive(Debug)]
struct RequirementRow {
    skill: String,
    name: String,
    required: String,
    importance: &'static str,
    self_rating: Option<Said>,
    manager: Option<Said>,
    agreed: Option<Said>,
    peers: Vec<PeerSaid>,
    /// "Same", "Manager 1 level higher", … when both self and manager are shown.
    difference: Option<String>,
    evidence: Vec<EvidenceLink>,
}

#[derive(Debug)]
struct PeerRow {
    who: String,
    skills: String,
    requested: String,
    status: String,
}

#[derive(Debug)]
struct PeerForm {
    /// Everyone who may be asked: the value is the email address, the label the name.
    people: Vec<Choice>,
    skills: SkillPicker,
    typed_peer: String,
}

#[derive(Debug, Template)]
#[template(path = "assessments/assessment.html")]
pub(crate) struct AssessmentPage {
    frame: Frame,
    id: AssessmentId,
    person_name: String,
    person_href: String,
    is_self: bool,
    role_title: String,
    role_href: String,
    cycle: String,
    /// The deadline of the stage it is at, for an open assessment of a review cycle.
    stage_due: Option<String>,
    /// For the person, when their cycle's results wait for its sharing day.
    withheld: Option<String>,
    version_label: String,
    version_note: Option<String>,
    stage: &'static str,
    stage_text: &'static str,
    stages: Vec<StageStep>,
    timeline: Vec<String>,
    revision: i64,
    framework_version: i64,
    status_message: Option<String>,
    notice: Option<String>,
    conflict: Option<String>,
    errors: FieldErrors,
    form: Option<RatingForm>,
    show_self: bool,
    show_manager: bool,
    show_agreed: bool,
    show_peers: bool,
    rows: Vec<RequirementRow>,
    peers: Vec<PeerRow>,
    peer_form: Option<PeerForm>,
    scale_key: Vec<ScaleKey>,
    answer: Option<AnswerView>,
    /// Whether the person may confirm or dispute the agreed outcome now.
    answer_form: bool,
    typed_outcome_comment: String,
}

/// Values typed into a rating form, to show again with the problems found.
#[derive(Debug, Default)]
pub(crate) struct Typed {
    pub(crate) fields: Fields,
    /// Which form they belong to: `self`, `manager`, `agreed`, `peer` or `answer`.
    pub(crate) kind: &'static str,
}

fn evidence_links(person: PersonId, evidence: &[Evidence], skill: &str) -> Vec<EvidenceLink> {
    evidence
        .iter()
        .filter(|e| e.skills.iter().any(|s| s == skill))
        .map(|e| EvidenceLink {
            title: e.title.clone(),
            date: e.happened_on.clone(),
            href: format!("/people/{person}#evidence-{}", e.id),
        })
        .collect()
}

/// The levels of a skill's scale, for its rating control.
pub(crate) fn scale_choices(fw: &Framework, skill: &str) -> Vec<Choice> {
    growth::scale_options(fw, skill)
        .into_iter()
        .map(|(value, label)| Choice::new(value, label))
        .collect()
}

pub(crate) fn said(fw: &Framework, r: &Rating) -> Said {
    let text = match &r.not_applicable {
        Some(reason) => format!("Not applicable: {reason}"),
        None => rating_text(fw, r),
    };
    Said {
        text,
        comment: r.comment.clone(),
    }
}

fn difference(fw: &Framework, s: &Rating, m: &Rating) -> Option<String> {
    match (&s.level, &m.level) {
        (Some(a), Some(b)) => {
            let (ra, _) = growth::rank_of(fw, &s.skill, a)?;
            let (rb, _) = growth::rank_of(fw, &s.skill, b)?;
            Some(match rb as i64 - ra as i64 {
                0 => "Same".to_owned(),
                d if d > 0 => format!("Manager {d} level{} higher", if d == 1 { "" } else { "s" }),
                d => format!(
                    "Manager {} level{} lower",
                    -d,
                    if d == -1 { "" } else { "s" }
                ),
            })
        }
        _ if s.not_applicable.is_some() != m.not_applicable.is_some() => {
            Some("Differ on whether it applies".to_owned())
        }
        _ => Some("Same".to_owned()),
    }
}

/// The newest rating of each skill by each kind (peers by rater), among those visible.
fn latest_visible<'a>(
    a: &AssessmentCtx,
    ratings: &'a [Rating],
) -> HashMap<(String, RaterKind, Option<PersonId>), &'a Rating> {
    let mut out = HashMap::new();
    for r in ratings.iter().filter(|r| a.rating_shown(&a.assessment, r)) {
        let rater = (r.rater_kind == RaterKind::Peer).then_some(r.rater_id);
        out.insert((r.skill.clone(), r.rater_kind, rater), r);
    }
    out
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn assessment_page(
    state: &AppState,
    caller: &Caller,
    ctx: &Ctx,
    a: &AssessmentCtx,
    typed: Option<Typed>,
    errors: FieldErrors,
    conflict: Option<String>,
    notice: Option<String>,
) -> Result<AssessmentPage, WebError> {
    let store = state.store();
    let fw = a.framework();
    let asm = &a.assessment;
    let ratings = store.ratings(asm.id).await?;
    let requests = store.peer_requests_of_assessment(asm.id).await?;
    let evidence = store.evidence_of(a.person.id).await?;
    let mut ids: Vec<PersonId> = vec![asm.created_by];
    ids.extend(asm.self_submitted_by);
    ids.extend(asm.manager_submitted_by);
    ids.extend(asm.agreed_by);
    ids.extend(requests.iter().map(|r| r.peer_id));
    ids.extend(ratings.iter().map(|r| r.rater_id));
    let names = growth::names(store, ids).await?;
    let name = |id: PersonId| names.get(&id).cloned().unwrap_or_default();
    let stage_due = match state.app().cycles().deadline_of(asm).await? {
        Some((_, due)) if asm.stage != Stage::Agreed => Some(due),
        _ => None,
    };
    let latest = latest_visible(a, &ratings);
    let get = |skill: &str, kind: RaterKind| latest.get(&(skill.to_owned(), kind, None)).copied();

    let current = state.current_framework().await?;
    let version_note = match &current {
        Some(c) if c.summary.id == asm.framework_version_id => None,
        _ => Some(format!(
            "This assessment was made on version {} of {}, which is not the current version; it \
             is shown as it was made.",
            a.published.summary.version, a.published.summary.name
        )),
    };

    let mut timeline = vec![format!(
        "Started by {} on {}.",
        name(asm.created_by),
        date_time(asm.created_at)
    )];
    if let (Some(by), Some(at)) = (asm.self_submitted_by, asm.self_submitted_at) {
        timeline.push(format!(
            "Self-assessment submitted by {} on {}.",
            name(by),
            date_time(at)
        ));
    }
    if let (Some(by), Some(at)) = (asm.manager_submitted_by, asm.manager_submitted_at) {
        timeline.push(format!(
            "Manager ratings submitted by {} on {}.",
            name(by),
            date_time(at)
        ));
    }
    if let (Some(by), Some(at)) = (asm.agreed_by, asm.agreed_at) {
        timeline.push(format!(
            "Outcome agreed and recorded by {} on {}.",
            name(by),
            date_time(at)
        ));
    }
    for r in &requests {
        if let Some(at) = r.submitted_at {
            timeline.push(format!(
                "Peer input from {} submitted on {}.",
                name(r.peer_id),
                date_time(at)
            ));
        }
    }

    let stages = [
        Stage::SelfRating,
        Stage::Manager,
        Stage::Compare,
        Stage::Agreed,
    ]
    .into_iter()
    .map(|s| StageStep {
        label: stage_label(s),
        state: if s < asm.stage || asm.stage == Stage::Agreed {
            "done"
        } else if s == asm.stage {
            "current"
        } else {
            "todo"
        },
    })
    .collect();

    // Who acts now, and the form if it is the caller.
    let person = &a.person.name;
    let is_self = a.relation == Relation::Myself;
    let is_manager = a.relation == Relation::Manager;
    let (kind, status_message): (Option<RaterKind>, Option<String>) = match asm.stage {
        Stage::SelfRating if is_self => (Some(RaterKind::SelfRater), None),
        Stage::SelfRating => (
            None,
            Some(format!(
                "Waiting for {person} to submit their self-assessment. You will see it here once \
                 they do."
            )),
        ),
        Stage::Manager if is_manager => (Some(RaterKind::Manager), None),
        Stage::Manager if is_self => (
            None,
            Some(
                "Your self-assessment is submitted. Your manager rates you next; you will see \
                 their ratings next to yours once they submit them."
                    .to_owned(),
            ),
        ),
        Stage::Manager => (
            None,
            Some(format!(
                "{person}'s self-assessment is in; waiting for their manager's ratings."
            )),
        ),
        Stage::Compare if is_manager => (Some(RaterKind::Agreed), None),
        Stage::Compare => (
            None,
            Some(format!(
                "Both ratings are in, side by side below. {} records the outcome you agree in \
                 your conversation.",
                if is_self {
                    "Your manager".to_owned()
                } else {
                    format!("{person}'s manager")
                }
            )),
        ),
        Stage::Agreed => (
            None,
            Some("This assessment is closed: the outcome below was agreed.".to_owned()),
        ),
    };
    // What follows the self-assessment waits for the cycle's sharing day (said above the stages).
    let status_message = match (&a.withheld, asm.stage) {
        (Some(_), Stage::Manager | Stage::Compare | Stage::Agreed) => {
            Some("Your self-assessment is submitted.".to_owned())
        }
        _ => status_message,
    };
    let typed_for = |k: &str| typed.as_ref().filter(|t| t.kind == k).map(|t| &t.fields);
    let actor = caller.actor(ctx);
    let licensed = state.config().licensed;
    let draft = match kind {
        Some(k) => state.app().assessments().own_draft(&actor, a, k).await?,
        None => None,
    };
    let form = kind.map(|kind| {
        let (k, action, heading, intro, button, button_id) = match kind {
            RaterKind::SelfRater => (
                "self",
                format!("/assessments/{}/self", asm.id),
                "Rate yourself".to_owned(),
                format!(
                    "For each skill {} asks for, choose the level you work at today, or “not \
                     applicable” with a reason. Your manager sees your ratings once you submit.",
                    a.profile.title
                ),
                "Submit self-assessment",
                "submit-self",
            ),
            RaterKind::Manager => (
                "manager",
                format!("/assessments/{}/manager", asm.id),
                format!("Rate {person}"),
                format!(
                    "{person}'s own ratings are shown with each skill. {person} sees your \
                     ratings once you submit them."
                ),
                "Submit manager ratings",
                "submit-manager",
            ),
            _ => (
                "agreed",
                format!("/assessments/{}/agreed", asm.id),
                "Record the agreed outcome".to_owned(),
                "Each level starts at your rating; change it where your conversation agreed \
                 otherwise. Recording the outcome closes the assessment."
                    .to_owned(),
                "Record agreed outcome",
                "submit-agreed",
            ),
        };
        let typed = typed_for(k);
        let drafted = |skill: &str| {
            draft
                .as_ref()
                .and_then(|d| d.ratings.iter().find(|r| r.skill == skill))
        };
        let fields = a
            .profile
            .requirements
            .iter()
            .map(|req| {
                let skill = &req.skill;
                let mut hints = Vec::new();
                if kind != RaterKind::SelfRater
                    && let Some(r) = get(skill, RaterKind::SelfRater)
                {
                    let s = said(fw, r);
                    hints.push(format!(
                        "Self: {}{}",
                        s.text,
                        s.comment.map(|c| format!(" (“{c}”)")).unwrap_or_default()
                    ));
                }
                let manager = get(skill, RaterKind::Manager);
                if kind == RaterKind::Agreed
                    && let Some(r) = manager
                {
                    let s = said(fw, r);
                    hints.push(format!(
                        "Manager: {}{}",
                        s.text,
                        s.comment.map(|c| format!(" (“{c}”)")).unwrap_or_default()
                    ));
                }
                let (selected, reason, comment) = match typed {
                    Some(t) => (
                        field(t, &format!("level.{skill}"))
                            .unwrap_or_default()
                            .to_owned(),
                        field(t, &format!("reason.{skill}"))
                            .unwrap_or_default()
                            .to_owned(),
                        field(t, &format!("comment.{skill}"))
                            .unwrap_or_default()
                            .to_owned(),
                    ),
                    None if drafted(skill).is_some() => {
                        let r = drafted(skill).expect("a drafted rating");
                        (
                            r.level.clone().unwrap_or_default(),
                            r.not_applicable.clone().unwrap_or_default(),
                            r.comment.clone().unwrap_or_default(),
                        )
                    }
                    None if kind == RaterKind::Agreed => match manager {
                        Some(r) => (
                            if r.not_applicable.is_some() {
                                "n/a".to_owned()
                            } else {
                                r.level.clone().unwrap_or_default()
                            },
                            r.not_applicable.clone().unwrap_or_default(),
                            String::new(),
                        ),
                        None => Default::default(),
                    },
                    None => Default::default(),
                };
                RatingField {
                    selected,
                    reason,
                    comment,
                    hints,
                    evidence: evidence_links(a.person.id, &evidence, skill),
                    ..RatingField::blank(fw, req, licensed)
                }
            })
            .collect();
        RatingForm {
            draft_action: (kind == RaterKind::SelfRater)
                .then(|| format!("/assessments/{}/self/draft", asm.id)),
            draft_saved: draft.as_ref().map(|d| date_time(d.saved_at)),
            action,
            heading,
            intro,
            button,
            button_id,
            fields,
        }
    });

    let rows: Vec<RequirementRow> = a
        .profile
        .requirements
        .iter()
        .map(|req| {
            let s = get(&req.skill, RaterKind::SelfRater);
            let m = get(&req.skill, RaterKind::Manager);
            let peers = latest
                .iter()
                .filter(|((skill, kind, _), _)| *kind == RaterKind::Peer && *skill == req.skill)
                .map(|(_, r)| {
                    let s = said(fw, r);
                    PeerSaid {
                        who: name(r.rater_id),
                        text: s.text,
                        comment: s.comment,
                    }
                })
                .collect();
            RequirementRow {
                skill: req.skill.clone(),
                name: req.skill_name.clone(),
                required: growth::level_label(fw, &req.skill, req.level.as_str()),
                importance: req.importance.as_str(),
                self_rating: s.map(|r| said(fw, r)),
                manager: m.map(|r| said(fw, r)),
                agreed: get(&req.skill, RaterKind::Agreed).map(|r| said(fw, r)),
                peers,
                difference: match (s, m) {
                    (Some(s), Some(m)) => difference(fw, s, m),
                    _ => None,
                },
                evidence: evidence_links(a.person.id, &evidence, &req.skill),
            }
        })
        .collect();

    let skill_name = |s: &str| {
        a.requirement(s)
            .map(|r| r.skill_name.clone())
            .unwrap_or_else(|| s.to_owned())
    };
    let peers: Vec<PeerRow> = requests
        .iter()
        .map(|r| PeerRow {
            who: name(r.peer_id),
            skills: r
                .skills
                .iter()
                .map(|s| skill_name(s))
                .collect::<Vec<_>>()
                .join(", "),
            requested: format!("{} by {}", date(r.requested_at), name(r.requested_by)),
            status: match r.submitted_at {
                Some(at) => format!("Answered on {}", date(at)),
                None => "Waiting for an answer".to_owned(),
            },
        })
        .collect();
    let peer_form = if a.relation.may_request_peers() && asm.stage != Stage::Agreed {
        let typed = typed_for("peer");
        // Whom to ask: anyone active in the organisation but the person assessed and the caller,
        // picked by name from a list and sent as their email address.
        let person = &a.person;
        let mut people: Vec<Choice> = store
            .people()
            .await?
            .into_iter()
            .filter(|p| p.active && p.id != person.id && p.id != caller.id())
            .map(|p| Choice::new(p.email, p.name))
            .collect();
        people.sort_by_key(|x| x.label.to_lowercase());
        let requirements: Vec<Choice> = a
            .profile
            .requirements
            .iter()
            .map(|r| Choice::new(r.skill.clone(), r.skill_name.clone()))
            .collect();
        Some(PeerForm {
            people,
            skills: SkillPicker {
                name: "skills",
                legend: "Skills to ask about".to_owned(),
                primary_heading: format!("Requirements of {}", a.profile.title),
                primary: requirements,
                others: Vec::new(),
                selected: typed.map(|t| all_of(t, "skills")).unwrap_or_default(),
            },
            typed_peer: typed
                .and_then(|t| field(t, "peer"))
                .unwrap_or_default()
                .to_owned(),
        })
    } else {
        None
    };

    let answer = store.outcome_answer(asm.id).await?.map(|o| {
        let confirmed = o.answer == trellis_store::OutcomeAnswerKind::Confirmed;
        let who = if is_self {
            "You".to_owned()
        } else {
            a.person.name.clone()
        };
        AnswerView {
            confirmed,
            text: format!(
                "{who} {} this outcome on {}.",
                if confirmed { "confirmed" } else { "disputed" },
                date_time(o.at)
            ),
            comment: o.comment,
        }
    });
    let answer_form = is_self
        && a.withheld.is_none()
        && asm.stage == Stage::Agreed
        && asm.agreed_at.is_some()
        && answer.is_none();
    let typed_answer = typed_for("answer");
    let scale_key = if form.is_some() {
        scale_key(
            fw,
            a.profile.requirements.iter().map(|r| r.skill.as_str()),
            licensed,
        )
    } else {
        Vec::new()
    };

    let show_self = rows.iter().any(|r| r.self_rating.is_some());
    let show_manager = rows.iter().any(|r| r.manager.is_some());
    let show_agreed = rows.iter().any(|r| r.agreed.is_some());
    let show_peers = rows.iter().any(|r| !r.peers.is_empty());
    Ok(AssessmentPage {
        frame: Frame::new(
            Some(ctx),
            format!("{}: assessment against {}", a.person.name, a.profile.title),
            "people",
        ),
        id: asm.id,
        person_name: a.person.name.clone(),
        person_href: format!("/people/{}", a.person.id),
        is_self,
        role_title: a.profile.title.clone(),
        role_href: profile_href(&asm.framework_version_id.to_string(), &asm.role_level),
        cycle: asm.cycle.clone(),
        stage_due,
        // Nothing is held back before the self-assessment is in.
        withheld: a
            .withheld
            .as_ref()
            .filter(|_| asm.stage != Stage::SelfRating)
            .map(|w| w.line()),
        version_label: name_with_version(&a.published.summary.name, &a.published.summary.version),
        version_note,
        stage: asm.stage.as_str(),
        stage_text: stage_label(asm.stage),
        stages,
        timeline,
        revision: asm.revision,
        framework_version: asm.framework_version_id,
        status_message,
        notice,
        conflict,
        errors,
        form,
        show_self,
        show_manager,
        show_agreed,
        show_peers,
        rows,
        peers,
        peer_form,
        scale_key,
        answer,
        answer_form,
        typed_outcome_comment: typed_answer
            .and_then(|t| field(t, "outcome_comment"))
            .unwrap_or_default()
            .to_owned(),
    })
}
