//! Stories of growth records: assessments through their stages, ratings kept as history, peer
//! input, evidence, batched audit events and bulk loading; and the synthetic organisation that
//! the bulk story and the load benchmark (`tests/stories.rs`, ignored by default) load.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::json;
use trellis_store::{
    Assessment, Audit, AuditFilter, BulkAssessment, FrameworkVersionId, LatestRating, Millis,
    NewAssessment, NewAuditEvent, NewEvidence, NewPerson, NewRating, Outcome, Person, PersonId,
    RaterKind, Rating, Stage, Store, StoreError, SystemRole,
};

use super::{
    by, events, events_of, framework, new_person, one_of_eight_editors_wins, person, reporting_to,
    starter_version, system,
};

pub(crate) fn rate(skill: &str, level: &str) -> NewRating {
    NewRating {
        skill: skill.into(),
        level: Some(level.into()),
        not_applicable: None,
        comment: None,
    }
}

fn not_applicable(skill: &str, reason: &str) -> NewRating {
    NewRating {
        skill: skill.into(),
        level: None,
        not_applicable: Some(reason.into()),
        comment: None,
    }
}

pub(crate) fn assessment_of(
    person: PersonId,
    version: FrameworkVersionId,
    cycle: &str,
) -> NewAssessment {
    NewAssessment {
        person_id: person,
        role_level: "engineering/senior-engineer".into(),
        framework_version_id: version,
        cycle: cycle.into(),
    }
}

/// Opens an assessment, telling nobody.
pub(crate) async fn opened<S: Store>(store: &S, new: NewAssessment, audit: &Audit) -> Assessment {
    store
        .create_assessment(new, Vec::new(), audit)
        .await
        .unwrap()
}

/// An assessment against another role level: a person has one open assessment per role level.
fn another_assessment_of(
    person: PersonId,
    version: FrameworkVersionId,
    cycle: &str,
) -> NewAssessment {
    NewAssessment {
        role_level: "engineering/staff-engineer".into(),
        ..assessment_of(person, version, cycle)
    }
}

pub(crate) fn evidence(person: PersonId, on: &str, title: &str, skills: &[&str]) -> NewEvidence {
    NewEvidence {
        person_id: person,
        happened_on: on.into(),
        title: title.into(),
        description: String::new(),
        links: Vec::new(),
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
        corroborators: Vec::new(),
    }
}

/// (level or "n/a:reason", rater kind, skill) of ratings, for compact comparisons.
fn summary(ratings: &[Rating]) -> Vec<(String, RaterKind, String)> {
    ratings
        .iter()
        .map(|r| {
            let value = match (&r.level, &r.not_applicable) {
                (Some(level), None) => level.clone(),
                (None, Some(reason)) => format!("n/a:{reason}"),
                other => panic!("a rating must have exactly one of level and reason: {other:?}"),
            };
            (r.skill.clone(), r.rater_kind, value)
        })
        .collect()
}

fn row(skill: &str, kind: RaterKind, value: &str) -> (String, RaterKind, String) {
    (skill.into(), kind, value.into())
}

/// Ann reports to Mia; Pat is a colleague; one framework version is published.
pub(crate) struct Team {
    pub ann: Person,
    pub mia: Person,
    pub pat: Person,
    pub version: FrameworkVersionId,
}

pub(crate) async fn team<S: Store>(store: &S) -> Team {
    let mia = person(store, "mia@example.com", "Mia").await;
    let ann = reporting_to(store, "ann@example.com", "Ann", mia.id).await;
    let pat = reporting_to(store, "pat@example.com", "Pat", mia.id).await;
    let version = starter_version(store).await;
    Team {
        ann,
        mia,
        pat,
        version,
    }
}

pub async fn assessments_move_through_stages<S: Store>(store: S) {
    let Team {
        ann, mia, version, ..
    } = team(&store).await;
    let mut new = assessment_of(ann.id, version, " 2026-H1 ");
    new.role_level = " engineering/senior-engineer ".into();
    let a = opened(&store, new, &by(ann.id, 10)).await;
    assert_eq!(
        (a.person_id, a.role_level.as_str(), a.cycle.as_str()),
        (ann.id, "engineering/senior-engineer", "2026-H1")
    );
    assert_eq!((a.stage, a.revision), (Stage::SelfRating, 1));
    assert_eq!((a.created_by, a.created_at), (ann.id, 10));
    assert_eq!(a.framework_version_id, version);
    assert_eq!(
        (a.self_submitted_at, a.manager_submitted_at, a.agreed_at),
        (None, None, None)
    );
    assert_eq!(store.assessment(a.id).await.unwrap(), a);

    // Only the next stage, only at the current revision.
    for to in [Stage::Compare, Stage::Agreed, Stage::SelfRating] {
        assert_err!(
            store
                .advance_assessment(a.id, to, mia.id, 1, &by(mia.id, 15))
                .await,
            Conflict
        );
    }
    assert_err!(
        store
            .advance_assessment(a.id, Stage::Manager, ann.id, 0, &by(ann.id, 15))
            .await,
        Conflict
    );
    assert_err!(
        store
            .advance_assessment(a.id, Stage::Manager, 9_999, 1, &by(ann.id, 15))
            .await,
        Invalid
    );
    assert_eq!(
        store.assessment(a.id).await.unwrap(),
        a,
        "refusals change nothing"
    );

    let a2 = store
        .advance_assessment(a.id, Stage::Manager, ann.id, 1, &by(ann.id, 20))
        .await
        .unwrap();
    assert_eq!((a2.stage, a2.revision), (Stage::Manager, 2));
    assert_eq!(
        (a2.self_submitted_at, a2.self_submitted_by),
        (Some(20), Some(ann.id))
    );
    let a3 = store
        .advance_assessment(a.id, Stage::Compare, mia.id, 2, &by(mia.id, 30))
        .await
        .unwrap();
    assert_eq!(
        (a3.manager_submitted_at, a3.manager_submitted_by),
        (Some(30), Some(mia.id))
    );
    let a4 = store
        .advance_assessment(a.id, Stage::Agreed, mia.id, 3, &by(mia.id, 40))
        .await
        .unwrap();
    assert_eq!((a4.stage, a4.revision), (Stage::Agreed, 4));
    assert_eq!((a4.agreed_at, a4.agreed_by), (Some(40), Some(mia.id)));
    assert_eq!(
        (a4.self_submitted_at, a4.manager_submitted_at),
        (Some(20), Some(30)),
        "earlier marks are kept"
    );
    assert_eq!(store.assessment(a.id).await.unwrap(), a4);
    for to in [
        Stage::SelfRating,
        Stage::Manager,
        Stage::Compare,
        Stage::Agreed,
    ] {
        assert_err!(
            store
                .advance_assessment(a.id, to, mia.id, 4, &by(mia.id, 50))
                .await,
            Conflict
        );
    }

    let stages = events_of(&store, "assessment.stage").await;
    assert_eq!(stages.len(), 3);
    assert_eq!(stages[0].target, format!("assessment:{}", a.id));
    assert_eq!(stages[0].actor_id, Some(mia.id));
    assert_eq!(stages[0].details["from"], "compare");
    assert_eq!(stages[0].details["to"], "agreed");
    assert_eq!(stages[0].details["revision"], 4);
    let created = events_of(&store, "assessment.create").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].target, format!("assessment:{}", a.id));
    assert_eq!(created[0].at, 10);

    // A person's assessments, newest first; someone without any has none.
    let b = opened(
        &store,
        another_assessment_of(ann.id, version, "2026-H2"),
        &by(mia.id, 60),
    )
    .await;
    assert_eq!(b.created_by, mia.id);
    assert_eq!(store.assessments_of(ann.id).await.unwrap(), [b, a4]);
    assert!(store.assessments_of(mia.id).await.unwrap().is_empty());

    // Bad input: no actor, unknown person or framework version, blank fields.
    let before = events(&store).await.len();
    let refused = [
        (assessment_of(ann.id, version, "c"), system(70)),
        (assessment_of(9_999, version, "c"), by(mia.id, 70)),
        (assessment_of(ann.id, 9_999, "c"), by(mia.id, 70)),
        (assessment_of(ann.id, version, "  "), by(mia.id, 70)),
        (
            NewAssessment {
                role_level: " ".into(),
                ..assessment_of(ann.id, version, "c")
            },
            by(mia.id, 70),
        ),
        (assessment_of(ann.id, version, "c"), by(9_999, 70)),
    ];
    for (new, audit) in refused {
        assert_err!(
            store.create_assessment(new, Vec::new(), &audit).await,
            Invalid
        );
    }
    assert_eq!(events(&store).await.len(), before);
    assert_eq!(store.assessments_of(ann.id).await.unwrap().len(), 2);
}

/// The team, with Ann's assessment of 2026-H1 opened by her at 10: where rating stories start.
async fn anns_assessment<S: Store>(store: &S) -> (Team, Assessment) {
    let t = team(store).await;
    let a = opened(
        store,
        assessment_of(t.ann.id, t.version, "2026-H1"),
        &by(t.ann.id, 10),
    )
    .await;
    (t, a)
}

pub async fn ratings_keep_history_and_the_newest_counts<S: Store>(store: S) {
    let (t, a) = anns_assessment(&store).await;
    let (ann, mia, version) = (t.ann, t.mia, t.version);
    let first = vec![
        rate(" sfia/prog ", " 3 "),
        not_applicable("sfia/test", " no testing in my role "),
        NewRating {
            comment: Some("  ran the offsite ".into()),
            ..rate("house/comms", "2")
        },
    ];
    let a2 = store
        .record_ratings(
            a.id,
            RaterKind::SelfRater,
            ann.id,
            first,
            1,
            &by(ann.id, 100),
        )
        .await
        .unwrap();
    assert_eq!(a2.revision, 2);
    let a3 = store
        .record_ratings(
            a.id,
            RaterKind::SelfRater,
            ann.id,
            vec![rate("sfia/prog", "4")],
            2,
            &by(ann.id, 110),
        )
        .await
        .unwrap();
    assert_eq!(a3.revision, 3);
    store
        .record_ratings(
            a.id,
            RaterKind::Manager,
            mia.id,
            vec![rate("sfia/prog", "3")],
            3,
            &by(mia.id, 120),
        )
        .await
        .unwrap();

    // Every rating is kept, oldest first, trimmed as stored.
    let all = store.ratings(a.id).await.unwrap();
    assert_eq!(
        summary(&all),
        [
            row("sfia/prog", RaterKind::SelfRater, "3"),
            row(
                "sfia/test",
                RaterKind::SelfRater,
                "n/a:no testing in my role"
            ),
            row("house/comms", RaterKind::SelfRater, "2"),
            row("sfia/prog", RaterKind::SelfRater, "4"),
            row("sfia/prog", RaterKind::Manager, "3"),
        ]
    );
    assert!(
        all.iter()
            .all(|r| r.assessment_id == a.id && r.person_id == ann.id)
    );
    assert_eq!(all[2].comment.as_deref(), Some("ran the offsite"));
    assert_eq!(all[0].comment, None);
    assert_eq!((all[0].at, all[0].rater_id), (100, ann.id));
    assert_eq!((all[4].at, all[4].rater_id), (120, mia.id));

    // The newest per (skill, rater kind), ordered by skill then kind.
    let latest = store.latest_ratings(&[ann.id]).await.unwrap();
    assert_eq!(
        summary(&latest),
        [
            row("house/comms", RaterKind::SelfRater, "2"),
            row("sfia/prog", RaterKind::Manager, "3"),
            row("sfia/prog", RaterKind::SelfRater, "4"),
            row(
                "sfia/test",
                RaterKind::SelfRater,
                "n/a:no testing in my role"
            ),
        ]
    );

    // Two submissions at the same time: the later one (higher id) wins.
    for (level, revision) in [("3", 4), ("4", 5)] {
        store
            .record_ratings(
                a.id,
                RaterKind::SelfRater,
                ann.id,
                vec![rate("house/comms", level)],
                revision,
                &by(ann.id, 130),
            )
            .await
            .unwrap();
    }
    // A later assessment: its newer ratings win; a rating with an older time does not, whatever
    // its id.
    let b = opened(
        &store,
        another_assessment_of(ann.id, version, "2026-H2"),
        &by(ann.id, 200),
    )
    .await;
    store
        .record_ratings(
            b.id,
            RaterKind::SelfRater,
            ann.id,
            vec![rate("sfia/prog", "5"), rate("house/comms", "1")],
            1,
            &by(ann.id, 210),
        )
        .await
        .unwrap();
    store
        .record_ratings(
            b.id,
            RaterKind::Manager,
            mia.id,
            vec![rate("sfia/prog", "2")],
            2,
            &by(mia.id, 115),
        )
        .await
        .unwrap();
    let latest = store.latest_ratings(&[ann.id]).await.unwrap();
    assert_eq!(
        summary(&latest),
        [
            row("house/comms", RaterKind::SelfRater, "1"),
            row("sfia/prog", RaterKind::Manager, "3"),
            row("sfia/prog", RaterKind::SelfRater, "5"),
            row(
                "sfia/test",
                RaterKind::SelfRater,
                "n/a:no testing in my role"
            ),
        ]
    );
    assert_eq!(latest[0].assessment_id, b.id);
    assert_eq!(latest[1].assessment_id, a.id);

    // History across assessments, oldest first.
    let history = store.rating_history(ann.id).await.unwrap();
    assert_eq!(history.len(), 10);
    let times: Vec<Millis> = history.iter().map(|r| r.at).collect();
    assert_eq!(times, [100, 100, 100, 110, 115, 120, 130, 130, 210, 210]);
    assert!(store.rating_history(mia.id).await.unwrap().is_empty());

    // Several people at once; unknown people are skipped.
    let mia_a = opened(
        &store,
        assessment_of(mia.id, version, "2026-H1"),
        &by(mia.id, 300),
    )
    .await;
    store
        .record_ratings(
            mia_a.id,
            RaterKind::SelfRater,
            mia.id,
            vec![rate("sfia/prog", "6")],
            1,
            &by(mia.id, 310),
        )
        .await
        .unwrap();
    let both = store
        .latest_ratings(&[mia.id, 9_999, ann.id])
        .await
        .unwrap();
    let owners: Vec<PersonId> = both.iter().map(|r| r.person_id).collect();
    let mut expected = vec![ann.id; 4];
    expected.push(mia.id);
    if mia.id < ann.id {
        expected.rotate_right(1);
    }
    assert_eq!(owners, expected, "ordered by person");
    assert!(store.latest_ratings(&[]).await.unwrap().is_empty());

    let rated = events_of(&store, "assessment.rate").await;
    assert_eq!(rated.len(), 8);
    let first = rated.last().unwrap();
    assert_eq!(first.target, format!("assessment:{}", a.id));
    assert_eq!(first.actor_id, Some(ann.id));
    assert_eq!(
        first.details,
        json!({
            "rater_kind": "self",
            "rater_id": ann.id,
            "skills": ["sfia/prog", "sfia/test", "house/comms"],
            "revision": 2,
        })
    );
}

pub async fn bad_ratings_write_nothing<S: Store>(store: S) {
    let (t, a) = anns_assessment(&store).await;
    let (ann, mia, pat) = (t.ann, t.mia, t.pat);
    let before = events(&store).await.len();
    // Submits `ratings` to assessment `id` at `revision` by `rater` as `kind`, audited as `audit`.
    let record = |id, kind, rater, ratings, revision, audit: Audit| {
        let store = store.clone();
        async move {
            store
                .record_ratings(id, kind, rater, ratings, revision, &audit)
                .await
        }
    };
    let both = NewRating {
        not_applicable: Some("not my area".into()),
        ..rate("sfia/prog", "3")
    };
    let neither = NewRating {
        level: Some("  ".into()),
        not_applicable: Some(" ".into()),
        ..rate("sfia/prog", "3")
    };
    let invalid: Vec<Vec<NewRating>> = vec![
        vec![],
        vec![both],
        vec![neither],
        vec![not_applicable("sfia/prog", "")],
        vec![rate(" ", "3")],
        vec![rate("sfia/prog", "3"), rate(" sfia/prog", "4")],
        // One bad rating spoils the submission: the good one is not written either.
        vec![rate("house/comms", "2"), not_applicable("sfia/test", "  ")],
    ];
    for ratings in invalid {
        assert_err!(
            record(
                a.id,
                RaterKind::SelfRater,
                ann.id,
                ratings,
                1,
                by(ann.id, 20)
            )
            .await,
            Invalid
        );
    }
    // Peer ratings come only through a peer request; raters must exist.
    assert_err!(
        record(
            a.id,
            RaterKind::Peer,
            pat.id,
            vec![rate("sfia/prog", "3")],
            1,
            by(pat.id, 20)
        )
        .await,
        Invalid
    );
    assert_err!(
        record(
            a.id,
            RaterKind::Manager,
            9_999,
            vec![rate("sfia/prog", "3")],
            1,
            by(mia.id, 20)
        )
        .await,
        Invalid
    );
    // A stale revision is a concurrent edit.
    for stale in [0, 2] {
        assert_err!(
            record(
                a.id,
                RaterKind::SelfRater,
                ann.id,
                vec![rate("sfia/prog", "3")],
                stale,
                by(ann.id, 20)
            )
            .await,
            Conflict
        );
    }
    assert_err!(
        record(
            9_999,
            RaterKind::SelfRater,
            ann.id,
            vec![rate("sfia/prog", "3")],
            1,
            by(ann.id, 20)
        )
        .await,
        NotFound
    );
    assert!(store.ratings(a.id).await.unwrap().is_empty());
    assert_eq!(store.assessment(a.id).await.unwrap(), a);
    assert_eq!(events(&store).await.len(), before, "nothing was audited");

    // An agreed assessment is closed.
    let mut current = a.clone();
    for (to, who) in [
        (Stage::Manager, ann.id),
        (Stage::Compare, mia.id),
        (Stage::Agreed, mia.id),
    ] {
        current = store
            .advance_assessment(a.id, to, who, current.revision, &by(who, 30))
            .await
            .unwrap();
    }
    assert_err!(
        record(
            a.id,
            RaterKind::Agreed,
            mia.id,
            vec![rate("sfia/prog", "3")],
            current.revision,
            by(mia.id, 40)
        )
        .await,
        Conflict
    );
    assert!(store.ratings(a.id).await.unwrap().is_empty());
}

pub async fn concurrent_ratings_conflict<S: Store>(store: S) {
    let (t, a) = anns_assessment(&store).await;
    let mia = t.mia;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let store = store.clone();
        let (id, rater) = (a.id, mia.id);
        tasks.spawn(async move {
            let ratings = vec![rate("sfia/prog", &i.to_string()), rate("sfia/test", "2")];
            store
                .record_ratings(
                    id,
                    RaterKind::Manager,
                    rater,
                    ratings,
                    1,
                    &by(rater, 20 + i),
                )
                .await
        });
    }
    one_of_eight_editors_wins(tasks).await;
    assert_eq!(store.assessment(a.id).await.unwrap().revision, 2);
    assert_eq!(
        store.ratings(a.id).await.unwrap().len(),
        2,
        "only the winner's ratings"
    );
    assert_eq!(events_of(&store, "assessment.rate").await.len(), 1);
}

pub async fn peer_input_is_requested_and_submitted<S: Store>(store: S) {
    let (t, a) = anns_assessment(&store).await;
    let (ann, mia, pat, version) = (t.ann, t.mia, t.pat, t.version);
    let skills = vec![
        " sfia/prog ".to_owned(),
        "house/comms".into(),
        "sfia/prog".into(),
        " ".into(),
    ];
    let request = store
        .request_peer_input(a.id, pat.id, skills, ann.id, Vec::new(), &by(ann.id, 20))
        .await
        .unwrap();
    assert_eq!(request.skills, ["sfia/prog", "house/comms"]);
    assert_eq!(
        (request.assessment_id, request.peer_id, request.requested_by),
        (a.id, pat.id, ann.id)
    );
    assert_eq!((request.requested_at, request.submitted_at), (20, None));
    assert_eq!(store.peer_request(request.id).await.unwrap(), request);
    assert_eq!(
        store.assessment(a.id).await.unwrap().revision,
        1,
        "a request does not change the assessment"
    );

    // Bad requests.
    let before = events(&store).await.len();
    let one = || vec!["sfia/prog".to_owned()];
    assert_err!(
        store
            .request_peer_input(a.id, ann.id, one(), ann.id, Vec::new(), &by(ann.id, 21))
            .await,
        Invalid
    );
    assert_err!(
        store
            .request_peer_input(
                a.id,
                pat.id,
                vec![" ".into()],
                ann.id,
                Vec::new(),
                &by(ann.id, 21)
            )
            .await,
        Invalid
    );
    assert_err!(
        store
            .request_peer_input(a.id, 9_999, one(), ann.id, Vec::new(), &by(ann.id, 21))
            .await,
        Invalid
    );
    assert_err!(
        store
            .request_peer_input(9_999, pat.id, one(), ann.id, Vec::new(), &by(ann.id, 21))
            .await,
        NotFound
    );
    assert_eq!(events(&store).await.len(), before);

    // Another request to Pat, on Mia's assessment: Pat's list is newest first.
    let b = opened(
        &store,
        assessment_of(mia.id, version, "2026-H1"),
        &by(mia.id, 30),
    )
    .await;
    let other = store
        .request_peer_input(b.id, pat.id, one(), mia.id, Vec::new(), &by(mia.id, 31))
        .await
        .unwrap();
    assert_eq!(
        store.peer_requests_for(pat.id).await.unwrap(),
        [other.clone(), request.clone()]
    );
    assert!(store.peer_requests_for(ann.id).await.unwrap().is_empty());
    assert_eq!(
        store.peer_requests_of_assessment(a.id).await.unwrap(),
        std::slice::from_ref(&request)
    );

    // Submitting: only requested skills; nothing is visible before.
    assert!(store.latest_ratings(&[ann.id]).await.unwrap().is_empty());
    assert_err!(
        store
            .submit_peer_input(
                request.id,
                vec![rate("sfia/prog", "4"), rate("sfia/test", "3")],
                Vec::new(),
                &by(pat.id, 40)
            )
            .await,
        Invalid
    );
    assert_err!(
        store
            .submit_peer_input(request.id, vec![], Vec::new(), &by(pat.id, 40))
            .await,
        Invalid
    );
    assert!(store.ratings(a.id).await.unwrap().is_empty());
    let submitted = store
        .submit_peer_input(
            request.id,
            vec![NewRating {
                comment: Some("great pairing partner".into()),
                ..rate("sfia/prog", "4")
            }],
            Vec::new(),
            &by(pat.id, 50),
        )
        .await
        .unwrap();
    assert_eq!(submitted.submitted_at, Some(50));
    assert_eq!(
        submitted,
        store.peer_request(request.id).await.unwrap(),
        "returned as stored"
    );
    let given = store.ratings(a.id).await.unwrap();
    assert_eq!(summary(&given), [row("sfia/prog", RaterKind::Peer, "4")]);
    assert_eq!((given[0].rater_id, given[0].at), (pat.id, 50));
    assert_eq!(
        summary(&store.latest_ratings(&[ann.id]).await.unwrap()),
        [row("sfia/prog", RaterKind::Peer, "4")]
    );
    assert_eq!(
        store.assessment(a.id).await.unwrap().revision,
        2,
        "peer input changes the assessment"
    );
    assert_err!(
        store
            .submit_peer_input(
                request.id,
                vec![rate("house/comms", "2")],
                Vec::new(),
                &by(pat.id, 60)
            )
            .await,
        Conflict
    );
    assert_err!(
        store
            .submit_peer_input(
                9_999,
                vec![rate("sfia/prog", "2")],
                Vec::new(),
                &by(pat.id, 60)
            )
            .await,
        NotFound
    );
    assert_eq!(store.ratings(a.id).await.unwrap().len(), 1);

    // Closed assessments take no more requests or input.
    let pending = store
        .request_peer_input(a.id, mia.id, one(), ann.id, Vec::new(), &by(ann.id, 70))
        .await
        .unwrap();
    let mut current = store.assessment(a.id).await.unwrap();
    for (to, who) in [
        (Stage::Manager, ann.id),
        (Stage::Compare, mia.id),
        (Stage::Agreed, mia.id),
    ] {
        current = store
            .advance_assessment(a.id, to, who, current.revision, &by(who, 80))
            .await
            .unwrap();
    }
    assert_err!(
        store
            .request_peer_input(a.id, pat.id, one(), ann.id, Vec::new(), &by(ann.id, 90))
            .await,
        Conflict
    );
    assert_err!(
        store
            .submit_peer_input(
                pending.id,
                vec![rate("sfia/prog", "3")],
                Vec::new(),
                &by(mia.id, 90)
            )
            .await,
        Conflict
    );
    assert_eq!(
        store.peer_request(pending.id).await.unwrap().submitted_at,
        None
    );

    let requested = events_of(&store, "peer.request").await;
    assert_eq!(requested.len(), 3);
    assert_eq!(requested[2].target, format!("assessment:{}", a.id));
    assert_eq!(
        requested[2].details,
        json!({ "request_id": request.id, "peer_id": pat.id, "skills": ["sfia/prog", "house/comms"] })
    );
    let submits = events_of(&store, "peer.submit").await;
    assert_eq!(submits.len(), 1);
    assert_eq!(submits[0].actor_id, Some(pat.id));
    assert_eq!(submits[0].details["request_id"], request.id);
    assert_eq!(submits[0].details["skills"], json!(["sfia/prog"]));
}

pub async fn evidence_is_logged_and_counted_per_skill<S: Store>(store: S) {
    let Team { ann, mia, .. } = team(&store).await;
    let first = NewEvidence {
        description: "  Wrote up the timeline and actions.  ".into(),
        links: vec![
            " https://wiki.example.com/incident-42 ".into(),
            "".into(),
            "https://wiki.example.com/incident-42".into(),
        ],
        corroborators: vec!["Bo Lee".into(), " ".into()],
        ..evidence(
            ann.id,
            "2026-03-01",
            " Led the incident review ",
            &["sfia/prog", " house/comms ", "sfia/prog"],
        )
    };
    let e1 = store.add_evidence(first, &by(ann.id, 10)).await.unwrap();
    assert_eq!(e1.title, "Led the incident review");
    assert_eq!(e1.description, "Wrote up the timeline and actions.");
    assert_eq!(e1.links, ["https://wiki.example.com/incident-42"]);
    assert_eq!(e1.skills, ["sfia/prog", "house/comms"]);
    assert_eq!(e1.corroborators, ["Bo Lee"]);
    assert_eq!((e1.created_by, e1.created_at), (ann.id, 10));
    let e2 = store
        .add_evidence(
            evidence(ann.id, "2026-04-15", "Shipped search", &["sfia/prog"]),
            &by(mia.id, 20),
        )
        .await
        .unwrap();
    assert_eq!(
        e2.created_by, mia.id,
        "a manager may log evidence for a report"
    );
    let e3 = store
        .add_evidence(
            evidence(
                ann.id,
                "2024-02-29",
                "Mentored an intern",
                &["house/mentoring"],
            ),
            &by(ann.id, 30),
        )
        .await
        .unwrap();
    let e4 = store
        .add_evidence(
            evidence(mia.id, "2026-01-10", "Hiring loop", &["house/comms"]),
            &by(mia.id, 40),
        )
        .await
        .unwrap();

    assert_eq!(
        store.evidence_of(ann.id).await.unwrap(),
        [e2, e1, e3],
        "newest first, as returned"
    );
    assert_eq!(store.evidence_of(mia.id).await.unwrap(), [e4]);
    let counts = store
        .evidence_counts(&[ann.id, mia.id, 9_999])
        .await
        .unwrap();
    let mut expected = vec![
        (ann.id, "house/comms".to_owned(), 1),
        (ann.id, "house/mentoring".to_owned(), 1),
        (ann.id, "sfia/prog".to_owned(), 2),
        (mia.id, "house/comms".to_owned(), 1),
    ];
    expected.sort();
    assert_eq!(counts, expected);
    assert_eq!(
        store.evidence_counts(&[mia.id]).await.unwrap(),
        [(mia.id, "house/comms".to_owned(), 1)]
    );
    assert!(store.evidence_counts(&[]).await.unwrap().is_empty());

    // Bad input writes nothing.
    let before = events(&store).await.len();
    let ok = || evidence(ann.id, "2026-03-01", "Title", &["sfia/prog"]);
    let refused = [
        evidence(ann.id, "2026-02-29", "Title", &["sfia/prog"]),
        evidence(ann.id, "2026-3-1", "Title", &["sfia/prog"]),
        evidence(ann.id, "yesterday", "Title", &["sfia/prog"]),
        evidence(ann.id, "2026-13-01", "Title", &["sfia/prog"]),
        evidence(ann.id, "2026-03-01", "  ", &["sfia/prog"]),
        evidence(ann.id, "2026-03-01", "Title", &[]),
        evidence(ann.id, "2026-03-01", "Title", &[" "]),
        evidence(9_999, "2026-03-01", "Title", &["sfia/prog"]),
        NewEvidence {
            links: vec!["javascript:alert(1)".into()],
            ..ok()
        },
        NewEvidence {
            links: vec!["https://example.com/a b".into()],
            ..ok()
        },
    ];
    for new in refused {
        assert_err!(store.add_evidence(new, &by(ann.id, 50)).await, Invalid);
    }
    assert_err!(store.add_evidence(ok(), &system(50)).await, Invalid);
    assert_eq!(events(&store).await.len(), before);
    assert_eq!(store.evidence_of(ann.id).await.unwrap().len(), 3);

    let created = events_of(&store, "evidence.create").await;
    assert_eq!(created.len(), 4);
    assert_eq!(
        created[3].target,
        format!("evidence:{}", counts_first_id(&store, ann.id).await)
    );
    assert_eq!(
        created[3].details,
        json!({ "person_id": ann.id, "skills": ["sfia/prog", "house/comms"] })
    );
}

/// The id of a person's oldest-logged evidence.
async fn counts_first_id<S: Store>(store: &S, person: PersonId) -> i64 {
    store
        .evidence_of(person)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .min()
        .unwrap()
}

pub async fn audit_batches_are_all_or_nothing<S: Store>(store: S) {
    let read = |target: &str| NewAuditEvent {
        action: "assessment.read".into(),
        target: target.into(),
        outcome: Outcome::Success,
        details: json!({ "page": "person" }),
    };
    let mut denied = read("assessment:2");
    denied.outcome = Outcome::Denied;
    store
        .append_audit_batch(vec![
            (read("assessment:1"), by(7, 10)),
            (denied, by(8, 11)),
            (read("assessment:3"), system(12)),
        ])
        .await
        .unwrap();
    let logged = events(&store).await;
    assert_eq!(logged.len(), 3);
    let seen: Vec<_> = logged
        .iter()
        .rev()
        .map(|e| {
            (
                e.target.as_str(),
                e.actor_id,
                e.at,
                e.outcome,
                e.ip.is_some(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("assessment:1", Some(7), 10, Outcome::Success, true),
            ("assessment:2", Some(8), 11, Outcome::Denied, true),
            ("assessment:3", None, 12, Outcome::Success, false),
        ]
    );
    assert_eq!(logged[0].details, json!({ "page": "person" }));

    let mut empty = read("assessment:4");
    empty.action = " ".into();
    assert_err!(
        store
            .append_audit_batch(vec![(read("assessment:5"), by(7, 20)), (empty, by(7, 21))])
            .await,
        Invalid
    );
    store.append_audit_batch(Vec::new()).await.unwrap();
    assert_eq!(events(&store).await.len(), 3, "all or nothing");

    // Many at once (more than one multi-row statement).
    let many: Vec<_> = (0..1_200)
        .map(|i| (read(&format!("assessment:{i}")), by(7, 100 + i)))
        .collect();
    store.append_audit_batch(many).await.unwrap();
    let reads = store
        .audit_events(AuditFilter {
            since: Some(100),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(reads[0].target, "assessment:1199");
    assert_eq!(reads[0].at, 1_299);
}

// ---------------------------------------------------------------------------------------------
// A synthetic organisation, for bulk loading.

/// The skills every demo role level requires.
pub const DEMO_SKILLS: usize = 15;

/// A small deterministic hash (no randomness: every run loads the same organisation).
fn mix(values: &[u64]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        h ^= v.wrapping_add(0x9e37_79b9_7f4a_7c15);
        h = h.wrapping_mul(0x0100_0000_01b3).rotate_left(23);
    }
    h
}

fn demo_skill(i: usize) -> String {
    format!("demo/skill-{i:02}")
}

/// People of a demo organisation: one manager per ten people, created first; the rest report to
/// them. Returns everyone, managers first.
pub async fn demo_people<S: Store>(store: &S, people: usize, audit_at: Millis) -> Vec<Person> {
    let managers = people.div_ceil(10).max(1);
    let new = |i: usize, manager: Option<PersonId>| NewPerson {
        manager_id: manager,
        role_level: Some(format!("engineering/level-{}", 1 + i % 5)),
        system_role: if i == 0 {
            SystemRole::Admin
        } else {
            SystemRole::Member
        },
        ..new_person(
            &format!("person{i}@demo.example.com"),
            &format!("Person {i}"),
        )
    };
    let mut created = store
        .bulk_create_people(
            (0..managers).map(|i| new(i, None)).collect(),
            &system(audit_at),
        )
        .await
        .unwrap();
    let reports: Vec<NewPerson> = (managers..people)
        .map(|i| new(i, Some(created[i % managers].id)))
        .collect();
    created.extend(
        store
            .bulk_create_people(reports, &system(audit_at))
            .await
            .unwrap(),
    );
    created
}

/// Assessments of everyone over `cycles` half-years: all agreed but the last, which is at the
/// compare stage; self, manager and (for agreed ones) agreed ratings of every demo skill, a few
/// "not applicable".
pub fn demo_assessments(
    people: &[Person],
    version: FrameworkVersionId,
    cycles: usize,
) -> Vec<BulkAssessment> {
    const HALF_YEAR: Millis = 182 * 86_400_000;
    let start: Millis = 1_700_000_000_000;
    let mut out = Vec::with_capacity(people.len() * cycles);
    for cycle in 0..cycles {
        for p in people {
            let created_at = start + HALF_YEAR * cycle as Millis + p.id;
            let manager = p.manager_id.unwrap_or(p.id);
            let last = cycle + 1 == cycles;
            let stage = if last { Stage::Compare } else { Stage::Agreed };
            let mut ratings = Vec::with_capacity(DEMO_SKILLS * 3);
            let kinds: &[(RaterKind, PersonId, Millis)] = &[
                (RaterKind::SelfRater, p.id, 86_400_000),
                (RaterKind::Manager, manager, 2 * 86_400_000),
                (RaterKind::Agreed, manager, 3 * 86_400_000),
            ];
            for &(kind, rater, after) in kinds {
                if kind == RaterKind::Agreed && last {
                    continue;
                }
                for s in 0..DEMO_SKILLS {
                    let h = mix(&[p.id as u64, s as u64, cycle as u64, kind as u64]);
                    let rating = if h.is_multiple_of(29) {
                        not_applicable(&demo_skill(s), "not part of this role")
                    } else {
                        let level = 1 + (h % 4) + (cycle as u64).min(3);
                        rate(&demo_skill(s), &level.to_string())
                    };
                    ratings.push((kind, rater, rating, created_at + after));
                }
            }
            out.push(BulkAssessment {
                assessment: NewAssessment {
                    person_id: p.id,
                    role_level: p.role_level.clone().unwrap_or_default(),
                    framework_version_id: version,
                    cycle: format!("{}-H{}", 2024 + cycle / 2, 1 + cycle % 2),
                },
                stage,
                created_by: manager,
                created_at,
                ratings,
            });
        }
    }
    out
}

/// Two pieces of evidence per person per cycle, each for two skills.
pub fn demo_evidence(people: &[Person], cycles: usize) -> Vec<NewEvidence> {
    let mut out = Vec::with_capacity(people.len() * cycles * 2);
    for cycle in 0..cycles {
        for p in people {
            for n in 0..2_u64 {
                let h = mix(&[p.id as u64, cycle as u64, n]);
                let a = (h % DEMO_SKILLS as u64) as usize;
                let b = (a + 1 + (h >> 8) as usize % (DEMO_SKILLS - 1)) % DEMO_SKILLS;
                let month = 1 + (h >> 16) % 6 + 6 * (cycle as u64 % 2);
                out.push(NewEvidence {
                    links: vec![format!("https://tickets.demo.example.com/{}", h % 100_000)],
                    corroborators: vec![format!("Colleague {}", h % 97)],
                    description: "Delivered and wrote it up.".into(),
                    ..evidence(
                        p.id,
                        &format!("{}-{month:02}-{:02}", 2024 + cycle / 2, 1 + (h >> 24) % 28),
                        &format!("Demo achievement {n} of cycle {cycle}"),
                        &[&demo_skill(a), &demo_skill(b)],
                    )
                });
            }
        }
    }
    out
}

/// What loading a demo organisation took.
#[derive(Debug, Clone)]
pub struct DemoLoad {
    pub people: Vec<Person>,
    pub version: FrameworkVersionId,
    pub assessments: usize,
    pub ratings: usize,
    pub evidence: usize,
    pub people_time: Duration,
    pub assessments_time: Duration,
    pub evidence_time: Duration,
}

/// Loads a demo organisation of `people` people over `cycles` cycles through the bulk methods.
pub async fn load_demo<S: Store>(store: &S, people: usize, cycles: usize) -> DemoLoad {
    let version = store
        .publish_framework(framework("demo", "1.0.0", json!({})), &system(1))
        .await
        .unwrap()
        .id;
    let started = Instant::now();
    let everyone = demo_people(store, people, 2).await;
    let people_time = started.elapsed();

    let assessments = demo_assessments(&everyone, version, cycles);
    let ratings = assessments.iter().map(|a| a.ratings.len()).sum();
    let started = Instant::now();
    let count = store
        .bulk_create_assessments(assessments, &system(3))
        .await
        .unwrap();
    let assessments_time = started.elapsed();

    let evidence = demo_evidence(&everyone, cycles);
    let started = Instant::now();
    let evidence_count = store.bulk_add_evidence(evidence, &system(4)).await.unwrap();
    let evidence_time = started.elapsed();
    DemoLoad {
        people: everyone,
        version,
        assessments: count,
        ratings,
        evidence: evidence_count,
        people_time,
        assessments_time,
        evidence_time,
    }
}

/// The newest rating per (person, skill, kind) of bulk input, worked out here: latest `at`, then
/// the later one in input order.
fn expected_latest(input: &[BulkAssessment], person: PersonId) -> Vec<(String, RaterKind, String)> {
    let mut newest: BTreeMap<(String, &'static str), (Millis, usize, RaterKind, String)> =
        BTreeMap::new();
    let mut order = 0;
    for a in input.iter().filter(|a| a.assessment.person_id == person) {
        for (kind, _, r, at) in &a.ratings {
            order += 1;
            let value = r
                .level
                .clone()
                .unwrap_or_else(|| format!("n/a:{}", r.not_applicable.clone().unwrap()));
            let key = (r.skill.clone(), kind.as_str());
            let entry = (*at, order, *kind, value);
            if newest
                .get(&key)
                .is_none_or(|old| (old.0, old.1) < (entry.0, entry.1))
            {
                newest.insert(key, entry);
            }
        }
    }
    newest
        .into_iter()
        .map(|((skill, _), (_, _, kind, value))| (skill, kind, value))
        .collect()
}

pub async fn bulk_loads_are_complete_and_audited_once<S: Store>(store: S) {
    let load = load_demo(&store, 200, 3).await;
    let everyone = &load.people;
    assert_eq!(everyone.len(), 200);
    assert_eq!(load.assessments, 600);
    assert_eq!(load.ratings, 200 * DEMO_SKILLS * (3 + 3 + 2));
    assert_eq!(load.evidence, 1_200);

    // People come back in order, as stored, with the rules of create_person.
    assert_eq!(everyone[0].email, "person0@demo.example.com");
    assert_eq!(everyone[0].system_role, SystemRole::Admin);
    assert_eq!(everyone[25].manager_id, Some(everyone[25 % 20].id));
    assert_eq!(everyone[25].role_level_since, Some(2));
    for p in [&everyone[0], &everyone[123], &everyone[199]] {
        assert_eq!(&store.person(p.id).await.unwrap(), p);
    }
    let ids: Vec<PersonId> = everyone.iter().map(|p| p.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(store.people().await.unwrap().len(), 200);
    assert_eq!(
        store.reports(everyone[3].id).await.unwrap().len(),
        9,
        "reporting lines"
    );

    // Assessments, newest first, with their stage marks.
    let input = demo_assessments(everyone, load.version, 3);
    let p = &everyone[57];
    let mine: Vec<Assessment> = store.assessments_of(p.id).await.unwrap();
    assert_eq!(mine.len(), 3);
    assert_eq!(
        mine.iter().map(|a| a.cycle.as_str()).collect::<Vec<_>>(),
        ["2025-H1", "2024-H2", "2024-H1"]
    );
    let (open, closed) = (&mine[0], &mine[2]);
    assert_eq!((open.stage, open.revision), (Stage::Compare, 1));
    assert_eq!(open.agreed_at, None);
    assert_eq!(open.self_submitted_by, Some(p.id));
    assert_eq!(open.manager_submitted_by, p.manager_id);
    assert_eq!(
        open.manager_submitted_at,
        Some(open.created_at + 2 * 86_400_000)
    );
    assert_eq!(closed.stage, Stage::Agreed);
    assert_eq!(closed.agreed_at, Some(closed.created_at + 3 * 86_400_000));
    assert_eq!(closed.agreed_by, p.manager_id);
    assert_eq!(store.ratings(open.id).await.unwrap().len(), 2 * DEMO_SKILLS);
    assert_eq!(
        store.ratings(closed.id).await.unwrap().len(),
        3 * DEMO_SKILLS
    );
    assert_eq!(
        store.rating_history(p.id).await.unwrap().len(),
        8 * DEMO_SKILLS
    );

    // The newest ratings match the input, for one person and for a team.
    for p in [&everyone[0], &everyone[57], &everyone[199]] {
        let latest = store.latest_ratings(&[p.id]).await.unwrap();
        assert_eq!(
            summary(&latest),
            expected_latest(&input, p.id),
            "{}",
            p.name
        );
        assert_eq!(latest.len(), 3 * DEMO_SKILLS);
    }
    let team: Vec<PersonId> = ids[20..70].to_vec();
    let latest = store.latest_ratings(&team).await.unwrap();
    assert_eq!(latest.len(), 50 * 3 * DEMO_SKILLS);
    let newest_cycle = store.assessments_of(ids[20]).await.unwrap()[0].id;
    assert!(
        latest
            .iter()
            .filter(|r| r.person_id == ids[20] && r.rater_kind == RaterKind::SelfRater)
            .all(|r| r.assessment_id == newest_cycle)
    );

    // Evidence: two pieces per person per cycle, each for two skills.
    assert_eq!(store.evidence_of(p.id).await.unwrap().len(), 6);
    let counts = store.evidence_counts(&team).await.unwrap();
    assert_eq!(counts.iter().map(|c| c.2).sum::<i64>(), 50 * 6 * 2);
    let logged = store.evidence_of(ids[20]).await.unwrap();
    assert_eq!(
        logged[0].created_by, ids[20],
        "created by the person, without an actor"
    );

    // One audit event per call, with the count.
    let people_events = events_of(&store, "person.bulk-create").await;
    assert_eq!(people_events.len(), 2, "managers, then their reports");
    assert_eq!(people_events[0].details, json!({ "count": 180 }));
    assert_eq!(people_events[0].target, "people");
    let loaded = events_of(&store, "assessment.bulk-create").await;
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].details, json!({ "count": 600 }));
    assert_eq!(loaded[0].target, "assessments");
    let added = events_of(&store, "evidence.bulk-create").await;
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].details, json!({ "count": 1_200 }));

    // Bad input anywhere in a batch writes nothing.
    let before = events(&store).await.len();
    let mut bad = demo_assessments(&everyone[..3], load.version, 1);
    bad[2].ratings[4].2.level = None;
    assert_err!(
        store.bulk_create_assessments(bad, &system(9)).await,
        Invalid
    );
    let mut bad = demo_assessments(&everyone[..3], load.version, 1);
    bad[1].ratings[0].1 = 9_999;
    assert_err!(
        store.bulk_create_assessments(bad, &system(9)).await,
        Invalid
    );
    let bad = demo_assessments(&everyone[..3], 9_999, 1);
    assert_err!(
        store.bulk_create_assessments(bad, &system(9)).await,
        Invalid
    );
    assert_eq!(store.assessments_of(everyone[0].id).await.unwrap().len(), 3);
    let ghost = NewPerson {
        manager_id: Some(9_999),
        ..new_person("ghost@demo.example.com", "Ghost")
    };
    assert_err!(
        store
            .bulk_create_people(
                vec![new_person("new@demo.example.com", "New"), ghost],
                &system(9)
            )
            .await,
        Invalid
    );
    let twice = vec![
        new_person("twin@demo.example.com", "Twin"),
        new_person("TWIN@demo.example.com", "Twin again"),
    ];
    assert_err!(store.bulk_create_people(twice, &system(9)).await, Conflict);
    assert_err!(
        store
            .bulk_create_people(
                vec![new_person("person3@DEMO.example.com", "Dup")],
                &system(9)
            )
            .await,
        Conflict
    );
    assert_err!(
        store
            .bulk_add_evidence(
                vec![
                    evidence(ids[0], "2026-01-01", "Fine", &["s"]),
                    evidence(ids[0], "2026-01-01", "No skills", &[]),
                ],
                &system(9)
            )
            .await,
        Invalid
    );
    assert_eq!(store.people().await.unwrap().len(), 200);
    assert_eq!(store.evidence_of(ids[0]).await.unwrap().len(), 6);
    assert_eq!(
        events(&store).await.len(),
        before,
        "refused batches are not audited"
    );

    // Empty batches write nothing at all.
    assert!(
        store
            .bulk_create_people(vec![], &system(9))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .bulk_create_assessments(vec![], &system(9))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store.bulk_add_evidence(vec![], &system(9)).await.unwrap(),
        0
    );
    assert_eq!(events(&store).await.len(), before);

    // A record read (and its history kept) before a bulk load of more ratings shows them after it:
    // bulk loads count their ratings as single ones do.
    let p = &everyone[57];
    let read = |id| {
        let store = &store;
        async move { store.person_record(id).await.unwrap().rating_history }
    };
    assert_eq!(read(p.id).await.len(), 8 * DEMO_SKILLS);
    assert_eq!(
        read(p.id).await.len(),
        8 * DEMO_SKILLS,
        "from the kept history"
    );
    let mut later = demo_assessments(std::slice::from_ref(p), load.version, 2);
    let mut later = later.swap_remove(0);
    later.assessment.cycle = "2030-H1".into();
    store
        .bulk_create_assessments(vec![later], &system(10))
        .await
        .unwrap();
    let history = read(p.id).await;
    assert_eq!(history.len(), 11 * DEMO_SKILLS);
    assert!(
        history
            .windows(2)
            .all(|w| (w[0].at, w[0].id) < (w[1].at, w[1].id))
    );
    assert_eq!(read(everyone[58].id).await.len(), 8 * DEMO_SKILLS);
}

pub async fn growth_ids_are_checked<S: Store>(store: S) {
    let Team { ann, .. } = team(&store).await;
    let before = events(&store).await.len();
    let audit = by(ann.id, 5);
    assert_err!(store.assessment(9_999).await, NotFound);
    assert_err!(store.assessments_of(9_999).await, NotFound);
    assert_err!(store.ratings(9_999).await, NotFound);
    assert_err!(store.rating_history(9_999).await, NotFound);
    assert_err!(store.peer_request(9_999).await, NotFound);
    assert_err!(store.peer_requests_of_assessment(9_999).await, NotFound);
    assert_err!(store.peer_requests_for(9_999).await, NotFound);
    assert_err!(store.evidence_of(9_999).await, NotFound);
    assert_err!(
        store
            .advance_assessment(9_999, Stage::Manager, ann.id, 1, &audit)
            .await,
        NotFound
    );
    assert!(store.latest_ratings(&[9_999]).await.unwrap().is_empty());
    assert!(store.evidence_counts(&[9_999]).await.unwrap().is_empty());
    // Someone who exists but has nothing yet has empty lists.
    assert!(store.assessments_of(ann.id).await.unwrap().is_empty());
    assert!(store.rating_history(ann.id).await.unwrap().is_empty());
    assert!(store.evidence_of(ann.id).await.unwrap().is_empty());
    assert!(store.peer_requests_for(ann.id).await.unwrap().is_empty());
    assert_eq!(events(&store).await.len(), before, "nothing was audited");
}

// ---------------------------------------------------------------------------------------------
// The load benchmark (run by the ignored `*_loads_a_demo_organisation` tests).

/// Loads `people` × `cycles` and times the hot reads: a person page (their assessments, newest
/// ratings and evidence counts) one after another and from `concurrency` tasks at once, and a team
/// page (newest ratings of 50 people). Prints a report and returns it.
pub async fn load_benchmark<S: Store>(
    store: &S,
    backend: &str,
    people: usize,
    cycles: usize,
) -> String {
    let load = load_demo(store, people, cycles).await;
    let ids: Vec<PersonId> = load.people.iter().map(|p| p.id).collect();
    let pick = |i: usize| ids[(mix(&[i as u64]) % ids.len() as u64) as usize];

    // One person page: what the person page and readiness API read.
    async fn page<S: Store>(store: &S, id: PersonId) {
        let assessments = store.assessments_of(id).await.unwrap();
        let latest = store.latest_ratings(&[id]).await.unwrap();
        let counts = store.evidence_counts(&[id]).await.unwrap();
        assert!(!assessments.is_empty() && !latest.is_empty() && !counts.is_empty());
    }
    let n = 2_000;
    let started = Instant::now();
    for i in 0..n {
        page(store, pick(i)).await;
    }
    let sequential = started.elapsed();

    let concurrency = 64;
    let per_task = 200;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..concurrency {
        let store = store.clone();
        let ids: Vec<PersonId> = (0..per_task).map(|i| pick(t * per_task + i)).collect();
        tasks.spawn(async move {
            for id in ids {
                page(&store, id).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let concurrent = started.elapsed();

    let teams = 100;
    let started = Instant::now();
    for t in 0..teams {
        let start = (t * 50) % ids.len().saturating_sub(50).max(1);
        let team = &ids[start..(start + 50).min(ids.len())];
        let latest = store.latest_ratings(team).await.unwrap();
        let counts = store.evidence_counts(team).await.unwrap();
        assert!(!latest.is_empty() && !counts.is_empty());
    }
    let team_time = started.elapsed();

    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    let report = format!(
        "{backend}: loaded {} people in {:.1} s, {} assessments with {} ratings in {:.1} s \
         ({:.0} ratings/s), {} pieces of evidence in {:.1} s; total {:.1} s\n\
         {backend}: person page reads (assessments_of + latest_ratings + evidence_counts): \
         {:.3} ms each one at a time, {:.0} pages/s from {concurrency} tasks\n\
         {backend}: team page reads (latest_ratings + evidence_counts of 50 people): {:.2} ms each",
        load.people.len(),
        load.people_time.as_secs_f64(),
        load.assessments,
        load.ratings,
        load.assessments_time.as_secs_f64(),
        load.ratings as f64 / load.assessments_time.as_secs_f64(),
        load.evidence,
        load.evidence_time.as_secs_f64(),
        (load.people_time + load.assessments_time + load.evidence_time).as_secs_f64(),
        ms(sequential) / n as f64,
        (concurrency * per_task) as f64 / concurrent.as_secs_f64(),
        ms(team_time) / teams as f64,
    );
    println!("{report}");
    report
}

/// A person's record and a group's observations, each read in one go, hold exactly what the
/// one-by-one listings return: same rows, same order, text (quotes, newlines, non-ASCII) intact.
pub async fn records_are_read_whole<S: Store>(store: S) {
    let Team {
        ann,
        mia,
        pat,
        version,
    } = team(&store).await;
    let team = store.ensure_team("Platform", &system(2)).await.unwrap();
    let ann = store
        .update_person(
            ann.id,
            trellis_store::PersonUpdate {
                team_id: Some(Some(team.id)),
                role_level: Some(Some("engineering/senior-engineer".into())),
                role_level_version: Some(Some(version)),
                ..Default::default()
            },
            &system(3),
        )
        .await
        .unwrap();
    // Reports sort by name ignoring case: "bo" before "Cy" before "Zed".
    let zed = reporting_to(&store, "zed@example.com", "Zed", ann.id).await;
    let bo = reporting_to(&store, "bo@example.com", "bo", ann.id).await;
    let cy = reporting_to(&store, "cy@example.com", "Cy", ann.id).await;
    // An indirect report is not a direct one.
    reporting_to(&store, "dee@example.com", "Dee", bo.id).await;
    // Records are read for pages and carry no password hash, though these three have one.
    for id in [ann.id, mia.id, bo.id] {
        store
            .set_password(
                id,
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                &system(4),
            )
            .await
            .unwrap();
    }
    let without_hash = |id| {
        let store = &store;
        async move {
            let person = store.person(id).await.unwrap();
            assert!(person.password_hash.is_some());
            trellis_store::Person {
                password_hash: None,
                ..person
            }
        }
    };

    let older = opened(
        &store,
        assessment_of(ann.id, version, "2025-H2"),
        &by(ann.id, 10),
    )
    .await;
    let tricky = "said \"ship it\"\nthen\ttabbed \\ and wrote naïve ☃";
    store
        .record_ratings(
            older.id,
            RaterKind::SelfRater,
            ann.id,
            vec![
                NewRating {
                    comment: Some(tricky.into()),
                    ..rate("sfia/prog", "3")
                },
                not_applicable("sfia/test", "no \"testing\" here"),
            ],
            1,
            &by(ann.id, 11),
        )
        .await
        .unwrap();
    let asked = store
        .request_peer_input(
            older.id,
            pat.id,
            vec!["sfia/prog".into()],
            ann.id,
            Vec::new(),
            &by(ann.id, 12),
        )
        .await
        .unwrap();
    store
        .submit_peer_input(
            asked.id,
            vec![rate("sfia/prog", "4")],
            Vec::new(),
            &by(pat.id, 13),
        )
        .await
        .unwrap();
    let newer = opened(
        &store,
        another_assessment_of(ann.id, version, "2026-H1"),
        &by(ann.id, 20),
    )
    .await;
    store
        .record_ratings(
            newer.id,
            RaterKind::Manager,
            mia.id,
            vec![rate("sfia/prog", "5")],
            1,
            &by(mia.id, 21),
        )
        .await
        .unwrap();
    // Ann is asked for input on Mia's assessment: a request addressed to her.
    let mias = opened(
        &store,
        assessment_of(mia.id, version, "2026-H1"),
        &by(mia.id, 30),
    )
    .await;
    store
        .request_peer_input(
            mias.id,
            ann.id,
            vec!["house/comms".into()],
            mia.id,
            Vec::new(),
            &by(mia.id, 31),
        )
        .await
        .unwrap();
    store
        .add_evidence(
            NewEvidence {
                description: tricky.into(),
                links: vec!["https://example.com/a?b=\"c\"".into()],
                corroborators: vec!["Zoë".into()],
                ..evidence(
                    ann.id,
                    "2026-02-01",
                    "Led the review",
                    &["sfia/prog", "house/comms"],
                )
            },
            &by(mia.id, 40),
        )
        .await
        .unwrap();
    store
        .add_evidence(
            evidence(ann.id, "2026-03-01", "Shipped", &["sfia/prog"]),
            &by(ann.id, 41),
        )
        .await
        .unwrap();

    let record = store.person_record(ann.id).await.unwrap();
    assert_eq!(record.person, without_hash(ann.id).await);
    assert_eq!(record.team, Some(team));
    assert_eq!(record.manager, Some(without_hash(mia.id).await));
    assert_eq!(
        record
            .direct_reports
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        [bo.id, cy.id, zed.id]
    );
    assert_eq!(record.direct_reports[0], without_hash(bo.id).await);
    assert_eq!(
        record.assessments,
        store.assessments_of(ann.id).await.unwrap()
    );
    assert_eq!(record.assessments.len(), 2);
    assert_eq!(record.evidence, store.evidence_of(ann.id).await.unwrap());
    assert_eq!(record.evidence.len(), 2);
    assert_eq!(record.evidence[1].description, tricky);
    assert_eq!(
        record.rating_history,
        store.rating_history(ann.id).await.unwrap()
    );
    assert_eq!(record.rating_history.len(), 4);
    assert_eq!(record.rating_history[0].comment.as_deref(), Some(tricky));
    assert_eq!(
        record.peer_requests,
        store.peer_requests_for(ann.id).await.unwrap()
    );
    assert_eq!(record.peer_requests.len(), 1);
    // Mia and Ann added evidence, Pat gave a peer rating; Bo, Cy and Zed did neither.
    assert_eq!(
        record.names,
        [
            (mia.id, "Mia".to_owned()),
            (ann.id, "Ann".to_owned()),
            (pat.id, "Pat".to_owned())
        ]
    );

    // Someone with nothing recorded: empty lists, no team, no manager.
    let empty = store.person_record(zed.id).await.unwrap();
    assert_eq!(empty.manager.map(|m| m.id), Some(ann.id));
    assert!(empty.team.is_none());
    assert!(
        empty.direct_reports.is_empty()
            && empty.assessments.is_empty()
            && empty.evidence.is_empty()
            && empty.rating_history.is_empty()
            && empty.peer_requests.is_empty()
            && empty.names.is_empty()
    );
    let mia_record = store.person_record(mia.id).await.unwrap();
    assert!(mia_record.manager.is_none());
    assert_eq!(mia_record.direct_reports.len(), 2, "Ann and Pat");
    assert_err!(store.person_record(9_999).await, NotFound);

    // Observations: the newest ratings and evidence counts of several people at once.
    let people = [ann.id, mia.id, pat.id, 9_999];
    let mut seen = store.observations(&people).await.unwrap();
    let latest = store.latest_ratings(&people).await.unwrap();
    super::sort_latest(&mut seen.latest);
    let expected: Vec<LatestRating> = latest.iter().map(LatestRating::from).collect();
    assert_eq!(seen.latest, expected);
    assert_eq!(
        seen.evidence_counts,
        store.evidence_counts(&people).await.unwrap()
    );
    assert_eq!(
        summary(&latest),
        [
            row("sfia/prog", RaterKind::Manager, "5"),
            row("sfia/prog", RaterKind::Peer, "4"),
            row("sfia/prog", RaterKind::SelfRater, "3"),
            row("sfia/test", RaterKind::SelfRater, "n/a:no \"testing\" here"),
        ],
        "newest per skill and kind, by skill then kind (as stored: manager, peer, self)"
    );
    assert_eq!(
        seen.evidence_counts,
        [
            (ann.id, "house/comms".to_owned(), 1),
            (ann.id, "sfia/prog".to_owned(), 2)
        ]
    );
    assert_eq!(
        store.observations(&[]).await.unwrap(),
        trellis_store::Observations::default()
    );
    assert_eq!(
        store.observations(&[9_999]).await.unwrap(),
        trellis_store::Observations::default()
    );

    // Read again after a new rating, the record has it: a history kept from the read above
    // does not stand in for the changed one.
    let revision = store.assessment(newer.id).await.unwrap().revision;
    store
        .record_ratings(
            newer.id,
            RaterKind::Manager,
            mia.id,
            vec![rate("house/comms", "2")],
            revision,
            &by(mia.id, 50),
        )
        .await
        .unwrap();
    let again = store.person_record(ann.id).await.unwrap();
    assert_eq!(again.rating_history.len(), 5);
    assert_eq!(
        again.rating_history,
        store.rating_history(ann.id).await.unwrap()
    );
    assert_eq!(store.person_record(ann.id).await.unwrap(), again);
}

pub async fn open_assessments_are_what_waits<S: Store>(store: S) {
    let Team {
        ann, mia, version, ..
    } = team(&store).await;
    let mut ids = Vec::new();
    for (person, cycle, at) in [
        (ann.id, "2026-H1", 10),
        (mia.id, "2026-H1", 20),
        (ann.id, "2026-H2", 30),
    ] {
        // Ann's second is against another role level: one open assessment per role level.
        let new = if at == 30 {
            another_assessment_of(person, version, cycle)
        } else {
            assessment_of(person, version, cycle)
        };
        let a = opened(&store, new, &by(mia.id, at)).await;
        ids.push(a);
    }
    // Agree Ann's first one: it no longer waits.
    let first = &ids[0];
    let mut revision = first.revision;
    for (kind, to) in [
        (RaterKind::SelfRater, Stage::Manager),
        (RaterKind::Manager, Stage::Compare),
        (RaterKind::Agreed, Stage::Agreed),
    ] {
        let done = store
            .submit_ratings(
                first.id,
                kind,
                mia.id,
                vec![rate("sfia/prog", "3")],
                revision,
                Some(to),
                Vec::new(),
                &by(mia.id, 40),
            )
            .await
            .unwrap();
        revision = done.revision;
    }
    let open = store
        .open_assessments(&[ann.id, mia.id, 999_999])
        .await
        .unwrap();
    assert_eq!(
        open.iter().map(|a| a.id).collect::<Vec<_>>(),
        [ids[1].id, ids[2].id],
        "oldest first, agreed ones left out"
    );
    assert_eq!(store.open_assessments(&[ann.id]).await.unwrap().len(), 1);
    assert!(store.open_assessments(&[]).await.unwrap().is_empty());
}
