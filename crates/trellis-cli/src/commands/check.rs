//! `trellis check`: every error and warning about a framework, like a compiler.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::json;
use trellis_formats::{FrameworkFiles, load};
use trellis_model::{Code, Diagnostic, Framework};

use crate::source;

pub fn run(framework: Option<&Path>, json: bool) -> Result<ExitCode> {
    let files = source::files(framework)?;
    let loaded = load(&files);
    let summary = summary(&loaded.framework, loaded.errors(), loaded.warnings());
    let mut out = std::io::stdout().lock();
    if json {
        let diagnostics: Vec<_> = loaded.diagnostics.iter().map(diagnostic_json).collect();
        serde_json::to_writer_pretty(
            &mut out,
            &json!({ "summary": summary, "diagnostics": diagnostics }),
        )?;
        writeln!(out)?;
    } else {
        print_text(&files, &loaded.diagnostics, &mut out)?;
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        writeln!(
            out,
            "{}: {}, {}, {}, {}: {}, {}",
            files.root,
            plural(summary["skills"].as_u64().unwrap_or(0) as usize, "skill"),
            plural(summary["tracks"].as_u64().unwrap_or(0) as usize, "track"),
            plural(
                summary["role_levels"].as_u64().unwrap_or(0) as usize,
                "role level"
            ),
            plural(
                summary["requirements"].as_u64().unwrap_or(0) as usize,
                "requirement"
            ),
            plural(loaded.errors(), "error"),
            plural(loaded.warnings(), "warning"),
        )?;
    }
    Ok(if loaded.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn summary(fw: &Framework, errors: usize, warnings: usize) -> serde_json::Value {
    json!({
        "skills": fw.skills.len(),
        "tracks": fw.tracks.len(),
        "role_levels": fw.tracks.iter().map(|t| t.levels.len()).sum::<usize>(),
        "requirements": fw.tracks.iter().flat_map(|t| &t.levels).map(|l| l.requirements.len()).sum::<usize>(),
        "errors": errors,
        "warnings": warnings,
    })
}

pub fn diagnostic_json(d: &Diagnostic) -> serde_json::Value {
    json!({
        "severity": d.severity(),
        "code": d.code,
        "message": d.message,
        "file": d.location.as_ref().map(|l| &l.file),
        "line": d.location.as_ref().map(|l| l.line),
        "column": d.location.as_ref().map(|l| l.column),
        "hint": d.hint,
    })
}

/// Prints diagnostics the way compilers do: the message, the place, the line with a caret, a hint.
pub fn print_text(
    files: &FrameworkFiles,
    diagnostics: &[Diagnostic],
    out: &mut dyn Write,
) -> Result<()> {
    out.write_all(trellis_formats::load::diagnostics_text(files, diagnostics).as_bytes())?;
    Ok(())
}

pub fn explain(code: &str) -> Result<ExitCode> {
    let Some(c) = Code::parse(code) else {
        let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        bail!(
            "unknown diagnostic code `{code}`; codes are: {}",
            known.join(", ")
        );
    };
    println!("{} ({}): {}", c.as_str(), c.severity(), c.explanation());
    Ok(ExitCode::SUCCESS)
}
