//! Hand-written migrations. `--new NAME` writes an empty numbered pair that codegen never
//! rewrites and signs it into the checksum chain; `--rehash` signs the chain again after
//! such a file was edited (before it is applied anywhere), or when `migrations.sum` was
//! lost. Generated files are never re-signed when they differ from their recorded
//! checksum: nobody edits them by hand, so a difference is an accident to undo.

use ddl::checksum::{self, SUM_FILE};
use ddl::migration::{self, Existing, parse_file_name};

/// A new hand-written pair and the chain that includes it.
#[derive(Debug, Clone)]
pub struct NewPair {
    pub stem: String,
    pub up: String,
    pub down: String,
    pub sum: String,
}

impl NewPair {
    pub fn up_file(&self) -> String {
        format!("{}.sql", self.stem)
    }

    pub fn down_file(&self) -> String {
        format!("{}.down.sql", self.stem)
    }
}

/// The header of a hand-written file. The `-- snapshot:` line repeats the one of the
/// migration before it, because the snapshot does not change: `--check` and the next
/// generation compare the snapshot file against the newest migration's line.
pub fn header(
    stem: &str,
    name: &str,
    direction: &str,
    snapshot: Option<&str>,
    no_transaction: bool,
) -> String {
    let mut out = format!(
        "-- hand-written migration: {stem} ({direction}). codegen never rewrites this file.\n\
         -- Created by `cargo run -p codegen -- --new {name}` and signed in {SUM_FILE}: after editing\n\
         -- it (only while it is not applied anywhere yet), re-sign with `cargo run -p codegen -- --rehash`.\n"
    );
    if let Some(sha) = snapshot {
        out.push_str(&format!("-- snapshot: {sha}\n"));
    }
    if no_transaction {
        out.push_str("-- @transaction: none\n");
    }
    out.push('\n');
    out
}

/// The next version's empty pair named `name`, and `migrations.sum` with both files
/// appended to the chain.
pub fn new_pair(existing: &Existing, name: &str, no_transaction: bool) -> NewPair {
    let version = existing
        .files
        .iter()
        .filter_map(|(n, _)| parse_file_name(n).map(|(v, _)| v))
        .max()
        .unwrap_or(0)
        + 1;
    let stem = format!("{version:03}_{name}");
    let snapshot = migration::recorded_snapshot(&existing.files).map(|(_, sha)| sha);
    let up = header(&stem, name, "up", snapshot, no_transaction);
    let down = header(&stem, name, "down", snapshot, no_transaction);
    let mut files = existing.files.clone();
    files.push((format!("{stem}.sql"), up.clone()));
    files.push((format!("{stem}.down.sql"), down.clone()));
    migration::sort_files(&mut files);
    let sum = checksum::render(&checksum::chain(
        files.iter().map(|(n, c)| (n.as_str(), c.as_bytes())),
    ));
    NewPair {
        stem,
        up,
        down,
        sum,
    }
}

/// A re-signed chain.
#[derive(Debug, Clone)]
pub struct Rehash {
    pub sum: String,
    /// Files whose signature is new or changed, with why (`002_x.sql (edited)`).
    pub changed: Vec<String>,
    /// There was no readable `migrations.sum`: generated files could not be checked.
    pub unverified: bool,
}

/// Signs every file as it is on disk, refusing generated files that differ from the
/// recorded chain (one message per file).
pub fn rehash(existing: &Existing) -> Result<Rehash, Vec<String>> {
    let recorded = existing
        .sum
        .as_deref()
        .and_then(|s| checksum::parse(s).ok());
    let mut files = existing.files.clone();
    migration::sort_files(&mut files);
    let mut problems = Vec::new();
    let mut changed = Vec::new();
    for (name, text) in &files {
        let sha = checksum::sha256_hex(text.as_bytes());
        let Some(recorded) = &recorded else {
            changed.push(format!("{name} (signed as it is)"));
            continue;
        };
        let entry = recorded.iter().find(|e| &e.file == name);
        match (migration::is_generated(text), entry) {
            (_, Some(e)) if e.sha256 == sha => {}
            (true, Some(_)) => problems.push(format!(
                "{name} carries the @generated header but differs from its checksum in {SUM_FILE}: generated files are never edited by hand; restore it (`git checkout migrations/{name}`) and write the change as a new migration (`cargo run -p codegen -- --new NAME`) or in schema/src"
            )),
            (true, None) => problems.push(format!(
                "{name} carries the @generated header but {SUM_FILE} does not list it: only codegen writes generated files; restore the directory from version control or run `cargo run -p codegen`"
            )),
            (false, Some(_)) => changed.push(format!("{name} (edited)")),
            (false, None) => changed.push(format!("{name} (new)")),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let sum = checksum::render(&checksum::chain(
        files.iter().map(|(n, c)| (n.as_str(), c.as_bytes())),
    ));
    Ok(Rehash {
        sum,
        changed,
        unverified: recorded.is_none(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(stem: &str, dir: &str) -> String {
        format!(
            "{}\n-- migration: {stem} ({dir})\n-- snapshot: abc123\n\nCREATE TABLE t ();\n",
            migration::GENERATED_BY
        )
    }

    fn existing() -> Existing {
        let files = vec![
            (
                "001_initial_schema.sql".to_owned(),
                generated("001_initial_schema", "up"),
            ),
            (
                "001_initial_schema.down.sql".to_owned(),
                generated("001_initial_schema", "down"),
            ),
        ];
        let sum = checksum::render(&checksum::chain(
            files.iter().map(|(n, c)| (n.as_str(), c.as_bytes())),
        ));
        Existing {
            files,
            snapshot: Some("{}".into()),
            sum: Some(sum),
        }
    }

    #[test]
    fn a_new_pair_is_numbered_next_carries_the_snapshot_line_and_is_signed() {
        let pair = new_pair(&existing(), "backfill_names", false);
        assert_eq!(pair.up_file(), "002_backfill_names.sql");
        assert!(pair.up.contains("-- snapshot: abc123\n"), "{}", pair.up);
        assert!(pair.up.contains("hand-written"), "{}", pair.up);
        assert!(
            pair.up.contains("cargo run -p codegen -- --rehash"),
            "{}",
            pair.up
        );
        assert!(!migration::is_generated(&pair.up));
        assert!(!pair.up.contains("@transaction"));
        let recorded = checksum::parse(&pair.sum).expect("sum");
        let names: Vec<&str> = recorded.iter().map(|e| e.file.as_str()).collect();
        assert_eq!(
            names,
            [
                "001_initial_schema.sql",
                "001_initial_schema.down.sql",
                "002_backfill_names.sql",
                "002_backfill_names.down.sql"
            ]
        );
    }

    #[test]
    fn no_transaction_puts_the_marker_in_both_headers() {
        let pair = new_pair(&existing(), "index_names", true);
        for text in [&pair.up, &pair.down] {
            assert!(text.contains("\n-- @transaction: none\n"), "{text}");
        }
    }

    #[test]
    fn rehash_re_signs_an_edited_hand_written_file() {
        let mut ex = existing();
        let pair = new_pair(&ex, "backfill", false);
        ex.files
            .push((pair.up_file(), format!("{}UPDATE t SET x = 1;\n", pair.up)));
        ex.files.push((pair.down_file(), pair.down.clone()));
        ex.sum = Some(pair.sum);
        let done = rehash(&ex).expect("re-signed");
        assert_eq!(done.changed, ["002_backfill.sql (edited)"]);
        assert!(!done.unverified);
        ex.sum = Some(done.sum);
        let again = rehash(&ex).expect("nothing to do");
        assert!(again.changed.is_empty());
    }

    #[test]
    fn rehash_refuses_an_edited_generated_file() {
        let mut ex = existing();
        ex.files[0].1.push_str("DROP TABLE t;\n");
        let problems = rehash(&ex).expect_err("refused");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("001_initial_schema.sql carries the @generated header"),
            "{problems:?}"
        );
    }

    #[test]
    fn rehash_regenerates_a_missing_sum_and_says_it_could_not_verify() {
        let mut ex = existing();
        let expected = ex.sum.take().expect("sum");
        let done = rehash(&ex).expect("signed");
        assert!(done.unverified);
        assert_eq!(done.sum, expected);
    }
}
