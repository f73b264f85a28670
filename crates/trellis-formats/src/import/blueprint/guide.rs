//! The interview guidance of a blueprint, beside its weighted scorecard: what hiring tests for, what
//! to assess by area, the practical exercises, strong and weak signals, red flags and how to score.
//! Areas to assess and exercises go to the interview dimension they are about (by the words of
//! their names); the rest is the level's own guidance.

use trellis_model::{Exercise, InterviewGuidance};

use super::outline::outline;
use super::reader::{Reader, paragraphs};
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

/// Everything in the hiring section but its scorecard table, into the level's guidance. Returns
/// the areas to assess with their questions, for [`distribute`] once the scorecard is read.
pub(super) fn guide(section: &Section<'_>, r: &mut Reader<'_>) -> Vec<(String, Vec<String>)> {
    let o = outline(&section.body, true);
    let mut guide = InterviewGuidance::default();
    let mut areas: Vec<(String, Vec<String>)> = Vec::new();
    if !o.intro.is_empty() {
        let text = paragraphs(&o.intro);
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
                // The part's own heading ("What to assess in interviews") is no area.
                if items.is_empty() {
                    continue;
                }
                match areas.iter_mut().find(|(a, _)| a.eq_ignore_ascii_case(area)) {
                    Some((_, items)) => items.extend(texts()),
                    None => areas.push((area.to_owned(), texts())),
                }
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
        r.level.interview_guidance = Some(guide);
    }
    areas
}

/// Word stems of a name, for matching an area or exercise to a dimension: "Analytical rigor" and
/// "Analytics & metrics" share `analyt`.
pub(crate) fn stems(name: &str) -> Vec<String> {
    const NOISE: [&str; 8] = [
        "and",
        "with",
        "minutes",
        "exercise",
        "case",
        "study",
        "the",
        "excellence",
    ];
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4 && !NOISE.contains(w))
        .map(|w| w.chars().take(6).collect())
        .collect()
}

/// The dimension a name is about: most shared stems, a shared first stem counting one more;
/// `None` when nothing is shared or two dimensions tie.
fn dimension_for(name: &str, dims: &[Vec<String>]) -> Option<usize> {
    let mine = stems(name);
    let mut scored: Vec<(usize, usize)> = dims
        .iter()
        .enumerate()
        .map(|(i, theirs)| {
            let shared = mine.iter().filter(|s| theirs.contains(s)).count();
            let first = usize::from(shared > 0 && mine.first() == theirs.first());
            (shared + first, i)
        })
        .filter(|(score, _)| *score > 0)
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    match scored.as_slice() {
        [(best, i), (next, _), ..] if best > next => Some(*i),
        [(_, i)] => Some(*i),
        _ => None,
    }
}

/// Gives each interview dimension the areas to assess and the exercises about it. An area that
/// matches no dimension stays on the level's guidance, its questions written "area: question".
pub(super) fn distribute(areas: Vec<(String, Vec<String>)>, r: &mut Reader<'_>) {
    let dims: Vec<Vec<String>> = r.level.interview.iter().map(|d| stems(&d.name)).collect();
    let mut level = r.level.interview_guidance.take().unwrap_or_default();
    for (area, questions) in areas {
        match dimension_for(&area, &dims) {
            Some(i) => r.level.interview[i]
                .interview_guidance
                .get_or_insert_with(InterviewGuidance::default)
                .assess
                .extend(questions),
            None => level
                .assess
                .extend(questions.into_iter().map(|q| format!("{area}: {q}"))),
        }
    }
    let mut kept = Vec::new();
    for e in std::mem::take(&mut level.exercises) {
        match dimension_for(&e.name, &dims) {
            Some(i) => r.level.interview[i]
                .interview_guidance
                .get_or_insert_with(InterviewGuidance::default)
                .exercises
                .push(e),
            None => kept.push(e),
        }
    }
    level.exercises = kept;
    r.level.interview_guidance = (!level.is_empty()).then_some(level);
}
