//! `trellis schema`: the JSON Schema of a kind of framework file.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::SchemaKind;

pub fn run(kind: SchemaKind) -> Result<ExitCode> {
    let name = match kind {
        SchemaKind::Framework => "framework",
        SchemaKind::Skills => "skills",
        SchemaKind::Track => "track",
    };
    let schema = trellis_formats::schema::schema(name).context("generating the schema")?;
    std::io::stdout().lock().write_all(schema.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
