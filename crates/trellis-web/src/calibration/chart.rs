//! The distribution chart of calibration: one horizontal bar per group (a manager, team, track or
//! skill), split into its outcomes two or more below, one below, at, one above and two or more
//! above the required level. Segments differ by shade and by hatching, and carry their count as
//! text when there is room; the page follows the chart with a table of the same numbers.

use std::fmt::Write;

use trellis_app::calibration::{BUCKETS, Group};

use crate::chart::escape;

const ROW: f64 = 26.0;
const LABEL: f64 = 200.0;
const BAR: f64 = 360.0;

/// Fill, text colour and whether the segment is hatched, per bucket: below the required level
/// hatched, above plain, at it light grey.
const STYLE: [(&str, &str, bool); 5] = [
    ("#8a1111", "#ffffff", true),
    ("#e08b5a", "#1b1f24", true),
    ("#d9d9d9", "#1b1f24", false),
    ("#6aa6cf", "#1b1f24", false),
    ("#1f5a99", "#ffffff", false),
];

fn short(label: &str) -> String {
    if label.chars().count() <= 28 {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(27).collect();
        s.push('…');
        s
    }
}

/// The chart as inline SVG (`id` names its title and description), or nothing without groups.
pub(super) fn distribution(id: &str, title: &str, groups: &[Group]) -> String {
    if groups.is_empty() {
        return String::new();
    }
    let legend = 30.0;
    let height = legend + ROW * groups.len() as f64 + 8.0;
    let width = LABEL + BAR + 90.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="calibration-chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">"#
    );
    let _ = write!(
        svg,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">Share of outcomes at each distance from the required level, per group, with the mean gap; the table below gives every count.</desc>"#,
        escape(title)
    );
    let _ = write!(
        svg,
        "<defs><pattern id=\"{id}-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#ffffff\" stroke-width=\"2\" stroke-opacity=\"0.6\"/></pattern></defs>"
    );
    // The legend: each bucket's swatch and name.
    let mut x = 4.0;
    for (i, name) in BUCKETS.iter().enumerate() {
        let (fill, _, hatched) = STYLE[i];
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"6\" width=\"14\" height=\"14\" fill=\"{fill}\" stroke=\"#1b1f24\"/>"
        );
        if hatched {
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"6\" width=\"14\" height=\"14\" fill=\"url(#{id}-hatch)\"/>"
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"18\" font-size=\"11\" fill=\"#1b1f24\">{name}</text>",
            x + 18.0
        );
        x += 18.0 + 7.0 * name.len() as f64 + 14.0;
    }
    for (row, g) in groups.iter().enumerate() {
        let y = legend + ROW * row as f64;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1b1f24\">{}</text>",
            LABEL - 8.0,
            y + 14.0,
            escape(&short(&g.label))
        );
        let n = g.n().max(1) as f64;
        let mut at = LABEL;
        for (i, count) in g.counts.iter().enumerate() {
            if *count == 0 {
                continue;
            }
            let (fill, ink, hatched) = STYLE[i];
            let w = BAR * *count as f64 / n;
            let _ = write!(
                svg,
                "<rect x=\"{at:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" fill=\"{fill}\" stroke=\"#1b1f24\" stroke-width=\"0.5\"><title>{}: {count} {}</title></rect>",
                escape(&g.label),
                BUCKETS[i]
            );
            if hatched {
                let _ = write!(
                    svg,
                    "<rect x=\"{at:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" fill=\"url(#{id}-hatch)\"/>"
                );
            }
            if w >= 22.0 {
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{ink}\">{count}</text>",
                    at + w / 2.0,
                    y + 13.0
                );
            }
            at += w;
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#1b1f24\">{}</text>",
            LABEL + BAR + 6.0,
            y + 14.0,
            escape(&g.mean_text())
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use trellis_app::calibration::stats::Moments;

    #[test]
    fn every_outcome_is_drawn_and_named() {
        let mut moments = Moments::default();
        moments.add(1, 6);
        moments.add(0, 2);
        let g = Group {
            key: "7".into(),
            label: "Ravi <Lead>".into(),
            counts: [0, 0, 2, 6, 0],
            moments,
            session: None,
        };
        let svg = distribution("by-manager", "By manager", &[g]);
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("Ravi &lt;Lead&gt;: 6 1 above"), "{svg}");
        assert!(svg.contains(">+0.75<"), "the mean gap is written");
        assert!(distribution("x", "X", &[]).is_empty());
    }
}
