static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("fixtures/two-heads");

fn main() {
    let _ = MIGRATIONS.defs();
}
