use schema_runtime::prelude::*;

#[migration(
    id = "20250102_100000_rename",
    revises = "20250101_090000_init",
    message = "rename users.name",
    allow_lint = ["rename-column", "rename_colum", "no-such-rule"]
)]
fn upgrade(op: &mut Ops) {
    op.alter_column("users", "name").rename_to("display_name");
}

fn main() {}
