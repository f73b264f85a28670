//! The seniority order of a role's levels: from a level-order file, from the words of the titles,
//! or, where the words cannot tell two levels apart, from what the levels require.

use super::*;

/// The role's levels in seniority order, and the rule that gave it.
pub(super) fn seniority<'r>(
    role: &'r RoleAcc,
    order_file: Option<&LevelOrderFile>,
    report: &mut ImportReport,
) -> (Vec<&'r LevelAcc>, String) {
    let mut levels: Vec<(usize, &LevelAcc)> = role.levels.values().enumerate().collect();
    match order_file {
        Some((name, order)) => {
            let mut unlisted = Vec::new();
            for (_, level) in &levels {
                if !order.contains_key(&name_key(&level.title)) {
                    unlisted.push(level.title.clone());
                    report.warn(
                        "unlisted-level",
                        format!(
                            "role level `{}` of `{}` is not in {name}; it is placed after the listed levels by the title-word rule",
                            level.title, role.name
                        ),
                        &level.file,
                        Some(level.line),
                    );
                }
            }
            levels.sort_by_key(|(seen, l)| match order.get(&name_key(&l.title)) {
                Some(at) => (0, *at, 0, *seen),
                None => (1, 0, seniority_rank(&l.title), *seen),
            });
            let rule = if unlisted.is_empty() {
                format!("--level-order file {name}")
            } else {
                format!(
                    "--level-order file {name}, then {INFERRED_RULE} for {}",
                    unlisted.join(", ")
                )
            };
            (levels.into_iter().map(|(_, l)| l).collect(), rule)
        }
        None => {
            let levels = inferred_order(levels);
            let mut decided = Vec::new();
            for pair in levels.windows(2) {
                let [(_, a), (_, b)] = pair else { continue };
                match junior(a, b) {
                    Some((true, Rule::TitleWords)) => {}
                    Some((true, Rule::Requirements { more, less })) => decided.push(format!(
                        "`{}` above `{}` (requires more of {more} shared skill(s), less of {less})",
                        b.title, a.title
                    )),
                    // Only when the comparisons go round in a circle.
                    Some((false, _)) => report.warn(
                        "level-order-tie",
                        format!(
                            "role `{}`: the title words and requirements of `{}` and `{}` contradict those of other \
                             levels; placed by title words (give --level-order to settle it)",
                            role.name, a.title, b.title
                        ),
                        &b.file,
                        Some(b.line),
                    ),
                    None => report.warn(
                        "level-order-tie",
                        format!(
                            "role `{}`: `{}` and `{}` rank the same by their title words and their requirements; they \
                             keep the CSV order (give --level-order to settle it)",
                            role.name, a.title, b.title
                        ),
                        &b.file,
                        Some(b.line),
                    ),
                }
            }
            let rule = if decided.is_empty() {
                INFERRED_RULE.to_owned()
            } else {
                format!(
                    "{INFERRED_RULE}; requirement levels decided: {}",
                    decided.join(", ")
                )
            };
            (levels.into_iter().map(|(_, l)| l).collect(), rule)
        }
    }
}

/// What decided that one role level is more senior than another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    TitleWords,
    /// Of the skills both require, the senior one requires `more` at a higher level and `less` at a
    /// lower one.
    Requirements {
        more: usize,
        less: usize,
    },
}

/// Whether `a` is junior to `b` (`true`) or senior (`false`), and the rule that says so; `None` when
/// neither the titles nor the requirements tell them apart. Antisymmetric: swapping `a` and `b`
/// flips the answer, never the rule.
pub(super) fn junior(a: &LevelAcc, b: &LevelAcc) -> Option<(bool, Rule)> {
    let (rank_a, rank_b) = (seniority_rank(&a.title), seniority_rank(&b.title));
    if rank_a != rank_b && rank_a != UNRANKED && rank_b != UNRANKED {
        return Some((rank_a < rank_b, Rule::TitleWords));
    }
    // How many of the skills both require `b` asks more of than `a`, and how many less.
    let (mut higher, mut lower) = (0, 0);
    for (skill, (at_a, _)) in &a.requirements {
        if let Some((at_b, _)) = b.requirements.get(skill) {
            match at_b.cmp(at_a) {
                std::cmp::Ordering::Greater => higher += 1,
                std::cmp::Ordering::Less => lower += 1,
                std::cmp::Ordering::Equal => {}
            }
        }
    }
    let by_requirements = (higher != lower).then(|| {
        let (more, less) = (higher.max(lower), higher.min(lower));
        (higher > lower, Rule::Requirements { more, less })
    });
    if rank_a == rank_b {
        return by_requirements;
    }
    // One title has no ranked word: its words say little, so the requirements may overrule them, and
    // are named only when they do.
    let by_title = (rank_a < rank_b, Rule::TitleWords);
    match by_requirements {
        Some((junior, rule)) if junior != by_title.0 => Some((junior, rule)),
        _ => Some(by_title),
    }
}

/// The levels (with their CSV position), most junior first: each step takes a level that no remaining
/// level is junior to, the lowest by title rank and then CSV position among those. The pairwise
/// comparisons need not be transitive, so this never sorts by them; should they go round in a
/// circle, the title rank and CSV position break it.
pub(super) fn inferred_order(mut remaining: Vec<(usize, &LevelAcc)>) -> Vec<(usize, &LevelAcc)> {
    let mut out = Vec::with_capacity(remaining.len());
    while !remaining.is_empty() {
        let is_free = |l: &LevelAcc| {
            remaining
                .iter()
                .all(|(_, other)| !matches!(junior(other, l), Some((true, _))))
        };
        let key = |(seen, l): &(usize, &LevelAcc)| (seniority_rank(&l.title), *seen);
        let pick = remaining
            .iter()
            .enumerate()
            .filter(|(_, (_, l))| is_free(l))
            .min_by_key(|(_, level)| key(level))
            .or_else(|| {
                remaining
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, level)| key(level))
            })
            .map(|(i, _)| i);
        match pick {
            Some(i) => out.push(remaining.remove(i)),
            None => break,
        }
    }
    out
}
