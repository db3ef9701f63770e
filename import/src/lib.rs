//! `cli import`: a live database, read by `introspect`, written as Rust DSL modules.
//!
//! [`import`] turns the read model into the declaration the written code makes
//! ([`adopt`]), renders one module per PostgreSQL schema plus `lib.rs` ([`write`]),
//! and lists what it could not declare ([`Leftover`]). The files are written in rustfmt's
//! layout (edition 2024, default configuration) by `write/layout/`, so rustfmt leaves
//! them unchanged and need not run; [`format`] still runs it (`cli import --rustfmt`).
//! Pure: no database I/O (the CLI reads and baselines).

pub mod adopt;
pub mod leftover;
pub mod names;
pub mod write;

pub use leftover::{Leftover, report};
pub use write::File;

use ddl::model::database::Database;
use std::io::Write as _;
use std::process::{Command, Stdio};

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Exactly what the written code declares (`database()` returns this, canonical).
    pub declaration: Database,
    pub files: Vec<File>,
    /// Everything left out, sorted: printed, written into the modules, exit code 2.
    pub leftovers: Vec<Leftover>,
}

impl Imported {
    /// Objects written, per kind, in a fixed order (kinds with none left out).
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        counts(&self.declaration)
    }
}

/// Writes `model` (as read from a database) as Rust source. `leftovers` are the objects
/// the reader could not represent; `header` is the first doc line of every file.
pub fn import(model: &Database, leftovers: Vec<Leftover>, header: &str) -> Imported {
    let mut declaration = model.canonical();
    let mut leftovers = leftovers;
    leftovers.extend(adopt::adopt(&mut declaration));
    leftovers.sort();
    leftovers.dedup();
    let files = write::files(&declaration, &leftovers, header);
    Imported {
        declaration,
        files,
        leftovers,
    }
}

/// Objects per kind, kinds with none left out.
pub fn counts(db: &Database) -> Vec<(&'static str, usize)> {
    let tables = &db.tables;
    let sum = |f: fn(&ddl::model::table::Table) -> usize| tables.iter().map(f).sum::<usize>();
    let all = [
        ("extensions", db.extensions.len()),
        ("schemas", db.schemas.len()),
        ("enum types", db.enums.len()),
        ("domains", db.domains.len()),
        ("composite types", db.composites.len()),
        ("range types", db.ranges.len()),
        ("sequences", db.sequences.len()),
        ("functions", db.functions.len()),
        ("aggregates", db.aggregates.len()),
        ("tables", tables.len()),
        ("partitions", sum(|t| usize::from(t.partition_of.is_some()))),
        ("columns", sum(|t| t.columns.len())),
        (
            "primary keys",
            sum(|t| usize::from(t.primary_key.is_some())),
        ),
        ("unique constraints", sum(|t| t.uniques.len())),
        ("check constraints", sum(|t| t.checks.len())),
        ("foreign keys", sum(|t| t.foreign_keys.len())),
        ("exclusion constraints", sum(|t| t.exclusions.len())),
        ("indexes", sum(|t| t.indexes.len())),
        ("triggers", sum(|t| t.triggers.len())),
        ("policies", sum(|t| t.policies.len())),
        ("views", db.views.iter().filter(|v| !v.materialized).count()),
        (
            "materialized views",
            db.views.iter().filter(|v| v.materialized).count(),
        ),
        (
            "view indexes and triggers",
            db.views
                .iter()
                .map(|v| v.indexes.len() + v.triggers.len())
                .sum::<usize>(),
        ),
        ("roles", db.roles.len()),
        ("grants", db.grants.len()),
        ("default privileges", db.default_privileges.len()),
        ("comments", {
            let c = |o: &Option<String>| usize::from(o.is_some());
            db.schemas.iter().map(|s| c(&s.comment)).sum::<usize>()
                + db.enums.iter().map(|e| c(&e.comment)).sum::<usize>()
                + db.functions.iter().map(|f| c(&f.comment)).sum::<usize>()
                + db.aggregates.iter().map(|a| c(&a.comment)).sum::<usize>()
                + db.sequences.iter().map(|x| c(&x.comment)).sum::<usize>()
                + db.domains.iter().map(|x| c(&x.comment)).sum::<usize>()
                + db.composites.iter().map(|x| c(&x.comment)).sum::<usize>()
                + db.ranges.iter().map(|x| c(&x.comment)).sum::<usize>()
                + db.views
                    .iter()
                    .map(|v| c(&v.comment) + v.column_comments.len())
                    .sum::<usize>()
                + tables
                    .iter()
                    .map(|t| c(&t.comment) + t.columns.iter().map(|x| c(&x.comment)).sum::<usize>())
                    .sum::<usize>()
        }),
    ];
    all.into_iter().filter(|(_, n)| *n > 0).collect()
}

/// Formats every file with `rustfmt` (edition 2024). A big module is formatted in
/// pieces of whole items on every core (rustfmt's time grows faster than the file's
/// size); the pieces joined are what rustfmt makes of the whole file. Fails with
/// rustfmt's message.
pub fn format(files: &mut [File]) -> Result<(), String> {
    const ITEMS_PER_PIECE: usize = 200;
    let mut jobs: Vec<(usize, String)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        for chunk in f.items.chunks(ITEMS_PER_PIECE) {
            jobs.push((i, chunk.join("\n")));
        }
    }
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<String, String>>>> =
        jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads.min(jobs.len()) {
            s.spawn(|| {
                loop {
                    let j = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((_, text)) = jobs.get(j) else {
                        break;
                    };
                    let r = rustfmt(text);
                    if let Ok(mut slot) = results[j].lock() {
                        *slot = Some(r);
                    }
                }
            });
        }
    });
    let mut formatted: Vec<Vec<String>> = vec![Vec::new(); files.len()];
    for ((i, _), r) in jobs.iter().zip(results) {
        let r = r
            .into_inner()
            .map_err(|_| "a rustfmt thread panicked".to_owned())?
            .ok_or("a piece was not formatted")?;
        formatted[*i].push(r.map_err(|e| format!("{}: {e}", files[*i].path))?);
    }
    for (f, pieces) in files.iter_mut().zip(formatted) {
        f.contents = pieces.join("\n");
    }
    Ok(())
}

/// Where `ours` and `rustfmt` (what rustfmt made of it) differ: the first differing lines
/// with three lines of context, numbered, for a test failure.
pub fn layout_diff(ours: &str, rustfmt: &str) -> String {
    let a: Vec<&str> = ours.lines().collect();
    let b: Vec<&str> = rustfmt.lines().collect();
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let common_end = a[start..]
        .iter()
        .rev()
        .zip(b[start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_end, b_end) = (a.len() - common_end, b.len() - common_end);
    let from = start.saturating_sub(3);
    let mut out = String::new();
    for (i, l) in a.iter().enumerate().take(start).skip(from) {
        out.push_str(&format!("{:>6}   {l}\n", i + 1));
    }
    for (i, l) in a.iter().enumerate().take(a_end.min(start + 40)).skip(start) {
        out.push_str(&format!("{:>6} - {l}\n", i + 1));
    }
    for l in b.iter().take(b_end.min(start + 40)).skip(start) {
        out.push_str(&format!("       + {l}\n"));
    }
    for (i, l) in a.iter().enumerate().skip(a_end).take(3) {
        out.push_str(&format!("{:>6}   {l}\n", i + 1));
    }
    out.push_str("(- written by the import, + what rustfmt makes of it)\n");
    out
}

/// Runs `rustfmt` on one file's text.
pub fn rustfmt(source: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!("cannot run rustfmt ({e}); install it with `rustup component add rustfmt`")
        })?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    let text = source.to_owned();
    // Written from a thread: rustfmt may fill its stdout pipe before reading all input.
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    writer
        .join()
        .map_err(|_| "rustfmt writer panicked".to_owned())?
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}
