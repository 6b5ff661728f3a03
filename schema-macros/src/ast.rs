//! A migration function with its validated `#[migration(...)]` arguments.
//!
//! Both macros build it the same way: the attribute from its own input, the collector from
//! each file of the migrations folder, so the two never disagree about what is valid.

use proc_macro2::{Span, TokenStream};
use syn::{ItemFn, LitStr};

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
}

impl<'a> Migration<'a> {
    /// Parses the attribute arguments `args` and validates them and the signature of `func`;
    /// the error holds every problem found.
    pub fn from_syn(args: TokenStream, func: &'a ItemFn) -> syn::Result<Self> {
        let mut errors = Errors::default();
        // Attribute, signature, then body: errors come out in source order.
        let attr = attr::parse(args, &mut errors);
        let reversal = match &attr {
            Some(attr) if attr.derives_downgrade() => Reversal::Derived,
            _ => Reversal::NotDerived,
        };
        let migration = attr.and_then(|attr| valid::attr(attr, func, &mut errors));
        valid::signature(&func.sig, &mut errors);
        body::check(func, reversal, &mut errors);
        errors.finish()?;
        // `valid::attr` yields `None` only after recording an error, so this is not reached.
        migration.ok_or_else(|| syn::Error::new(Span::call_site(), "invalid #[migration]"))
    }
}
