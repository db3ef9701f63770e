//! The migration runner: applies, rolls back and reports migrations on a live database.
//!
//! It replaces sea-orm-migration's executor (see `crate::migrator` for what is kept and
//! why): a history table in a fixed schema with checksums, an advisory lock taken with a
//! try-lock loop, statement-level errors with file and line, a `fresh` that rolls back
//! with the down files and refuses to drop what the migrations did not create, and
//! `--dry-run`.

mod connect;
mod exec;
mod fresh;
pub mod history;
pub mod lock;
pub mod plan;

use std::time::Duration;

use sea_orm_migration::sea_orm::sqlx::postgres::PgConnection;

pub use connect::{Target, connect_as, parse_url};
pub use plan::{DownTarget, Row, State, UpTarget};

use crate::error::RunError;
use crate::source::{Migration, MigrationSet};
use history::Applied;

/// Which way a migration runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    pub fn word(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

/// Receives progress as the runner works. Every method has a silent default.
pub trait Observer {
    /// Another runner holds the lock; this one waits (said at once, then every 30 s).
    fn waiting(&mut self, _holder: &str) {}
    fn start(&mut self, _name: &str, _direction: Direction, _statements: usize) {}
    /// `done` statements of the current migration have run.
    fn statement(&mut self, _done: usize) {}
    fn finish(&mut self, _name: &str, _direction: Direction, _elapsed: Duration) {}
    /// With `--dry-run`: SQL that would run, in order.
    fn sql(&mut self, _sql: &str) {}
    /// `fresh` dropped this object (`table core.users`); `not_ours` when the migrations
    /// did not create it and it went only because of `--force`.
    fn dropped(&mut self, _object: &str, _not_ours: bool) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default)]
pub struct Silent;
impl Observer for Silent {}

/// How a session behaves.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Print the SQL instead of running it; change nothing (and take no lock).
    pub dry_run: bool,
    /// Give up waiting for the lock after this long (default: wait as long as it takes).
    pub lock_timeout: Option<Duration>,
    /// `fresh`: also drop objects the migrations did not create that depend on theirs.
    pub force: bool,
}

/// What a command did (or, with `--dry-run`, would do).
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub applied: Vec<(String, Duration)>,
    pub rolled_back: Vec<(String, Duration)>,
    /// Objects `fresh` dropped, as PostgreSQL describes them (`table core.users`).
    pub dropped: Vec<String>,
    /// Of those, the ones the migrations did not create (only with `--force`).
    pub dropped_not_ours: Vec<String>,
    /// `fresh` ran: `rolled_back` and `applied` are its two phases, not a redo.
    pub fresh: bool,
    /// Newest applied version afterwards (0: none).
    pub version: u32,
    pub dry_run: bool,
}

/// `status`: every migration with its state.
#[derive(Debug, Clone)]
pub struct Status {
    pub target: String,
    pub origin: String,
    pub rows: Vec<Row>,
    /// Problems with `migrations.sum`, one line each.
    pub sum_errors: Vec<String>,
    pub has_sum: bool,
}

impl Status {
    /// A changed or missing applied migration, or a broken checksum chain.
    pub fn has_problems(&self) -> bool {
        self.rows.iter().any(|r| r.state.is_problem()) || !self.sum_errors.is_empty()
    }
}

/// One connection to the database being migrated.
pub struct Session<'o> {
    conn: PgConnection,
    target: Target,
    set: MigrationSet,
    options: Options,
    observer: &'o mut dyn Observer,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("target", &self.target)
            .field("origin", &self.set.origin)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'o> Session<'o> {
    pub async fn open(
        url: &str,
        set: MigrationSet,
        options: Options,
        observer: &'o mut dyn Observer,
    ) -> Result<Self, RunError> {
        let (conn, target) = connect::connect(url).await?;
        Ok(Session {
            conn,
            target,
            set,
            options,
            observer,
        })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Reads the state without locking or creating anything.
    pub async fn status(&mut self) -> Result<Status, RunError> {
        let applied = history::read(&mut self.conn).await?;
        Ok(Status {
            target: self.target.to_string(),
            origin: self.set.origin.clone(),
            rows: plan::rows(&self.set, &applied),
            sum_errors: self
                .set
                .sum_errors
                .iter()
                .map(ToString::to_string)
                .collect(),
            has_sum: self.set.has_sum,
        })
    }

    pub async fn up(&mut self, target: UpTarget) -> Result<Outcome, RunError> {
        if let UpTarget::To(v) = target {
            plan::check_version(&self.set, v, true)?;
        }
        let applied = self.begin().await?;
        let result = self.up_locked(&applied, target).await;
        self.end(result).await
    }

    pub async fn down(&mut self, target: DownTarget) -> Result<Outcome, RunError> {
        if let DownTarget::To(v) = target {
            plan::check_version(&self.set, v, true)?;
        }
        let applied = self.begin().await?;
        let result = self.down_locked(&applied, target).await;
        self.end(result).await
    }

    /// Rolls back the newest applied migration and applies it again.
    pub async fn redo(&mut self) -> Result<Outcome, RunError> {
        let applied = self.begin().await?;
        let result = self.redo_locked(&applied).await;
        self.end(result).await
    }

    /// Rolls back every applied migration with its down file, in one transaction, drops
    /// the history, then applies everything. Refuses (changing nothing) when objects the
    /// migrations did not create would go too, unless `force`.
    pub async fn fresh(&mut self) -> Result<Outcome, RunError> {
        let applied = self.begin().await?;
        let result = self.fresh_locked(&applied).await;
        self.end(result).await
    }

    /// Takes the lock (unless dry-run), makes sure the history exists, reads it.
    async fn begin(&mut self) -> Result<Vec<Applied>, RunError> {
        if self.options.dry_run {
            return history::read(&mut self.conn).await;
        }
        let observer = &mut *self.observer;
        lock::acquire(&mut self.conn, self.options.lock_timeout, &mut |who| {
            observer.waiting(who);
        })
        .await?;
        // Created under the lock: two runners creating it at once collide in pg_type.
        if let Err(e) = exec::exec(&mut self.conn, history::CREATE_SQL).await {
            let _ = lock::release(&mut self.conn).await;
            return Err(history::db_err("cannot create the history table", &e));
        }
        match history::read(&mut self.conn).await {
            Ok(applied) => Ok(applied),
            Err(e) => {
                let _ = lock::release(&mut self.conn).await;
                Err(e)
            }
        }
    }

    async fn end(&mut self, result: Result<Outcome, RunError>) -> Result<Outcome, RunError> {
        if !self.options.dry_run {
            // An empty history is never left behind: rolling everything back, or failing
            // the very first migration, leaves the database as it was found.
            let _ = exec::exec(&mut self.conn, history::DROP_IF_EMPTY_SQL).await;
            let released = lock::release(&mut self.conn).await;
            if result.is_ok() {
                released?;
            }
        }
        result
    }

    async fn up_locked(
        &mut self,
        applied: &[Applied],
        target: UpTarget,
    ) -> Result<Outcome, RunError> {
        plan::check_integrity(&self.set, applied)?;
        let steps: Vec<Migration> = plan::plan_up(&self.set, applied, target)?
            .into_iter()
            .cloned()
            .collect();
        let mut outcome = self.outcome(applied);
        if self.options.dry_run && !steps.is_empty() && !history::exists(&mut self.conn).await? {
            self.observer.sql(history::CREATE_SQL);
        }
        for m in &steps {
            let took = self.step(m, Direction::Up).await?;
            outcome.applied.push((m.name.clone(), took));
            outcome.version = m.version;
        }
        Ok(outcome)
    }

    async fn down_locked(
        &mut self,
        applied: &[Applied],
        target: DownTarget,
    ) -> Result<Outcome, RunError> {
        plan::check_integrity(&self.set, applied)?;
        let steps: Vec<Migration> = plan::plan_down(&self.set, applied, target)?
            .into_iter()
            .cloned()
            .collect();
        let mut outcome = self.outcome(applied);
        for m in &steps {
            let took = self.step(m, Direction::Down).await?;
            outcome.rolled_back.push((m.name.clone(), took));
        }
        let remaining: Vec<u32> = applied
            .iter()
            .map(|a| a.version)
            .filter(|v| !steps.iter().any(|m| m.version == *v))
            .collect();
        outcome.version = remaining.iter().copied().max().unwrap_or(0);
        if remaining.is_empty() && !applied.is_empty() && self.options.dry_run {
            self.observer.sql(history::DROP_EMPTY_SQL);
        }
        Ok(outcome)
    }

    async fn redo_locked(&mut self, applied: &[Applied]) -> Result<Outcome, RunError> {
        plan::check_integrity(&self.set, applied)?;
        let Some(m) = plan::plan_down(&self.set, applied, DownTarget::Steps(1))?
            .first()
            .map(|m| (*m).clone())
        else {
            return Ok(self.outcome(applied));
        };
        let mut outcome = self.outcome(applied);
        let took = self.step(&m, Direction::Down).await?;
        outcome.rolled_back.push((m.name.clone(), took));
        let took = self.step(&m, Direction::Up).await?;
        outcome.applied.push((m.name.clone(), took));
        Ok(outcome)
    }

    async fn fresh_locked(&mut self, applied: &[Applied]) -> Result<Outcome, RunError> {
        // History checksums are not compared: everything is rolled back and applied again
        // from the files, which is how a developer retries an edited, unreleased migration.
        plan::check_sum(&self.set)?;
        let schemas = fresh::created_schemas(&self.set);
        let newest_first = plan::plan_down(&self.set, applied, DownTarget::To(0))?;
        let steps = fresh::rollback_steps(&newest_first)?;
        let mut outcome = self.outcome(applied);
        outcome.fresh = true;
        outcome.rolled_back = newest_first
            .iter()
            .map(|m| (m.name.clone(), Duration::ZERO))
            .collect();
        if self.options.dry_run {
            let extra = fresh::dependents_read_only(&mut self.conn, &schemas).await?;
            if !extra.is_empty() {
                let mut note = String::from(
                    "-- fresh would stop here: these objects were not created by the migrations and depend on theirs (--force drops them too):",
                );
                for e in &extra {
                    note.push_str(&format!("\n--   {e}"));
                }
                self.observer.sql(&note);
            }
            self.observer.sql(&fresh::render(&steps));
            self.observer.sql(history::CREATE_SQL);
        } else {
            let dropped = fresh::run(&mut self.conn, &schemas, &steps, self.options.force).await?;
            for o in &dropped.objects {
                self.observer.dropped(o, dropped.extra.contains(o));
            }
            for o in dropped
                .extra
                .iter()
                .filter(|o| !dropped.objects.contains(o))
            {
                self.observer.dropped(o, true);
            }
            outcome.dropped = dropped.objects;
            outcome.dropped_not_ours = dropped.extra;
            exec::exec(&mut self.conn, history::CREATE_SQL)
                .await
                .map_err(|e| history::db_err("cannot create the history table", &e))?;
        }
        outcome.version = 0;
        let all: Vec<Migration> = self.set.migrations.clone();
        for m in &all {
            let took = self.step(m, Direction::Up).await?;
            outcome.applied.push((m.name.clone(), took));
            outcome.version = m.version;
        }
        Ok(outcome)
    }

    /// Runs (or, dry, prints) one migration.
    async fn step(&mut self, m: &Migration, direction: Direction) -> Result<Duration, RunError> {
        if self.options.dry_run {
            let text = exec::render(m, direction)?;
            self.observer.sql(&text);
            Ok(Duration::ZERO)
        } else {
            exec::run(&mut self.conn, m, direction, &mut *self.observer).await
        }
    }

    fn outcome(&self, applied: &[Applied]) -> Outcome {
        Outcome {
            version: applied.iter().map(|a| a.version).max().unwrap_or(0),
            dry_run: self.options.dry_run,
            ..Outcome::default()
        }
    }
}
