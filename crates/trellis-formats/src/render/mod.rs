//! Renderers: role profiles and comparisons as Markdown and HTML, and the static site.
//!
//! - [`markdown`]: a profile or a diff as a Markdown document.
//! - [`html`]: a profile as one standalone HTML page (inline CSS), for `trellis show --format html`.
//! - [`hiring`]: the hiring kit of a role level (advert, interview plan, questions) as Markdown,
//!   HTML or JSON.
//! - [`site`]: the whole framework as a static site of linked pages, for `trellis build`.
//! - [`view`], [`catalogue`]: what the HTML templates see, shared with the server's framework
//!   browser, which renders the same view model with the partials in `templates/parts/`.
//!
//! The Markdown and HTML renderers publish what they are given: callers withhold text from sources
//! that may not be redistributed before rendering. The site builder withholds it itself unless told
//! the publisher holds a licence.

pub mod catalogue;
pub mod hiring;
pub mod html;
pub mod markdown;
pub mod site;
pub mod view;

mod text;

pub use text::{name_with_version, profile_withheld_note};
