//! A calibration for the demo organisation: the "Autumn review" of the engineering track, open,
//! every outcome agreed weeks ago and the calibration session due in a few days. One manager,
//! Daniel Cohen (Search & Discovery), agreed every requirement of his people a level above what
//! their role levels require, where the other managers' outcomes sit around the required level:
//! with ten-odd outcomes per person, enough for the leniency flag to stand out of the noise.

use trellis_model::Framework;
use trellis_store::prelude::*;
use trellis_store::{
    CycleDeadlines, NewCycle, NewRating, Person, PersonId, PopulationKind, RaterKind, Stage,
};
use trellis_store_sql::Database;

use super::cycles::launch;
use super::{DAY, as_person, people_team};
use crate::bootstrap::BootstrapError;
use crate::time::{date, now_millis};

/// The lenient manager of the demo.
pub(super) const LENIENT: &str = "daniel.cohen@example.com";

/// Everyone else's outcomes around the required level, evening out: per requirement, in turn,
/// at, one below, at, one above, at, at.
const SPREAD: [i64; 6] = [0, -1, 0, 1, 0, 0];

/// The ratings of one person by one kind of rater: every requirement at its required level
/// moved by `gap(requirement index)`, kept on the scale.
fn ratings(fw: &Framework, role_level: &str, gap: impl Fn(usize) -> i64) -> Vec<NewRating> {
    let Ok(profile) = trellis_model::resolve(fw, role_level) else {
        return Vec::new();
    };
    profile
        .requirements
        .iter()
        .enumerate()
        .filter_map(|(i, req)| {
            let scale = fw.skill(&req.skill).and_then(|s| fw.scale(&s.scale))?;
            let top = scale.levels.len() as i64 - 1;
            let rank = (req.rank as i64 + gap(i)).clamp(0, top) as usize;
            Some(NewRating {
                skill: req.skill.clone(),
                level: Some(scale.levels[rank].id.to_string()),
                not_applicable: None,
                comment: None,
            })
        })
        .collect()
}

/// Loads the calibration cycle (before the other growth records: its assessments end agreed,
/// older than the current ones); returns how many cycles were made.
pub(super) async fn load(
    store: &Database,
    fw: &Framework,
    version: i64,
    people: &[Person],
) -> Result<usize, BootstrapError> {
    let Some(by) = people_team(people) else {
        return Ok(0);
    };
    let lenient: Option<PersonId> = people.iter().find(|p| p.email == LENIENT).map(|p| p.id);
    let engineers: Vec<&Person> = people
        .iter()
        .filter(|p| {
            p.manager_id.is_some()
                && p.role_level
                    .as_deref()
                    .is_some_and(|rl| rl.starts_with("engineering/"))
        })
        .collect();
    let now = now_millis();
    let start = now - 40 * DAY;
    let day = |n: i64| date(now + n * DAY);
    let made = launch(
        store,
        by,
        NewCycle {
            name: "Autumn review".into(),
            framework_version_id: version,
            population_kind: PopulationKind::Track,
            population: "engineering".into(),
            deadlines: CycleDeadlines {
                self_due: day(-35),
                peer_due: day(-30),
                manager_due: day(-25),
                calibration_due: day(4),
                agreed_due: day(11),
            },
        },
        &engineers,
        start,
    )
    .await?;
    for a in &made {
        let Some(manager) = people
            .iter()
            .find(|p| p.id == a.person_id)
            .and_then(|p| p.manager_id)
        else {
            continue;
        };
        let seed = a.person_id as usize;
        let outcome = |i: usize| {
            if Some(manager) == lenient {
                1
            } else {
                SPREAD[(i + seed) % SPREAD.len()]
            }
        };
        // People rate themselves as their manager does, a little higher now and then.
        let steps = [
            (
                RaterKind::SelfRater,
                a.person_id,
                Stage::Manager,
                ratings(fw, &a.role_level, |i| outcome(i) + i64::from(i % 4 == 1)),
                start + 2 * DAY,
            ),
            (
                RaterKind::Manager,
                manager,
                Stage::Compare,
                ratings(fw, &a.role_level, outcome),
                start + 12 * DAY,
            ),
            (
                RaterKind::Agreed,
                manager,
                Stage::Agreed,
                ratings(fw, &a.role_level, outcome),
                start + 18 * DAY,
            ),
        ];
        for (kind, rater, to, rated, at) in steps {
            if rated.is_empty() {
                break;
            }
            let revision = store.assessment(a.id).await?.revision;
            store
                .submit_ratings(
                    a.id,
                    kind,
                    rater,
                    rated,
                    revision,
                    Some(to),
                    Vec::new(),
                    &as_person(rater, at),
                )
                .await?;
        }
    }
    Ok(1)
}
