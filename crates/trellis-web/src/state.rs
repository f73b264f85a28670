//! What every request shares: the store, the configuration, and a cache of published frameworks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use trellis_model::{Framework, Profile};
use trellis_store::{
    Audit, FrameworkVersion, FrameworkVersionId, FrameworkVersionSummary, NewAuditEvent, Outcome,
    Person, Session, Store, StoreResult,
};

use crate::error::WebError;
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
    /// Failed sign-ins are counted over this window.
    pub throttle_window: Duration,
    /// Failed sign-ins for one email within the window before further attempts are refused.
    pub max_failures_per_email: u32,
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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            licensed: false,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            body_limit: 64 * 1024,
            throttle_window: Duration::from_secs(15 * 60),
            max_failures_per_email: 5,
            max_failures_per_ip: 50,
            framework_refresh: Duration::from_secs(2),
            read_audit_every: crate::read_audit::FLUSH_EVERY,
            session_cache: Duration::from_secs(1),
        }
    }
}

/// A published framework version, parsed once and shared.
#[derive(Debug)]
pub(crate) struct Published {
    pub summary: FrameworkVersionSummary,
    pub framework: Framework,
    /// The effective profile of every role level by full id, resolved once: a page about a person
    /// needs two or three, a team page one per role level.
    profiles: HashMap<String, Arc<Profile>>,
    /// How each level of each skill reads (see `growth::level_label`): (skill id, [(level id,
    /// label)]) ordered by skill id. A person page shows a few hundred, and a binary search over
    /// short ids costs less than hashing them.
    level_labels: Vec<(String, Vec<(String, String)>)>,
}

impl Published {
    pub(crate) fn new(summary: FrameworkVersionSummary, framework: Framework) -> Published {
        let profiles = framework
            .tracks
            .iter()
            .flat_map(|t| t.levels.iter().map(move |l| format!("{}/{}", t.id, l.id)))
            .filter_map(|id| {
                let profile = trellis_model::resolve(&framework, &id).ok()?;
                Some((id, Arc::new(profile)))
            })
            .collect();
        let mut level_labels: Vec<(String, Vec<(String, String)>)> = framework
            .skills
            .iter()
            .map(|skill| {
                let labels = framework
                    .scale(&skill.scale)
                    .map(|scale| {
                        scale
                            .levels
                            .iter()
                            .map(|l| {
                                let id = l.id.as_str();
                                let label = crate::growth::level_label(&framework, &skill.id, id);
                                (id.to_owned(), label)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                (skill.id.clone(), labels)
            })
            .collect();
        level_labels.sort_by(|a, b| a.0.cmp(&b.0));
        Published {
            summary,
            framework,
            profiles,
            level_labels,
        }
    }

    /// A level's label on a skill's scale, as `growth::level_label` gives it.
    pub(crate) fn level_label(&self, skill: &str, level: &str) -> String {
        let found = self
            .level_labels
            .binary_search_by(|(id, _)| id.as_str().cmp(skill))
            .ok()
            .and_then(|i| self.level_labels[i].1.iter().find(|(id, _)| id == level));
        match found {
            Some((_, label)) => label.clone(),
            None => crate::growth::level_label(&self.framework, skill, level),
        }
    }

    /// The effective profile of a role level of this version, by its full id.
    pub(crate) fn profile(&self, role_level: &str) -> Option<Arc<Profile>> {
        self.profiles.get(role_level).cloned()
    }
}

/// Which framework version a URL names: `current` or a version id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VersionRef {
    Current,
    Id(FrameworkVersionId),
}

impl VersionRef {
    pub fn parse(s: &str) -> Option<VersionRef> {
        if s == "current" {
            Some(VersionRef::Current)
        } else {
            s.parse().ok().filter(|id| *id > 0).map(VersionRef::Id)
        }
    }
}

#[derive(Debug, Default)]
struct FrameworkCache {
    /// When the current version was last looked up, and what it was.
    current: RwLock<Option<(Instant, Option<Arc<Published>>)>>,
    /// Published versions never change, so they are kept by id.
    by_id: RwLock<HashMap<FrameworkVersionId, Arc<Published>>>,
}

/// Sessions read from the store in the last moment, by token hash, so that the requests of one page
/// (and of a busy user) do not each read the same session. See [`Config::session_cache`].
#[derive(Debug, Default)]
struct SessionCache {
    entries: Mutex<HashMap<String, (Instant, Session, Person)>>,
}

/// Beyond this many cached sessions, expired ones are dropped; if none are, the cache starts over.
const SESSION_CACHE_CAP: usize = 10_000;

/// Shared state of the server; cheap to clone.
#[derive(Debug)]
pub struct AppState<S> {
    inner: Arc<Inner<S>>,
}

impl<S> Clone for AppState<S> {
    fn clone(&self) -> Self {
        AppState {
            inner: self.inner.clone(),
        }
    }
}

#[derive(Debug)]
struct Inner<S> {
    store: S,
    config: Config,
    frameworks: FrameworkCache,
    sessions: SessionCache,
    /// Audit events of reads, written in batches (see `read_audit`).
    reads: Arc<ReadAudit>,
    /// A hash of a random password, verified against when an account does not exist so that a
    /// failed sign-in takes as long either way.
    dummy_hash: OnceLock<String>,
}

impl<S: Store> AppState<S> {
    pub fn new(store: S, config: Config) -> Self {
        AppState {
            inner: Arc::new(Inner {
                store,
                config,
                frameworks: FrameworkCache::default(),
                sessions: SessionCache::default(),
                reads: Arc::default(),
                dummy_hash: OnceLock::new(),
            }),
        }
    }

    pub fn store(&self) -> &S {
        &self.inner.store
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// A session and its person read from the store within [`Config::session_cache`], if any.
    pub(crate) fn cached_session(&self, token_hash: &str) -> Option<(Session, Person)> {
        let ttl = self.inner.config.session_cache;
        let entries = self.inner.sessions.entries.lock().ok()?;
        let (at, session, person) = entries.get(token_hash)?;
        (at.elapsed() < ttl).then(|| (session.clone(), person.clone()))
    }

    /// Keeps a session just read from the store (or just touched) for [`Config::session_cache`].
    pub(crate) fn cache_session(&self, session: &Session, person: &Person) {
        let ttl = self.inner.config.session_cache;
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

    /// Forgets every cached session: after a sign-out, a password change or any change to an
    /// account, the next request of every session reads the store again.
    pub(crate) fn forget_sessions(&self) {
        if let Ok(mut entries) = self.inner.sessions.entries.lock() {
            entries.clear();
        }
    }

    /// Records a read of someone's records in the audit log, without waiting for the database: the
    /// event is queued and written with others within a fraction of a second.
    pub(crate) fn audit_read(
        &self,
        audit: Audit,
        action: &str,
        target: String,
        details: serde_json::Value,
    ) {
        self.audit_queued(audit, action, target, Outcome::Success, details);
    }

    /// Queues an audit event that is not part of a change (a read, or a refused change whose
    /// refusal the caller sees).
    pub(crate) fn audit_queued(
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

    pub(crate) fn dummy_hash(&self) -> &String {
        self.inner.dummy_hash.get_or_init(|| {
            crate::auth::hash_password(&crate::auth::random_token())
                .unwrap_or_else(|_| String::new())
        })
    }

    /// Forgets the cached current version, after publishing one.
    pub fn invalidate_frameworks(&self) {
        if let Ok(mut c) = self.inner.frameworks.current.write() {
            *c = None;
        }
    }

    /// The most recently published framework, if any.
    pub(crate) async fn current_framework(&self) -> Result<Option<Arc<Published>>, WebError> {
        let refresh = self.inner.config.framework_refresh;
        if let Ok(c) = self.inner.frameworks.current.read()
            && let Some((at, cached)) = c.as_ref()
            && at.elapsed() < refresh
        {
            return Ok(cached.clone());
        }
        let fetched = self.store().current_framework().await?;
        let published = match fetched {
            None => None,
            Some(v) => Some(self.remember(v)?),
        };
        if let Ok(mut c) = self.inner.frameworks.current.write() {
            *c = Some((Instant::now(), published.clone()));
        }
        Ok(published)
    }

    /// A framework version by reference; `NotFound` when there is no such version.
    pub(crate) async fn framework(&self, version: VersionRef) -> Result<Arc<Published>, WebError> {
        match version {
            VersionRef::Current => self
                .current_framework()
                .await?
                .ok_or_else(|| WebError::not_found_because("No framework has been published yet.")),
            VersionRef::Id(id) => {
                if let Ok(m) = self.inner.frameworks.by_id.read()
                    && let Some(p) = m.get(&id)
                {
                    return Ok(p.clone());
                }
                let v = self
                    .store()
                    .framework_version(id)
                    .await
                    .map_err(|e| match e {
                        trellis_store::StoreError::NotFound(_) => WebError::not_found_because(
                            format!("There is no framework version {id}."),
                        ),
                        other => other.into(),
                    })?;
                self.remember(v)
            }
        }
    }

    fn remember(&self, v: FrameworkVersion) -> Result<Arc<Published>, WebError> {
        if let Ok(m) = self.inner.frameworks.by_id.read()
            && let Some(p) = m.get(&v.id)
        {
            return Ok(p.clone());
        }
        let framework: Framework = serde_json::from_value(v.content).map_err(|e| {
            WebError::internal(format!("framework version {} does not parse: {e}", v.id))
        })?;
        let published = Arc::new(Published::new(
            FrameworkVersionSummary {
                id: v.id,
                framework_id: v.framework_id,
                version: v.version,
                name: v.name,
                published_at: v.published_at,
                published_by: v.published_by,
            },
            framework,
        ));
        if let Ok(mut m) = self.inner.frameworks.by_id.write() {
            m.insert(published.summary.id, published.clone());
        }
        Ok(published)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starter() -> Published {
        let framework = trellis_formats::load(&trellis_formats::starter::starter_files()).framework;
        let summary = FrameworkVersionSummary {
            id: 1,
            framework_id: "starter".into(),
            version: "1".into(),
            name: "Starter".into(),
            published_at: 0,
            published_by: None,
        };
        Published::new(summary, framework)
    }

    #[test]
    fn cached_profiles_and_labels_are_the_computed_ones() {
        let p = starter();
        let fw = &p.framework;
        for track in &fw.tracks {
            for level in &track.levels {
                let id = format!("{}/{}", track.id, level.id);
                let cached = p.profile(&id).expect("every role level has a profile");
                assert_eq!(*cached, trellis_model::resolve(fw, &id).unwrap());
            }
        }
        assert!(p.profile("engineering/wizard").is_none());
        let mut checked = 0;
        for skill in &fw.skills {
            let scale = fw.scale(&skill.scale).unwrap();
            for level in scale
                .levels
                .iter()
                .map(|l| l.id.as_str())
                .chain(["n/a", "99"])
            {
                assert_eq!(
                    p.level_label(&skill.id, level),
                    crate::growth::level_label(fw, &skill.id, level)
                );
                checked += 1;
            }
        }
        assert!(checked > 50);
        assert_eq!(p.level_label("no-such-skill", "3"), "3");
    }
}
