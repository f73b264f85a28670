//! Server-rendered charts as inline SVG: no scripts, styled by presentation attributes (the content
//! security policy forbids inline styles), and accessible: `role="img"` with a title and a
//! description, series told apart by line pattern and marker shape as well as colour, and always
//! followed on the page by a table with the same numbers.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// One axis of a radar chart: a skill, with each series' value as a share of the skill's scale
/// (0 = nothing, 1 = top of the scale).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RadarAxis {
    pub label: String,
    pub required: Option<f64>,
    pub self_rating: Option<f64>,
    pub manager: Option<f64>,
}

/// The share of a scale a level stands for: its 1-based rank over the number of levels.
pub(crate) fn share(rank: usize, levels: usize) -> f64 {
    if levels == 0 {
        0.0
    } else {
        (rank as f64 + 1.0) / levels as f64
    }
}

pub(crate) use trellis_app::privacy::escape;

fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

struct Series {
    name: &'static str,
    class: &'static str,
    stroke: &'static str,
    fill: &'static str,
    dash: Option<&'static str>,
    marker: Marker,
}

#[derive(Clone, Copy)]
enum Marker {
    None,
    Circle,
    Square,
}

const SERIES: [Series; 3] = [
    Series {
        name: "Required",
        class: "radar-required",
        stroke: "#1b1f24",
        fill: "none",
        dash: Some("7 4"),
        marker: Marker::None,
    },
    Series {
        name: "Self",
        class: "radar-self",
        stroke: "#0b57a4",
        fill: "#0b57a4",
        dash: Some("2 3"),
        marker: Marker::Circle,
    },
    Series {
        name: "Manager",
        class: "radar-manager",
        stroke: "#8a3b00",
        fill: "none",
        dash: None,
        marker: Marker::Square,
    },
];

const WIDTH: f64 = 660.0;
const HEIGHT: f64 = 450.0;
const CX: f64 = WIDTH / 2.0;
const CY: f64 = 205.0;
const R: f64 = 140.0;

fn point(i: usize, n: usize, value: f64) -> (f64, f64) {
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n.max(1) as f64;
    (CX + R * value * angle.cos(), CY + R * value * angle.sin())
}

/// A coordinate written with one decimal by integer arithmetic: a chart has a hundred of them,
/// and the general float formatter costs more than the rest of the chart.
#[derive(Clone, Copy)]
struct Tenths(f64);

impl Tenths {
    /// The text, written from the end of `buf`.
    fn text(self, buf: &mut [u8; 24]) -> &str {
        let start = self.digits(buf);
        std::str::from_utf8(&buf[start..]).unwrap_or_default()
    }

    /// Writes the ASCII text at the end of `buf`, returning where it starts.
    fn digits(self, buf: &mut [u8; 24]) -> usize {
        let tenths = (self.0 * 10.0).round() as i64;
        let abs = tenths.unsigned_abs();
        let mut i = buf.len() - 2;
        buf[i + 1] = b'0' + (abs % 10) as u8;
        buf[i] = b'.';
        let mut n = abs / 10;
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if tenths < 0 {
            i -= 1;
            buf[i] = b'-';
        }
        i
    }

    /// Pushes the text byte by byte: cheaper than checking a few ASCII bytes are UTF-8.
    fn push_to(self, s: &mut String) {
        let mut buf = [0; 24];
        let start = self.digits(&mut buf);
        s.extend(buf[start..].iter().map(|&b| char::from(b)));
    }
}

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text(&mut [0; 24]))
    }
}

fn push_all(s: &mut String, parts: &[&str]) {
    for part in parts {
        s.push_str(part);
    }
}

/// Writes `x,y x,y ...`, the points of a polygon.
fn write_points(s: &mut String, points: impl Iterator<Item = (f64, f64)>) {
    for (i, (x, y)) in points.enumerate() {
        if i > 0 {
            s.push(' ');
        }
        Tenths(x).push_to(s);
        s.push(',');
        Tenths(y).push_to(s);
    }
}

/// A radar chart of required, self and manager levels. `id` makes the title and description ids
/// unique on the page; `title` and `desc` are read out by screen readers.
pub(crate) fn radar(id: &str, title: &str, desc: &str, axes: &[RadarAxis]) -> String {
    let n = axes.len();
    // A chart is a few kilobytes, written with `push_str` rather than `write!`: a person page
    // draws one per request.
    let mut s = String::with_capacity(8 * 1024);
    let _ = write!(
        s,
        "<svg class=\"radar\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    s.push_str(&grid(axes));
    // The series: polygons through each value (a missing value sits at the centre; the table
    // after the chart says "not rated").
    for (k, series) in SERIES.iter().enumerate() {
        let values: Vec<Option<f64>> = axes
            .iter()
            .map(|a| match k {
                0 => a.required,
                1 => a.self_rating,
                _ => a.manager,
            })
            .collect();
        if values.iter().all(Option::is_none) {
            continue;
        }
        let pts: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| point(i, n, v.unwrap_or(0.0).clamp(0.0, 1.0)))
            .collect();
        let dash = series
            .dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let fill_opacity = if series.fill == "none" {
            ""
        } else {
            " fill-opacity=\"0.12\""
        };
        let _ = write!(s, "<polygon class=\"{}\" points=\"", series.class);
        write_points(&mut s, pts.iter().copied());
        let _ = write!(
            s,
            "\" fill=\"{}\"{fill_opacity} stroke=\"{}\" stroke-width=\"2.5\"{dash}/>",
            series.fill, series.stroke
        );
        for ((x, y), v) in pts.iter().zip(&values) {
            if v.is_none() {
                continue;
            }
            match series.marker {
                Marker::None => {}
                Marker::Circle => {
                    push_all(&mut s, &["<circle class=\"", series.class, "\" cx=\""]);
                    Tenths(*x).push_to(&mut s);
                    s.push_str("\" cy=\"");
                    Tenths(*y).push_to(&mut s);
                    push_all(&mut s, &["\" r=\"4\" fill=\"", series.stroke, "\"/>"]);
                }
                Marker::Square => {
                    push_all(&mut s, &["<rect class=\"", series.class, "\" x=\""]);
                    Tenths(x - 4.0).push_to(&mut s);
                    s.push_str("\" y=\"");
                    Tenths(y - 4.0).push_to(&mut s);
                    push_all(
                        &mut s,
                        &["\" width=\"8\" height=\"8\" fill=\"", series.stroke, "\"/>"],
                    );
                }
            }
        }
    }
    s.push_str(legend());
    s.push_str("</svg>");
    s
}

/// How many grids are remembered: one per role level of the frameworks in use.
const GRIDS_KEPT: usize = 256;

/// The rings, spokes and labels of a radar chart with these axes. They depend on the skills'
/// names alone, which a role level's charts share: each grid is drawn once and remembered.
fn grid(axes: &[RadarAxis]) -> Arc<str> {
    type Grids = Mutex<HashMap<String, Arc<str>>>;
    static GRIDS: OnceLock<Grids> = OnceLock::new();
    let key = axes
        .iter()
        .map(|a| a.label.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let grids = GRIDS.get_or_init(Grids::default);
    if let Some(drawn) = grids.lock().ok().and_then(|g| g.get(&key).cloned()) {
        return drawn;
    }
    let drawn: Arc<str> = draw_grid(axes).into();
    if let Ok(mut g) = grids.lock() {
        if g.len() >= GRIDS_KEPT {
            g.clear();
        }
        g.insert(key, drawn.clone());
    }
    drawn
}

fn draw_grid(axes: &[RadarAxis]) -> String {
    let n = axes.len();
    let mut s = String::with_capacity(4 * 1024);
    // Rings at each quarter of the scale, and one spoke per skill.
    for ring in [0.25, 0.5, 0.75, 1.0] {
        s.push_str("<polygon class=\"radar-grid\" points=\"");
        write_points(&mut s, (0..n.max(3)).map(|i| point(i, n.max(3), ring)));
        s.push_str("\" fill=\"none\" stroke=\"#c9d0d8\" stroke-width=\"1\"/>");
    }
    // The centre, formatted once rather than per spoke.
    let (cx, cy) = (CX.to_string(), CY.to_string());
    for (i, axis) in axes.iter().enumerate() {
        let (x, y) = point(i, n, 1.0);
        push_all(
            &mut s,
            &[
                "<line class=\"radar-spoke\" x1=\"",
                &cx,
                "\" y1=\"",
                &cy,
                "\" x2=\"",
            ],
        );
        Tenths(x).push_to(&mut s);
        s.push_str("\" y2=\"");
        Tenths(y).push_to(&mut s);
        s.push_str("\" stroke=\"#c9d0d8\" stroke-width=\"1\"/>");
        let (lx, ly) = point(i, n, 1.13);
        let anchor = if (lx - CX).abs() < 8.0 {
            "middle"
        } else if lx > CX {
            "start"
        } else {
            "end"
        };
        s.push_str("<text class=\"radar-label\" x=\"");
        Tenths(lx).push_to(&mut s);
        s.push_str("\" y=\"");
        Tenths(ly + 4.0).push_to(&mut s);
        push_all(
            &mut s,
            &[
                "\" text-anchor=\"",
                anchor,
                "\" font-size=\"12\" fill=\"#1b1f24\">",
                &escape(&short(&axis.label, 24)),
                "</text>",
            ],
        );
    }
    s
}

/// The legend: line pattern and marker as well as colour. The same on every chart, so written once.
fn legend() -> &'static str {
    static LEGEND: OnceLock<String> = OnceLock::new();
    LEGEND.get_or_init(|| {
        let mut s = String::new();
        for (k, series) in SERIES.iter().enumerate() {
            let x = CX - 240.0 + 160.0 * k as f64;
            let y = HEIGHT - 18.0;
            let dash = series
                .dash
                .map(|d| format!(" stroke-dasharray=\"{d}\""))
                .unwrap_or_default();
            let _ = write!(
                s,
                "<line x1=\"{x}\" y1=\"{y}\" x2=\"{:.1}\" y2=\"{y}\" stroke=\"{}\" stroke-width=\"2.5\"{dash}/>",
                x + 36.0,
                series.stroke
            );
            match series.marker {
                Marker::None => {}
                Marker::Circle => {
                    let _ = write!(
                        s,
                        "<circle cx=\"{:.1}\" cy=\"{y}\" r=\"4\" fill=\"{}\"/>",
                        x + 18.0,
                        series.stroke
                    );
                }
                Marker::Square => {
                    let _ = write!(
                        s,
                        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"{}\"/>",
                        x + 14.0,
                        y - 4.0,
                        series.stroke
                    );
                }
            }
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#1b1f24\">{}</text>",
                x + 44.0,
                y + 4.0,
                series.name
            );
        }
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radar_is_accessible_and_escaped() {
        let axes = vec![
            RadarAxis {
                label: "Testing <& co>".into(),
                required: Some(0.5),
                self_rating: Some(0.75),
                manager: None,
            },
            RadarAxis {
                label: "Programming".into(),
                required: Some(0.5),
                self_rating: Some(0.5),
                manager: Some(0.25),
            },
            RadarAxis {
                label: "Design".into(),
                required: Some(0.25),
                self_rating: None,
                manager: Some(0.5),
            },
        ];
        let svg = radar("r1", "Skills of A", "Required against rated", &axes);
        assert!(
            svg.starts_with(
                "<svg class=\"radar\" role=\"img\" aria-labelledby=\"r1-title r1-desc\""
            )
        );
        assert!(svg.contains("<title id=\"r1-title\">Skills of A</title>"));
        assert!(svg.contains("<desc id=\"r1-desc\">"));
        assert!(svg.contains("Testing &lt;&amp; co&gt;"));
        assert!(svg.contains("class=\"radar-required\""));
        assert!(svg.contains("class=\"radar-self\""));
        assert!(svg.contains("class=\"radar-manager\""));
        assert!(!svg.contains("style="), "no inline styles under the CSP");
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn coordinates_have_one_decimal() {
        let shown = |x: f64| Tenths(x).to_string();
        assert_eq!(shown(330.0), "330.0");
        assert_eq!(shown(47.04), "47.0");
        assert_eq!(shown(47.06), "47.1");
        assert_eq!(shown(0.04), "0.0");
        assert_eq!(shown(-3.25), "-3.3");
        assert_eq!(shown(-0.5), "-0.5");
        assert_eq!(shown(1234.56), "1234.6");
        assert_eq!(shown(0.96), "1.0");
        let mut s = String::new();
        write_points(&mut s, [(1.0, 2.0), (3.04, 4.0)].into_iter());
        assert_eq!(s, "1.0,2.0 3.0,4.0");
    }

    #[test]
    fn a_grid_is_drawn_once_for_its_skills() {
        let axes = |labels: &[&str], value: f64| -> Vec<RadarAxis> {
            labels
                .iter()
                .map(|l| RadarAxis {
                    label: (*l).into(),
                    required: Some(value),
                    self_rating: None,
                    manager: Some(value),
                })
                .collect()
        };
        let three = ["Grid one", "Grid two", "Grid three"];
        let first = axes(&three, 0.5);
        let drawn = grid(&first);
        assert_eq!(*drawn, draw_grid(&first));
        assert!(
            Arc::ptr_eq(&drawn, &grid(&axes(&three, 0.75))),
            "remembered"
        );
        let other = axes(&["Grid one", "Grid two", "Grid four"], 0.5);
        assert_eq!(*grid(&other), draw_grid(&other));
        assert_ne!(*grid(&other), *drawn);
        // The values are drawn for each chart all the same.
        let a = radar("r", "t", "d", &first);
        let b = radar("r", "t", "d", &axes(&three, 0.75));
        assert!(a.contains(&*drawn) && b.contains(&*drawn));
        assert_ne!(a, b);
    }

    #[test]
    fn shares_of_a_scale() {
        assert_eq!(share(0, 4), 0.25);
        assert_eq!(share(3, 4), 1.0);
        assert_eq!(share(0, 0), 0.0);
    }
}
