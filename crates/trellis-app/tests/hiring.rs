//! Hiring through the use cases: an opening made from a role level's kit, candidates seen only by
//! the people on their loop, scorecards kept independent (the others' shown to an interviewer
//! only after their own is submitted, and theirs final from then on), and the debrief's weighted
//! score.

mod common;

use std::collections::BTreeMap;

use common::{Org, actor};
use trellis_app::AppError;
use trellis_store::{Person, SystemRole};

struct Cast {
    org: Org,
    boss: Person,
    ivy: Person,
    jon: Person,
    pat: Person,
    hr: Person,
}

async fn org() -> Cast {
    let o = Org::new().await;
    let boss = o.member("boss", None).await;
    let ivy = o.member("ivy", Some(&boss)).await;
    let jon = o.member("jon", Some(&boss)).await;
    let pat = o.member("pat", Some(&boss)).await;
    let hr = o.add("hr", None, SystemRole::PeopleTeam).await;
    Cast {
        org: o,
        boss,
        ivy,
        jon,
        pat,
        hr,
    }
}

fn scores(pairs: &[(&str, u8)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(d, s)| ((*d).to_owned(), s.to_string()))
        .collect()
}

#[tokio::test]
async fn scorecards_stay_independent_and_the_debrief_weighs_them() {
    let o = org().await;
    let hiring = o.org.app.hiring();
    let rl = "engineering/senior-software-engineer".to_owned();

    // The people team opens it; a member may not.
    assert!(matches!(
        hiring
            .create_opening(&actor(&o.boss), &rl, "boss@example.com")
            .await,
        Err(AppError::Forbidden(_))
    ));
    let opening = hiring
        .create_opening(&actor(&o.hr), &rl, "boss@example.com")
        .await
        .unwrap();
    assert!(
        opening.advert.starts_with("## Job advert"),
        "{}",
        opening.advert
    );
    let view = hiring
        .view_opening(&actor(&o.boss), opening.id)
        .await
        .unwrap();
    let dims: Vec<(String, u32)> = view
        .dimensions
        .iter()
        .map(|d| (d.name.clone(), d.weight))
        .collect();
    assert_eq!(dims.iter().map(|d| d.1).sum::<u32>(), 100);
    assert!(
        view.warnings
            .iter()
            .all(|w| !w.starts_with("No stage scores")),
        "the generated plan covers every dimension: {:?}",
        view.warnings
    );
    // Not on the loop: nothing of it exists.
    assert!(matches!(
        hiring.view_opening(&actor(&o.pat), opening.id).await,
        Err(AppError::NotFound(_))
    ));

    let ada = hiring
        .add_candidate(
            &actor(&o.boss),
            opening.id,
            "Ada",
            "ada@example.net",
            "Referral",
            "2027-01-02",
        )
        .await
        .unwrap();
    let bad = hiring
        .add_candidate(&actor(&o.boss), opening.id, " ", "", "", "soon")
        .await;
    assert_eq!(common::fields(bad.unwrap_err()), ["name"]);
    // One stage that scores every dimension, for both interviewers.
    let all_names: Vec<String> = dims.iter().map(|d| d.0.clone()).collect();
    let panel = || {
        vec![trellis_store::OpeningStage {
            name: "Panel".into(),
            dimensions: all_names.clone(),
            interviewers: Vec::new(),
        }]
    };
    // Who interviews is planned by email; an unknown address is named at its stage's field.
    let unknown = hiring
        .update_opening(
            &actor(&o.boss),
            opening.id,
            "## Job advert\n\nEdited.",
            panel(),
            &[format!("{}, nobody@example.org", o.ivy.email)],
        )
        .await;
    assert_eq!(common::fields(unknown.unwrap_err()), ["interviewers-0"]);
    let planned = hiring
        .update_opening(
            &actor(&o.boss),
            opening.id,
            "## Job advert\n\nEdited.",
            panel(),
            &[format!("{}, {} ,{}", o.ivy.email, o.jon.email, o.ivy.email)],
        )
        .await
        .unwrap();
    assert_eq!(planned.stages.0[0].interviewers, [o.ivy.id, o.jon.id]);
    let warned = hiring
        .view_opening(&actor(&o.hr), opening.id)
        .await
        .unwrap();
    assert!(
        warned
            .warnings
            .iter()
            .all(|w| !w.starts_with("No stage scores"))
    );
    let ivy_i = hiring
        .schedule_interview(
            &actor(&o.boss),
            ada.id,
            "Panel",
            "ivy@example.com",
            "2027-01-10",
        )
        .await
        .unwrap();
    let jon_i = hiring
        .schedule_interview(
            &actor(&o.hr),
            ada.id,
            "Panel",
            "jon@example.com",
            "2027-01-11",
        )
        .await
        .unwrap();
    assert!(matches!(
        hiring.view_candidate(&actor(&o.pat), ada.id).await,
        Err(AppError::NotFound(_))
    ));
    // An interviewer does not run the opening, and sees only their own interview.
    assert!(matches!(
        hiring.view_opening(&actor(&o.ivy), opening.id).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        hiring.interview(&actor(&o.ivy), jon_i.id).await,
        Err(AppError::NotFound(_))
    ));

    // Ivy scores 4 everywhere but 1 on the first dimension; Jon 4 everywhere.
    let mut ivy_scores: Vec<(&str, u8)> = all_names.iter().map(|n| (n.as_str(), 4)).collect();
    ivy_scores[0].1 = 1;
    let jon_scores: Vec<(&str, u8)> = all_names.iter().map(|n| (n.as_str(), 4)).collect();
    let missing_one = hiring
        .submit_scorecard(
            &actor(&o.ivy),
            ivy_i.id,
            &scores(&ivy_scores[1..]),
            "",
            "hire",
        )
        .await;
    assert_eq!(common::fields(missing_one.unwrap_err()), ["score-0"]);
    hiring
        .submit_scorecard(
            &actor(&o.ivy),
            ivy_i.id,
            &scores(&ivy_scores),
            "Ivy's notes",
            "no-hire",
        )
        .await
        .unwrap();
    // Jon has not submitted: he sees no other scorecard.
    let jon_view = hiring.view_candidate(&actor(&o.jon), ada.id).await.unwrap();
    assert!(jon_view.interviews.is_empty() && jon_view.debrief.is_none());
    assert_eq!(jon_view.mine.len(), 1);
    // Jon submits, may change it while he has not read the others, then reads them.
    hiring
        .submit_scorecard(
            &actor(&o.jon),
            jon_i.id,
            &scores(&jon_scores),
            "First",
            "hire",
        )
        .await
        .unwrap();
    hiring
        .submit_scorecard(
            &actor(&o.jon),
            jon_i.id,
            &scores(&jon_scores),
            "Jon's notes",
            "hire",
        )
        .await
        .unwrap();
    let jon_view = hiring.view_candidate(&actor(&o.jon), ada.id).await.unwrap();
    assert_eq!(jon_view.interviews.len(), 2);
    assert!(jon_view.interviews.iter().any(|i| i.notes == "Ivy's notes"));
    // Having seen Ivy's, his is final.
    let late = hiring
        .submit_scorecard(
            &actor(&o.jon),
            jon_i.id,
            &scores(&ivy_scores),
            "Changed",
            "no-hire",
        )
        .await;
    assert!(matches!(late, Err(AppError::Conflict { .. })), "{late:?}");

    // The hiring manager's debrief: weights of the role level, disagreement flagged.
    let debrief = hiring
        .view_candidate(&actor(&o.boss), ada.id)
        .await
        .unwrap()
        .debrief
        .unwrap();
    let first_weight = f64::from(dims[0].1);
    // The first dimension's mean is (1 + 4) / 2 = 2.5, the others 4:
    // Σ w·mean / 100 = (w0·2.5 + (100 - w0)·4) / 100.
    let expected = (first_weight * 2.5 + (100.0 - first_weight) * 4.0) / 100.0;
    assert!(
        (debrief.weighted - expected).abs() < 1e-9,
        "{} vs {expected}",
        debrief.weighted
    );
    assert_eq!(debrief.covered_weight, 100);
    assert!(debrief.dimensions[0].disagreement);
    assert!(debrief.dimensions.iter().skip(1).all(|d| !d.disagreement));
    assert_eq!((debrief.hire, debrief.no_hire), (1, 1));

    // A decision needs a reason; it is taken once.
    let no_reason = hiring.reject(&actor(&o.boss), ada.id, " ").await;
    assert_eq!(common::fields(no_reason.unwrap_err()), ["reason"]);
    assert!(matches!(
        hiring.reject(&actor(&o.ivy), ada.id, "No").await,
        Err(AppError::Forbidden(_))
    ));
    hiring
        .reject(&actor(&o.boss), ada.id, "Craft below the bar")
        .await
        .unwrap();
    assert!(matches!(
        hiring.reject(&actor(&o.hr), ada.id, "Again").await,
        Err(AppError::Conflict { .. })
    ));
}

#[tokio::test]
async fn a_hire_gets_an_account_and_a_first_plan() {
    let o = org().await;
    let hiring = o.org.app.hiring();
    let rl = "engineering/senior-software-engineer".to_owned();
    let opening = hiring
        .create_opening(&actor(&o.hr), &rl, "boss@example.com")
        .await
        .unwrap();
    let view = hiring
        .view_opening(&actor(&o.boss), opening.id)
        .await
        .unwrap();
    let names: Vec<String> = view.dimensions.iter().map(|d| d.name.clone()).collect();
    hiring
        .update_opening(
            &actor(&o.boss),
            opening.id,
            "Advert",
            vec![trellis_store::OpeningStage {
                name: "Panel".into(),
                dimensions: names.clone(),
                interviewers: Vec::new(),
            }],
            &[],
        )
        .await
        .unwrap();
    let cid = hiring
        .add_candidate(
            &actor(&o.hr),
            opening.id,
            "Nia New",
            "",
            "Careers page",
            "2027-01-02",
        )
        .await
        .unwrap()
        .id;
    let interview = hiring
        .schedule_interview(
            &actor(&o.boss),
            cid,
            "Panel",
            "ivy@example.com",
            "2027-01-10",
        )
        .await
        .unwrap();
    // Every dimension 5 but "System design", scored 2: the lowest.
    let lowest = "System design";
    let mut card: Vec<(&str, u8)> = names.iter().map(|n| (n.as_str(), 5)).collect();
    card.iter_mut().find(|c| c.0 == lowest).unwrap().1 = 2;
    hiring
        .submit_scorecard(&actor(&o.ivy), interview.id, &scores(&card), "Good", "hire")
        .await
        .unwrap();

    // An interviewer may not hire; an email in use is refused next to its field.
    assert!(matches!(
        hiring
            .hire(&actor(&o.ivy), cid, "nia@example.com", "Strong")
            .await,
        Err(AppError::Forbidden(_))
    ));
    let taken = hiring
        .hire(&actor(&o.boss), cid, "pat@example.com", "Strong")
        .await;
    assert_eq!(common::fields(taken.unwrap_err()), ["email"]);
    let hired = hiring
        .hire(
            &actor(&o.boss),
            cid,
            "nia@example.com",
            "Strong across the board",
        )
        .await
        .unwrap();
    assert_eq!(hired.candidate.status, "hired");
    assert_eq!(hired.person.role_level.as_deref(), Some(rl.as_str()));
    assert_eq!(hired.person.manager_id, Some(o.boss.id));
    assert_eq!(hired.person.name, "Nia New");

    // The plan: the first-year milestones, and goals from the lowest-scored dimension only.
    let plan = o
        .org
        .app
        .plans()
        .view(&actor(&o.boss), hired.person.id)
        .await
        .unwrap();
    assert!(!plan.milestones.is_empty());
    assert_eq!(plan.milestones.len(), hired.milestones);
    assert_eq!(plan.goals.len(), hired.goals);
    assert!(
        hired.goals > 0,
        "the requirements the lowest dimension assesses"
    );
    for g in &plan.goals {
        assert!(g.goal.why.contains(lowest), "{}", g.goal.why);
        assert_eq!(g.goal.role_level.as_deref(), Some(rl.as_str()));
    }
    // Decided once.
    assert!(matches!(
        hiring
            .hire(&actor(&o.hr), cid, "nia2@example.com", "Again")
            .await,
        Err(AppError::Conflict { .. })
    ));
}
