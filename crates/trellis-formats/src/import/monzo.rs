//! Importer: Monzo progression framework Markdown.

use trellis_model::Framework;

use super::{ImportError, ImportOptions, ImportReport, Input};

pub fn import(
    inputs: &[Input],
    _options: &ImportOptions,
    _report: &mut ImportReport,
) -> Result<Framework, ImportError> {
    Err(ImportError::invalid(
        &inputs[0].name(),
        None,
        "this importer is not written yet",
    ))
}
