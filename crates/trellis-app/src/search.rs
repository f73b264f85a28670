//! Search from the header: people the actor may see, role levels and skills of the current
//! framework, by words in their names (and emails, for people).

use crate::access::Actor;
use crate::error::AppResult;

/// How many of each kind a search returns.
pub const SEARCH_LIMIT: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPerson {
    pub id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundRoleLevel {
    /// `track/level`.
    pub id: String,
    pub title: String,
    pub track: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSkill {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub people: Vec<FoundPerson>,
    /// How many people matched, of whom at most [`SEARCH_LIMIT`] are listed.
    pub people_matching: usize,
    pub role_levels: Vec<FoundRoleLevel>,
    pub skills: Vec<FoundSkill>,
}

use_case_area!(Search, search);

/// Whether every word of the query is in the text (both lower-cased).
fn matches(words: &[String], text: &str) -> bool {
    let text = text.to_lowercase();
    words.iter().all(|w| text.contains(w.as_str()))
}

impl Search<'_> {
    /// What matches every word of `query`; nothing for an empty query. People are only those the
    /// actor may see (as the people directory lists them).
    pub async fn find(&self, actor: &Actor, query: &str) -> AppResult<Found> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let mut found = Found::default();
        if words.is_empty() {
            return Ok(found);
        }
        let people = self.app.people().visible_to(actor).await?;
        let matching: Vec<_> = people
            .into_iter()
            .filter(|p| p.active && matches(&words, &format!("{} {}", p.name, p.email)))
            .collect();
        found.people_matching = matching.len();
        found.people = matching
            .into_iter()
            .take(SEARCH_LIMIT)
            .map(|p| FoundPerson {
                id: p.id,
                name: p.name,
                email: p.email,
            })
            .collect();
        if let Some(published) = self.app.current_framework().await? {
            let fw = &published.framework;
            found.role_levels = fw
                .role_levels()
                .filter(|(_, t, l)| matches(&words, &format!("{} {}", l.title, t.name)))
                .take(SEARCH_LIMIT)
                .map(|(id, t, l)| FoundRoleLevel {
                    id,
                    title: l.title.clone(),
                    track: t.name.clone(),
                })
                .collect();
            found.skills = fw
                .skills
                .iter()
                .filter(|s| matches(&words, &format!("{} {}", s.name, s.id)))
                .take(SEARCH_LIMIT)
                .map(|s| FoundSkill {
                    id: s.id.clone(),
                    name: s.name.clone(),
                })
                .collect();
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_match_in_any_case() {
        let words = |q: &str| {
            q.split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        };
        assert!(matches(&words("ann LEE"), "Ann Lee ann@example.com"));
        assert!(matches(&words("example"), "Ann Lee ann@example.com"));
        assert!(!matches(&words("ann smith"), "Ann Lee ann@example.com"));
    }
}
