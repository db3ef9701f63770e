//! `cli health`: the ten checks of the operations guide (seed 001) and the toolkit's own,
//! each `ok`, `warn` or `fail` with its figure and thresholds.

mod checks;

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{Context as _, bail};
use checks::*;
use migrations::MigrationSet;
use migrations::runner::connect_as;
use sea_orm::sqlx;
use serde_json::json;

use crate::Verdict;
use crate::args::HealthArgs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Skip,
    Ok,
    Warn,
    Fail,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Skip => "skip",
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "fail",
        }
    }
}

/// One check's result.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: &'static str,
    pub level: Level,
    pub figure: String,
    pub threshold: String,
    pub details: Vec<String>,
}

impl Check {
    pub(crate) fn new(name: &'static str, level: Level, figure: String, threshold: String) -> Self {
        Check {
            name,
            level,
            figure,
            threshold,
            details: Vec::new(),
        }
    }

    pub(crate) fn details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }
}

/// Every threshold, with its default; `--threshold NAME=VALUE` changes one.
const DEFAULTS: &[(&str, f64, &str)] = &[
    ("latency_warn_ms", 100.0, "round trip of SELECT 1"),
    ("latency_fail_ms", 1000.0, ""),
    ("query_warn_ms", 500.0, "a catalog query's response time"),
    ("query_fail_ms", 2000.0, ""),
    ("replication_lag_warn_s", 10.0, "replay lag of a replica"),
    ("replication_lag_fail_s", 60.0, ""),
    ("database_size_warn_gb", 100.0, "size of the database"),
    ("database_size_fail_gb", 500.0, ""),
    (
        "connections_warn_pct",
        80.0,
        "client connections against max_connections",
    ),
    ("connections_fail_pct", 95.0, ""),
    (
        "long_query_warn_s",
        60.0,
        "a statement running (or a transaction idle) this long",
    ),
    ("long_query_fail_s", 300.0, ""),
    (
        "unused_index_min_mb",
        10.0,
        "an index never scanned is reported from this size",
    ),
    (
        "fk_unindexed_min_rows",
        10_000.0,
        "a foreign key without an index is reported from this many rows",
    ),
    (
        "lock_wait_warn_s",
        5.0,
        "a session waiting for a lock another holds",
    ),
    ("lock_wait_fail_s", 60.0, ""),
    ("cache_hit_warn_pct", 95.0, "buffer cache hit ratio"),
    ("cache_hit_fail_pct", 90.0, ""),
    (
        "cache_min_blocks",
        100_000.0,
        "blocks read before the ratio is judged",
    ),
];

#[derive(Debug, Clone)]
pub struct Thresholds(BTreeMap<&'static str, f64>);

impl Thresholds {
    pub fn parse(overrides: &[String]) -> anyhow::Result<Self> {
        let mut map: BTreeMap<&'static str, f64> =
            DEFAULTS.iter().map(|(n, v, _)| (*n, *v)).collect();
        for o in overrides {
            let Some((name, value)) = o.split_once('=') else {
                bail!("--threshold {o}: expected NAME=VALUE, e.g. long_query_warn_s=10");
            };
            let Some((key, _)) = map.get_key_value(name.trim()).map(|(k, v)| (*k, *v)) else {
                bail!(
                    "--threshold {o}: unknown threshold `{name}`; known: {}",
                    DEFAULTS
                        .iter()
                        .map(|(n, _, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            let v: f64 = value
                .trim()
                .parse()
                .with_context(|| format!("--threshold {o}: `{value}` is not a number"))?;
            map.insert(key, v);
        }
        Ok(Thresholds(map))
    }

    pub(crate) fn get(&self, name: &str) -> f64 {
        self.0.get(name).copied().unwrap_or(0.0)
    }

    /// `ok`/`warn`/`fail` for a figure where more is worse.
    pub(crate) fn above(&self, value: f64, warn: &str, fail: &str) -> Level {
        if value > self.get(fail) {
            Level::Fail
        } else if value > self.get(warn) {
            Level::Warn
        } else {
            Level::Ok
        }
    }

    pub(crate) fn range(&self, warn: &str, fail: &str, unit: &str) -> String {
        format!(
            "warn > {}{unit}, fail > {}{unit}",
            num(self.get(warn)),
            num(self.get(fail))
        )
    }
}

pub(crate) fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

pub async fn run(url: String, args: HealthArgs) -> anyhow::Result<Verdict> {
    let limits = Thresholds::parse(&args.thresholds)?;
    let set = match &args.dir {
        Some(dir) => MigrationSet::from_dir(dir)?,
        None => MigrationSet::embedded()?,
    };
    let started = Instant::now();
    let (mut conn, target) = connect_as(&url, "cli health").await?;
    let connect_time = started.elapsed();
    // A health check must never queue behind the locks it looks for, nor run long.
    sqlx::query("SET lock_timeout = '500ms'")
        .execute(&mut conn)
        .await
        .context("cannot set lock_timeout")?;
    sqlx::query("SET statement_timeout = '30s'")
        .execute(&mut conn)
        .await
        .context("cannot set statement_timeout")?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut conn)
        .await
        .context("cannot read the server version")?;

    let mut checks = Vec::new();
    checks.push(connectivity(&mut conn, connect_time, &limits).await);
    checks.push(guard(
        "query response",
        performance(&mut conn, &limits).await,
    ));
    checks.push(guard("replication", replication(&mut conn, &limits).await));
    checks.push(guard("size", size(&mut conn, &limits).await));
    checks.push(guard("connections", connections(&mut conn, &limits).await));
    checks.push(guard(
        "long queries",
        long_queries(&mut conn, &limits).await,
    ));
    checks.push(guard("integrity", integrity(&mut conn, &limits).await));
    checks.push(guard("indexes", indexes(&mut conn, &limits).await));
    checks.push(guard("blocking locks", locks(&mut conn, &limits).await));
    checks.push(guard("cache hit ratio", cache(&mut conn, &limits).await));
    checks.push(migrations_check(&url, set).await);
    checks.push(drift(&url).await);

    let worst = checks.iter().map(|c| c.level).max().unwrap_or(Level::Ok);
    if args.json {
        print_json(&target.to_string(), &version, &checks, worst)?;
    } else {
        print_table(&target.to_string(), &version, &checks, args.detailed);
    }
    Ok(if worst >= Level::Warn {
        Verdict::Problems
    } else {
        Verdict::Clean
    })
}

/// A check whose SQL failed (a missing privilege, a server without a view) reports it
/// as a warning rather than stopping the others.
fn guard(name: &'static str, result: Result<Check, sqlx::Error>) -> Check {
    result.unwrap_or_else(|e| {
        Check::new(name, Level::Warn, "not checked".into(), String::new())
            .details(vec![format!("the check's query failed: {e}")])
    })
}

fn print_table(target: &str, version: &str, checks: &[Check], detailed: bool) {
    let mut out = format!("database: {target} (PostgreSQL {version})\n\n");
    let name_w = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in checks {
        out.push_str(&format!(
            "{:<4}  {:<name_w$}  {}",
            c.level.word(),
            c.name,
            c.figure
        ));
        if !c.threshold.is_empty() {
            out.push_str(&format!("  [{}]", c.threshold));
        }
        out.push('\n');
        if detailed || c.level >= Level::Warn {
            for d in &c.details {
                out.push_str(&format!("      - {d}\n"));
            }
        }
    }
    let warns = checks.iter().filter(|c| c.level == Level::Warn).count();
    let fails = checks.iter().filter(|c| c.level == Level::Fail).count();
    out.push('\n');
    if warns + fails == 0 {
        out.push_str("healthy\n");
    } else {
        out.push_str(&format!(
            "unhealthy: {fails} failed, {warns} warning{}\n",
            if warns == 1 { "" } else { "s" }
        ));
    }
    crate::output::print(&out);
}

fn print_json(target: &str, version: &str, checks: &[Check], worst: Level) -> anyhow::Result<()> {
    let list: Vec<serde_json::Value> = checks
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "status": c.level.word(),
                "figure": c.figure,
                "threshold": c.threshold,
                "details": c.details,
            })
        })
        .collect();
    let doc = json!({
        "database": target,
        "server_version": version,
        "status": if worst >= Level::Warn { "unhealthy" } else { "healthy" },
        "checks": list,
    });
    crate::output::print(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_threshold_is_overridden_by_name() {
        let t = Thresholds::parse(&["long_query_warn_s=2".into()]).expect("parses");
        assert_eq!(t.get("long_query_warn_s"), 2.0);
        assert_eq!(t.get("long_query_fail_s"), 300.0);
    }

    #[test]
    fn an_unknown_threshold_names_the_known_ones() {
        let e = Thresholds::parse(&["long_query=2".into()]).expect_err("unknown");
        assert!(e.to_string().contains("long_query_warn_s"), "{e}");
    }

    #[test]
    fn levels_follow_the_thresholds() {
        let t = Thresholds::parse(&[]).expect("defaults");
        assert_eq!(
            t.above(50.0, "latency_warn_ms", "latency_fail_ms"),
            Level::Ok
        );
        assert_eq!(
            t.above(150.0, "latency_warn_ms", "latency_fail_ms"),
            Level::Warn
        );
        assert_eq!(
            t.above(1500.0, "latency_warn_ms", "latency_fail_ms"),
            Level::Fail
        );
    }
}
