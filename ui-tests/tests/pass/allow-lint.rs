use schema_runtime::prelude::*;

#[migration(
    id = "20250102_100000_rename",
    revises = "20250101_090000_init",
    message = "rename users.name",
    allow_lint = ["rename-column", "drop-column"]
)]
fn upgrade(op: &mut Ops) {
    op.alter_column("users", "name").rename_to("display_name");
    op.drop_column("users", "bio");
}

#[allow(dead_code)]
mod single {
    use schema_runtime::prelude::*;

    #[migration(id = "0001_raw", message = "raw", allow_lint = "raw-sql")]
    fn upgrade(op: &mut Ops) {
        op.execute("SELECT 1").reverse("SELECT 1");
    }

    pub fn allowed() -> &'static [&'static str] {
        __SCHEMA_REVISION.allow_lint
    }
}

fn main() {
    let def = __SCHEMA_REVISION;
    assert_eq!(def.allow_lint, ["rename-column", "drop-column"]);
    assert_eq!(single::allowed(), ["raw-sql"]);
    let revision = def.header();
    assert_eq!(revision.allow_lint, ["rename-column", "drop-column"]);
}
