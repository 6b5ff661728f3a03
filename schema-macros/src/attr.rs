//! Reading the `#[migration(...)]` arguments with syn into schema-core's header model. The
//! grammar itself (keys, value shapes, rules across keys, messages) is
//! `schema_core::header`, shared with the `migrations!` collector and `cargo schema`; this
//! module only keeps the user's tokens so that each error points at them.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use schema_core::header::{self, Entry, HeaderCheck, Key, Location, Value, SYNTAX_HINT};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, LitStr, Meta, Token};

use crate::errors::Errors;

/// The arguments as written: schema-core's entries, and the syn nodes they were read from.
pub(crate) struct MigrationAttr {
    entries: Vec<Entry>,
    metas: Vec<Meta>,
}

/// Parses the attribute arguments. A syntax error that stops the parse is recorded and yields
/// `None`.
pub(crate) fn parse(args: TokenStream, errors: &mut Errors) -> Option<MigrationAttr> {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(metas) => metas,
        Err(error) => {
            errors.error_at(error.span(), format!("{error}; {SYNTAX_HINT}"));
            return None;
        }
    };
    let metas: Vec<Meta> = metas.into_iter().collect();
    let entries = metas.iter().map(entry).collect();
    Some(MigrationAttr { entries, metas })
}

/// The entry schema-core checks for one `key = value`.
fn entry(meta: &Meta) -> Entry {
    let key = meta.path().to_token_stream().to_string().replace(' ', "");
    let value = match meta {
        Meta::Path(_) => Value::Flag,
        Meta::List(_) => Value::Delimited,
        Meta::NameValue(name_value) => value(&name_value.value),
    };
    Entry::new(key, value)
}

fn value(expr: &Expr) -> Value {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Value::Str(lit.value()),
        Expr::Lit(ExprLit {
            lit: Lit::Bool(lit),
            ..
        }) => Value::Bool(lit.value),
        Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => {
            Value::Path(path.path.to_token_stream().to_string().replace(' ', ""))
        }
        Expr::Macro(_) => Value::Macro,
        Expr::Array(array) => Value::List(array.elems.iter().map(value).collect()),
        _ => Value::Other,
    }
}

impl MigrationAttr {
    /// Checks the arguments against the header grammar, recording each error at the user's
    /// tokens.
    pub fn check(&self, errors: &mut Errors) -> HeaderCheck {
        let checked = header::check(&self.entries);
        for error in &checked.errors {
            match self.tokens(error.location) {
                Some(tokens) => errors.error_spanned_by(tokens, error),
                None => errors.error_at(Span::call_site(), error),
            }
        }
        checked
    }

    /// The tokens at `location`; `None` for the attribute as a whole.
    fn tokens(&self, location: Location) -> Option<TokenStream> {
        let value_of = |entry: usize| match self.metas.get(entry)? {
            Meta::NameValue(name_value) => Some(&name_value.value),
            Meta::Path(_) | Meta::List(_) => None,
        };
        match location {
            Location::Attribute => None,
            Location::Key { entry } => Some(self.metas.get(entry)?.path().to_token_stream()),
            Location::Entry { entry } => Some(self.metas.get(entry)?.to_token_stream()),
            Location::Value { entry } => Some(value_of(entry)?.to_token_stream()),
            Location::Item { entry, index } => match value_of(entry)? {
                Expr::Array(array) => Some(array.elems.get(index)?.to_token_stream()),
                other => Some(other.to_token_stream()),
            },
        }
    }

    /// The first entry written with `key`.
    fn meta(&self, key: Key) -> Option<&Meta> {
        self.metas
            .iter()
            .find(|meta| meta.path().is_ident(key.name()))
    }

    /// The string literals of `key`'s value, as written (one for `key = "a"`, each item of a
    /// list), so that the revision constant carries the user's spans.
    pub fn literals(&self, key: Key) -> Vec<LitStr> {
        let string = |expr: &Expr| match expr {
            Expr::Lit(ExprLit {
                lit: Lit::Str(lit), ..
            }) => Some(lit.clone()),
            _ => None,
        };
        match self.meta(key) {
            Some(Meta::NameValue(name_value)) => match &name_value.value {
                Expr::Array(array) => array.elems.iter().filter_map(string).collect(),
                other => string(other).into_iter().collect(),
            },
            _ => Vec::new(),
        }
    }

    /// The path of `downgrade = path`.
    pub fn downgrade(&self) -> Option<syn::Path> {
        match self.meta(Key::Downgrade)? {
            Meta::NameValue(name_value) => match &name_value.value {
                Expr::Path(expr) => Some(expr.path.clone()),
                _ => None,
            },
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use schema_core::source::find_headers;

    use super::*;

    /// The attribute reads its arguments with syn, the `migrations!` collector with
    /// schema-core's text reader: both must see the same entries, or a file would be a valid
    /// revision to one and not to the other.
    #[test]
    fn syn_and_the_text_reader_read_the_same_entries() {
        let cases = [
            r#"id = "20250102_143000_users", message = "create users""#,
            r##"id = r"raw\n", message = r#"say "hi""#, revises = "a""##,
            r#"message = "esc \"q\" \t \u{e9} \x41 \
                continued", revises = ["a", r"b", B, m!(), 1, [], ["x"], true,]"#,
            r#"depends_on = ("a"), branch_labels("x"), revises["a"], message{}"#,
            "downgrade = self::down::<fn() -> u8, u8>, irreversible, transactional = false",
            "downgrade = ::a::b, irreversible = true, transactional = 0",
            "downgrade = <T as X>::f, a::b = 1 + 2, other = b\"bytes\", c = 'c', d = -1",
            "m = concat!(\"a\", \"b\"), n = a::m![1], o = f(x), p = a.b, q = (1), r = { \"a\" }",
            "r#id = \"a\", r#type = 1.5, revises = [\"a\"] + x,",
            "",
        ];
        for args in cases {
            let tokens: TokenStream = args.parse().expect("tokens");
            let mut errors = Errors::default();
            let via_syn = parse(tokens, &mut errors).expect("syn parses").entries;
            let text = format!("#[migration({args})]\nfn upgrade() {{}}\n");
            let headers = find_headers(&text).expect("the text reader reads tokens");
            let via_text: Vec<Entry> = headers
                .into_iter()
                .next()
                .expect("one header")
                .args
                .expect("the text reader parses")
                .into_iter()
                .map(|entry| entry.entry)
                .collect();
            assert_eq!(via_syn, via_text, "{args}");
        }
    }
}
