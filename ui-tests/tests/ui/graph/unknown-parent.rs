static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("fixtures/unknown-parent");

fn main() {
    let _ = MIGRATIONS.defs();
}
