//! Writing a framework as files: readable, diffable YAML in the layout [`crate::load`] reads.
//!
//! The emitter is small on purpose: the model serializes to JSON values, and those are written as
//! block YAML with plain scalars where that is unambiguous, `|` blocks for multi-line prose and
//! double quotes otherwise, so that what is written reads back to the same model.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use trellis_model::{Framework, SkillsFile};

/// Renders any serializable value as a YAML document.
pub fn to_yaml<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let value = serde_json::to_value(value)?;
    let mut out = String::new();
    match &value {
        Value::Object(map) if !map.is_empty() => emit_object(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => emit_array(items, 0, &mut out),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    Ok(out)
}

fn emit_object(map: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (i, (key, value)) in map.iter().enumerate() {
        // The first key of a list item follows its `- ` on the same line.
        if i > 0 || !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&key_text(key));
        out.push(':');
        emit_value(value, indent, out);
    }
}

fn emit_array(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => emit_object(map, indent + 2, out),
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_array(inner, indent + 2, out);
            }
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

/// Writes what follows `key:`.
fn emit_value(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            emit_object(map, indent + 2, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            emit_array(items, indent + 2, out);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent + 2));
            out.push('\n');
        }
    }
}

fn scalar(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, indent),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn key_text(key: &str) -> String {
    if is_plain(key) {
        key.to_owned()
    } else {
        quoted(key)
    }
}

fn string(s: &str, indent: usize) -> String {
    if is_plain(s) {
        return s.to_owned();
    }
    if s.contains('\n') && literal_safe(s) {
        let body = s.strip_suffix('\n').unwrap_or(s);
        let chomp = if s.ends_with('\n') { "" } else { "-" };
        let pad = " ".repeat(indent);
        let mut out = format!("|{chomp}");
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
                out.push_str(line);
            }
        }
        return out;
    }
    quoted(s)
}

fn quoted(s: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar.
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a `|` block reproduces `s` exactly.
fn literal_safe(s: &str) -> bool {
    let body = s.strip_suffix('\n').unwrap_or(s);
    !body.is_empty()
        && !body.starts_with([' ', '\t', '\n'])
        && !body.ends_with('\n')
        && !s.chars().any(|c| c.is_control() && c != '\n')
        && !s.contains(['\u{feff}', '\u{2028}', '\u{2029}', '\u{85}'])
        && body.split('\n').all(|l| l == l.trim_end())
}

/// Whether `s` can be written unquoted and read back as the same text.
fn is_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s != s.trim() || s.contains(['\n', '\r', '\t']) || s.chars().any(|c| c.is_control()) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
    {
        return false;
    }
    if s.contains(['\u{feff}', '\u{2028}', '\u{2029}', '\u{85}', '\u{a0}']) {
        return false;
    }
    // Words YAML tools read as something other than text.
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || s.parse::<f64>().is_ok()
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || lower.starts_with(".inf")
        || lower.starts_with(".nan")
        || lower.starts_with("-.inf")
    {
        return false;
    }
    true
}

/// Why a framework could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} exists and is not empty; choose a new directory")]
    NotEmpty(PathBuf),
    #[error("could not serialize the framework: {0}")]
    Serialize(#[from] serde_json::Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The files of a framework directory: `framework.yaml`, one skills file per category and one file
/// per track, as (relative path, YAML text).
pub fn framework_files(fw: &Framework) -> Result<Vec<(String, String)>, WriteError> {
    let header = Framework {
        skills: vec![],
        tracks: vec![],
        ..fw.clone()
    };
    let mut files = vec![(crate::load::FRAMEWORK_FILE.to_owned(), to_yaml(&header)?)];
    let mut by_file: Vec<(String, SkillsFile)> = Vec::new();
    for skill in &fw.skills {
        let name = format!(
            "skills/{}.yaml",
            slug(skill.category.as_deref().unwrap_or("skills"))
        );
        match by_file.iter_mut().find(|(n, _)| *n == name) {
            Some((_, file)) => file.skills.push(skill.clone()),
            None => by_file.push((
                name,
                SkillsFile {
                    skills: vec![skill.clone()],
                },
            )),
        }
    }
    for (name, file) in by_file {
        files.push((name, to_yaml(&file)?));
    }
    for track in &fw.tracks {
        let mut name = format!("tracks/{}.yaml", slug(&track.id));
        // Ids that differ only in punctuation would share a file name.
        let mut n = 1;
        while files.iter().any(|(f, _)| *f == name) {
            n += 1;
            name = format!("tracks/{}-{n}.yaml", slug(&track.id));
        }
        files.push((name, to_yaml(track)?));
    }
    Ok(files)
}

/// A file-name-safe slug: lowercase letters, digits and hyphens.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "unnamed".into()
    } else {
        out
    }
}

/// Writes the framework into `out`, which must not exist or be empty. The files are written into a
/// sibling temporary directory first and moved into place at the end, so a failure never leaves half a
/// framework behind.
pub fn write_dir(fw: &Framework, out: &Path) -> Result<(), WriteError> {
    let files = framework_files(fw)?;
    if out.exists() {
        let mut entries = std::fs::read_dir(out).map_err(io(out))?;
        if entries.next().is_some() {
            return Err(WriteError::NotEmpty(out.to_owned()));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "framework".into());
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| {
        for (path, text) in &files {
            let path = staging.join(path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io(dir))?;
            }
            std::fs::write(&path, text).map_err(io(&path))?;
        }
        if out.exists() {
            std::fs::remove_dir(out).map_err(io(out))?;
        }
        std::fs::rename(&staging, out).map_err(io(out))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{from_node, parse};

    fn round_trip(s: &str) -> String {
        let yaml = to_yaml(&serde_json::json!({ "v": s })).unwrap();
        let node = parse(&yaml).unwrap_or_else(|e| panic!("{yaml:?}: {e:?}"));
        let back: std::collections::BTreeMap<String, String> = from_node(&node).unwrap();
        back["v"].clone()
    }

    #[test]
    fn strings_read_back_exactly() {
        for s in [
            "plain words",
            "5",
            "1.0",
            "true",
            "null",
            "",
            " leading space",
            "trailing ",
            "key: value",
            "# not a comment",
            "- not a list",
            "two\nlines",
            "ends with newline\n",
            "  indented\nblock",
            "tab\there",
            "quote \" and backslash \\",
            "€ and “curly” quotes",
            "line with trailing space \nnext",
            "\u{0}control",
            "a #hash",
            "colon:",
            "@at",
        ] {
            assert_eq!(round_trip(s), s, "{s:?}");
        }
    }

    #[test]
    fn prose_is_written_as_blocks() {
        let yaml = to_yaml(&serde_json::json!({ "summary": "One.\nTwo." })).unwrap();
        assert_eq!(yaml, "summary: |-\n  One.\n  Two.\n");
    }

    #[test]
    fn slugs_are_file_safe() {
        assert_eq!(slug("Strategy & Architecture"), "strategy-architecture");
        assert_eq!(slug("../etc"), "etc");
        assert_eq!(slug("!!!"), "unnamed");
    }
}
