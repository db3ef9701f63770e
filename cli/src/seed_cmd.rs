//! `cli seed run|stats|clear|list`: the data sets of the `seed` crate on a live database.

use anyhow::Context as _;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::Verdict;
use crate::args::{SeedArgs, SeedCmd};
use crate::output::print;

pub async fn run(url: Option<String>, args: SeedArgs) -> anyhow::Result<Verdict> {
    if let SeedCmd::List = args.action {
        let mut out = String::from("environment  production  rows\n");
        for e in seed::environments() {
            let rows = e
                .data_set()
                .map_or_else(|e| e.to_string(), |s| s.len().to_string());
            out.push_str(&format!(
                "{:<11}  {:<10}  {rows}\n",
                e.name,
                if e.production { "yes" } else { "no" }
            ));
        }
        print(&out);
        return Ok(Verdict::Clean);
    }
    let env = seed::environment(&args.env)?;
    // Refused before connecting: production data is never cleared.
    if env.production && matches!(args.action, SeedCmd::Clear | SeedCmd::Run { clear: true }) {
        return Err(seed::SeedError::Production {
            env: env.name.to_owned(),
        }
        .into());
    }
    let url = crate::require_url(url)?;
    let conn = connect(&url).await?;
    match args.action {
        SeedCmd::Run { clear } => {
            let report = seed::run(&conn, &env, clear).await?;
            let mut out = String::new();
            if let Some(c) = &report.cleared {
                for (t, n) in &c.tables {
                    out.push_str(&format!("emptied {t} ({n} rows)\n"));
                }
            }
            for t in &report.tables {
                out.push_str(&format!(
                    "{}: {} inserted, {} already present ({} declared)\n",
                    t.table, t.inserted, t.present, t.declared
                ));
            }
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            out.push_str(&format!(
                "seeded `{}`: {} rows inserted into {} tables in one transaction\n",
                report.env,
                report.inserted(),
                report.tables.len()
            ));
            print(&out);
        }
        SeedCmd::Stats { json } => {
            let stats = seed::stats(&conn, &env).await?;
            if json {
                let rows: Vec<serde_json::Value> = stats
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "table": s.table, "declared": s.declared,
                            "loaded": s.loaded, "rows": s.total,
                        })
                    })
                    .collect();
                print(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "environment": env.name,
                        "production": env.production,
                        "tables": rows,
                        "complete": stats.iter().all(|s| s.loaded == s.declared),
                    }))?
                ));
            } else {
                let w = stats
                    .iter()
                    .map(|s| s.table.len())
                    .max()
                    .unwrap_or(5)
                    .max(5);
                let mut out = format!(
                    "environment: {}{}\n\n{:<w$}  declared  loaded  rows\n",
                    env.name,
                    if env.production { " (production)" } else { "" },
                    "table"
                );
                for s in &stats {
                    out.push_str(&format!(
                        "{:<w$}  {:>8}  {:>6}  {:>4}\n",
                        s.table, s.declared, s.loaded, s.total
                    ));
                }
                let complete = stats.iter().all(|s| s.loaded == s.declared);
                out.push_str(if complete {
                    "\nevery declared row is loaded\n"
                } else {
                    "\nsome declared rows are missing: run `cli seed run`\n"
                });
                print(&out);
            }
        }
        SeedCmd::Clear => {
            let cleared = seed::clear(&conn, &env).await?;
            let mut out = String::new();
            for (t, n) in &cleared.tables {
                out.push_str(&format!("emptied {t} ({n} rows)\n"));
            }
            out.push_str(&format!(
                "cleared the {} tables `{}` seeds\n",
                cleared.tables.len(),
                env.name
            ));
            print(&out);
        }
        SeedCmd::List => {}
    }
    Ok(Verdict::Clean)
}

async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    // The runner's connect gives the clear messages (unreachable, auth, no database).
    migrations::runner::connect_as(url, "cli seed").await?;
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(1).sqlx_logging(false);
    Database::connect(opts)
        .await
        .with_context(|| "cannot connect for seeding")
}
