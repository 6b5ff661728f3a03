//! The ids of `cargo schema lint`'s rules: what `#[migration(allow_lint = [...])]` may name.
//!
//! The rules themselves (what each flags, its severity, dialects, reason and safe alternative)
//! are `schema_runtime::lint`; the ids live here so that the macro rejects an unknown id at
//! compile time, pointing at it, and the text reader of `cargo schema` agrees. A test of the
//! runtime keeps the two lists equal.
//!
//! ```
//! use schema_core::lint::{is_rule, suggestion};
//! assert!(is_rule("rename-column"));
//! assert!(!is_rule("rename_column"));
//! assert_eq!(suggestion("rename_column"), Some("rename-column"));
//! assert_eq!(suggestion("add-index"), Some("add-index-without-concurrently"));
//! ```

/// Every lint rule id, in the order `cargo schema lint --rules` and the README list them.
pub const RULE_IDS: [&str; 30] = [
    // PostgreSQL: locks and rewrites.
    "add-index-without-concurrently",
    "drop-index-without-concurrently",
    "add-unique-constraint",
    "add-primary-key",
    "add-foreign-key",
    "add-check-constraint",
    "set-not-null",
    "change-column-type",
    "add-not-null-column-without-default",
    "add-column-volatile-default",
    "add-identity-column",
    "add-stored-generated-column",
    "add-enum-value-in-transaction",
    "drop-enum-value",
    "backfill-in-ddl-transaction",
    // Every dialect: the application's running code.
    "rename-column",
    "rename-table",
    "rename-enum-value",
    "rename-sequence",
    "drop-column",
    "drop-table",
    "drop-sequence",
    "downgrade-deletes-cascade",
    "raw-sql",
    // MySQL and MariaDB: table copies and rebuilds.
    "mysql-change-column-type",
    "mysql-change-nullability",
    "mysql-drop-primary-key",
    "mysql-add-foreign-key",
    "mysql-fulltext-index",
    "mysql-enum-value-not-at-end",
];

/// Whether `id` is a lint rule's id.
pub fn is_rule(id: &str) -> bool {
    RULE_IDS.contains(&id)
}

/// The rule a user who wrote `id` probably meant: the same id with `_` for `-` or in another
/// case, the one rule whose id starts with it or contains it, or the closest by edit distance
/// (at most a third of its length away).
pub fn suggestion(id: &str) -> Option<&'static str> {
    let normal = id.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    if normal.is_empty() {
        return None;
    }
    if let Some(rule) = RULE_IDS.iter().find(|rule| **rule == normal) {
        return Some(rule);
    }
    let containing: Vec<&'static str> = RULE_IDS
        .iter()
        .copied()
        .filter(|rule| rule.contains(normal.as_str()))
        .collect();
    if containing.len() == 1 {
        return Some(containing[0]);
    }
    if let Some(rule) = containing.iter().find(|rule| rule.starts_with(&normal)) {
        return Some(rule);
    }
    RULE_IDS
        .iter()
        .copied()
        .map(|rule| (distance(&normal, rule), rule))
        .filter(|(d, rule)| *d * 3 <= rule.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, rule)| rule)
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kebab_case_and_unique() {
        for (i, id) in RULE_IDS.iter().enumerate() {
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
            assert!(!id.starts_with('-') && !id.ends_with('-'), "{id}");
            assert!(!RULE_IDS[..i].contains(id), "{id} twice");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggestion("Drop_Table"), Some("drop-table"));
        assert_eq!(suggestion("drop-colum"), Some("drop-column"));
        assert_eq!(suggestion("fulltext"), Some("mysql-fulltext-index"));
        assert_eq!(suggestion("volatile"), Some("add-column-volatile-default"));
        assert_eq!(suggestion("nothing-like-it-at-all"), None);
        assert_eq!(suggestion(""), None);
    }
}
