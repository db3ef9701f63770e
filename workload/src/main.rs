//! `cargo run -p workload -- dsl --tables 1000 --out /tmp/w1k` writes the DSL crate;
//! `cargo run -p workload -- sql --tables 1000 > w.sql` prints the plain SQL;
//! `cargo run -p workload -- drizzle --tables 1000 --out DIR` writes a drizzle-kit schema;
//! `cargo run -p workload -- stats --tables 10000` prints the shape.

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "workload", about = "The seeded N-table benchmark workload")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Args)]
struct Shape {
    /// Number of tables.
    #[arg(long, default_value_t = 1000)]
    tables: usize,
    #[arg(long, default_value_t = workload::DEFAULT_SEED)]
    seed: u64,
    /// Version 2: one more nullable column on the middle table.
    #[arg(long)]
    v2: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the schema crate (one module per PostgreSQL schema) into --out.
    Dsl {
        #[command(flatten)]
        shape: Shape,
        #[arg(long)]
        out: PathBuf,
        /// The toolkit workspace the crate depends on by path.
        #[arg(long, default_value = env!("CARGO_MANIFEST_DIR"), value_parser = workspace_of)]
        workspace: PathBuf,
        /// Tables per source file (a schema's module is split into files of this many).
        #[arg(long, default_value_t = workload::dsl::Options::default().part_size)]
        part_size: usize,
        /// Leave the toolkit crates unoptimised in the dev profile (the workspace's own
        /// dev artifacts are then reused as they are).
        #[arg(long)]
        plain_dependencies: bool,
        /// One crate per PostgreSQL schema under crates/, the TableRef constants in
        /// crates/refs: an edit recompiles one schema's crate (docs/performance.md).
        #[arg(long)]
        crates: bool,
    },
    /// Print the plain SQL.
    Sql {
        #[command(flatten)]
        shape: Shape,
    },
    /// Write a drizzle-kit project's schema.ts and drizzle.config.ts into --out (a
    /// directory under the one drizzle-kit and drizzle-orm are installed in).
    Drizzle {
        #[command(flatten)]
        shape: Shape,
        #[arg(long)]
        out: PathBuf,
    },
    /// Print counts: tables, columns, foreign keys, max fan-in, indexes, checks, tenants.
    Stats {
        #[command(flatten)]
        shape: Shape,
    },
}

fn workspace_of(s: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(s);
    // The default is this crate's directory; its parent is the workspace.
    if p.join("Cargo.toml").exists() && p.ends_with("workload") {
        return Ok(p.parent().map(PathBuf::from).unwrap_or(p));
    }
    Ok(p)
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Dsl {
            shape,
            out,
            workspace,
            part_size,
            plain_dependencies,
            crates,
        } => {
            let w = workload::generate(shape.tables, shape.seed, shape.v2);
            let options = workload::dsl::Options {
                part_size,
                optimize_dependencies: !plain_dependencies,
                crates,
            };
            workload::dsl::write_crate(&w, &out, &workspace, &options)
        }
        Command::Drizzle { shape, out } => {
            let w = workload::generate(shape.tables, shape.seed, shape.v2);
            std::fs::create_dir_all(&out)?;
            std::fs::write(out.join("schema.ts"), workload::drizzle::schema_ts(&w))?;
            std::fs::write(out.join("drizzle.config.ts"), workload::drizzle::CONFIG)?;
            Ok(())
        }
        Command::Sql { shape } => {
            let w = workload::generate(shape.tables, shape.seed, shape.v2);
            std::io::stdout().write_all(workload::sql::sql(&w).as_bytes())?;
            Ok(())
        }
        Command::Stats { shape } => {
            let w = workload::generate(shape.tables, shape.seed, shape.v2);
            let count = |f: &dyn Fn(&workload::spec::TableSpec) -> usize| -> usize {
                w.tables.iter().map(f).sum()
            };
            println!(
                "tables {} columns {} fks {} max_fan_in {} indexes {} checks {} tenants {}",
                w.tables.len(),
                count(&|t| 1
                    + t.fks.len()
                    + t.columns.len()
                    + usize::from(t.check)
                    + 2 * usize::from(t.tenant)),
                count(&|t| t.fks.len()),
                w.max_fan_in(),
                count(&|t| t.indexes.len()),
                count(&|t| usize::from(t.check)),
                count(&|t| usize::from(t.tenant)),
            );
            Ok(())
        }
    }
}
