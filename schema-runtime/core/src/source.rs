//! Reading a migration file's `#[migration(...)]` header from its text, without a Rust parser.
//!
//! A small lexer skips what can hide the header's tokens (line and nested block comments,
//! strings, raw strings, byte and C strings, characters and lifetimes), tracks delimiters so
//! that only attributes of top-level items count (not those of items nested in a module, a
//! function body or a macro), and turns each `#[migration(...)]` (or `#[path::migration]`) into
//! the [`Entry`] model of [`crate::header`], with the byte offsets of each key, value and list
//! item so that messages can name a line and column.
//!
//! ```
//! use schema_core::source::{line_column, read_revision};
//!
//! let file = r##"
//! use schema_runtime::prelude::*;
//!
//! // #[migration(id = "not_this")]
//! #[migration(id = "20250102_143000_users", revises = "20250101_090000_init", message = "users")]
//! fn upgrade(op: &mut Ops) {
//!     op.execute(r#"-- #[migration(id = "nor_this")]"#);
//! }
//! "##;
//! let revision = read_revision(file).unwrap();
//! assert_eq!(revision.header.id, "20250102_143000_users");
//! assert_eq!(revision.header.revises, ["20250101_090000_init"]);
//! assert_eq!(line_column(file, revision.attribute.start), (5, 1));
//! ```

use std::fmt;
use std::iter::Peekable;
use std::ops::Range;

use crate::header::{check, Entry, HeaderError, Location, RevisionHeader, Value};

/// Why the text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where, in bytes of the source.
    pub range: Range<usize>,
    /// What.
    pub problem: SyntaxProblem,
}

/// What is wrong with the text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntaxProblem {
    /// A `/*` without its `*/`.
    UnterminatedComment,
    /// A string literal without its closing quote.
    UnterminatedString,
    /// A character literal without its closing quote.
    UnterminatedChar,
    /// An opening delimiter that is never closed.
    Unclosed {
        /// `(`, `[` or `{`.
        open: char,
    },
    /// A closing delimiter that closes nothing, or not the innermost open one.
    UnexpectedClose {
        /// `)`, `]` or `}`.
        close: char,
    },
    /// A string literal with an escape Rust does not have.
    InvalidEscape,
    /// `#[migration = ...]` or `#[migration[...]]`: not an argument list.
    NotAnArgumentList,
    /// An argument that does not start with a key.
    ExpectedKey,
    /// Something after a key or a value where a `,` belongs.
    ExpectedComma,
    /// `key =` without a value.
    ExpectedValue,
}

impl fmt::Display for SyntaxProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyntaxProblem::UnterminatedComment => f.write_str("unterminated block comment"),
            SyntaxProblem::UnterminatedString => f.write_str("unterminated string literal"),
            SyntaxProblem::UnterminatedChar => f.write_str("unterminated character literal"),
            SyntaxProblem::Unclosed { open } => write!(f, "unclosed delimiter `{open}`"),
            SyntaxProblem::UnexpectedClose { close } => {
                write!(f, "unexpected closing delimiter `{close}`")
            }
            SyntaxProblem::InvalidEscape => f.write_str("unknown character escape in a string"),
            SyntaxProblem::NotAnArgumentList => f.write_str(
                "expected `#[migration(key = value, ...)]`; write the arguments in parentheses",
            ),
            SyntaxProblem::ExpectedKey => f.write_str("expected a key such as `id`"),
            SyntaxProblem::ExpectedComma => {
                write!(f, "expected `,`; {}", crate::header::SYNTAX_HINT)
            }
            SyntaxProblem::ExpectedValue => f.write_str("expected a value after `=`"),
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)
    }
}

impl std::error::Error for SyntaxError {}

/// One `key = value` of a header read from text, with where its parts are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEntry {
    /// The entry.
    pub entry: Entry,
    /// The whole entry.
    pub range: Range<usize>,
    /// The key.
    pub key: Range<usize>,
    /// The value after `=`; `None` for a flag or a delimited group.
    pub value: Option<Range<usize>>,
    /// The items of a list value.
    pub items: Vec<Range<usize>>,
}

/// A top-level `#[migration...]` attribute of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceHeader {
    /// From `#` to `]`.
    pub attribute: Range<usize>,
    /// Its arguments (none for a bare `#[migration]`), or why they do not parse.
    pub args: Result<Vec<SourceEntry>, SyntaxError>,
}

impl SourceHeader {
    /// The byte range of `location`; the attribute when the location is not there (a
    /// location from other entries).
    pub fn locate(&self, location: Location) -> Range<usize> {
        let Ok(entries) = &self.args else {
            return self.attribute.clone();
        };
        let found = match location {
            Location::Attribute => None,
            Location::Key { entry } => entries.get(entry).map(|e| e.key.clone()),
            Location::Entry { entry } => entries.get(entry).map(|e| e.range.clone()),
            Location::Value { entry } => entries.get(entry).and_then(|e| e.value.clone()),
            Location::Item { entry, index } => {
                entries.get(entry).and_then(|e| e.items.get(index).cloned())
            }
        };
        found.unwrap_or_else(|| self.attribute.clone())
    }
}

/// A file's revision, read from its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRevision {
    /// The header's values.
    pub header: RevisionHeader,
    /// Where the attribute is.
    pub attribute: Range<usize>,
    /// Its entries as read, for the locations of later messages.
    pub entries: Vec<SourceEntry>,
}

/// Why a file declares no readable revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The text is not a sequence of Rust tokens.
    Tokens(SyntaxError),
    /// No top-level `#[migration]` attribute.
    NoHeader,
    /// More than one: each attribute, in order.
    SeveralHeaders {
        /// Where each is.
        attributes: Vec<Range<usize>>,
    },
    /// The attribute's arguments do not parse.
    Syntax(SyntaxError),
    /// The arguments parse but break the header grammar: every problem, with where it is.
    Invalid {
        /// Each problem and its byte range.
        errors: Vec<(Range<usize>, HeaderError)>,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Tokens(error) => write!(f, "not valid Rust: {error}"),
            ReadError::NoHeader => f.write_str(
                "no top-level function with a `#[migration(id = \"...\", message = \"...\")]` \
                 attribute",
            ),
            ReadError::SeveralHeaders { attributes } => write!(
                f,
                "{} `#[migration]` functions; a migration file declares one revision: move the \
                 others into files of their own",
                attributes.len()
            ),
            ReadError::Syntax(error) => write!(f, "cannot read `#[migration(...)]`: {error}"),
            ReadError::Invalid { errors } => match errors.as_slice() {
                [] => f.write_str("invalid `#[migration(...)]`"),
                [(_, only)] => only.fmt(f),
                [(_, first), rest @ ..] => write!(
                    f,
                    "{first} (and {} more problem(s) in this header; `cargo build` lists them)",
                    rest.len()
                ),
            },
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    /// Where the (first) problem is, when it has a place in the text.
    pub fn range(&self) -> Option<Range<usize>> {
        match self {
            ReadError::Tokens(error) | ReadError::Syntax(error) => Some(error.range.clone()),
            ReadError::NoHeader => None,
            ReadError::SeveralHeaders { attributes } => attributes.get(1).cloned(),
            ReadError::Invalid { errors } => errors.first().map(|(range, _)| range.clone()),
        }
    }
}

/// The revision `source` declares in its one top-level `#[migration(...)]` header, checked
/// against the header grammar.
pub fn read_revision(source: &str) -> Result<SourceRevision, ReadError> {
    let mut headers = find_headers(source).map_err(ReadError::Tokens)?;
    if headers.len() > 1 {
        let attributes = headers.iter().map(|h| h.attribute.clone()).collect();
        return Err(ReadError::SeveralHeaders { attributes });
    }
    let header = headers.pop().ok_or(ReadError::NoHeader)?;
    let entries = header.args.clone().map_err(ReadError::Syntax)?;
    let plain: Vec<Entry> = entries.iter().map(|e| e.entry.clone()).collect();
    let checked = check(&plain);
    match checked.header {
        Some(revision) => Ok(SourceRevision {
            header: revision,
            attribute: header.attribute,
            entries,
        }),
        None => Err(ReadError::Invalid {
            errors: checked
                .errors
                .into_iter()
                .map(|error| (header.locate(error.location), error))
                .collect(),
        }),
    }
}

/// Every `#[migration...]` attribute on a top-level item of `source`, in order. An error when
/// the text is not a sequence of Rust tokens with balanced delimiters.
pub fn find_headers(source: &str) -> Result<Vec<SourceHeader>, SyntaxError> {
    let mut tokens = Lexer::new(source).peekable();
    let mut open: Vec<Token> = Vec::new();
    let mut headers = Vec::new();
    while let Some(token) = tokens.next() {
        let token = token?;
        match token.kind {
            Kind::Open(_) => open.push(token),
            Kind::Close(close) => close_delimiter(&mut open, token, close)?,
            Kind::Punct('#') if open.is_empty() => {
                let Some(Ok(next)) = tokens.peek() else {
                    continue;
                };
                if next.kind != Kind::Open(b'[') {
                    continue;
                }
                let attribute = attribute_tokens(&mut tokens)?;
                let range =
                    token.range.start..attribute.last().map_or(token.range.end, |t| t.range.end);
                if let Some(args) = migration_args(source, &attribute) {
                    headers.push(SourceHeader {
                        attribute: range,
                        args,
                    });
                }
            }
            _ => {}
        }
    }
    match open.pop() {
        Some(unclosed) => Err(SyntaxError {
            range: unclosed.range,
            problem: SyntaxProblem::Unclosed {
                open: opening_char(&unclosed.kind),
            },
        }),
        None => Ok(headers),
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `source`.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn close_delimiter(open: &mut Vec<Token>, token: Token, close: u8) -> Result<(), SyntaxError> {
    let matches = open
        .last()
        .is_some_and(|o| o.kind == Kind::Open(opening_of(close)));
    if !matches {
        return Err(SyntaxError {
            range: token.range,
            problem: SyntaxProblem::UnexpectedClose {
                close: char::from(close),
            },
        });
    }
    open.pop();
    Ok(())
}

/// The tokens of an attribute from its `[` to its `]`, both included.
fn attribute_tokens<I>(tokens: &mut Peekable<I>) -> Result<Vec<Token>, SyntaxError>
where
    I: Iterator<Item = Result<Token, SyntaxError>>,
{
    let mut open: Vec<Token> = Vec::new();
    let mut out = Vec::new();
    for token in tokens.by_ref() {
        let token = token?;
        match token.kind {
            Kind::Open(_) => open.push(token.clone()),
            Kind::Close(close) => {
                close_delimiter(&mut open, token.clone(), close)?;
                if open.is_empty() {
                    out.push(token);
                    return Ok(out);
                }
            }
            _ => {}
        }
        out.push(token);
    }
    let unclosed = open.pop();
    Err(SyntaxError {
        range: unclosed.as_ref().map_or(0..0, |t| t.range.clone()),
        problem: SyntaxProblem::Unclosed {
            open: unclosed.as_ref().map_or('[', |t| opening_char(&t.kind)),
        },
    })
}

/// The arguments of an attribute (`[` ... `]`) whose path ends in `migration`; `None` for any
/// other attribute.
fn migration_args(
    source: &str,
    attribute: &[Token],
) -> Option<Result<Vec<SourceEntry>, SyntaxError>> {
    let inner = attribute.get(1..attribute.len().saturating_sub(1))?;
    let mut last_ident = None;
    let mut rest = inner;
    while let Some((token, tail)) = rest.split_first() {
        match token.kind {
            Kind::Ident => last_ident = Some(token.text(source)),
            Kind::Punct(':') => {}
            _ => break,
        }
        rest = tail;
    }
    if last_ident != Some("migration") {
        return None;
    }
    Some(match rest {
        [] => Ok(Vec::new()),
        [open, args @ .., close] if is_group(rest, b'(') => {
            entries(source, args, open.range.end..close.range.start)
        }
        [first, ..] => Err(SyntaxError {
            range: first.range.clone(),
            problem: SyntaxProblem::NotAnArgumentList,
        }),
    })
}

/// The index of the token that closes the group `tokens[0]` opens.
fn group_end(tokens: &[Token]) -> Option<usize> {
    let open = tokens.first().filter(|t| matches!(t.kind, Kind::Open(_)))?;
    tokens
        .iter()
        .skip(1)
        .position(|t| matches!(t.kind, Kind::Close(_)) && t.depth == open.depth)
        .map(|i| i + 1)
}

/// Whether `tokens` is one delimited group opened by `open`, from its opening to its closing
/// delimiter.
fn is_group(tokens: &[Token], open: u8) -> bool {
    tokens.first().is_some_and(|t| t.kind == Kind::Open(open))
        && group_end(tokens) == Some(tokens.len() - 1)
}

/// The entries of an argument list.
fn entries(
    source: &str,
    tokens: &[Token],
    inside: Range<usize>,
) -> Result<Vec<SourceEntry>, SyntaxError> {
    let parts = split_commas(tokens).map_err(|comma| SyntaxError {
        range: comma.map_or(inside, |t| t.range.clone()),
        problem: SyntaxProblem::ExpectedKey,
    })?;
    parts.into_iter().map(|part| entry(source, part)).collect()
}

/// Splits at the commas that are not inside a group or turbofish generics. A trailing comma
/// ends the list; an empty part before another comma is an error at that comma.
fn split_commas(tokens: &[Token]) -> Result<Vec<&[Token]>, Option<&Token>> {
    let mut parts = Vec::new();
    let mut from = 0;
    let mut angle = 0usize;
    let base = tokens.first().map_or(0, |t| t.depth);
    for (i, token) in tokens.iter().enumerate() {
        if token.depth != base {
            continue;
        }
        match token.kind {
            Kind::Punct('<') if i >= 2 && is_path_sep(tokens, i - 2) => angle += 1,
            Kind::Punct('>') if angle > 0 && !is_arrow(tokens, i) => angle -= 1,
            Kind::Punct(',') if angle == 0 => {
                if from == i {
                    return Err(Some(token));
                }
                parts.push(&tokens[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    if from < tokens.len() {
        parts.push(&tokens[from..]);
    }
    Ok(parts)
}

fn is_path_sep(tokens: &[Token], at: usize) -> bool {
    matches!(
        (tokens.get(at), tokens.get(at + 1)),
        (Some(a), Some(b)) if a.kind == Kind::Punct(':') && a.joint && b.kind == Kind::Punct(':')
    )
}

fn is_arrow(tokens: &[Token], at: usize) -> bool {
    at > 0 && tokens[at - 1].kind == Kind::Punct('-') && tokens[at - 1].joint
}

/// A path at the start of `tokens`: `::`? ident (`::` ident | `::` `<` .. `>`)*; how many
/// tokens it takes (0 when there is none).
fn path_len(tokens: &[Token]) -> usize {
    let mut i = if is_path_sep(tokens, 0) { 2 } else { 0 };
    if tokens.get(i).map(|t| t.kind) != Some(Kind::Ident) {
        return 0;
    }
    i += 1;
    while is_path_sep(tokens, i) {
        match tokens.get(i + 2).map(|t| t.kind) {
            Some(Kind::Ident) => i += 3,
            Some(Kind::Punct('<')) => match angle_end(tokens, i + 2) {
                Some(end) => i = end + 1,
                None => break,
            },
            _ => break,
        }
    }
    i
}

/// The index of the `>` that closes the generics opened by the `<` at `open`.
fn angle_end(tokens: &[Token], open: usize) -> Option<usize> {
    let depth = tokens.get(open)?.depth;
    let mut angles = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        if token.depth != depth {
            continue;
        }
        match token.kind {
            Kind::Punct('<') => angles += 1,
            Kind::Punct('>') if !is_arrow(tokens, i) => {
                angles -= 1;
                if angles == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The text of `tokens` without the space between them.
fn joined(source: &str, tokens: &[Token]) -> String {
    tokens.iter().map(|t| t.text(source)).collect()
}

fn span(tokens: &[Token]) -> Range<usize> {
    match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => first.range.start..last.range.end,
        _ => 0..0,
    }
}

/// One `key`, `key(..)` or `key = value`.
fn entry(source: &str, tokens: &[Token]) -> Result<SourceEntry, SyntaxError> {
    let key_len = path_len(tokens);
    if key_len == 0 {
        return Err(SyntaxError {
            range: span(&tokens[..1]),
            problem: SyntaxProblem::ExpectedKey,
        });
    }
    let (key_tokens, rest) = tokens.split_at(key_len);
    let mut out = SourceEntry {
        entry: Entry::new(joined(source, key_tokens), Value::Flag),
        range: span(tokens),
        key: span(key_tokens),
        value: None,
        items: Vec::new(),
    };
    match rest {
        [] => {}
        [open, ..]
            if matches!(open.kind, Kind::Open(_)) && group_end(rest) == Some(rest.len() - 1) =>
        {
            out.entry.value = Value::Delimited;
        }
        [eq, value @ ..] if eq.kind == Kind::Punct('=') => {
            if value.is_empty() {
                return Err(SyntaxError {
                    range: eq.range.clone(),
                    problem: SyntaxProblem::ExpectedValue,
                });
            }
            let (classified, items) = classify(source, value)?;
            out.entry.value = classified;
            out.value = Some(span(value));
            out.items = items;
        }
        [first, ..] => {
            return Err(SyntaxError {
                range: first.range.clone(),
                problem: SyntaxProblem::ExpectedComma,
            })
        }
    }
    Ok(out)
}

/// What a value is, and for a list the ranges of its items.
fn classify(source: &str, tokens: &[Token]) -> Result<(Value, Vec<Range<usize>>), SyntaxError> {
    let value = match tokens {
        [single] => match single.kind {
            Kind::Str => Value::Str(single.string_value(source)?),
            Kind::Ident if single.text(source) == "true" => Value::Bool(true),
            Kind::Ident if single.text(source) == "false" => Value::Bool(false),
            Kind::Ident => Value::Path(single.text(source).to_owned()),
            _ => Value::Other,
        },
        [open, inner @ .., close] if is_group(tokens, b'[') => {
            let parts = split_commas(inner).map_err(|comma| SyntaxError {
                range: comma.map_or(open.range.start..close.range.end, |t| t.range.clone()),
                problem: SyntaxProblem::ExpectedValue,
            })?;
            let mut items = Vec::with_capacity(parts.len());
            for part in &parts {
                items.push(classify(source, part)?.0);
            }
            return Ok((Value::List(items), parts.iter().map(|p| span(p)).collect()));
        }
        _ => {
            let len = path_len(tokens);
            if len == tokens.len() && len > 0 {
                Value::Path(joined(source, tokens))
            } else if len > 0
                && tokens[len].kind == Kind::Punct('!')
                && tokens.get(len + 1..).is_some_and(|group| {
                    matches!(group.first().map(|t| t.kind), Some(Kind::Open(_)))
                        && group_end(group) == Some(group.len() - 1)
                })
            {
                Value::Macro
            } else {
                Value::Other
            }
        }
    };
    Ok((value, Vec::new()))
}

/// A lexical token.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    kind: Kind,
    range: Range<usize>,
    /// How many delimiters are open around it (for a delimiter, around the group).
    depth: usize,
    /// Punctuation immediately followed by more punctuation (`::`, `->`).
    joint: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An identifier or keyword, raw (`r#type`) or not.
    Ident,
    /// `'a`.
    Lifetime,
    /// A plain or raw string literal without suffix: a `Value::Str` candidate.
    Str,
    /// Any other literal: numbers, characters, byte and C strings, suffixed strings.
    Literal,
    /// `(`, `[`, `{`.
    Open(u8),
    /// `)`, `]`, `}`.
    Close(u8),
    /// One punctuation character.
    Punct(char),
}

impl Token {
    fn text<'s>(&self, source: &'s str) -> &'s str {
        &source[self.range.clone()]
    }

    /// The value of a [`Kind::Str`] token, unescaped.
    fn string_value(&self, source: &str) -> Result<String, SyntaxError> {
        let text = self.text(source);
        let invalid = || SyntaxError {
            range: self.range.clone(),
            problem: SyntaxProblem::InvalidEscape,
        };
        if let Some(raw) = text.strip_prefix('r') {
            let hashes = raw.len() - raw.trim_start_matches('#').len();
            let body = raw
                .get(hashes + 1..raw.len() - hashes - 1)
                .ok_or_else(invalid)?;
            return Ok(body.replace("\r\n", "\n"));
        }
        let body = text.get(1..text.len() - 1).ok_or_else(invalid)?;
        unescape(body).ok_or_else(invalid)
    }
}

fn opening_of(close: u8) -> u8 {
    match close {
        b')' => b'(',
        b']' => b'[',
        _ => b'{',
    }
}

fn opening_char(kind: &Kind) -> char {
    match kind {
        Kind::Open(open) => char::from(*open),
        _ => '(',
    }
}

/// The value of the body of a `"..."` literal; `None` for an escape Rust does not have.
fn unescape(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '\\' => out.push('\\'),
                '0' => out.push('\0'),
                '\'' => out.push('\''),
                '"' => out.push('"'),
                'x' => {
                    let hex: String = [chars.next()?, chars.next()?].iter().collect();
                    let value = u8::from_str_radix(&hex, 16).ok().filter(|v| *v <= 0x7f)?;
                    out.push(char::from(value));
                }
                'u' => {
                    if chars.next()? != '{' {
                        return None;
                    }
                    let mut hex = String::new();
                    loop {
                        match chars.next()? {
                            '}' => break,
                            '_' => {}
                            digit if digit.is_ascii_hexdigit() && hex.len() < 6 => hex.push(digit),
                            _ => return None,
                        }
                    }
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                // A line continuation: the newline and the next line's indentation go.
                '\n' | '\r' => {
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                }
                _ => return None,
            },
            '\r' if chars.peek() == Some(&'\n') => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// Rust tokens of a text, without comments and whitespace.
struct Lexer<'a> {
    source: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    failed: bool,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl<'a> Lexer<'a> {
    fn new(source: &'a str) -> Self {
        let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
        Lexer {
            source,
            bytes: source.as_bytes(),
            pos: bom,
            depth: 0,
            failed: false,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn error(&mut self, start: usize, problem: SyntaxProblem) -> SyntaxError {
        self.failed = true;
        SyntaxError {
            range: start..self.pos.clamp(start, self.bytes.len().max(start)),
            problem,
        }
    }

    /// Skips whitespace and comments.
    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(b), _) if b.is_ascii_whitespace() => self.pos += 1,
                (Some(b'/'), Some(b'/')) => {
                    while self.peek(0).is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let start = self.pos;
                    self.pos += 2;
                    let mut depth = 1usize;
                    while depth > 0 {
                        match (self.peek(0), self.peek(1)) {
                            (None, _) => {
                                return Err(self.error(start, SyntaxProblem::UnterminatedComment))
                            }
                            (Some(b'/'), Some(b'*')) => {
                                depth += 1;
                                self.pos += 2;
                            }
                            (Some(b'*'), Some(b'/')) => {
                                depth -= 1;
                                self.pos += 2;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                // Unicode whitespace (a no-break space, say) is whitespace to rustc too.
                (Some(b), _) if b >= 0x80 => {
                    let c = self.source[self.pos..].chars().next().unwrap_or('\0');
                    if !c.is_whitespace() {
                        return Ok(());
                    }
                    self.pos += c.len_utf8();
                }
                _ => return Ok(()),
            }
        }
    }

    fn ident_end(&self, from: usize) -> usize {
        let mut end = from;
        while self.bytes.get(end).copied().is_some_and(is_ident_continue) {
            end += 1;
        }
        end
    }

    /// A `"..."` body from the opening quote at `self.pos`.
    fn quoted(&mut self, start: usize) -> Result<(), SyntaxError> {
        self.pos += 1;
        loop {
            match self.peek(0) {
                None => return Err(self.error(start, SyntaxProblem::UnterminatedString)),
                Some(b'\\') => self.pos += 2,
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// A raw string body from the first `#` or `"` after the `r` at `self.pos`.
    fn raw(&mut self, start: usize) -> Result<(), SyntaxError> {
        let mut hashes = 0;
        while self.peek(0) == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        if self.peek(0) != Some(b'"') {
            return Err(self.error(start, SyntaxProblem::UnterminatedString));
        }
        self.pos += 1;
        loop {
            match self.peek(0) {
                None => return Err(self.error(start, SyntaxProblem::UnterminatedString)),
                Some(b'"') => {
                    self.pos += 1;
                    let closing = self.bytes[self.pos..]
                        .iter()
                        .take(hashes)
                        .take_while(|b| **b == b'#')
                        .count();
                    if closing == hashes {
                        self.pos += hashes;
                        return Ok(());
                    }
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Whether a raw string starts at `self.pos + offset` (`r"`, `r#"`, `r##"`, ...).
    fn raw_string_ahead(&self, offset: usize) -> bool {
        let mut i = self.pos + offset;
        while self.bytes.get(i) == Some(&b'#') {
            i += 1;
        }
        self.bytes.get(i) == Some(&b'"')
    }

    /// A character literal or a lifetime from the `'` at `self.pos`.
    fn quote(&mut self, start: usize) -> Result<Kind, SyntaxError> {
        self.pos += 1;
        if self.peek(0) == Some(b'\\') {
            self.pos += 2;
            while let Some(b) = self.peek(0) {
                self.pos += 1;
                if b == b'\'' {
                    return Ok(Kind::Literal);
                }
                if b == b'\n' {
                    break;
                }
            }
            return Err(self.error(start, SyntaxProblem::UnterminatedChar));
        }
        let Some(c) = self
            .source
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        else {
            return Err(self.error(start, SyntaxProblem::UnterminatedChar));
        };
        if self.bytes.get(self.pos + c.len_utf8()) == Some(&b'\'') {
            self.pos += c.len_utf8() + 1;
            return Ok(Kind::Literal);
        }
        if c.is_alphabetic() || c == '_' {
            self.pos = self.ident_end(self.pos);
            return Ok(Kind::Lifetime);
        }
        Err(self.error(start, SyntaxProblem::UnterminatedChar))
    }

    /// Consumes a literal's suffix (`1u8`, `"a"x`); whether there was one.
    fn suffix(&mut self) -> bool {
        let end = self.ident_end(self.pos);
        let had = end > self.pos && self.peek(0).is_some_and(is_ident_start);
        if had {
            self.pos = end;
        }
        had
    }

    fn token(&mut self) -> Result<Option<Token>, SyntaxError> {
        self.skip_trivia()?;
        let start = self.pos;
        let Some(b) = self.peek(0) else {
            return Ok(None);
        };
        let mut depth = self.depth;
        let kind = match b {
            b'"' => {
                self.quoted(start)?;
                if self.suffix() {
                    Kind::Literal
                } else {
                    Kind::Str
                }
            }
            b'\'' => self.quote(start)?,
            b'0'..=b'9' => {
                self.pos = self.ident_end(self.pos);
                if self.peek(0) == Some(b'.') && self.peek(1).is_some_and(|b| b.is_ascii_digit()) {
                    self.pos = self.ident_end(self.pos + 1);
                }
                Kind::Literal
            }
            b'(' | b'[' | b'{' => {
                self.pos += 1;
                self.depth += 1;
                Kind::Open(b)
            }
            b')' | b']' | b'}' => {
                self.pos += 1;
                self.depth = self.depth.saturating_sub(1);
                depth = self.depth;
                Kind::Close(b)
            }
            b if is_ident_start(b) => {
                let end = self.ident_end(self.pos);
                let word = &self.source[start..end];
                let next = self.bytes.get(end).copied();
                match (word, next) {
                    ("r", Some(b'"' | b'#')) if self.raw_string_ahead(1) => {
                        self.pos = end;
                        self.raw(start)?;
                        if self.suffix() {
                            Kind::Literal
                        } else {
                            Kind::Str
                        }
                    }
                    ("br" | "cr", Some(b'"' | b'#')) if self.raw_string_ahead(2) => {
                        self.pos = end;
                        self.raw(start)?;
                        self.suffix();
                        Kind::Literal
                    }
                    ("b" | "c", Some(b'"')) => {
                        self.pos = end;
                        self.quoted(start)?;
                        self.suffix();
                        Kind::Literal
                    }
                    ("b", Some(b'\'')) => {
                        self.pos = end;
                        self.quote(start)?;
                        Kind::Literal
                    }
                    ("r", Some(b'#'))
                        if self.bytes.get(end + 1).copied().is_some_and(is_ident_start) =>
                    {
                        self.pos = self.ident_end(end + 1);
                        Kind::Ident
                    }
                    _ => {
                        self.pos = end;
                        Kind::Ident
                    }
                }
            }
            _ => {
                let c = self.source[start..].chars().next().unwrap_or('\0');
                self.pos += c.len_utf8().max(1);
                Kind::Punct(c)
            }
        };
        let joint = matches!(kind, Kind::Punct(_))
            && self
                .peek(0)
                .is_some_and(|b| b.is_ascii_punctuation() && !b"()[]{}\"'_".contains(&b));
        Ok(Some(Token {
            kind,
            range: start..self.pos.min(self.bytes.len()),
            depth,
            joint,
        }))
    }
}

impl Iterator for Lexer<'_> {
    type Item = Result<Token, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        self.token().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::Location;

    fn headers(source: &str) -> Vec<Result<Vec<Entry>, SyntaxProblem>> {
        find_headers(source)
            .expect("tokens")
            .into_iter()
            .map(|h| {
                h.args
                    .map(|entries| entries.into_iter().map(|e| e.entry).collect())
                    .map_err(|e| e.problem)
            })
            .collect()
    }

    fn s(value: &str) -> Value {
        Value::Str(value.to_owned())
    }

    #[test]
    fn reads_only_the_top_level_migration_headers() {
        let file = r####"
            //! A migration. #[migration(id = "doc")]
            #![allow(unused)]
            use schema_runtime::prelude::*;
            /* #[migration(id = "block")] /* nested */ #[migration(id = "still")] */
            #[doc = "#[migration(id = \"doc attr\")]"]
            #[migration(id = "a", message = "m (with parens), and \"quotes\"")]
            #[allow(dead_code)]
            fn upgrade(op: &mut Ops) {
                op.execute("#[migration(id = \"b\")]");
                op.execute(r#"#[migration(id = "c")]"#);
                op.execute(r##"#[migration(id = "d")]"#"##);
                let _ = '"'; let _ = '\''; let _: &'static str = "x";
                #[migration(id = "in a body")]
                fn nested() {}
            }
            mod nested {
                #[migration(id = "in a module")]
                fn upgrade() {}
            }
            macro_rules! m { () => { #[migration(id = "in a macro")] fn f() {} } }
            const S: &[u8] = br#"#[migration(id = "e")]"#;
            const C: char = '#';
        "####;
        assert_eq!(
            headers(file),
            [Ok(vec![
                Entry::new("id", s("a")),
                Entry::new("message", s("m (with parens), and \"quotes\"")),
            ])]
        );
    }

    #[test]
    fn knows_the_path_forms_and_counts_every_header() {
        let found = headers(
            "#[schema_runtime::migration] fn a() {} #[migration = \"x\"] fn b() {} \
             #[my_migration(id = \"a\")] fn c() {} #[migrations(id = \"b\")] fn d() {}",
        );
        assert_eq!(found, [Ok(vec![]), Err(SyntaxProblem::NotAnArgumentList)]);
    }

    #[test]
    fn classifies_every_value_shape() {
        let found = headers(
            r##"#[migration(
                id = r"raw\n", message = "esc\t\u{e9}\x41 \
                    continued",
                revises = ["a", r#"b"#, B, m!(), 1, [],],
                depends_on = ("a"),
                branch_labels("x"),
                downgrade = self::down::<fn() -> u8, u8>,
                irreversible,
                transactional = false,
                a::b = 1 + 2,
                other = b"bytes",
                c = 'c',
                m = concat!("a", "b"),
            )] fn f() {}"##,
        );
        assert_eq!(
            found,
            [Ok(vec![
                Entry::new("id", s("raw\\n")),
                Entry::new("message", s("esc\té\u{41} continued")),
                Entry::new(
                    "revises",
                    Value::List(vec![
                        s("a"),
                        s("b"),
                        Value::Path("B".into()),
                        Value::Macro,
                        Value::Other,
                        Value::List(vec![]),
                    ])
                ),
                Entry::new("depends_on", Value::Other),
                Entry::new("branch_labels", Value::Delimited),
                Entry::new("downgrade", Value::Path("self::down::<fn()->u8,u8>".into())),
                Entry::new("irreversible", Value::Flag),
                Entry::new("transactional", Value::Bool(false)),
                Entry::new("a::b", Value::Other),
                Entry::new("other", Value::Other),
                Entry::new("c", Value::Other),
                Entry::new("m", Value::Macro),
            ])]
        );
    }

    #[test]
    fn syntax_errors_are_located() {
        let source = "#[migration(id: \"a\", message = \"m\")] fn f() {}";
        let header = find_headers(source).expect("tokens").remove(0);
        let error = header.args.expect_err("a syntax error");
        assert_eq!(error.problem, SyntaxProblem::ExpectedComma);
        assert_eq!(&source[error.range], ":");
        for bad in [
            "#[migration(id =)]",
            "#[migration(= 1)]",
            "#[migration(a,,b)]",
        ] {
            assert!(find_headers(bad).expect("tokens")[0].args.is_err(), "{bad}");
        }
        assert_eq!(
            find_headers("fn upgrade( {").unwrap_err().problem,
            SyntaxProblem::Unclosed { open: '{' }
        );
        assert_eq!(
            find_headers("fn f() { \"open }").unwrap_err().problem,
            SyntaxProblem::UnterminatedString
        );
        assert_eq!(
            find_headers("fn f() ]").unwrap_err().problem,
            SyntaxProblem::UnexpectedClose { close: ']' }
        );
        assert_eq!(
            find_headers("/* /* */").unwrap_err().problem,
            SyntaxProblem::UnterminatedComment
        );
    }

    #[test]
    fn read_revision_locates_each_problem() {
        let source =
            "use x;\n#[migration(\n    id = \"b\",\n    revises = [\"a\", \"b\"],\n)]\nfn f() {}\n";
        let ReadError::Invalid { errors } = read_revision(source).unwrap_err() else {
            panic!("expected header errors");
        };
        let found: Vec<((usize, usize), String)> = errors
            .iter()
            .map(|(range, e)| (line_column(source, range.start), e.to_string()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    (4, 21),
                    "a revision cannot revise itself; name the revision this one follows"
                        .to_owned()
                ),
                (
                    (2, 1),
                    "missing `message = \"...\"`; describe the revision in one line, e.g. \
                     `message = \"create users\"`"
                        .to_owned()
                ),
            ]
        );
        let header = find_headers(source).unwrap().remove(0);
        assert_eq!(
            &source[header.locate(Location::Key { entry: 1 })],
            "revises"
        );
        assert_eq!(
            &source[header.locate(Location::Value { entry: 1 })],
            "[\"a\", \"b\"]"
        );
        assert_eq!(read_revision("fn f() {}"), Err(ReadError::NoHeader));
        let several = read_revision(
            "#[migration(id = \"a\", message = \"m\")] fn a() {}\n\
             #[migration(id = \"b\", message = \"m\")] fn b() {}",
        );
        assert!(
            matches!(several, Err(ReadError::SeveralHeaders { attributes }) if attributes.len() == 2)
        );
    }

    #[test]
    fn line_columns_count_characters() {
        let source = "é\nab\u{1F600}c";
        assert_eq!(line_column(source, 0), (1, 1));
        assert_eq!(line_column(source, 3), (2, 1));
        assert_eq!(line_column(source, source.len() - 1), (2, 4));
        assert_eq!(line_column(source, 999), (2, 5));
    }

    /// A deterministic generator: garbled headers must give errors, never a panic or a hang.
    #[test]
    fn garbled_text_never_panics() {
        let pieces: &[&str] = &[
            "#",
            "[",
            "]",
            "(",
            ")",
            "{",
            "}",
            "migration",
            "id",
            "=",
            "\"",
            "\\",
            "r#\"",
            "\"#",
            "r",
            "#",
            "'",
            "'a",
            "b'",
            "/*",
            "*/",
            "//",
            "\n",
            ",",
            "::",
            "<",
            ">",
            "->",
            "é",
            "\u{1F600}",
            "revises",
            "[\"a\"",
            "true",
            "!",
            "0x1",
            "1.5",
            "br",
            "c\"",
            " ",
            "\r\n",
            "\u{feff}",
            "\\u{",
            "\\x",
            "r#x",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let mut text = String::from("#[migration(");
            for _ in 0..len {
                text.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            }
            if next() % 2 == 0 {
                text.push_str(")] fn f() {}");
            }
            let _ = read_revision(&text);
            if let Ok(headers) = find_headers(&text) {
                for header in headers {
                    for location in [
                        Location::Attribute,
                        Location::Key { entry: 3 },
                        Location::Item { entry: 0, index: 9 },
                    ] {
                        let range = header.locate(location);
                        assert!(
                            range.start <= range.end && range.end <= text.len(),
                            "{text:?}"
                        );
                    }
                }
            }
            // Every byte offset has a line and column.
            let _ = line_column(&text, (next() % (text.len() as u64 + 2)) as usize);
        }
    }
}
