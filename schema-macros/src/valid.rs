//! Validation: what the `#[migration]` arguments mean, and the shape of the function.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{FnArg, ItemFn, LitStr, ReturnType, Signature, Type};

use crate::ast::Migration;
use crate::attr::MigrationAttr;
use crate::errors::Errors;

/// Longest id accepted; ids end up in a `VARCHAR` column of the version table.
const MAX_ID_LEN: usize = 100;

/// Checks the values of the arguments and their combination. `None` when something required is
/// missing or malformed (an error was recorded).
pub(crate) fn attr<'a>(
    attr: MigrationAttr,
    func: &'a ItemFn,
    errors: &mut Errors,
) -> Option<Migration<'a>> {
    if attr.id.is_none() && !attr.has("id") {
        errors.error_at(
            Span::call_site(),
            "missing `id = \"...\"`; use the timestamped id that `cargo schema revision` \
             generates, e.g. `id = \"20250102_143000_create_users\"`",
        );
    }
    if let Some(id) = &attr.id {
        revision_id(id, "revision id", errors);
    }

    let id = attr.id.as_ref().map(LitStr::value);
    let mut parents: Vec<LitStr> = Vec::new();
    if let Some(revises) = &attr.revises {
        if let Some(brackets) = revises.empty_brackets {
            errors.error_at(
                brackets,
                "`revises = []` names no parent; omit `revises` for a base revision",
            );
        }
        for parent in &revises.items {
            let value = parent.value();
            if parents.iter().any(|seen| seen.value() == value) {
                errors.error_spanned_by(
                    parent,
                    format!("`{value}` is listed twice in `revises`; name each parent once"),
                );
                continue;
            }
            if id.as_deref() == Some(value.as_str()) {
                errors.error_spanned_by(
                    parent,
                    "a revision cannot revise itself; name the revision this one follows",
                );
            }
            revision_id(parent, "parent id", errors);
            parents.push(parent.clone());
        }
    }

    let mut depends_on: Vec<LitStr> = Vec::new();
    if let Some(list) = &attr.depends_on {
        if let Some(brackets) = list.empty_brackets {
            errors.error_at(
                brackets,
                "`depends_on = []` names no revision; omit `depends_on` when the revision \
                 depends only on its parents",
            );
        }
        for dependency in &list.items {
            let value = dependency.value();
            if depends_on.iter().any(|seen| seen.value() == value) {
                errors.error_spanned_by(
                    dependency,
                    format!("`{value}` is listed twice in `depends_on`; name each revision once"),
                );
                continue;
            }
            if id.as_deref() == Some(value.as_str()) {
                errors.error_spanned_by(
                    dependency,
                    "a revision cannot depend on itself; name a revision that must be applied \
                     before this one",
                );
            } else if parents.iter().any(|parent| parent.value() == value) {
                errors.error_spanned_by(
                    dependency,
                    format!(
                        "`{value}` is already a parent in `revises`, which is applied first \
                         anyway; remove it from `depends_on`"
                    ),
                );
            }
            revision_id(dependency, "dependency id", errors);
            depends_on.push(dependency.clone());
        }
    }

    let mut branch_labels: Vec<LitStr> = Vec::new();
    if let Some(list) = &attr.branch_labels {
        if let Some(brackets) = list.empty_brackets {
            errors.error_at(
                brackets,
                "`branch_labels = []` names no label; omit `branch_labels` or write \
                 `branch_labels = \"<label>\"`",
            );
        }
        for label in &list.items {
            let value = label.value();
            if branch_labels.iter().any(|seen| seen.value() == value) {
                errors.error_spanned_by(
                    label,
                    format!("branch label `{value}` is listed twice; write each label once"),
                );
                continue;
            }
            if branch_label(label, errors) {
                branch_labels.push(label.clone());
            }
        }
    }

    if attr.message.is_none() && !attr.has("message") {
        errors.error_at(
            Span::call_site(),
            "missing `message = \"...\"`; describe the revision in one line, \
             e.g. `message = \"create users\"`",
        );
    }
    let message = attr.message.as_ref().and_then(|message| {
        let trimmed = message.value().trim().to_owned();
        if trimmed.is_empty() {
            errors.error_spanned_by(
                message,
                "`message` is empty; describe the revision in one line, \
                 e.g. `message = \"create users\"`",
            );
            return None;
        }
        Some(LitStr::new(&trimmed, message.span()))
    });

    let irreversible = attr.irreversible.as_ref().is_some_and(|flag| flag.value);
    if let (Some(flag), Some(downgrade)) = (&attr.irreversible, &attr.downgrade) {
        if flag.value {
            errors.error_spanned_by(
                &flag.key,
                format!(
                    "`irreversible` contradicts `downgrade = {}`: an irreversible revision has \
                     no downgrade; remove one of the two",
                    downgrade.to_token_stream().to_string().replace(' ', "")
                ),
            );
        }
    }

    Some(Migration {
        func,
        id: attr.id?,
        parents,
        depends_on,
        branch_labels,
        message: message?,
        downgrade: attr.downgrade,
        irreversible,
        transactional: attr.transactional.as_ref().is_none_or(|flag| flag.value),
    })
}

/// Checks the format of a revision id: it names a module-like token in file names, SQL and
/// shell commands, so it is kept to `[A-Za-z0-9_]`, not starting with `_`.
fn revision_id(lit: &LitStr, what: &str, errors: &mut Errors) {
    let id = lit.value();
    if id.is_empty() {
        errors.error_spanned_by(
            lit,
            format!(
                "{what} is empty; use a timestamped id like `20250102_143000_create_users` \
                 (`cargo schema revision` generates one)"
            ),
        );
        return;
    }
    if let Some((index, bad)) = id
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        errors.error_spanned_by(
            lit,
            format!(
                "{what} `{id}` contains {} at position {}; ids may contain only ASCII letters, \
                 digits and `_`, e.g. `20250102_143000_create_users`",
                describe_char(bad),
                index + 1
            ),
        );
        return;
    }
    if id.starts_with('_') {
        errors.error_spanned_by(
            lit,
            format!(
                "{what} `{id}` starts with `_`; start it with a letter or digit, e.g. the \
                 timestamp `cargo schema revision` puts first"
            ),
        );
    }
    let len = id.len();
    if len > MAX_ID_LEN {
        errors.error_spanned_by(
            lit,
            format!("{what} is {len} characters long; the limit is {MAX_ID_LEN}, shorten it"),
        );
    }
}

/// Checks a branch label: it is written `LABEL@head` on the command line, so it is kept to
/// `[A-Za-z0-9_-]`. Returns whether it is well-formed.
fn branch_label(lit: &LitStr, errors: &mut Errors) -> bool {
    let label = lit.value();
    if label.is_empty() {
        errors.error_spanned_by(
            lit,
            "branch label is empty; name the branch, e.g. `branch_labels = \"billing\"`",
        );
        return false;
    }
    if let Some((index, bad)) = label
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        errors.error_spanned_by(
            lit,
            format!(
                "branch label `{label}` contains {} at position {}; labels may contain only \
                 ASCII letters, digits, `_` and `-` (they are written `LABEL@head` on the \
                 command line), e.g. `billing`",
                describe_char(bad),
                index + 1
            ),
        );
        return false;
    }
    true
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' | '\n' | '\r' => format!("{:?}", c),
        c => format!("`{c}`"),
    }
}

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
