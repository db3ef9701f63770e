//! Triggers and row-level security policies.

use std::collections::HashMap;

use ddl::model::database::Database;
use ddl::model::expr::SqlExpr;
use ddl::model::names::{FunctionSource, Origin, QName};
use ddl::model::policy::{Policy, PolicyCommand};
use ddl::model::trigger::{ForEach, Timing, Trigger, TriggerEvent};

use super::DisabledTrigger;
use super::types::fixpoint_expr;
use crate::catalog::{self as cat};

pub(super) fn add_triggers(
    db: &mut Database,
    _note: &mut dyn FnMut(&str, String, &str),
    by_oid: &HashMap<i64, usize>,
    names: &dyn Fn(i64, &[i32]) -> Vec<String>,
    triggers: Vec<cat::TriggerRow>,
    disabled_triggers: &mut Vec<DisabledTrigger>,
) {
    for tg in triggers {
        let Some(&t) = by_oid.get(&tg.rel) else {
            continue;
        };
        let table = &mut db.tables[t];
        let constraint = tg
            .is_constraint
            .then_some(match (tg.deferrable, tg.deferred) {
                (false, _) => ddl::model::constraint::Deferrable::No,
                (true, false) => ddl::model::constraint::Deferrable::InitiallyImmediate,
                (true, true) => ddl::model::constraint::Deferrable::InitiallyDeferred,
            });
        let ty = tg.tgtype;
        let mut events = Vec::new();
        if ty & 4 != 0 {
            events.push(TriggerEvent::Insert);
        }
        if ty & 16 != 0 {
            events.push(TriggerEvent::Update(names(tg.rel, &tg.columns)));
        }
        if ty & 8 != 0 {
            events.push(TriggerEvent::Delete);
        }
        if ty & 32 != 0 {
            events.push(TriggerEvent::Truncate);
        }
        let function_source = match (&tg.function_extension, tg.function_schema.as_str()) {
            (Some(e), _) => FunctionSource::Extension(e.clone()),
            (None, "pg_catalog") => FunctionSource::Builtin,
            _ => FunctionSource::Declared,
        };
        if tg.enabled != "O" {
            disabled_triggers.push(DisabledTrigger {
                table: table.name.clone(),
                trigger: tg.name.clone(),
                state: tg.enabled.clone(),
            });
        }
        table.triggers.push(Trigger {
            name: tg.name,
            timing: if ty & 2 != 0 {
                Timing::Before
            } else if ty & 64 != 0 {
                Timing::InsteadOf
            } else {
                Timing::After
            },
            events,
            for_each: if ty & 1 != 0 {
                ForEach::Row
            } else {
                ForEach::Statement
            },
            when: tg
                .def
                .as_deref()
                .and_then(when_clause)
                .map(|w| SqlExpr(fixpoint_expr(&w))),
            function: QName::new(tg.function_schema, tg.function_name),
            function_source,
            args: trigger_args(&tg.args, tg.nargs),
            old_table: tg.old_table,
            new_table: tg.new_table,
            constraint,
            origin: Origin::default(),
        });
    }
}

pub(super) fn add_policies(
    db: &mut Database,
    by_oid: &HashMap<i64, usize>,
    policies: Vec<cat::PolicyRow>,
) {
    for p in policies {
        let Some(&t) = by_oid.get(&p.rel) else {
            continue;
        };
        let mut roles: Vec<String> = p.roles.into_iter().filter(|r| r != "public").collect();
        roles.sort();
        db.tables[t].policies.push(Policy {
            name: p.name,
            permissive: p.permissive,
            command: match p.cmd.as_str() {
                "r" => PolicyCommand::Select,
                "a" => PolicyCommand::Insert,
                "w" => PolicyCommand::Update,
                "d" => PolicyCommand::Delete,
                _ => PolicyCommand::All,
            },
            roles,
            using: p.using_expr.as_deref().map(fixpoint_expr).map(SqlExpr),
            with_check: p.check_expr.as_deref().map(fixpoint_expr).map(SqlExpr),
            origin: Origin::default(),
        });
    }
}

/// The `WHEN (...)` condition of `pg_get_triggerdef`.
fn when_clause(def: &str) -> Option<String> {
    let start = def.find(" WHEN (")? + " WHEN (".len();
    let end = def.rfind(") EXECUTE ")?;
    (end > start).then(|| def[start..end].to_owned())
}

/// `tgargs`: the arguments, each ended by a NUL byte.
fn trigger_args(hex: &str, n: i32) -> Vec<String> {
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect();
    bytes
        .split(|b| *b == 0)
        .take(usize::try_from(n).unwrap_or(0))
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_arguments_are_split_on_nul_bytes() {
        // 'a', 'b c' as tgargs: 61 00 62 20 63 00
        assert_eq!(
            trigger_args("6100622063 00".replace(' ', "").as_str(), 2),
            ["a", "b c"]
        );
        assert!(trigger_args("", 0).is_empty());
    }

    #[test]
    fn the_when_condition_is_cut_from_the_trigger_definition() {
        let def = "CREATE TRIGGER t BEFORE UPDATE ON s.x FOR EACH ROW WHEN (old.* IS DISTINCT FROM new.*) EXECUTE FUNCTION s.f()";
        assert_eq!(
            when_clause(def).as_deref(),
            Some("old.* IS DISTINCT FROM new.*")
        );
    }
}
