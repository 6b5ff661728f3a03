use schema_runtime::prelude::*;
use schema_runtime::Dialect;

#[migration(id = "20250103_100000_search", message = "search")]
fn upgrade(op: &mut Ops) {
    op.only_on(&[Dialect::Postgres], |pg| {
        pg.create_index("posts", ["title"]).using("gin");
        pg.add_column("posts", "search", Type::custom("TSVECTOR"));
    });
}

fn main() {}
