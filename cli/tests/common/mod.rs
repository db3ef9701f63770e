//! Shared helpers of the `cli migrate` process tests: run the real binary, build fixture
//! migration directories, read the history table.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

pub use pgharness::TestDb;

/// The `cli` binary cargo built for these tests.
pub fn cli_bin() -> &'static str {
    env!("CARGO_BIN_EXE_cli")
}

/// The command line of the binary, isolated from the caller's environment: no inherited
/// DATABASE_URL, MIGRATIONS_DIR, SCHEMACTL_ENV, SCHEMACTL_HEALTH_THRESHOLDS or PG_BIN_DIR, and run from a scratch directory so no `.env` applies.
pub fn cli_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(cli_bin());
    // stdin is never a terminal here, whoever runs the tests: `fresh` must need `--yes`.
    cmd.args(args)
        .stdin(std::process::Stdio::null())
        .env_remove("DATABASE_URL")
        .env_remove("MIGRATIONS_DIR")
        .env_remove("SCHEMACTL_ENV")
        .env_remove("SCHEMACTL_HEALTH_THRESHOLDS")
        .env_remove("PG_BIN_DIR")
        .current_dir(std::env::temp_dir());
    cmd
}

/// Result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "expected exit 0\n{self}");
        self
    }

    #[track_caller]
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(self.code, expected, "expected exit {expected}\n{self}");
        self
    }

    /// The single `error:` line of a failed run.
    #[track_caller]
    pub fn error_line(&self) -> &str {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(lines.len(), 1, "expected one line on stderr\n{self}");
        assert!(lines[0].starts_with("error: "), "{self}");
        lines[0]
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `cli migrate <args>` against `url`.
pub fn migrate(url: &str, args: &[&str]) -> Run {
    let mut all = vec!["migrate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--database-url", url]);
    cli_command(&all)
        .output()
        .expect("the cli binary runs")
        .into()
}

/// Runs `cli migrate --dir <dir> <args>` against `url`.
pub fn migrate_dir(url: &str, dir: &Fixture, args: &[&str]) -> Run {
    let path = dir.path().to_str().expect("utf-8 temp path").to_owned();
    let mut all = vec!["--dir", path.as_str()];
    all.extend_from_slice(args);
    migrate(url, &all)
}

/// A migrations directory written by a test, removed when dropped.
#[derive(Debug)]
pub struct Fixture {
    dir: PathBuf,
}

static FIXTURE_COUNTER: AtomicU32 = AtomicU32::new(0);

impl Fixture {
    /// Writes `files` (name, contents) into a new directory, with their `migrations.sum`
    /// as the codegen writes it.
    pub fn new(files: &[(&str, &str)]) -> Self {
        let fx = Self::without_sum(files);
        fx.write_sum();
        fx
    }

    /// Writes `files` (name, contents) into a new directory, and nothing else.
    pub fn without_sum(files: &[(&str, &str)]) -> Self {
        let n = FIXTURE_COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("cli-migrate-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let fx = Fixture { dir };
        for (name, contents) in files {
            fx.write(name, contents);
        }
        fx
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    pub fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.dir.join(name), contents).expect("write fixture file");
    }

    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.dir.join(name)).expect("remove fixture file");
    }

    /// Writes `migrations.sum` for the `.sql` files present, as the codegen would.
    pub fn write_sum(&self) {
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .expect("read fixture dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        // Chain order: by version, the up file before its down file.
        names.sort_by_key(|n| (n[..3].to_owned(), n.ends_with(".down.sql")));
        let contents: Vec<(String, Vec<u8>)> = names
            .iter()
            .map(|n| (n.clone(), std::fs::read(self.dir.join(n)).expect("read")))
            .collect();
        let entries =
            ddl::checksum::chain(contents.iter().map(|(n, c)| (n.as_str(), c.as_slice())));
        self.write(ddl::checksum::SUM_FILE, &ddl::checksum::render(&entries));
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// (version, name) rows of the history table.
pub fn history(db: &TestDb) -> Vec<(String, String)> {
    let exists = db.exec("SELECT to_regclass('schemactl.migrations') IS NOT NULL");
    if exists != "t" {
        return Vec::new();
    }
    db.rows("SELECT version, name FROM schemactl.migrations ORDER BY version")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect()
}

/// A small but varied migration set: two schemas, an extension, an enum, a function with a
/// tagged dollar body, a trigger, RLS, and a no-transaction concurrent index.
pub fn sample_files() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "001_core.sql",
            "-- @generated by a test\n\n\
             CREATE SCHEMA core;\n\n\
             CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA core;\n\n\
             CREATE TYPE core.user_status AS ENUM ('active', 'it''s; blocked');\n\n\
             CREATE TABLE core.users (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    email core.citext NOT NULL UNIQUE,\n    status core.user_status NOT NULL DEFAULT 'active',\n    updated_at timestamptz NOT NULL DEFAULT now()\n);\n\n\
             /* a /* nested */ comment; with a semicolon */\n\
             CREATE FUNCTION core.touch() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n    NEW.updated_at := now(); -- keep; this\n    RETURN NEW;\nEND;\n$fn$;\n\n\
             CREATE TRIGGER users_touch BEFORE UPDATE ON core.users\n    FOR EACH ROW EXECUTE FUNCTION core.touch();\n\n\
             ALTER TABLE core.users ENABLE ROW LEVEL SECURITY;\n\n\
             CREATE POLICY users_self ON core.users USING (email = current_user::text);\n",
        ),
        ("001_core.down.sql", "DROP SCHEMA core CASCADE;\n"),
        (
            "002_billing.sql",
            "CREATE SCHEMA billing;\n\n\
             CREATE TABLE billing.invoices (\n    id bigint PRIMARY KEY,\n    user_id bigint NOT NULL REFERENCES core.users (id),\n    note text DEFAULT E'a\\\\b; \\'c'\n);\n\n\
             COMMENT ON TABLE billing.invoices IS 'Invoices; one per order';\n",
        ),
        (
            "002_billing.down.sql",
            "DROP TABLE billing.invoices;\n\nDROP SCHEMA billing;\n",
        ),
        (
            "003_invoice_user_index.sql",
            "-- @generated by a test\n-- @transaction: none\n\n\
             CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_user_id_idx ON billing.invoices (user_id);\n",
        ),
        (
            "003_invoice_user_index.down.sql",
            "-- @transaction: none\n\nDROP INDEX CONCURRENTLY IF EXISTS billing.invoices_user_id_idx;\n",
        ),
    ]
}

/// The workspace's `migrations/` directory (the embedded set).
pub fn platform_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations")
}

/// Runs `cli <args> --database-url <url>`.
pub fn cli(url: &str, args: &[&str]) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend_from_slice(&["--database-url", url]);
    cli_command(&all)
        .output()
        .expect("the cli binary runs")
        .into()
}

/// A database with the platform's migrations applied by `cli migrate up`.
pub fn platform_db(hint: &str) -> TestDb {
    let db = pgharness::database(hint);
    migrate(&db.url, &["up"]).ok();
    db
}

/// A login role that owns nothing, with the privileges an application gets, and its URL.
pub fn app_role(db: &TestDb) -> String {
    let role = format!("app_{}", db.name);
    db.exec(&format!(
        "CREATE ROLE {role} LOGIN;
         GRANT USAGE ON SCHEMA app, core, cfg, comms, billing TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA core, app, cfg, comms, billing TO {role};
         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA core, app, cfg, comms, billing TO {role};
         GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app TO {role};"
    ));
    pgharness::server().url_as(&role, None, &db.name)
}

/// `schema.table` of every table outside the system schemas.
pub fn user_tables(db: &TestDb) -> Vec<String> {
    db.exec(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
         AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1",
    )
    .lines()
    .map(str::to_owned)
    .collect()
}

/// Rows of a table.
pub fn count(db: &TestDb, table: &str) -> i64 {
    db.exec(&format!("SELECT count(*) FROM {table}"))
        .parse()
        .expect("a count")
}
