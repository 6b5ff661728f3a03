static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("fixtures/file-without-migration");

fn main() {
    let _ = MIGRATIONS.defs();
}
