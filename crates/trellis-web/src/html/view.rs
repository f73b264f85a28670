//! Small pieces the page structs share: field errors, wording of levels and dates, links.

use trellis_model::{EffectiveRequirement, Framework, LevelMapping, Status};

/// One choice of a select: the value the form sends and the label shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// A problem with one field of a submitted form.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub field: String,
    pub message: String,
}

/// Problems with a submitted form, by field name, shown next to each field.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn get(&self, field: impl AsRef<str>) -> Option<&str> {
        let field = field.as_ref();
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn all(&self) -> &[FieldError] {
        &self.0
    }
}

pub(crate) use trellis_app::growth::level_text;

fn skill_level_label(fw: &Framework, skill: &str, level: &str) -> String {
    fw.skill(skill)
        .and_then(|s| fw.scale(&s.scale))
        .and_then(|sc| sc.level(level))
        .map(|l| l.label.clone())
        .unwrap_or_default()
}

/// "New", "Raised from 2 (Working)" or "Inherited".
pub(crate) fn status_text(fw: &Framework, r: &EffectiveRequirement) -> String {
    match (r.status, &r.previous_level) {
        (Status::New, _) => "New".to_owned(),
        (Status::Raised, Some(prev)) => format!(
            "Raised from {}",
            level_text(
                prev.as_str(),
                &skill_level_label(fw, &r.skill, prev.as_str())
            )
        ),
        (Status::Raised, None) => "Raised".to_owned(),
        (Status::Inherited, _) => "Inherited".to_owned(),
        // Asks less than the level before (allowed with a `regression_reason`): both levels named.
        (Status::Lowered, prev) => format!(
            "Lowered from {} to {}",
            prev.as_ref().map_or_else(String::new, |p| level_text(
                p.as_str(),
                &skill_level_label(fw, &r.skill, p.as_str())
            )),
            level_text(r.level.as_str(), &r.level_label)
        ),
    }
}

/// "SFIA level 5", with the note when there is one.
pub(crate) fn mapping_text(fw: &Framework, m: &LevelMapping) -> String {
    let name = fw
        .source(&m.source)
        .map_or(m.source.as_str(), |s| s.name.as_str());
    let mut out = format!("{name} level {}", m.level);
    if let Some(note) = m.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        out.push_str(": ");
        out.push_str(note);
    }
    out
}

/// 1234567 as "1,234,567".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The page of a role level in a framework version ("current" or an id).
pub(crate) fn profile_href(version: &str, role_level: &str) -> String {
    format!("/frameworks/{version}/role-levels/{role_level}")
}

pub(crate) fn compare_href(version: &str, from: &str, to: &str) -> String {
    format!(
        "/frameworks/{version}/compare?{}",
        serde_urlencoded::to_string([("from", from), ("to", to)]).unwrap_or_default()
    )
}

/// A role level's title, or its id when the framework does not have it.
pub(crate) fn role_title(fw: &Framework, id: &str) -> String {
    fw.role_level(id)
        .map(|(_, _, l)| l.title.clone())
        .unwrap_or_else(|| id.to_owned())
}

/// "Senior Product Manager (Product)".
pub(crate) fn role_title_with_track(fw: &Framework, id: &str) -> String {
    match fw.role_level(id) {
        Some((t, _, l)) => format!("{} ({})", l.title, t.name),
        None => id.to_owned(),
    }
}

/// Every role level as a choice labelled "Title (Track)", in track order, for selects.
pub(crate) fn role_level_options(fw: &Framework) -> Vec<Choice> {
    fw.role_levels()
        .map(|(id, t, l)| Choice::new(id, format!("{} ({})", l.title, t.name)))
        .collect()
}
