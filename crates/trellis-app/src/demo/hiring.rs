//! Hiring for the demo organisation: an opening for a senior engineer in Checkout, made by the
//! people team from the role level's hiring kit, with three candidates at different points:
//! one whose interviews are all in and disagree on one dimension (ready for the debrief), one
//! with an interview still to come, and one not taken on a few weeks ago.
//!
//! Candidates are invented, with addresses on a reserved domain.

use std::collections::BTreeMap;

use trellis_formats::render::hiring::HiringKit;
use trellis_model::Framework;
use trellis_store::prelude::*;
use trellis_store::{NewCandidate, NewInterview, NewOpening, Person, Scorecard, Scores};
use trellis_store_sql::Database;

use super::{DAY, as_person, email};
use crate::bootstrap::BootstrapError;
use crate::time::{date, now_millis};

/// The role level hired for, when the published framework has it (the starter does).
const ROLE_LEVEL: &str = "engineering/senior-software-engineer";

/// One interview of a demo candidate: the stage's position in the plan, who interviews, and
/// their scores (in the order of the stage's dimensions), leaning and notes, or `None` while the
/// interview is still to come.
struct DemoInterview {
    stage: usize,
    interviewer: &'static str,
    card: Option<(&'static [u8], &'static str, &'static str)>,
}

struct DemoCandidate {
    name: &'static str,
    contact: &'static str,
    source: &'static str,
    /// Days ago that they applied.
    applied: i64,
    interviews: &'static [DemoInterview],
    /// A decision not to take them on, with its reason.
    rejected: Option<&'static str>,
}

const fn done(
    stage: usize,
    interviewer: &'static str,
    scores: &'static [u8],
    leaning: &'static str,
    notes: &'static str,
) -> DemoInterview {
    DemoInterview {
        stage,
        interviewer,
        card: Some((scores, leaning, notes)),
    }
}

const CANDIDATES: [DemoCandidate; 3] = [
    DemoCandidate {
        name: "Priya Natarajan",
        contact: "priya.natarajan@example.org",
        source: "Referral",
        applied: 21,
        interviews: &[
            done(
                0,
                "luis.fernandez",
                &[4],
                "hire",
                "Read the code first, wrote tests before the fix.",
            ),
            done(
                1,
                "luis.fernandez",
                &[4],
                "hire",
                "Asked about load and failure before drawing anything.",
            ),
            done(
                1,
                "kenji.watanabe",
                &[2],
                "no-hire",
                "Chose a queue early and did not revisit it when the load changed.",
            ),
            done(
                2,
                "amara.okafor",
                &[3],
                "hire",
                "Led one migration; decision written down afterwards, not before.",
            ),
            done(
                3,
                "sofia.rossi",
                &[4],
                "hire",
                "Suggested a smaller first version without being asked.",
            ),
        ],
        rejected: None,
    },
    DemoCandidate {
        name: "Tom Becker",
        contact: "tom.becker@example.org",
        source: "Careers page",
        applied: 9,
        interviews: &[
            done(
                0,
                "luis.fernandez",
                &[3],
                "hire",
                "Solid change, thin tests.",
            ),
            DemoInterview {
                stage: 1,
                interviewer: "kenji.watanabe",
                card: None,
            },
        ],
        rejected: None,
    },
    DemoCandidate {
        name: "Jordan Ellis",
        contact: "jordan.ellis@example.org",
        source: "Agency",
        applied: 45,
        interviews: &[done(
            0,
            "kenji.watanabe",
            &[2],
            "no-hire",
            "Skipped the tests; could not explain the existing code.",
        )],
        rejected: Some("The coding interview fell well short of the level."),
    },
];

/// Loads the opening and its candidates; returns how many candidates were added.
pub(super) async fn load(
    store: &Database,
    fw: &Framework,
    people: &[Person],
) -> Result<usize, BootstrapError> {
    let by_handle = |handle: &str| people.iter().find(|p| p.email == email(handle));
    let (Some(people_team), Some(manager)) =
        (super::people_team(people), by_handle("amara.okafor"))
    else {
        return Ok(0);
    };
    let Ok(mut profile) = trellis_model::resolve(fw, ROLE_LEVEL) else {
        return Ok(0);
    };
    profile.withhold_restricted();
    let kit = HiringKit::new(fw, &profile);
    if kit.plan.stages.is_empty() {
        return Ok(0);
    }
    let now = now_millis();
    let opening = store
        .create_opening(
            NewOpening {
                role_level: kit.role_level.clone(),
                title: kit.title.clone(),
                hiring_manager_id: manager.id,
                advert: crate::hiring::advert_of(&kit),
                stages: crate::hiring::stages_of(&kit),
            },
            &as_person(people_team.id, now - 50 * DAY),
        )
        .await?;
    let mut added = 0;
    for c in &CANDIDATES {
        let applied = now - c.applied * DAY;
        let candidate = store
            .add_candidate(
                NewCandidate {
                    opening_id: opening.id,
                    name: c.name.into(),
                    contact: c.contact.into(),
                    source: c.source.into(),
                    consent_on: date(applied),
                },
                &as_person(people_team.id, applied),
            )
            .await?;
        added += 1;
        for (n, i) in (1..).zip(c.interviews) {
            let (Some(stage), Some(interviewer)) =
                (opening.stages.0.get(i.stage), by_handle(i.interviewer))
            else {
                continue;
            };
            // Held a few days after applying, one a day; the one still to come is in two days.
            let held = match i.card {
                Some(_) => applied + (2 + n) * DAY,
                None => now + 2 * DAY,
            };
            let interview = store
                .schedule_interview(
                    NewInterview {
                        candidate_id: candidate.id,
                        stage: stage.name.clone(),
                        interviewer_id: interviewer.id,
                        scheduled_on: date(held),
                    },
                    &as_person(people_team.id, applied + DAY),
                )
                .await?;
            let Some((scores, leaning, notes)) = i.card else {
                continue;
            };
            let scores: BTreeMap<String, u8> = stage
                .dimensions
                .iter()
                .cloned()
                .zip(scores.iter().copied())
                .collect();
            store
                .submit_scorecard(
                    interview.id,
                    Scorecard {
                        scores: Scores(scores),
                        notes: notes.into(),
                        leaning: leaning.into(),
                    },
                    &as_person(interviewer.id, held + DAY / 4),
                )
                .await?;
        }
        if let Some(reason) = c.rejected {
            store
                .decide(
                    candidate.id,
                    "rejected",
                    reason.into(),
                    None,
                    &as_person(manager.id, applied + 10 * DAY),
                )
                .await?;
        }
    }
    Ok(added)
}
