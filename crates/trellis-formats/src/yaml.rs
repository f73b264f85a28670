//! YAML with positions: a node tree that remembers where every value was written, and a serde
//! deserializer over it whose errors carry line and column.
//!
//! Framework files are read in two steps, parse then deserialize, so that a diagnostic about any value
//! (an unknown skill in a requirement, say) can point at the line it is on, and so that one broken
//! element does not stop the rest of the file from being checked.

use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use trellis_model::Code;
use trellis_model::diagnostic::did_you_mean;

/// A position in a file; line and column count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar as written; `plain` is false when it was quoted or a block scalar, so it is text.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

/// Nesting deeper than this is refused rather than risking the stack on hostile input.
const MAX_DEPTH: usize = 64;
/// Aliases can multiply a small file into a huge tree; refuse past this many nodes.
const MAX_NODES: usize = 2_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub pos: Pos,
    /// The first key of a duplicated pair, for the hint.
    pub first: Option<Pos>,
}

impl Node {
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if is_null(text))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    /// The value under `key`, when this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// A copy of this mapping with `key`'s value replaced by an empty sequence, when present.
    pub fn with_empty(&self, key: &str) -> Node {
        let mut copy = self.clone();
        if let Value::Map(entries) = &mut copy.value {
            for (k, v) in entries.iter_mut() {
                if k.as_str() == Some(key) {
                    v.value = Value::Seq(Vec::new());
                }
            }
        }
        copy
    }

    /// A copy of this mapping without the given keys.
    pub fn without(&self, keys: &[&str]) -> Node {
        let mut copy = self.clone();
        if let Value::Map(entries) = &mut copy.value {
            entries.retain(|(k, _)| !k.as_str().is_some_and(|k| keys.contains(&k)));
        }
        copy
    }

    fn kind(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "nothing",
            Value::Scalar { .. } => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// Parses one YAML document. An empty file gives a null node.
pub fn parse(source: &str) -> Result<Node, ParseError> {
    let mut builder = Builder {
        parser: Parser::new_from_str(source),
        anchors: HashMap::new(),
        nodes: 0,
    };
    builder.document()
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
}

fn pos_of(marker: &saphyr_parser::Marker) -> Pos {
    Pos {
        line: marker.line(),
        column: marker.col() + 1,
    }
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Pos), ParseError> {
        match self.parser.next_event() {
            Some(Ok((event, span))) => Ok((event, pos_of(&span.start))),
            Some(Err(e)) => Err(ParseError {
                message: e.info().to_owned(),
                pos: pos_of(e.marker()),
                first: None,
            }),
            None => Err(ParseError {
                message: "unexpected end of input".into(),
                pos: Pos::default(),
                first: None,
            }),
        }
    }

    fn document(&mut self) -> Result<Node, ParseError> {
        let mut root = None;
        loop {
            let (event, pos) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart(_) if root.is_some() => {
                    return Err(ParseError {
                        message: "a framework file holds one YAML document; this is a second one"
                            .into(),
                        pos,
                        first: None,
                    });
                }
                Event::DocumentStart(_) => {
                    let (event, pos) = self.next()?;
                    root = Some(self.node(event, pos, 0)?);
                }
                Event::StreamEnd => {
                    return Ok(root.unwrap_or(Node {
                        value: Value::Scalar {
                            text: String::new(),
                            plain: true,
                        },
                        pos: Pos { line: 1, column: 1 },
                    }));
                }
                _ => {
                    return Err(ParseError {
                        message: "unexpected content".into(),
                        pos,
                        first: None,
                    });
                }
            }
        }
    }

    fn node(&mut self, event: Event<'a>, pos: Pos, depth: usize) -> Result<Node, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                pos,
                first: None,
            });
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(ParseError {
                message: "the document expands to too many values (alias bomb?)".into(),
                pos,
                first: None,
            });
        }
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain && tag.is_none();
                (
                    Node {
                        value: Value::Scalar {
                            text: text.into_owned(),
                            plain,
                        },
                        pos,
                    },
                    anchor,
                )
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (event, pos) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, pos, depth + 1)?);
                }
                (
                    Node {
                        value: Value::Seq(items),
                        pos,
                    },
                    anchor,
                )
            }
            Event::MappingStart(anchor, _) => {
                let mut entries: Vec<(Node, Node)> = Vec::new();
                loop {
                    let (event, key_pos) = self.next()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let key = self.node(event, key_pos, depth + 1)?;
                    let (event, value_pos) = self.next()?;
                    let value = self.node(event, value_pos, depth + 1)?;
                    if let Some(text) = key.as_str()
                        && let Some((first, _)) =
                            entries.iter().find(|(k, _)| k.as_str() == Some(text))
                    {
                        return Err(ParseError {
                            message: format!("duplicate key `{text}`"),
                            pos: key.pos,
                            first: Some(first.pos),
                        });
                    }
                    entries.push((key, value));
                }
                (
                    Node {
                        value: Value::Map(entries),
                        pos,
                    },
                    anchor,
                )
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or(ParseError {
                    message: "alias to an unknown anchor".into(),
                    pos,
                    first: None,
                })?;
                self.nodes += count(&node);
                return Ok(Node { pos, ..node });
            }
            _ => {
                return Err(ParseError {
                    message: "unexpected YAML event".into(),
                    pos,
                    first: None,
                });
            }
        };
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }
}

fn count(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 1,
        Value::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count(k) + count(v))
                .sum::<usize>()
        }
    }
}

/// A deserialization error with the position of the value it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    pub code: Code,
    pub message: String,
    pub hint: Option<String>,
    pub pos: Option<Pos>,
}

impl DeError {
    fn or_at(mut self, pos: Pos) -> Self {
        self.pos.get_or_insert(pos);
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            code: Code::InvalidValue,
            message: msg.to_string(),
            hint: None,
            pos: None,
        }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let hint = did_you_mean(field, expected.iter().copied())
            .unwrap_or_else(|| format!("known fields here: {}", expected.join(", ")));
        DeError {
            code: Code::UnknownField,
            message: format!("unknown field `{field}`"),
            hint: Some(hint),
            pos: None,
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let hint = did_you_mean(variant, expected.iter().copied())
            .unwrap_or_else(|| format!("expected one of: {}", expected.join(", ")));
        DeError {
            code: Code::InvalidValue,
            message: format!("unknown value `{variant}`"),
            hint: Some(hint),
            pos: None,
        }
    }
}

/// Deserializes a `T` from a node, with the position of whatever went wrong.
pub fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, DeError> {
    T::deserialize(NodeDe(node)).map_err(|e| e.or_at(node.pos))
}

struct NodeDe<'a>(&'a Node);

impl NodeDe<'_> {
    fn invalid(&self, expected: &str) -> DeError {
        DeError {
            code: Code::InvalidValue,
            message: format!("expected {expected}, found {}", self.0.kind()),
            hint: None,
            pos: Some(self.0.pos),
        }
    }

    fn scalar(&self) -> Option<&str> {
        match &self.0.value {
            Value::Scalar { text, .. } => Some(text.trim()),
            _ => None,
        }
    }
}

macro_rules! integer {
    ($method:ident, $ty:ty, $visit:ident, $what:literal) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            match self.scalar().and_then(|s| s.parse::<$ty>().ok()) {
                Some(n) => visitor.$visit(n.into()),
                None => Err(self.invalid($what)),
            }
        }
    };
}

impl<'de> de::Deserializer<'de> for NodeDe<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Scalar { .. } if self.0.is_null() => visitor.visit_unit(),
            Value::Scalar { text, plain: true } => {
                if let Ok(b) = text.parse::<bool>() {
                    visitor.visit_bool(b)
                } else if let Ok(n) = text.parse::<u64>() {
                    visitor.visit_u64(n)
                } else if let Ok(n) = text.parse::<i64>() {
                    visitor.visit_i64(n)
                } else if let Ok(f) = text.parse::<f64>() {
                    visitor.visit_f64(f)
                } else {
                    visitor.visit_str(text)
                }
            }
            Value::Scalar { text, .. } => visitor.visit_str(text),
            Value::Seq(_) => self.deserialize_seq(visitor),
            Value::Map(_) => self.deserialize_map(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.scalar().map(str::parse::<bool>) {
            Some(Ok(b)) => visitor.visit_bool(b),
            _ => Err(self.invalid("true or false")),
        }
    }

    integer!(
        deserialize_u8,
        u8,
        visit_u64,
        "a whole number from 0 to 255"
    );
    integer!(deserialize_u16, u16, visit_u64, "a whole number");
    integer!(deserialize_u32, u32, visit_u64, "a whole number");
    integer!(deserialize_u64, u64, visit_u64, "a whole number");
    integer!(deserialize_i8, i8, visit_i64, "a whole number");
    integer!(deserialize_i16, i16, visit_i64, "a whole number");
    integer!(deserialize_i32, i32, visit_i64, "a whole number");
    integer!(deserialize_i64, i64, visit_i64, "a whole number");

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.scalar().and_then(|s| s.parse::<f64>().ok()) {
            Some(f) => visitor.visit_f64(f),
            None => Err(self.invalid("a number")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Scalar { text, .. } if !self.0.is_null() => visitor.visit_str(text),
            _ => Err(self.invalid("text")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.0.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.0.is_null() {
            visitor.visit_unit()
        } else {
            Err(self.invalid("nothing"))
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Seq(items) => visitor.visit_seq(SeqAccess(items.iter())),
            // `key:` with nothing after it is an empty section, which the loader reports as such.
            _ if self.0.is_null() => visitor.visit_seq(SeqAccess([].iter())),
            _ => Err(self.invalid("a list")),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Map(entries) => visitor.visit_map(MapAccess {
                entries: entries.iter(),
                value: None,
            }),
            _ if self.0.is_null() => visitor.visit_map(MapAccess {
                entries: [].iter(),
                value: None,
            }),
            _ => Err(self.invalid("a mapping of `key: value` lines")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.scalar() {
            Some(text) if !self.0.is_null() => visitor.visit_enum(text.into_deserializer()),
            _ => Err(self.invalid("one of the listed words")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        char bytes byte_buf unit_struct tuple tuple_struct
    }
}

struct SeqAccess<'a>(std::slice::Iter<'a, Node>);

impl<'de> de::SeqAccess<'de> for SeqAccess<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.0.next() {
            Some(node) => seed
                .deserialize(NodeDe(node))
                .map(Some)
                .map_err(|e| e.or_at(node.pos)),
            None => Ok(None),
        }
    }
}

struct MapAccess<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<&'a Node>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(NodeDe(key))
                    .map(Some)
                    .map_err(|e| e.or_at(key.pos))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("value without a key"))?;
        seed.deserialize(NodeDe(value))
            .map_err(|e| e.or_at(value.pos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trellis_model::{Importance, Requirement, Skill};

    #[test]
    fn positions_point_at_values() {
        let node = parse("a: 1\nb:\n  - x\n  - y: 2\n").unwrap();
        assert_eq!(
            node.get("b").unwrap().items()[1].get("y").unwrap().pos,
            Pos { line: 4, column: 8 }
        );
    }

    #[test]
    fn unknown_field_has_position_and_suggestion() {
        let node = parse("skill: x\nlevel: 3\nimportanse: critical\n").unwrap();
        let err = from_node::<Requirement>(&node).unwrap_err();
        assert_eq!(err.code, Code::UnknownField);
        assert_eq!(err.pos, Some(Pos { line: 3, column: 1 }));
        assert_eq!(err.hint.as_deref(), Some("did you mean `importance`?"));
    }

    #[test]
    fn wrong_types_and_enum_values_are_located() {
        let node = parse("skill: x\nlevel: 3\nimportance: critcal\n").unwrap();
        let err = from_node::<Requirement>(&node).unwrap_err();
        assert_eq!(
            err.pos,
            Some(Pos {
                line: 3,
                column: 13
            })
        );
        assert_eq!(err.hint.as_deref(), Some("did you mean `critical`?"));
        let node = parse("skill: [a]\nlevel: 3\n").unwrap();
        let err = from_node::<Requirement>(&node).unwrap_err();
        assert_eq!(err.message, "expected text, found a list");
        assert_eq!(err.pos, Some(Pos { line: 1, column: 8 }));
    }

    #[test]
    fn numbers_read_as_level_ids_and_text() {
        let node = parse("skill: x\nlevel: 5\n").unwrap();
        let req: Requirement = from_node(&node).unwrap();
        assert_eq!(req.level.as_str(), "5");
        assert_eq!(req.importance, Importance::Important);
        let node = parse("id: s\nname: S\nscale: p\nlevels:\n  2: two\n  3: three\n").unwrap();
        let skill: Skill = from_node(&node).unwrap();
        assert_eq!(
            skill.levels.keys().map(|l| l.as_str()).collect::<Vec<_>>(),
            ["2", "3"]
        );
    }

    #[test]
    fn missing_field_points_at_the_mapping() {
        let node = parse("- skill: x\n").unwrap();
        let err = from_node::<Vec<Requirement>>(&node).unwrap_err();
        assert_eq!(err.message, "missing field `level`");
        assert_eq!(err.pos, Some(Pos { line: 1, column: 3 }));
    }

    #[test]
    fn syntax_errors_and_duplicates_are_positioned() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.pos.line >= 1);
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.message, "duplicate key `a`");
        assert_eq!(err.pos, Pos { line: 3, column: 1 });
        assert_eq!(err.first, Some(Pos { line: 1, column: 1 }));
    }

    #[test]
    fn hostile_input_is_refused_not_fatal() {
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        assert!(parse(bomb).is_err());
        assert!(parse("").unwrap().is_null());
    }
}
