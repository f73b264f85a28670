//! Reading submitted forms whose fields repeat (multi-selects) or are named after skills.

/// A form's fields, in order, repeated names kept (multi-selects).
pub(crate) type Fields = Vec<(String, String)>;

pub(crate) fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub(crate) fn all_of(fields: &Fields, name: &str) -> Vec<String> {
    fields
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

pub(crate) fn number(fields: &Fields, name: &str) -> Option<i64> {
    field(fields, name).and_then(|v| v.trim().parse().ok())
}
