//! The team page of a manager with 50 reports, each with three review cycles of assessments and
//! some evidence, rendered through the whole router (session lookup, access rule, two batch reads,
//! readiness for everyone, the matrix and the HTML) on SQLite.
//!
//! `cargo bench -p trellis-web --bench team_page`. The aim is under 20 ms for 50 reports.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use tower::ServiceExt;
use trellis_app::{bootstrap, demo};
use trellis_store::prelude::*;
use trellis_store::{Audit, NewPerson, Session, Stage, SystemRole};
use trellis_store_sql::Database;
use trellis_web::{AppState, Config, auth};

const REPORTS: usize = 50;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (router, cookie) = rt.block_on(async {
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let store = Database::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let version = bootstrap::publish_starter_if_empty(&store)
            .await
            .unwrap()
            .unwrap();
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
        let token = auth::random_token();
        let at = trellis_web_now();
        store
            .create_session(Session {
                token_hash: auth::sha256_hex(&token),
                person_id: manager.id,
                csrf_token: auth::random_token(),
                created_at: at,
                last_seen_at: at,
                expires_at: at + 86_400_000,
            })
            .await
            .unwrap();
        let router = trellis_web::router(AppState::new(store, Config::default()));
        (router, format!("{}={token}", auth::SESSION_COOKIE))
    });
    let get = |path: &'static str| {
        let router = router.clone();
        let cookie = cookie.clone();
        async move {
            let res = router
                .oneshot(
                    Request::get(path)
                        .header(header::COOKIE, cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap()
                .len()
        }
    };
    let size = rt.block_on(get("/team"));
    assert!(size > 50_000, "the matrix is rendered ({size} bytes)");
    let mut group = c.benchmark_group("team page");
    group.sample_size(50);
    group.bench_function("GET /team, 50 reports", |b| {
        b.iter(|| rt.block_on(get("/team")))
    });
    group.bench_function("GET /team.csv, 50 reports", |b| {
        b.iter(|| rt.block_on(get("/team.csv")))
    });
    group.finish();
}

fn trellis_web_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

criterion_group!(benches, bench);
criterion_main!(benches);
