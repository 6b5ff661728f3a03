//! Validation of the function under `#[migration]`: its signature. What the attribute's
//! arguments mean is `schema_core::header`, checked in `attr.rs`.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{FnArg, ReturnType, Signature, Type};

use crate::errors::Errors;

/// Checks that `sig` is `fn name(op: &mut Ops)`: the migrator stores it as `fn(&mut Ops)`.
pub(crate) fn signature(sig: &Signature, errors: &mut Errors) {
    if let Some(constness) = &sig.constness {
        errors.error_spanned_by(
            constness,
            "a migration cannot be a `const fn`; remove `const`",
        );
    }
    if let Some(asyncness) = &sig.asyncness {
        errors.error_spanned_by(
            asyncness,
            "a migration cannot be an `async fn`: migrations run inside the migrator's \
             transaction; remove `async` and use synchronous op builder calls",
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.error_spanned_by(
            unsafety,
            "a migration cannot be an `unsafe fn`; remove `unsafe`",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.error_spanned_by(abi, "a migration cannot have an `extern` ABI; remove it");
    }
    if !sig.generics.params.is_empty() {
        errors.error_spanned_by(
            &sig.generics,
            "a migration cannot be generic; remove the generic parameters: the migrator calls \
             it as `fn(&mut Ops)`",
        );
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        errors.error_spanned_by(
            where_clause,
            "a migration cannot have a `where` clause; remove it",
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.error_spanned_by(variadic, "a migration cannot be variadic; remove `...`");
    }
    arguments(sig, errors);
    if let ReturnType::Type(_, ty) = &sig.output {
        if !matches!(&**ty, Type::Tuple(tuple) if tuple.elems.is_empty()) {
            errors.error_spanned_by(
                &sig.output,
                "a migration returns nothing; remove the return type and record the changes \
                 with calls on `op`",
            );
        }
    }
}

fn arguments(sig: &Signature, errors: &mut Errors) {
    let mut typed = Vec::new();
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(receiver) => errors.error_spanned_by(
                receiver,
                "a migration cannot take `self`; write it as a free fn \
                 `fn upgrade(op: &mut Ops)` in its migration file",
            ),
            FnArg::Typed(pat_type) => typed.push(pat_type),
        }
    }
    let has_receiver = sig.receiver().is_some();
    match typed.as_slice() {
        [] if !has_receiver => errors.error_at(
            sig.paren_token.span.join(),
            "a migration takes the op builder as its one argument; write `(op: &mut Ops)`",
        ),
        [] => {}
        [first, rest @ ..] => {
            op_argument_type(&first.ty, errors);
            if !rest.is_empty() {
                // Spans from the second argument to the last, so the error covers them all.
                let extra: TokenStream = rest.iter().map(ToTokens::to_token_stream).collect();
                errors.error_spanned_by(
                    extra,
                    "a migration takes exactly one argument, `op: &mut Ops`; remove the others",
                );
            }
        }
    }
}

fn op_argument_type(ty: &Type, errors: &mut Errors) {
    let is_ops = |ty: &Type| match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Ops"),
        _ => false,
    };
    match ty {
        Type::Reference(reference) if is_ops(&reference.elem) => {
            if reference.mutability.is_none() {
                errors.error_spanned_by(
                    ty,
                    "a migration records changes into the op builder, so it takes it by \
                     mutable reference; write `&mut Ops`",
                );
            }
        }
        ty if is_ops(ty) => errors.error_spanned_by(
            ty,
            "a migration borrows the op builder the migrator owns; take it by mutable \
             reference: `&mut Ops`",
        ),
        ty => errors.error_spanned_by(
            ty,
            "expected `&mut Ops`: a migration is `fn upgrade(op: &mut Ops)` and records its \
             changes into the op builder",
        ),
    }
}
