//! `#[derive(Model)]` and `#[derive(ModelEnum)]`: Rust types that describe the target schema.
//! Parse the `#[model(...)]` attributes (every problem of one item reported together), then
//! expand to `impl Model` / `impl ColumnType` calling the op builder.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, Lit, LitStr, PathArguments, Type};

use crate::errors::Errors;

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `Option<T>` -> `Some(T)`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

fn strings_list(meta: &syn::meta::ParseNestedMeta) -> syn::Result<Vec<String>> {
    let value = meta.value()?;
    let content;
    syn::bracketed!(content in value);
    let items = content.parse_terminated(|p| p.parse::<LitStr>(), syn::Token![,])?;
    Ok(items.into_iter().map(|l| l.value()).collect())
}

fn action(lit: &LitStr) -> syn::Result<TokenStream> {
    let variant = match lit.value().as_str() {
        "cascade" => quote!(Cascade),
        "restrict" => quote!(Restrict),
        "set_null" => quote!(SetNull),
        "set_default" => quote!(SetDefault),
        "no_action" => quote!(NoAction),
        _ => return Err(syn::Error::new(
            lit.span(),
            "expected \"cascade\", \"restrict\", \"set_null\", \"set_default\" or \"no_action\"",
        )),
    };
    Ok(quote!(::schema_runtime::FkAction::#variant))
}

#[derive(Default)]
struct FieldAttrs {
    skip: bool,
    column: Option<String>,
    primary_key: bool,
    identity: bool,
    unique: bool,
    index: bool,
    length: Option<u32>,
    /// `precision = N` and the literal, for errors pointing at it.
    precision: Option<(u16, syn::LitInt)>,
    scale: Option<u16>,
    sql_type: Option<String>,
    default: Option<TokenStream>,
    references: Option<(String, String)>,
    on_delete: Option<TokenStream>,
    on_update: Option<TokenStream>,
    comment: Option<String>,
    generated: Option<TokenStream>,
}

fn field_attrs(field: &syn::Field, errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("model")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            match key.as_str() {
                "skip" => out.skip = true,
                "primary_key" => out.primary_key = true,
                "identity" => out.identity = true,
                "unique" => out.unique = true,
                "index" => out.index = true,
                "default_now" => out.default = Some(quote!(.default_now())),
                "column" => out.column = Some(meta.value()?.parse::<LitStr>()?.value()),
                "comment" => out.comment = Some(meta.value()?.parse::<LitStr>()?.value()),
                "sql_type" => out.sql_type = Some(meta.value()?.parse::<LitStr>()?.value()),
                "length" => out.length = Some(meta.value()?.parse::<syn::LitInt>()?.base10_parse()?),
                "precision" => {
                    let lit = meta.value()?.parse::<syn::LitInt>()?;
                    out.precision = Some((lit.base10_parse()?, lit));
                }
                "scale" => out.scale = Some(meta.value()?.parse::<syn::LitInt>()?.base10_parse()?),
                "default_expr" => {
                    let expr = meta.value()?.parse::<LitStr>()?;
                    out.default = Some(quote!(.default_expr(#expr)));
                }
                "default" => {
                    let lit = meta.value()?.parse::<Lit>()?;
                    match &lit {
                        Lit::Str(_) | Lit::Int(_) | Lit::Float(_) | Lit::Bool(_) => out.default = Some(quote!(.default(#lit))),
                        _ => return Err(meta.error("expected a string, integer, float or bool literal")),
                    }
                }
                "references" => {
                    let lit = meta.value()?.parse::<LitStr>()?;
                    let value = lit.value();
                    let Some((table, column)) = value.split_once('.') else {
                        return Err(syn::Error::new(lit.span(), "expected `references = \"table.column\"`"));
                    };
                    out.references = Some((table.to_owned(), column.to_owned()));
                }
                "generated_stored" => {
                    let expr = meta.value()?.parse::<LitStr>()?;
                    out.generated = Some(quote!(.generated_stored(#expr)));
                }
                "generated_virtual" => {
                    let expr = meta.value()?.parse::<LitStr>()?;
                    out.generated = Some(quote!(.generated_virtual(#expr)));
                }
                "on_delete" => out.on_delete = Some(action(&meta.value()?.parse::<LitStr>()?)?),
                "on_update" => out.on_update = Some(action(&meta.value()?.parse::<LitStr>()?)?),
                _ => {
                    return Err(meta.error(
                        "unknown model key; expected one of `skip`, `column`, `primary_key`, `identity`, `unique`, `index`, \
                         `length`, `precision`, `scale`, `sql_type`, `default`, `default_now`, `default_expr`, `references`, \
                         `on_delete`, `on_update`, `comment`, `generated_stored`, `generated_virtual`",
                    ))
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    if out.generated.is_some() && (out.default.is_some() || out.identity) {
        errors.push(syn::Error::new(
            field.span(),
            "a generated column (`generated_stored` / `generated_virtual`) has no default and no identity: the database computes its value",
        ));
    }
    out
}

/// `Type::$variant(p)` for a type whose precision (a float's bits, a time's fractional
/// digits) lies in `range`, with an error at the literal otherwise.
fn with_precision(
    variant: TokenStream,
    (p, lit): &(u16, syn::LitInt),
    range: std::ops::RangeInclusive<u16>,
    what: &str,
    errors: &mut Errors,
) -> TokenStream {
    if !range.contains(p) {
        errors.push(syn::Error::new(
            lit.span(),
            format!(
                "`precision` of {what} is {} to {}",
                range.start(),
                range.end()
            ),
        ));
    }
    let p = u8::try_from(*p).unwrap_or(0);
    quote!(::schema_runtime::Type::#variant(#p))
}

/// The portable type of a field, and whether it is nullable, when known from its Rust type.
fn mapped_type(ty: &Type, attrs: &FieldAttrs, errors: &mut Errors) -> Option<TokenStream> {
    if let Some(sql) = &attrs.sql_type {
        return Some(quote!(::schema_runtime::Type::custom(#sql)));
    }
    let name = last_ident(ty)?;
    let t = quote!(::schema_runtime::Type);
    let decimal = matches!(name.as_str(), "Decimal" | "BigDecimal");
    if let (Some(_), false) = (attrs.scale, decimal) {
        errors.push(syn::Error::new(
            ty.span(),
            "`scale` applies to a decimal column (rust_decimal::Decimal, BigDecimal)",
        ));
    }
    let precision = attrs.precision.as_ref();
    let mapped = match (name.as_str(), precision) {
        ("i16", _) => quote!(#t::SmallInt),
        ("i32", _) => quote!(#t::Integer),
        ("i64", _) => quote!(#t::BigInt),
        ("bool", _) => quote!(#t::Boolean),
        ("f32" | "f64", Some(p)) => {
            return Some(with_precision(
                quote!(Float),
                p,
                1..=53,
                "a float (its binary digits, SQLAlchemy's Float(precision))",
                errors,
            ));
        }
        ("f32", None) => quote!(#t::Real),
        ("f64", None) => quote!(#t::Double),
        ("String" | "str", _) => match attrs.length {
            Some(n) => quote!(#t::String(#n)),
            None => quote!(#t::Text),
        },
        ("NaiveDate" | "Date", _) => quote!(#t::Date),
        ("NaiveTime" | "Time", Some(p)) => {
            return Some(with_precision(
                quote!(TimePrecision),
                p,
                0..=6,
                "a time (fractional-second digits)",
                errors,
            ));
        }
        ("NaiveTime" | "Time", None) => quote!(#t::Time),
        ("NaiveDateTime" | "PrimitiveDateTime", Some(p)) => {
            return Some(with_precision(
                quote!(TimestampPrecision),
                p,
                0..=6,
                "a timestamp (fractional-second digits)",
                errors,
            ));
        }
        ("NaiveDateTime" | "PrimitiveDateTime", None) => quote!(#t::Timestamp),
        ("DateTime" | "OffsetDateTime", Some(p)) => {
            return Some(with_precision(
                quote!(TimestampTzPrecision),
                p,
                0..=6,
                "a timestamp (fractional-second digits)",
                errors,
            ));
        }
        ("DateTime" | "OffsetDateTime", None) => quote!(#t::TimestampTz),
        ("Uuid", _) => quote!(#t::Uuid),
        ("Value" | "JsonValue" | "Json", _) => quote!(#t::Json),
        ("Decimal" | "BigDecimal", _) => match (precision, attrs.scale) {
            (Some((p, _)), Some(s)) => quote!(#t::Numeric(#p, #s)),
            _ => {
                errors.push(syn::Error::new(
                    ty.span(),
                    "a decimal column needs `#[model(precision = 10, scale = 2)]`",
                ));
                quote!(#t::Numeric(10, 2))
            }
        },
        ("Vec", _) => quote!(#t::Bytes),
        _ => return None,
    };
    if let (Some((_, lit)), false) = (precision, decimal) {
        errors.push(syn::Error::new(
            lit.span(),
            "`precision` applies to a decimal (with `scale`), a float (f32, f64) or a time type \
             (NaiveTime, NaiveDateTime, DateTime; fractional-second digits); use `sql_type` otherwise",
        ));
    }
    Some(mapped)
}

/// `#[derive(Model)]`.
pub(crate) fn derive_model(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "#[derive(Model)] goes on a struct with named fields, one per column",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(
            input.ident.span(),
            "#[derive(Model)] needs named fields, one per column",
        ));
    };
    let ident = &input.ident;
    let mut table = snake_case(&ident.to_string());
    let mut table_level = Vec::new();
    let mut after = Vec::new();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("model")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            match key.as_str() {
                "table" => table = meta.value()?.parse::<LitStr>()?.value(),
                "comment" => {
                    let c = meta.value()?.parse::<LitStr>()?;
                    table_level.push(quote!(t.comment(#c);));
                }
                "primary_key" => {
                    let cols = strings_list(&meta)?;
                    table_level.push(quote!(t.primary_key([#(#cols),*]);));
                }
                "unique" => {
                    let cols = strings_list(&meta)?;
                    table_level.push(quote!(t.unique([#(#cols),*]);));
                }
                "index" | "unique_index" if meta.input.peek(syn::token::Paren) => {
                    // index(columns = [..], unique, filter = "..", expression = "..", name = "..")
                    let mut cols = Vec::new();
                    let mut options = Vec::new();
                    if key == "unique_index" {
                        options.push(quote!(.unique()));
                    }
                    meta.parse_nested_meta(|inner| {
                        let option = inner.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                        match option.as_str() {
                            "columns" => cols = strings_list(&inner)?,
                            "unique" => options.push(quote!(.unique())),
                            "filter" | "expression" | "name" => {
                                let value = inner.value()?.parse::<LitStr>()?;
                                let method = syn::Ident::new(&option, inner.path.span());
                                options.push(quote!(.#method(#value)));
                            }
                            _ => {
                                return Err(inner.error(
                                    "unknown index option; expected `columns = [..]`, `unique`, `filter = \"..\"`, \
                                     `expression = \"..\"` or `name = \"..\"`",
                                ))
                            }
                        }
                        Ok(())
                    })?;
                    let n = cols.len();
                    after.push(quote!(op.create_index(__table, { let columns: [&str; #n] = [#(#cols),*]; columns }) #(#options)*;));
                }
                "index" | "unique_index" => {
                    let cols = strings_list(&meta)?;
                    let unique = (key == "unique_index").then(|| quote!(.unique()));
                    let n = cols.len();
                    after.push(quote!(op.create_index(__table, { let columns: [&str; #n] = [#(#cols),*]; columns })#unique;));
                }
                "check" => {
                    let value = meta.value()?.parse::<LitStr>()?;
                    let text = value.value();
                    let Some((name, expr)) = text.split_once(':') else {
                        return Err(syn::Error::new(value.span(), "expected `check = \"name: SQL condition\"`"));
                    };
                    let (name, expr) = (name.trim(), expr.trim());
                    table_level.push(quote!(t.check(#name, #expr);));
                }
                _ => {
                    return Err(meta.error(
                        "unknown model key; expected `table`, `comment`, `primary_key = [..]`, `unique = [..]`, \
                         `index = [..]`, `unique_index = [..]` or `check = \"name: condition\"`",
                    ))
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    let mut columns = Vec::new();
    let mut enum_defs = Vec::new();
    for field in &fields.named {
        let attrs = field_attrs(field, &mut errors);
        if attrs.skip {
            continue;
        }
        let name = attrs
            .column
            .clone()
            .unwrap_or_else(|| field.ident.as_ref().expect("named field").to_string());
        let (inner, optional) = match option_inner(&field.ty) {
            Some(inner) => (inner, true),
            None => (&field.ty, false),
        };
        let span = field.ty.span();
        let (ty, nullable) = match mapped_type(inner, &attrs, &mut errors) {
            Some(ty) => (ty, quote!(#optional)),
            None => {
                let fty = &field.ty;
                enum_defs.push(quote_spanned!(span=> <#fty as ::schema_runtime::model::ColumnType>::enum_def()));
                (
                    quote_spanned!(span=> <#fty as ::schema_runtime::model::ColumnType>::column_type()),
                    quote_spanned!(span=> <#fty as ::schema_runtime::model::ColumnType>::nullable()),
                )
            }
        };
        let mut chain = Vec::new();
        if attrs.primary_key {
            chain.push(quote!(.primary_key()));
        }
        if attrs.identity {
            chain.push(quote!(.identity()));
        }
        if attrs.unique {
            chain.push(quote!(.unique()));
        }
        if attrs.index {
            chain.push(quote!(.index()));
        }
        if let Some(d) = &attrs.default {
            chain.push(d.clone());
        }
        if let Some(g) = &attrs.generated {
            chain.push(g.clone());
        }
        if let Some(c) = &attrs.comment {
            chain.push(quote!(.comment(#c)));
        }
        if let Some((t, c)) = &attrs.references {
            chain.push(quote!(.references(#t, #c)));
            if let Some(a) = &attrs.on_delete {
                chain.push(quote!(.on_delete(#a)));
            }
            if let Some(a) = &attrs.on_update {
                chain.push(quote!(.on_update(#a)));
            }
        } else if attrs.on_delete.is_some() || attrs.on_update.is_some() {
            errors.push(syn::Error::new(
                field.span(),
                "`on_delete` / `on_update` need `references = \"table.column\"`",
            ));
        }
        columns.push(quote! {
            {
                let column = t.column(#name, #ty);
                let column = if #nullable { column } else { column.not_null() };
                let _ = column #(#chain)*;
            }
        });
    }
    errors.finish()?;
    Ok(quote! {
        impl ::schema_runtime::model::Model for #ident {
            fn define(op: &mut ::schema_runtime::Ops) {
                let __table = #table;
                op.create_table(__table, |t| {
                    #(#columns)*
                    #(#table_level)*
                });
                #(#after)*
            }

            fn enums() -> ::std::vec::Vec<::schema_runtime::EnumDef> {
                let all: ::std::vec::Vec<::core::option::Option<::schema_runtime::EnumDef>> = ::std::vec![#(#enum_defs),*];
                all.into_iter().flatten().collect()
            }
        }
    })
}

/// `#[derive(ModelEnum)]`: a Rust enum of unit variants as an enum type.
pub(crate) fn derive_model_enum(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "#[derive(ModelEnum)] goes on an enum of unit variants",
        ));
    };
    let ident = &input.ident;
    let mut name = snake_case(&ident.to_string());
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("model")) {
        if let Err(e) = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                name = meta.value()?.parse::<LitStr>()?.value();
                Ok(())
            } else {
                Err(meta.error("unknown key; expected `name = \"...\"`"))
            }
        }) {
            errors.push(e);
        }
    }
    let mut values = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            errors.push(syn::Error::new(
                variant.span(),
                "enum types hold plain values: use a variant without fields",
            ));
        }
        let mut value = snake_case(&variant.ident.to_string());
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("model")) {
            if let Err(e) = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    value = meta.value()?.parse::<LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error("unknown key; expected `rename = \"...\"`"))
                }
            }) {
                errors.push(e);
            }
        }
        values.push(value);
    }
    errors.finish()?;
    Ok(quote! {
        impl ::schema_runtime::model::ColumnType for #ident {
            fn column_type() -> ::schema_runtime::Type {
                ::schema_runtime::Type::enumeration(#name)
            }

            fn enum_def() -> ::core::option::Option<::schema_runtime::EnumDef> {
                ::core::option::Option::Some(::schema_runtime::EnumDef {
                    name: ::std::string::String::from(#name),
                    values: ::std::vec![#(::std::string::String::from(#values)),*],
                })
            }
        }
    })
}
