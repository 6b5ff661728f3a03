//! The grammar of a revision header, `#[migration(key = value, ...)]`: which keys there are,
//! which value shape each takes, and the rules across them (a revision does not revise itself,
//! a dependency is not also a parent, a list is not empty, a label is not listed twice, ...).
//!
//! The input is a small value model, [`Entry`] and [`Value`], that both readers produce: the
//! proc-macro from syn's parse of the attribute, [`crate::source`] from a file's text. Every
//! [`HeaderError`] carries a [`Location`] (the entry, its key or value, an item of its list) so
//! each reader can point at the user's tokens: the macro with syn spans, the text reader with
//! byte offsets.
//!
//! ```
//! use schema_core::header::{check, Entry, Location, Value};
//!
//! let entries = [
//!     Entry::new("id", Value::Str("20250102_143000_users".into())),
//!     Entry::new("revises", Value::List(vec![Value::Str("20250102_143000_users".into())])),
//! ];
//! let checked = check(&entries);
//! let messages: Vec<(Location, String)> =
//!     checked.errors.iter().map(|e| (e.location, e.to_string())).collect();
//! assert_eq!(
//!     messages,
//!     [
//!         (
//!             Location::Item { entry: 1, index: 0 },
//!             "a revision cannot revise itself; name the revision this one follows".to_owned()
//!         ),
//!         (
//!             Location::Attribute,
//!             "missing `message = \"...\"`; describe the revision in one line, e.g. \
//!              `message = \"create users\"`"
//!                 .to_owned()
//!         ),
//!     ]
//! );
//! assert!(checked.header.is_none());
//! ```

use std::fmt;

use crate::names::{
    check_branch_label, check_revision_id, BranchLabelProblem, IdRole, RevisionIdProblem,
};

/// How the arguments are written, for messages about an argument list that does not parse.
pub const SYNTAX_HINT: &str = "write the arguments as `key = value` pairs separated by commas, \
                               e.g. `#[migration(id = \"...\", message = \"...\")]`";

/// A key `#[migration]` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// `id = "..."`: the revision's id (required).
    Id,
    /// `revises = "id"` or `revises = ["a", "b"]`: the parents (omitted for a base).
    Revises,
    /// `depends_on = "id"` or a list: applied before this revision without merging.
    DependsOn,
    /// `branch_labels = "label"` or a list: names for `LABEL@head`.
    BranchLabels,
    /// `message = "..."`: one line describing the revision (required).
    Message,
    /// `downgrade = path`: an explicit downgrade fn.
    Downgrade,
    /// `irreversible` or `irreversible = bool`: refuse to downgrade past it.
    Irreversible,
    /// `transactional = bool`: run inside a transaction (default true).
    Transactional,
    /// `lock_timeout = "5s"`: how long each statement may wait for a lock.
    LockTimeout,
    /// `statement_timeout = "10min"`: how long each statement may run.
    StatementTimeout,
    /// `allow_lint = "rule-id"` or a list: `cargo schema lint` rules this revision is allowed
    /// to break.
    AllowLint,
}

/// Every key, in the order the docs list them.
pub const KEYS: [Key; 11] = [
    Key::Id,
    Key::Revises,
    Key::DependsOn,
    Key::BranchLabels,
    Key::Message,
    Key::Downgrade,
    Key::Irreversible,
    Key::Transactional,
    Key::LockTimeout,
    Key::StatementTimeout,
    Key::AllowLint,
];

impl Key {
    /// The key as written.
    pub fn name(self) -> &'static str {
        match self {
            Key::Id => "id",
            Key::Revises => "revises",
            Key::DependsOn => "depends_on",
            Key::BranchLabels => "branch_labels",
            Key::Message => "message",
            Key::Downgrade => "downgrade",
            Key::Irreversible => "irreversible",
            Key::Transactional => "transactional",
            Key::LockTimeout => "lock_timeout",
            Key::StatementTimeout => "statement_timeout",
            Key::AllowLint => "allow_lint",
        }
    }

    /// The key written `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Key> {
        KEYS.into_iter().find(|key| key.name() == name)
    }

    /// The key a user who wrote `name` probably meant (Alembic's and other tools' spellings).
    pub fn suggestion(name: &str) -> Option<Key> {
        match name {
            "parent" | "parents" | "down_revision" | "revision" => Some(Key::Revises),
            "depends" | "dependencies" | "depends_on_revisions" | "requires" | "after" => {
                Some(Key::DependsOn)
            }
            "branch" | "branches" | "label" | "labels" | "branch_label" => Some(Key::BranchLabels),
            "msg" | "name" | "description" | "doc" => Some(Key::Message),
            "down" | "downgrade_fn" | "reverse" => Some(Key::Downgrade),
            "transaction" | "atomic" => Some(Key::Transactional),
            "lock_wait_timeout" | "lock_wait" | "locktimeout" => Some(Key::LockTimeout),
            "timeout" | "max_execution_time" => Some(Key::StatementTimeout),
            "allow" | "allow_lints" | "lint" | "lints" | "allow_rules" | "ignore_lint"
            | "skip_lint" => Some(Key::AllowLint),
            _ => None,
        }
    }

    /// How the key is written, for "expected ..." messages.
    pub fn expected(self) -> &'static str {
        match self {
            Key::Id => "`id = \"20250102_143000_create_users\"`",
            Key::Message => "`message = \"create users\"`",
            Key::Revises => "`revises = \"<id>\"` or `revises = [\"a\", \"b\"]`",
            Key::DependsOn => "`depends_on = \"<id>\"` or `depends_on = [\"a\", \"b\"]`",
            Key::BranchLabels => {
                "`branch_labels = \"<label>\"` or `branch_labels = [\"a\", \"b\"]`"
            }
            Key::Downgrade => "the path of a fn in this file: `downgrade = downgrade`",
            Key::Irreversible => "`irreversible` or `irreversible = true`",
            Key::Transactional => "`transactional = false` or `transactional = true` (the default)",
            Key::LockTimeout => "`lock_timeout = \"5s\"` (ms, s, min or h)",
            Key::StatementTimeout => "`statement_timeout = \"10min\"` (ms, s, min or h)",
            Key::AllowLint => {
                "`allow_lint = \"<rule-id>\"` or `allow_lint = [\"rename-column\", \"drop-column\"]`"
            }
        }
    }

    /// How one item of the key's list is written (list-valued keys only).
    fn list_item(self) -> &'static str {
        match self {
            Key::Revises => "a parent id as a string literal, e.g. `\"20250101_090000_init\"`",
            Key::BranchLabels => "a branch label as a string literal, e.g. `\"billing\"`",
            Key::AllowLint => "a lint rule id as a string literal, e.g. `\"rename-column\"`",
            _ => "a revision id as a string literal, e.g. `\"20250101_090000_init\"`",
        }
    }

    /// The value shape the key takes.
    fn shape(self) -> Shape {
        match self {
            Key::Id | Key::Message => Shape::Str,
            Key::Revises | Key::DependsOn | Key::BranchLabels | Key::AllowLint => Shape::StrList,
            Key::Downgrade => Shape::Path,
            Key::Irreversible => Shape::Flag,
            Key::Transactional => Shape::Bool,
            Key::LockTimeout | Key::StatementTimeout => Shape::Str,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The value shapes of the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `key = "text"`.
    Str,
    /// `key = "a"` or `key = ["a", "b"]`.
    StrList,
    /// `key = some::path`.
    Path,
    /// `key`, `key = true`, `key = false`.
    Flag,
    /// `key = true` or `key = false`.
    Bool,
}

/// A value as written, classified as far as the grammar needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// The key alone: `irreversible`.
    Flag,
    /// The key followed by a delimited group: `revises("a")`.
    Delimited,
    /// A string literal (any form: `"a"`, `r#"a"#`), unescaped.
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// A path (`downgrade`, `self::down`), written without spaces.
    Path(String),
    /// A macro call: `concat!(..)`.
    Macro,
    /// `[a, b]`; each item classified the same way.
    List(Vec<Value>),
    /// Anything else: another literal, an expression.
    Other,
}

/// One `key = value` of a header, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key's path as written, without spaces (`id`, `a::b`).
    pub key: String,
    /// Its value.
    pub value: Value,
}

impl Entry {
    /// An entry `key = value`.
    pub fn new(key: impl Into<String>, value: Value) -> Self {
        Entry {
            key: key.into(),
            value,
        }
    }
}

/// Where in the header an error is, for the reader to map back to the user's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// The attribute as a whole (a missing key).
    Attribute,
    /// The key of entry `entry` (0-based, in the order written).
    Key {
        /// Index of the entry.
        entry: usize,
    },
    /// The whole entry `key = value`.
    Entry {
        /// Index of the entry.
        entry: usize,
    },
    /// The value after `=` (for a list, the whole bracketed list).
    Value {
        /// Index of the entry.
        entry: usize,
    },
    /// Item `index` (0-based, as written) of the list value of entry `entry`.
    Item {
        /// Index of the entry.
        entry: usize,
        /// Index of the item in the list.
        index: usize,
    },
}

/// A problem with a header, where it is, and (through `Display`) what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError {
    /// Where it is.
    pub location: Location,
    /// What it is.
    pub problem: HeaderProblem,
}

/// What is wrong with a header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderProblem {
    /// A key the grammar does not have; `key` is `None` when it is not one identifier.
    UnknownKey {
        /// The key as written.
        key: Option<String>,
    },
    /// A key written twice.
    DuplicateKey {
        /// The key.
        key: Key,
    },
    /// A value of the wrong shape.
    Expected {
        /// The key whose value it is.
        key: Key,
    },
    /// A string-valued key with a value that is not a string literal.
    ExpectedString {
        /// The key.
        key: Key,
    },
    /// A list item that is not a string literal.
    ExpectedListItem {
        /// The key of the list.
        key: Key,
        /// The item is a path or a macro call, which is not evaluated here.
        unevaluated: bool,
    },
    /// `downgrade = "name"`: a string where a path is expected.
    QuotedDowngrade {
        /// The string's contents.
        value: String,
    },
    /// `key = []`.
    EmptyList {
        /// The key.
        key: Key,
    },
    /// A required key is missing.
    Missing {
        /// The key.
        key: Key,
    },
    /// An id that breaks the id rules.
    InvalidId {
        /// Which id it is.
        role: IdRole,
        /// The id.
        id: String,
        /// What is wrong with it.
        problem: RevisionIdProblem,
    },
    /// A branch label that breaks the label rules.
    InvalidLabel {
        /// The label.
        label: String,
        /// What is wrong with it.
        problem: BranchLabelProblem,
    },
    /// The same value twice in one list.
    ListedTwice {
        /// The list's key.
        key: Key,
        /// The value.
        value: String,
    },
    /// `revises` names the revision's own id.
    RevisesItself,
    /// `depends_on` names the revision's own id.
    DependsOnItself,
    /// `depends_on` names a parent.
    DependsOnParent {
        /// The parent.
        id: String,
    },
    /// `message` is blank.
    EmptyMessage,
    /// `irreversible` together with an explicit `downgrade`.
    IrreversibleWithDowngrade {
        /// The downgrade's path.
        downgrade: String,
    },
    /// An `allow_lint` item that is no lint rule's id.
    UnknownLintRule {
        /// The id as written.
        id: String,
        /// The rule it probably means.
        suggestion: Option<&'static str>,
    },
    /// A duration that is not a positive number with a unit.
    InvalidDuration {
        /// The key.
        key: Key,
        /// The value as written.
        value: String,
    },
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)
    }
}

impl std::error::Error for HeaderError {}

impl fmt::Display for HeaderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNEVALUATED: &str = "; constants and macros are not evaluated here";
        let keys = KEYS.map(|key| format!("`{key}`")).join(", ");
        match self {
            HeaderProblem::UnknownKey { key: None } => {
                write!(f, "unknown key; expected one of {keys}")
            }
            HeaderProblem::UnknownKey { key: Some(key) } => {
                let hint = Key::suggestion(key)
                    .map(|known| format!(" (did you mean `{known}`?)"))
                    .unwrap_or_default();
                write!(f, "unknown key `{key}`{hint}; expected one of {keys}")
            }
            HeaderProblem::DuplicateKey { key } => {
                write!(f, "duplicate key `{key}`; write each key once")
            }
            HeaderProblem::Expected { key } => write!(f, "expected {}", key.expected()),
            HeaderProblem::InvalidDuration { key, value } => write!(
                f,
                "`{value}` is not a duration; expected a positive number and a unit: {}",
                key.expected()
            ),
            HeaderProblem::ExpectedString { key } => write!(
                f,
                "expected a string literal: {}{UNEVALUATED}",
                key.expected()
            ),
            HeaderProblem::ExpectedListItem { key, unevaluated } => {
                let hint = if *unevaluated { UNEVALUATED } else { "" };
                write!(f, "expected {}{hint}", key.list_item())
            }
            HeaderProblem::QuotedDowngrade { value } => write!(
                f,
                "expected the path of a fn, not a string; remove the quotes: `downgrade = {value}`"
            ),
            HeaderProblem::EmptyList { key } => match key {
                Key::Revises => f.write_str(
                    "`revises = []` names no parent; omit `revises` for a base revision",
                ),
                Key::DependsOn => f.write_str(
                    "`depends_on = []` names no revision; omit `depends_on` when the revision \
                     depends only on its parents",
                ),
                Key::AllowLint => f.write_str(
                    "`allow_lint = []` allows no rule; omit `allow_lint` or name the rules, e.g. \
                     `allow_lint = [\"rename-column\"]`",
                ),
                _ => write!(
                    f,
                    "`{key} = []` names no label; omit `{key}` or write `{key} = \"<label>\"`"
                ),
            },
            HeaderProblem::Missing { key: Key::Id } => f.write_str(
                "missing `id = \"...\"`; use the timestamped id that `cargo schema revision` \
                 generates, e.g. `id = \"20250102_143000_create_users\"`",
            ),
            HeaderProblem::Missing { key: Key::Message } => f.write_str(
                "missing `message = \"...\"`; describe the revision in one line, \
                 e.g. `message = \"create users\"`",
            ),
            HeaderProblem::Missing { key } => {
                write!(f, "missing `{key}`; write {}", key.expected())
            }
            HeaderProblem::InvalidId { role, id, problem } => {
                f.write_str(&problem.message(*role, id))
            }
            HeaderProblem::InvalidLabel { label, problem } => f.write_str(&problem.message(label)),
            HeaderProblem::ListedTwice { key, value } => match key {
                Key::Revises => write!(
                    f,
                    "`{value}` is listed twice in `revises`; name each parent once"
                ),
                Key::DependsOn => write!(
                    f,
                    "`{value}` is listed twice in `depends_on`; name each revision once"
                ),
                Key::AllowLint => write!(
                    f,
                    "lint rule `{value}` is listed twice in `allow_lint`; name each rule once"
                ),
                _ => write!(
                    f,
                    "branch label `{value}` is listed twice; write each label once"
                ),
            },
            HeaderProblem::RevisesItself => {
                f.write_str("a revision cannot revise itself; name the revision this one follows")
            }
            HeaderProblem::DependsOnItself => f.write_str(
                "a revision cannot depend on itself; name a revision that must be applied \
                 before this one",
            ),
            HeaderProblem::DependsOnParent { id } => write!(
                f,
                "`{id}` is already a parent in `revises`, which is applied first anyway; \
                 remove it from `depends_on`"
            ),
            HeaderProblem::EmptyMessage => f.write_str(
                "`message` is empty; describe the revision in one line, \
                 e.g. `message = \"create users\"`",
            ),
            HeaderProblem::UnknownLintRule { id, suggestion } => {
                let hint = suggestion
                    .map(|rule| format!(" (did you mean `{rule}`?)"))
                    .unwrap_or_default();
                write!(
                    f,
                    "unknown lint rule `{id}`{hint}; `cargo schema lint --rules` lists the rule \
                     ids (kebab-case, e.g. `rename-column`)"
                )
            }
            HeaderProblem::IrreversibleWithDowngrade { downgrade } => write!(
                f,
                "`irreversible` contradicts `downgrade = {downgrade}`: an irreversible revision \
                 has no downgrade; remove one of the two"
            ),
        }
    }
}

/// A valid header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionHeader {
    /// `id`.
    pub id: String,
    /// `revises`, each once, in the order written; empty for a base.
    pub revises: Vec<String>,
    /// `depends_on`, each once, in the order written.
    pub depends_on: Vec<String>,
    /// `branch_labels`, each once, in the order written.
    pub branch_labels: Vec<String>,
    /// `message`, trimmed.
    pub message: String,
    /// `downgrade`: the path of the downgrade fn, written without spaces.
    pub downgrade: Option<String>,
    /// `irreversible`.
    pub irreversible: bool,
    /// `transactional` (default true).
    pub transactional: bool,
    /// `lock_timeout`, in milliseconds.
    pub lock_timeout_ms: Option<u64>,
    /// `statement_timeout`, in milliseconds.
    pub statement_timeout_ms: Option<u64>,
    /// `allow_lint`: known rule ids, each once, in the order written.
    pub allow_lint: Vec<String>,
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderCheck {
    /// The header, when there are no errors.
    pub header: Option<RevisionHeader>,
    /// Every problem, in the order of the header: first those of each entry on its own, then
    /// those across entries.
    pub errors: Vec<HeaderError>,
    /// Whether the downgrade is derived by reversing the upgrade: no `downgrade`, and
    /// `irreversible` absent or `= false`. A malformed value counts as not derived, so that
    /// its own error is not followed by guesses. Known even when there are errors.
    pub derives_downgrade: bool,
}

impl HeaderCheck {
    /// The header, or every error.
    pub fn into_result(self) -> Result<RevisionHeader, Vec<HeaderError>> {
        match self.header {
            Some(header) => Ok(header),
            None => Err(self.errors),
        }
    }
}

/// A string as written, with its location.
#[derive(Debug, Clone)]
struct Located {
    value: String,
    location: Location,
}

/// A list-valued key as written: its string items, and whether the list is empty.
#[derive(Debug, Default)]
struct StrList {
    items: Vec<Located>,
    /// Written `[]`: no items at all, so not merely malformed ones.
    empty_at: Option<Location>,
}

/// The first well-formed value of each key; `written` keeps every key seen at all.
#[derive(Debug, Default)]
struct Fields {
    written: Vec<Key>,
    id: Option<Located>,
    message: Option<Located>,
    revises: Option<StrList>,
    depends_on: Option<StrList>,
    branch_labels: Option<StrList>,
    allow_lint: Option<StrList>,
    downgrade: Option<String>,
    /// The value and the key's entry, for the contradiction error.
    irreversible: Option<(bool, usize)>,
    transactional: Option<bool>,
    lock_timeout_ms: Option<u64>,
    statement_timeout_ms: Option<u64>,
}

impl Fields {
    fn has(&self, key: Key) -> bool {
        self.written.contains(&key)
    }
}

/// Checks the entries of a header, in order; see [`HeaderCheck`].
pub fn check(entries: &[Entry]) -> HeaderCheck {
    let mut errors = Vec::new();
    let mut fields = Fields::default();
    for (index, entry) in entries.iter().enumerate() {
        read_entry(index, entry, &mut fields, &mut errors);
    }
    let derives_downgrade = !fields.has(Key::Downgrade)
        && (!fields.has(Key::Irreversible) || matches!(fields.irreversible, Some((false, _))));
    let header = cross_check(fields, &mut errors);
    HeaderCheck {
        header: header.filter(|_| errors.is_empty()),
        errors,
        derives_downgrade,
    }
}

/// The rules of one entry on its own: a known key, written once, with a value of its shape.
fn read_entry(index: usize, entry: &Entry, fields: &mut Fields, errors: &mut Vec<HeaderError>) {
    let mut error = |location, problem| errors.push(HeaderError { location, problem });
    let at_key = Location::Key { entry: index };
    let at_entry = Location::Entry { entry: index };
    let at_value = Location::Value { entry: index };
    let Some(key) = Key::from_name(&entry.key) else {
        let key = (!entry.key.contains("::")).then(|| entry.key.clone());
        error(at_key, HeaderProblem::UnknownKey { key });
        return;
    };
    if fields.has(key) {
        error(at_key, HeaderProblem::DuplicateKey { key });
        return;
    }
    fields.written.push(key);

    let shape = key.shape();
    match (&entry.value, shape) {
        (Value::Flag, Shape::Flag) => fields.irreversible = Some((true, index)),
        (Value::Flag | Value::Delimited, _) => error(at_entry, HeaderProblem::Expected { key }),
        (Value::Str(value), Shape::Str) => {
            let located = Some(Located {
                value: value.clone(),
                location: at_value,
            });
            match key {
                Key::Id => fields.id = located,
                Key::LockTimeout | Key::StatementTimeout => match parse_duration_ms(value) {
                    Some(ms) if key == Key::LockTimeout => fields.lock_timeout_ms = Some(ms),
                    Some(ms) => fields.statement_timeout_ms = Some(ms),
                    None => error(
                        at_value,
                        HeaderProblem::InvalidDuration {
                            key,
                            value: value.clone(),
                        },
                    ),
                },
                _ => fields.message = located,
            }
        }
        (_, Shape::Str) => error(at_value, HeaderProblem::ExpectedString { key }),
        (Value::Str(value), Shape::StrList) => {
            let list = StrList {
                items: vec![Located {
                    value: value.clone(),
                    location: at_value,
                }],
                empty_at: None,
            };
            set_list(fields, key, list);
        }
        (Value::List(items), Shape::StrList) => {
            let mut list = StrList {
                empty_at: items.is_empty().then_some(at_value),
                ..StrList::default()
            };
            for (item_index, item) in items.iter().enumerate() {
                let location = Location::Item {
                    entry: index,
                    index: item_index,
                };
                match item {
                    Value::Str(value) => list.items.push(Located {
                        value: value.clone(),
                        location,
                    }),
                    other => {
                        let unevaluated = matches!(other, Value::Path(_) | Value::Macro);
                        error(
                            location,
                            HeaderProblem::ExpectedListItem { key, unevaluated },
                        );
                    }
                }
            }
            set_list(fields, key, list);
        }
        (Value::Path(path), Shape::Path) => fields.downgrade = Some(path.clone()),
        (Value::Str(value), Shape::Path) => error(
            at_value,
            HeaderProblem::QuotedDowngrade {
                value: value.clone(),
            },
        ),
        (Value::Bool(value), Shape::Flag) => fields.irreversible = Some((*value, index)),
        (Value::Bool(value), Shape::Bool) => fields.transactional = Some(*value),
        (_, Shape::StrList | Shape::Path | Shape::Flag | Shape::Bool) => {
            error(at_value, HeaderProblem::Expected { key })
        }
    }
}

fn set_list(fields: &mut Fields, key: Key, list: StrList) {
    match key {
        Key::Revises => fields.revises = Some(list),
        Key::DependsOn => fields.depends_on = Some(list),
        Key::AllowLint => fields.allow_lint = Some(list),
        _ => fields.branch_labels = Some(list),
    }
}

/// The rules across entries, in the order of the keys; the header when nothing required is
/// missing (errors may still have been recorded).
fn cross_check(fields: Fields, errors: &mut Vec<HeaderError>) -> Option<RevisionHeader> {
    let mut error = |location, problem| errors.push(HeaderError { location, problem });
    let invalid_id = |role, id: &Located| {
        check_revision_id(&id.value).err().map(|problem| {
            let id_value = id.value.clone();
            (
                id.location,
                HeaderProblem::InvalidId {
                    role,
                    id: id_value,
                    problem,
                },
            )
        })
    };

    if fields.id.is_none() && !fields.has(Key::Id) {
        error(Location::Attribute, HeaderProblem::Missing { key: Key::Id });
    }
    if let Some((location, problem)) = fields
        .id
        .as_ref()
        .and_then(|id| invalid_id(IdRole::Revision, id))
    {
        error(location, problem);
    }
    let own_id = fields.id.as_ref().map(|id| id.value.as_str());

    let mut revises: Vec<String> = Vec::new();
    if let Some(list) = &fields.revises {
        if let Some(location) = list.empty_at {
            error(location, HeaderProblem::EmptyList { key: Key::Revises });
        }
        for parent in &list.items {
            if revises.contains(&parent.value) {
                let value = parent.value.clone();
                let key = Key::Revises;
                error(parent.location, HeaderProblem::ListedTwice { key, value });
                continue;
            }
            if own_id == Some(parent.value.as_str()) {
                error(parent.location, HeaderProblem::RevisesItself);
            }
            if let Some((location, problem)) = invalid_id(IdRole::Parent, parent) {
                error(location, problem);
            }
            revises.push(parent.value.clone());
        }
    }

    let mut depends_on: Vec<String> = Vec::new();
    if let Some(list) = &fields.depends_on {
        if let Some(location) = list.empty_at {
            error(
                location,
                HeaderProblem::EmptyList {
                    key: Key::DependsOn,
                },
            );
        }
        for dependency in &list.items {
            let value = &dependency.value;
            if depends_on.contains(value) {
                let (key, value) = (Key::DependsOn, value.clone());
                error(
                    dependency.location,
                    HeaderProblem::ListedTwice { key, value },
                );
                continue;
            }
            if own_id == Some(value.as_str()) {
                error(dependency.location, HeaderProblem::DependsOnItself);
            } else if revises.contains(value) {
                let id = value.clone();
                error(dependency.location, HeaderProblem::DependsOnParent { id });
            }
            if let Some((location, problem)) = invalid_id(IdRole::Dependency, dependency) {
                error(location, problem);
            }
            depends_on.push(value.clone());
        }
    }

    let mut branch_labels: Vec<String> = Vec::new();
    if let Some(list) = &fields.branch_labels {
        if let Some(location) = list.empty_at {
            let key = Key::BranchLabels;
            error(location, HeaderProblem::EmptyList { key });
        }
        for label in &list.items {
            let value = &label.value;
            if branch_labels.contains(value) {
                let (key, value) = (Key::BranchLabels, value.clone());
                error(label.location, HeaderProblem::ListedTwice { key, value });
                continue;
            }
            match check_branch_label(value) {
                Ok(()) => branch_labels.push(value.clone()),
                Err(problem) => {
                    let label_value = value.clone();
                    error(
                        label.location,
                        HeaderProblem::InvalidLabel {
                            label: label_value,
                            problem,
                        },
                    );
                }
            }
        }
    }

    let mut allow_lint: Vec<String> = Vec::new();
    if let Some(list) = &fields.allow_lint {
        if let Some(location) = list.empty_at {
            let key = Key::AllowLint;
            error(location, HeaderProblem::EmptyList { key });
        }
        for rule in &list.items {
            let value = &rule.value;
            if allow_lint.contains(value) {
                let (key, value) = (Key::AllowLint, value.clone());
                error(rule.location, HeaderProblem::ListedTwice { key, value });
                continue;
            }
            if crate::lint::is_rule(value) {
                allow_lint.push(value.clone());
            } else {
                let problem = HeaderProblem::UnknownLintRule {
                    id: value.clone(),
                    suggestion: crate::lint::suggestion(value),
                };
                error(rule.location, problem);
            }
        }
    }

    if fields.message.is_none() && !fields.has(Key::Message) {
        error(
            Location::Attribute,
            HeaderProblem::Missing { key: Key::Message },
        );
    }
    let message = fields.message.as_ref().and_then(|message| {
        let trimmed = message.value.trim();
        if trimmed.is_empty() {
            error(message.location, HeaderProblem::EmptyMessage);
            return None;
        }
        Some(trimmed.to_owned())
    });

    if let (Some((true, entry)), Some(downgrade)) = (fields.irreversible, &fields.downgrade) {
        let downgrade = downgrade.clone();
        error(
            Location::Key { entry },
            HeaderProblem::IrreversibleWithDowngrade { downgrade },
        );
    }

    Some(RevisionHeader {
        id: fields.id?.value,
        revises,
        depends_on,
        branch_labels,
        message: message?,
        downgrade: fields.downgrade,
        irreversible: fields.irreversible.is_some_and(|(value, _)| value),
        transactional: fields.transactional.unwrap_or(true),
        lock_timeout_ms: fields.lock_timeout_ms,
        statement_timeout_ms: fields.statement_timeout_ms,
        allow_lint,
    })
}

/// Milliseconds of a duration written `500ms`, `5s`, `1.5s`, `10min` or `1h` (a positive number
/// and a unit, spaces allowed between them).
///
/// ```
/// use schema_core::header::parse_duration_ms;
/// assert_eq!(parse_duration_ms("5s"), Some(5000));
/// assert_eq!(parse_duration_ms("1.5 s"), Some(1500));
/// assert_eq!(parse_duration_ms("10min"), Some(600_000));
/// assert_eq!(parse_duration_ms("5"), None);
/// assert_eq!(parse_duration_ms("0s"), None);
/// ```
pub fn parse_duration_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "ms" => 1.0,
        "s" => 1000.0,
        "min" | "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return None,
    };
    let ms = number * factor;
    (ms.is_finite() && (1.0..1e15).contains(&ms)).then(|| ms.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(value: &str) -> Value {
        Value::Str(value.to_owned())
    }

    fn list(values: &[&str]) -> Value {
        Value::List(values.iter().map(|v| s(v)).collect())
    }

    fn errors(entries: &[Entry]) -> Vec<(Location, String)> {
        check(entries)
            .errors
            .into_iter()
            .map(|e| (e.location, e.to_string()))
            .collect()
    }

    fn base() -> Vec<Entry> {
        vec![Entry::new("id", s("b")), Entry::new("message", s(" m "))]
    }

    #[test]
    fn a_full_header_reads_back() {
        let mut entries = base();
        entries.extend([
            Entry::new("revises", list(&["a", "c"])),
            Entry::new("depends_on", s("x")),
            Entry::new("branch_labels", list(&["core", "v-2"])),
            Entry::new("downgrade", Value::Path("self::down".into())),
            Entry::new("transactional", Value::Bool(false)),
            Entry::new("lock_timeout", s("2s")),
            Entry::new("allow_lint", list(&["rename-column", "drop-table"])),
        ]);
        let checked = check(&entries);
        assert_eq!(checked.errors, []);
        assert!(!checked.derives_downgrade);
        assert_eq!(
            checked.header,
            Some(RevisionHeader {
                id: "b".into(),
                revises: vec!["a".into(), "c".into()],
                depends_on: vec!["x".into()],
                branch_labels: vec!["core".into(), "v-2".into()],
                message: "m".into(),
                downgrade: Some("self::down".into()),
                irreversible: false,
                transactional: false,
                lock_timeout_ms: Some(2000),
                statement_timeout_ms: None,
                allow_lint: vec!["rename-column".into(), "drop-table".into()],
            })
        );
    }

    #[test]
    fn flags_and_derived_downgrades() {
        let with = |entry: Entry| {
            let mut entries = base();
            entries.push(entry);
            check(&entries)
        };
        let irreversible = with(Entry::new("irreversible", Value::Flag));
        assert!(irreversible.header.is_some_and(|h| h.irreversible));
        assert!(!irreversible.derives_downgrade);
        assert!(with(Entry::new("irreversible", Value::Bool(false))).derives_downgrade);
        // A malformed value is not a guess in either direction.
        let malformed = with(Entry::new("irreversible", s("yes")));
        assert!(!malformed.derives_downgrade);
        assert_eq!(malformed.errors.len(), 1);
        assert!(check(&base()).derives_downgrade);
    }

    #[test]
    fn unknown_and_duplicate_keys() {
        let mut entries = base();
        entries.push(Entry::new("parents", list(&["a"])));
        entries.push(Entry::new("a::b", s("x")));
        entries.push(Entry::new("message", s("again")));
        assert_eq!(
            errors(&entries),
            [
                (
                    Location::Key { entry: 2 },
                    "unknown key `parents` (did you mean `revises`?); expected one of `id`, \
                     `revises`, `depends_on`, `branch_labels`, `message`, `downgrade`, \
                     `irreversible`, `transactional`, `lock_timeout`, `statement_timeout`, \
                     `allow_lint`"
                        .to_owned()
                ),
                (
                    Location::Key { entry: 3 },
                    "unknown key; expected one of `id`, `revises`, `depends_on`, \
                     `branch_labels`, `message`, `downgrade`, `irreversible`, `transactional`, \
                     `lock_timeout`, `statement_timeout`, `allow_lint`"
                        .to_owned()
                ),
                (
                    Location::Key { entry: 4 },
                    "duplicate key `message`; write each key once".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn shapes_are_explained_at_the_value() {
        let entries = [
            Entry::new("id", Value::Path("ID".into())),
            Entry::new("message", Value::Flag),
            Entry::new(
                "revises",
                Value::List(vec![s("a"), Value::Path("B".into()), Value::Other]),
            ),
            Entry::new("downgrade", s("down")),
            Entry::new("transactional", Value::Other),
            Entry::new("branch_labels", Value::Delimited),
        ];
        let found = errors(&entries);
        let locations: Vec<Location> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            locations,
            [
                Location::Value { entry: 0 },
                Location::Entry { entry: 1 },
                Location::Item { entry: 2, index: 1 },
                Location::Item { entry: 2, index: 2 },
                Location::Value { entry: 3 },
                Location::Value { entry: 4 },
                Location::Entry { entry: 5 },
            ]
        );
        assert!(found[0]
            .1
            .ends_with("constants and macros are not evaluated here"));
        assert!(found[2]
            .1
            .ends_with("constants and macros are not evaluated here"));
        assert!(!found[3].1.contains("constants"));
        assert_eq!(
            found[4].1,
            "expected the path of a fn, not a string; remove the quotes: `downgrade = down`"
        );
        // A key with a malformed value is not also missing.
        assert_eq!(found.len(), 7, "{found:?}");
    }

    #[test]
    fn cross_field_rules() {
        let entries = [
            Entry::new("id", s("b")),
            Entry::new("revises", list(&["a", "b", "a"])),
            Entry::new("depends_on", list(&["b", "a", "x-y"])),
            Entry::new("branch_labels", list(&["l", "l", "no@"])),
            Entry::new("message", s("  ")),
            Entry::new("irreversible", Value::Bool(true)),
            Entry::new("downgrade", Value::Path("down".into())),
        ];
        let found: Vec<String> = errors(&entries).into_iter().map(|(_, m)| m).collect();
        assert_eq!(
            found,
            [
                "a revision cannot revise itself; name the revision this one follows",
                "`a` is listed twice in `revises`; name each parent once",
                "a revision cannot depend on itself; name a revision that must be applied before \
                 this one",
                "`a` is already a parent in `revises`, which is applied first anyway; remove it \
                 from `depends_on`",
                "dependency id `x-y` contains `-` at position 2; ids may contain only ASCII \
                 letters, digits and `_`, e.g. `20250102_143000_create_users`",
                "branch label `l` is listed twice; write each label once",
                "branch label `no@` contains `@` at position 3; labels may contain only ASCII \
                 letters, digits, `_` and `-` (they are written `LABEL@head` on the command \
                 line), e.g. `billing`",
                "`message` is empty; describe the revision in one line, e.g. `message = \"create \
                 users\"`",
                "`irreversible` contradicts `downgrade = down`: an irreversible revision has no \
                 downgrade; remove one of the two",
            ]
        );
    }

    #[test]
    fn allow_lint_names_known_rules_once() {
        let mut entries = base();
        entries.push(Entry::new(
            "allow_lint",
            Value::List(vec![
                s("drop-column"),
                s("drop_colum"),
                s("drop-column"),
                Value::Path("RULE".into()),
                s("no-such-rule-anywhere"),
            ]),
        ));
        assert_eq!(
            errors(&entries),
            [
                (
                    Location::Item { entry: 2, index: 3 },
                    "expected a lint rule id as a string literal, e.g. `\"rename-column\"`; \
                     constants and macros are not evaluated here"
                        .to_owned()
                ),
                (
                    Location::Item { entry: 2, index: 1 },
                    "unknown lint rule `drop_colum` (did you mean `drop-column`?); `cargo schema \
                     lint --rules` lists the rule ids (kebab-case, e.g. `rename-column`)"
                        .to_owned()
                ),
                (
                    Location::Item { entry: 2, index: 2 },
                    "lint rule `drop-column` is listed twice in `allow_lint`; name each rule once"
                        .to_owned()
                ),
                (
                    Location::Item { entry: 2, index: 4 },
                    "unknown lint rule `no-such-rule-anywhere`; `cargo schema lint --rules` lists \
                     the rule ids (kebab-case, e.g. `rename-column`)"
                        .to_owned()
                ),
            ]
        );
        let mut single = base();
        single.push(Entry::new("allow_lint", s("raw-sql")));
        let header = check(&single).header.expect("valid");
        assert_eq!(header.allow_lint, ["raw-sql"]);
        let mut empty = base();
        empty.push(Entry::new("allow_lint", Value::List(vec![])));
        assert!(errors(&empty)[0]
            .1
            .starts_with("`allow_lint = []` allows no rule"));
        assert_eq!(
            check(&base()).header.expect("valid").allow_lint,
            Vec::<String>::new()
        );
    }

    #[test]
    fn empty_lists_and_missing_keys() {
        let entries = [
            Entry::new("revises", Value::List(vec![])),
            Entry::new("depends_on", Value::List(vec![])),
            Entry::new("branch_labels", Value::List(vec![])),
        ];
        let found = errors(&entries);
        assert_eq!(found.len(), 5, "{found:?}");
        assert_eq!(found[0].0, Location::Attribute);
        assert_eq!(found[1].0, Location::Value { entry: 0 });
        assert!(found[3]
            .1
            .starts_with("`branch_labels = []` names no label"));
        assert_eq!(found[4].0, Location::Attribute);
        // A list of only malformed items is not also empty.
        let malformed = [Entry::new("revises", Value::List(vec![Value::Other]))];
        assert_eq!(errors(&malformed).len(), 3);
    }
}
