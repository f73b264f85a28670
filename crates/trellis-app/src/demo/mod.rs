//! The demo organisation for `trellis serve --demo`: 40 people in five product teams, with
//! leadership and a people team, so that a newcomer sees a living product.
//!
//! Names, teams and reporting lines are invented. Loading is idempotent: people who already exist
//! (by email) are left alone, and growth records are added only with the people.
//!
//! Besides people, the demo has growth conversations so that every page has something to show:
//! two past review cycles of agreed assessments (history that moves upward), a current cycle with
//! assessments at every stage, evidence, and peer requests answered and waiting; and two review
//! cycles run by the people team, one closed and shared, one open with overdue self-assessments,
//! and a third, the engineering track's, at calibration with one visibly lenient manager; an
//! opening with candidates interviewed, one ready for the debrief; and two promotion cases, one
//! approved and one waiting on its panel's votes.
//! [`history`] and [`mix`] are shared with `trellis demo`, which generates large organisations for
//! load tests.

use std::collections::HashMap;

use trellis_model::{Framework, Profile};
use trellis_store::prelude::*;
use trellis_store::{
    Audit, BulkAssessment, NewAssessment, NewEvidence, NewNotification, NewPerson, NewRating,
    Person, PersonId, RaterKind, Stage, SystemRole,
};
use trellis_store_sql::Database;

use crate::bootstrap::{BootstrapError, system_audit};

mod people;
use people::people;

mod calibration;
mod check_ins;
mod cycles;
mod hiring;
mod plans;
mod promotion;

pub const DEMO_DOMAIN: &str = "example.com";

fn email(handle: &str) -> String {
    format!("{handle}@{DEMO_DOMAIN}")
}

/// A few accounts worth signing in as, with what each shows.
pub fn suggested_accounts() -> Vec<(String, &'static str)> {
    vec![
        (
            email("amara.okafor"),
            "engineering manager of the Checkout team",
        ),
        (email("hannah.schmidt"), "engineer in Checkout, a member"),
        (
            email("nadia.rahman"),
            "head of product, manages the product managers",
        ),
        (email("grace.mensah"), "people team, sees everyone"),
    ]
}

#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    /// People created this time.
    pub created: usize,
    /// People who already existed.
    pub existing: usize,
    /// Assessments, pieces of evidence and peer requests created this time.
    pub assessments: usize,
    pub evidence: usize,
    pub peer_requests: usize,
    /// Series of 1:1 check-ins set up this time.
    pub check_ins: usize,
    /// Goals of development plans made this time.
    pub goals: usize,
    /// Review cycles made this time: one closed, one open with overdue self-assessments.
    pub cycles: usize,
    /// Candidates of the demo opening added this time.
    pub candidates: usize,
    /// Promotion cases made this time: one approved, one waiting on its panel.
    pub promotions: usize,
    /// Review cycles made this time at calibration, with a visibly lenient manager.
    pub calibrations: usize,
}

// ---------------------------------------------------------------------------------------------
// Synthetic growth records.

/// A deterministic 64-bit mix of two numbers (splitmix64), for repeatable "random" demo data.
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn skill_seed(skill: &str) -> u64 {
    skill.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

const SELF_COMMENTS: [&str; 6] = [
    "I do this most weeks now.",
    "Still learning; I lean on the team for the harder cases.",
    "Led this on the last two projects.",
    "Comfortable here, want to go deeper.",
    "Did a lot of this during the migration.",
    "I think I am ahead of where I was last cycle.",
];

const MANAGER_COMMENTS: [&str; 6] = [
    "Consistent, and others ask for help with it.",
    "Good progress; next step is doing it without review.",
    "Clear strength. The incident write-up was excellent.",
    "Not enough chances to show this yet; let us find one.",
    "Agree with the self rating.",
    "Visible improvement since last cycle.",
];

/// One requirement's true level at a cycle: starting up to two levels below the required one and
/// rising a level every cycle or so, never past the top of the scale.
fn level_at(required: usize, levels: usize, cycle: usize, seed: u64) -> usize {
    let start = required as i64 - 1 - i64::from(seed.is_multiple_of(3));
    let rise = cycle as i64 + i64::from(seed.is_multiple_of(4) && cycle > 0);
    (start + rise).clamp(0, levels as i64 - 1) as usize
}

/// The ratings of one assessment at a cycle, for the kinds that have rated by `stage`.
fn cycle_ratings(
    fw: &Framework,
    profile: &Profile,
    person: PersonId,
    manager: PersonId,
    cycle: usize,
    stage: Stage,
    at: i64,
) -> Vec<(RaterKind, PersonId, NewRating, i64)> {
    let mut out = Vec::new();
    for (i, req) in profile.requirements.iter().enumerate() {
        let Some(scale) = fw.skill(&req.skill).and_then(|s| fw.scale(&s.scale)) else {
            continue;
        };
        let n = scale.levels.len();
        let seed = mix(person as u64, skill_seed(&req.skill));
        let level = level_at(req.rank, n, cycle, seed);
        // A few optional skills do not apply to the work someone does.
        let not_applicable =
            req.importance == trellis_model::Importance::Optional && seed.is_multiple_of(9);
        let id = |r: usize| scale.levels[r.min(n - 1)].id.to_string();
        let rating = |level: usize, comment: Option<&str>| NewRating {
            skill: req.skill.clone(),
            level: (!not_applicable).then(|| id(level)),
            not_applicable: not_applicable
                .then(|| "Not part of this team's work at the moment.".to_owned()),
            comment: comment.map(str::to_owned),
        };
        // People tend to rate themselves a little higher than their manager does.
        let self_level = level + usize::from(seed % 3 == 1);
        let pick = |list: &[&'static str; 6], k: u64| {
            mix(seed, k)
                .is_multiple_of(3)
                .then(|| list[(mix(seed, k) % 6) as usize])
        };
        let minute = 60_000 * i as i64;
        if stage > Stage::SelfRating {
            out.push((
                RaterKind::SelfRater,
                person,
                rating(self_level, pick(&SELF_COMMENTS, cycle as u64)),
                at + minute,
            ));
        }
        if stage > Stage::Manager {
            out.push((
                RaterKind::Manager,
                manager,
                rating(level, pick(&MANAGER_COMMENTS, 7 + cycle as u64)),
                at + 3 * 86_400_000 + minute,
            ));
        }
        if stage == Stage::Agreed {
            out.push((
                RaterKind::Agreed,
                manager,
                rating(level, None),
                at + 7 * 86_400_000 + minute,
            ));
        }
    }
    out
}

/// Past review cycles of one person against their role level: `cycles` assessments, the last one
/// at `last_stage` and the earlier ones agreed, each cycle `cycle_ms` apart and ending at `end`.
/// Levels drift upward from cycle to cycle.
#[allow(clippy::too_many_arguments)]
pub fn history(
    fw: &Framework,
    version: i64,
    profile: &Profile,
    person: PersonId,
    manager: PersonId,
    cycles: usize,
    last_stage: Stage,
    end: i64,
    cycle_ms: i64,
    cycle_name: impl Fn(usize) -> String,
) -> Vec<BulkAssessment> {
    (0..cycles)
        .map(|c| {
            let at = end - (cycles - c) as i64 * cycle_ms;
            let stage = if c + 1 == cycles {
                last_stage
            } else {
                Stage::Agreed
            };
            BulkAssessment {
                assessment: NewAssessment {
                    person_id: person,
                    role_level: profile.id.clone(),
                    framework_version_id: version,
                    cycle: cycle_name(c),
                },
                stage,
                created_by: person,
                created_at: at,
                ratings: cycle_ratings(fw, profile, person, manager, c, stage, at),
            }
        })
        .collect()
}

const EVIDENCE: [(&str, &str); 8] = [
    (
        "Led the incident review for the checkout outage",
        "Ran the blameless review, wrote it up and followed the three actions through to done.",
    ),
    (
        "Paired with a new joiner for their first month",
        "Weekly pairing and a reading list; they shipped their first feature in week three.",
    ),
    (
        "Split the monolith's billing module",
        "Designed the seams, wrote the migration plan and moved traffic over without downtime.",
    ),
    (
        "Ran five customer interviews on search",
        "Synthesised the findings into the opportunity tree the team now plans from.",
    ),
    (
        "Added contract tests to the payments API",
        "Caught two breaking changes before release in the first fortnight.",
    ),
    (
        "Presented the quarterly roadmap to sales",
        "Answered questions on trade-offs and agreed a feedback loop with the account team.",
    ),
    (
        "Cut the build time from 14 to 6 minutes",
        "Profiled the pipeline, cached dependencies and parallelised the slow suites.",
    ),
    (
        "Wrote the on-call runbook",
        "Every alert now links to a page that says what to check first.",
    ),
];

/// Demo evidence for a person: `count` pieces about skills of their profile, dated before `end`.
pub fn evidence_for(
    profile: &Profile,
    person: PersonId,
    count: usize,
    end: i64,
    corroborator: Option<&str>,
) -> Vec<NewEvidence> {
    (0..count)
        .filter(|_| !profile.requirements.is_empty())
        .map(|k| {
            let seed = mix(person as u64, 1_000 + k as u64);
            let (title, description) = EVIDENCE[(seed % EVIDENCE.len() as u64) as usize];
            let reqs = &profile.requirements;
            let a = &reqs[(seed % reqs.len() as u64) as usize].skill;
            let b = &reqs[(mix(seed, 1) % reqs.len() as u64) as usize].skill;
            let mut skills = vec![a.clone()];
            if b != a {
                skills.push(b.clone());
            }
            let days = 10 + (mix(seed, 2) % 300) as i64;
            NewEvidence {
                person_id: person,
                happened_on: crate::time::date(end - days * 86_400_000),
                title: title.to_owned(),
                description: description.to_owned(),
                links: vec![format!("https://wiki.example.com/demo/{person}-{k}")],
                skills,
                corroborators: corroborator.map(|c| vec![c.to_owned()]).unwrap_or_default(),
            }
        })
        .collect()
}

const DAY: i64 = 86_400_000;

/// The first of `people` in the people team, who runs the demo's cycles and hiring.
fn people_team(people: &[Person]) -> Option<&Person> {
    people
        .iter()
        .find(|p| p.system_role == SystemRole::PeopleTeam)
}

fn as_person(id: PersonId, at: i64) -> Audit {
    Audit {
        actor_id: Some(id),
        ip: None,
        at,
    }
}

/// Growth records for the 40-person demo: history, a current cycle at every stage, evidence and
/// peer requests.
async fn load_growth(
    store: &Database,
    fw: &Framework,
    version: i64,
    people: &[Person],
    report: &mut DemoReport,
) -> Result<(), BootstrapError> {
    let now = crate::time::now_millis();
    let by_email: HashMap<&str, &Person> = people.iter().map(|p| (p.email.as_str(), p)).collect();
    let names: HashMap<PersonId, &str> = people.iter().map(|p| (p.id, p.name.as_str())).collect();
    // People with a role level and a manager to rate them.
    let rated: Vec<(&Person, Profile, PersonId)> = people
        .iter()
        .filter_map(|p| {
            let profile = trellis_model::resolve(fw, p.role_level.as_deref()?).ok()?;
            Some((p, profile, p.manager_id?))
        })
        .collect();

    // Two past cycles, agreed.
    let current_cycle = crate::growth::default_cycle();
    let mut bulk = Vec::new();
    let mut evidence = Vec::new();
    for (p, profile, manager) in &rated {
        bulk.extend(history(
            fw,
            version,
            profile,
            p.id,
            *manager,
            2,
            Stage::Agreed,
            now - 30 * DAY,
            180 * DAY,
            |c| crate::growth::cycle_before(&current_cycle, 2 - c as u32),
        ));
        let corroborator = names.get(manager).copied();
        evidence.extend(evidence_for(
            profile,
            p.id,
            1 + (mix(p.id as u64, 5) % 3) as usize,
            now,
            corroborator,
        ));
    }
    report.assessments += store.bulk_create_assessments(bulk, &system_audit()).await?;
    report.evidence += store.bulk_add_evidence(evidence, &system_audit()).await?;

    // The current cycle, at every stage, through the same methods the pages use.
    let hannah = email("hannah.schmidt");
    let started = now - 12 * DAY;
    let mut waiting_for_peer: Vec<(i64, PersonId, &Person, &Profile)> = Vec::new();
    for (i, (p, profile, manager)) in rated.iter().enumerate() {
        // Hannah (a suggested account) has her self-assessment to do.
        let stage = if p.email == hannah {
            Stage::SelfRating
        } else {
            [
                Stage::SelfRating,
                Stage::Manager,
                Stage::Compare,
                Stage::Agreed,
                Stage::Agreed,
            ][i % 5]
        };
        let a = store
            .create_assessment(
                NewAssessment {
                    person_id: p.id,
                    role_level: profile.id.clone(),
                    framework_version_id: version,
                    cycle: current_cycle.clone(),
                },
                Vec::new(),
                &as_person(p.id, started),
            )
            .await?;
        report.assessments += 1;
        let ratings = cycle_ratings(fw, profile, p.id, *manager, 2, stage, started + DAY);
        let mut revision = a.revision;
        for (kind, next, rater) in [
            (RaterKind::SelfRater, Stage::Manager, p.id),
            (RaterKind::Manager, Stage::Compare, *manager),
            (RaterKind::Agreed, Stage::Agreed, *manager),
        ] {
            let mine: Vec<NewRating> = ratings
                .iter()
                .filter(|(k, ..)| *k == kind)
                .map(|(_, _, r, _)| r.clone())
                .collect();
            let Some(at) = ratings.iter().find(|(k, ..)| *k == kind).map(|r| r.3) else {
                break;
            };
            let audit = as_person(rater, at);
            let done = store
                .record_ratings(a.id, kind, rater, mine, revision, &audit)
                .await?;
            let moved = store
                .advance_assessment(a.id, next, rater, done.revision, &audit)
                .await?;
            revision = moved.revision;
        }
        if matches!(stage, Stage::Manager | Stage::Compare) {
            waiting_for_peer.push((a.id, p.id, p, profile));
        }
        // Some also look ahead: an assessment against the next level, just started.
        if i % 5 == 4
            && let Some(next) = &profile.next
        {
            store
                .create_assessment(
                    NewAssessment {
                        person_id: p.id,
                        role_level: next.clone(),
                        framework_version_id: version,
                        cycle: current_cycle.clone(),
                    },
                    Vec::new(),
                    &as_person(p.id, started + 2 * DAY),
                )
                .await?;
            report.assessments += 1;
        }
    }

    // Peer requests: a teammate asked about two skills; answered where the assessment is further
    // along. Hannah has one waiting for her answer.
    let hannah_id = by_email.get(hannah.as_str()).map(|p| p.id);
    for (k, (assessment, person, p, profile)) in waiting_for_peer.iter().enumerate() {
        let peer = people
            .iter()
            .filter(|q| q.team_id == p.team_id && q.id != *person && q.role_level.is_some())
            .map(|q| q.id)
            .find(|q| Some(*q) == hannah_id && k < 4)
            .or_else(|| {
                people
                    .iter()
                    .find(|q| q.team_id == p.team_id && q.id != *person && q.role_level.is_some())
                    .map(|q| q.id)
            });
        let Some(peer) = peer else { continue };
        let skills: Vec<String> = profile
            .requirements
            .iter()
            .take(2)
            .map(|r| r.skill.clone())
            .collect();
        let request = store
            .request_peer_input(
                *assessment,
                peer,
                skills.clone(),
                *person,
                Vec::new(),
                &as_person(*person, started + 2 * DAY),
            )
            .await?;
        report.peer_requests += 1;
        if Some(peer) == hannah_id || k % 2 == 1 {
            continue;
        }
        let ratings = skills
            .iter()
            .filter_map(|s| profile.requirements.iter().find(|r| r.skill == *s))
            .map(|r| NewRating {
                skill: r.skill.clone(),
                level: Some(r.level.to_string()),
                not_applicable: None,
                comment: Some("Saw this first-hand on our last project together.".into()),
            })
            .collect();
        store
            .submit_peer_input(
                request.id,
                ratings,
                Vec::new(),
                &as_person(peer, started + 4 * DAY),
            )
            .await?;
    }
    Ok(())
}

/// Loads the demo organisation. Every new demo account gets `password_hash`, so hash the shared
/// demo password once and pass it in.
pub async fn load(store: &Database, password_hash: &str) -> Result<DemoReport, BootstrapError> {
    let audit = system_audit();
    let current = store.current_framework().await?;
    let (version, framework) = match current {
        Some(c) => {
            let fw: trellis_model::Framework = serde_json::from_value(c.content)
                .map_err(|e| BootstrapError::Other(e.to_string()))?;
            (Some(c.id), Some(fw))
        }
        None => (None, None),
    };
    let mut ids: HashMap<&str, PersonId> = HashMap::new();
    let mut teams: HashMap<&str, i64> = HashMap::new();
    let mut report = DemoReport::default();
    for d in people() {
        if let Some(existing) = store.person_by_email(&email(d.handle)).await? {
            ids.insert(d.handle, existing.id);
            report.existing += 1;
            continue;
        }
        let team_id = match teams.get(d.team) {
            Some(id) => *id,
            None => {
                let t = store.ensure_team(d.team, &audit).await?;
                teams.insert(d.team, t.id);
                t.id
            }
        };
        // Only role levels the published framework has (it may not be the starter).
        let role_level = d
            .role_level
            .filter(|r| {
                framework
                    .as_ref()
                    .is_some_and(|fw| fw.role_level(r).is_some())
            })
            .map(str::to_owned);
        let created = store
            .create_person(
                NewPerson {
                    email: email(d.handle),
                    name: d.name.to_owned(),
                    team_id: Some(team_id),
                    manager_id: d.manager.and_then(|m| ids.get(m).copied()),
                    role_level_version: role_level.as_ref().and(version),
                    role_level,
                    system_role: d.role,
                    password_hash: Some(password_hash.to_owned()),
                },
                &audit,
            )
            .await?;
        ids.insert(d.handle, created.id);
        report.created += 1;
    }
    // Growth records come with the people, once.
    if report.created > 0
        && let (Some(version), Some(fw)) = (version, framework.as_ref())
    {
        let mut demo_people = Vec::new();
        for d in people() {
            if let Some(p) = store.person_by_email(&email(d.handle)).await? {
                demo_people.push(p);
            }
        }
        report.cycles = cycles::load(store, fw, version, &demo_people, false).await?;
        report.calibrations = calibration::load(store, fw, version, &demo_people).await?;
        load_growth(store, fw, version, &demo_people, &mut report).await?;
        report.cycles += cycles::load(store, fw, version, &demo_people, true).await?;
        load_notifications(store, fw, &demo_people).await?;
        report.check_ins = check_ins::load(store, &demo_people).await?;
        report.goals = plans::load(store, fw, &demo_people).await?;
        report.candidates = hiring::load(store, fw, &demo_people).await?;
        report.promotions = promotion::load(store, fw, version).await?;
    }
    Ok(report)
}

/// Tells each demo person what waits for them in the open assessments, so that inboxes and the
/// header's count show the loop from the first sign-in.
async fn load_notifications(
    store: &Database,
    fw: &Framework,
    people: &[Person],
) -> Result<(), BootstrapError> {
    let by_id: HashMap<PersonId, &Person> = people.iter().map(|p| (p.id, p)).collect();
    let ids: Vec<PersonId> = by_id.keys().copied().collect();
    let mut notices = Vec::new();
    for a in store.open_assessments(&ids).await? {
        let Some(p) = by_id.get(&a.person_id) else {
            continue;
        };
        let title = fw
            .role_level(&a.role_level)
            .map_or(a.role_level.clone(), |(_, _, l)| l.title.clone());
        let link = format!("/assessments/{}", a.id);
        let (to, kind, subject) = match (a.stage, p.manager_id) {
            (Stage::SelfRating, _) => (
                p.id,
                "assessment.waiting",
                format!("Your self-assessment against {title} waits"),
            ),
            (Stage::Manager, Some(m)) => (
                m,
                "assessment.waiting",
                format!(
                    "{}'s self-assessment against {title} waits for your ratings",
                    p.name
                ),
            ),
            (Stage::Compare, _) => (
                p.id,
                "assessment.compare",
                format!("Your manager rated you against {title}: compare and agree the outcome"),
            ),
            _ => continue,
        };
        notices.push(NewNotification {
            person_id: to,
            kind: kind.to_owned(),
            subject,
            link,
        });
    }
    store.notify(notices, &system_audit()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_well_formed() {
        let people = people();
        assert_eq!(people.len(), 40);
        let mut seen = std::collections::HashSet::new();
        for d in &people {
            if let Some(m) = d.manager {
                assert!(
                    seen.contains(m),
                    "{} comes before their manager {m}",
                    d.name
                );
            }
            assert!(seen.insert(d.handle), "{} twice", d.handle);
        }
        let teams: std::collections::HashSet<_> = people.iter().map(|d| d.team).collect();
        assert_eq!(teams.len(), 7, "five product teams, leadership and people");
    }

    #[test]
    fn history_drifts_upward_and_stays_on_the_scale() {
        let fw = trellis_formats::load(&trellis_formats::starter::starter_files()).framework;
        let profile = trellis_model::resolve(&fw, "engineering/senior-software-engineer").unwrap();
        let h = history(
            &fw,
            1,
            &profile,
            7,
            3,
            3,
            Stage::Manager,
            1_000_000_000_000,
            1_000,
            |c| format!("c{c}"),
        );
        assert_eq!(h.len(), 3);
        assert_eq!(h[0].stage, Stage::Agreed);
        assert_eq!(h[2].stage, Stage::Manager);
        assert!(h[2].ratings.iter().all(|r| r.0 != RaterKind::Agreed));
        let rank = |b: &BulkAssessment, skill: &str| {
            let scale = fw.scale(&fw.skill(skill).unwrap().scale).unwrap();
            b.ratings
                .iter()
                .find(|r| r.0 == RaterKind::Manager && r.2.skill == skill)
                .and_then(|r| r.2.level.as_deref())
                .map(|l| scale.rank(l).unwrap())
        };
        for req in &profile.requirements {
            if let (Some(first), Some(last)) = (rank(&h[0], &req.skill), rank(&h[2], &req.skill)) {
                assert!(last >= first, "{} moved down", req.skill);
            }
        }
        assert!(!evidence_for(&profile, 7, 2, 1_000_000_000_000, Some("Ada")).is_empty());
    }

    #[test]
    fn demo_role_levels_are_in_the_starter() {
        let fw = trellis_formats::load(&trellis_formats::starter::starter_files()).framework;
        for d in people() {
            if let Some(r) = d.role_level {
                assert!(fw.role_level(r).is_some(), "{r} is not in the starter");
            }
        }
    }
}
