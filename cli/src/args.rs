//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "cli",
    version,
    about = "PostgreSQL schema-as-code: apply, roll back and report migrations"
)]
pub struct Cli {
    /// PostgreSQL URL, postgres://user:password@host:5432/database (also read from `.env`).
    #[arg(
        long,
        short = 'u',
        env = "DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply, roll back and report migrations.
    Migrate(MigrateArgs),
    /// Check SQL files for locking, rewrites, data loss and RLS mistakes (docs/lint.md).
    Lint(LintArgs),
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// SQL files to lint, in this order (default: the up migrations of --dir, or those
    /// compiled into the binary).
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,

    /// Lint the up migrations (`NNN_name.sql`, not `.down.sql`) of this directory
    /// (ignored when FILES are given).
    #[arg(long, env = "MIGRATIONS_DIR")]
    pub dir: Option<PathBuf>,

    /// Output: rustc-style text, or a JSON array of findings.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Read migrations from this directory instead of the set compiled into the binary.
    #[arg(long, env = "MIGRATIONS_DIR", global = true)]
    pub dir: Option<PathBuf>,

    /// Give up after waiting this many seconds for another runner's lock (default: wait).
    #[arg(long, value_name = "SECONDS", global = true)]
    pub lock_timeout: Option<u64>,

    #[command(subcommand)]
    pub action: MigrateCmd,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCmd {
    /// Apply pending migrations, oldest first.
    Up {
        /// Stop after applying this version.
        #[arg(long, value_name = "VERSION", conflicts_with = "steps")]
        to: Option<u32>,
        /// Apply at most this many migrations.
        #[arg(short = 'n', long = "steps", value_name = "N")]
        steps: Option<u32>,
        #[command(flatten)]
        dry: DryRun,
    },
    /// Roll back applied migrations, newest first (default: the newest one).
    Down {
        /// Roll back this many migrations.
        #[arg(short = 'n', long = "steps", value_name = "N", conflicts_with = "to")]
        steps: Option<u32>,
        /// Roll back every migration newer than this version (0: all of them).
        #[arg(long, value_name = "VERSION")]
        to: Option<u32>,
        #[command(flatten)]
        dry: DryRun,
    },
    /// Show every migration: version, name, applied at, checksum state.
    Status {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Roll back every applied migration with its down files, then apply everything.
    Fresh {
        /// Do not ask for confirmation (required when stdin is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
        /// Also drop objects the migrations did not create that depend on theirs (views,
        /// foreign keys, columns of their types), listing each.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        dry: DryRun,
    },
    /// Roll back the newest applied migration and apply it again.
    Redo {
        #[command(flatten)]
        dry: DryRun,
    },
}

#[derive(Debug, Args)]
pub struct DryRun {
    /// Print the SQL that would run, in order, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn down_defaults_to_nothing_and_accepts_to_zero() {
        let cli = Cli::try_parse_from(["cli", "migrate", "down", "--to", "0"]).expect("parses");
        let Command::Migrate(m) = cli.command else {
            panic!("a migrate command");
        };
        assert!(matches!(
            m.action,
            MigrateCmd::Down {
                to: Some(0),
                steps: None,
                ..
            }
        ));
    }

    #[test]
    fn down_refuses_steps_and_to_together() {
        assert!(Cli::try_parse_from(["cli", "migrate", "down", "-n", "1", "--to", "0"]).is_err());
    }

    #[test]
    fn global_flags_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "cli",
            "migrate",
            "status",
            "--json",
            "-u",
            "postgres://x/y",
            "--dir",
            "m",
        ])
        .expect("parses");
        assert_eq!(cli.database_url.as_deref(), Some("postgres://x/y"));
        let Command::Migrate(m) = cli.command else {
            panic!("a migrate command");
        };
        assert_eq!(m.dir, Some(PathBuf::from("m")));
    }

    #[test]
    fn lint_takes_files_and_a_format() {
        let cli = Cli::try_parse_from(["cli", "lint", "a.sql", "b.sql", "--format", "json"])
            .expect("parses");
        let Command::Lint(l) = cli.command else {
            panic!("a lint command");
        };
        assert_eq!(l.files, [PathBuf::from("a.sql"), PathBuf::from("b.sql")]);
        assert_eq!(l.format, Format::Json);
        assert!(Cli::try_parse_from(["cli", "lint", "--format", "xml"]).is_err());
        // MIGRATIONS_DIR in the environment must not make FILES an error.
        let cli = Cli::try_parse_from(["cli", "lint", "--dir", "m", "a.sql"]).expect("parses");
        assert!(matches!(cli.command, Command::Lint(l) if l.files.len() == 1));
    }
}
