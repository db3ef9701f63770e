//! Triggers.

use super::{LockMode, Stmt};
use crate::model::expr::quote_literal;
use crate::model::names::QName;
use crate::model::table::Table;
use crate::model::trigger::{ForEach, Timing, Trigger, TriggerEvent};
use crate::sql::ident::{ident, ident_list, qname};

pub fn create_trigger(t: &Table, tr: &Trigger) -> Stmt {
    create_trigger_on(&t.name, tr)
}

/// `CREATE TRIGGER` on a relation by name (a table, or a view for INSTEAD OF).
pub fn create_trigger_on(relation: &QName, tr: &Trigger) -> Stmt {
    let timing = match tr.timing {
        Timing::Before => "BEFORE",
        Timing::After => "AFTER",
        Timing::InsteadOf => "INSTEAD OF",
    };
    let events: Vec<String> = tr
        .events
        .iter()
        .map(|e| match e {
            TriggerEvent::Insert => "INSERT".to_owned(),
            TriggerEvent::Update(cols) if cols.is_empty() => "UPDATE".to_owned(),
            TriggerEvent::Update(cols) => format!("UPDATE OF {}", ident_list(cols)),
            TriggerEvent::Delete => "DELETE".to_owned(),
            TriggerEvent::Truncate => "TRUNCATE".to_owned(),
        })
        .collect();
    let each = match tr.for_each {
        ForEach::Row => "ROW",
        ForEach::Statement => "STATEMENT",
    };
    let when = tr
        .when
        .as_ref()
        .map(|w| format!("\n    WHEN ({})", w.as_str()))
        .unwrap_or_default();
    let args: Vec<String> = tr.args.iter().map(|a| quote_literal(a)).collect();
    let (create, deferrable) = match tr.constraint {
        Some(d) => ("CREATE CONSTRAINT TRIGGER", super::deferrable_sql(d)),
        None => ("CREATE TRIGGER", ""),
    };
    let mut referencing = String::new();
    if let Some(o) = &tr.old_table {
        referencing.push_str(&format!(" OLD TABLE AS {}", ident(o)));
    }
    if let Some(n) = &tr.new_table {
        referencing.push_str(&format!(" NEW TABLE AS {}", ident(n)));
    }
    if !referencing.is_empty() {
        referencing = format!("\n    REFERENCING{referencing}");
    }
    let deferrable = if deferrable.is_empty() {
        String::new()
    } else {
        format!("\n   {deferrable}")
    };
    Stmt::new(
        "trigger",
        format!("{relation}.{}", tr.name),
        format!(
            "{create} {}\n    {timing} {} ON {}{deferrable}{referencing}\n    FOR EACH {each}{when}\n    EXECUTE FUNCTION {}({});",
            ident(&tr.name),
            events.join(" OR "),
            qname(relation),
            qname(&tr.function),
            args.join(", ")
        ),
    )
    .locks(LockMode::ShareRowExclusive, &[relation])
}

pub fn drop_trigger(t: &Table, tr: &Trigger) -> Stmt {
    drop_trigger_on(&t.name, tr)
}

/// `DROP TRIGGER` of a trigger of a relation (a table or a view).
pub fn drop_trigger_on(relation: &QName, tr: &Trigger) -> Stmt {
    Stmt::new(
        "trigger",
        format!("{relation}.{}", tr.name),
        format!("DROP TRIGGER {} ON {};", ident(&tr.name), qname(relation)),
    )
    .locks(LockMode::AccessExclusive, &[relation])
}
