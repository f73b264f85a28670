//! Rating histories kept between reads of a person's record.
//!
//! A person's rating history is most of what their record costs the database to build (about a
//! hundred ratings after three cycles), yet it only ever grows: the database refuses to change or
//! remove a rating unless its person is being erased (the triggers of migration 0015). So a
//! history read once is still whole while its person has as many ratings and no erasure: a
//! [`Mark`] the record statement reads in two lookups, the count being kept by the database as
//! ratings are written (migration 0022). The mark is read in the same statement as the rest of the
//! record, so what is kept is checked against the database itself: several servers on one
//! PostgreSQL each keep their own and stay right.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use trellis_store::{PersonId, Rating};

/// How many people's histories are kept: at about a hundred ratings each, a few tens of megabytes
/// at the most.
const KEPT: usize = 2_048;

/// The columns of a person's [`Mark`], for the record statement, with the person bound as `$1`.
pub(super) const MARK_COLUMNS: &str = "COALESCE((SELECT ratings FROM rating_counts \
     WHERE person_id = $1), 0), (SELECT count(*) FROM erasures WHERE person_id = $1)";

/// What tells whether a person's rating history has changed since it was read.
///
/// Any new rating raises the count, which the database changes in the transaction that writes the
/// rating; nothing else can change a history without an erasure, which is part of the mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mark {
    pub(super) ratings: i64,
    pub(super) erasures: i64,
}

/// A history as kept: the mark it was read with, and its ratings.
pub(super) type Kept = (Mark, Arc<[Rating]>);

/// The kept histories, shared by every clone of a [`crate::Database`].
#[derive(Default)]
pub(crate) struct Histories {
    kept: Mutex<HashMap<PersonId, Kept>>,
}

impl fmt::Debug for Histories {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kept = self.kept.lock().map_or(0, |k| k.len());
        f.debug_struct("Histories").field("kept", &kept).finish()
    }
}

impl Histories {
    /// The history kept for `person`, with the mark it was read with.
    pub(super) fn get(&self, person: PersonId) -> Option<Kept> {
        let kept = self.kept.lock().ok()?;
        kept.get(&person).cloned()
    }

    /// Keeps `ratings`, read with `mark`, as `person`'s history. An erased person's is not kept:
    /// their ratings may change while the erasure is written.
    pub(super) fn keep(&self, person: PersonId, mark: Mark, ratings: &[Rating]) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if mark.erasures > 0 {
            kept.remove(&person);
            return;
        }
        if kept.len() >= KEPT && !kept.contains_key(&person) {
            // Any one makes room: a page read often is kept again on its next read.
            if let Some(&other) = kept.keys().next() {
                kept.remove(&other);
            }
        }
        kept.insert(person, (mark, Arc::from(ratings)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trellis_store::RaterKind;

    fn rating(id: i64) -> Rating {
        Rating {
            id,
            assessment_id: 1,
            person_id: 1,
            skill: "skill".into(),
            rater_kind: RaterKind::SelfRater,
            rater_id: 1,
            level: Some("3".into()),
            not_applicable: None,
            comment: None,
            at: id,
        }
    }

    fn mark(ratings: i64, erasures: i64) -> Mark {
        Mark { ratings, erasures }
    }

    #[test]
    fn a_kept_history_comes_back_with_its_mark() {
        let histories = Histories::default();
        assert!(histories.get(7).is_none());
        histories.keep(7, mark(2, 0), &[rating(1), rating(2)]);
        let (m, ratings) = histories.get(7).unwrap();
        assert_eq!(m, mark(2, 0));
        assert_eq!(ratings.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn an_erased_persons_history_is_not_kept_and_drops_what_was() {
        let histories = Histories::default();
        histories.keep(7, mark(2, 0), &[rating(1), rating(2)]);
        histories.keep(7, mark(2, 1), &[rating(1), rating(2)]);
        assert!(histories.get(7).is_none());
    }

    #[test]
    fn no_more_than_the_limit_is_kept() {
        let histories = Histories::default();
        for person in 0..KEPT as i64 + 10 {
            histories.keep(person, mark(1, 0), &[rating(1)]);
        }
        assert_eq!(histories.kept.lock().unwrap().len(), KEPT);
        // The newest is always among them.
        assert!(histories.get(KEPT as i64 + 9).is_some());
    }
}
