//! `trellis demo`: generates a large synthetic organisation for load tests: people in a reporting
//! tree (about seven reports per manager), teams, role levels from the published framework (the
//! starter when nothing is published), review cycles of assessments whose levels drift upward, and
//! some evidence.
//!
//! Everything goes through the store's bulk methods, level by level of the tree so that managers
//! exist before their reports, in large batches: 10,000 people with 3 cycles load in well under a
//! minute on SQLite.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use trellis_app::{bootstrap, demo, secrets as auth};
use trellis_model::{Framework, Profile};
use trellis_store::prelude::*;
use trellis_store::{NewPerson, PersonId, Stage, SystemRole};
use trellis_store_sql::Database;

use super::database::{DatabaseArgs, StoreTask, migrate_with_starter, redacted, with_store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many people to generate.
    #[arg(long, default_value_t = 1_000, value_name = "N")]
    pub people: usize,
    /// Review cycles of assessments per person (the last one at a mix of stages).
    #[arg(long, default_value_t = 3, value_name = "C")]
    pub cycles: usize,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Give every generated account this password (hashed once), to sign in as them. Without it
    /// they cannot sign in; API tokens can still be made for them with `trellis token create`.
    #[arg(long, env = "TRELLIS_DEMO_PASSWORD", value_name = "PASSWORD")]
    pub password: Option<String>,
}

/// Reports per manager.
const FAN_OUT: usize = 7;
/// People per `bulk_create_people` call.
const PEOPLE_BATCH: usize = 5_000;
/// Assessments per `bulk_create_assessments` call (each with its ratings).
const ASSESSMENT_BATCH: usize = 1_000;
const EVIDENCE_BATCH: usize = 5_000;
const DAY: i64 = 86_400_000;

const FIRST: [&str; 32] = [
    "Ada", "Bram", "Chen", "Dara", "Eli", "Farah", "Goran", "Hana", "Ines", "Jonah", "Kemi",
    "Lars", "Maya", "Nikhil", "Olu", "Petra", "Quinn", "Rosa", "Sami", "Tomas", "Uma", "Vera",
    "Wen", "Xavi", "Yara", "Zeke", "Amir", "Bea", "Cato", "Dina", "Emil", "Fleur",
];
const LAST: [&str; 32] = [
    "Abbott",
    "Banerjee",
    "Castro",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okoro",
    "Petrov",
    "Quispe",
    "Rahman",
    "Santos",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhou",
    "Adeyemi",
    "Brennan",
    "Costa",
    "Dimitrov",
    "Esposito",
    "Fofana",
];
const TEAM_WORDS: [&str; 10] = [
    "Atlas", "Beacon", "Compass", "Delta", "Ember", "Fjord", "Granite", "Harbour", "Iris",
    "Juniper",
];

/// The tree in heap order: person `i`'s manager is `(i - 1) / FAN_OUT`, so managers come first.
fn manager_index(i: usize) -> Option<usize> {
    (i > 0).then(|| (i - 1) / FAN_OUT)
}

fn depth(mut i: usize) -> usize {
    let mut d = 0;
    while let Some(m) = manager_index(i) {
        i = m;
        d += 1;
    }
    d
}

/// The index ranges of each level of the tree, cut at `n`.
fn levels(n: usize) -> Vec<std::ops::Range<usize>> {
    let (mut out, mut start, mut width) = (Vec::new(), 0, 1);
    while start < n {
        let end = (start + width).min(n);
        out.push(start..end);
        start = end;
        width *= FAN_OUT;
    }
    out
}

/// How many people report to each person, directly or not.
fn subtree_sizes(n: usize) -> Vec<usize> {
    let mut size = vec![0usize; n];
    for i in (1..n).rev() {
        let m = (i - 1) / FAN_OUT;
        size[m] += size[i] + 1;
    }
    size
}

/// Role levels for the organisation: a track's first levels for people without reports, higher
/// ones for managers, the top for the root.
fn role_level(fw: &Framework, i: usize, has_reports: bool) -> Option<String> {
    let tracks: Vec<_> = fw.tracks.iter().filter(|t| !t.levels.is_empty()).collect();
    if tracks.is_empty() {
        return None;
    }
    let seed = demo::mix(i as u64, 17);
    // Most people in the first track (engineering in the starter).
    let track = if tracks.len() > 1 && seed % 10 < 3 {
        tracks[1]
    } else {
        tracks[0]
    };
    let len = track.levels.len();
    let index = if i == 0 {
        len - 1
    } else if has_reports {
        len.saturating_sub(2).max(len.min(3) - 1)
    } else {
        (seed / 10 % len.min(3) as u64) as usize
    };
    Some(trellis_model::role_level_id(
        &track.id,
        &track.levels[index.min(len - 1)].id,
    ))
}

struct Demo(Args);

impl StoreTask for Demo {
    type Output = ();
    async fn run(self, store: Database) -> Result<()> {
        let args = self.0;
        let started = Instant::now();
        migrate_with_starter(&store).await?;
        let current = store
            .current_framework()
            .await?
            .context("no framework is published")?;
        let version = current.id;
        let fw: Framework = serde_json::from_value(current.content)
            .context("the published framework does not parse")?;
        let n = args.people;
        let password_hash = match &args.password {
            Some(pw) => {
                let pw = pw.clone();
                Some(tokio::task::spawn_blocking(move || auth::hash_password(&pw)).await??)
            }
            None => None,
        };
        let audit = bootstrap::system_audit();
        let now = audit.at;
        // A tag in every email, so that a second run adds a second organisation.
        let tag = format!("{:x}", now / 1000 % 0xff_ffff);

        // People, level by level: managers exist before their reports.
        let phase = Instant::now();
        let sizes = subtree_sizes(n);
        let mut teams: HashMap<usize, i64> = HashMap::new();
        let leadership = store.ensure_team("Leadership", &audit).await?.id;
        let mut ids: Vec<PersonId> = Vec::with_capacity(n);
        for level in levels(n) {
            for chunk_start in level.clone().step_by(PEOPLE_BATCH) {
                let chunk = chunk_start..(chunk_start + PEOPLE_BATCH).min(level.end);
                let mut batch = Vec::with_capacity(chunk.len());
                for i in chunk {
                    // Teams are the departments under the second level of the tree.
                    let team = if depth(i) < 2 {
                        leadership
                    } else {
                        let mut head = i;
                        while depth(head) > 2 {
                            head = (head - 1) / FAN_OUT;
                        }
                        match teams.get(&head) {
                            Some(t) => *t,
                            None => {
                                let k = teams.len();
                                let name = format!(
                                    "{} {}",
                                    TEAM_WORDS[k % TEAM_WORDS.len()],
                                    k / TEAM_WORDS.len() + 1
                                );
                                let t = store.ensure_team(&name, &audit).await?.id;
                                teams.insert(head, t);
                                t
                            }
                        }
                    };
                    let seed = demo::mix(i as u64, 3);
                    let role_level = role_level(&fw, i, sizes[i] > 0);
                    batch.push(NewPerson {
                        email: format!("p{i}.{tag}@demo.example"),
                        name: format!(
                            "{} {}",
                            FIRST[(seed % 32) as usize],
                            LAST[(seed / 32 % 32) as usize]
                        ),
                        team_id: Some(team),
                        manager_id: manager_index(i).map(|m| ids[m]),
                        role_level_version: role_level.as_ref().map(|_| version),
                        role_level,
                        system_role: SystemRole::Member,
                        password_hash: password_hash.clone(),
                    });
                }
                let created = store.bulk_create_people(batch, &audit).await?;
                ids.extend(created.iter().map(|p| p.id));
            }
        }
        println!(
            "Created {n} people in {} teams in {:.1?}.",
            teams.len() + 1,
            phase.elapsed()
        );

        // Assessments: every person with a manager, `cycles` cycles each, levels drifting upward.
        let phase = Instant::now();
        let mut profiles: HashMap<String, Option<Profile>> = HashMap::new();
        let mut batch = Vec::new();
        let (mut assessments, mut ratings) = (0usize, 0usize);
        let mut evidence = Vec::new();
        let mut evidence_count = 0usize;
        let cycle_ms = 182 * DAY;
        // The last cycle is the current half-year; earlier ones step back by halves.
        let current_cycle = trellis_app::growth::default_cycle();
        let cycles = args.cycles;
        let cycle_name =
            |c: usize| trellis_app::growth::cycle_before(&current_cycle, (cycles - 1 - c) as u32);
        for i in 1..n {
            let person = ids[i];
            let manager = ids[(i - 1) / FAN_OUT];
            let Some(rl) = role_level(&fw, i, sizes[i] > 0) else {
                continue;
            };
            let profile = profiles
                .entry(rl.clone())
                .or_insert_with(|| trellis_model::resolve(&fw, &rl).ok())
                .clone();
            let Some(profile) = profile else { continue };
            let seed = demo::mix(person as u64, 11);
            if args.cycles > 0 {
                let last_stage = match seed % 10 {
                    0 => Stage::SelfRating,
                    1 => Stage::Manager,
                    2 => Stage::Compare,
                    _ => Stage::Agreed,
                };
                for a in demo::history(
                    &fw,
                    version,
                    &profile,
                    person,
                    manager,
                    args.cycles,
                    last_stage,
                    now - DAY,
                    cycle_ms,
                    cycle_name,
                ) {
                    ratings += a.ratings.len();
                    batch.push(a);
                }
            }
            if seed % 5 < 2 {
                evidence.extend(demo::evidence_for(
                    &profile,
                    person,
                    1 + (seed % 2) as usize,
                    now,
                    None,
                ));
            }
            if batch.len() >= ASSESSMENT_BATCH {
                assessments += store
                    .bulk_create_assessments(std::mem::take(&mut batch), &audit)
                    .await?;
            }
            if evidence.len() >= EVIDENCE_BATCH {
                evidence_count += store
                    .bulk_add_evidence(std::mem::take(&mut evidence), &audit)
                    .await?;
            }
        }
        if !batch.is_empty() {
            assessments += store.bulk_create_assessments(batch, &audit).await?;
        }
        if !evidence.is_empty() {
            evidence_count += store.bulk_add_evidence(evidence, &audit).await?;
        }
        println!(
            "Created {assessments} assessments with {ratings} ratings and {evidence_count} pieces \
             of evidence in {:.1?}.",
            phase.elapsed()
        );

        // Managers worth signing in as for load tests.
        let team_of = |target: usize| {
            (0..n)
                .filter(|i| sizes[*i] > 0)
                .min_by_key(|i| sizes[*i].abs_diff(target))
        };
        println!(
            "Done: {n} people, {assessments} assessments, {ratings} ratings, {evidence_count} \
             pieces of evidence on {} in {:.1?}.",
            redacted(&args.db.database_url),
            started.elapsed()
        );
        for target in [FAN_OUT, 50] {
            if let Some(i) = team_of(target) {
                println!(
                    "  A manager with {:>5} reports: p{i}.{tag}@demo.example (person {})",
                    sizes[i], ids[i]
                );
            }
        }
        println!(
            "  The whole organisation:       p0.{tag}@demo.example (person {})",
            ids[0]
        );
        if args.password.is_none() {
            println!(
                "  (No password was set: use --password to sign in as them, or `trellis token \
                 create` for API tokens.)"
            );
        }
        Ok(())
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    if args.people == 0 || args.people > 2_000_000 {
        bail!("--people must be between 1 and 2,000,000");
    }
    if args.cycles > 50 {
        bail!("--cycles must be at most 50");
    }
    let url = args.db.database_url.clone();
    with_store(&url, Demo(args))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_puts_managers_first() {
        assert_eq!(manager_index(0), None);
        assert_eq!(manager_index(1), Some(0));
        assert_eq!(manager_index(7), Some(0));
        assert_eq!(manager_index(8), Some(1));
        let l = levels(60);
        assert_eq!(l, vec![0..1, 1..8, 8..57, 57..60]);
        let sizes = subtree_sizes(60);
        assert_eq!(sizes[0], 59);
        assert_eq!(sizes[1], 7 + 3);
        for level in &l {
            for i in level.clone() {
                if let Some(m) = manager_index(i) {
                    assert!(m < level.start, "{i}'s manager is on an earlier level");
                }
            }
        }
    }

    #[test]
    fn role_levels_come_from_the_framework() {
        let fw = trellis_formats::load(&trellis_formats::starter::starter_files()).framework;
        for i in 0..200 {
            let rl = role_level(&fw, i, i < 30).unwrap();
            assert!(fw.role_level(&rl).is_some(), "{rl}");
        }
    }
}
