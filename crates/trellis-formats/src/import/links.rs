//! Links between the role levels of an import, made once every importer has placed them: the
//! level a level's promotion criteria lead to (`promotion.next`), and peers that are role levels
//! of the import (`stakeholders.peers[].role_level`). Sources name other roles in words ("Other
//! Principal PMs (portfolio peers)"); a name becomes a link only when it is the title of exactly
//! one other role level of the import.

use trellis_model::validate::effective_next;
use trellis_model::{Framework, role_level_id};

/// Abbreviations sources use in role names, and what they stand for.
const ABBREVIATIONS: [(&str, &str); 2] = [("pm", "product manager"), ("em", "engineering manager")];

/// The ways a role name may be written to match a title: lower case, without a bracketed aside,
/// a leading "other", a plural or an abbreviation.
fn forms(name: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let words: Vec<String> = plain
        .split_whitespace()
        .map(str::to_lowercase)
        .skip_while(|w| w == "other")
        .collect();
    let mut out = vec![words.join(" ")];
    if let Some((last, rest)) = words.split_last() {
        let singular = last
            .strip_suffix("ies")
            .map(|s| format!("{s}y"))
            .or_else(|| last.strip_suffix('s').map(str::to_owned));
        for last in [Some(last.clone()), singular].into_iter().flatten() {
            let last = ABBREVIATIONS
                .iter()
                .find(|(short, _)| *short == last)
                .map_or(last.clone(), |(_, long)| (*long).to_owned());
            let mut all = rest.to_vec();
            all.push(last);
            out.push(all.join(" "));
        }
    }
    out.retain(|f| !f.is_empty());
    out.dedup();
    out
}

/// The one role level, other than `this`, whose title is `name` in one of its [`forms`].
fn resolve(titles: &[(String, String)], name: &str, this: &str) -> Option<String> {
    let wanted = forms(name);
    let found: Vec<&String> = titles
        .iter()
        .filter(|(id, title)| id != this && wanted.contains(title))
        .map(|(id, _)| id)
        .collect();
    match found.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

/// Fills `promotion.next` (the level after this one in its track, or else the one role level
/// its career path moves on to) and links peers named like a role level of the import.
pub(super) fn link_role_levels(fw: &mut Framework) {
    let titles: Vec<(String, String)> = fw
        .role_levels()
        .map(|(id, _, l)| {
            let title = l.title.split_whitespace().collect::<Vec<_>>().join(" ");
            (id, title.to_lowercase())
        })
        .collect();
    for t in 0..fw.tracks.len() {
        let Some(track) = fw.tracks.get(t) else {
            continue;
        };
        let nexts: Vec<Option<String>> = track
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| effective_next(track, i, l))
            .collect();
        let track_id = track.id.clone();
        let Some(track) = fw.tracks.get_mut(t) else {
            continue;
        };
        for (level, next) in track.levels.iter_mut().zip(nexts) {
            let this = role_level_id(&track_id, &level.id);
            if let Some(p) = level.promotion.as_mut().filter(|p| p.next.is_none()) {
                p.next = next.or_else(|| {
                    let mut moves = p.to.iter().filter_map(|n| resolve(&titles, n, &this));
                    let first = moves.next();
                    // Several roles people move on to: no one of them is the next level.
                    first.filter(|_| moves.next().is_none())
                });
            }
            if let Some(s) = level.stakeholders.as_mut() {
                for peer in s.peers.iter_mut().filter(|p| p.role_level.is_none()) {
                    peer.role_level = resolve(&titles, &peer.name, &this);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_in_their_usual_forms() {
        let f = forms("Other Principal PMs (portfolio peers)");
        assert!(f.contains(&"principal product manager".to_owned()), "{f:?}");
        assert!(forms("Head Gardeners").contains(&"head gardener".to_owned()));
        assert!(forms("Nursery Deputies").contains(&"nursery deputy".to_owned()));
        assert_eq!(forms("(aside)"), Vec::<String>::new());
    }

    #[test]
    fn a_name_links_only_to_one_other_level() {
        let titles = vec![
            ("garden/head".to_owned(), "head gardener".to_owned()),
            ("garden/deputy".to_owned(), "deputy gardener".to_owned()),
            ("nursery/head".to_owned(), "head gardener".to_owned()),
        ];
        assert_eq!(
            resolve(&titles, "Deputy Gardeners", "garden/head").as_deref(),
            Some("garden/deputy")
        );
        // Two levels of that title: no link.
        assert_eq!(resolve(&titles, "Head Gardener", "garden/deputy"), None);
        // Only the level itself: no link.
        assert_eq!(resolve(&titles, "Deputy Gardener", "garden/deputy"), None);
    }
}
