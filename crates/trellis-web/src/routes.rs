//! Every route of the server, with who may call it, in one table: [`routes`].
//!
//! The router is built from the table and nothing else, and every route is wrapped in [`enforce`],
//! which applies the route's [`Rule`] before the handler runs: deny by default, anonymous callers
//! sent to sign in, denials audited, and forms checked for forgery.
//!
//! An API route's method and path are written once, in its handler's `#[utoipa::path]`: its row
//! names only the rule and the handler, and `utoipa_axum::routes!` gives the row its method, path
//! and OpenAPI operation. The OpenAPI document is built from the same rows ([`api_paths`]), so the
//! table, the router and the document cannot disagree, and an API handler left out of the table is
//! left out of the document too.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Mutex;

use axum::Router;
use axum::extract::{RawPathParams, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, MethodRouter};
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;
use trellis_app::access;
use trellis_store::prelude::*;
use trellis_store::{NewAuditEvent, Outcome, StoreError, SystemRole};
use trellis_store_sql::Database;
use utoipa::openapi::path::Paths;
use utoipa::openapi::{RefOr, Schema};
use utoipa_axum::router::UtoipaMethodRouter;

use crate::auth::{self, Caller, Ctx};
use crate::error::{self, WebError};
use crate::extract::read_body;
use crate::state::AppState;
use crate::{
    account, admin, api, assessments, calibration, check_ins, cycles, evidence, frameworks, hiring,
    home, html, notifications, ops, organisation, password_reset, peer_requests, people, plans,
    privacy, promotions, search, sign_in, sso, team,
};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account. Handlers still limit data to what the caller may see (the people
    /// directory lists only visible people).
    SignedIn,
    /// The person named by the `{id}` path parameter: themselves, their managers (direct and
    /// indirect), the people team and admins. The handler's use case decides, with the same read
    /// that fetches the person's records (one read instead of two), and the route makes sure that
    /// it did: a successful answer without an access decision is refused as a server error.
    SeePerson,
    /// Whoever may see the records of the person an assessment (the `{id}` path parameter) is
    /// about, as for [`Rule::SeePerson`] and decided the same way, by the handler's use case with
    /// the read that fetches the assessment. Peers are not among them: they see their request
    /// only. Who may change the assessment at each stage is decided by the use case too.
    SeeAssessment,
    /// The person a peer request (the `{id}` path parameter) is addressed to, and no one else;
    /// anyone else is answered as if there were no such request.
    PeerOfRequest,
    /// The two people of a series of 1:1 check-ins (the `{id}` path parameter), and an
    /// administrator who recorded an exception to their privacy; nobody else, whatever their
    /// relation to the person. Decided by the handler's use case with the read that fetches the
    /// series, as for [`Rule::SeePerson`].
    CheckInPair,
    /// Whoever is on a hiring loop: the people team, the opening's hiring manager, and the
    /// interviewers of a candidate (their own interviews only). Decided by the handler's use case
    /// (`trellis_app::hiring`) with the read that fetches the opening, candidate or interview, as
    /// for [`Rule::SeePerson`]; anyone else is answered as if there were no such record.
    HiringLoop,
    /// Whoever may see a promotion case (the `{id}` path parameter): the person it is about,
    /// managers in their line, the people team, and its panel while they are on it. Decided by
    /// the handler's use case (`trellis_app::promotions`) with the read that fetches the case, as
    /// for [`Rule::SeePerson`]; anyone else is answered as if there were no such case.
    PromotionCase,
    /// The people team and admins.
    PeopleTeam,
    /// Admins only.
    Admin,
    /// A scraper holding the metrics token (`--metrics-token`), sent as `Authorization: Bearer`;
    /// no account. Not served at all (404) when no token is set.
    MetricsToken,
}

/// What a route answers with, which decides how refusals look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// HTML pages: anonymous callers are redirected to sign in; forms need an anti-forgery token.
    Page,
    /// JSON under `/api/v1`: anonymous callers get 401 problems.
    Api,
    /// Fixed resources (health check, stylesheet).
    Asset,
}

/// One row of the route table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub rule: Rule,
    pub kind: Kind,
}

impl fmt::Display for RouteSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// A route: its row and its handler.
pub struct Route {
    pub spec: RouteSpec,
    handler: MethodRouter<AppState>,
    /// An API route's OpenAPI operation and the schemas it refers to.
    openapi: Option<(Paths, Schemas)>,
}

type Schemas = Vec<(String, RefOr<Schema>)>;

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.spec.fmt(f)
    }
}

fn route<H, T>(method: Method, path: &'static str, rule: Rule, kind: Kind, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a routable method");
    Route {
        spec: RouteSpec {
            method,
            path,
            rule,
            kind,
        },
        handler: axum::routing::on(filter, handler),
        openapi: None,
    }
}

/// An API route, from what `utoipa_axum::routes!` read in its handler's `#[utoipa::path]`.
fn api_route(rule: Rule, (schemas, paths, handler): UtoipaMethodRouter<AppState>) -> Route {
    let [(path, item)] = <[_; 1]>::try_from(paths.paths.clone().into_iter().collect::<Vec<_>>())
        .unwrap_or_else(|_| panic!("an API handler documents one path"));
    let method = [
        (Method::GET, item.get.is_some()),
        (Method::POST, item.post.is_some()),
        (Method::PUT, item.put.is_some()),
        (Method::PATCH, item.patch.is_some()),
        (Method::DELETE, item.delete.is_some()),
    ]
    .into_iter()
    .find_map(|(m, documented)| documented.then_some(m))
    .unwrap_or_else(|| panic!("{path}: an API handler documents one method"));
    Route {
        spec: RouteSpec {
            method,
            path: interned(path),
            rule,
            kind: Kind::Api,
        },
        handler,
        openapi: Some((paths, schemas)),
    }
}

/// The same `&'static str` for the same path, however often the table is built.
fn interned(path: String) -> &'static str {
    static PATHS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut paths = PATHS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = paths.get(path.as_str()) {
        return p;
    }
    let p: &'static str = Box::leak(path.into_boxed_str());
    paths.insert(p);
    p
}

/// One line per route: `METHOD "/path" Rule Kind => handler,` for pages and assets (a path given by
/// a constant goes in parentheses), and `API Rule => handler,` for the JSON API, whose method and
/// path are those of the handler's `#[utoipa::path]`.
macro_rules! route_table {
    (@rows [$($out:expr,)*]) => { vec![$($out,)*] };
    (@rows [$($out:expr,)*] API $rule:ident => $handler:path, $($rest:tt)*) => {
        route_table!(@rows [$($out,)* api_route(Rule::$rule, utoipa_axum::routes!($handler)),] $($rest)*)
    };
    (@rows [$($out:expr,)*] $method:ident $path:tt $rule:ident $kind:ident => $handler:expr, $($rest:tt)*) => {
        route_table!(@rows [$($out,)* route(Method::$method, $path, Rule::$rule, Kind::$kind, $handler),] $($rest)*)
    };
    ($($rows:tt)*) => { route_table!(@rows [] $($rows)*) };
}

/// The route table: every route, its rule and its handler. Nothing is routed that is not here.
#[rustfmt::skip]
#[allow(unused_parens)] // around paths given by a constant
pub fn routes() -> Vec<Route> {
    route_table![
        // Fixed resources.
        GET   "/healthz"                                          Public        Asset => html::healthz,
        GET   "/readyz"                                           Public        Asset => ops::readyz,
        GET   "/metrics"                                          MetricsToken  Asset => ops::metrics,
        GET   (html::STYLESHEET_PATH)                            Public        Asset => html::stylesheet,
        // Signing in and out.
        GET   "/sign-in"                                          Public        Page  => sign_in::form,
        POST  "/sign-in"                                          Public        Page  => sign_in::submit,
        GET   "/sign-in/sso"                                      Public        Page  => sso::begin,
        GET   "/sign-in/sso/callback"                             Public        Page  => sso::callback,
        POST  "/sign-out"                                         SignedIn      Page  => sign_in::sign_out,
        GET   "/forgot-password"                                  Public        Page  => password_reset::forgot_form,
        POST  "/forgot-password"                                  Public        Page  => password_reset::forgot_submit,
        GET   "/reset-password/{token}"                           Public        Page  => password_reset::reset_form,
        POST  "/reset-password/{token}"                           Public        Page  => password_reset::reset_submit,
        // Pages for everyone signed in.
        GET   "/"                                                 SignedIn      Page  => home::home,
        GET   "/frameworks/{version}"                             SignedIn      Page  => frameworks::pages::overview,
        GET   "/frameworks/{version}/role-levels/{track}/{level}" SignedIn      Page  => frameworks::pages::profile,
        GET   "/frameworks/{version}/role-levels/{track}/{level}/hiring-kit" SignedIn Page => frameworks::pages::hiring_kit,
        GET   "/frameworks/{version}/compare"                     SignedIn      Page  => frameworks::pages::compare,
        GET   "/frameworks/{version}/skills"                      SignedIn      Page  => frameworks::pages::skills,
        GET   "/people"                                           SignedIn      Page  => people::directory::directory,
        // People only as the directory lists them; role levels and skills for everyone.
        GET   "/search"                                           SignedIn      Page  => search::search,
        GET   "/people/{id}"                                      SeePerson     Page  => people::person::person,
        GET   "/organisation"                                     PeopleTeam    Page  => organisation::overview,
        GET   "/people/{id}/assignment"                           PeopleTeam    Page  => people::assignment::form,
        POST  "/people/{id}/assignment"                           PeopleTeam    Page  => people::assignment::submit,
        POST  "/people/{id}/assignment/waiting/delete"            PeopleTeam    Page  => people::assignment::cancel_waiting,
        // Review cycles, run by the people team.
        GET   "/cycles"                                           PeopleTeam    Page  => cycles::list,
        POST  "/cycles"                                           PeopleTeam    Page  => cycles::open,
        GET   "/cycles/{id}"                                      PeopleTeam    Page  => cycles::cycle,
        POST  "/cycles/{id}/launch"                               PeopleTeam    Page  => cycles::launch,
        POST  "/cycles/{id}/reminders"                            PeopleTeam    Page  => cycles::remind,
        POST  "/cycles/{id}/close"                                PeopleTeam    Page  => cycles::close,
        // Calibration: the people team sees everyone, a manager their reporting lines (decided by
        // the use case, members refused).
        GET   "/calibration"                                      SignedIn      Page  => calibration::list,
        GET   "/cycles/{id}/calibration"                          SignedIn      Page  => calibration::overview,
        GET   "/cycles/{id}/calibration/session"                  SignedIn      Page  => calibration::session,
        GET   "/cycles/{id}/calibration/assessments/{assessment}" SignedIn      Page  => calibration::move_form,
        POST  "/cycles/{id}/calibration/assessments/{assessment}" SignedIn      Page  => calibration::move_outcome,
        // Hiring: the caller's openings and interviews; the loop decided by the use case.
        GET   "/hiring"                                           SignedIn      Page  => hiring::home,
        POST  "/hiring/openings"                                  PeopleTeam    Page  => hiring::create_opening,
        POST  "/hiring/retention"                                 PeopleTeam    Page  => hiring::set_retention,
        GET   "/hiring/openings/{id}"                             HiringLoop    Page  => hiring::opening,
        POST  "/hiring/openings/{id}"                             HiringLoop    Page  => hiring::update_opening,
        POST  "/hiring/openings/{id}/candidates"                  HiringLoop    Page  => hiring::add_candidate,
        GET   "/hiring/candidates/{id}"                           HiringLoop    Page  => hiring::candidate,
        GET   "/hiring/candidates/{id}/data.json"                 HiringLoop    Page  => hiring::candidate_data,
        POST  "/hiring/candidates/{id}/interviews"                HiringLoop    Page  => hiring::schedule,
        POST  "/hiring/candidates/{id}/decision"                  HiringLoop    Page  => hiring::decide,
        GET   "/hiring/interviews/{id}"                           HiringLoop    Page  => hiring::interview,
        POST  "/hiring/interviews/{id}"                           HiringLoop    Page  => hiring::submit,
        // Promotion cases: the caller's list; a case for whoever may see it (decided by the use case).
        GET   "/promotions"                                       SignedIn      Page  => promotions::list,
        GET   "/people/{id}/promotions/new"                       SeePerson     Page  => promotions::new_form,
        POST  "/people/{id}/promotions"                           SeePerson     Page  => promotions::open,
        GET   "/promotions/{id}"                                  PromotionCase Page  => promotions::case,
        GET   "/promotions/{id}/print"                            PromotionCase Page  => promotions::print,
        POST  "/promotions/{id}/case"                             PromotionCase Page  => promotions::write,
        POST  "/promotions/{id}/comments"                         PromotionCase Page  => promotions::comment,
        POST  "/promotions/{id}/panel"                            PromotionCase Page  => promotions::panel,
        POST  "/promotions/{id}/submit"                           PromotionCase Page  => promotions::submit,
        POST  "/promotions/{id}/vote"                             PromotionCase Page  => promotions::vote,
        POST  "/promotions/{id}/decision"                         PromotionCase Page  => promotions::decide,
        // Growth: assessments, peer input, evidence and the team view.
        POST  "/people/{id}/assessments"                          SeePerson     Page  => assessments::pages::start,
        GET   "/people/{id}/evidence"                             SeePerson     Page  => evidence::pages::evidence,
        POST  "/people/{id}/evidence"                             SeePerson     Page  => evidence::pages::evidence_add,
        // Changed by whoever added it or the person it is about (decided by the use case).
        GET   "/people/{id}/evidence/{evidence}/edit"             SeePerson     Page  => evidence::pages::evidence_edit_form,
        POST  "/people/{id}/evidence/{evidence}"                  SeePerson     Page  => evidence::pages::evidence_update,
        POST  "/people/{id}/evidence/{evidence}/delete"           SeePerson     Page  => evidence::pages::evidence_delete,
        GET   "/people/{id}/plan"                                 SeePerson     Page  => plans::plan,
        POST  "/people/{id}/plan/goals"                           SeePerson     Page  => plans::add_goals,
        POST  "/people/{id}/plan/goals/{goal}/actions"            SeePerson     Page  => plans::add_action,
        POST  "/people/{id}/plan/goals/{goal}/actions/{action}/done" SeePerson  Page  => plans::complete_action,
        POST  "/people/{id}/plan/goals/{goal}/comments"           SeePerson     Page  => plans::comment,
        POST  "/people/{id}/plan/goals/{goal}/evidence"           SeePerson     Page  => plans::link_evidence,
        POST  "/people/{id}/plan/goals/{goal}/close"              SeePerson     Page  => plans::close_goal,
        // The person, their managers or the people team start it; the person marks them done.
        POST  "/people/{id}/plan/onboarding"                      SeePerson     Page  => plans::start_onboarding,
        POST  "/people/{id}/plan/milestones/{milestone}/done"     SeePerson     Page  => plans::complete_milestone,
        GET   "/assessments/{id}"                                 SeeAssessment Page  => assessments::pages::assessment,
        POST  "/assessments/{id}/self"                            SeeAssessment Page  => assessments::pages::rate_self,
        POST  "/assessments/{id}/self/draft"                      SeeAssessment Page  => assessments::pages::save_self_draft,
        POST  "/assessments/{id}/manager"                         SeeAssessment Page  => assessments::pages::rate_manager,
        POST  "/assessments/{id}/agreed"                          SeeAssessment Page  => assessments::pages::rate_agreed,
        POST  "/assessments/{id}/peer-requests"                   SeeAssessment Page  => assessments::pages::request_peer,
        // The person confirms or disputes the agreed outcome (decided by the use case).
        POST  "/assessments/{id}/outcome"                         SeeAssessment Page  => assessments::pages::answer_outcome,
        GET   "/peer-requests"                                    SignedIn      Page  => peer_requests::pages::inbox,
        GET   "/peer-requests/{id}"                               PeerOfRequest Page  => peer_requests::pages::peer_request,
        POST  "/peer-requests/{id}"                               PeerOfRequest Page  => peer_requests::pages::peer_submit,
        // The caller's own reports; members without reports see an empty team.
        GET   "/team"                                             SignedIn      Page  => team::own,
        GET   "/team/{id}"                                        SeePerson     Page  => team::of,
        GET   "/team/what-if"                                     SignedIn      Page  => team::own_what_if,
        GET   "/team/{id}/what-if"                                SeePerson     Page  => team::what_if_of,
        // The caller's team, or with `?manager_id=` a team they may see (checked by the handler).
        GET   "/team.csv"                                         SignedIn      Page  => team::csv,
        // 1:1 check-ins: the caller's, and one series for its pair.
        GET   "/check-ins"                                        SignedIn      Page  => check_ins::pages::list,
        POST  "/check-ins"                                        SignedIn      Page  => check_ins::pages::create,
        GET   "/check-ins/shared"                                 SignedIn      Page  => check_ins::pages::shared,
        GET   "/check-ins/{id}"                                   CheckInPair   Page  => check_ins::pages::show,
        POST  "/check-ins/{id}/agenda"                            CheckInPair   Page  => check_ins::pages::add_agenda,
        POST  "/check-ins/{id}/notes"                             CheckInPair   Page  => check_ins::pages::add_note,
        POST  "/check-ins/{id}/notes/{entry}/shares"              CheckInPair   Page  => check_ins::pages::share_note,
        POST  "/check-ins/{id}/notes/{entry}/shares/{person}/delete" CheckInPair Page => check_ins::pages::unshare_note,
        POST  "/check-ins/{id}/actions"                           CheckInPair   Page  => check_ins::pages::add_action,
        POST  "/check-ins/{id}/actions/{action}/done"             CheckInPair   Page  => check_ins::pages::complete_action,
        POST  "/check-ins/{id}/held"                              CheckInPair   Page  => check_ins::pages::held,
        POST  "/check-ins/{id}/reschedule"                        CheckInPair   Page  => check_ins::pages::reschedule,
        GET   "/check-ins/{id}/break-glass"                       Admin         Page  => check_ins::pages::break_glass_form,
        POST  "/check-ins/{id}/break-glass"                       Admin         Page  => check_ins::pages::break_glass,
        // The caller's own notifications.
        GET   "/notifications"                                    SignedIn      Page  => notifications::pages::inbox,
        POST  "/notifications/read"                               SignedIn      Page  => notifications::pages::mark_read,
        POST  "/notifications/email"                              SignedIn      Page  => notifications::pages::email,
        GET   "/account/password"                                 SignedIn      Page  => account::password_form,
        POST  "/account/password"                                 SignedIn      Page  => account::password_submit,
        GET   "/account/tokens"                                   SignedIn      Page  => account::tokens,
        POST  "/account/tokens"                                   SignedIn      Page  => account::token_create,
        POST  "/account/tokens/{id}/revoke"                       SignedIn      Page  => account::token_revoke,
        GET   "/account/data"                                     SignedIn      Page  => privacy::own,
        GET   "/account/data.json"                                SignedIn      Page  => privacy::own_json,
        // Administration.
        GET   "/admin/accounts"                                   Admin         Page  => admin::accounts::accounts,
        POST  "/admin/accounts"                                   Admin         Page  => admin::accounts::account_create,
        GET   "/admin/accounts/{id}"                              Admin         Page  => admin::accounts::account,
        POST  "/admin/accounts/{id}"                              Admin         Page  => admin::accounts::account_update,
        POST  "/admin/accounts/{id}/password"                     Admin         Page  => admin::accounts::account_reset_password,
        GET   "/admin/accounts/{id}/erase"                        Admin         Page  => admin::erasure::form,
        POST  "/admin/accounts/{id}/erase"                        Admin         Page  => admin::erasure::submit,
        GET   "/admin/people/{id}/data"                           Admin         Page  => privacy::person,
        GET   "/admin/people/{id}/data.json"                      Admin         Page  => privacy::person_json,
        GET   (admin::people_import::PATH)                        Admin         Page  => admin::people_import::form,
        POST  (admin::people_import::PATH)                        Admin         Page  => admin::people_import::submit,
        GET   "/admin/frameworks"                                 Admin         Page  => admin::frameworks,
        GET   (admin::framework_upload::PATH)                     Admin         Page  => admin::framework_upload::form,
        POST  (admin::framework_upload::PATH)                     Admin         Page  => admin::framework_upload::submit,
        GET   "/admin/audit"                                      Admin         Page  => admin::audit,
        // JSON API: method and path from each handler's `#[utoipa::path]`.
        API   Public        => api::openapi_json,
        API   SignedIn      => people::api::me,
        API   SignedIn      => frameworks::api::frameworks,
        API   SignedIn      => frameworks::api::framework,
        API   SignedIn      => frameworks::api::role_levels,
        API   SignedIn      => frameworks::api::role_level,
        API   SignedIn      => frameworks::api::compare,
        API   SignedIn      => people::api::teams,
        API   SignedIn      => people::api::people,
        API   Admin         => people::api::create_person,
        API   SeePerson     => people::api::person,
        API   Admin         => people::api::update_person,
        API   SeePerson     => people::api::readiness,
        API   SeePerson     => assessments::api::assessments,
        API   SeePerson     => assessments::api::start,
        API   SeePerson     => evidence::api::evidence,
        API   SeePerson     => evidence::api::add_evidence,
        API   SeePerson     => evidence::api::update_evidence,
        API   SeePerson     => evidence::api::delete_evidence,
        API   SeeAssessment => assessments::api::assessment,
        API   SeeAssessment => assessments::api::rate,
        API   SeeAssessment => assessments::api::request_peer,
        API   SignedIn      => peer_requests::api::peer_requests,
        API   PeerOfRequest => peer_requests::api::submit_peer,
        API   SignedIn      => notifications::api::inbox,
        API   SignedIn      => notifications::api::mark_read,
        API   SignedIn      => notifications::api::email,
        API   SignedIn      => notifications::api::set_email,
        API   PromotionCase => promotions::api::promotion,
        API   SeePerson     => plans::api::plan,
        API   SeePerson     => plans::api::comment,
        API   SignedIn      => hiring::api::openings,
        API   HiringLoop    => hiring::api::opening,
        API   HiringLoop    => hiring::api::candidate,
        API   PeopleTeam    => cycles::api::cycles,
        API   PeopleTeam    => cycles::api::cycle,
        // The people team and managers; the use case decides whose outcomes, as on the page.
        API   SignedIn      => calibration::api::calibration,
        API   SignedIn      => check_ins::api::check_ins,
        API   CheckInPair   => check_ins::api::check_in,
        API   CheckInPair   => check_ins::api::add_agenda,
        API   CheckInPair   => check_ins::api::add_note,
    ]
}

/// The OpenAPI operations of the table's API routes and the schemas they refer to, for the
/// OpenAPI document.
pub(crate) fn api_paths() -> (Paths, Schemas) {
    let mut all = (Paths::new(), Schemas::new());
    for (paths, schemas) in routes().into_iter().filter_map(|r| r.openapi) {
        all.0.merge(paths);
        all.1.extend(schemas);
    }
    all
}

/// The rows of the route table, for tests and documentation.
pub fn route_specs() -> Vec<RouteSpec> {
    routes().into_iter().map(|r| r.spec).collect()
}

/// The whole application: the routes of the table, each behind its rule, and around them sign-in,
/// error rendering, the body limit and security headers.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for r in routes() {
        let guard = Guard {
            state: state.clone(),
            spec: r.spec.clone(),
        };
        let handler = r
            .handler
            .route_layer(middleware::from_fn_with_state(guard, enforce));
        router = router.route(r.spec.path, handler);
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(middleware::from_fn(error::render_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), limit_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::trace::trace_request,
        ))
        .with_state(state)
}

async fn not_found() -> WebError {
    WebError::not_found()
}

async fn method_not_allowed() -> WebError {
    WebError::new(
        error::ErrorKind::MethodNotAllowed,
        "This address does not accept that method.",
    )
}

#[derive(Clone)]
struct Guard {
    state: AppState,
    spec: RouteSpec,
}

/// Applies a route's rule. Runs for every routed request, before its handler.
async fn enforce(State(guard): State<Guard>, req: Request, next: Next) -> Response {
    let req = match check(&guard, req).await {
        Ok(req) => req,
        Err(res) => return res,
    };
    if !matches!(
        guard.spec.rule,
        Rule::SeePerson
            | Rule::SeeAssessment
            | Rule::CheckInPair
            | Rule::HiringLoop
            | Rule::PromotionCase
    ) {
        return next.run(req).await;
    }
    // The use case decides who may see the person; deny by default if it did not.
    let (res, decided) = access::track_decisions(next.run(req)).await;
    let answered = res.status().is_success() || res.status().is_redirection();
    if answered && !decided {
        return WebError::internal(format!(
            "{} answered without deciding whether the caller may see the person",
            guard.spec
        ))
        .into_response();
    }
    res
}

async fn check(guard: &Guard, req: Request) -> Result<Request, Response> {
    let spec = &guard.spec;
    let ctx = req
        .extensions()
        .get::<std::sync::Arc<Ctx>>()
        .cloned()
        .unwrap_or_default();

    // The metrics token is the only credential `/metrics` knows; sessions and API tokens are not.
    if spec.rule == Rule::MetricsToken {
        return match refuse_metrics(guard, &req) {
            Some(refusal) => Err(refusal),
            None => Ok(req),
        };
    }

    // Anonymous callers: sign in first.
    if spec.rule != Rule::Public && ctx.caller.is_none() {
        return Err(match spec.kind {
            Kind::Page => {
                let here = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = if req.method() == Method::GET && here != "/" {
                    format!(
                        "/sign-in?{}",
                        serde_urlencoded::to_string([("next", here)]).unwrap_or_default()
                    )
                } else {
                    "/sign-in".to_owned()
                };
                Redirect::to(&target).into_response()
            }
            Kind::Api | Kind::Asset => WebError::unauthorized().into_response(),
        });
    }

    // Forgery: state-changing requests must come from our own pages, and forms carry a token.
    let req = if is_state_changing(req.method()) {
        let by_browser = matches!(
            ctx.caller.as_ref().map(|c| &c.method),
            Some(auth::AuthMethod::Session { .. }) | None
        );
        if (spec.kind == Kind::Page || by_browser) && !auth::same_origin(req.headers()) {
            return Err(forgery("The request did not come from a Trellis page.").into_response());
        }
        if spec.kind == Kind::Page {
            check_form_token(guard, &ctx, req).await?
        } else {
            req
        }
    } else {
        req
    };

    // The rule itself.
    let (mut parts, body) = req.into_parts();
    let allowed = match (&ctx.caller, spec.rule) {
        (_, Rule::Public) => true,
        (None, _) => false,
        (Some(_), Rule::SignedIn | Rule::HiringLoop | Rule::PromotionCase) => true,
        (Some(c), Rule::PeopleTeam) => {
            matches!(c.role(), SystemRole::PeopleTeam | SystemRole::Admin)
        }
        (Some(c), Rule::Admin) => c.role() == SystemRole::Admin,
        (Some(_), Rule::MetricsToken) => false,
        (
            Some(c),
            rule
            @ (Rule::SeePerson | Rule::SeeAssessment | Rule::CheckInPair | Rule::PeerOfRequest),
        ) => {
            let target = RawPathParams::from_request_parts(&mut parts, &())
                .await
                .ok()
                .and_then(|p| {
                    p.iter()
                        .find(|(k, _)| *k == "id")
                        .and_then(|(_, v)| v.parse::<i64>().ok())
                });
            match target {
                // Not an id at all: nothing to protect; the handler answers 404.
                None => true,
                Some(id) => allowed_for(guard.state.store(), c, rule, id)
                    .await
                    .map_err(IntoResponse::into_response)?,
            }
        }
    };
    if !allowed {
        let event = NewAuditEvent {
            action: "access.denied".into(),
            target: format!("route:{spec}"),
            outcome: Outcome::Denied,
            details: json!({ "path": parts.uri.path() }),
        };
        if let Err(e) = guard.state.store().append_audit(event, &ctx.audit()).await {
            return Err(WebError::from(e).into_response());
        }
        // A record the caller may not see is answered as one that does not exist, so that the
        // answer does not tell which ids exist; a route closed to the caller's role says so.
        if spec.rule == Rule::PeerOfRequest {
            return Err(
                WebError::not_found_because(trellis_app::growth::NO_SUCH_REQUEST).into_response(),
            );
        }
        return Err(WebError::forbidden().into_response());
    }
    Ok(Request::from_parts(parts, body))
}

use axum::extract::{FromRequest, FromRequestParts};

/// `Authorization: Bearer <metrics token>`, compared in constant time: the refusal, if any (404
/// when no token is set, since metrics are off; 401 for anything else).
fn refuse_metrics(guard: &Guard, req: &Request) -> Option<Response> {
    let Some(expected) = guard
        .state
        .config()
        .metrics_token
        .as_deref()
        .filter(|t| !t.is_empty())
    else {
        return Some(WebError::not_found().into_response());
    };
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    if sent.is_empty() || !auth::constant_time_eq(sent, expected) {
        let mut res = WebError::new(
            error::ErrorKind::Unauthorized,
            "Send the metrics token as `Authorization: Bearer <token>`.",
        )
        .into_response();
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"trellis-metrics\""),
        );
        return Some(res);
    }
    None
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn forgery(detail: &str) -> WebError {
    WebError::new(error::ErrorKind::Forbidden, detail)
}

/// Reads the form, checks its `csrf_token` field against the session's (or, before sign-in, the
/// pre-session cookie's), and gives the handler the body back.
async fn check_form_token(guard: &Guard, ctx: &Ctx, req: Request) -> Result<Request, Response> {
    let (parts, body) = req.into_parts();
    let bytes = read_body(body, body_limit(parts.uri.path(), guard.state.config()))
        .await
        .map_err(IntoResponse::into_response)?;
    let sent = if is_multipart(&parts.headers) {
        multipart_field(&parts.headers, bytes.clone(), "csrf_token").await
    } else {
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        fields
            .into_iter()
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v)
    }
    .unwrap_or_default();
    let sent = sent.as_str();
    // The session's token, or the sign-in form's (a signed-in browser may post a sign-in form it
    // loaded before; both tokens are secrets this browser was given).
    let session = ctx.caller.as_ref().and_then(|c| c.csrf_token());
    let matches = |expected: Option<&str>| {
        expected.is_some_and(|e| !e.is_empty() && auth::constant_time_eq(sent, e))
    };
    if sent.is_empty() || !(matches(session) || matches(ctx.presession.as_deref())) {
        // Over plain HTTP from afar the browser dropped the form's cookie: say what will help.
        if ctx.plain_http_from_afar {
            return Err(forgery(crate::sign_in::HTTPS_REQUIRED).into_response());
        }
        return Err(forgery(
            "This form has expired or did not come from Trellis. Go back, reload the page and try again.",
        )
        .into_response());
    }
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

/// The largest body a path takes: the operator's limit, or more for a page that takes a file.
fn body_limit(path: &str, config: &trellis_app::Config) -> usize {
    if path == admin::people_import::PATH {
        config.body_limit.max(admin::people_import::BODY_LIMIT)
    } else if path == admin::framework_upload::PATH {
        config.body_limit.max(admin::framework_upload::BODY_LIMIT)
    } else {
        config.body_limit
    }
}

pub(crate) fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// The text of one field of a multipart form (a form that sends a file).
async fn multipart_field(
    headers: &axum::http::HeaderMap,
    bytes: axum::body::Bytes,
    name: &str,
) -> Option<String> {
    let mut req = Request::new(axum::body::Body::from(bytes));
    *req.headers_mut() = headers.clone();
    let mut form = axum::extract::Multipart::from_request(req, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// Applies a rule about the record named by the `{id}` path parameter. A record that does not
/// exist is let through: the handler answers 404.
async fn allowed_for(
    store: &Database,
    caller: &Caller,
    rule: Rule,
    id: i64,
) -> Result<bool, WebError> {
    match rule {
        // Decided by the handler's use case (see `Rule::SeePerson`).
        Rule::SeePerson | Rule::SeeAssessment | Rule::CheckInPair => Ok(true),
        Rule::PeerOfRequest => match store.peer_request(id).await {
            Ok(r) => Ok(r.peer_id == caller.id()),
            Err(StoreError::NotFound(_)) => Ok(true),
            Err(e) => Err(e.into()),
        },
        _ => Ok(false),
    }
}

/// Refuses bodies over the limit by their declared length before anything reads them; bodies without
/// a length are cut off by the extractors at the same limit.
async fn limit_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = body_limit(req.uri().path(), state.config());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let err = WebError::too_large(limit);
        return if error::is_api_path(req.uri().path()) {
            error::problem_response(&err)
        } else {
            html::error_page(&err, None)
        };
    }
    next.run(req).await
}

/// Headers on every response: a strict content security policy (no scripts at all, no framing),
/// no MIME sniffing, no referrer outside the site, no caching of anything personal, and, when the
/// operator asked for it, HSTS on answers to HTTPS requests.
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let hsts = state.config().hsts.filter(|_| {
        crate::client::origin(crate::client::peer(&req), req.headers(), state.config()).https
    });
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if let Some(age) = hsts
        && let Ok(v) = HeaderValue::from_str(&format!("max-age={}", age.as_secs()))
    {
        h.insert(header::STRICT_TRANSPORT_SECURITY, v);
    }
    let set = |h: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, "x-frame-options", "DENY");
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "same-origin");
    set(h, "cross-origin-opener-policy", "same-origin");
    set(h, "cross-origin-resource-policy", "same-origin");
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, "cache-control", "no-store");
    }
    res
}
