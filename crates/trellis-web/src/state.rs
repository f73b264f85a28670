//! What every request shares: the application (store, settings, framework cache, read audit) and
//! the server's own caches (sessions, the dummy password hash).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use trellis_app::App;
pub use trellis_app::{Config, Published, VersionRef};
use trellis_store::{
    ApiToken, Audit, Millis, NotificationStore, PeopleStore, Person, PersonId, Session,
    StoreResult, TeamId,
};
use trellis_store_sql::Database;

use crate::error::WebError;

/// Sessions read from the store in the last moment, by token hash, so that the requests of one page
/// (and of a busy user) do not each read the same session. See [`Config::session_cache`].
#[derive(Debug, Default)]
struct SessionCache {
    entries: Mutex<HashMap<String, (Instant, Session, Person)>>,
}

/// API tokens read from the store in the last moment, by token hash, as sessions are; and when this
/// server last recorded each token's use, so that a token used many times a second records its use
/// once a minute, not once a request.
#[derive(Debug, Default)]
struct TokenCache {
    entries: Mutex<HashMap<String, (Instant, ApiToken, Person)>>,
    recorded: Mutex<HashMap<i64, Millis>>,
}

/// Unread counts for the header, by person: (read at, `inbox_changes` before the read, count). Good
/// for [`Config::session_cache`] and while this process changes no inbox: every page shows the
/// count, and reading it was a third of the statements of a person's page.
#[derive(Debug, Default)]
struct UnreadCache {
    entries: Mutex<HashMap<PersonId, (Instant, u64, i64)>>,
}

/// Beyond this many cached sessions, expired ones are dropped; if none are, the cache starts over.
const SESSION_CACHE_CAP: usize = 10_000;

/// Shared state of the server; cheap to clone.
#[derive(Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl Clone for AppState {
    fn clone(&self) -> Self {
        AppState {
            inner: self.inner.clone(),
        }
    }
}

#[derive(Debug)]
struct Inner {
    app: App,
    sessions: SessionCache,
    tokens: TokenCache,
    unread: UnreadCache,
    /// What `/metrics` reports.
    metrics: crate::metrics::Metrics,
    /// A hash of a random password, verified against when an account does not exist so that a
    /// failed sign-in takes as long either way.
    dummy_hash: OnceLock<String>,
    /// The OpenID provider, discovered at the first single sign-on.
    sso_provider: crate::sso::Provider,
}

impl AppState {
    pub fn new(store: Database, config: Config) -> Self {
        AppState {
            inner: Arc::new(Inner {
                app: App::new(store, config),
                sessions: SessionCache::default(),
                tokens: TokenCache::default(),
                unread: UnreadCache::default(),
                metrics: crate::metrics::Metrics::default(),
                dummy_hash: OnceLock::new(),
                sso_provider: crate::sso::Provider::default(),
            }),
        }
    }

    /// The use cases.
    pub fn app(&self) -> &App {
        &self.inner.app
    }

    pub(crate) fn sso_provider(&self) -> &crate::sso::Provider {
        &self.inner.sso_provider
    }

    pub(crate) fn metrics(&self) -> &crate::metrics::Metrics {
        &self.inner.metrics
    }

    pub fn store(&self) -> &Database {
        self.inner.app.store()
    }

    pub fn config(&self) -> &Config {
        self.inner.app.config()
    }

    /// How many of a person's notifications are unread: from the cache while no inbox changed
    /// through this server and within [`Config::session_cache`] (changes made by another server
    /// show within that time), else from the store.
    pub(crate) async fn unread_count(&self, person: PersonId) -> StoreResult<i64> {
        let ttl = self.config().session_cache;
        let changes = trellis_store_sql::inbox_changes();
        if let Ok(entries) = self.inner.unread.entries.lock()
            && let Some((at, seen, count)) = entries.get(&person)
            && *seen == changes
            && at.elapsed() < ttl
        {
            return Ok(*count);
        }
        let count = self.store().unread_count(person).await?;
        if !ttl.is_zero()
            && let Ok(mut entries) = self.inner.unread.entries.lock()
        {
            if entries.len() >= SESSION_CACHE_CAP {
                entries.retain(|_, (at, seen, _)| *seen == changes && at.elapsed() < ttl);
                if entries.len() >= SESSION_CACHE_CAP {
                    entries.clear();
                }
            }
            entries.insert(person, (Instant::now(), changes, count));
        }
        Ok(count)
    }

    /// A session and its person read from the store within [`Config::session_cache`], if any.
    pub(crate) fn cached_session(&self, token_hash: &str) -> Option<(Session, Person)> {
        let ttl = self.config().session_cache;
        let entries = self.inner.sessions.entries.lock().ok()?;
        let (at, session, person) = entries.get(token_hash)?;
        (at.elapsed() < ttl).then(|| (session.clone(), person.clone()))
    }

    /// Keeps a session just read from the store (or just touched) for [`Config::session_cache`].
    pub(crate) fn cache_session(&self, session: &Session, person: &Person) {
        let ttl = self.config().session_cache;
        if ttl.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.inner.sessions.entries.lock() {
            if entries.len() >= SESSION_CACHE_CAP {
                entries.retain(|_, (at, _, _)| at.elapsed() < ttl);
                if entries.len() >= SESSION_CACHE_CAP {
                    entries.clear();
                }
            }
            entries.insert(
                session.token_hash.clone(),
                (Instant::now(), session.clone(), person.clone()),
            );
        }
    }

    /// Forgets every cached session and API token: after a sign-out, a password change, a revoked
    /// token or any change to an account, the next request of every caller reads the store again.
    pub(crate) fn forget_sessions(&self) {
        if let Ok(mut entries) = self.inner.sessions.entries.lock() {
            entries.clear();
        }
        if let Ok(mut entries) = self.inner.tokens.entries.lock() {
            entries.clear();
        }
    }

    /// An API token and its person read from the store within [`Config::session_cache`], if any.
    pub(crate) fn cached_token(&self, token_hash: &str) -> Option<(ApiToken, Person)> {
        let ttl = self.config().session_cache;
        let entries = self.inner.tokens.entries.lock().ok()?;
        let (at, token, person) = entries.get(token_hash)?;
        (at.elapsed() < ttl).then(|| (token.clone(), person.clone()))
    }

    /// Keeps an API token just read from the store for [`Config::session_cache`].
    pub(crate) fn cache_token(&self, token: &ApiToken, person: &Person) {
        let ttl = self.config().session_cache;
        if ttl.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.inner.tokens.entries.lock() {
            if entries.len() >= SESSION_CACHE_CAP {
                entries.retain(|_, (at, _, _)| at.elapsed() < ttl);
                if entries.len() >= SESSION_CACHE_CAP {
                    entries.clear();
                }
            }
            entries.insert(
                token.token_hash.clone(),
                (Instant::now(), token.clone(), person.clone()),
            );
        }
    }

    /// Whether this request is the one to record a token's use: when neither the store (`stored`)
    /// nor this server has recorded one within `every` milliseconds. Claimed under a lock, so that
    /// of requests arriving together only one writes.
    pub(crate) fn claim_token_use(
        &self,
        id: i64,
        stored: Option<Millis>,
        now: Millis,
        every: Millis,
    ) -> bool {
        let Ok(mut recorded) = self.inner.tokens.recorded.lock() else {
            return false;
        };
        let last = recorded.get(&id).copied().max(stored);
        if last.is_some_and(|at| now.saturating_sub(at) < every) {
            return false;
        }
        if recorded.len() >= SESSION_CACHE_CAP {
            recorded.retain(|_, at| now.saturating_sub(*at) < every);
        }
        recorded.insert(id, now);
        true
    }

    /// Records a read of someone's records in the audit log without waiting for the database.
    pub(crate) fn audit_read(
        &self,
        audit: Audit,
        action: &str,
        target: String,
        details: serde_json::Value,
    ) {
        self.inner.app.audit_read(audit, action, target, details);
    }

    /// Writes the queued read events now (on shutdown, and in tests).
    pub async fn flush_audit(&self) -> StoreResult<()> {
        self.inner.app.flush_audit().await
    }

    pub(crate) fn dummy_hash(&self) -> &String {
        self.inner.dummy_hash.get_or_init(|| {
            crate::auth::hash_password(&crate::auth::random_token())
                .unwrap_or_else(|_| String::new())
        })
    }

    /// Forgets the cached current version, after publishing one.
    pub fn invalidate_frameworks(&self) {
        self.inner.app.invalidate_frameworks();
    }

    /// The name of each team, by id.
    pub(crate) async fn team_names(&self) -> Result<HashMap<TeamId, String>, WebError> {
        Ok(self
            .store()
            .teams()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect())
    }

    /// The most recently published framework, if any.
    pub(crate) async fn current_framework(&self) -> Result<Option<Arc<Published>>, WebError> {
        Ok(self.inner.app.current_framework().await?)
    }

    /// A framework version by reference; `NotFound` when there is no such version.
    pub(crate) async fn framework(&self, version: VersionRef) -> Result<Arc<Published>, WebError> {
        Ok(self.inner.app.framework(version).await?)
    }
}
