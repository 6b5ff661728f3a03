//! Expression-only indexes written with a literal empty column list, and keys with options.
use schema_runtime::prelude::*;

#[migration(id = "20250103_100000_index_users", message = "index users")]
fn upgrade(op: &mut Ops) {
    op.create_index("users", []).unique().expression("lower(email)");
    op.create_index(
        "users",
        [
            IndexKey::column("created_at").desc().nulls_last(),
            IndexKey::expression("lower(name)"),
            IndexKey::column("name").opclass("varchar_pattern_ops"),
        ],
    )
    .name("ix_users_recent");
    op.create_index("posts", ["title"]).using("gin");
}

fn main() {}
