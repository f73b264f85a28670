//! Request extractors that fail with a [`WebError`] naming the field at fault, instead of axum's
//! plain-text rejections.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use crate::error::{ErrorKind, WebError};
use crate::state::AppState;

/// Reads a whole body, refusing one over the limit with 413.
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<Bytes, WebError> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| WebError::too_large(limit))
}

fn content_type_is(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
}

/// A JSON request body. Malformed JSON is a 400; a value of the wrong type, a missing field or an
/// unknown field is a 422 naming the field.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, WebError> {
        if !content_type_is(req.headers(), "application/json") {
            return Err(WebError::new(
                ErrorKind::UnsupportedMediaType,
                "Send the body as JSON with `Content-Type: application/json`.",
            ));
        }
        let bytes = read_body(req.into_body(), state.config().body_limit).await?;
        let document = parse_document(&bytes)?;
        // Every body the API takes is an object (serde would read a list into a struct too).
        if !document.is_object() {
            return Err(WebError::invalid(
                "",
                "Send the body as a JSON object: `{…}` with the fields documented for this call.",
            ));
        }
        // Every text of the body passes the one check of text input.
        trellis_app::input::check_json(&document)?;
        let value = from_document(document)?;
        Ok(ApiJson(value))
    }
}

#[cfg(test)]
fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WebError> {
    from_document(parse_document(bytes)?)
}

/// Reads a body as a JSON document: what is not JSON is a 400 saying where it stops being JSON.
fn parse_document(bytes: &[u8]) -> Result<serde_json::Value, WebError> {
    serde_json::from_slice(bytes).map_err(|e| {
        if e.to_string().starts_with("trailing characters") {
            WebError::bad_request("The body has text after the JSON value.")
        } else {
            WebError::bad_request(format!(
                "The body is not valid JSON (line {}, column {}).",
                e.line(),
                e.column()
            ))
        }
    })
}

/// Reads a JSON document as `T`: a value of the wrong type, a missing field or an unknown field
/// is a 422 naming the field. A whole number written with a fraction (`1861.0`) is the integer it
/// is, as JSON Schema counts it.
fn from_document<T: DeserializeOwned>(mut document: serde_json::Value) -> Result<T, WebError> {
    whole_numbers_as_integers(&mut document);
    serde_path_to_error::deserialize(document).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // A missing field is reported at its container; an unknown one at itself.
        let field = backticked(&message)
            .filter(|_| message.starts_with("missing field"))
            .map(|name| {
                if path == "." {
                    name.to_owned()
                } else {
                    format!("{path}.{name}")
                }
            })
            .unwrap_or(path);
        WebError::invalid(field.clone(), format!("`{field}`: {message}."))
    })
}

fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            // Only up to 2^53, where an f64 holds every whole number exactly: beyond, an integer
            // too large for i64 would have been read as an f64 too, and must stay refused.
            const EXACT: f64 = 9_007_199_254_740_992.0;
            if let Some(f) = n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0)
                && f.abs() <= EXACT
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// The first `name` in backticks in a serde message, e.g. "missing field `email`".
fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// A form body (`application/x-www-form-urlencoded`). Form structs take every field as text with a
/// default, so that handlers can validate and show every problem next to its field.
#[derive(Debug)]
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for PageForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, WebError> {
        if !content_type_is(req.headers(), "application/x-www-form-urlencoded") {
            return Err(WebError::new(
                ErrorKind::UnsupportedMediaType,
                "Forms must be sent as application/x-www-form-urlencoded.",
            ));
        }
        let bytes = read_body(req.into_body(), state.config().body_limit).await?;
        let bad = |e: serde_urlencoded::de::Error| {
            WebError::bad_request(format!("The form could not be read: {e}."))
        };
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(bad)?;
        trellis_app::input::check_fields(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        serde_urlencoded::from_bytes(&bytes)
            .map(PageForm)
            .map_err(bad)
    }
}

/// Query parameters. Query structs take every parameter as optional text and parse it themselves.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        let query = parts.uri.query().unwrap_or("");
        let fields: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|e| {
            WebError::bad_request(format!("The query string could not be read: {e}."))
        })?;
        trellis_app::input::check_fields(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        serde_urlencoded::from_str(query)
            .map(QueryParams)
            .map_err(|e| WebError::bad_request(format!("The query string could not be read: {e}.")))
    }
}

/// Path parameters; a value that does not parse (a word where an id goes) is a 404, as there is
/// nothing at that address.
#[derive(Debug)]
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        // No record has a control character in its address.
        if has_encoded_control(parts.uri.path()) {
            return Err(WebError::not_found());
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(t)| PathParams(t))
            .map_err(|_| WebError::not_found())
    }
}

/// Whether a path holds a percent-encoded control character (`%00` to `%1F`, `%7F`).
fn has_encoded_control(path: &str) -> bool {
    path.as_bytes().windows(3).any(|w| {
        w[0] == b'%'
            && ((matches!(w[1], b'0' | b'1') && w[2].is_ascii_hexdigit())
                || (w[1] == b'7' && matches!(w[2], b'f' | b'F')))
    })
}

/// Parses an optional numeric parameter, naming it when it is not a number.
pub(crate) fn parse_id(field: &str, value: Option<&str>) -> Result<Option<i64>, WebError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| WebError::invalid(field, format!("`{field}` must be a number."))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        email: String,
        count: Option<u32>,
    }

    #[test]
    fn json_errors_name_the_field() {
        let e = parse_json::<T>(br#"{"email": 3}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert_eq!(e.field.as_deref(), Some("email"));
        let e = parse_json::<T>(br#"{}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("email"));
        let e = parse_json::<T>(br#"{"email": "a", "colour": 1}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("colour"));
        let e = parse_json::<T>(br#"{"email": "a", "count": -1}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("count"));
        let e = parse_json::<T>(br#"{"email": "#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadRequest);
        let e = parse_json::<T>(br#"{"email": "a"} x"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadRequest);
    }

    #[test]
    fn whole_numbers_with_a_fraction_are_integers() {
        let t = parse_json::<T>(br#"{"email": "a", "count": 1861.0}"#).unwrap();
        assert_eq!(t.count, Some(1861));
        let e = parse_json::<T>(br#"{"email": "a", "count": 1861.5}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("count"));
        let e = parse_json::<T>(br#"{"email": "a", "count": 1e300}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("count"));
    }
}
