//! The blueprint sections read into structured fields by their sub-headings: goals and milestones
//! into `onboarding` and `high_performance`, experience into `qualifications`, risks into
//! `failure_modes`, the AI outlook into `automation`. A sub-heading of none of a field's parts is
//! kept under `other` by its heading (or, for goals, as a responsibility group).

use trellis_model::{Need, OnboardingStage, Qualification};

use super::context::{add_group, headed_groups};
use super::outline::{Table, outline};
use super::reader::Reader;
use super::sections::Section;

fn texts(items: &[(String, usize)]) -> Vec<String> {
    items.iter().map(|(t, _)| t.clone()).collect()
}

/// The stage of a goals heading: "30-day goals", "Evidence of success by day 60", "6-month
/// milestones", "12-month objectives". Index into [`Onboarding::stages_mut`].
pub(super) fn stage_of(heading: &str) -> Option<usize> {
    let h = heading.to_lowercase();
    let numbers: Vec<u32> = h
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let first = *numbers.first()?;
    if numbers.len() > 1 {
        // "Long-term impact goals (18–36 months)": a range is no stage.
        return None;
    }
    if h.contains("day") {
        [30, 60, 90].iter().position(|d| *d == first)
    } else if h.contains("month") {
        [6, 12].iter().position(|m| *m == first).map(|i| i + 3)
    } else {
        None
    }
}

/// Goals, objectives and milestones: the 30/60/90-day goals and 6/12-month milestones with their
/// evidence into `onboarding`, "what high performance looks like" into `high_performance`; other
/// headings (long-term goals, the definition of success) stay responsibility groups.
pub(super) fn goals(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.note_intro("onboarding", &o.intro);
    let mut onboarding = r.level.onboarding.take().unwrap_or_default();
    for sub in &o.subs {
        let heading = sub.heading.as_ref().map(|(h, _)| h.as_str()).unwrap_or("");
        let lower = heading.to_lowercase();
        for (t, l) in &sub.items {
            r.keep(t, *l);
        }
        if lower.contains("high performance") {
            r.level.high_performance.extend(texts(&sub.items));
        } else if let Some(i) = stage_of(heading) {
            let stage = onboarding.stages_mut()[i].get_or_insert_with(OnboardingStage::default);
            if lower.contains("evidence") || lower.contains("success") {
                stage.evidence.extend(texts(&sub.items));
            } else {
                stage.goals.extend(texts(&sub.items));
            }
        } else {
            let name = if heading.is_empty() {
                section.title.to_owned()
            } else {
                format!("Goals: {heading}")
            };
            r.group(name, &sub.items);
        }
    }
    r.level.onboarding = (!onboarding.is_empty()).then_some(onboarding);
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(section, &tables, "goals are read from their lists");
}

/// "Master's degree is optional", "Agile certification (Optional)": preferred; else required.
fn need(text: &str) -> Need {
    let t = text.to_lowercase();
    if [
        "optional",
        "preferred",
        "nice to have",
        "desirable",
        "a plus",
        "valued",
    ]
    .iter()
    .any(|w| t.contains(w))
    {
        Need::Preferred
    } else {
        Need::Required
    }
}

/// Experience and qualifications: years, education, certifications, prior roles; other headings
/// (domain knowledge, leadership experience) under `other`.
pub(super) fn qualifications(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.note_intro("qualifications", &o.intro);
    let mut q = r.level.qualifications.take().unwrap_or_default();
    for (heading, items) in headed_groups(section, &o.subs, true, r) {
        let h = heading.to_lowercase();
        // A heading's own qualifier ("Certifications (optional; …)") applies to its items.
        let qualify = |name: String| Qualification {
            need: if need(&name) == Need::Preferred || need(&h) == Need::Preferred {
                Need::Preferred
            } else {
                Need::Required
            },
            name,
        };
        if h.contains("year") {
            q.years.extend(items);
        } else if h.contains("education") || h.contains("degree") {
            q.education.extend(items.into_iter().map(qualify));
        } else if h.contains("certif") {
            q.certifications.extend(items.into_iter().map(qualify));
        } else if h.contains("background") || h.contains("prior role") {
            q.backgrounds.extend(items);
        } else {
            add_group(&mut q.other, &heading, items);
        }
    }
    r.level.qualifications = (!q.is_empty()).then_some(q);
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(section, &tables, "qualifications are read from their lists");
}

/// Risks and failure modes: challenges, bottlenecks, anti-patterns; other headings under `other`.
pub(super) fn failure_modes(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.note_intro("failure_modes", &o.intro);
    let mut f = r.level.failure_modes.take().unwrap_or_default();
    for (heading, items) in headed_groups(section, &o.subs, true, r) {
        let h = heading.to_lowercase();
        if h.contains("anti-pattern") || h.contains("anti pattern") {
            f.anti_patterns.extend(items);
        } else if h.contains("bottleneck") {
            f.bottlenecks.extend(items);
        } else if h.contains("challenge") {
            f.challenges.extend(items);
        } else {
            add_group(&mut f.other, &heading, items);
        }
    }
    r.level.failure_modes = (!f.is_empty()).then_some(f);
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(section, &tables, "failure modes are read from their lists");
}

/// The AI and automation outlook: tasks likely automated, tasks that stay human-critical; other
/// headings (how the role changes, new expectations) under `other`.
pub(super) fn automation(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.note_intro("automation", &o.intro);
    let mut a = r.level.automation.take().unwrap_or_default();
    for (heading, items) in headed_groups(section, &o.subs, true, r) {
        let h = heading.to_lowercase();
        if h.contains("human") || h.contains("remain") {
            a.human_critical.extend(items);
        } else if h.contains("automat") && !h.contains("impact") && !h.contains("expectation") {
            a.automated.extend(items);
        } else {
            add_group(&mut a.other, &heading, items);
        }
    }
    r.level.automation = (!a.is_empty()).then_some(a);
    let tables: Vec<&Table> = o.tables.iter().collect();
    r.skip_tables(
        section,
        &tables,
        "the automation outlook is read from its lists",
    );
}
