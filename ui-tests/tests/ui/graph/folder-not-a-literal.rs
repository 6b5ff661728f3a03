static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"));

fn main() {
    let _ = MIGRATIONS.defs();
}
