//! Reading a framework directory: `framework.yaml`, `skills/*.yaml` and `tracks/*.yaml`.
//!
//! Loading never fails outright: whatever is wrong becomes a located diagnostic, and whatever could be
//! read is kept, so that `trellis check` reports every problem in one run like a compiler.

use std::path::{Path, PathBuf};

use trellis_model::validate::Unloaded;
use trellis_model::{
    Code, Diagnostic, Framework, Location, Pointer, RoleLevel, Seg, Skill, Track, role_level_id,
};

use crate::yaml::{self, Node, Pos, Value};

/// The files of a framework: paths relative to the framework directory, with their bytes.
#[derive(Debug, Clone)]
pub struct FrameworkFiles {
    /// How to name the directory in messages.
    pub root: String,
    pub files: Vec<FrameworkFile>,
}

#[derive(Debug, Clone)]
pub struct FrameworkFile {
    /// Path relative to the framework directory, with `/` separators, e.g. `tracks/product.yaml`.
    pub path: String,
    pub bytes: Result<Vec<u8>, String>,
}

pub const FRAMEWORK_FILE: &str = "framework.yaml";

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

impl FrameworkFiles {
    /// Reads `framework.yaml` and the YAML files under `skills/` and `tracks/` of `dir`.
    pub fn read_dir(dir: &Path) -> FrameworkFiles {
        let mut files = vec![FrameworkFile {
            path: FRAMEWORK_FILE.into(),
            bytes: std::fs::read(dir.join(FRAMEWORK_FILE)).map_err(|e| describe_io(&e)),
        }];
        for sub in ["skills", "tracks"] {
            let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| is_yaml(p))
                .collect();
            paths.sort();
            for path in paths {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push(FrameworkFile {
                    path: format!("{sub}/{name}"),
                    bytes: std::fs::read(&path).map_err(|e| describe_io(&e)),
                });
            }
        }
        FrameworkFiles {
            root: dir.display().to_string(),
            files,
        }
    }

    /// The file path as shown in diagnostics: the directory joined with the relative path.
    pub fn display_path(&self, relative: &str) -> String {
        if self.root.is_empty() || self.root == "." {
            relative.to_owned()
        } else {
            format!("{}/{relative}", self.root.trim_end_matches('/'))
        }
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ if e.raw_os_error() == Some(21) => "is a directory, not a file".into(),
        _ => e.to_string(),
    }
}

/// A framework as loaded, with every diagnostic about it, errors and warnings, located and sorted.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub framework: Framework,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }
}

/// Where each skill, track and role level of the merged framework was written.
#[derive(Default)]
struct Origins {
    /// Parsed trees, by file index; `None` when the file could not be parsed.
    trees: Vec<Option<Node>>,
    skills: Vec<(usize, Vec<PathSeg>)>,
    /// For each track: its file, its path in that file, and the index in the file of each loaded level.
    tracks: Vec<(usize, Vec<PathSeg>, Vec<usize>)>,
}

#[derive(Debug, Clone)]
enum PathSeg {
    Key(String),
    Index(usize),
}

/// Loads and checks a framework: parse errors, model errors and lint warnings together.
pub fn load(files: &FrameworkFiles) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut origins = Origins::default();
    let mut unloaded = Unloaded::default();
    let mut framework = Framework::default();
    let file_diag = |d: Diagnostic, file: usize, pos: Pos| {
        d.located(Location {
            file: files.display_path(&files.files[file].path),
            line: pos.line,
            column: pos.column,
        })
    };

    for (index, file) in files.files.iter().enumerate() {
        let tree = match parse_file(file) {
            Ok(tree) => tree,
            Err(failed) => {
                let (d, pos) = *failed;
                diagnostics.push(file_diag(d, index, pos));
                origins.trees.push(None);
                continue;
            }
        };
        empty_sections(&tree, &mut |key, pos| {
            diagnostics.push(file_diag(
                Diagnostic::new(Code::EmptySection, format!("`{key}` is empty"))
                    .hint("fill it in or remove the line"),
                index,
                pos,
            ));
        });
        let mut de_error = |e: yaml::DeError, fallback: Pos| {
            let mut d = Diagnostic::new(e.code, e.message);
            d.hint = e.hint;
            diagnostics.push(file_diag(d, index, e.pos.unwrap_or(fallback)));
        };
        let mut add_skills =
            |items: &[Node],
             base: &str,
             framework: &mut Framework,
             de_error: &mut dyn FnMut(yaml::DeError, Pos)| {
                for (i, item) in items.iter().enumerate() {
                    match yaml::from_node::<Skill>(item) {
                        Ok(skill) => {
                            framework.skills.push(skill);
                            origins
                                .skills
                                .push((index, vec![PathSeg::Key(base.into()), PathSeg::Index(i)]));
                        }
                        Err(e) => {
                            if let Some(id) = item.get("id").and_then(Node::as_str) {
                                unloaded.skills.insert(id.to_owned());
                            }
                            de_error(e, item.pos);
                        }
                    }
                }
            };
        if file.path == FRAMEWORK_FILE {
            if !matches!(tree.value, Value::Map(_)) {
                de_error(
                    not_a_mapping(
                        &tree,
                        "framework.yaml holds `id`, `name`, `version`, `sources` and `scales`",
                    ),
                    tree.pos,
                );
                origins.trees.push(Some(tree));
                continue;
            }
            // The readiness policy is read on its own so a mistake in it does not hide the scales
            // and sources every skill refers to.
            match yaml::from_node::<Framework>(&tree.without(&["skills", "tracks", "readiness"])) {
                Ok(header) => {
                    framework = Framework {
                        skills: vec![],
                        tracks: vec![],
                        ..header
                    }
                }
                Err(e) => de_error(e, tree.pos),
            }
            if let Some(policy) = tree.get("readiness").filter(|n| !n.is_null()) {
                match yaml::from_node(policy) {
                    Ok(policy) => framework.readiness = Some(policy),
                    Err(e) => de_error(e, policy.pos),
                }
            }
            if let Some(skills) = tree.get("skills") {
                add_skills(skills.items(), "skills", &mut framework, &mut de_error);
            }
            if let Some(tracks) = tree.get("tracks") {
                for (i, track) in tracks.items().iter().enumerate() {
                    let path = vec![PathSeg::Key("tracks".into()), PathSeg::Index(i)];
                    load_track(
                        track,
                        index,
                        path,
                        &mut framework,
                        &mut origins.tracks,
                        &mut unloaded,
                        &mut de_error,
                    );
                }
            }
        } else if file.path.starts_with("skills/") {
            match tree.get("skills") {
                Some(skills) if matches!(skills.value, Value::Seq(_)) || skills.is_null() => {
                    // Check the rest of the file (unknown top-level fields) without the skills.
                    if let Err(e) =
                        yaml::from_node::<trellis_model::SkillsFile>(&tree.with_empty("skills"))
                    {
                        de_error(e, tree.pos);
                    }
                    add_skills(skills.items(), "skills", &mut framework, &mut de_error);
                }
                _ => match yaml::from_node::<trellis_model::SkillsFile>(&tree) {
                    Err(e) => de_error(e, tree.pos),
                    Ok(_) => de_error(
                        not_a_mapping(&tree, "a skills file holds `skills:` and a list of skills"),
                        tree.pos,
                    ),
                },
            }
        } else {
            load_track(
                &tree,
                index,
                vec![],
                &mut framework,
                &mut origins.tracks,
                &mut unloaded,
                &mut de_error,
            );
        }
        origins.trees.push(Some(tree));
    }

    if files.files.first().is_some_and(|f| f.bytes.is_ok())
        && framework.id.is_empty()
        && !diagnostics.iter().any(|d| d.is_error())
    {
        diagnostics.push(Diagnostic::new(
            Code::InvalidValue,
            "framework.yaml has no framework header",
        ));
    }
    for d in trellis_model::check(&framework, &unloaded) {
        let mut d = d;
        if let Some((file, pos)) = d.related.as_ref().and_then(|p| locate(&origins, p)) {
            let place = format!(
                "{}:{}:{}",
                files.display_path(&files.files[file].path),
                pos.line,
                pos.column
            );
            d.hint = Some(match d.hint.take() {
                Some(h) => format!("{h}; the first is at {place}"),
                None => format!("the first is at {place}"),
            });
        }
        let d = match d.pointer.clone() {
            Some(p) => match locate(&origins, &p) {
                Some((file, pos)) => file_diag(d, file, pos),
                None => d,
            },
            None => d,
        };
        diagnostics.push(d);
    }
    sort(&mut diagnostics, files);
    Loaded {
        framework,
        diagnostics,
    }
}

fn not_a_mapping(node: &Node, what: &str) -> yaml::DeError {
    yaml::DeError {
        code: Code::InvalidValue,
        message: if node.is_null() {
            "the file is empty".into()
        } else {
            format!("expected a mapping, found {}", describe(node))
        },
        hint: Some(what.into()),
        pos: Some(node.pos),
    }
}

fn describe(node: &Node) -> &'static str {
    match node.value {
        Value::Scalar { .. } => "a single value",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

fn load_track(
    node: &Node,
    file: usize,
    path: Vec<PathSeg>,
    framework: &mut Framework,
    origins: &mut Vec<(usize, Vec<PathSeg>, Vec<usize>)>,
    unloaded: &mut Unloaded,
    de_error: &mut dyn FnMut(yaml::DeError, Pos),
) {
    if !matches!(node.value, Value::Map(_)) {
        de_error(
            not_a_mapping(
                node,
                "a track file holds `id`, `name` and `levels:` with a list of role levels",
            ),
            node.pos,
        );
        return;
    }
    let track_id = node
        .get("id")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut track: Track = match yaml::from_node(&node.with_empty("levels")) {
        Ok(track) => track,
        Err(e) => {
            if !track_id.is_empty() {
                unloaded.tracks.insert(track_id);
            }
            de_error(e, node.pos);
            return;
        }
    };
    let mut loaded_levels = Vec::new();
    if let Some(levels) = node.get("levels") {
        if !matches!(levels.value, Value::Seq(_)) && !levels.is_null() {
            de_error(
                not_a_mapping(levels, "`levels` is a list of role levels").into_list_error(),
                levels.pos,
            );
        }
        for (i, item) in levels.items().iter().enumerate() {
            match yaml::from_node::<RoleLevel>(item) {
                Ok(level) => {
                    track.levels.push(level);
                    loaded_levels.push(i);
                }
                Err(e) => {
                    if let Some(id) = item.get("id").and_then(Node::as_str) {
                        unloaded.role_levels.insert(role_level_id(&track.id, id));
                    }
                    de_error(e, item.pos);
                }
            }
        }
    }
    framework.tracks.push(track);
    origins.push((file, path, loaded_levels));
}

impl yaml::DeError {
    fn into_list_error(mut self) -> Self {
        self.message = self
            .message
            .replace("expected a mapping", "expected a list");
        self
    }
}

fn parse_file(file: &FrameworkFile) -> Result<Node, Box<(Diagnostic, Pos)>> {
    let start = Pos { line: 1, column: 1 };
    let bytes = file.bytes.as_ref().map_err(|e| {
        Box::new((
            Diagnostic::new(Code::Io, format!("cannot read {}: {e}", file.path)),
            start,
        ))
    })?;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        Box::new((
            Diagnostic::new(Code::Encoding, "the file is not UTF-8 text").hint("save it as UTF-8"),
            Pos { line, column },
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    yaml::parse(text).map_err(|e| {
        let mut d = Diagnostic::new(Code::Syntax, e.message.clone());
        if let Some(first) = e.first {
            d = Diagnostic::new(Code::DuplicateId, e.message)
                .hint(format!("first written at line {}", first.line));
        }
        Box::new((d, if e.pos.line == 0 { start } else { e.pos }))
    })
}

/// Reports `key:` lines with nothing after them, and empty lists, mappings and text.
fn empty_sections(node: &Node, report: &mut dyn FnMut(&str, Pos)) {
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                let empty = match &value.value {
                    Value::Scalar { text, .. } => value.is_null() || text.trim().is_empty(),
                    Value::Seq(items) => items.is_empty(),
                    Value::Map(entries) => entries.is_empty(),
                };
                if empty {
                    report(key.as_str().unwrap_or("?"), key.pos);
                } else {
                    empty_sections(value, report);
                }
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| empty_sections(i, report)),
        Value::Scalar { .. } => {}
    }
}

/// Turns a pointer into the merged framework into a file and a position.
fn locate(origins: &Origins, pointer: &Pointer) -> Option<(usize, Pos)> {
    let segs = &pointer.0;
    let (file, mut path, rest): (usize, Vec<PathSeg>, &[Seg]) = match segs.as_slice() {
        [Seg::Key("skills"), Seg::Index(i), rest @ ..] => {
            let (file, path) = origins.skills.get(*i)?;
            (*file, path.clone(), rest)
        }
        [
            Seg::Key("tracks"),
            Seg::Index(t),
            Seg::Key("levels"),
            Seg::Index(l),
            rest @ ..,
        ] => {
            let (file, path, levels) = origins.tracks.get(*t)?;
            let mut path = path.clone();
            path.push(PathSeg::Key("levels".into()));
            path.push(PathSeg::Index(*levels.get(*l)?));
            (*file, path, rest)
        }
        [Seg::Key("tracks"), Seg::Index(t), rest @ ..] => {
            let (file, path, _) = origins.tracks.get(*t)?;
            (*file, path.clone(), rest)
        }
        _ => (0, vec![], segs.as_slice()),
    };
    path.extend(rest.iter().map(|s| match s {
        Seg::Key(k) => PathSeg::Key((*k).to_owned()),
        Seg::Name(n) => PathSeg::Key(n.clone()),
        Seg::Index(i) => PathSeg::Index(*i),
    }));
    let mut node = origins.trees.get(file)?.as_ref()?;
    for seg in &path {
        let next = match seg {
            PathSeg::Key(k) => node.get(k),
            PathSeg::Index(i) => node.items().get(*i),
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    Some((file, node.pos))
}

fn sort(diagnostics: &mut [Diagnostic], files: &FrameworkFiles) {
    let order = |d: &Diagnostic| {
        let (file, line, column) = match &d.location {
            Some(l) => (
                files
                    .files
                    .iter()
                    .position(|f| files.display_path(&f.path) == l.file)
                    .unwrap_or(usize::MAX),
                l.line,
                l.column,
            ),
            None => (usize::MAX, 0, 0),
        };
        (file, line, column, d.code)
    };
    diagnostics.sort_by_key(order);
}

/// Diagnostics as text, the way compilers print them (and `trellis check` does): the message,
/// the place, the line with a caret, a hint.
pub fn diagnostics_text(files: &FrameworkFiles, diagnostics: &[Diagnostic]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(out, "{}[{}]: {}", d.severity(), d.code, d.message);
        if let (None, Some(pointer)) = (&d.location, &d.pointer) {
            let _ = writeln!(out, "  --> at {pointer}");
        }
        if let Some(loc) = &d.location {
            let _ = writeln!(out, "  --> {}:{}:{}", loc.file, loc.line, loc.column);
            if let Some(line) = source_line(files, &loc.file, loc.line) {
                let gutter = loc.line.to_string();
                let pad = " ".repeat(gutter.len());
                let caret_at: String = line
                    .chars()
                    .take(loc.column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(out, "{pad} |\n{gutter} | {line}\n{pad} | {caret_at}^");
            }
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "  = hint: {hint}");
        }
        out.push('\n');
    }
    out
}

fn source_line(files: &FrameworkFiles, file: &str, line: usize) -> Option<String> {
    let f = files
        .files
        .iter()
        .find(|f| files.display_path(&f.path) == file)?;
    let text = String::from_utf8_lossy(f.bytes.as_ref().ok()?);
    let line = text.lines().nth(line.checked_sub(1)?)?;
    // Long lines (folded prose) are cut so the caret stays on screen.
    Some(line.chars().take(160).collect())
}
