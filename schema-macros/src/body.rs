//! Checks of the op builder calls in a migration's body, walked with `syn::visit`.
//!
//! Only what the tokens prove is judged: a literal name that is empty or longer than
//! PostgreSQL keeps, a literal column list that is empty, an `alter_column` whose chain sets
//! nothing, and an op without an inverse in a migration whose downgrade is derived. A name
//! computed at run time, or a builder kept in a variable and finished later, is left to
//! `Migrator::check` and the replay tests.

use proc_macro2::TokenStream;
use quote::ToTokens;
use schema_core::names::check_identifier;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, ExprLit, ExprMethodCall, FnArg, Ident, ItemFn, Lit, LitStr, Pat, Stmt, Token};

use crate::errors::Errors;

/// How the migration is reverted, as its attribute says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reversal {
    /// No `downgrade` and not `irreversible`: the downgrade is derived, so every op needs an
    /// inverse.
    Derived,
    /// An explicit downgrade, declared irreversible, or unknown because the attribute is
    /// malformed (its own errors are reported).
    NotDerived,
}

/// Records an error for every problem the op builder calls of `func` show.
pub(crate) fn check(func: &ItemFn, reversal: Reversal, errors: &mut Errors) {
    let Some(op) = func.sig.inputs.first().and_then(|arg| match arg {
        FnArg::Typed(arg) => binding(&arg.pat),
        FnArg::Receiver(_) => None,
    }) else {
        return;
    };
    let mut walker = Walker {
        op,
        tables: Vec::new(),
        only_on: false,
        reversal,
        errors,
    };
    walker.visit_block(&func.block);
}

/// The name a pattern binds: `op`, `op: &mut Ops`, `t`.
fn binding(pat: &Pat) -> Option<Ident> {
    match pat {
        Pat::Ident(pat) => Some(pat.ident.clone()),
        Pat::Type(pat) => binding(&pat.pat),
        _ => None,
    }
}

/// What a link of a call chain returns, as far as these checks follow it.
enum Builder {
    /// `op`, the migration's argument.
    Ops,
    /// `t` in `op.create_table("users", |t| ...)`.
    Table,
    /// A column of `t.column(..)` or `op.add_column(..)`.
    Column { added: bool },
    /// `op.alter_column(..)` and whether a setter followed.
    Alter { altered: bool },
    /// `op.alter_sequence(..)` and whether an option followed.
    AlterSequence { altered: bool },
    /// `op.create_index(..)`, with the tokens of its column list when that is literally empty.
    Index { empty_columns: Option<TokenStream> },
    /// `op.execute(..)` / `op.sql(..)` and whether `.reverse(..)` followed.
    Sql { reversed: bool },
    /// `op.update(..)`.
    Update,
    /// A builder whose only name is set by `.name(..)`: constraints, foreign keys (`added`:
    /// by an op of its own, where `.unnamed()` is refused).
    Named { added: bool },
    /// Options without names to judge (`drop_table`, `drop_index`, enum value positions, ...).
    Options,
    /// A method these checks do not know: nothing further in the chain is judged.
    Unknown,
}

/// What a literal name names, for messages.
#[derive(Clone, Copy)]
enum Name {
    Table,
    Column,
    Index,
    Constraint,
    EnumType,
    Sequence,
}

impl Name {
    fn noun(self) -> &'static str {
        match self {
            Name::Table => "table",
            Name::Column => "column",
            Name::Index => "index",
            Name::Constraint => "constraint",
            Name::EnumType => "enum type",
            Name::Sequence => "sequence",
        }
    }
}

struct Walker<'e> {
    /// The migration's op builder argument.
    op: Ident,
    /// Parameters of the enclosing `create_table` closures, innermost last.
    tables: Vec<(Ident, Option<String>)>,
    /// Inside the closure of `op.only_on(..)`, where only ops whose objects may exist on some
    /// dialects are allowed.
    only_on: bool,
    reversal: Reversal,
    errors: &'e mut Errors,
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        // A chain whose value is dropped is complete: nothing chained later can change it.
        let discarded = match stmt {
            Stmt::Expr(expr, Some(_)) => Some(expr),
            Stmt::Local(local) if matches!(local.pat, Pat::Wild(_)) => local
                .init
                .as_ref()
                .filter(|init| init.diverge.is_none())
                .map(|init| &*init.expr),
            _ => None,
        };
        if let Some(Expr::MethodCall(call)) = discarded.map(ungroup) {
            if self.chain(call, true) {
                return;
            }
        }
        visit::visit_stmt(self, stmt);
    }

    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        if !self.chain(call, false) {
            visit::visit_expr_method_call(self, call);
        }
    }
}

/// `expr` without the invisible groups of macro expansions and parentheses.
fn ungroup(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => ungroup(&group.expr),
        Expr::Paren(paren) => ungroup(&paren.expr),
        expr => expr,
    }
}

/// The string literal `expr` is, if it is one.
fn string_literal(expr: &Expr) -> Option<&LitStr> {
    match ungroup(expr) {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Some(lit),
        _ => None,
    }
}

/// The elements of a literal list: `["a", "b"]`, `&["a"]`, `vec!["a"]`, `[] as [&str; 0]`.
fn literal_list(expr: &Expr) -> Option<Vec<Expr>> {
    match ungroup(expr) {
        Expr::Array(array) => Some(array.elems.iter().cloned().collect()),
        Expr::Reference(reference) => literal_list(&reference.expr),
        Expr::Cast(cast) => literal_list(&cast.expr),
        Expr::Macro(mac) if mac.mac.path.is_ident("vec") => {
            let elems = Punctuated::<Expr, Token![,]>::parse_terminated
                .parse2(mac.mac.tokens.clone())
                .ok()?;
            Some(elems.into_iter().collect())
        }
        _ => None,
    }
}

impl Walker<'_> {
    /// Judges the chain that ends in `outer` if it starts at a builder; `false` when it does not
    /// (the caller then walks it as any expression).
    fn chain(&mut self, outer: &ExprMethodCall, discarded: bool) -> bool {
        let mut calls = vec![outer];
        let mut receiver = &*outer.receiver;
        while let Expr::MethodCall(inner) = ungroup(receiver) {
            calls.push(inner);
            receiver = &inner.receiver;
        }
        calls.reverse();
        let Some(mut builder) = self.root(receiver) else {
            return false;
        };
        let column_chain = matches!(builder, Builder::Table | Builder::Ops)
            && calls.first().is_some_and(|c| {
                matches!(
                    (&builder, c.method.to_string().as_str()),
                    (Builder::Table, "column") | (Builder::Ops, "add_column")
                )
            });
        for call in &calls {
            builder = self.call(builder, call);
        }
        if column_chain {
            self.generated_with_default_or_identity(&calls);
        }
        if discarded {
            self.finish(builder, &calls);
        }
        true
    }

    /// A column chain that makes a generated column and gives it a default or an identity:
    /// no database has either on a generated column (the replay refuses it too).
    fn generated_with_default_or_identity(&mut self, calls: &[&ExprMethodCall]) {
        let Some(generated) = calls
            .iter()
            .find(|c| c.method.to_string().starts_with("generated_"))
        else {
            return;
        };
        let other = calls.iter().find_map(|c| {
            let m = c.method.to_string();
            if m.starts_with("default") {
                Some((m, "a default"))
            } else if m.starts_with("identity") || m == "serial" {
                Some((m, "an identity"))
            } else {
                None
            }
        });
        if let Some((method, what)) = other {
            self.errors.error_spanned_by(
                &generated.method,
                format!(
                    "a generated column cannot also have {what} (`.{method}(..)`): the database computes its value; \
                     drop `.{method}(..)` or `.{}(..)`",
                    generated.method
                ),
            );
        }
    }

    /// The builder a chain starts at: the op builder or a `create_table` closure's table.
    fn root(&self, receiver: &Expr) -> Option<Builder> {
        let receiver = match ungroup(receiver) {
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => ungroup(&unary.expr),
            receiver => receiver,
        };
        let Expr::Path(path) = receiver else {
            return None;
        };
        let ident = path.path.get_ident()?;
        if self.tables.last().map(|(t, _)| t) == Some(ident) {
            Some(Builder::Table)
        } else if *ident == self.op {
            Some(Builder::Ops)
        } else {
            None
        }
    }

    /// Judges one call on `builder` and walks its arguments; returns what it returns.
    fn call(&mut self, builder: Builder, call: &ExprMethodCall) -> Builder {
        let method = call.method.to_string();
        let args: Vec<&Expr> = call.args.iter().collect();
        let next = match builder {
            Builder::Ops => return self.ops_call(&method, call, &args),
            Builder::Table => self.table_call(&method, &args),
            Builder::Column { added } => self.column_call(added, &method, call, &args),
            Builder::Alter { .. } => match method.as_str() {
                "set_type"
                | "set_type_using"
                | "set_not_null"
                | "set_nullable"
                | "set_default"
                | "set_default_expr"
                | "set_default_expr_per_dialect"
                | "set_default_now"
                | "drop_default"
                | "set_comment"
                | "set_identity"
                | "set_collation"
                | "set_collation_per_dialect"
                | "drop_collation"
                | "set_identity_always"
                | "set_identity_sequence" => Builder::Alter { altered: true },
                "rename_to" => {
                    self.name(args.first(), Name::Column);
                    Builder::Alter { altered: true }
                }
                _ => Builder::Unknown,
            },
            Builder::AlterSequence { .. } => match method.as_str() {
                "start" | "default_start" | "increment" | "min_value" | "no_min_value"
                | "max_value" | "no_max_value" | "cache" | "default_cache" | "cycle" => {
                    Builder::AlterSequence { altered: true }
                }
                _ => Builder::Unknown,
            },
            Builder::Index { empty_columns } => match method.as_str() {
                "unique" | "filter" | "concurrently" | "if_not_exists" => {
                    Builder::Index { empty_columns }
                }
                "name" => {
                    self.name(args.first(), Name::Index);
                    Builder::Index { empty_columns }
                }
                "include" => {
                    self.names(args.first(), Name::Column);
                    Builder::Index { empty_columns }
                }
                // An expression index needs no column.
                "expression" => Builder::Index {
                    empty_columns: None,
                },
                _ => Builder::Unknown,
            },
            Builder::Sql { .. } => match method.as_str() {
                "reverse" | "reverse_with" => Builder::Sql { reversed: true },
                _ => Builder::Unknown,
            },
            Builder::Update => match method.as_str() {
                "set" | "set_expr" => {
                    self.name(args.first(), Name::Column);
                    Builder::Update
                }
                "filter" => Builder::Update,
                _ => Builder::Unknown,
            },
            Builder::Named { added } => match method.as_str() {
                "name" => {
                    self.name(args.first(), Name::Constraint);
                    Builder::Named { added }
                }
                "unnamed" if added => {
                    self.errors.error_spanned_by(
                        &call.method,
                        "`.unnamed()` on a constraint added by its own op: no later op could \
                         name it to drop it; unnamed constraints are declared inside \
                         `create_table` (`t.foreign_key(..).unnamed()`), an added one keeps \
                         the naming convention's name or `.name(..)`",
                    );
                    Builder::Named { added }
                }
                "on_delete" | "on_update" | "deferrable" | "unnamed" => Builder::Named { added },
                _ => Builder::Unknown,
            },
            Builder::Options => Builder::Options,
            Builder::Unknown => Builder::Unknown,
        };
        self.visit_args(call);
        next
    }

    fn visit_args(&mut self, call: &ExprMethodCall) {
        for arg in &call.args {
            self.visit_expr(arg);
        }
    }

    /// A call on the op builder itself.
    fn ops_call(&mut self, method: &str, call: &ExprMethodCall, args: &[&Expr]) -> Builder {
        let arg = |i: usize| args.get(i);
        if self.only_on
            && !matches!(
                method,
                "create_index"
                    | "create_check"
                    | "execute"
                    | "sql"
                    | "bulk_insert"
                    | "delete_rows"
                    | "update"
            )
        {
            self.errors.error_spanned_by(
                &call.method,
                format!(
                    "`{method}` cannot run on some dialects only: the schemas would then differ between them; \
                     inside op.only_on(..) go create_index, create_check, raw SQL (execute, sql) \
                     and data changes (bulk_insert, delete_rows, update), \
                     everything else runs on every dialect (move it out of the closure)"
                ),
            );
        }
        let next = match method {
            "only_on" => {
                if let Some(Expr::Closure(closure)) = arg(1).map(|a| ungroup(a)) {
                    self.visit_expr(args[0]);
                    let inner = closure.inputs.first().and_then(binding);
                    let outer_op = self.op.clone();
                    let outer_only_on = self.only_on;
                    if let Some(inner) = inner {
                        self.op = inner;
                    }
                    self.only_on = true;
                    self.visit_expr(&closure.body);
                    self.op = outer_op;
                    self.only_on = outer_only_on;
                    return Builder::Options;
                }
                Builder::Options
            }
            "create_table" => {
                self.name(arg(0), Name::Table);
                if let Some(Expr::Closure(closure)) = arg(1).map(|a| ungroup(a)) {
                    self.visit_expr(args[0]);
                    let table = closure.inputs.first().and_then(binding);
                    let name = arg(0).and_then(|a| string_literal(a)).map(LitStr::value);
                    let pushed = table.map(|table| self.tables.push((table, name))).is_some();
                    self.visit_expr(&closure.body);
                    if pushed {
                        self.tables.pop();
                    }
                    return Builder::Options;
                }
                Builder::Options
            }
            "drop_table" | "set_table_comment" => {
                self.name(arg(0), Name::Table);
                Builder::Options
            }
            "rename_table" => {
                self.name(arg(0), Name::Table);
                self.name(arg(1), Name::Table);
                Builder::Options
            }
            "add_column" => {
                self.name(arg(0), Name::Table);
                self.name(arg(1), Name::Column);
                Builder::Column { added: true }
            }
            "drop_column" => {
                self.name(arg(0), Name::Table);
                self.name(arg(1), Name::Column);
                Builder::Options
            }
            "alter_column" => {
                self.name(arg(0), Name::Table);
                self.name(arg(1), Name::Column);
                Builder::Alter { altered: false }
            }
            "create_index" => {
                self.name(arg(0), Name::Table);
                let empty_columns = arg(1)
                    .filter(|columns| self.names(Some(columns), Name::Column) == Some(0))
                    .map(ToTokens::to_token_stream);
                Builder::Index { empty_columns }
            }
            "drop_index" => {
                self.name(arg(0), Name::Index);
                Builder::Options
            }
            "create_unique" | "create_primary_key" => {
                self.name(arg(0), Name::Table);
                self.key_columns(arg(1), method);
                Builder::Named { added: true }
            }
            "create_check" => {
                self.name(arg(0), Name::Table);
                self.name(arg(1), Name::Constraint);
                let table = arg(0).and_then(|a| string_literal(a)).map(LitStr::value);
                self.check_short_name(table.as_deref(), arg(1));
                Builder::Named { added: true }
            }
            "create_check_on" => {
                self.name(arg(1), Name::Table);
                self.name(arg(2), Name::Constraint);
                let table = arg(1).and_then(|a| string_literal(a)).map(LitStr::value);
                self.check_short_name(table.as_deref(), arg(2));
                Builder::Named { added: true }
            }
            "create_foreign_key" => {
                self.name(arg(0), Name::Table);
                self.key_columns(arg(1), method);
                self.name(arg(2), Name::Table);
                self.key_columns(arg(3), method);
                Builder::Named { added: true }
            }
            "drop_constraint" => {
                self.name(arg(0), Name::Table);
                self.name(arg(1), Name::Constraint);
                Builder::Options
            }
            "create_enum" | "drop_enum" | "add_enum_value" | "rename_enum_value"
            | "drop_enum_value" => {
                self.name(arg(0), Name::EnumType);
                Builder::Options
            }
            "create_sequence" | "drop_sequence" => {
                self.name(arg(0), Name::Sequence);
                Builder::Options
            }
            "rename_sequence" => {
                self.name(arg(0), Name::Sequence);
                self.name(arg(1), Name::Sequence);
                Builder::Options
            }
            "alter_sequence" => {
                self.name(arg(0), Name::Sequence);
                Builder::AlterSequence { altered: false }
            }
            "bulk_insert" | "delete_rows" => {
                self.name(arg(0), Name::Table);
                self.names(arg(1), Name::Column);
                Builder::Options
            }
            "update" => {
                self.name(arg(0), Name::Table);
                if self.reversal == Reversal::Derived {
                    self.errors.error_spanned_by(
                        call,
                        "`update` overwrites values that no derived downgrade can restore, and \
                         this migration has no downgrade; add `downgrade = <fn>` to \
                         #[migration] (often an update back), or declare the migration \
                         `irreversible`",
                    );
                }
                Builder::Update
            }
            "execute" | "sql" => Builder::Sql { reversed: false },
            _ => Builder::Unknown,
        };
        self.visit_args(call);
        next
    }

    /// A call on the table builder of a `create_table` closure.
    fn table_call(&mut self, method: &str, args: &[&Expr]) -> Builder {
        let arg = |i: usize| args.get(i);
        match method {
            "column" => {
                self.name(arg(0), Name::Column);
                Builder::Column { added: false }
            }
            "primary_key" | "unique" | "index" => {
                self.key_columns(arg(0), method);
                Builder::Table
            }
            "unique_named" => {
                self.name(arg(0), Name::Constraint);
                self.key_columns(arg(1), method);
                Builder::Table
            }
            "check" => {
                self.name(arg(0), Name::Constraint);
                let table = self.tables.last().and_then(|(_, name)| name.clone());
                self.check_short_name(table.as_deref(), arg(0));
                Builder::Table
            }
            "check_on" => {
                self.name(arg(1), Name::Constraint);
                let table = self.tables.last().and_then(|(_, name)| name.clone());
                self.check_short_name(table.as_deref(), arg(1));
                Builder::Table
            }
            "primary_key_name" | "check_named" => {
                self.name(arg(0), Name::Constraint);
                Builder::Table
            }
            "unique_unnamed" => {
                self.key_columns(arg(0), method);
                Builder::Table
            }
            "check_unnamed" | "primary_key_unnamed" => Builder::Table,
            "foreign_key" => {
                self.key_columns(arg(0), method);
                self.name(arg(1), Name::Table);
                self.key_columns(arg(2), method);
                Builder::Named { added: false }
            }
            "comment" => Builder::Table,
            _ => Builder::Unknown,
        }
    }

    /// A call on a column builder, declared in `create_table` or added by `add_column`.
    fn column_call(
        &mut self,
        added: bool,
        method: &str,
        call: &ExprMethodCall,
        args: &[&Expr],
    ) -> Builder {
        match method {
            "not_null" | "nullable" | "default" | "default_now" | "default_expr" | "identity"
            | "comment" | "unique" | "on_delete" | "on_update" => Builder::Column { added },
            "references" => {
                self.name(args.first(), Name::Table);
                self.name(args.get(1), Name::Column);
                Builder::Column { added }
            }
            "primary_key" | "index" if added => {
                let instead = if method == "primary_key" {
                    "a primary key can only be declared inside `create_table`; to give an \
                     existing table one, add the column, then \
                     `op.create_primary_key(\"<table>\", [\"<column>\"])`"
                } else {
                    "`.index()` declares an index inside `create_table` only; for an added \
                     column write `op.create_index(\"<table>\", [\"<column>\"])`"
                };
                self.errors.error_spanned_by(
                    &call.method,
                    format!("`.{method}()` on a column added by `add_column`: {instead}"),
                );
                Builder::Column { added }
            }
            "primary_key" | "index" => Builder::Column { added },
            _ => Builder::Unknown,
        }
    }

    /// Judges what only the end of a dropped chain shows.
    fn finish(&mut self, builder: Builder, calls: &[&ExprMethodCall]) {
        let (Some(first), Some(last)) = (calls.first(), calls.last()) else {
            return;
        };
        match builder {
            Builder::Alter { altered: false } => {
                let what = match (
                    first.args.first().and_then(string_literal),
                    first.args.iter().nth(1).and_then(string_literal),
                ) {
                    (Some(table), Some(column)) => {
                        format!("`{}.{}`", table.value(), column.value())
                    }
                    _ => "the column".to_owned(),
                };
                self.errors.error_spanned_by(
                    last,
                    format!(
                        "this `alter_column` changes nothing on {what}; chain what changes: \
                         `.set_type(..)`, `.set_not_null()`, `.set_nullable()`, \
                         `.set_default(..)`, `.drop_default()`, `.rename_to(..)`, \
                         `.set_comment(..)`, `.set_identity(..)`, `.set_identity_always(..)` or \
                         `.set_identity_sequence(..)`"
                    ),
                );
            }
            Builder::AlterSequence { altered: false } => {
                let what = first.args.first().and_then(string_literal).map_or_else(
                    || "the sequence".to_owned(),
                    |name| format!("`{}`", name.value()),
                );
                self.errors.error_spanned_by(
                    last,
                    format!(
                        "this `alter_sequence` changes nothing on {what}; chain what changes: \
                         `.increment(..)`, `.start(..)`, `.min_value(..)` / `.no_min_value()`, \
                         `.max_value(..)` / `.no_max_value()`, `.cache(..)` or `.cycle(..)`"
                    ),
                );
            }
            Builder::Index {
                empty_columns: Some(columns),
            } => self.errors.error_spanned_by(
                columns,
                "an index needs at least one column; list them, e.g. `[\"author_id\"]`, or \
                 chain `.expression(\"lower(email)\")` for an expression index",
            ),
            Builder::Sql { reversed: false } if self.reversal == Reversal::Derived => {
                let (method, reverse) = if first.method == "sql" {
                    ("sql", "`.reverse_with(SqlText { .. })`")
                } else {
                    ("execute", "`.reverse(\"<SQL that undoes it>\")`")
                };
                self.errors.error_spanned_by(
                    first,
                    format!(
                        "raw SQL from `{method}` cannot be reversed automatically, and this \
                         migration has no downgrade; chain {reverse}, add `downgrade = <fn>` \
                         to #[migration], or declare the migration `irreversible`"
                    ),
                );
            }
            _ => {}
        }
    }

    /// Judges a literal name, if `arg` is one.
    fn name(&mut self, arg: Option<&&Expr>, what: Name) {
        if let Some(lit) = arg.and_then(|arg| string_literal(arg)) {
            self.literal_name(lit, what);
        }
    }

    /// Judges a literal name by schema-core's identifier rule (not empty, at most
    /// `MAX_IDENTIFIER_LEN` bytes, the limit the runtime truncates generated names to).
    fn literal_name(&mut self, lit: &LitStr, what: Name) {
        let value = lit.value();
        if let Err(problem) = check_identifier(&value) {
            self.errors
                .error_spanned_by(lit, problem.message(what.noun(), &value));
        }
    }

    /// A check's short name that already carries the default naming convention's `ck_TABLE_`
    /// prefix, which `create_check` / `t.check` add again (`ck_users_ck_users_name_nonempty`).
    fn check_short_name(&mut self, table: Option<&str>, arg: Option<&&Expr>) {
        let (Some(table), Some(lit)) = (table, arg.and_then(|a| string_literal(a))) else {
            return;
        };
        let name = lit.value();
        let prefix = format!("ck_{table}_");
        if let Some(short) = schema_core::names::check_name_after_prefix(table, &name) {
            self.errors.error_spanned_by(
                lit,
                format!(
                    "the check name `{name}` already starts with the naming convention's `{prefix}`, which is added to it again \
                     (the constraint would be `{prefix}{name}`); write the short name `\"{short}\"`, or for a name used exactly \
                     as written: `op.create_check(..).name(\"{name}\")` (in create_table: `t.check_named(\"{name}\", ..)`)"
                ),
            );
        }
    }

    /// Judges the literal names of a literal list; returns its length when it is one.
    fn names(&mut self, arg: Option<&&Expr>, what: Name) -> Option<usize> {
        let elems = literal_list(arg?)?;
        for elem in &elems {
            if let Some(lit) = string_literal(elem) {
                self.literal_name(lit, what);
            }
        }
        Some(elems.len())
    }

    /// Judges the column list of a key (primary key, unique, foreign key, index of a table).
    fn key_columns(&mut self, arg: Option<&&Expr>, method: &str) {
        if self.names(arg, Name::Column) == Some(0) {
            if let Some(arg) = arg {
                self.errors.error_spanned_by(
                    arg,
                    format!("`{method}` needs at least one column; list them, e.g. `[\"id\"]`"),
                );
            }
        }
    }
}
