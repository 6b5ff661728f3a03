static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("fixtures/dependency-cycle");

fn main() {
    let _ = MIGRATIONS.defs();
}
