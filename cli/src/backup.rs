//! `cli backup` and `cli restore`: pg_dump / pg_restore in custom format, with a manifest
//! (`FILE.manifest.json`) holding the migration version, checksums, sizes and duration.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, anyhow, bail};
use migrations::MigrationSet;
use migrations::runner::connect_as;
use sea_orm::sqlx::{self, postgres::PgConnection};
use serde_json::json;

use crate::pgtools::{
    file_digest, find_tool, human, run_with_progress, safe_name, server_version, split_password,
};

use crate::args::{BackupArgs, RestoreArgs};
use crate::output::{duration, print};

/// What a backup recorded about the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub file: String,
    pub sha256: String,
    pub size_bytes: u64,
    pub database: String,
    pub database_size_bytes: i64,
    pub server_version: String,
    pub pg_dump_version: String,
    /// Newest applied migration (0: none) and its recorded checksum.
    pub migration_version: u32,
    pub migration_name: Option<String>,
    pub migration_checksum: Option<String>,
    pub created_at: String,
    pub duration_ms: u128,
}

impl Manifest {
    fn to_json(&self) -> serde_json::Value {
        json!({
            "format": "pg_dump custom",
            "file": self.file,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "database": self.database,
            "database_size_bytes": self.database_size_bytes,
            "server_version": self.server_version,
            "pg_dump_version": self.pg_dump_version,
            "migration_version": self.migration_version,
            "migration_name": self.migration_name,
            "migration_checksum": self.migration_checksum,
            "created_at": self.created_at,
            "duration_ms": self.duration_ms,
        })
    }

    fn from_json(v: &serde_json::Value) -> Option<Self> {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        Some(Manifest {
            file: s("file")?,
            sha256: s("sha256")?,
            size_bytes: v.get("size_bytes")?.as_u64()?,
            database: s("database").unwrap_or_default(),
            database_size_bytes: v
                .get("database_size_bytes")
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(0),
            server_version: s("server_version").unwrap_or_default(),
            pg_dump_version: s("pg_dump_version").unwrap_or_default(),
            migration_version: u32::try_from(v.get("migration_version")?.as_u64()?).ok()?,
            migration_name: s("migration_name"),
            migration_checksum: s("migration_checksum"),
            created_at: s("created_at").unwrap_or_default(),
            duration_ms: u128::from(
                v.get("duration_ms")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0),
            ),
        })
    }
}

/// `FILE.manifest.json`.
pub fn manifest_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".manifest.json");
    PathBuf::from(name)
}

pub async fn backup(url: String, args: BackupArgs) -> anyhow::Result<crate::Verdict> {
    let (_, _, line) = create(&url, args.output, None).await?;
    print(&format!("{line}\n"));
    Ok(crate::Verdict::Clean)
}

/// Writes a backup; `dir` is where a default-named file goes (default `backups/`).
/// Returns the file, its manifest and the line that reports them.
pub async fn create(
    url: &str,
    output: Option<PathBuf>,
    dir: Option<&Path>,
) -> anyhow::Result<(PathBuf, Manifest, String)> {
    let (mut conn, target) = connect_as(url, "cli backup").await?;
    let server = server_version(&mut conn).await?;
    let (stamp, db_size): (String, i64) = sqlx::query_as(
        "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"'), pg_database_size(current_database())::bigint",
    )
    .fetch_one(&mut conn)
    .await
    .context("cannot read the database size")?;
    let (version, name, checksum) = newest_applied(&mut conn).await?;
    drop(conn);
    let file = match output {
        Some(f) => f,
        None => dir
            .unwrap_or(Path::new("backups"))
            .join(format!("{}_{stamp}.dump", safe_name(&target.database))),
    };
    if file.exists() {
        bail!(
            "{} already exists: choose another --output, or move the old backup away",
            file.display()
        );
    }
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let pg_dump = find_tool("pg_dump", &server)?;
    let partial = {
        let mut n = file.as_os_str().to_owned();
        n.push(".partial");
        PathBuf::from(n)
    };
    let started = Instant::now();
    let (conn_url, password) = split_password(url);
    let mut cmd = tokio::process::Command::new(&pg_dump.path);
    cmd.arg("--format=custom")
        .arg("--verbose")
        .arg(format!("--file={}", partial.display()))
        .arg(format!("--dbname={conn_url}"));
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let result = run_with_progress(cmd, &format!("pg_dump of {target}")).await;
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, &file)
        .with_context(|| format!("cannot move the dump to {}", file.display()))?;
    let (sha256, size) = file_digest(&file)?;
    let manifest = Manifest {
        file: file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256,
        size_bytes: size,
        database: target.to_string(),
        database_size_bytes: db_size,
        server_version: server.text.clone(),
        pg_dump_version: pg_dump.version.clone(),
        migration_version: version,
        migration_name: name,
        migration_checksum: checksum,
        created_at: stamp,
        duration_ms: started.elapsed().as_millis(),
    };
    let mpath = manifest_path(&file);
    std::fs::write(
        &mpath,
        format!("{}\n", serde_json::to_string_pretty(&manifest.to_json())?),
    )
    .with_context(|| format!("cannot write {}", mpath.display()))?;
    let line = format!(
        "backup written: {} ({}, database {}, migration version {:03}, {}); manifest {}",
        file.display(),
        human(size as f64),
        human(db_size as f64),
        version,
        duration(started.elapsed()),
        mpath.display()
    );
    Ok((file, manifest, line))
}

pub async fn restore(url: Option<String>, args: RestoreArgs) -> anyhow::Result<crate::Verdict> {
    let url = args
        .to
        .clone()
        .or(url)
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| {
            anyhow!("no target database: pass --to URL or --database-url, or set DATABASE_URL")
        })?;
    let file = &args.file;
    if !file.is_file() {
        bail!("{} does not exist or is not a file", file.display());
    }
    // 1. The file against its manifest: a corrupted or truncated copy stops here.
    let mpath = manifest_path(file);
    let manifest = if mpath.is_file() {
        let text = std::fs::read_to_string(&mpath)
            .with_context(|| format!("cannot read {}", mpath.display()))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| anyhow!("{} is not valid JSON: {e}", mpath.display()))?;
        let m = Manifest::from_json(&value)
            .ok_or_else(|| anyhow!("{} lacks fields a backup manifest has", mpath.display()))?;
        let (sha, size) = file_digest(file)?;
        if size != m.size_bytes || sha != m.sha256 {
            bail!(
                "{} does not match its manifest ({} bytes, sha256 {}…; the manifest says {} bytes, sha256 {}…): the file is corrupted or truncated; nothing was restored",
                file.display(),
                size,
                &sha[..12],
                m.size_bytes,
                &m.sha256[..m.sha256.len().min(12)]
            );
        }
        Some(m)
    } else {
        eprintln!(
            "warning: {} has no manifest ({}): its checksum and migration version cannot be checked",
            file.display(),
            mpath.display()
        );
        None
    };
    // 2. The manifest's version against the migration files.
    if let Some(m) = &manifest {
        let set = match &args.dir {
            Some(dir) => MigrationSet::from_dir(dir)?,
            None => MigrationSet::embedded()?,
        };
        check_version(m, &set)?;
    }
    // 3. The target: reachable, and empty unless --clean.
    let (mut conn, target) = connect_as(&url, "cli restore").await?;
    let server = server_version(&mut conn).await?;
    let objects = existing_objects(&mut conn).await?;
    drop(conn);
    if !objects.is_empty() && !args.clean {
        bail!(
            "{target} is not empty ({} objects, e.g. {}): restore into an empty database (createdb), or pass --clean to drop the objects the backup holds first; nothing was restored",
            objects.len(),
            objects
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // 4. The archive must be readable before anything is sent.
    let pg_restore = find_tool("pg_restore", &server)?;
    // pg_restore reads archives of its own major version and older ones.
    if let Some(m) = &manifest {
        let major = |v: &str| v.split('.').next().and_then(|x| x.parse::<u32>().ok());
        if let (Some(dumped), Some(restorer)) =
            (major(&m.pg_dump_version), major(&pg_restore.version))
            && dumped > restorer
        {
            bail!(
                "pg_restore version mismatch: {} was written by pg_dump {}, but pg_restore ({}) is {}: install postgresql-client-{dumped} or set PG_BIN_DIR to its bin directory; nothing was restored",
                file.display(),
                m.pg_dump_version,
                pg_restore.path.display(),
                pg_restore.version
            );
        }
    }
    let list = tokio::process::Command::new(&pg_restore.path)
        .arg("--list")
        .arg(file)
        .output()
        .await
        .with_context(|| format!("cannot run {}", pg_restore.path.display()))?;
    if !list.status.success() {
        bail!(
            "{} is not a readable pg_dump archive ({}); nothing was restored",
            file.display(),
            String::from_utf8_lossy(&list.stderr).trim()
        );
    }
    // 5. One transaction: any error leaves the target as it was.
    let started = Instant::now();
    let (conn_url, password) = split_password(&url);
    let mut cmd = tokio::process::Command::new(&pg_restore.path);
    cmd.arg("--verbose")
        .arg("--exit-on-error")
        .arg("--single-transaction")
        .arg(format!("--dbname={conn_url}"));
    if args.clean {
        cmd.arg("--clean").arg("--if-exists");
    }
    if args.no_owner {
        cmd.arg("--no-owner").arg("--no-privileges");
    }
    cmd.arg(file);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    run_with_progress(cmd, &format!("pg_restore into {target}"))
        .await
        .map_err(|e| {
            anyhow!("{e}; the restore ran in one transaction, so {target} was left as it was")
        })?;
    print(&format!(
        "restored {} into {target}{} in {}\n",
        file.display(),
        manifest
            .as_ref()
            .map(|m| format!(" (migration version {:03})", m.migration_version))
            .unwrap_or_default(),
        duration(started.elapsed())
    ));
    Ok(crate::Verdict::Clean)
}

/// The backup's migration must be one these files know, with the same checksum.
fn check_version(m: &Manifest, set: &MigrationSet) -> anyhow::Result<()> {
    if m.migration_version == 0 {
        return Ok(());
    }
    let newest = set.migrations.last().map_or(0, |x| x.version);
    let Some(file) = set
        .migrations
        .iter()
        .find(|x| x.version == m.migration_version)
    else {
        bail!(
            "the backup is at migration version {:03}, which {} does not have (newest {:03}): restore with the release that wrote it, or pass --dir with its migrations; nothing was restored",
            m.migration_version,
            set.origin,
            newest
        );
    };
    if let Some(sum) = &m.migration_checksum
        && *sum != file.up.checksum
    {
        bail!(
            "the backup's migration {:03} was applied from a file with checksum {}…, but {} in {} has {}…: the backup belongs to other migrations; nothing was restored",
            m.migration_version,
            &sum[..sum.len().min(12)],
            file.up.file,
            set.origin,
            &file.up.checksum[..12.min(file.up.checksum.len())]
        );
    }
    Ok(())
}

/// Objects a restore would collide with: relations, types, functions and schemas outside
/// the system schemas and `public`, and extensions other than plpgsql.
async fn existing_objects(conn: &mut PgConnection) -> anyhow::Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT 'schema ' || nspname FROM pg_namespace \
           WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\\_%' \
         UNION ALL SELECT 'relation ' || n.nspname || '.' || c.relname FROM pg_class c \
           JOIN pg_namespace n ON n.oid = c.relnamespace \
           WHERE n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\\_%' \
         UNION ALL SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_proc p \
           JOIN pg_namespace n ON n.oid = p.pronamespace \
           WHERE n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\\_%' \
         UNION ALL SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql' \
         ORDER BY 1",
    )
    .fetch_all(conn)
    .await
    .context("cannot list the target's objects")?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// (version, name, checksum) of the newest applied migration, or (0, None, None).
async fn newest_applied(
    conn: &mut PgConnection,
) -> anyhow::Result<(u32, Option<String>, Option<String>)> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('schemactl.migrations') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .context("cannot look for the history table")?;
    if !exists {
        return Ok((0, None, None));
    }
    let row: Option<(i32, String, String)> = sqlx::query_as(
        "SELECT version, name, checksum FROM schemactl.migrations ORDER BY version DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await
    .context("cannot read schemactl.migrations")?;
    Ok(match row {
        Some((v, n, c)) => (u32::try_from(v).unwrap_or(0), Some(n), Some(c)),
        None => (0, None, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_reads_back_what_it_wrote() {
        let m = Manifest {
            file: "a.dump".into(),
            sha256: "ab".repeat(32),
            size_bytes: 12,
            database: "h:5432/db".into(),
            database_size_bytes: 99,
            server_version: "15.4".into(),
            pg_dump_version: "15.4".into(),
            migration_version: 3,
            migration_name: Some("003_x".into()),
            migration_checksum: Some("cd".repeat(32)),
            created_at: "20260101T000000Z".into(),
            duration_ms: 5,
        };
        assert_eq!(Manifest::from_json(&m.to_json()), Some(m));
    }
}
