//! The codegen command: writes the next migration for a declaration, or (`--check`)
//! fails when the committed files are stale; `--new` writes an empty hand-written pair and
//! `--rehash` re-signs the checksum chain. `main.rs` runs it on `schema::database()`.
//!
//! Exit codes: 0 ok (or up to date), 1 invalid declaration / cycle / damaged snapshot /
//! I/O error, 2 stale or edited files (`--check`).

pub mod derived;
pub mod handwritten;
pub mod lint_new;

use anyhow::{Context, Result};
use clap::Parser;
use ddl::checksum::SUM_FILE;
use ddl::migration::{self, Existing, Generated, Outcome, SNAPSHOT_FILE};
use ddl::model::database::Database;
use ddl::online::Settings;
use ddl::plan::prepared::{Canonical, Prepared};
use ddl::threads::join;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "codegen",
    version,
    about = "Generate PostgreSQL migrations from the schema crate"
)]
pub struct Args {
    /// Do not write: exit 2 with the pending change when the generated files are stale.
    #[arg(long)]
    pub check: bool,
    /// The migrations directory.
    #[arg(long, default_value_os_t = default_dir())]
    pub dir: PathBuf,
    /// snake_case name of the new migration (default: derived from the change).
    #[arg(long)]
    pub name: Option<String>,
    /// Write a migration that drops tables, columns or reference rows.
    #[arg(long)]
    pub allow_destructive: bool,
    /// Write an empty hand-written migration pair NNN_NAME.sql / .down.sql (for data
    /// backfills and the like), signed in migrations.sum; the snapshot stays as it is.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["check", "name", "rehash"])]
    pub new: Option<String>,
    /// With --new: mark both files `-- @transaction: none` (CREATE INDEX CONCURRENTLY).
    #[arg(long, requires = "new")]
    pub no_transaction: bool,
    /// Re-sign migrations.sum after editing a hand-written migration that is not applied
    /// anywhere yet, or regenerate a lost one. Refuses edited generated files.
    #[arg(long, conflicts_with_all = ["check", "name"])]
    pub rehash: bool,
    /// The `src/` directory of the generated SeaORM entities crate (codegen owns it).
    #[arg(long, default_value_os_t = default_path("entities/src"))]
    pub entities: PathBuf,
    /// One transactional migration with plain statements, even for tables that already
    /// exist (no concurrent index builds, NOT VALID constraints or backfills): for a
    /// database nobody uses yet, and tests.
    #[arg(long)]
    pub fast: bool,
    /// Where the schema pages (Mermaid diagrams, creation order) go (codegen owns it).
    #[arg(long, default_value_os_t = default_path("docs/schema"))]
    pub diagrams: PathBuf,
    /// Print how long each step took, to stderr (for large schemas: where the time goes).
    #[arg(long)]
    pub timings: bool,
}

fn default_dir() -> PathBuf {
    default_path("migrations")
}

/// A path of the workspace, shown relative to where the command runs when it can be.
fn default_path(rel: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let dir = root.join(rel);
    // Shown relative to where the command runs: `migrations/001_initial_schema.sql`.
    std::env::current_dir()
        .ok()
        .and_then(|cwd| dir.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or(dir)
}

/// Exit status of a run.
pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const STALE: u8 = 2;

/// Runs the command for a declaration, printing to `out` and `err`.
pub fn run(args: &Args, db: &Database, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    run_with(args, db, &Settings::default(), out, err)
}

/// [`run`] with the declaration's migration settings (lock and statement timeouts).
pub fn run_with(
    args: &Args,
    db: &Database,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8> {
    for (flag, n) in [("--name", &args.name), ("--new", &args.new)] {
        if let Some(n) = n {
            anyhow::ensure!(
                !n.is_empty()
                    && n.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{flag} must be snake_case (a-z, 0-9, _), got `{n}`"
            );
        }
    }
    let mut clock = Clock::new(args.timings);
    let existing = read_dir(&args.dir)?;
    clock.lap(err, "read the migrations directory")?;
    let dir = args.dir.display();
    if args.rehash {
        return rehash(&args.dir, &existing, out, err);
    }
    // A damaged snapshot is reported before anything is planned from it: SQL computed
    // from a tampered file would be wrong, and so would the command it suggests.
    if let Err(diags) = migration::check_snapshot(&existing) {
        writeln!(err, "{diags}")?;
        return Ok(if args.check { STALE } else { FAILED });
    }
    let problems = migration::check_existing(&existing);
    clock.lap(err, "check the snapshot and checksums")?;
    if !args.check && !problems.is_empty() {
        for p in &problems {
            writeln!(err, "error: {p}")?;
        }
        writeln!(
            err,
            "the migrations directory does not match its checksums; restore the files from version control before generating"
        )?;
        return Ok(FAILED);
    }
    if let Some(name) = &args.new {
        let pair = handwritten::new_pair(&existing, name, args.no_transaction);
        write_files(
            &args.dir,
            &[
                (pair.up_file(), &pair.up),
                (pair.down_file(), &pair.down),
                (SUM_FILE.to_owned(), &pair.sum),
            ],
        )?;
        writeln!(
            out,
            "wrote {dir}/{}, {dir}/{} (hand-written, empty) and {SUM_FILE}; write the SQL, then run `cargo run -p codegen -- --rehash` to sign it",
            pair.up_file(),
            pair.down_file()
        )?;
        return Ok(OK);
    }

    let options = ddl::online::Options {
        fast: args.fast,
        settings: settings.clone(),
    };
    let planned = std::thread::scope(|s| -> Result<_> {
        // Validation needs the declaration alone: it runs while the declaration is sorted
        // and graphed, once for the migration, the entities and the pages.
        let validation = s.spawn(|| ddl::validate::validate(db));
        let canonical = Canonical::of(db);
        let prepared = canonical.prepare(db);
        clock.lap(err, "sort the declaration and build its graph")?;
        Ok(migration::next_migration_prepared(
            &existing,
            &prepared,
            args.name.as_deref(),
            &options,
            || join(validation),
            || derived_trees(args, &prepared),
        ))
    })?;
    let (outcome, trees) = match planned {
        Ok(o) => o,
        Err(diags) => {
            writeln!(err, "{diags}")?;
            return Ok(FAILED);
        }
    };
    clock.lap(
        err,
        "validate, plan and render the migration, with the entities and pages alongside",
    )?;
    if args.check {
        let mut stale = !problems.is_empty();
        for p in &problems {
            writeln!(err, "stale: {p}")?;
        }
        for tree in &trees {
            for line in tree.drift()?.lines(&tree.root) {
                writeln!(err, "stale: {line}")?;
                stale = true;
            }
        }
        if let Outcome::New(g) = &outcome {
            writeln!(
                err,
                "stale: the declaration has changes that no migration holds yet; `cargo run -p codegen` would write {dir}/{}:\n",
                g.up_file()
            )?;
            writeln!(err, "{}", g.up)?;
            stale = true;
        }
        if stale {
            writeln!(
                err,
                "run `cargo run -p codegen` and commit the files it writes"
            )?;
            return Ok(STALE);
        }
        writeln!(
            out,
            "up to date: {dir} holds every change of the declaration"
        )?;
        return Ok(OK);
    }

    match outcome {
        Outcome::UpToDate => {
            writeln!(
                out,
                "schema is up to date: no changes since the newest migration in {dir}"
            )?;
            write_trees(&trees, out)?;
            clock.lap(err, "write entities and schema pages")?;
            Ok(OK)
        }
        Outcome::New(g) => {
            print_plan(out, db, &g)?;
            if !g.destructive.is_empty() && !args.allow_destructive {
                writeln!(err, "error: this migration loses data:")?;
                for d in &g.destructive {
                    writeln!(err, "  - {d}")?;
                }
                writeln!(
                    err,
                    "nothing was written; rerun with --allow-destructive if that is intended"
                )?;
                return Ok(FAILED);
            }
            write_all(&args.dir, &g)?;
            clock.lap(err, "write the migration")?;
            writeln!(
                out,
                "wrote {dir}/{} ({}), {}, {SNAPSHOT_FILE}, {SUM_FILE}",
                g.up_file(),
                count(g.up_statements, "statement"),
                g.down_file()
            )?;
            if let Some(f) = &g.follow_up {
                writeln!(
                    out,
                    "wrote {dir}/{} ({}, outside a transaction: concurrent index builds, validations, backfills), {}",
                    f.up_file(),
                    count(f.up_statements, "statement"),
                    f.down_file()
                )?;
            }
            // Lint is work for the processor, writing the trees for the disk: side by side,
            // each into its own buffer, printed in this order.
            let (linted, written) = std::thread::scope(|s| {
                let written = s.spawn(|| {
                    let mut buf = Vec::new();
                    write_trees(&trees, &mut buf).map(|()| buf)
                });
                let mut buf = Vec::new();
                let linted = lint_new(&args.dir, &existing, &g, &mut buf).map(|()| buf);
                (linted, join(written))
            });
            out.write_all(&linted?)?;
            if !g.heavy_locks.is_empty() {
                writeln!(
                    out,
                    "locks on tables in use (reviewed? `--fast` is for databases nobody uses):"
                )?;
                for l in &g.heavy_locks {
                    writeln!(out, "  ! {l}")?;
                }
            }
            out.write_all(&written?)?;
            clock.lap(
                err,
                "lint the new migration; write entities and schema pages alongside",
            )?;
            Ok(OK)
        }
    }
}

/// `--timings`: the time of each step since the previous one.
struct Clock(Option<std::time::Instant>);

impl Clock {
    fn new(on: bool) -> Self {
        Self(on.then(std::time::Instant::now))
    }

    fn lap(&mut self, err: &mut dyn Write, step: &str) -> Result<()> {
        if let Some(t) = &mut self.0 {
            writeln!(
                err,
                "timing: {:>9.1} ms  {step}",
                t.elapsed().as_secs_f64() * 1e3
            )?;
            *t = std::time::Instant::now();
        }
        Ok(())
    }
}

/// A short plan: each change when there are few, counts by kind otherwise.
fn print_plan(out: &mut dyn Write, db: &Database, g: &Generated) -> Result<()> {
    writeln!(
        out,
        "schema: {}, {}, {}, {}, {}",
        count(db.extensions.len(), "extension"),
        count(db.schemas.len(), "schema"),
        count(db.enums.len(), "type"),
        count(db.functions.len(), "function"),
        count(db.tables.len(), "table")
    )?;
    if g.changes.len() <= 20 {
        for c in &g.changes {
            writeln!(out, "  {c}")?;
        }
        return Ok(());
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for c in &g.changes {
        let kind = c.rsplit_once(' ').map_or(c.as_str(), |(k, _)| k).to_owned();
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} x{n}")).collect();
    writeln!(out, "  {}", parts.join(", "))?;
    Ok(())
}

fn read_dir(dir: &Path) -> Result<Existing> {
    let mut existing = Existing::default();
    if !dir.exists() {
        return Ok(existing);
    }
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        let read = || {
            std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
        };
        if migration::parse_file_name(&name).is_some() {
            existing.files.push((name, read()?));
        } else if name == SNAPSHOT_FILE {
            existing.snapshot = Some(read()?);
        } else if name == SUM_FILE {
            existing.sum = Some(read()?);
        }
    }
    migration::sort_files(&mut existing.files);
    Ok(existing)
}

/// `1 statement`, `2 statements`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `--rehash`: signs the chain again, refusing edited generated files.
fn rehash(dir: &Path, existing: &Existing, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let shown = dir.display();
    match handwritten::rehash(existing) {
        Err(problems) => {
            for p in &problems {
                writeln!(err, "error: {p}")?;
            }
            writeln!(err, "nothing was written")?;
            Ok(FAILED)
        }
        Ok(done) => {
            if existing.sum.as_deref() == Some(done.sum.as_str()) {
                writeln!(
                    out,
                    "{shown}/{SUM_FILE} already signs every file; nothing to do"
                )?;
                return Ok(OK);
            }
            write_files(dir, &[(SUM_FILE.to_owned(), &done.sum)])?;
            for c in &done.changed {
                writeln!(out, "signed {c}")?;
            }
            if done.unverified {
                writeln!(
                    err,
                    "warning: {SUM_FILE} was missing or unreadable, so every file was signed as it is on disk and generated files could not be checked against it: review `git diff {shown}` before committing"
                )?;
            }
            writeln!(
                out,
                "wrote {shown}/{SUM_FILE} ({})",
                count(existing.files.len(), "file")
            )?;
            Ok(OK)
        }
    }
}

/// Runs the lint rules (docs/lint.md) on the files just written, with the earlier
/// migrations as context, and prints what they find: a reviewer sees it before CI does.
fn lint_new(dir: &Path, existing: &Existing, g: &Generated, out: &mut dyn Write) -> Result<()> {
    let earlier: Vec<(&str, &str)> = existing
        .files
        .iter()
        .filter(|(n, _)| migration::parse_file_name(n).is_some_and(|(_, down)| !down))
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let up_file = g.up_file();
    let follow_up = g.follow_up.as_ref().map(|f| (f.up_file(), f.up.as_str()));
    let mut new = vec![(up_file.as_str(), g.up.as_str())];
    if let Some((name, text)) = &follow_up {
        new.push((name.as_str(), text));
    }
    // Codegen has verified the sum against the files (an empty directory has none).
    let earlier = lint_new::Signed {
        files: &earlier,
        sum: existing.sum.as_deref().unwrap_or_default(),
    };
    lint_new::lint_new(dir, earlier, &new, &g.sum, out)
}

/// What the declaration generates besides migrations.
fn derived_trees(args: &Args, prepared: &Prepared<'_>) -> Vec<derived::Tree> {
    // Independent of each other: one on each core.
    let (entities, pages) = std::thread::scope(|s| {
        let pages = s.spawn(|| ddl::diagram::pages_prepared(prepared));
        let entities = ddl::entity::files_prepared(prepared);
        (entities, join(pages))
    });
    vec![
        derived::Tree {
            root: args.entities.clone(),
            extension: "rs",
            files: entities.into_iter().map(|f| (f.path, f.content)).collect(),
        },
        derived::Tree {
            root: args.diagrams.clone(),
            extension: "md",
            files: pages.into_iter().map(|p| (p.path, p.content)).collect(),
        },
    ]
}

fn write_trees(trees: &[derived::Tree], out: &mut dyn Write) -> Result<()> {
    for tree in trees {
        let changed = tree.write()?;
        if changed > 0 {
            writeln!(
                out,
                "wrote {}: {}",
                tree.root.display(),
                count(changed, "file")
            )?;
        }
    }
    Ok(())
}

fn write_all(dir: &Path, g: &Generated) -> Result<()> {
    let mut files = vec![(g.up_file(), &g.up), (g.down_file(), &g.down)];
    if let Some(f) = &g.follow_up {
        files.push((f.up_file(), &f.up));
        files.push((f.down_file(), &f.down));
    }
    files.push((SNAPSHOT_FILE.to_owned(), &g.snapshot));
    files.push((SUM_FILE.to_owned(), &g.sum));
    write_files(dir, &files)
}

/// Writes every file under a temporary name first, then renames them all, so an error
/// leaves the directory as it was.
fn write_files(dir: &Path, files: &[(String, &String)]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut staged = Vec::new();
    for (name, text) in files {
        let tmp = dir.join(format!(".{name}.tmp"));
        if let Err(e) = std::fs::write(&tmp, text) {
            for (t, _) in &staged {
                let _ = std::fs::remove_file(t);
            }
            let _ = std::fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("writing {}", tmp.display()));
        }
        staged.push((tmp, dir.join(name)));
    }
    for (tmp, dest) in staged {
        std::fs::rename(&tmp, &dest).with_context(|| format!("writing {}", dest.display()))?;
    }
    Ok(())
}
