static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("fixtures/duplicate-id");

fn main() {
    let _ = MIGRATIONS.defs();
}
