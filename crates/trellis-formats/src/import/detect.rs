//! `auto`: which format an input is in, judged from its content rather than its name, because exported
//! files are often renamed.

use super::walk::Found;
use super::{Format, Input};

/// The format of one input, with the clue that decided it, or `None` when nothing matched.
pub fn detect_one(input: &Input) -> Option<(Format, &'static str)> {
    let bytes = &input.bytes;
    if bytes.starts_with(b"PK\x03\x04") {
        return Some((
            Format::Sfia,
            "a spreadsheet workbook (.xlsx), which only the SFIA importer reads",
        ));
    }
    // Judge from the start of the file, in whatever encoding it was saved: enough for every header
    // and title line.
    let head = super::text::head(bytes, 16 * 1024);
    let head = head.trim_start_matches('\u{feff}');
    let first_line = head.lines().next().unwrap_or("").to_ascii_lowercase();
    if first_line.contains("role family") && first_line.contains("role level") {
        return Some((
            Format::Ddat,
            "a CSV header with `Role Family` and `Role Level`",
        ));
    }
    if first_line.contains("skill name") && first_line.contains("awareness") {
        return Some((Format::Ddat, "a DDaT skill-description CSV header"));
    }
    if first_line.contains("code")
        && (first_line.contains("overall description") || first_line.contains("level 1"))
    {
        return Some((
            Format::Sfia,
            "a CSV header with `Code` and SFIA level columns",
        ));
    }
    if head.starts_with("---") && (head.contains("\ntopics:") || head.contains("\nsidebarGroup:")) {
        return Some((Format::Monzo, "Markdown with Monzo front matter (`topics`)"));
    }
    if head.contains("**Career Path:**") || head.contains("## Required SFIA Skills") {
        return Some((
            Format::SfiaPages,
            "a generated page with `**Career Path:**` and SFIA skills",
        ));
    }
    let numbered = head.lines().filter(|l| is_numbered_section(l)).count();
    if numbered >= 5 {
        return Some((
            Format::Blueprint,
            "numbered sections like `1) Role Summary`",
        ));
    }
    if head.lines().any(|l| l.starts_with("Role level:"))
        && head.lines().any(|l| l.starts_with("Skill:"))
    {
        return Some((Format::DdatText, "`Role level:` and `Skill:` lines"));
    }
    let title = head.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if title.starts_with("# ") && (title.contains("SFIA Level") || head.contains("\n## ")) {
        return Some((
            Format::Madetech,
            "a Markdown role profile with `##` sections",
        ));
    }
    None
}

fn is_numbered_section(line: &str) -> bool {
    let Some((number, rest)) = line.split_once(") ") else {
        return false;
    };
    !number.is_empty()
        && number.len() <= 2
        && number.chars().all(|c| c.is_ascii_digit())
        && !rest.trim().is_empty()
}

/// The format of all inputs, when they agree; otherwise what each one looked like.
pub fn detect(inputs: &[Input]) -> Result<(Format, &'static str), String> {
    let mut found: Vec<(String, Option<(Format, &'static str)>)> =
        inputs.iter().map(|i| (i.name(), detect_one(i))).collect();
    // A DDaT role CSV may come with its skill CSV; both are `ddat`.
    found.dedup_by(|a, b| a.1.map(|f| f.0) == b.1.map(|f| f.0));
    match found.as_slice() {
        [(_, Some(only))] => Ok(*only),
        [(file, None)] => Err(format!(
            "{file} matches none of the formats; name one: {}",
            names()
        )),
        _ => {
            let each: Vec<String> = found
                .iter()
                .map(|(file, f)| format!("{file}: {}", f.map_or("unknown", |f| f.0.as_str())))
                .collect();
            Err(format!(
                "the inputs are in different formats ({}); import them separately",
                each.join(", ")
            ))
        }
    }
}

/// The format of the files found under the paths given: files found in a folder that match no
/// format, or a format other than most files', are left out with the reason (a README beside Monzo's
/// discipline files); files the user named must agree, as in [`detect`].
pub fn detect_found(found: &mut Found) -> Result<(Format, &'static str), String> {
    let formats: Vec<Option<Format>> = found
        .inputs
        .iter()
        .map(|i| detect_one(i).map(|f| f.0))
        .collect();
    let mut counts: Vec<(Format, usize)> = Vec::new();
    for f in formats.iter().flatten() {
        match counts.iter_mut().find(|(g, _)| g == f) {
            Some((_, n)) => *n += 1,
            None => counts.push((*f, 1)),
        }
    }
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let most = match counts.as_slice() {
        [(f, _)] => Some(*f),
        [(f, a), (_, b), ..] if a > b => Some(*f),
        _ => None,
    };
    // From the end, so that the indices of the inputs still to look at stay put.
    for (index, format) in formats.iter().enumerate().rev() {
        let why = match (format, most) {
            (None, _) => "its content matches none of the formats Trellis imports".to_owned(),
            (Some(f), Some(m)) if *f != m => {
                format!("it looks like `{f}`, while most files are `{m}`")
            }
            _ => continue,
        };
        found.leave_out(index, why);
    }
    if found.inputs.is_empty() {
        return Err(format!(
            "no file matches any of the formats; name one: {}",
            names()
        ));
    }
    detect(&found.inputs)
}

fn names() -> String {
    Format::ALL
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> Input {
        Input {
            path: "x".into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn recognises_each_layout() {
        let cases = [
            (
                "Role Family,Role,Role Description,Role Level,Role Level Description,Skill Name\n",
                Format::Ddat,
            ),
            (
                "\u{feff}#,Levels,,,,,,,Code,URL,Skill,Category,Subcategory,Overall description\n",
                Format::Sfia,
            ),
            (
                "---\ntitle: Web\nsidebarGroup: Engineering\ntopics:\n  - name: x\n---\n",
                Format::Monzo,
            ),
            (
                "# Analyst\n**Level 3** | **Career Path:** Data\n",
                Format::SfiaPages,
            ),
            (
                "# Lead Designer (SFIA Level 5)\n\n## Scope\n- things\n",
                Format::Madetech,
            ),
            (
                "Digital role: Designer\nRole level: Senior designer\nSkill: Drawing\n- draws\n",
                Format::DdatText,
            ),
            (
                "1) Role Summary\nx\n2) Mission\ny\n3) Duties\nz\n4) Days\nw\n5) Outputs\nv\n",
                Format::Blueprint,
            ),
        ];
        for (text, format) in cases {
            assert_eq!(
                detect_one(&input(text)).map(|f| f.0),
                Some(format),
                "{text}"
            );
        }
        assert_eq!(detect_one(&input("just some words")), None);
        // UTF-16, as some spreadsheet programs save "Unicode text".
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(
            "Role Family,Role,Role Level\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let given = Input {
            path: "x".into(),
            bytes: utf16,
        };
        assert_eq!(detect_one(&given).map(|f| f.0), Some(Format::Ddat));
    }

    #[test]
    fn mixed_inputs_are_refused_with_each_named() {
        let err = detect(&[
            input("Role level: A\nSkill: B\n"),
            input("# A\n**Career Path:** B\n"),
        ])
        .unwrap_err();
        assert!(err.contains("different formats"), "{err}");
    }
}
