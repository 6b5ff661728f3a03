static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("fixtures/duplicate-label", allow_branches);

fn main() {
    let _ = MIGRATIONS.defs();
}
