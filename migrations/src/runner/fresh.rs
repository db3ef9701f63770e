//! `fresh`: undo what the migrations built, then apply everything again.
//!
//! It rolls back every applied migration with its own down file, newest first, and never
//! drops a schema wholesale: `DROP SCHEMA … CASCADE` (and sea-orm-migration's `fresh`,
//! which drops whatever `current_schema()` holds) would also take views, foreign keys and
//! columns that someone else built on top of the migrations' objects. Before anything
//! goes, the catalog is searched for such objects; if there are any, `fresh` stops and
//! names them unless told `--force`.
//!
//! The whole rollback runs in one transaction, so a refusal or a failing down statement
//! leaves the database as it was. Down files marked `-- @transaction: none` run there
//! too, without `CONCURRENTLY` (the plain form takes a stronger lock, which does not
//! matter to a command that drops everything) and without `VACUUM`.

use sea_orm_migration::sea_orm::sqlx::{self, postgres::PgConnection, postgres::PgDatabaseError};

use super::{exec, history};
use crate::error::RunError;
use crate::source::{Migration, MigrationSet};
use crate::split::{Statement, created_schema};

/// SQLSTATE dependent_objects_still_exist: "cannot drop … because other objects depend on it".
const DEPENDENTS_EXIST: &str = "2BP01";

/// Schemas named by `CREATE SCHEMA` in the up files, in order of appearance, without
/// `public`, the system schemas and the history schema: the schemas whose contents belong
/// to the migrations.
pub fn created_schemas(set: &MigrationSet) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in &set.migrations {
        for s in &m.up.statements {
            if let Some(name) = created_schema(&s.sql)
                && name != "public"
                && name != history::HISTORY_SCHEMA
                && name != "information_schema"
                && !name.starts_with("pg_")
                && !out.contains(&name)
            {
                out.push(name);
            }
        }
    }
    out
}

/// One statement of the rollback, with where it comes from.
#[derive(Debug, Clone)]
pub struct Step {
    pub file: String,
    pub line: usize,
    pub sql: String,
}

/// The down statements of `applied` (newest first), as they run inside one transaction.
pub fn rollback_steps(migrations: &[&Migration]) -> Result<Vec<Step>, RunError> {
    let mut steps = Vec::new();
    for m in migrations {
        let down = m.down.as_ref().ok_or_else(|| RunError::NoDown {
            name: m.name.clone(),
        })?;
        let adapt = !down.tx.is_transactional();
        for st in &down.statements {
            let sql = if adapt {
                match in_transaction(st) {
                    Some(sql) => sql,
                    None => continue,
                }
            } else {
                st.sql.clone()
            };
            steps.push(Step {
                file: down.file.clone(),
                line: st.line,
                sql,
            });
        }
    }
    Ok(steps)
}

/// A no-transaction statement rewritten to run inside a transaction; `None` to skip it.
fn in_transaction(st: &Statement) -> Option<String> {
    let words = st.keywords();
    if words.first().is_some_and(|w| w == "VACUUM") {
        return None;
    }
    let mut out = String::with_capacity(st.sql.len());
    let mut rest = st.sql.as_str();
    // The marker check allows CONCURRENTLY only as the keyword of the statements it lists,
    // so removing the word is removing the keyword.
    while let Some(i) = find_word(rest, "CONCURRENTLY") {
        out.push_str(rest[..i].trim_end());
        rest = &rest[i + "CONCURRENTLY".len()..];
    }
    out.push_str(rest);
    Some(out)
}

fn find_word(s: &str, word: &str) -> Option<usize> {
    let upper = s.to_ascii_uppercase();
    let mut from = 0;
    while let Some(pos) = upper[from..].find(word) {
        let i = from + pos;
        let before = upper[..i].chars().next_back();
        let after = upper[i + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        if boundary(before) && boundary(after) {
            return Some(i);
        }
        from = i + word.len();
    }
    None
}

/// `sql` with `CASCADE` in place of a trailing `RESTRICT` or `;`, for a DROP that
/// PostgreSQL refused because of dependents; `None` for statements that take no CASCADE.
pub fn with_cascade(sql: &str) -> Option<String> {
    let body = sql.trim_end().trim_end_matches(';').trim_end();
    let upper = body.to_ascii_uppercase();
    let is_drop = upper.starts_with("DROP ")
        || (upper.starts_with("ALTER ") && find_word(&upper, "DROP").is_some());
    if !is_drop {
        return None;
    }
    if upper.ends_with(" CASCADE") {
        return None;
    }
    let body = if upper.ends_with(" RESTRICT") {
        body[..body.len() - " RESTRICT".len()].trim_end()
    } else {
        body
    };
    Some(format!("{body} CASCADE;"))
}

/// The SQL `fresh --dry-run` prints for the rollback phase.
pub fn render(steps: &[Step]) -> String {
    let mut out =
        String::from("-- fresh: roll back every applied migration, in one transaction\nBEGIN;\n");
    let mut file = "";
    for s in steps {
        if s.file != file {
            out.push_str(&format!("-- {}\n", s.file));
            file = &s.file;
        }
        out.push_str(&s.sql);
        out.push('\n');
    }
    out.push_str(history::DROP_SQL);
    out.push_str("\nCOMMIT;");
    out
}

/// What the rollback removed, and what of it the migrations had not created.
#[derive(Debug, Clone, Default)]
pub struct Dropped {
    /// Every object that went, as PostgreSQL describes it (`table core.users`); parts of
    /// a dropped table (columns, indexes, constraints, triggers, policies) are not listed.
    pub objects: Vec<String>,
    /// Objects the migrations did not create that went too (only with `--force`).
    pub extra: Vec<String>,
}

/// Objects outside the migrations' schemas that depend on something inside them, so that
/// dropping the migrations' objects with CASCADE would take them too: views, foreign keys
/// of other tables, columns of a managed type, functions, triggers, policies. Read-only.
pub async fn dependents(
    conn: &mut PgConnection,
    schemas: &[String],
) -> Result<Vec<String>, RunError> {
    qualified(conn, DEPENDENTS_SQL, Some(schemas))
        .await
        .map_err(|e| history::db_err("fresh: cannot read the catalog", &e))
}

/// [`dependents`] in a transaction of its own, rolled back: for `--dry-run`.
pub async fn dependents_read_only(
    conn: &mut PgConnection,
    schemas: &[String],
) -> Result<Vec<String>, RunError> {
    exec::exec(conn, "BEGIN")
        .await
        .map_err(|e| history::db_err("fresh: cannot begin a transaction", &e))?;
    let found = dependents(conn, schemas).await;
    let _ = exec::exec(conn, "ROLLBACK").await;
    found
}

/// Rolls back `steps` in one transaction. Stops with nothing changed when objects the
/// migrations did not create would go, unless `force`.
pub async fn run(
    conn: &mut PgConnection,
    schemas: &[String],
    steps: &[Step],
    force: bool,
) -> Result<Dropped, RunError> {
    let result = run_in_transaction(conn, schemas, steps, force).await;
    if result.is_err() {
        // The result of the rollback does not matter: a dead connection rolls back too.
        let _ = exec::exec(conn, "ROLLBACK").await;
    }
    result
}

async fn run_in_transaction(
    conn: &mut PgConnection,
    schemas: &[String],
    steps: &[Step],
    force: bool,
) -> Result<Dropped, RunError> {
    let db = |context: &'static str| move |e: sqlx::Error| history::db_err(context, &e);
    exec::exec(conn, "BEGIN")
        .await
        .map_err(db("fresh: cannot begin a transaction"))?;
    // Without --force the statements still run (retried with CASCADE where PostgreSQL
    // refuses) so that one refusal names every object, and are then rolled back.
    let mut extra = dependents(conn, schemas).await?;
    let before = qualified(conn, INVENTORY_SQL, None)
        .await
        .map_err(db("fresh: cannot read the catalog"))?;
    for s in steps {
        exec::exec(conn, "SAVEPOINT fresh_step")
            .await
            .map_err(db("fresh: cannot set a savepoint"))?;
        let Err(e) = exec::exec(conn, &s.sql).await else {
            continue;
        };
        let pg = e
            .as_database_error()
            .and_then(|d| d.try_downcast_ref::<PgDatabaseError>());
        let retry = with_cascade(&s.sql);
        match (pg, retry) {
            (Some(pg), Some(retry)) if pg.code() == DEPENDENTS_EXIST => {
                // Objects inside the migrations' schemas that their down files do not
                // know about: PostgreSQL names them. Going on with CASCADE finds the rest.
                for line in pg.detail().unwrap_or_default().lines() {
                    let what = line.split(" depends on ").next().unwrap_or("").trim();
                    if !what.is_empty() && !extra.iter().any(|e| same_object(e, what)) {
                        extra.push(what.to_owned());
                    }
                }
                exec::exec(conn, "ROLLBACK TO SAVEPOINT fresh_step")
                    .await
                    .map_err(db("fresh: cannot roll back to the savepoint"))?;
                if let Err(e) = exec::exec(conn, &retry).await {
                    return Err(step_error(s, &e));
                }
            }
            _ => return Err(step_error(s, &e)),
        }
    }
    if !extra.is_empty() && !force {
        return Err(RunError::Unmanaged { objects: extra });
    }
    let after = qualified(conn, INVENTORY_SQL, None)
        .await
        .map_err(db("fresh: cannot read the catalog"))?;
    exec::exec(conn, history::DROP_SQL)
        .await
        .map_err(db("fresh: cannot drop the history table"))?;
    exec::exec(conn, "COMMIT")
        .await
        .map_err(db("fresh: cannot commit the rollback"))?;
    let objects = top_level(before.into_iter().filter(|o| !after.contains(o)).collect());
    let extra = if force { extra } else { Vec::new() };
    Ok(Dropped { objects, extra })
}

/// PostgreSQL's messages leave out the schema of objects on the search path (`view v`
/// for `view public.v`), while the catalog query qualifies every name.
fn same_object(qualified: &str, described: &str) -> bool {
    qualified == described || qualified.replace("public.", "") == described.replace("public.", "")
}

fn step_error(s: &Step, e: &sqlx::Error) -> RunError {
    let message = match e.as_database_error() {
        Some(db) => format!(
            "{} (SQLSTATE {})",
            db.message(),
            db.code().unwrap_or_default()
        ),
        None => e.to_string(),
    };
    RunError::Statement {
        file: s.file.clone(),
        line: s.line,
        statement: format!(
            "`{}`",
            Statement {
                line: s.line,
                sql: s.sql.clone()
            }
            .summary()
        ),
        message,
        rolled_back: "; fresh rolled back its transaction: nothing was changed".to_owned(),
    }
}

/// Runs a catalog query whose first column is an object description, with an empty
/// search path so that PostgreSQL qualifies every name (`view public.v`, not `view v`).
async fn qualified(
    conn: &mut PgConnection,
    sql: &str,
    schemas: Option<&[String]>,
) -> Result<Vec<String>, sqlx::Error> {
    let saved: String = sqlx::query_scalar("SELECT current_setting('search_path')")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("SELECT set_config('search_path', 'pg_catalog', true)")
        .execute(&mut *conn)
        .await?;
    let query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
    let query = match schemas {
        Some(s) => query.bind(s.to_vec()),
        None => query,
    };
    let rows = query.fetch_all(&mut *conn).await;
    sqlx::query("SELECT set_config('search_path', $1, true)")
        .bind(saved)
        .execute(&mut *conn)
        .await?;
    rows
}

/// Every object that depends, directly or through other objects, on something in the
/// schemas `$1`, whose own schema is another one (the history schema aside): what a
/// CASCADE would take with them. A dependency on one column reaches only what depends on
/// that column; an internal part (a view's rewrite rule) brings its owner (the view).
const DEPENDENTS_SQL: &str = "\
WITH RECURSIVE managed AS (
    SELECT oid FROM pg_namespace WHERE nspname = ANY($1)
), dep(classid, objid, objsubid) AS (
    SELECT d.classid, d.objid, d.objsubid FROM pg_depend d
    WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid IN (SELECT oid FROM managed)
      AND d.deptype IN ('n', 'a', 'i')
    UNION
    SELECT x.classid, x.objid, x.objsubid FROM dep, LATERAL (
        SELECT d.classid, d.objid, d.objsubid FROM pg_depend d
        WHERE d.refclassid = dep.classid AND d.refobjid = dep.objid
          AND (dep.objsubid = 0 OR d.refobjsubid = dep.objsubid)
          AND d.deptype IN ('n', 'a', 'i')
        UNION ALL
        SELECT d.refclassid, d.refobjid, d.refobjsubid FROM pg_depend d
        WHERE d.classid = dep.classid AND d.objid = dep.objid AND d.deptype = 'i'
    ) x
), owned AS (
    SELECT dep.*, CASE dep.classid
        WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = dep.objid)
        WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = dep.objid)
        WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = dep.objid)
        WHEN 'pg_constraint'::regclass THEN (SELECT connamespace FROM pg_constraint WHERE oid = dep.objid)
        WHEN 'pg_extension'::regclass THEN (SELECT extnamespace FROM pg_extension WHERE oid = dep.objid)
        WHEN 'pg_trigger'::regclass THEN (SELECT c.relnamespace FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.oid = dep.objid AND NOT t.tgisinternal)
        WHEN 'pg_policy'::regclass THEN (SELECT c.relnamespace FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE p.oid = dep.objid)
        WHEN 'pg_attrdef'::regclass THEN (SELECT c.relnamespace FROM pg_attrdef a JOIN pg_class c ON c.oid = a.adrelid WHERE a.oid = dep.objid)
        ELSE NULL END AS nsp
    FROM dep
)
SELECT DISTINCT pg_describe_object(o.classid, o.objid, o.objsubid) AS what
FROM owned o
LEFT JOIN pg_type t ON o.classid = 'pg_type'::regclass AND t.oid = o.objid
WHERE o.nsp IS NOT NULL
  AND o.nsp NOT IN (SELECT oid FROM managed)
  -- Toast tables go with their table; the history is the runner's own.
  AND o.nsp <> ALL (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_toast', 'schemactl'))
  -- A relation's row type and a type's array type go with their owner, listed already.
  AND (t.oid IS NULL OR (t.typrelid = 0 AND t.typelem = 0))
  AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = o.classid AND e.objid = o.objid AND e.deptype = 'e')
ORDER BY what";

/// Top-level user objects: schemas, extensions, relations, types, functions, and the
/// columns, constraints, triggers and policies of tables, for the "dropped" list.
/// Parts of a relation are listed as their own rows so that a column lost by a
/// `DROP TYPE … CASCADE` shows; the caller's diff keeps them only when their table stays.
const INVENTORY_SQL: &str = "\
WITH user_nsp AS (
    SELECT oid FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'schemactl')
      AND nspname NOT LIKE 'pg_temp_%' AND nspname NOT LIKE 'pg_toast_temp_%'
), member AS (
    SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
), rel AS (
    SELECT c.oid, c.relkind FROM pg_class c
    WHERE c.relnamespace IN (SELECT oid FROM user_nsp)
      AND NOT EXISTS (SELECT FROM member m WHERE m.classid = 'pg_class'::regclass AND m.objid = c.oid)
)
SELECT pg_describe_object('pg_namespace'::regclass, n.oid, 0) FROM pg_namespace n WHERE n.oid IN (SELECT oid FROM user_nsp)
UNION ALL
SELECT pg_describe_object('pg_extension'::regclass, e.oid, 0) FROM pg_extension e WHERE e.extname <> 'plpgsql'
UNION ALL
-- Indexes and owned sequences go with their table and are not listed.
SELECT pg_describe_object('pg_class'::regclass, r.oid, 0) FROM rel r
WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
   OR (r.relkind = 'S' AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
UNION ALL
SELECT pg_describe_object('pg_class'::regclass, a.attrelid, a.attnum) FROM pg_attribute a JOIN rel r ON r.oid = a.attrelid
WHERE r.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT pg_describe_object('pg_constraint'::regclass, c.oid, 0) FROM pg_constraint c JOIN rel r ON r.oid = c.conrelid
UNION ALL
SELECT pg_describe_object('pg_trigger'::regclass, t.oid, 0) FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid WHERE NOT t.tgisinternal
UNION ALL
SELECT pg_describe_object('pg_policy'::regclass, p.oid, 0) FROM pg_policy p JOIN rel r ON r.oid = p.polrelid
UNION ALL
SELECT pg_describe_object('pg_type'::regclass, t.oid, 0) FROM pg_type t
WHERE t.typnamespace IN (SELECT oid FROM user_nsp) AND t.typtype IN ('e', 'd', 'r', 'b')
  AND t.typelem = 0 AND t.typrelid = 0
  AND NOT EXISTS (SELECT FROM member m WHERE m.classid = 'pg_type'::regclass AND m.objid = t.oid)
UNION ALL
SELECT pg_describe_object('pg_proc'::regclass, p.oid, 0) FROM pg_proc p
WHERE p.pronamespace IN (SELECT oid FROM user_nsp)
  AND NOT EXISTS (SELECT FROM member m WHERE m.classid = 'pg_proc'::regclass AND m.objid = p.oid)";

/// Removes the parts of dropped tables from a list of dropped objects: `column x of
/// table core.t` goes when `table core.t` is in the list too.
pub fn top_level(dropped: Vec<String>) -> Vec<String> {
    let parents: Vec<String> = dropped
        .iter()
        .filter(|d| !d.contains(" of ") && !d.contains(" on "))
        .cloned()
        .collect();
    dropped
        .into_iter()
        .filter(|d| {
            let parent = d
                .rsplit_once(" of ")
                .or_else(|| d.rsplit_once(" on "))
                .map(|(_, p)| p);
            parent.is_none_or(|p| !parents.iter().any(|q| q == p))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::RawFile;

    fn set(files: &[(&str, &str)]) -> MigrationSet {
        MigrationSet::from_files(
            "t".into(),
            files
                .iter()
                .map(|(n, c)| RawFile {
                    name: (*n).into(),
                    contents: (*c).into(),
                })
                .collect(),
        )
        .expect("valid")
    }

    #[test]
    fn the_schemas_the_migrations_create_are_found_in_every_form() {
        let set = set(&[
            (
                "001_a.sql",
                "CREATE SCHEMA IF NOT EXISTS app;\nCREATE SCHEMA \"Core\" AUTHORIZATION x;\nCREATE SCHEMA public;",
            ),
            (
                "002_b.sql",
                "CREATE SCHEMA AUTHORIZATION billing;\ncreate schema app;",
            ),
        ]);
        assert_eq!(created_schemas(&set), vec!["app", "Core", "billing"]);
    }

    #[test]
    fn the_rollback_runs_the_down_files_newest_first_without_cascade_of_its_own() {
        let set = set(&[
            ("001_a.sql", "CREATE SCHEMA app;"),
            ("001_a.down.sql", "DROP SCHEMA app;"),
            ("002_b.sql", "CREATE TABLE app.b ();"),
            ("002_b.down.sql", "DROP TABLE app.b;"),
            (
                "003_i.sql",
                "-- @transaction: none\nCREATE INDEX CONCURRENTLY i ON app.b ((1));",
            ),
            (
                "003_i.down.sql",
                "-- @transaction: none\nDROP INDEX CONCURRENTLY IF EXISTS app.i;\nVACUUM app.b;",
            ),
        ]);
        let newest_first: Vec<&Migration> = set.migrations.iter().rev().collect();
        let steps = rollback_steps(&newest_first).expect("down files");
        let sql: Vec<&str> = steps.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            sql,
            vec![
                "DROP INDEX IF EXISTS app.i;",
                "DROP TABLE app.b;",
                "DROP SCHEMA app;"
            ]
        );
        let text = render(&steps);
        assert!(!text.contains("CASCADE"), "{text}");
        assert!(
            text.starts_with("-- fresh") && text.ends_with("COMMIT;"),
            "{text}"
        );
    }

    #[test]
    fn a_migration_without_down_file_cannot_be_rolled_back_by_fresh() {
        let set = set(&[("001_a.sql", "CREATE SCHEMA app;")]);
        let all: Vec<&Migration> = set.migrations.iter().collect();
        assert!(matches!(rollback_steps(&all), Err(RunError::NoDown { .. })));
    }

    #[test]
    fn only_drops_get_a_cascade_when_forced() {
        assert_eq!(
            with_cascade("DROP SCHEMA app;").as_deref(),
            Some("DROP SCHEMA app CASCADE;")
        );
        assert_eq!(
            with_cascade("DROP TYPE app.e RESTRICT;\n").as_deref(),
            Some("DROP TYPE app.e CASCADE;")
        );
        assert_eq!(
            with_cascade("ALTER TABLE app.t DROP COLUMN x;").as_deref(),
            Some("ALTER TABLE app.t DROP COLUMN x CASCADE;")
        );
        assert_eq!(with_cascade("DELETE FROM app.t;"), None);
        assert_eq!(with_cascade("DROP SCHEMA app CASCADE;"), None);
    }

    #[test]
    fn parts_of_a_dropped_table_are_not_listed_on_their_own() {
        let listed = top_level(vec![
            "table core.users".into(),
            "column email of table core.users".into(),
            "column status of table other.t".into(),
            "constraint t_fk on table other.t".into(),
            "schema core".into(),
        ]);
        assert_eq!(
            listed,
            vec![
                "table core.users",
                "column status of table other.t",
                "constraint t_fk on table other.t",
                "schema core"
            ]
        );
    }
}
