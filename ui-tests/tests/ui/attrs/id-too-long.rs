use schema_runtime::prelude::*;

#[migration(
    id = "20250102_143000_create_users_with_email_and_password_columns_and_an_index_on_email_and_a_few_more_words",
    message = "create users"
)]
fn upgrade(op: &mut Ops) {
    op.drop_table("users");
}

fn main() {}
