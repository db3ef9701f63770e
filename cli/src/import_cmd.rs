//! `cli import`: writes a live database's schema as Rust DSL modules (the `import` crate
//! renders them; this reads the database, writes the files and, with `--baseline`, the
//! first migration and its history row). Exit 2 when something was left out.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ddl::checksum::SUM_FILE;
use ddl::migration::{Existing, Generated, Outcome, SNAPSHOT_FILE, next_migration};
use migrations::runner::{connect_as, history};
use migrations::source::MigrationSet;
use sea_orm::sqlx::Connection as _;

use crate::Verdict;
use crate::args::ImportArgs;

pub async fn run(url: Option<String>, args: ImportArgs) -> anyhow::Result<Verdict> {
    // `IMPORT_TIMINGS=1`: the time of each phase on stderr (the import benchmark's
    // profile).
    let timings = std::env::var_os("IMPORT_TIMINGS").is_some();
    let started = std::time::Instant::now();
    let phase = |name: &str| {
        if timings {
            eprintln!(
                "import timing: {name} at {:.2} s",
                started.elapsed().as_secs_f64()
            );
        }
    };
    let url = crate::require_url(url)?;
    let (mut conn, target) = connect_as(&url, "cli import").await?;
    let all = introspect::user_schemas(&mut conn, &target.to_string()).await?;
    let unknown: Vec<&str> = args
        .schema
        .iter()
        .filter(|s| !all.contains(s))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        bail!(
            "no schema {} in {target} (it has: {})",
            unknown.join(", "),
            all.join(", ")
        );
    }
    phase("connected");
    let live = introspect::inspect(&url, &args.schema).await?;
    phase("read the catalogs");
    let leftovers: Vec<import::Leftover> = live
        .not_managed
        .iter()
        .map(|n| import::Leftover::new(&n.kind, &n.name, &n.reason))
        .chain(live.disabled_triggers.iter().map(|d| {
            import::Leftover::new(
                "trigger state",
                format!("{}.{}", d.table, d.trigger),
                format!(
                    "the trigger is declared enabled; ALTER TABLE ... {} TRIGGER is not in the model",
                    match d.state.as_str() {
                        "D" => "DISABLE",
                        "R" => "ENABLE REPLICA",
                        _ => "ENABLE ALWAYS",
                    }
                ),
            )
        }))
        .collect();
    if live.model.is_empty() && leftovers.is_empty() {
        bail!(
            "{target} has nothing to import in {}: no extensions, schemas, types, functions or tables; nothing written",
            if args.schema.is_empty() {
                "any schema".to_owned()
            } else {
                format!("schema {}", args.schema.join(", "))
            }
        );
    }
    let header = format!(
        "Imported from {} by `cli import` (docs/import.md).",
        target.database
    );
    let mut imported = import::import(&live.model, leftovers, &header);
    phase("wrote the modules");
    // The files are already in rustfmt's layout (import/src/write/layout/).
    if args.rustfmt {
        import::format(&mut imported.files).map_err(|e| anyhow::anyhow!("rustfmt failed: {e}"))?;
    }

    // Everything is planned before anything is written: a declaration that codegen would
    // refuse writes no files at all.
    let baseline = if args.baseline {
        let dir = args
            .migrations_dir
            .clone()
            .unwrap_or_else(|| default_migrations_dir(&args.out));
        refuse_non_empty(&dir, args.force, "--migrations-dir")?;
        let applied = history::read(&mut conn).await?;
        if !applied.is_empty() {
            bail!(
                "{target} already has {} applied migration(s) in {}: --baseline is for a database without history",
                applied.len(),
                history::HISTORY_TABLE
            );
        }
        match next_migration(&Existing::default(), &imported.declaration, None) {
            Ok(Outcome::New(g)) => Some((dir, *g)),
            Ok(Outcome::UpToDate) => None,
            Err(d) => bail!("codegen refuses the imported declaration:\n{d}"),
        }
    } else {
        // Without --baseline the files are written anyway (they are the user's to edit),
        // but what codegen will refuse is said now: typically a foreign key or trigger
        // into a schema left out with --schema.
        if let Err(d) = ddl::validate::validate(&imported.declaration) {
            eprintln!("warning: codegen will refuse this declaration until it is fixed:\n{d}");
        }
        None
    };
    phase("validated");
    refuse_non_empty(&args.out, args.force, "--out")?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    for f in &imported.files {
        let path = args.out.join(&f.path);
        std::fs::write(&path, &f.contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    phase("wrote the files");
    println!(
        "wrote {} files to {} from {target}:",
        imported.files.len(),
        args.out.display()
    );
    for (kind, n) in imported.counts() {
        println!("  {n:>6} {kind}");
    }
    if let Some((dir, g)) = &baseline {
        write_baseline(dir, g)?;
        record_applied(&mut conn, dir).await?;
        println!(
            "baseline: wrote {} and recorded it as applied in {target} ({}); the next schema edit becomes migration {:03}",
            dir.join(g.up_file()).display(),
            history::HISTORY_TABLE,
            g.version + 1
        );
    }
    let _ = conn.close().await;
    if imported.leftovers.is_empty() {
        println!("complete: every object was declared");
        Ok(Verdict::Clean)
    } else {
        print!("{}", import::report(&imported.leftovers));
        println!("(also listed at the top of each module; exit code 2)");
        Ok(Verdict::Problems)
    }
}

/// `migrations/` next to the crate whose `src/` is `out` (`schema/src` -> `migrations`).
fn default_migrations_dir(out: &Path) -> PathBuf {
    let crate_dir = out.parent().unwrap_or(Path::new("."));
    crate_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("migrations"), |p| p.join("migrations"))
}

fn refuse_non_empty(dir: &Path, force: bool, flag: &str) -> anyhow::Result<()> {
    let non_empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if non_empty && !force {
        bail!(
            "{flag} {} is not empty: pass --force to write into it (files of the same names are replaced)",
            dir.display()
        );
    }
    Ok(())
}

fn write_baseline(dir: &Path, g: &Generated) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut files = vec![
        (g.up_file(), g.up.as_str()),
        (g.down_file(), g.down.as_str()),
        (SNAPSHOT_FILE.to_owned(), g.snapshot.as_str()),
        (SUM_FILE.to_owned(), g.sum.as_str()),
    ];
    if let Some(f) = &g.follow_up {
        files.push((f.up_file(), f.up.as_str()));
        files.push((f.down_file(), f.down.as_str()));
    }
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Records every migration of `dir` as applied, with the checksums the runner computes,
/// in one transaction: `migrate up` then finds nothing to do.
async fn record_applied(conn: &mut sea_orm::sqlx::PgConnection, dir: &Path) -> anyhow::Result<()> {
    let set = MigrationSet::from_dir(dir)?;
    let mut sql = format!("BEGIN;\n{}\n", history::CREATE_SQL);
    for m in &set.migrations {
        sql.push_str(&history::insert_sql(m, "0"));
        sql.push('\n');
    }
    sql.push_str("COMMIT;");
    sea_orm::sqlx::raw_sql(sea_orm::sqlx::AssertSqlSafe(sql))
        .execute(conn)
        .await
        .map_err(|e| anyhow::anyhow!("cannot record the baseline in the history: {e}"))?;
    Ok(())
}
