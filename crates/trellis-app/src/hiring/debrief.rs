//! The debrief of a candidate, computed from the submitted scorecards: the mean score per
//! interview dimension, the spread between interviewers, and the weighted score with the weights of
//! the role level. A dimension nobody scored is listed as missing and adds nothing: the weighted
//! score is never scaled up to hide it (see [`Debrief::covered_weight`]).

use trellis_store::Interview;

/// A disagreement between interviewers larger than this (in points) is flagged for discussion.
pub const DISAGREEMENT: u8 = 1;

#[derive(Debug, Clone, PartialEq)]
pub struct DimensionResult {
    pub name: String,
    /// Percent of the overall score.
    pub weight: u32,
    /// Each submitted score, with the interviewer's name.
    pub scores: Vec<(String, u8)>,
    /// The mean score, when anyone scored it.
    pub mean: Option<f64>,
    /// Highest minus lowest score.
    pub spread: u8,
    /// The spread is more than [`DISAGREEMENT`].
    pub disagreement: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Debrief {
    pub dimensions: Vec<DimensionResult>,
    /// Σ weight × mean ÷ 100 over the dimensions scored: out of 5 when every dimension is.
    pub weighted: f64,
    /// The share of the weights (percent) the scored dimensions carry.
    pub covered_weight: u32,
    /// Dimensions nobody scored.
    pub missing: Vec<String>,
    /// Submitted scorecards leaning to hire and not to.
    pub hire: usize,
    pub no_hire: usize,
}

/// The debrief for the dimensions (name, weight) of the role level, from the interviews given
/// (only submitted scorecards count).
pub fn debrief(dimensions: &[(String, u32)], interviews: &[Interview]) -> Debrief {
    let submitted: Vec<&Interview> = interviews
        .iter()
        .filter(|i| i.submitted_at.is_some())
        .collect();
    let mut out = Debrief {
        dimensions: Vec::new(),
        weighted: 0.0,
        covered_weight: 0,
        missing: Vec::new(),
        hire: submitted
            .iter()
            .filter(|i| i.leaning.as_deref() == Some("hire"))
            .count(),
        no_hire: submitted
            .iter()
            .filter(|i| i.leaning.as_deref() == Some("no-hire"))
            .count(),
    };
    for (name, weight) in dimensions {
        let scores: Vec<(String, u8)> = submitted
            .iter()
            .filter_map(|i| {
                i.scores
                    .0
                    .get(name)
                    .map(|s| (i.interviewer_name.clone(), *s))
            })
            .collect();
        let values: Vec<u8> = scores.iter().map(|(_, s)| *s).collect();
        let mean = (!values.is_empty())
            .then(|| values.iter().map(|&s| f64::from(s)).sum::<f64>() / values.len() as f64);
        let spread = match (values.iter().max(), values.iter().min()) {
            (Some(hi), Some(lo)) => hi - lo,
            _ => 0,
        };
        match mean {
            Some(m) => {
                out.weighted += f64::from(*weight) * m / 100.0;
                out.covered_weight += weight;
            }
            None => out.missing.push(name.clone()),
        }
        out.dimensions.push(DimensionResult {
            name: name.clone(),
            weight: *weight,
            scores,
            mean,
            spread,
            disagreement: spread > DISAGREEMENT,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use trellis_store::Scores;

    use super::*;

    fn card(who: &str, scores: &[(&str, u8)], leaning: &str, submitted: bool) -> Interview {
        Interview {
            id: 0,
            candidate_id: 1,
            stage: "Interview".into(),
            interviewer_id: 0,
            interviewer_name: who.into(),
            scheduled_on: "2027-01-01".into(),
            scores: Scores(
                scores
                    .iter()
                    .map(|(d, s)| ((*d).to_owned(), *s))
                    .collect::<BTreeMap<_, _>>(),
            ),
            notes: String::new(),
            leaning: Some(leaning.into()),
            submitted_at: submitted.then_some(1),
            revealed_at: None,
        }
    }

    fn dims(d: &[(&str, u32)]) -> Vec<(String, u32)> {
        d.iter().map(|(n, w)| ((*n).to_owned(), *w)).collect()
    }

    #[test]
    fn the_weighted_score_is_worked_out_by_hand() {
        // The blueprint's weights: 20/15/15/15/10/15/5/5.
        let d = dims(&[
            ("A", 20),
            ("B", 15),
            ("C", 15),
            ("D", 15),
            ("E", 10),
            ("F", 15),
            ("G", 5),
            ("H", 5),
        ]);
        let all: Vec<(&str, u8)> = vec![
            ("A", 4),
            ("B", 3),
            ("C", 5),
            ("D", 2),
            ("E", 4),
            ("F", 3),
            ("G", 5),
            ("H", 1),
        ];
        let r = debrief(&d, &[card("Ann", &all, "hire", true)]);
        // 0.2·4 + 0.15·3 + 0.15·5 + 0.15·2 + 0.1·4 + 0.15·3 + 0.05·5 + 0.05·1
        // = 0.8 + 0.45 + 0.75 + 0.3 + 0.4 + 0.45 + 0.25 + 0.05 = 3.45
        assert!((r.weighted - 3.45).abs() < 1e-9, "{}", r.weighted);
        assert_eq!(r.covered_weight, 100);
        assert!(r.missing.is_empty());
        assert_eq!((r.hire, r.no_hire), (1, 0));
    }

    #[test]
    fn missing_dimensions_are_shown_not_renormalised() {
        let d = dims(&[("A", 50), ("B", 30), ("C", 20)]);
        let r = debrief(
            &d,
            &[
                card("Ann", &[("A", 4)], "hire", true),
                card("Bo", &[("A", 2), ("B", 5)], "no-hire", true),
                // Not submitted: not counted.
                card("Cy", &[("C", 5)], "hire", false),
            ],
        );
        // A: mean 3 (spread 2, flagged); B: 5; C: nobody.
        // 0.5·3 + 0.3·5 = 1.5 + 1.5 = 3.0, from 80 % of the weight; not 3.0 ÷ 0.8 = 3.75.
        assert!((r.weighted - 3.0).abs() < 1e-9, "{}", r.weighted);
        assert_eq!(r.covered_weight, 80);
        assert_eq!(r.missing, ["C"]);
        assert_eq!(r.dimensions[0].mean, Some(3.0));
        assert_eq!(r.dimensions[0].spread, 2);
        assert!(r.dimensions[0].disagreement);
        assert_eq!(r.dimensions[1].spread, 0);
        assert!(!r.dimensions[1].disagreement);
        assert_eq!(r.dimensions[2].mean, None);
        assert_eq!((r.hire, r.no_hire), (1, 1));
    }

    #[test]
    fn a_one_point_difference_is_not_flagged() {
        let d = dims(&[("A", 100)]);
        let r = debrief(
            &d,
            &[
                card("Ann", &[("A", 3)], "hire", true),
                card("Bo", &[("A", 4)], "hire", true),
            ],
        );
        assert_eq!(r.dimensions[0].spread, 1);
        assert!(!r.dimensions[0].disagreement);
        assert!((r.weighted - 3.5).abs() < 1e-9);
    }
}
