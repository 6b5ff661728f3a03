//! What a revision id, a branch label and a database identifier may look like: one validation
//! function each, with the limits as constants.
//!
//! ```
//! use schema_core::names::{check_branch_label, check_identifier, check_revision_id, IdRole};
//!
//! assert!(check_revision_id("20250102_143000_create_users").is_ok());
//! let problem = check_revision_id("2025-01-02").unwrap_err();
//! assert_eq!(
//!     problem.message(IdRole::Revision, "2025-01-02"),
//!     "revision id `2025-01-02` contains `-` at position 5; ids may contain only ASCII \
//!      letters, digits and `_`, e.g. `20250102_143000_create_users`"
//! );
//! assert!(check_branch_label("billing-v2").is_ok());
//! assert!(check_identifier(&"x".repeat(64)).is_err());
//! ```

/// The longest revision id: ids end up in a `VARCHAR(100)` column of the version table.
pub const MAX_REVISION_ID_LEN: usize = 100;

/// The longest identifier every supported dialect keeps: PostgreSQL keeps the first 63 bytes of
/// a name (NAMEDATALEN - 1) and drops the rest silently; MySQL rejects more than 64 characters.
pub const MAX_IDENTIFIER_LEN: usize = 63;

/// Which id of a header a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdRole {
    /// The revision's own `id`.
    Revision,
    /// An id in `revises`.
    Parent,
    /// An id in `depends_on`.
    Dependency,
}

impl IdRole {
    /// How messages name the id: `revision id`, `parent id`, `dependency id`.
    pub fn noun(self) -> &'static str {
        match self {
            IdRole::Revision => "revision id",
            IdRole::Parent => "parent id",
            IdRole::Dependency => "dependency id",
        }
    }
}

/// Why a revision id is refused. An id names a module-like token in file names, SQL and shell
/// commands, so it is kept to `[A-Za-z0-9_]`, not starting with `_`, at most
/// [`MAX_REVISION_ID_LEN`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevisionIdProblem {
    /// `""`.
    Empty,
    /// A character other than an ASCII letter, digit or `_`.
    Character {
        /// The first such character.
        character: char,
        /// Its 1-based position, counted in characters.
        position: usize,
    },
    /// Starts with `_`.
    LeadingUnderscore,
    /// Longer than [`MAX_REVISION_ID_LEN`].
    TooLong {
        /// Its length in bytes (all ASCII, so characters too).
        len: usize,
    },
    /// A word the target grammar reserves (`base`, `head`, `heads`, `current`, any case): a
    /// revision so named could never be chosen as a target.
    Reserved,
}

/// The targets' keywords, which no revision id may be.
pub const RESERVED_IDS: [&str; 4] = ["base", "head", "heads", "current"];

impl RevisionIdProblem {
    /// The whole message about `id`, named as `role` says, with what to write instead.
    pub fn message(&self, role: IdRole, id: &str) -> String {
        let what = role.noun();
        match self {
            RevisionIdProblem::Empty => format!(
                "{what} is empty; use a timestamped id like `20250102_143000_create_users` \
                 (`cargo schema revision` generates one)"
            ),
            RevisionIdProblem::Character {
                character,
                position,
            } => format!(
                "{what} `{id}` contains {} at position {position}; ids may contain only ASCII \
                 letters, digits and `_`, e.g. `20250102_143000_create_users`",
                describe_char(*character)
            ),
            RevisionIdProblem::LeadingUnderscore => format!(
                "{what} `{id}` starts with `_`; start it with a letter or digit, e.g. the \
                 timestamp `cargo schema revision` puts first"
            ),
            RevisionIdProblem::TooLong { len } => format!(
                "{what} is {len} characters long; the limit is {MAX_REVISION_ID_LEN}, shorten it"
            ),
            RevisionIdProblem::Reserved => format!(
                "{what} `{id}` is a reserved target (`base`, `head`, `heads`, `current`); a \
                 revision so named could never be targeted: pick another id, e.g. \
                 `20250102_143000_{}`",
                id.to_ascii_lowercase()
            ),
        }
    }
}

/// Checks a revision id; the first problem found, in the order empty, characters, leading `_`,
/// length, reserved word.
pub fn check_revision_id(id: &str) -> Result<(), RevisionIdProblem> {
    if id.is_empty() {
        return Err(RevisionIdProblem::Empty);
    }
    if let Some((index, character)) = id
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(RevisionIdProblem::Character {
            character,
            position: index + 1,
        });
    }
    if id.starts_with('_') {
        return Err(RevisionIdProblem::LeadingUnderscore);
    }
    if id.len() > MAX_REVISION_ID_LEN {
        return Err(RevisionIdProblem::TooLong { len: id.len() });
    }
    if RESERVED_IDS.iter().any(|r| r.eq_ignore_ascii_case(id)) {
        return Err(RevisionIdProblem::Reserved);
    }
    Ok(())
}

/// Why a branch label is refused. A label is written `LABEL@head` on the command line, so it is
/// kept to `[A-Za-z0-9_-]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BranchLabelProblem {
    /// `""`.
    Empty,
    /// A character other than an ASCII letter, digit, `_` or `-`.
    Character {
        /// The first such character.
        character: char,
        /// Its 1-based position, counted in characters.
        position: usize,
    },
}

impl BranchLabelProblem {
    /// The whole message about `label`, with what to write instead.
    pub fn message(&self, label: &str) -> String {
        match self {
            BranchLabelProblem::Empty => {
                "branch label is empty; name the branch, e.g. `branch_labels = \"billing\"`"
                    .to_owned()
            }
            BranchLabelProblem::Character {
                character,
                position,
            } => format!(
                "branch label `{label}` contains {} at position {position}; labels may contain \
                 only ASCII letters, digits, `_` and `-` (they are written `LABEL@head` on the \
                 command line), e.g. `billing`",
                describe_char(*character)
            ),
        }
    }
}

/// Checks a branch label.
pub fn check_branch_label(label: &str) -> Result<(), BranchLabelProblem> {
    if label.is_empty() {
        return Err(BranchLabelProblem::Empty);
    }
    match label
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        Some((index, character)) => Err(BranchLabelProblem::Character {
            character,
            position: index + 1,
        }),
        None => Ok(()),
    }
}

/// Why a table, column, index or constraint name is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdentifierProblem {
    /// `""`.
    Empty,
    /// Longer than [`MAX_IDENTIFIER_LEN`] bytes.
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
}

impl IdentifierProblem {
    /// The whole message about the name `name` of a `noun` (`table`, `column`, `index`, ...).
    pub fn message(&self, noun: &str, name: &str) -> String {
        match self {
            IdentifierProblem::Empty => format!("{noun} name is empty; give the {noun} a name"),
            IdentifierProblem::TooLong { len } => format!(
                "{noun} name `{name}` is {len} bytes long; PostgreSQL keeps only the first \
                 {MAX_IDENTIFIER_LEN} bytes of a name, so shorten it to {MAX_IDENTIFIER_LEN} \
                 bytes or fewer"
            ),
        }
    }
}

/// The part of `name` after the default naming convention's `ck_TABLE_` prefix, when a
/// check's short name already carries it (`create_check("users", "ck_users_nonempty", ..)`
/// would become `ck_users_ck_users_nonempty`): `#[migration]` refuses such a name, and
/// autogenerate never writes one.
///
/// ```
/// use schema_core::names::check_name_after_prefix;
/// assert_eq!(check_name_after_prefix("users", "ck_users_name_nonempty"), Some("name_nonempty"));
/// assert_eq!(check_name_after_prefix("users", "name_nonempty"), None);
/// assert_eq!(check_name_after_prefix("users", "ck_users_"), None);
/// ```
pub fn check_name_after_prefix<'a>(table: &str, name: &'a str) -> Option<&'a str> {
    name.strip_prefix("ck_")?
        .strip_prefix(table)?
        .strip_prefix('_')
        .filter(|short| !short.is_empty())
}

/// Checks a database identifier: not empty, at most [`MAX_IDENTIFIER_LEN`] bytes.
pub fn check_identifier(name: &str) -> Result<(), IdentifierProblem> {
    if name.is_empty() {
        Err(IdentifierProblem::Empty)
    } else if name.len() > MAX_IDENTIFIER_LEN {
        Err(IdentifierProblem::TooLong { len: name.len() })
    } else {
        Ok(())
    }
}

/// A character as a message shows it: whitespace by name or escape, anything else quoted.
fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' | '\n' | '\r' => format!("{c:?}"),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_ids() {
        assert_eq!(check_revision_id("0001_init"), Ok(()));
        assert_eq!(check_revision_id(""), Err(RevisionIdProblem::Empty));
        assert_eq!(
            check_revision_id("with-dash"),
            Err(RevisionIdProblem::Character {
                character: '-',
                position: 5
            })
        );
        assert_eq!(
            check_revision_id("é"),
            Err(RevisionIdProblem::Character {
                character: 'é',
                position: 1
            })
        );
        assert_eq!(
            check_revision_id("_hidden"),
            Err(RevisionIdProblem::LeadingUnderscore)
        );
        assert_eq!(check_revision_id(&"a".repeat(100)), Ok(()));
        assert_eq!(
            check_revision_id(&"a".repeat(101)),
            Err(RevisionIdProblem::TooLong { len: 101 })
        );
        assert_eq!(
            check_revision_id("a b")
                .unwrap_err()
                .message(IdRole::Parent, "a b"),
            "parent id `a b` contains a space at position 2; ids may contain only ASCII letters, \
             digits and `_`, e.g. `20250102_143000_create_users`"
        );
        assert_eq!(
            check_revision_id("a\tb")
                .unwrap_err()
                .message(IdRole::Dependency, "a\tb"),
            "dependency id `a\tb` contains '\\t' at position 2; ids may contain only ASCII \
             letters, digits and `_`, e.g. `20250102_143000_create_users`"
        );
    }

    #[test]
    fn branch_labels() {
        assert_eq!(check_branch_label("billing-v2_x"), Ok(()));
        assert_eq!(check_branch_label(""), Err(BranchLabelProblem::Empty));
        assert_eq!(
            check_branch_label("billing@v2"),
            Err(BranchLabelProblem::Character {
                character: '@',
                position: 8
            })
        );
    }

    #[test]
    fn identifiers() {
        assert_eq!(check_identifier("users"), Ok(()));
        assert_eq!(check_identifier(""), Err(IdentifierProblem::Empty));
        assert_eq!(check_identifier(&"x".repeat(MAX_IDENTIFIER_LEN)), Ok(()));
        assert_eq!(
            check_identifier(&"x".repeat(64)),
            Err(IdentifierProblem::TooLong { len: 64 })
        );
        // Bytes, not characters: PostgreSQL counts bytes.
        assert!(check_identifier(&"é".repeat(32)).is_err());
    }
}
