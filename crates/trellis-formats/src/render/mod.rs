//! Renderers: role profiles and comparisons as Markdown and HTML, and the static site.
//!
//! - [`markdown`]: a profile or a diff as a Markdown document.
//! - [`html`]: a profile as one standalone HTML page (inline CSS), for `trellis show --format html`.
//! - [`site`]: the whole framework as a static site of linked pages, for `trellis build`.
//!
//! The Markdown and HTML renderers publish what they are given: callers withhold text from sources
//! that may not be redistributed before rendering. The site builder withholds it itself unless told
//! the publisher holds a licence.

pub mod html;
pub mod markdown;
pub mod site;

mod text;
mod view;

pub use text::name_with_version;
