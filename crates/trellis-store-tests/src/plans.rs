//! Stories of development plans: goals added all or none, one open goal per skill, actions and
//! comments kept with their goal, evidence linked only from the owner's record, and audit events
//! without what was written.

use trellis_store::{
    CommentKind, NewGoal, NewMilestone, NewPlanAction, PlanActionKind, Store, StoreError,
};

use super::growth::evidence;
use super::{assert_never_logged, by, events_of, notice_for, person, reporting_to};

fn goal(person: i64, skill: &str, level: &str) -> NewGoal {
    NewGoal {
        person_id: person,
        skill: skill.into(),
        target_level: level.into(),
        role_level: Some("engineering/senior-engineer".into()),
        due_on: Some("2027-03-31".into()),
        why: "Needed for the next level".into(),
    }
}

pub async fn plans_hold_goals_actions_and_comments<S: Store>(store: S) {
    let mia = person(&store, "mia@example.com", "Mia").await;
    let ann = reporting_to(&store, "ann@example.com", "Ann", mia.id).await;
    let ola = person(&store, "ola@example.com", "Ola").await;

    let made = store
        .create_goals(
            vec![goal(ann.id, "testing", "3"), goal(ann.id, "design", "4")],
            &by(ann.id, 10),
        )
        .await
        .unwrap();
    assert_eq!(made.len(), 2);
    assert_eq!(
        (made[0].skill.as_str(), made[0].target_level.as_str()),
        ("testing", "3")
    );
    // A second goal for a skill with an open one: nothing written, not even the other goal.
    let again = store
        .create_goals(
            vec![goal(ann.id, "security", "2"), goal(ann.id, "testing", "4")],
            &by(ann.id, 11),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(m)) if m.contains("testing")));
    assert_eq!(
        store.plan_of(ann.id).await.unwrap().goals.len(),
        2,
        "all or none"
    );
    // Goals of two people at once, or a bad date, are refused.
    let mixed = vec![goal(ann.id, "security", "2"), goal(ola.id, "security", "2")];
    assert!(matches!(
        store.create_goals(mixed, &by(ann.id, 11)).await,
        Err(StoreError::Invalid(_))
    ));
    let bad_day = NewGoal {
        due_on: Some("soon".into()),
        ..goal(ann.id, "security", "2")
    };
    assert!(matches!(
        store.create_goals(vec![bad_day], &by(ann.id, 11)).await,
        Err(StoreError::Invalid(_))
    ));

    let testing = made[0].id;
    let action = store
        .add_plan_action(
            NewPlanAction {
                goal_id: testing,
                kind: PlanActionKind::Course,
                body: "SECRET-COURSE on property testing".into(),
                due_on: Some("2027-01-15".into()),
            },
            &by(ann.id, 20),
        )
        .await
        .unwrap();
    let done = store
        .complete_plan_action(testing, action.id, &by(ann.id, 30))
        .await
        .unwrap();
    assert_eq!(done.done_at, Some(30));
    assert!(matches!(
        store
            .complete_plan_action(testing, action.id, &by(ann.id, 31))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        matches!(
            store
                .complete_plan_action(made[1].id, action.id, &by(ann.id, 31))
                .await,
            Err(StoreError::NotFound(_)),
        ),
        "an action through another goal is not found"
    );

    let told = notice_for(
        ann.id,
        "plan.suggestion",
        "Mia suggests something",
        &format!("/people/{}/plan", ann.id),
    );
    let suggestion = store
        .add_plan_comment(
            testing,
            CommentKind::Suggestion,
            "SECRET-SUGGESTION pair with Ola".into(),
            vec![told],
            &by(mia.id, 40),
        )
        .await
        .unwrap();
    assert_eq!(suggestion.author_name, "Mia");
    assert_eq!(store.unread_count(ann.id).await.unwrap(), 1);

    // Evidence from the owner's record only.
    let own = store
        .add_evidence(
            evidence(ann.id, "2026-11-01", "Test suite", &["testing"]),
            &by(ann.id, 50),
        )
        .await
        .unwrap();
    let others = store
        .add_evidence(
            evidence(ola.id, "2026-11-01", "Not Ann's", &["testing"]),
            &by(ola.id, 50),
        )
        .await
        .unwrap();
    store
        .link_goal_evidence(testing, own.id, &by(ann.id, 51))
        .await
        .unwrap();
    store
        .link_goal_evidence(testing, own.id, &by(ann.id, 52))
        .await
        .unwrap();
    assert!(matches!(
        store
            .link_goal_evidence(testing, others.id, &by(ann.id, 52))
            .await,
        Err(StoreError::Invalid(_))
    ));

    let plan = store.plan_of(ann.id).await.unwrap();
    assert_eq!(plan.actions.len(), 1);
    assert_eq!(plan.comments.len(), 1);
    assert_eq!(plan.evidence, vec![(testing, own.id)], "linked once");

    // Steps due are found once for their reminder; done steps and other days are not.
    let design_step = store
        .add_plan_action(
            NewPlanAction {
                goal_id: made[1].id,
                kind: PlanActionKind::Mentoring,
                body: "Ask Mia".into(),
                due_on: Some("2027-02-01".into()),
            },
            &by(ann.id, 55),
        )
        .await
        .unwrap();
    assert!(
        store
            .plan_actions_due("2027-01-31", 10)
            .await
            .unwrap()
            .is_empty()
    );
    let due = store.plan_actions_due("2027-02-01", 10).await.unwrap();
    assert_eq!(due.len(), 1, "the done step is not due: {due:?}");
    assert_eq!((due[0].0, due[0].1.id), (ann.id, design_step.id));
    let system = super::system(56);
    assert!(
        store
            .mark_plan_action_reminded(design_step.id, vec![], &system)
            .await
            .unwrap()
    );
    assert!(
        !store
            .mark_plan_action_reminded(design_step.id, vec![], &system)
            .await
            .unwrap()
    );
    assert!(
        store
            .plan_actions_due("2027-02-01", 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Closing makes room for a new goal for the skill; closing twice is a conflict.
    store.close_goal(testing, &by(ann.id, 60)).await.unwrap();
    assert!(matches!(
        store.close_goal(testing, &by(ann.id, 61)).await,
        Err(StoreError::Conflict(_))
    ));
    store
        .create_goals(vec![goal(ann.id, "testing", "4")], &by(ann.id, 62))
        .await
        .unwrap();
    let plan = store.plan_of(ann.id).await.unwrap();
    assert_eq!(plan.goals.len(), 3);
    assert!(plan.goals[2].closed_at.is_some(), "closed goals last");
    assert!(matches!(
        store.goal(9_999).await,
        Err(StoreError::NotFound(_))
    ));

    assert_eq!(events_of(&store, "plan.goal-create").await.len(), 2);
    assert_eq!(events_of(&store, "plan.evidence").await.len(), 1);
    assert_never_logged(&store, "SECRET").await;
}

fn milestone(stage: &str, body: &str, due_on: &str) -> NewMilestone {
    NewMilestone {
        stage: stage.into(),
        body: body.into(),
        evidence: "SECRET-EVIDENCE of success".into(),
        due_on: due_on.into(),
    }
}

pub async fn milestones_start_once_per_role_level<S: Store>(store: S) {
    let ann = person(&store, "ann@example.com", "Ann").await;
    let ola = person(&store, "ola@example.com", "Ola").await;
    let rl = "engineering/software-engineer";

    let made = store
        .create_milestones(
            ann.id,
            rl,
            vec![
                milestone("days_90", "SECRET-GOAL picks up work alone", "2027-04-01"),
                milestone("days_30", "Ships a first change", "2027-01-31"),
            ],
            &by(ann.id, 10),
        )
        .await
        .unwrap();
    assert_eq!(made.len(), 2);
    assert_eq!(made[1].stage, "days_30");
    assert_eq!(made[1].role_level, rl);
    assert_eq!(made[1].created_by, ann.id);

    // The same role level again: refused, nothing written.
    let again = store
        .create_milestones(
            ann.id,
            rl,
            vec![milestone("days_30", "Again", "2027-01-31")],
            &by(ann.id, 11),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(m)) if m.contains(rl)));
    // An unknown stage, empty text or a bad day: refused, nothing written.
    for bad in [
        milestone("days_45", "Odd", "2027-01-31"),
        milestone("days_30", "  ", "2027-01-31"),
        milestone("days_30", "Odd", "soon"),
    ] {
        let refused = store
            .create_milestones(
                ann.id,
                "product/product-manager",
                vec![milestone("days_60", "Fine", "2027-03-01"), bad],
                &by(ann.id, 12),
            )
            .await;
        assert!(
            matches!(refused, Err(StoreError::Invalid(_))),
            "{refused:?}"
        );
    }
    // Soonest due first, all or none.
    let plan = store.plan_of(ann.id).await.unwrap();
    let bodies: Vec<&str> = plan.milestones.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["Ships a first change", "SECRET-GOAL picks up work alone"]
    );

    // Done once, only in its owner's plan.
    let first = plan.milestones[0].id;
    assert!(matches!(
        store
            .complete_milestone(ola.id, first, &by(ola.id, 20))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let done = store
        .complete_milestone(ann.id, first, &by(ann.id, 21))
        .await
        .unwrap();
    assert_eq!(done.done_at, Some(21));
    assert!(matches!(
        store
            .complete_milestone(ann.id, first, &by(ann.id, 22))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.plan_of(ola.id).await.unwrap().milestones.is_empty());

    assert_eq!(events_of(&store, "plan.milestones-create").await.len(), 1);
    let done_events = events_of(&store, "plan.milestone-done").await;
    assert_eq!(done_events.len(), 1);
    assert_eq!(done_events[0].target, format!("person:{}", ann.id));
    assert_never_logged(&store, "SECRET").await;
}
