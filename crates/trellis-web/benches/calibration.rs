//! The calibration page of a review cycle in an organisation of 10,000 people (a reporting tree of
//! about seven reports per manager, one team per department) with three review cycles of
//! assessments, as `trellis demo --people 10000 --cycles 3` makes them, each cycle adopting its
//! assessments. Rendered through the whole router as the people team (everyone's outcomes) and as
//! a manager of about 200 people, beside the cycle's progress page (which reads every assessment of
//! the cycle) as the reference of the same run. SQLite always; PostgreSQL too when
//! `TRELLIS_BENCH_POSTGRES_URL` names an empty database.
//!
//! `cargo bench -p trellis-web --bench calibration` (or `scripts/bench-calibration`, which starts a
//! throwaway PostgreSQL). The aim is under 200 ms per page.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use trellis_app::demo;
use trellis_store::prelude::*;
use trellis_store::{
    Audit, CycleDeadlines, NewCycle, NewPerson, PersonId, PopulationKind, Stage, SystemRole,
};
use trellis_web::{AppState, Config};

use support::{DAY, get, now, published_store, runtime, session};

const PEOPLE: usize = 10_000;
const FAN_OUT: usize = 7;
const CYCLES: usize = 3;

struct Org {
    router: axum::Router,
    people_team: String,
    manager: String,
    cycle: i64,
}

/// The organisation, loaded in bulk: managers before their reports.
async fn load(url: &str) -> Org {
    let (store, version) = published_store(url).await;
    let fw: trellis_model::Framework = serde_json::from_value(version.content).unwrap();
    let audit = Audit::default();
    let leaves: Vec<String> = fw
        .tracks
        .iter()
        .flat_map(|t| {
            t.levels
                .iter()
                .take(3)
                .map(move |l| format!("{}/{}", t.id, l.id))
        })
        .collect();
    let managers: Vec<String> = fw
        .tracks
        .iter()
        .filter_map(|t| t.levels.get(3).map(|l| format!("{}/{}", t.id, l.id)))
        .collect();
    let mut teams = Vec::new();
    for k in 0..FAN_OUT * FAN_OUT {
        teams.push(
            store
                .ensure_team(&format!("Department {k}"), &audit)
                .await
                .unwrap()
                .id,
        );
    }
    let depth = |mut i: usize| {
        let mut d = 0;
        while i > 0 {
            i = (i - 1) / FAN_OUT;
            d += 1;
        }
        d
    };
    let team_of = |i: usize| {
        let mut head = i;
        while depth(head) > 2 {
            head = (head - 1) / FAN_OUT;
        }
        teams[head % teams.len()]
    };
    let mut ids: Vec<PersonId> = Vec::with_capacity(PEOPLE);
    let mut start = 0;
    let mut width = 1;
    while start < PEOPLE {
        let end = (start + width).min(PEOPLE);
        for chunk in (start..end).collect::<Vec<_>>().chunks(2_000) {
            let batch = chunk
                .iter()
                .map(|&i| {
                    let has_reports = i * FAN_OUT + 1 < PEOPLE;
                    let role_level = if has_reports {
                        managers[i % managers.len()].clone()
                    } else {
                        leaves[i % leaves.len()].clone()
                    };
                    NewPerson {
                        email: format!("p{i}@bench.example"),
                        name: format!("Person {i}"),
                        team_id: Some(team_of(i)),
                        manager_id: (i > 0).then(|| ids[(i - 1) / FAN_OUT]),
                        role_level: Some(role_level),
                        role_level_version: Some(version.id),
                        system_role: if i == 0 {
                            SystemRole::PeopleTeam
                        } else {
                            SystemRole::Member
                        },
                        password_hash: None,
                    }
                })
                .collect();
            let made = store.bulk_create_people(batch, &audit).await.unwrap();
            ids.extend(made.iter().map(|p| p.id));
        }
        start = end;
        width *= FAN_OUT;
    }
    // Three cycles of assessments per person, the last at a mix of stages.
    let at = now();
    let name = |c: usize| format!("Bench cycle {c}");
    let mut cycles = Vec::new();
    for c in 0..CYCLES {
        let day = |n: i64| trellis_app::time::date(at + n * DAY);
        let cycle = store
            .create_cycle(
                NewCycle {
                    name: name(c),
                    framework_version_id: version.id,
                    population_kind: PopulationKind::Track,
                    population: "engineering".into(),
                    deadlines: CycleDeadlines {
                        self_due: day(1),
                        peer_due: day(2),
                        manager_due: day(3),
                        calibration_due: day(4),
                        agreed_due: day(5),
                    },
                },
                &audit_by(ids[0], at),
            )
            .await
            .unwrap();
        cycles.push(cycle.id);
    }
    let mut batch = Vec::new();
    for i in 1..PEOPLE {
        let p = ids[i];
        let role_level = if i * FAN_OUT + 1 < PEOPLE {
            &managers[i % managers.len()]
        } else {
            &leaves[i % leaves.len()]
        };
        let profile = trellis_model::resolve(&fw, role_level).unwrap();
        let last = match demo::mix(p as u64, 11) % 10 {
            0 => Stage::SelfRating,
            1 => Stage::Manager,
            2 => Stage::Compare,
            _ => Stage::Agreed,
        };
        batch.extend(demo::history(
            &fw,
            version.id,
            &profile,
            p,
            ids[(i - 1) / FAN_OUT],
            CYCLES,
            last,
            at - DAY,
            182 * DAY,
            name,
        ));
        if batch.len() >= 3_000 {
            store
                .bulk_create_assessments(std::mem::take(&mut batch), &audit)
                .await
                .unwrap();
        }
    }
    store.bulk_create_assessments(batch, &audit).await.unwrap();
    for c in &cycles {
        store
            .adopt_assessments(*c, &audit_by(ids[0], at))
            .await
            .unwrap();
    }
    // A manager of a department: the third level of the tree, about 200 people below them.
    let manager = ids[1 + FAN_OUT];
    let people_team = session(&store, ids[0]).await;
    let manager = session(&store, manager).await;
    Org {
        router: trellis_web::router(AppState::new(store, Config::default())),
        people_team,
        manager,
        cycle: *cycles.last().unwrap(),
    }
}

fn audit_by(person: PersonId, at: i64) -> Audit {
    Audit {
        actor_id: Some(person),
        ip: None,
        at,
    }
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let mut backends = vec![(
        "SQLite",
        format!("sqlite://{}", dir.path().join("bench.db").display()),
    )];
    if let Ok(url) = std::env::var("TRELLIS_BENCH_POSTGRES_URL") {
        backends.push(("PostgreSQL", url));
    }
    for (label, url) in backends {
        let started = std::time::Instant::now();
        let org = rt.block_on(load(&url));
        eprintln!(
            "{label}: loaded {PEOPLE} people with {CYCLES} cycles in {:.1?}",
            started.elapsed()
        );
        let calibration = format!("/cycles/{}/calibration", org.cycle);
        let progress = format!("/cycles/{}", org.cycle);
        let size = rt.block_on(get(&org.router, &org.people_team, &calibration));
        assert!(size > 20_000, "the page is rendered ({size} bytes)");
        let mut group = c.benchmark_group(format!("calibration, {label}"));
        group.sample_size(10);
        group.bench_function(
            "GET /cycles/{id}/calibration, people team (10,000 people)",
            |b| b.iter(|| rt.block_on(get(&org.router, &org.people_team, &calibration))),
        );
        group.bench_function("GET /cycles/{id}/calibration, manager of ~200", |b| {
            b.iter(|| rt.block_on(get(&org.router, &org.manager, &calibration)))
        });
        group.bench_function("reference: GET /cycles/{id}, the cycle's progress", |b| {
            b.iter(|| rt.block_on(get(&org.router, &org.people_team, &progress)))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
