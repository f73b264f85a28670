//! The debrief's chart: one horizontal bar per interview dimension, its mean score out of 5, with
//! the lowest and highest score marked; a disagreement is drawn with a dashed outline and named in
//! the text, never by colour alone. The page follows it with a table of the same numbers.

use std::fmt::Write;

use trellis_app::hiring::Debrief;

use crate::chart::escape;

const ROW: f64 = 28.0;
const LABEL: f64 = 220.0;
const BAR: f64 = 300.0;

/// The chart as inline SVG, or nothing when nobody has scored yet.
pub(super) fn scores(d: &Debrief, scorecards: usize) -> String {
    if scorecards == 0 {
        return String::new();
    }
    let height = ROW * d.dimensions.len() as f64 + 40.0;
    let width = LABEL + BAR + 190.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="debrief-chart" role="img" aria-labelledby="debrief-chart-title debrief-chart-desc" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">"#
    );
    let _ = write!(
        svg,
        r#"<title id="debrief-chart-title">Mean score per dimension, out of 5</title><desc id="debrief-chart-desc">Weighted score {:.2} of 5 from {} scorecards; the table below gives every score.</desc>"#,
        d.weighted, scorecards
    );
    for step in 0..=5 {
        let x = LABEL + BAR * f64::from(step) / 5.0;
        let _ = write!(
            svg,
            "<line x1=\"{x}\" y1=\"4\" x2=\"{x}\" y2=\"{}\" stroke=\"#c9ced6\" stroke-width=\"1\"/><text x=\"{x}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1b1f24\">{step}</text>",
            height - 24.0,
            height - 10.0
        );
    }
    for (i, r) in d.dimensions.iter().enumerate() {
        let y = 8.0 + ROW * i as f64;
        let label = format!("{} ({}%)", r.name, r.weight);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1b1f24\">{}</text>",
            LABEL - 8.0,
            y + 14.0,
            escape(&label)
        );
        let Some(mean) = r.mean else {
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#1b1f24\">missing</text>",
                LABEL + 4.0,
                y + 14.0
            );
            continue;
        };
        let w = BAR * mean / 5.0;
        let dash = if r.disagreement {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        let _ = write!(
            svg,
            "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" fill=\"#4c6fa8\" stroke=\"#1b1f24\"{dash}/>"
        );
        let lo = r.scores.iter().map(|s| s.1).min().unwrap_or(0);
        let hi = r.scores.iter().map(|s| s.1).max().unwrap_or(0);
        let (x1, x2) = (
            LABEL + BAR * f64::from(lo) / 5.0,
            LABEL + BAR * f64::from(hi) / 5.0,
        );
        let _ = write!(
            svg,
            "<line x1=\"{x1:.1}\" y1=\"{}\" x2=\"{x2:.1}\" y2=\"{}\" stroke=\"#1b1f24\" stroke-width=\"2\"/>",
            y + 9.0,
            y + 9.0
        );
        let note = if r.disagreement {
            format!("{mean:.1}, range {lo}–{hi}: discuss")
        } else {
            format!("{mean:.1}")
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#1b1f24\">{}</text>",
            LABEL + BAR + 6.0,
            y + 14.0,
            escape(&note)
        );
    }
    svg.push_str("</svg>");
    svg
}
