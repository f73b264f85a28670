//! Stories of erasure: a person's data removed everywhere in one transaction (their ratings kept
//! without comments only when asked), what others wrote kept under a pseudonym, the audit event
//! without the erased data, and who left long enough ago for retention.

use trellis_store::{
    Cadence, CommentKind, EntryKind, NewCheckIn, NewEntry, NewGoal, NewPromotion, NewRating,
    Person, PersonUpdate, Privacy, RaterKind, Stage, Store, StoreError,
};

use super::growth::{evidence, load_demo, rate};
use super::{assert_never_logged, by, events_of, next_meeting, notice_for, session, system};

fn pair(person: i64, partner: i64) -> NewCheckIn {
    NewCheckIn {
        person_id: person,
        partner_id: partner,
        cadence: Cadence::Weekly,
        first_on: "2026-12-10".into(),
    }
}

fn note(meeting: i64, privacy: Privacy, body: &str) -> NewEntry {
    NewEntry {
        meeting_id: meeting,
        kind: EntryKind::Note,
        privacy,
        body: body.into(),
    }
}

/// Gives `ann` one of everything: a session, a token, an inbox, evidence edited once, a plan with
/// a comment by her manager, a check-in about her with notes from both, and notes of her own in a
/// check-in about `ola`. Returns (the check-in about her, the one about Ola).
async fn everything_of<S: Store>(
    store: &S,
    ann: &Person,
    mia: &Person,
    ola: &Person,
) -> (i64, i64) {
    store
        .create_session(session("ann-session", ann.id, 100))
        .await
        .unwrap();
    store
        .create_api_token(ann.id, "laptop", "ann-token", &by(ann.id, 100))
        .await
        .unwrap();
    let notice = notice_for(ann.id, "test", "SECRET-INBOX for Ann", "/");
    store.notify(vec![notice], &system(100)).await.unwrap();
    let added = store
        .add_evidence(
            evidence(
                ann.id,
                "2026-01-05",
                "SECRET-EVIDENCE of Ann",
                &["demo/skill-01"],
            ),
            &by(ann.id, 110),
        )
        .await
        .unwrap();
    store
        .update_evidence(
            added.id,
            evidence(
                ann.id,
                "2026-01-06",
                "SECRET-EVIDENCE edited",
                &["demo/skill-01"],
            ),
            &by(ann.id, 111),
        )
        .await
        .unwrap();
    let goal = NewGoal {
        person_id: ann.id,
        skill: "demo/skill-01".into(),
        target_level: "3".into(),
        role_level: None,
        due_on: None,
        why: "SECRET-WHY of Ann".into(),
    };
    let goals = store
        .create_goals(vec![goal], &by(ann.id, 120))
        .await
        .unwrap();
    store
        .add_plan_comment(
            goals[0].id,
            CommentKind::Comment,
            "SECRET-PLAN-COMMENT by Mia".into(),
            vec![],
            &by(mia.id, 121),
        )
        .await
        .unwrap();

    let about_ann = store
        .create_check_in(pair(ann.id, mia.id), vec![], &by(mia.id, 130))
        .await
        .unwrap();
    let meeting = next_meeting(store, about_ann.id, mia.id).await;
    for (author, privacy, body) in [
        (ann, Privacy::Shared, "SECRET-SHARED by Ann"),
        (mia, Privacy::Private, "SECRET-PRIVATE by Mia about Ann"),
    ] {
        store
            .add_entry(
                about_ann.id,
                note(meeting, privacy, body),
                vec![],
                &by(author.id, 131),
            )
            .await
            .unwrap();
    }
    // Ann shared her series' shared note with Ola.
    let shared = store
        .check_in_record(about_ann.id, ann.id)
        .await
        .unwrap()
        .entries[0]
        .id;
    assert!(
        store
            .share_note(about_ann.id, shared, ola.id, vec![], &by(ann.id, 132))
            .await
            .unwrap()
    );
    let about_ola = store
        .create_check_in(pair(ola.id, ann.id), vec![], &by(ann.id, 140))
        .await
        .unwrap();
    let meeting = next_meeting(store, about_ola.id, ola.id).await;
    for (privacy, body) in [
        (Privacy::Shared, "Ann's shared note for Ola"),
        (Privacy::Private, "SECRET-PRIVATE by Ann about Ola"),
    ] {
        store
            .add_entry(
                about_ola.id,
                note(meeting, privacy, body),
                vec![],
                &by(ann.id, 141),
            )
            .await
            .unwrap();
    }
    (about_ann.id, about_ola.id)
}

async fn deactivate<S: Store>(store: &S, person: &Person, at: i64) {
    store
        .update_person(
            person.id,
            PersonUpdate {
                active: Some(false),
                ..Default::default()
            },
            &system(at),
        )
        .await
        .unwrap();
}

pub async fn erasure_removes_a_persons_data_and_keeps_what_others_wrote<S: Store>(store: S) {
    let demo = load_demo(&store, 4, 2).await;
    // Person 0 manages the others.
    let (mia, ann, ola) = (&demo.people[0], &demo.people[1], &demo.people[2]);
    let (about_ann, about_ola) = everything_of(&store, ann, mia, ola).await;
    assert!(!store.assessments_of(ann.id).await.unwrap().is_empty());
    let ann_ratings = store.latest_ratings(&[ann.id]).await.unwrap();
    assert!(!ann_ratings.is_empty());
    let ola_before = store.latest_ratings(&[ola.id]).await.unwrap();
    let ola_assessments = store.assessments_of(ola.id).await.unwrap().len();

    // A promotion case about Ann, with her comment on it.
    let case = store
        .open_promotion(
            NewPromotion {
                person_id: ann.id,
                role_level: "engineering/senior-software-engineer".into(),
                framework_version_id: demo.version,
            },
            vec![],
            &by(mia.id, 150),
        )
        .await
        .unwrap();
    store
        .comment_on_promotion(
            case.id,
            "SECRET-CASE-COMMENT by Ann".into(),
            vec![],
            &by(ann.id, 151),
        )
        .await
        .unwrap();
    assert_eq!(store.notes_shared_with(ola.id).await.unwrap().len(), 1);

    deactivate(&store, ann, 200).await;
    let report = store
        .erase_person(ann.id, false, &by(mia.id, 300))
        .await
        .unwrap();
    // (Her session ended when she was deactivated.)
    for what in [
        "api tokens",
        "notifications",
        "evidence",
        "evidence versions",
        "plan goals",
        "plan comments",
        "check-ins",
        "check-in notes",
        "promotion cases",
        "promotion comments",
        "ratings",
        "assessments",
    ] {
        assert!(report.removed(what) > 0, "{what}: {report:?}");
    }

    let erased = store.person(ann.id).await.unwrap();
    assert_eq!(erased.name, "Erased person");
    assert_eq!(erased.email, format!("erased-{}@erased.invalid", ann.id));
    assert_eq!(erased.password_hash, None);
    assert!(!erased.active);
    assert_eq!((erased.manager_id, erased.role_level), (None, None));
    assert!(store.person_by_email(&ann.email).await.unwrap().is_none());
    assert!(store.session("ann-session").await.unwrap().is_none());
    assert!(store.api_token("ann-token").await.unwrap().is_none());
    assert!(
        store
            .notifications_of(ann.id, 10, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.evidence_of(ann.id).await.unwrap().is_empty());
    assert!(store.deleted_evidence_of(ann.id).await.unwrap().is_empty());
    assert!(store.plan_of(ann.id).await.unwrap().goals.is_empty());
    assert!(store.assessments_of(ann.id).await.unwrap().is_empty());
    assert!(store.latest_ratings(&[ann.id]).await.unwrap().is_empty());
    assert!(matches!(
        store.check_in_record(about_ann, mia.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        store
            .promotions_for(Some(vec![ann.id]), mia.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.notes_shared_with(ola.id).await.unwrap().is_empty());
    // In Ola's check-in, what Ann shared stays (under her pseudonym); her private note is gone.
    let with_ola = store.check_in_record(about_ola, ann.id).await.unwrap();
    let bodies: Vec<&str> = with_ola.entries.iter().map(|e| e.body.as_str()).collect();
    assert_eq!(bodies, ["Ann's shared note for Ola"]);

    // Nobody else lost anything.
    assert_eq!(store.latest_ratings(&[ola.id]).await.unwrap(), ola_before);
    assert_eq!(
        store.assessments_of(ola.id).await.unwrap().len(),
        ola_assessments
    );
    assert!(!store.evidence_of(ola.id).await.unwrap().is_empty());

    // Audited without the erased data; once only.
    let events = events_of(&store, "person.erase").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor_id, Some(mia.id));
    assert_eq!(events[0].details["kept_ratings"], false);
    assert!(events[0].details["removed"]["evidence"].as_u64() > Some(0));
    for secret in [ann.email.as_str(), ann.name.as_str(), "SECRET-"] {
        let text = serde_json::to_string(&events[0]).unwrap();
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_never_logged(&store, "SECRET-PRIVATE").await;
    assert!(matches!(
        store.erase_person(ann.id, false, &system(400)).await,
        Err(StoreError::Conflict(m)) if m.contains("erased already")
    ));

    // The ratings of someone erased are changeable only because of the erasure: everyone
    // else's stay append-only (the triggers still refuse).
    assert!(matches!(
        store.erase_person(9_999_999, false, &system(400)).await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn erasure_can_keep_ratings_for_aggregates<S: Store>(store: S) {
    let demo = load_demo(&store, 4, 2).await;
    let (mia, ann) = (&demo.people[0], &demo.people[1]);
    // Her record read before the erasure, a comment and all, must not be what is read after.
    let open = store.assessments_of(ann.id).await.unwrap();
    let open = open.iter().find(|a| a.stage != Stage::Agreed).unwrap();
    let commented = NewRating {
        comment: Some("SECRET-COMMENT on Ann".into()),
        ..rate("demo/skill-01", "2")
    };
    store
        .record_ratings(
            open.id,
            RaterKind::Manager,
            mia.id,
            vec![commented],
            open.revision,
            &by(mia.id, 150),
        )
        .await
        .unwrap();
    let before = store.latest_ratings(&[ann.id]).await.unwrap();
    let record = store.person_record(ann.id).await.unwrap();
    assert!(record.rating_history.iter().any(|r| r.comment.is_some()));
    deactivate(&store, ann, 200).await;
    let report = store
        .erase_person(ann.id, true, &by(mia.id, 300))
        .await
        .unwrap();
    assert!(report.kept_ratings);
    assert_eq!(report.removed("ratings"), 0);

    let erased = store.person(ann.id).await.unwrap();
    assert_eq!(erased.name, "Erased person");
    assert_eq!(erased.role_level, ann.role_level, "kept for aggregates");
    let after = store.latest_ratings(&[ann.id]).await.unwrap();
    assert_eq!(after.len(), before.len());
    let levels = |r: &[trellis_store::Rating]| -> Vec<(String, RaterKind, Option<String>)> {
        r.iter()
            .map(|r| (r.skill.clone(), r.rater_kind, r.level.clone()))
            .collect()
    };
    assert_eq!(levels(&after), levels(&before), "the levels are kept");
    assert!(after.iter().all(|r| r.comment.is_none()), "no comment is");
    let record_after = store.person_record(ann.id).await.unwrap();
    assert_eq!(
        record_after.rating_history.len(),
        record.rating_history.len()
    );
    assert!(
        record_after
            .rating_history
            .iter()
            .all(|r| r.comment.is_none())
    );
    assert!(!store.assessments_of(ann.id).await.unwrap().is_empty());
}

pub async fn retention_finds_who_left_long_enough_ago<S: Store>(store: S) {
    let demo = load_demo(&store, 5, 1).await;
    let (ann, ola, sam) = (&demo.people[1], &demo.people[2], &demo.people[3]);
    deactivate(&store, ann, 1_000).await;
    deactivate(&store, ola, 5_000).await;
    deactivate(&store, sam, 6_000).await;
    // Sam came back: no longer departed.
    store
        .update_person(
            sam.id,
            PersonUpdate {
                active: Some(true),
                ..Default::default()
            },
            &system(7_000),
        )
        .await
        .unwrap();
    let ids = |people: Vec<Person>| people.iter().map(|p| p.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.departed_before(999).await.unwrap()),
        Vec::<i64>::new()
    );
    assert_eq!(ids(store.departed_before(1_000).await.unwrap()), [ann.id]);
    assert_eq!(
        ids(store.departed_before(10_000).await.unwrap()),
        [ann.id, ola.id],
        "oldest departure first; the one who came back is not listed"
    );
    store
        .erase_person(ann.id, false, &system(8_000))
        .await
        .unwrap();
    assert_eq!(
        ids(store.departed_before(10_000).await.unwrap()),
        [ola.id],
        "erased once"
    );
}
