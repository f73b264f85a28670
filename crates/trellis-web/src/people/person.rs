//! A person's page: their role level, readiness for it and the next one, the radar of their skills,
//! their assessments and evidence, for whoever may see them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use serde_json::json;
use trellis_app::frameworks::SkillLevels;
use trellis_app::privacy::escape;
use trellis_app::time::date;
use trellis_model::Profile;
use trellis_model::readiness::{Observed, ObservedSkills, Rated, Readiness, ReadinessStatus};
use trellis_store::{Evidence, Person, PersonId, PersonRecord, RaterKind, Stage, SystemRole};

use crate::auth::{Caller, Me};
use crate::chart;
use crate::error::WebError;
use crate::extract::PathParams;
use crate::home::PersonLink;
use crate::html::view::{
    Choice, compare_href, profile_href, role_level_options, role_title, role_title_with_track,
};
use crate::html::{Escaped, Frame, Plain, render};
use crate::state::{AppState, Published, VersionRef};

#[derive(Debug)]
struct Link {
    name: String,
    href: Option<String>,
}

/// A role level and its page (empty when the current framework does not have it).
#[derive(Debug)]
struct RoleLink {
    title: String,
    href: String,
}

/// The page borrows the framework's level labels and the record's comments: a history shows a
/// hundred ratings or more.
#[derive(Debug, Template)]
#[template(path = "people/person.html")]
struct PersonPage<'a> {
    frame: Frame,
    id: PersonId,
    name: String,
    email: String,
    is_self: bool,
    team: Option<String>,
    role: Option<RoleLink>,
    role_since: Option<String>,
    next: Option<RoleLink>,
    manager: Option<Link>,
    reports: Vec<PersonLink>,
    system_role: &'static str,
    active: bool,
    edit_href: Option<String>,
    /// The people team's form for role level, manager and team.
    assign_href: Option<String>,
    growth: GrowthView<'a>,
    check_ins: Vec<CheckInLine>,
}

/// That the person meets someone, how often, when last and next: never what was said. Linked for
/// the pair; for an administrator, to the form that records an exception.
#[derive(Debug)]
struct CheckInLine {
    with: String,
    cadence: &'static str,
    last_held: Option<String>,
    next_on: Option<String>,
    href: Option<String>,
    break_glass_href: Option<String>,
}

/// An assessment in the person's list.
#[derive(Debug)]
struct AssessmentLink {
    href: String,
    role: String,
    cycle: String,
    stage: &'static str,
    started: String,
    /// For the person, when the results of its review cycle are shared with them, until then.
    withheld: Option<String>,
}

/// A button that starts an assessment against a role level, or the link to the open one.
#[derive(Debug)]
struct StartChoice {
    /// `current` or `next`: the button's id is `start-current` or `start-next`.
    which: &'static str,
    role_level: String,
    title: String,
    open: Option<String>,
}

#[derive(Debug)]
struct ReadinessRow<'a> {
    skill: String,
    name: String,
    importance: Plain<&'static str>,
    required: Escaped<Cow<'a, str>>,
    self_level: Escaped<Cow<'a, str>>,
    manager: Escaped<Cow<'a, str>>,
    agreed: Escaped<Cow<'a, str>>,
    status: Plain<&'static str>,
    status_text: Plain<&'static str>,
    evidence: Vec<crate::assessments::view::EvidenceLink>,
    explanation: String,
}

#[derive(Debug)]
struct ReadinessView<'a> {
    /// `current` or `next`, for ids.
    which: &'static str,
    title: String,
    ready: bool,
    /// Whether any requirement is rated: until then, "not yet assessed" rather than a verdict.
    assessed: bool,
    score: String,
    summary: String,
    policy: String,
    rows: Vec<ReadinessRow<'a>>,
}

#[derive(Debug)]
struct RadarRow<'a> {
    name: String,
    required: Escaped<Cow<'a, str>>,
    self_level: Escaped<Cow<'a, str>>,
    manager: Escaped<Cow<'a, str>>,
}

#[derive(Debug)]
struct RadarView<'a> {
    svg: String,
    caption: String,
    rows: Vec<RadarRow<'a>>,
}

/// A rating in a skill's history. Its day and its assessment's link are shared by the rows that
/// have them, and written as they are: digits, dashes and a path. Who rated and the level come
/// escaped: fixed words, a peer's name escaped here, the version's escaped labels.
#[derive(Debug)]
struct HistoryRow<'a> {
    date: Plain<Arc<str>>,
    by: Escaped<Cow<'a, str>>,
    level: Escaped<Cow<'a, str>>,
    comment: Option<&'a str>,
    href: Plain<Arc<str>>,
}

#[derive(Debug)]
struct SkillHistory<'a> {
    skill: &'a str,
    name: &'a str,
    rows: Vec<HistoryRow<'a>>,
}

#[derive(Debug)]
struct GrowthView<'a> {
    assessments: Vec<AssessmentLink>,
    starts: Vec<StartChoice>,
    start_options: Vec<Choice>,
    framework_version: i64,
    default_cycle: String,
    readiness: Vec<ReadinessView<'a>>,
    radar: Option<RadarView<'a>>,
    evidence: Vec<crate::evidence::pages::EvidenceView>,
    history: Vec<SkillHistory<'a>>,
    pending_requests: usize,
}

pub async fn person(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
) -> Result<Html<String>, WebError> {
    // Everything the page shows, and who may see it, in one read.
    let (record, relation, withheld) = state.app().people().record(&caller.actor(&ctx), id).await?;
    let p = &record.person;
    let current = state.current_framework().await?;
    let (role, next) = match (&p.role_level, &current) {
        (Some(rid), Some(c)) => {
            let fw = &c.framework;
            let next = c
                .profile(rid)
                .and_then(|prof| prof.next.clone())
                .map(|n| RoleLink {
                    title: role_title(fw, &n),
                    href: compare_href("current", rid, &n),
                });
            (
                Some(RoleLink {
                    title: role_title_with_track(fw, rid),
                    href: profile_href("current", rid),
                }),
                next,
            )
        }
        (Some(rid), None) => (
            Some(RoleLink {
                title: rid.clone(),
                href: String::new(),
            }),
            None,
        ),
        _ => (None, None),
    };
    let manager = record.manager.as_ref().map(|m| {
        // The manager's page is open to them, to those above them, and to the people team.
        let href = (caller.id() == m.id
            || caller.role() != SystemRole::Member
            || record
                .managers
                .iter()
                .skip(1)
                .any(|above| *above == caller.id()))
        .then(|| format!("/people/{}", m.id));
        Link {
            name: m.name.clone(),
            href,
        }
    });
    let reports = record
        .direct_reports
        .iter()
        .map(|r| {
            let role = match (&r.role_level, &current) {
                (Some(rid), Some(c)) => role_title(&c.framework, rid),
                _ => String::new(),
            };
            PersonLink {
                name: r.name.clone(),
                href: format!("/people/{}", r.id),
                role,
            }
        })
        .collect();
    let page = PersonPage {
        frame: Frame::new(Some(&ctx), p.name.clone(), "people"),
        id: p.id,
        name: p.name.clone(),
        email: p.email.clone(),
        is_self: p.id == caller.id(),
        team: record.team.as_ref().map(|t| t.name.clone()),
        role,
        role_since: p.role_level_since.map(trellis_app::time::date),
        next,
        manager,
        reports,
        system_role: match p.system_role {
            SystemRole::Admin => "Administrator",
            SystemRole::PeopleTeam => "People team",
            SystemRole::Member => "Member",
        },
        active: p.active,
        edit_href: (caller.role() == SystemRole::Admin)
            .then(|| format!("/admin/accounts/{}", p.id)),
        assign_href: (caller.role() != SystemRole::Member)
            .then(|| format!("/people/{}/assignment", p.id)),
        growth: growth_view(
            &state,
            &caller,
            &record,
            relation,
            &withheld,
            current.as_deref(),
        )
        .await?,
        check_ins: state
            .app()
            .check_ins()
            .dates_of(&record, relation)
            .iter()
            .map(|c| {
                let in_pair = c.has(caller.id());
                CheckInLine {
                    with: c.other(p.id).1.to_owned(),
                    cadence: c.cadence.label(),
                    last_held: c.last_held_at.map(trellis_app::time::date),
                    next_on: c.next_on.clone(),
                    href: in_pair.then(|| format!("/check-ins/{}", c.id)),
                    break_glass_href: (!in_pair && caller.role() == SystemRole::Admin)
                        .then(|| format!("/check-ins/{}/break-glass", c.id)),
                }
            })
            .collect(),
    };
    // Reading this page reads the person's assessments and evidence.
    let target = format!("person:{}", p.id);
    state.audit_read(
        ctx.audit(),
        "assessment.read",
        target.clone(),
        json!({ "view": "person-page" }),
    );
    state.audit_read(
        ctx.audit(),
        "evidence.read",
        target,
        json!({ "view": "person-page" }),
    );
    render(&page)
}

fn status_words(s: ReadinessStatus) -> (&'static str, &'static str) {
    match s {
        ReadinessStatus::Met => ("met", "Met"),
        ReadinessStatus::NotMet => ("not-met", "Not met"),
        ReadinessStatus::NotApplicable => ("not-applicable", "Not applicable"),
    }
}

fn readiness_view<'a>(
    current: &'a Published,
    which: &'static str,
    r: Readiness,
    person: PersonId,
    evidence: &[Evidence],
) -> ReadinessView<'a> {
    let shown = |levels: &SkillLevels<'a, '_>, v: &Option<String>| {
        Escaped(match v {
            Some(l) => levels.label_html(l),
            None => Cow::Borrowed("Not rated"),
        })
    };
    ReadinessView {
        which,
        title: role_title(&current.framework, &r.role_level),
        ready: r.ready,
        assessed: r.assessed(),
        score: if r.assessed() {
            format!("{:.0}%", r.score * 100.0)
        } else {
            "no ratings yet".to_owned()
        },
        summary: r.summary,
        policy: r.policy_description,
        rows: r
            .requirements
            .into_iter()
            .map(|q| {
                let (status, status_text) = status_words(q.status);
                let levels = current.skill_levels(&q.skill);
                let (required, self_level, manager, agreed) = (
                    Escaped(levels.label_html(q.required.as_str())),
                    shown(&levels, &q.self_level),
                    shown(&levels, &q.manager),
                    shown(&levels, &q.agreed),
                );
                let evidence = evidence
                    .iter()
                    .filter(|e| e.skills.contains(&q.skill))
                    .map(|e| crate::assessments::view::EvidenceLink {
                        title: e.title.clone(),
                        date: e.happened_on.clone(),
                        href: format!("/people/{person}#evidence-{}", e.id),
                    })
                    .collect();
                ReadinessRow {
                    skill: q.skill,
                    name: q.skill_name,
                    importance: Plain::new(q.importance.as_str()),
                    required,
                    self_level,
                    manager,
                    agreed,
                    status: Plain::new(status),
                    status_text: Plain::new(status_text),
                    evidence,
                    explanation: q.explanation,
                }
            })
            .collect(),
    }
}

fn radar_view<'a>(
    current: &'a Published,
    person: &Person,
    profile: &Profile,
    observed: &ObservedSkills,
) -> RadarView<'a> {
    let fw = &current.framework;
    let none = Observed::default();
    fn level_of(r: &Option<Rated>) -> Option<&str> {
        match r {
            Some(Rated::Level(l)) => Some(l.as_str()),
            _ => None,
        }
    }
    let mut axes = Vec::new();
    let mut rows = Vec::new();
    for req in &profile.requirements {
        let o = observed.get(&req.skill).unwrap_or(&none);
        let share = |level: Option<&str>| {
            level
                .and_then(|l| trellis_app::growth::rank_of(fw, &req.skill, l))
                .map(|(r, n)| chart::share(r, n))
        };
        let required = trellis_app::growth::rank_of(fw, &req.skill, req.level.as_str())
            .map(|(r, n)| chart::share(r, n));
        axes.push(chart::RadarAxis {
            label: req.skill_name.clone(),
            required,
            self_rating: share(level_of(&o.self_rating)),
            manager: share(level_of(&o.manager)),
        });
        let levels = current.skill_levels(&req.skill);
        let text = |r: &Option<Rated>| {
            Escaped(match r {
                Some(Rated::Level(l)) => levels.label_html(l.as_str()),
                Some(Rated::NotApplicable(_)) => Cow::Borrowed("Not applicable"),
                None => Cow::Borrowed("Not rated"),
            })
        };
        rows.push(RadarRow {
            name: req.skill_name.clone(),
            required: Escaped(levels.label_html(req.level.as_str())),
            self_level: text(&o.self_rating),
            manager: text(&o.manager),
        });
    }
    let caption = format!(
        "{}'s skills against {}: required, self and manager levels",
        person.name, profile.title
    );
    let desc = format!(
        "A radar chart with one spoke per skill required for {}. Each spoke runs from the centre \
         (nothing) to the top of that skill's scale. The dashed line is the required level, the \
         dotted line with circles the self rating and the solid line with squares the manager's \
         rating. The table after the chart gives the same levels.",
        profile.title
    );
    RadarView {
        svg: chart::radar("radar-current", &caption, &desc, &axes),
        caption,
        rows,
    }
}

async fn growth_view<'a>(
    state: &AppState,
    caller: &Caller,
    record: &'a PersonRecord,
    relation: trellis_app::Relation,
    withheld: &[trellis_app::sharing::Withheld],
    current: Option<&'a Published>,
) -> Result<GrowthView<'a>, WebError> {
    let p = &record.person;
    let assessments = &record.assessments;
    let evidence = &record.evidence;
    let history = &record.rating_history;
    // The whole history and evidence are here already: the latest ratings and evidence counts
    // follow from them without asking the store again (`observations` serves pages about many
    // people at once).
    let observed = trellis_app::people::observed_in(record);
    let mut view = GrowthView {
        assessments: Vec::new(),
        starts: Vec::new(),
        start_options: Vec::new(),
        framework_version: current.map_or(0, |c| c.summary.id),
        default_cycle: trellis_app::growth::default_cycle(),
        readiness: Vec::new(),
        radar: None,
        evidence: Vec::new(),
        history: Vec::new(),
        pending_requests: 0,
    };
    if p.id == caller.id() {
        view.pending_requests = record
            .peer_requests
            .iter()
            .filter(|r| r.submitted_at.is_none())
            .count();
    }
    let Some(current) = current else {
        return Ok(view);
    };
    let fw = &current.framework;
    for a in assessments {
        // Older assessments name their role level as their own version did.
        let role = match state
            .framework(VersionRef::Id(a.framework_version_id))
            .await
        {
            Ok(v) => role_title(&v.framework, &a.role_level),
            Err(_) => a.role_level.clone(),
        };
        view.assessments.push(AssessmentLink {
            href: format!("/assessments/{}", a.id),
            role,
            cycle: a.cycle.clone(),
            stage: trellis_app::growth::stage_label(a.stage),
            started: date(a.created_at),
            withheld: withheld
                .iter()
                .find(|w| w.assessment_id == a.id)
                .map(|w| w.line()),
        });
    }
    let open_for = |rl: &str| {
        assessments
            .iter()
            .find(|a| a.role_level == rl && a.stage != Stage::Agreed)
            .map(|a| format!("/assessments/{}", a.id))
    };
    view.start_options = role_level_options(fw);

    // Readiness and the radar for the current role level, readiness for the next.
    if let Some(rl) = &p.role_level
        && let Some((profile, r)) = trellis_app::growth::readiness_for(current, rl, &observed)
    {
        view.starts.push(StartChoice {
            which: "current",
            role_level: rl.clone(),
            title: profile.title.clone(),
            open: open_for(rl),
        });
        view.readiness
            .push(readiness_view(current, "current", r, p.id, evidence));
        view.radar = Some(radar_view(current, p, &profile, &observed));
        if let Some(next) = &profile.next
            && let Some((next_profile, nr)) =
                trellis_app::growth::readiness_for(current, next, &observed)
        {
            view.starts.push(StartChoice {
                which: "next",
                role_level: next.clone(),
                title: next_profile.title.clone(),
                open: open_for(next),
            });
            view.readiness
                .push(readiness_view(current, "next", nr, p.id, evidence));
        }
    }

    let mut names: HashMap<PersonId, String> = record.names.iter().cloned().collect();
    names.insert(p.id, p.name.clone());
    names.insert(caller.id(), caller.person.name.clone());
    // The record names the peers asked for input; peer ratings loaded in bulk may have no
    // request, and their raters are looked up here.
    let unnamed: Vec<PersonId> = history
        .iter()
        .filter(|r| r.rater_kind == RaterKind::Peer && !names.contains_key(&r.rater_id))
        .map(|r| r.rater_id)
        .collect();
    if !unnamed.is_empty() {
        names.extend(trellis_app::growth::names(state.store(), unnamed).await?);
    }
    view.evidence = crate::evidence::pages::evidence_views(fw, evidence, &names);

    // How each skill moved: the ratings this caller may see, per skill, oldest first.
    // Each assessment's link, and each day's date, is written once: a history has a hundred rows
    // or more, from a few assessments and days.
    // A person has a few assessments: a list is searched faster than a map is hashed.
    let linked: Vec<(&trellis_store::Assessment, Plain<Arc<str>>)> = assessments
        .iter()
        .map(|a| (a, Plain::new(format!("/assessments/{}", a.id).into())))
        .collect();
    let mut day = (i64::MIN, Plain::new(Arc::from("")));
    let mut skills: Vec<SkillHistory> = Vec::new();
    // Beside each skill's history, its level labels, found once.
    let mut levels: Vec<SkillLevels> = Vec::new();
    for r in history {
        let Some((a, href)) = linked.iter().find(|(a, _)| a.id == r.assessment_id) else {
            continue;
        };
        if !trellis_app::growth::rating_visible(a, relation, r) {
            continue;
        }
        let by = match r.rater_kind {
            RaterKind::SelfRater => Cow::Borrowed("Self"),
            RaterKind::Manager => Cow::Borrowed("Manager"),
            RaterKind::Agreed => Cow::Borrowed("Agreed"),
            RaterKind::Peer => Cow::Owned(format!(
                "Peer ({})",
                escape(names.get(&r.rater_id).map_or("", String::as_str))
            )),
        };
        let on = r.at.div_euclid(trellis_app::time::DAY_MS);
        if on != day.0 {
            day = (on, Plain::new(date(r.at).into()));
        }
        let i = match skills.iter().position(|h| h.skill == r.skill) {
            Some(i) => i,
            None => {
                skills.push(SkillHistory {
                    skill: &r.skill,
                    name: fw.skill(&r.skill).map_or(&r.skill, |s| &s.name),
                    rows: Vec::new(),
                });
                levels.push(current.skill_levels(&r.skill));
                skills.len() - 1
            }
        };
        skills[i].rows.push(HistoryRow {
            date: day.1.clone(),
            by: Escaped(by),
            level: Escaped(trellis_app::growth::rating_text_by(r, |_, level| {
                levels[i].label_html(level)
            })),
            comment: r.comment.as_deref(),
            href: href.clone(),
        });
    }
    skills.sort_by(|a, b| a.name.cmp(b.name));
    view.history = skills;
    Ok(view)
}
