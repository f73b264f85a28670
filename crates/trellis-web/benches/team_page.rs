//! The team page of a manager with 50 reports, each with three review cycles of assessments and
//! some evidence, rendered through the whole router (session lookup, access rule, two batch reads,
//! readiness for everyone, the matrix and the HTML) on SQLite.
//!
//! `cargo bench -p trellis-web --bench team_page`. The aim is under 20 ms for 50 reports.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use trellis_app::demo;
use trellis_store::prelude::*;
use trellis_store::{Audit, NewPerson, Stage, SystemRole};
use trellis_web::{AppState, Config};

use support::{get, published_store, runtime, session};

const REPORTS: usize = 50;

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let (router, cookie) = rt.block_on(async {
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let (store, version) = published_store(&url).await;
        let fw: trellis_model::Framework = serde_json::from_value(version.content).unwrap();
        let audit = Audit::default();
        let person = |i: usize, manager: Option<i64>, role_level: &str| NewPerson {
            email: format!("p{i}@bench.example"),
            name: format!("Person {i}"),
            team_id: None,
            manager_id: manager,
            role_level: Some(role_level.to_owned()),
            role_level_version: Some(version.id),
            system_role: SystemRole::Member,
            password_hash: None,
        };
        let manager = store
            .create_person(person(0, None, "engineering/staff-engineer"), &audit)
            .await
            .unwrap();
        let levels = [
            "engineering/software-engineer",
            "engineering/senior-software-engineer",
            "product/product-manager",
        ];
        let reports = store
            .bulk_create_people(
                (1..=REPORTS)
                    .map(|i| person(i, Some(manager.id), levels[i % levels.len()]))
                    .collect(),
                &audit,
            )
            .await
            .unwrap();
        let now = 1_776_643_200_000;
        let mut bulk = Vec::new();
        let mut evidence = Vec::new();
        for (i, p) in reports.iter().enumerate() {
            let profile = trellis_model::resolve(&fw, p.role_level.as_deref().unwrap()).unwrap();
            let last = [Stage::Agreed, Stage::Compare, Stage::Manager][i % 3];
            bulk.extend(demo::history(
                &fw,
                version.id,
                &profile,
                p.id,
                manager.id,
                3,
                last,
                now,
                182 * 86_400_000,
                |c| format!("cycle-{c}"),
            ));
            evidence.extend(demo::evidence_for(&profile, p.id, 2, now, None));
        }
        store.bulk_create_assessments(bulk, &audit).await.unwrap();
        store.bulk_add_evidence(evidence, &audit).await.unwrap();
        let cookie = session(&store, manager.id).await;
        let router = trellis_web::router(AppState::new(store, Config::default()));
        (router, cookie)
    });
    let size = rt.block_on(get(&router, &cookie, "/team"));
    assert!(size > 50_000, "the matrix is rendered ({size} bytes)");
    let mut group = c.benchmark_group("team page");
    group.sample_size(50);
    group.bench_function("GET /team, 50 reports", |b| {
        b.iter(|| rt.block_on(get(&router, &cookie, "/team")))
    });
    group.bench_function("GET /team.csv, 50 reports", |b| {
        b.iter(|| rt.block_on(get(&router, &cookie, "/team.csv")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
