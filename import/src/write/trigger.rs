//! Triggers.

use super::Ctx;
use super::objects::list;
use crate::names::string;
use ddl::model::constraint::Deferrable;
use ddl::model::names::FunctionSource;
use ddl::model::trigger::{ForEach, Timing, Trigger, TriggerEvent};
use std::fmt::Write as _;

pub(super) fn trigger(ctx: &Ctx, t: &Trigger) -> String {
    let Trigger {
        name,
        timing,
        events,
        for_each,
        when,
        function,
        function_source,
        args,
        old_table,
        new_table,
        constraint,
        origin: _,
    } = t;
    let (s, n) = (string(&function.schema), string(&function.name));
    let f = match function_source {
        FunctionSource::Declared => ctx.function(function),
        FunctionSource::Builtin => format!("FunctionRef::builtin({s}, {n})"),
        FunctionSource::Extension(e) => {
            format!("FunctionRef::of_extension({}, {s}, {n})", string(e))
        }
    };
    let name = string(name);
    let mut out = match (timing, constraint) {
        // A constraint trigger is always AFTER .. FOR EACH ROW (PostgreSQL's rule).
        (_, Some(_)) => format!("Trigger::constraint({name}, {f})"),
        (Timing::Before, None) => format!("Trigger::before({name}, {f})"),
        (Timing::After, None) => format!("Trigger::after({name}, {f})"),
        (Timing::InsteadOf, None) => format!("Trigger::instead_of({name}, {f})"),
    };
    for e in events {
        match e {
            TriggerEvent::Insert => out.push_str(".on_insert()"),
            TriggerEvent::Update(cols) if cols.is_empty() => out.push_str(".on_update()"),
            TriggerEvent::Update(cols) => {
                let _ = write!(out, ".on_update_of({})", list(cols));
            }
            TriggerEvent::Delete => out.push_str(".on_delete()"),
            TriggerEvent::Truncate => out.push_str(".on_truncate()"),
        }
    }
    match for_each {
        ForEach::Row => {}
        ForEach::Statement => out.push_str(".for_each_statement()"),
    }
    if let Some(w) = when {
        let _ = write!(out, ".when({})", string(w.as_str()));
    }
    if let Some(o) = old_table {
        let _ = write!(out, ".referencing_old_table({})", string(o));
    }
    if let Some(n) = new_table {
        let _ = write!(out, ".referencing_new_table({})", string(n));
    }
    match constraint {
        None | Some(Deferrable::No) => {}
        Some(Deferrable::InitiallyDeferred) => out.push_str(".deferrable()"),
        Some(Deferrable::InitiallyImmediate) => out.push_str(".deferrable_immediate()"),
    }
    for a in args {
        let _ = write!(out, ".arg({})", string(a));
    }
    out
}
