//! `cli`: the command line of the schema toolkit. `cli migrate up|down|status|fresh|redo`,
//! `cli seed run|stats|clear|list`, `cli health`, `cli backup`, `cli restore`, `cli verify`,
//! `cli diff`, `cli inspect`, `cli import`, `cli lint [FILES...]`.
//!
//! Exit codes: 0 ok, 1 error (one line on stderr), 2 when `migrate status` finds a changed
//! or missing applied migration or a broken `migrations.sum`, when `health` finds a warning
//! or failure, when `migrate status --targets` finds a database behind, when `verify` finds
//! drift, when `diff` finds a difference, or when `import` left objects out; `lint` exits 1 on a finding of error severity.

mod args;
mod backup;
mod fleet;
mod health;
mod import_cmd;
mod lint;
mod live;
mod migrate;
mod output;
mod pgtools;
mod render;
mod seed_cmd;

use std::process::ExitCode;

use clap::Parser;

/// What a successful command found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// `status` found problems: exit 2.
    Problems,
    /// `lint` found an error-severity finding: exit 1.
    Failed,
}

fn main() -> ExitCode {
    // `.env` first, so its DATABASE_URL is there when clap reads the environment.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("error: cannot read .env: {e}");
        return ExitCode::from(1);
    }
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and --version are not failures; a usage error is exit 1, since exit 2
            // means "status found problems".
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    if let args::Command::Lint(l) = &cli.command {
        return match lint::run(l) {
            Ok(Verdict::Failed) => ExitCode::from(1),
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {}", render::one_line(&e));
                ExitCode::from(1)
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(Verdict::Clean) => ExitCode::SUCCESS,
        Ok(Verdict::Problems) => ExitCode::from(2),
        Ok(Verdict::Failed) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {}", render::one_line(&e));
            ExitCode::from(1)
        }
    }
}

async fn run(cli: args::Cli) -> anyhow::Result<Verdict> {
    match cli.command {
        args::Command::Migrate(m) => migrate::run(cli.database_url, m).await,
        args::Command::Seed(s) => seed_cmd::run(cli.database_url, s).await,
        args::Command::Health(h) => health::run(require_url(cli.database_url)?, h).await,
        args::Command::Backup(b) => backup::backup(require_url(cli.database_url)?, b).await,
        args::Command::Restore(r) => backup::restore(cli.database_url, r).await,
        args::Command::Verify(v) => live::verify(cli.database_url, v).await,
        args::Command::Diff(d) => live::diff(d).await,
        args::Command::Inspect(i) => live::inspect(cli.database_url, i).await,
        args::Command::Lint(l) => lint::run(&l),
        args::Command::Import(i) => import_cmd::run(cli.database_url, i).await,
    }
}

/// The database URL, or the message saying where to put it.
pub fn require_url(url: Option<String>) -> anyhow::Result<String> {
    url.filter(|u| !u.trim().is_empty()).ok_or_else(|| {
        anyhow::anyhow!(
            "no database URL: pass --database-url, set DATABASE_URL, or put DATABASE_URL=postgres://… in .env"
        )
    })
}
