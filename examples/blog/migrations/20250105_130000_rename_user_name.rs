use schema_runtime::prelude::*;

#[migration(
    id = "20250105_130000_rename_user_name",
    revises = "20250104_120000_user_bio_and_post_slug",
    message = "rename users.name to display_name"
)]
fn upgrade(op: &mut Ops) {
    op.alter_column("users", "name").rename_to("display_name");
}
