//! JSON Schemas for the three kinds of framework file, so editors validate as authors type.

use schemars::{JsonSchema, generate::SchemaSettings};
use trellis_model::{Framework, SkillsFile, Track};

/// The kinds of framework file, with the name of their committed schema file.
pub const KINDS: [(&str, &str); 3] = [
    ("framework", "framework.schema.json"),
    ("skills", "skills.schema.json"),
    ("track", "track.schema.json"),
];

fn generate<T: JsonSchema>(title: &str) -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("title".into(), title.into());
    }
    schema
}

/// The schema of one kind of file, pretty-printed, or `None` for an unknown kind.
pub fn schema(kind: &str) -> Option<String> {
    let value = match kind {
        "framework" => generate::<Framework>("Trellis framework.yaml"),
        "skills" => generate::<SkillsFile>("Trellis skills file (skills/*.yaml)"),
        "track" => generate::<Track>("Trellis track file (tracks/*.yaml)"),
        _ => return None,
    };
    serde_json::to_string_pretty(&value).ok().map(|s| s + "\n")
}
