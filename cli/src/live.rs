//! `cli verify`, `cli diff` and `cli inspect`: reading live databases.

use std::io::Write;

use anyhow::anyhow;
use introspect::{Scratch, VerifyOptions};

use crate::Verdict;
use crate::args::{DiffArgs, InspectArgs, VerifyArgs};

fn need_url(url: Option<String>) -> anyhow::Result<String> {
    url.filter(|u| !u.trim().is_empty()).ok_or_else(|| {
        anyhow!(
            "no database URL: pass --database-url, set DATABASE_URL, or put DATABASE_URL=postgres://… in .env"
        )
    })
}

fn out(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()?;
    Ok(())
}

pub async fn verify(url: Option<String>, args: VerifyArgs) -> anyhow::Result<Verdict> {
    let url = need_url(url)?;
    let opts = VerifyOptions {
        scratch: args
            .scratch_url
            .filter(|u| !u.trim().is_empty())
            .map_or(Scratch::CreateDatabase, Scratch::Url),
        deep: args.deep,
    };
    let report = introspect::verify(&url, &schema::database(), &opts).await?;
    if args.json {
        out(&serde_json::to_string_pretty(&report)?)?;
    } else {
        out(&introspect::drift::text(&report))?;
    }
    Ok(if report.clean {
        Verdict::Clean
    } else {
        Verdict::Problems
    })
}

pub async fn diff(args: DiffArgs) -> anyhow::Result<Verdict> {
    let d = introspect::diff_databases(&args.from, &args.to, &args.schema, args.down).await?;
    for n in &d.not_managed {
        eprintln!("not managed: {} {}: {}", n.kind, n.name, n.reason);
    }
    if d.statements.is_empty() {
        eprintln!(
            "no difference in schemas {}",
            if d.schemas.is_empty() {
                "(none)".to_owned()
            } else {
                d.schemas.join(", ")
            }
        );
        return Ok(Verdict::Clean);
    }
    let (a, b) = (redact(&args.from), redact(&args.to));
    let (from, to) = if args.down { (b, a) } else { (a, b) };
    let mut text = format!(
        "-- cli diff{}: turns {from} into {to}\n-- schemas: {}\n\n",
        if args.down { " --down" } else { "" },
        d.schemas.join(", ")
    );
    text.push_str(&introspect::drift::render(&d.statements));
    out(&text)?;
    Ok(Verdict::Problems)
}

pub async fn inspect(url: Option<String>, args: InspectArgs) -> anyhow::Result<Verdict> {
    let url = need_url(url)?;
    let live = introspect::inspect(&url, &args.schema).await?;
    for n in &live.not_managed {
        eprintln!("not managed: {} {}: {}", n.kind, n.name, n.reason);
    }
    out(&introspect::snapshot(&live))?;
    Ok(Verdict::Clean)
}

/// host:port/database of a URL, for the header (never the password).
fn redact(url: &str) -> String {
    migrations::runner::parse_url(url).map_or_else(|_| "?".to_owned(), |(_, t)| t.to_string())
}
