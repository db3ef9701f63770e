//! Migration files: the next numbered up/down pair, the snapshot and the checksum chain,
//! all built in memory so that nothing is written unless everything is valid.

mod files;
mod snapshot;

pub use files::{GENERATED_BY, is_generated, parse_file_name, render_file, sort_files};
pub use snapshot::{
    RESTORE_SNAPSHOT, SNAPSHOT_FILE, check_existing, check_snapshot, parse_snapshot,
    recorded_snapshot, snapshot_json,
};

use crate::checksum;
use crate::model::database::Database;
use crate::plan::diff::{Change, PlanError, Planned, Way, changes, diff};
use crate::plan::prepared::{Canonical, Prepared};
use crate::sql::render::Stmt;
use crate::threads::join;
use crate::validate::{Code, Diagnostic, Diagnostics, validate};
use files::{derive_name, render_migration};
use snapshot::snapshot_diagnostic;
use std::collections::HashSet;

/// The migrations directory as it is on disk.
#[derive(Debug, Default, Clone)]
pub struct Existing {
    /// Migration files (`NNN_name.sql`, `NNN_name.down.sql`) with their contents.
    pub files: Vec<(String, String)>,
    pub snapshot: Option<String>,
    pub sum: Option<String>,
}

/// A new migration, ready to be written.
#[derive(Debug, Clone)]
pub struct Generated {
    pub version: u32,
    /// `NNN_name` without extension.
    pub stem: String,
    pub up: String,
    pub down: String,
    pub snapshot: String,
    pub sum: String,
    /// One line per change (`+ table core.users`).
    pub changes: Vec<String>,
    pub up_statements: usize,
    /// Statements of the up file that lose data.
    pub destructive: Vec<String>,
    /// Statements that take ACCESS EXCLUSIVE on a table that already exists, or rewrite
    /// one: `column core.users.email: ACCESS EXCLUSIVE on core.users (rewrite: yes)`.
    pub heavy_locks: Vec<String>,
    /// The migration after it that runs outside a transaction (concurrent index builds,
    /// validations, backfills), when the change touches existing tables.
    pub follow_up: Option<FollowUp>,
}

/// The `-- @transaction: none` migration that completes a change on tables in use.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub stem: String,
    pub up: String,
    pub down: String,
    pub up_statements: usize,
}

impl FollowUp {
    pub fn up_file(&self) -> String {
        format!("{}.sql", self.stem)
    }

    pub fn down_file(&self) -> String {
        format!("{}.down.sql", self.stem)
    }
}

impl Generated {
    pub fn up_file(&self) -> String {
        format!("{}.sql", self.stem)
    }

    pub fn down_file(&self) -> String {
        format!("{}.down.sql", self.stem)
    }
}

#[derive(Debug, Clone)]
pub enum Outcome {
    UpToDate,
    New(Box<Generated>),
}

fn plan_diagnostic(e: PlanError) -> Diagnostics {
    match e {
        PlanError::Cycles(cycles) => Diagnostics(
            cycles
                .into_iter()
                .map(|c| {
                    let origin = c.objects.first().map(|o| o.1).unwrap_or_default();
                    let sites: Vec<String> = c
                        .objects
                        .iter()
                        .map(|(name, o)| format!("{name} ({o})"))
                        .collect();
                    let help = if c.only_foreign_keys() {
                        "mark one of these foreign keys `.add_later()`: it is then added with ALTER TABLE ... ADD CONSTRAINT \
                         once both tables exist (add `.deferrable()` too if rows referencing each other are inserted in one transaction)"
                    } else {
                        "break the cycle: remove one of these dependencies (or, for a foreign key, mark it `.add_later()`)"
                    };
                    Diagnostic::new(
                        Code::DependencyCycle,
                        c.objects.iter().map(|o| o.0.clone()).collect::<Vec<_>>().join(" <-> "),
                        origin,
                        format!("dependency cycle: {}; declared at {}", c.path(), sites.join(", ")),
                        help,
                    )
                })
                .collect(),
        ),
        PlanError::Unsupported {
            object,
            origin,
            message,
        } => Diagnostics(vec![Diagnostic::new(
            Code::UnsupportedChange,
            object,
            origin,
            message,
            "write the change in two steps, generating a migration after each",
        )]),
        PlanError::Needs {
            code,
            object,
            origin,
            message,
            help,
        } => Diagnostics(vec![Diagnostic::new(code, object, origin, message, help)]),
    }
}

/// Validates a declaration and plans it from an empty database: what the first
/// migration holds. Used by tests and benchmarks as well as by [`next_migration`].
pub fn plan_statements(
    old: &Database,
    new: &Database,
) -> Result<(Vec<String>, Vec<Stmt>), Diagnostics> {
    validate(new)?;
    let (old, renames) = crate::plan::rename::resolve(old, new).map_err(Diagnostics)?;
    let changes = diff(&old, new).map_err(plan_diagnostic)?;
    let (mut summary, mut stmts) = render_changes(&changes);
    summary.splice(0..0, rename_summary(&renames));
    stmts.splice(0..0, renames.up);
    Ok((summary, stmts))
}

/// One summary line per rename: `~ column app.t.b (renamed)`.
fn rename_summary(renames: &crate::plan::rename::Renames) -> Vec<String> {
    renames
        .up
        .iter()
        .map(|s| format!("~ {} {} (renamed)", s.kind, s.name))
        .collect()
}

fn render_changes(changes: &[Change<'_>]) -> (Vec<String>, Vec<Stmt>) {
    let mut summary = Vec::new();
    let mut stmts = Vec::new();
    for c in changes {
        let s = c.statements();
        if !s.is_empty() {
            let line = c.summary();
            if summary.last() != Some(&line) {
                summary.push(line);
            }
            stmts.extend(s);
        }
    }
    (summary, stmts)
}

/// Plans the next migration for a declaration against the directory's state.
pub fn next_migration(
    existing: &Existing,
    db: &Database,
    name: Option<&str>,
) -> Result<Outcome, Diagnostics> {
    next_migration_with(existing, db, name, &crate::online::Options::default())
}

/// [`next_migration`] with options: `fast` mode and the session settings.
pub fn next_migration_with(
    existing: &Existing,
    db: &Database,
    name: Option<&str>,
    options: &crate::online::Options,
) -> Result<Outcome, Diagnostics> {
    let canonical = Canonical::of(db);
    let prepared = canonical.prepare(db);
    next_migration_prepared(existing, &prepared, name, options, || validate(db), || ())
        .map(|(outcome, ())| outcome)
}

/// [`next_migration_with`] for a declaration already sorted and graphed, which codegen
/// shares with the entities and the schema pages.
///
/// `validated` gives the declaration's validation (`|| validate(prepared.declared)`, or
/// the result of one started earlier); it runs on a thread of its own while the snapshot
/// is read. `alongside` runs on another once the declaration is known to be valid and
/// free of cycles, while the migration is planned and rendered: work that needs a valid
/// declaration (the entities).
pub fn next_migration_prepared<T: Send>(
    existing: &Existing,
    prepared: &Prepared<'_>,
    name: Option<&str>,
    options: &crate::online::Options,
    validated: impl FnOnce() -> Result<(), Diagnostics> + Send,
    alongside: impl FnOnce() -> T + Send,
) -> Result<(Outcome, T), Diagnostics> {
    let new = prepared.canonical;
    std::thread::scope(|s| {
        let validation = s.spawn(validated);
        let snapshot = match &existing.snapshot {
            Some(text) => {
                parse_snapshot(text).map_err(|e| snapshot_diagnostic(Code::SnapshotInvalid, e))?
            }
            // Written canonical by `snapshot_json`, and its checksum guards it against edits.
            None => Database::new(),
        };
        // Renames first: the rest is planned from the snapshot with the renames applied.
        let (old, renames) = crate::plan::rename::resolve(&snapshot, new).map_err(Diagnostics)?;
        join(validation)?;
        let to = prepared.plan().map_err(plan_diagnostic)?;
        let side = s.spawn(alongside);
        let from = Planned::new(&old).map_err(plan_diagnostic)?;
        let before = Side {
            db: &old,
            plan: &from,
        };
        let after = Side { db: new, plan: to };
        let outcome = render_next(existing, before, after, &renames, name, options)?;
        // Freed while the work alongside finishes rather than after it (the 10,000-table
        // snapshot takes 17 ms to free: `phases`).
        drop(from);
        drop(old);
        drop(snapshot);
        Ok((outcome, join(side)))
    })
}

/// One side of a change: a declaration and its plan.
struct Side<'s, 'a> {
    db: &'s Database,
    plan: &'s Planned<'a>,
}

/// The next migration's files, from the snapshot (renames applied) and the declaration.
fn render_next(
    existing: &Existing,
    before: Side<'_, '_>,
    after: Side<'_, '_>,
    renames: &crate::plan::rename::Renames,
    name: Option<&str>,
    options: &crate::online::Options,
) -> Result<Outcome, Diagnostics> {
    let (old, from, new, to) = (before.db, before.plan, after.db, after.plan);
    // Work that does not depend on each other runs on both cores: the up file, the down
    // file, the snapshot and the hashes of the existing files, each on a thread of its own.
    std::thread::scope(|s| {
        let hashes = s.spawn(|| {
            existing
                .files
                .iter()
                .map(|(n, c)| (n.clone(), checksum::sha256_hex(c.as_bytes())))
                .collect::<Vec<_>>()
        });
        let snapshot = s.spawn(|| {
            let text = snapshot_json(new);
            let sha = checksum::sha256_hex(text.as_bytes());
            (text, sha)
        });
        let down = s.spawn(|| changes(to, from, Way::Down).map(|c| render_changes(&c).1));
        let up_changes = changes(from, to, Way::Up).map_err(plan_diagnostic)?;
        let existing_tables: HashSet<&crate::model::names::QName> =
            old.tables.iter().map(|t| &t.name).collect();
        let targets = crate::online::new_fk_targets(&foreign_keys(old), &foreign_keys(new));
        let mut split = crate::online::split(&up_changes, &existing_tables, &targets, options.fast)
            .map_err(plan_diagnostic)?;
        split.summary.splice(0..0, rename_summary(renames));
        split.main.splice(0..0, renames.up.iter().cloned());
        if split.main.is_empty() && split.follow_up.is_empty() {
            return Ok(Outcome::UpToDate);
        }
        let summary = split.summary;
        // A change that is all online work (indexes on existing tables) is one migration
        // outside a transaction, not an empty one and its follow-up.
        let only_online = split.main.is_empty();
        let (up, online, online_down, up_transactional) = if only_online {
            (split.follow_up, Vec::new(), split.follow_up_down, false)
        } else {
            (split.main, split.follow_up, split.follow_up_down, true)
        };
        let mut down = join(down).map_err(plan_diagnostic)?;
        // The follow-up's down file drops the indexes it built.
        down.retain(|st| {
            !(st.kind == "index"
                && st.sql.starts_with("DROP INDEX ")
                && split.concurrent_indexes.contains(&st.name))
        });
        if only_online {
            let mut all = online_down.clone();
            all.extend(down);
            down = all;
        }
        down.extend(renames.down.iter().cloned());
        let heavy_locks: Vec<String> = up
            .iter()
            .chain(&online)
            .filter_map(|st| {
                let lock = st.lock.as_ref()?;
                let on_existing = lock.tables.iter().any(|t| existing_tables.contains(t));
                let heavy =
                    lock.rewrite || lock.mode == crate::sql::render::LockMode::AccessExclusive;
                (heavy && on_existing).then(|| format!("{} {}: {lock}", st.kind, st.name))
            })
            .collect();
        let (snapshot, sha) = join(snapshot);

        let version = existing
            .files
            .iter()
            .filter_map(|(n, _)| parse_file_name(n).map(|(v, _)| v))
            .max()
            .unwrap_or(0)
            + 1;
        let label = match name {
            Some(n) => n.to_owned(),
            None if existing.snapshot.is_none() => "initial_schema".to_owned(),
            None => derive_name(&summary),
        };
        let stem = format!("{version:03}_{label}");
        let up_statements = up.len();
        let destructive = up
            .iter()
            .filter(|s| s.destructive)
            .map(|s| format!("{} {}", s.kind, s.name))
            .collect();
        let settings = &options.settings;
        let up_file = {
            let (stem, sha) = (stem.clone(), sha.clone());
            s.spawn(move || {
                let text = render_migration(&stem, "up", &sha, &up, up_transactional, settings);
                let hash = checksum::sha256_hex(text.as_bytes());
                (text, hash)
            })
        };
        let down_text = render_migration(&stem, "down", &sha, &down, up_transactional, settings);
        let down_hash = checksum::sha256_hex(down_text.as_bytes());
        let follow_up = (!online.is_empty()).then(|| {
            let stem = format!("{:03}_{label}_online", version + 1);
            FollowUp {
                up: render_migration(&stem, "up", &sha, &online, false, settings),
                down: render_migration(&stem, "down", &sha, &online_down, false, settings),
                up_statements: online.len(),
                stem,
            }
        });
        let (up_text, up_hash) = join(up_file);
        let mut hashed = join(hashes);
        hashed.push((format!("{stem}.sql"), up_hash));
        hashed.push((format!("{stem}.down.sql"), down_hash));
        if let Some(f) = &follow_up {
            hashed.push((f.up_file(), checksum::sha256_hex(f.up.as_bytes())));
            hashed.push((f.down_file(), checksum::sha256_hex(f.down.as_bytes())));
        }
        hashed.sort_by_key(|(n, _)| parse_file_name(n));
        let sum = checksum::render(&checksum::chain_hashed(
            hashed.iter().map(|(n, h)| (n.as_str(), h.clone())),
        ));
        Ok(Outcome::New(Box::new(Generated {
            version,
            stem,
            up: up_text,
            down: down_text,
            snapshot,
            sum,
            changes: summary,
            up_statements,
            destructive,
            heavy_locks,
            follow_up,
        })))
    })
}

fn foreign_keys(d: &Database) -> Vec<&crate::model::constraint::ForeignKey> {
    d.tables
        .iter()
        .flat_map(|t| t.foreign_keys.iter())
        .collect()
}
