//! The benchmark workload at N=100 (docs/performance.md), correctness only: the DSL crate
//! it writes compiles, codegen runs on it, and its migrations give the same
//! `pg_dump --schema-only` as the plain SQL of the same workload, for v1 and after the
//! v2 one-column change; the crate-per-schema layout declares the same. No timing is
//! asserted here; `bench/run` measures.
//!
//! The crate is built with the workspace's target directory, so the toolkit crates it
//! depends on are compiled once and reused (seconds, not minutes, in CI).

use std::path::{Path, PathBuf};
use std::process::Command;
use tests::{apply_ok, workspace_root};

const TABLES: usize = 100;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Runs the crate's codegen (`cargo run -- --fast`), panicking with its output.
fn codegen(krate: &Path) -> String {
    codegen_with(krate, &["--fast", "--allow-destructive"])
}

/// Runs the crate's codegen with `args`; its standard output.
fn codegen_with(krate: &Path, args: &[&str]) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["run", "-q", "--offline", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .arg("--")
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(
        out.status.success(),
        "codegen on the workload crate failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The up migrations codegen wrote, in order.
fn ups(krate: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(krate.join("migrations"))
        .unwrap_or_else(|e| panic!("no migrations directory: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "sql") && !p.to_string_lossy().ends_with(".down.sql")
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

/// The workspace's own dev artifacts are reused as they are; small parts, so the crate
/// has several files per schema as a large one does.
fn options() -> workload::dsl::Options {
    workload::dsl::Options {
        part_size: 5,
        optimize_dependencies: false,
        crates: false,
    }
}

#[test]
fn dsl_and_sql_workloads_dump_the_same_schema_for_v1_and_v2() {
    let krate = target_dir().join("tmp").join("workload-smoke");
    let _ = std::fs::remove_dir_all(&krate);

    let v1 = workload::generate(TABLES, workload::DEFAULT_SEED, false);
    workload::dsl::write_crate(&v1, &krate, &workspace_root(), &options())
        .expect("writing the v1 crate");
    codegen(&krate);
    let v1_up = ups(&krate);
    assert_eq!(v1_up.len(), 1, "v1 is one migration");

    let from_dsl = pgharness::database("workload_dsl");
    apply_ok(&from_dsl, &v1_up[0]);
    let from_sql = pgharness::database("workload_sql");
    apply_ok(&from_sql, &workload::sql::sql(&v1));
    let dsl_dump = from_dsl.schema_dump();
    assert!(dsl_dump.contains("CREATE TABLE sales.t00000"), "{dsl_dump}");
    assert_eq!(dsl_dump, from_sql.schema_dump(), "v1: DSL and SQL differ");

    // v2: only the changed module is rewritten; codegen writes one more migration.
    let v2 = workload::generate(TABLES, workload::DEFAULT_SEED, true);
    workload::dsl::write_crate(&v2, &krate, &workspace_root(), &options())
        .expect("writing the v2 crate");
    codegen(&krate);
    let v2_up = ups(&krate);
    assert_eq!(v2_up.len(), 2, "v2 adds one migration");
    assert!(
        v2_up[1].contains(&format!("ADD COLUMN {}", workload::spec::ADDED_COLUMN)),
        "{}",
        v2_up[1]
    );
    apply_ok(&from_dsl, &v2_up[1]);
    let v2_sql = pgharness::database("workload_sql_v2");
    apply_ok(&v2_sql, &workload::sql::sql(&v2));
    assert_eq!(
        from_dsl.schema_dump(),
        v2_sql.schema_dump(),
        "v2: DSL and SQL differ"
    );

    // A crate per schema (`--crates`, for large schemas) declares the same: its codegen
    // finds the migrations, entities and pages of the one-crate layout up to date.
    let crates = workload::dsl::Options {
        crates: true,
        ..options()
    };
    workload::dsl::write_crate(&v2, &krate, &workspace_root(), &crates)
        .expect("writing the v2 crate as a crate per schema");
    assert!(
        krate.join("crates/refs/src/lib.rs").exists() && !krate.join("src/sales").exists(),
        "not the crate-per-schema layout"
    );
    let check = codegen_with(&krate, &["--check"]);
    assert!(check.contains("up to date"), "{check}");

    // The model emitter (what the engine benchmarks use) declares the same as the crate.
    let model = workload::model::database(&v2);
    let m = tests::first_migration(&model);
    let from_model = pgharness::database("workload_model");
    apply_ok(&from_model, &m.up);
    assert_eq!(
        from_model.schema_dump(),
        v2_sql.schema_dump(),
        "model differs"
    );
}
