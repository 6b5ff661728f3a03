// A folder without `*.rs` files yet: nothing to embed, and no error.
static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("fixtures/empty");

fn main() {
    assert!(MIGRATIONS.is_empty());
}
