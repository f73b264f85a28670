//! `trellis import`: frameworks organisations already have, into framework files.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::json;
use trellis_formats::import::{self, Format, ImportOptions, Input, detect, walk};
use trellis_formats::load::FrameworkFiles;
use trellis_formats::write;

use crate::commands::check::{diagnostic_json, print_text};

pub struct Args<'a> {
    pub format: Option<Format>,
    pub inputs: &'a [PathBuf],
    pub out: &'a Path,
    pub name: Option<String>,
    pub level_order: Option<&'a Path>,
    pub json: bool,
}

pub fn run(args: Args<'_>) -> Result<ExitCode> {
    if args.out.exists()
        && std::fs::read_dir(args.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "{} exists and is not empty; choose a new directory for the imported framework",
            args.out.display()
        );
    }
    let progress = Progress::new(args.json);
    // Folders are walked by the one walker every format shares; what it leaves out is reported.
    let mut found = walk::read_paths(args.inputs, args.format, |file, i, n| {
        progress.stage(&format!("reading {} ({i}/{n})", file.display()));
    })?;
    let (format, detected) = match args.format {
        Some(format) => (format, None),
        None => {
            let (format, clue) = detect::detect_found(&mut found).map_err(anyhow::Error::msg)?;
            (format, Some(clue))
        }
    };
    let inputs = found.inputs;
    if let Some(clue) = detected
        && !args.json
    {
        eprintln!("Detected format `{format}`: {clue}.");
    }
    let level_order = match args.level_order {
        Some(path) => Some(read_file(path)?),
        None => None,
    };
    progress.stage(&format!("importing {format}"));
    let options = ImportOptions {
        name: args.name,
        level_order,
    };
    let mut imported = import::import(format, &inputs, &options)?;
    imported.report.detected = detected.is_some();
    imported.report.skipped.splice(0..0, found.skipped);

    // Check the framework before writing anything: an import that `trellis check` would reject is a
    // bug in the importer, and must not leave files behind. The model is checked directly; the writer's
    // files reading back to the same model is the writer's own tested promise.
    progress.stage("checking");
    let diagnostics = trellis_model::check(&imported.framework, &Default::default());
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let no_files = FrameworkFiles {
        root: args.out.display().to_string(),
        files: vec![],
    };
    if errors > 0 {
        print_text(&no_files, &diagnostics, &mut std::io::stderr().lock())?;
        bail!(
            "the imported framework does not pass `trellis check` ({errors} errors); nothing was written"
        );
    }
    progress.stage("writing");
    write::write_dir(&imported.framework, args.out)?;
    // The report's diagnostics are those of the files as written, so that each names its file and
    // line as `trellis check` does.
    let written = FrameworkFiles::read_dir(args.out);
    let diagnostics = trellis_formats::load(&written).diagnostics;
    let warnings = diagnostics.iter().filter(|d| !d.is_error()).count();
    progress.done();

    let report = &imported.report;
    if args.json {
        let diagnostics: Vec<_> = diagnostics.iter().map(diagnostic_json).collect();
        let mut value = serde_json::to_value(report)?;
        value["out"] = json!(args.out.display().to_string());
        value["check"] = json!({ "errors": 0, "warnings": warnings, "diagnostics": diagnostics });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(ExitCode::SUCCESS);
    }
    let c = &report.counts;
    println!(
        "Imported {} ({}) into {}:",
        imported.framework.name,
        format,
        args.out.display()
    );
    println!(
        "  {} skills, {} tracks, {} role levels, {} requirements, {} responsibilities, {} behaviours, {} KPIs, {} decision rights, {} tools, {} interview dimensions, {} stakeholders, {} items in other blueprint sections",
        c.skills,
        c.tracks,
        c.role_levels,
        c.requirements,
        c.responsibilities,
        c.behaviours,
        c.kpis,
        c.decision_rights,
        c.tools,
        c.interview_dimensions,
        c.stakeholders,
        c.section_items
    );
    for order in &report.level_orders {
        println!(
            "  level order for {} ({}): {}",
            order.track,
            order.rule,
            order.levels.join(" < ")
        );
    }
    if !report.warnings.is_empty() {
        println!("\n{} warning(s) about the source:", report.warnings.len());
        for w in &report.warnings {
            let at = w.line.map(|l| format!(":{l}")).unwrap_or_default();
            println!("  {}{at}: [{}] {}", w.file, w.kind, w.message);
        }
    }
    for (list, heading) in [
        (&report.skipped, "item(s) not imported"),
        (
            &report.unlinked,
            "name(s) kept as text, not linked to a role level",
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        println!("\n{} {heading}:", list.len());
        for s in list {
            let at = s.line.map(|l| format!(":{l}")).unwrap_or_default();
            println!("  {}{at}: {} ({})", s.file, s.what, s.why);
        }
    }
    if warnings > 0 {
        println!("\n`trellis check` warns about {warnings} thing(s) in the imported framework:\n");
        print_text(&written, &diagnostics, &mut std::io::stdout().lock())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn read_file(path: &Path) -> Result<Input> {
    if path.is_dir() {
        bail!("{} is a directory; name a file", path.display());
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Input {
        path: path.to_owned(),
        bytes,
    })
}

/// One status line on a terminal, rewritten as the import moves on; silent when output is piped.
struct Progress {
    on: bool,
}

impl Progress {
    fn new(json: bool) -> Self {
        Progress {
            on: !json && std::io::stderr().is_terminal(),
        }
    }

    fn stage(&self, what: &str) {
        if self.on {
            let line: String = what.chars().take(70).collect();
            eprint!("\r\x1b[2K… {line}");
        }
    }

    fn done(&self) {
        if self.on {
            eprint!("\r\x1b[2K");
        }
    }
}
