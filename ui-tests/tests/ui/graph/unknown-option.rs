static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("fixtures/two-heads", allow_branch);

fn main() {
    let _ = MIGRATIONS.defs();
}
