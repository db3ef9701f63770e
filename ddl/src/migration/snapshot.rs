//! The snapshot of the declaration as of the newest migration, and the checks that the
//! committed files are the ones the generator wrote.

use super::{Existing, files::parse_file_name, files::sort_files};
use crate::checksum;
use crate::model::database::Database;
use crate::validate::{Code, Diagnostic, Diagnostics};
use serde::{Deserialize, Serialize};

pub const SNAPSHOT_FILE: &str = "schema.snapshot.json";

/// What the reader needs of a snapshot file (its `@generated` line is for people).
#[derive(Deserialize)]
struct SnapshotFile {
    database: Database,
}

/// The snapshot file's text for a declaration: valid JSON with one compact line per
/// object, so a change to one table is a one-line diff and the file stays small.
pub fn snapshot_json(db: &Database) -> String {
    fn list<T: Serialize>(out: &mut String, name: &str, items: &[T], last: bool) {
        out.push_str(&format!("    \"{name}\": ["));
        for (i, item) in items.iter().enumerate() {
            out.push_str(if i == 0 { "\n      " } else { ",\n      " });
            out.push_str(&serde_json::to_string(item).unwrap_or_default());
        }
        out.push_str(if items.is_empty() { "]" } else { "\n    ]" });
        out.push_str(if last { "\n" } else { ",\n" });
    }
    let mut out = String::with_capacity(db.tables.len() * 1500 + 1024);
    out.push_str("{\n  \"@generated\": \"by `cargo run -p codegen`: the declared schema as of the newest migration. Do not edit.\",\n");
    out.push_str("  \"database\": {\n");
    list(&mut out, "extensions", &db.extensions, false);
    list(&mut out, "schemas", &db.schemas, false);
    list(&mut out, "enums", &db.enums, false);
    list(&mut out, "functions", &db.functions, false);
    // Kinds added later appear only when declared, so older snapshots keep their bytes.
    macro_rules! later {
        ($($field:ident),*) => {$(
            if !db.$field.is_empty() {
                list(&mut out, stringify!($field), &db.$field, false);
            }
        )*};
    }
    later!(
        sequences,
        domains,
        composites,
        ranges,
        aggregates,
        roles,
        views,
        raws,
        grants,
        default_privileges
    );
    list(&mut out, "tables", &db.tables, true);
    out.push_str("  }\n}\n");
    out
}

/// Reads a snapshot file.
pub fn parse_snapshot(text: &str) -> Result<Database, String> {
    serde_json::from_str::<SnapshotFile>(text)
        .map(|f| f.database)
        .map_err(|e| format!("{SNAPSHOT_FILE} is not a valid snapshot: {e}"))
}

/// The command that undoes an edit of the snapshot, for messages.
pub const RESTORE_SNAPSHOT: &str = "git checkout migrations/schema.snapshot.json";

pub(super) fn snapshot_diagnostic(code: Code, message: String) -> Diagnostics {
    Diagnostics(vec![Diagnostic::new(
        code,
        SNAPSHOT_FILE,
        Default::default(),
        message,
        format!("restore it from version control: `{RESTORE_SNAPSHOT}`"),
    )])
}

/// The `-- snapshot: <sha256>` line of the newest up file that has one, with that file's
/// name. Hand-written migrations copy the line of the migration before them, and one
/// without it is skipped, so the newest migration always vouches for the snapshot.
pub fn recorded_snapshot(files: &[(String, String)]) -> Option<(&str, &str)> {
    let mut ups: Vec<&(String, String)> = files
        .iter()
        .filter(|(n, _)| parse_file_name(n).is_some_and(|(_, down)| !down))
        .collect();
    ups.sort_by_key(|(n, _)| parse_file_name(n));
    ups.into_iter().rev().find_map(|(name, text)| {
        text.lines()
            .take_while(|l| l.trim().is_empty() || l.starts_with("--"))
            .find_map(|l| l.strip_prefix("-- snapshot: "))
            .map(|sha| (name.as_str(), sha.trim()))
    })
}

/// Refuses a snapshot that cannot be planned from: unreadable (`snapshot-invalid`), or
/// not the one the newest migration recorded (`snapshot-edited`). Runs before planning,
/// so no SQL is ever computed from a damaged snapshot.
pub fn check_snapshot(existing: &Existing) -> Result<(), Diagnostics> {
    let recorded = recorded_snapshot(&existing.files);
    let Some(text) = &existing.snapshot else {
        return match recorded {
            None => Ok(()),
            Some((name, _)) => Err(snapshot_diagnostic(
                Code::SnapshotInvalid,
                format!("{SNAPSHOT_FILE} is missing, but {name} was generated from one"),
            )),
        };
    };
    let signed = recorded
        .as_ref()
        .is_some_and(|(_, sha)| checksum::sha256_hex(text.as_bytes()) == *sha);
    // A snapshot whose checksum is recorded is the one codegen wrote: planning parses it
    // (and reports it if this build cannot read it), so it is not parsed twice (at
    // 10,000 tables it is 8.6 MB of JSON, 0.1 s).
    if !signed {
        parse_snapshot(text).map_err(|e| snapshot_diagnostic(Code::SnapshotInvalid, e))?;
    }
    match recorded {
        Some((name, _)) if !signed => Err(snapshot_diagnostic(
            Code::SnapshotEdited,
            format!(
                "{SNAPSHOT_FILE} is not the snapshot {name} was generated with (edited by hand?); a migration planned from it would be wrong"
            ),
        )),
        _ => Ok(()),
    }
}

/// Problems with the committed migration files themselves: edited, removed or reordered
/// files, or a missing `migrations.sum` (the checksum chain). The snapshot is checked by
/// [`check_snapshot`].
pub fn check_existing(existing: &Existing) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files = existing.files.clone();
    sort_files(&mut files);
    match (&existing.sum, files.is_empty()) {
        (None, false) => problems.push(checksum::SumError::Absent.to_string()),
        (None, true) => {}
        (Some(sum), _) => match checksum::parse(sum) {
            Err(e) => problems.push(e.to_string()),
            Ok(recorded) => problems.extend(
                checksum::verify(
                    &recorded,
                    files.iter().map(|(n, c)| (n.as_str(), c.as_bytes())),
                )
                .into_iter()
                .map(|e| e.to_string()),
            ),
        },
    }
    problems
}
