//! The use cases of Trellis, with no HTTP in them: one function per thing a person does, each doing
//! its access check, its writes and its audit event in one store transaction, and saying what went
//! wrong with one error type, [`AppError`]. The web server and the command line both call these.
//!
//! - [`access`]: the relation rules (self, manager up the line, peer, people team, admin).
//! - [`accounts`]: creating and changing accounts; [`secrets`]: passwords and tokens;
//!   [`password_reset`]: a forgotten password reset through a link sent by email; [`sso`]: single
//!   sign-on through the organisation's OpenID provider.
//! - [`erasure`]: a person's data erased, and retention for people who left.
//! - [`people`]: whom an actor may see, and a person's record read with its access decision;
//!   [`people_import`]: people brought in line with a CSV file from the HR system.
//! - [`growth`]: assessments, peer input, evidence, readiness and team views.
//! - [`frameworks`]: published framework versions, parsed once and cached.
//! - [`bootstrap`] and [`demo`]: a fresh organisation, and a synthetic one for trials.
//! - [`notifications`]: who is told what, and the inbox; [`mail`]: sending them by email.
//! - [`read_audit`]: audit events of reads, written in batches.
//! - [`cycles`]: review cycles; [`sharing`]: what of a cycle's results waits for its sharing day.
//! - [`todo`]: what waits for a person, for their home page.
//! - [`use_cases`]: the use cases by area, as methods: `app.assessments().submit(actor, &assessment, …)`.
#![forbid(unsafe_code)]

/// Declares an area of use cases: a handle that borrows the [`App`], and the method of `App` that
/// gives it (`use_case_area!(Plans, plans)` makes `app.plans()`).
macro_rules! use_case_area {
    ($(#[$attr:meta])* $area:ident, $method:ident) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy)]
        pub struct $area<'a> {
            pub(crate) app: &'a $crate::App,
        }

        impl $crate::App {
            pub fn $method(&self) -> $area<'_> {
                $area { app: self }
            }
        }
    };
}

pub mod access;
pub mod accounts;
pub mod assignment;
pub mod bootstrap;
pub mod calibration;
pub mod check_ins;
pub mod cycles;
pub mod demo;
pub mod erasure;
pub mod error;
pub mod frameworks;
pub mod growth;
pub mod hiring;
pub mod home;
pub mod input;
pub mod mail;
pub mod notifications;
pub mod onboarding;
pub mod organisation;
pub mod password_reset;
pub mod people;
pub mod people_import;
pub mod plans;
pub mod privacy;
pub mod promotions;
pub mod read_audit;
pub mod reminders;
pub mod search;
pub mod secrets;
pub mod settings;
pub mod sharing;
pub mod sso;
pub mod throttle;
pub mod time;
pub mod todo;
pub mod use_cases;

use std::sync::Arc;
use std::time::Duration;

pub use access::{Actor, Relation};
pub use error::{AppError, AppResult, FieldProblem};
pub use frameworks::{Published, VersionRef};
use trellis_store::{Audit, NewAuditEvent, Outcome, StoreResult};
pub use trellis_store_sql::Database;

use crate::frameworks::FrameworkCache;
use crate::read_audit::ReadAudit;

/// Server settings. The defaults are the ones `trellis serve` uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// Show text from framework sources that may not be redistributed (the organisation holds a
    /// licence). Off by default: such text is withheld as in the static site.
    pub licensed: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, whatever the activity.
    pub absolute_timeout: Duration,
    /// Requests with a larger body are refused with 413.
    pub body_limit: usize,
    /// Failed sign-ins are counted over this window, which is also the longest wait (see
    /// [`throttle`]).
    pub throttle_window: Duration,
    /// Failed sign-ins for one email from one address within the window before each further
    /// attempt waits, twice as long each time from `first_delay`.
    pub free_failures_per_pair: u32,
    pub first_delay: Duration,
    /// Failed sign-ins from one address within the window before further attempts are refused.
    pub max_failures_per_ip: u32,
    /// How long the current framework is cached before the store is asked again (another process,
    /// such as `trellis publish`, may have published a new version).
    pub framework_refresh: Duration,
    /// How often audit events of reads are written (see `read_audit`); sooner when many wait.
    pub read_audit_every: Duration,
    /// How long a session read from the store is trusted before it is read again. Sign-out,
    /// password changes and account changes made through this server take effect at once; made
    /// elsewhere (another server on the same database, the command line) within this time. Zero
    /// reads the store on every request.
    pub session_cache: Duration,
    /// Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed: the client address
    /// and whether the browser used HTTPS come from them. Nobody's by default.
    pub trusted_proxies: Vec<settings::IpRange>,
    /// `Strict-Transport-Security: max-age=…` on answers to HTTPS requests; off by default (once
    /// a browser has seen it, it refuses plain HTTP to the site for that long).
    pub hsts: Option<Duration>,
    /// The bearer token a scraper sends to `/metrics`; without one, `/metrics` is not served.
    pub metrics_token: Option<String>,
    /// The server itself speaks TLS (`--tls-cert`/`--tls-key`): every request came over HTTPS.
    pub tls: bool,
    /// Sends email (`--smtp-url`): notifications, and the links that reset a forgotten password.
    /// Without it, nothing is emailed and only an administrator can set a forgotten password.
    pub mailer: Option<mail::Mailer>,
    /// A password reset link works for this long after it was asked for.
    pub password_reset_expiry: Duration,
    /// Single sign-on through the organisation's OpenID provider (`--oidc-issuer`); none by default.
    pub sso: Option<sso::SsoSettings>,
    /// Whether people may sign in with a password. Turned off (`--password-sign-in false`) only
    /// with single sign-on set up, so that the provider decides who signs in.
    pub password_sign_in: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            licensed: false,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            body_limit: 64 * 1024,
            throttle_window: Duration::from_secs(15 * 60),
            free_failures_per_pair: 5,
            first_delay: Duration::from_secs(1),
            max_failures_per_ip: 50,
            framework_refresh: Duration::from_secs(2),
            read_audit_every: crate::read_audit::FLUSH_EVERY,
            session_cache: Duration::from_secs(1),
            trusted_proxies: Vec::new(),
            hsts: None,
            metrics_token: None,
            tls: false,
            mailer: None,
            password_reset_expiry: Duration::from_secs(60 * 60),
            sso: None,
            password_sign_in: true,
        }
    }
}

/// The application: the store, the settings, and what is shared between requests (the framework
/// cache and the queue of read audit events). Cheap to clone.
#[derive(Debug)]
pub struct App {
    inner: Arc<Inner>,
}

impl Clone for App {
    fn clone(&self) -> Self {
        App {
            inner: self.inner.clone(),
        }
    }
}

#[derive(Debug)]
struct Inner {
    store: Database,
    config: Config,
    frameworks: FrameworkCache,
    reads: Arc<ReadAudit>,
}

impl App {
    pub fn new(store: Database, config: Config) -> Self {
        let frameworks = FrameworkCache::new(config.framework_refresh);
        App {
            inner: Arc::new(Inner {
                store,
                config,
                frameworks,
                reads: Arc::default(),
            }),
        }
    }

    pub fn store(&self) -> &Database {
        &self.inner.store
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The most recently published framework, if any.
    pub async fn current_framework(&self) -> AppResult<Option<Arc<Published>>> {
        self.inner.frameworks.current(&self.inner.store).await
    }

    /// A framework version by reference; `NotFound` when there is no such version.
    pub async fn framework(&self, version: VersionRef) -> AppResult<Arc<Published>> {
        self.inner.frameworks.get(&self.inner.store, version).await
    }

    /// Forgets the cached current version, after publishing one.
    pub fn invalidate_frameworks(&self) {
        self.inner.frameworks.invalidate();
    }

    /// Records a read of someone's records in the audit log, without waiting for the database: the
    /// event is queued and written with others within a fraction of a second.
    pub fn audit_read(
        &self,
        audit: Audit,
        action: &str,
        target: String,
        details: serde_json::Value,
    ) {
        self.audit_queued(audit, action, target, Outcome::Success, details);
    }

    /// Queues an audit event that is not part of a change (a read, or a refused change whose
    /// refusal the actor sees).
    pub fn audit_queued(
        &self,
        audit: Audit,
        action: &str,
        target: String,
        outcome: Outcome,
        details: serde_json::Value,
    ) {
        let event = NewAuditEvent {
            action: action.to_owned(),
            target,
            outcome,
            details,
        };
        self.inner.reads.record(
            &self.inner.store,
            self.inner.config.read_audit_every,
            event,
            audit,
        );
    }

    /// Writes the queued read events now (on shutdown, and in tests).
    pub async fn flush_audit(&self) -> StoreResult<()> {
        self.inner.reads.flush(&self.inner.store).await
    }

    /// How many read events wait to be written.
    pub fn audit_queue_len(&self) -> usize {
        self.inner.reads.len()
    }
}
