//! Loading, counting and clearing a data set on a live database.

use std::collections::{BTreeMap, BTreeSet};

use entities::app::functions::set_context;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement,
    TransactionTrait, Value,
};

use crate::{DataSet, Environment, SeedError, db};

/// What one table got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: String,
    /// Rows the data set declares.
    pub declared: usize,
    /// Rows this run inserted.
    pub inserted: u64,
    /// Rows that were there already (same primary key), left as they are.
    pub present: u64,
}

/// What `run` did.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub env: String,
    pub tables: Vec<TableCount>,
    /// With `--clear`: what was emptied first.
    pub cleared: Option<Clear>,
    /// Identity sequences moved past the seeded keys (`core.users_id_seq`).
    pub sequences: Vec<String>,
    /// Things the operator should know (a sequence the role may not move).
    pub warnings: Vec<String>,
}

impl RunReport {
    pub fn inserted(&self) -> u64 {
        self.tables.iter().map(|t| t.inserted).sum()
    }
}

/// What `clear` emptied: each table with the rows it held.
#[derive(Debug, Clone, Default)]
pub struct Clear {
    pub tables: Vec<(String, i64)>,
}

/// `seed stats`, per seeded table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableStats {
    pub table: String,
    pub declared: usize,
    /// Declared rows found by primary key (each under its tenant's context).
    pub loaded: usize,
    /// Every row of the table this connection sees (row-level security applies to a
    /// non-owner role: rows of other tenants are not counted).
    pub total: i64,
}

/// Inserts the environment's data set in one transaction (after emptying the seeded
/// tables when `clear_first`, which is refused on a production environment).
pub async fn run(
    conn: &DatabaseConnection,
    env: &Environment,
    clear_first: bool,
) -> Result<RunReport, SeedError> {
    if clear_first && env.production {
        return Err(SeedError::Production {
            env: env.name.to_owned(),
        });
    }
    let set = env.data_set()?;
    let txn = conn
        .begin()
        .await
        .map_err(db("cannot start a transaction"))?;
    let cleared = if clear_first {
        Some(clear_in(&txn, &set).await?)
    } else {
        None
    };
    let mut counts: BTreeMap<usize, TableCount> = BTreeMap::new();
    let mut context: Option<Option<i32>> = None;
    for row in set.rows() {
        if row.tenant.is_some() && context != Some(row.tenant) {
            set_context(&txn, row.tenant, None)
                .await
                .map_err(db("cannot set the tenant context (app.set_context)"))?;
            context = Some(row.tenant);
        }
        let result = txn
            .execute_raw(row.insert.clone())
            .await
            .map_err(db(format!(
                "cannot insert into {} (key {})",
                row.table,
                key_text(&row.key)
            )))?;
        let c = counts.entry(row.order).or_insert_with(|| TableCount {
            table: row.table.clone(),
            declared: 0,
            inserted: 0,
            present: 0,
        });
        c.declared += 1;
        if result.rows_affected() > 0 {
            c.inserted += 1;
        } else {
            c.present += 1;
        }
    }
    let (sequences, warnings) = advance_sequences(&txn, &set).await?;
    txn.commit()
        .await
        .map_err(db("cannot commit the seed transaction"))?;
    Ok(RunReport {
        env: env.name.to_owned(),
        tables: counts.into_values().collect(),
        cleared,
        sequences,
        warnings,
    })
}

/// Empties the tables the environment's data set seeds (refused on production).
pub async fn clear(conn: &DatabaseConnection, env: &Environment) -> Result<Clear, SeedError> {
    if env.production {
        return Err(SeedError::Production {
            env: env.name.to_owned(),
        });
    }
    let set = env.data_set()?;
    let txn = conn
        .begin()
        .await
        .map_err(db("cannot start a transaction"))?;
    let cleared = clear_in(&txn, &set).await?;
    txn.commit().await.map_err(db("cannot commit the clear"))?;
    Ok(cleared)
}

/// Declared and loaded rows per seeded table.
pub async fn stats(
    conn: &DatabaseConnection,
    env: &Environment,
) -> Result<Vec<TableStats>, SeedError> {
    let set = env.data_set()?;
    let txn = conn
        .begin()
        .await
        .map_err(db("cannot start a transaction"))?;
    let mut out: BTreeMap<usize, TableStats> = BTreeMap::new();
    let mut context: Option<Option<i32>> = None;
    for row in set.rows() {
        if row.tenant.is_some() && context != Some(row.tenant) {
            set_context(&txn, row.tenant, None)
                .await
                .map_err(db("cannot set the tenant context (app.set_context)"))?;
            context = Some(row.tenant);
        }
        let found = txn
            .query_one_raw(crate::exists_statement(row))
            .await
            .map_err(db(format!("cannot read {}", row.table)))?
            .is_some();
        let s = out.entry(row.order).or_insert_with(|| TableStats {
            table: row.table.clone(),
            declared: 0,
            loaded: 0,
            total: 0,
        });
        s.declared += 1;
        if found {
            s.loaded += 1;
        }
    }
    set_context(&txn, None, None)
        .await
        .map_err(db("cannot reset the tenant context"))?;
    for s in out.values_mut() {
        s.total = count(&txn, &s.table).await?;
    }
    txn.rollback()
        .await
        .map_err(db("cannot end the transaction"))?;
    Ok(out.into_values().collect())
}

fn key_text(key: &[(String, Value)]) -> String {
    key.iter()
        .map(|(c, v)| format!("{c} = {}", value_text(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Int(Some(i)) => i.to_string(),
        Value::BigInt(Some(i)) => i.to_string(),
        Value::SmallInt(Some(i)) => i.to_string(),
        Value::String(Some(s)) => format!("'{s}'"),
        other => format!("{other:?}"),
    }
}

/// `"schema"."table"`.
pub(crate) fn quoted(table: &str) -> String {
    table
        .split('.')
        .map(|p| format!("\"{}\"", p.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(".")
}

async fn count(txn: &DatabaseTransaction, table: &str) -> Result<i64, SeedError> {
    let row = txn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT count(*)::bigint AS n FROM {}", quoted(table)),
        ))
        .await
        .map_err(db(format!("cannot count {table}")))?;
    Ok(row
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(0))
}

/// Empties the seeded tables with one TRUNCATE (no row triggers: no soft delete, no
/// audit rows). Tables that reference them (directly or through others) would have to go
/// too: when they are empty they are listed in the TRUNCATE, when they hold rows the clear
/// is refused, naming them.
async fn clear_in(txn: &DatabaseTransaction, set: &DataSet) -> Result<Clear, SeedError> {
    let seeded: BTreeSet<String> = set.tables().into_iter().collect();
    let edges = txn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT rn.nspname || '.' || r.relname AS child, pn.nspname || '.' || p.relname AS parent \
             FROM pg_constraint c \
             JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace \
             JOIN pg_class p ON p.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace \
             WHERE c.contype = 'f'",
        ))
        .await
        .map_err(db("cannot read the foreign keys"))?;
    let edges: Vec<(String, String)> = edges
        .iter()
        .filter_map(|r| {
            Some((
                r.try_get::<String>("", "child").ok()?,
                r.try_get::<String>("", "parent").ok()?,
            ))
        })
        .collect();
    // Every table a TRUNCATE of the seeded ones reaches through foreign keys.
    let mut reached = seeded.clone();
    loop {
        let more: Vec<String> = edges
            .iter()
            .filter(|(child, parent)| reached.contains(parent) && !reached.contains(child))
            .map(|(child, _)| child.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        reached.extend(more);
    }
    let mut busy = Vec::new();
    for t in reached.difference(&seeded) {
        let n = count(txn, t).await?;
        if n > 0 {
            busy.push(format!("{t} ({n} rows)"));
        }
    }
    if !busy.is_empty() {
        return Err(SeedError::WouldCascade {
            tables: busy.join(", "),
        });
    }
    let mut cleared = Clear::default();
    for t in set.tables() {
        let n = count(txn, &t).await?;
        cleared.tables.push((t, n));
    }
    let list: Vec<String> = reached.iter().map(|t| quoted(t)).collect();
    txn.execute_unprepared(&format!("TRUNCATE {}", list.join(", ")))
        .await
        .map_err(db(
            "cannot empty the seeded tables (clear needs the TRUNCATE privilege: run it as the tables' owner)",
        ))?;
    Ok(cleared)
}

/// Moves each seeded table's identity sequence past the largest seeded `id`, so the
/// application's next insert does not collide with a seeded row.
async fn advance_sequences(
    txn: &DatabaseTransaction,
    set: &DataSet,
) -> Result<(Vec<String>, Vec<String>), SeedError> {
    let mut max: BTreeMap<String, i64> = BTreeMap::new();
    for row in set.rows() {
        if let [(col, v)] = row.key.as_slice()
            && col == "id"
        {
            let id = match v {
                Value::Int(Some(i)) => i64::from(*i),
                Value::BigInt(Some(i)) => *i,
                Value::SmallInt(Some(i)) => i64::from(*i),
                _ => continue,
            };
            let m = max.entry(row.table.clone()).or_insert(id);
            *m = (*m).max(id);
        }
    }
    let (mut moved, mut warnings) = (Vec::new(), Vec::new());
    for (table, top) in max {
        let row = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_get_serial_sequence($1, 'id') AS seq, \
                 coalesce(has_sequence_privilege(pg_get_serial_sequence($1, 'id'), 'SELECT,UPDATE'), false) AS can",
                [quoted(&table).into()],
            ))
            .await
            .map_err(db(format!("cannot find the sequence of {table}")))?;
        let Some(row) = row else { continue };
        let Ok(Some(seq)) = row.try_get::<Option<String>>("", "seq") else {
            continue;
        };
        if !row.try_get::<bool>("", "can").unwrap_or(false) {
            warnings.push(format!(
                "{seq} was not moved past the seeded ids (up to {top}): the role lacks SELECT and UPDATE on it, so the application's next insert into {table} may collide with a seeded row"
            ));
            continue;
        }
        // `seq` comes from pg_get_serial_sequence, quoted as needed.
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT setval($1::regclass, greatest($2::bigint, (SELECT last_value FROM {seq})))"
            ),
            [seq.clone().into(), top.into()],
        ))
        .await
        .map_err(db(format!("cannot move {seq}")))?;
        moved.push(seq);
    }
    Ok((moved, warnings))
}
