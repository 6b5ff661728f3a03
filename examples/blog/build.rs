// A new file in migrations/ must rebuild the crate that embeds the folder.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
