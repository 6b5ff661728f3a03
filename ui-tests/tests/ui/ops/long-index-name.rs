use schema_runtime::prelude::*;

#[migration(id = "20250103_100000_index_posts", message = "index posts")]
fn upgrade(op: &mut Ops) {
    op.create_index("posts", ["published", "created_at"])
        .name("ix_posts_published_created_at_for_the_front_page_listing_of_recent_posts");
}

fn main() {}
