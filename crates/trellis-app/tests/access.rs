//! The access rules through the use cases, on a real SQLite database: every relation the rules
//! know (the person, their direct manager, managers two and three levels up, a manager of another
//! branch, a peer asked for input and a teammate who was not, the people team, an admin) against
//! every use case that checks one: seeing a person, seeing an assessment, rating at each stage,
//! asking for and giving peer input, and changing the reporting line itself.

use std::path::Path;

use trellis_app::access::{self, Actor, MAX_REPORTING_LINE, Relation};
use trellis_app::accounts::{self, AccountChanges, NewAccount};
use trellis_app::growth::{self, RatingInput, StartInput, Submission};
use trellis_app::{App, AppError, Config, bootstrap};
use trellis_store::prelude::*;
use trellis_store::{AuditFilter, Outcome, Person, RaterKind, Stage, SystemRole};
use trellis_store_sql::Database;

/// The organisation: `top` heads `skip`, who heads `manager`, who heads the `member` and their
/// `teammate`; `other_manager` heads `peer` on another branch; plus the people team and an admin.
struct Org {
    app: App,
    member: Person,
    teammate: Person,
    manager: Person,
    skip: Person,
    top: Person,
    other_manager: Person,
    peer: Person,
    people_team: Person,
    admin: Person,
    _dir: tempfile::TempDir,
}

async fn database(dir: &Path) -> Database {
    let url = format!("sqlite://{}", dir.join("trellis.db").display());
    let store = Database::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    bootstrap::publish_starter_if_empty(&store).await.unwrap();
    store
}

async fn add(app: &App, email: &str, role: SystemRole, manager: Option<&Person>) -> Person {
    accounts::create(
        app,
        &bootstrap::system_audit(),
        NewAccount {
            email: email.into(),
            name: email.split('@').next().unwrap().into(),
            role,
            team: Some("Platform".into()),
            manager_id: manager.map(|m| m.id),
            role_level: Some("engineering/software-engineer".into()),
            password_hash: None,
        },
    )
    .await
    .unwrap()
}

async fn org() -> Org {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(database(dir.path()).await, Config::default());
    let member_role = SystemRole::Member;
    let top = add(&app, "top@example.org", member_role, None).await;
    let skip = add(&app, "skip@example.org", member_role, Some(&top)).await;
    let manager = add(&app, "manager@example.org", member_role, Some(&skip)).await;
    let member = add(&app, "member@example.org", member_role, Some(&manager)).await;
    let teammate = add(&app, "teammate@example.org", member_role, Some(&manager)).await;
    let other_manager = add(&app, "other.manager@example.org", member_role, None).await;
    let peer = add(&app, "peer@example.org", member_role, Some(&other_manager)).await;
    let people_team = add(&app, "people@example.org", SystemRole::PeopleTeam, None).await;
    let admin = add(&app, "admin@example.org", SystemRole::Admin, None).await;
    Org {
        app,
        member,
        teammate,
        manager,
        skip,
        top,
        other_manager,
        peer,
        people_team,
        admin,
        _dir: dir,
    }
}

/// An actor acting from a documentation address, so that audit events can be told apart.
fn actor(p: &Person) -> Actor {
    Actor::new(p.clone(), Some("192.0.2.7".into()))
}

impl Org {
    /// Everyone, with the relation each has to the member (`None`: refused).
    fn relations(&self) -> Vec<(&'static str, &Person, Option<Relation>)> {
        use Relation::*;
        vec![
            ("member", &self.member, Some(Myself)),
            ("direct manager", &self.manager, Some(Manager)),
            ("skip-level manager", &self.skip, Some(Manager)),
            ("manager three up", &self.top, Some(Manager)),
            ("manager of another branch", &self.other_manager, None),
            ("teammate", &self.teammate, None),
            ("peer", &self.peer, None),
            ("people team", &self.people_team, Some(Staff)),
            ("admin", &self.admin, Some(Staff)),
        ]
    }

    async fn denials(&self, by: &Person) -> Vec<trellis_store::AuditEvent> {
        self.app
            .store()
            .audit_events(AuditFilter {
                action_prefix: Some("access.denied".into()),
                limit: 1000,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.actor_id == Some(by.id))
            .collect()
    }

    /// Starts an assessment of the member against `role_level`, as the member.
    async fn assessment(&self, role_level: &str) -> i64 {
        let me = actor(&self.member);
        let (person, _) = growth::person_for(&self.app, &me, self.member.id)
            .await
            .unwrap();
        let input = StartInput {
            role_level: role_level.into(),
            ..StartInput::default()
        };
        growth::start_assessment(&self.app, &me, &person, input)
            .await
            .unwrap()
            .id
    }

    /// Submits ratings of every requirement at its required level, as `by`.
    async fn rate(&self, by: &Person, id: i64, kind: RaterKind) -> Result<Stage, AppError> {
        let who = actor(by);
        let a = growth::viewable_assessment(&self.app, &who, id).await?;
        let ratings = every_requirement(&a);
        let sub = Submission {
            kind,
            revision: Some(a.assessment.revision),
            framework_version: None,
            ratings,
        };
        growth::submit_ratings(&self.app, &who, &a, sub)
            .await
            .map(|a| a.stage)
    }
}

fn every_requirement(a: &growth::AssessmentCtx) -> Vec<RatingInput> {
    a.profile
        .requirements
        .iter()
        .map(|r| RatingInput {
            skill: r.skill.clone(),
            level: Some(r.level.to_string()),
            not_applicable: None,
            comment: None,
        })
        .collect()
}

fn assert_forbidden<T: std::fmt::Debug>(r: Result<T, AppError>, what: &str) {
    match r {
        Err(AppError::Forbidden(_)) => {}
        other => panic!("{what}: expected a refusal, got {other:?}"),
    }
}

/// Someone who may not see the member's records is told there is no such record, as for an id
/// that names nothing, so that a refusal does not tell them the record exists.
fn assert_hidden<T: std::fmt::Debug>(r: Result<T, AppError>, what: &str) {
    match r {
        Err(AppError::NotFound(_)) => {}
        other => panic!("{what}: expected \"not found\", got {other:?}"),
    }
}

/// A refusal as the relation calls for: hidden from those without one, forbidden to those who
/// see the records but may not do this.
fn assert_refused<T: std::fmt::Debug>(r: Result<T, AppError>, rel: Option<Relation>, what: &str) {
    if rel.is_none() {
        assert_hidden(r, what)
    } else {
        assert_forbidden(r, what)
    }
}

#[tokio::test]
async fn every_relation_sees_the_member_or_is_refused_and_audited() {
    let org = org().await;
    for (who, p, expected) in org.relations() {
        let got = growth::person_for(&org.app, &actor(p), org.member.id).await;
        match expected {
            Some(rel) => {
                let (person, relation) = got.unwrap_or_else(|e| panic!("{who}: {e:?}"));
                assert_eq!(person.id, org.member.id, "{who}");
                assert_eq!(relation, rel, "{who}");
                assert!(org.denials(p).await.is_empty(), "{who} was not refused");
            }
            None => {
                assert_hidden(got, who);
                let denied = org.denials(p).await;
                assert_eq!(denied.len(), 1, "{who}: one audited refusal");
                assert_eq!(denied[0].target, format!("person:{}", org.member.id));
                assert_eq!(denied[0].outcome, Outcome::Denied);
                assert_eq!(denied[0].ip.as_deref(), Some("192.0.2.7"));
            }
        }
    }
}

#[tokio::test]
async fn skip_level_manager_sees_indirect_report_two_levels_up() {
    let org = org().await;
    let (person, rel) = growth::person_for(&org.app, &actor(&org.skip), org.member.id)
        .await
        .expect("the skip-level manager sees the member");
    assert_eq!((person.id, rel), (org.member.id, Relation::Manager));
    // The walk up the line stops at the actor, having passed the direct manager.
    let line = access::reporting_line(org.app.store(), &org.member, Some(org.skip.id))
        .await
        .unwrap();
    assert_eq!(line, vec![org.manager.id, org.skip.id]);
}

#[tokio::test]
async fn skip_level_manager_sees_indirect_report_three_levels_up() {
    let org = org().await;
    let (_, rel) = growth::person_for(&org.app, &actor(&org.top), org.member.id)
        .await
        .expect("the manager three levels up sees the member");
    assert_eq!(rel, Relation::Manager);
    let seen = access::seen(org.app.store(), &org.top, org.member.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.managers, vec![org.manager.id, org.skip.id, org.top.id]);
    // Without an actor to stop at, the whole line, nearest first.
    let line = access::reporting_line(org.app.store(), &org.member, None)
        .await
        .unwrap();
    assert_eq!(line, vec![org.manager.id, org.skip.id, org.top.id]);
    // A manager's line ends below the actor's own place: the member is not above anyone.
    assert_eq!(
        growth::person_for(&org.app, &actor(&org.member), org.skip.id)
            .await
            .map(|(_, r)| r)
            .err()
            .map(|e| matches!(e, AppError::NotFound(_))),
        Some(true),
        "reports do not see their managers' records, nor learn they exist"
    );
}

#[tokio::test]
async fn a_missing_person_is_not_found() {
    let org = org().await;
    let r = growth::person_for(&org.app, &actor(&org.admin), 999_999).await;
    assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
    assert!(
        access::seen(org.app.store(), &org.admin, 999_999)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn every_relation_sees_the_assessment_or_is_refused() {
    let org = org().await;
    let id = org.assessment("engineering/senior-software-engineer").await;
    for (who, p, expected) in org.relations() {
        let got = growth::viewable_assessment(&org.app, &actor(p), id).await;
        match expected {
            Some(rel) => {
                let a = got.unwrap_or_else(|e| panic!("{who}: {e:?}"));
                assert_eq!(a.assessment.id, id);
                assert_eq!(a.relation, rel, "{who}");
            }
            None => {
                assert_hidden(got, who);
                let denied = org.denials(p).await;
                assert_eq!(denied.len(), 1, "{who}");
                assert_eq!(denied[0].target, format!("assessment:{id}"));
            }
        }
    }
}

/// Only the member rates themselves; any manager up their line (the skip-level ones included)
/// rates them and records the agreed outcome; the people team, admins and everyone else do not.
#[tokio::test]
async fn ratings_at_each_stage_by_each_relation() {
    let org = org().await;
    let levels = [
        "engineering/senior-software-engineer",
        "engineering/staff-engineer",
        "engineering/principal-engineer",
    ];
    for (boss, level) in [&org.manager, &org.skip, &org.top].into_iter().zip(levels) {
        let id = org.assessment(level).await;
        // Self stage: only the member.
        for (who, p, rel) in org.relations() {
            if p.id != org.member.id {
                assert_refused(org.rate(p, id, RaterKind::SelfRater).await, rel, who);
            }
        }
        assert_forbidden(
            org.rate(&org.member, id, RaterKind::Manager).await,
            "the member rating as manager",
        );
        assert_eq!(
            org.rate(&org.member, id, RaterKind::SelfRater)
                .await
                .unwrap(),
            Stage::Manager
        );
        // Manager stage: managers up the line only.
        for (who, p, rel) in org.relations() {
            if rel != Some(Relation::Manager) {
                assert_refused(org.rate(p, id, RaterKind::Manager).await, rel, who);
            }
        }
        assert_eq!(
            org.rate(boss, id, RaterKind::Manager).await.unwrap(),
            Stage::Compare,
            "{} rates as manager",
            boss.email
        );
        // The agreed outcome: managers up the line only.
        for (who, p, rel) in org.relations() {
            if rel != Some(Relation::Manager) {
                assert_refused(org.rate(p, id, RaterKind::Agreed).await, rel, who);
            }
        }
        assert_eq!(
            org.rate(boss, id, RaterKind::Agreed).await.unwrap(),
            Stage::Agreed,
            "{} records the outcome",
            boss.email
        );
        let a = org.app.store().assessment(id).await.unwrap();
        assert_eq!(a.stage, Stage::Agreed);
    }
}

/// The member and any manager up their line ask for peer input; only the peer asked answers.
#[tokio::test]
async fn peer_requests_and_answers_by_each_relation() {
    let org = org().await;
    let id = org.assessment("engineering/senior-software-engineer").await;
    let skill = {
        let a = growth::viewable_assessment(&org.app, &actor(&org.member), id)
            .await
            .unwrap();
        a.profile.requirements[0].skill.clone()
    };
    let mut requests = Vec::new();
    for (who, p, rel) in org.relations() {
        let me = actor(p);
        // Those who may not see the assessment are refused before they get to ask.
        let a = match growth::viewable_assessment(&org.app, &me, id).await {
            Ok(a) => a,
            Err(e) => {
                assert!(rel.is_none(), "{who}: {e:?}");
                assert!(matches!(e, AppError::NotFound(_)), "{who}");
                continue;
            }
        };
        let asked =
            growth::request_peer(&org.app, &me, &a, Some(org.peer.id), vec![skill.clone()]).await;
        match rel {
            Some(Relation::Myself | Relation::Manager) => {
                let r = asked.unwrap_or_else(|e| panic!("{who}: {e:?}"));
                assert_eq!((r.peer_id, r.assessment_id), (org.peer.id, id), "{who}");
                requests.push(r);
            }
            _ => assert_forbidden(asked, who),
        }
    }
    assert_eq!(requests.len(), 4, "the member and three managers asked");

    // Only the peer asked may answer; the member, their managers and admins may not.
    let request = &requests[0];
    let loaded = growth::load_assessment(&org.app, &actor(&org.peer), id)
        .await
        .unwrap();
    let ratings = || {
        vec![RatingInput {
            skill: skill.clone(),
            level: Some(loaded.requirement(&skill).unwrap().level.to_string()),
            not_applicable: None,
            comment: None,
        }]
    };
    for (who, p, _) in org.relations() {
        if p.id == org.peer.id {
            continue;
        }
        // A request for input is seen by the peer asked alone: to anyone else there is none.
        let r = growth::submit_peer(&org.app, &actor(p), request, &loaded, ratings()).await;
        assert_hidden(r, who);
    }
    let answered = growth::submit_peer(&org.app, &actor(&org.peer), request, &loaded, ratings())
        .await
        .unwrap();
    assert!(answered.submitted_at.is_some());
    // The peer still does not see the member's records.
    assert_hidden(
        growth::viewable_assessment(&org.app, &actor(&org.peer), id).await,
        "the peer viewing the assessment",
    );
}

/// The reporting line is what the rules walk: changing it through the account use cases changes
/// who sees whom at once, and it cannot be made to loop.
#[tokio::test]
async fn account_changes_move_access_with_the_line() {
    let org = org().await;
    let audit = bootstrap::system_audit();
    let sees = |p: &Person| {
        let me = actor(p);
        let app = org.app.clone();
        let member = org.member.id;
        async move { growth::person_for(&app, &me, member).await.is_ok() }
    };
    assert!(sees(&org.skip).await && !sees(&org.other_manager).await);

    // The member's manager moves to the other branch.
    let changes = AccountChanges {
        manager_id: Some(Some(org.other_manager.id)),
        ..AccountChanges::default()
    };
    accounts::update(&org.app, &audit, org.manager.id, changes)
        .await
        .unwrap();
    assert!(
        sees(&org.other_manager).await,
        "the new line sees the member"
    );
    assert!(
        !sees(&org.skip).await && !sees(&org.top).await,
        "the old one does not"
    );
    assert!(sees(&org.manager).await, "the direct manager still does");

    // A person cannot manage themselves, nor be managed by their own report.
    let own = AccountChanges {
        manager_id: Some(Some(org.manager.id)),
        ..AccountChanges::default()
    };
    let r = accounts::update(&org.app, &audit, org.manager.id, own).await;
    assert!(matches!(r, Err(AppError::Invalid(_))), "{r:?}");
    let looped = AccountChanges {
        manager_id: Some(Some(org.member.id)),
        ..AccountChanges::default()
    };
    let r = accounts::update(&org.app, &audit, org.manager.id, looped).await;
    assert!(matches!(r, Err(AppError::Invalid(_))), "{r:?}");

    // A new account under the member is seen by the member and everyone above them.
    let report = add(
        &org.app,
        "report@example.org",
        SystemRole::Member,
        Some(&org.member),
    )
    .await;
    for boss in [&org.member, &org.manager, &org.other_manager] {
        let r = growth::person_for(&org.app, &actor(boss), report.id).await;
        assert_eq!(
            r.map(|(_, rel)| rel).ok(),
            Some(Relation::Manager),
            "{}",
            boss.email
        );
    }
    // Deactivating the only administrator is refused.
    let off = AccountChanges {
        active: Some(false),
        ..AccountChanges::default()
    };
    let r = accounts::update(&org.app, &audit, org.admin.id, off).await;
    assert!(matches!(r, Err(AppError::Invalid(_))), "{r:?}");
}

/// The walk up a reporting line is bounded: a manager within [`MAX_REPORTING_LINE`] levels sees the person,
/// one further up does not.
#[tokio::test]
async fn reporting_lines_are_walked_up_to_their_bound() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(database(dir.path()).await, Config::default());
    // chain[0] heads chain[1], … ; the last one is the person.
    let mut chain: Vec<Person> = Vec::new();
    for i in 0..=MAX_REPORTING_LINE + 1 {
        let p = add(
            &app,
            &format!("p{i}@example.org"),
            SystemRole::Member,
            chain.last(),
        )
        .await;
        chain.push(p);
    }
    let person = chain.last().unwrap().clone();
    let nth_up = |n: usize| &chain[chain.len() - 1 - n];
    let line = access::reporting_line(app.store(), &person, None)
        .await
        .unwrap();
    assert_eq!(line.len(), MAX_REPORTING_LINE);
    assert_eq!(line[MAX_REPORTING_LINE - 1], nth_up(MAX_REPORTING_LINE).id);
    let sees = |p: &Person| {
        let (app, me, id) = (app.clone(), actor(p), person.id);
        async move { growth::person_for(&app, &me, id).await.is_ok() }
    };
    assert!(sees(nth_up(1)).await && sees(nth_up(MAX_REPORTING_LINE)).await);
    assert!(
        !sees(nth_up(MAX_REPORTING_LINE + 1)).await,
        "beyond the bound"
    );
}

/// People looking at their own records: no walk, and the relation is theirs alone. The actor
/// carries its own id, role and address into the audit log.
#[tokio::test]
async fn seen_for_oneself_needs_no_walk() {
    let org = org().await;
    let seen = access::seen(org.app.store(), &org.member, org.member.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.person.id, org.member.id);
    assert!(seen.managers.is_empty());
    assert_eq!(seen.relation(&org.member), Relation::Myself);
    assert_eq!(seen.relation(&org.peer), Relation::Unrelated);
    assert_eq!(actor(&org.member).id(), org.member.id);
    assert_eq!(actor(&org.admin).role(), SystemRole::Admin);
    let audit = actor(&org.skip).audit();
    assert_eq!(audit.actor_id, Some(org.skip.id));
    assert_eq!(audit.ip.as_deref(), Some("192.0.2.7"));
    assert!(audit.at > 0);
}

/// A self-assessment draft: kept by the member alone, refused for everyone else, shown to nobody
/// else, and gone once the stage is submitted.
#[tokio::test]
async fn drafts_by_each_relation() {
    let org = org().await;
    let id = org.assessment("engineering/senior-software-engineer").await;
    let draft = |by: &Person| {
        let who = actor(by);
        let app = &org.app;
        async move {
            let a = growth::viewable_assessment(app, &who, id).await?;
            let skill = a.profile.requirements[0].skill.clone();
            let sub = Submission {
                kind: RaterKind::SelfRater,
                revision: None,
                framework_version: None,
                ratings: vec![RatingInput {
                    skill,
                    level: None,
                    not_applicable: None,
                    comment: Some("Half a thought".into()),
                }],
            };
            app.assessments().save_draft(&who, &a, sub).await
        }
    };
    for (who, p, rel) in org.relations() {
        if p.id != org.member.id {
            assert_refused(draft(p).await, rel, who);
        }
    }
    let saved = draft(&org.member).await.unwrap();
    assert_eq!(saved.ratings[0].comment.as_deref(), Some("Half a thought"));
    for (who, p, rel) in org.relations() {
        if rel.is_none() {
            continue;
        }
        let viewer = actor(p);
        let a = growth::viewable_assessment(&org.app, &viewer, id)
            .await
            .unwrap();
        let seen = org
            .app
            .assessments()
            .own_draft(&viewer, &a, RaterKind::SelfRater)
            .await
            .unwrap();
        assert_eq!(seen.is_some(), p.id == org.member.id, "{who}");
    }
    // A level off the scale is named on its field.
    let me = actor(&org.member);
    let a = growth::viewable_assessment(&org.app, &me, id)
        .await
        .unwrap();
    let skill = a.profile.requirements[0].skill.clone();
    let bad = Submission {
        kind: RaterKind::SelfRater,
        revision: None,
        framework_version: None,
        ratings: vec![RatingInput {
            skill: skill.clone(),
            level: Some("legendary".into()),
            ..RatingInput::default()
        }],
    };
    match org.app.assessments().save_draft(&me, &a, bad).await {
        Err(AppError::Invalid(p)) => assert_eq!(p[0].field, format!("level-{skill}")),
        other => panic!("expected a field problem, got {other:?}"),
    }
    assert_eq!(
        org.rate(&org.member, id, RaterKind::SelfRater)
            .await
            .unwrap(),
        Stage::Manager
    );
    let a = growth::viewable_assessment(&org.app, &me, id)
        .await
        .unwrap();
    assert!(
        org.app
            .assessments()
            .own_draft(&me, &a, RaterKind::SelfRater)
            .await
            .unwrap()
            .is_none()
    );
}

/// Only the member answers the agreed outcome, once; a dispute needs a comment and tells their
/// manager and whoever recorded the outcome.
#[tokio::test]
async fn the_outcome_is_answered_by_the_member_only() {
    let org = org().await;
    let id = org.assessment("engineering/senior-software-engineer").await;
    let answer = |by: &Person, answer: &'static str, comment: Option<&'static str>| {
        let who = actor(by);
        let app = &org.app;
        async move {
            let a = growth::viewable_assessment(app, &who, id).await?;
            app.assessments()
                .answer_outcome(&who, &a, Some(answer), comment.map(Into::into))
                .await
        }
    };
    match answer(&org.member, "confirm", None).await {
        Err(AppError::Conflict { .. }) => {}
        other => panic!("not agreed yet: {other:?}"),
    }
    org.rate(&org.member, id, RaterKind::SelfRater)
        .await
        .unwrap();
    org.rate(&org.skip, id, RaterKind::Manager).await.unwrap();
    org.rate(&org.skip, id, RaterKind::Agreed).await.unwrap();
    for (who, p, rel) in org.relations() {
        if p.id != org.member.id && rel.is_some() {
            assert_forbidden(answer(p, "confirm", None).await, who);
        }
    }
    match answer(&org.member, "dispute", Some(" ")).await {
        Err(AppError::Invalid(p)) => assert_eq!(p[0].field, "outcome_comment"),
        other => panic!("a dispute needs a comment: {other:?}"),
    }
    let a = answer(&org.member, "dispute", Some("Level 3, not 2"))
        .await
        .unwrap();
    assert_eq!(a.comment.as_deref(), Some("Level 3, not 2"));
    // The direct manager and the skip-level manager who recorded it are told; no one else.
    for (p, told) in [
        (&org.manager, true),
        (&org.skip, true),
        (&org.top, false),
        (&org.member, false),
    ] {
        let inbox = org
            .app
            .store()
            .notifications_of(p.id, 10, None)
            .await
            .unwrap();
        let disputed = inbox.iter().any(|n| n.kind == "assessment.disputed");
        assert_eq!(disputed, told, "{}", p.email);
    }
    match answer(&org.member, "confirm", None).await {
        Err(AppError::Conflict { .. }) => {}
        other => panic!("answered once: {other:?}"),
    }
}

/// Evidence is changed by whoever added it or the person it is about: not by other managers, the
/// people team or admins, who may see it.
#[tokio::test]
async fn evidence_is_changed_by_who_added_it_or_its_person() {
    let org = org().await;
    let input = |title: &str| growth::EvidenceInput {
        happened_on: "2026-01-05".into(),
        title: title.into(),
        skills: vec!["communication".into()],
        ..Default::default()
    };
    let by_manager = org
        .app
        .evidence()
        .add(&actor(&org.manager), org.member.id, input("Ran the demo"))
        .await
        .unwrap();
    for (who, p, rel) in org.relations() {
        let allowed = p.id == org.member.id || p.id == org.manager.id;
        let r = org
            .app
            .evidence()
            .edit(
                &actor(p),
                org.member.id,
                by_manager.id,
                input(&format!("By {who}")),
            )
            .await;
        if allowed {
            r.unwrap_or_else(|e| panic!("{who}: {e:?}"));
        } else {
            assert_refused(r, rel, who);
        }
    }
    assert_forbidden(
        org.app
            .evidence()
            .delete(&actor(&org.people_team), org.member.id, by_manager.id)
            .await,
        "people team",
    );
    // Under someone else's path it is not found.
    match org
        .app
        .evidence()
        .delete(&actor(&org.admin), org.peer.id, by_manager.id)
        .await
    {
        Err(AppError::NotFound(_)) => {}
        other => panic!("expected not found, got {other:?}"),
    }
    org.app
        .evidence()
        .delete(&actor(&org.member), org.member.id, by_manager.id)
        .await
        .unwrap();
    match org
        .app
        .evidence()
        .edit(
            &actor(&org.manager),
            org.member.id,
            by_manager.id,
            input("Again"),
        )
        .await
    {
        Err(AppError::NotFound(_)) => {}
        other => panic!("a deleted piece is gone: {other:?}"),
    }
    assert_eq!(
        org.app
            .store()
            .evidence_versions(by_manager.id)
            .await
            .unwrap()
            .len(),
        2
    );
}
