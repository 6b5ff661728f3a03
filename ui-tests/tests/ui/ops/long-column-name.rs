use schema_runtime::prelude::*;

// PostgreSQL would silently cut the name to 63 bytes.
#[migration(id = "20250102_143000_create_users", message = "create users")]
fn upgrade(op: &mut Ops) {
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
        t.column("author_display_name_as_shown_next_to_every_post_and_comment_they_wrote", Type::Text);
    });
}

fn main() {}
