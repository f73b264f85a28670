//! Framework files to and from the model, and everything that publishes a framework.
//!
//! - [`import`]: SFIA, DDaT, Monzo and the seed document formats into the model.
//! - [`yaml`]: YAML with positions, so diagnostics say file, line and column.
//! - [`load`]: a framework directory into the model, with every diagnostic located.
//! - [`schema`]: the JSON Schemas of the file format.
//! - [`starter`]: the starter framework embedded in the binary.
//! - [`write`]: the model back into framework files.
#![forbid(unsafe_code)]

pub mod import;
pub mod load;
pub mod render;
pub mod schema;
pub mod starter;
pub mod upload;
pub mod write;
pub mod yaml;

pub use load::{FrameworkFiles, Loaded, load};
