static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("fixtures/unknown-dependency");

fn main() {
    let _ = MIGRATIONS.defs();
}
