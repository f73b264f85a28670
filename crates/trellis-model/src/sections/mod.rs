//! The sections of a role level beyond its skills, responsibilities, KPIs, tools and scorecard: the
//! rest of a role blueprint. Who the role works with (`stakeholders`), the environment it works in,
//! the experience and qualifications it asks for, what promotion from it takes, a new starter's
//! first year (`onboarding`) and what high performance looks like, what goes wrong in it
//! (`failure_modes`), how it varies, what automation changes, and how to interview for it (the
//! level's `interview_guidance`, and each interview dimension's own).
//!
//! Every section is optional. In a cumulative track a level that does not write a section inherits
//! it from the nearest level before it that does, and a level that writes it replaces it whole
//! ([`profile`]). The promotion criteria, the reporting line and the notes on KPIs are the
//! exceptions: they speak of this level only (what it takes to move on from *here*, whom *this*
//! level reports to), so they are never inherited.
//!
//! - [`profile`]: the sections of an effective profile: inheritance and withholding restricted text.
//! - [`check`]: duplicate headings and names within a section, and links to role levels.
//! - [`diff`]: what changes in these sections between two role levels.

pub mod check;
pub mod diff;
pub mod profile;
#[cfg(test)]
mod tests;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Seg;

/// A heading and the points under it, e.g. "Anti-patterns" and what to avoid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemGroup {
    pub group: String,
    pub items: Vec<String>,
}

/// Who a role level works with, and what about.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stakeholders {
    /// The teams the role typically works with, e.g. "Design/UX Research".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<String>,
    /// People and functions inside the organisation, with what the collaboration is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internal: Vec<Stakeholder>,
    /// Customers, partners and suppliers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external: Vec<Stakeholder>,
    /// Roles at a similar level the role works beside; each may link to a role level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peers: Vec<Stakeholder>,
    /// What the role depends on from others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstream: Vec<String>,
    /// Who depends on the role's work.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub downstream: Vec<String>,
    /// How the role works with others: models, agreements, who decides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ways_of_working: Vec<String>,
    /// What is escalated, and to whom.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalations: Vec<Escalation>,
}

/// Someone a role level works with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stakeholder {
    /// Who: a role, a team or a kind of customer.
    pub name: String,
    /// What the collaboration is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// Full id of the role level this stakeholder is, when it is one of the framework's, e.g.
    /// `engineering/staff-engineer`. `trellis check` reports an id that names no role level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_level: Option<String>,
}

/// A kind of problem and who it goes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    pub issue: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// Whether a qualification is a must or a plus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    #[default]
    Required,
    Preferred,
}

impl Need {
    pub fn label(self) -> &'static str {
        match self {
            Need::Required => "required",
            Need::Preferred => "preferred",
        }
    }
}

/// An education or certification a role level asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Qualification {
    pub name: String,
    #[serde(default)]
    pub need: Need,
}

/// The experience and qualifications a role level asks for.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Qualifications {
    /// Typical years of experience, e.g. "8-12 years in product management".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub education: Vec<Qualification>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<Qualification>,
    /// Roles people commonly hold before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backgrounds: Vec<String>,
    /// Other expectations by heading, e.g. domain knowledge or leadership experience.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<ItemGroup>,
}

/// What it takes to be promoted from a role level, beyond the requirement levels of the next, and
/// where people come from and go on to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    /// Full id of the role level these criteria lead to, e.g. `product/director`.
    /// `trellis check` reports an id that names no role level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// What changes in scope at the next level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
    /// The skills a promotion panel looks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    /// The behaviours a promotion panel looks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub behaviours: Vec<String>,
    /// Roles people usually come from, as people name them (in this framework or not).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
    /// Roles people usually move on to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    /// Other paths open from here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjacent: Vec<String>,
    /// How the role changes with time in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evolution: Vec<String>,
}

/// Goals for one stretch of a new starter's first year, with how to tell they were met.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnboardingStage {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<String>,
    /// The evidence of success.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// A new starter's first year: goals at 30, 60 and 90 days, milestones at 6 and 12 months.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Onboarding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_30: Option<OnboardingStage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_60: Option<OnboardingStage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_90: Option<OnboardingStage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months_6: Option<OnboardingStage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months_12: Option<OnboardingStage>,
}

/// What goes wrong in a role level.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FailureModes {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub challenges: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bottlenecks: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anti_patterns: Vec<String>,
    /// Other risks by heading, e.g. reasons for underperformance or risks to the business.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<ItemGroup>,
}

/// How automation changes a role level.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Automation {
    /// Tasks likely to be automated, in part or whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub automated: Vec<String>,
    /// Tasks that stay human-critical.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub human_critical: Vec<String>,
    /// Other points by heading, e.g. how the role changes or new expectations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<ItemGroup>,
}

/// How to interview: on a role level for the interview as a whole, and on each interview
/// dimension for that dimension.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InterviewGuidance {
    /// What the interview should test for, in a sentence or two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<String>,
    /// What to assess: questions the interviewers answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assess: Vec<String>,
    /// Suggested exercises or case studies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exercises: Vec<Exercise>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strong_signals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weak_signals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub red_flags: Vec<String>,
    /// How to score, e.g. "1 to 5 with behavioural anchors".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<String>,
}

/// A practical exercise for candidates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Its name, with its length when known, e.g. "Strategy case (60 minutes)".
    pub name: String,
    /// What the candidate is asked to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// What the interviewers look for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluates: Option<String>,
}

/// What a role variant varies by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VariantBy {
    /// Company size or stage, e.g. a start-up or a large enterprise.
    Size,
    /// Industry or sector, e.g. regulated finance.
    Industry,
    /// Country or region, e.g. where data must stay.
    Geography,
    /// Anything else, e.g. the business or operating model.
    #[default]
    Other,
}

impl VariantBy {
    pub const ALL: [VariantBy; 4] = [
        VariantBy::Size,
        VariantBy::Industry,
        VariantBy::Geography,
        VariantBy::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VariantBy::Size => "size",
            VariantBy::Industry => "industry",
            VariantBy::Geography => "geography",
            VariantBy::Other => "other",
        }
    }

    /// The heading variants of this kind go under.
    pub fn heading(self) -> &'static str {
        match self {
            VariantBy::Size => "By company size",
            VariantBy::Industry => "By industry",
            VariantBy::Geography => "By geography",
            VariantBy::Other => "Other variants",
        }
    }

    fn is_other(&self) -> bool {
        *self == VariantBy::Other
    }
}

/// How the role differs in one setting: text about the same role level, not a role level of its
/// own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// What the setting varies by; `other` when left out.
    #[serde(default, skip_serializing_if = "VariantBy::is_other")]
    pub by: VariantBy,
    /// The setting, e.g. "Start-up" or "Regulated industries".
    pub group: String,
    pub items: Vec<String>,
}

impl Variant {
    /// The setting's own name under its kind's heading: without a leading "By company size" that
    /// only repeats the kind ("By geography: regional rules" → "regional rules"); none when
    /// nothing else is left.
    pub fn title(&self) -> Option<&str> {
        let group = self.group.trim();
        let kind = self.by.heading();
        let rest = match group.get(..kind.len()) {
            Some(head) if self.by != VariantBy::Other && head.eq_ignore_ascii_case(kind) => {
                group.get(kind.len()..).unwrap_or("")
            }
            _ => group,
        };
        let rest = rest.trim_start_matches([':', ' ', '-', '–']).trim();
        (!rest.is_empty()).then_some(rest)
    }
}

/// Generates [`SectionNotes`]: one optional introduction per section, and access by key.
macro_rules! section_notes {
    ($($key:ident),* $(,)?) => {
        /// Introductions of sections: a sentence or two on a section as a whole, before its
        /// lists (the KPIs have theirs in `kpi_notes`). An introduction goes with its section: a
        /// level that inherits the section inherits its introduction.
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct SectionNotes {
            $(
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $key: Option<String>,
            )*
        }

        impl SectionNotes {
            /// The sections that may have an introduction, by key, in page order.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($key)),*];

            /// Each introduction with its section's key.
            pub fn entries(&self) -> Vec<(&'static str, &String)> {
                let mut out = Vec::new();
                $(
                    if let Some(n) = &self.$key {
                        out.push((stringify!($key), n));
                    }
                )*
                out
            }

            /// The introduction of the section `key`, to write; `None` for a section that has
            /// none.
            pub fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
                match key {
                    $(stringify!($key) => Some(&mut self.$key),)*
                    _ => None,
                }
            }
        }
    };
}

section_notes!(
    requirements,
    responsibilities,
    decision_rights,
    tools,
    stakeholders,
    qualifications,
    onboarding,
    environment,
    failure_modes,
    variants,
    automation,
    promotion,
);

impl SectionNotes {
    /// The introduction of the section `key`, when it has one.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.trim())
            .filter(|s| !s.is_empty())
    }

    /// Adds `text` to the introduction of `key` as a paragraph of its own; false when the section
    /// has no introduction.
    pub fn add(&mut self, key: &str, text: &str) -> bool {
        let Some(slot) = self.slot(key) else {
            return false;
        };
        *slot = Some(match slot.take() {
            Some(before) => format!("{before}\n\n{text}"),
            None => text.to_owned(),
        });
        true
    }
}

macro_rules! emptiable {
    ($($t:ty),*) => {$(
        impl $t {
            pub fn is_empty(&self) -> bool {
                self == &<$t>::default()
            }
        }
    )*};
}
emptiable!(
    Stakeholders,
    Qualifications,
    Promotion,
    Onboarding,
    OnboardingStage,
    FailureModes,
    Automation,
    InterviewGuidance,
    SectionNotes
);

impl Onboarding {
    /// Each stage with its key and heading, in order.
    pub fn stages(&self) -> [(&'static str, &'static str, Option<&OnboardingStage>); 5] {
        [
            ("days_30", "First 30 days", self.days_30.as_ref()),
            ("days_60", "By 60 days", self.days_60.as_ref()),
            ("days_90", "By 90 days", self.days_90.as_ref()),
            ("months_6", "By 6 months", self.months_6.as_ref()),
            ("months_12", "By 12 months", self.months_12.as_ref()),
        ]
    }

    pub fn stages_mut(&mut self) -> [&mut Option<OnboardingStage>; 5] {
        [
            &mut self.days_30,
            &mut self.days_60,
            &mut self.days_90,
            &mut self.months_6,
            &mut self.months_12,
        ]
    }
}

/// Texts with where they sit, relative to a role level.
pub(crate) type Texts<'a> = Vec<(Vec<Seg>, &'a str)>;

fn push_list<'a>(out: &mut Texts<'a>, at: &[Seg], list: &'a [String]) {
    for (i, text) in list.iter().enumerate() {
        let mut path = at.to_vec();
        path.push(Seg::Index(i));
        out.push((path, text));
    }
}

fn push_groups<'a>(out: &mut Texts<'a>, at: &[Seg], groups: &'a [ItemGroup]) {
    for (g, group) in groups.iter().enumerate() {
        let mut path = at.to_vec();
        path.extend([Seg::Index(g), Seg::Key("items")]);
        push_list(out, &path, &group.items);
    }
}

fn push_opt<'a>(out: &mut Texts<'a>, at: &[Seg], text: &'a Option<String>) {
    if let Some(t) = text {
        out.push((at.to_vec(), t));
    }
}

fn push_guidance<'a>(out: &mut Texts<'a>, at: &[Seg], g: &'a InterviewGuidance) {
    let key = |k: &'static str| {
        let mut p = at.to_vec();
        p.push(Seg::Key(k));
        p
    };
    push_opt(out, &key("focus"), &g.focus);
    push_list(out, &key("assess"), &g.assess);
    for (i, e) in g.exercises.iter().enumerate() {
        let mut p = key("exercises");
        p.push(Seg::Index(i));
        let mut prompt = p.clone();
        prompt.push(Seg::Key("prompt"));
        push_opt(out, &prompt, &e.prompt);
        p.push(Seg::Key("evaluates"));
        push_opt(out, &p, &e.evaluates);
    }
    push_list(out, &key("strong_signals"), &g.strong_signals);
    push_list(out, &key("weak_signals"), &g.weak_signals);
    push_list(out, &key("red_flags"), &g.red_flags);
    push_opt(out, &key("scoring"), &g.scoring);
}

impl crate::RoleLevel {
    /// The prose of this level's sections, with where each text sits: what the text lints read.
    /// Names of other roles (stakeholders, peers, career moves) and the variants of the role are
    /// in [`Self::section_names`] instead: naming other roles and settings ("Farm shops: more
    /// emphasis on seasonal stock") is what those lists are for, not a template leak.
    pub fn section_texts(&self) -> Texts<'_> {
        use Seg::{Index as I, Key as K};
        let mut out: Texts<'_> = Vec::new();
        push_opt(&mut out, &[K("horizon")], &self.horizon);
        push_list(&mut out, &[K("kpi_notes")], &self.kpi_notes);
        if let Some(n) = &self.notes {
            for (key, note) in n.entries() {
                out.push((vec![K("notes"), K(key)], note));
            }
        }
        if let Some(c) = &self.stakeholders {
            for (key, list) in [
                ("internal", &c.internal),
                ("external", &c.external),
                ("peers", &c.peers),
            ] {
                for (i, s) in list.iter().enumerate() {
                    push_opt(
                        &mut out,
                        &[K("stakeholders"), K(key), I(i), K("about")],
                        &s.about,
                    );
                }
            }
            for (key, list) in [
                ("upstream", &c.upstream),
                ("downstream", &c.downstream),
                ("ways_of_working", &c.ways_of_working),
            ] {
                push_list(&mut out, &[K("stakeholders"), K(key)], list);
            }
            for (i, e) in c.escalations.iter().enumerate() {
                out.push((
                    vec![K("stakeholders"), K("escalations"), I(i), K("issue")],
                    &e.issue,
                ));
            }
        }
        push_groups(&mut out, &[K("environment")], &self.environment);
        if let Some(q) = &self.qualifications {
            push_list(&mut out, &[K("qualifications"), K("years")], &q.years);
            push_groups(&mut out, &[K("qualifications"), K("other")], &q.other);
        }
        if let Some(p) = &self.promotion {
            for (key, list) in [
                ("scope", &p.scope),
                ("skills", &p.skills),
                ("behaviours", &p.behaviours),
                ("evolution", &p.evolution),
            ] {
                push_list(&mut out, &[K("promotion"), K(key)], list);
            }
        }
        if let Some(o) = &self.onboarding {
            for (key, _, stage) in o.stages() {
                if let Some(stage) = stage {
                    push_list(
                        &mut out,
                        &[K("onboarding"), K(key), K("goals")],
                        &stage.goals,
                    );
                    push_list(
                        &mut out,
                        &[K("onboarding"), K(key), K("evidence")],
                        &stage.evidence,
                    );
                }
            }
        }
        push_list(&mut out, &[K("high_performance")], &self.high_performance);
        if let Some(f) = &self.failure_modes {
            for (key, list) in [
                ("challenges", &f.challenges),
                ("bottlenecks", &f.bottlenecks),
                ("anti_patterns", &f.anti_patterns),
            ] {
                push_list(&mut out, &[K("failure_modes"), K(key)], list);
            }
            push_groups(&mut out, &[K("failure_modes"), K("other")], &f.other);
        }
        if let Some(a) = &self.automation {
            push_list(&mut out, &[K("automation"), K("automated")], &a.automated);
            push_list(
                &mut out,
                &[K("automation"), K("human_critical")],
                &a.human_critical,
            );
            push_groups(&mut out, &[K("automation"), K("other")], &a.other);
        }
        if let Some(g) = &self.interview_guidance {
            push_guidance(&mut out, &[K("interview_guidance")], g);
        }
        for (i, d) in self.interview.iter().enumerate() {
            if let Some(g) = &d.interview_guidance {
                push_guidance(
                    &mut out,
                    &[K("interview"), I(i), K("interview_guidance")],
                    g,
                );
            }
        }
        out
    }

    /// Names in this level's sections (other roles, teams, qualifications, group headings) and the
    /// variants of the role: checked for mojibake only.
    pub fn section_names(&self) -> Vec<(Vec<Seg>, &str)> {
        use Seg::{Index as I, Key as K};
        let mut out: Texts<'_> = Vec::new();
        for (v, variant) in self.variants.iter().enumerate() {
            push_list(&mut out, &[K("variants"), I(v), K("items")], &variant.items);
            out.push((vec![K("variants"), I(v), K("group")], &variant.group));
        }
        push_opt(&mut out, &[K("reports_to")], &self.reports_to);
        if let Some(c) = &self.stakeholders {
            push_list(&mut out, &[K("stakeholders"), K("teams")], &c.teams);
            for (key, list) in [
                ("internal", &c.internal),
                ("external", &c.external),
                ("peers", &c.peers),
            ] {
                for (i, s) in list.iter().enumerate() {
                    out.push((vec![K("stakeholders"), K(key), I(i), K("name")], &s.name));
                }
            }
            for (i, e) in c.escalations.iter().enumerate() {
                push_opt(
                    &mut out,
                    &[K("stakeholders"), K("escalations"), I(i), K("to")],
                    &e.to,
                );
            }
        }
        if let Some(q) = &self.qualifications {
            for (key, list) in [
                ("education", &q.education),
                ("certifications", &q.certifications),
            ] {
                for (i, x) in list.iter().enumerate() {
                    out.push((vec![K("qualifications"), K(key), I(i), K("name")], &x.name));
                }
            }
            push_list(
                &mut out,
                &[K("qualifications"), K("backgrounds")],
                &q.backgrounds,
            );
        }
        if let Some(p) = &self.promotion {
            for (key, list) in [("from", &p.from), ("to", &p.to), ("adjacent", &p.adjacent)] {
                push_list(&mut out, &[K("promotion"), K(key)], list);
            }
        }
        let mut groups: Vec<(Vec<Seg>, &[ItemGroup])> =
            vec![(vec![K("environment")], self.environment.as_slice())];
        if let Some(q) = &self.qualifications {
            groups.push((vec![K("qualifications"), K("other")], &q.other));
        }
        if let Some(f) = &self.failure_modes {
            groups.push((vec![K("failure_modes"), K("other")], &f.other));
        }
        if let Some(a) = &self.automation {
            groups.push((vec![K("automation"), K("other")], &a.other));
        }
        let guides = self
            .interview_guidance
            .iter()
            .map(|g| (vec![K("interview_guidance")], g))
            .chain(self.interview.iter().enumerate().filter_map(|(i, d)| {
                d.interview_guidance
                    .as_ref()
                    .map(|g| (vec![K("interview"), I(i), K("interview_guidance")], g))
            }));
        for (at, g) in guides {
            for (i, e) in g.exercises.iter().enumerate() {
                let mut p = at.clone();
                p.extend([K("exercises"), I(i), K("name")]);
                out.push((p, &e.name));
            }
        }
        for (at, list) in groups {
            for (g, group) in list.iter().enumerate() {
                let mut path = at.clone();
                path.extend([I(g), K("group")]);
                out.push((path, &group.group));
            }
        }
        out
    }
}
