//! Published framework versions, parsed once and shared: the current one (looked up again after a
//! short while, since another process such as `trellis publish` may publish a newer one) and older
//! ones by id (published versions never change).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use trellis_model::{Framework, Profile};
use trellis_store::prelude::*;
use trellis_store::{FrameworkVersion, FrameworkVersionId, FrameworkVersionSummary, StoreError};
use trellis_store_sql::Database;

use crate::error::{AppError, AppResult};

/// A published framework version, parsed once and shared.
#[derive(Debug)]
pub struct Published {
    pub summary: FrameworkVersionSummary,
    pub framework: Framework,
    /// The effective profile of every role level by full id, resolved once: a page about a person
    /// needs two or three, a team page one per role level.
    profiles: HashMap<String, Arc<Profile>>,
    /// How each level of each skill reads (see `growth::level_label`): (skill id, its levels)
    /// ordered by skill id. A person page shows a few hundred, and a binary search over short ids
    /// costs less than hashing them.
    level_labels: Vec<(String, Vec<LevelLabel>)>,
}

/// A level of a skill's scale and its label, as text and escaped for HTML once for the version
/// rather than on every page that shows it.
#[derive(Debug)]
struct LevelLabel {
    id: String,
    text: String,
    html: String,
}

impl Published {
    /// The starter framework as version 1, published at time zero, for the tests.
    #[cfg(test)]
    pub(crate) fn starter() -> Published {
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

    pub fn new(summary: FrameworkVersionSummary, framework: Framework) -> Published {
        let profiles = framework
            .tracks
            .iter()
            .flat_map(|t| t.levels.iter().map(move |l| format!("{}/{}", t.id, l.id)))
            .filter_map(|id| {
                let profile = trellis_model::resolve(&framework, &id).ok()?;
                Some((id, Arc::new(profile)))
            })
            .collect();
        let mut level_labels: Vec<(String, Vec<LevelLabel>)> = framework
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
                                let text = crate::growth::level_label(
                                    &framework,
                                    &skill.id,
                                    l.id.as_str(),
                                );
                                LevelLabel {
                                    id: l.id.as_str().to_owned(),
                                    html: crate::privacy::escape(&text),
                                    text,
                                }
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
    pub fn level_label(&self, skill: &str, level: &str) -> String {
        self.level_label_ref(skill, level).into_owned()
    }

    /// [`Published::level_label`], borrowed from this version when it has the level: a history
    /// shows a label per rating.
    pub fn level_label_ref(&self, skill: &str, level: &str) -> Cow<'_, str> {
        self.skill_levels(skill).label(level)
    }

    /// The level labels of one skill, found once for the many levels a page shows of it.
    pub fn skill_levels<'s>(&self, skill: &'s str) -> SkillLevels<'_, 's> {
        let labels = self
            .level_labels
            .binary_search_by(|(id, _)| id.as_str().cmp(skill))
            .map_or(&[][..], |i| &self.level_labels[i].1[..]);
        SkillLevels {
            published: self,
            skill,
            labels,
        }
    }

    /// The effective profile of a role level of this version, by its full id.
    pub fn profile(&self, role_level: &str) -> Option<Arc<Profile>> {
        self.profiles.get(role_level).cloned()
    }
}

/// The level labels of one skill of a [`Published`] version (see [`Published::skill_levels`]).
#[derive(Debug, Clone, Copy)]
pub struct SkillLevels<'a, 's> {
    published: &'a Published,
    skill: &'s str,
    labels: &'a [LevelLabel],
}

impl<'a> SkillLevels<'a, '_> {
    /// A level's label, as [`Published::level_label_ref`] gives it.
    pub fn label(&self, level: &str) -> Cow<'a, str> {
        match self.labels.iter().find(|l| l.id == level) {
            Some(l) => Cow::Borrowed(&l.text),
            None => Cow::Owned(self.computed(level)),
        }
    }

    /// [`SkillLevels::label`] escaped for HTML (see [`crate::privacy::escape`]).
    pub fn label_html(&self, level: &str) -> Cow<'a, str> {
        match self.labels.iter().find(|l| l.id == level) {
            Some(l) => Cow::Borrowed(&l.html),
            None => Cow::Owned(crate::privacy::escape(&self.computed(level))),
        }
    }

    /// The label of a level the version's scale does not have.
    fn computed(&self, level: &str) -> String {
        crate::growth::level_label(&self.published.framework, self.skill, level)
    }
}

/// Which framework version a URL names: `current` or a version id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionRef {
    Current,
    Id(FrameworkVersionId),
}

impl VersionRef {
    pub fn parse(s: &str) -> Option<VersionRef> {
        if s == "current" {
            Some(VersionRef::Current)
        } else {
            // Digits only, as the API documents it: no sign, no leading zero, at most 18.
            let digits = s.bytes().all(|b| b.is_ascii_digit());
            (digits && (1..=18).contains(&s.len()) && !s.starts_with('0'))
                .then(|| s.parse().ok().map(VersionRef::Id))
                .flatten()
        }
    }
}

#[derive(Debug, Default)]
pub struct FrameworkCache {
    /// How long the current version is trusted before the store is asked again.
    refresh: Duration,
    /// When the current version was last looked up, and what it was.
    current: RwLock<Option<(Instant, Option<Arc<Published>>)>>,
    /// Held by the one request that asks the store again when the current version is due for a
    /// check; the others go on with the cached version meanwhile.
    refreshing: tokio::sync::Mutex<()>,
    /// Published versions never change, so they are kept by id.
    by_id: RwLock<HashMap<FrameworkVersionId, Arc<Published>>>,
}

impl FrameworkCache {
    pub fn new(refresh: Duration) -> FrameworkCache {
        FrameworkCache {
            refresh,
            ..FrameworkCache::default()
        }
    }

    /// Forgets the cached current version, after publishing one.
    pub fn invalidate(&self) {
        if let Ok(mut c) = self.current.write() {
            *c = None;
        }
    }

    /// The most recently published framework, if any. Checked against the store at most every
    /// `refresh`, by one request at a time and by id only: the content is read once per version.
    pub async fn current(&self, store: &Database) -> AppResult<Option<Arc<Published>>> {
        let cached = self.current.read().ok().and_then(|c| c.clone());
        if let Some((at, published)) = &cached
            && at.elapsed() < self.refresh
        {
            return Ok(published.clone());
        }
        let _refreshing = match (self.refreshing.try_lock(), &cached) {
            (Ok(guard), _) => guard,
            // Another request is asking the store: what is cached is as good meanwhile.
            (Err(_), Some((_, published))) => return Ok(published.clone()),
            (Err(_), None) => self.refreshing.lock().await,
        };
        let published = match store.current_framework_id().await? {
            None => None,
            Some(id) => match cached.and_then(|(_, p)| p).filter(|p| p.summary.id == id) {
                Some(same) => Some(same),
                None => Some(self.version(store, id).await?),
            },
        };
        if let Ok(mut c) = self.current.write() {
            *c = Some((Instant::now(), published.clone()));
        }
        Ok(published)
    }

    /// A framework version by reference; `NotFound` when there is no such version.
    pub async fn get(&self, store: &Database, version: VersionRef) -> AppResult<Arc<Published>> {
        match version {
            VersionRef::Current => self
                .current(store)
                .await?
                .ok_or_else(|| AppError::not_found("No framework has been published yet.")),
            VersionRef::Id(id) => self.version(store, id).await,
        }
    }

    /// A published version by id, read from the store once.
    async fn version(&self, store: &Database, id: FrameworkVersionId) -> AppResult<Arc<Published>> {
        if let Ok(m) = self.by_id.read()
            && let Some(p) = m.get(&id)
        {
            return Ok(p.clone());
        }
        let v = store.framework_version(id).await.map_err(|e| match e {
            StoreError::NotFound(_) => {
                AppError::not_found(format!("There is no framework version {id}."))
            }
            other => other.into(),
        })?;
        self.remember(v)
    }

    fn remember(&self, v: FrameworkVersion) -> AppResult<Arc<Published>> {
        if let Ok(m) = self.by_id.read()
            && let Some(p) = m.get(&v.id)
        {
            return Ok(p.clone());
        }
        let framework: Framework = serde_json::from_value(v.content).map_err(|e| {
            AppError::internal(format!("framework version {} does not parse: {e}", v.id))
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
        if let Ok(mut m) = self.by_id.write() {
            m.insert(published.summary.id, published.clone());
        }
        Ok(published)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_profiles_and_labels_are_the_computed_ones() {
        let p = Published::starter();
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
                let computed = crate::growth::level_label(fw, &skill.id, level);
                assert_eq!(p.level_label(&skill.id, level), computed);
                assert_eq!(
                    p.skill_levels(&skill.id).label_html(level),
                    crate::privacy::escape(&computed)
                );
                checked += 1;
            }
        }
        assert!(checked > 50);
        assert_eq!(p.level_label("no-such-skill", "3"), "3");
    }

    #[test]
    fn labels_for_pages_are_escaped_once() {
        let starter = Published::starter();
        let mut framework = starter.framework.clone();
        let scale = &mut framework.scales[0];
        scale.levels[0].label = "Q&A <b>".into();
        let (scale_id, level) = (scale.id.clone(), scale.levels[0].id.to_string());
        let skill = framework
            .skills
            .iter()
            .find(|s| s.scale == scale_id)
            .unwrap()
            .id
            .clone();
        let p = Published::new(starter.summary.clone(), framework);
        let levels = p.skill_levels(&skill);
        assert!(levels.label(&level).contains("Q&A <b>"));
        assert!(levels.label_html(&level).contains("Q&amp;A &lt;b&gt;"));
        assert_eq!(
            levels.label_html("<9>"),
            "&lt;9&gt;",
            "a level the scale lacks"
        );
    }
}

/// A framework uploaded as a zip of its folder, checked as `trellis check` checks a directory.
#[derive(Debug)]
pub struct Upload {
    pub files: trellis_formats::load::FrameworkFiles,
    pub loaded: trellis_formats::load::Loaded,
}

impl Upload {
    /// Reads and checks an upload; an archive that is not a framework zip is `Invalid` on the
    /// `framework` field.
    pub fn check(name: &str, zip: &[u8]) -> AppResult<Upload> {
        let files = trellis_formats::upload::read_zip(name, zip)
            .map_err(|e| AppError::field("framework", format!("{name}: {e}.")))?;
        let loaded = trellis_formats::load::load(&files);
        Ok(Upload { files, loaded })
    }

    /// The diagnostics as `trellis check` prints them.
    pub fn diagnostics_text(&self) -> String {
        trellis_formats::load::diagnostics_text(&self.files, &self.loaded.diagnostics)
    }
}

impl crate::App {
    /// Publishes an uploaded framework as a new version: administrators only, and only without
    /// errors (checked again here, whatever a preview showed). `Conflict` when that version of
    /// the framework is published already.
    pub async fn publish_upload(
        &self,
        actor: &crate::Actor,
        upload: &Upload,
    ) -> AppResult<trellis_store::FrameworkVersion> {
        if actor.role() != trellis_store::SystemRole::Admin {
            let why = "Only administrators publish framework versions.";
            return Err(
                crate::access::deny(self.store(), &actor.audit(), "framework".into(), why).await,
            );
        }
        if upload.loaded.has_errors() {
            return Err(AppError::field(
                "framework",
                format!(
                    "The framework has {} error(s): fix them and upload it again.",
                    upload.loaded.errors()
                ),
            ));
        }
        let fw = &upload.loaded.framework;
        let new = crate::bootstrap::framework_version(fw).map_err(AppError::internal)?;
        let published = self
            .store()
            .publish_framework(new, &actor.audit())
            .await
            .map_err(|e| match e {
                trellis_store::StoreError::Conflict(_) => AppError::conflict(format!(
                    "Version {} of framework `{}` is published already; published versions never \
                     change, so raise `version` in framework.yaml and upload it again.",
                    fw.version, fw.id
                )),
                other => other.into(),
            })?;
        self.invalidate_frameworks();
        Ok(published)
    }
}
