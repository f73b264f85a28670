//! The numbers of calibration: how outcomes spread around the required level, and whether a
//! manager's outcomes sit higher (or lower) than the organisation's by more than noise.
//!
//! The leniency rule, as the page states it:
//!
//! - each outcome's *gap* is its level's place on the skill's scale minus the required level's
//!   (0 at the required level, +1 one above);
//! - a manager's mean gap is compared with the mean gap of every other outcome of the
//!   organisation (the rest, so that a large team does not hide in its own baseline);
//! - the standard error of that difference is `s × √(1/n_manager + 1/n_rest)`, with `s` the
//!   standard deviation of all the organisation's gaps (one spread for both, so that a manager who
//!   rates everyone alike does not get a spread of zero);
//! - the manager is flagged *more lenient* when the whole 95% confidence interval of the
//!   difference (`difference ± 1.96 × standard error`) is above zero, *stricter* when it is below,
//!   and otherwise nothing is said: the difference is within noise;
//! - fewer than [`MIN_RATINGS`] outcomes say nothing at all.
//!
//! Outcomes of one person are not independent (one conversation sets several), so the interval is
//! narrower than the truth; the minimum count and the 95% level keep the flag for differences a
//! calibration session should discuss, not a verdict.

/// The fewest outcomes a manager needs before leniency is judged.
pub const MIN_RATINGS: i64 = 5;

/// The normal quantile of a two-sided 95% interval.
pub const Z_95: f64 = 1.96;

/// Counts of outcomes, enough for means and spreads.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    pub n: i64,
    pub sum: i64,
    pub sum_squares: i64,
}

impl Moments {
    pub fn add(&mut self, gap: i64, count: i64) {
        self.n += count;
        self.sum += gap * count;
        self.sum_squares += gap * gap * count;
    }

    pub fn minus(self, other: Moments) -> Moments {
        Moments {
            n: self.n - other.n,
            sum: self.sum - other.sum,
            sum_squares: self.sum_squares - other.sum_squares,
        }
    }

    pub fn mean(self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / self.n as f64)
    }

    /// The sample variance; `None` below two outcomes.
    pub fn variance(self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        let mean = self.sum as f64 / n;
        Some(((self.sum_squares as f64 - n * mean * mean) / (n - 1.0)).max(0.0))
    }
}

/// What the rule says of a manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    MoreLenient,
    Stricter,
    WithinNoise,
    TooFew,
}

impl Verdict {
    pub fn text(self) -> &'static str {
        match self {
            Verdict::MoreLenient => "More lenient than the organisation",
            Verdict::Stricter => "Stricter than the organisation",
            Verdict::WithinNoise => "Within noise",
            Verdict::TooFew => "Too few ratings to tell",
        }
    }

    pub fn flagged(self) -> bool {
        matches!(self, Verdict::MoreLenient | Verdict::Stricter)
    }
}

/// A manager's outcomes against the rest of the organisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    pub difference: f64,
    pub standard_error: f64,
    pub low: f64,
    pub high: f64,
    pub verdict: Verdict,
}

/// The leniency test of one manager (`manager`) within the organisation (`all`, the manager's
/// outcomes included).
pub fn compare(manager: Moments, all: Moments) -> Comparison {
    let rest = all.minus(manager);
    let (Some(mine), Some(theirs), Some(variance)) = (manager.mean(), rest.mean(), all.variance())
    else {
        return Comparison {
            difference: 0.0,
            standard_error: 0.0,
            low: 0.0,
            high: 0.0,
            verdict: Verdict::TooFew,
        };
    };
    let difference = mine - theirs;
    let standard_error = (variance * (1.0 / manager.n as f64 + 1.0 / rest.n as f64)).sqrt();
    let (low, high) = (
        difference - Z_95 * standard_error,
        difference + Z_95 * standard_error,
    );
    let verdict = if manager.n < MIN_RATINGS || rest.n < 2 {
        Verdict::TooFew
    } else if low > 0.0 {
        Verdict::MoreLenient
    } else if high < 0.0 {
        Verdict::Stricter
    } else {
        Verdict::WithinNoise
    };
    Comparison {
        difference,
        standard_error,
        low,
        high,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(gaps: &[(i64, i64)]) -> Moments {
        let mut m = Moments::default();
        for (gap, count) in gaps {
            m.add(*gap, *count);
        }
        m
    }

    #[test]
    fn a_manager_clearly_above_the_rest_is_flagged() {
        // Twenty outcomes a level above required, against 200 spread around it.
        let manager = moments(&[(1, 20)]);
        let all = moments(&[(1, 20), (-1, 50), (0, 100), (1, 50)]);
        let c = compare(manager, all);
        assert!((c.difference - 1.0).abs() < 1e-9);
        assert!(c.low > 0.0, "{c:?}");
        assert_eq!(c.verdict, Verdict::MoreLenient);
    }

    #[test]
    fn a_small_difference_on_few_ratings_is_noise() {
        // Six outcomes, three above: a mean of +0.5 against the rest's 0, within noise.
        let manager = moments(&[(1, 3), (0, 3)]);
        let all = moments(&[(1, 3), (0, 3), (-1, 50), (0, 100), (1, 50)]);
        let c = compare(manager, all);
        assert!(c.difference > 0.4);
        assert!(c.low < 0.0 && c.high > 0.0, "{c:?}");
        assert_eq!(c.verdict, Verdict::WithinNoise);
    }

    #[test]
    fn strict_managers_are_flagged_too_and_few_ratings_never() {
        let strict = moments(&[(-1, 30)]);
        let all = moments(&[(-1, 30), (0, 100), (1, 20), (-1, 20)]);
        assert_eq!(compare(strict, all).verdict, Verdict::Stricter);
        let few = moments(&[(2, 4)]);
        let all = moments(&[(2, 4), (0, 100), (1, 20), (-1, 20)]);
        assert_eq!(compare(few, all).verdict, Verdict::TooFew);
        // Everyone's outcomes in one manager: no rest to compare with.
        let alone = moments(&[(1, 30)]);
        assert_eq!(compare(alone, alone).verdict, Verdict::TooFew);
    }
}
