//! Reading the text the catalogs hold: literals, the spellings of "now", numbers by column
//! type, and a canonical form of SQL expressions for comparisons.

use crate::types::{ServerDefault, Type, Value};

/// Strips parentheses that wrap the whole of `text`, as often as they do.
pub(super) fn strip_outer_parens(text: &str) -> &str {
    let mut text = text.trim();
    while text.starts_with('(') && text.ends_with(')') && closes_at_end(text) {
        text = text[1..text.len() - 1].trim();
    }
    text
}

/// Whether the `(` at the start of `text` is closed by its last character (quotes respected).
fn closes_at_end(text: &str) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i == text.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// A leading string literal of `text`: its unescaped content and the text after it. `''` is an
/// escaped quote everywhere; MySQL also escapes with backslashes.
pub(super) fn split_literal(text: &str, backslash_escapes: bool) -> Option<(String, &str)> {
    let rest = text.strip_prefix('\'')?;
    let mut out = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if chars.peek().map(|&(_, n)| n) == Some('\'') => {
                chars.next();
                out.push('\'');
            }
            '\'' => return Some((out, &rest[i + 1..])),
            '\\' if backslash_escapes => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '0')) => out.push('\0'),
                Some((_, 'Z')) => out.push('\u{1a}'),
                Some((_, other)) => out.push(other),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    None
}

/// Whether `text` is one of the spellings of the current timestamp the dialects store.
pub(super) fn is_now(text: &str) -> bool {
    let squeezed: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let name = match squeezed.split_once('(') {
        Some((name, args)) => {
            let args = args.strip_suffix(')').unwrap_or("x");
            if !args.chars().all(|c| c.is_ascii_digit()) {
                return false;
            }
            name
        }
        None => squeezed.as_str(),
    };
    matches!(
        (name, squeezed.contains('(')),
        ("current_timestamp", _) | ("now" | "transaction_timestamp", true)
    )
}

/// The value of a bare (unquoted) literal: a number, a boolean or `NULL`, read as the column's
/// type wants it (`0` / `1` are booleans on a boolean column).
pub(super) fn bare_value(text: &str, ty: &Type) -> Option<Value> {
    let text = strip_outer_parens(text);
    match text.to_ascii_lowercase().as_str() {
        "null" => return Some(Value::Null),
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    let looks_numeric = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
        && text.chars().any(|c| c.is_ascii_digit());
    if !looks_numeric {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(match (ty, i) {
            (Type::Boolean, 0 | 1) => Value::Bool(i == 1),
            _ => Value::Int(i),
        });
    }
    text.parse::<f64>().ok().map(Value::Float)
}

/// The value of a string literal's content on a column of type `ty`: numbers and booleans
/// that a dialect stores quoted (PostgreSQL's `'-1'::integer`) come back as such.
pub(super) fn literal_value(content: &str, ty: &Type) -> Value {
    let numeric = ty.is_integer() || ty.is_fractional() || *ty == Type::Boolean;
    if numeric {
        if let Some(v) = bare_value(content, ty) {
            return v;
        }
    }
    if *ty == Type::Boolean {
        match content.to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" => return Value::Bool(true),
            "f" | "false" | "n" | "no" | "off" => return Value::Bool(false),
            _ => {}
        }
    }
    Value::Str(content.to_owned())
}

/// An expression default: `Now` for the spellings of the current timestamp, else the text.
pub(super) fn expression_default(text: &str) -> ServerDefault {
    let text = strip_outer_parens(text);
    if is_now(text) {
        ServerDefault::Now
    } else {
        ServerDefault::Expr(text.to_owned())
    }
}

/// A canonical form of an SQL expression, so that the text a migration wrote and the text a
/// server gives back compare equal when they differ only in ways servers rewrite: whitespace,
/// keyword case, quotes around plain identifiers, redundant parentheses, PostgreSQL casts
/// (`name::text`). String literals are kept as written.
pub(super) fn normalise_sql(expr: &str) -> String {
    // PostgreSQL stores LIKE as its operator spelling; MariaDB keeps lower/upper as their
    // synonyms lcase/ucase.
    let tokens: Vec<String> = drop_casts(sql_tokens(expr))
        .into_iter()
        .map(|t| match t.as_str() {
            "lcase" => "lower".to_owned(),
            "ucase" => "upper".to_owned(),
            "~~" => "like".to_owned(),
            "!~~" => "not like".to_owned(),
            "~~*" => "ilike".to_owned(),
            "!~~*" => "not ilike".to_owned(),
            _ => t,
        })
        .collect();
    let tokens = drop_redundant_parens(drop_single_token_parens(tokens));
    let mut tokens: &[String] = &tokens;
    while tokens.len() >= 2
        && tokens[0] == "("
        && tokens[tokens.len() - 1] == ")"
        && matching_paren(tokens, 0) == Some(tokens.len() - 1)
    {
        tokens = &tokens[1..tokens.len() - 1];
    }
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let glue = i == 0
            || t == ")"
            || t == ","
            || tokens[i - 1] == "("
            || (t == "(" && is_word(&tokens[i - 1]) && !is_keyword(&tokens[i - 1]));
        if !glue {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// Words after which a `(` opens a group, not an argument list.
fn is_keyword(token: &str) -> bool {
    matches!(
        token,
        "and"
            | "or"
            | "not"
            | "in"
            | "is"
            | "like"
            | "between"
            | "when"
            | "then"
            | "else"
            | "exists"
    )
}

fn is_word(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// A lower-case identifier that means the same quoted or not, on every dialect.
fn is_plain_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Tokens of an expression: words lower-cased, plain quoted identifiers unquoted, literals
/// verbatim, runs of operator characters as one token, other punctuation one at a time.
fn sql_tokens(expr: &str) -> Vec<String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if matches!(c, '\'' | '"' | '`') {
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            let inner: String = chars[start + 1..i.min(chars.len())].iter().collect();
            i = (i + 1).min(chars.len());
            let text: String = chars[start..i].iter().collect();
            if c != '\'' && is_plain_identifier(&inner) {
                out.push(inner);
            } else {
                out.push(text);
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect::<String>().to_lowercase());
            continue;
        }
        if "<>=!|&+-*/%~^:".contains(c) {
            let start = i;
            while i < chars.len() && "<>=!|&+-*/%~^:".contains(chars[i]) {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
            continue;
        }
        out.push(c.to_string());
        i += 1;
    }
    out
}

/// Removes PostgreSQL casts (`::text`, `::character varying(20)`, `::"Mood"`, `::int[]`).
fn drop_casts(tokens: Vec<String>) -> Vec<String> {
    const MULTI: [&str; 6] = ["varying", "precision", "with", "without", "time", "zone"];
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] != "::" {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        i += 1;
        if i < tokens.len() {
            i += 1; // the type name
        }
        while i < tokens.len() && MULTI.contains(&tokens[i].as_str()) {
            i += 1;
        }
        if i < tokens.len() && tokens[i] == "(" {
            match matching_paren(&tokens, i) {
                Some(close) => i = close + 1,
                None => i = tokens.len(),
            }
        }
        while i + 1 < tokens.len() && tokens[i] == "[" && tokens[i + 1] == "]" {
            i += 2;
        }
    }
    out
}

/// Removes parentheses around a single token (`(0)` is `0`), except a function's argument list.
fn drop_single_token_parens(tokens: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let wraps_one = tokens[i] == "("
            && tokens.get(i + 2).is_some_and(|t| t == ")")
            && tokens.get(i + 1).is_some_and(|t| t != "(" && t != ")")
            && !out.last().is_some_and(|prev| is_word(prev));
        if wraps_one {
            out.push(tokens[i + 1].clone());
            i += 3;
        } else {
            out.push(tokens[i].clone());
            i += 1;
        }
    }
    out
}

/// How tightly a binary operator binds (higher: tighter), as PostgreSQL, MySQL and SQLite
/// agree; `None` for a token that is no operator these rules know.
fn precedence(token: &str) -> Option<u8> {
    Some(match token {
        "or" => 1,
        "and" => 2,
        "=" | "<>" | "!=" | "<" | ">" | "<=" | ">=" | "like" | "ilike" | "is" | "in" => 4,
        "||" => 5,
        "+" | "-" => 6,
        "*" | "/" | "%" => 7,
        _ => return None,
    })
}

/// The weakest binary operator at the top level of `group` (`None` when it has none), or
/// `Err` when the group holds a token whose precedence is not known (then its parentheses stay).
fn weakest_operator(group: &[String]) -> Result<Option<u8>, ()> {
    let mut depth = 0usize;
    let mut weakest = None;
    for (i, t) in group.iter().enumerate() {
        match t.as_str() {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            _ => {
                let operand_before = i > 0
                    && group[i - 1] != "("
                    && (precedence(&group[i - 1]).is_none() || group[i - 1] == ")");
                match precedence(t) {
                    Some(p) if operand_before => {
                        weakest = Some(weakest.map_or(p, |w: u8| w.min(p)))
                    }
                    // A sign, or an operator in an unexpected place.
                    Some(_) => return Err(()),
                    None if is_word(t) || t.starts_with('\'') || t == "," => {
                        // `not`, `between`, `case` .. and other words change the grammar.
                        if matches!(
                            t.as_str(),
                            "not"
                                | "between"
                                | "case"
                                | "when"
                                | "then"
                                | "else"
                                | "end"
                                | "collate"
                                | "escape"
                        ) {
                            return Err(());
                        }
                    }
                    None => return Err(()),
                }
            }
        }
    }
    Ok(weakest)
}

/// Removes parentheses the operators around them make redundant, as servers print them
/// (PostgreSQL's `((a * 2) + b)` is `a * 2 + b`): around a group whose weakest operator binds
/// tighter than the operator before it and at least as tight as the one after it (binary
/// operators associate to the left). Function argument lists and `IN (..)` lists stay.
fn drop_redundant_parens(mut tokens: Vec<String>) -> Vec<String> {
    'again: loop {
        for open in 0..tokens.len() {
            if tokens[open] != "(" {
                continue;
            }
            let Some(close) = matching_paren(&tokens, open) else {
                return tokens;
            };
            let before = open.checked_sub(1).map(|i| tokens[i].as_str());
            // A function's arguments, `IN (..)`, `VALUES (..)` and the like.
            if before.is_some_and(|b| is_word(b) && precedence(b).is_none_or(|_| b == "in")) {
                continue;
            }
            let after = tokens.get(close + 1).map(String::as_str);
            let Ok(inner) = weakest_operator(&tokens[open + 1..close]) else {
                continue;
            };
            let Some(inner) = inner else {
                // No operator inside (a single value or call): only a sign before it matters.
                if before.is_none_or(|b| b == "(" || b == "," || precedence(b).is_some()) {
                    tokens.remove(close);
                    tokens.remove(open);
                    continue 'again;
                }
                continue;
            };
            let outer_left = match before {
                None | Some("(") | Some(",") => Some(0),
                Some(b) => precedence(b),
            };
            let outer_right = match after {
                None | Some(")") | Some(",") => Some(0),
                Some(a) => precedence(a),
            };
            if let (Some(l), Some(r)) = (outer_left, outer_right) {
                if inner > l && inner >= r {
                    tokens.remove(close);
                    tokens.remove(open);
                    continue 'again;
                }
            }
        }
        return tokens;
    }
}

fn matching_paren(tokens: &[String], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t == "(" {
            depth += 1;
        } else if t == ")" {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_unescape_per_dialect() {
        assert_eq!(
            split_literal("'it''s'::character varying", false),
            Some(("it's".into(), "::character varying"))
        );
        assert_eq!(
            split_literal(r"'a\\b''c'", true),
            Some((r"a\b'c".into(), ""))
        );
        assert_eq!(split_literal("abc", false), None);
    }

    #[test]
    fn now_has_many_spellings() {
        for now in [
            "CURRENT_TIMESTAMP",
            "current_timestamp()",
            "current_timestamp(6)",
            "now()",
            "NOW( )",
        ] {
            assert!(is_now(now), "{now}");
        }
        for not in ["now", "current_date", "now() + 1", "current_timestamp(x)"] {
            assert!(!is_now(not), "{not}");
        }
    }

    #[test]
    fn values_follow_the_column_type() {
        assert_eq!(bare_value("0", &Type::Boolean), Some(Value::Bool(false)));
        assert_eq!(bare_value("0", &Type::Integer), Some(Value::Int(0)));
        assert_eq!(
            bare_value("0.50", &Type::Numeric(12, 2)),
            Some(Value::Float(0.5))
        );
        assert_eq!(bare_value("(-1)", &Type::Integer), Some(Value::Int(-1)));
        assert_eq!(bare_value("1 + 2", &Type::Integer), None);
        assert_eq!(bare_value("e", &Type::Integer), None);
        assert_eq!(literal_value("-1", &Type::Integer), Value::Int(-1));
        assert_eq!(literal_value("-1", &Type::Text), Value::Str("-1".into()));
        assert_eq!(literal_value("t", &Type::Boolean), Value::Bool(true));
    }

    #[test]
    fn expressions_normalise_what_servers_rewrite() {
        assert_eq!(normalise_sql("CHECK_ME"), "check_me");
        assert_eq!(normalise_sql("(score >= 0)"), "score >= 0");
        assert_eq!(normalise_sql("`score` >= 0"), "score >= 0");
        assert_eq!(normalise_sql("s::text <> ''::text"), "s <> ''");
        assert_eq!(normalise_sql("s <> ''"), "s <> ''");
        assert_eq!(
            normalise_sql("price > (0)::numeric AND lower( \"Name\" ) = 'X'"),
            "price > 0 and lower(\"Name\") = 'X'"
        );
        assert_eq!(normalise_sql("(a > 0) AND (b > 0)"), "a > 0 and b > 0");
        // PostgreSQL's deparse of `karma * 2 + seq` and of `a + b * c`.
        assert_eq!(normalise_sql("((karma * 2) + seq)"), "karma * 2 + seq");
        assert_eq!(normalise_sql("(a + (b * c))"), "a + b * c");
        // Parentheses that change the meaning stay.
        assert_eq!(normalise_sql("(a + b) * c"), "(a + b) * c");
        assert_eq!(normalise_sql("a - (b - c)"), "a - (b - c)");
        assert_eq!(normalise_sql("(a or b) and c"), "(a or b) and c");
        assert_eq!(normalise_sql("x in (1, 2)"), "x in (1, 2)");
        assert_eq!(normalise_sql("lower(a || b)"), "lower(a || b)");
        assert_eq!(normalise_sql("-(a + b)"), "- (a + b)");
        assert_eq!(normalise_sql("not (a and b)"), "not (a and b)");
        assert_eq!(normalise_sql("x::character varying(20)::text"), "x");
    }
}
