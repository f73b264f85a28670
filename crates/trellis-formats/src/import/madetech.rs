//! Importer: Made Tech handbook role profiles (`madetech`), like
//! `madetech-principal-product-manager.md`. One profile (file) is one role level.
//!
//! - Title: `# Principal Product Manager (SFIA Level 6)`, or a Markdown link whose label is the
//!   title. The SFIA level is, first found: the title's; a `## SFIA Level` section; a line that starts
//!   `SFIA Level N` (the `sfia/` guidance pages) or says "operating at SFIA level N". Otherwise the
//!   role prefix gives it, by Made Tech's own scheme: Academy 1, Associate 2, Mid 3, Senior 4, Lead 5,
//!   Principal 6, Director 7, read from the title or else the file name (`lead_designer.md`); no prefix
//!   means Mid, as the folder's README says (the Mid files are named `mid_*` but titled without it).
//!   The level becomes a mapping `{source: sfia, level: N}`, never a requirement: Made Tech levels and
//!   other frameworks' levels are related only by explicit mappings. A stated level and a prefix that
//!   disagree are reported; the stated level wins.
//! - `README.md` is the folder's introduction, not a role: skipped with the reason.
//! - Track: the title without its prefix ("Product Manager"), so several profiles of one discipline
//!   form one track, ordered by level.
//! - The text before the first `##` is the summary; each `##`/`###` section is a responsibility group
//!   (group = heading, items = its bullets and paragraphs). A line ending in `:` that introduces a list
//!   is kept with the list, each item reading "lead-in: item", because it often changes what the items
//!   mean ("… communities of practice to:"); a bare subject ("Product Managers:") is reported as
//!   skipped. Empty sections are reported, not imported.
//! - Sections about the experience a role asks for ("What experience are we looking for?",
//!   "Qualifications") are the level's `qualifications`: lines that give a number of years are its
//!   typical years, the rest one group per section; a "Reporting line" or "Who you report to"
//!   section is `reports_to`; a "Progression" or "Promotion" section says what promotion from the
//!   level takes (`promotion.skills`, linked to the next level of the track).
//! - Job-advert sections (Benefits, Salary, Applying) are not responsibilities: skipped and reported.
//!   A salary range (`£29,750 - £42,500`) becomes the role level's salary band, the first range the
//!   band and any others its note.
//! - Links (to DDaT and SFIA pages) are kept as text, `label (url)`. Competencies are links to other
//!   frameworks, not skill levels, so no skill requirements are imported; the report says so.
//!
//! Provenance: the handbook states no licence in its pages (and we found none published with it), so
//! its source is recorded with licence "unknown — check before publishing" and `redistributable:
//! false`. That is the safe default: copying a company's text without a licence is the publisher's
//! risk, and marking it lets `trellis build` and reviewers see that it needs checking first.

use indexmap::IndexMap;
use trellis_model::{
    Framework, ItemGroup, LevelId, LevelMapping, Promotion, Qualifications, ResponsibilityGroup,
    RoleLevel, SalaryBand, Source, Track,
};

use super::markdown_util::{
    self as md, Line, bullet, canonical_order, flatten_links, heading, is_rule, sfia_scale,
    sfia_source,
};
use super::{ImportError, ImportOptions, ImportReport, Input, given};
use crate::write::slug;

const HINT: &str = "is this a Made Tech role profile like madetech-principal-product-manager.md?";

/// The start of the titles of the `sfia/` guidance pages, before the role's name.
const GUIDANCE: &str = "SFIA role guidance";

/// Made Tech's title prefixes and the SFIA level each stands for.
pub const PREFIXES: [(&str, u32); 7] = [
    ("academy", 1),
    ("associate", 2),
    ("mid", 3),
    ("senior", 4),
    ("lead", 5),
    ("principal", 6),
    ("director", 7),
];

fn madetech_source() -> Source {
    md::unchecked_source(
        "madetech",
        "Made Tech handbook",
        Some("Made Tech handbook"),
        Some("https://github.com/madetech/handbook"),
    )
}

struct Profile {
    file: String,
    line: usize,
    track: String,
    level: RoleLevel,
    sfia: Option<u32>,
    sfia_version: Option<String>,
}

/// The level in `SFIA Level N`, `sfia level: N`, at the start of `text` (case ignored).
fn sfia_level_at_start(text: &str) -> Option<u32> {
    let lower = text.trim().to_lowercase();
    let rest = lower.strip_prefix("sfia")?.trim_start();
    let rest = rest.strip_prefix("level")?;
    let digits: String = rest
        .trim_start_matches([' ', ':', '\t'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The level in "… operating at SFIA level N …" anywhere in `text`.
fn operating_at(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    let at = lower.find("operating at sfia level")?;
    sfia_level_at_start(lower.get(at + "operating at ".len()..)?)
}

/// Text with each Markdown link replaced by its label.
fn link_labels(text: &str) -> String {
    let mut out = text.to_owned();
    for link in md::links(text) {
        out = out.replace(&format!("[{}]({})", link.label, link.href), &link.label);
    }
    out
}

/// The Made Tech prefix at the start of a file name (`lead_designer.md`, `mid-engineer`).
fn file_prefix(path: &std::path::Path) -> Option<(&'static str, u32)> {
    let stem = path.file_stem()?.to_string_lossy().to_lowercase();
    let first = stem.split(['_', '-', ' ']).next()?;
    PREFIXES.iter().find(|(p, _)| *p == first).copied()
}

/// A job-advert section: benefits, salary, how to apply.
fn advert(section: &str) -> bool {
    let lower = section.to_lowercase();
    lower.contains("benefit")
        || lower.contains("salary")
        || lower.contains("salaries")
        || lower.contains("apply")
        || lower.contains("applying")
}

/// The role-level sections beyond responsibilities that a profile's sections can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// "What experience are we looking for?", "Qualifications": the level's `qualifications`.
    Experience,
    /// "Progression", "Getting promoted": what promotion from the level takes.
    Progression,
    /// "Reporting line", "Who you report to": whom the level reports to.
    ReportsTo,
}

fn blueprint_section(heading: &str) -> Option<Section> {
    let lower = heading.to_lowercase();
    let has = |w: &str| lower.contains(w);
    let experience = lower.trim() == "experience"
        || has("what experience")
        || has("required experience")
        || has("experience required")
        || has("qualification")
        || has("looking for");
    let reporting = [
        "report to",
        "reports to",
        "reporting line",
        "reporting to",
        "line manager",
    ];
    if reporting.iter().any(|w| has(w)) {
        Some(Section::ReportsTo)
    } else if experience {
        Some(Section::Experience)
    } else if has("progression") || has("promot") || has("next level") {
        Some(Section::Progression)
    } else {
        None
    }
}

/// Typical years of experience ("5+ years in product management") out of the experience
/// sections, into `years`; the rest stays under its heading.
fn qualifications(mut experience: Vec<ItemGroup>) -> Option<Qualifications> {
    let mut years = Vec::new();
    for group in &mut experience {
        let (y, rest): (Vec<String>, Vec<String>) =
            group.items.drain(..).partition(|i| mentions_years(i));
        years.extend(y);
        group.items = rest;
    }
    experience.retain(|g| !g.items.is_empty());
    let q = Qualifications {
        years,
        other: experience,
        ..Qualifications::default()
    };
    (!q.is_empty()).then_some(q)
}

/// "5+ years", "3-5 years of", "ten years": a number of years.
fn mentions_years(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.windows(2).any(|w| {
        let number = w[0].trim_end_matches('+');
        let counted = number.chars().any(|c| c.is_ascii_digit())
            || [
                "two", "three", "four", "five", "six", "seven", "eight", "ten",
            ]
            .contains(&number);
        counted && w[1].trim_end_matches([',', '.', ';']) == "years"
    })
}

/// `£29,750 - £42,500` (or `$`, `€`) in a line: currency, minimum and maximum.
fn salary_range(line: &str) -> Option<(&'static str, u64, u64)> {
    let (symbol, currency) = [('£', "GBP"), ('$', "USD"), ('€', "EUR")]
        .into_iter()
        .find(|(c, _)| line.contains(*c))?;
    let amounts: Vec<u64> = line
        .split(symbol)
        .skip(1)
        .filter_map(|part| {
            let digits: String = part
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',')
                .filter(char::is_ascii_digit)
                .collect();
            let n: u64 = digits.parse().ok()?;
            // `£45k`
            let k = part.trim_start_matches(|c: char| c.is_ascii_digit() || c == ',');
            Some(if k.starts_with(['k', 'K']) {
                n * 1000
            } else {
                n
            })
        })
        .collect();
    match amounts.as_slice() {
        [min, max, ..] if min <= max => Some((currency, *min, *max)),
        _ => None,
    }
}

/// `Title (SFIA Level N)` → (title, N).
fn split_title(title: &str) -> (String, Option<u32>) {
    if let Some((before, inner)) = title.trim().rsplit_once('(')
        && let Some(inner) = inner.strip_suffix(')')
    {
        let lower = inner.trim().to_lowercase();
        if let Some(n) = lower
            .strip_prefix("sfia level")
            .and_then(|n| n.trim().parse().ok())
        {
            return (before.trim().to_owned(), Some(n));
        }
    }
    (title.trim().to_owned(), None)
}

fn looks_like_other_format(lines: &[Line]) -> Option<&'static str> {
    let first = lines.iter().find(|l| !l.text.trim().is_empty())?;
    if first.text.trim() == "---"
        && lines
            .iter()
            .any(|l| l.text.starts_with("topics:") || l.text.starts_with("levels:"))
    {
        return Some("it starts with YAML front matter like a Monzo framework file; use `monzo`");
    }
    if lines.iter().any(|l| {
        l.text.contains("**Career Path:**") || heading(&l.text) == Some((2, "Required SFIA Skills"))
    }) {
        return Some("it looks like a generated SFIA framework page; use `sfia-pages`");
    }
    None
}

fn parse(input: &Input, report: &mut ImportReport) -> Result<Profile, ImportError> {
    let file = input.name();
    let text = super::text(input)?;
    let lines = md::lines(text, report, &file);
    if let Some(why) = looks_like_other_format(&lines) {
        return Err(ImportError::invalid(
            &file,
            None,
            format!("not a Made Tech role profile: {why}"),
        ));
    }
    let (title_index, raw_title) = md::title(&lines, &file, HINT)?;
    let title_line = lines.get(title_index).map_or(1, |l| l.no);
    // `# [Lead Designer](…)`: the label is the title. `# SFIA Role Guidance: X` (the `sfia/` pages): X.
    let raw_title = link_labels(raw_title);
    let raw_title = match raw_title.get(..GUIDANCE.len()) {
        Some(head) if head.eq_ignore_ascii_case(GUIDANCE) => raw_title
            .get(GUIDANCE.len()..)
            .unwrap_or("")
            .trim_start_matches([':', '-', ' '])
            .to_owned(),
        _ => raw_title,
    };
    // Some profiles open with `# Summary`: the file name is the role's name.
    let raw_title = if ["summary", "overview", "introduction", "about"]
        .contains(&raw_title.trim().to_lowercase().as_str())
    {
        let stem = input
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
            .unwrap_or_default();
        let named: Vec<String> = stem
            .split_whitespace()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            })
            .collect();
        report.warn(
            "missing-title",
            format!(
                "the first heading is \"{}\", not the role's title; the file name gives it: \"{}\"",
                raw_title.trim(),
                named.join(" ")
            ),
            &file,
            Some(title_line),
        );
        named.join(" ")
    } else {
        raw_title
    };
    let (title, in_title) = split_title(&raw_title);
    let body = lines.get(title_index + 1..).unwrap_or(&[]);
    let explicit = in_title.or_else(|| stated_level(body));
    let first_word = title.split_whitespace().next().unwrap_or("").to_lowercase();
    let title_prefix = PREFIXES
        .iter()
        .find(|(p, _)| *p == first_word)
        .map(|(_, n)| *n);
    let from_file = file_prefix(&input.path);
    let prefix = title_prefix.or(from_file.map(|(_, n)| n));
    let track = match title_prefix {
        Some(_) => title
            .split_once(char::is_whitespace)
            .map_or(title.as_str(), |(_, rest)| rest.trim())
            .to_owned(),
        None => title.clone(),
    };
    let track = if track.is_empty() {
        title.clone()
    } else {
        track
    };
    let sfia = match (explicit, prefix) {
        (Some(n), Some(p)) if n != p => {
            let word = match (title_prefix, from_file) {
                (Some(_), _) => first_word.clone(),
                (None, Some((word, _))) => format!("{word}_ (in the file name)"),
                (None, None) => String::new(),
            };
            report.warn(
                "level-mismatch",
                format!(
                    "the profile says SFIA level {n}, but the prefix `{word}` stands for level {p} in Made Tech's scheme; level {n} was used"
                ),
                &file,
                Some(title_line),
            );
            Some(n)
        }
        (Some(n), _) | (None, Some(n)) => Some(n),
        (None, None) => {
            report.warn(
                "missing-levels",
                "the profile states no SFIA level and neither its title nor its file name has a prefix (Academy, Associate, Mid, Senior, Lead, Principal, Director); no prefix means Mid in Made Tech's scheme, so SFIA level 3 was used",
                &file,
                Some(title_line),
            );
            Some(3)
        }
    };
    let sfia = match sfia {
        Some(n) if !(1..=7).contains(&n) => {
            report.warn(
                "undefined-level",
                format!("SFIA level {n} does not exist (levels run from 1 to 7); imported without a level mapping"),
                &file,
                Some(title_line),
            );
            None
        }
        other => other,
    };

    let first_section = body
        .iter()
        .position(|l| heading(&l.text).is_some())
        .unwrap_or(body.len());
    let intro: Vec<String> = body
        .get(..first_section)
        .unwrap_or(&[])
        .iter()
        .filter(|l| !is_rule(&l.text))
        .map(|l| match bullet(&l.text) {
            Some(item) => format!("- {}", flatten_links(item).0),
            None => flatten_links(l.text.trim()).0,
        })
        .collect();
    let intro_refs: Vec<&str> = intro.iter().map(String::as_str).collect();
    let summary = md::join_block(&intro_refs);

    let mut all_links = Vec::new();
    let mut groups = Vec::new();
    let mut experience: Vec<ItemGroup> = Vec::new();
    let mut progression: Vec<String> = Vec::new();
    let mut reports_to: Option<String> = None;
    let mut salary: Option<SalaryBand> = None;
    let mut competencies = false;
    let rest = body.get(first_section..).unwrap_or(&[]);
    let starts: Vec<usize> = rest
        .iter()
        .enumerate()
        .filter(|(_, l)| heading(&l.text).is_some())
        .map(|(i, _)| i)
        .collect();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(rest.len());
        let Some(head) = rest.get(start) else {
            continue;
        };
        let name = heading(&head.text).map_or("", |(_, t)| t).to_owned();
        competencies |= name.to_lowercase().contains("competenc");
        let section = rest.get(start + 1..end).unwrap_or(&[]);
        if sfia_level_at_start(&name).is_some() || name.trim().eq_ignore_ascii_case("sfia level") {
            // Read for the level above; not a responsibility.
            continue;
        }
        if advert(&name) {
            let mut why =
                "job-advert material (benefits, salary, how to apply), not responsibilities"
                    .to_owned();
            if salary.is_none() {
                salary = salary_band(section);
                if let Some(band) = &salary {
                    why = format!(
                        "job-advert material; its salary range {} {}-{} became the salary band{}",
                        band.currency,
                        band.min,
                        band.max,
                        if band.note.is_some() {
                            " (the other ranges are in its note)"
                        } else {
                            ""
                        }
                    );
                }
            }
            report.skip(format!("section \"{name}\""), why, &file, Some(head.no));
            continue;
        }
        let items = items(section, &file, report, &mut all_links);
        if items.is_empty() {
            if name.is_empty() {
                continue;
            }
            report.warn(
                "empty-section",
                format!("section \"{name}\" is empty; not imported"),
                &file,
                Some(head.no),
            );
            continue;
        }
        let group = if name.is_empty() {
            "Responsibilities".to_owned()
        } else {
            name
        };
        match blueprint_section(&group) {
            Some(Section::Experience) => experience.push(ItemGroup { group, items }),
            Some(Section::Progression) => progression.extend(items),
            Some(Section::ReportsTo) => reports_to = Some(items.join("; ")),
            None => groups.push(ResponsibilityGroup { group, items }),
        }
    }
    if competencies || !all_links.is_empty() {
        let labels: Vec<String> = all_links
            .iter()
            .map(|l: &md::Link| format!("\"{}\"", l.label))
            .collect();
        report.skip(
            "skill requirements",
            if labels.is_empty() {
                "the profile names its competencies without skill levels, so no skill requirements were imported".to_owned()
            } else {
                format!(
                    "the competencies are links to other frameworks' pages ({}), kept as text, not skill levels; no skill requirements were imported",
                    labels.join(", ")
                )
            },
            &file,
            None,
        );
    }
    let sfia_version = all_links.iter().find_map(|l| {
        let rest = l.href.split_once("sfia-online.org/en/sfia-")?.1;
        let v: String = rest.chars().take_while(char::is_ascii_digit).collect();
        (!v.is_empty()).then_some(v)
    });

    let mut level = RoleLevel {
        id: slug(&title),
        title,
        source: Some("madetech".into()),
        summary,
        responsibilities: groups,
        salary,
        qualifications: qualifications(experience),
        reports_to,
        promotion: (!progression.is_empty()).then(|| Promotion {
            skills: progression,
            ..Promotion::default()
        }),
        ..RoleLevel::default()
    };
    if let Some(n) = sfia {
        level.mappings.push(LevelMapping {
            source: "sfia".into(),
            level: LevelId(n.to_string()),
            note: None,
        });
    }
    Ok(Profile {
        file,
        line: title_line,
        track,
        level,
        sfia,
        sfia_version,
    })
}

/// The level a profile states outside its title: a `## SFIA Level` section, a line starting `SFIA Level
/// N` (often a link), or "operating at SFIA level N".
fn stated_level(body: &[Line]) -> Option<u32> {
    let mut in_section = false;
    for line in body {
        let text = link_labels(&line.text);
        if let Some((_, name)) = heading(&text) {
            in_section = name.trim().eq_ignore_ascii_case("sfia level");
            if let Some(n) = sfia_level_at_start(name) {
                return Some(n);
            }
            continue;
        }
        let text = bullet(&text).unwrap_or(&text).trim().to_owned();
        if in_section {
            let digits: String = text
                .trim_start_matches(|c: char| !c.is_ascii_digit())
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse() {
                return Some(n);
            }
        }
        if let Some(n) = sfia_level_at_start(&text).or_else(|| operating_at(&text)) {
            return Some(n);
        }
    }
    None
}

/// The salary band from a Salary section: the first range, with the others (and their labels) as
/// its note.
fn salary_band(section: &[Line]) -> Option<SalaryBand> {
    let ranges: Vec<(String, (&'static str, u64, u64))> = section
        .iter()
        .filter_map(|l| {
            let text = bullet(&l.text).unwrap_or(&l.text).trim();
            salary_range(text).map(|r| (text.to_owned(), r))
        })
        .collect();
    let ((first, (currency, min, max)), others) = ranges.split_first()?;
    let label = first
        .split_once(':')
        .map(|(l, _)| l.trim().to_owned())
        .filter(|l| !l.is_empty() && !l.contains(['£', '$', '€']));
    let mut notes: Vec<String> = label.into_iter().collect();
    notes.extend(others.iter().map(|(text, _)| text.clone()));
    Some(SalaryBand {
        currency: (*currency).to_owned(),
        min: *min,
        max: *max,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

/// The items of one section: bullets, and paragraphs (lines joined). A paragraph line ending in `:`
/// introduces what follows and is reported, not imported.
fn items(
    section: &[Line],
    file: &str,
    report: &mut ImportReport,
    links: &mut Vec<md::Link>,
) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut last_was_bullet = false;
    // The sentence that introduces the list being read, kept with each of its items.
    let mut lead_in: Option<&str> = None;
    let flush = |paragraph: &mut Vec<&str>, items: &mut Vec<String>| {
        if !paragraph.is_empty() {
            items.push(paragraph.join(" "));
            paragraph.clear();
        }
    };
    for line in section {
        let raw = line.text.as_str();
        if raw.trim().is_empty() || is_rule(raw) {
            flush(&mut paragraph, &mut items);
            last_was_bullet = false;
            continue;
        }
        if let Some(item) = bullet(raw) {
            flush(&mut paragraph, &mut items);
            if !item.is_empty() {
                items.push(match lead_in {
                    Some(lead) => format!("{lead}: {item}"),
                    None => item.to_owned(),
                });
            }
            last_was_bullet = !item.is_empty();
            continue;
        }
        if last_was_bullet && raw.starts_with([' ', '\t']) {
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(raw.trim());
            }
            continue;
        }
        last_was_bullet = false;
        let text = raw.trim();
        lead_in = None;
        if let Some(lead) = text.strip_suffix(':') {
            flush(&mut paragraph, &mut items);
            // "Product Managers:" only names who; "… communities of practice to:" says what the items
            // are for, and an item read without it says something else.
            if lead.split_whitespace().count() <= 3 {
                report.skip(
                    format!("lead-in \"{text}\""),
                    "it only introduces the list that follows; the list items are imported",
                    file,
                    Some(line.no),
                );
            } else {
                lead_in = Some(lead.trim_end());
            }
            continue;
        }
        paragraph.push(text);
    }
    flush(&mut paragraph, &mut items);
    items
        .into_iter()
        .map(|item| {
            let (text, found) = flatten_links(&item);
            links.extend(found);
            text
        })
        .collect()
}

pub fn import(
    inputs: &[Input],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<Framework, ImportError> {
    let (readmes, roles): (Vec<&Input>, Vec<&Input>) = given(inputs)?.iter().partition(|input| {
        let name = md::file_name(&input.path).to_lowercase();
        name == "readme.md" || name == "readme"
    });
    let readmes: Vec<String> = readmes.into_iter().map(Input::name).collect();
    let profiles = roles
        .into_iter()
        .map(|input| parse(input, report))
        .collect::<Result<Vec<_>, _>>()?;
    if profiles.is_empty()
        && let Some(file) = readmes.first()
    {
        return Err(ImportError::invalid(
            file,
            None,
            format!("a README introduces a folder of roles and is not a role itself; {HINT}"),
        ));
    }
    for file in readmes {
        report.skip(
            format!("file {file}"),
            "the folder's README introduces the roles (and states the prefix rule); it is not a role",
            &file,
            None,
        );
    }
    let mut fw = md::framework(options, "Made Tech roles");
    fw.sources.push(madetech_source());
    if profiles.iter().any(|p| p.sfia.is_some()) {
        let version = profiles.iter().find_map(|p| p.sfia_version.clone());
        fw.sources.push(sfia_source(version.as_deref()));
        fw.scales.push(sfia_scale());
    }
    let mut tracks: IndexMap<String, (Track, Vec<Option<u32>>)> = IndexMap::new();
    for profile in profiles {
        let id = slug(&profile.track);
        let (track, levels) = tracks.entry(id.clone()).or_insert_with(|| {
            (
                Track {
                    id,
                    name: profile.track.clone(),
                    description: None,
                    cumulative: true,
                    levels: Vec::new(),
                },
                Vec::new(),
            )
        });
        if track.levels.iter().any(|l| l.id == profile.level.id) {
            report.skip(
                format!("role level \"{}\"", profile.level.title),
                format!(
                    "another input already gives `{}/{}`",
                    track.id, profile.level.id
                ),
                &profile.file,
                Some(profile.line),
            );
            continue;
        }
        track.levels.push(profile.level);
        levels.push(profile.sfia);
    }
    for (mut track, levels) in tracks.into_values() {
        let mut paired: Vec<(Option<u32>, RoleLevel)> =
            levels.into_iter().zip(track.levels).collect();
        paired.sort_by_key(|(n, _)| n.unwrap_or(u32::MAX));
        track.levels = paired.into_iter().map(|(_, l)| l).collect();
        fw.tracks.push(track);
    }
    canonical_order(&mut fw);
    Ok(fw)
}
