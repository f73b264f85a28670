//! A section as an outline: sub-headed groups of items, its prose introduction and its pipe tables.

use super::sections::{Line, bullet, inline_list, is_heading, is_short_label, words};

// ---------------------------------------------------------------------------------------------------
// Outline: a section as sub-headed groups of items, its prose introduction and its tables

#[derive(Debug, Default)]
pub(super) struct Sub {
    pub(super) heading: Option<(String, usize)>,
    pub(super) items: Vec<(String, usize)>,
    /// Whether a table follows the heading (its rows are the sub-section's content).
    pub(super) has_table: bool,
}

impl Sub {
    pub(super) fn line(&self) -> Option<usize> {
        self.heading
            .as_ref()
            .map(|h| h.1)
            .or_else(|| self.items.first().map(|i| i.1))
    }
}

#[derive(Debug)]
pub(super) struct Table {
    pub(super) line: usize,
    pub(super) header: Vec<String>,
    pub(super) rows: Vec<(Vec<String>, usize)>,
}

impl Table {
    /// The first column whose header contains one of `keys` (lower-case), skipping `taken`.
    pub(super) fn column(&self, keys: &[&str], taken: &[Option<usize>]) -> Option<usize> {
        self.header.iter().enumerate().position(|(i, h)| {
            let h = h.to_lowercase();
            !taken.contains(&Some(i)) && keys.iter().any(|k| h.contains(k))
        })
    }
}

#[derive(Debug, Default)]
pub(super) struct Outline {
    pub(super) intro: Vec<(String, usize)>,
    pub(super) subs: Vec<Sub>,
    pub(super) tables: Vec<Table>,
}

impl Outline {
    /// The first table with a column named by one of `keys`, else the first table; with its index.
    pub(super) fn table_with(&self, keys: &[&str]) -> Option<(usize, &Table)> {
        self.tables
            .iter()
            .enumerate()
            .find(|(_, t)| t.column(keys, &[]).is_some())
            .or(self.tables.first().map(|t| (0, t)))
    }

    /// Every table but the one chosen, if one was.
    pub(super) fn other_tables(&self, chosen: Option<usize>) -> Vec<&Table> {
        self.tables
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != chosen)
            .map(|(_, t)| t)
            .collect()
    }

    pub(super) fn push_item(&mut self, text: &str, line: usize) {
        if self.subs.is_empty() {
            self.subs.push(Sub::default());
        }
        if let Some(sub) = self.subs.last_mut() {
            sub.items.push((text.to_owned(), line));
        }
    }

    pub(super) fn open(&mut self, heading: &str, line: usize) {
        self.subs.push(Sub {
            heading: Some((heading.trim().to_owned(), line)),
            items: Vec::new(),
            has_table: false,
        });
    }
}

/// The cells of a pipe-table row; `\|` is a literal bar.
pub(super) fn cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    if !cell.trim().is_empty() {
        out.push(cell.trim().to_owned());
    }
    out
}

pub(super) fn is_separator(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
        && cells.iter().any(|c| c.contains('-'))
}

/// A line of a section with its bullet resolved: `bullet` holds the item text of a bullet line. The
/// flattening sometimes leaves a bare marker (`-`) on its own line with the item on the next; the
/// two are read as one bullet.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row<'a> {
    pub(super) no: usize,
    pub(super) text: &'a str,
    pub(super) bullet: Option<&'a str>,
}

pub(super) fn rows<'a>(body: &[Line<'a>]) -> Vec<Row<'a>> {
    let mut out = Vec::with_capacity(body.len());
    let mut bare_marker = false;
    for line in body {
        let t = line.text;
        if t.is_empty() {
            continue;
        }
        if t.starts_with('|') {
            bare_marker = false;
            out.push(Row {
                no: line.no,
                text: t,
                bullet: None,
            });
            continue;
        }
        match bullet(t) {
            Some("") => bare_marker = true,
            Some(b) => {
                bare_marker = false;
                out.push(Row {
                    no: line.no,
                    text: t,
                    bullet: Some(b),
                });
            }
            None => {
                let as_bullet = std::mem::take(&mut bare_marker);
                out.push(Row {
                    no: line.no,
                    text: t,
                    bullet: as_bullet.then_some(t),
                });
            }
        }
    }
    out
}

pub(super) fn outline(body: &[Line<'_>], nested_headings: bool) -> Outline {
    let rows = rows(body);
    let mut o = Outline::default();
    let mut table: Option<Table> = None;
    for (i, row) in rows.iter().enumerate() {
        let t = row.text;
        if t.starts_with('|') {
            let row_cells = cells(t);
            if is_separator(&row_cells) {
                continue;
            }
            match &mut table {
                Some(tb) => tb.rows.push((row_cells, row.no)),
                None => {
                    if let Some(sub) = o.subs.last_mut() {
                        sub.has_table = true;
                    }
                    table = Some(Table {
                        line: row.no,
                        header: row_cells,
                        rows: Vec::new(),
                    });
                }
            }
            continue;
        }
        if let Some(tb) = table.take() {
            o.tables.push(tb);
        }
        match row.bullet {
            Some(b) => {
                let next_is_bullet = rows.get(i + 1).is_some_and(|r| r.bullet.is_some());
                match b.strip_suffix(':') {
                    Some(h) if words(h) <= 15 && !h.trim().is_empty() => o.open(h, row.no),
                    _ if nested_headings && is_short_label(b) && next_is_bullet => {
                        o.open(b, row.no)
                    }
                    _ => o.push_item(b, row.no),
                }
            }
            None => {
                if let Some((label, items)) = inline_list(t) {
                    // A list right under its own heading belongs to it; otherwise the label heads it.
                    let under_heading = o
                        .subs
                        .last()
                        .is_some_and(|s| s.heading.is_some() && s.items.is_empty() && !s.has_table);
                    if !under_heading {
                        o.open(&label, row.no);
                    }
                    for item in items {
                        o.push_item(&item, row.no);
                    }
                } else if is_heading(t) {
                    o.open(t.trim_end_matches(':'), row.no);
                } else if o.subs.is_empty() {
                    o.intro.push((t.to_owned(), row.no));
                } else {
                    o.push_item(t, row.no);
                }
            }
        }
    }
    if let Some(tb) = table {
        o.tables.push(tb);
    }
    o
}
