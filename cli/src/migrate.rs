//! `cli migrate …`: loads the migration set, connects, runs the command.

use std::time::Duration;

use anyhow::anyhow;
use migrations::MigrationSet;
use migrations::runner::{DownTarget, Options, Session, UpTarget};

use crate::Verdict;
use crate::args::{MigrateArgs, MigrateCmd};
use crate::output;

pub async fn run(url: Option<String>, args: MigrateArgs) -> anyhow::Result<Verdict> {
    // The files are checked before the database is touched.
    let set = match &args.dir {
        Some(dir) => MigrationSet::from_dir(dir)?,
        None => MigrationSet::embedded()?,
    };
    let url = url.filter(|u| !u.trim().is_empty()).ok_or_else(|| {
        anyhow!(
            "no database URL: pass --database-url, set DATABASE_URL, or put DATABASE_URL=postgres://… in .env"
        )
    })?;
    let dry_run = match &args.action {
        MigrateCmd::Up { dry, .. }
        | MigrateCmd::Down { dry, .. }
        | MigrateCmd::Fresh { dry }
        | MigrateCmd::Redo { dry } => dry.dry_run,
        MigrateCmd::Status { .. } => false,
    };
    let options = Options {
        dry_run,
        lock_timeout: args.lock_timeout.map(Duration::from_secs),
    };
    let mut progress = output::Progress::new();
    let mut session = Session::open(&url, set, options, &mut progress).await?;
    let outcome = match args.action {
        MigrateCmd::Status { json } => {
            let status = session.status().await?;
            output::print_status(&status, json)?;
            return Ok(if status.has_problems() {
                Verdict::Problems
            } else {
                Verdict::Clean
            });
        }
        MigrateCmd::Up { to, steps, .. } => {
            let target = match (to, steps) {
                (Some(v), _) => UpTarget::To(v),
                (None, Some(n)) => UpTarget::Steps(n),
                (None, None) => UpTarget::All,
            };
            session.up(target).await?
        }
        MigrateCmd::Down { steps, to, .. } => {
            let target = match (to, steps) {
                (Some(v), _) => DownTarget::To(v),
                (None, n) => DownTarget::Steps(n.unwrap_or(1)),
            };
            session.down(target).await?
        }
        MigrateCmd::Fresh { .. } => session.fresh().await?,
        MigrateCmd::Redo { .. } => session.redo().await?,
    };
    drop(session);
    output::print_outcome(&outcome);
    Ok(Verdict::Clean)
}
