//! Triggers.

use super::Ctx;
use super::objects::list;
use crate::names::string;
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
    let mut out = match timing {
        Timing::Before => format!("Trigger::before({name}, {f})"),
        Timing::After => format!("Trigger::after({name}, {f})"),
        Timing::InsteadOf => format!("Trigger::new({name}, Timing::InsteadOf, {f})"),
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
    for a in args {
        let _ = write!(out, ".arg({})", string(a));
    }
    out
}
