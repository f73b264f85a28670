//! The SFIA and DDaT importers on synthetic files the size of the official downloads: an SFIA-layout CSV of
//! 150 skills and a DDaT-layout role CSV of 2,000 rows (about 2.5 MB), each imported, checked and written.
//!
//! `cargo bench -p trellis-formats --bench import`. The generated files are also left at
//! `$TMPDIR/trellis-sfia-150.csv` and `$TMPDIR/trellis-ddat-2000.csv`, so that a plain Python pass over
//! the same bytes can be timed for comparison (see BENCHMARKS.md):
//!
//! ```text
//! hyperfine "python3 -c 'import csv,sys; sum(1 for _ in csv.reader(open(sys.argv[1], newline=\"\", encoding=\"utf-8-sig\")))' $TMPDIR/trellis-ddat-2000.csv"
//! ```

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use trellis_formats::import::csv_table::read_csv;
use trellis_formats::import::{Format, ImportOptions, Input, import};
use trellis_formats::write;

/// Words for filler prose; a small deterministic generator picks from them.
const WORDS: [&str; 48] = [
    "plan",
    "team",
    "service",
    "users",
    "data",
    "review",
    "standards",
    "risk",
    "design",
    "deliver",
    "support",
    "measure",
    "improve",
    "stakeholders",
    "budget",
    "quality",
    "security",
    "evidence",
    "decisions",
    "coach",
    "systems",
    "process",
    "priorities",
    "outcomes",
    "research",
    "test",
    "operate",
    "govern",
    "strategy",
    "practice",
    "community",
    "change",
    "policy",
    "value",
    "roadmap",
    "insight",
    "method",
    "tools",
    "share",
    "explain",
    "lead",
    "assure",
    "advise",
    "monitor",
    "report",
    "collaborate",
    "budgets",
    "contracts",
];

struct Prose(u64);

impl Prose {
    fn next(&mut self) -> usize {
        // xorshift: fast, deterministic, good enough for filler text.
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 1_000_003) as usize
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(WORDS[self.next() % WORDS.len()]);
        }
        let mut c = s.chars();
        let first = c.next().map(|f| f.to_ascii_uppercase()).unwrap_or('X');
        format!("{first}{}.", c.as_str())
    }

    fn paragraph(&mut self, sentences: usize) -> String {
        (0..sentences)
            .map(|_| {
                let words = 8 + self.next() % 10;
                self.sentence(words)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// An SFIA 9-layout skills CSV: 150 skills, multi-line cells with `\r\n`, sparse levels.
fn sfia_csv(skills: usize) -> String {
    let mut p = Prose(0x5f1a);
    let mut out = String::from(
        "\u{feff}#,Levels,,,,,,,Code,URL,Skill,Category,Subcategory,Overall description,Guidance notes,Level 1 description,\
         Level 2 description,Level 3 description,Level 4 description,Level 5 description,Level 6 description,Level 7 description\n",
    );
    for i in 0..skills {
        let code = format!("S{i:03}");
        let low = 1 + p.next() % 3;
        let high = (low + 2 + p.next() % 4).min(7);
        let mut cells = vec![(i + 1).to_string()];
        cells.extend((1..=7).map(|n| {
            if (low..=high).contains(&n) {
                n.to_string()
            } else {
                String::new()
            }
        }));
        cells.push(code.clone());
        cells.push(format!("https://example.org/en/skillcode/9/{code}"));
        cells.push(format!("Synthetic skill {i}"));
        cells.push(format!("Category {}", i % 6));
        cells.push(format!("Subcategory {}", i % 22));
        cells.push(p.paragraph(3));
        let guidance: Vec<String> = (0..6).map(|_| p.sentence(10)).collect();
        cells.push(format!(
            "{}\r\n\r\n{}",
            guidance[..3].join("\r\n"),
            guidance[3..].join("\r\n")
        ));
        for n in 1..=7 {
            cells.push(if (low..=high).contains(&n) {
                format!("{}\r\n{}", p.paragraph(2), p.paragraph(2))
            } else {
                String::new()
            });
        }
        let line: Vec<String> = cells
            .iter()
            .map(|c| {
                if c.is_empty() {
                    String::new()
                } else {
                    quote(c)
                }
            })
            .collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// A DDaT-layout role CSV: 50 roles × 4 levels × 10 skills = 2,000 rows, descriptions repeated on every
/// row as in the official file, role levels in alphabetical order.
fn ddat_csv() -> String {
    let mut p = Prose(0xdda7);
    let levels = ["Awareness", "Working", "Practitioner", "Expert"];
    let skill_names: Vec<String> = (0..188).map(|i| format!("Synthetic skill {i}")).collect();
    let skill_descriptions: Vec<String> = (0..188).map(|_| p.paragraph(1)).collect();
    let descriptors: Vec<Vec<String>> = (0..188)
        .map(|_| {
            (0..4)
                .map(|_| format!("- {}\r\n- {}", p.sentence(12), p.sentence(12)))
                .collect()
        })
        .collect();
    let mut out = String::from(
        "Role Family,Role,Role Description,Role Level,Role Level Description,Skill Name,Skill Description,Skill Level,\
         Skill Level Description,Role Type\n",
    );
    for role in 0..50 {
        let name = format!("Synthetic role {role}");
        let family = format!("Family {}", role % 8);
        let role_description = format!(
            "{}\r\n\r\nIn this role, you will:\r\n- {}\r\n- {}\r\n- {}",
            p.paragraph(1),
            p.sentence(12),
            p.sentence(12),
            p.sentence(12)
        );
        let mut titles = [
            format!("Associate synthetic role {role}"),
            format!("Synthetic role {role}"),
            format!("Senior synthetic role {role}"),
            format!("Lead synthetic role {role}"),
        ];
        titles.sort();
        for title in &titles {
            let rank = ["associate", "synthetic", "senior", "lead"]
                .iter()
                .position(|w| title.to_lowercase().starts_with(w))
                .unwrap_or(1);
            let level_description = format!(
                "{}\r\n\r\nAt this role level, you will:\r\n- {}\r\n- {}",
                p.paragraph(2),
                p.sentence(12),
                p.sentence(12)
            );
            for k in 0..10 {
                let skill = (role * 7 + k * 3) % 188;
                let level = (rank + k % 2).min(3);
                let cells = [
                    family.clone(),
                    name.clone(),
                    role_description.clone(),
                    title.clone(),
                    level_description.clone(),
                    skill_names[skill].clone(),
                    skill_descriptions[skill].clone(),
                    levels[level].to_owned(),
                    descriptors[skill][level].clone(),
                    "Digital and data".to_owned(),
                ];
                let line: Vec<String> = cells.iter().map(|c| quote(c)).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
        }
    }
    out
}

fn save(name: &str, text: &str) -> Input {
    let path = std::env::temp_dir().join(name);
    if let Err(e) = std::fs::write(&path, text) {
        eprintln!("could not leave a copy at {}: {e}", path.display());
    }
    Input {
        path: PathBuf::from(name),
        bytes: text.as_bytes().to_vec(),
    }
}

fn bench(c: &mut Criterion) {
    let cases = [
        (
            "sfia-150",
            Format::Sfia,
            save("trellis-sfia-150.csv", &sfia_csv(150)),
        ),
        (
            "ddat-2000",
            Format::Ddat,
            save("trellis-ddat-2000.csv", &ddat_csv()),
        ),
    ];
    let options = ImportOptions::default();
    for (name, format, input) in &cases {
        eprintln!("{name}: {} bytes", input.bytes.len());
        let inputs = std::slice::from_ref(input);
        let imported = import(*format, inputs, &options).expect("the synthetic file imports");
        let errors = trellis_model::check(&imported.framework, &Default::default())
            .into_iter()
            .filter(|d| d.is_error())
            .count();
        assert_eq!(errors, 0, "{name} imports with zero errors");
        c.bench_function(&format!("{name}/import"), |b| {
            b.iter(|| import(*format, black_box(inputs), &options))
        });
        // Parsing alone, the part comparable to a plain Python `csv.reader` pass.
        let text = std::str::from_utf8(&input.bytes).expect("UTF-8");
        c.bench_function(&format!("{name}/parse-csv"), |b| {
            b.iter(|| read_csv(black_box(text), "bench"))
        });
        c.bench_function(&format!("{name}/quote-scan"), |b| {
            b.iter(|| {
                trellis_formats::import::csv_table::unterminated_quote(
                    black_box(text.as_bytes()),
                    b',',
                )
            })
        });
        c.bench_function(&format!("{name}/check"), |b| {
            b.iter(|| trellis_model::check(black_box(&imported.framework), &Default::default()))
        });
        c.bench_function(&format!("{name}/write"), |b| {
            b.iter_batched(
                || tempfile::tempdir().expect("temp dir"),
                |dir| {
                    write::write_dir(&imported.framework, &dir.path().join("out"))
                        .expect("written");
                    dir
                },
                BatchSize::PerIteration,
            )
        });
        c.bench_function(&format!("{name}/import+check+write"), |b| {
            b.iter_batched(
                || tempfile::tempdir().expect("temp dir"),
                |dir| {
                    let imported = import(*format, inputs, &options).expect("imports");
                    black_box(trellis_model::check(
                        &imported.framework,
                        &Default::default(),
                    ));
                    write::write_dir(&imported.framework, &dir.path().join("out"))
                        .expect("written");
                    dir
                },
                BatchSize::PerIteration,
            )
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
