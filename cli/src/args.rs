//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "cli",
    version,
    about = "PostgreSQL schema-as-code: apply, roll back and report migrations; compare live databases"
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
    /// Load, count or remove an environment's seed data.
    Seed(SeedArgs),
    /// Ten health checks of the server and the database, plus the migrations' state.
    Health(HealthArgs),
    /// Write a pg_dump (custom format) of the database with a manifest beside it.
    Backup(BackupArgs),
    /// Restore a backup written by `cli backup` into an empty database.
    Restore(RestoreArgs),
    /// Compare the live database with the declaration (exit 2 on drift).
    Verify(VerifyArgs),
    /// Print the SQL that turns database --from into database --to (exit 2 when they differ).
    Diff(DiffArgs),
    /// Print the live database as the snapshot JSON.
    Inspect(InspectArgs),
    /// Write a live database's schema as Rust DSL modules (docs/import.md).
    Import(ImportArgs),
    /// Check SQL files for locking, rewrites, data loss and RLS mistakes (docs/lint.md).
    Lint(LintArgs),
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// The environment whose data set is used (see `cli seed list`).
    #[arg(
        long,
        env = "SCHEMACTL_ENV",
        default_value = "development",
        global = true
    )]
    pub env: String,

    #[command(subcommand)]
    pub action: SeedCmd,
}

#[derive(Debug, Subcommand)]
pub enum SeedCmd {
    /// Insert the environment's rows (in one transaction; rows already there are kept).
    Run {
        /// Empty the seeded tables first (refused on a production environment).
        #[arg(long)]
        clear: bool,
    },
    /// Declared and loaded rows per seeded table.
    Stats {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Empty the tables the environment seeds (refused on a production environment).
    Clear,
    /// The environments and their sizes.
    List,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Show what each check found (which indexes, queries, locks).
    #[arg(long)]
    pub detailed: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Change a threshold, e.g. `--threshold long_query_warn_s=10` (repeatable, or
    /// comma-separated; also SCHEMACTL_HEALTH_THRESHOLDS; see docs/operations.md).
    #[arg(
        long = "threshold",
        value_name = "NAME=VALUE",
        env = "SCHEMACTL_HEALTH_THRESHOLDS",
        value_delimiter = ','
    )]
    pub thresholds: Vec<String>,
    /// Check the history against the migrations of this directory instead of the embedded set.
    #[arg(long, env = "MIGRATIONS_DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the dump (default: backups/<database>_<UTC time>.dump).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The dump written by `cli backup` (its manifest is FILE.manifest.json).
    pub file: PathBuf,
    /// Restore into this database instead of --database-url.
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// Restore into a database that already holds objects, dropping those the dump has.
    #[arg(long)]
    pub clean: bool,
    /// Give every restored object to the restoring role (for a server without the original roles).
    #[arg(long)]
    pub no_owner: bool,
    /// Check the manifest's migration version against the migrations of this directory.
    #[arg(long, env = "MIGRATIONS_DIR")]
    pub dir: Option<PathBuf>,
}

/// Running over several databases.
#[derive(Debug, Args, Clone)]
pub struct Fleet {
    /// Run against every database of FILE (one URL or name=URL per line), or of the
    /// environment variables matching `env:PATTERN` (e.g. `env:TENANT_*_URL`).
    #[arg(long, value_name = "FILE|env:GLOB")]
    pub targets: Option<String>,
    /// How many databases at a time.
    #[arg(long, short = 'j', default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Print JSON instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Also check every foreign key for an index on its columns and for orphan rows
    /// (reported as warnings).
    #[arg(long)]
    pub deep: bool,
    /// An empty database (same server version) to build the declaration in, inside a
    /// transaction that is rolled back; default: a database created and dropped on the
    /// live server, which needs CREATEDB.
    #[arg(
        long,
        value_name = "URL",
        env = "SCRATCH_DATABASE_URL",
        hide_env_values = true
    )]
    pub scratch_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The database as it is (postgres://…).
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The database as it should become.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Print the inverse: the SQL that turns --to back into --from.
    #[arg(long)]
    pub down: bool,
    /// Compare only these schemas (repeat, or separate with commas); default: every
    /// schema except PostgreSQL's own and schemactl.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub schema: Vec<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Read only these schemas (repeat, or separate with commas).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub schema: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Import only these schemas (repeat, or separate with commas; default: every schema
    /// but PostgreSQL's own and the migration history's).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub schema: Vec<String>,

    /// The `src/` directory of the crate to write (`lib.rs` and one module per schema).
    #[arg(long, default_value = "schema/src")]
    pub out: PathBuf,

    /// Write into a directory that is not empty (files of the same names are replaced).
    #[arg(long)]
    pub force: bool,

    /// Also write the first migration, snapshot and migrations.sum as codegen would, and
    /// record in the database that this migration is applied.
    #[arg(long)]
    pub baseline: bool,

    /// Where --baseline writes the migrations (default: `migrations/` next to the crate
    /// of --out, so `schema/src` gives `migrations/`).
    #[arg(long, requires = "baseline")]
    pub migrations_dir: Option<PathBuf>,

    /// Also run `rustfmt --edition 2024` on the written files (needs rustfmt). Not needed:
    /// the files are written in rustfmt's layout; a belt-and-braces check.
    #[arg(long)]
    pub rustfmt: bool,
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
        #[command(flatten)]
        backup: BackupFirst,
        #[command(flatten)]
        fleet: Fleet,
        /// With --targets: stop starting databases after the first failure.
        #[arg(long)]
        stop_on_error: bool,
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
        #[command(flatten)]
        fleet: Fleet,
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

/// `migrate up --backup`.
#[derive(Debug, Args)]
pub struct BackupFirst {
    /// Take a backup before applying anything (default on an environment marked production).
    #[arg(long, conflicts_with = "no_backup")]
    pub backup: bool,
    /// Do not take a backup, even on a production environment.
    #[arg(long)]
    pub no_backup: bool,
    /// Where `--backup` writes its dump (default: backups/).
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// The environment (production ones back up by default).
    #[arg(long, env = "SCHEMACTL_ENV")]
    pub env: Option<String>,
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
            panic!("expected migrate");
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
    fn seed_takes_the_environment_after_the_subcommand() {
        let cli = Cli::try_parse_from(["cli", "seed", "run", "--env", "staging", "--clear"])
            .expect("parses");
        let Command::Seed(s) = cli.command else {
            panic!("not seed")
        };
        assert_eq!(s.env, "staging");
        assert!(matches!(s.action, SeedCmd::Run { clear: true }));
    }

    #[test]
    fn fleet_jobs_must_be_positive() {
        assert!(
            Cli::try_parse_from(["cli", "migrate", "up", "--targets", "f", "-j", "0"]).is_err()
        );
        assert!(Cli::try_parse_from(["cli", "migrate", "up", "--targets", "f", "-j", "3"]).is_ok());
    }

    #[test]
    fn backup_and_no_backup_conflict() {
        assert!(Cli::try_parse_from(["cli", "migrate", "up", "--backup", "--no-backup"]).is_err());
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
            panic!("expected migrate");
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

#[cfg(test)]
mod live_tests {
    use super::*;

    #[test]
    fn diff_takes_both_urls_and_a_schema_list() {
        let cli = Cli::try_parse_from([
            "cli",
            "diff",
            "--from",
            "postgres://a/x",
            "--to",
            "postgres://b/y",
            "--schema",
            "core,billing",
            "--down",
        ])
        .expect("parses");
        let Command::Diff(d) = cli.command else {
            panic!("expected diff");
        };
        assert_eq!(d.schema, ["core", "billing"]);
        assert!(d.down);
    }

    #[test]
    fn diff_needs_both_databases() {
        assert!(Cli::try_parse_from(["cli", "diff", "--from", "postgres://a/x"]).is_err());
    }
}
