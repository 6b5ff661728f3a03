//! The logical migration chain every tool applies: revision `k` creates table `t{k}`, adds a
//! column to `t{k-1}` and indexes `t{k}`. The three forms (our migrations package, the Alembic
//! project, the plain SQL script) are written from this one definition.

use schema_runtime::prelude::*;
use schema_runtime::Revision;

/// The id of revision `k` (1-based), zero-padded so file order is revision order.
pub fn revision_id(k: usize) -> String {
    format!("r{k:05}")
}

/// The parent of revision `k`, none for the first.
pub fn parent_id(k: usize) -> Option<String> {
    (k > 1).then(|| revision_id(k - 1))
}

/// The message of revision `k`.
pub fn message(k: usize) -> String {
    format!("create t{k}")
}

/// The name of the table revision `k` creates.
pub fn table(k: usize) -> String {
    format!("t{k}")
}

/// The column revision `k` adds to the previous table.
pub const ADDED_COLUMN: &str = "next_id";

/// Revision `k`'s ops, through the same builder a migration file calls.
pub fn upgrade(k: usize, op: &mut Ops) {
    op.create_table(&table(k), |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("name", Type::String(100)).not_null();
    });
    if k > 1 {
        op.add_column(&table(k - 1), ADDED_COLUMN, Type::BigInt);
    }
    op.create_index(&table(k), ["name"]);
}

/// The body of revision `k`'s migration file, as a person would write it.
pub fn upgrade_source(k: usize) -> String {
    let mut body = format!(
        "    op.create_table(\"{t}\", |t| {{\n        \
         t.column(\"id\", Type::BigInt).primary_key();\n        \
         t.column(\"name\", Type::String(100)).not_null();\n    \
         }});\n",
        t = table(k)
    );
    if k > 1 {
        body.push_str(&format!(
            "    op.add_column(\"{}\", \"{ADDED_COLUMN}\", Type::BigInt);\n",
            table(k - 1)
        ));
    }
    body.push_str(&format!(
        "    op.create_index(\"{}\", [\"name\"]);\n",
        table(k)
    ));
    body
}

/// The first `n` revisions, built in code (what `migrations!` loads from the files).
pub fn revisions(n: usize) -> Vec<Revision> {
    (1..=n).map(revision).collect()
}

/// Revision `k`, built in code.
pub fn revision(k: usize) -> Revision {
    let id = revision_id(k);
    let parent = parent_id(k);
    let parents: Vec<&str> = parent.as_deref().into_iter().collect();
    Revision::new(&id, &parents, &message(k), |op| upgrade(k, op))
}
