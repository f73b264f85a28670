//! The test harness: a fresh database per test (SQLite in a temporary file; PostgreSQL when
//! `TRELLIS_TEST_POSTGRES_URL` names a server), the starter framework published, a small
//! organisation of fixture accounts, and helpers to drive the router in-process.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use tower::ServiceExt;
use trellis_app::bootstrap;
use trellis_store::prelude::*;
use trellis_store::{
    Audit, CycleDeadlines, CycleLaunch, NewCycle, NewPerson, NewRating, PersonId, PopulationKind,
    RaterKind, Session, Stage, SystemRole,
};
use trellis_store_sql::Database;
use trellis_store_sql::testing::{Ran, on_throwaway_postgres};
use trellis_web::{AppState, Config, auth};

/// The password of every fixture account.
pub const PASSWORD: &str = "correct horse battery staple";

/// Argon2id with OWASP parameters is deliberately slow: hash the fixture password once per run.
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::hash_password(PASSWORD).unwrap())
}

/// The fixture organisation: two teams, each with a manager and a member, plus the people team and
/// an administrator.
#[derive(Debug, Clone, Copy)]
pub struct Ids {
    pub admin: PersonId,
    pub people_team: PersonId,
    pub manager_a: PersonId,
    pub member_a: PersonId,
    pub manager_b: PersonId,
    pub member_b: PersonId,
}

pub struct App {
    pub router: Router,
    pub store: Database,
    pub ids: Ids,
    /// The server state behind the router, to flush the read audit queue.
    pub state: AppState,
}

/// A browser session made directly in the store (signing in through the form is tested on its own,
/// and costs an argon2 verification each time).
#[derive(Debug, Clone)]
pub struct Browser {
    pub token: String,
    pub csrf: String,
}

impl Browser {
    pub fn cookie(&self) -> String {
        format!("{}={}", auth::SESSION_COOKIE, self.token)
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// The value a `Set-Cookie` gives a cookie.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().into_iter().find_map(|c| {
            let first = c.split(';').next()?.trim().to_owned();
            let (k, v) = first.split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    }

    /// Asserts that the body holds `text`, showing the body when it does not.
    #[track_caller]
    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.body.contains(text),
            "{text:?} is not in the answer:\n{}",
            self.body
        );
    }

    /// The `Location` header of a redirect.
    pub fn location(&self) -> String {
        self.header("location")
            .unwrap_or_else(|| panic!("no location ({}): {}", self.status, self.body))
            .to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The first `value="…"` of an input with this name.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let len = self.body[start..].find('"')?;
        Some(self.body[start..start + len].to_owned())
    }
}

/// The token `/metrics` answers to in tests.
pub const METRICS_TOKEN: &str = "metrics-token-for-tests";

pub fn fast_config() -> Config {
    Config {
        // Tests look at new versions right after publishing them.
        framework_refresh: std::time::Duration::ZERO,
        // Operations: metrics served, a proxy range trusted, HSTS on HTTPS answers.
        metrics_token: Some(METRICS_TOKEN.into()),
        trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
        hsts: Some(std::time::Duration::from_secs(86_400)),
        // Email set up, so that passwords can be reset; nothing listens there, so the emails
        // fail to go (the mail itself is tested in trellis-app).
        mailer: Some(
            trellis_app::mail::Mailer::new(&trellis_app::mail::MailSettings {
                smtp_url: "smtp://127.0.0.1:9".into(),
                from: "Trellis <trellis@test.example>".into(),
                base_url: "https://trellis.test.example".into(),
            })
            .unwrap(),
        ),
        ..Config::default()
    }
}

impl App {
    /// Migrates, publishes the starter and creates the fixture organisation.
    pub async fn new(store: Database, config: Config) -> App {
        store.migrate().await.unwrap();
        bootstrap::publish_starter_if_empty(&store).await.unwrap();
        let version = store.current_framework().await.unwrap().map(|v| v.id);
        let team_a = store
            .ensure_team("Team A", &Audit::default())
            .await
            .unwrap()
            .id;
        let team_b = store
            .ensure_team("Team B", &Audit::default())
            .await
            .unwrap()
            .id;
        let add = |email: &str,
                   role: SystemRole,
                   team: Option<i64>,
                   manager: Option<i64>,
                   level: Option<&str>| {
            let store = store.clone();
            let new = NewPerson {
                team_id: team,
                manager_id: manager,
                role_level: level.map(str::to_owned),
                role_level_version: level.and(version),
                password_hash: Some(password_hash().to_owned()),
                ..new_person(email, role)
            };
            async move {
                store
                    .create_person(new, &Audit::default())
                    .await
                    .unwrap()
                    .id
            }
        };
        let admin = add("admin@test.example", SystemRole::Admin, None, None, None).await;
        let people_team = add(
            "people.team@test.example",
            SystemRole::PeopleTeam,
            None,
            None,
            None,
        )
        .await;
        // Each team has a manager, and a member who reports to them.
        let manager_and_member = async |team: i64, letter: &str, levels: [&str; 2]| {
            let manager = add(
                &format!("manager.{letter}@test.example"),
                SystemRole::Member,
                Some(team),
                None,
                Some(levels[0]),
            )
            .await;
            let member = add(
                &format!("member.{letter}@test.example"),
                SystemRole::Member,
                Some(team),
                Some(manager),
                Some(levels[1]),
            )
            .await;
            (manager, member)
        };
        let (manager_a, member_a) = manager_and_member(
            team_a,
            "a",
            [
                "engineering/staff-engineer",
                "engineering/software-engineer",
            ],
        )
        .await;
        let (manager_b, member_b) = manager_and_member(
            team_b,
            "b",
            ["product/senior-product-manager", "product/product-manager"],
        )
        .await;
        let state = AppState::new(store.clone(), config);
        App {
            router: trellis_web::router(state.clone()),
            state,
            store,
            ids: Ids {
                admin,
                people_team,
                manager_a,
                member_a,
                manager_b,
                member_b,
            },
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A new signed-in browser session for a person.
    pub async fn browser(&self, person: PersonId) -> Browser {
        let now = now();
        self.browser_at(person, now, now + 3_600_000).await
    }

    /// A session last seen at `last_seen` and ending at `expires`.
    pub async fn browser_at(&self, person: PersonId, last_seen: i64, expires: i64) -> Browser {
        let token = auth::random_token();
        let csrf = auth::random_token();
        self.store
            .create_session(Session {
                token_hash: auth::sha256_hex(&token),
                person_id: person,
                csrf_token: csrf.clone(),
                created_at: last_seen.min(expires),
                last_seen_at: last_seen,
                expires_at: expires,
            })
            .await
            .unwrap();
        Browser { token, csrf }
    }

    /// A new API token for a person.
    pub async fn token(&self, person: PersonId) -> String {
        let token = auth::new_api_token();
        self.store
            .create_api_token(person, "test", &auth::sha256_hex(&token), &Audit::default())
            .await
            .unwrap();
        token
    }

    pub async fn get(&self, path: &str, browser: Option<&Browser>) -> Resp {
        let mut req = Request::builder().method(Method::GET).uri(path);
        if let Some(b) = browser {
            req = req.header(header::COOKIE, b.cookie());
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// A `GET` of the API with an API token.
    pub async fn api_get(&self, path: &str, token: &str) -> Resp {
        self.api(Method::GET, path, Some(token), None).await
    }

    /// A JSON answer of the API to a `GET` with an API token, which must be a success.
    pub async fn api_json(&self, path: &str, token: &str) -> serde_json::Value {
        let res = self.api_get(path, token).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
        res.json()
    }

    /// The id of a team of the fixture organisation.
    pub async fn team_id(&self, name: &str) -> i64 {
        self.store
            .teams()
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no team {name}"))
            .id
    }

    /// Starts an assessment from the person's page, as a browser does; the answer is the
    /// redirect to the assessment.
    pub async fn start_assessment(&self, b: &Browser, person: PersonId, role_level: &str) -> Resp {
        let page = self.get(&format!("/people/{person}"), Some(b)).await;
        assert_eq!(page.status, StatusCode::OK);
        let version = page
            .input_value("framework_version")
            .unwrap_or_else(|| panic!("no framework version in:\n{}", page.body));
        let res = self
            .post_form(
                &format!("/people/{person}/assessments"),
                &[("role_level", role_level), ("framework_version", &version)],
                Some(b),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        res
    }

    /// Posts a form as a browser would from our own pages, with the session's anti-forgery token.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        browser: Option<&Browser>,
    ) -> Resp {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if let Some(b) = browser {
            all.push(("csrf_token", &b.csrf));
        }
        let body = serde_urlencoded::to_string(&all).unwrap();
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin");
        if let Some(b) = browser {
            req = req.header(header::COOKIE, b.cookie());
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    /// The sign-in form's anti-forgery cookie and token, as a browser gets them.
    pub async fn sign_in_form(&self) -> (String, String) {
        self.anonymous_form("/sign-in").await
    }

    /// The anti-forgery cookie and token of a page whose form is sent before signing in.
    pub async fn anonymous_form(&self, path: &str) -> (String, String) {
        let res = self.get(path, None).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
        let cookie = res
            .cookie(auth::PRESESSION_COOKIE)
            .expect("pre-session cookie");
        let token = res.input_value("csrf_token").expect("csrf field");
        (cookie, token)
    }

    /// Signs in through the form, as a browser does.
    pub async fn sign_in(&self, email: &str, password: &str, session: Option<&Browser>) -> Resp {
        let req = self.sign_in_request(email, password, session).await;
        self.send(req).await
    }

    /// Signs in through the form from a client address as the real server sees it (`None`: an
    /// address the server does not know).
    pub async fn sign_in_from(
        &self,
        addr: Option<SocketAddr>,
        email: &str,
        password: &str,
    ) -> Resp {
        let mut req = self.sign_in_request(email, password, None).await;
        if let Some(addr) = addr {
            req.extensions_mut().insert(ConnectInfo(addr));
        }
        self.send(req).await
    }

    /// The sign-in form as a browser sends it, with the anti-forgery cookie and token of a form
    /// just fetched.
    async fn sign_in_request(
        &self,
        email: &str,
        password: &str,
        session: Option<&Browser>,
    ) -> Request<Body> {
        let (pre, token) = self.sign_in_form().await;
        let body = serde_urlencoded::to_string([
            ("email", email),
            ("password", password),
            ("csrf_token", token.as_str()),
        ])
        .unwrap();
        let mut cookie = format!("{}={pre}", auth::PRESESSION_COOKIE);
        if let Some(b) = session {
            cookie = format!("{cookie}; {}", b.cookie());
        }
        Request::builder()
            .method(Method::POST)
            .uri("/sign-in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .unwrap()
    }

    /// Posts a multipart form (`body`, its parts divided by `boundary`) as a browser does when a
    /// file is chosen.
    pub async fn post_multipart(
        &self,
        path: &str,
        boundary: &str,
        body: impl Into<Body>,
        browser: &Browser,
    ) -> Resp {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::COOKIE, browser.cookie())
            .header("sec-fetch-site", "same-origin")
            .body(body.into())
            .unwrap();
        self.send(req).await
    }

    /// Posts a form as a browser that is not signed in, with the pre-session cookie and token of
    /// [`App::anonymous_form`].
    pub async fn post_anonymous(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        (cookie, token): &(String, String),
    ) -> Resp {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", token));
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(
                header::COOKIE,
                format!("{}={cookie}", auth::PRESESSION_COOKIE),
            )
            .body(Body::from(serde_urlencoded::to_string(&all).unwrap()))
            .unwrap();
        self.send(req).await
    }

    pub async fn audit(&self, action: &str) -> Vec<trellis_store::AuditEvent> {
        // Reads are audited through a queue; write it first.
        self.state.flush_audit().await.unwrap();
        self.store
            .audit_events(trellis_store::AuditFilter {
                action_prefix: Some(action.into()),
                limit: 1000,
                ..Default::default()
            })
            .await
            .unwrap()
    }
}

/// One level below on the starter's scales, or the same when it is the lowest.
pub fn below(level: &str) -> String {
    match level {
        "working" => "foundation".into(),
        "practitioner" => "working".into(),
        "expert" => "practitioner".into(),
        n => match n.parse::<u32>() {
            Ok(n) if n > 1 => (n - 1).to_string(),
            _ => n.to_owned(),
        },
    }
}

/// The framework currently published, as the model reads it.
pub async fn current_framework(app: &App) -> trellis_model::Framework {
    let published = app.store.current_framework().await.unwrap().unwrap();
    serde_json::from_value(published.content).unwrap()
}

/// A person of `role` named after their `email` ("ann.lee@…" is "ann lee"), in no team, reporting
/// to no one, without a role level or a password.
pub fn new_person(email: &str, role: SystemRole) -> NewPerson {
    NewPerson {
        email: email.into(),
        name: email.split('@').next().unwrap().replace('.', " "),
        team_id: None,
        manager_id: None,
        role_level: None,
        role_level_version: None,
        system_role: role,
        password_hash: None,
    }
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// ---------------------------------------------------------------------------------------------
// Records made through the store, where the pages that make them are tested on their own.

/// Rates one skill of an assessment through the store as its rater would, and moves it on to
/// `to`.
pub async fn rate_in_store(
    app: &App,
    id: i64,
    kind: RaterKind,
    rater: PersonId,
    (skill, level): (&str, &str),
    to: Stage,
) {
    let a = app.store.assessment(id).await.unwrap();
    let rating = NewRating {
        skill: skill.into(),
        level: Some(level.into()),
        not_applicable: None,
        comment: None,
    };
    let audit = Audit {
        actor_id: Some(rater),
        ..Default::default()
    };
    app.store
        .submit_ratings(
            id,
            kind,
            rater,
            vec![rating],
            a.revision,
            Some(to),
            vec![],
            &audit,
        )
        .await
        .unwrap();
}

/// Rates one skill alike at each stage through the store, the person then their manager, and
/// agrees on it: the assessment is at its agreed stage with that outcome.
pub async fn agree_in_store(
    app: &App,
    id: i64,
    person: PersonId,
    manager: PersonId,
    rating: (&str, &str),
) {
    rate_in_store(
        app,
        id,
        RaterKind::SelfRater,
        person,
        rating,
        Stage::Manager,
    )
    .await;
    rate_in_store(app, id, RaterKind::Manager, manager, rating, Stage::Compare).await;
    rate_in_store(app, id, RaterKind::Agreed, manager, rating, Stage::Agreed).await;
}

/// Opens a review of the engineering track through the store as the people team, with its
/// deadlines in January and February of `year`, and launches it for member A as a software
/// engineer and member B at `role_level_b`; member A's programming is agreed at practitioner,
/// above the level required. Returns the cycle and the assessments of member A and member B.
pub async fn review_with_an_agreed_outcome(
    app: &App,
    year: u16,
    role_level_b: &str,
) -> (i64, i64, i64) {
    let ids = app.ids;
    let version = app.store.current_framework().await.unwrap().unwrap().id;
    let as_hr = Audit {
        actor_id: Some(app.ids.people_team),
        ..Default::default()
    };
    let cycle = app
        .store
        .create_cycle(
            NewCycle {
                name: format!("{year} review"),
                framework_version_id: version,
                population_kind: PopulationKind::Track,
                population: "engineering".into(),
                deadlines: CycleDeadlines {
                    self_due: format!("{year}-01-15"),
                    peer_due: format!("{year}-01-22"),
                    manager_due: format!("{year}-01-29"),
                    calibration_due: format!("{year}-02-05"),
                    agreed_due: format!("{year}-02-12"),
                },
            },
            &as_hr,
        )
        .await
        .unwrap();
    let launch = [
        (ids.member_a, "engineering/software-engineer"),
        (ids.member_b, role_level_b),
    ]
    .map(|(person, role_level)| CycleLaunch {
        person_id: person,
        role_level: role_level.into(),
        notices: vec![],
    })
    .to_vec();
    let made = app
        .store
        .launch_cycle(cycle.id, launch, &as_hr)
        .await
        .unwrap();
    let (mine, theirs) = (made[0].id, made[1].id);
    let agreed = ("programming", "practitioner");
    agree_in_store(app, mine, ids.member_a, ids.manager_a, agreed).await;
    (cycle.id, mine, theirs)
}

// ---------------------------------------------------------------------------------------------
// Backends.

pub async fn run_sqlite<F, Fut>(test: F)
where
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = ()>,
{
    run_sqlite_with(fast_config(), test).await;
}

pub async fn run_sqlite_with<F, Fut>(config: Config, test: F)
where
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("trellis.db").display());
    let store = Database::connect(&url).await.unwrap();
    test(App::new(store.clone(), config).await).await;
    store.close().await;
}

/// Runs a test on a new PostgreSQL database, dropped afterwards even when the test fails.
pub async fn run_postgres<F, Fut>(test: F)
where
    F: FnOnce(App) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let ran = on_throwaway_postgres("trellis_web_test", |store, _| async move {
        test(App::new(store, fast_config()).await).await;
    })
    .await;
    if let Ran::Skipped(note) = ran {
        eprintln!("{note}");
    }
}

/// Runs each named scenario (an `async fn(App)` generic over the store) on SQLite and on
/// PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::support::run_sqlite(super::$scenario).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::support::run_postgres(super::$scenario).await;
                }
            }
        )*
    };
}
