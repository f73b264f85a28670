//! `check` and `build` on a synthetic framework of 200 role levels and 200 skills.
//!
//! `cargo bench -p trellis-formats --bench framework`. The framework is also left in
//! `$TMPDIR/trellis-synthetic-200` so the whole binary can be timed with hyperfine (see BENCHMARKS.md).

use criterion::{Criterion, criterion_group, criterion_main};
use indexmap::IndexMap;
use trellis_formats::render::site::{SiteOptions, build};
use trellis_formats::{FrameworkFiles, load, write};
use trellis_model::*;

const SKILLS: usize = 200;
const TRACKS: usize = 20;
const LEVELS_PER_TRACK: usize = 10;
const SCALE: [&str; 5] = ["1", "2", "3", "4", "5"];

fn synthetic() -> Framework {
    let skills = (0..SKILLS)
        .map(|s| Skill {
            id: format!("skill-{s:03}"),
            name: format!("Skill number {s}"),
            code: None,
            scale: "proficiency".into(),
            category: Some(format!("Category {}", s % 8)),
            subcategory: None,
            description: Some(format!(
                "What skill {s} is about, in a sentence or two of plain prose."
            )),
            guidance: None,
            source: Some("house".into()),
            url: None,
            levels: SCALE
                .iter()
                .map(|l| {
                    (
                        LevelId::from(*l),
                        format!("Skill {s} at level {l}: what good looks like."),
                    )
                })
                .collect(),
        })
        .collect();
    let tracks = (0..TRACKS)
        .map(|t| Track {
            id: format!("track-{t:02}"),
            name: format!("Track {t}"),
            description: Some("A synthetic career path.".into()),
            cumulative: true,
            levels: (0..LEVELS_PER_TRACK)
                .map(|l| RoleLevel {
                    id: format!("level-{l}"),
                    title: format!("Track {t} role level {l}"),
                    summary: Some(format!(
                        "Level {l} of track {t}: owns more, decides more, grows others."
                    )),
                    responsibilities: vec![ResponsibilityGroup {
                        group: "Delivery".into(),
                        items: (0..4)
                            .map(|i| format!("Responsibility {i} of level {l}"))
                            .collect(),
                    }],
                    requirements: (0..8)
                        .map(|r| Requirement {
                            skill: format!("skill-{:03}", (t * 10 + r) % SKILLS),
                            level: LevelId::from(SCALE[(l / 2).min(4)]),
                            importance: if r < 3 {
                                Importance::Critical
                            } else {
                                Importance::Important
                            },
                            regression_reason: None,
                        })
                        .collect(),
                    kpis: vec![Kpi {
                        metric: format!("Outcome metric {l}"),
                        measures: Some("What changed for customers.".into()),
                        why: None,
                        target: Some("Up and to the right".into()),
                        frequency: Some("Quarterly".into()),
                        measurement: None,
                    }],
                    interview: ["Craft", "Judgement", "Collaboration", "Communication"]
                        .iter()
                        .map(|name| InterviewDimension {
                            name: (*name).into(),
                            weight: 25,
                            description: None,
                            anchors: IndexMap::from([
                                (1, "Weak".to_owned()),
                                (5, "Strong".to_owned()),
                            ]),
                            interview_guidance: None,
                        })
                        .collect(),
                    ..RoleLevel::default()
                })
                .collect(),
        })
        .collect();
    Framework {
        id: "synthetic".into(),
        name: "Synthetic".into(),
        version: "1".into(),
        description: None,
        sources: vec![Source {
            id: "house".into(),
            name: "House".into(),
            version: None,
            licence: None,
            attribution: None,
            url: None,
            redistributable: true,
            level_scale: None,
        }],
        scales: vec![Scale {
            id: "proficiency".into(),
            name: "Proficiency".into(),
            description: None,
            levels: SCALE
                .iter()
                .map(|l| ScaleLevel {
                    id: LevelId::from(*l),
                    label: format!("Level {l}"),
                    description: None,
                })
                .collect(),
        }],
        skills,
        tracks,
        readiness: None,
    }
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join("trellis-synthetic-200");
    let _ = std::fs::remove_dir_all(&dir);
    write::write_dir(&synthetic(), &dir).expect("write the synthetic framework");
    let loaded = load(&FrameworkFiles::read_dir(&dir));
    assert_eq!(loaded.errors(), 0, "{:#?}", loaded.diagnostics);
    assert_eq!(
        loaded.framework.role_levels().count(),
        TRACKS * LEVELS_PER_TRACK
    );

    // References measured in the same run: the I/O floor under each command.
    c.bench_function("reference: read the framework files", |b| {
        b.iter(|| FrameworkFiles::read_dir(&dir))
    });
    c.bench_function(
        "check: read, parse and check 200 role levels x 200 skills",
        |b| b.iter(|| load(&FrameworkFiles::read_dir(&dir))),
    );
    let out = tempfile::tempdir().expect("tempdir");
    let fw = loaded.framework;
    let built = out.path().join("site");
    build(&fw, &built, &SiteOptions { licensed: false }).expect("build");
    let pages = site_files(&built);
    let copy = out.path().join("copy");
    c.bench_function("reference: write the same site bytes", |b| {
        b.iter(|| {
            for (path, bytes) in &pages {
                let target = copy.join(path);
                std::fs::create_dir_all(target.parent().expect("a parent")).expect("mkdir");
                std::fs::write(target, bytes).expect("write");
            }
        })
    });
    c.bench_function("build: static site of 200 role levels x 200 skills", |b| {
        b.iter(|| {
            let site = out.path().join("site");
            build(&fw, &site, &SiteOptions { licensed: false }).expect("build");
        })
    });
}

/// Every file of a built site, relative path and bytes.
fn site_files(root: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read site").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path.strip_prefix(root).expect("inside").to_path_buf();
                out.push((rel, std::fs::read(&path).expect("read page")));
            }
        }
    }
    out
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
