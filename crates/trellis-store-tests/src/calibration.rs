//! Stories of calibration: a cycle's outcomes counted per manager, team, track and skill against
//! the required levels, limited to a manager's reporting line; a calibration change moving an
//! outcome with its reason, kept with its level before and after, listed among the moved, and
//! reflected in the agreed outcome.

use trellis_store::{
    Assessment, CalibrationScope, CycleLaunch, Dimension, GapCount, LevelGap, NewCalibrationChange,
    NewCycle, Person, PopulationKind, RaterKind, Stage, Store, StoreError, SystemRole,
};

use super::cycles::deadlines;
use super::growth::{Team, rate, team};
use super::{by, events_of, new_person};

const ROLE: &str = "engineering/senior-engineer";

fn gaps() -> Vec<LevelGap> {
    // The role level requires sfia/prog at 3.
    ["2", "3", "4", "5"]
        .iter()
        .enumerate()
        .map(|(i, level)| LevelGap {
            role_level: ROLE.into(),
            skill: "sfia/prog".into(),
            level: (*level).into(),
            gap: i as i64 - 1,
            track: "engineering".into(),
        })
        .collect()
}

/// A cycle of [`ROLE`] named `name` on framework version `version`, due in early 2027.
fn cycle_of_role(name: &str, version: i64) -> NewCycle {
    NewCycle {
        name: name.into(),
        framework_version_id: version,
        population_kind: PopulationKind::RoleLevel,
        population: ROLE.into(),
        deadlines: deadlines(),
    }
}

/// Harriet, of the people team: who runs cycles and calibrates.
async fn harriet<S: Store>(store: &S, t: &Team) -> Person {
    let mut hr = new_person("hr@example.com", "Harriet");
    hr.system_role = SystemRole::PeopleTeam;
    store.create_person(hr, &by(t.mia.id, 2)).await.unwrap()
}

/// Submits the rating of sfia/prog at `level` by `rater` as `kind` on assessment `a` (at
/// revision `rev`), moving it on to the stage `to`.
#[allow(clippy::too_many_arguments)]
async fn submit<S: Store>(
    store: &S,
    a: i64,
    kind: RaterKind,
    rater: i64,
    level: &str,
    to: Stage,
    rev: i64,
    at: i64,
) -> Assessment {
    store
        .submit_ratings(
            a,
            kind,
            rater,
            vec![rate("sfia/prog", level)],
            rev,
            Some(to),
            vec![],
            &by(rater, at),
        )
        .await
        .unwrap()
}

/// The team and Harriet, a "2027 H1" cycle she launched for Ann and Pat, their assessments as
/// launched and as rated so far: Ann's agreed one above the required level (her manager having
/// rated her at `managers_level`), Pat's self-rating at it.
async fn rated<S: Store>(
    store: &S,
    managers_level: &str,
) -> (
    Team,
    Person,
    i64,
    Assessment,
    Assessment,
    Assessment,
    Assessment,
) {
    let t = team(store).await;
    let hr = harriet(store, &t).await;
    let (cycle, made) = launched(store, t.version, hr.id, "2027 H1", &[t.ann.id, t.pat.id]).await;
    let (ann_a, pat_a) = (made[0].clone(), made[1].clone());
    let (ann, mia, pat) = (t.ann.id, t.mia.id, t.pat.id);
    let a = submit(
        store,
        ann_a.id,
        RaterKind::SelfRater,
        ann,
        "4",
        Stage::Manager,
        1,
        30,
    )
    .await;
    let a = submit(
        store,
        ann_a.id,
        RaterKind::Manager,
        mia,
        managers_level,
        Stage::Compare,
        a.revision,
        31,
    )
    .await;
    let a = submit(
        store,
        ann_a.id,
        RaterKind::Agreed,
        mia,
        "4",
        Stage::Agreed,
        a.revision,
        32,
    )
    .await;
    let p = submit(
        store,
        pat_a.id,
        RaterKind::SelfRater,
        pat,
        "3",
        Stage::Manager,
        1,
        33,
    )
    .await;
    (t, hr, cycle, ann_a, pat_a, a, p)
}

/// Pat's manager, Mia, rates him at the required level (his assessment `pat_a` at `rev`).
async fn pat_rated_by_mia<S: Store>(store: &S, t: &Team, pat_a: i64, rev: i64) -> Assessment {
    submit(
        store,
        pat_a,
        RaterKind::Manager,
        t.mia.id,
        "3",
        Stage::Compare,
        rev,
        41,
    )
    .await
}

/// (gap, count) of one group, by gap.
fn of(counts: &[GapCount], dimension: Dimension, key: &str) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = counts
        .iter()
        .filter(|c| c.dimension == dimension && c.key.as_deref() == Some(key))
        .map(|c| (c.gap, c.count))
        .collect();
    out.sort_unstable();
    out
}

pub async fn calibration_changes_move_outcomes_with_a_reason<S: Store>(store: S) {
    let (t, hr, cycle, ann_a, pat_a, a, p) = rated(&store, "4").await;

    // Pat's manager has not rated yet: only Ann's outcome counts.
    let counts = store
        .calibration_counts(cycle, CalibrationScope::Everyone, &gaps())
        .await
        .unwrap();
    let mia = t.mia.id.to_string();
    assert_eq!(of(&counts, Dimension::Manager, &mia), vec![(1, 1)]);
    // A change needs an outcome to move.
    let change = |assessment: i64, level: &str, reason: &str| NewCalibrationChange {
        assessment_id: assessment,
        skill: "sfia/prog".into(),
        level: level.into(),
        reason: reason.into(),
    };
    assert!(matches!(
        store
            .record_calibration_change(cycle, change(pat_a.id, "3", "Peers"), &by(hr.id, 40))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let p = pat_rated_by_mia(&store, &t, pat_a.id, p.revision).await;
    let counts = store
        .calibration_counts(cycle, CalibrationScope::Everyone, &gaps())
        .await
        .unwrap();
    assert_eq!(of(&counts, Dimension::Manager, &mia), vec![(0, 1), (1, 1)]);
    assert_eq!(
        of(&counts, Dimension::Skill, "sfia/prog"),
        vec![(0, 1), (1, 1)]
    );
    assert_eq!(
        of(&counts, Dimension::Track, "engineering"),
        vec![(0, 1), (1, 1)]
    );
    let named = counts
        .iter()
        .find(|c| c.dimension == Dimension::Manager)
        .unwrap();
    assert_eq!(named.name.as_deref(), Some("Mia"));

    // A reason is required; the assessment must be the cycle's; the level must move.
    assert!(matches!(
        store
            .record_calibration_change(cycle, change(ann_a.id, "3", "  "), &by(hr.id, 50))
            .await,
        Err(StoreError::Invalid(m)) if m.contains("reason")
    ));
    assert!(matches!(
        store
            .record_calibration_change(cycle + 1, change(ann_a.id, "3", "Peers"), &by(hr.id, 50))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .record_calibration_change(cycle, change(ann_a.id, "4", "Same"), &by(hr.id, 50))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        store
            .calibration_changes(cycle, CalibrationScope::Everyone)
            .await
            .unwrap()
            .is_empty(),
        "refused changes write nothing"
    );

    // The people team moves Ann's agreed outcome down, saying why.
    let reason = "Compared with the other senior engineers, the evidence shows level 3";
    let moved = store
        .record_calibration_change(cycle, change(ann_a.id, " 3 ", reason), &by(hr.id, 60))
        .await
        .unwrap();
    assert_eq!(
        (
            moved.person_id,
            moved.rater_kind,
            moved.before_level.as_deref(),
            moved.after_level.as_str(),
            moved.reason.as_str(),
            moved.changed_by,
            moved.changed_at,
        ),
        (
            t.ann.id,
            RaterKind::Agreed,
            Some("4"),
            "3",
            reason,
            hr.id,
            60
        )
    );
    // The agreed outcome is the moved one; the earlier rating is kept.
    let latest = store.latest_ratings(&[t.ann.id]).await.unwrap();
    let agreed = latest
        .iter()
        .find(|r| r.rater_kind == RaterKind::Agreed && r.skill == "sfia/prog")
        .unwrap();
    assert_eq!(
        (agreed.level.as_deref(), agreed.id, agreed.rater_id),
        (Some("3"), moved.rating_id, hr.id)
    );
    let history = store.ratings(ann_a.id).await.unwrap();
    assert_eq!(
        history
            .iter()
            .filter(|r| r.rater_kind == RaterKind::Agreed)
            .count(),
        2
    );
    assert_eq!(
        store.assessment(ann_a.id).await.unwrap().revision,
        a.revision + 1
    );
    // Pat's outcome is not agreed yet: the manager's rating moves.
    let up = store
        .record_calibration_change(
            cycle,
            change(pat_a.id, "4", "Led the platform migration"),
            &by(t.mia.id, 70),
        )
        .await
        .unwrap();
    assert_eq!(
        (up.rater_kind, up.before_level.as_deref()),
        (RaterKind::Manager, Some("3"))
    );
    assert_eq!(
        store.assessment(pat_a.id).await.unwrap().revision,
        p.revision + 1
    );

    // The moved list, newest first, and the counts follow.
    let listed = store
        .calibration_changes(cycle, CalibrationScope::Everyone)
        .await
        .unwrap();
    assert_eq!(listed, vec![up.clone(), moved.clone()]);
    let counts = store
        .calibration_counts(cycle, CalibrationScope::Everyone, &gaps())
        .await
        .unwrap();
    assert_eq!(of(&counts, Dimension::Manager, &mia), vec![(0, 1), (1, 1)]);

    // A manager's scope is their reporting line.
    let below = CalibrationScope::Below(t.mia.id);
    assert_eq!(
        store.calibration_changes(cycle, below).await.unwrap().len(),
        2
    );
    let nobody = CalibrationScope::Below(t.ann.id);
    assert!(
        store
            .calibration_changes(cycle, nobody)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .calibration_counts(cycle, nobody, &gaps())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store.calibration_counts(cycle + 1, below, &gaps()).await,
        Err(StoreError::NotFound(_))
    ));

    // The session: both assessments, each kind's newest rating, the people and their manager.
    let session = store.calibration_session(cycle, below, None).await.unwrap();
    assert_eq!(session.assessments.len(), 2);
    let ann_agreed: Vec<_> = session
        .ratings
        .iter()
        .filter(|r| r.assessment_id == ann_a.id && r.rater_kind == RaterKind::Agreed)
        .collect();
    assert_eq!(ann_agreed.len(), 1);
    assert_eq!(ann_agreed[0].level.as_deref(), Some("3"));
    let people: Vec<i64> = session.people.iter().map(|p| p.id).collect();
    assert!(people.contains(&t.mia.id) && people.contains(&t.ann.id));
    assert!(
        store
            .calibration_session(cycle, nobody, None)
            .await
            .unwrap()
            .assessments
            .is_empty()
    );

    // A team narrows the session; who has reports has a population.
    let team_of_none = store
        .calibration_session(cycle, CalibrationScope::Everyone, Some(999))
        .await
        .unwrap();
    assert!(team_of_none.assessments.is_empty() && team_of_none.ratings.is_empty());
    assert!(store.has_reports(t.mia.id).await.unwrap());
    assert!(!store.has_reports(t.ann.id).await.unwrap());

    // Assessments loaded under a cycle's name join it when it adopts them, once.
    let later = store
        .create_cycle(cycle_of_role("Imported", t.version), &by(hr.id, 80))
        .await
        .unwrap();
    store
        .create_assessment(
            trellis_store::NewAssessment {
                role_level: "engineering/staff-engineer".into(),
                ..super::growth::assessment_of(t.pat.id, t.version, "Imported")
            },
            vec![],
            &by(t.pat.id, 81),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .adopt_assessments(later.id, &by(hr.id, 82))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .adopt_assessments(later.id, &by(hr.id, 83))
            .await
            .unwrap(),
        0
    );
    let adopted = store.cycle_records(later.id).await.unwrap();
    assert_eq!(adopted.assessments.len(), 1);
    assert_eq!(adopted.cycle.launched_at, Some(82));
    assert!(matches!(
        store
            .adopt_assessments(later.id + 100, &by(hr.id, 84))
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Erasing Ann takes her calibration change (its reason is about her) with her assessments.
    store
        .erase_person(t.ann.id, false, &by(hr.id, 90))
        .await
        .unwrap();
    let left = store
        .calibration_changes(cycle, CalibrationScope::Everyone)
        .await
        .unwrap();
    assert_eq!(left, vec![up.clone()]);

    // Audited against the assessment, without the reason (it stays with the change).
    let events = events_of(&store, "calibration.change").await;
    assert_eq!(events.len(), 2);
    assert!(
        events
            .iter()
            .any(|e| e.target == format!("assessment:{}", ann_a.id))
    );
    assert!(
        !events
            .iter()
            .any(|e| e.details.to_string().contains(reason))
    );
}

/// A cycle of [`ROLE`] on the team's framework version, launched for `people`: their assessments.
async fn launched<S: Store>(
    store: &S,
    version: i64,
    by_whom: i64,
    name: &str,
    people: &[i64],
) -> (i64, Vec<trellis_store::Assessment>) {
    let cycle = store
        .create_cycle(cycle_of_role(name, version), &by(by_whom, 10))
        .await
        .unwrap();
    let launch = people
        .iter()
        .map(|p| CycleLaunch {
            person_id: *p,
            role_level: ROLE.into(),
            notices: vec![],
        })
        .collect();
    let made = store
        .launch_cycle(cycle.id, launch, &by(by_whom, 20))
        .await
        .unwrap();
    (cycle.id, made)
}

pub async fn calibration_counts_follow_moves_agreement_and_erasure<S: Store>(store: S) {
    let (t, hr, cycle, ann_a, pat_a, a, p) = rated(&store, "5").await;
    let counts = || async {
        let all = store
            .calibration_counts(cycle, CalibrationScope::Everyone, &gaps())
            .await
            .unwrap();
        let mia = t.mia.id.to_string();
        let line = store
            .calibration_counts(cycle, CalibrationScope::Below(t.mia.id), &gaps())
            .await
            .unwrap();
        let totals = store.calibration_totals(cycle, &gaps()).await.unwrap();
        let per = |counts: &[GapCount], d| match d {
            Dimension::Manager => of(counts, d, &mia),
            Dimension::Skill => of(counts, d, "sfia/prog"),
            Dimension::Track => of(counts, d, "engineering"),
            Dimension::Team => {
                let mut out: Vec<(i64, i64)> = counts
                    .iter()
                    .filter(|c| c.dimension == d && c.key.is_none())
                    .map(|c| (c.gap, c.count))
                    .collect();
                out.sort_unstable();
                out
            }
        };
        // Every dimension counts every outcome once, in a manager's line as for everyone.
        let in_line = per(&line, Dimension::Skill);
        for d in Dimension::ALL {
            assert_eq!(per(&all, d), totals, "{d:?} of everyone");
            assert_eq!(per(&line, d), in_line, "{d:?} of Mia's line");
        }
        (totals, in_line)
    };
    let both = |counts: Vec<(i64, i64)>| (counts.clone(), counts);

    // Before anyone is counted: Ann agreed one above the required level (her manager had her two
    // above), Pat's self-rating only.
    assert_eq!(
        counts().await,
        both(vec![(1, 1)]),
        "the agreed rating, not the manager's"
    );

    // Counted from now on as each outcome is written: Pat's manager rates at the required level.
    let p = pat_rated_by_mia(&store, &t, pat_a.id, p.revision).await;
    assert_eq!(counts().await, both(vec![(0, 1), (1, 1)]));

    // Calibration moves Ann's agreed outcome down and Pat's manager's rating up.
    let change = |assessment: i64, level: &str| NewCalibrationChange {
        assessment_id: assessment,
        skill: "sfia/prog".into(),
        level: level.into(),
        reason: "Compared with the other senior engineers".into(),
    };
    store
        .record_calibration_change(cycle, change(ann_a.id, "2"), &by(hr.id, 50))
        .await
        .unwrap();
    store
        .record_calibration_change(cycle, change(pat_a.id, "5"), &by(hr.id, 60))
        .await
        .unwrap();
    assert_eq!(counts().await, both(vec![(-1, 1), (2, 1)]));

    // Agreement outranks the manager's rating, even when it is dated before the move.
    submit(
        &store,
        pat_a.id,
        RaterKind::Agreed,
        t.mia.id,
        "4",
        Stage::Agreed,
        p.revision + 1,
        55,
    )
    .await;
    assert_eq!(counts().await, both(vec![(-1, 1), (1, 1)]));
    assert_eq!(a.stage, Stage::Agreed);

    // Erasing Ann with her ratings kept for aggregates leaves the organisation's counts as they
    // were, her calibrated outcome included (the change and its reason go; she leaves Mia's line).
    store
        .erase_person(t.ann.id, true, &by(hr.id, 70))
        .await
        .unwrap();
    assert_eq!(counts().await, (vec![(-1, 1), (1, 1)], vec![(1, 1)]));
    assert!(
        store
            .calibration_changes(cycle, CalibrationScope::Everyone)
            .await
            .unwrap()
            .iter()
            .all(|c| c.person_id != t.ann.id)
    );
    // Erasing Pat with his assessments takes his outcome out.
    store
        .erase_person(t.pat.id, false, &by(hr.id, 80))
        .await
        .unwrap();
    assert_eq!(counts().await, (vec![(-1, 1)], vec![]));
}

pub async fn adopted_assessments_bring_their_outcomes<S: Store>(store: S) {
    let t = team(&store).await;
    let hr = harriet(&store, &t).await;
    // A cycle of the version is counted (its gaps are recorded) before the other is adopted.
    let (first, _) = launched(&store, t.version, hr.id, "2027 H1", &[t.pat.id]).await;
    assert!(
        store
            .calibration_counts(first, CalibrationScope::Everyone, &gaps())
            .await
            .unwrap()
            .is_empty()
    );
    let (imported, _) = launched(&store, t.version, hr.id, "Imported", &[]).await;
    let a = store
        .create_assessment(
            trellis_store::NewAssessment {
                role_level: ROLE.into(),
                ..super::growth::assessment_of(t.ann.id, t.version, "Imported")
            },
            vec![],
            &by(t.ann.id, 81),
        )
        .await
        .unwrap();
    let rated = store
        .record_ratings(
            a.id,
            RaterKind::Manager,
            t.mia.id,
            vec![rate("sfia/prog", "5")],
            a.revision,
            &by(t.mia.id, 82),
        )
        .await
        .unwrap();
    store
        .record_ratings(
            a.id,
            RaterKind::Agreed,
            t.mia.id,
            vec![rate("sfia/prog", "2")],
            rated.revision,
            &by(t.mia.id, 83),
        )
        .await
        .unwrap();
    assert!(
        store
            .calibration_totals(imported, &gaps())
            .await
            .unwrap()
            .is_empty(),
        "not the cycle's until it adopts them"
    );
    assert_eq!(
        store
            .adopt_assessments(imported, &by(hr.id, 84))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.calibration_totals(imported, &gaps()).await.unwrap(),
        vec![(-1, 1)]
    );
    assert!(matches!(
        store.calibration_totals(imported + 100, &gaps()).await,
        Err(StoreError::NotFound(_))
    ));
}
