//! The static site: every link resolves, every page is valid HTML5 with the basics of accessibility,
//! one page per thing, and text from non-redistributable sources stays out unless licensed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};
use serde_json::json;
use trellis_formats::render::site::{SiteError, SiteOptions, build};
use trellis_formats::starter::starter_files;
use trellis_model::Framework;
use trellis_model::validate::{effective_next, effective_previous};

fn starter() -> Framework {
    trellis_formats::load(&starter_files()).framework
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Every file under `dir`, relative, with `/` separators.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn html_files(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect()
}

/// The steps between adjacent role levels, worked out from the model independently of the builder.
fn expected_steps(fw: &Framework) -> HashSet<(String, String)> {
    let ids: HashSet<String> = fw.role_levels().map(|(id, _, _)| id).collect();
    let mut out = HashSet::new();
    for track in &fw.tracks {
        for (i, level) in track.levels.iter().enumerate() {
            let id = format!("{}/{}", track.id, level.id);
            if let Some(prev) = effective_previous(track, i, level).filter(|p| ids.contains(p)) {
                out.insert((prev, id.clone()));
            }
            if let Some(next) = effective_next(track, i, level).filter(|n| ids.contains(n)) {
                out.insert((id.clone(), next));
            }
        }
    }
    out
}

fn is_external(href: &str) -> bool {
    href.starts_with("http://")
        || href.starts_with("https://")
        || href.starts_with("mailto:")
        || href.starts_with("//")
}

/// Joins a relative link onto the directory of the page it is on, refusing to climb out of the site.
fn resolve_link(page: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Checks one built site: HTML validity, accessibility basics and every internal link.
fn check_site(dir: &Path) {
    let pages = html_files(dir);
    assert!(!pages.is_empty());
    let mut docs: BTreeMap<String, Html> = BTreeMap::new();
    for page in &pages {
        let text = fs::read_to_string(dir.join(page)).unwrap();
        assert!(text.starts_with("<!DOCTYPE html>"), "{page}: no doctype");
        let doc = Html::parse_document(&text);
        assert!(
            doc.errors.is_empty(),
            "{page}: HTML parse errors: {:?}",
            doc.errors
        );
        assert!(!text.contains("<script"), "{page}: contains a script");
        docs.insert(page.clone(), doc);
    }
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::new();
    for (page, doc) in &docs {
        let mut seen = HashSet::new();
        for el in doc.select(&sel("[id]")) {
            let id = el.value().attr("id").unwrap().to_owned();
            assert!(
                !id.is_empty() && !id.contains(char::is_whitespace),
                "{page}: bad id {id:?}"
            );
            assert!(seen.insert(id.clone()), "{page}: duplicate id {id}");
        }
        ids.insert(page.as_str(), seen);
    }
    for (page, doc) in &docs {
        // Accessibility basics.
        let html = doc.select(&sel("html")).next().unwrap();
        assert_eq!(html.value().attr("lang"), Some("en"), "{page}: lang");
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{page}: exactly one h1");
        let title: String = doc
            .select(&sel("head > title"))
            .flat_map(|t| t.text())
            .collect();
        assert!(!title.trim().is_empty(), "{page}: empty title");
        for landmark in ["header", "nav", "main", "footer"] {
            assert!(
                doc.select(&sel(landmark)).next().is_some(),
                "{page}: no <{landmark}>"
            );
        }
        let skip = doc
            .select(&sel("a.skip-link"))
            .next()
            .unwrap_or_else(|| panic!("{page}: no skip link"));
        let target = skip.value().attr("href").unwrap();
        assert!(
            ids[page.as_str()].contains(target.trim_start_matches('#')),
            "{page}: skip link target {target} missing"
        );
        for table in doc.select(&sel("table")) {
            assert!(
                table.select(&sel("caption")).next().is_some(),
                "{page}: table without caption"
            );
            assert!(
                table.select(&sel("th")).next().is_some(),
                "{page}: table without th"
            );
            for th in table.select(&sel("th")) {
                assert!(
                    th.value().attr("scope").is_some(),
                    "{page}: th without scope"
                );
            }
        }
        for img in doc.select(&sel("img")) {
            assert!(img.value().attr("alt").is_some(), "{page}: img without alt");
        }
        for a in doc.select(&sel("a")) {
            let text: String = a.text().collect();
            assert!(!text.trim().is_empty(), "{page}: link without text");
        }
        // Every internal link and stylesheet resolves, fragments included.
        for el in doc.select(&sel("[href], [src]")) {
            let link = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if is_external(link) {
                continue;
            }
            assert!(
                !link.starts_with('/') && !link.contains(':'),
                "{page}: link {link} is not relative"
            );
            let (path, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link, None),
            };
            let target = if path.is_empty() {
                page.clone()
            } else {
                resolve_link(page, path)
                    .unwrap_or_else(|| panic!("{page}: link {link} leaves the site"))
            };
            assert!(
                dir.join(&target).is_file(),
                "{page}: broken link {link} ({target})"
            );
            if let Some(f) = fragment {
                let target_ids = ids
                    .get(target.as_str())
                    .unwrap_or_else(|| panic!("{page}: fragment link {link} into a non-page"));
                assert!(
                    target_ids.contains(f),
                    "{page}: link {link}: no id {f} in {target}"
                );
            }
        }
    }
}

#[test]
fn starter_site_is_valid_linked_and_accessible() {
    let fw = starter();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let report = build(&fw, &out, &SiteOptions::default()).unwrap();
    assert_eq!(report.out, out);
    check_site(&out);

    let pages = html_files(&out);
    let levels = fw.role_levels().count();
    let steps = expected_steps(&fw);
    assert!(levels > 0, "the starter has role levels");
    // Index, one per role level, one per step, the comparisons index and the skills catalogue.
    assert_eq!(pages.len(), 1 + levels + steps.len() + 1 + 1, "{pages:#?}");
    assert_eq!(report.pages, pages.len());
    for (id, track, level) in fw.role_levels() {
        let page = format!("roles/{}/{}.html", track.id, level.id);
        assert!(pages.contains(&page), "no page for {id}");
    }
    assert_eq!(
        pages
            .iter()
            .filter(|p| p.starts_with("compare/") && *p != "compare/index.html")
            .count(),
        steps.len()
    );
    for p in ["index.html", "skills.html", "compare/index.html"] {
        assert!(pages.contains(&p.to_owned()), "no {p}");
    }
    assert!(out.join("style.css").is_file());

    // The skills catalogue has an anchor for every skill, and the starter's attributions show.
    let skills = Html::parse_document(&fs::read_to_string(out.join("skills.html")).unwrap());
    for skill in &fw.skills {
        let anchor = format!("#skill-{}", skill.id);
        assert!(
            skills.select(&sel(&anchor)).next().is_some(),
            "no anchor {anchor}"
        );
    }
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    for s in &fw.sources {
        if let Some(a) = &s.attribution {
            assert!(
                index.contains(&escape(a)),
                "attribution of {} missing",
                s.id
            );
        }
    }
}

/// The way askama escapes text: decimal character references.
fn escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

const SECRET_DESCRIPTION: &str = "Zebra-sentinel description of the licensed skill";
const SECRET_GUIDANCE: &str = "Zebra-sentinel guidance for the licensed skill";
const SECRET_DESCRIPTOR: &str = "Zebra-sentinel descriptor at level four";
const SECRET_SCALE: &str = "Zebra-sentinel text of responsibility level four";
const ATTRIBUTION: &str = "Body of Knowledge is a mark of the Example Foundation";

/// Two tracks, a cross-track step and a skill from a source that may not be redistributed.
fn synthetic() -> Framework {
    // Level ids are strings here: `LevelId` deserializes from strings (YAML numbers arrive as text).
    serde_json::from_value(json!({
        "id": "synthetic",
        "name": "Synthetic Framework",
        "version": "0.1",
        "description": "A framework made up for tests.",
        "sources": [
            {"id": "house", "name": "House", "licence": "CC-BY-4.0", "attribution": "House text by us"},
            {"id": "bok", "name": "Body of Knowledge", "version": "3", "licence": "Members only",
             "attribution": ATTRIBUTION, "redistributable": false, "level_scale": "resp",
             "url": "https://example.org/bok"}
        ],
        "scales": [
            {"id": "craft", "name": "Craft", "levels": [
                {"id": "basic", "label": "Basic", "description": "Can do it with help."},
                {"id": "solid", "label": "Solid", "description": "Can do it alone."},
                {"id": "deep", "label": "Deep", "description": "Teaches others."}
            ]},
            {"id": "resp", "name": "Responsibility", "levels": [
                {"id": "3", "label": "Level 3"},
                {"id": "4", "label": "Level 4", "description": SECRET_SCALE},
                {"id": "5", "label": "Level 5"}
            ]}
        ],
        "skills": [
            {"id": "writing", "name": "Writing", "scale": "craft", "category": "Communication",
             "source": "house", "description": "Writing things down clearly.",
             "levels": {"basic": "Writes short notes.", "solid": "Writes clear designs.",
                        "deep": "Sets the writing standard."}},
            {"id": "analysis", "name": "Analysis", "code": "ANLY", "scale": "resp",
             "category": "Method & Practice", "source": "bok",
             "description": SECRET_DESCRIPTION, "guidance": SECRET_GUIDANCE,
             "levels": {"3": "Zebra-sentinel descriptor at level three", "4": SECRET_DESCRIPTOR}},
            {"id": "unused", "name": "Unused skill", "scale": "craft", "source": "house",
             "levels": {"basic": "Nobody needs this."}}
        ],
        "tracks": [
            {"id": "eng", "name": "Engineering", "levels": [
                {"id": "junior", "title": "Junior Engineer", "summary": "Learns the job.",
                 "requirements": [
                     {"skill": "writing", "level": "basic", "importance": "critical"},
                     {"skill": "analysis", "level": "3"}
                 ],
                 "responsibilities": [{"group": "Delivery", "items": ["Ships small changes."]}]},
                {"id": "senior", "title": "Senior Engineer", "summary": "Leads the work.",
                 "requirements": [
                     {"skill": "writing", "level": "solid"},
                     {"skill": "analysis", "level": "4"}
                 ],
                 "mappings": [{"source": "bok", "level": "4"}]}
            ]},
            {"id": "mgmt", "name": "Management", "levels": [
                {"id": "lead", "title": "Engineering Lead", "previous": "eng/senior",
                 "summary": "Leads the people.",
                 "requirements": [{"skill": "writing", "level": "deep"}]}
            ]}
        ]
    }))
    .expect("the synthetic framework deserializes")
}

fn all_text(dir: &Path) -> String {
    files(dir)
        .iter()
        .map(|f| fs::read_to_string(dir.join(f)).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn restricted_text_is_withheld_unless_licensed() {
    let fw = synthetic();
    let tmp = tempfile::tempdir().unwrap();

    let open = tmp.path().join("open");
    build(&fw, &open, &SiteOptions { licensed: false }).unwrap();
    check_site(&open);
    let text = all_text(&open);
    assert!(
        !text.contains("Zebra-sentinel"),
        "restricted text leaked into the public site"
    );
    // Codes, names, levels and the attribution remain, with a note naming the source and the way out.
    for kept in ["ANLY", "Analysis", "Level 4", ATTRIBUTION] {
        assert!(text.contains(kept), "{kept} missing");
    }
    let senior = fs::read_to_string(open.join("roles/eng/senior.html")).unwrap();
    assert!(senior.contains("Body of Knowledge"));
    assert!(senior.contains("withheld"));
    assert!(senior.contains("trellis build --licensed"));
    assert!(senior.contains(ATTRIBUTION));
    // House text is published as usual.
    assert!(senior.contains("Writes clear designs."));

    let licensed = tmp.path().join("licensed");
    build(&fw, &licensed, &SiteOptions { licensed: true }).unwrap();
    check_site(&licensed);
    let text = all_text(&licensed);
    for secret in [
        SECRET_DESCRIPTION,
        SECRET_GUIDANCE,
        SECRET_DESCRIPTOR,
        SECRET_SCALE,
    ] {
        assert!(
            text.contains(secret),
            "{secret} missing from the licensed site"
        );
    }
    assert!(text.contains(ATTRIBUTION));
    assert!(!text.contains("trellis build --licensed</"));
}

#[test]
fn synthetic_site_has_cross_track_comparisons_and_navigation() {
    let fw = synthetic();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let report = build(&fw, &out, &SiteOptions::default()).unwrap();
    let pages = html_files(&out);
    assert_eq!(report.pages, pages.len());
    // index, 3 role levels, 2 steps (junior→senior, senior→lead across tracks), compare index, skills.
    assert_eq!(pages.len(), 1 + 3 + 2 + 1 + 1, "{pages:#?}");
    assert!(pages.contains(&"compare/eng--junior--senior.html".to_owned()));
    assert!(pages.contains(&"compare/eng--senior--mgmt--lead.html".to_owned()));

    let senior =
        Html::parse_document(&fs::read_to_string(out.join("roles/eng/senior.html")).unwrap());
    let hrefs: Vec<&str> = senior
        .select(&sel(".page-nav a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(hrefs.contains(&"../../roles/eng/junior.html"), "{hrefs:?}");
    assert!(hrefs.contains(&"../../roles/mgmt/lead.html"), "{hrefs:?}");
    assert!(
        hrefs.contains(&"../../compare/eng--senior--mgmt--lead.html"),
        "{hrefs:?}"
    );
    // Status is said in words, not colour alone.
    let badges: Vec<String> = senior
        .select(&sel(".badge"))
        .map(|b| b.text().collect())
        .collect();
    assert!(
        badges.contains(&"Raised from Basic".to_owned()),
        "{badges:?}"
    );
    assert!(
        badges.contains(&"Raised from Level 3".to_owned()),
        "{badges:?}"
    );

    let lead = fs::read_to_string(out.join("roles/mgmt/lead.html")).unwrap();
    // Previous links across tracks are navigation only: requirements come from the own track.
    assert!(lead.contains(">New<"));
    let compare = fs::read_to_string(out.join("compare/eng--junior--senior.html")).unwrap();
    assert!(compare.contains("Raised requirements"));
    assert!(compare.contains("Writes short notes.") && compare.contains("Writes clear designs."));

    let skills = fs::read_to_string(out.join("skills.html")).unwrap();
    assert!(skills.contains("No role level requires this skill."));
    assert!(skills.contains("id=\"category-method-practice\""));
}

#[test]
fn rebuilding_replaces_owned_files_and_keeps_others() {
    let mut fw = synthetic();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&fw, &out, &SiteOptions::default()).unwrap();
    fs::write(out.join("CNAME"), "careers.example.org").unwrap();
    fs::create_dir_all(out.join("roles/eng")).unwrap();
    fs::write(out.join("roles/eng/notes.txt"), "mine").unwrap();

    // The management track goes away, and the junior level is renamed.
    fw.tracks.retain(|t| t.id != "mgmt");
    fw.tracks[0].levels[0].title = "Graduate Engineer".to_owned();
    build(&fw, &out, &SiteOptions::default()).unwrap();
    assert!(
        !out.join("roles/mgmt/lead.html").exists(),
        "a stale page was left behind"
    );
    assert!(
        !out.join("roles/mgmt").exists(),
        "a stale directory was left behind"
    );
    assert!(!out.join("compare/eng--senior--mgmt--lead.html").exists());
    assert_eq!(
        fs::read_to_string(out.join("CNAME")).unwrap(),
        "careers.example.org"
    );
    assert_eq!(
        fs::read_to_string(out.join("roles/eng/notes.txt")).unwrap(),
        "mine"
    );
    let junior = fs::read_to_string(out.join("roles/eng/junior.html")).unwrap();
    assert!(junior.contains("Graduate Engineer"));
    check_site(&out);
    // No staging directories are left next to the site.
    let siblings: Vec<PathBuf> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(siblings, vec![out.clone()]);
}

#[test]
fn a_file_in_the_way_is_an_error_and_nothing_is_written() {
    let fw = synthetic();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    fs::write(&out, "not a directory").unwrap();
    let err = build(&fw, &out, &SiteOptions::default()).unwrap_err();
    assert!(
        matches!(err, SiteError::NotADirectory(ref p) if *p == out),
        "{err}"
    );
    assert!(err.to_string().contains("site"));
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn an_unwritable_place_is_an_io_error_naming_the_path() {
    let fw = synthetic();
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("blocker");
    fs::write(&blocker, "a file where a directory should be").unwrap();
    let out = blocker.join("site");
    let err = build(&fw, &out, &SiteOptions::default()).unwrap_err();
    match &err {
        SiteError::Io { path, .. } => assert!(path.starts_with(&blocker), "{err}"),
        other => panic!("expected an Io error, got {other}"),
    }
    assert!(err.to_string().contains("blocker"), "{err}");
}
