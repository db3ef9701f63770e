//! `cli lint [FILES...]`: runs the rules of the `lint` crate on SQL files, in order.

use std::path::Path;

use anyhow::Context as _;
use migrations::MigrationSet;

use crate::Verdict;
use crate::args::{Format, LintArgs};

pub fn run(args: &LintArgs) -> anyhow::Result<Verdict> {
    let files = if !args.files.is_empty() {
        args.files
            .iter()
            .map(|p| read(p).map(|text| (p.display().to_string(), text)))
            .collect::<anyhow::Result<Vec<_>>>()?
    } else if let Some(dir) = &args.dir {
        up_migrations(dir)?
    } else {
        crate::migrate::warn_if_embedded_is_stale();
        MigrationSet::embedded()?
            .migrations
            .into_iter()
            .map(|m| (format!("migrations/{}", m.up.file), m.up.source))
            .collect()
    };
    let findings = lint::lint_files(&files);
    match args.format {
        Format::Text => {
            if findings.is_empty() {
                println!("{} ({} files)", lint::summary(&findings), files.len());
            } else {
                print!("{}", lint::render_text(&findings));
            }
        }
        Format::Json => println!("{}", lint::render_json(&findings)),
    }
    Ok(if lint::has_errors(&findings) {
        Verdict::Failed
    } else {
        Verdict::Clean
    })
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The `NNN_name.sql` files of a directory (down files left out: they drop what their up
/// file created, by design), in version order.
fn up_migrations(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Ok((version, false)) = migrations::source::parse_name(&name) {
            names.push((version, name));
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|(_, name)| {
            let path = dir.join(&name);
            read(&path).map(|text| (path.display().to_string(), text))
        })
        .collect()
}
