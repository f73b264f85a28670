//! The hiring guidance of a blueprint, beside its weighted scorecard: what hiring tests for, what
//! to assess by area, the practical exercises, strong and weak signals, red flags and how to score.

use trellis_model::{Exercise, HiringGuide};

use super::context::add_group;
use super::outline::outline;
use super::reader::Reader;
use super::sections::{Section, label_line, words};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    /// Before any known heading.
    None,
    Assess,
    Exercises,
    Strong,
    Weak,
    RedFlags,
    Scoring,
}

fn part_of(heading: &str) -> Option<Part> {
    let h = heading.to_lowercase();
    let has = |w: &str| h.contains(w);
    if has("red flag") {
        Some(Part::RedFlags)
    } else if has("weak") {
        Some(Part::Weak)
    } else if has("strong") {
        Some(Part::Strong)
    } else if has("exercise") || has("case stud") || has("work sample") {
        Some(Part::Exercises)
    } else if has("scorecard") || has("scoring") {
        Some(Part::Scoring)
    } else if has("assess") || has("evaluat") || has("look for") {
        Some(Part::Assess)
    } else {
        None
    }
}

/// `… speed, care - Tasting exercise (20 minutes)`: an evaluation line that runs into the name of
/// the next exercise, as flattened blueprints write them. Returns the evaluation and the
/// next name.
fn split_next_name(text: &str) -> (&str, Option<&str>) {
    if let Some((head, tail)) = text.rsplit_once(" - ") {
        let tail = tail.trim();
        let named = tail.chars().next().is_some_and(char::is_uppercase)
            && (tail.contains('(') || words(tail) <= 6)
            && words(tail) <= 10;
        if named && !head.trim().is_empty() {
            return (head.trim(), Some(tail));
        }
    }
    (text.trim(), None)
}

fn exercises(items: &[(String, usize)], r: &mut Reader<'_>) -> Vec<Exercise> {
    let mut out: Vec<Exercise> = Vec::new();
    let named = |name: &str| Exercise {
        name: name.trim().to_owned(),
        prompt: None,
        evaluates: None,
    };
    for (text, line) in items {
        let label = label_line(text).map(|(l, v)| (l.to_lowercase(), v));
        match label {
            Some((l, value)) if l.starts_with("prompt") || l == "task" || l == "brief" => {
                r.keep(value, *line);
                match out.last_mut() {
                    Some(e) if e.prompt.is_none() => e.prompt = Some(value.to_owned()),
                    _ => out.push(Exercise {
                        prompt: Some(value.to_owned()),
                        ..named("Exercise")
                    }),
                }
            }
            Some((l, value))
                if l.starts_with("evaluat") || l.starts_with("assess") || l.contains("look") =>
            {
                let (evaluates, next) = split_next_name(value);
                r.keep(evaluates, *line);
                match out.last_mut() {
                    Some(e) if e.evaluates.is_none() => e.evaluates = Some(evaluates.to_owned()),
                    _ => out.push(Exercise {
                        evaluates: Some(evaluates.to_owned()),
                        ..named("Exercise")
                    }),
                }
                if let Some(next) = next {
                    out.push(named(next));
                }
            }
            _ => out.push(named(text)),
        }
    }
    out
}

/// Everything in the hiring section but its scorecard table.
pub(super) fn guide(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, true);
    let mut guide = HiringGuide::default();
    if !o.intro.is_empty() {
        let text: Vec<&str> = o.intro.iter().map(|(t, _)| t.as_str()).collect();
        let text = text.join("\n\n");
        if let Some((_, line)) = o.intro.first() {
            r.keep(&text, *line);
        }
        guide.focus = Some(text);
    }
    let mut part = Part::None;
    let mut unread: Vec<(String, usize)> = Vec::new();
    for sub in &o.subs {
        let heading = sub.heading.as_ref().map(|(h, l)| (h.as_str(), *l));
        let known = heading.and_then(|(h, _)| part_of(h));
        let mut items: Vec<(String, usize)> = sub.items.clone();
        match known {
            Some(p) => part = p,
            None => {
                // A heading of no known part: an area to assess, or (opened by a short bullet) an
                // item of the part it sits in.
                if let Some((h, line)) = heading
                    && part != Part::Assess
                {
                    items.insert(0, (h.to_owned(), line));
                }
            }
        }
        for (text, line) in &items {
            if part != Part::Exercises {
                r.keep(text, *line);
            }
        }
        let texts = || items.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>();
        match part {
            Part::None => unread.extend(items.iter().cloned()),
            Part::Assess => {
                let area = heading.map_or(section.title, |(h, _)| h);
                add_group(&mut guide.assess, area, texts());
            }
            Part::Exercises => guide.exercises.extend(exercises(&items, r)),
            Part::Strong => guide.strong_signals.extend(texts()),
            Part::Weak => guide.weak_signals.extend(texts()),
            Part::RedFlags => guide.red_flags.extend(texts()),
            Part::Scoring => {
                if !items.is_empty() {
                    let joined = texts().join(" ");
                    guide.scoring = Some(match guide.scoring.take() {
                        Some(before) => format!("{before} {joined}"),
                        None => joined,
                    });
                }
            }
        }
    }
    if let Some((first, line)) = unread.first() {
        r.skip(
            format!(
                "{}: {} line(s) before any heading of the guidance, from \"{first}\"",
                section.label(),
                unread.len()
            ),
            "hiring guidance is read under its headings (what to assess, exercises, signals, red flags, scoring)",
            Some(*line),
        );
    }
    let mut kept: Vec<Exercise> = Vec::new();
    for e in std::mem::take(&mut guide.exercises) {
        if kept.iter().any(|k| k.name.eq_ignore_ascii_case(&e.name)) {
            r.warn(
                "duplicate-row",
                format!("exercise `{}` is listed twice; kept the first", e.name),
                Some(section.line),
            );
        } else {
            kept.push(e);
        }
    }
    guide.exercises = kept;
    if !guide.is_empty() {
        r.level.hiring = Some(guide);
    }
}
