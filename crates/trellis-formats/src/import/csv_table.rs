//! Tables for the spreadsheet importers (SFIA, DDaT): rows of cells with the line each row starts on,
//! read from CSV here or from a workbook sheet by [`super::xlsx`], and the cell clean-up they share.
//!
//! The `csv` crate reads a quoted cell that runs to the end of the file as if it were closed, so a
//! truncated file would import silently with its last row cut short; [`read_csv`] checks the quoting
//! first and names the line where the unclosed cell starts.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use trellis_model::text::{mojibake_samples, repair_mojibake};

use super::{ImportError, ImportReport};

/// One row of a table: the line (CSV) or row number (sheet) where it starts, and its cells as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    /// The cell in column `index`, or `""` when the column is absent or the row is short.
    pub fn cell(&self, index: Option<usize>) -> &str {
        index
            .and_then(|i| self.cells.get(i))
            .map_or("", String::as_str)
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Reads CSV text (already decoded, BOM dropped) into rows. The delimiter is sniffed from the first
/// line: a comma unless semicolons or tabs clearly dominate (spreadsheets saved in some locales).
pub fn read_csv(text: &str, file: &str) -> Result<Vec<Row>, ImportError> {
    let delimiter = sniff_delimiter(text);
    if let Some(line) = unterminated_quote(text.as_bytes(), delimiter) {
        return Err(ImportError::invalid(
            file,
            Some(line),
            "a quoted cell starts here and is never closed: the file is truncated or a quote is missing",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = record.position().map_or(rows.len() + 1, |p| {
                    usize::try_from(p.line()).unwrap_or(usize::MAX)
                });
                rows.push(Row {
                    line,
                    cells: record.iter().map(str::to_owned).collect(),
                });
            }
            Ok(false) => break,
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                return Err(ImportError::invalid(
                    file,
                    line,
                    format!("not readable as CSV: {e}"),
                ));
            }
        }
    }
    Ok(rows)
}

fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.chars().filter(|x| *x == c).count();
    let (commas, semicolons, tabs) = (count(','), count(';'), count('\t'));
    if semicolons > commas && semicolons >= tabs {
        b';'
    } else if tabs > commas && tabs > semicolons {
        b'\t'
    } else {
        b','
    }
}

/// The line where a quoted cell starts that is still open at the end of the input, read with the same
/// rules as the `csv` crate: a quote opens a quoted cell only at the start of a cell, `""` inside is a
/// literal quote, and line breaks inside quotes belong to the cell.
pub fn unterminated_quote(bytes: &[u8], delimiter: u8) -> Option<usize> {
    let mut at_start = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'"' && at_start {
            // Jump from quote to quote: most of a description-heavy file is inside quotes.
            let opened = i;
            loop {
                let rest = bytes.get(i + 1..).unwrap_or_default();
                let Some(next) = rest.iter().position(|&c| c == b'"') else {
                    let line = bytes
                        .get(..opened)
                        .unwrap_or_default()
                        .iter()
                        .filter(|&&c| c == b'\n')
                        .count()
                        + 1;
                    return Some(line);
                };
                i += 1 + next;
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    break;
                }
            }
            at_start = false;
        } else {
            at_start = b == delimiter || b == b'\r' || b == b'\n';
        }
        i += 1;
    }
    None
}

/// A header cell reduced to lowercase letters and digits, so `Sub-category`, `Sub category` and
/// `subcategory ` all read as `subcategory`.
pub fn key(header: &str) -> String {
    header
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Cell text as it should be stored: line breaks as `\n` (cells mix `\r\n` and `\n`), trailing spaces
/// off every line, runs of blank lines shortened to one, leading and trailing blank space removed.
pub fn tidy(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut blank_run = 0;
    // `trim_end` takes the `\r` of `\r\n`; a lone `\r` is a line break too.
    for line in raw.split('\n').flat_map(|l| l.trim_end().split('\r')) {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(if out.is_empty() {
            line.trim_start()
        } else {
            line
        });
    }
    out
}

/// A fast non-cryptographic hash (the FxHash mix, eight bytes at a time) for the maps that see every
/// cell of a file: deduplicating rows and remembering cleaned text. The files are the user's own, so
/// resistance to crafted collisions is not needed, and SipHash would be a third of the import time.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            for (w, b) in word.iter_mut().zip(rest) {
                *w = *b;
            }
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Tidies cells and repairs mojibake, remembering what it has seen: denormalised files repeat the same
/// text on thousands of rows, and each defect is reported once, at the first line it occurs on.
#[derive(Debug, Default)]
pub struct Cleaner<'t> {
    /// Cleaned text by raw cell text, borrowed from the rows being read.
    seen: FastMap<&'t str, String>,
}

impl<'t> Cleaner<'t> {
    /// The cleaned text of a cell, `None` when it is empty.
    pub fn clean(
        &mut self,
        raw: &'t str,
        file: &str,
        line: usize,
        report: &mut ImportReport,
    ) -> Option<String> {
        if raw.trim().is_empty() {
            return None;
        }
        if let Some(done) = self.seen.get(raw) {
            return Some(done.clone());
        }
        let mut text = tidy(raw);
        // Mojibake is made of non-ASCII characters; most cells have none.
        if let Some(repaired) = (!text.is_ascii()).then(|| repair_mojibake(&text)).flatten() {
            let sample = mojibake_samples(&text)
                .into_iter()
                .next()
                .unwrap_or_default();
            report.warn(
                "mojibake",
                format!("repaired mojibake `{sample}` (UTF-8 text that was read as Windows-1252 before it was saved)"),
                file,
                Some(line),
            );
            text = repaired;
        }
        self.seen.insert(raw, text.clone());
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unclosed_quotes() {
        assert_eq!(unterminated_quote(b"a,b\n\"x\ny", b','), Some(2));
        assert_eq!(unterminated_quote(b"a,\"b \"\"c\"\" d\"\n", b','), None);
        assert_eq!(unterminated_quote(b"a,b\"c\n", b','), None);
        assert_eq!(unterminated_quote(b"\"a\"\"", b','), Some(1));
    }

    #[test]
    fn tidies_cells() {
        assert_eq!(
            tidy("  one  \r\ntwo \r\n\r\n\r\n three\n"),
            "one\ntwo\n\n three"
        );
        assert_eq!(tidy("\r\n\r\n"), "");
        assert_eq!(key(" Sub-category "), "subcategory");
    }

    #[test]
    fn reads_rows_with_their_lines() {
        let rows = read_csv("a,b\n\"x\r\ny\",z\nlast,row\n", "f.csv").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].cells, vec!["x\r\ny", "z"]);
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![1, 2, 4]
        );
        let rows = read_csv("a;b;c\n1;2;3\n", "f.csv").unwrap();
        assert_eq!(rows[1].cells, vec!["1", "2", "3"]);
    }
}
