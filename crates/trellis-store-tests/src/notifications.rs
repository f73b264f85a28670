//! Stories of notifications: written with the change that causes them or not at all, the inbox of
//! one person only, read marks, email choices, and what the mailer is given.

use trellis_store::{
    EmailMode, NewAssessment, NewNotification, NewRating, Notification, PersonId, PersonUpdate,
    Stage, Store, StoreError,
};

use super::{by, events_of, notice_for, person, reporting_to, starter_version, system};

/// A person's ten newest notifications, newest first.
async fn inbox_of<S: Store>(store: &S, person: PersonId) -> Vec<Notification> {
    store.notifications_of(person, 10, None).await.unwrap()
}

fn notice(to: i64, kind: &str, link: &str) -> NewNotification {
    notice_for(to, kind, &format!("{kind} for {to}"), link)
}

pub async fn notifications_go_with_their_change<S: Store>(store: S) {
    let mia = person(&store, "mia@example.com", "Mia").await;
    let ann = reporting_to(&store, "ann@example.com", "Ann", mia.id).await;
    let version = starter_version(&store).await;
    let new = NewAssessment {
        person_id: ann.id,
        role_level: "engineering/senior-engineer".into(),
        framework_version_id: version,
        cycle: "2026-H1".into(),
    };

    // Written in the change's transaction, at its time, by its actor; `{id}` is the new record.
    let a = store
        .create_assessment(
            new.clone(),
            vec![notice(ann.id, "assessment.waiting", "/assessments/{id}")],
            &by(mia.id, 50),
        )
        .await
        .unwrap();
    let inbox = inbox_of(&store, ann.id).await;
    assert_eq!(inbox.len(), 1);
    let n = &inbox[0];
    assert_eq!(n.link, format!("/assessments/{}", a.id));
    assert_eq!((n.at, n.actor_id, n.read_at), (50, Some(mia.id), None));
    assert_eq!(n.kind, "assessment.waiting");
    assert!(inbox_of(&store, mia.id).await.is_empty());

    // A change that is refused writes none of its notices.
    let stale = store
        .submit_ratings(
            a.id,
            trellis_store::RaterKind::SelfRater,
            ann.id,
            vec![NewRating {
                skill: "sfia/prog".into(),
                level: Some("3".into()),
                not_applicable: None,
                comment: None,
            }],
            a.revision + 5,
            Some(Stage::Manager),
            vec![notice(mia.id, "assessment.waiting", "/assessments/1")],
            &by(ann.id, 60),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    assert!(inbox_of(&store, mia.id).await.is_empty());
    // So does a change whose notice is not valid: the change itself is not written either.
    let bad_link = store
        .request_peer_input(
            a.id,
            mia.id,
            vec!["sfia/prog".into()],
            ann.id,
            vec![notice(mia.id, "peer.asked", "https://elsewhere.example/x")],
            &by(ann.id, 70),
        )
        .await;
    assert!(
        matches!(bad_link, Err(StoreError::Invalid(_))),
        "{bad_link:?}"
    );
    assert!(
        store
            .peer_requests_of_assessment(a.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(events_of(&store, "peer.request").await.is_empty());

    let asked = store
        .request_peer_input(
            a.id,
            mia.id,
            vec!["sfia/prog".into()],
            ann.id,
            vec![notice(mia.id, "peer.asked", "/peer-requests/{id}")],
            &by(ann.id, 80),
        )
        .await
        .unwrap();
    let mias = inbox_of(&store, mia.id).await;
    assert_eq!(mias.len(), 1);
    assert_eq!(mias[0].link, format!("/peer-requests/{}", asked.id));
}

pub async fn the_inbox_is_its_owners<S: Store>(store: S) {
    let mia = person(&store, "mia@example.com", "Mia").await;
    let ann = reporting_to(&store, "ann@example.com", "Ann", mia.id).await;
    let version = starter_version(&store).await;
    // Three notices for Ann, one for Mia, from three changes.
    for (i, to) in [ann.id, ann.id, mia.id, ann.id].into_iter().enumerate() {
        let new = NewAssessment {
            person_id: ann.id,
            role_level: format!("engineering/level-{i}"),
            framework_version_id: version,
            cycle: "2026-H1".into(),
        };
        let at = 100 + i as i64;
        store
            .create_assessment(new, vec![notice(to, "x", "/")], &by(mia.id, at))
            .await
            .unwrap();
    }
    let all = inbox_of(&store, ann.id).await;
    assert_eq!(
        all.iter().map(|n| n.at).collect::<Vec<_>>(),
        [103, 101, 100]
    );
    // Notices on their own: all or none.
    let refused = store
        .notify(
            vec![notice(ann.id, "x", "/"), notice(999_999, "x", "/")],
            &by(mia.id, 104),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(inbox_of(&store, ann.id).await.len(), 3);
    // Paged newest first.
    let first = store.notifications_of(ann.id, 2, None).await.unwrap();
    assert_eq!(first.len(), 2);
    let rest = store
        .notifications_of(ann.id, 2, Some(first[1].id))
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|n| n.at).collect::<Vec<_>>(), [100]);
    assert_eq!(store.unread_count(ann.id).await.unwrap(), 3);

    // Marking read touches only the owner's: Mia's id in Ann's list is ignored.
    let mias = inbox_of(&store, mia.id).await;
    let marked = store
        .mark_read(ann.id, Some(vec![all[0].id, mias[0].id]), 500)
        .await
        .unwrap();
    assert_eq!(marked, 1);
    assert_eq!(store.unread_count(ann.id).await.unwrap(), 2);
    assert_eq!(store.unread_count(mia.id).await.unwrap(), 1);
    let again = inbox_of(&store, ann.id).await;
    assert_eq!(again[0].read_at, Some(500));
    // All at once; already read ones keep their time.
    assert_eq!(store.mark_read(ann.id, None, 600).await.unwrap(), 2);
    assert_eq!(store.unread_count(ann.id).await.unwrap(), 0);
    let last = inbox_of(&store, ann.id).await;
    assert_eq!(
        last.iter().map(|n| n.read_at).collect::<Vec<_>>(),
        [Some(500), Some(600), Some(600)]
    );
}

pub async fn email_choices_and_the_mailers_queue<S: Store>(store: S) {
    let mia = person(&store, "mia@example.com", "Mia").await;
    let ann = reporting_to(&store, "ann@example.com", "Ann", mia.id).await;
    let pat = reporting_to(&store, "pat@example.com", "Pat", mia.id).await;
    let version = starter_version(&store).await;

    // Each one by default; a choice is kept and audited.
    assert_eq!(store.email_mode(ann.id).await.unwrap(), EmailMode::Each);
    store
        .set_email_mode(ann.id, EmailMode::Daily, &by(ann.id, 10))
        .await
        .unwrap();
    store
        .set_email_mode(ann.id, EmailMode::Off, &by(ann.id, 11))
        .await
        .unwrap();
    assert_eq!(store.email_mode(ann.id).await.unwrap(), EmailMode::Off);
    let audited = events_of(&store, "notifications.settings").await;
    assert_eq!(audited.len(), 2);
    assert_eq!(audited[0].target, format!("person:{}", ann.id));
    assert!(matches!(
        store
            .set_email_mode(999_999, EmailMode::Off, &by(ann.id, 12))
            .await,
        Err(StoreError::NotFound(_))
    ));
    store
        .set_email_mode(mia.id, EmailMode::Daily, &by(mia.id, 13))
        .await
        .unwrap();

    let new = NewAssessment {
        person_id: ann.id,
        role_level: "engineering/senior-engineer".into(),
        framework_version_id: version,
        cycle: "2026-H1".into(),
    };
    let notices = vec![
        notice(ann.id, "a", "/a"),
        notice(mia.id, "b", "/b"),
        notice(pat.id, "c", "/c"),
    ];
    store
        .create_assessment(new, notices, &by(mia.id, 20))
        .await
        .unwrap();

    // The queue, oldest first, with each recipient's address and choice.
    let unsent = store.unsent(100, 0).await.unwrap();
    let seen: Vec<_> = unsent
        .iter()
        .map(|u| (u.email.as_str(), u.mode, u.last_digest_at))
        .collect();
    assert_eq!(
        seen,
        [
            ("ann@example.com", EmailMode::Off, None),
            ("mia@example.com", EmailMode::Daily, None),
            ("pat@example.com", EmailMode::Each, None),
        ]
    );
    // A deactivated account is not mailed.
    store
        .update_person(
            pat.id,
            PersonUpdate {
                active: Some(false),
                ..PersonUpdate::default()
            },
            &system(21),
        )
        .await
        .unwrap();
    assert_eq!(store.unsent(100, 0).await.unwrap().len(), 2);

    // Emailed ones leave the queue; a digest is remembered.
    let ann_id = unsent[0].notification.id;
    let mia_id = unsent[1].notification.id;
    store.mark_emailed(vec![ann_id], 30, None).await.unwrap();
    store
        .mark_emailed(vec![mia_id], 31, Some(mia.id))
        .await
        .unwrap();
    assert!(store.unsent(100, 0).await.unwrap().is_empty());
    let mias = inbox_of(&store, mia.id).await;
    assert_eq!(mias[0].emailed_at, Some(31));
    // The digest time is kept with the choice, which stays as it was, and comes with what is
    // queued next.
    assert_eq!(store.email_mode(mia.id).await.unwrap(), EmailMode::Daily);
    let asked = store
        .create_assessment(
            NewAssessment {
                person_id: mia.id,
                role_level: "engineering/lead".into(),
                framework_version_id: version,
                cycle: "2026-H1".into(),
            },
            vec![notice(mia.id, "d", "/d")],
            &by(ann.id, 40),
        )
        .await;
    asked.unwrap();
    // Not due while the last digest is newer than a day ago: left out, holding no one up.
    assert!(store.unsent(100, 30).await.unwrap().is_empty());
    let queued = store.unsent(100, 31).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].last_digest_at, Some(31));
}
