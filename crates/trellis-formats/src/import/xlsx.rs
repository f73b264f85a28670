//! Reading `.xlsx` workbooks into [`Row`]s: sheet names and order from `workbook.xml` and its
//! relationships, shared strings (rich text runs joined, phonetic runs dropped), inline strings,
//! numbers, booleans and formula results as text, and OOXML's `_xHHHH_` escapes decoded.
//!
//! Workbooks come from users, so nothing here trusts the archive: each part is read with a size cap,
//! cell references and shared-string indexes are checked, and the number of cells is bounded.

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;
use zip::ZipArchive;

use super::ImportError;
use super::csv_table::Row;

/// The largest part (decompressed) that is read: far above any framework sheet, far below a zip bomb.
const MAX_PART: u64 = 64 << 20;
/// The most cells kept across all sheets of one workbook.
const MAX_CELLS: usize = 4_000_000;
/// Excel's last column, XFD.
const MAX_COLUMNS: usize = 16_384;

/// One worksheet: its name as shown on the tab, and its non-empty rows numbered as in Excel.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
}

/// Whether the bytes are a zip archive (an `.xlsx` workbook is one).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Every worksheet of the workbook, in tab order. Errors name `file`, and the sheet when it is one
/// sheet that is broken.
pub fn read_workbook(bytes: &[u8], file: &str) -> Result<Vec<Sheet>, ImportError> {
    let bad = |m: String| ImportError::invalid(file, None, m);
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| bad(format!("not a readable .xlsx workbook: {e}")))?;
    let workbook = part(&mut zip, "xl/workbook.xml", file)?.ok_or_else(|| {
        bad("a zip archive but not an .xlsx workbook: it has no xl/workbook.xml".into())
    })?;
    let sheets = sheet_list(&workbook, file)?;
    let targets = match part(&mut zip, "xl/_rels/workbook.xml.rels", file)? {
        Some(xml) => relationships(&xml, file)?,
        None => HashMap::new(),
    };
    let shared = match part(&mut zip, "xl/sharedStrings.xml", file)? {
        Some(xml) => shared_strings(&xml, file)?,
        None => Vec::new(),
    };
    let mut budget = MAX_CELLS;
    let mut out = Vec::with_capacity(sheets.len());
    for (i, (name, rel)) in sheets.into_iter().enumerate() {
        let here = format!("{file} (sheet {name})");
        let path = rel
            .and_then(|id| targets.get(&id))
            .map(|target| resolve(target))
            .unwrap_or_else(|| format!("xl/worksheets/sheet{}.xml", i + 1));
        let Some(xml) = part(&mut zip, &path, &here)? else {
            return Err(ImportError::invalid(
                &here,
                None,
                format!("the workbook lists this sheet but has no {path}"),
            ));
        };
        let rows = sheet_rows(&xml, &shared, &here, &mut budget)?;
        out.push(Sheet { name, rows });
    }
    Ok(out)
}

/// A part of the archive as text, found by name regardless of case; `None` when absent.
fn part<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    name: &str,
    file: &str,
) -> Result<Option<String>, ImportError> {
    let found = zip
        .file_names()
        .flatten()
        .find(|n| n.eq_ignore_ascii_case(name))
        .map(|n| n.into_owned());
    let Some(actual) = found else {
        return Ok(None);
    };
    let bad = |m: String| ImportError::invalid(file, None, m);
    let entry = zip
        .by_name(&actual)
        .map_err(|e| bad(format!("cannot read {actual} in the workbook: {e}")))?;
    let mut bytes = Vec::new();
    entry
        .take(MAX_PART + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| bad(format!("cannot read {actual} in the workbook: {e}")))?;
    if bytes.len() as u64 > MAX_PART {
        return Err(bad(format!(
            "{actual} in the workbook is larger than {} MB unpacked",
            MAX_PART >> 20
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| bad(format!("{actual} in the workbook is not UTF-8 XML")))?;
    Ok(Some(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    }))
}

/// `xl/`-relative or absolute relationship targets as archive paths.
fn resolve(target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("xl/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn xml_error(file: &str, reader: &Reader<&[u8]>, e: &quick_xml::Error) -> ImportError {
    ImportError::invalid(
        file,
        None,
        format!("malformed XML near byte {}: {e}", reader.error_position()),
    )
}

/// The value of the attribute whose local name is `name` (`r:id` matches `id`).
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn reference(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    match &**r {
        "lt" => "<".into(),
        "gt" => ">".into(),
        "amp" => "&".into(),
        "quot" => "\"".into(),
        "apos" => "'".into(),
        other => format!("&{other};"),
    }
}

/// Sheet names in tab order, with the relationship id of each.
fn sheet_list(xml: &str, file: &str) -> Result<Vec<(String, Option<String>)>, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut sheets = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sheet" => {
                let name = attr(&e, "name").unwrap_or_else(|| format!("Sheet{}", sheets.len() + 1));
                sheets.push((name, attr(&e, "id")));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(xml_error(&format!("{file} (xl/workbook.xml)"), &reader, &e)),
        }
    }
    Ok(sheets)
}

fn relationships(xml: &str, file: &str) -> Result<HashMap<String, String>, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut out = HashMap::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    out.insert(id, target);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(xml_error(
                    &format!("{file} (xl/_rels/workbook.xml.rels)"),
                    &reader,
                    &e,
                ));
            }
        }
    }
    Ok(out)
}

fn shared_strings(xml: &str, file: &str) -> Result<Vec<String>, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut strings = Vec::new();
    let mut current = String::new();
    let (mut in_t, mut in_phonetic) = (false, false);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "si" => current.clear(),
                "t" => in_t = true,
                "rPh" => in_phonetic = true,
                _ => {}
            },
            Ok(Event::Empty(e)) if e.local_name().as_ref() == "si" => strings.push(String::new()),
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "si" => strings.push(decode_escapes(&std::mem::take(&mut current))),
                "t" => in_t = false,
                "rPh" => in_phonetic = false,
                _ => {}
            },
            Ok(Event::Text(t)) if in_t && !in_phonetic => current.push_str(&t.xml10_content()),
            Ok(Event::CData(t)) if in_t && !in_phonetic => current.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if in_t && !in_phonetic => current.push_str(&reference(&r)),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(xml_error(
                    &format!("{file} (xl/sharedStrings.xml)"),
                    &reader,
                    &e,
                ));
            }
        }
    }
    Ok(strings)
}

/// Decodes OOXML's `_xHHHH_` escapes (Excel writes a carriage return as `_x000D_`).
fn decode_escapes(text: &str) -> String {
    if !text.contains("_x") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let code = from
            .get(2..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| from.get(6..7) == Some("_"))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = from.get(7..).unwrap_or("");
            }
            None => {
                out.push_str("_x");
                rest = from.get(2..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// The zero-based column of a cell reference such as `AB12`.
fn column(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let n = letters.iter().fold(0usize, |n, b| {
        n * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1
    });
    (n <= MAX_COLUMNS).then(|| n - 1)
}

/// The row number of a cell or row reference: `12` in `AB12`, or `12` itself.
fn row_number(reference: &str) -> Option<usize> {
    reference
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .ok()
}

#[derive(Default)]
struct Cell {
    column: usize,
    kind: String,
    value: String,
}

fn sheet_rows(
    xml: &str,
    shared: &[String],
    file: &str,
    budget: &mut usize,
) -> Result<Vec<Row>, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut rows = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut line = 0;
    let mut next_column = 0;
    let mut cell: Option<Cell> = None;
    let (mut in_v, mut in_is, mut in_t, mut in_phonetic) = (false, false, false, false);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(file, &reader, &e))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "row" => {
                line = attr(&e, "r")
                    .and_then(|r| row_number(&r))
                    .unwrap_or(line + 1);
                cells.clear();
                next_column = 0;
            }
            Event::End(e) if e.local_name().as_ref() == "row" && !cells.is_empty() => {
                rows.push(Row {
                    line,
                    cells: std::mem::take(&mut cells),
                });
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let col = match attr(&e, "r") {
                    Some(r) => column(&r).ok_or_else(|| {
                        ImportError::invalid(
                            file,
                            Some(line),
                            format!("cell reference `{r}` is not a column A to XFD"),
                        )
                    })?,
                    None => next_column,
                };
                cell = Some(Cell {
                    column: col,
                    kind: attr(&e, "t").unwrap_or_default(),
                    value: String::new(),
                });
            }
            Event::Empty(e) if e.local_name().as_ref() == "c" => {
                next_column = attr(&e, "r")
                    .and_then(|r| column(&r))
                    .unwrap_or(next_column)
                    + 1;
            }
            Event::End(e) if e.local_name().as_ref() == "c" => {
                let Some(done) = cell.take() else { continue };
                next_column = done.column + 1;
                let value = match done.kind.as_str() {
                    "s" => {
                        let index: Option<usize> = done.value.trim().parse().ok();
                        match index.and_then(|i| shared.get(i)) {
                            Some(s) => s.clone(),
                            None => {
                                return Err(ImportError::invalid(
                                    file,
                                    Some(line),
                                    format!(
                                        "a cell refers to shared string `{}`, which does not exist",
                                        done.value
                                    ),
                                ));
                            }
                        }
                    }
                    "b" => match done.value.trim() {
                        "1" => "TRUE".into(),
                        "0" => "FALSE".into(),
                        other => other.to_owned(),
                    },
                    "e" => String::new(),
                    _ => decode_escapes(&done.value),
                };
                if value.is_empty() {
                    continue;
                }
                if cells.len() <= done.column {
                    let grow = done.column + 1 - cells.len();
                    *budget = budget.checked_sub(grow).ok_or_else(|| {
                        ImportError::invalid(
                            file,
                            Some(line),
                            "more cells than a framework workbook could hold",
                        )
                    })?;
                    cells.resize(done.column + 1, String::new());
                }
                if let Some(slot) = cells.get_mut(done.column) {
                    *slot = value;
                }
            }
            Event::Start(e) => match e.local_name().as_ref() {
                "v" => in_v = true,
                "is" => in_is = true,
                "t" => in_t = true,
                "rPh" => in_phonetic = true,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "v" => in_v = false,
                "is" => in_is = false,
                "t" => in_t = false,
                "rPh" => in_phonetic = false,
                _ => {}
            },
            Event::Text(t) => {
                if let Some(c) = cell
                    .as_mut()
                    .filter(|_| in_v || (in_is && in_t && !in_phonetic))
                {
                    c.value.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(c) = cell
                    .as_mut()
                    .filter(|_| in_v || (in_is && in_t && !in_phonetic))
                {
                    c.value.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = cell
                    .as_mut()
                    .filter(|_| in_v || (in_is && in_t && !in_phonetic))
                {
                    c.value.push_str(&reference(&r));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_escapes() {
        assert_eq!(column("A1"), Some(0));
        assert_eq!(column("AB12"), Some(27));
        assert_eq!(column("XFD1"), Some(16_383));
        assert_eq!(column("XFE1"), None);
        assert_eq!(column("12"), None);
        assert_eq!(row_number("AB12"), Some(12));
        assert_eq!(
            decode_escapes("one_x000D_\ntwo _x_ _x005F_"),
            "one\r\ntwo _x_ _"
        );
        assert_eq!(resolve("worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(
            resolve("/xl/worksheets/../worksheets/s.xml"),
            "xl/worksheets/s.xml"
        );
    }

    #[test]
    fn reads_cells_of_every_kind() {
        let shared = vec!["first".to_owned(), "second".to_owned()];
        let xml = r#"<worksheet><sheetData>
            <row r="1"><c r="A1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><r><t>in</t></r><r><t xml:space="preserve">line &amp; more</t></r></is></c></row>
            <row r="3"><c r="B3"><v>4</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="str"><f>A1</f><v>&#65;x</v></c></row>
            <row r="4"><c r="A4" t="s"/></row>
        </sheetData></worksheet>"#;
        let mut budget = 100;
        let rows = sheet_rows(xml, &shared, "f", &mut budget).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 1);
        assert_eq!(rows[0].cells, vec!["second", "", "inline & more"]);
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].cells, vec!["", "4", "TRUE", "Ax"]);
        let bad = r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row></sheetData></worksheet>"#;
        assert!(sheet_rows(bad, &shared, "f", &mut budget).is_err());
    }
}
