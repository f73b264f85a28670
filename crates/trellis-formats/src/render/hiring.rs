//! The hiring kit of a role level, from its effective profile alone: a job advert, an interview
//! plan whose stages cover every interview dimension, and the questions for each dimension with
//! what a 1, 3 and 5 answer looks like. [`HiringKit::new`] builds it; [`markdown`] and
//! [`html_page`] render it, and it serialises as JSON as it is.
//!
//! Built from what it is given: withhold restricted text from the profile first
//! (`Profile::withhold_restricted`) when the reader may not see it; the kit then says so.

use std::fmt::Write as _;

use askama::Template;
use serde::Serialize;
use trellis_model::{
    Exercise, Framework, Importance, InterviewDimension, InterviewGuidance, Profile,
    ResponsibilityGroup,
};

use super::markdown::{bullets, line, para};
use super::text;
use super::view::Frame;
use crate::import::blueprint::guide::stems;

/// Everything needed to hire for one role level.
#[derive(Debug, Clone, Serialize)]
pub struct HiringKit {
    pub role_level: String,
    pub title: String,
    pub track: String,
    pub advert: Advert,
    pub plan: InterviewPlan,
    pub questions: Vec<DimensionQuestions>,
    /// Guidance for the interview as a whole: focus, signals, red flags, scoring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<InterviewGuidance>,
    /// The source whose text was left out, when some was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_withheld: Option<String>,
    /// The attribution of each source the kit's text comes from.
    pub sources: Vec<String>,
}

/// The job advert: what the role is, what it does and what it asks of candidates.
#[derive(Debug, Clone, Serialize)]
pub struct Advert {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reports_to: Option<String>,
    pub responsibilities: Vec<ResponsibilityGroup>,
    /// The requirements written for candidates: "Product analytics (essential)".
    pub essential: Vec<String>,
    pub desirable: Vec<String>,
    /// Typical experience and qualifications, when the level says.
    pub experience: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salary: Option<String>,
}

/// The stages of the interview and what each covers.
#[derive(Debug, Clone, Serialize)]
pub struct InterviewPlan {
    pub stages: Vec<Stage>,
    /// Critical requirements no stage covers, dimensions no stage covers.
    pub warnings: Vec<String>,
}

impl InterviewPlan {
    /// The dimensions the stages score, in stage order, each once.
    pub fn dimensions(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for d in self.stages.iter().flat_map(|s| &s.dimensions) {
            if !out.contains(&d.as_str()) {
                out.push(d);
            }
        }
        out
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub name: String,
    pub interviewers: String,
    /// The interview dimensions this stage scores.
    pub dimensions: Vec<String>,
    /// The requirements the stage's dimensions assess, by skill name.
    pub requirements: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exercise: Option<Exercise>,
}

/// The questions for one interview dimension and what answers look like.
#[derive(Debug, Clone, Serialize)]
pub struct DimensionQuestions {
    pub dimension: String,
    pub weight: u32,
    /// What an answer scored 1, 3 and 5 looks like, from the dimension's anchors.
    pub anchors: Vec<(u8, String)>,
    pub questions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<InterviewGuidance>,
}

/// The requirements (by skill name) a dimension assesses: those sharing a word stem with it.
pub fn assessed_by<'p>(p: &'p Profile, dimension: &str) -> Vec<&'p str> {
    let theirs = stems(dimension);
    p.requirements
        .iter()
        .filter(|r| stems(&r.skill_name).iter().any(|s| theirs.contains(s)))
        .map(|r| r.skill_name.as_str())
        .collect()
}

fn stage(p: &Profile, name: String, interviewers: &str, dims: &[&InterviewDimension]) -> Stage {
    let mut requirements: Vec<String> = Vec::new();
    for d in dims {
        for r in assessed_by(p, &d.name) {
            if !requirements.iter().any(|x| x == r) {
                requirements.push(r.to_owned());
            }
        }
    }
    Stage {
        name,
        interviewers: interviewers.to_owned(),
        dimensions: dims.iter().map(|d| d.name.clone()).collect(),
        requirements,
        exercise: None,
    }
}

/// One stage per practical exercise tied to a dimension, then a structured interview for every
/// dimension no exercise covers; warnings for critical requirements no stage assesses.
fn plan(p: &Profile) -> InterviewPlan {
    let mut stages: Vec<Stage> = Vec::new();
    let mut covered: Vec<&str> = Vec::new();
    for d in &p.interview {
        let exercises = d.interview_guidance.iter().flat_map(|g| &g.exercises);
        for e in exercises {
            let mut s = stage(p, e.name.clone(), "Two interviewers", &[d]);
            s.exercise = Some(e.clone());
            stages.push(s);
            covered.push(&d.name);
        }
    }
    let rest: Vec<&InterviewDimension> = p
        .interview
        .iter()
        .filter(|d| !covered.contains(&d.name.as_str()))
        .collect();
    if !rest.is_empty() {
        stages.push(stage(
            p,
            "Structured interview".to_owned(),
            "The hiring manager and a peer",
            &rest,
        ));
    }
    let mut warnings = Vec::new();
    if p.interview.is_empty() {
        warnings.push(
            "the role level has no interview dimensions: add a scorecard (`interview`) to plan the interview"
                .to_owned(),
        );
    }
    for r in p
        .requirements
        .iter()
        .filter(|r| r.importance == Importance::Critical)
    {
        if !stages
            .iter()
            .any(|s| s.requirements.contains(&r.skill_name))
        {
            warnings.push(format!(
                "the critical requirement `{}` is assessed in no stage: name it in a dimension, or add a question for it",
                r.skill_name
            ));
        }
    }
    InterviewPlan { stages, warnings }
}

impl HiringKit {
    pub fn new(fw: &Framework, p: &Profile) -> Self {
        let (essential, desirable): (Vec<_>, Vec<_>) = p
            .requirements
            .iter()
            .partition(|r| r.importance != Importance::Optional);
        let requirement = |r: &&trellis_model::EffectiveRequirement| {
            let level = text::level(r.level.as_str(), &r.level_label);
            match r.importance {
                Importance::Critical => format!("{} at {level} (essential)", r.skill_name),
                _ => format!("{} at {level}", r.skill_name),
            }
        };
        let mut experience: Vec<String> = Vec::new();
        if let Some(q) = &p.sections.qualifications {
            experience.extend(q.years.iter().cloned());
            for x in q.education.iter().chain(&q.certifications) {
                experience.push(format!("{} ({})", x.name, x.need.label()));
            }
        }
        let questions = p
            .interview
            .iter()
            .map(|d| DimensionQuestions {
                dimension: d.name.clone(),
                weight: d.weight,
                anchors: [1u8, 3, 5]
                    .into_iter()
                    .filter_map(|s| d.anchors.get(&s).map(|a| (s, a.clone())))
                    .collect(),
                questions: d
                    .interview_guidance
                    .as_ref()
                    .map(|g| g.assess.clone())
                    .unwrap_or_default(),
                guidance: d.interview_guidance.clone(),
            })
            .collect();
        HiringKit {
            role_level: p.id.clone(),
            title: p.title.clone(),
            track: p.track_name.clone(),
            advert: Advert {
                title: p.title.clone(),
                summary: p.summary.clone(),
                scope: p.scope.clone(),
                reports_to: p.sections.reports_to.clone(),
                responsibilities: p.responsibilities.clone(),
                essential: essential.iter().map(requirement).collect(),
                desirable: desirable.iter().map(requirement).collect(),
                experience,
                salary: p.salary.as_ref().map(text::salary),
            },
            plan: plan(p),
            questions,
            guidance: p.sections.interview_guidance.clone(),
            text_withheld: p.text_withheld.clone(),
            sources: text::profile_sources(fw, p)
                .into_iter()
                .map(text::attribution)
                .collect(),
        }
    }
}

/// The kit as a Markdown document.
pub fn markdown(kit: &HiringKit) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Hiring kit: {}\n", line(&kit.title));
    let _ = writeln!(
        out,
        "**Track:** {} · **Role level:** `{}`\n",
        line(&kit.track),
        kit.role_level
    );
    if let Some(source) = &kit.text_withheld {
        let _ = writeln!(out, "> {}\n", text::profile_withheld_note(source));
    }
    let a = &kit.advert;
    let _ = writeln!(out, "## Job advert\n\n### {}\n", line(&a.title));
    for text in [&a.summary, &a.scope].into_iter().flatten() {
        let _ = writeln!(out, "{}\n", para(text));
    }
    if let Some(r) = &a.reports_to {
        let _ = writeln!(out, "**Reports to:** {}\n", line(r));
    }
    if !a.responsibilities.is_empty() {
        out.push_str("### What you will do\n\n");
        let items: Vec<String> = a
            .responsibilities
            .iter()
            .flat_map(|g| g.items.iter().cloned())
            .collect();
        bullets(&mut out, &items);
    }
    for (heading, items) in [
        ("What you will bring", &a.essential),
        ("It helps if you bring", &a.desirable),
        ("Experience", &a.experience),
    ] {
        if !items.is_empty() {
            let _ = writeln!(out, "### {heading}\n");
            bullets(&mut out, items);
        }
    }
    if let Some(s) = &a.salary {
        let _ = writeln!(out, "**Salary:** {s}\n");
    }
    out.push_str("## Interview plan\n\n");
    for w in &kit.plan.warnings {
        let _ = writeln!(out, "> Warning: {}\n", line(w));
    }
    for (i, s) in kit.plan.stages.iter().enumerate() {
        let _ = writeln!(out, "### {}. {}\n", i + 1, line(&s.name));
        let _ = writeln!(out, "- Interviewers: {}", line(&s.interviewers));
        let _ = writeln!(out, "- Dimensions: {}", line(&s.dimensions.join(", ")));
        if !s.requirements.is_empty() {
            let _ = writeln!(out, "- Requirements: {}", line(&s.requirements.join(", ")));
        }
        if let Some(e) = &s.exercise {
            for (what, text) in [("Prompt", &e.prompt), ("Evaluates", &e.evaluates)] {
                if let Some(t) = text {
                    let _ = writeln!(out, "- {what}: {}", line(t));
                }
            }
        }
        out.push('\n');
    }
    out.push_str("## Questions by dimension\n\n");
    for q in &kit.questions {
        let _ = writeln!(out, "### {} ({}%)\n", line(&q.dimension), q.weight);
        if !q.questions.is_empty() {
            out.push_str("Questions:\n\n");
            bullets(&mut out, &q.questions);
        }
        if !q.anchors.is_empty() {
            out.push_str("What answers look like:\n\n");
            for (score, anchor) in &q.anchors {
                let _ = writeln!(out, "- **{score}**: {}", line(anchor));
            }
            out.push('\n');
        }
        if let Some(g) = &q.guidance {
            signals(&mut out, g);
        }
    }
    if let Some(g) = &kit.guidance {
        out.push_str("## The interview as a whole\n\n");
        if let Some(f) = &g.focus {
            let _ = writeln!(out, "{}\n", para(f));
        }
        signals(&mut out, g);
        if let Some(s) = &g.scoring {
            let _ = writeln!(out, "**Scoring:** {}\n", line(s));
        }
    }
    if !kit.sources.is_empty() {
        out.push_str("## Sources\n\n");
        bullets(&mut out, &kit.sources);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn signals(out: &mut String, g: &InterviewGuidance) {
    for (heading, items) in [
        ("Strong signals", &g.strong_signals),
        ("Weak signals", &g.weak_signals),
        ("Red flags", &g.red_flags),
    ] {
        if !items.is_empty() {
            let _ = writeln!(out, "{heading}:\n");
            bullets(out, items);
        }
    }
}

/// The kit as a standalone HTML page. Autoescaped: every value is text, never markup.
#[derive(Debug, Template)]
#[template(path = "hiring_kit.html")]
struct HiringKitPage<'k> {
    frame: Frame,
    kit: &'k HiringKit,
    withheld_note: Option<String>,
}

/// A complete HTML5 document for one hiring kit.
pub fn html_page(fw: &Framework, kit: &HiringKit) -> String {
    let page = HiringKitPage {
        frame: Frame::standalone(
            format!("Hiring kit: {}: {}", kit.title, fw.name),
            fw,
            kit.sources.clone(),
        ),
        kit,
        withheld_note: kit.text_withheld.as_deref().map(|source| {
            format!(
                "{} Licence holders can print it whole with the --licensed option.",
                text::profile_withheld_note(source)
            )
        }),
    };
    // Rendering plain strings into a String cannot fail.
    page.render()
        .expect("rendering a hiring kit into a String cannot fail")
}
