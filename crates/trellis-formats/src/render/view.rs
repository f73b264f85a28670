//! What the HTML templates see: plain strings, worked out here so the templates stay dumb and every
//! page says things the same way. The server's framework browser renders the same views, with its own
//! links ([`Links`]), through the shared partials in `templates/parts/`.

use std::collections::HashMap;

use trellis_model::diff::{Diff, ListChange, RequirementChange};
use trellis_model::{
    Automation, Behaviour, DecisionTier, Escalation, FailureModes, Framework, InterviewGuidance,
    ItemGroup, Kpi, Onboarding, Profile, Promotion, Qualifications, ResponsibilityGroup,
    SectionNotes, Stakeholder, Tool, Variant, VariantBy,
};

use super::text;
pub use super::text::Block;

/// The stylesheet, inlined into standalone pages and written as `style.css` by the site builder.
pub(crate) const STYLE: &str = include_str!("../../templates/style.css");

/// The parts of a page around its content: head, header, navigation and footer.
#[derive(Debug)]
pub(crate) struct Frame {
    /// The page's `<title>`.
    pub title: String,
    /// The way back to the site's root from this page: "", "../" or "../../".
    pub root: String,
    /// Set for standalone pages; site pages link to the shared stylesheet.
    pub inline_css: Option<&'static str>,
    /// Whether to show the site navigation (site pages only).
    pub nav: bool,
    /// Which navigation entry is this page: "index", "skills", "compare" or "".
    pub current: &'static str,
    pub framework: String,
    pub version: String,
    pub attributions: Vec<String>,
}

impl Frame {
    /// The frame of a standalone page (`trellis show`, `trellis hiring-kit`): its stylesheet
    /// inline, no site navigation.
    pub(crate) fn standalone(title: String, fw: &Framework, attributions: Vec<String>) -> Frame {
        Frame {
            title,
            root: String::new(),
            inline_css: Some(STYLE),
            nav: false,
            current: "",
            framework: fw.name.clone(),
            version: fw.version.clone(),
            attributions,
        }
    }
}

/// Text that links somewhere when there is somewhere to link to.
#[derive(Debug, Clone)]
pub struct Link {
    pub text: String,
    pub href: Option<String>,
}

/// Where a page's links go. A standalone page links nowhere (the defaults), the static site links
/// relatively between its files, and the server's framework browser links to its own URLs.
pub trait Links {
    /// A skill's entry in the skills catalogue.
    fn skill(&self, _id: &str) -> Option<String> {
        None
    }
    /// A role level's page, by full id.
    fn role(&self, _id: &str) -> Option<String> {
        None
    }
    /// What changes from one role level to another.
    fn compare(&self, _from: &str, _to: &str) -> Option<String> {
        None
    }
    /// A track in the overview.
    fn track(&self, _id: &str) -> Option<String> {
        None
    }
}

/// A standalone page: no links.
#[derive(Debug, Clone, Copy)]
pub struct NoLinks;

impl Links for NoLinks {}

/// A link to a role level, titled, or its id when the framework does not have it.
pub fn role_link(fw: &Framework, links: &dyn Links, id: &str) -> Link {
    Link {
        text: text::role_title(fw, id).unwrap_or_else(|| id.to_owned()),
        href: links.role(id),
    }
}

/// Where each page of the site lives, relative to the site root.
#[derive(Debug, Default)]
pub(crate) struct SiteMap {
    /// Full role-level id to its page.
    pub roles: HashMap<String, String>,
    /// (from, to) role-level ids to their comparison page.
    pub compares: HashMap<(String, String), String>,
}

/// Relative links from one page of the static site.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SiteLinks<'a> {
    /// The way back to the site's root from this page: "", "../" or "../../".
    pub root: &'a str,
    pub site: &'a SiteMap,
}

impl Links for SiteLinks<'_> {
    fn skill(&self, id: &str) -> Option<String> {
        Some(format!("{}skills.html#{}", self.root, skill_anchor(id)))
    }

    fn role(&self, id: &str) -> Option<String> {
        let path = self.site.roles.get(id)?;
        Some(format!("{}{path}", self.root))
    }

    fn compare(&self, from: &str, to: &str) -> Option<String> {
        let path = self.site.compares.get(&(from.to_owned(), to.to_owned()))?;
        Some(format!("{}{path}", self.root))
    }

    fn track(&self, id: &str) -> Option<String> {
        Some(format!("{}index.html#{}", self.root, track_anchor(id)))
    }
}

/// A file-name- and URL-safe form of an id that never maps two ids to one name: ASCII letters,
/// digits, `-` and `_` are kept and every other byte is written as `~xx`.
pub(crate) fn slug(id: &str) -> String {
    if id.is_empty() {
        return "~".to_owned();
    }
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push_str(&format!("~{b:02x}"));
        }
    }
    out
}

pub fn skill_anchor(id: &str) -> String {
    format!("skill-{}", slug(id))
}

pub(crate) fn track_anchor(id: &str) -> String {
    format!("track-{}", slug(id))
}

pub(crate) fn scale_anchor(id: &str) -> String {
    format!("scale-{}", slug(id))
}

/// One requirement row of a profile.
#[derive(Debug)]
pub struct RequirementView {
    pub skill_name: String,
    pub code: Option<String>,
    pub skill_href: Option<String>,
    pub level: String,
    pub importance: &'static str,
    /// "new", "raised", "inherited" or "lowered", for the badge's class.
    pub status: &'static str,
    /// The status in words, e.g. "Raised from Working".
    pub status_text: String,
    pub descriptor: Option<String>,
    /// The descriptor exists but may not be shown here.
    pub withheld: bool,
}

#[derive(Debug)]
pub struct InterviewView {
    pub name: String,
    pub weight: u32,
    pub description: Option<String>,
    pub anchors: Vec<(u8, String)>,
    pub guidance: Option<InterviewGuidance>,
}

/// Someone a role level works with, linked to their role level when they are one.
#[derive(Debug)]
pub struct PersonView {
    pub name: String,
    pub about: Option<String>,
    pub link: Option<Link>,
}

/// The stakeholders of a role level, peers linked to their role levels.
#[derive(Debug)]
pub struct StakeholdersView {
    pub teams: Vec<String>,
    pub internal: Vec<PersonView>,
    pub external: Vec<PersonView>,
    pub peers: Vec<PersonView>,
    pub upstream: Vec<String>,
    pub downstream: Vec<String>,
    pub ways_of_working: Vec<String>,
    pub escalations: Vec<Escalation>,
}

#[derive(Debug)]
pub struct SalaryView {
    pub range: String,
    pub note: Option<String>,
}

/// A section of a profile, and the level it is inherited from when the level does not write it.
#[derive(Debug)]
pub struct SectionView<T> {
    pub value: T,
    /// The earlier level of the track this section is taken from.
    pub from: Option<Link>,
}

/// A section of headed lists (environment, variants).
#[derive(Debug)]
pub struct GroupedView {
    /// The section's anchor on the page.
    pub id: &'static str,
    pub heading: &'static str,
    pub groups: Vec<ItemGroup>,
    pub from: Option<Link>,
}

/// The variants of one kind (by company size, industry…), each with its setting's name when it
/// has one of its own.
#[derive(Debug)]
pub struct VariantKindView {
    pub heading: &'static str,
    pub variants: Vec<(Option<String>, Vec<String>)>,
}

/// The variants of a role level by kind, in the order of [`VariantBy::ALL`].
pub fn variant_kinds(variants: &[Variant]) -> Vec<VariantKindView> {
    VariantBy::ALL
        .into_iter()
        .map(|by| VariantKindView {
            heading: by.heading(),
            variants: variants
                .iter()
                .filter(|v| v.by == by)
                .map(|v| (v.title().map(str::to_owned), v.items.clone()))
                .collect(),
        })
        .filter(|k| !k.variants.is_empty())
        .collect()
}

/// One entry of a long profile's list of contents: the anchor of a section and its heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentsEntry {
    pub anchor: &'static str,
    pub label: &'static str,
}

/// A profile with at least this many sections gets a list of contents.
pub const CONTENTS_FROM: usize = 5;

/// Everything a role-level page shows.
#[derive(Debug)]
pub struct ProfileView {
    pub id: String,
    pub title: String,
    pub track: Link,
    pub summary: Vec<Block>,
    pub scope: Vec<Block>,
    pub mappings: Vec<String>,
    pub counts: String,
    pub withheld_notes: Vec<String>,
    pub licensed_hint: bool,
    pub requirements: Vec<RequirementView>,
    pub responsibilities: Vec<ResponsibilityGroup>,
    pub behaviours: Vec<Behaviour>,
    pub kpis: Vec<Kpi>,
    pub kpi_notes: Vec<String>,
    pub decision_rights: Vec<DecisionTier>,
    pub tools: Vec<Tool>,
    /// How established the role is (and the level it is inherited from), and whom it reports to.
    pub horizon: Option<String>,
    pub horizon_from: Option<Link>,
    pub reports_to: Option<String>,
    pub stakeholders: Option<SectionView<StakeholdersView>>,
    pub qualifications: Option<SectionView<Qualifications>>,
    pub onboarding: Option<SectionView<Onboarding>>,
    pub high_performance: Option<SectionView<Vec<String>>>,
    pub failure_modes: Option<SectionView<FailureModes>>,
    pub automation: Option<SectionView<Automation>>,
    /// The working environment, when there is one.
    pub grouped: Vec<GroupedView>,
    pub variants: Option<SectionView<Vec<VariantKindView>>>,
    /// The introductions of sections.
    pub notes: Option<SectionNotes>,
    pub interview: Vec<InterviewView>,
    /// The guidance for the interview as a whole; each dimension has its own in `interview`.
    pub interview_guidance: Option<SectionView<InterviewGuidance>>,
    pub salary: Option<SalaryView>,
    /// What promotion from this level takes (linked to the next level), where people come from
    /// and move on to.
    pub promotion: Option<Promotion>,
    pub promotion_next: Option<Link>,
    /// The sections of a long profile, in page order; empty for a short one.
    pub contents: Vec<ContentsEntry>,
    pub previous: Option<Link>,
    pub next: Option<Link>,
    pub compare_previous: Option<String>,
    pub compare_next: Option<String>,
    /// Other role levels that name this one as their previous level, e.g. across tracks, with the
    /// comparison page for each step. Only the site knows these.
    pub also_next: Vec<(Link, Option<String>)>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Optional prose as paragraphs and lists; none when absent or blank.
fn prose(s: &Option<String>) -> Vec<Block> {
    s.as_deref().map(text::blocks).unwrap_or_default()
}

impl ProfileView {
    /// `licensed_hint`: follow each withheld-text note with how licence holders publish the text.
    pub fn new(fw: &Framework, p: &Profile, links: &dyn Links, licensed_hint: bool) -> Self {
        let requirements = p
            .requirements
            .iter()
            .map(|r| RequirementView {
                skill_name: r.skill_name.clone(),
                code: fw.skill(&r.skill).and_then(|s| s.code.clone()),
                skill_href: links.skill(&r.skill),
                level: text::level(r.level.as_str(), &r.level_label),
                importance: r.importance.as_str(),
                status: r.status.as_str(),
                status_text: text::status(fw, r),
                descriptor: nonempty(&r.descriptor),
                withheld: text::requirement_withheld(fw, r),
            })
            .collect();
        let sec = &p.sections;
        let from = |key: &str| {
            sec.inherited
                .get(key)
                .map(|level| role_link(fw, links, level))
        };
        let grouped = [(
            "environment",
            "environment",
            "Working environment",
            &sec.environment,
        )]
        .into_iter()
        .filter(|(_, _, _, groups)| !groups.is_empty())
        .map(|(key, id, heading, groups)| GroupedView {
            id,
            heading,
            groups: groups.clone(),
            from: from(key),
        })
        .collect();
        let variants = (!sec.variants.is_empty()).then(|| SectionView {
            value: variant_kinds(&sec.variants),
            from: from("variants"),
        });
        fn section<T: Clone>(value: &Option<T>, from: Option<Link>) -> Option<SectionView<T>> {
            value.clone().map(|value| SectionView { value, from })
        }
        let people = |list: &[Stakeholder]| -> Vec<PersonView> {
            list.iter()
                .map(|s| PersonView {
                    name: s.name.clone(),
                    about: nonempty(&s.about),
                    link: s.role_level.as_deref().map(|id| role_link(fw, links, id)),
                })
                .collect()
        };
        let stakeholders = sec.stakeholders.as_ref().map(|c| SectionView {
            value: StakeholdersView {
                teams: c.teams.clone(),
                internal: people(&c.internal),
                external: people(&c.external),
                peers: people(&c.peers),
                upstream: c.upstream.clone(),
                downstream: c.downstream.clone(),
                ways_of_working: c.ways_of_working.clone(),
                escalations: c.escalations.clone(),
            },
            from: from("stakeholders"),
        });
        let mut view = ProfileView {
            id: p.id.clone(),
            title: p.title.clone(),
            track: Link {
                text: p.track_name.clone(),
                href: links.track(&p.track),
            },
            summary: prose(&p.summary),
            scope: prose(&p.scope),
            mappings: p.mappings.iter().map(|m| text::mapping(fw, m)).collect(),
            counts: text::counts(p),
            withheld_notes: p
                .text_withheld
                .iter()
                .map(|source| text::profile_withheld_note(source))
                .chain(notes(fw, text::withheld_requirements(fw, p)))
                .collect(),
            licensed_hint,
            requirements,
            responsibilities: p.responsibilities.clone(),
            behaviours: p.behaviours.clone(),
            kpis: p.kpis.clone(),
            kpi_notes: sec.kpi_notes.clone(),
            decision_rights: p.decision_rights.clone(),
            tools: p.tools.clone(),
            horizon: nonempty(&sec.horizon),
            horizon_from: from("horizon"),
            reports_to: nonempty(&sec.reports_to),
            stakeholders,
            qualifications: section(&sec.qualifications, from("qualifications")),
            onboarding: section(&sec.onboarding, from("onboarding")),
            high_performance: (!sec.high_performance.is_empty()).then(|| SectionView {
                value: sec.high_performance.clone(),
                from: from("high_performance"),
            }),
            failure_modes: section(&sec.failure_modes, from("failure_modes")),
            automation: section(&sec.automation, from("automation")),
            grouped,
            variants,
            notes: sec.notes.clone(),
            interview_guidance: section(&sec.interview_guidance, from("interview_guidance")),
            promotion: sec.promotion.clone(),
            promotion_next: sec
                .promotion
                .as_ref()
                .and_then(|c| c.next.as_deref())
                .map(|id| role_link(fw, links, id)),
            contents: Vec::new(),
            interview: p
                .interview
                .iter()
                .map(|d| {
                    let mut anchors: Vec<(u8, String)> =
                        d.anchors.iter().map(|(k, v)| (*k, v.clone())).collect();
                    anchors.sort_by_key(|(k, _)| *k);
                    InterviewView {
                        name: d.name.clone(),
                        weight: d.weight,
                        description: nonempty(&d.description),
                        anchors,
                        guidance: d.interview_guidance.clone(),
                    }
                })
                .collect(),
            salary: p.salary.as_ref().map(|s| SalaryView {
                range: text::salary(s),
                note: nonempty(&s.note),
            }),
            previous: p.previous.as_deref().map(|id| role_link(fw, links, id)),
            next: p.next.as_deref().map(|id| role_link(fw, links, id)),
            compare_previous: p
                .previous
                .as_deref()
                .and_then(|prev| links.compare(prev, &p.id)),
            compare_next: p
                .next
                .as_deref()
                .and_then(|next| links.compare(&p.id, next)),
            also_next: Vec::new(),
        };
        view.update_contents();
        view
    }

    /// Lists the page's sections in `contents` when there are enough of them for a list to help.
    /// Call again after changing the view (the site adds `also_next`).
    pub fn update_contents(&mut self) {
        self.contents = self.sections();
        if self.contents.len() < CONTENTS_FROM {
            self.contents.clear();
        }
    }

    /// The introduction of the section `key` as prose; empty when it has none.
    pub fn note(&self, key: &str) -> Vec<Block> {
        self.notes
            .as_ref()
            .and_then(|n| n.get(key))
            .map(text::blocks)
            .unwrap_or_default()
    }

    /// Whether the page has interview guidance: the level's, or a dimension's.
    pub fn has_interview_guidance(&self) -> bool {
        self.interview_guidance.is_some() || self.interview.iter().any(|d| d.guidance.is_some())
    }

    /// The sections this page shows, in page order.
    pub fn sections(&self) -> Vec<ContentsEntry> {
        let entry = |anchor, label| ContentsEntry { anchor, label };
        let career_links =
            self.previous.is_some() || self.next.is_some() || !self.also_next.is_empty();
        let mut out: Vec<ContentsEntry> = [
            (
                !self.mappings.is_empty(),
                entry("equivalent-levels", "Equivalent levels"),
            ),
            (!self.scope.is_empty(), entry("scope", "Scope")),
            (
                !self.requirements.is_empty(),
                entry("skills", "Skill requirements"),
            ),
            (
                !self.responsibilities.is_empty(),
                entry("responsibilities", "Responsibilities"),
            ),
            (
                !self.behaviours.is_empty(),
                entry("behaviours", "Behaviours"),
            ),
            (
                !self.kpis.is_empty() || !self.kpi_notes.is_empty(),
                entry("kpis", "Key performance indicators"),
            ),
            (
                !self.decision_rights.is_empty(),
                entry("decision-rights", "Decision rights"),
            ),
            (!self.tools.is_empty(), entry("tools", "Tools")),
            (
                self.stakeholders.is_some(),
                entry("stakeholders", "Stakeholders"),
            ),
            (
                self.qualifications.is_some(),
                entry("qualifications", "Qualifications"),
            ),
            (self.onboarding.is_some(), entry("onboarding", "Onboarding")),
            (
                self.high_performance.is_some(),
                entry("high-performance", "High performance"),
            ),
            (
                self.failure_modes.is_some(),
                entry("failure-modes", "Failure modes"),
            ),
            (self.automation.is_some(), entry("automation", "Automation")),
        ]
        .into_iter()
        .filter(|(shown, _)| *shown)
        .map(|(_, e)| e)
        .collect();
        out.extend(self.grouped.iter().map(|g| entry(g.id, g.heading)));
        if self.variants.is_some() {
            out.push(entry("variants", "Role variants"));
        }
        out.extend(
            [
                (
                    !self.interview.is_empty(),
                    entry("interview", "Interview scorecard"),
                ),
                (
                    self.has_interview_guidance(),
                    entry("interview-guidance", "Interview guidance"),
                ),
                (self.salary.is_some(), entry("salary", "Salary band")),
                (self.promotion.is_some(), entry("promotion", "Promotion")),
                (career_links, entry("career-path", "Career path")),
            ]
            .into_iter()
            .filter(|(shown, _)| *shown)
            .map(|(_, e)| e),
        );
        out
    }
}

/// One note per source whose text is withheld from these skills.
pub(crate) fn notes<'s>(fw: &Framework, skills: impl IntoIterator<Item = &'s str>) -> Vec<String> {
    text::sources_of(fw, skills)
        .into_iter()
        .map(text::withheld_note)
        .collect()
}

/// One requirement that changes between two role levels.
#[derive(Debug)]
pub struct ChangeView {
    pub skill_name: String,
    pub code: Option<String>,
    pub skill_href: Option<String>,
    pub from: String,
    pub to: String,
    pub importance: &'static str,
    pub from_descriptor: Option<String>,
    pub to_descriptor: Option<String>,
    pub withheld: bool,
}

#[derive(Debug)]
pub struct ChangeGroup {
    pub id: &'static str,
    pub heading: &'static str,
    pub changes: Vec<ChangeView>,
}

#[derive(Debug)]
pub struct ListView {
    pub id: &'static str,
    pub heading: &'static str,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// Everything a comparison page shows.
#[derive(Debug)]
pub struct DiffView {
    pub from: Link,
    pub to: Link,
    pub summary: String,
    pub withheld_notes: Vec<String>,
    pub licensed_hint: bool,
    pub groups: Vec<ChangeGroup>,
    pub unchanged: usize,
    pub lists: Vec<ListView>,
}

impl DiffView {
    pub fn new(fw: &Framework, d: &Diff, links: &dyn Links, licensed_hint: bool) -> Self {
        let change = |c: &RequirementChange| {
            let level = |id: &Option<trellis_model::LevelId>, label: &Option<String>| {
                id.as_ref().map_or_else(
                    || "Not required".to_owned(),
                    |id| text::level(id.as_str(), label.as_deref().unwrap_or("")),
                )
            };
            ChangeView {
                skill_name: c.skill_name.clone(),
                code: fw.skill(&c.skill).and_then(|s| s.code.clone()),
                skill_href: links.skill(&c.skill),
                from: level(&c.from_level, &c.from_label),
                to: level(&c.to_level, &c.to_label),
                importance: c.importance.as_str(),
                from_descriptor: nonempty(&c.from_descriptor),
                to_descriptor: nonempty(&c.to_descriptor),
                withheld: text::change_withheld(fw, c),
            }
        };
        let groups = [
            ("added", "Added requirements", &d.added),
            ("raised", "Raised requirements", &d.raised),
            ("lowered", "Lowered requirements", &d.lowered),
            ("removed", "Removed requirements", &d.removed),
        ]
        .into_iter()
        .filter(|(_, _, cs)| !cs.is_empty())
        .map(|(id, heading, cs)| ChangeGroup {
            id,
            heading,
            changes: cs.iter().map(change).collect(),
        })
        .collect();
        let list = |id, heading, l: &ListChange| ListView {
            id,
            heading,
            added: l.added.clone(),
            removed: l.removed.clone(),
        };
        let lists = [
            list("responsibilities", "Responsibilities", &d.responsibilities),
            list("behaviours", "Behaviours", &d.behaviours),
            list("kpis", "KPIs", &d.kpis),
            list("decision-rights", "Decision rights", &d.decision_rights),
        ]
        .into_iter()
        .chain(
            d.sections
                .lists()
                .into_iter()
                .map(|(id, heading, l)| list(id, heading, l)),
        )
        .filter(|l| !l.added.is_empty() || !l.removed.is_empty())
        .collect();
        DiffView {
            from: Link {
                text: d.from_title.clone(),
                href: links.role(&d.from),
            },
            to: Link {
                text: d.to_title.clone(),
                href: links.role(&d.to),
            },
            summary: text::diff_summary(d),
            withheld_notes: notes(fw, text::withheld_changes(fw, d)),
            licensed_hint,
            groups,
            unchanged: d.unchanged,
            lists,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_and_distinct() {
        assert_eq!(slug("senior-pm_2"), "senior-pm_2");
        assert_eq!(slug("a/b"), "a~2fb");
        assert_eq!(slug("a.b"), "a~2eb");
        assert_eq!(slug(""), "~");
        assert_ne!(slug("a~2fb"), slug("a/b"));
        assert_eq!(slug("é"), "~c3~a9");
    }
}
