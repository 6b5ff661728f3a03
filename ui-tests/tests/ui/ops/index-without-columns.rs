use schema_runtime::prelude::*;

#[migration(id = "20250103_100000_index_posts", message = "index posts")]
fn upgrade(op: &mut Ops) {
    op.create_index("posts", []);
}

fn main() {}
