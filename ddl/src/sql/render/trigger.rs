//! Triggers.

use super::{LockMode, Stmt};
use crate::model::expr::quote_literal;
use crate::model::table::Table;
use crate::model::trigger::{ForEach, Timing, Trigger, TriggerEvent};
use crate::sql::ident::{ident, ident_list, qname};

pub fn create_trigger(t: &Table, tr: &Trigger) -> Stmt {
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
    Stmt::new(
        "trigger",
        format!("{}.{}", t.name, tr.name),
        format!(
            "CREATE TRIGGER {}\n    {timing} {} ON {}\n    FOR EACH {each}{when}\n    EXECUTE FUNCTION {}({});",
            ident(&tr.name),
            events.join(" OR "),
            qname(&t.name),
            qname(&tr.function),
            args.join(", ")
        ),
    )
    .locks(LockMode::ShareRowExclusive, &[&t.name])
}

pub fn drop_trigger(t: &Table, tr: &Trigger) -> Stmt {
    Stmt::new(
        "trigger",
        format!("{}.{}", t.name, tr.name),
        format!("DROP TRIGGER {} ON {};", ident(&tr.name), qname(&t.name)),
    )
    .locks(LockMode::AccessExclusive, &[&t.name])
}
