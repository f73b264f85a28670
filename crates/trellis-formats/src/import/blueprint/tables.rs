//! The table sections of a blueprint: KPIs, tools, the weighted interview scorecard and the final
//! scorecard summary.

use indexmap::IndexMap;
use trellis_model::{InterviewDimension, Kpi, Tool, ToolUsage};

use super::guide::{distribute, guide};
use super::outline::{Sub, Table, outline};
use super::reader::{Reader, describe_sub};
use super::sections::{Section, cell_value, words};
use crate::import::markdown_util::shorten;

pub(super) fn kpis(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.note_intro("kpi_notes", &o.intro);
    // Notes on measurement, under their heading or none.
    for sub in o.subs.iter().filter(|s| !s.items.is_empty()) {
        for (text, line) in &sub.items {
            r.keep(text, *line);
            r.level.kpi_notes.push(text.clone());
        }
    }
    let Some((chosen, table)) = o.table_with(&["metric", "kpi"]) else {
        r.skip(
            section.label(),
            "no KPI table (Metric name | What it measures | …) found",
            Some(section.line),
        );
        return;
    };
    let metric = table.column(&["metric", "kpi", "name"], &[]).or(Some(0));
    // "How it is measured", "Data source": how the figure is got, not what it measures.
    let measurement = table.column(
        &[
            "how it is measured",
            "how measured",
            "measured by",
            "measurement",
            "data source",
            "method",
        ],
        &[metric],
    );
    let measures = table.column(&["measure"], &[metric, measurement]);
    let why = table.column(&["why", "matter"], &[metric, measures, measurement]);
    let target = table.column(
        &["target", "benchmark", "goal"],
        &[metric, measures, why, measurement],
    );
    let frequency = table.column(
        &["frequen", "cadence", "how often"],
        &[metric, measures, why, target, measurement],
    );
    let columns = [
        ("metric", metric),
        ("what it measures", measures),
        ("why it matters", why),
        ("target", target),
        ("frequency", frequency),
    ];
    for (cells, line) in &table.rows {
        let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).and_then(|v| cell_value(v));
        let Some(name) = get(metric) else {
            r.skip(
                format!("{}: a KPI row with no metric name", section.label()),
                "a KPI needs a metric name",
                Some(*line),
            );
            continue;
        };
        let what = format!("KPI `{name}`");
        if !first_row(r, "kpi", &name, &what, *line) {
            continue;
        }
        check_cells(&what, &columns, cells, table, *line, r);
        let kpi = Kpi {
            metric: name,
            measures: get(measures),
            why: get(why),
            target: get(target),
            frequency: get(frequency),
            measurement: get(measurement),
        };
        for text in [
            Some(&kpi.metric),
            kpi.measures.as_ref(),
            kpi.why.as_ref(),
            kpi.measurement.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            r.texts.push((text.clone(), *line));
        }
        r.level.kpis.push(kpi);
    }
    let others = o.other_tables(Some(chosen));
    r.skip_tables(section, &others, "only one KPI table is read per blueprint");
    notes_to_kpis(r);
}

/// The terms a note quotes as kinds of metric: `“Influence” metrics (revenue, churn) should be
/// measured…` quotes "influence".
fn quoted_metric_terms(note: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [('“', '”'), ('"', '"'), ('‘', '’')] {
        let mut rest = note;
        while let Some(start) = rest.find(open) {
            let after = rest.get(start + open.len_utf8()..).unwrap_or("");
            let Some(end) = after.find(close) else { break };
            let term = after.get(..end).unwrap_or("").trim();
            let tail = after.get(end + close.len_utf8()..).unwrap_or("");
            if !term.is_empty() && words(term) <= 3 && tail.trim_start().starts_with("metric") {
                out.push(term.to_lowercase());
            }
            rest = tail;
        }
    }
    out
}

/// A note on measurement about some kinds of metric ("“Influence” metrics … should be measured
/// using …") is how those KPIs are measured: it becomes the measurement of each KPI whose name
/// has the quoted word, and leaves the notes on the KPIs as a whole.
fn notes_to_kpis(r: &mut Reader<'_>) {
    let notes = std::mem::take(&mut r.level.kpi_notes);
    for note in notes {
        let terms = quoted_metric_terms(&note);
        let mut used = false;
        for kpi in &mut r.level.kpis {
            let name = kpi.metric.to_lowercase();
            if kpi.measurement.is_none() && terms.iter().any(|t| name.contains(t.as_str())) {
                kpi.measurement = Some(note.clone());
                used = true;
            }
        }
        if !used {
            r.level.kpi_notes.push(note);
        }
    }
}

/// Whether this is the first row of its kind with this key; a later one is reported and left out.
fn first_row(r: &mut Reader<'_>, kind: &'static str, key: &str, what: &str, line: usize) -> bool {
    let first = r.first(kind, key);
    if !first {
        r.warn(
            "duplicate-row",
            format!("{what} is listed twice; kept the first"),
            Some(line),
        );
    }
    first
}

/// Reports the cells a row leaves empty, of the columns named, and cells beyond the header.
fn check_cells(
    what: &str,
    columns: &[(&str, Option<usize>)],
    cells: &[String],
    table: &Table,
    line: usize,
    r: &mut Reader<'_>,
) {
    let missing = missing_cells(columns, cells);
    if !missing.is_empty() {
        r.warn(
            "missing-cell",
            format!("{what} has no {}", missing.join(", ")),
            Some(line),
        );
    }
    extra_cells(cells, table, line, r);
}

pub(super) fn extra_cells(cells: &[String], table: &Table, line: usize, r: &mut Reader<'_>) {
    if cells.len() > table.header.len() {
        let extra: Vec<&str> = cells
            .iter()
            .skip(table.header.len())
            .map(String::as_str)
            .filter(|c| !c.is_empty())
            .collect();
        if !extra.is_empty() {
            r.warn(
                "extra-cell",
                format!(
                    "a row has more cells than the header; ignored \"{}\"",
                    shorten(&extra.join(" | "), 60)
                ),
                Some(line),
            );
        }
    }
}

pub(super) fn tools(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    r.note_intro("tools", &o.intro);
    let rest: Vec<&Sub> = o.subs.iter().filter(|s| !s.items.is_empty()).collect();
    r.skip_subs(
        section,
        &rest,
        "the model holds tools from the tools table only",
    );
    let Some((chosen, table)) = o.table_with(&["tool", "platform"]) else {
        r.skip(
            section.label(),
            "no tools table (Category | Tool / platform | Primary use) found",
            Some(section.line),
        );
        return;
    };
    let category = table.column(&["category", "type", "kind"], &[]);
    let name = table
        .column(&["tool", "platform", "name", "software"], &[category])
        .or_else(|| (0..table.header.len()).find(|i| Some(*i) != category));
    let purpose = table.column(
        &["use", "purpose", "description", "what for"],
        &[category, name],
    );
    let prevalence = table.column(
        &["common", "optional", "context"],
        &[category, name, purpose],
    );
    let columns = [("category", category), ("purpose", purpose)];
    for (cells, line) in &table.rows {
        let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).and_then(|v| cell_value(v));
        let Some(tool) = get(name) else {
            r.skip(
                format!("{}: a tools row with no tool name", section.label()),
                "a tool needs a name",
                Some(*line),
            );
            continue;
        };
        let usage_text = get(prevalence);
        let usage = usage_text.as_deref().and_then(ToolUsage::parse);
        if let (Some(text), None) = (&usage_text, usage) {
            r.warn(
                "tool-usage",
                format!(
                    "tool `{tool}`: usage `{text}` is none of Common, Optional, Context-specific; left out"
                ),
                Some(*line),
            );
        }
        let t = Tool {
            name: tool,
            category: get(category),
            purpose: get(purpose),
            usage,
        };
        let key = format!("{}\u{0}{}", t.name, t.category.as_deref().unwrap_or(""));
        let what = format!("tool `{}`", t.name);
        if !first_row(r, "tool", &key, &what, *line) {
            continue;
        }
        check_cells(&what, &columns, cells, table, *line, r);
        r.level.tools.push(t);
    }
    let others = o.other_tables(Some(chosen));
    r.skip_tables(
        section,
        &others,
        "only one tools table is read per blueprint",
    );
}

/// A weight as written: `20%`, `20`, `12.5 %`, `0.2`.
pub(super) fn parse_weight(text: &str) -> Option<f64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let number: String = text
        .get(start..)?
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    number
        .trim_end_matches('.')
        .parse::<f64>()
        .ok()
        .filter(|w| w.is_finite() && *w >= 0.0 && *w <= 1e6)
}

/// Integer weights summing to 100, proportional to `raw` (largest remainder).
pub(super) fn rescale(raw: &[f64]) -> Vec<u32> {
    let total: f64 = raw.iter().sum();
    if total <= 0.0 {
        return vec![0; raw.len()];
    }
    let exact: Vec<f64> = raw.iter().map(|w| w * 100.0 / total).collect();
    let mut out: Vec<u32> = exact.iter().map(|w| w.floor() as u32).collect();
    let assigned: u32 = out.iter().sum();
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by(|a, b| {
        let ra = exact.get(*a).map_or(0.0, |w| w - w.floor());
        let rb = exact.get(*b).map_or(0.0, |w| w - w.floor());
        rb.total_cmp(&ra).then(a.cmp(b))
    });
    for i in order
        .into_iter()
        .take(100u32.saturating_sub(assigned) as usize)
    {
        if let Some(w) = out.get_mut(i) {
            *w += 1;
        }
    }
    out
}

pub(super) fn hiring(section: &Section<'_>, r: &mut Reader<'_>) {
    let areas = guide(section, r);
    scorecard(section, r);
    distribute(areas, r);
}

/// The weighted scorecard table of the hiring section.
fn scorecard(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    let chosen = o
        .tables
        .iter()
        .position(|t| t.column(&["weight"], &[]).is_some());
    let others = o.other_tables(chosen);
    r.skip_tables(
        section,
        &others,
        "only one weighted scorecard table is read per blueprint",
    );
    let Some(table) = chosen.and_then(|i| o.tables.get(i)) else {
        r.skip(section.label(), "no interview scorecard table (Dimension | What \"excellent\" looks like | Weight) found", Some(section.line));
        return;
    };
    if !r.level.interview.is_empty() {
        // Two scorecards would be scored as one whose weights sum to 200.
        r.skip(
            format!("{}: a second interview scorecard", section.label()),
            "a role level has one weighted scorecard; the first one is kept",
            Some(table.line),
        );
        return;
    }
    let weight = table.column(&["weight"], &[]);
    let name = table
        .column(&["dimension", "criteri", "competenc", "area"], &[weight])
        .or_else(|| (0..table.header.len()).find(|i| Some(*i) != weight));
    let excellent = table.column(&["excellent", "looks like", "strong"], &[weight, name]);
    // Columns headed by a score (`1`, `Score 3`) give the anchors for that score.
    let scores: Vec<(u8, usize)> = table
        .header
        .iter()
        .enumerate()
        .filter(|(i, _)| ![weight, name, excellent].contains(&Some(*i)))
        .filter_map(|(i, h)| {
            let h = h.to_lowercase();
            let h = h.trim_start_matches("score").trim();
            h.parse::<u8>()
                .ok()
                .filter(|s| (1..=5).contains(s))
                .map(|s| (s, i))
        })
        .collect();
    let mut dims: Vec<(InterviewDimension, f64, usize)> = Vec::new();
    for (cells, line) in &table.rows {
        let get = |c: Option<usize>| c.and_then(|c| cells.get(c)).and_then(|v| cell_value(v));
        let Some(dim) = get(name) else {
            r.skip(
                format!("{}: a scorecard row with no dimension", section.label()),
                "a dimension needs a name",
                Some(*line),
            );
            continue;
        };
        if !first_row(
            r,
            "interview",
            &dim,
            &format!("interview dimension `{dim}`"),
            *line,
        ) {
            continue;
        }
        let w = match get(weight).and_then(|w| parse_weight(&w)) {
            Some(w) => w,
            None => {
                r.warn(
                    "missing-cell",
                    format!("interview dimension `{dim}` has no weight; counted as 0"),
                    Some(*line),
                );
                0.0
            }
        };
        let mut anchors: IndexMap<u8, String> = IndexMap::new();
        for (score, col) in &scores {
            if let Some(text) = get(Some(*col)) {
                anchors.insert(*score, text);
            }
        }
        match get(excellent) {
            Some(text) => {
                anchors.entry(5).or_insert(text);
            }
            None if excellent.is_some() => {
                r.warn(
                    "missing-cell",
                    format!("interview dimension `{dim}` does not say what excellent looks like"),
                    Some(*line),
                );
            }
            None => {}
        }
        anchors.sort_keys();
        extra_cells(cells, table, *line, r);
        for text in anchors.values() {
            r.texts.push((text.clone(), *line));
        }
        dims.push((
            InterviewDimension {
                name: dim,
                weight: 0,
                description: None,
                anchors,
                interview_guidance: None,
            },
            w,
            *line,
        ));
    }
    if dims.is_empty() {
        return;
    }
    let mut raw: Vec<f64> = dims.iter().map(|(_, w, _)| *w).collect();
    let total: f64 = raw.iter().sum();
    if (total - 1.0).abs() < 0.011 && raw.iter().all(|w| *w <= 1.0) {
        // Fractions (0.2) rather than percentages.
        raw.iter_mut().for_each(|w| *w *= 100.0);
    }
    let total: f64 = raw.iter().sum();
    if total <= 0.0 {
        r.skip(
            format!("{}: the interview scorecard", section.label()),
            "no dimension has a weight, so the scorecard cannot be scored",
            Some(table.line),
        );
        return;
    }
    let exact = (total - 100.0).abs() < 1e-9 && raw.iter().all(|w| w.fract() == 0.0);
    let weights = if exact {
        raw.iter().map(|w| *w as u32).collect()
    } else {
        rescale(&raw)
    };
    if !exact {
        let shown: Vec<String> = dims
            .iter()
            .zip(&raw)
            .zip(&weights)
            .map(|(((d, _, _), from), to)| format!("{} {from}→{to}", d.name))
            .collect();
        r.warn(
            "interview-weights",
            format!(
                "interview weights sum to {total}, not 100; rescaled: {}",
                shown.join(", ")
            ),
            Some(table.line),
        );
    }
    for ((mut dim, _, _), w) in dims.into_iter().zip(weights) {
        dim.weight = w;
        r.level.interview.push(dim);
    }
}

pub(super) fn final_summary(section: &Section<'_>, r: &mut Reader<'_>) {
    let o = outline(&section.body, false);
    let mut repeated: Vec<String> = Vec::new();
    for table in &o.tables {
        // Without a header row, the first row (often the role title) is read as the header.
        let headless = table
            .header
            .first()
            .is_some_and(|h| h.to_lowercase().contains("title"));
        let header = headless.then(|| (table.header.clone(), table.line));
        for (cells, line) in header.iter().chain(&table.rows) {
            let (Some(label), Some(value)) =
                (cells.first(), cells.get(1).and_then(|v| cell_value(v)))
            else {
                continue;
            };
            let l = label.to_lowercase();
            if l.contains("title") && words(&value) <= 10 {
                r.title_final = Some(value);
            } else if l.contains("purpose") {
                repeated.push(label.clone());
                r.role_purpose = Some((value, *line));
            } else if l.contains("reports to") {
                r.level.reports_to.get_or_insert(value);
            } else {
                repeated.push(label.clone());
            }
        }
    }
    if !repeated.is_empty() {
        let what = format!("{}: {}", section.label(), repeated.join(", "));
        let why = "a summary of the sections above, which are imported from their own sections (the role purpose stands in for a missing summary)";
        r.skip(what, why, Some(section.line));
    }
    let mut parts: Vec<String> = o.subs.iter().map(describe_sub).collect();
    if !o.intro.is_empty() {
        parts.insert(0, "introduction".into());
    }
    r.skip_parts(
        section,
        &parts,
        Some(section.line),
        "only the scorecard table of the final summary is read",
    );
}

/// The names of the columns a row leaves empty, of those the table has.
fn missing_cells<'c>(columns: &[(&'c str, Option<usize>)], cells: &[String]) -> Vec<&'c str> {
    columns
        .iter()
        .filter(|(_, c)| c.is_some_and(|c| cells.get(c).and_then(|v| cell_value(v)).is_none()))
        .map(|(n, _)| *n)
        .collect()
}
