//! The blueprint sections of a role profile as Markdown: collaboration, the headed-list sections,
//! hiring guidance and progression, each inherited one saying where it comes from.

use std::fmt::Write as _;

use trellis_model::{Framework, ItemGroup, Profile, Stakeholder};

use super::{bullets, line, nonempty, para, text};

/// "_Inherited from Senior Product Manager (`product/senior`)._", when the section is.
fn inherited(out: &mut String, fw: &Framework, p: &Profile, key: &str) {
    if let Some(id) = p.sections.inherited.get(key) {
        let title = text::role_title(fw, id).unwrap_or_else(|| id.clone());
        let _ = writeln!(out, "_Inherited from {} (`{id}`)._\n", line(&title));
    }
}

fn headed(out: &mut String, heading: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {heading}\n");
    bullets(out, items);
}

fn stakeholders(out: &mut String, heading: &str, list: &[Stakeholder]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {heading}\n");
    for s in list {
        match nonempty(&s.purpose) {
            Some(purpose) => {
                let _ = writeln!(out, "- **{}**: {}", line(&s.name), line(purpose));
            }
            None => {
                let _ = writeln!(out, "- **{}**", line(&s.name));
            }
        }
    }
    out.push('\n');
}

fn groups(out: &mut String, groups: &[ItemGroup], level: &str) {
    for g in groups {
        let _ = writeln!(out, "{level} {}\n", line(&g.group));
        bullets(out, &g.items);
    }
}

/// Collaboration, then environment, experience, risks, variants and AI impact.
pub(super) fn before_interview(out: &mut String, fw: &Framework, p: &Profile) {
    let sec = &p.sections;
    if let Some(c) = &sec.collaboration {
        out.push_str("## Collaboration\n\n");
        inherited(out, fw, p, "collaboration");
        headed(out, "Teams", &c.teams);
        stakeholders(out, "Internal stakeholders", &c.internal);
        stakeholders(out, "External stakeholders", &c.external);
        headed(out, "Peers", &c.peers);
        headed(out, "Depends on", &c.upstream);
        headed(out, "Relied on by", &c.downstream);
        headed(out, "Ways of working", &c.ways_of_working);
        if !c.escalations.is_empty() {
            out.push_str("### Escalations\n\n");
            for e in &c.escalations {
                match nonempty(&e.to) {
                    Some(to) => {
                        let _ = writeln!(out, "- {}: to **{}**", line(&e.issue), line(to));
                    }
                    None => {
                        let _ = writeln!(out, "- {}", line(&e.issue));
                    }
                }
            }
            out.push('\n');
        }
    }
    for (key, heading, list) in [
        ("environment", "Working environment", &sec.environment),
        (
            "experience",
            "Experience and qualifications",
            &sec.experience,
        ),
        ("risks", "Risks and challenges", &sec.risks),
        ("variants", "Role variants", &sec.variants),
        ("ai_impact", "AI and automation", &sec.ai_impact),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {heading}\n");
        inherited(out, fw, p, key);
        groups(out, list, "###");
    }
}

/// The hiring guidance, after the interview scorecard.
pub(super) fn hiring(out: &mut String, fw: &Framework, p: &Profile) {
    let Some(h) = &p.sections.hiring else {
        return;
    };
    out.push_str("## Hiring guidance\n\n");
    inherited(out, fw, p, "hiring");
    if let Some(f) = nonempty(&h.focus) {
        let _ = writeln!(out, "{}\n", para(f));
    }
    if !h.assess.is_empty() {
        out.push_str("### What to assess\n\n");
        groups(out, &h.assess, "####");
    }
    if !h.exercises.is_empty() {
        out.push_str("### Exercises\n\n");
        for e in &h.exercises {
            let _ = writeln!(out, "- **{}**", line(&e.name));
            for (what, text) in [("Prompt", &e.prompt), ("Evaluates", &e.evaluates)] {
                if let Some(t) = nonempty(text) {
                    let _ = writeln!(out, "  - {what}: {}", line(t));
                }
            }
        }
        out.push('\n');
    }
    headed(out, "Strong signals", &h.strong_signals);
    headed(out, "Weak signals", &h.weak_signals);
    headed(out, "Red flags", &h.red_flags);
    if let Some(s) = nonempty(&h.scoring) {
        let _ = writeln!(out, "### Scoring\n\n{}\n", para(s));
    }
}

/// Where people come from and go to, and what promotion takes.
pub(super) fn progression(out: &mut String, p: &Profile) {
    let Some(c) = &p.sections.career else {
        return;
    };
    out.push_str("## Progression\n\n");
    headed(out, "Roles people come from", &c.from);
    headed(out, "Roles people move on to", &c.to);
    headed(out, "Adjacent paths", &c.adjacent);
    headed(out, "What promotion from this level takes", &c.promotion);
    headed(out, "How the role evolves", &c.evolution);
}
