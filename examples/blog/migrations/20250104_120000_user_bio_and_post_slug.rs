use schema_runtime::prelude::*;

#[migration(
    id = "20250104_120000_user_bio_and_post_slug",
    revises = "20250103_110000_comments_and_tags",
    message = "user bio and post slug"
)]
fn upgrade(op: &mut Ops) {
    op.add_column("users", "bio", Type::Text);
    op.add_column("posts", "slug", Type::String(200));
    op.create_index("posts", ["slug"]).unique();
}
