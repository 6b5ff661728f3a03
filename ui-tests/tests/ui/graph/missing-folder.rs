// An absolute path, so that the message does not depend on where the target directory is.
static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("/nonexistent/schema-ui-tests/migrations");

fn main() {
    let _ = MIGRATIONS.defs();
}
