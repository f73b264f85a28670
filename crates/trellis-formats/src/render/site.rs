//! The framework as a static website, for `trellis build`: an overview, one page per role level, a
//! comparison for every step between levels, and the skills catalogue.
//!
//! Every link is relative, so the site works from `file://` and under any path. Text from sources
//! that may not be redistributed is left out unless the publisher says they hold a licence; the
//! attribution of every source is always shown.
//!
//! The whole site is rendered in memory and written to a staging directory next to `out` before
//! anything in `out` changes, so a failed build never leaves half a site behind.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use askama::Template;
use trellis_model::diff::diff_profiles;
use trellis_model::resolve::UnknownRoleLevel;
use trellis_model::{Framework, Profile, resolve};

use super::catalogue::{self, CategoryView, ScaleView};
use super::html::ProfilePage;
use super::text;
use super::view::{
    self, DiffView, Frame, Link, Links, ProfileView, STYLE, SiteLinks, SiteMap, slug, track_anchor,
};

/// How to build the site.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// The publisher holds the licences of every source, so text that may not be redistributed is
    /// published too.
    pub licensed: bool,
}

/// What a build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteReport {
    /// HTML pages written.
    pub pages: usize,
    /// The directory the site is in.
    pub out: PathBuf,
}

/// Why a site could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{0} exists and is not a directory")]
    NotADirectory(PathBuf),
    #[error("could not render {page}: {source}")]
    Render { page: String, source: askama::Error },
    #[error(transparent)]
    UnknownRoleLevel(#[from] UnknownRoleLevel),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> SiteError + '_ {
    move |source| SiteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The list of files the last build wrote, so the next build can remove the ones it no longer
/// writes without touching anything else in `out`.
const MANIFEST: &str = ".trellis-site";

/// Builds the site into `out`, creating it if needed. Files Trellis wrote before are replaced or
/// removed; other files in `out` are left alone.
pub fn build(fw: &Framework, out: &Path, opts: &SiteOptions) -> Result<SiteReport, SiteError> {
    let files = render(fw, opts)?;
    let pages = files.iter().filter(|(p, _)| p.ends_with(".html")).count();
    publish(out, &files)?;
    Ok(SiteReport {
        pages,
        out: out.to_path_buf(),
    })
}

/// Every file of the site as (path relative to the root, contents).
fn render(fw: &Framework, opts: &SiteOptions) -> Result<Vec<(String, String)>, SiteError> {
    // Resolve each role level once; a framework with a duplicated id gets one page for it.
    let mut profiles: Vec<Profile> = Vec::new();
    let mut map = SiteMap::default();
    for (id, track, level) in fw.role_levels() {
        if map.roles.contains_key(&id) {
            continue;
        }
        map.roles.insert(
            id.clone(),
            format!("roles/{}/{}.html", slug(&track.id), slug(&level.id)),
        );
        profiles.push(resolve(fw, &id)?);
    }
    let pairs = steps(&profiles, &map);
    let mut taken = HashSet::new();
    for (from, to) in &pairs {
        let (ft, fl) = from.split_once('/').unwrap_or(("", from));
        let (tt, tl) = to.split_once('/').unwrap_or(("", to));
        let base = if ft == tt {
            format!("{}--{}--{}", slug(ft), slug(fl), slug(tl))
        } else {
            format!("{}--{}--{}--{}", slug(ft), slug(fl), slug(tt), slug(tl))
        };
        // Names are readable rather than guaranteed unique; number the rare clash.
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        map.compares
            .insert((from.clone(), to.clone()), format!("compare/{name}.html"));
    }

    // Withheld text on the site says how licence holders publish it.
    let hint = !opts.licensed;
    let published: Vec<Profile> = profiles
        .iter()
        .cloned()
        .map(|mut p| {
            if !opts.licensed {
                p.withhold_restricted();
            }
            p
        })
        .collect();
    let by_id: HashMap<&str, &Profile> = published.iter().map(|p| (p.id.as_str(), p)).collect();
    let attributions: Vec<String> = fw.sources.iter().map(text::attribution).collect();
    let frame = |title: String, root: &str, current: &'static str| Frame {
        title: format!("{title}: {}", fw.name),
        root: root.to_owned(),
        inline_css: None,
        nav: true,
        current,
        framework: fw.name.clone(),
        version: fw.version.clone(),
        attributions: attributions.clone(),
    };

    let mut files = vec![("style.css".to_owned(), STYLE.to_owned())];
    let page = |name: &str, t: &dyn DynRender| -> Result<String, SiteError> {
        t.render_page().map_err(|source| SiteError::Render {
            page: name.to_owned(),
            source,
        })
    };

    let index = IndexPage {
        frame: Frame {
            title: text::name_with_version(&fw.name, &fw.version),
            ..frame(String::new(), "", "index")
        },
        name: fw.name.clone(),
        version: fw.version.clone(),
        description: fw
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned),
        tracks: fw
            .tracks
            .iter()
            .map(|t| TrackView {
                anchor: track_anchor(&t.id),
                name: t.name.clone(),
                description: t
                    .description
                    .as_deref()
                    .map(text::blocks)
                    .unwrap_or_default(),
                levels: t
                    .levels
                    .iter()
                    .map(|l| Link {
                        text: l.title.clone(),
                        href: map.roles.get(&format!("{}/{}", t.id, l.id)).cloned(),
                    })
                    .collect(),
            })
            .collect(),
        skills: fw.skills.len(),
        comparisons: pairs.len(),
        sources: fw
            .sources
            .iter()
            .map(|s| SourceView {
                name: s.name.clone(),
                version: s.version.clone(),
                licence: s.licence.clone(),
                attribution: s.attribution.clone(),
                url: s.url.clone().filter(|u| is_web_url(u)),
                text: if s.redistributable {
                    "Published".to_owned()
                } else if opts.licensed {
                    "Published for licence holders (built with --licensed)".to_owned()
                } else {
                    "Withheld: codes, names and levels only".to_owned()
                },
            })
            .collect(),
        licensed_sources: if opts.licensed {
            fw.sources
                .iter()
                .filter(|s| !s.redistributable)
                .map(|s| s.name.clone())
                .collect()
        } else {
            Vec::new()
        },
    };
    files.push(("index.html".to_owned(), page("index.html", &index)?));

    for p in &published {
        let path = &map.roles[&p.id];
        let links = SiteLinks {
            root: "../../",
            site: &map,
        };
        let mut profile = ProfileView::new(fw, p, &links, hint);
        profile.also_next = published
            .iter()
            .filter(|q| q.previous.as_deref() == Some(&p.id) && p.next.as_deref() != Some(&q.id))
            .map(|q| {
                (
                    view::role_link(fw, &links, &q.id),
                    links.compare(&p.id, &q.id),
                )
            })
            .collect();
        profile.update_contents();
        let t = ProfilePage {
            frame: frame(format!("{} ({})", p.title, p.track_name), "../../", ""),
            profile,
        };
        files.push((path.clone(), page(path, &t)?));
    }

    let mut listed = Vec::new();
    for (from, to) in &pairs {
        let (a, b) = (by_id[from.as_str()], by_id[to.as_str()]);
        let mut d = diff_profiles(a, b);
        if !opts.licensed {
            d.withhold_restricted();
        }
        let links = SiteLinks {
            root: "../",
            site: &map,
        };
        let path = &map.compares[&(from.clone(), to.clone())];
        let t = ComparePage {
            frame: frame(format!("From {} to {}", a.title, b.title), "../", "compare"),
            diff: DiffView::new(fw, &d, &links, hint),
        };
        files.push((path.clone(), page(path, &t)?));
        listed.push(CompareRow {
            from: Link {
                text: format!("{} ({})", a.title, a.track_name),
                href: Some(format!("../{}", map.roles[from])),
            },
            to: Link {
                text: format!("{} ({})", b.title, b.track_name),
                href: Some(format!("../{}", map.roles[to])),
            },
            href: format!("../{path}"),
            summary: format!(
                "{} added, {} raised, {} lowered, {} removed",
                d.added.len(),
                d.raised.len(),
                d.lowered.len(),
                d.removed.len()
            ),
        });
    }
    let compare_index = CompareIndexPage {
        frame: frame("Comparisons".to_owned(), "../", "compare"),
        rows: listed,
    };
    files.push((
        "compare/index.html".to_owned(),
        page("compare/index.html", &compare_index)?,
    ));

    let skills = SkillsPage {
        frame: frame("Skills".to_owned(), "", "skills"),
        categories: catalogue::catalogue(
            fw,
            &published,
            &SiteLinks {
                root: "",
                site: &map,
            },
            opts.licensed,
        ),
        scales: fw
            .scales
            .iter()
            .map(|s| catalogue::scale_view(fw, s, opts.licensed))
            .collect(),
        notes: catalogue::withheld_notes(fw, opts.licensed),
    };
    files.push(("skills.html".to_owned(), page("skills.html", &skills)?));
    Ok(files)
}

/// Every step between adjacent role levels, following the effective previous and next links (which
/// may cross tracks), each once, in framework order.
fn steps(profiles: &[Profile], map: &SiteMap) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |from: &str, to: &str| {
        let pair = (from.to_owned(), to.to_owned());
        if from != to
            && map.roles.contains_key(from)
            && map.roles.contains_key(to)
            && !out.contains(&pair)
        {
            out.push(pair);
        }
    };
    for p in profiles {
        if let Some(prev) = &p.previous {
            push(prev, &p.id);
        }
        if let Some(next) = &p.next {
            push(&p.id, next);
        }
    }
    out
}

/// Only web links are published from source metadata; anything else is shown as text.
fn is_web_url(u: &str) -> bool {
    u.starts_with("https://") || u.starts_with("http://")
}

/// Lets the page closure take any page template.
trait DynRender {
    fn render_page(&self) -> askama::Result<String>;
}

impl<T: Template> DynRender for T {
    fn render_page(&self) -> askama::Result<String> {
        self.render()
    }
}

#[derive(Debug)]
struct TrackView {
    anchor: String,
    name: String,
    /// Paragraphs and lists (DDaT role descriptions hold "In this role, you will:" and bullets).
    description: Vec<text::Block>,
    levels: Vec<Link>,
}

#[derive(Debug)]
struct SourceView {
    name: String,
    version: Option<String>,
    licence: Option<String>,
    attribution: Option<String>,
    url: Option<String>,
    /// Whether and how the source's text is published on this site.
    text: String,
}

#[derive(Debug, Template)]
#[template(path = "index.html")]
struct IndexPage {
    frame: Frame,
    name: String,
    version: String,
    description: Option<String>,
    tracks: Vec<TrackView>,
    skills: usize,
    comparisons: usize,
    sources: Vec<SourceView>,
    /// Restricted sources whose text this build publishes anyway.
    licensed_sources: Vec<String>,
}

#[derive(Debug, Template)]
#[template(path = "compare.html")]
struct ComparePage {
    frame: Frame,
    diff: DiffView,
}

#[derive(Debug)]
struct CompareRow {
    from: Link,
    to: Link,
    href: String,
    summary: String,
}

#[derive(Debug, Template)]
#[template(path = "compare_index.html")]
struct CompareIndexPage {
    frame: Frame,
    rows: Vec<CompareRow>,
}

#[derive(Debug, Template)]
#[template(path = "skills.html")]
struct SkillsPage {
    frame: Frame,
    categories: Vec<CategoryView>,
    scales: Vec<ScaleView>,
    notes: Vec<String>,
}

/// Writes the site into a staging directory next to `out`, then moves it into place.
fn publish(out: &Path, files: &[(String, String)]) -> Result<(), SiteError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match fs::metadata(out) {
        Ok(m) if !m.is_dir() => return Err(SiteError::NotADirectory(out.to_path_buf())),
        _ => {}
    }
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    // Dropped, and so removed, on every early return.
    let staging = tempfile::Builder::new()
        .prefix(".trellis-site-")
        .tempdir_in(&parent)
        .map_err(io_err(&parent))?;
    let mut manifest = String::new();
    for (rel, contents) in files {
        let path = staging.path().join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        fs::write(&path, contents).map_err(io_err(&path))?;
        manifest.push_str(rel);
        manifest.push('\n');
    }
    let manifest_path = staging.path().join(MANIFEST);
    fs::write(&manifest_path, &manifest).map_err(io_err(&manifest_path))?;

    let empty = match fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return swap_in(staging, out);
        }
        Err(e) => return Err(io_err(out)(e)),
    };
    // A symlinked `out` stays a symlink: its target is filled in place.
    let symlink = fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink());
    if empty && !symlink {
        fs::remove_dir(out).map_err(io_err(out))?;
        return swap_in(staging, out);
    }
    merge(staging.path(), out, files)
}

/// Moves a complete staging directory to `out` in one rename.
fn swap_in(staging: tempfile::TempDir, out: &Path) -> Result<(), SiteError> {
    let from = staging.keep();
    fs::rename(&from, out).map_err(|e| {
        let _ = fs::remove_dir_all(&from);
        io_err(out)(e)
    })
}

/// Moves each file of the new site over the old one and removes files only the old site had.
fn merge(staging: &Path, out: &Path, files: &[(String, String)]) -> Result<(), SiteError> {
    let old: Vec<String> = fs::read_to_string(out.join(MANIFEST))
        .map(|m| m.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    for (rel, _) in files {
        let (from, to) = (staging.join(rel), out.join(rel));
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        if fs::rename(&from, &to).is_err() {
            // Another file system under `out`: copy instead.
            fs::copy(&from, &to).map_err(io_err(&to))?;
        }
    }
    let new: HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for rel in old.iter().filter(|p| !new.contains(p.as_str())) {
        if !owned_path(rel) {
            continue;
        }
        let path = out.join(rel);
        match fs::remove_file(&path) {
            Ok(()) => {
                // Tidy directories the old site made, when they are now empty.
                let mut dir = path.parent();
                while let Some(d) = dir.filter(|d| *d != out) {
                    if fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&path)(e)),
        }
    }
    let manifest = out.join(MANIFEST);
    if fs::rename(staging.join(MANIFEST), &manifest).is_err() {
        fs::copy(staging.join(MANIFEST), &manifest).map_err(io_err(&manifest))?;
    }
    Ok(())
}

/// Whether a manifest entry names a file the builder could have written: relative, inside `out`,
/// a page or the stylesheet. A tampered manifest cannot make the builder delete anything else.
fn owned_path(rel: &str) -> bool {
    let path = Path::new(rel);
    (rel.ends_with(".html") || rel.ends_with(".css"))
        && path.components().all(|c| matches!(c, Component::Normal(_)))
}
