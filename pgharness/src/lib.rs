//! A throwaway PostgreSQL for tests.
//!
//! One cluster per test process, started on first use from the machine's PostgreSQL
//! binaries (`initdb`, `pg_ctl`, found on PATH or under `/usr/lib/postgresql/*/bin`), in a
//! temporary directory, on a free loopback port, with `fsync=off`. When the process runs as
//! root, the server runs as the `postgres` OS user, because PostgreSQL refuses to run as root.
//! A watchdog stops the cluster and removes its directory when the test process exits.
//!
//! When `TEST_DATABASE_URL` is set, that server is used instead and nothing is started.
//! Every test gets a database of its own ([`database`]).
//!
//! A machine without PostgreSQL is a failure with the install hint, never a silent skip.
//!
//! The harness talks to the server through `psql`, so it needs no client library and works
//! for every crate in the workspace.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

const INSTALL_HINT: &str = "PostgreSQL 15 server binaries (initdb, pg_ctl, psql, pg_dump) were not found \
on PATH or under /usr/lib/postgresql/*/bin. Install them (Debian/Ubuntu: `apt-get install postgresql-15`), \
or point the tests at a server you run: TEST_DATABASE_URL=postgres://user:pass@host:5432/postgres";

/// A server the tests can create databases on.
#[derive(Debug)]
pub struct Server {
    /// Directory with `psql`, `pg_dump` and friends.
    pub bin_dir: PathBuf,
    /// URL of the maintenance database, used to create the per-test databases.
    admin_url: String,
    /// `scheme://user:pass@host:port` without the database part.
    url_prefix: String,
    /// Query string to append to every URL (for example `?sslmode=disable`), with its `?`.
    url_query: String,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static DB_COUNTER: AtomicU32 = AtomicU32::new(0);

/// The server of this test process, started on first call.
///
/// # Panics
/// When PostgreSQL is missing or does not start: the message says why and how to fix it.
pub fn server() -> &'static Server {
    SERVER.get_or_init(|| match start() {
        Ok(s) => {
            s.create_external_roles();
            s
        }
        Err(e) => panic!("pgharness: {e}"),
    })
}

/// Roles the workspace's fixtures declare `Role::external`: an operator creates them
/// before migrating, so the harness does, once per cluster (roles are cluster-wide).
pub const EXTERNAL_ROLES: &[&str] = &["shop_reader", "pt_auditor"];

/// A fresh, empty database on the test server, named after `hint` (a test name).
pub fn database(hint: &str) -> TestDb {
    let server = server();
    let n = DB_COUNTER.fetch_add(1, Ordering::SeqCst);
    let clean: String = hint
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let name = format!("t_{clean}_{}_{n}", std::process::id());
    server
        .psql_url(&server.admin_url, &format!("CREATE DATABASE \"{name}\""))
        .unwrap_or_else(|e| panic!("pgharness: cannot create database {name}: {e}"));
    TestDb {
        url: format!("{}/{}{}", server.url_prefix, name, server.url_query),
        name,
    }
}

impl Server {
    /// Creates [`EXTERNAL_ROLES`] NOLOGIN where missing; several test processes may share
    /// one server, so a concurrent creation is not an error.
    fn create_external_roles(&self) {
        for r in EXTERNAL_ROLES {
            let sql = format!(
                "DO $x$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{r}') THEN \
                 CREATE ROLE \"{r}\" NOLOGIN; END IF; \
                 EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $x$"
            );
            self.psql_url(&self.admin_url, &sql)
                .unwrap_or_else(|e| panic!("pgharness: cannot create role {r}: {e}"));
        }
    }

    /// Path of a PostgreSQL client program (`psql`, `pg_dump`).
    pub fn program(&self, name: &str) -> PathBuf {
        let p = self.bin_dir.join(name);
        if p.exists() { p } else { PathBuf::from(name) }
    }

    /// URL of a database on this server.
    pub fn url_for(&self, database: &str) -> String {
        format!("{}/{}{}", self.url_prefix, database, self.url_query)
    }

    /// URL of a database on this server, logged in as another role (password `pw` when given).
    pub fn url_as(&self, role: &str, password: Option<&str>, database: &str) -> String {
        let rest = self
            .url_prefix
            .split_once('@')
            .map(|(_, host)| host)
            .unwrap_or("127.0.0.1");
        let scheme = self.url_prefix.split("://").next().unwrap_or("postgres");
        match password {
            Some(pw) => format!("{scheme}://{role}:{pw}@{rest}/{database}{}", self.url_query),
            None => format!("{scheme}://{role}@{rest}/{database}{}", self.url_query),
        }
    }

    fn psql_url(&self, url: &str, sql: &str) -> Result<String, String> {
        run_psql(&self.program("psql"), url, sql)
    }
}

/// A database of one test. It is left behind on drop; the cluster goes with the process.
#[derive(Debug, Clone)]
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// Runs SQL (several statements allowed) with `ON_ERROR_STOP`; returns the unaligned,
    /// tuples-only output (`|` between columns, one row a line).
    pub fn psql(&self, sql: &str) -> Result<String, String> {
        server().psql_url(&self.url, sql)
    }

    /// Like [`TestDb::psql`], panicking with PostgreSQL's message on failure.
    #[track_caller]
    pub fn exec(&self, sql: &str) -> String {
        match self.psql(sql) {
            Ok(out) => out,
            Err(e) => panic!("SQL failed on {}: {e}\n--- SQL ---\n{sql}", self.name),
        }
    }

    /// Runs a file with `psql -1` (one transaction), as `psql -1 -f` would.
    pub fn psql_file(&self, path: &Path) -> Result<String, String> {
        self.run_file(path, true)
    }

    /// Runs a script of any size (too large for `psql -c`) statement by statement, as
    /// `psql -f` would: no transaction around it, so its own `BEGIN`/`COMMIT` count.
    pub fn psql_script(&self, sql: &str) -> Result<String, String> {
        let file = std::env::temp_dir().join(format!(
            "pgharness-{}-{}.sql",
            std::process::id(),
            self.name
        ));
        std::fs::write(&file, sql).map_err(|e| format!("writing {}: {e}", file.display()))?;
        let result = self.run_file(&file, false);
        let _ = std::fs::remove_file(&file);
        result
    }

    fn run_file(&self, path: &Path, one_transaction: bool) -> Result<String, String> {
        let out = Command::new(server().program("psql"))
            .args(["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"])
            .args(one_transaction.then_some("-1"))
            .arg("-d")
            .arg(&self.url)
            .arg("-f")
            .arg(path)
            .output()
            .map_err(|e| format!("cannot run psql: {e}"))?;
        output_result(out)
    }

    /// Rows of a query, each split on `|`.
    #[track_caller]
    pub fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        self.exec(sql)
            .lines()
            .map(|l| l.split('|').map(str::to_owned).collect())
            .collect()
    }

    /// `pg_dump --schema-only` of this database, with the lines that differ between two
    /// equal databases (comments, `SET` lines, blank lines) left out.
    #[track_caller]
    pub fn schema_dump(&self) -> String {
        self.dump(&["--schema-only", "--no-owner", "--no-privileges"])
    }

    /// [`Self::schema_dump`] with the privileges: `GRANT`s and `ALTER DEFAULT PRIVILEGES`.
    #[track_caller]
    pub fn schema_dump_with_privileges(&self) -> String {
        self.dump(&["--schema-only", "--no-owner"])
    }

    #[track_caller]
    fn dump(&self, args: &[&str]) -> String {
        let out = Command::new(server().program("pg_dump"))
            .args(args)
            .arg("-d")
            .arg(&self.url)
            .output()
            .unwrap_or_else(|e| panic!("cannot run pg_dump: {e}"));
        let text = output_result(out).unwrap_or_else(|e| panic!("pg_dump failed: {e}"));
        text.lines()
            .filter(|l| !l.starts_with("--") && !l.is_empty() && !l.starts_with("SET "))
            .filter(|l| !l.starts_with("SELECT pg_catalog.set_config"))
            // pg_dump 15.14+ brackets its output with a random \restrict key.
            .filter(|l| !l.starts_with("\\restrict ") && !l.starts_with("\\unrestrict "))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn run_psql(psql: &Path, url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new(psql)
        .args([
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", psql.display()))?;
    output_result(out)
}

fn output_result(out: Output) -> Result<String, String> {
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

fn start() -> Result<Server, String> {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        return external(&url);
    }
    let bin_dir = find_bin_dir().ok_or_else(|| INSTALL_HINT.to_owned())?;
    let as_postgres = running_as_root();
    let port = free_port()?;

    // A directory the server's OS user owns; under /tmp so `postgres` can reach it.
    let dir = std::env::temp_dir().join(format!("pgharness-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if as_postgres {
        run(Command::new("chown").arg("postgres:postgres").arg(&dir))?;
    }
    let data = dir.join("data");
    let mut initdb = server_cmd(as_postgres, &bin_dir.join("initdb"));
    initdb
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            "-D",
        ])
        .arg(&data);
    run(&mut initdb).map_err(|e| format!("initdb failed: {e}\n{INSTALL_HINT}"))?;

    // The watchdog starts the server, then stops it and removes the directory once this
    // process is gone: test binaries have no teardown hook, and a leaked server would keep
    // its port and memory until the machine restarts.
    let opts = format!(
        "-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=200 -c max_locks_per_transaction=256",
        dir = dir.display()
    );
    let log = dir.join("server.log");
    let pg_ctl = bin_dir.join("pg_ctl");
    let script = format!(
        "'{pg_ctl}' -D '{data}' -l '{log}' -o '{opts}' -w -t 60 start >/dev/null || exit 1\n\
         echo started\n\
         exec >/dev/null 2>&1 </dev/null\n\
         while [ -d /proc/{pid} ]; do sleep 0.5; done\n\
         '{pg_ctl}' -D '{data}' -m immediate stop\n\
         rm -rf '{dir}'\n",
        pg_ctl = pg_ctl.display(),
        data = data.display(),
        log = log.display(),
        dir = dir.display(),
        pid = std::process::id(),
    );
    let mut watchdog = server_cmd(as_postgres, Path::new("sh"));
    watchdog
        .arg("-c")
        .arg(script)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = watchdog
        .spawn()
        .map_err(|e| format!("cannot start the server watchdog: {e}"))?;
    let stdout = child.stdout.take().ok_or("watchdog has no stdout")?;
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
        .map_err(|e| format!("watchdog: {e}"))?;
    if line.trim() != "started" {
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        return Err(format!(
            "PostgreSQL did not start (port {port}):\n{log_text}"
        ));
    }
    // The watchdog outlives this handle on purpose.
    std::mem::forget(child);

    let url_prefix = format!("postgres://postgres@127.0.0.1:{port}");
    let server = Server {
        bin_dir,
        admin_url: format!("{url_prefix}/postgres"),
        url_prefix,
        url_query: String::new(),
    };
    wait_ready(&server)?;
    Ok(server)
}

fn external(url: &str) -> Result<Server, String> {
    let bin_dir = find_bin_dir()
        .or_else(|| which("psql").and_then(|p| p.parent().map(Path::to_path_buf)))
        .ok_or_else(|| INSTALL_HINT.to_owned())?;
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b.to_owned(), format!("?{q}")),
        None => (url.to_owned(), String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let (prefix, _db) = match base[scheme_end..].rfind('/') {
        Some(i) => (
            base[..scheme_end + i].to_owned(),
            &base[scheme_end + i + 1..],
        ),
        None => (base.clone(), ""),
    };
    let server = Server {
        bin_dir,
        admin_url: url.to_owned(),
        url_prefix: prefix,
        url_query: query,
    };
    wait_ready(&server).map_err(|e| format!("TEST_DATABASE_URL is not reachable: {e}"))?;
    Ok(server)
}

fn wait_ready(server: &Server) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match server.psql_url(&server.admin_url, "SELECT 1") {
            Ok(_) => return Ok(()),
            Err(e) if Instant::now() > deadline => return Err(e),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn server_cmd(as_postgres: bool, program: &Path) -> Command {
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    output_result(out).map(|_| ())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// The directory holding `initdb`, preferring PostgreSQL 15 under /usr/lib/postgresql.
fn find_bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    if let Some(v15) = versions
        .iter()
        .find(|p| p.ends_with("15/bin") && p.join("initdb").is_file())
    {
        return Some(v15.clone());
    }
    if let Some(initdb) = which("initdb") {
        let real = std::fs::canonicalize(&initdb).unwrap_or(initdb);
        return real.parent().map(Path::to_path_buf);
    }
    versions
        .into_iter()
        .rev()
        .find(|p| p.join("initdb").is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_test_gets_its_own_empty_database() {
        let a = database("a");
        let b = database("b");
        assert_ne!(a.name, b.name);
        a.exec("CREATE TABLE t (x int); INSERT INTO t VALUES (1)");
        assert_eq!(a.exec("SELECT count(*) FROM t"), "1");
        assert!(
            b.psql("SELECT count(*) FROM t").is_err(),
            "b must not see a's table"
        );
    }

    #[test]
    fn the_server_is_postgresql_15() {
        let db = database("version");
        let v = db.exec("SHOW server_version_num");
        assert!(v.starts_with("15"), "expected PostgreSQL 15, got {v}");
    }
}
