//! A role profile as one standalone HTML page, with its stylesheet inline, for
//! `trellis show --format html`. The static site uses the same template with links and a shared
//! stylesheet.
//!
//! Renders what it is given: withhold restricted text first when the reader may not see it.

use askama::Template;
use trellis_model::{Framework, Profile};

use super::text;
use super::view::{Frame, NoLinks, ProfileView};

/// The page of one role level. Autoescaped: every value is text, never markup.
#[derive(Debug, Template)]
#[template(path = "profile.html")]
pub(crate) struct ProfilePage {
    pub frame: Frame,
    pub profile: ProfileView,
}

/// A complete HTML5 document for one effective profile.
pub fn profile_page(fw: &Framework, p: &Profile) -> String {
    let page = ProfilePage {
        frame: Frame::standalone(
            format!("{}: {}", p.title, fw.name),
            fw,
            text::profile_sources(fw, p)
                .into_iter()
                .map(text::attribution)
                .collect(),
        ),
        profile: ProfileView::new(fw, p, &NoLinks, false),
    };
    // Rendering plain strings into a String cannot fail: there are no fallible filters and writing
    // to a String never errors.
    page.render()
        .expect("rendering a profile page into a String cannot fail")
}
