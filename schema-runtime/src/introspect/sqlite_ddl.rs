//! Just enough of a SQLite DDL reader to find what no pragma tells: constraint names,
//! `DEFERRABLE`, `CHECK` expressions, `AUTOINCREMENT`, and the expressions and `WHERE` of an
//! index. SQLite keeps each `CREATE` statement as written (table renames patch the names in
//! place), so the text is the only record of these.
//!
//! Public but hidden: the workspace's test crate (`tests/src/lib.rs`) reads SQLite's DDL with
//! this reader instead of a copy of it. Not part of the API.
#![doc(hidden)]

/// A lexical token and where it sits in the statement.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    /// Word or identifier without quotes; the character itself for punctuation.
    text: String,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A bare word: a keyword or an unquoted identifier.
    Word,
    /// A quoted identifier (`"x"`, `` `x` ``, `[x]`).
    Quoted,
    /// A string literal.
    Literal,
    /// Anything else, one character at a time.
    Punct,
}

impl Token {
    fn is_word(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.starts_with(c)
    }

    fn is_identifier(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Quoted)
    }
}

fn tokens(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let (kind, text) = match c {
            b if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'`' | b'[' | b'\'' => {
                let close = if c == b'[' { b']' } else { c };
                let mut text = Vec::new();
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == close {
                        // A doubled quote is an escaped quote.
                        if close != b']' && bytes.get(i + 1) == Some(&close) {
                            text.push(close);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    text.push(bytes[i]);
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                let kind = if c == b'\'' {
                    Kind::Literal
                } else {
                    Kind::Quoted
                };
                (kind, String::from_utf8_lossy(&text).into_owned())
            }
            b if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                (Kind::Word, sql[start..i].to_owned())
            }
            _ => {
                i += 1;
                (Kind::Punct, (c as char).to_string())
            }
        };
        out.push(Token {
            kind,
            text,
            start,
            end: i,
        });
    }
    out
}

/// The index of the `)` that closes the `(` at `open`.
fn closing(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// The token ranges between the parentheses at `open` and `close`, split at top-level commas.
fn split_list(tokens: &[Token], open: usize, close: usize) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut from = open + 1;
    for (i, t) in tokens.iter().enumerate().take(close).skip(open + 1) {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
        } else if t.is_punct(',') && depth == 0 {
            parts.push((from, i));
            from = i + 1;
        }
    }
    if from < close {
        parts.push((from, close));
    }
    parts
}

/// The identifiers of the parenthesised list at `open`, and the token after it.
fn identifiers(tokens: &[Token], open: usize) -> (Vec<String>, usize) {
    let Some(close) = closing(tokens, open) else {
        return (Vec::new(), tokens.len());
    };
    let names = tokens[open + 1..close]
        .iter()
        .filter(|t| t.is_identifier())
        .map(|t| t.text.clone())
        .collect();
    (names, close + 1)
}

/// A constraint of a `CREATE TABLE` statement, table- or column-level; names are empty when
/// the constraint has none.
#[derive(Debug, Clone, PartialEq)]
pub enum TableConstraint {
    /// `PRIMARY KEY`.
    PrimaryKey { name: String },
    /// `UNIQUE` written in the table (SQLite backs it with an unnamed autoindex).
    Unique { name: String, columns: Vec<String> },
    /// `CHECK (expr)`: the expression as written.
    Check { name: String, expr: String },
    /// `FOREIGN KEY` or a column's `REFERENCES`.
    ForeignKey {
        name: String,
        columns: Vec<String>,
        ref_table: String,
        deferrable: Option<crate::ops::Deferrable>,
    },
}

/// The table body of a `CREATE TABLE` statement: its tokens and the parenthesis range.
fn table_body(tokens: &[Token]) -> Option<(usize, usize)> {
    let open = tokens.iter().position(|t| t.is_punct('('))?;
    Some((open, closing(tokens, open)?))
}

/// Whether a column of the table is declared `AUTOINCREMENT` (only an `INTEGER PRIMARY KEY`
/// can be, so the table's sole key column is the one).
pub fn has_autoincrement(sql: &str) -> bool {
    tokens(sql).iter().any(|t| t.is_word("AUTOINCREMENT"))
}

/// Whether a constraint of the table says what to do `ON CONFLICT` (SQLite's own clause).
pub fn has_on_conflict(sql: &str) -> bool {
    tokens(sql)
        .windows(2)
        .any(|w| w[0].is_word("ON") && w[1].is_word("CONFLICT"))
}

/// The constraints of a `CREATE TABLE` statement, in the order written.
pub fn table_constraints(sql: &str) -> Vec<TableConstraint> {
    let tokens = tokens(sql);
    let Some((open, close)) = table_body(&tokens) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (from, to) in split_list(&tokens, open, close) {
        let item = &tokens[from..to];
        let starts_constraint = item.first().is_some_and(starts_table_constraint);
        let column = match item.first() {
            Some(t) if !starts_constraint => t.text.clone(),
            _ => String::new(),
        };
        read_item(sql, item, &column, &mut out);
    }
    out
}

/// Reads the constraints of one column definition or table constraint.
fn read_item(sql: &str, item: &[Token], column: &str, out: &mut Vec<TableConstraint>) {
    let mut name = String::new();
    let mut fk_columns: Option<Vec<String>> = None;
    let mut i = 0;
    while i < item.len() {
        let t = &item[i];
        if t.is_word("CONSTRAINT") && i + 1 < item.len() {
            name = item[i + 1].text.clone();
            i += 2;
            continue;
        }
        if t.is_word("CHECK") && item.get(i + 1).is_some_and(|t| t.is_punct('(')) {
            let Some(end) = closing(item, i + 1) else {
                break;
            };
            out.push(TableConstraint::Check {
                name: std::mem::take(&mut name),
                expr: sql[item[i + 1].end..item[end].start].trim().to_owned(),
            });
            i = end + 1;
            continue;
        }
        if t.is_word("PRIMARY") {
            out.push(TableConstraint::PrimaryKey {
                name: std::mem::take(&mut name),
            });
        }
        if t.is_word("UNIQUE") {
            let columns = if item.get(i + 1).is_some_and(|t| t.is_punct('(')) {
                let (columns, next) = identifiers(item, i + 1);
                i = next;
                columns
            } else {
                i += 1;
                vec![column.to_owned()]
            };
            out.push(TableConstraint::Unique {
                name: std::mem::take(&mut name),
                columns,
            });
            continue;
        }
        if t.is_word("FOREIGN") && item.get(i + 2).is_some_and(|t| t.is_punct('(')) {
            let (columns, next) = identifiers(item, i + 2);
            fk_columns = Some(columns);
            i = next;
            continue;
        }
        if t.is_word("REFERENCES") && i + 1 < item.len() {
            let ref_table = item[i + 1].text.clone();
            // DEFERRABLE belongs to this reference when it comes before the next constraint.
            let rest = &item[i + 2..];
            let until = rest
                .iter()
                .position(|t| t.is_word("CONSTRAINT") || t.is_word("CHECK"))
                .unwrap_or(rest.len());
            let rest = &rest[..until];
            let deferrable = match rest.iter().position(|t| t.is_word("DEFERRABLE")) {
                Some(at) if at == 0 || !rest[at - 1].is_word("NOT") => {
                    let deferred = rest.get(at + 1).is_some_and(|t| t.is_word("INITIALLY"))
                        && rest.get(at + 2).is_some_and(|t| t.is_word("DEFERRED"));
                    Some(if deferred {
                        crate::ops::Deferrable::InitiallyDeferred
                    } else {
                        crate::ops::Deferrable::InitiallyImmediate
                    })
                }
                _ => None,
            };
            out.push(TableConstraint::ForeignKey {
                name: std::mem::take(&mut name),
                columns: fk_columns.take().unwrap_or_else(|| vec![column.to_owned()]),
                ref_table,
                deferrable,
            });
            i += 2 + until;
            continue;
        }
        i += 1;
    }
}

/// Whether a table-body item starting with `first` is a table constraint, not a column.
fn starts_table_constraint(first: &Token) -> bool {
    ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
        .iter()
        .any(|k| first.is_word(k))
}

/// The column definitions of a `CREATE TABLE` statement's tokens (table constraints left out),
/// each as its tokens; the first is the column's name.
fn column_definitions(tokens: &[Token]) -> Vec<&[Token]> {
    let Some((open, close)) = table_body(tokens) else {
        return Vec::new();
    };
    split_list(tokens, open, close)
        .into_iter()
        .map(|(from, to)| &tokens[from..to])
        .filter(|item| {
            item.first()
                .is_some_and(|t| t.is_identifier() && !starts_table_constraint(t))
        })
        .collect()
}

/// The tokens of `item` outside any parentheses (a CHECK's or a default's insides), with their
/// positions.
fn top_level(item: &[Token]) -> impl Iterator<Item = (usize, &Token)> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < item.len() && item[i].is_punct('(') {
            i = closing(item, i).map_or(item.len(), |c| c + 1);
        }
        let at = i;
        i += 1;
        item.get(at).map(|t| (at, t))
    })
}

/// The columns of a `CREATE TABLE` statement declared with `COLLATE name` (outside any
/// parenthesis, so not a CHECK's), in the order written.
pub fn column_collations(sql: &str) -> Vec<(String, String)> {
    let tokens = tokens(sql);
    let mut out = Vec::new();
    for item in column_definitions(&tokens) {
        for (i, t) in top_level(item).skip(1) {
            if let Some(name) = t
                .is_word("COLLATE")
                .then(|| item.get(i + 1))
                .flatten()
                .filter(|n| n.is_identifier())
            {
                out.push((item[0].text.clone(), name.text.clone()));
            }
        }
    }
    out
}

/// The generated columns of a `CREATE TABLE` statement: each column's name and the expression
/// of its `[GENERATED ALWAYS] AS (expr)`, as written (whether it is STORED or VIRTUAL the
/// pragma `table_xinfo` tells).
pub fn generated_columns(sql: &str) -> Vec<(String, String)> {
    let tokens = tokens(sql);
    let mut out = Vec::new();
    for item in column_definitions(&tokens) {
        // The top-level `AS (` of the item (a CHECK's `CAST(x AS ..)` sits inside parentheses).
        let generation = top_level(item)
            .skip(1)
            .find(|(i, t)| t.is_word("AS") && item.get(i + 1).is_some_and(|t| t.is_punct('(')));
        if let Some(end) = generation.and_then(|(i, _)| closing(item, i + 1).map(|end| (i, end))) {
            let (i, end) = end;
            let expr = sql[item[i + 1].end..item[end].start].trim().to_owned();
            out.push((item[0].text.clone(), expr));
        }
    }
    out
}

/// The keys of a `CREATE INDEX` statement that are expressions (in order, as written, without
/// the parentheses around each), and its `WHERE` predicate.
pub fn index_expressions_and_predicate(sql: &str) -> (Vec<String>, Option<String>) {
    let tokens = tokens(sql);
    let Some(on) = tokens.iter().position(|t| t.is_word("ON")) else {
        return (Vec::new(), None);
    };
    let Some(open) = tokens[on..]
        .iter()
        .position(|t| t.is_punct('('))
        .map(|p| p + on)
    else {
        return (Vec::new(), None);
    };
    let Some(close) = closing(&tokens, open) else {
        return (Vec::new(), None);
    };
    let expressions = split_list(&tokens, open, close)
        .into_iter()
        .filter(|&(from, to)| !is_column_key(&tokens[from..to]))
        .map(|(from, mut to)| {
            // `ASC`/`DESC` and `COLLATE x` after the expression are the key's options (the
            // catalog reports them), not part of it.
            if to - from > 1 && (tokens[to - 1].is_word("ASC") || tokens[to - 1].is_word("DESC")) {
                to -= 1;
            }
            if to - from > 2 && tokens[to - 2].is_word("COLLATE") {
                to -= 2;
            }
            let mut text = sql[tokens[from].start..tokens[to - 1].end].trim();
            // The renderer writes each expression key in parentheses; SQLite keeps them.
            if tokens[from].is_punct('(') && closing(&tokens, from) == Some(to - 1) {
                text = sql[tokens[from].end..tokens[to - 1].start].trim();
            }
            text.to_owned()
        })
        .collect();
    let predicate = match tokens.get(close + 1) {
        Some(t) if t.is_word("WHERE") => Some(sql[t.end..].trim().to_owned()),
        _ => None,
    };
    (expressions, predicate)
}

/// A key that names a column, optionally with `COLLATE x` and `ASC` / `DESC`.
fn is_column_key(key: &[Token]) -> bool {
    match key {
        [column, rest @ ..] if column.is_identifier() => match rest {
            [] => true,
            [dir] => dir.is_word("ASC") || dir.is_word("DESC"),
            [collate, _, tail @ ..] if collate.is_word("COLLATE") => {
                tail.is_empty()
                    || (tail.len() == 1 && (tail[0].is_word("ASC") || tail[0].is_word("DESC")))
            }
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Deferrable;

    #[test]
    fn reads_generated_column_expressions() {
        let sql = r#"CREATE TABLE "lines" ("q" INTEGER CHECK (CAST(q AS TEXT) <> ''), "p" NUMERIC(12, 2), "total" NUMERIC(12, 2) GENERATED ALWAYS AS ("q" * (p + 1)) STORED NOT NULL, short AS (lower(x)), CONSTRAINT "ck" CHECK (q > 0))"#;
        assert_eq!(
            generated_columns(sql),
            [
                ("total".to_owned(), r#""q" * (p + 1)"#.to_owned()),
                ("short".to_owned(), "lower(x)".to_owned())
            ]
        );
    }

    #[test]
    fn reads_names_checks_uniques_and_deferrable_foreign_keys() {
        let sql = r#"CREATE TABLE "posts" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "author_id" BIGINT NOT NULL,
    "score" INTEGER CHECK (score > 0) UNIQUE,
    CONSTRAINT "fk_posts_author_id_users" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT "ck_posts_title" CHECK (length(title, ',') > 0), "editor_id" BIGINT CONSTRAINT "fk_posts_editor_id_users" REFERENCES "users" ("id") ON DELETE SET NULL,
    UNIQUE ("author_id", "score")
)"#;
        assert!(has_autoincrement(sql));
        assert_eq!(
            table_constraints(sql),
            [
                TableConstraint::PrimaryKey {
                    name: String::new()
                },
                TableConstraint::Check {
                    name: String::new(),
                    expr: "score > 0".into()
                },
                TableConstraint::Unique {
                    name: String::new(),
                    columns: vec!["score".into()]
                },
                TableConstraint::ForeignKey {
                    name: "fk_posts_author_id_users".into(),
                    columns: vec!["author_id".into()],
                    ref_table: "users".into(),
                    deferrable: Some(Deferrable::InitiallyDeferred),
                },
                TableConstraint::Check {
                    name: "ck_posts_title".into(),
                    expr: "length(title, ',') > 0".into()
                },
                TableConstraint::ForeignKey {
                    name: "fk_posts_editor_id_users".into(),
                    columns: vec!["editor_id".into()],
                    ref_table: "users".into(),
                    deferrable: None,
                },
                TableConstraint::Unique {
                    name: String::new(),
                    columns: vec!["author_id".into(), "score".into()]
                },
            ]
        );
    }

    #[test]
    fn column_collations_are_read_outside_checks() {
        assert_eq!(
            column_collations(
                r#"CREATE TABLE "t" ("a" TEXT COLLATE NOCASE NOT NULL, "b" TEXT CHECK ("b" COLLATE NOCASE <> ''), c varchar(9) collate "RTRIM", CONSTRAINT x CHECK (a COLLATE BINARY > ''))"#
            ),
            [
                ("a".to_owned(), "NOCASE".to_owned()),
                ("c".to_owned(), "RTRIM".to_owned())
            ]
        );
    }

    #[test]
    fn expression_keys_leave_their_order_and_collation_out() {
        let (exprs, predicate) = index_expressions_and_predicate(
            r#"CREATE INDEX "ix" ON "t" ("a" DESC, (lower("b")) COLLATE NOCASE DESC, (c + 1))"#,
        );
        assert_eq!(exprs, [r#"lower("b")"#, "c + 1"]);
        assert_eq!(predicate, None);
    }

    #[test]
    fn reads_index_expressions_and_predicate() {
        let (exprs, predicate) = index_expressions_and_predicate(
            r#"CREATE UNIQUE INDEX "ix" ON "users" ("name" DESC, (lower(email)), "karma") WHERE karma > 0"#,
        );
        assert_eq!(exprs, ["lower(email)"]);
        assert_eq!(predicate.as_deref(), Some("karma > 0"));
    }
}
