//! Stories of placements planned for a later day: one waits per person, is made once on its day
//! with the person's update, or is cancelled or marked failed, each audited.

use trellis_store::{NewScheduledAssignment, PersonUpdate, Store, StoreError, SystemRole};

use super::{by, events_of, notice_for, person, system};

pub async fn placements_wait_for_their_day<S: Store>(store: S) {
    let hr = person(&store, "hr@example.com", "Hana").await;
    let ann = person(&store, "ann@example.com", "Ann").await;
    let max = person(&store, "max@example.com", "Max").await;
    let zoe = person(&store, "zoe@example.com", "Zoe").await;
    assert_eq!(store.scheduled_assignment(ann.id).await.unwrap(), None);

    // A move to Max's line planned for the new year, then replaced by a move to Zoe's.
    let first = NewScheduledAssignment {
        person_id: ann.id,
        effective_on: "2027-01-01".into(),
        manager_id: Some(Some(max.id)),
        ..NewScheduledAssignment::default()
    };
    store
        .schedule_assignment(first, &by(hr.id, 10))
        .await
        .unwrap();
    let second = NewScheduledAssignment {
        person_id: ann.id,
        effective_on: "2027-02-01".into(),
        manager_id: Some(Some(zoe.id)),
        team: Some(Some("Payments".into())),
        role_level: Some(None),
    };
    let planned = store
        .schedule_assignment(second, &by(hr.id, 20))
        .await
        .unwrap();
    let waiting = store.scheduled_assignment(ann.id).await.unwrap().unwrap();
    assert_eq!(waiting, planned, "one change waits: the second");
    assert_eq!(waiting.manager_id, Some(Some(zoe.id)));
    assert_eq!(
        waiting.role_level,
        Some(None),
        "to none is kept apart from unchanged"
    );
    assert_eq!(waiting.scheduled_by, Some(hr.id));
    let scheduled = events_of(&store, "person.schedule").await;
    assert_eq!(scheduled.len(), 2);
    assert_eq!(
        scheduled[0].details["fields"],
        serde_json::json!(["role_level", "manager_id", "team"])
    );

    // A bad day or an unknown person or manager is refused and writes nothing.
    let bad_day = NewScheduledAssignment {
        effective_on: "2027-02-30".into(),
        ..planned_for(ann.id)
    };
    match store.schedule_assignment(bad_day, &by(hr.id, 21)).await {
        Err(StoreError::Invalid(_)) => {}
        other => panic!("expected Invalid, got {other:?}"),
    }
    let unknown = NewScheduledAssignment {
        manager_id: Some(Some(9_999)),
        ..planned_for(ann.id)
    };
    match store.schedule_assignment(unknown, &by(hr.id, 22)).await {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(
        store.scheduled_assignment(ann.id).await.unwrap(),
        Some(planned.clone())
    );

    // Due from its day on, not before.
    assert!(
        store
            .scheduled_assignments_due("2027-01-31")
            .await
            .unwrap()
            .is_empty()
    );
    let due = store.scheduled_assignments_due("2027-02-01").await.unwrap();
    assert_eq!(due.iter().map(|d| d.id).collect::<Vec<_>>(), [planned.id]);

    // Made once, with the person's update and its audit event, in one step.
    let update = PersonUpdate {
        manager_id: Some(Some(zoe.id)),
        ..PersonUpdate::default()
    };
    let after = store
        .apply_scheduled_assignment(planned.id, update.clone(), &system(30))
        .await
        .unwrap();
    assert_eq!(after.manager_id, Some(zoe.id));
    assert_eq!(after.revision, ann.revision + 1);
    match store
        .apply_scheduled_assignment(planned.id, update, &system(31))
        .await
    {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("made twice: {other:?}"),
    }
    assert_eq!(store.person(ann.id).await.unwrap().revision, after.revision);
    assert_eq!(store.scheduled_assignment(ann.id).await.unwrap(), None);
    assert!(nothing_waits(&store).await);

    // A change refused by the person's update leaves the change waiting.
    store
        .schedule_assignment(planned_for(max.id), &by(hr.id, 40))
        .await
        .unwrap();
    let loop_back = store.scheduled_assignment(max.id).await.unwrap().unwrap();
    let own_manager = PersonUpdate {
        manager_id: Some(Some(max.id)),
        ..PersonUpdate::default()
    };
    assert!(
        store
            .apply_scheduled_assignment(loop_back.id, own_manager, &system(41))
            .await
            .is_err()
    );
    assert_eq!(store.person(max.id).await.unwrap().manager_id, None);
    assert_eq!(
        store
            .scheduled_assignment(max.id)
            .await
            .unwrap()
            .map(|w| w.id),
        Some(loop_back.id),
        "still waiting after a refused update"
    );

    // Marked failed with why, and whoever planned it told, in one step.
    let notice = notice_for(
        hr.id,
        "person.schedule-failed",
        "The change to Max's place could not be made",
        &format!("/people/{}/assignment", max.id),
    );
    store
        .fail_scheduled_assignment(
            loop_back.id,
            "the line would loop",
            vec![notice],
            &system(42),
        )
        .await
        .unwrap();
    assert_eq!(store.scheduled_assignment(max.id).await.unwrap(), None);
    assert_eq!(store.unread_count(hr.id).await.unwrap(), 1);
    let failed = events_of(&store, "person.schedule-failed").await;
    assert_eq!(failed[0].details["why"], "the line would loop");

    // Cancelled by the people team: nothing waits, and a second cancel finds nothing.
    store
        .schedule_assignment(planned_for(zoe.id), &by(hr.id, 50))
        .await
        .unwrap();
    assert!(
        store
            .cancel_scheduled_assignment(zoe.id, &by(hr.id, 51))
            .await
            .unwrap()
    );
    assert!(
        !store
            .cancel_scheduled_assignment(zoe.id, &by(hr.id, 52))
            .await
            .unwrap()
    );
    assert!(nothing_waits(&store).await);
    assert_eq!(events_of(&store, "person.schedule-cancel").await.len(), 1);
    assert_eq!(
        store.person(zoe.id).await.unwrap().system_role,
        SystemRole::Member
    );
}

/// A move to the Platform team on the first of March.
/// Whether no change waits for any day, however far ahead.
async fn nothing_waits<S: Store>(store: &S) -> bool {
    store
        .scheduled_assignments_due("2099-01-01")
        .await
        .unwrap()
        .is_empty()
}

fn planned_for(person: i64) -> NewScheduledAssignment {
    NewScheduledAssignment {
        person_id: person,
        effective_on: "2027-03-01".into(),
        team: Some(Some("Platform".into())),
        ..NewScheduledAssignment::default()
    }
}
