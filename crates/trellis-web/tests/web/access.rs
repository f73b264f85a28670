//! Every route × every kind of caller, with the status each must get. The table below must list
//! exactly the routes of the route table: adding a route without deciding who may call it fails.
//!
//! The callers stand in every relation the access rules know, all towards one person (the
//! member): themselves, their direct manager, the manager above that one (skip-level, two levels
//! up) and the one above that (three levels up), a manager of another branch, a peer who was asked
//! for input and a teammate who was not, the people team, an admin, a deactivated account and an
//! anonymous visitor. Below the matrix, scenarios that follow one relation through a whole flow.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use trellis_store::{Audit, NewPerson, PersonId, PersonUpdate, SystemRole};
use trellis_web::{Kind, auth, route_specs};

use crate::support::{App, agree_in_store, new_person, password_hash};
use trellis_store::prelude::*;

/// The kinds of caller every route is tried with, each standing in one relation to the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    /// The member whose records the routes are about.
    Member,
    /// A member of another team, asked for peer input on the member's assessment.
    AskedPeer,
    /// A member of the member's own team, never asked for input.
    Teammate,
    /// The member's direct manager.
    Manager,
    /// The manager of the member's manager: two levels up.
    SkipManager,
    /// The manager above that one: three levels up.
    TopManager,
    /// The manager of another branch.
    OtherManager,
    PeopleTeam,
    Admin,
    /// An administrator whose account has been deactivated, with a session and an API token
    /// made while it was active.
    Deactivated,
}

const CALLERS: [Caller; 11] = [
    Caller::Anonymous,
    Caller::Member,
    Caller::AskedPeer,
    Caller::Teammate,
    Caller::Manager,
    Caller::SkipManager,
    Caller::TopManager,
    Caller::OtherManager,
    Caller::PeopleTeam,
    Caller::Admin,
    Caller::Deactivated,
];

/// Expected status for each caller, in the order of [`CALLERS`]: anonymous, member, asked peer,
/// teammate, manager, skip-level manager, manager three up, manager of another branch, people
/// team, admin, deactivated.
///
/// 403 or 404 is decided on purpose. A caller who may not see a record (a teammate, a peer or a
/// manager of another branch looking at the member's records; anyone but the peer asked at a
/// request for input; anyone but the pair at a series of check-ins, for members) gets 404, the
/// same answer, in the same words, as for an id that names nothing: a 403 there would tell them
/// which ids exist. A caller who sees the record, or whose role lets them know it exists (managers
/// and staff see the member's evidence and plan; the people team and admins see that a pair
/// meets), but may not do this gets 403, which tells them nothing new. A route closed to the
/// caller's role (`Admin`, `PeopleTeam`) answers 403 whatever the id. Both refusals are audited.
type Expect = [u16; 11];

const EVERYONE: Expect = [200; 11];
/// Public API routes: a token that is no longer valid (its account deactivated) is refused outright
/// rather than treated as anonymous.
const EVERYONE_API: Expect = [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401];
const SIGNED_IN: Expect = [303, 200, 200, 200, 200, 200, 200, 200, 200, 200, 303];
const SIGNED_IN_API: Expect = [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401];
/// The member's own records: themselves, every manager up their line, the people team, admins.
const THE_MEMBER: Expect = [303, 200, 404, 404, 200, 200, 200, 404, 200, 200, 303];
const THE_MEMBER_API: Expect = [401, 200, 404, 404, 200, 200, 200, 404, 200, 200, 401];
const ADMIN: Expect = [303, 403, 403, 403, 403, 403, 403, 403, 403, 200, 303];
const PEOPLE_TEAM: Expect = [303, 403, 403, 403, 403, 403, 403, 403, 200, 200, 303];
/// A pair's check-ins: the member and their manager, nobody else (not up the line, not the
/// people team, not an administrator without a recorded exception).
const THE_PAIR: Expect = [303, 200, 404, 404, 200, 404, 404, 404, 403, 403, 303];
/// Changes to the member's own development plan: the member only (managers comment).
const THE_OWNER: Expect = [303, 303, 404, 404, 403, 403, 403, 404, 403, 403, 303];
/// Sharing a note of the member's check-ins beyond the pair: the member alone; their manager, one
/// of the pair, is refused.
const THE_PERSON_SHARES: Expect = [303, 303, 404, 404, 403, 404, 404, 404, 403, 403, 303];
const THE_PAIR_CHANGES: Expect = [303, 303, 404, 404, 303, 404, 404, 404, 403, 403, 303];
const THE_PAIR_API: Expect = [401, 200, 404, 404, 200, 404, 404, 404, 403, 403, 401];
const THE_PAIR_API_CHANGES: Expect = [401, 201, 404, 404, 201, 404, 404, 404, 403, 403, 401];
/// Evidence the member added: the member only (whoever added a piece, or the person it is about).
const THE_EVIDENCE_OWNER: Expect = [303, 200, 404, 404, 403, 403, 403, 404, 403, 403, 303];
/// An opening: its hiring manager (the member's manager) and the people team; the member, who
/// interviews one of its candidates, knows it exists but does not run it; nobody else sees it.
const THE_OPENING: Expect = [303, 403, 404, 404, 200, 404, 404, 404, 200, 200, 303];
const THE_OPENING_CHANGES: Expect = [303, 403, 404, 404, 422, 404, 404, 404, 422, 422, 303];
/// A promotion case about the member: the member, their line, the people team, and its panel
/// (the other manager) while on it; nobody else.
const THE_CASE: Expect = [303, 200, 404, 404, 200, 200, 200, 200, 200, 200, 303];
/// Writing a draft case, naming its panel: the line and the people team (refused for the empty
/// form sent, 422); the person and the panel see the case but may not (403).
const THE_CASE_RUNNERS: Expect = [303, 403, 404, 404, 422, 422, 422, 403, 422, 422, 303];
/// Comments on a draft case: the person as well as the line and the people team.
const THE_CASE_COMMENTERS: Expect = [303, 422, 404, 404, 422, 422, 422, 403, 422, 422, 303];
/// Votes: the panel only.
const THE_CASE_PANEL: Expect = [303, 403, 404, 404, 403, 403, 403, 422, 403, 403, 303];
/// Calibration: every manager (their own reporting lines), the people team and admins.
const MANAGERS: Expect = [303, 403, 403, 403, 200, 200, 200, 200, 200, 200, 303];
/// Calibrating the member's outcome: managers up their line, the people team and admins; the
/// member is refused, anyone else answered as if there were no such assessment.
const CALIBRATES_THE_MEMBER: Expect = [303, 403, 404, 404, 200, 200, 200, 404, 200, 200, 303];
const ADMIN_API: Expect = [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 401];
const PEOPLE_TEAM_API: Expect = [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 401];
const MANAGERS_API: Expect = [401, 403, 403, 403, 200, 200, 200, 200, 200, 200, 401];

/// The people of the matrix beyond the fixture organisation: the line above the member's manager,
/// a teammate, and a deactivated administrator.
#[derive(Debug, Clone, Copy)]
struct Cast {
    skip_manager: PersonId,
    top_manager: PersonId,
    teammate: PersonId,
    deactivated: PersonId,
}

async fn add_person(
    app: &App,
    email: &str,
    role: SystemRole,
    manager: Option<PersonId>,
) -> PersonId {
    let team = app.store.person(app.ids.member_a).await.unwrap().team_id;
    app.store
        .create_person(
            NewPerson {
                team_id: team,
                manager_id: manager,
                password_hash: Some(password_hash().to_owned()),
                ..new_person(email, role)
            },
            &Audit::default(),
        )
        .await
        .unwrap()
        .id
}

async fn set_manager(app: &App, person: PersonId, manager: Option<PersonId>) {
    app.store
        .update_person(
            person,
            PersonUpdate {
                manager_id: Some(manager),
                ..PersonUpdate::default()
            },
            &Audit::default(),
        )
        .await
        .unwrap();
}

async fn deactivate(app: &App, person: PersonId) {
    app.store
        .update_person(
            person,
            PersonUpdate {
                active: Some(false),
                ..PersonUpdate::default()
            },
            &Audit::default(),
        )
        .await
        .unwrap();
}

/// Puts a line of two managers above the member's manager (top → skip → manager → member), adds a
/// teammate under the member's manager, and an administrator who is then deactivated.
async fn cast(app: &App) -> Cast {
    let top_manager = add_person(app, "top.manager@test.example", SystemRole::Member, None).await;
    let skip_manager = add_person(
        app,
        "skip.manager@test.example",
        SystemRole::Member,
        Some(top_manager),
    )
    .await;
    set_manager(app, app.ids.manager_a, Some(skip_manager)).await;
    let teammate = add_person(
        app,
        "teammate@test.example",
        SystemRole::Member,
        Some(app.ids.manager_a),
    )
    .await;
    let deactivated = add_person(app, "departed@test.example", SystemRole::Admin, None).await;
    Cast {
        skip_manager,
        top_manager,
        teammate,
        deactivated,
    }
}

impl Cast {
    fn of(&self, app: &App, caller: Caller) -> Option<PersonId> {
        match caller {
            Caller::Anonymous => None,
            Caller::Member => Some(app.ids.member_a),
            Caller::AskedPeer => Some(app.ids.member_b),
            Caller::Teammate => Some(self.teammate),
            Caller::Manager => Some(app.ids.manager_a),
            Caller::SkipManager => Some(self.skip_manager),
            Caller::TopManager => Some(self.top_manager),
            Caller::OtherManager => Some(app.ids.manager_b),
            Caller::PeopleTeam => Some(app.ids.people_team),
            Caller::Admin => Some(app.ids.admin),
            Caller::Deactivated => Some(self.deactivated),
        }
    }
}

enum Payload {
    None,
    Form(Vec<(String, String)>),
    Json(serde_json::Value),
}

struct Case {
    method: Method,
    /// The route as written in the route table.
    route: &'static str,
    /// The path requested.
    path: String,
    body: Box<dyn Fn(Caller) -> Payload + Send + Sync>,
    expect: Expect,
}

fn case(method: Method, route: &'static str, path: impl Into<String>, expect: Expect) -> Case {
    Case {
        method,
        route,
        path: path.into(),
        body: Box::new(|_| Payload::None),
        expect,
    }
}

fn with_body(mut c: Case, body: impl Fn(Caller) -> Payload + Send + Sync + 'static) -> Case {
    c.body = Box::new(body);
    c
}

fn form(fields: &[(&str, &str)]) -> Payload {
    Payload::Form(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

fn tag(c: Caller) -> String {
    format!("{c:?}").to_lowercase()
}

/// Records the growth routes act on: an assessment of the member, and a request for input on it
/// addressed to the member of the other team.
#[derive(Debug, Clone, Copy)]
struct Growth {
    assessment: i64,
    peer_request: i64,
    /// Check-ins between the member and their manager, with an open action of the member's.
    check_in: i64,
    action: i64,
    /// A note the pair shares in those check-ins.
    note: i64,
    /// Check-ins between the asked peer and the other manager, for an administrator's exception.
    other_check_in: i64,
    /// A goal of the member's development plan, with a step.
    goal: i64,
    step: i64,
    /// A first-year milestone of the member's plan.
    milestone: i64,
    /// An opening whose hiring manager is the member's manager, a candidate, and the member's
    /// interview of them (not scored yet).
    opening: i64,
    candidate: i64,
    interview: i64,
    /// Evidence the member added to their own record: one to edit, one to delete on the pages,
    /// one to delete through the API.
    evidence: i64,
    evidence_page_delete: i64,
    evidence_api_delete: i64,
    /// Promotion cases about the member, opened by their manager, the other manager on the panel:
    /// a draft (nothing written yet) and one submitted to the panel.
    promotion_draft: i64,
    promotion_submitted: i64,
    /// Review cycles: a draft to launch, an open one to remind of, an open one to close.
    cycle_draft: i64,
    cycle_open: i64,
    cycle_closing: i64,
    /// A cycle whose assessment of the member is agreed, to calibrate.
    cycle_calibrated: i64,
    calibrated: i64,
}

/// A launched cycle with the member's assessment agreed by their manager: an outcome to
/// calibrate (agreed, so that it leaves the member's role levels free for other rows).
async fn calibrated_cycle(app: &App, version: i64) -> (i64, i64) {
    let as_hr = trellis_store::Audit {
        actor_id: Some(app.ids.people_team),
        ..Default::default()
    };
    let c = app
        .store
        .create_cycle(cycle_of_nobody("Calibrated cycle", version), &as_hr)
        .await
        .unwrap();
    let made = app
        .store
        .launch_cycle(
            c.id,
            vec![trellis_store::CycleLaunch {
                person_id: app.ids.member_a,
                role_level: "engineering/software-engineer".into(),
                notices: vec![],
            }],
            &as_hr,
        )
        .await
        .unwrap();
    let a = made[0].id;
    let (member, manager) = (app.ids.member_a, app.ids.manager_a);
    agree_in_store(app, a, member, manager, ("programming", "practitioner")).await;
    (c.id, a)
}

async fn growth_fixtures(app: &App) -> Growth {
    let version = app.store.current_framework().await.unwrap().unwrap().id;
    let as_member = trellis_store::Audit {
        actor_id: Some(app.ids.member_a),
        ..Default::default()
    };
    let a = app
        .store
        .create_assessment(
            trellis_store::NewAssessment {
                person_id: app.ids.member_a,
                role_level: "product/head-of-product".into(),
                framework_version_id: version,
                cycle: "2026-H1".into(),
            },
            Vec::new(),
            &as_member,
        )
        .await
        .unwrap();
    let r = app
        .store
        .request_peer_input(
            a.id,
            app.ids.member_b,
            vec!["communication".into()],
            app.ids.member_a,
            Vec::new(),
            &as_member,
        )
        .await
        .unwrap();
    let new = |person, partner| trellis_store::NewCheckIn {
        person_id: person,
        partner_id: partner,
        cadence: trellis_store::Cadence::Weekly,
        first_on: in_days(5),
    };
    let c = app
        .store
        .create_check_in(new(app.ids.member_a, app.ids.manager_a), vec![], &as_member)
        .await
        .unwrap();
    let meeting = app
        .store
        .check_in_record(c.id, app.ids.member_a)
        .await
        .unwrap()
        .next_meeting()
        .unwrap()
        .id;
    let action = app
        .store
        .add_action(
            trellis_store::NewAction {
                check_in_id: c.id,
                raised_in: meeting,
                owner_id: app.ids.member_a,
                body: "Write it up".into(),
                due_on: None,
            },
            vec![],
            &as_member,
        )
        .await
        .unwrap();
    let note = app
        .store
        .add_entry(
            c.id,
            trellis_store::NewEntry {
                meeting_id: meeting,
                kind: trellis_store::EntryKind::Note,
                privacy: trellis_store::Privacy::Shared,
                body: "Agreed to try the rota".into(),
            },
            vec![],
            &as_member,
        )
        .await
        .unwrap()
        .id;
    let other = app
        .store
        .create_check_in(new(app.ids.member_b, app.ids.manager_b), vec![], &as_member)
        .await
        .unwrap();
    let goal = app
        .store
        .create_goals(
            vec![trellis_store::NewGoal {
                person_id: app.ids.member_a,
                skill: "communication".into(),
                target_level: "3".into(),
                role_level: None,
                due_on: None,
                why: "Practice".into(),
            }],
            &as_member,
        )
        .await
        .unwrap()[0]
        .id;
    let step = app
        .store
        .add_plan_action(
            trellis_store::NewPlanAction {
                goal_id: goal,
                kind: trellis_store::PlanActionKind::Course,
                body: "A course".into(),
                due_on: None,
            },
            &as_member,
        )
        .await
        .unwrap()
        .id;
    let milestone = app
        .store
        .create_milestones(
            app.ids.member_a,
            "product/head-of-product",
            vec![trellis_store::NewMilestone {
                stage: "days_30".into(),
                body: "Meets the team".into(),
                evidence: String::new(),
                due_on: in_days(30),
            }],
            &as_member,
        )
        .await
        .unwrap()[0]
        .id;
    let as_hr = trellis_store::Audit {
        actor_id: Some(app.ids.people_team),
        ..Default::default()
    };
    let opening = app
        .store
        .create_opening(
            trellis_store::NewOpening {
                role_level: "engineering/software-engineer".into(),
                title: "Software Engineer".into(),
                hiring_manager_id: app.ids.manager_a,
                advert: "## Job advert".into(),
                stages: trellis_store::Stages(vec![trellis_store::OpeningStage {
                    name: "Interview".into(),
                    dimensions: vec![],
                    interviewers: Vec::new(),
                }]),
            },
            &as_hr,
        )
        .await
        .unwrap()
        .id;
    let candidate = app
        .store
        .add_candidate(
            trellis_store::NewCandidate {
                opening_id: opening,
                name: "Cand Idate".into(),
                contact: "cand@example.net".into(),
                source: "Referral".into(),
                consent_on: "2026-01-02".into(),
            },
            &as_hr,
        )
        .await
        .unwrap()
        .id;
    let interview = app
        .store
        .schedule_interview(
            trellis_store::NewInterview {
                candidate_id: candidate,
                stage: "Interview".into(),
                interviewer_id: app.ids.member_a,
                scheduled_on: "2026-01-10".into(),
            },
            &as_hr,
        )
        .await
        .unwrap()
        .id;
    let mut evidence = Vec::new();
    for title in ["Edited", "Deleted on a page", "Deleted through the API"] {
        let e = app
            .store
            .add_evidence(
                trellis_store::NewEvidence {
                    person_id: app.ids.member_a,
                    happened_on: "2026-01-10".into(),
                    title: title.into(),
                    description: String::new(),
                    links: vec![],
                    skills: vec!["communication".into()],
                    corroborators: vec![],
                },
                &as_member,
            )
            .await
            .unwrap();
        evidence.push(e.id);
    }
    let mut cycles = Vec::new();
    for name in ["Draft cycle", "Open cycle", "Closing cycle"] {
        let c = app
            .store
            .create_cycle(cycle_of_nobody(name, version), &as_member)
            .await
            .unwrap();
        if name != "Draft cycle" {
            app.store
                .launch_cycle(c.id, vec![], &as_member)
                .await
                .unwrap();
        }
        cycles.push(c.id);
    }
    let as_manager = trellis_store::Audit {
        actor_id: Some(app.ids.manager_a),
        ..Default::default()
    };
    let mut promotions = Vec::new();
    for target in [
        "engineering/senior-software-engineer",
        "engineering/staff-engineer",
    ] {
        let case = app
            .store
            .open_promotion(
                trellis_store::NewPromotion {
                    person_id: app.ids.member_a,
                    role_level: target.into(),
                    framework_version_id: version,
                },
                vec![],
                &as_manager,
            )
            .await
            .unwrap();
        app.store
            .set_promotion_panel(case.id, vec![app.ids.manager_b], &as_manager)
            .await
            .unwrap();
        promotions.push(case.id);
    }
    app.store
        .write_promotion(promotions[1], "Ready.".into(), None, &as_manager)
        .await
        .unwrap();
    app.store
        .submit_promotion(promotions[1], vec![], &as_manager)
        .await
        .unwrap();
    let (cycle_calibrated, calibrated) = calibrated_cycle(app, version).await;
    Growth {
        cycle_calibrated,
        calibrated,
        promotion_draft: promotions[0],
        promotion_submitted: promotions[1],
        cycle_draft: cycles[0],
        cycle_open: cycles[1],
        cycle_closing: cycles[2],
        evidence: evidence[0],
        evidence_page_delete: evidence[1],
        evidence_api_delete: evidence[2],
        goal,
        step,
        milestone,
        opening,
        candidate,
        interview,
        assessment: a.id,
        peer_request: r.id,
        check_in: c.id,
        action: action.id,
        note,
        other_check_in: other.id,
    }
}

/// A cycle named `name` of a team of nobody, due in the coming two weeks: launching it assesses no
/// one, and leaves the member's role levels free for the rows that start assessments.
fn cycle_of_nobody(name: &str, version: i64) -> trellis_store::NewCycle {
    trellis_store::NewCycle {
        name: name.into(),
        framework_version_id: version,
        population_kind: trellis_store::PopulationKind::Team,
        population: "999999".into(),
        deadlines: trellis_store::CycleDeadlines {
            self_due: in_days(10),
            peer_due: in_days(11),
            manager_due: in_days(12),
            calibration_due: in_days(13),
            agreed_due: in_days(14),
        },
    }
}

/// A day `n` days from now, `YYYY-MM-DD`.
fn in_days(n: i64) -> String {
    let day = 86_400_000;
    trellis_app::time::date(trellis_app::time::now_millis() + n * day)
}

/// A role level for each caller who may start an assessment of the member, so that no start is
/// refused as a duplicate of an open one. The starter framework has eight levels free (the fixture
/// assessment takes the ninth) for twelve starts, so the skip-level managers start on the pages and
/// the people team and admins through the API; the others name a role level that does not exist,
/// which is refused by the check that runs after the access rule (422, not 403).
fn level_for(c: Caller, api: bool) -> String {
    let level = match (c, api) {
        (Caller::Member, false) => "engineering/software-engineer",
        (Caller::Manager, false) => "engineering/senior-software-engineer",
        (Caller::SkipManager, false) => "engineering/staff-engineer",
        (Caller::TopManager, false) => "engineering/principal-engineer",
        (Caller::Member, true) => "product/associate-product-manager",
        (Caller::Manager, true) => "product/product-manager",
        (Caller::PeopleTeam, true) => "product/senior-product-manager",
        (Caller::Admin, true) => "product/principal-product-manager",
        _ => "engineering/no-such-level",
    };
    level.to_owned()
}

fn cases(app: &App, admin_token_id: i64, g: Growth) -> Vec<Case> {
    let member = app.ids.member_a;
    let peer = app.ids.member_b;
    let manager_a = app.ids.manager_a;
    let manager = app.ids.manager_a.to_string();
    let (assessment, request) = (g.assessment, g.peer_request);
    let (check_in, action, other_check_in) = (g.check_in, g.action, g.other_check_in);
    let note = g.note;
    let (goal, step, milestone) = (g.goal, g.step, g.milestone);
    let (opening, candidate, interview) = (g.opening, g.candidate, g.interview);
    let (get, post, patch) = (Method::GET, Method::POST, Method::PATCH);
    let (evidence, evidence_page_delete, evidence_api_delete) =
        (g.evidence, g.evidence_page_delete, g.evidence_api_delete);
    let compare = "from=engineering/software-engineer&to=engineering/senior-software-engineer";
    vec![
        case(get.clone(), "/healthz", "/healthz", EVERYONE),
        case(get.clone(), "/readyz", "/readyz", EVERYONE),
        // Only the metrics token opens the metrics, which no session or API token is.
        case(get.clone(), "/metrics", "/metrics", [401; 11]),
        case(
            get.clone(),
            "/static/trellis.css",
            "/static/trellis.css",
            EVERYONE,
        ),
        // Signed-in callers are sent home from the sign-in page.
        case(
            get.clone(),
            "/sign-in",
            "/sign-in",
            [200, 303, 303, 303, 303, 303, 303, 303, 303, 303, 200],
        ),
        // A wrong password for an unknown account, whoever asks.
        with_body(case(post.clone(), "/sign-in", "/sign-in", [401; 11]), |c| {
            form(&[
                ("email", &format!("nobody.{}@test.example", tag(c))),
                ("password", "wrong password"),
            ])
        }),
        // Single sign-on is not set up here (see web/sso.rs for when it is).
        case(get.clone(), "/sign-in/sso", "/sign-in/sso", [404; 11]),
        case(
            get.clone(),
            "/sign-in/sso/callback",
            "/sign-in/sso/callback?code=c&state=s",
            [404; 11],
        ),
        case(post.clone(), "/sign-out", "/sign-out", [303; 11]),
        // A forgotten password: the same answer for anyone, whether or not the account exists.
        case(
            get.clone(),
            "/forgot-password",
            "/forgot-password",
            EVERYONE,
        ),
        with_body(
            case(
                post.clone(),
                "/forgot-password",
                "/forgot-password",
                EVERYONE,
            ),
            |c| form(&[("email", &format!("nobody.{}@test.example", tag(c)))]),
        ),
        // A link that Trellis never sent, whoever opens it.
        case(
            get.clone(),
            "/reset-password/{token}",
            "/reset-password/0123abcd",
            [404; 11],
        ),
        with_body(
            case(
                post.clone(),
                "/reset-password/{token}",
                "/reset-password/0123abcd",
                [404; 11],
            ),
            |_| {
                form(&[
                    ("new_password", "a new password of mine"),
                    ("confirm_password", "a new password of mine"),
                ])
            },
        ),
        case(get.clone(), "/", "/", SIGNED_IN),
        case(
            get.clone(),
            "/frameworks/{version}",
            "/frameworks/current",
            SIGNED_IN,
        ),
        case(
            get.clone(),
            "/frameworks/{version}/role-levels/{track}/{level}",
            "/frameworks/current/role-levels/engineering/staff-engineer",
            SIGNED_IN,
        ),
        case(
            get.clone(),
            "/frameworks/{version}/role-levels/{track}/{level}/hiring-kit",
            "/frameworks/current/role-levels/engineering/staff-engineer/hiring-kit",
            SIGNED_IN,
        ),
        case(
            get.clone(),
            "/frameworks/{version}/compare",
            format!("/frameworks/current/compare?{compare}"),
            SIGNED_IN,
        ),
        case(
            get.clone(),
            "/frameworks/{version}/skills",
            "/frameworks/current/skills",
            SIGNED_IN,
        ),
        case(get.clone(), "/people", "/people", SIGNED_IN),
        case(get.clone(), "/search", "/search?q=member", SIGNED_IN),
        case(get.clone(), "/organisation", "/organisation", PEOPLE_TEAM),
        case(
            get.clone(),
            "/people/{id}/assignment",
            format!("/people/{member}/assignment"),
            PEOPLE_TEAM,
        ),
        // Review cycles: the people team and admins. A cycle is launched and closed once.
        case(get.clone(), "/cycles", "/cycles", PEOPLE_TEAM),
        with_body(
            case(
                post.clone(),
                "/cycles",
                "/cycles",
                [303, 403, 403, 403, 403, 403, 403, 403, 303, 303, 303],
            ),
            |c| {
                form(&[
                    ("name", &format!("Cycle of {}", tag(c))),
                    ("population", "track:engineering"),
                    ("self_due", "2027-01-15"),
                    ("peer_due", "2027-01-22"),
                    ("manager_due", "2027-01-29"),
                    ("calibration_due", "2027-02-05"),
                    ("agreed_due", "2027-02-12"),
                ])
            },
        ),
        case(
            get.clone(),
            "/cycles/{id}",
            format!("/cycles/{}", g.cycle_open),
            PEOPLE_TEAM,
        ),
        case(
            post.clone(),
            "/cycles/{id}/launch",
            format!("/cycles/{}/launch", g.cycle_draft),
            [303, 403, 403, 403, 403, 403, 403, 403, 303, 409, 303],
        ),
        case(
            post.clone(),
            "/cycles/{id}/reminders",
            format!("/cycles/{}/reminders", g.cycle_open),
            [303, 403, 403, 403, 403, 403, 403, 403, 303, 303, 303],
        ),
        with_body(
            case(
                post.clone(),
                "/cycles/{id}/close",
                format!("/cycles/{}/close", g.cycle_closing),
                [303, 403, 403, 403, 403, 403, 403, 403, 303, 409, 303],
            ),
            |_| form(&[("shares_on", "2027-03-01")]),
        ),
        // Calibration: the people team and admins see everyone, managers their reporting lines
        // (a manager of another branch sees the page, without the member); members nothing.
        case(get.clone(), "/calibration", "/calibration", MANAGERS),
        case(
            get.clone(),
            "/cycles/{id}/calibration",
            format!("/cycles/{}/calibration", g.cycle_calibrated),
            MANAGERS,
        ),
        case(
            get.clone(),
            "/cycles/{id}/calibration/session",
            format!("/cycles/{}/calibration/session", g.cycle_calibrated),
            MANAGERS,
        ),
        case(
            get.clone(),
            "/cycles/{id}/calibration/assessments/{assessment}",
            format!(
                "/cycles/{}/calibration/assessments/{}",
                g.cycle_calibrated, g.calibrated
            ),
            CALIBRATES_THE_MEMBER,
        ),
        // Without a reason: refused as invalid for whoever may move the member's outcome.
        with_body(
            case(
                post.clone(),
                "/cycles/{id}/calibration/assessments/{assessment}",
                format!(
                    "/cycles/{}/calibration/assessments/{}",
                    g.cycle_calibrated, g.calibrated
                ),
                [303, 403, 404, 404, 422, 422, 422, 404, 422, 422, 303],
            ),
            |_| {
                form(&[
                    ("skill", "programming"),
                    ("level", "working"),
                    ("reason", " "),
                ])
            },
        ),
        // Without a revision or changes: the same role level, manager and team are kept.
        with_body(
            case(
                post.clone(),
                "/people/{id}/assignment",
                format!("/people/{member}/assignment"),
                [303, 403, 403, 403, 403, 403, 403, 403, 303, 303, 303],
            ),
            move |_| {
                form(&[
                    ("role_level", "engineering/software-engineer"),
                    ("manager", "manager.a@test.example"),
                    ("team", "Team A"),
                ])
            },
        ),
        // Nothing waits for the member: the people team's cancel changes nothing.
        case(
            post.clone(),
            "/people/{id}/assignment/waiting/delete",
            format!("/people/{member}/assignment/waiting/delete"),
            [303, 403, 403, 403, 403, 403, 403, 403, 303, 303, 303],
        ),
        case(
            get.clone(),
            "/people/{id}",
            format!("/people/{member}"),
            THE_MEMBER,
        ),
        // Growth pages.
        with_body(
            case(
                post.clone(),
                "/people/{id}/assessments",
                format!("/people/{member}/assessments"),
                [303, 303, 404, 404, 303, 303, 303, 404, 422, 422, 303],
            ),
            |c| form(&[("role_level", &level_for(c, false))]),
        ),
        case(
            get.clone(),
            "/people/{id}/evidence",
            format!("/people/{member}/evidence"),
            THE_MEMBER,
        ),
        with_body(
            case(
                post.clone(),
                "/people/{id}/evidence",
                format!("/people/{member}/evidence"),
                [303, 303, 404, 404, 303, 303, 303, 404, 303, 303, 303],
            ),
            |c| {
                form(&[
                    ("happened_on", "2026-01-15"),
                    ("title", &format!("Shipped it ({})", tag(c))),
                    ("skills", "programming"),
                    ("skills", "testing"),
                ])
            },
        ),
        // Evidence is changed by whoever added it (here the member) or the person it is about;
        // the form is sent empty, which the member is told is incomplete.
        case(
            get.clone(),
            "/people/{id}/evidence/{evidence}/edit",
            format!("/people/{member}/evidence/{evidence}/edit"),
            THE_EVIDENCE_OWNER,
        ),
        case(
            post.clone(),
            "/people/{id}/evidence/{evidence}",
            format!("/people/{member}/evidence/{evidence}"),
            [303, 422, 404, 404, 403, 403, 403, 404, 403, 403, 303],
        ),
        case(
            post.clone(),
            "/people/{id}/evidence/{evidence}/delete",
            format!("/people/{member}/evidence/{evidence_page_delete}/delete"),
            [303, 303, 404, 404, 403, 403, 403, 404, 403, 403, 303],
        ),
        case(
            get.clone(),
            "/people/{id}/plan",
            format!("/people/{member}/plan"),
            THE_MEMBER,
        ),
        // Nothing chosen: the member is told so; nobody else may add goals.
        case(
            post.clone(),
            "/people/{id}/plan/goals",
            format!("/people/{member}/plan/goals"),
            [303, 422, 404, 404, 403, 403, 403, 404, 403, 403, 303],
        ),
        with_body(
            case(
                post.clone(),
                "/people/{id}/plan/goals/{goal}/actions",
                format!("/people/{member}/plan/goals/{goal}/actions"),
                THE_OWNER,
            ),
            |c| {
                form(&[
                    ("kind", "project"),
                    ("action", &format!("Step by {}", tag(c))),
                ])
            },
        ),
        case(
            post.clone(),
            "/people/{id}/plan/goals/{goal}/actions/{action}/done",
            format!("/people/{member}/plan/goals/{goal}/actions/{step}/done"),
            THE_OWNER,
        ),
        // The member notes progress; every manager up the line comments or suggests.
        with_body(
            case(
                post.clone(),
                "/people/{id}/plan/goals/{goal}/comments",
                format!("/people/{member}/plan/goals/{goal}/comments"),
                [303, 303, 404, 404, 303, 303, 303, 404, 403, 403, 303],
            ),
            |c| {
                form(&[
                    ("comment", &format!("Noted by {}", tag(c))),
                    ("kind", "suggestion"),
                ])
            },
        ),
        // No evidence chosen: the member is told so.
        case(
            post.clone(),
            "/people/{id}/plan/goals/{goal}/evidence",
            format!("/people/{member}/plan/goals/{goal}/evidence"),
            [303, 422, 404, 404, 403, 403, 403, 404, 403, 403, 303],
        ),
        case(
            post.clone(),
            "/people/{id}/plan/goals/{goal}/close",
            format!("/people/{member}/plan/goals/{goal}/close"),
            THE_OWNER,
        ),
        // No role level named: whoever may start the plan (the member, managers up the line, the
        // people team) is told to name the member's own; the others do not see the member.
        case(
            post.clone(),
            "/people/{id}/plan/onboarding",
            format!("/people/{member}/plan/onboarding"),
            [303, 422, 404, 404, 422, 422, 422, 404, 422, 422, 303],
        ),
        case(
            post.clone(),
            "/people/{id}/plan/milestones/{milestone}/done",
            format!("/people/{member}/plan/milestones/{milestone}/done"),
            THE_OWNER,
        ),
        // Promotion cases: forms sent empty, so that every caller allowed is refused alike (422),
        // or, submitting a case not written yet, 409.
        case(get.clone(), "/promotions", "/promotions", SIGNED_IN),
        case(
            get.clone(),
            "/people/{id}/promotions/new",
            format!("/people/{member}/promotions/new"),
            THE_MEMBER,
        ),
        with_body(
            case(
                post.clone(),
                "/people/{id}/promotions",
                format!("/people/{member}/promotions"),
                [303, 422, 404, 404, 422, 422, 422, 404, 422, 422, 303],
            ),
            |_| form(&[("role_level", "engineering/no-such-level")]),
        ),
        case(
            get.clone(),
            "/promotions/{id}",
            format!("/promotions/{}", g.promotion_submitted),
            THE_CASE,
        ),
        case(
            get.clone(),
            "/api/v1/promotions/{id}",
            format!("/api/v1/promotions/{}", g.promotion_submitted),
            [401, 200, 404, 404, 200, 200, 200, 200, 200, 200, 401],
        ),
        case(
            get.clone(),
            "/promotions/{id}/print",
            format!("/promotions/{}/print", g.promotion_submitted),
            THE_CASE,
        ),
        case(
            post.clone(),
            "/promotions/{id}/case",
            format!("/promotions/{}/case", g.promotion_draft),
            THE_CASE_RUNNERS,
        ),
        case(
            post.clone(),
            "/promotions/{id}/comments",
            format!("/promotions/{}/comments", g.promotion_draft),
            THE_CASE_COMMENTERS,
        ),
        case(
            post.clone(),
            "/promotions/{id}/panel",
            format!("/promotions/{}/panel", g.promotion_draft),
            THE_CASE_RUNNERS,
        ),
        case(
            post.clone(),
            "/promotions/{id}/submit",
            format!("/promotions/{}/submit", g.promotion_draft),
            [303, 403, 404, 404, 409, 409, 409, 403, 409, 409, 303],
        ),
        with_body(
            case(
                post.clone(),
                "/promotions/{id}/vote",
                format!("/promotions/{}/vote", g.promotion_submitted),
                THE_CASE_PANEL,
            ),
            |_| form(&[("vote", "approve")]),
        ),
        case(
            post.clone(),
            "/promotions/{id}/decision",
            format!("/promotions/{}/decision", g.promotion_submitted),
            THE_CASE_RUNNERS,
        ),
        // Hiring: the member interviews the candidate; their manager is the hiring manager. Forms
        // are sent empty, which those allowed are told is incomplete.
        case(get.clone(), "/hiring", "/hiring", SIGNED_IN),
        case(
            post.clone(),
            "/hiring/openings",
            "/hiring/openings",
            [303, 403, 403, 403, 403, 403, 403, 403, 422, 422, 303],
        ),
        // No number of days: nothing changes.
        case(
            post.clone(),
            "/hiring/retention",
            "/hiring/retention",
            [303, 403, 403, 403, 403, 403, 403, 403, 422, 422, 303],
        ),
        case(
            get.clone(),
            "/hiring/openings/{id}",
            format!("/hiring/openings/{opening}"),
            THE_OPENING,
        ),
        case(
            post.clone(),
            "/hiring/openings/{id}",
            format!("/hiring/openings/{opening}"),
            THE_OPENING_CHANGES,
        ),
        case(
            post.clone(),
            "/hiring/openings/{id}/candidates",
            format!("/hiring/openings/{opening}/candidates"),
            THE_OPENING_CHANGES,
        ),
        // The interviewer sees the candidate (and their own interview only).
        case(
            get.clone(),
            "/hiring/candidates/{id}",
            format!("/hiring/candidates/{candidate}"),
            [303, 200, 404, 404, 200, 404, 404, 404, 200, 200, 303],
        ),
        // An export is the people team's act; who runs the loop knows the candidate exists.
        case(
            get.clone(),
            "/hiring/candidates/{id}/data.json",
            format!("/hiring/candidates/{candidate}/data.json"),
            [303, 403, 404, 404, 403, 404, 404, 404, 200, 200, 303],
        ),
        case(
            post.clone(),
            "/hiring/candidates/{id}/interviews",
            format!("/hiring/candidates/{candidate}/interviews"),
            THE_OPENING_CHANGES,
        ),
        case(
            post.clone(),
            "/hiring/candidates/{id}/decision",
            format!("/hiring/candidates/{candidate}/decision"),
            THE_OPENING_CHANGES,
        ),
        // An interview is its interviewer's alone, hiring manager and people team included.
        case(
            get.clone(),
            "/hiring/interviews/{id}",
            format!("/hiring/interviews/{interview}"),
            [303, 200, 404, 404, 404, 404, 404, 404, 404, 404, 303],
        ),
        case(
            post.clone(),
            "/hiring/interviews/{id}",
            format!("/hiring/interviews/{interview}"),
            [303, 422, 404, 404, 404, 404, 404, 404, 404, 404, 303],
        ),
        case(
            get.clone(),
            "/assessments/{id}",
            format!("/assessments/{assessment}"),
            THE_MEMBER,
        ),
        // Without a revision: the person may self-rate (422 for the missing field); no one else.
        case(
            post.clone(),
            "/assessments/{id}/self",
            format!("/assessments/{assessment}/self"),
            [303, 422, 404, 404, 403, 403, 403, 404, 403, 403, 303],
        ),
        // Only the person keeps a draft of their self-assessment (an empty one here).
        case(
            post.clone(),
            "/assessments/{id}/self/draft",
            format!("/assessments/{assessment}/self/draft"),
            [303, 303, 404, 404, 403, 403, 403, 404, 403, 403, 303],
        ),
        // Only the person answers the agreed outcome; this one is not agreed yet.
        case(
            post.clone(),
            "/assessments/{id}/outcome",
            format!("/assessments/{assessment}/outcome"),
            [303, 409, 404, 404, 403, 403, 403, 404, 403, 403, 303],
        ),
        // Only the manager rates and agrees; the people team sees but does not rate.
        case(
            post.clone(),
            "/assessments/{id}/manager",
            format!("/assessments/{assessment}/manager"),
            [303, 403, 404, 404, 422, 422, 422, 404, 403, 403, 303],
        ),
        case(
            post.clone(),
            "/assessments/{id}/agreed",
            format!("/assessments/{assessment}/agreed"),
            [303, 403, 404, 404, 422, 422, 422, 404, 403, 403, 303],
        ),
        case(
            post.clone(),
            "/assessments/{id}/peer-requests",
            format!("/assessments/{assessment}/peer-requests"),
            [303, 422, 404, 404, 422, 422, 422, 404, 403, 403, 303],
        ),
        case(get.clone(), "/peer-requests", "/peer-requests", SIGNED_IN),
        // Only the peer asked sees and answers the request.
        case(
            get.clone(),
            "/peer-requests/{id}",
            format!("/peer-requests/{request}"),
            [303, 404, 200, 404, 404, 404, 404, 404, 404, 404, 303],
        ),
        case(
            post.clone(),
            "/peer-requests/{id}",
            format!("/peer-requests/{request}"),
            [303, 404, 422, 404, 404, 404, 404, 404, 404, 404, 303],
        ),
        case(get.clone(), "/team", "/team", SIGNED_IN),
        case(
            get.clone(),
            "/team/{id}",
            format!("/team/{manager_a}"),
            [303, 404, 404, 404, 200, 200, 200, 404, 200, 200, 303],
        ),
        case(get.clone(), "/team/what-if", "/team/what-if", SIGNED_IN),
        case(
            get.clone(),
            "/team/{id}/what-if",
            format!("/team/{manager_a}/what-if?leaves={member}"),
            [303, 404, 404, 404, 200, 200, 200, 404, 200, 200, 303],
        ),
        case(get.clone(), "/team.csv", "/team.csv", SIGNED_IN),
        case(
            get.clone(),
            "/account/password",
            "/account/password",
            SIGNED_IN,
        ),
        // A wrong current password changes nothing.
        with_body(
            case(
                post.clone(),
                "/account/password",
                "/account/password",
                [303, 422, 422, 422, 422, 422, 422, 422, 422, 422, 303],
            ),
            |_| {
                form(&[
                    ("current_password", "not the password"),
                    ("new_password", "a brand new password"),
                    ("confirm_password", "a brand new password"),
                ])
            },
        ),
        case(get.clone(), "/notifications", "/notifications", SIGNED_IN),
        // Every caller marks only their own read, and chooses only their own email.
        case(
            post.clone(),
            "/notifications/read",
            "/notifications/read",
            [303; 11],
        ),
        with_body(
            case(
                post.clone(),
                "/notifications/email",
                "/notifications/email",
                [303; 11],
            ),
            |_| form(&[("email", "daily")]),
        ),
        case(get.clone(), "/check-ins", "/check-ins", SIGNED_IN),
        // Everyone signed in sets up check-ins of their own, here each with someone new.
        with_body(
            case(post.clone(), "/check-ins", "/check-ins", [303; 11]),
            |c| {
                let partner = if c == Caller::PeopleTeam {
                    "admin@test.example"
                } else {
                    "people.team@test.example"
                };
                form(&[
                    ("with", "other"),
                    ("other_email", partner),
                    ("cadence", "monthly"),
                    ("first_on", &in_days(9)),
                ])
            },
        ),
        case(
            get.clone(),
            "/check-ins/{id}",
            format!("/check-ins/{check_in}"),
            THE_PAIR,
        ),
        with_body(
            case(
                post.clone(),
                "/check-ins/{id}/agenda",
                format!("/check-ins/{check_in}/agenda"),
                THE_PAIR_CHANGES,
            ),
            |c| form(&[("item", &format!("Raised by {}", tag(c)))]),
        ),
        with_body(
            case(
                post.clone(),
                "/check-ins/{id}/notes",
                format!("/check-ins/{check_in}/notes"),
                THE_PAIR_CHANGES,
            ),
            |_| form(&[("note", "A private thought"), ("privacy", "private")]),
        ),
        // Only the person the series is about shares a note further; their partner is refused.
        with_body(
            case(
                post.clone(),
                "/check-ins/{id}/notes/{entry}/shares",
                format!("/check-ins/{check_in}/notes/{note}/shares"),
                THE_PERSON_SHARES,
            ),
            |_| form(&[("email", "people.team@test.example")]),
        ),
        case(
            post.clone(),
            "/check-ins/{id}/notes/{entry}/shares/{person}/delete",
            format!(
                "/check-ins/{check_in}/notes/{note}/shares/{}/delete",
                app.ids.people_team
            ),
            THE_PERSON_SHARES,
        ),
        case(
            get.clone(),
            "/check-ins/shared",
            "/check-ins/shared",
            SIGNED_IN,
        ),
        with_body(
            case(
                post.clone(),
                "/check-ins/{id}/actions",
                format!("/check-ins/{check_in}/actions"),
                THE_PAIR_CHANGES,
            ),
            move |_| form(&[("action", "Read the RFC"), ("owner", &member.to_string())]),
        ),
        // Done once, by the member; the manager, next, finds it done already.
        case(
            post.clone(),
            "/check-ins/{id}/actions/{action}/done",
            format!("/check-ins/{check_in}/actions/{action}/done"),
            [303, 303, 404, 404, 409, 404, 404, 404, 403, 403, 303],
        ),
        case(
            post.clone(),
            "/check-ins/{id}/held",
            format!("/check-ins/{check_in}/held"),
            THE_PAIR_CHANGES,
        ),
        with_body(
            case(
                post.clone(),
                "/check-ins/{id}/reschedule",
                format!("/check-ins/{check_in}/reschedule"),
                THE_PAIR_CHANGES,
            ),
            |_| form(&[("on_date", &in_days(30))]),
        ),
        case(
            get.clone(),
            "/check-ins/{id}/break-glass",
            format!("/check-ins/{other_check_in}/break-glass"),
            ADMIN,
        ),
        with_body(
            case(
                post.clone(),
                "/check-ins/{id}/break-glass",
                format!("/check-ins/{other_check_in}/break-glass"),
                [303, 403, 403, 403, 403, 403, 403, 403, 403, 303, 303],
            ),
            |_| form(&[("reason", "Grievance 7 investigation")]),
        ),
        case(get.clone(), "/account/tokens", "/account/tokens", SIGNED_IN),
        case(get.clone(), "/account/data", "/account/data", SIGNED_IN),
        case(
            get.clone(),
            "/account/data.json",
            "/account/data.json",
            SIGNED_IN,
        ),
        with_body(
            case(
                post.clone(),
                "/account/tokens",
                "/account/tokens",
                SIGNED_IN,
            ),
            |_| form(&[("label", "a script")]),
        ),
        // Someone else's token is not found; its owner revokes it.
        case(
            post.clone(),
            "/account/tokens/{id}/revoke",
            format!("/account/tokens/{admin_token_id}/revoke"),
            [303, 404, 404, 404, 404, 404, 404, 404, 404, 303, 303],
        ),
        case(get.clone(), "/admin/accounts", "/admin/accounts", ADMIN),
        with_body(
            case(
                post.clone(),
                "/admin/accounts",
                "/admin/accounts",
                [303, 403, 403, 403, 403, 403, 403, 403, 403, 201, 303],
            ),
            |c| {
                form(&[
                    ("email", &format!("new.{}@test.example", tag(c))),
                    ("name", "New Person"),
                    ("role", "member"),
                    ("team", "Team A"),
                ])
            },
        ),
        case(
            get.clone(),
            "/admin/accounts/{id}",
            format!("/admin/accounts/{member}"),
            ADMIN,
        ),
        with_body(
            case(
                post.clone(),
                "/admin/accounts/{id}",
                format!("/admin/accounts/{member}"),
                [303, 403, 403, 403, 403, 403, 403, 403, 403, 303, 303],
            ),
            move |_| {
                form(&[
                    ("email", "member.a@test.example"),
                    ("name", "member a"),
                    ("role", "member"),
                    ("team", "Team A"),
                    ("manager_id", &manager),
                    ("role_level", "engineering/software-engineer"),
                    ("active", "on"),
                ])
            },
        ),
        case(
            post.clone(),
            "/admin/accounts/{id}/password",
            format!("/admin/accounts/{member}/password"),
            ADMIN,
        ),
        case(
            get.clone(),
            "/admin/frameworks/upload",
            "/admin/frameworks/upload",
            ADMIN,
        ),
        // Nothing sent: nothing checked or published.
        case(
            post.clone(),
            "/admin/frameworks/upload",
            "/admin/frameworks/upload",
            [303, 403, 403, 403, 403, 403, 403, 403, 403, 422, 303],
        ),
        case(
            get.clone(),
            "/admin/accounts/{id}/erase",
            format!("/admin/accounts/{member}/erase"),
            ADMIN,
        ),
        // Without the typed confirmation, nothing is erased.
        case(
            post.clone(),
            "/admin/accounts/{id}/erase",
            format!("/admin/accounts/{member}/erase"),
            [303, 403, 403, 403, 403, 403, 403, 403, 403, 422, 303],
        ),
        case(
            get.clone(),
            "/admin/people/{id}/data",
            format!("/admin/people/{member}/data"),
            ADMIN,
        ),
        case(
            get.clone(),
            "/admin/people/{id}/data.json",
            format!("/admin/people/{member}/data.json"),
            ADMIN,
        ),
        case(
            get.clone(),
            "/admin/people/import",
            "/admin/people/import",
            ADMIN,
        ),
        // A preview of a file of one new person: nothing is changed.
        with_body(
            case(
                post.clone(),
                "/admin/people/import",
                "/admin/people/import",
                ADMIN,
            ),
            |c| {
                let csv = format!(
                    "email,name,manager_email,team,role_level,start_date\nnew.{}@test.example,New,,,,\n",
                    tag(c)
                );
                form(&[("csv", &csv), ("action", "preview")])
            },
        ),
        case(get.clone(), "/admin/frameworks", "/admin/frameworks", ADMIN),
        case(get.clone(), "/admin/audit", "/admin/audit", ADMIN),
        case(
            get.clone(),
            "/api/v1/openapi.json",
            "/api/v1/openapi.json",
            EVERYONE_API,
        ),
        case(get.clone(), "/api/v1/me", "/api/v1/me", SIGNED_IN_API),
        case(
            get.clone(),
            "/api/v1/frameworks",
            "/api/v1/frameworks",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/frameworks/{version}",
            "/api/v1/frameworks/current",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/role-levels",
            "/api/v1/role-levels",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/role-levels/{track}/{level}",
            "/api/v1/role-levels/engineering/staff-engineer",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/compare",
            format!("/api/v1/compare?{compare}"),
            SIGNED_IN_API,
        ),
        case(get.clone(), "/api/v1/teams", "/api/v1/teams", SIGNED_IN_API),
        case(
            get.clone(),
            "/api/v1/people",
            "/api/v1/people",
            SIGNED_IN_API,
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/people",
                "/api/v1/people",
                [401, 403, 403, 403, 403, 403, 403, 403, 403, 201, 401],
            ),
            |c| {
                Payload::Json(json!({
                    "email": format!("api.{}@test.example", tag(c)),
                    "name": "Made By API",
                }))
            },
        ),
        case(
            get.clone(),
            "/api/v1/people/{id}",
            format!("/api/v1/people/{member}"),
            THE_MEMBER_API,
        ),
        with_body(
            case(
                patch,
                "/api/v1/people/{id}",
                format!("/api/v1/people/{member}"),
                ADMIN_API,
            ),
            |_| Payload::Json(json!({ "name": "Member A" })),
        ),
        // Growth API.
        case(
            get.clone(),
            "/api/v1/people/{id}/readiness",
            format!("/api/v1/people/{member}/readiness"),
            THE_MEMBER_API,
        ),
        case(
            get.clone(),
            "/api/v1/people/{id}/assessments",
            format!("/api/v1/people/{member}/assessments"),
            THE_MEMBER_API,
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/people/{id}/assessments",
                format!("/api/v1/people/{member}/assessments"),
                [401, 201, 404, 404, 201, 422, 422, 404, 201, 201, 401],
            ),
            |c| Payload::Json(json!({ "role_level": level_for(c, true) })),
        ),
        case(
            get.clone(),
            "/api/v1/people/{id}/evidence",
            format!("/api/v1/people/{member}/evidence"),
            THE_MEMBER_API,
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/people/{id}/evidence",
                format!("/api/v1/people/{member}/evidence"),
                [401, 201, 404, 404, 201, 201, 201, 404, 201, 201, 401],
            ),
            |c| {
                Payload::Json(json!({
                    "happened_on": "2026-02-01",
                    "title": format!("Led the incident review ({})", tag(c)),
                    "skills": ["operability"],
                }))
            },
        ),
        with_body(
            case(
                Method::PATCH,
                "/api/v1/people/{id}/evidence/{evidence}",
                format!("/api/v1/people/{member}/evidence/{evidence}"),
                [401, 200, 404, 404, 403, 403, 403, 404, 403, 403, 401],
            ),
            |c| Payload::Json(json!({ "title": format!("Edited by {}", tag(c)) })),
        ),
        case(
            Method::DELETE,
            "/api/v1/people/{id}/evidence/{evidence}",
            format!("/api/v1/people/{member}/evidence/{evidence_api_delete}"),
            [401, 204, 404, 404, 403, 403, 403, 404, 403, 403, 401],
        ),
        case(
            get.clone(),
            "/api/v1/assessments/{id}",
            format!("/api/v1/assessments/{assessment}"),
            THE_MEMBER_API,
        ),
        // A stale revision: the person gets 409; no one else may self-rate at all.
        with_body(
            case(
                post.clone(),
                "/api/v1/assessments/{id}/ratings",
                format!("/api/v1/assessments/{assessment}/ratings"),
                [401, 409, 404, 404, 403, 403, 403, 404, 403, 403, 401],
            ),
            |_| Payload::Json(json!({ "kind": "self", "revision": -1, "ratings": [] })),
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/assessments/{id}/peer-requests",
                format!("/api/v1/assessments/{assessment}/peer-requests"),
                [401, 201, 404, 404, 201, 201, 201, 404, 403, 403, 401],
            ),
            move |_| Payload::Json(json!({ "peer_id": peer, "skills": ["communication"] })),
        ),
        case(
            get.clone(),
            "/api/v1/peer-requests",
            "/api/v1/peer-requests",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/people/{id}/plan",
            format!("/api/v1/people/{member}/plan"),
            THE_MEMBER_API,
        ),
        // The member notes progress; every manager up the line comments or suggests.
        with_body(
            case(
                post.clone(),
                "/api/v1/people/{id}/plan/goals/{goal}/comments",
                format!("/api/v1/people/{member}/plan/goals/{goal}/comments"),
                [401, 201, 404, 404, 201, 201, 201, 404, 403, 403, 401],
            ),
            |c| {
                Payload::Json(
                    json!({ "comment": format!("Said by {}", tag(c)), "kind": "suggestion" }),
                )
            },
        ),
        case(
            get.clone(),
            "/api/v1/hiring/openings",
            "/api/v1/hiring/openings",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/hiring/openings/{id}",
            format!("/api/v1/hiring/openings/{opening}"),
            [401, 403, 404, 404, 200, 404, 404, 404, 200, 200, 401],
        ),
        case(
            get.clone(),
            "/api/v1/hiring/candidates/{id}",
            format!("/api/v1/hiring/candidates/{candidate}"),
            [401, 200, 404, 404, 200, 404, 404, 404, 200, 200, 401],
        ),
        // Review cycles: the people team; calibration as on its page (managers, their lines).
        case(
            get.clone(),
            "/api/v1/cycles",
            "/api/v1/cycles",
            PEOPLE_TEAM_API,
        ),
        case(
            get.clone(),
            "/api/v1/cycles/{id}",
            format!("/api/v1/cycles/{}", g.cycle_open),
            PEOPLE_TEAM_API,
        ),
        case(
            get.clone(),
            "/api/v1/cycles/{id}/calibration",
            format!("/api/v1/cycles/{}/calibration", g.cycle_calibrated),
            MANAGERS_API,
        ),
        case(
            get.clone(),
            "/api/v1/check-ins",
            "/api/v1/check-ins",
            SIGNED_IN_API,
        ),
        case(
            get.clone(),
            "/api/v1/check-ins/{id}",
            format!("/api/v1/check-ins/{check_in}"),
            THE_PAIR_API,
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/check-ins/{id}/agenda",
                format!("/api/v1/check-ins/{check_in}/agenda"),
                THE_PAIR_API_CHANGES,
            ),
            |c| Payload::Json(json!({ "item": format!("Raised by {}", tag(c)) })),
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/check-ins/{id}/notes",
                format!("/api/v1/check-ins/{check_in}/notes"),
                THE_PAIR_API_CHANGES,
            ),
            |c| {
                Payload::Json(
                    json!({ "note": format!("Noted by {}", tag(c)), "privacy": "shared" }),
                )
            },
        ),
        case(
            get.clone(),
            "/api/v1/notifications",
            "/api/v1/notifications",
            SIGNED_IN_API,
        ),
        with_body(
            case(
                post.clone(),
                "/api/v1/notifications/read",
                "/api/v1/notifications/read",
                SIGNED_IN_API,
            ),
            |_| Payload::Json(json!({})),
        ),
        case(
            get.clone(),
            "/api/v1/notifications/email",
            "/api/v1/notifications/email",
            SIGNED_IN_API,
        ),
        with_body(
            case(
                Method::PUT,
                "/api/v1/notifications/email",
                "/api/v1/notifications/email",
                SIGNED_IN_API,
            ),
            |_| Payload::Json(json!({ "email": "off" })),
        ),
        with_body(
            case(
                post,
                "/api/v1/peer-requests/{id}",
                format!("/api/v1/peer-requests/{request}"),
                [401, 404, 422, 404, 404, 404, 404, 404, 404, 404, 401],
            ),
            |_| Payload::Json(json!({ "ratings": [] })),
        ),
    ]
}

async fn call(
    app: &App,
    cast: &Cast,
    c: &Case,
    caller: Caller,
    tokens: &[Option<String>],
) -> StatusCode {
    let index = CALLERS.iter().position(|x| *x == caller).unwrap();
    let api = c.path.starts_with("/api/");
    // Forms sent before signing in: with the pre-session cookie's token.
    let sign_in = c.method == Method::POST
        && matches!(
            c.route,
            "/sign-in" | "/forgot-password" | "/reset-password/{token}"
        );
    let mut req = Request::builder().method(c.method.clone()).uri(&c.path);
    let mut csrf = None;
    match cast.of(app, caller) {
        Some(_) if api => {
            let token = tokens[index].as_ref().unwrap();
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        // The deactivated account's session no longer counts: it signs in with the form's token,
        // like an anonymous visitor.
        Some(person) if sign_in && caller == Caller::Deactivated => {
            let browser = app.browser(person).await;
            let (cookie, token) = app.sign_in_form().await;
            req = req.header(
                header::COOKIE,
                format!("{}; {}={cookie}", browser.cookie(), auth::PRESESSION_COOKIE),
            );
            csrf = Some(token);
        }
        Some(person) => {
            // A fresh session for every request: some routes (sign-out) end the one they use.
            let browser = app.browser(person).await;
            req = req.header(header::COOKIE, browser.cookie());
            csrf = Some(browser.csrf);
        }
        None if sign_in => {
            let (cookie, token) = app.sign_in_form().await;
            req = req.header(
                header::COOKIE,
                format!("{}={cookie}", auth::PRESESSION_COOKIE),
            );
            csrf = Some(token);
        }
        None => {}
    }
    let body = match (c.body)(caller) {
        Payload::None if c.method == Method::POST => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            let fields: Vec<(&str, &str)> =
                csrf.iter().map(|t| ("csrf_token", t.as_str())).collect();
            Body::from(serde_urlencoded::to_string(fields).unwrap())
        }
        Payload::None => Body::empty(),
        Payload::Form(mut fields) => {
            if let Some(t) = csrf {
                fields.push(("csrf_token".into(), t));
            }
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(serde_urlencoded::to_string(fields).unwrap())
        }
        Payload::Json(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
    };
    app.send(req.body(body).unwrap()).await.status
}

pub async fn every_route_for_every_caller(app: App) {
    let cast = cast(&app).await;
    app.token(app.ids.admin).await;
    let admin_token_id = app.store.api_tokens(app.ids.admin).await.unwrap()[0].id;
    let growth = growth_fixtures(&app).await;
    let cases = cases(&app, admin_token_id, growth);

    // The table covers the route table exactly.
    let routed: BTreeSet<(String, String)> = route_specs()
        .into_iter()
        .map(|s| (s.method.to_string(), s.path.to_owned()))
        .collect();
    let tested: BTreeSet<(String, String)> = cases
        .iter()
        .map(|c| (c.method.to_string(), c.route.to_owned()))
        .collect();
    let untested: Vec<_> = routed.difference(&tested).collect();
    let unknown: Vec<_> = tested.difference(&routed).collect();
    assert!(
        untested.is_empty() && unknown.is_empty(),
        "the access table must list every route exactly: routes without an entry {untested:?}; \
         entries without a route {unknown:?}"
    );
    assert_eq!(cases.len(), routed.len(), "one entry per route");

    // Tokens and sessions are made while every account is active; then one is deactivated.
    let mut tokens = Vec::new();
    for caller in CALLERS {
        tokens.push(match cast.of(&app, caller) {
            Some(p) => Some(app.token(p).await),
            None => None,
        });
    }
    deactivate(&app, cast.deactivated).await;

    // Routes about one record, where a refusal may be answered as "not found" (calibrating a
    // person's outcome is decided by its use case, as for the person's records).
    let record_routes: BTreeSet<(String, &str)> = route_specs()
        .into_iter()
        .filter(|s| {
            use trellis_web::Rule::*;
            matches!(
                s.rule,
                SeePerson
                    | SeeAssessment
                    | PeerOfRequest
                    | CheckInPair
                    | HiringLoop
                    | PromotionCase
            ) || s.path.starts_with("/cycles/{id}/calibration/assessments/")
        })
        .map(|s| (s.method.to_string(), s.path))
        .collect();
    let mut failures = Vec::new();
    let mut denials = 0;
    for c in &cases {
        let about_a_record = record_routes.contains(&(c.method.to_string(), c.route));
        for (i, caller) in CALLERS.iter().enumerate() {
            let status = call(&app, &cast, c, *caller, &tokens).await;
            // Every id of the matrix exists: a 404 on a record's route is a refusal.
            if status.as_u16() == 403 || (status.as_u16() == 404 && about_a_record) {
                denials += 1;
            }
            if status.as_u16() != c.expect[i] {
                failures.push(format!(
                    "{} {} as {caller:?}: expected {}, got {status}",
                    c.method, c.path, c.expect[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} unexpected statuses:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Every denial, 403 or 404, is in the audit log, with the route it was for (or, where the use
    // case decides, the person).
    let denied = app.audit("access.denied").await;
    assert_eq!(denied.len(), denials, "one audit event per denial");
    assert!(
        denied
            .iter()
            .all(|e| e.outcome == trellis_store::Outcome::Denied)
    );
    assert!(
        denied
            .iter()
            .any(|e| e.target == "route:GET /admin/accounts")
    );
    assert!(
        denied
            .iter()
            .any(|e| e.target.starts_with("person:") && e.actor_id == Some(app.ids.member_b)),
        "a person's records refused by the use case name the person"
    );
    assert!(
        denied.iter().any(|e| e.target.starts_with("assessment:")
            && [app.ids.member_b, cast.teammate]
                .map(Some)
                .contains(&e.actor_id)),
        "an assessment refused by the use case names the assessment"
    );
    // Peer requests are refused by the route's rule, before any handler runs.
    for (route, by) in [
        ("route:GET /peer-requests/{id}", app.ids.member_a),
        ("route:POST /api/v1/peer-requests/{id}", cast.skip_manager),
    ] {
        assert!(
            denied
                .iter()
                .any(|e| e.target == route && e.actor_id == Some(by)),
            "{route} refused by the rule"
        );
    }
}

/// The rule of each route in the table, checked against what the access table expects of it, so
/// that a rule changed by mistake is caught even where statuses happen to agree.
pub async fn rules_are_declared(_app: App) {
    for spec in route_specs() {
        let api = spec.path.starts_with("/api/");
        assert_eq!(
            api,
            spec.kind == Kind::Api,
            "{spec}: API routes live under /api/ and nowhere else"
        );
        if spec.path.starts_with("/admin") {
            assert_eq!(
                spec.rule,
                trellis_web::Rule::Admin,
                "{spec} must be for admins only"
            );
        }
    }
}

/// What a manager above the member sees of them: the person page (with their name), the team
/// page and CSV of the member's manager, and the member's records through the API.
async fn sees_the_member(app: &App, boss: PersonId) {
    let member = app.ids.member_a;
    let manager = app.ids.manager_a;
    let b = app.browser(boss).await;
    let token = app.token(boss).await;
    let page = app.get(&format!("/people/{member}"), Some(&b)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("member a"), "the person page names them");
    for path in [
        format!("/people/{member}/evidence"),
        format!("/team/{manager}"),
    ] {
        let res = app.get(&path, Some(&b)).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
    }
    let csv = app
        .get(&format!("/team.csv?manager_id={manager}"), Some(&b))
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.body.contains("member a"), "the team CSV lists them");
    let person = app
        .api_get(&format!("/api/v1/people/{member}"), &token)
        .await;
    assert_eq!(person.status, StatusCode::OK, "{}", person.body);
    assert_eq!(person.json()["id"], json!(member));
    for path in ["readiness", "assessments", "evidence"] {
        let res = app
            .api_get(&format!("/api/v1/people/{member}/{path}"), &token)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    }
}

/// Everything [`sees_the_member`] sees is refused, and the refusal is audited.
async fn sees_nothing_of_the_member(app: &App, outsider: PersonId) {
    let member = app.ids.member_a;
    let manager = app.ids.manager_a;
    let b = app.browser(outsider).await;
    let token = app.token(outsider).await;
    // Answered as for someone who does not exist: the outsider learns nothing, not even that
    // these ids name someone.
    let nobody = app.get("/people/999999", Some(&b)).await;
    for path in [
        format!("/people/{member}"),
        format!("/people/{member}/evidence"),
        format!("/team/{manager}"),
        format!("/team.csv?manager_id={manager}"),
    ] {
        let res = app.get(&path, Some(&b)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!res.body.contains("member a"), "{path} names no one");
        assert!(
            res.body.contains("There is no such person."),
            "{path}: the words for someone who does not exist: {}",
            res.body
        );
    }
    assert!(nobody.body.contains("There is no such person."));
    for path in ["", "/readiness", "/assessments", "/evidence"] {
        let res = app
            .api_get(&format!("/api/v1/people/{member}{path}"), &token)
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.json()["detail"], json!("There is no such person."));
    }
    let denied = app.audit("access.denied").await;
    assert!(
        denied.iter().any(|e| e.actor_id == Some(outsider)
            && (e.target == "route:GET /people/{id}" || e.target == format!("person:{member}"))),
        "the refusal is audited, naming the route or the person"
    );
}

/// The manager of the member's manager sees the member: the walk up the line does not stop at
/// the first manager.
pub async fn skip_level_manager_sees_indirect_report_two_levels_up(app: App) {
    let cast = cast(&app).await;
    sees_the_member(&app, cast.skip_manager).await;
}

pub async fn skip_level_manager_sees_indirect_report_three_levels_up(app: App) {
    let cast = cast(&app).await;
    sees_the_member(&app, cast.top_manager).await;
}

/// A manager of another branch, a teammate and a peer (asked or not) see nothing of the member.
pub async fn manager_of_another_branch_and_peers_see_nothing(app: App) {
    let cast = cast(&app).await;
    growth_fixtures(&app).await;
    for outsider in [app.ids.manager_b, cast.teammate, app.ids.member_b] {
        sees_nothing_of_the_member(&app, outsider).await;
    }
}

/// Access follows the line as it is now: when the member's manager moves to another branch, the
/// old line loses the member and the new one gains them, at once.
pub async fn a_move_to_another_branch_changes_who_sees_the_member(app: App) {
    let cast = cast(&app).await;
    sees_the_member(&app, cast.skip_manager).await;
    set_manager(&app, app.ids.manager_a, Some(app.ids.manager_b)).await;
    sees_the_member(&app, app.ids.manager_b).await;
    for old in [cast.skip_manager, cast.top_manager] {
        sees_nothing_of_the_member(&app, old).await;
    }
    // The member's own manager still does.
    sees_the_member(&app, app.ids.manager_a).await;
}

/// A deactivated account cannot sign in, its open sessions end and its API tokens are refused,
/// even though it is an administrator.
pub async fn deactivated_account_is_signed_out_and_refused(app: App) {
    let cast = cast(&app).await;
    let b = app.browser(cast.deactivated).await;
    let token = app.token(cast.deactivated).await;
    assert_eq!(
        app.get("/admin/accounts", Some(&b)).await.status,
        StatusCode::OK
    );
    // Deactivated by another administrator through this server: it takes effect at once.
    let admin = app.token(app.ids.admin).await;
    let res = app
        .api(
            Method::PATCH,
            &format!("/api/v1/people/{}", cast.deactivated),
            Some(&admin),
            Some(json!({ "active": false })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let res = app.get("/admin/accounts", Some(&b)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.header("location").unwrap().starts_with("/sign-in"));
    assert!(
        res.cookie(auth::SESSION_COOKIE)
            .is_some_and(|v| v.is_empty()),
        "the session cookie is cleared"
    );
    let api = app.api_get("/api/v1/me", &token).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    let res = app
        .sign_in("departed@test.example", crate::support::PASSWORD, None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert!(res.cookie(auth::SESSION_COOKIE).is_none(), "no session");
}

/// Ids that name nothing, and ids of records the caller may not see, get the same answer: 404 in
/// the same words, so that nobody can learn which ids exist by trying them. (Members used to get
/// 403 for a person who does not exist and 404 for a missing assessment, while an existing one
/// they may not see answered 403: the difference told them which assessment ids were in use.)
pub async fn missing_and_malformed_ids(app: App) {
    let growth = growth_fixtures(&app).await;
    let member = app.browser(app.ids.member_a).await;
    let outsider = app.browser(app.ids.manager_b).await;
    let people = app.browser(app.ids.people_team).await;
    let admin = app.browser(app.ids.admin).await;
    let outsider_token = app.token(app.ids.manager_b).await;
    let missing = 999_999;
    for b in [&member, &people, &admin] {
        let res = app.get(&format!("/people/{missing}"), Some(b)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        app.get("/people/not-a-number", Some(&member)).await.status,
        StatusCode::NOT_FOUND
    );
    // For each kind of record: one that does not exist and one the outsider may not see answer
    // alike, on the pages and in the API.
    let pairs = [
        (
            format!("/people/{missing}"),
            format!("/people/{}", app.ids.member_a),
        ),
        (
            format!("/assessments/{missing}"),
            format!("/assessments/{}", growth.assessment),
        ),
        (
            format!("/peer-requests/{missing}"),
            format!("/peer-requests/{}", growth.peer_request),
        ),
        (
            format!("/check-ins/{missing}"),
            format!("/check-ins/{}", growth.check_in),
        ),
    ];
    for (absent, hidden) in &pairs {
        let a = app.get(absent, Some(&outsider)).await;
        let h = app.get(hidden, Some(&outsider)).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{absent}");
        assert_eq!(h.status, StatusCode::NOT_FOUND, "{hidden}");
        assert_eq!(
            error_message(&a.body),
            error_message(&h.body),
            "{absent} and {hidden} say the same"
        );
    }
    for (absent, hidden) in [
        (
            format!("/api/v1/assessments/{missing}"),
            format!("/api/v1/assessments/{}", growth.assessment),
        ),
        (
            format!("/api/v1/people/{missing}/evidence"),
            format!("/api/v1/people/{}/evidence", app.ids.member_a),
        ),
    ] {
        let a = app.api_get(&absent, &outsider_token).await;
        let h = app.api_get(&hidden, &outsider_token).await;
        assert_eq!(
            (a.status, h.status),
            (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
        );
        assert_eq!(a.json(), h.json(), "{absent} and {hidden} say the same");
    }
    // The refusal is still audited, naming what was asked for.
    let denied = app.audit("access.denied").await;
    assert!(denied.iter().any(|e| e.actor_id == Some(app.ids.manager_b)
        && e.target == format!("assessment:{}", growth.assessment)));
}

/// The message of an error page, without the parts that differ by request (the request id).
fn error_message(page: &str) -> String {
    let start = page.find("<main").unwrap_or(0);
    let end = page[start..]
        .find("</main>")
        .map_or(page.len(), |e| start + e);
    page[start..end].to_owned()
}

/// Anonymous callers are sent to sign in, and back to the page they asked for only when it was a
/// page to read: never back to the home page by name, never to the target of a form.
pub async fn anonymous_callers_are_sent_to_sign_in(app: App) {
    let home = app.get("/", None).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.header("location"), Some("/sign-in"));
    let page = app.get("/people", None).await;
    assert_eq!(page.header("location"), Some("/sign-in?next=%2Fpeople"));
    let member = app.ids.member_a;
    let form = app
        .post_form(
            &format!("/people/{member}/evidence"),
            &[("title", "x")],
            None,
        )
        .await;
    assert_eq!(form.status, StatusCode::SEE_OTHER);
    assert_eq!(form.header("location"), Some("/sign-in"));
}

crate::on_both_backends!(
    every_route_for_every_caller,
    rules_are_declared,
    skip_level_manager_sees_indirect_report_two_levels_up,
    skip_level_manager_sees_indirect_report_three_levels_up,
    manager_of_another_branch_and_peers_see_nothing,
    a_move_to_another_branch_changes_who_sees_the_member,
    deactivated_account_is_signed_out_and_refused,
    missing_and_malformed_ids,
    anonymous_callers_are_sent_to_sign_in,
);
