//! A reader for a list of ratings as the database writes it, the longest list of a person's
//! record: every rating of every assessment, read on each person page. It reads the latest
//! ratings of pages about many people as well, `[[person_id, "skill", "kind", "level" | null,
//! "reason" | null], ...]`.
//!
//! serde_json reads it through its general machinery, which made it the costliest part of decoding
//! the page. This reader knows the one shape, `[[id, assessment_id, person_id, "skill", "kind",
//! rater_id, "level" | null, "reason" | null, "comment" | null, at], ...]`: it takes numbers and
//! strings without escapes straight from the text, and leaves a string with escapes to serde_json.
//! On anything else it gives up, and the caller reads the text with serde_json, which also names
//! what is wrong.

use std::borrow::Cow;

use crate::{LatestRating, RaterKind, Rating};

/// The ratings of `text`, or `None` when it is not exactly a list of them.
pub(crate) fn ratings(text: &str) -> Option<Vec<Rating>> {
    // A rating takes about a hundred bytes of text, rarely less than sixty.
    list(text, 60, Reader::rating)
}

/// The latest ratings of `text`, `[[person_id, "skill", "kind", "level" | null, "reason" | null],
/// ...]`, or `None` when it is not exactly a list of them.
pub(crate) fn latest_ratings(text: &str) -> Option<Vec<LatestRating>> {
    list(text, 30, Reader::latest_rating)
}

/// The items of the JSON list `text`, each read by `item`, of at least `least` bytes each.
fn list<'a, T>(
    text: &'a str,
    least: usize,
    item: impl Fn(&mut Reader<'a>) -> Option<T>,
) -> Option<Vec<T>> {
    let mut r = Reader { text, i: 0 };
    r.expect(b'[')?;
    let mut out = Vec::with_capacity(text.len() / least);
    if r.peek()? == b']' {
        r.i += 1;
    } else {
        loop {
            out.push(item(&mut r)?);
            match r.next()? {
                b',' => {}
                b']' => break,
                _ => return None,
            }
        }
    }
    r.at_end().then_some(out)
}

struct Reader<'a> {
    text: &'a str,
    i: usize,
}

impl<'a> Reader<'a> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.byte(self.i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.byte(self.i)
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        Some(b)
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    fn at_end(&mut self) -> bool {
        self.skip_space();
        self.i == self.text.len()
    }

    /// An integer (the database writes no other numbers in a rating), digit by digit: `str::parse`
    /// costs several times more.
    fn int(&mut self) -> Option<i64> {
        self.skip_space();
        let negative = self.byte(self.i) == Some(b'-');
        if negative {
            self.i += 1;
        }
        let start = self.i;
        let mut n: i64 = 0;
        while let Some(digit @ b'0'..=b'9') = self.byte(self.i) {
            n = n.checked_mul(10)?.checked_add(i64::from(digit - b'0'))?;
            self.i += 1;
        }
        // JSON has no leading zeros.
        let digits = self.i - start;
        if digits == 0 || (digits > 1 && self.byte(start) == Some(b'0')) {
            return None;
        }
        Some(if negative { -n } else { n })
    }

    /// A string: borrowed from the text, or undone by serde_json when it has escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.expect(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            let rest = self.text.as_bytes().get(self.i..)?;
            self.i += rest.iter().position(|&b| b == b'"' || b == b'\\')?;
            if self.byte(self.i)? == b'"' {
                break;
            }
            escaped = true;
            self.i += 2;
        }
        self.i += 1;
        if escaped {
            // With its quotes.
            serde_json::from_str::<String>(self.text.get(start - 1..self.i)?)
                .ok()
                .map(Cow::Owned)
        } else {
            self.text.get(start..self.i - 1).map(Cow::Borrowed)
        }
    }

    fn optional_string(&mut self) -> Option<Option<String>> {
        if self.peek()? != b'n' {
            return self.string().map(|s| Some(s.into_owned()));
        }
        if self.text.get(self.i..self.i + 4)? != "null" {
            return None;
        }
        self.i += 4;
        Some(None)
    }

    /// A comma, then what `read` reads: the next column of a row.
    fn then<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        self.expect(b',')?;
        read(self)
    }

    fn owned_string(&mut self) -> Option<String> {
        self.string().map(Cow::into_owned)
    }

    fn rater_kind(&mut self) -> Option<RaterKind> {
        RaterKind::parse(&self.string()?)
    }

    /// The columns of a row in order, between its brackets (a struct expression reads its fields
    /// in the order they are written).
    fn row<T>(&mut self, columns: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        self.expect(b'[')?;
        let row = columns(self)?;
        self.expect(b']')?;
        Some(row)
    }

    fn latest_rating(&mut self) -> Option<LatestRating> {
        self.row(|r| {
            Some(LatestRating {
                person_id: r.int()?,
                skill: r.then(Self::owned_string)?,
                rater_kind: r.then(Self::rater_kind)?,
                level: r.then(Self::optional_string)?,
                not_applicable: r.then(Self::optional_string)?,
            })
        })
    }

    fn rating(&mut self) -> Option<Rating> {
        self.row(|r| {
            Some(Rating {
                id: r.int()?,
                assessment_id: r.then(Self::int)?,
                person_id: r.then(Self::int)?,
                skill: r.then(Self::owned_string)?,
                rater_kind: r.then(Self::rater_kind)?,
                rater_id: r.then(Self::int)?,
                level: r.then(Self::optional_string)?,
                not_applicable: r.then(Self::optional_string)?,
                comment: r.then(Self::optional_string)?,
                at: r.then(Self::int)?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{latest_ratings, ratings};
    use crate::{LatestRating, RaterKind, Rating};

    fn by_serde(text: &str) -> Vec<Rating> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let tricky = "a \"quoted\" word, a back\\slash,\na new line, é and 😀 and a tab\t";
        let (at, why) = (1_700_000_000_000_i64, "no role");
        let doc = json!([
            [1, 10, 7, "sfia/prog", "self", 7, "3", null, null, at],
            [2, 10, 7, "house/comms", "manager", 8, null, why, tricky, 5],
            [3, 11, 7, "sfia/prog", "peer", 9, "4", null, "plain", 6],
            [4, 11, 7, "sfia/prog", "agreed", 8, "4", null, "", -7]
        ]);
        // As SQLite writes it (compact, escapes for quotes and control characters) and pretty.
        for text in [doc.to_string(), serde_json::to_string_pretty(&doc).unwrap()] {
            let fast = ratings(&text).expect("a list of ratings");
            assert_eq!(fast, by_serde(&text));
            assert_eq!(fast[1].comment.as_deref(), Some(tricky));
            assert_eq!(fast[3].at, -7);
        }
        assert_eq!(ratings("[]"), Some(Vec::new()));
        assert_eq!(ratings(" [ ] "), Some(Vec::new()));
        // Unicode escapes, as another writer may send them.
        let escaped = r#"[[1,2,3,"s","self",4,"\u00e9\ud83d\ude00",null,null,5]]"#;
        assert_eq!(ratings(escaped), Some(by_serde(escaped)));
        assert_eq!(ratings(escaped).unwrap()[0].level.as_deref(), Some("é😀"));
    }

    #[test]
    fn reads_latest_ratings_as_serde_json_does() {
        let doc = json!([
            [7, "sfia/prog", "self", "3", null],
            [8, "house/comms", "agreed", null, "a \"quoted\" reason"]
        ]);
        let text = doc.to_string();
        let fast = latest_ratings(&text).expect("a list of latest ratings");
        let slow: Vec<LatestRating> = serde_json::from_str(&text).unwrap();
        assert_eq!(fast, slow);
        assert_eq!(fast[1].rater_kind, RaterKind::Agreed);
        assert_eq!(
            fast[1].not_applicable.as_deref(),
            Some("a \"quoted\" reason")
        );
        assert_eq!(latest_ratings("[]"), Some(Vec::new()));
        for wrong in [
            "[[7,\"s\",\"self\",\"3\"]]",
            "[[7,\"s\",\"boss\",\"3\",null]]",
            "[[1,2,3,\"s\",\"self\",4,\"3\",null,null,5]]",
        ] {
            assert_eq!(latest_ratings(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn gives_up_on_anything_else() {
        for text in [
            "",
            "null",
            "[[1,2,3,\"s\",\"self\",4,\"3\",null,null,5]",
            "[[1,2,3,\"s\",\"self\",4,\"3\",null,null,5]] x",
            "[[1,2,3,\"s\",\"self\",4,\"3\",null,null]]",
            "[[1,2,3,\"s\",\"self\",4,\"3\",null,null,5,6]]",
            "[[1.5,2,3,\"s\",\"self\",4,\"3\",null,null,5]]",
            "[[1,2,3,\"s\",\"boss\",4,\"3\",null,null,5]]",
            "[[1,2,3,\"s\",\"self\",4,nul,null,null,5]]",
            "[[1,2,3,\"s\",\"self\",4,\"3\",null,null,5],]",
            "[[1,2,3,\"s\",\"self\",4,\"unterminated",
            "[[1,2,3,\"s\",\"self\",4,\"bad \\x escape\",null,null,5]]",
            "[[-,2,3,\"s\",\"self\",4,\"3\",null,null,5]]",
            "[[01,2,3,\"s\",\"self\",4,\"3\",null,null,5]]",
            "[[99999999999999999999,2,3,\"s\",\"self\",4,\"3\",null,null,5]]",
        ] {
            assert_eq!(ratings(text), None, "{text}");
        }
    }
}
