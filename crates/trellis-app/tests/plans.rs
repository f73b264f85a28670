//! Development plans through the use cases: goals made in one step from readiness gaps, owned by
//! the person, commented on and suggested to by their managers only, and met when an agreed
//! assessment reaches the target.

mod common;

use common::{Org, actor, rated_as_required};
use trellis_app::AppError;
use trellis_app::growth::StartInput;
use trellis_app::plans::GoalsInput;
use trellis_store::{Person, RaterKind, SystemRole};

struct Cast {
    org: Org,
    boss: Person,
    ann: Person,
    pat: Person,
    hr: Person,
}

async fn org() -> Cast {
    let o = Org::new().await;
    let boss = o.member("boss", None).await;
    let ann = o.member("ann", Some(&boss)).await;
    let pat = o.member("pat", Some(&boss)).await;
    let hr = o.add("hr", None, SystemRole::PeopleTeam).await;
    Cast {
        org: o,
        boss,
        ann,
        pat,
        hr,
    }
}

#[tokio::test]
async fn a_plan_is_made_from_gaps_and_met_by_an_agreed_assessment() {
    let o = org().await;
    let plans = o.org.app.plans();
    let view = plans.view(&actor(&o.ann), o.ann.id).await.unwrap();
    assert!(view.goals.is_empty());
    assert!(
        !view.gaps.is_empty(),
        "nothing rated yet: every requirement is a gap"
    );
    // The gaps of her own role level come first.
    assert_eq!(view.gaps[0].role_level, o.org.role_level);
    let chosen: Vec<String> = view.gaps.iter().take(3).map(|g| g.key.clone()).collect();
    let goals = plans
        .add_goals(
            &actor(&o.ann),
            o.ann.id,
            GoalsInput {
                gaps: chosen.clone(),
                ..GoalsInput::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(goals.len(), 3);
    assert!(
        goals[0].why.starts_with("Required for "),
        "{}",
        goals[0].why
    );
    assert!(goals[0].due_on.is_some(), "a target date by default");
    // Those gaps are goals now, no longer offered.
    let view = plans.view(&actor(&o.ann), o.ann.id).await.unwrap();
    assert!(view.gaps.iter().all(|g| !chosen.contains(&g.key)));
    assert!(view.goals.iter().all(|g| !g.met()));
    // Choosing nothing, or a gap that is not open, says so.
    let none = plans
        .add_goals(&actor(&o.ann), o.ann.id, GoalsInput::default())
        .await;
    assert!(matches!(none, Err(AppError::Invalid(p)) if p[0].field == "gaps"));
    let stale = GoalsInput {
        gaps: vec![chosen[0].clone()],
        ..GoalsInput::default()
    };
    assert!(matches!(
        plans.add_goals(&actor(&o.ann), o.ann.id, stale).await,
        Err(AppError::Invalid(_))
    ));

    // The plan is the person's: the manager cannot add goals or actions, but comments and
    // suggests, and Ann is told.
    let by_boss = GoalsInput {
        gaps: vec![view.gaps[0].key.clone()],
        ..GoalsInput::default()
    };
    let refused = plans.add_goals(&actor(&o.boss), o.ann.id, by_boss).await;
    assert!(matches!(refused, Err(AppError::Forbidden(_))));
    let goal = goals[0].id;
    let refused = plans
        .add_action(&actor(&o.boss), o.ann.id, goal, "course", "x", "")
        .await;
    assert!(matches!(refused, Err(AppError::Forbidden(_))));
    plans
        .comment(
            &actor(&o.boss),
            o.ann.id,
            goal,
            "suggestion",
            "Shadow Pat on the next review",
        )
        .await
        .unwrap();
    let inbox = o.org.inbox(&o.ann).await;
    assert_eq!(inbox[0].kind, "plan.suggestion");
    // A peer may not even read it (to them there is no such person); the people team reads it
    // but does not write on it.
    assert!(matches!(
        plans.view(&actor(&o.pat), o.ann.id).await,
        Err(AppError::NotFound(_))
    ));
    assert_eq!(
        plans
            .view(&actor(&o.hr), o.ann.id)
            .await
            .unwrap()
            .goals
            .len(),
        3
    );
    assert!(matches!(
        plans
            .comment(&actor(&o.hr), o.ann.id, goal, "comment", "x")
            .await,
        Err(AppError::Forbidden(_))
    ));
    // Ann's own note is progress, whatever kind was sent.
    let note = plans
        .comment(
            &actor(&o.ann),
            o.ann.id,
            goal,
            "suggestion",
            "Booked the course",
        )
        .await
        .unwrap();
    assert_eq!(note.kind, trellis_store::CommentKind::Progress);
    let action = plans
        .add_action(
            &actor(&o.ann),
            o.ann.id,
            goal,
            "course",
            "Testing course",
            "2027-01-31",
        )
        .await
        .unwrap();
    let bad = plans
        .add_action(&actor(&o.ann), o.ann.id, goal, "holiday", " ", "next week")
        .await;
    match bad {
        Err(AppError::Invalid(p)) => assert_eq!(p.len(), 3, "{p:?}"),
        other => panic!("{other:?}"),
    }
    // A step due tomorrow is reminded once, to its owner.
    let today = trellis_app::time::today();
    let tomorrow =
        trellis_app::time::date(trellis_app::time::now_millis() + trellis_app::time::day_ms());
    plans
        .add_action(
            &actor(&o.ann),
            o.ann.id,
            goal,
            "project",
            "Run the review",
            &tomorrow,
        )
        .await
        .unwrap();
    assert_eq!(
        trellis_app::reminders::send_due(&o.org.app, &today)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        trellis_app::reminders::send_due(&o.org.app, &today)
            .await
            .unwrap(),
        0,
        "once"
    );
    let inbox = o.org.inbox(&o.ann).await;
    assert_eq!(inbox[0].kind, "plan.action-due");
    assert!(
        inbox[0].subject.contains("due tomorrow: Run the review"),
        "{}",
        inbox[0].subject
    );
    plans
        .complete_action(&actor(&o.ann), o.ann.id, goal, action.id)
        .await
        .unwrap();
    // A goal of someone else's plan is not found through Ann's.
    assert!(matches!(
        plans
            .complete_action(&actor(&o.pat), o.pat.id, goal, action.id)
            .await,
        Err(AppError::NotFound(_))
    ));

    // An assessment agreed at the required levels meets every goal toward her role level.
    let assessments = o.org.app.assessments();
    let start = StartInput {
        role_level: o.org.role_level.clone(),
        ..StartInput::default()
    };
    let started = assessments
        .start(&actor(&o.boss), o.ann.id, start)
        .await
        .unwrap();
    for (who, kind) in [
        (&o.ann, RaterKind::SelfRater),
        (&o.boss, RaterKind::Manager),
        (&o.boss, RaterKind::Agreed),
    ] {
        let a = assessments.view(&actor(who), started.id).await.unwrap();
        assessments
            .submit(&actor(who), &a, rated_as_required(&a, kind))
            .await
            .unwrap();
    }
    let view = plans.view(&actor(&o.ann), o.ann.id).await.unwrap();
    let toward_current: Vec<_> = view
        .goals
        .iter()
        .filter(|g| g.goal.role_level.as_deref() == Some(o.org.role_level.as_str()))
        .collect();
    assert!(!toward_current.is_empty());
    assert!(
        toward_current.iter().all(|g| g.met()),
        "met by the agreed ratings"
    );
    assert!(toward_current.iter().all(|g| g.agreed.is_some()));
}

#[tokio::test]
async fn a_plan_is_started_from_the_role_levels_first_year_goals() {
    let o = org().await;
    let plans = o.org.app.plans();
    let rl = o.org.role_level.clone();
    // Offered to the person, their manager and the people team; not to a peer (who sees nothing).
    for reader in [&o.ann, &o.boss, &o.hr] {
        let view = plans.view(&actor(reader), o.ann.id).await.unwrap();
        let offer = view
            .onboarding
            .expect("the starter's levels have first-year goals");
        assert_eq!(offer.role_level, rl);
        assert!(offer.goals >= 3, "{offer:?}");
    }
    assert!(matches!(
        plans.start_onboarding(&actor(&o.pat), o.ann.id, &rl).await,
        Err(AppError::NotFound(_))
    ));
    // Only from the role level the person holds.
    let other = plans
        .start_onboarding(&actor(&o.hr), o.ann.id, "engineering/staff-engineer")
        .await;
    assert_eq!(common::fields(other.unwrap_err()), ["role_level"]);

    let made = plans
        .start_onboarding(&actor(&o.hr), o.ann.id, &rl)
        .await
        .unwrap();
    let view = plans.view(&actor(&o.ann), o.ann.id).await.unwrap();
    assert_eq!(view.milestones.len(), made.len());
    assert!(view.onboarding.is_none(), "started: no longer offered");
    // Each stage is due that many days from today, the 30-day goals first.
    let today = trellis_app::time::now_millis();
    let in_30 = trellis_app::time::date(today + 30 * trellis_app::time::day_ms());
    assert_eq!(view.milestones[0].stage, "days_30");
    assert_eq!(view.milestones[0].due_on, in_30);
    assert!(!view.milestones[0].evidence.is_empty());
    // Once per role level, whoever asks.
    let again = plans.start_onboarding(&actor(&o.boss), o.ann.id, &rl).await;
    assert!(matches!(again, Err(AppError::Conflict { .. })), "{again:?}");

    // Done by the person only, once.
    let first = view.milestones[0].id;
    assert!(matches!(
        plans
            .complete_milestone(&actor(&o.boss), o.ann.id, first)
            .await,
        Err(AppError::Forbidden(_))
    ));
    let done = plans
        .complete_milestone(&actor(&o.ann), o.ann.id, first)
        .await
        .unwrap();
    assert!(done.done_at.is_some());
    assert!(matches!(
        plans
            .complete_milestone(&actor(&o.ann), o.ann.id, first)
            .await,
        Err(AppError::Conflict { .. })
    ));
    // Another person's milestone is not found in this plan.
    assert!(matches!(
        plans
            .complete_milestone(&actor(&o.pat), o.pat.id, first)
            .await,
        Err(AppError::NotFound(_))
    ));
}
