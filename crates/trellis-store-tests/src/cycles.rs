//! Stories of review cycles: opened with deadlines in stage order, launched once (an assessment
//! for each person, all or none, with their notices), its assessments moving through their stages,
//! reminded only while open, closed once, and shared once on its day.

use trellis_store::{
    CycleDeadlines, CycleLaunch, CycleStatus, NewCycle, NewNotification, PopulationKind, Stage,
    Store, StoreError,
};

use super::growth::{assessment_of, opened, rate, team};
use super::{by, events_of, notice_for};

pub(crate) fn deadlines() -> CycleDeadlines {
    CycleDeadlines {
        self_due: "2027-01-15".into(),
        peer_due: "2027-01-22".into(),
        manager_due: "2027-01-29".into(),
        calibration_due: "2027-02-05".into(),
        agreed_due: "2027-02-12".into(),
    }
}

fn notice(to: i64, subject: &str) -> NewNotification {
    notice_for(to, "cycle.launched", subject, "/assessments/{id}")
}

pub async fn cycles_move_through_their_stages_with_deadlines<S: Store>(store: S) {
    let t = team(&store).await;
    let new = NewCycle {
        name: " 2027 H1 review ".into(),
        framework_version_id: t.version,
        population_kind: PopulationKind::Team,
        population: "7".into(),
        deadlines: deadlines(),
    };
    let cycle = store
        .create_cycle(new.clone(), &by(t.mia.id, 10))
        .await
        .unwrap();
    assert_eq!(
        (cycle.name.as_str(), cycle.status),
        ("2027 H1 review", CycleStatus::Draft)
    );
    assert_eq!(cycle.deadlines, deadlines());
    assert_eq!(cycle.population_kind, PopulationKind::Team);
    // Names are unique in any case; deadlines must follow the stages, and be dates.
    let again = NewCycle {
        name: "2027 h1 REVIEW".into(),
        ..new.clone()
    };
    assert!(matches!(
        store.create_cycle(again, &by(t.mia.id, 11)).await,
        Err(StoreError::Conflict(m)) if m.contains("2027 h1 REVIEW")
    ));
    let mut backwards = deadlines();
    backwards.manager_due = "2027-01-01".into();
    let bad = NewCycle {
        name: "Backwards".into(),
        deadlines: backwards,
        ..new.clone()
    };
    assert!(matches!(
        store.create_cycle(bad, &by(t.mia.id, 11)).await,
        Err(StoreError::Invalid(m)) if m.contains("in order")
    ));
    let mut not_a_day = deadlines();
    not_a_day.self_due = "soon".into();
    let bad = NewCycle {
        name: "Not a day".into(),
        deadlines: not_a_day,
        ..new.clone()
    };
    assert!(matches!(
        store.create_cycle(bad, &by(t.mia.id, 11)).await,
        Err(StoreError::Invalid(_))
    ));
    // Reminding or closing a draft is refused.
    assert!(matches!(
        store
            .remind_cycle(cycle.id, vec![], &by(t.mia.id, 12))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .close_cycle(cycle.id, "2027-03-01".into(), &by(t.mia.id, 12))
            .await,
        Err(StoreError::Conflict(_))
    ));

    // A launch where one person has an open assessment against the role level writes nothing.
    opened(
        &store,
        assessment_of(t.pat.id, t.version, "own"),
        &by(t.pat.id, 13),
    )
    .await;
    let launch = |people: &[i64]| {
        people
            .iter()
            .map(|p| CycleLaunch {
                person_id: *p,
                role_level: "engineering/senior-engineer".into(),
                notices: vec![notice(*p, "Your self-assessment is due by 2027-01-15")],
            })
            .collect::<Vec<_>>()
    };
    assert!(matches!(
        store
            .launch_cycle(cycle.id, launch(&[t.ann.id, t.pat.id]), &by(t.mia.id, 14))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.cycle(cycle.id).await.unwrap().status,
        CycleStatus::Draft
    );
    assert_eq!(
        store.unread_count(t.ann.id).await.unwrap(),
        0,
        "all or none"
    );

    let made = store
        .launch_cycle(cycle.id, launch(&[t.ann.id]), &by(t.mia.id, 20))
        .await
        .unwrap();
    assert_eq!(made.len(), 1);
    let a = &made[0];
    assert_eq!(
        (a.person_id, a.stage, a.cycle.as_str(), a.created_by),
        (t.ann.id, Stage::SelfRating, "2027 H1 review", t.mia.id)
    );
    let launched = store.cycle(cycle.id).await.unwrap();
    assert_eq!(
        (launched.status, launched.launched_at),
        (CycleStatus::Open, Some(20))
    );
    // The person is told, with a link to their new assessment.
    let told = store.notifications_of(t.ann.id, 10, None).await.unwrap();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].link, format!("/assessments/{}", a.id));
    // A cycle is launched once.
    assert!(matches!(
        store
            .launch_cycle(cycle.id, launch(&[t.pat.id]), &by(t.mia.id, 21))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.cycle_of_assessment(a.id).await.unwrap().map(|c| c.id),
        Some(cycle.id)
    );
    let own = store.assessments_of(t.pat.id).await.unwrap();
    assert_eq!(store.cycle_of_assessment(own[0].id).await.unwrap(), None);
    // Until it is shared, the assessment is among the person's unshared ones; nobody else's.
    let unshared = store.unshared_cycle_assessments(t.ann.id).await.unwrap();
    assert_eq!(
        unshared
            .iter()
            .map(|u| (u.assessment_id, u.cycle.id))
            .collect::<Vec<_>>(),
        vec![(a.id, cycle.id)]
    );
    assert!(
        store
            .unshared_cycle_assessments(t.pat.id)
            .await
            .unwrap()
            .is_empty()
    );
    // The records a page reads say as much, so a person's own view asks no more when none is.
    assert_eq!(unshared_in_records(&store, t.ann.id).await, (true, true));
    assert_eq!(unshared_in_records(&store, t.pat.id).await, (false, false));

    // Its assessment moves through the stages as any other; the records follow.
    let after_self = store
        .submit_ratings(
            a.id,
            trellis_store::RaterKind::SelfRater,
            t.ann.id,
            vec![rate("sfia/prog", "3")],
            a.revision,
            Some(Stage::Manager),
            vec![],
            &by(t.ann.id, 30),
        )
        .await
        .unwrap();
    store
        .request_peer_input(
            a.id,
            t.pat.id,
            vec!["sfia/prog".into()],
            t.ann.id,
            vec![],
            &by(t.ann.id, 31),
        )
        .await
        .unwrap();
    let records = store.cycle_records(cycle.id).await.unwrap();
    assert_eq!(records.assessments.len(), 1);
    assert_eq!(records.assessments[0].stage, Stage::Manager);
    assert_eq!(records.assessments[0].revision, after_self.revision);
    assert_eq!(records.peer_requests.len(), 1);
    let mut people: Vec<i64> = records.people.iter().map(|p| p.id).collect();
    people.sort_unstable();
    let mut expected = vec![t.ann.id, t.mia.id, t.pat.id];
    expected.sort_unstable();
    assert_eq!(people, expected, "the person, their manager and the peer");

    // Reminders go while it is open.
    store
        .remind_cycle(
            cycle.id,
            vec![NewNotification {
                link: "/assessments/1".into(),
                ..notice(t.mia.id, "Ann's ratings were due on 2027-01-29")
            }],
            &by(t.mia.id, 40),
        )
        .await
        .unwrap();
    assert_eq!(store.unread_count(t.mia.id).await.unwrap(), 1);

    // Closed once, with the day results are shared; shared once, on that day.
    let closed = store
        .close_cycle(cycle.id, "2027-03-01".into(), &by(t.mia.id, 50))
        .await
        .unwrap();
    assert_eq!(
        (closed.status, closed.shares_on.as_deref(), closed.closed_at),
        (CycleStatus::Closed, Some("2027-03-01"), Some(50))
    );
    assert!(matches!(
        store
            .close_cycle(cycle.id, "2027-03-01".into(), &by(t.mia.id, 51))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .remind_cycle(cycle.id, vec![], &by(t.mia.id, 51))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        store
            .cycles_to_share("2027-02-28")
            .await
            .unwrap()
            .is_empty()
    );
    let due = store.cycles_to_share("2027-03-01").await.unwrap();
    assert_eq!(due.iter().map(|c| c.id).collect::<Vec<_>>(), vec![cycle.id]);
    let shared = vec![NewNotification {
        kind: "cycle.shared".into(),
        link: format!("/assessments/{}", a.id),
        ..notice(t.ann.id, "Your review results are shared")
    }];
    assert!(
        store
            .mark_cycle_shared(cycle.id, shared.clone(), &by(t.mia.id, 60))
            .await
            .unwrap()
    );
    assert!(
        !store
            .mark_cycle_shared(cycle.id, shared, &by(t.mia.id, 61))
            .await
            .unwrap()
    );
    assert_eq!(store.unread_count(t.ann.id).await.unwrap(), 2);
    assert!(
        store
            .unshared_cycle_assessments(t.ann.id)
            .await
            .unwrap()
            .is_empty(),
        "shared: nothing of it is held back"
    );
    assert_eq!(unshared_in_records(&store, t.ann.id).await, (false, false));
    assert!(
        store
            .cycles_to_share("2027-12-31")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.cycle(cycle.id).await.unwrap().shared_at,
        Some(60),
        "shared by the first call"
    );

    // Every change is audited against the cycle.
    for action in [
        "cycle.create",
        "cycle.launch",
        "cycle.remind",
        "cycle.close",
        "cycle.share",
    ] {
        let found = events_of(&store, action).await;
        assert_eq!(found.len(), 1, "{action}");
        assert_eq!(found[0].target, format!("cycle:{}", cycle.id));
    }
    assert_eq!(store.cycles().await.unwrap().len(), 1);
    assert!(matches!(
        store.cycle(cycle.id + 100).await,
        Err(StoreError::NotFound(_))
    ));
}

/// Whether a person's record and their observed skills each say they are in a cycle not shared.
async fn unshared_in_records<S: Store>(store: &S, person: trellis_store::PersonId) -> (bool, bool) {
    let record = store.person_record(person).await.unwrap();
    let observed = store.observed_person(person).await.unwrap();
    (record.in_unshared_cycle, observed.in_unshared_cycle)
}
