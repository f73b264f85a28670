//! `trellis list`: tracks and their role levels.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;
use trellis_formats::render::name_with_version;
use trellis_model::role_level_id;

use crate::source;

pub fn run(framework: Option<&Path>, json: bool) -> Result<ExitCode> {
    let fw = source::valid(framework)?;
    let mut out = std::io::stdout().lock();
    if json {
        let tracks: Vec<_> = fw
            .tracks
            .iter()
            .map(|t| {
                let levels: Vec<_> = t
                    .levels
                    .iter()
                    .map(|l| json!({ "id": role_level_id(&t.id, &l.id), "title": l.title }))
                    .collect();
                json!({ "id": t.id, "name": t.name, "levels": levels })
            })
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json!({ "tracks": tracks }))?
        )?;
    } else {
        writeln!(out, "{}", name_with_version(&fw.name, &fw.version))?;
        for t in &fw.tracks {
            writeln!(out, "\n{} ({})", t.name, t.id)?;
            for l in &t.levels {
                writeln!(out, "  {:<48} {}", role_level_id(&t.id, &l.id), l.title)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
