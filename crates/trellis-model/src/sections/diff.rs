//! What changes in the blueprint sections from one role level to another, item by item.

use serde::Serialize;

use super::ItemGroup;
use super::profile::ProfileSections;
use crate::diff::ListChange;

/// The items of each section present in one role level and not the other. Items read as
/// "heading: item", so a point that moved to another heading counts as changed.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SectionChanges {
    pub collaboration: ListChange,
    pub environment: ListChange,
    pub experience: ListChange,
    pub career: ListChange,
    pub risks: ListChange,
    pub variants: ListChange,
    pub ai_impact: ListChange,
    pub hiring: ListChange,
}

impl SectionChanges {
    pub fn between(a: &ProfileSections, b: &ProfileSections) -> Self {
        SectionChanges {
            collaboration: ListChange::between(collaboration(a), collaboration(b)),
            environment: ListChange::between(groups(&a.environment), groups(&b.environment)),
            experience: ListChange::between(groups(&a.experience), groups(&b.experience)),
            career: ListChange::between(career(a), career(b)),
            risks: ListChange::between(groups(&a.risks), groups(&b.risks)),
            variants: ListChange::between(groups(&a.variants), groups(&b.variants)),
            ai_impact: ListChange::between(groups(&a.ai_impact), groups(&b.ai_impact)),
            hiring: ListChange::between(hiring(a), hiring(b)),
        }
    }

    /// Each section's change with its key and heading, in the order pages show them.
    pub fn lists(&self) -> [(&'static str, &'static str, &ListChange); 8] {
        [
            ("collaboration", "Collaboration", &self.collaboration),
            ("environment", "Working environment", &self.environment),
            (
                "experience",
                "Experience and qualifications",
                &self.experience,
            ),
            ("risks", "Risks and challenges", &self.risks),
            ("variants", "Role variants", &self.variants),
            ("ai-impact", "AI and automation", &self.ai_impact),
            ("hiring", "Hiring guidance", &self.hiring),
            ("progression", "Progression", &self.career),
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

fn collaboration(p: &ProfileSections) -> Vec<String> {
    let Some(c) = &p.collaboration else {
        return Vec::new();
    };
    let mut out = labelled("Team", &c.teams);
    for (label, list) in [("Internal", &c.internal), ("External", &c.external)] {
        out.extend(list.iter().map(|s| match &s.purpose {
            Some(p) => format!("{label}: {} ({p})", s.name),
            None => format!("{label}: {}", s.name),
        }));
    }
    out.extend(labelled("Peer", &c.peers));
    out.extend(labelled("Upstream", &c.upstream));
    out.extend(labelled("Downstream", &c.downstream));
    out.extend(labelled("Ways of working", &c.ways_of_working));
    out.extend(c.escalations.iter().map(|e| match &e.to {
        Some(to) => format!("Escalation: {} → {to}", e.issue),
        None => format!("Escalation: {}", e.issue),
    }));
    out
}

fn career(p: &ProfileSections) -> Vec<String> {
    let Some(c) = &p.career else {
        return Vec::new();
    };
    let mut out = labelled("Comes from", &c.from);
    out.extend(labelled("Moves on to", &c.to));
    out.extend(labelled("Adjacent path", &c.adjacent));
    out.extend(labelled("Needed for promotion", &c.promotion));
    out.extend(labelled("How the role evolves", &c.evolution));
    out
}

fn hiring(p: &ProfileSections) -> Vec<String> {
    let Some(h) = &p.hiring else {
        return Vec::new();
    };
    let mut out = labelled("Focus", &h.focus);
    out.extend(
        h.assess
            .iter()
            .flat_map(|g| labelled(&format!("Assess: {}", g.group), &g.items)),
    );
    out.extend(h.exercises.iter().map(|e| format!("Exercise: {}", e.name)));
    out.extend(labelled("Strong signal", &h.strong_signals));
    out.extend(labelled("Weak signal", &h.weak_signals));
    out.extend(labelled("Red flag", &h.red_flags));
    out.extend(labelled("Scoring", &h.scoring));
    out
}
