use schema_runtime::prelude::*;
use schema_runtime::Dialect;

#[migration(id = "20250103_100000_search", message = "search")]
fn upgrade(op: &mut Ops) {
    op.only_on(&[Dialect::Postgres], |pg| {
        pg.create_index("posts", ["title"]).using("gin");
        // Rows one dialect alone gets are fine: the schemas stay the same.
        pg.bulk_insert("posts", ["id", "title"], [row![1, "hello"]]);
        pg.add_column("posts", "search", Type::custom("TSVECTOR"));
    });
}

fn main() {}
