//! A migration function with its validated `#[migration(...)]` arguments.
//!
//! The arguments' rules are `schema_core::header`, which the `migrations!` collector applies
//! to each file's text as well, so the two never disagree about what is valid.

use proc_macro2::{Span, TokenStream};
use syn::{ItemFn, LitStr};

use schema_core::header::Key;

use crate::body::{self, Reversal};
use crate::errors::Errors;
use crate::{attr, valid};

/// A revision as one migration file declares it.
pub(crate) struct Migration<'a> {
    /// The user's function as parsed, for its checks and its name (the attribute emits the
    /// function's own tokens, unchanged).
    pub func: &'a ItemFn,
    pub id: LitStr,
    pub parents: Vec<LitStr>,
    /// `depends_on`: applied before this revision without merging their branches.
    pub depends_on: Vec<LitStr>,
    pub branch_labels: Vec<LitStr>,
    /// Trimmed, with the span of the user's literal.
    pub message: LitStr,
    pub downgrade: Option<syn::Path>,
    pub irreversible: bool,
    pub transactional: bool,
    /// `lock_timeout`, in milliseconds.
    pub lock_timeout_ms: Option<u64>,
    /// `statement_timeout`, in milliseconds.
    pub statement_timeout_ms: Option<u64>,
    /// `allow_lint`: the lint rules this revision may break (known ids, checked).
    pub allow_lint: Vec<LitStr>,
}

impl<'a> Migration<'a> {
    /// Parses the attribute arguments `args` and validates them and the signature of `func`;
    /// the error holds every problem found.
    pub fn from_syn(args: TokenStream, func: &'a ItemFn) -> syn::Result<Self> {
        let mut errors = Errors::default();
        // Attribute, signature, then body: errors come out in source order.
        let attr = attr::parse(args, &mut errors);
        let header = attr.as_ref().map(|attr| attr.check(&mut errors));
        let reversal = match &header {
            Some(checked) if checked.derives_downgrade => Reversal::Derived,
            _ => Reversal::NotDerived,
        };
        valid::signature(&func.sig, &mut errors);
        body::check(func, reversal, &mut errors);
        errors.finish()?;
        // Without errors the attribute parsed and its header is valid, so this is reached.
        let (Some(attr), Some(header)) = (attr, header.and_then(|checked| checked.header)) else {
            return Err(syn::Error::new(Span::call_site(), "invalid #[migration]"));
        };
        let id = attr.literals(Key::Id).pop();
        let message = attr.literals(Key::Message).pop();
        let (Some(id), Some(message)) = (id, message) else {
            return Err(syn::Error::new(Span::call_site(), "invalid #[migration]"));
        };
        Ok(Migration {
            func,
            id,
            parents: attr.literals(Key::Revises),
            depends_on: attr.literals(Key::DependsOn),
            branch_labels: attr.literals(Key::BranchLabels),
            message: LitStr::new(&header.message, message.span()),
            downgrade: attr.downgrade(),
            irreversible: header.irreversible,
            transactional: header.transactional,
            lock_timeout_ms: header.lock_timeout_ms,
            statement_timeout_ms: header.statement_timeout_ms,
            allow_lint: attr.literals(Key::AllowLint),
        })
    }
}
