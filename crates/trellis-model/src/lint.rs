//! Lints: warnings about content that is valid but probably wrong. Empty sections, overlong role
//! levels, text copied from another role's template, scraped junk at the end of a text, mojibake.
//! Lints never block.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic, Pointer, Seg};
use crate::framework::{Framework, RoleLevel, Track};
use crate::text::{mojibake_samples, repair_mojibake};

/// More requirements than this in one role level is more than a person can work on at once.
pub const MAX_REQUIREMENTS: usize = 15;

pub fn lint(fw: &Framework) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if fw.tracks.is_empty() && fw.skills.is_empty() {
        out.push(Diagnostic::new(
            Code::EmptyFramework,
            "the framework has no skills and no tracks",
        ));
    }
    lint_mojibake_outside_role_levels(fw, &mut out);
    for (t, track) in fw.tracks.iter().enumerate() {
        if track.levels.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::EmptyFramework,
                    format!("track `{}` has no role levels", track.id),
                )
                .at(Pointer::new([
                    Seg::Key("tracks"),
                    Seg::Index(t),
                    Seg::Key("levels"),
                ])),
            );
        }
        let foreign = TitleIndex::new(&foreign_titles(fw, track));
        let own_nouns = title_nouns(track);
        for (l, level) in track.levels.iter().enumerate() {
            let at = Pointer::role_level(t, l);
            lint_empty(track, l, level, &at, &mut out);
            if level.requirements.len() > MAX_REQUIREMENTS {
                out.push(
                    Diagnostic::new(
                        Code::TooManyRequirements,
                        format!(
                            "`{}` lists {} requirements; more than {MAX_REQUIREMENTS} is hard to work towards",
                            level.title,
                            level.requirements.len()
                        ),
                    )
                    .at(at.key("requirements"))
                    .hint("mark the few that matter most as critical and move the rest to guidance"),
                );
            }
            let texts = level.texts();
            for (path, text) in &texts {
                let here = at.join(path.iter().cloned());
                if let Some(d) = mojibake(text, here.clone()) {
                    out.push(d);
                }
                if let Some(title) = template_leak(text, &foreign, &own_nouns) {
                    out.push(
                        Diagnostic::new(
                            Code::TemplateLeak,
                            format!("`{}` ({}) mentions \"{title}\", a role outside this track", level.title, track.name),
                        )
                        .at(here.clone())
                        .hint("this text was probably copied from another role's profile; rewrite it for this role"),
                    );
                }
            }
            // Names of other roles in the blueprint sections: mojibake only, never a leak.
            for (path, text) in level.section_names() {
                if let Some(d) = mojibake(text, at.join(path)) {
                    out.push(d);
                }
            }
            let vocabulary = vocabulary(level, &texts);
            for (path, text) in &texts {
                if let Some(tail) = junk_tail(text, &vocabulary) {
                    out.push(
                        Diagnostic::new(
                            Code::JunkTail,
                            format!(
                                "`{}` ends a text with something unrelated to the profile: \"{}\"",
                                level.title,
                                shorten(&tail, 60)
                            ),
                        )
                        .at(at.join(path.iter().cloned()))
                        .hint(
                            "this looks like scraped junk (an advert or call to action); delete it",
                        ),
                    );
                }
            }
        }
    }
    out
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

fn mojibake(text: &str, at: Pointer) -> Option<Diagnostic> {
    let samples = mojibake_samples(text);
    let first = samples.first()?;
    let repaired = repair_mojibake(text).unwrap_or_default();
    Some(
        Diagnostic::new(
            Code::Mojibake,
            format!("mojibake `{first}` (UTF-8 text read as Windows-1252)"),
        )
        .at(at)
        .hint(format!(
            "repaired, it reads: \"{}\"",
            shorten(&repaired, 80)
        )),
    )
}

fn lint_mojibake_outside_role_levels(fw: &Framework, out: &mut Vec<Diagnostic>) {
    if let Some(d) = fw
        .description
        .as_deref()
        .and_then(|t| mojibake(t, Pointer::new([Seg::Key("description")])))
    {
        out.push(d);
    }
    for (i, skill) in fw.skills.iter().enumerate() {
        let at = Pointer::skill(i);
        let mut texts: Vec<(Pointer, &str)> = vec![(at.key("name"), &skill.name)];
        for (key, text) in [
            ("description", &skill.description),
            ("guidance", &skill.guidance),
        ] {
            if let Some(t) = text {
                texts.push((at.key(key), t));
            }
        }
        for (level, text) in &skill.levels {
            texts.push((
                at.join([Seg::Key("levels"), Seg::Name(level.to_string())]),
                text,
            ));
        }
        out.extend(texts.into_iter().filter_map(|(p, t)| mojibake(t, p)));
    }
}

fn lint_empty(
    track: &Track,
    index: usize,
    level: &RoleLevel,
    at: &Pointer,
    out: &mut Vec<Diagnostic>,
) {
    let empty = |what: String, at: Pointer| Diagnostic::new(Code::EmptySection, what).at(at);
    let stands_alone = !track.cumulative || index == 0;
    if stands_alone && level.requirements.is_empty() {
        out.push(
            empty(format!("`{}` requires no skills", level.title), at.clone())
                .hint("add requirements so people can see what this level expects"),
        );
    }
}

/// Titles of role levels in other tracks, lower-cased, except titles this track uses too: what
/// [`template_leak`] looks for (titles of two words or more; one word is too often an ordinary word).
pub fn foreign_titles(fw: &Framework, track: &Track) -> Vec<String> {
    let own: HashSet<String> = track
        .levels
        .iter()
        .map(|l| l.title.to_lowercase())
        .collect();
    let mut titles: Vec<String> = fw
        .tracks
        .iter()
        .filter(|t| t.id != track.id)
        .flat_map(|t| t.levels.iter().map(|l| l.title.to_lowercase()))
        .filter(|t| !own.contains(t) && t.split_whitespace().count() >= 2)
        .collect();
    titles.sort();
    titles.dedup();
    titles
}

/// The last word of each title in the track, e.g. `manager` for "Senior Product Manager".
fn title_nouns(track: &Track) -> HashSet<String> {
    track
        .levels
        .iter()
        .flat_map(|l| {
            l.title
                .split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect()
}

const SENIORITY: [&str; 9] = [
    "junior",
    "senior",
    "lead",
    "principal",
    "staff",
    "chief",
    "associate",
    "graduate",
    "distinguished",
];
const ROLE_NOUNS: [&str; 12] = [
    "engineer",
    "developer",
    "designer",
    "analyst",
    "architect",
    "scientist",
    "tester",
    "researcher",
    "consultant",
    "accountant",
    "nurse",
    "marketer",
];
/// Executive titles written as one word, which the index of titles of two words or more leaves out.
const EXECUTIVES: [&str; 10] = [
    "ceo", "cto", "cio", "cfo", "coo", "cpo", "cdo", "cmo", "ciso", "cso",
];
/// Words that may come before the subject of a sentence: "The CTO sets…", "All senior engineers…".
const DETERMINERS: [&str; 6] = ["the", "a", "an", "our", "all", "every"];
/// Words that address the reader: a sentence with one of them is about someone the reader works
/// with ("you report to the CTO"), unless it says the reader *is* that role.
const SECOND_PERSON: [&str; 4] = ["you", "your", "yours", "yourself"];

/// Titles of roles outside a track, indexed by their first word so that a text is scanned once
/// whatever the number of titles.
#[derive(Debug, Default)]
pub struct TitleIndex {
    by_first: HashMap<String, Vec<Vec<String>>>,
}

impl TitleIndex {
    /// `titles` are lower-case, words separated by spaces.
    pub fn new(titles: &[String]) -> Self {
        let mut by_first: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for title in titles {
            let parts: Vec<String> = title.split_whitespace().map(str::to_owned).collect();
            if let Some(first) = parts.first() {
                by_first.entry(first.clone()).or_default().push(parts);
            }
        }
        TitleIndex { by_first }
    }
}

/// A word of a lower-cased text and the sentence (or list item) it belongs to.
#[derive(Debug, Clone, Copy)]
struct Word<'t> {
    text: &'t str,
    sentence: u32,
}

/// The words of lower-cased text, numbered by sentence: `.`, `!`, `?`, `:`, `;` and line breaks end
/// one. Hyphens stay inside words ("co-founder"); a lone dash (a list marker) is not a word.
fn sentence_words(lower: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut sentence = 0;
    let mut start = None;
    for (i, c) in lower.char_indices() {
        if c.is_alphanumeric() || c == '-' {
            start.get_or_insert(i);
            continue;
        }
        if let Some(word) = start.take().and_then(|s| lower.get(s..i)) {
            push_word(&mut out, word, sentence);
        }
        if matches!(c, '.' | '!' | '?' | ':' | ';' | '\n') {
            sentence += 1;
        }
    }
    if let Some(word) = start.and_then(|s| lower.get(s..)) {
        push_word(&mut out, word, sentence);
    }
    out
}

fn push_word<'t>(out: &mut Vec<Word<'t>>, word: &'t str, sentence: u32) {
    if !word.bytes().all(|b| b == b'-') {
        out.push(Word {
            text: word,
            sentence,
        });
    }
}

fn singular(word: &str) -> &str {
    word.strip_suffix('s').unwrap_or(word)
}

/// How many words, from word `i`, name a role outside the track: a title from another track, a
/// seniority word followed by a role noun no title of this track uses, or such a role noun or an
/// executive title alone.
fn mention_at(
    words: &[Word<'_>],
    i: usize,
    foreign: &TitleIndex,
    own_nouns: &HashSet<String>,
) -> Option<usize> {
    let word = words.get(i)?;
    let in_sentence = |w: &&Word<'_>| w.sentence == word.sentence;
    for parts in foreign.by_first.get(word.text).into_iter().flatten() {
        let Some(window) = words.get(i..i + parts.len()) else {
            continue;
        };
        let (last, rest) = (parts.len() - 1, &parts[..parts.len() - 1]);
        if window.iter().all(|w| in_sentence(&w))
            && window.iter().zip(rest).all(|(w, p)| w.text == p)
            && window
                .get(last)
                .is_some_and(|w| w.text == parts[last] || singular(w.text) == parts[last])
        {
            return Some(parts.len());
        }
    }
    if SENIORITY.contains(&word.text)
        && let Some(next) = words.get(i + 1).filter(in_sentence)
    {
        let noun = singular(next.text);
        if ROLE_NOUNS.contains(&noun) && !own_nouns.contains(noun) {
            return Some(2);
        }
    }
    // A role noun or an executive title on its own ("Engineers are expected to…", "The CTO sets…").
    let noun = singular(word.text);
    ((ROLE_NOUNS.contains(&noun) || EXECUTIVES.contains(&noun)) && !own_nouns.contains(noun))
        .then_some(1)
}

/// Whether the mention starting at word `start` describes the reader as that role rather than naming
/// someone they work with, coach, support or report to: it says the reader is the role ("As a
/// principal engineer, …", "you are the CTO"), or it is the subject of a sentence that does not
/// address the reader ("Principal Engineers are…", "The CTO sets technical strategy…").
fn describes_reader(words: &[Word<'_>], start: usize) -> bool {
    let Some(sentence) = words.get(start).map(|w| w.sentence) else {
        return false;
    };
    let first = words[..start]
        .iter()
        .rposition(|w| w.sentence != sentence)
        .map_or(0, |i| i + 1);
    let before: Vec<&str> = words[first..start].iter().map(|w| w.text).collect();
    let undetermined = match before.as_slice() {
        [rest @ .., "a" | "an" | "the"] => rest,
        all => all,
    };
    let identity = matches!(
        undetermined,
        ["as"] | [.., "you", "are" | "re" | "become"] | [.., "you", "will" | "ll", "be"]
    );
    if identity {
        return true;
    }
    let subject = before.len() <= 2 && before.iter().all(|w| DETERMINERS.contains(w));
    subject
        && !words[first..]
            .iter()
            .take_while(|w| w.sentence == sentence)
            .any(|w| SECOND_PERSON.contains(&w.text))
}

/// Finds the first place where a text describes its reader as a role outside the track: a title
/// from another track, a seniority word followed by a role noun that no title of this track uses
/// ("Principal Engineers are…" on a product page), such a role noun alone ("Engineers are expected
/// to…") or an executive title ("The CTO sets…"), as the subject of a sentence or in "as a …". A role named as someone the reader works with, coaches,
/// supports or reports to ("support and coach delivery managers") is not a leak, nor is a mention
/// that is part of one of the track's own titles ("programme delivery manager").
pub fn template_leak(
    text: &str,
    foreign: &TitleIndex,
    own_nouns: &HashSet<String>,
) -> Option<String> {
    let lower = text.to_lowercase();
    let words = sentence_words(&lower);
    (0..words.len()).find_map(|i| {
        let len = mention_at(&words, i, foreign, own_nouns)?;
        describes_reader(&words, i).then(|| {
            words[i..i + len]
                .iter()
                .map(|w| w.text)
                .collect::<Vec<_>>()
                .join(" ")
        })
    })
}

const STOP_WORDS: [&str; 40] = [
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "from", "is",
    "are", "be", "as", "it", "this", "that", "their", "your", "you", "we", "our", "they", "its",
    "into", "about", "near", "now", "today", "more", "most", "best", "all", "can", "will", "who",
];

fn content_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
}

fn vocabulary(level: &RoleLevel, texts: &[(Vec<Seg>, &str)]) -> HashSet<String> {
    let mut words: HashSet<String> = content_words(&level.title).collect();
    for (_, text) in texts {
        // Leave out each text's last paragraph so a junk tail cannot vouch for itself.
        let body = text.rsplit_once("\n\n").map_or("", |(body, _)| body);
        words.extend(content_words(body));
        if !text.contains("\n\n") && !is_promotional(text) {
            words.extend(content_words(text));
        }
    }
    words
}

const PROMO_VERBS: [&str; 14] = [
    "find",
    "book",
    "buy",
    "shop",
    "order",
    "call",
    "click",
    "visit",
    "compare",
    "discover",
    "download",
    "subscribe",
    "get",
    "claim",
];
const PROMO_MARKERS: [&str; 16] = [
    "http://",
    "https://",
    "www.",
    "sponsored",
    "advertisement",
    "near you",
    "near me",
    "free quote",
    "best price",
    "limited offer",
    "click here",
    "call now",
    "trusted",
    "discount",
    "top-rated",
    "top rated",
];

pub fn is_promotional(text: &str) -> bool {
    let lower = text.to_lowercase();
    let starts_with_verb = lower
        .split_whitespace()
        .next()
        .is_some_and(|w| PROMO_VERBS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric())));
    starts_with_verb && PROMO_MARKERS.iter().any(|m| lower.contains(m))
        || ["sponsored", "advertisement"]
            .iter()
            .any(|m| lower.contains(m))
}

/// The last paragraph (or last line) of `text` when it is promotional and shares almost no words with
/// the rest of the profile.
fn junk_tail(text: &str, vocabulary: &HashSet<String>) -> Option<String> {
    let tail = text
        .trim_end()
        .rsplit(['\n'])
        .find(|l| !l.trim().is_empty())?
        .trim()
        .to_owned();
    if !is_promotional(&tail) {
        return None;
    }
    let words: Vec<String> = content_words(&tail).collect();
    if words.is_empty() {
        return Some(tail);
    }
    let known = words.iter().filter(|w| vocabulary.contains(*w)).count();
    (known * 10 < words.len() * 3).then_some(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(t: &[&str]) -> TitleIndex {
        TitleIndex::new(&t.iter().map(|s| s.to_lowercase()).collect::<Vec<_>>())
    }

    #[test]
    fn template_leak_finds_other_track_titles_and_plurals() {
        let own: HashSet<String> = ["product", "manager", "senior"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let foreign = titles(&["Principal Engineer", "Staff Engineer"]);
        assert_eq!(
            template_leak("Principal Engineers are expected to lead.", &foreign, &own).as_deref(),
            Some("principal engineers")
        );
        // A seniority word and a role noun no title of this track uses.
        assert_eq!(
            template_leak(
                "Lead Developers combine craft and care.",
                &TitleIndex::default(),
                &own
            )
            .as_deref(),
            Some("lead developers")
        );
        assert_eq!(
            template_leak("Senior product managers coach others.", &foreign, &own),
            None
        );
        assert_eq!(
            template_leak("Work closely with engineers and designers.", &foreign, &own),
            None
        );
    }

    fn words(w: &[&str]) -> HashSet<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_role_named_as_someone_the_reader_works_with_is_not_a_leak() {
        let own = words(&["lighthouse", "keeper", "senior", "head"]);
        let foreign = titles(&["Harbour Master", "Delivery Manager", "Principal Engineer"]);
        for text in [
            "Support and coach delivery managers across the coast.",
            "You report to the harbour master and work with principal engineers.",
            "Brief the CTO on storms; you escalate to the harbour master.",
            "Delivery managers and harbour masters will look to you for tide data.",
            "Keep the lamp lit, with help from senior engineers when it fails.",
        ] {
            assert_eq!(template_leak(text, &foreign, &own), None, "{text}");
        }
        // Part of the track's own title, not the other track's.
        let own = words(&["programme", "delivery", "manager", "senior"]);
        assert_eq!(
            template_leak(
                "Programme delivery managers run several projects at once.",
                &foreign,
                &own
            ),
            None
        );
    }

    #[test]
    fn text_describing_the_reader_as_another_role_is_a_leak() {
        let own = words(&["product", "director", "vp", "of"]);
        let none = TitleIndex::default();
        assert_eq!(
            template_leak(
                "Distinguished Engineers shape the technical direction of the company.",
                &none,
                &own
            )
            .as_deref(),
            Some("distinguished engineers")
        );
        assert_eq!(
            template_leak(
                "Sets the product vision.\nThe CTO sets technical strategy and owns the platform.",
                &none,
                &own
            )
            .as_deref(),
            Some("cto")
        );
        assert_eq!(
            template_leak(
                "As a principal engineer, you set coding standards.",
                &none,
                &own
            )
            .as_deref(),
            Some("principal engineer")
        );
        // On the CTO's own page the CTO is no leak.
        let cto = words(&["cto", "vp", "engineering"]);
        assert_eq!(
            template_leak("The CTO sets technical strategy.", &none, &cto),
            None
        );
    }

    #[test]
    fn junk_tail_needs_promotion_and_no_overlap() {
        let vocab: HashSet<String> =
            content_words("roadmap discovery stakeholders product outcomes").collect();
        let ad = "Own the roadmap.\n\nFind Trusted Cardiac Hospitals Near You - book a consultation today";
        assert!(junk_tail(ad, &vocab).is_some());
        assert_eq!(
            junk_tail(
                "Find the product outcomes that matter to stakeholders.",
                &vocab
            ),
            None
        );
        assert_eq!(junk_tail("Own the roadmap and discovery.", &vocab), None);
    }
}
