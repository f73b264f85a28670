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
use trellis_model::diff::diff_profiles;
use trellis_model::{
    Behaviour, DecisionTier, Framework, Kpi, Profile, ResponsibilityGroup, Status, Tool,
};

use crate::auth::Me;
use crate::error::WebError;
use crate::extract::{PathParams, QueryParams};
use crate::html::view::{
    Choice, compare_href, level_text, mapping_text, profile_href, role_level_options, role_title,
    status_text, thousands,
};
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
        label: format!("{} {}", published.summary.name, published.summary.version),
        banner,
    };
    Ok((published, info))
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
            label: format!("{} {}", v.name, v.version),
            href: format!("/frameworks/{}", v.id),
            published: trellis_app::time::date(v.published_at),
            current: Some(v.id) == current_id,
        })
        .collect();
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
        options: role_level_options(fw),
        version,
        versions,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// Role profile.

#[derive(Debug)]
struct RequirementRow {
    skill_name: String,
    code: Option<String>,
    skill_href: String,
    level: String,
    importance: &'static str,
    status: &'static str,
    status_text: String,
    descriptor: Option<String>,
    withheld: bool,
}

/// What a score of an interview dimension means.
#[derive(Debug)]
struct Anchor {
    score: u8,
    text: String,
}

/// "GBP 60,000 to 75,000", with the band's note.
#[derive(Debug)]
struct SalaryBand {
    range: String,
    note: Option<String>,
}

#[derive(Debug)]
struct InterviewRow {
    name: String,
    weight: u32,
    description: Option<String>,
    anchors: Vec<Anchor>,
}

#[derive(Debug)]
struct Step {
    title: String,
    href: String,
    compare: String,
}

#[derive(Debug, Template)]
#[template(path = "frameworks/profile.html")]
struct ProfilePage {
    frame: Frame,
    version: VersionInfo,
    id: String,
    title: String,
    track_name: String,
    summary: Option<String>,
    scope: Option<String>,
    mappings: Vec<String>,
    counts: String,
    /// Whether a requirement asks less than the level before (explained above the table).
    any_lowered: bool,
    requirements: Vec<RequirementRow>,
    any_withheld: bool,
    responsibilities: Vec<ResponsibilityGroup>,
    behaviours: Vec<Behaviour>,
    kpis: Vec<Kpi>,
    decision_rights: Vec<DecisionTier>,
    tools: Vec<Tool>,
    interview: Vec<InterviewRow>,
    salary: Option<SalaryBand>,
    previous: Option<Step>,
    next: Option<Step>,
}

/// "3 new, 1 raised, 5 inherited", and ", 1 lowered" when a requirement asks less than the level
/// before, as in the published role profiles.
fn requirement_counts(count: impl Fn(Status) -> usize) -> String {
    let mut out = format!(
        "{} new, {} raised, {} inherited",
        count(Status::New),
        count(Status::Raised),
        count(Status::Inherited)
    );
    let lowered = count(Status::Lowered);
    if lowered > 0 {
        out.push_str(&format!(", {lowered} lowered"));
    }
    out
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
    let licensed = state.config().licensed;
    let requirements: Vec<RequirementRow> = profile
        .requirements
        .iter()
        .map(|r| RequirementRow {
            skill_name: r.skill_name.clone(),
            code: fw.skill(&r.skill).and_then(|s| s.code.clone()),
            skill_href: format!("/frameworks/{}/skills#skill-{}", version.seg, r.skill),
            level: level_text(r.level.as_str(), &r.level_label),
            importance: r.importance.as_str(),
            status: r.status.as_str(),
            status_text: status_text(fw, r),
            descriptor: r.descriptor.clone().filter(|d| !d.trim().is_empty()),
            withheld: r.restricted && !licensed,
        })
        .collect();
    let step = |other: &str, from: &str, to: &str| Step {
        title: role_title(fw, other),
        href: profile_href(&version.seg, other),
        compare: compare_href(&version.seg, from, to),
    };
    let page = ProfilePage {
        frame: Frame::new(Some(&ctx), profile.title.clone(), "framework"),
        id: profile.id.clone(),
        title: profile.title.clone(),
        track_name: profile.track_name.clone(),
        summary: profile.summary.clone(),
        scope: profile.scope.clone(),
        mappings: profile
            .mappings
            .iter()
            .map(|m| mapping_text(fw, m))
            .collect(),
        counts: requirement_counts(|s| profile.count(s)),
        any_lowered: profile.count(Status::Lowered) > 0,
        any_withheld: requirements.iter().any(|r| r.withheld),
        requirements,
        responsibilities: profile.responsibilities.clone(),
        behaviours: profile.behaviours.clone(),
        kpis: profile.kpis.clone(),
        decision_rights: profile.decision_rights.clone(),
        tools: profile.tools.clone(),
        interview: profile
            .interview
            .iter()
            .map(|d| {
                let mut anchors: Vec<Anchor> = d
                    .anchors
                    .iter()
                    .map(|(score, text)| Anchor {
                        score: *score,
                        text: text.clone(),
                    })
                    .collect();
                anchors.sort_by_key(|a| a.score);
                InterviewRow {
                    name: d.name.clone(),
                    weight: d.weight,
                    description: d.description.clone(),
                    anchors,
                }
            })
            .collect(),
        salary: profile.salary.as_ref().map(|s| SalaryBand {
            range: format!(
                "{} {} to {}",
                s.currency,
                thousands(s.min),
                thousands(s.max)
            ),
            note: s.note.clone(),
        }),
        previous: profile
            .previous
            .as_deref()
            .map(|prev| step(prev, prev, &profile.id)),
        next: profile
            .next
            .as_deref()
            .map(|next| step(next, &profile.id, next)),
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

#[derive(Debug)]
struct ListDiff {
    heading: &'static str,
    added: Vec<String>,
    removed: Vec<String>,
}

#[derive(Debug)]
struct Comparison {
    from_title: String,
    to_title: String,
    from_href: String,
    to_href: String,
    summary: String,
    rows: Vec<CompareRow>,
    lists: Vec<ListDiff>,
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
        Some(c) => format!("{} and {} compared", c.from_title, c.to_title),
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
    let d = diff_profiles(a, b);
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
            skill_href: format!("/frameworks/{seg}/skills#skill-{}", rb.skill),
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
                skill_href: format!("/frameworks/{seg}/skills#skill-{}", ra.skill),
                from: level(ra),
                to: "Not required".to_owned(),
                change: "Removed",
                importance: ra.importance.as_str(),
            });
        }
    }
    let lists = [
        ("Responsibilities", &d.responsibilities),
        ("Behaviours", &d.behaviours),
        ("KPIs", &d.kpis),
        ("Decision rights", &d.decision_rights),
    ]
    .into_iter()
    .filter(|(_, l)| !l.is_empty())
    .map(|(heading, l)| ListDiff {
        heading,
        added: l.added.clone(),
        removed: l.removed.clone(),
    })
    .collect();
    Comparison {
        from_title: role_title(fw, &a.id),
        to_title: role_title(fw, &b.id),
        from_href: profile_href(seg, &a.id),
        to_href: profile_href(seg, &b.id),
        summary: format!(
            "{} added, {} raised, {} lowered, {} removed, {} unchanged.",
            d.added.len(),
            d.raised.len(),
            d.lowered.len(),
            d.removed.len(),
            d.unchanged
        ),
        rows,
        lists,
    }
}

// ---------------------------------------------------------------------------------------------
// Skills catalogue.

/// What a skill asks at one level of its scale.
#[derive(Debug)]
struct LevelDescriptor {
    level: String,
    text: String,
}

/// A role level that requires a skill, and at which level.
#[derive(Debug)]
struct RequiredBy {
    role_level: String,
    href: String,
    level: String,
}

#[derive(Debug)]
struct SkillView {
    anchor: String,
    name: String,
    code: Option<String>,
    scale: String,
    description: Option<String>,
    guidance: Option<String>,
    levels: Vec<LevelDescriptor>,
    withheld: bool,
    required_by: Vec<RequiredBy>,
}

#[derive(Debug)]
struct CategoryView {
    name: String,
    skills: Vec<SkillView>,
}

#[derive(Debug, Template)]
#[template(path = "frameworks/skills.html")]
struct SkillsPage {
    frame: Frame,
    version: VersionInfo,
    categories: Vec<CategoryView>,
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
    let mut categories: Vec<CategoryView> = Vec::new();
    for skill in &fw.skills {
        let category = skill.category.clone().unwrap_or_else(|| "Other".into());
        let scale = fw.scale(&skill.scale);
        let label = |level: &str| {
            scale
                .and_then(|s| s.level(level))
                .map(|l| level_text(level, &l.label))
                .unwrap_or_else(|| level.to_owned())
        };
        let withheld = !licensed && !fw.skill_text_redistributable(skill);
        let mut required_by = Vec::new();
        for (id, track, level) in fw.role_levels() {
            if let Some(req) = level.requirements.iter().find(|r| r.skill == skill.id) {
                required_by.push(RequiredBy {
                    role_level: format!("{} ({})", level.title, track.name),
                    href: profile_href(&version.seg, &id),
                    level: label(req.level.as_str()),
                });
            }
        }
        let view = SkillView {
            anchor: format!("skill-{}", skill.id),
            name: skill.name.clone(),
            code: skill.code.clone(),
            scale: scale.map_or_else(|| skill.scale.clone(), |s| s.name.clone()),
            description: skill.description.clone().filter(|_| !withheld),
            guidance: skill.guidance.clone().filter(|_| !withheld),
            levels: if withheld {
                Vec::new()
            } else {
                skill
                    .levels
                    .iter()
                    .map(|(l, text)| LevelDescriptor {
                        level: label(l.as_str()),
                        text: text.clone(),
                    })
                    .collect()
            },
            withheld,
            required_by,
        };
        match categories.iter_mut().find(|c| c.name == category) {
            Some(c) => c.skills.push(view),
            None => categories.push(CategoryView {
                name: category,
                skills: vec![view],
            }),
        }
    }
    let page = SkillsPage {
        frame: Frame::new(Some(&ctx), format!("Skills: {}", fw.name), "framework"),
        version,
        count: fw.skills.len(),
        categories,
    };
    Ok(render(&page)?.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_name_lowered_requirements_only_when_there_are_some() {
        let counts = |lowered| {
            requirement_counts(|s| match s {
                Status::New => 3,
                Status::Raised => 1,
                Status::Inherited => 5,
                Status::Lowered => lowered,
            })
        };
        assert_eq!(counts(0), "3 new, 1 raised, 5 inherited");
        assert_eq!(counts(2), "3 new, 1 raised, 5 inherited, 2 lowered");
    }

    #[test]
    fn lowered_requirements_have_a_badge_style_of_their_own() {
        let css = crate::html::STYLESHEET;
        for status in ["new", "raised", "inherited", "lowered"] {
            assert!(css.contains(&format!(".badge-{status} {{")), "{status}");
        }
    }
}
