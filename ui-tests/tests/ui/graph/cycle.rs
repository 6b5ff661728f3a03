static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("fixtures/cycle");

fn main() {
    let _ = MIGRATIONS.defs();
}
