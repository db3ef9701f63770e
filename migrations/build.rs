//! Embeds the migration files of this directory (`NNN_name.sql`, `NNN_name.down.sql`,
//! `migrations.sum`) into the crate, so a new migration needs no hand-written Rust.
//! The runtime loader orders them by version and validates them; this script only lists.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    // A directory path makes cargo rerun this script when any file in it is added, removed
    // or touched.
    println!("cargo::rerun-if-changed=.");

    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("the migrations crate directory is readable")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            (name.ends_with(".sql") || name == "migrations.sum").then(|| (name, e.path()))
        })
        .collect();
    files.sort();

    for (name, _) in &files {
        let versioned = name.len() > 4
            && name.as_bytes()[..3].iter().all(u8::is_ascii_digit)
            && name.as_bytes()[3] == b'_';
        if name.ends_with(".sql") && !versioned {
            panic!(
                "migrations/{name}: migration files are named NNN_snake_name.sql or NNN_snake_name.down.sql"
            );
        }
    }

    let mut out = String::from(
        "/// (file name, contents) of every embedded migration file, by name.\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &files {
        let path = path.to_str().expect("migration paths are UTF-8");
        writeln!(out, "    ({name:?}, include_str!({path:?})),").expect("writing to a String");
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(&dest, out).expect("OUT_DIR is writable");
}
