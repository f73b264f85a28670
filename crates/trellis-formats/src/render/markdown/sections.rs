//! The blueprint sections of a role profile as Markdown: stakeholders, qualifications, onboarding,
//! the headed-list sections, interview guidance and promotion, each inherited one saying where it
//! comes from.

use std::fmt::Write as _;

use trellis_model::{
    Framework, InterviewGuidance, ItemGroup, Profile, Qualification, Stakeholder, VariantBy,
};

use super::{bullets, line, nonempty, para, text};

/// "_Inherited from Senior Product Manager (`product/senior`)._", when the section is.
fn inherited(out: &mut String, fw: &Framework, p: &Profile, key: &str) {
    if let Some(id) = p.sections.inherited.get(key) {
        let title = text::role_title(fw, id).unwrap_or_else(|| id.clone());
        let _ = writeln!(out, "_Inherited from {} (`{id}`)._\n", line(&title));
    }
}

/// The introduction of the section `key`, when it has one.
pub(super) fn note(out: &mut String, p: &Profile, key: &str) {
    if let Some(n) = p.sections.notes.as_ref().and_then(|n| n.get(key)) {
        let _ = writeln!(out, "{}\n", para(n));
    }
}

fn headed(out: &mut String, heading: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {heading}\n");
    bullets(out, items);
}

fn stakeholders(out: &mut String, fw: &Framework, heading: &str, list: &[Stakeholder]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {heading}\n");
    for s in list {
        let mut item = format!("- **{}**", line(&s.name));
        if let Some(id) = &s.role_level {
            let title = text::role_title(fw, id).unwrap_or_else(|| id.clone());
            let _ = write!(item, " ({}, `{id}`)", line(&title));
        }
        if let Some(about) = nonempty(&s.about) {
            let _ = write!(item, ": {}", line(about));
        }
        let _ = writeln!(out, "{item}");
    }
    out.push('\n');
}

fn qualified(out: &mut String, heading: &str, list: &[Qualification]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {heading}\n");
    for q in list {
        let _ = writeln!(out, "- {} ({})", line(&q.name), q.need.label());
    }
    out.push('\n');
}

fn groups(out: &mut String, groups: &[ItemGroup], level: &str) {
    for g in groups {
        let _ = writeln!(out, "{level} {}\n", line(&g.group));
        bullets(out, &g.items);
    }
}

/// Stakeholders, qualifications, onboarding, high performance, then environment, failure modes,
/// variants and automation.
pub(super) fn before_interview(out: &mut String, fw: &Framework, p: &Profile) {
    let sec = &p.sections;
    if let Some(c) = &sec.stakeholders {
        out.push_str("## Stakeholders\n\n");
        inherited(out, fw, p, "stakeholders");
        note(out, p, "stakeholders");
        headed(out, "Teams", &c.teams);
        stakeholders(out, fw, "Internal", &c.internal);
        stakeholders(out, fw, "External", &c.external);
        stakeholders(out, fw, "Peer roles", &c.peers);
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
    if let Some(q) = &sec.qualifications {
        out.push_str("## Qualifications\n\n");
        inherited(out, fw, p, "qualifications");
        note(out, p, "qualifications");
        headed(out, "Typical experience", &q.years);
        qualified(out, "Education", &q.education);
        qualified(out, "Certifications", &q.certifications);
        headed(out, "Backgrounds", &q.backgrounds);
        groups(out, &q.other, "###");
    }
    if let Some(o) = &sec.onboarding {
        out.push_str("## Onboarding\n\n");
        inherited(out, fw, p, "onboarding");
        note(out, p, "onboarding");
        for (_, heading, stage) in o.stages() {
            let Some(stage) = stage else { continue };
            let _ = writeln!(out, "### {heading}\n");
            bullets(out, &stage.goals);
            if !stage.evidence.is_empty() {
                out.push_str("Evidence of success:\n\n");
                bullets(out, &stage.evidence);
            }
        }
    }
    if !sec.high_performance.is_empty() {
        out.push_str("## What high performance looks like\n\n");
        inherited(out, fw, p, "high_performance");
        bullets(out, &sec.high_performance);
    }
    if !sec.environment.is_empty() {
        out.push_str("## Working environment\n\n");
        inherited(out, fw, p, "environment");
        note(out, p, "environment");
        groups(out, &sec.environment, "###");
    }
    if let Some(f) = &sec.failure_modes {
        out.push_str("## Failure modes\n\n");
        inherited(out, fw, p, "failure_modes");
        note(out, p, "failure_modes");
        headed(out, "Common challenges", &f.challenges);
        headed(out, "Bottlenecks", &f.bottlenecks);
        headed(out, "Anti-patterns", &f.anti_patterns);
        groups(out, &f.other, "###");
    }
    if !sec.variants.is_empty() {
        out.push_str("## Role variants\n\n");
        inherited(out, fw, p, "variants");
        note(out, p, "variants");
        for by in VariantBy::ALL {
            let mut of = sec.variants.iter().filter(|v| v.by == by).peekable();
            if of.peek().is_none() {
                continue;
            }
            let _ = writeln!(out, "### {}\n", by.heading());
            for v in of {
                if let Some(t) = v.title() {
                    let _ = writeln!(out, "#### {}\n", line(t));
                }
                bullets(out, &v.items);
            }
        }
    }
    if let Some(a) = &sec.automation {
        out.push_str("## Automation\n\n");
        inherited(out, fw, p, "automation");
        note(out, p, "automation");
        headed(out, "Likely to be automated", &a.automated);
        headed(out, "Stays human-critical", &a.human_critical);
        groups(out, &a.other, "###");
    }
}

fn guidance(out: &mut String, g: &InterviewGuidance, level: &str) {
    if let Some(f) = nonempty(&g.focus) {
        let _ = writeln!(out, "{}\n", para(f));
    }
    let list = |out: &mut String, heading: &str, items: &[String]| {
        if !items.is_empty() {
            let _ = writeln!(out, "{level} {heading}\n");
            bullets(out, items);
        }
    };
    list(out, "What to assess", &g.assess);
    if !g.exercises.is_empty() {
        let _ = writeln!(out, "{level} Exercises\n");
        for e in &g.exercises {
            let _ = writeln!(out, "- **{}**", line(&e.name));
            for (what, text) in [("Prompt", &e.prompt), ("Evaluates", &e.evaluates)] {
                if let Some(t) = nonempty(text) {
                    let _ = writeln!(out, "  - {what}: {}", line(t));
                }
            }
        }
        out.push('\n');
    }
    list(out, "Strong signals", &g.strong_signals);
    list(out, "Weak signals", &g.weak_signals);
    list(out, "Red flags", &g.red_flags);
    if let Some(s) = nonempty(&g.scoring) {
        let _ = writeln!(out, "{level} Scoring\n\n{}\n", para(s));
    }
}

/// The interview guidance, after the interview scorecard: each dimension's, then the level's.
pub(super) fn interview_guidance(out: &mut String, fw: &Framework, p: &Profile) {
    let dims: Vec<_> = p
        .interview
        .iter()
        .filter_map(|d| d.interview_guidance.as_ref().map(|g| (d, g)))
        .collect();
    if dims.is_empty() && p.sections.interview_guidance.is_none() {
        return;
    }
    out.push_str("## Interview guidance\n\n");
    for (d, g) in dims {
        let _ = writeln!(out, "### {}\n", line(&d.name));
        guidance(out, g, "####");
    }
    if let Some(g) = &p.sections.interview_guidance {
        out.push_str("### The interview as a whole\n\n");
        inherited(out, fw, p, "interview_guidance");
        guidance(out, g, "####");
    }
}

/// What promotion from this level takes, where people come from and go to.
pub(super) fn promotion(out: &mut String, fw: &Framework, p: &Profile) {
    let Some(c) = &p.sections.promotion else {
        return;
    };
    out.push_str("## Promotion\n\n");
    note(out, p, "promotion");
    if let Some(id) = &c.next {
        let title = text::role_title(fw, id).unwrap_or_else(|| id.clone());
        let _ = writeln!(out, "**Next level:** {} (`{id}`)\n", line(&title));
    }
    headed(out, "What changes in scope", &c.scope);
    headed(out, "Skills a panel looks for", &c.skills);
    headed(out, "Behaviours a panel looks for", &c.behaviours);
    headed(out, "Roles people come from", &c.from);
    headed(out, "Roles people move on to", &c.to);
    headed(out, "Adjacent paths", &c.adjacent);
    headed(out, "How the role evolves", &c.evolution);
}
