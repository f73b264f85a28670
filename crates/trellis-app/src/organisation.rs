//! The organisation at a glance, for the people team and admins: head count per track and role
//! level, and per team how many are assessed and ready for their role level.

use std::collections::HashMap;

use trellis_model::readiness::ObservedSkills;
use trellis_store::PersonId;
use trellis_store::prelude::*;

use crate::access::{self, Actor, is_staff};
use crate::error::AppResult;
use crate::growth::{observed_by_person, readiness_for};

/// How many people hold one role level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelCount {
    pub role_level: String,
    pub title: String,
    pub people: usize,
}

/// One track of the framework and its levels, in the framework's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackCount {
    pub name: String,
    pub levels: Vec<LevelCount>,
    pub people: usize,
}

/// Readiness of one team's members for their own role levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamReadiness {
    pub team: String,
    pub people: usize,
    /// Members with a role level of the current framework.
    pub with_role_level: usize,
    /// Of those, how many have any rating, and how many are ready.
    pub assessed: usize,
    pub ready: usize,
}

#[derive(Debug, Clone, Default)]
pub struct OrganisationOverview {
    /// Active people.
    pub people: usize,
    pub tracks: Vec<TrackCount>,
    /// Active people whose role level is not in the current framework, or who have none.
    pub without_role_level: usize,
    pub teams: Vec<TeamReadiness>,
}

use_case_area!(Organisation, organisation);

impl Organisation<'_> {
    /// The overview; refused (and audited) to anyone but the people team and admins.
    pub async fn overview(&self, actor: &Actor) -> AppResult<OrganisationOverview> {
        let store = self.app.store();
        if !is_staff(actor.role()) {
            return Err(access::deny(
                store,
                &actor.audit(),
                "organisation".into(),
                "The organisation overview is for the people team and admins.",
            )
            .await);
        }
        let people: Vec<_> = store
            .people()
            .await?
            .into_iter()
            .filter(|p| p.active)
            .collect();
        let mut out = OrganisationOverview {
            people: people.len(),
            ..OrganisationOverview::default()
        };
        let Some(published) = self.app.current_framework().await? else {
            out.without_role_level = people.len();
            return Ok(out);
        };
        let fw = &published.framework;
        let mut count: HashMap<&str, usize> = HashMap::new();
        for p in &people {
            match p
                .role_level
                .as_deref()
                .filter(|rl| fw.role_level(rl).is_some())
            {
                Some(rl) => *count.entry(rl).or_default() += 1,
                None => out.without_role_level += 1,
            }
        }
        for track in &fw.tracks {
            let levels: Vec<LevelCount> = track
                .levels
                .iter()
                .map(|l| {
                    let id = format!("{}/{}", track.id, l.id);
                    LevelCount {
                        people: count.get(id.as_str()).copied().unwrap_or(0),
                        title: l.title.clone(),
                        role_level: id,
                    }
                })
                .collect();
            out.tracks.push(TrackCount {
                name: track.name.clone(),
                people: levels.iter().map(|l| l.people).sum(),
                levels,
            });
        }

        let ids: Vec<PersonId> = people.iter().map(|p| p.id).collect();
        let seen = store.observations(&ids).await?;
        let observed = observed_by_person(&seen.latest, &seen.evidence_counts);
        let none = ObservedSkills::default();
        let team_names: HashMap<i64, String> = store
            .teams()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        let mut teams: HashMap<String, TeamReadiness> = HashMap::new();
        for p in &people {
            let name = p
                .team_id
                .and_then(|t| team_names.get(&t).cloned())
                .unwrap_or_else(|| "No team".to_owned());
            let t = teams.entry(name.clone()).or_insert_with(|| TeamReadiness {
                team: name,
                people: 0,
                with_role_level: 0,
                assessed: 0,
                ready: 0,
            });
            t.people += 1;
            let Some(rl) = &p.role_level else { continue };
            let obs = observed.get(&p.id).unwrap_or(&none);
            let Some((_, r)) = readiness_for(&published, rl, obs) else {
                continue;
            };
            t.with_role_level += 1;
            if r.assessed() {
                t.assessed += 1;
                if r.ready {
                    t.ready += 1;
                }
            }
        }
        let mut teams: Vec<TeamReadiness> = teams.into_values().collect();
        teams.sort_by_key(|t| t.team.to_lowercase());
        out.teams = teams;
        Ok(out)
    }
}
