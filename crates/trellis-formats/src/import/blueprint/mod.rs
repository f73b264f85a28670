//! Importer: 20-section role blueprints (`1) Role Summary` … `20) Final Role Scorecard Summary`).
//!
//! Each blueprint file becomes one role level. Sections are recognised by their title, not their
//! number, and each goes where the model holds it:
//!
//! | section | becomes |
//! |---|---|
//! | role summary | the level's summary (its prose); the title when it opens "The X (…) is"; `horizon` from "Role horizon: …"; the teams it works with in `stakeholders.teams` |
//! | mission | the core mission is the level's scope; the rest are responsibility groups |
//! | core responsibilities | one responsibility group per theme |
//! | day-to-day, deliverables | responsibility groups named `Day-to-day: …`, `Deliverables: …` |
//! | goals | `onboarding` (30/60/90-day goals, 6- and 12-month milestones, each with its evidence), `high_performance`; other goals are responsibility groups `Goals: …` |
//! | KPIs | the KPI table, one [`Kpi`](trellis_model::Kpi) per row (a "How it is measured" column is its `measurement`); notes on measurement in `kpi_notes`, a note about some kinds of metric ("“Influence” metrics …") the `measurement` of those KPIs |
//! | technical / soft skills | skills (categories `Technical`, `Behavioural`) and requirements with importance |
//! | tools | the tools table, one [`Tool`](trellis_model::Tool) per row, with how common each is |
//! | tech stack / environment | `environment`, one group per heading |
//! | stakeholders | `stakeholders`: internal and external stakeholders (`Name: what for`), peers, upstream and downstream dependencies, ways of working, escalations (`issue → to whom`) |
//! | decision rights | one [`DecisionTier`](trellis_model::DecisionTier) per approval tier; other authority notes are a responsibility group |
//! | experience | `qualifications`: years, education, certifications (required or preferred), backgrounds, other groups |
//! | career path | `promotion` (roles people come from and move on to, adjacent paths, what promotion takes, how the role evolves); previous / next links to role levels imported alongside |
//! | risks | `failure_modes`: challenges, bottlenecks, anti-patterns, other groups |
//! | variants | `variants`, each by company size, industry, geography or other, from its heading; a group that names its settings line by line ("Startup / scale-up", then its points) is one variant per setting |
//! | AI impact | `automation`: tasks likely automated, tasks that stay human-critical, other groups |
//! | hiring evaluation | the weighted scorecard table, one [`InterviewDimension`](trellis_model::InterviewDimension) per row; the rest is `interview_guidance` (focus, exercises with prompt and evaluation, strong and weak signals, red flags, scoring), what to assess by area on the dimension each area is about |
//! | final scorecard summary | the role title and `reports_to`; the rest repeats other sections |
//!
//! The introduction of a section (a sentence or two before its lists) is its note in `notes`
//! (the KPIs' goes first in `kpi_notes`). The report's skipped list keeps what has no meaning
//! outside the page: the final summary's repeats and an advert scraped with it; career-path
//! names that match no role level imported alongside are listed as kept as text, not linked.
//! Bullet nesting is lost in blueprints, so sub-lists are
//! recovered from the shape of the lines: a line ending in a colon, a short line without a full
//! stop, or a short bullet followed by bullets is a heading; a heading with only another heading
//! under it names that one's context ("Set-up: works across").
//!
//! Blueprints end with whatever was scraped after them (an advert, in the seed); text after the final
//! scorecard table, or a promotional paragraph at the end of the last section, is dropped with a
//! `junk-tail` warning quoting it.
//!
//! The parts: `sections` (headings and line shapes), `outline` (a section's groups, prose and
//! tables), `reader` (one file into a draft role level), `tables` (KPIs, tools, scorecards),
//! `skills` (skills, decision rights, career path), `context` (summary context, stakeholders,
//! the sections read as headed groups), `guide` (hiring guidance) and `assemble` (across files:
//! skills, tracks, links, leaks).

mod assemble;
mod context;
pub(crate) mod guide;
mod outline;
mod reader;
mod sections;
mod skills;
mod structured;
mod tables;

use trellis_model::Framework;

use super::{ImportError, ImportOptions, ImportReport, Input, read_each};
use assemble::assemble;
use reader::read_blueprint;

/// The source every imported skill points at. Blueprints are a copyrighted publication whose text is
/// imported verbatim, so it is marked not redistributable: `trellis build` then publishes skill names
/// and importance only, unless the publisher says they hold a licence.
pub const SOURCE_ID: &str = "blueprint";

/// The scale blueprint skills are rated on.
///
/// Blueprints say how *important* a skill is to the role (Critical / Important / Optional /
/// Context-specific), never at what *level* it is needed. Inventing a level would put words in the
/// source's mouth, so the skills live on a one-level scale, `required`: a requirement says "this role
/// needs this skill", and its importance carries what the blueprint said. An author can later move
/// the skills to a graded scale and set real levels.
pub const SCALE_ID: &str = "required";
/// The one level of [`SCALE_ID`].
pub const LEVEL_ID: &str = "required";

const TECHNICAL: &str = "Technical";
const BEHAVIOURAL: &str = "Behavioural";

/// At most this many mojibake warnings per file; the rest are counted in one more.
const MAX_MOJIBAKE_WARNINGS: usize = 10;

pub fn import(
    inputs: &[Input],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<Framework, ImportError> {
    let drafts = read_each(inputs, |input| read_blueprint(input, report))?;
    Ok(assemble(drafts, options, report))
}

#[cfg(test)]
mod tests {
    use trellis_model::Importance;

    use super::assemble::{seniority, track_name};
    use super::sections::{inline_list, is_heading, section_heading};
    use super::skills::{importance_suffix, role_name};
    use super::tables::{parse_weight, rescale};

    #[test]
    fn importance_is_the_first_word_in_the_parenthesis() {
        let (name, inner, i, ctx) =
            importance_suffix("SQL and data (Important for B2B; Optional otherwise)").unwrap();
        assert_eq!(
            (name, inner, i, ctx),
            (
                "SQL and data",
                "Important for B2B; Optional otherwise",
                Importance::Important,
                false
            )
        );
        let (_, _, i, ctx) = importance_suffix("X (Context-specific, often Important)").unwrap();
        assert_eq!((i, ctx), (Importance::Optional, true));
        assert!(importance_suffix("Y (multi-quarter)").is_none());
        assert!(importance_suffix("(Critical)").is_none());
    }

    #[test]
    fn weights_rescale_to_one_hundred() {
        assert_eq!(rescale(&[1.0, 1.0, 1.0]), vec![34, 33, 33]);
        assert_eq!(
            rescale(&[20.0, 20.0, 20.0, 20.0, 10.0]).iter().sum::<u32>(),
            100
        );
        assert_eq!(parse_weight("Weight 12.5 %"), Some(12.5));
        assert_eq!(parse_weight("none"), None);
    }

    #[test]
    fn tracks_drop_seniority() {
        assert_eq!(
            track_name("Principal Product Manager"),
            "Product Management"
        );
        assert_eq!(track_name("Senior Data Engineer"), "Data Engineer");
        assert_eq!(track_name("Head of Design"), "Design");
        assert_eq!(track_name("Principal"), "Principal");
        assert!(seniority("Senior Product Manager").1 < seniority("Principal Product Manager").1);
    }

    #[test]
    fn headings_and_lists() {
        assert_eq!(
            section_heading("7) KPIs and Productivity Metrics"),
            Some((7, "KPIs and Productivity Metrics"))
        );
        assert_eq!(
            section_heading("1) own the roadmap"),
            Some((1, "own the roadmap"))
        );
        assert_eq!(section_heading("100) Too big"), None);
        assert_eq!(section_heading("3)x"), None);
        assert!(is_heading("Strategic responsibilities"));
        assert!(is_heading("Core mission:"));
        assert!(!is_heading("This sentence ends with a stop."));
        let (label, items) = inline_list("Evidence by day 30 – one thing – another").unwrap();
        assert_eq!((label.as_str(), items.len()), ("Evidence by day 30", 2));
        assert_eq!(
            role_name("Senior Product Manager (most common)"),
            "Senior Product Manager"
        );
    }
}
