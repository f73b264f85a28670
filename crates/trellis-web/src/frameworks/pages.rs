//! The framework browser: tracks and levels, effective role profiles, side-by-side comparison and the
//! skills catalogue, for the current version or any published one.
//!
//! URLs name the version as `current` or by id: `/frameworks/current/role-levels/product/senior-pm`.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use trellis_formats::render::catalogue::{self, CategoryView, ScaleView};
use trellis_formats::render::hiring::HiringKit;
use trellis_formats::render::view::{DiffView, Links, ProfileView, skill_anchor};
use trellis_formats::render::{name_with_version, profile_withheld_note};
use trellis_model::diff::diff_profiles;
use trellis_model::{Framework, Profile, Status};

use crate::auth::Me;
use crate::error::WebError;
use crate::extract::{PathParams, QueryParams};
use crate::html::view::{Choice, compare_href, level_text, profile_href, role_level_options};
use crate::html::{Frame, render, render_status};
use crate::state::{AppState, Published, VersionRef};
use trellis_store::prelude::*;

/// The version a page shows, as named in its URL.
#[derive(Debug)]
pub(crate) struct VersionInfo {
    /// `current` or the id, for links that stay in this version.
    pub seg: String,
    pub label: String,
    /// Said when the page shows an older version than the current one.
    pub banner: Option<String>,
}

async fn load(state: &AppState, seg: &str) -> Result<(Arc<Published>, VersionInfo), WebError> {
    let version = VersionRef::parse(seg).ok_or_else(WebError::not_found)?;
    let published = state.framework(version).await?;
    let banner = match version {
        VersionRef::Current => None,
        VersionRef::Id(id) => {
            let current = state.current_framework().await?;
            match current {
                Some(c) if c.summary.id == id => None,
                _ => Some(format!(
                    "You are looking at version {} of {}, which is not the current version.",
                    published.summary.version, published.summary.name
                )),
            }
        }
    };
    let info = VersionInfo {
        seg: seg.to_owned(),
        label: name_with_version(&published.summary.name, &published.summary.version),
        banner,
    };
    Ok((published, info))
}

/// Links between the pages of one framework version, for the views trellis-formats builds.
#[derive(Debug, Clone, Copy)]
struct VersionLinks<'a>(&'a str);

impl Links for VersionLinks<'_> {
    fn skill(&self, id: &str) -> Option<String> {
        Some(format!(
            "/frameworks/{}/skills#{}",
            self.0,
            skill_anchor(id)
        ))
    }

    fn role(&self, id: &str) -> Option<String> {
        Some(profile_href(self.0, id))
    }

    fn compare(&self, from: &str, to: &str) -> Option<String> {
        Some(compare_href(self.0, from, to))
    }
}

// ---------------------------------------------------------------------------------------------
// Overview.

#[derive(Debug)]
struct LevelLink {
    title: String,
    href: String,
}

#[derive(Debug)]
struct TrackView {
    name: String,
    description: Option<String>,
    levels: Vec<LevelLink>,
}

#[derive(Debug)]
struct VersionLink {
    label: String,
    href: String,
    published: String,
    current: bool,
}

#[derive(Debug, Template)]
#[template(path = "frameworks/overview.html")]
struct OverviewPage {
    frame: Frame,
    version: VersionInfo,
    name: String,
    description: Option<String>,
    tracks: Vec<TrackView>,
    options: Vec<Choice>,
    /// The role levels the comparison form starts with: the first two.
    from: String,
    to: String,
    versions: Vec<VersionLink>,
}

pub async fn overview(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PathParams(seg): PathParams<String>,
) -> Result<Response, WebError> {
    let (p, version) = load(&state, &seg).await?;
    let fw = &p.framework;
    let current_id = state.current_framework().await?.map(|c| c.summary.id);
    let versions = state
        .store()
        .framework_versions()
        .await?
        .into_iter()
        .map(|v| VersionLink {
            label: name_with_version(&v.name, &v.version),
            href: format!("/frameworks/{}", v.id),
            published: trellis_app::time::date(v.published_at),
            current: Some(v.id) == current_id,
        })
        .collect();
    let options = role_level_options(fw);
    let page = OverviewPage {
        frame: Frame::new(Some(&ctx), fw.name.clone(), "framework"),
        name: fw.name.clone(),
        description: fw.description.clone(),
        tracks: fw
            .tracks
            .iter()
            .map(|t| TrackView {
                name: t.name.clone(),
                description: t.description.clone(),
                levels: t
                    .levels
                    .iter()
                    .map(|l| LevelLink {
                        title: l.title.clone(),
                        href: profile_href(&version.seg, &format!("{}/{}", t.id, l.id)),
                    })
                    .collect(),
            })
            .collect(),
        from: options.first().map(|c| c.value.clone()).unwrap_or_default(),
        to: options.get(1).map(|c| c.value.clone()).unwrap_or_default(),
        options,
        version,
        versions,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// Role profile.

#[derive(Debug, Template)]
#[template(path = "frameworks/profile.html")]
struct ProfilePage {
    frame: Frame,
    version: VersionInfo,
    profile: ProfileView,
    /// Whether a requirement asks less than the level before (explained above the table).
    any_lowered: bool,
}

fn resolve_for(
    state: &AppState,
    fw: &Framework,
    id: &str,
) -> Result<Profile, trellis_model::resolve::UnknownRoleLevel> {
    let mut profile = trellis_model::resolve(fw, id)?;
    if !state.config().licensed {
        profile.withhold_restricted();
    }
    Ok(profile)
}

pub async fn profile(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PathParams((seg, track, level)): PathParams<(String, String, String)>,
) -> Result<Response, WebError> {
    let (p, version) = load(&state, &seg).await?;
    let fw = &p.framework;
    let id = format!("{track}/{level}");
    if fw.role_level(&id).is_none() {
        return Err(WebError::not_found_because(format!(
            "There is no role level `{id}` in {}.",
            version.label
        )));
    }
    let profile =
        resolve_for(&state, fw, &id).map_err(|e| WebError::not_found_because(e.to_string()))?;
    let page = ProfilePage {
        frame: Frame::new(Some(&ctx), profile.title.clone(), "framework"),
        any_lowered: profile.count(Status::Lowered) > 0,
        profile: ProfileView::new(fw, &profile, &VersionLinks(&version.seg), false),
        version,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// Hiring kit.

#[derive(Debug, Template)]
#[template(path = "frameworks/hiring_kit.html")]
struct HiringKitPage {
    frame: Frame,
    version: VersionInfo,
    profile_href: String,
    kit: HiringKit,
    withheld_note: Option<String>,
}

/// The hiring kit of a role level: a job advert, an interview plan covering every dimension, and
/// the questions by dimension with what a 1, 3 and 5 answer looks like, from the profile as
/// published (restricted text withheld unless the server is licensed).
pub async fn hiring_kit(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PathParams((seg, track, level)): PathParams<(String, String, String)>,
) -> Result<Response, WebError> {
    let (p, version) = load(&state, &seg).await?;
    let fw = &p.framework;
    let id = format!("{track}/{level}");
    let profile =
        resolve_for(&state, fw, &id).map_err(|e| WebError::not_found_because(e.to_string()))?;
    let kit = HiringKit::new(fw, &profile);
    let page = HiringKitPage {
        frame: Frame::new(
            Some(&ctx),
            format!("Hiring kit: {}", kit.title),
            "framework",
        ),
        profile_href: format!("/frameworks/{}/role-levels/{id}", version.seg),
        withheld_note: kit.text_withheld.as_deref().map(profile_withheld_note),
        kit,
        version,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// Compare.

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Debug)]
struct CompareRow {
    skill_name: String,
    skill_href: String,
    from: String,
    to: String,
    /// "Added", "Raised", "Lowered", "Removed" or "Same".
    change: &'static str,
    importance: &'static str,
}

/// The published comparison (titles, summary, lists), with every requirement side by side.
#[derive(Debug)]
struct Comparison {
    diff: DiffView,
    rows: Vec<CompareRow>,
}

#[derive(Debug, Template)]
#[template(path = "frameworks/compare.html")]
struct ComparePage {
    frame: Frame,
    version: VersionInfo,
    options: Vec<Choice>,
    from: String,
    to: String,
    error: Option<String>,
    comparison: Option<Comparison>,
}

pub async fn compare(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PathParams(seg): PathParams<String>,
    QueryParams(q): QueryParams<CompareQuery>,
) -> Result<Response, WebError> {
    let (p, version) = load(&state, &seg).await?;
    let fw = &p.framework;
    let from = q.from.unwrap_or_default().trim().to_owned();
    let to = q.to.unwrap_or_default().trim().to_owned();
    let mut error = None;
    let mut comparison = None;
    if !from.is_empty() && !to.is_empty() {
        match (resolve_for(&state, fw, &from), resolve_for(&state, fw, &to)) {
            (Ok(a), Ok(b)) => comparison = Some(side_by_side(fw, &version.seg, &a, &b)),
            (Err(e), _) | (_, Err(e)) => error = Some(e.to_string()),
        }
    } else if !from.is_empty() || !to.is_empty() {
        error = Some("Choose two role levels to compare.".into());
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let title = match &comparison {
        Some(c) => format!("{} and {} compared", c.diff.from.text, c.diff.to.text),
        None => "Compare role levels".to_owned(),
    };
    let page = ComparePage {
        frame: Frame::new(Some(&ctx), title, "framework"),
        options: role_level_options(fw),
        version,
        from,
        to,
        error,
        comparison,
    };
    render_status(status, &page)
}

fn side_by_side(fw: &Framework, seg: &str, a: &Profile, b: &Profile) -> Comparison {
    let links = VersionLinks(seg);
    let mut rows = Vec::new();
    let level =
        |r: &trellis_model::EffectiveRequirement| level_text(r.level.as_str(), &r.level_label);
    for rb in &b.requirements {
        let ra = a.requirements.iter().find(|r| r.skill == rb.skill);
        let change = match ra {
            None => "Added",
            Some(ra) if rb.rank > ra.rank => "Raised",
            Some(ra) if rb.rank < ra.rank => "Lowered",
            Some(_) => "Same",
        };
        rows.push(CompareRow {
            skill_name: rb.skill_name.clone(),
            skill_href: links.skill(&rb.skill).unwrap_or_default(),
            from: ra.map_or_else(|| "Not required".to_owned(), level),
            to: level(rb),
            change,
            importance: rb.importance.as_str(),
        });
    }
    for ra in &a.requirements {
        if !b.requirements.iter().any(|r| r.skill == ra.skill) {
            rows.push(CompareRow {
                skill_name: ra.skill_name.clone(),
                skill_href: links.skill(&ra.skill).unwrap_or_default(),
                from: level(ra),
                to: "Not required".to_owned(),
                change: "Removed",
                importance: ra.importance.as_str(),
            });
        }
    }
    Comparison {
        diff: DiffView::new(fw, &diff_profiles(a, b), &links, false),
        rows,
    }
}

// ---------------------------------------------------------------------------------------------
// Skills catalogue.

#[derive(Debug, Template)]
#[template(path = "frameworks/skills.html")]
struct SkillsPage {
    frame: Frame,
    version: VersionInfo,
    categories: Vec<CategoryView>,
    scales: Vec<ScaleView>,
    /// Why some skills' text is not shown.
    notes: Vec<String>,
    count: usize,
}

pub async fn skills(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    PathParams(seg): PathParams<String>,
) -> Result<Response, WebError> {
    let (p, version) = load(&state, &seg).await?;
    let fw = &p.framework;
    let licensed = state.config().licensed;
    // "Required by" lists every role level that requires a skill, inherited requirements included.
    let profiles: Vec<Profile> = fw
        .role_levels()
        .filter_map(|(id, _, _)| resolve_for(&state, fw, &id).ok())
        .collect();
    let page = SkillsPage {
        frame: Frame::new(Some(&ctx), format!("Skills: {}", fw.name), "framework"),
        categories: catalogue::catalogue(fw, &profiles, &VersionLinks(&version.seg), licensed),
        scales: fw
            .scales
            .iter()
            .map(|s| catalogue::scale_view(fw, s, licensed))
            .collect(),
        notes: catalogue::withheld_notes(fw, licensed),
        count: fw.skills.len(),
        version,
    };
    Ok(render(&page)?.into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn lowered_requirements_have_a_badge_style_of_their_own() {
        let css = crate::html::STYLESHEET;
        for status in ["new", "raised", "inherited", "lowered"] {
            assert!(css.contains(&format!(".badge-{status} {{")), "{status}");
        }
    }
}
