//! `cargo schema`: cargo runs this binary as `cargo-schema schema <verb> ...`.

fn main() -> std::process::ExitCode {
    cargo_schema::main(std::env::args_os())
}
