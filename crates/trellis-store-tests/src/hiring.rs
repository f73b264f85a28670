//! Stories of hiring: an opening with its stages, candidates, one interview per stage and
//! interviewer, scorecards that are final once their interviewer has read the others, decisions
//! taken once, and unsuccessful candidates erased after the retention period with their scores
//! kept; audit events without personal data or notes.

use std::collections::BTreeMap;

use trellis_store::{
    Hire, NewCandidate, NewGoal, NewInterview, NewMilestone, NewOpening, NewPerson, OpeningStage,
    Scorecard, Scores, Stages, Store, StoreError,
};

use super::{assert_never_logged, by, events_of, person};

fn stages() -> Stages {
    Stages(vec![
        OpeningStage {
            name: "Exercise".into(),
            dimensions: vec!["Craft".into()],
            interviewers: Vec::new(),
        },
        OpeningStage {
            name: "Interview".into(),
            dimensions: vec!["Craft".into(), "Teamwork".into()],
            interviewers: Vec::new(),
        },
    ])
}

fn card(craft: u8, notes: &str) -> Scorecard {
    Scorecard {
        scores: Scores(BTreeMap::from([("Craft".to_owned(), craft)])),
        notes: notes.into(),
        leaning: "hire".into(),
    }
}

/// An opening for a software engineer, hired by `manager`, through the usual [`stages`].
fn software_engineer(manager: i64, advert: &str) -> NewOpening {
    NewOpening {
        role_level: "engineering/software-engineer".into(),
        title: "Software Engineer".into(),
        hiring_manager_id: manager,
        advert: advert.into(),
        stages: stages(),
    }
}

pub async fn scorecards_are_final_once_the_others_are_read<S: Store>(store: S) {
    let hr = person(&store, "hr@example.com", "Hana").await;
    let boss = person(&store, "boss@example.com", "Bo").await;
    let ivy = person(&store, "ivy@example.com", "Ivy").await;
    let jon = person(&store, "jon@example.com", "Jon").await;

    let opening = store
        .create_opening(software_engineer(boss.id, "## Job advert"), &by(hr.id, 10))
        .await
        .unwrap();
    assert_eq!(opening.stages, stages());
    let no_stage = NewOpening {
        role_level: "x/y".into(),
        title: "T".into(),
        hiring_manager_id: boss.id,
        advert: String::new(),
        stages: Stages(vec![]),
    };
    assert!(matches!(
        store.create_opening(no_stage, &by(hr.id, 10)).await,
        Err(StoreError::Invalid(_))
    ));

    let cand = |name: &str| NewCandidate {
        opening_id: opening.id,
        name: name.into(),
        contact: format!("SECRET-CONTACT {name}"),
        source: "Referral".into(),
        consent_on: "2027-01-02".into(),
    };
    let ada = store
        .add_candidate(cand("SECRET-NAME Ada"), &by(boss.id, 11))
        .await
        .unwrap();
    let bea = store
        .add_candidate(cand("SECRET-NAME Bea"), &by(boss.id, 11))
        .await
        .unwrap();
    assert_eq!(ada.status, "active");
    assert_eq!(store.candidates_of(opening.id).await.unwrap().len(), 2);

    let interview = |c: i64, stage: &str, who: i64| NewInterview {
        candidate_id: c,
        stage: stage.into(),
        interviewer_id: who,
        scheduled_on: "2027-01-10".into(),
    };
    let by_ivy = store
        .schedule_interview(interview(ada.id, "Interview", ivy.id), &by(boss.id, 12))
        .await
        .unwrap();
    let by_jon = store
        .schedule_interview(interview(ada.id, "Interview", jon.id), &by(boss.id, 12))
        .await
        .unwrap();
    assert_eq!(by_ivy.interviewer_name, "Ivy");
    // The same stage with the same interviewer twice, or a stage the opening has not: refused.
    assert!(matches!(
        store
            .schedule_interview(interview(ada.id, "Interview", ivy.id), &by(boss.id, 12))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .schedule_interview(interview(ada.id, "Lunch", ivy.id), &by(boss.id, 12))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.interviews_by(ivy.id).await.unwrap().len(), 1);

    // Not submitted: the others are not shown.
    assert!(matches!(
        store.reveal_scorecards(by_ivy.id, &by(ivy.id, 13)).await,
        Err(StoreError::Conflict(_))
    ));
    // Submitted, then changed while the others are unread.
    store
        .submit_scorecard(by_ivy.id, card(2, "SECRET-NOTE first"), &by(ivy.id, 14))
        .await
        .unwrap();
    let changed = store
        .submit_scorecard(by_ivy.id, card(4, "SECRET-NOTE second"), &by(ivy.id, 15))
        .await
        .unwrap();
    assert_eq!(changed.scores.0["Craft"], 4);
    // Out of range or without a leaning: refused.
    let bad = Scorecard {
        leaning: "maybe".into(),
        ..card(3, "")
    };
    assert!(matches!(
        store
            .submit_scorecard(by_jon.id, bad, &by(jon.id, 15))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .submit_scorecard(by_jon.id, card(6, ""), &by(jon.id, 15))
            .await,
        Err(StoreError::Invalid(_))
    ));
    // Read the others: final from then on.
    let revealed = store
        .reveal_scorecards(by_ivy.id, &by(ivy.id, 16))
        .await
        .unwrap();
    assert_eq!(revealed.revealed_at, Some(16));
    let late = store
        .submit_scorecard(by_ivy.id, card(1, "after"), &by(ivy.id, 17))
        .await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
    assert_eq!(
        store.interview(by_ivy.id).await.unwrap().scores.0["Craft"],
        4
    );
    store
        .submit_scorecard(by_jon.id, card(5, "SECRET-NOTE jon"), &by(jon.id, 18))
        .await
        .unwrap();

    // Decided once; a decided candidate's scorecards stay as they are.
    let hired = store
        .decide(
            ada.id,
            "hired",
            "Strong craft".into(),
            Some(ivy.id),
            &by(boss.id, 20),
        )
        .await
        .unwrap();
    assert_eq!(
        (hired.status.as_str(), hired.person_id),
        ("hired", Some(ivy.id))
    );
    assert!(matches!(
        store
            .decide(ada.id, "rejected", "Changed".into(), None, &by(boss.id, 21))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .submit_scorecard(by_jon.id, card(3, ""), &by(jon.id, 22))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let by_ivy_bea = store
        .schedule_interview(interview(bea.id, "Exercise", ivy.id), &by(boss.id, 22))
        .await
        .unwrap();
    store
        .submit_scorecard(by_ivy_bea.id, card(2, "SECRET-NOTE bea"), &by(ivy.id, 23))
        .await
        .unwrap();
    store
        .decide(
            bea.id,
            "rejected",
            "SECRET-REASON".into(),
            None,
            &by(boss.id, 30),
        )
        .await
        .unwrap();

    // Erasure: only those not taken on, decided before the cut-off; their scores stay.
    assert_eq!(store.erase_candidates(30, &by(hr.id, 40)).await.unwrap(), 0);
    assert_eq!(store.erase_candidates(31, &by(hr.id, 41)).await.unwrap(), 1);
    let erased = store.candidate(bea.id).await.unwrap();
    assert_eq!(
        (
            erased.name.as_str(),
            erased.contact.as_str(),
            erased.source.as_str()
        ),
        ("", "", "")
    );
    assert_eq!(erased.decision_reason, None);
    assert_eq!(erased.erased_at, Some(41));
    let kept = store.interviews_of(bea.id).await.unwrap();
    assert_eq!(kept[0].notes, "");
    assert_eq!(kept[0].scores.0["Craft"], 2, "scores kept for calibration");
    let hired_now = store.candidate(ada.id).await.unwrap();
    assert_eq!(hired_now.name, "SECRET-NAME Ada", "a hire is not erased");
    assert_eq!(
        store.erase_candidates(100, &by(hr.id, 42)).await.unwrap(),
        0,
        "erased once"
    );
    assert_eq!(events_of(&store, "hiring.erase").await.len(), 1);
    // The retention period: 180 days unless set, within bounds.
    assert_eq!(store.hiring_retention_days().await.unwrap(), 180);
    store
        .set_hiring_retention_days(30, &by(hr.id, 50))
        .await
        .unwrap();
    assert_eq!(store.hiring_retention_days().await.unwrap(), 30);
    assert!(matches!(
        store.set_hiring_retention_days(0, &by(hr.id, 51)).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(events_of(&store, "hiring.scorecard-submit").await.len(), 4);
    assert_never_logged(&store, "SECRET").await;
}

/// A hire is one transaction: the account, the decision and the first plan together, or, when any
/// part is refused, none of them.
pub async fn a_hire_writes_the_account_decision_and_plan_or_nothing<S: Store>(store: S) {
    let boss = person(&store, "boss@example.com", "Bo").await;
    let opening = store
        .create_opening(software_engineer(boss.id, ""), &by(boss.id, 10))
        .await
        .unwrap();
    let candidate = store
        .add_candidate(
            NewCandidate {
                opening_id: opening.id,
                name: "Ada Lovelace".into(),
                contact: "ada@example.net".into(),
                source: "Referral".into(),
                consent_on: "2027-01-02".into(),
            },
            &by(boss.id, 11),
        )
        .await
        .unwrap();
    let goal = |skill: &str| NewGoal {
        person_id: 0,
        skill: skill.into(),
        target_level: "working".into(),
        role_level: Some("engineering/software-engineer".into()),
        due_on: Some("2027-06-01".into()),
        why: "The interviews scored Craft 2.0 of 5.".into(),
    };
    let milestone = NewMilestone {
        stage: "days_30".into(),
        body: "Ship a first change".into(),
        evidence: String::new(),
        due_on: "2027-02-01".into(),
    };
    let hire = |milestone: NewMilestone| Hire {
        person: NewPerson {
            manager_id: Some(boss.id),
            role_level: Some("engineering/software-engineer".into()),
            ..super::new_person("ada@example.com", "Ada Lovelace")
        },
        reason: "Strong on craft.".into(),
        goals: vec![goal("programming"), goal("testing")],
        milestones: vec![milestone],
    };

    // The last part is refused (a milestone's stage is unknown): nothing of the hire is left.
    let bad = NewMilestone {
        stage: "45".into(),
        ..milestone.clone()
    };
    let refused = store.hire(candidate.id, hire(bad), &by(boss.id, 20)).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert!(
        store
            .person_by_email("ada@example.com")
            .await
            .unwrap()
            .is_none(),
        "no account"
    );
    assert_eq!(
        store.candidate(candidate.id).await.unwrap().status,
        "active"
    );
    assert!(events_of(&store, "hiring.decision").await.is_empty());
    assert!(events_of(&store, "plan.goal-create").await.is_empty());

    // Whole: the account reports to the hiring manager, the candidate is hired with it, and the
    // plan holds both goals and the milestone.
    let (decided, ada) = store
        .hire(candidate.id, hire(milestone.clone()), &by(boss.id, 30))
        .await
        .unwrap();
    assert_eq!(decided.status, "hired");
    assert_eq!(decided.person_id, Some(ada.id));
    assert_eq!(ada.manager_id, Some(boss.id));
    let plan = store.plan_of(ada.id).await.unwrap();
    let mut skills: Vec<&str> = plan.goals.iter().map(|g| g.skill.as_str()).collect();
    skills.sort();
    assert_eq!(skills, ["programming", "testing"]);
    assert!(plan.goals.iter().all(|g| g.person_id == ada.id));
    assert_eq!(plan.milestones.len(), 1);
    assert_eq!(events_of(&store, "hiring.decision").await.len(), 1);

    // Once hired, a second hire is refused and makes no second account.
    let again = Hire {
        person: super::new_person("ada2@example.com", "Ada Lovelace"),
        ..hire(milestone)
    };
    let twice = store.hire(candidate.id, again, &by(boss.id, 40)).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    assert!(
        store
            .person_by_email("ada2@example.com")
            .await
            .unwrap()
            .is_none()
    );
}
