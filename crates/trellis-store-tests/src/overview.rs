//! The home record: what waits for a person and how their direct reports are doing, read in one
//! statement, agreeing with the reads of each area it gathers.

use trellis_store::{
    Cadence, NewAction, NewCheckIn, NewGoal, NewNotification, NewPlanAction, Person, PersonUpdate,
    PlanActionKind, RaterKind, Stage, Store,
};

use super::growth::{Team, assessment_of, evidence, opened, rate, team};
use super::{by, next_meeting, notice_for, person, reporting_to};

fn goal(person: i64, skill: &str) -> NewGoal {
    NewGoal {
        person_id: person,
        skill: skill.into(),
        target_level: "4".into(),
        role_level: None,
        due_on: None,
        why: "Next level".into(),
    }
}

fn notice(person: i64, subject: &str) -> NewNotification {
    notice_for(person, "assessment.waiting", subject, "/")
}

/// Mia's team (Ann and Pat), `kim` below Ann, and a direct report of Mia's who left.
async fn team_below<S: Store>(store: &S, kim: &str) -> (Team, Person) {
    let t = team(store).await;
    let kim = reporting_to(store, "kim@example.com", kim, t.ann.id).await;
    let gone = reporting_to(store, "gone@example.com", "Gone", t.mia.id).await;
    let off = PersonUpdate {
        active: Some(false),
        ..Default::default()
    };
    store
        .update_person(gone.id, off, &by(t.mia.id, 5))
        .await
        .unwrap();
    (t, kim)
}

/// Two self-ratings of `kim` (programming 3, testing 2) in an assessment of half-year H1.
async fn self_rated<S: Store>(store: &S, kim: i64, version: i64) {
    let a = opened(store, assessment_of(kim, version, "H1"), &by(kim, 10)).await;
    let rated = vec![rate("sfia/prog", "3"), rate("sfia/test", "2")];
    store
        .submit_ratings(
            a.id,
            RaterKind::SelfRater,
            kim,
            rated,
            a.revision,
            Some(Stage::Manager),
            vec![],
            &by(kim, 11),
        )
        .await
        .unwrap();
}

pub async fn home_records_gather_what_waits<S: Store>(store: S) {
    // Below Ann, and a direct report who left: counted below Mia, not shown as her reports.
    let (
        Team {
            ann,
            mia,
            pat,
            version,
        },
        kim,
    ) = team_below(&store, "Kim").await;
    let ola = person(&store, "ola@example.com", "Ola").await;

    // Open assessments of Mia's reports and of Mia; Ola's (not below Mia) is not hers to see;
    // Pat's agreed one no longer waits.
    let open = |person: i64, by_whom: i64, at: i64| {
        let store = store.clone();
        async move {
            let new = assessment_of(person, version, "H1");
            store
                .create_assessment(new, vec![], &by(by_whom, at))
                .await
                .unwrap()
        }
    };
    let ann_a = open(ann.id, mia.id, 10).await;
    let mia_a = open(mia.id, mia.id, 11).await;
    open(ola.id, ola.id, 12).await;
    let pat_a = open(pat.id, mia.id, 13).await;
    let mut revision = pat_a.revision;
    for (kind, to) in [
        (RaterKind::SelfRater, Stage::Manager),
        (RaterKind::Manager, Stage::Compare),
        (RaterKind::Agreed, Stage::Agreed),
    ] {
        let rated = vec![rate("sfia/prog", "3")];
        revision = store
            .submit_ratings(
                pat_a.id,
                kind,
                mia.id,
                rated,
                revision,
                Some(to),
                vec![],
                &by(mia.id, 14),
            )
            .await
            .unwrap()
            .revision;
    }
    store
        .add_evidence(
            evidence(ann.id, "2026-05-01", "Talk", &["sfia/prog"]),
            &by(ann.id, 15),
        )
        .await
        .unwrap();
    // Peer input asked of Mia on Ola's assessment; one on Ann's, given already, is not asked.
    let ola_a = store.open_assessments(&[ola.id]).await.unwrap().remove(0);
    let asked = store
        .request_peer_input(
            ola_a.id,
            mia.id,
            vec!["sfia/prog".into()],
            ola.id,
            vec![],
            &by(ola.id, 16),
        )
        .await
        .unwrap();
    let given = store
        .request_peer_input(
            ann_a.id,
            pat.id,
            vec!["sfia/prog".into()],
            ann.id,
            vec![],
            &by(ann.id, 17),
        )
        .await
        .unwrap();
    store
        .submit_peer_input(
            given.id,
            vec![rate("sfia/prog", "2")],
            vec![],
            &by(pat.id, 18),
        )
        .await
        .unwrap();
    // A check-in of Ann with Mia, with an action each; Mia's done one is not waiting.
    let series = NewCheckIn {
        person_id: ann.id,
        partner_id: mia.id,
        cadence: Cadence::Weekly,
        first_on: "2026-12-10".into(),
    };
    let c = store
        .create_check_in(series, vec![], &by(ann.id, 19))
        .await
        .unwrap();
    let meeting = next_meeting(&store, c.id, ann.id).await;
    let action = |owner: i64, body: &str, due: Option<&str>| NewAction {
        check_in_id: c.id,
        raised_in: meeting,
        owner_id: owner,
        body: body.into(),
        due_on: due.map(Into::into),
    };
    for (owner, body, due) in [
        (mia.id, "Book the room", None),
        (mia.id, "Send the notes", Some("2026-12-12")),
        (mia.id, "Done already", Some("2026-12-01")),
        (ann.id, "Ann's own", Some("2026-12-11")),
    ] {
        let a = store
            .add_action(action(owner, body, due), vec![], &by(mia.id, 20))
            .await
            .unwrap();
        if body == "Done already" {
            store
                .complete_action(c.id, a.id, &by(mia.id, 21))
                .await
                .unwrap();
        }
    }
    // Plans: Ann's open goal counts for Mia's overview, her closed one not; Mia's own step waits.
    let ann_goals = store
        .create_goals(
            vec![goal(ann.id, "sfia/prog"), goal(ann.id, "sfia/test")],
            &by(ann.id, 22),
        )
        .await
        .unwrap();
    store
        .close_goal(ann_goals[1].id, &by(ann.id, 23))
        .await
        .unwrap();
    let mia_goal = store
        .create_goals(vec![goal(mia.id, "sfia/prog")], &by(mia.id, 24))
        .await
        .unwrap()
        .remove(0);
    let step = NewPlanAction {
        goal_id: mia_goal.id,
        kind: PlanActionKind::Course,
        body: "Take the course".into(),
        due_on: Some("2026-12-20".into()),
    };
    store.add_plan_action(step, &by(mia.id, 25)).await.unwrap();
    // Three unread notifications and a read one.
    for s in ["one", "two", "three", "read"] {
        store
            .notify(vec![notice(mia.id, s)], &by(ann.id, 26))
            .await
            .unwrap();
    }
    let read = store.notifications_of(mia.id, 1, None).await.unwrap()[0].id;
    store.mark_read(mia.id, Some(vec![read]), 27).await.unwrap();

    let home = store.home_record(mia.id, 2).await.unwrap();
    assert_eq!((home.manager_name, home.team_name), (None, None));
    let platform = store
        .ensure_team("Platform", &by(mia.id, 28))
        .await
        .unwrap();
    let join = PersonUpdate {
        team_id: Some(Some(platform.id)),
        ..Default::default()
    };
    store
        .update_person(ann.id, join, &by(mia.id, 29))
        .await
        .unwrap();
    let ann_home = store.home_record(ann.id, 2).await.unwrap();
    assert_eq!(ann_home.manager_name.as_deref(), Some("Mia"));
    assert_eq!(ann_home.team_name.as_deref(), Some("Platform"));
    assert_eq!(ann_home.reports.len(), 1, "Kim");
    // Each part agrees with the read of its own area.
    let names: Vec<&str> = home.reports.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ann", "Pat"]);
    assert_eq!(home.below, 4, "Ann, Pat, Kim and the one who left");
    let reports: Vec<i64> = home.reports.iter().map(|p| p.id).collect();
    let mut us = reports.clone();
    us.push(mia.id);
    assert_eq!(
        home.open_assessments,
        store.open_assessments(&us).await.unwrap()
    );
    let open: Vec<i64> = home.open_assessments.iter().map(|a| a.id).collect();
    assert_eq!(open, [ann_a.id, mia_a.id]);
    assert_eq!(home.check_ins, store.check_ins_of(mia.id).await.unwrap());
    assert_eq!(home.asked.len(), 1);
    let a = &home.asked[0];
    assert_eq!(
        (
            a.request_id,
            a.assessment_id,
            a.person_id,
            a.person_name.as_str()
        ),
        (asked.id, ola_a.id, ola.id, "Ola")
    );
    assert_eq!(
        (a.role_level.as_str(), a.framework_version_id),
        (ola_a.role_level.as_str(), version)
    );
    assert_eq!(home.actions, store.open_actions_of(mia.id).await.unwrap());
    let actions: Vec<&str> = home.actions.iter().map(|a| a.body.as_str()).collect();
    assert_eq!(actions, ["Send the notes", "Book the room"]);
    assert_eq!(
        home.plan_actions,
        store.open_plan_actions_of(mia.id).await.unwrap()
    );
    assert_eq!(home.plan_actions.len(), 1);
    let mut seen = home.observations.clone();
    let mut expected = store.observations(&us).await.unwrap();
    for o in [&mut seen, &mut expected] {
        super::sort_latest(&mut o.latest);
    }
    assert_eq!(seen, expected);
    assert!(!seen.latest.is_empty() && !seen.evidence_counts.is_empty());
    let unread: Vec<&str> = home.unread.iter().map(|n| n.subject.as_str()).collect();
    assert_eq!(unread, ["three", "two"], "the newest unread, newest first");
    let open_goals: Vec<_> = store
        .goals_of(&reports)
        .await
        .unwrap()
        .into_iter()
        .filter(|g| g.closed_at.is_none())
        .collect();
    assert_eq!(home.report_goals, open_goals);
    assert_eq!(home.report_goals.len(), 1);

    // Someone with nothing: an empty record; so for an unknown id.
    let empty = store.home_record(kim.id, 5).await.unwrap();
    assert!(empty.reports.is_empty() && empty.open_assessments.is_empty() && empty.below == 0);
    assert_eq!(
        store.home_record(999_999, 5).await.unwrap(),
        Default::default()
    );
}

pub async fn team_records_read_the_team_at_once<S: Store>(store: S) {
    // Kim's name in lower case: sorted as if it were not.
    let (t, kim) = team_below(&store, "kim").await;
    let (ann, mia, pat) = (&t.ann, &t.mia, &t.pat);
    self_rated(&store, kim.id, t.version).await;
    store
        .add_evidence(
            evidence(pat.id, "2026-05-01", "Talk", &["sfia/prog"]),
            &by(pat.id, 12),
        )
        .await
        .unwrap();

    // Everyone below, active, by name whatever the case; or the direct reports only.
    let all = store.team_record(mia.id, false).await.unwrap();
    let names: Vec<&str> = all.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ann", "kim", "Pat"]);
    let direct = store.team_record(mia.id, true).await.unwrap();
    let names: Vec<&str> = direct.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ann", "Pat"]);
    // What is known of their skills, as the observations read says.
    for record in [&all, &direct] {
        let ids: Vec<i64> = record.people.iter().map(|p| p.id).collect();
        let mut seen = record.observations.clone();
        let mut expected = store.observations(&ids).await.unwrap();
        for o in [&mut seen, &mut expected] {
            super::sort_latest(&mut o.latest);
        }
        assert_eq!(seen, expected);
    }
    assert_eq!(all.observations.latest.len(), 2, "Kim's two self-ratings");
    assert!(direct.observations.latest.is_empty());
    assert_eq!(
        direct.observations.evidence_counts,
        [(pat.id, "sfia/prog".to_owned(), 1)]
    );
    // Below Ann: Kim. Nobody below Kim, nor below someone unknown.
    let kims: Vec<i64> = store
        .team_record(ann.id, false)
        .await
        .unwrap()
        .people
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(kims, [kim.id]);
    assert_eq!(
        store.team_record(kim.id, false).await.unwrap(),
        Default::default()
    );
    assert_eq!(
        store.team_record(999_999, true).await.unwrap(),
        Default::default()
    );
}

pub async fn observed_people_come_with_their_reporting_line<S: Store>(store: S) {
    let (
        Team {
            ann, mia, version, ..
        },
        kim,
    ) = team_below(&store, "Kim").await;
    self_rated(&store, kim.id, version).await;
    store
        .add_evidence(
            evidence(kim.id, "2026-05-01", "Talk", &["sfia/prog"]),
            &by(kim.id, 12),
        )
        .await
        .unwrap();

    // The person and their line as their record has them, their skills as the observations read.
    let seen = store.observed_person(kim.id).await.unwrap();
    let record = store.person_record(kim.id).await.unwrap();
    assert_eq!(seen.person, record.person);
    assert_eq!(seen.managers, [ann.id, mia.id], "nearest manager first");
    assert_eq!(seen.managers, record.managers);
    let mut expected = store.observations(&[kim.id]).await.unwrap();
    let mut observed = seen.observations;
    for o in [&mut observed, &mut expected] {
        super::sort_latest(&mut o.latest);
    }
    assert_eq!(observed, expected);
    assert_eq!(observed.latest.len(), 2, "Kim's two self-ratings");
    assert_eq!(
        observed.evidence_counts,
        [(kim.id, "sfia/prog".to_owned(), 1)]
    );

    // At the top of the line, nobody above and nothing known; nobody at all, not found.
    let top = store.observed_person(mia.id).await.unwrap();
    assert!(top.managers.is_empty());

    // Long lines, below Kim: each person's whole line, nearest first, whether it is short enough
    // to be joined or long enough to be walked (the store joins up to eight levels).
    let mut line = vec![kim.id, ann.id, mia.id];
    for depth in 4..=11 {
        let below = reporting_to(
            &store,
            &format!("deep{depth}@example.com"),
            &format!("Deep {depth}"),
            line[0],
        )
        .await;
        let seen = store.observed_person(below.id).await.unwrap();
        assert_eq!(seen.managers, line, "{} managers above", line.len());
        assert_eq!(store.person_record(below.id).await.unwrap().managers, line);
        line.insert(0, below.id);
    }
    assert_eq!(top.observations, Default::default());
    assert!(matches!(
        store.observed_person(999_999).await,
        Err(trellis_store::StoreError::NotFound(_))
    ));
}
