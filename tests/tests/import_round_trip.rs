//! `cli import` round trip on PostgreSQL 15: database X -> import -> compile -> codegen
//! -> apply to an empty database Y -> `pg_dump --schema-only` of Y equals X's (blocks
//! sorted, nothing else normalised). Every case is one module tree of ONE scratch crate
//! (`target/import-scratch/`, its own `CARGO_TARGET_DIR` under `target/`, so `ddl` is
//! compiled once and reused across runs); its binary writes each case's snapshot and
//! first migration, exactly as codegen would, and fails on any diagnostic.

#[path = "../../ddl/tests/common/mod.rs"]
mod common;

use ddl::model::database::Database;
use pgharness::TestDb;
use std::path::{Path, PathBuf};
use std::process::Command;
use tests::fixtures::random::{ColumnSpec, random_declaration};
use tests::{apply_each_ok, apply_ok, first_migration, workspace_root};

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// `pg_dump --schema-only` split into its blocks (one object each), sorted; the history
/// schema of the migration runner left out (Y is built without the runner). Privileges
/// are kept: grants and default privileges round-trip too (both databases have one owner).
fn dump_blocks(db: &TestDb) -> Vec<String> {
    let out = Command::new(pgharness::server().program("pg_dump"))
        .args([
            "--schema-only",
            "--no-owner",
            "--exclude-schema=schemactl",
            "-d",
        ])
        .arg(&db.url)
        .output()
        .expect("pg_dump runs");
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut blocks: Vec<String> = text
        .split("\n\n")
        .map(|b| {
            b.lines()
                .filter(|l| !l.starts_with("--") && !l.starts_with("SET "))
                .filter(|l| !l.starts_with("SELECT pg_catalog.set_config"))
                .filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict "))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|b| !b.trim().is_empty())
        .collect();
    blocks.sort();
    blocks
}

/// One database to import.
struct Case {
    name: &'static str,
    x: TestDb,
    imported: import::Imported,
}

fn import_case(name: &'static str, x: TestDb) -> Case {
    let live = block(introspect::inspect(&x.url, &[])).expect("inspect");
    let leftovers = live
        .not_managed
        .iter()
        .map(|n| import::Leftover::new(&n.kind, &n.name, &n.reason))
        .collect();
    // Not formatted: `cli import` writes rustfmt's layout itself (checked below).
    let imported = import::import(&live.model, leftovers, "Imported by the round-trip test.");
    Case { name, x, imported }
}

fn from_declaration(name: &'static str, decl: &Database) -> Case {
    let x = pgharness::database(name);
    apply_ok(&x, &first_migration(decl).up);
    import_case(name, x)
}

fn from_sql(name: &'static str, file: &str) -> Case {
    let x = pgharness::database(name);
    let path = workspace_root().join("tests/sql").join(file);
    x.psql_file(&path)
        .unwrap_or_else(|e| panic!("{file} does not apply: {e}"));
    import_case(name, x)
}

/// The platform database as the runner leaves it: the repo's committed migrations.
fn platform() -> Case {
    let x = pgharness::database("imp_platform");
    let dir = workspace_root().join("migrations");
    let mut ups: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("migrations/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.ends_with(".sql") && !n.ends_with(".down.sql")
        })
        .collect();
    ups.sort();
    for p in ups {
        let sql = std::fs::read_to_string(&p).expect("readable migration");
        if sql.contains("-- @transaction: none") {
            apply_each_ok(&x, &sql);
        } else {
            apply_ok(&x, &sql);
        }
    }
    import_case("imp_platform", x)
}

/// A few random schemas of the introspection round trip's generator, fixed so that a
/// failure reproduces.
fn random_cases() -> Vec<(&'static str, Database)> {
    let spec = |kind, not_null, default, check, unique, indexed| ColumnSpec {
        kind,
        not_null,
        default,
        check,
        unique,
        indexed,
    };
    let a = vec![
        vec![
            spec(0, true, true, true, false, 1),
            spec(2, false, true, false, true, 3),
        ],
        vec![
            spec(3, true, true, true, false, 2),
            spec(5, false, true, false, false, 0),
        ],
    ];
    let b = vec![
        vec![spec(4, true, true, true, true, 1)],
        vec![
            spec(6, false, true, true, false, 2),
            spec(7, true, true, false, false, 0),
        ],
        vec![
            spec(8, true, true, false, true, 0),
            spec(9, false, true, true, false, 1),
        ],
    ];
    let c = vec![vec![], vec![spec(1, true, true, true, true, 2)]];
    vec![
        (
            "imp_random_a",
            random_declaration(&a, &[(0, 1, 1), (1, 0, 5)], &[true, false]),
        ),
        (
            "imp_random_b",
            random_declaration(&b, &[(2, 0, 2), (1, 2, 4)], &[false, true, true]),
        ),
        ("imp_random_c", random_declaration(&c, &[(1, 1, 0)], &[])),
    ]
}

/// Writes every case into the scratch crate, builds it once and runs it: the snapshot
/// and first migration of each case, in `out/`.
fn build_and_run(cases: &[Case]) -> PathBuf {
    let root = workspace_root();
    let scratch = root.join("target/import-scratch");
    let src = scratch.join("src");
    let _ = std::fs::remove_dir_all(src.join("cases"));
    std::fs::create_dir_all(src.join("cases")).expect("scratch dir");
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "[package]\nname = \"import-cases\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nddl = {{ path = \"{}\" }}\n\n[workspace]\n",
            root.join("ddl").display()
        ),
    )
    .expect("Cargo.toml");
    // The workspace's lock file: the same versions, nothing to resolve or download.
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).expect("Cargo.lock");
    let mut main = String::from("//! Written by tests/tests/import_round_trip.rs.\n\n");
    let mut calls = String::new();
    for c in cases {
        let dir = src.join("cases").join(c.name);
        std::fs::create_dir_all(&dir).expect("case dir");
        for f in &c.imported.files {
            std::fs::write(dir.join(&f.path), &f.contents).expect("case file");
        }
        main.push_str(&format!(
            "#[path = \"cases/{0}/lib.rs\"]\nmod {0};\n",
            c.name
        ));
        calls.push_str(&format!(
            "    write(&out, \"{0}\", &{0}::database());\n",
            c.name
        ));
    }
    main.push_str(&format!(
        r#"
use ddl::migration::{{Existing, Outcome, next_migration, snapshot_json}};

fn write(out: &std::path::Path, name: &str, db: &ddl::model::database::Database) {{
    match next_migration(&Existing::default(), db, None) {{
        Ok(Outcome::New(g)) => {{
            std::fs::write(out.join(format!("{{name}}.up.sql")), &g.up).expect("write");
            std::fs::write(out.join(format!("{{name}}.snapshot.json")), snapshot_json(&db.canonical())).expect("write");
        }}
        Ok(Outcome::UpToDate) => panic!("{{name}}: nothing to create"),
        Err(d) => {{
            eprintln!("{{name}}: codegen reports diagnostics:\n{{d}}");
            std::process::exit(1);
        }}
    }}
}}

fn main() {{
    let out = std::path::PathBuf::from(std::env::args().nth(1).expect("out dir"));
{calls}}}
"#
    ));
    std::fs::write(src.join("main.rs"), main).expect("main.rs");
    let out = scratch.join("out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("out dir");
    let status = Command::new(env!("CARGO"))
        .args(["run", "--offline", "--quiet", "--manifest-path"])
        .arg(scratch.join("Cargo.toml"))
        .arg("--")
        .arg(&out)
        .env(
            "CARGO_TARGET_DIR",
            root.join("target/import-scratch-target"),
        )
        .env_remove("RUSTFLAGS")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "the imported code does not compile or codegen refuses it"
    );
    out
}

fn read(out: &Path, file: String) -> String {
    std::fs::read_to_string(out.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The blocks only one side has.
fn difference(x: &[String], y: &[String]) -> String {
    let only_x: Vec<&String> = x.iter().filter(|b| !y.contains(b)).collect();
    let only_y: Vec<&String> = y.iter().filter(|b| !x.contains(b)).collect();
    format!("only in X:\n{only_x:#?}\nonly in Y:\n{only_y:#?}")
}

#[test]
fn imported_databases_compile_and_rebuild_the_same_pg_dump() {
    let mut cases = vec![
        platform(),
        from_declaration("imp_shop", &common::shop()),
        from_declaration("imp_seed000", &tests::fixtures::seed000::database()),
        from_declaration("imp_market", &tests::fixtures::market::market()),
        from_sql("imp_rails", "rails_app.sql"),
        from_sql("imp_django", "django_app.sql"),
        from_sql("imp_saas", "saas_app.sql"),
        from_sql("imp_hostile", "hostile_names.sql"),
    ];
    for (name, decl) in random_cases() {
        cases.push(from_declaration(name, &decl));
    }
    // Every written file is what rustfmt makes of it: the writer's layout is rustfmt's.
    let mut not_fixed = Vec::new();
    for c in &cases {
        for f in &c.imported.files {
            let formatted = import::rustfmt(&f.contents).expect("rustfmt runs");
            if formatted != f.contents {
                not_fixed.push(format!(
                    "{}/{}:\n{}",
                    c.name,
                    f.path,
                    import::layout_diff(&f.contents, &formatted)
                ));
            }
        }
    }
    assert!(
        not_fixed.is_empty(),
        "rustfmt changes {} written file(s):\n{}",
        not_fixed.len(),
        not_fixed.join("\n")
    );
    let out = build_and_run(&cases);
    for c in &cases {
        // The compiled code declares exactly what the import meant to write.
        let snapshot = read(&out, format!("{}.snapshot.json", c.name));
        let expected = ddl::migration::snapshot_json(&c.imported.declaration);
        let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
        assert!(
            snapshot == expected,
            "{}: the written code declares something else than the imported model:\n{}",
            c.name,
            difference(&lines(&snapshot), &lines(&expected))
        );
        // codegen on the written code writes what `--baseline` writes.
        let up = read(&out, format!("{}.up.sql", c.name));
        assert!(
            up == first_migration(&c.imported.declaration).up,
            "{}: 001 differs",
            c.name
        );
        let y = pgharness::database(&format!("{}_y", c.name));
        apply_ok(&y, &up);
        let (mut bx, by) = (dump_blocks(&c.x), dump_blocks(&y));
        if c.name == "imp_shop" {
            // The shop declares one raw object, a publication: raw SQL cannot be read back
            // from a database, so the import has no way to write it. Y is compared with X
            // without it: its CREATE PUBLICATION and its ALTER PUBLICATION .. ADD TABLE.
            let before = bx.len();
            bx.retain(|b| !b.contains("PUBLICATION shop_orders"));
            assert_eq!(
                before - bx.len(),
                2,
                "the publication and its table, nothing else"
            );
        }
        assert!(
            bx == by,
            "{}: pg_dump of Y differs from X:\n{}",
            c.name,
            difference(&bx, &by)
        );
        assert_eq!(
            c.imported.leftovers,
            vec![],
            "{}: nothing is left out",
            c.name
        );
    }
}

#[test]
fn rails_serial_columns_are_imported_as_serial_columns() {
    let c = from_sql("imp_rails_report", "rails_app.sql");
    assert_eq!(c.imported.leftovers, vec![]);
    assert!(c.imported.declaration.sequences.is_empty());
    let public = c
        .imported
        .files
        .iter()
        .find(|f| f.path == "public.rs")
        .expect("public.rs");
    assert!(
        public
            .contents
            .contains("col(\"id\", BIGINT).serial().primary_key()"),
        "the serial column is `.serial()`:\n{}",
        public.contents
    );
}

#[test]
fn the_imported_platform_declaration_has_no_drift_from_the_database() {
    // The repo's declaration has none (cli verify after migrate up); neither has the
    // imported one: both are the same database in PostgreSQL's normal form.
    let c = platform();
    for decl in [schema::database(), c.imported.declaration.clone()] {
        let report = block(introspect::verify(
            &c.x.url,
            &decl,
            &introspect::VerifyOptions::default(),
        ))
        .expect("verify");
        assert!(
            report.drift.is_empty(),
            "{}",
            introspect::drift::text(&report)
        );
    }
    // Everything the repo declares is imported, with the same names and columns.
    let (repo, imported) = (schema::database().canonical(), &c.imported.declaration);
    let names = |db: &Database| -> Vec<String> {
        db.tables
            .iter()
            .map(|t| {
                let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
                format!("{} ({})", t.name, cols.join(", "))
            })
            .collect()
    };
    assert_eq!(names(imported), names(&repo));
    let fns = |db: &Database| {
        db.functions
            .iter()
            .map(|f| f.name.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(fns(imported), fns(&repo));
}

/// Every expression replaced by a marker: what is left is structure.
fn masked(db: &Database) -> Database {
    use ddl::model::expr::SqlExpr;
    use ddl::model::index::IndexTarget;
    let mark = |e: &mut SqlExpr| *e = SqlExpr::from("true");
    let mut db = db.canonical();
    for t in &mut db.tables {
        for c in &mut t.columns {
            c.default
                .iter_mut()
                .chain(c.generated.iter_mut())
                .for_each(mark);
        }
        t.checks.iter_mut().for_each(|c| mark(&mut c.expr));
        for i in &mut t.indexes {
            i.predicate.iter_mut().for_each(mark);
            for k in &mut i.keys {
                if let IndexTarget::Expr(e) = &mut k.target {
                    mark(e);
                }
            }
        }
        for p in &mut t.policies {
            p.using
                .iter_mut()
                .chain(p.with_check.iter_mut())
                .for_each(mark);
        }
        t.triggers
            .iter_mut()
            .for_each(|tr| tr.when.iter_mut().for_each(mark));
    }
    db
}

#[test]
fn the_first_migration_of_the_imported_platform_differs_from_the_repos_only_in_expression_spelling_and_rows()
 {
    let c = platform();
    let plan = |db: &Database| {
        ddl::migration::plan_statements(&Database::new(), db)
            .unwrap_or_else(|d| panic!("plans: {d}"))
            .1
    };
    let (ours, repo) = (plan(&c.imported.declaration), plan(&schema::database()));
    let key = |s: &ddl::sql::render::Stmt| format!("{} {}", s.kind, s.name);
    // 1. Reference rows are data: the import reads the schema only.
    let repo_keys: Vec<String> = repo
        .iter()
        .map(key)
        .filter(|k| !k.starts_with("rows "))
        .collect();
    let our_keys: Vec<String> = ours.iter().map(key).collect();
    assert_eq!(
        our_keys, repo_keys,
        "the same statements, in the same order"
    );
    assert_eq!(
        repo.iter()
            .map(key)
            .filter(|k| k.starts_with("rows "))
            .collect::<Vec<_>>(),
        ["rows cfg.currencies", "rows cfg.languages"]
    );
    // 2. The other statements that differ differ in expressions only: PostgreSQL's normal
    //    form (`status IN ('a')` is `status::text = ANY (ARRAY[...])`, `BETWEEN` is two
    //    comparisons, `'english'` is `'english'::regconfig`), the same catalog entries
    //    (the drift test above). Masking every expression makes the files equal.
    let differing = ours
        .iter()
        .zip(repo.iter().filter(|s| s.kind != "rows"))
        .filter(|(a, b)| a.sql != b.sql)
        .count();
    assert!(
        differing > 0,
        "expressions are read in PostgreSQL's normal form"
    );
    let mut repo_masked = masked(&schema::database());
    for t in &mut repo_masked.tables {
        t.rows = None;
    }
    let (a, b) = (plan(&masked(&c.imported.declaration)), plan(&repo_masked));
    let sql = |v: &[ddl::sql::render::Stmt]| v.iter().map(|s| s.sql.clone()).collect::<Vec<_>>();
    assert!(sql(&a) == sql(&b), "{}", difference(&sql(&a), &sql(&b)));
}
