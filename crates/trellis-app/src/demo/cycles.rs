//! Review cycles for the demo organisation: a closed one, agreed and shared months ago, and an open
//! one for the Checkout team whose self-assessment deadline has passed, with some people through
//! it and the rest overdue.

use trellis_model::Framework;
use trellis_store::prelude::*;
use trellis_store::{
    CycleDeadlines, CycleLaunch, NewCycle, NewRating, Person, PopulationKind, RaterKind, Stage,
};
use trellis_store_sql::Database;

use super::{DAY, as_person, people_team};
use crate::bootstrap::BootstrapError;
use crate::time::{date, now_millis};

/// Deadlines a week apart, the first `first` days from today (negative: in the past).
fn deadlines(now: i64, first: i64) -> CycleDeadlines {
    let at = |n: i64| date(now + (first + 7 * n) * DAY);
    CycleDeadlines {
        self_due: at(0),
        peer_due: at(1),
        manager_due: at(2),
        calibration_due: at(3),
        agreed_due: at(4),
    }
}

/// Opens and launches a cycle for a team, assessing whoever of it has a role level and no open
/// assessment against it; returns the assessments made.
pub(super) async fn launch(
    store: &Database,
    by: &Person,
    new: NewCycle,
    people: &[&Person],
    at: i64,
) -> Result<Vec<trellis_store::Assessment>, BootstrapError> {
    let cycle = store.create_cycle(new, &as_person(by.id, at)).await?;
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let open = store.open_assessments(&ids).await?;
    let launch = people
        .iter()
        .filter_map(|p| {
            let rl = p.role_level.clone()?;
            let busy = open
                .iter()
                .any(|a| a.person_id == p.id && a.role_level == rl);
            (!busy).then(|| CycleLaunch {
                person_id: p.id,
                role_level: rl,
                notices: Vec::new(),
            })
        })
        .collect();
    let made = store
        .launch_cycle(cycle.id, launch, &as_person(by.id, at + 1))
        .await?;
    Ok(made)
}

/// The person's own ratings of an assessment, which send it on to their manager.
async fn rate_own(
    store: &Database,
    fw: &Framework,
    a: &trellis_store::Assessment,
    at: i64,
) -> Result<(), BootstrapError> {
    rate(
        store,
        fw,
        a,
        RaterKind::SelfRater,
        a.person_id,
        Stage::Manager,
        at,
    )
    .await
}

/// Rates every requirement at its level (one higher for a lenient rater) and moves on to `to`.
async fn rate(
    store: &Database,
    fw: &Framework,
    a: &trellis_store::Assessment,
    kind: RaterKind,
    rater: i64,
    to: Stage,
    at: i64,
) -> Result<(), BootstrapError> {
    let Ok(profile) = trellis_model::resolve(fw, &a.role_level) else {
        return Ok(());
    };
    let ratings = profile
        .requirements
        .iter()
        .map(|r| NewRating {
            skill: r.skill.clone(),
            level: Some(r.level.to_string()),
            not_applicable: None,
            comment: None,
        })
        .collect();
    let current = store.assessment(a.id).await?;
    store
        .submit_ratings(
            a.id,
            kind,
            rater,
            ratings,
            current.revision,
            Some(to),
            Vec::new(),
            &as_person(rater, at),
        )
        .await?;
    Ok(())
}

/// Loads the closed cycle (`open` false, before the other growth records: its assessments end
/// agreed) or the open one (after them: it assesses whoever the current assessments leave free);
/// returns how many were made.
pub(super) async fn load(
    store: &Database,
    fw: &Framework,
    version: i64,
    people: &[Person],
    open: bool,
) -> Result<usize, BootstrapError> {
    let Some(by) = people_team(people) else {
        return Ok(0);
    };
    let teams = store.teams().await?;
    let team = |name: &str| teams.iter().find(|t| t.name == name).map(|t| t.id);
    let of_team = |id: i64| -> Vec<&Person> {
        people
            .iter()
            .filter(|p| p.team_id == Some(id) && p.manager_id.is_some())
            .collect()
    };
    let now = now_millis();
    let mut made = 0;

    // Closed months ago: everyone agreed, results shared.
    if !open
        && let Some(id) = teams
            .iter()
            .find(|t| !["Checkout", "Leadership", "People"].contains(&t.name.as_str()))
            .map(|t| t.id)
    {
        let start = now - 150 * DAY;
        let done = launch(
            store,
            by,
            NewCycle {
                name: "Spring review".into(),
                framework_version_id: version,
                population_kind: PopulationKind::Team,
                population: id.to_string(),
                deadlines: deadlines(now, -140),
            },
            &of_team(id),
            start,
        )
        .await?;
        for a in &done {
            let manager = store.person(a.person_id).await?.manager_id;
            let Some(manager) = manager else { continue };
            rate_own(store, fw, a, start + DAY).await?;
            rate(
                store,
                fw,
                a,
                RaterKind::Manager,
                manager,
                Stage::Compare,
                start + 10 * DAY,
            )
            .await?;
            rate(
                store,
                fw,
                a,
                RaterKind::Agreed,
                manager,
                Stage::Agreed,
                start + 20 * DAY,
            )
            .await?;
        }
        let cycle = store
            .cycle_of_assessment(done.first().map_or(0, |a| a.id))
            .await?;
        if let Some(c) = cycle {
            let closed = as_person(by.id, start + 30 * DAY);
            store
                .close_cycle(c.id, date(start + 31 * DAY), &closed)
                .await?;
            store.mark_cycle_shared(c.id, Vec::new(), &closed).await?;
        }
        made += 1;
    }

    // Open, for Checkout: self-assessments were due ten days ago; about half are in.
    if open && let Some(id) = team("Checkout") {
        let start = now - 20 * DAY;
        let open = launch(
            store,
            by,
            NewCycle {
                name: "Checkout mid-year review".into(),
                framework_version_id: version,
                population_kind: PopulationKind::Team,
                population: id.to_string(),
                deadlines: deadlines(now, -10),
            },
            &of_team(id),
            start,
        )
        .await?;
        for a in open.iter().skip(1).step_by(2) {
            rate_own(store, fw, a, start + DAY).await?;
        }
        made += 1;
    }
    Ok(made)
}
