//! Statements that remove or rename what running code still uses.

use pg_query::NodeEnum;
use pg_query::protobuf::{AlterTableType, ObjectType};

use super::Rule;
use crate::Severity::{Error, Warning};
use crate::ast;
use crate::engine::Cx;

const FAMILY: &str = "destructive";

pub const DROPPING_COLUMN: Rule = Rule {
    code: "dropping-column",
    severity: Error,
    family: FAMILY,
    title: "Dropping a column of an existing table",
    why: "The data is gone for good, and the application version still running during the deploy (and any ORM that lists columns) fails on the missing column.",
    alternative: "Stop reading and writing the column in one release, then drop it in a later migration with `-- lint: ignore dropping-column <why it is safe now>`.",
    bad: "ALTER TABLE core.users DROP COLUMN legacy_flags;",
    good: "COMMENT ON COLUMN core.users.legacy_flags IS 'Deprecated: unused since 2.4, dropped in 2.6';",
};

pub const DROPPING_TABLE: Rule = Rule {
    code: "dropping-table",
    severity: Error,
    family: FAMILY,
    title: "Dropping an existing table",
    why: "The data is gone for good, and code still deployed fails on the missing table; `CASCADE` silently takes views and foreign keys with it.",
    alternative: "Stop using the table in one release, keep a backup (or rename it to `<name>_deprecated` for a while), then drop it in a later migration with `-- lint: ignore dropping-table <why it is safe now>`.",
    bad: "DROP TABLE core.legacy_sessions;",
    good: "ALTER TABLE core.legacy_sessions SET SCHEMA archive;",
};

pub const RENAMING_COLUMN: Rule = Rule {
    code: "renaming-column",
    severity: Warning,
    family: FAMILY,
    title: "Renaming a column of an existing table",
    why: "The application version running during and just after the deploy still uses the old name: its queries fail until every instance runs the new code.",
    alternative: "Add the new column, write to both, backfill, switch readers, drop the old one later; or rename and keep a view with the old name for the old code.",
    bad: "ALTER TABLE core.users RENAME COLUMN name TO full_name;",
    good: "ALTER TABLE core.users ADD COLUMN full_name text;",
};

pub const RENAMING_TABLE: Rule = Rule {
    code: "renaming-table",
    severity: Warning,
    family: FAMILY,
    title: "Renaming an existing table",
    why: "Code still running uses the old name and fails until every instance is replaced.",
    alternative: "Rename, then `CREATE VIEW old_name AS SELECT * FROM new_name` (a simple view is updatable) until no code uses the old name.",
    bad: "ALTER TABLE core.files RENAME TO documents;",
    good: "CREATE VIEW core.documents AS SELECT * FROM core.files;",
};

pub const REMOVING_ENUM_VALUE: Rule = Rule {
    code: "removing-enum-value",
    severity: Error,
    family: FAMILY,
    title: "Removing a value from an enum type",
    why: "PostgreSQL has no `ALTER TYPE … DROP VALUE`: recreating the type without the value (or deleting from `pg_enum`) fails on, or corrupts, every row that still holds the value, and code writing it starts failing.",
    alternative: "Keep the value and stop writing it (a CHECK constraint can forbid it for new rows); if it must go, migrate the rows first, then recreate the type in a dedicated migration with an ignore comment that says why it is safe.",
    bad: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n-- next file\nALTER TYPE mood RENAME TO mood_old;\nCREATE TYPE mood AS ENUM ('ok', 'happy');",
    good: "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ecstatic';",
};

pub const RENAMING_ENUM_VALUE: Rule = Rule {
    code: "renaming-enum-value",
    severity: Warning,
    family: FAMILY,
    title: "Renaming an enum value",
    why: "Stored rows follow the rename, but code still deployed writes and compares the old label, and those writes fail.",
    alternative: "Add the new value, switch writers, migrate the rows, and leave the old value unused.",
    bad: "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';",
    good: "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'fine';",
};

pub(crate) fn check(stmt: &NodeEnum, cx: &mut Cx<'_>) {
    match stmt {
        NodeEnum::AlterTableStmt(a) => {
            let Some(rv) = &a.relation else { return };
            if cx.is_new(&ast::table_key(rv)) || a.objtype != ObjectType::ObjectTable as i32 {
                return;
            }
            for cmd in &a.cmds {
                let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else {
                    continue;
                };
                if cmd.subtype == AlterTableType::AtDropColumn as i32 {
                    cx.report(
                        &DROPPING_COLUMN,
                        -1,
                        format!(
                            "column `{}` of {} is dropped: its data is lost and running code that uses it fails",
                            cmd.name,
                            ast::table_shown(rv)
                        ),
                    );
                }
            }
        }
        NodeEnum::DropStmt(d) if d.remove_type == ObjectType::ObjectTable as i32 => {
            for o in &d.objects {
                let Some(NodeEnum::List(l)) = &o.node else {
                    continue;
                };
                let table = ast::qualified(&l.items);
                if !cx.is_new(&table) {
                    cx.report(
                        &DROPPING_TABLE,
                        -1,
                        format!(
                            "table {} is dropped: its data is lost and running code that uses it fails",
                            ast::strings(&l.items).join(".")
                        ),
                    );
                }
            }
        }
        NodeEnum::RenameStmt(r) => {
            let Some(rv) = &r.relation else { return };
            if cx.is_new(&ast::table_key(rv)) {
                return;
            }
            let shown = ast::table_shown(rv);
            if r.rename_type == ObjectType::ObjectColumn as i32 {
                cx.report(
                    &RENAMING_COLUMN,
                    -1,
                    format!(
                        "column {shown}.{} is renamed to `{}`: running code that uses the old name fails",
                        r.subname, r.newname
                    ),
                );
            } else if r.rename_type == ObjectType::ObjectTable as i32 {
                cx.report(
                    &RENAMING_TABLE,
                    -1,
                    format!(
                        "table {shown} is renamed to `{}`: running code that uses the old name fails",
                        r.newname
                    ),
                );
            }
        }
        NodeEnum::CreateEnumStmt(e) => {
            let name = ast::qualified(&e.type_name);
            if let Some(old) = cx.state.retired_enums.get(&name) {
                let new = ast::strings(&e.vals);
                let missing: Vec<&String> = old.iter().filter(|v| !new.contains(v)).collect();
                if !missing.is_empty() {
                    let list = missing
                        .iter()
                        .map(|v| format!("'{v}'"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    cx.report(
                        &REMOVING_ENUM_VALUE,
                        -1,
                        format!(
                            "enum {} is recreated without {list}: rows holding it cannot be converted and code writing it fails",
                            ast::strings(&e.type_name).join(".")
                        ),
                    );
                }
            }
        }
        NodeEnum::DeleteStmt(d) => {
            let catalog = d
                .relation
                .as_ref()
                .is_some_and(|rv| rv.relname == "pg_enum");
            if catalog {
                cx.report(
                    &REMOVING_ENUM_VALUE,
                    -1,
                    "deleting from pg_enum removes enum values behind PostgreSQL's back: rows holding them become unreadable"
                        .to_owned(),
                );
            }
        }
        NodeEnum::AlterEnumStmt(e) if !e.old_val.is_empty() => {
            cx.report(
                &RENAMING_ENUM_VALUE,
                -1,
                format!(
                    "enum value '{}' of {} is renamed to '{}': running code that writes the old label fails",
                    e.old_val,
                    ast::strings(&e.type_name).join("."),
                    e.new_val
                ),
            );
        }
        _ => {}
    }
}
