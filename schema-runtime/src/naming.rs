//! Naming conventions: every index and constraint gets a stable name, so that a later
//! `drop_index`, a downgrade or a diff can find it again.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

/// The longest identifier every supported dialect accepts (PostgreSQL truncates at 63 bytes,
/// MySQL rejects more than 64 characters): schema-core's limit, which `#[migration]` checks
/// literal names against.
pub use schema_core::names::MAX_IDENTIFIER_LEN;

/// Name templates in Alembic's token syntax (`%(table_name)s`, `%(column_0_name)s`,
/// `%(column_0_N_name)s`, `%(referred_table_name)s`, `%(constraint_name)s`).
///
/// ```
/// use schema_runtime::NamingConvention;
/// let naming = NamingConvention::default();
/// assert_eq!(naming.index("posts", &["author_id", "created_at"]), "ix_posts_author_id_created_at");
/// assert_eq!(naming.primary_key("posts"), "pk_posts");
/// ```
///
/// A package configures its own convention once, for its migrations and models alike:
///
/// ```
/// use std::borrow::Cow;
/// use schema_runtime::{Migrations, NamingConvention};
///
/// static NAMING: NamingConvention =
///     NamingConvention { ix: Cow::Borrowed("idx_%(table_name)s_%(column_0_N_name)s"), ..NamingConvention::DEFAULT };
/// static MIGRATIONS: Migrations = Migrations::from_static(&[]).with_naming(&NAMING);
/// assert_eq!(MIGRATIONS.naming().index("posts", &["slug"]), "idx_posts_slug");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamingConvention {
    /// Template for indexes.
    pub ix: Cow<'static, str>,
    /// Template for unique constraints.
    pub uq: Cow<'static, str>,
    /// Template for foreign keys.
    pub fk: Cow<'static, str>,
    /// Template for check constraints.
    pub ck: Cow<'static, str>,
    /// Template for primary keys.
    pub pk: Cow<'static, str>,
}

impl Default for NamingConvention {
    fn default() -> Self {
        NamingConvention::DEFAULT
    }
}

impl NamingConvention {
    /// Alembic's recommended convention: `ix_<table>_<columns>`, `uq_<table>_<columns>`,
    /// `fk_<table>_<columns>_<referred table>`, `ck_<table>_<name>`, `pk_<table>`.
    pub const DEFAULT: NamingConvention = NamingConvention {
        ix: Cow::Borrowed("ix_%(table_name)s_%(column_0_N_name)s"),
        uq: Cow::Borrowed("uq_%(table_name)s_%(column_0_N_name)s"),
        fk: Cow::Borrowed("fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s"),
        ck: Cow::Borrowed("ck_%(table_name)s_%(constraint_name)s"),
        pk: Cow::Borrowed("pk_%(table_name)s"),
    };

    /// The name of an index on `columns` of `table`.
    pub fn index(&self, table: &str, columns: &[impl AsRef<str>]) -> String {
        render(&self.ix, table, columns, "", "")
    }

    /// The name of a unique constraint on `columns` of `table`.
    pub fn unique(&self, table: &str, columns: &[impl AsRef<str>]) -> String {
        render(&self.uq, table, columns, "", "")
    }

    /// The name of a foreign key from `columns` of `table` to `referred_table`.
    pub fn foreign_key(
        &self,
        table: &str,
        columns: &[impl AsRef<str>],
        referred_table: &str,
    ) -> String {
        render(&self.fk, table, columns, referred_table, "")
    }

    /// The name of a check constraint called `name` on `table`.
    pub fn check(&self, table: &str, name: &str) -> String {
        render(&self.ck, table, &[] as &[&str], "", name)
    }

    /// The name of the primary key of `table`.
    pub fn primary_key(&self, table: &str) -> String {
        render(&self.pk, table, &[] as &[&str], "", "")
    }
}

/// Expands `template` (the non-generic part, compiled with the runtime's optimisations rather
/// than in the user's crate at opt-level 0, where every revision's builder calls it).
fn render(
    template: &str,
    table: &str,
    columns: &[impl AsRef<str>],
    referred_table: &str,
    constraint_name: &str,
) -> String {
    let columns: Vec<&str> = columns.iter().map(AsRef::as_ref).collect();
    expand(template, table, &columns, referred_table, constraint_name)
}

/// One pass over `template`, substituting each `%(key)s` token.
fn expand(
    template: &str,
    table: &str,
    columns: &[&str],
    referred_table: &str,
    constraint_name: &str,
) -> String {
    let mut name = String::with_capacity(template.len() + table.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find("%(") {
        name.push_str(&rest[..start]);
        let token = &rest[start..];
        let Some(end) = token.find(")s") else {
            name.push_str(token);
            rest = "";
            break;
        };
        match &token[2..end] {
            "table_name" => name.push_str(table),
            "column_0_N_name" => name.push_str(&columns.join("_")),
            "column_0_name" => name.push_str(columns.first().copied().unwrap_or("")),
            "referred_table_name" => name.push_str(referred_table),
            "constraint_name" => name.push_str(constraint_name),
            _ => name.push_str(&token[..end + 2]),
        }
        rest = &token[end + 2..];
    }
    name.push_str(rest);
    truncate_identifier(&name)
}

/// Shortens `name` to [`MAX_IDENTIFIER_LEN`] bytes, keeping it unique with a hash suffix of the
/// full name, so that two long names with a common prefix never collide.
pub fn truncate_identifier(name: &str) -> String {
    if name.len() <= MAX_IDENTIFIER_LEN {
        return name.to_owned();
    }
    let digest = Sha256::digest(name.as_bytes());
    let suffix: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let mut keep = MAX_IDENTIFIER_LEN - suffix.len() - 1;
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}_{}", &name[..keep], suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_expand_every_token_once() {
        assert_eq!(
            expand(
                "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
                "posts",
                &["author_id", "blog_id"],
                "users",
                ""
            ),
            "fk_posts_author_id_blog_id_users"
        );
        assert_eq!(
            expand(
                "ck_%(table_name)s_%(constraint_name)s",
                "t",
                &[],
                "",
                "positive"
            ),
            "ck_t_positive"
        );
        // A value that looks like a token stays as it is; unknown tokens and a dangling `%(`
        // are kept.
        assert_eq!(
            expand(
                "ix_%(column_0_name)s_%(other)s_%(x",
                "t",
                &["%(table_name)s"],
                "",
                ""
            ),
            "ix_%(table_name)s_%(other)s_%(x"
        );
    }

    #[test]
    fn long_names_are_truncated_with_a_stable_hash() {
        let naming = NamingConvention::default();
        let cols = [
            "a_very_long_column_name_number_one",
            "a_very_long_column_name_number_two",
        ];
        let name = naming.index("a_rather_long_table_name", &cols);
        assert_eq!(name.len(), MAX_IDENTIFIER_LEN);
        assert_eq!(name, naming.index("a_rather_long_table_name", &cols));
        let other = naming.index(
            "a_rather_long_table_name",
            &[cols[0], "a_very_long_column_name_number_3"],
        );
        assert_ne!(name, other);
    }
}
