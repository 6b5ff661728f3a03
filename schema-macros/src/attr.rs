//! Parsing of the `#[migration(...)]` arguments: the syntax of each key and the kind of its
//! value. What the values mean (id format, contradictions) is checked in `valid.rs`.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, LitBool, LitStr, Meta, MetaNameValue, Token};

use crate::errors::Errors;

/// The keys `#[migration]` understands, in the order the docs list them.
const KEYS: &str = "`id`, `revises`, `depends_on`, `branch_labels`, `message`, `downgrade`, \
                    `irreversible`, `transactional`";

/// The arguments as written, each value still carrying the user's tokens for later errors.
#[derive(Default)]
pub(crate) struct MigrationAttr {
    pub id: Option<LitStr>,
    pub revises: Option<StringList>,
    pub depends_on: Option<StringList>,
    pub branch_labels: Option<StringList>,
    pub message: Option<LitStr>,
    pub downgrade: Option<syn::Path>,
    pub irreversible: Option<Flag>,
    pub transactional: Option<Flag>,
    /// Keys written, well-formed or not, so that a bad value is not also reported as missing.
    seen: Vec<&'static str>,
}

impl MigrationAttr {
    /// Whether `key` was written at all.
    pub fn has(&self, key: &str) -> bool {
        self.seen.contains(&key)
    }

    /// Whether the downgrade is derived by reversing the upgrade: no `downgrade`, and
    /// `irreversible` absent or `= false`. A malformed value counts as not derived, so that
    /// its own error is not followed by guesses.
    pub fn derives_downgrade(&self) -> bool {
        let reversible =
            !self.has("irreversible") || self.irreversible.as_ref().is_some_and(|flag| !flag.value);
        !self.has("downgrade") && reversible
    }
}

/// `key = "a"` or `key = ["a", "b"]`: `revises`, `depends_on`, `branch_labels`.
pub(crate) struct StringList {
    pub items: Vec<LitStr>,
    /// The brackets of the list form when it is written empty, for the empty-list error.
    pub empty_brackets: Option<Span>,
}

/// A boolean key: `irreversible`, `irreversible = true`, `transactional = false`.
pub(crate) struct Flag {
    /// The key, for errors about the flag as a whole.
    pub key: syn::Path,
    pub value: bool,
}

/// Parses the attribute arguments. Syntax errors that stop the parse yield `None`; errors in
/// single values are recorded and the other keys are still read.
pub(crate) fn parse(args: TokenStream, errors: &mut Errors) -> Option<MigrationAttr> {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(metas) => metas,
        Err(error) => {
            errors.error_at(
                error.span(),
                format!(
                    "{error}; write the arguments as `key = value` pairs separated by commas, \
                     e.g. `#[migration(id = \"...\", message = \"...\")]`"
                ),
            );
            return None;
        }
    };
    let mut attr = MigrationAttr::default();
    for meta in metas {
        parse_key(&mut attr, meta, errors);
    }
    Some(attr)
}

fn parse_key(attr: &mut MigrationAttr, meta: Meta, errors: &mut Errors) {
    let key = match meta.path().get_ident().map(ToString::to_string) {
        Some(key) => key,
        None => {
            errors.error_spanned_by(meta.path(), format!("unknown key; expected one of {KEYS}"));
            return;
        }
    };
    let known = match key.as_str() {
        "id" => "id",
        "revises" => "revises",
        "depends_on" => "depends_on",
        "branch_labels" => "branch_labels",
        "message" => "message",
        "downgrade" => "downgrade",
        "irreversible" => "irreversible",
        "transactional" => "transactional",
        _ => {
            let hint = match key.as_str() {
                "parent" | "parents" | "down_revision" | "revision" => " (did you mean `revises`?)",
                "depends" | "dependencies" | "depends_on_revisions" | "requires" | "after" => {
                    " (did you mean `depends_on`?)"
                }
                "branch" | "branches" | "label" | "labels" | "branch_label" => {
                    " (did you mean `branch_labels`?)"
                }
                "msg" | "name" | "description" | "doc" => " (did you mean `message`?)",
                "down" | "downgrade_fn" | "reverse" => " (did you mean `downgrade`?)",
                "transaction" | "atomic" => " (did you mean `transactional`?)",
                _ => "",
            };
            errors.error_spanned_by(
                meta.path(),
                format!("unknown key `{key}`{hint}; expected one of {KEYS}"),
            );
            return;
        }
    };
    if attr.has(known) {
        errors.error_spanned_by(
            meta.path(),
            format!("duplicate key `{known}`; write each key once"),
        );
        return;
    }
    attr.seen.push(known);

    match known {
        "id" => {
            let example = "`id = \"20250102_143000_create_users\"`";
            attr.id = string_value(&meta, example, errors);
        }
        "message" => {
            attr.message = string_value(&meta, "`message = \"create users\"`", errors);
        }
        "revises" => {
            let expected = "`revises = \"<id>\"` or `revises = [\"a\", \"b\"]`";
            let item = "a parent id as a string literal, e.g. `\"20250101_090000_init\"`";
            attr.revises = string_list_value(&meta, expected, item, errors);
        }
        "depends_on" => {
            let expected = "`depends_on = \"<id>\"` or `depends_on = [\"a\", \"b\"]`";
            let item = "a revision id as a string literal, e.g. `\"20250101_090000_init\"`";
            attr.depends_on = string_list_value(&meta, expected, item, errors);
        }
        "branch_labels" => {
            let expected = "`branch_labels = \"<label>\"` or `branch_labels = [\"a\", \"b\"]`";
            let item = "a branch label as a string literal, e.g. `\"billing\"`";
            attr.branch_labels = string_list_value(&meta, expected, item, errors);
        }
        "downgrade" => attr.downgrade = downgrade_value(&meta, errors),
        "irreversible" => {
            attr.irreversible = match &meta {
                Meta::Path(path) => Some(Flag {
                    key: path.clone(),
                    value: true,
                }),
                _ => bool_value(&meta, "`irreversible` or `irreversible = true`", errors),
            }
        }
        _ => {
            let expected = "`transactional = false` or `transactional = true` (the default)";
            attr.transactional = bool_value(&meta, expected, errors);
        }
    }
}

/// The value of `key = value`, or an error saying how to write it.
fn name_value<'a>(
    meta: &'a Meta,
    expected: &str,
    errors: &mut Errors,
) -> Option<&'a MetaNameValue> {
    match meta {
        Meta::NameValue(name_value) => Some(name_value),
        Meta::Path(_) | Meta::List(_) => {
            errors.error_spanned_by(meta, format!("expected {expected}"));
            None
        }
    }
}

fn string_value(meta: &Meta, expected: &str, errors: &mut Errors) -> Option<LitStr> {
    let name_value = name_value(meta, expected, errors)?;
    match &name_value.value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Some(lit.clone()),
        value => {
            errors.error_spanned_by(
                value,
                format!(
                    "expected a string literal: {expected}; \
                     constants and macros are not evaluated here"
                ),
            );
            None
        }
    }
}

/// `key = "a"` or `key = ["a", "b"]`; `item` says how to write one element.
fn string_list_value(
    meta: &Meta,
    expected: &str,
    item: &str,
    errors: &mut Errors,
) -> Option<StringList> {
    let name_value = name_value(meta, expected, errors)?;
    match &name_value.value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Some(StringList {
            items: vec![lit.clone()],
            empty_brackets: None,
        }),
        Expr::Array(array) => {
            let mut items = Vec::new();
            for elem in &array.elems {
                match elem {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(lit), ..
                    }) => items.push(lit.clone()),
                    other => {
                        let hint = if matches!(other, Expr::Path(_) | Expr::Macro(_)) {
                            "; constants and macros are not evaluated here"
                        } else {
                            ""
                        };
                        errors.error_spanned_by(other, format!("expected {item}{hint}"));
                    }
                }
            }
            // A list of malformed items is not also reported as empty.
            let empty = array.elems.is_empty();
            Some(StringList {
                items,
                empty_brackets: empty.then(|| array.bracket_token.span.join()),
            })
        }
        value => {
            errors.error_spanned_by(value, format!("expected {expected}"));
            None
        }
    }
}

fn downgrade_value(meta: &Meta, errors: &mut Errors) -> Option<syn::Path> {
    let expected = "the path of a fn in this file: `downgrade = downgrade`";
    let name_value = name_value(meta, expected, errors)?;
    match &name_value.value {
        Expr::Path(expr) if expr.qself.is_none() && expr.attrs.is_empty() => {
            Some(expr.path.clone())
        }
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => {
            errors.error_spanned_by(
                lit,
                format!(
                    "expected the path of a fn, not a string; remove the quotes: `downgrade = {}`",
                    lit.value()
                ),
            );
            None
        }
        value => {
            errors.error_spanned_by(value, format!("expected {expected}"));
            None
        }
    }
}

fn bool_value(meta: &Meta, expected: &str, errors: &mut Errors) -> Option<Flag> {
    let name_value = name_value(meta, expected, errors)?;
    match &name_value.value {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(LitBool { value, .. }),
            ..
        }) => Some(Flag {
            key: name_value.path.clone(),
            value: *value,
        }),
        value => {
            errors.error_spanned_by(value, format!("expected {expected}"));
            None
        }
    }
}
