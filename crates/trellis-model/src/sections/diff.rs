//! What changes in the blueprint sections from one role level to another, item by item.

use serde::Serialize;

use super::profile::ProfileSections;
use super::{InterviewGuidance, ItemGroup, Qualification, Variant};
use crate::diff::ListChange;

/// The items of each section present in one role level and not the other. Items read as
/// "heading: item", so a point that moved to another heading counts as changed.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SectionChanges {
    pub stakeholders: ListChange,
    pub environment: ListChange,
    pub qualifications: ListChange,
    pub promotion: ListChange,
    pub onboarding: ListChange,
    pub high_performance: ListChange,
    pub failure_modes: ListChange,
    pub variants: ListChange,
    pub automation: ListChange,
    pub interview_guidance: ListChange,
}

impl SectionChanges {
    pub fn between(a: &ProfileSections, b: &ProfileSections) -> Self {
        let change = |f: fn(&ProfileSections) -> Vec<String>| ListChange::between(f(a), f(b));
        SectionChanges {
            stakeholders: change(stakeholders),
            environment: change(|p| groups(&p.environment)),
            qualifications: change(qualifications),
            promotion: change(promotion),
            onboarding: change(onboarding),
            high_performance: change(|p| p.high_performance.clone()),
            failure_modes: change(failure_modes),
            variants: change(|p| variants(&p.variants)),
            automation: change(automation),
            interview_guidance: change(|p| {
                p.interview_guidance
                    .as_ref()
                    .map(guidance)
                    .unwrap_or_default()
            }),
        }
    }

    /// Each section's change with its anchor and heading, in the order pages show them.
    pub fn lists(&self) -> [(&'static str, &'static str, &ListChange); 10] {
        [
            ("stakeholders", "Stakeholders", &self.stakeholders),
            ("qualifications", "Qualifications", &self.qualifications),
            ("promotion", "Promotion", &self.promotion),
            ("onboarding", "Onboarding", &self.onboarding),
            (
                "high-performance",
                "High performance",
                &self.high_performance,
            ),
            ("environment", "Working environment", &self.environment),
            ("failure-modes", "Failure modes", &self.failure_modes),
            ("variants", "Role variants", &self.variants),
            ("automation", "Automation", &self.automation),
            (
                "interview-guidance",
                "Interview guidance",
                &self.interview_guidance,
            ),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.lists().iter().all(|(_, _, l)| l.is_empty())
    }
}

fn labelled<'a>(label: &str, items: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    items.into_iter().map(|i| format!("{label}: {i}")).collect()
}

fn groups(groups: &[ItemGroup]) -> Vec<String> {
    groups
        .iter()
        .flat_map(|g| labelled(&g.group, &g.items))
        .collect()
}

/// Variants read "By industry, Regulated: item", so a point that moved to another kind counts as
/// changed.
fn variants(list: &[Variant]) -> Vec<String> {
    list.iter()
        .flat_map(|v| labelled(&format!("{}, {}", v.by.heading(), v.group), &v.items))
        .collect()
}

fn stakeholders(p: &ProfileSections) -> Vec<String> {
    let Some(c) = &p.stakeholders else {
        return Vec::new();
    };
    let mut out = labelled("Team", &c.teams);
    for (label, list) in [
        ("Internal", &c.internal),
        ("External", &c.external),
        ("Peer", &c.peers),
    ] {
        out.extend(list.iter().map(|s| match &s.about {
            Some(a) => format!("{label}: {} ({a})", s.name),
            None => format!("{label}: {}", s.name),
        }));
    }
    out.extend(labelled("Upstream", &c.upstream));
    out.extend(labelled("Downstream", &c.downstream));
    out.extend(labelled("Ways of working", &c.ways_of_working));
    out.extend(c.escalations.iter().map(|e| match &e.to {
        Some(to) => format!("Escalation: {} → {to}", e.issue),
        None => format!("Escalation: {}", e.issue),
    }));
    out
}

fn qualified(label: &str, list: &[Qualification]) -> Vec<String> {
    list.iter()
        .map(|q| format!("{label}: {} ({})", q.name, q.need.label()))
        .collect()
}

fn qualifications(p: &ProfileSections) -> Vec<String> {
    let Some(q) = &p.qualifications else {
        return Vec::new();
    };
    let mut out = labelled("Years", &q.years);
    out.extend(qualified("Education", &q.education));
    out.extend(qualified("Certification", &q.certifications));
    out.extend(labelled("Background", &q.backgrounds));
    out.extend(groups(&q.other));
    out
}

fn promotion(p: &ProfileSections) -> Vec<String> {
    let Some(c) = &p.promotion else {
        return Vec::new();
    };
    let mut out: Vec<String> = c.next.iter().map(|n| format!("Next level: {n}")).collect();
    out.extend(labelled("Scope", &c.scope));
    out.extend(labelled("Skill", &c.skills));
    out.extend(labelled("Behaviour", &c.behaviours));
    out.extend(labelled("Comes from", &c.from));
    out.extend(labelled("Moves on to", &c.to));
    out.extend(labelled("Adjacent path", &c.adjacent));
    out.extend(labelled("How the role evolves", &c.evolution));
    out
}

fn onboarding(p: &ProfileSections) -> Vec<String> {
    let Some(o) = &p.onboarding else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, heading, stage) in o.stages() {
        if let Some(s) = stage {
            out.extend(labelled(heading, &s.goals));
            out.extend(labelled(&format!("{heading}, evidence"), &s.evidence));
        }
    }
    out
}

fn failure_modes(p: &ProfileSections) -> Vec<String> {
    let Some(f) = &p.failure_modes else {
        return Vec::new();
    };
    let mut out = labelled("Challenge", &f.challenges);
    out.extend(labelled("Bottleneck", &f.bottlenecks));
    out.extend(labelled("Anti-pattern", &f.anti_patterns));
    out.extend(groups(&f.other));
    out
}

fn automation(p: &ProfileSections) -> Vec<String> {
    let Some(a) = &p.automation else {
        return Vec::new();
    };
    let mut out = labelled("Likely automated", &a.automated);
    out.extend(labelled("Human-critical", &a.human_critical));
    out.extend(groups(&a.other));
    out
}

fn guidance(g: &InterviewGuidance) -> Vec<String> {
    let mut out: Vec<String> = g.focus.iter().map(|f| format!("Focus: {f}")).collect();
    out.extend(labelled("Assess", &g.assess));
    out.extend(g.exercises.iter().map(|e| format!("Exercise: {}", e.name)));
    out.extend(labelled("Strong signal", &g.strong_signals));
    out.extend(labelled("Weak signal", &g.weak_signals));
    out.extend(labelled("Red flag", &g.red_flags));
    out.extend(g.scoring.iter().map(|s| format!("Scoring: {s}")));
    out
}
