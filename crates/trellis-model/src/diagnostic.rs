//! Diagnostics: what `trellis check` reports, with stable codes.
//!
//! The model knows where in the framework a problem is (a [`Pointer`] such as
//! `tracks/1/levels/2/requirements/0/skill`); the file loader turns that into file, line and column.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One segment of a [`Pointer`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(&'static str),
    /// A map key chosen by the author, e.g. a level id in a skill's `levels`.
    Name(String),
    Index(usize),
}

impl fmt::Display for Seg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seg::Key(k) => f.write_str(k),
            Seg::Name(n) => f.write_str(n),
            Seg::Index(i) => write!(f, "{i}"),
        }
    }
}

/// A path into a [`crate::Framework`], e.g. `skills/3/levels/5`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Pointer(pub Vec<Seg>);

impl Pointer {
    pub fn new(segs: impl IntoIterator<Item = Seg>) -> Self {
        Pointer(segs.into_iter().collect())
    }

    pub fn skill(index: usize) -> Self {
        Pointer(vec![Seg::Key("skills"), Seg::Index(index)])
    }

    pub fn role_level(track: usize, level: usize) -> Self {
        Pointer(vec![
            Seg::Key("tracks"),
            Seg::Index(track),
            Seg::Key("levels"),
            Seg::Index(level),
        ])
    }

    /// This pointer with more segments appended.
    pub fn join(&self, more: impl IntoIterator<Item = Seg>) -> Self {
        let mut segs = self.0.clone();
        segs.extend(more);
        Pointer(segs)
    }

    pub fn key(&self, key: &'static str) -> Self {
        self.join([Seg::Key(key)])
    }

    pub fn index(&self, index: usize) -> Self {
        self.join([Seg::Index(index)])
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            seg.fmt(f)?;
        }
        Ok(())
    }
}

/// The stable diagnostic codes. Codes never change meaning; retired codes are not reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// T0001: a file could not be read.
    Io,
    /// T0002: the file is not well-formed YAML.
    Syntax,
    /// T0003: a field the format does not know.
    UnknownField,
    /// T0004: a value of the wrong type, or a required field missing.
    InvalidValue,
    /// T0005: a file is not valid UTF-8 text.
    Encoding,
    /// T0101: two things share an id.
    DuplicateId,
    /// T0201: a reference to a skill that does not exist.
    UnknownSkill,
    /// T0202: a reference to a scale that does not exist.
    UnknownScale,
    /// T0203: a level that is not on the scale.
    UnknownLevel,
    /// T0204: a reference to a role level that does not exist.
    UnknownRoleLevel,
    /// T0205: a reference to a source that does not exist.
    UnknownSource,
    /// T0206: a requirement at a level where the skill has no descriptor.
    LevelNotDefined,
    /// T0301: interview weights do not sum to 100.
    InterviewWeights,
    /// T0302: an interview anchor for a score outside 1-5.
    InterviewAnchor,
    /// T0303: a salary band whose minimum exceeds its maximum.
    SalaryBand,
    /// T0401: a level requires less of a skill than the level before it.
    Regression,
    /// T0402: a level stops requiring a skill the level before it required.
    DroppedSkill,
    /// T0501: previous/next links that disagree with each other.
    BrokenLink,
    /// W0101: a section with nothing in it.
    EmptySection,
    /// W0102: a role level with more requirements than a person can hold in mind.
    TooManyRequirements,
    /// W0201: a role level's text names a role from another track.
    TemplateLeak,
    /// W0202: trailing text unrelated to the profile, such as an advert.
    JunkTail,
    /// W0203: text that was UTF-8 read as Windows-1252.
    Mojibake,
    /// W0301: a track or framework with no role levels or skills.
    EmptyFramework,
}

impl Code {
    pub const ALL: [Code; 24] = [
        Code::Io,
        Code::Syntax,
        Code::UnknownField,
        Code::InvalidValue,
        Code::Encoding,
        Code::DuplicateId,
        Code::UnknownSkill,
        Code::UnknownScale,
        Code::UnknownLevel,
        Code::UnknownRoleLevel,
        Code::UnknownSource,
        Code::LevelNotDefined,
        Code::InterviewWeights,
        Code::InterviewAnchor,
        Code::SalaryBand,
        Code::Regression,
        Code::DroppedSkill,
        Code::BrokenLink,
        Code::EmptySection,
        Code::TooManyRequirements,
        Code::TemplateLeak,
        Code::JunkTail,
        Code::Mojibake,
        Code::EmptyFramework,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "T0001",
            Code::Syntax => "T0002",
            Code::UnknownField => "T0003",
            Code::InvalidValue => "T0004",
            Code::Encoding => "T0005",
            Code::DuplicateId => "T0101",
            Code::UnknownSkill => "T0201",
            Code::UnknownScale => "T0202",
            Code::UnknownLevel => "T0203",
            Code::UnknownRoleLevel => "T0204",
            Code::UnknownSource => "T0205",
            Code::LevelNotDefined => "T0206",
            Code::InterviewWeights => "T0301",
            Code::InterviewAnchor => "T0302",
            Code::SalaryBand => "T0303",
            Code::Regression => "T0401",
            Code::DroppedSkill => "T0402",
            Code::BrokenLink => "T0501",
            Code::EmptySection => "W0101",
            Code::TooManyRequirements => "W0102",
            Code::TemplateLeak => "W0201",
            Code::JunkTail => "W0202",
            Code::Mojibake => "W0203",
            Code::EmptyFramework => "W0301",
        }
    }

    /// Errors block; warnings (the `W` codes) never do.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    pub fn parse(code: &str) -> Option<Code> {
        Code::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(code))
    }

    /// A longer explanation, for `trellis check --explain CODE`.
    pub fn explanation(self) -> &'static str {
        match self {
            Code::Io => {
                "A file of the framework could not be read: it is missing, or a directory, or not readable."
            }
            Code::Syntax => {
                "The file is not well-formed YAML. The position points at where the parser gave up; the mistake is often just before it (a missing colon, a tab, an unclosed quote or bad indentation)."
            }
            Code::UnknownField => {
                "The file has a field the framework format does not know. It is usually a typo; the hint suggests the closest known field. Unknown fields are errors so that nothing an author writes is silently ignored."
            }
            Code::InvalidValue => {
                "A value has the wrong type (a list where text is expected, a word where a number is expected) or a required field is missing."
            }
            Code::Encoding => "The file is not UTF-8 text. Save it as UTF-8.",
            Code::DuplicateId => {
                "Two sources, scales, levels, skills, tracks or role levels share an id. Ids must be unique so that references are unambiguous."
            }
            Code::UnknownSkill => {
                "A requirement or dropped skill names a skill id that no skill has."
            }
            Code::UnknownScale => "A skill or source names a scale id that no scale has.",
            Code::UnknownLevel => {
                "A level is not on the scale it should be on: a requirement above the top of its skill's scale, a descriptor for a level the scale lacks, or a mapping to a level the other framework does not have."
            }
            Code::UnknownRoleLevel => {
                "A previous or next link names a role level that does not exist. Links use full ids: `track/level`."
            }
            Code::UnknownSource => {
                "A skill or mapping names a source id that is not declared in framework.yaml."
            }
            Code::LevelNotDefined => {
                "A requirement asks for a skill at a level where the skill has no descriptor. Skills may be sparse (defined at some levels only); require a level where the skill is defined, or add a descriptor for that level."
            }
            Code::InterviewWeights => {
                "The interview dimensions of a role level must have weights that sum to 100, so that scores are comparable across candidates."
            }
            Code::InterviewAnchor => {
                "Interview anchors describe scores 1 to 5; this one is outside that range."
            }
            Code::SalaryBand => "A salary band's minimum is above its maximum.",
            Code::Regression => {
                "Levels are cumulative: a level should not require less of a skill than the level before it. If this is deliberate, say why with `regression_reason` on the requirement."
            }
            Code::DroppedSkill => {
                "A level stops requiring a skill the level before it required. If this is deliberate, list the skill under `drops` with a reason."
            }
            Code::BrokenLink => {
                "Previous and next links should agree: if A says its next level is B, B's previous level should be A."
            }
            Code::EmptySection => {
                "A section is present but has nothing in it. Fill it in or remove it, so readers do not wonder what is missing."
            }
            Code::TooManyRequirements => {
                "More than 15 requirements in one role level is more than a person can work on at once. Consider which are critical."
            }
            Code::TemplateLeak => {
                "A role level's text names a role from another track, which usually means text was copied from another profile's template."
            }
            Code::JunkTail => {
                "Text at the end of a field looks unrelated to the profile (an advert, a link farm, a call to action), which usually means it was scraped along with the page."
            }
            Code::Mojibake => {
                "The text contains sequences such as `â€™` produced when UTF-8 is read as Windows-1252. The hint shows the repaired text."
            }
            Code::EmptyFramework => "The framework or a track has nothing in it.",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where a diagnostic points in a file. Lines and columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// One finding of `trellis check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    pub hint: Option<String>,
    /// Where in the model the problem is, when the problem is in the model.
    pub pointer: Option<Pointer>,
    /// Where in a file the problem is, once resolved by the loader.
    pub location: Option<Location>,
    /// Another place the message refers to, such as the first of two duplicates.
    pub related: Option<Pointer>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            hint: None,
            pointer: None,
            location: None,
            related: None,
        }
    }

    pub fn at(mut self, pointer: Pointer) -> Self {
        self.pointer = Some(pointer);
        self
    }

    pub fn related(mut self, pointer: Pointer) -> Self {
        self.related = Some(pointer);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn located(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

/// "did you mean …?" for a misspelt name, when one candidate is close enough.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate code {code}");
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert!(!code.explanation().is_empty());
        }
        assert_eq!(Code::Regression.severity(), Severity::Error);
        assert_eq!(Code::Mojibake.severity(), Severity::Warning);
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("requirments", ["requirements", "responsibilities"]).as_deref(),
            Some("did you mean `requirements`?")
        );
        assert_eq!(did_you_mean("zzz", ["requirements"]), None);
    }
}
