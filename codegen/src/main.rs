//! `cargo run -p codegen`: writes the next migration for the declared schema.
//! `cargo run -p codegen -- --check`: fails (exit 2) when the committed files are stale.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = codegen::Args::parse();
    let db = schema::database();
    let settings = schema::migration_settings();
    match codegen::run_with(
        &args,
        &db,
        &settings,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    ) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(codegen::FAILED)
        }
    }
}
