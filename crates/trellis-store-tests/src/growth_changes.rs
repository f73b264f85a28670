//! Stories of what changes around the assessment loop: drafts of a stage's ratings, the person's
//! answer to an agreed outcome, and evidence edited (history kept) and deleted (softly).

use serde_json::json;
use trellis_store::{
    EvidenceAfter, NewAssessment, NewEvidence, NewRating, OutcomeAnswerKind, RaterKind, Stage,
    Store, StoreError,
};

use super::{by, events_of, notice_for, person, reporting_to, starter_version, system};
use crate::growth::evidence;

fn rating(skill: &str, level: Option<&str>, comment: Option<&str>) -> NewRating {
    NewRating {
        skill: skill.into(),
        level: level.map(Into::into),
        not_applicable: None,
        comment: comment.map(Into::into),
    }
}

async fn started<S: Store>(store: &S) -> (i64, i64, i64) {
    let mia = person(store, "mia@example.com", "Mia").await;
    let ann = reporting_to(store, "ann@example.com", "Ann", mia.id).await;
    let version = starter_version(store).await;
    let a = store
        .create_assessment(
            NewAssessment {
                person_id: ann.id,
                role_level: "engineering/senior-engineer".into(),
                framework_version_id: version,
                cycle: "2026-H1".into(),
            },
            Vec::new(),
            &by(ann.id, 5),
        )
        .await
        .unwrap();
    (a.id, ann.id, mia.id)
}

pub async fn drafts_are_kept_until_submitted<S: Store>(store: S) {
    let (a, ann, mia) = started(&store).await;
    assert_eq!(
        store.rating_draft(a, RaterKind::SelfRater).await.unwrap(),
        None
    );
    assert_err!(
        store.rating_draft(9_999, RaterKind::SelfRater).await,
        NotFound
    );

    // Unfinished ratings are kept as they are; a save replaces the draft before it.
    let first = vec![
        rating(" sfia/prog ", Some("3"), None),
        rating("house/comms", None, Some("Still thinking")),
    ];
    let d = store
        .save_rating_draft(a, RaterKind::SelfRater, ann, first, &by(ann, 10))
        .await
        .unwrap();
    assert_eq!(d.ratings[0].skill, "sfia/prog");
    assert_eq!(d.saved_at, 10);
    assert_eq!(
        store.rating_draft(a, RaterKind::SelfRater).await.unwrap(),
        Some(d)
    );
    let second = vec![rating("sfia/prog", Some("4"), Some(" Led the migration "))];
    store
        .save_rating_draft(a, RaterKind::SelfRater, ann, second, &by(ann, 20))
        .await
        .unwrap();
    let kept = store
        .rating_draft(a, RaterKind::SelfRater)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (kept.ratings.len(), kept.ratings[0].level.as_deref()),
        (1, Some("4"))
    );
    assert_eq!(
        kept.ratings[0].comment.as_deref(),
        Some("Led the migration")
    );
    assert_eq!(kept.saved_at, 20);

    // A draft changes neither the assessment nor what is rated.
    let now = store.assessment(a).await.unwrap();
    assert_eq!((now.revision, now.stage), (1, Stage::SelfRating));
    assert!(store.ratings(a).await.unwrap().is_empty());
    assert!(store.latest_ratings(&[ann]).await.unwrap().is_empty());
    let drafted = events_of(&store, "assessment.draft").await;
    assert_eq!(drafted.len(), 2);
    // Newest first.
    assert_eq!(drafted[0].target, format!("assessment:{a}"));
    assert_eq!(
        drafted[0].details,
        json!({ "rater_kind": "self", "rater_id": ann, "skills": ["sfia/prog"] })
    );

    // Refused: a skill twice, peer drafts, an unknown assessment.
    let twice = vec![
        rating("sfia/prog", None, None),
        rating("sfia/prog", None, None),
    ];
    assert_err!(
        store
            .save_rating_draft(a, RaterKind::SelfRater, ann, twice, &by(ann, 25))
            .await,
        Invalid
    );
    assert_err!(
        store
            .save_rating_draft(a, RaterKind::Peer, mia, vec![], &by(mia, 25))
            .await,
        Invalid
    );
    assert_err!(
        store
            .save_rating_draft(9_999, RaterKind::SelfRater, ann, vec![], &by(ann, 25))
            .await,
        NotFound
    );

    // Submitting the stage removes the draft, in the same transaction.
    store
        .submit_ratings(
            a,
            RaterKind::SelfRater,
            ann,
            vec![rating("sfia/prog", Some("4"), None)],
            1,
            Some(Stage::Manager),
            Vec::new(),
            &by(ann, 30),
        )
        .await
        .unwrap();
    assert_eq!(
        store.rating_draft(a, RaterKind::SelfRater).await.unwrap(),
        None
    );
    // A manager's draft lives on its own.
    store
        .save_rating_draft(
            a,
            RaterKind::Manager,
            mia,
            vec![rating("sfia/prog", Some("3"), None)],
            &by(mia, 40),
        )
        .await
        .unwrap();
    assert!(
        store
            .rating_draft(a, RaterKind::Manager)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.rating_draft(a, RaterKind::SelfRater).await.unwrap(),
        None
    );
}

pub async fn agreed_outcomes_are_answered_once<S: Store>(store: S) {
    let (a, ann, mia) = started(&store).await;
    let s = &store;
    let dispute = move |at| async move {
        s.answer_outcome(
            a,
            ann,
            OutcomeAnswerKind::Disputed,
            Some("Mentoring was at level 4".into()),
            vec![notice_for(
                mia,
                "assessment.disputed",
                "Ann disputes",
                &format!("/assessments/{a}"),
            )],
            &by(ann, at),
        )
        .await
    };
    // Not agreed yet.
    assert_err!(dispute(10).await, Conflict);
    let mut revision = 1;
    for (kind, to) in [
        (RaterKind::SelfRater, Stage::Manager),
        (RaterKind::Manager, Stage::Compare),
        (RaterKind::Agreed, Stage::Agreed),
    ] {
        let rater = if kind == RaterKind::SelfRater {
            ann
        } else {
            mia
        };
        let done = store
            .submit_ratings(
                a,
                kind,
                rater,
                vec![rating("sfia/prog", Some("3"), None)],
                revision,
                Some(to),
                Vec::new(),
                &by(rater, 20),
            )
            .await
            .unwrap();
        revision = done.revision;
    }
    assert_eq!(store.outcome_answer(a).await.unwrap(), None);
    // A dispute needs a comment; only the person assessed answers.
    assert_err!(
        store
            .answer_outcome(
                a,
                ann,
                OutcomeAnswerKind::Disputed,
                Some("  ".into()),
                Vec::new(),
                &by(ann, 30)
            )
            .await,
        Invalid
    );
    assert_err!(
        store
            .answer_outcome(
                a,
                mia,
                OutcomeAnswerKind::Confirmed,
                None,
                Vec::new(),
                &by(mia, 30)
            )
            .await,
        Invalid
    );
    let answered = dispute(40).await.unwrap();
    assert_eq!(answered.answer, OutcomeAnswerKind::Disputed);
    assert_eq!(
        answered.comment.as_deref(),
        Some("Mentoring was at level 4")
    );
    assert_eq!(store.outcome_answer(a).await.unwrap(), Some(answered));
    // The manager is told, with the answer, in its transaction.
    let told = store.notifications_of(mia, 10, None).await.unwrap();
    assert_eq!(told[0].kind, "assessment.disputed");
    assert_eq!((told[0].at, told[0].actor_id), (40, Some(ann)));
    // Once.
    assert_err!(dispute(50).await, Conflict);
    assert_err!(
        store
            .answer_outcome(
                a,
                ann,
                OutcomeAnswerKind::Confirmed,
                None,
                Vec::new(),
                &by(ann, 50)
            )
            .await,
        Conflict
    );
    assert_eq!(
        store.notifications_of(mia, 10, None).await.unwrap().len(),
        1
    );
    let audited = events_of(&store, "assessment.outcome-answer").await;
    assert_eq!(audited.len(), 1);
    assert_eq!(
        audited[0].details,
        json!({ "answer": "disputed", "comment": true })
    );
    assert_err!(store.outcome_answer(9_999).await, NotFound);
}

pub async fn evidence_is_edited_and_deleted_with_history<S: Store>(store: S) {
    let (_, ann, mia) = started(&store).await;
    let e = store
        .add_evidence(
            evidence(ann, "2026-03-01", "Led the incident review", &["sfia/prog"]),
            &by(ann, 10),
        )
        .await
        .unwrap();
    let other = store
        .add_evidence(
            evidence(
                ann,
                "2026-02-01",
                "Shipped search",
                &["sfia/prog", "house/comms"],
            ),
            &by(mia, 11),
        )
        .await
        .unwrap();

    // An edit replaces what it says and keeps the version before.
    let edited = NewEvidence {
        description: "With the on-call team.".into(),
        ..evidence(
            ann,
            "2026-03-02",
            " Ran the incident review ",
            &["house/comms"],
        )
    };
    let after = store
        .update_evidence(e.id, edited.clone(), &by(mia, 20))
        .await
        .unwrap();
    assert_eq!(after.title, "Ran the incident review");
    assert_eq!(after.skills, ["house/comms"]);
    assert_eq!(
        (after.created_by, after.created_at),
        (ann, 10),
        "who added it stays"
    );
    let entry = store.evidence_entry(e.id).await.unwrap();
    assert_eq!(entry.evidence, after);
    assert_eq!((entry.updated_at, entry.updated_by), (Some(20), Some(mia)));
    assert_eq!(entry.deleted_at, None);
    let versions = store.evidence_versions(e.id).await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].title, "Led the incident review");
    assert_eq!(versions[0].skills, ["sfia/prog"]);
    assert_eq!(
        (versions[0].replaced_at, versions[0].replaced_by),
        (20, mia)
    );
    // Counts follow the skills it now shows.
    let mut counts = store.evidence_counts(&[ann]).await.unwrap();
    counts.sort();
    assert_eq!(
        counts,
        [
            (ann, "house/comms".to_owned(), 2),
            (ann, "sfia/prog".to_owned(), 1)
        ]
    );

    // Refused edits write nothing: bad input, another person, no actor, unknown evidence.
    let bad = evidence(ann, "2026-13-01", "Title", &["sfia/prog"]);
    assert_err!(
        store.update_evidence(e.id, bad, &by(ann, 25)).await,
        Invalid
    );
    let moved = evidence(mia, "2026-03-01", "Title", &["sfia/prog"]);
    assert_err!(
        store.update_evidence(e.id, moved, &by(ann, 25)).await,
        Invalid
    );
    assert_err!(
        store
            .update_evidence(e.id, edited.clone(), &system(25))
            .await,
        Invalid
    );
    assert_err!(
        store
            .update_evidence(9_999, edited.clone(), &by(ann, 25))
            .await,
        NotFound
    );
    assert_eq!(store.evidence_versions(e.id).await.unwrap().len(), 1);

    // A delete is soft: it leaves the log and the counts; the row and its history stay.
    store.delete_evidence(other.id, &by(ann, 30)).await.unwrap();
    assert_eq!(
        store.evidence_of(ann).await.unwrap(),
        std::slice::from_ref(&after)
    );
    assert_eq!(
        store.evidence_counts(&[ann]).await.unwrap(),
        [(ann, "house/comms".to_owned(), 1)]
    );
    let observed = store.observations(&[ann]).await.unwrap();
    assert_eq!(
        observed.evidence_counts,
        [(ann, "house/comms".to_owned(), 1)]
    );
    assert_eq!(store.person_record(ann).await.unwrap().evidence, [after]);
    let gone = store.evidence_entry(other.id).await.unwrap();
    assert_eq!((gone.deleted_at, gone.deleted_by), (Some(30), Some(ann)));
    assert_eq!(gone.evidence.title, "Shipped search");
    // Deleted evidence is still the person's data, read apart (for their export).
    let deleted = store.deleted_evidence_of(ann).await.unwrap();
    assert_eq!(deleted, std::slice::from_ref(&gone.evidence));
    assert!(store.deleted_evidence_of(mia).await.unwrap().is_empty());
    assert_err!(
        store.delete_evidence(other.id, &by(ann, 40)).await,
        NotFound
    );
    assert_err!(
        store.update_evidence(other.id, edited, &by(ann, 40)).await,
        NotFound
    );
    assert_err!(store.delete_evidence(9_999, &by(ann, 40)).await, NotFound);
    assert_err!(store.evidence_entry(9_999).await, NotFound);

    let updated = events_of(&store, "evidence.update").await;
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0].target, format!("evidence:{}", e.id));
    assert_eq!(updated[0].actor_id, Some(mia));
    let deleted = events_of(&store, "evidence.delete").await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].target, format!("evidence:{}", other.id));
    assert_eq!(
        deleted[0].details,
        json!({
            "person_id": ann,
            "title": "Shipped search",
            "happened_on": "2026-02-01",
            "skills": ["sfia/prog", "house/comms"],
        })
    );
}

/// A person's evidence read a page at a time: the pages together are the whole list in its
/// order, each piece once, even when pieces share a date; a page starting after the last piece is
/// empty; deleted pieces and other people's are left out; an unknown person is `NotFound`.
pub async fn evidence_is_read_a_page_at_a_time<S: Store>(store: S) {
    let mia = person(&store, "mia@example.com", "Mia").await;
    let ann = reporting_to(&store, "ann@example.com", "Ann", mia.id).await;
    // Seven pieces over three dates, so that pages break inside a date.
    for (i, day) in [
        "2026-01-02",
        "2026-01-02",
        "2026-03-01",
        "2026-01-02",
        "2025-12-31",
        "2026-03-01",
        "2026-01-02",
    ]
    .iter()
    .enumerate()
    {
        store
            .add_evidence(
                evidence(ann.id, day, &format!("Piece {i}"), &["house/comms"]),
                &by(ann.id, 10 + i as i64),
            )
            .await
            .unwrap();
    }
    store
        .add_evidence(
            evidence(mia.id, "2026-02-01", "Mia's", &["house/comms"]),
            &by(mia.id, 50),
        )
        .await
        .unwrap();
    let all = store.evidence_of(ann.id).await.unwrap();
    let deleted = all[3].id;
    store
        .delete_evidence(deleted, &by(ann.id, 60))
        .await
        .unwrap();
    let all: Vec<_> = all.into_iter().filter(|e| e.id != deleted).collect();
    assert_eq!(all.len(), 6);

    let mut paged = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = store.evidence_page(ann.id, after.clone(), 4).await.unwrap();
        assert!(page.len() <= 4, "a page holds at most the limit");
        pages += 1;
        let Some(last) = page.last() else { break };
        after = Some(EvidenceAfter {
            happened_on: last.happened_on.clone(),
            id: last.id,
        });
        paged.extend(page);
        assert!(pages < 5, "paging ends");
    }
    assert_eq!(
        paged, all,
        "the pages are the list, in order, each piece once"
    );
    assert_eq!(pages, 3, "four, then two, then an empty page");
    assert_eq!(
        store.evidence_page(ann.id, None, 1).await.unwrap(),
        [all[0].clone()]
    );
    assert!(
        store
            .evidence_page(mia.id, None, 10)
            .await
            .unwrap()
            .iter()
            .all(|e| e.person_id == mia.id)
    );
    assert!(matches!(
        store.evidence_page(9_999, None, 10).await,
        Err(StoreError::NotFound(_))
    ));
}
