//! Importers: the formats organisations already have, read into one framework model.
//!
//! Each importer turns its inputs into a [`Framework`] plus an [`ImportReport`] of what it found,
//! repaired and skipped. Defects of the source (template leaks, junk tails, mojibake, sentinels,
//! duplicates) are reported, not copied. The caller writes the framework with [`crate::write`] and checks
//! it like any other.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;
use trellis_model::Framework;

pub mod blueprint;
pub mod csv_table;
pub mod ddat;
pub mod ddat_text;
pub mod detect;
mod links;
pub mod madetech;
pub mod markdown_util;
pub mod monzo;
pub mod sfia;
pub mod sfia_pages;
pub mod text;
pub mod walk;
pub mod xlsx;

/// One input file, already read.
#[derive(Debug, Clone)]
pub struct Input {
    /// The path as the user gave it, for messages.
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl Input {
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }
}

/// The formats `trellis import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Sfia,
    Ddat,
    Monzo,
    SfiaPages,
    Madetech,
    DdatText,
    Blueprint,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Sfia,
        Format::Ddat,
        Format::Monzo,
        Format::SfiaPages,
        Format::Madetech,
        Format::DdatText,
        Format::Blueprint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Sfia => "sfia",
            Format::Ddat => "ddat",
            Format::Monzo => "monzo",
            Format::SfiaPages => "sfia-pages",
            Format::Madetech => "madetech",
            Format::DdatText => "ddat-text",
            Format::Blueprint => "blueprint",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Settings that apply to some importers.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The framework's name; each importer has a default.
    pub name: Option<String>,
    /// DDaT: the seniority order of role levels, one title per line, most junior first.
    pub level_order: Option<Input>,
}

/// Something the importer noticed about the source: a defect it repaired or reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportWarning {
    /// A short stable kind, e.g. `template-leak`, `junk-tail`, `mojibake`, `duplicate-row`, `sentinel`.
    pub kind: String,
    pub message: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// Something in the source that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub what: String,
    pub why: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Skipped {
    pub fn new(
        what: impl Into<String>,
        why: impl Into<String>,
        file: &str,
        line: Option<usize>,
    ) -> Self {
        Skipped {
            what: what.into(),
            why: why.into(),
            file: file.into(),
            line,
        }
    }
}

/// The seniority order used for one track, and where it came from (DDaT has none of its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelOrder {
    pub track: String,
    pub levels: Vec<String>,
    /// How the order was decided, e.g. "--level-order file" or "inferred from title words".
    pub rule: String,
}

/// What an import produced: counts, warnings, what was skipped and why.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ImportReport {
    pub format: String,
    /// True when the format was detected by `auto`.
    pub detected: bool,
    pub inputs: Vec<String>,
    pub counts: Counts,
    pub warnings: Vec<ImportWarning>,
    pub skipped: Vec<Skipped>,
    /// Names that could have been links to role levels but stay text where they are (a career
    /// path's roles, a peer), because no role level of the import matches them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unlinked: Vec<Skipped>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub level_orders: Vec<LevelOrder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub skills: usize,
    pub tracks: usize,
    pub role_levels: usize,
    pub requirements: usize,
    pub responsibilities: usize,
    pub behaviours: usize,
    pub kpis: usize,
    pub decision_rights: usize,
    pub tools: usize,
    pub interview_dimensions: usize,
    /// Internal and external stakeholders.
    pub stakeholders: usize,
    /// The entries of the other blueprint sections: teams, peers, dependencies, ways of working
    /// and escalations; environment, experience, risks, variants and AI impact; the career path;
    /// the hiring guidance; notes on KPIs.
    pub section_items: usize,
}

impl Counts {
    pub fn of(fw: &Framework) -> Counts {
        let levels = || fw.tracks.iter().flat_map(|t| &t.levels);
        Counts {
            skills: fw.skills.len(),
            tracks: fw.tracks.len(),
            role_levels: levels().count(),
            requirements: levels().map(|l| l.requirements.len()).sum(),
            responsibilities: levels()
                .flat_map(|l| &l.responsibilities)
                .map(|g| g.items.len())
                .sum(),
            behaviours: levels().map(|l| l.behaviours.len()).sum(),
            kpis: levels().map(|l| l.kpis.len()).sum(),
            decision_rights: levels()
                .flat_map(|l| &l.decision_rights)
                .map(|t| t.items.len())
                .sum(),
            tools: levels().map(|l| l.tools.len()).sum(),
            interview_dimensions: levels().map(|l| l.interview.len()).sum(),
            stakeholders: levels()
                .filter_map(|l| l.stakeholders.as_ref())
                .map(|c| c.internal.len() + c.external.len())
                .sum(),
            section_items: levels().map(section_items).sum(),
        }
    }
}

/// The entries of a level's blueprint sections other than its internal and external stakeholders:
/// every text in them but group headings, the required/preferred marks and what variants vary by,
/// interview dimensions' guidance included.
fn section_items(l: &trellis_model::RoleLevel) -> usize {
    fn leaves(v: &serde_json::Value, key: &str) -> usize {
        match v {
            serde_json::Value::String(_) => {
                usize::from(key != "group" && key != "need" && key != "by")
            }
            serde_json::Value::Array(a) => a.iter().map(|v| leaves(v, key)).sum(),
            serde_json::Value::Object(o) => o.iter().map(|(k, v)| leaves(v, k)).sum(),
            _ => 0,
        }
    }
    let mut sections = l.clone();
    if let Some(s) = &mut sections.stakeholders {
        s.internal.clear();
        s.external.clear();
    }
    let v = serde_json::to_value(&sections).unwrap_or_default();
    let own: usize = trellis_model::sections::profile::KEYS
        .iter()
        .map(|k| v.get(*k).map_or(0, |v| leaves(v, k)))
        .sum();
    let dims: usize = l
        .interview
        .iter()
        .filter_map(|d| d.interview_guidance.as_ref())
        .map(|g| leaves(&serde_json::to_value(g).unwrap_or_default(), ""))
        .sum();
    own + dims
}

impl ImportReport {
    pub fn warn(
        &mut self,
        kind: &str,
        message: impl Into<String>,
        file: &str,
        line: Option<usize>,
    ) {
        self.warnings.push(ImportWarning {
            kind: kind.into(),
            message: message.into(),
            file: file.into(),
            line,
        });
    }

    pub fn skip(
        &mut self,
        what: impl Into<String>,
        why: impl Into<String>,
        file: &str,
        line: Option<usize>,
    ) {
        self.skipped.push(Skipped::new(what, why, file, line));
    }
}

/// A framework and the report of how it was read.
#[derive(Debug, Clone)]
pub struct Imported {
    pub framework: Framework,
    pub report: ImportReport,
}

/// Why an input could not be imported at all. Always names the file, and the line when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        file: String,
        line: Option<usize>,
        message: String,
    },
    #[error("no input files given")]
    NoInput,
    #[error("{file}: could not tell which format this is; {hint}")]
    Undetected { file: String, hint: String },
}

impl ImportError {
    pub fn invalid(file: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        ImportError::Invalid {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}

/// An input as UTF-8 text (a BOM is dropped), or says where it stops being text. [`import`] has
/// transcoded every input to UTF-8 with [`text::decode_inputs`] before an importer calls this.
pub fn text(input: &Input) -> Result<&str, ImportError> {
    let file = input.name();
    if input.bytes.is_empty() || input.bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::invalid(&file, None, "the file is empty"));
    }
    let text = std::str::from_utf8(&input.bytes).map_err(|e| {
        let before = &input.bytes[..e.valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        ImportError::invalid(
            &file,
            Some(line),
            "not UTF-8 text (binary data, or another encoding such as Windows-1252: save it as UTF-8)",
        )
    })?;
    if text.contains('\0') {
        let line = text[..text.find('\0').unwrap_or(0)].lines().count().max(1);
        return Err(ImportError::invalid(
            &file,
            Some(line),
            "binary data, not text",
        ));
    }
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The inputs an importer was given, refused when there are none: nothing is read from nothing.
pub(crate) fn given(inputs: &[Input]) -> Result<&[Input], ImportError> {
    if inputs.is_empty() {
        return Err(ImportError::NoInput);
    }
    Ok(inputs)
}

/// Each input read by `read`, in order, stopping at the first that cannot be; refused when there
/// are no inputs.
pub(crate) fn read_each<T>(
    inputs: &[Input],
    read: impl FnMut(&Input) -> Result<T, ImportError>,
) -> Result<Vec<T>, ImportError> {
    given(inputs)?.iter().map(read).collect()
}

/// Runs the importer for `format` on `inputs`.
pub fn import(
    format: Format,
    inputs: &[Input],
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    if inputs.is_empty() {
        return Err(ImportError::NoInput);
    }
    let mut report = ImportReport {
        format: format.as_str().into(),
        inputs: inputs.iter().map(Input::name).collect(),
        ..ImportReport::default()
    };
    // Every file in every format goes through the one decoder: encodings other than UTF-8 are
    // transcoded and reported, binary files refused.
    let (inputs, options) = text::decode_inputs(format, inputs, options, &mut report)?;
    let (inputs, options) = (&*inputs, &*options);
    let framework = match format {
        Format::Sfia => sfia::import(inputs, options, &mut report)?,
        Format::Ddat => ddat::import(inputs, options, &mut report)?,
        Format::Monzo => monzo::import(inputs, options, &mut report)?,
        Format::SfiaPages => sfia_pages::import(inputs, options, &mut report)?,
        Format::Madetech => madetech::import(inputs, options, &mut report)?,
        Format::DdatText => ddat_text::import(inputs, options, &mut report)?,
        Format::Blueprint => blueprint::import(inputs, options, &mut report)?,
    };
    let mut framework = framework;
    links::link_role_levels(&mut framework);
    report.counts = Counts::of(&framework);
    Ok(Imported { framework, report })
}
