//! What every HTML page shares: the [`Frame`] around its content (title, navigation for the
//! signed-in person, the sign-out form with its anti-forgery token), rendering, the error page,
//! the stylesheet and the health check. The pages themselves live with their resource, one askama
//! template and one typed struct per page, no JavaScript; their templates extend `base.html` and
//! use `macros.html` at the root of `templates/`.
//!
//! Styles are the static site's (`trellis-formats`) plus the app's own.

pub(crate) mod form;
pub(crate) mod view;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use trellis_store::SystemRole;

use crate::auth::Ctx;
use crate::error::WebError;

pub const STYLESHEET_PATH: &str = "/static/trellis.css";

/// The stylesheet: the static site's styles, then the app's.
pub(crate) const STYLESHEET: &str = concat!(
    include_str!("../../../trellis-formats/templates/style.css"),
    "\n",
    include_str!("../../static/app.css")
);

/// The person shown in the header.
#[derive(Debug, Clone)]
pub(crate) struct NavUser {
    pub name: String,
    pub admin: bool,
}

/// What every page shows around its content.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub title: String,
    /// The navigation entry of this page: "home", "framework", "people", "team", "admin", "account"
    /// or "".
    pub section: &'static str,
    pub user: Option<NavUser>,
    /// The anti-forgery token for this page's forms.
    pub csrf: String,
    /// The signed-in person's unread notifications (0 when not known).
    pub unread: i64,
    pub stylesheet: String,
}

impl Frame {
    pub fn new(ctx: Option<&Ctx>, title: impl Into<String>, section: &'static str) -> Frame {
        let user = ctx.and_then(|c| c.caller.as_ref()).map(|c| NavUser {
            name: c.person.name.clone(),
            admin: c.person.system_role == SystemRole::Admin,
        });
        Frame {
            title: title.into(),
            section,
            user,
            csrf: ctx.map(Ctx::form_token).unwrap_or_default(),
            unread: ctx.and_then(|c| c.unread).unwrap_or(0),
            stylesheet: format!("{STYLESHEET_PATH}?v={}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Text written as it is, with nothing escaped: [`Plain`] text, or text escaped for HTML already
/// (a framework's level labels, which each published version escapes once with
/// `SkillLevels::label_html`, for the hundreds a page shows). Never anything a person typed that is
/// not escaped. (askama's `Safe` marks the same, but is neither `Debug` nor `Clone`.)
#[derive(Debug, Clone)]
pub(crate) struct Escaped<T>(pub(crate) T);

/// Text the server writes from numbers and fixed words (a day, the link `/assessments/12`), which
/// has nothing to escape: templates write it as it is, sparing the escaper a few hundred short
/// strings on a long page. Never for anything a person typed. [`Plain::new`] checks in debug
/// builds that there is nothing to escape.
pub(crate) type Plain<T> = Escaped<T>;

impl<T: AsRef<str>> Escaped<T> {
    pub(crate) fn new(text: T) -> Plain<T> {
        debug_assert!(
            !text.as_ref().contains(['<', '>', '&', '"', '\'']),
            "plain text has nothing to escape"
        );
        Escaped(text)
    }
}

impl<T: AsRef<str>> std::fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_ref())
    }
}

impl<T: AsRef<str>> askama::FastWritable for Escaped<T> {
    fn write_into(
        &self,
        dest: &mut dyn std::fmt::Write,
        _: &dyn askama::Values,
    ) -> askama::Result<()> {
        Ok(dest.write_str(self.0.as_ref())?)
    }
}

impl<T: AsRef<str>> askama::filters::HtmlSafe for Escaped<T> {}

/// Renders a page template.
pub(crate) fn render<T: Template>(t: &T) -> Result<Html<String>, WebError> {
    // Most pages fit in the first buffer, so a page is not copied again and again as it grows.
    let mut page = String::with_capacity(T::SIZE_HINT.max(PAGE_BUFFER));
    t.render_into(&mut page).map_err(WebError::internal)?;
    Ok(Html(page))
}

/// The buffer a page is rendered into: larger than all but the largest pages (a person's page
/// is about 40 KiB).
const PAGE_BUFFER: usize = 64 * 1024;

/// Renders a page with a status other than 200.
pub(crate) fn render_status(status: StatusCode, t: &impl Template) -> Result<Response, WebError> {
    Ok((status, render(t)?).into_response())
}

#[derive(Debug, Template)]
#[template(path = "error.html")]
struct ErrorPage {
    frame: Frame,
    status: u16,
    heading: &'static str,
    detail: String,
    signed_in: bool,
}

/// The HTML page for an error.
pub(crate) fn error_page(err: &WebError, ctx: Option<&Ctx>) -> Response {
    let heading = match err.kind {
        crate::error::ErrorKind::NotFound => "Page not found",
        k => k.title(),
    };
    let page = ErrorPage {
        frame: Frame::new(ctx, heading, ""),
        status: err.kind.status().as_u16(),
        heading,
        detail: err.detail.clone(),
        signed_in: ctx.is_some_and(|c| c.caller.is_some()),
    };
    let body = page
        .render()
        .unwrap_or_else(|_| format!("<!DOCTYPE html><title>{heading}</title><p>{heading}</p>"));
    let mut res = (err.kind.status(), Html(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

/// Liveness: the process is up and answering.
pub(crate) async fn healthz() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "ok\n",
    )
}

pub(crate) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Template)]
    #[template(source = "<a href=\"{{ href }}\">{{ title }}</a>", ext = "html")]
    struct Link {
        href: Plain<&'static str>,
        title: &'static str,
    }

    #[test]
    fn plain_text_is_written_as_it_is_and_typed_text_escaped() {
        let link = Link {
            href: Plain::new("/assessments/12"),
            title: "<b>Q&A</b>",
        };
        assert_eq!(
            link.render().unwrap(),
            "<a href=\"/assessments/12\">&#60;b&#62;Q&#38;A&#60;/b&#62;</a>"
        );
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "nothing to escape")]
    fn plain_text_with_markup_is_refused() {
        Plain::new("<script>");
    }
}
