//! The difference between a declaration and a live database, for people and machines,
//! and the SQL that repairs it.

use std::collections::BTreeMap;

use ddl::model::database::Database;
use serde::Serialize;
use serde_json::Value;

use crate::read::{DisabledTrigger, NotManaged};

mod report;
mod tables;

pub use report::{enable_triggers, plan, render, text};
use tables::table;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftState {
    /// Declared, not in the database.
    Missing,
    /// In the database, not declared.
    Extra,
    /// In both, with an attribute that differs.
    Different,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Drift {
    pub kind: &'static str,
    pub object: String,
    pub state: DriftState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<String>,
}

/// A finding of `--deep` that is no drift: the declaration itself allows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub object: String,
    pub message: String,
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub database: String,
    pub schemas: Vec<String>,
    pub drift: Vec<Drift>,
    pub not_managed: Vec<NotManaged>,
    pub warnings: Vec<Warning>,
    /// The SQL that brings the database back to the declaration, one entry per statement.
    pub sql: Vec<String>,
    pub clean: bool,
}

fn short(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".to_owned(),
        other => other.to_string(),
    }
}

/// A value for the report; the snapshot form leaves defaults out, so an absent value is
/// shown as the default of its field.
fn shown(key: &str, v: &Value, other: &Value) -> String {
    if !v.is_null() {
        return short(v);
    }
    match (key, other) {
        (_, Value::Bool(_)) => "false".to_owned(),
        (_, Value::Array(_)) => "[]".to_owned(),
        ("on_delete" | "on_update", _) => "NoAction".to_owned(),
        ("deferrable", _) => "No".to_owned(),
        ("volatility", _) => "Volatile".to_owned(),
        ("command", _) => "All".to_owned(),
        ("method", _) => "BTree".to_owned(),
        _ => "none".to_owned(),
    }
}

fn drift(kind: &'static str, object: String, state: DriftState) -> Drift {
    Drift {
        kind,
        object,
        state,
        attribute: None,
        declared: None,
        live: None,
    }
}

/// Field-by-field differences of two serialisable values (missing fields are defaults).
fn attributes<T: Serialize>(
    out: &mut Vec<Drift>,
    kind: &'static str,
    object: &str,
    declared: &T,
    live: &T,
    skip: &[&str],
) {
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) =
        (serde_json::to_value(declared), serde_json::to_value(live))
    else {
        return;
    };
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for k in keys {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let (x, y) = (
            a.get(k).unwrap_or(&Value::Null),
            b.get(k).unwrap_or(&Value::Null),
        );
        if x != y {
            out.push(Drift {
                kind,
                object: object.to_owned(),
                state: DriftState::Different,
                attribute: Some(k.clone()),
                declared: Some(shown(k, x, y)),
                live: Some(shown(k, y, x)),
            });
        }
    }
}

fn keyed<'a, T, K: Ord>(
    out: &mut Vec<Drift>,
    kind: &'static str,
    declared: &'a [T],
    live: &'a [T],
    key: impl Fn(&T) -> K,
    name: impl Fn(&T) -> String,
    mut both: impl FnMut(&mut Vec<Drift>, &'a T, &'a T),
) {
    let d: BTreeMap<K, &T> = declared.iter().map(|x| (key(x), x)).collect();
    let l: BTreeMap<K, &T> = live.iter().map(|x| (key(x), x)).collect();
    for (k, x) in &d {
        match l.get(k) {
            None => out.push(drift(kind, name(x), DriftState::Missing)),
            Some(y) => both(out, x, y),
        }
    }
    for (k, y) in &l {
        if !d.contains_key(k) {
            out.push(drift(kind, name(y), DriftState::Extra));
        }
    }
}

/// Every difference between a declaration and a live model (both as read from catalogs),
/// with the triggers that are disabled.
pub fn compare(declared: &Database, live: &Database, disabled: &[DisabledTrigger]) -> Vec<Drift> {
    let mut out = Vec::new();
    keyed(
        &mut out,
        "extension",
        &declared.extensions,
        &live.extensions,
        |e| e.name.clone(),
        |e| e.name.clone(),
        |o, a, b| {
            attributes(o, "extension", &a.name, a, b, &["provides"]);
        },
    );
    keyed(
        &mut out,
        "schema",
        &declared.schemas,
        &live.schemas,
        |s| s.name.clone(),
        |s| s.name.clone(),
        |o, a, b| {
            attributes(o, "schema", &a.name, a, b, &[]);
        },
    );
    keyed(
        &mut out,
        "type",
        &declared.enums,
        &live.enums,
        |e| e.name.clone(),
        |e| e.name.to_string(),
        |o, a, b| {
            attributes(o, "type", &a.name.to_string(), a, b, &[]);
        },
    );
    keyed(
        &mut out,
        "function",
        &declared.functions,
        &live.functions,
        |f| (f.name.clone(), f.signature()),
        ddl::model::objects::Function::identity,
        |o, a, b| {
            attributes(o, "function", &a.name.to_string(), a, b, &["depends_on"]);
        },
    );
    keyed(
        &mut out,
        "sequence",
        &declared.sequences,
        &live.sequences,
        |x| x.name.clone(),
        |x| x.name.to_string(),
        |o, a, b| attributes(o, "sequence", &a.name.to_string(), a, b, &[]),
    );
    keyed(
        &mut out,
        "domain",
        &declared.domains,
        &live.domains,
        |x| x.name.clone(),
        |x| x.name.to_string(),
        |o, a, b| attributes(o, "domain", &a.name.to_string(), a, b, &[]),
    );
    keyed(
        &mut out,
        "type",
        &declared.composites,
        &live.composites,
        |x| x.name.clone(),
        |x| x.name.to_string(),
        |o, a, b| attributes(o, "type", &a.name.to_string(), a, b, &[]),
    );
    keyed(
        &mut out,
        "type",
        &declared.ranges,
        &live.ranges,
        |x| x.name.clone(),
        |x| x.name.to_string(),
        |o, a, b| attributes(o, "type", &a.name.to_string(), a, b, &[]),
    );
    keyed(
        &mut out,
        "aggregate",
        &declared.aggregates,
        &live.aggregates,
        |a| (a.name.clone(), a.signature()),
        |a| format!("{}({})", a.name, a.signature()),
        |o, a, b| {
            attributes(o, "aggregate", &a.name.to_string(), a, b, &[]);
        },
    );
    keyed(
        &mut out,
        "table",
        &declared.tables,
        &live.tables,
        |t| t.name.clone(),
        |t| t.name.to_string(),
        |o, a, b| {
            table(o, a, b, disabled);
        },
    );
    keyed(
        &mut out,
        "view",
        &declared.views,
        &live.views,
        |v| v.name.clone(),
        |v| v.name.to_string(),
        |o, a, b| {
            attributes(o, "view", &a.name.to_string(), a, b, &["depends_on"]);
        },
    );
    keyed(
        &mut out,
        "role",
        &declared.roles,
        &live.roles,
        |r| r.name.clone(),
        |r| r.name.clone(),
        |_, _, _| {},
    );
    keyed(
        &mut out,
        "grant",
        &declared.grants,
        &live.grants,
        |g| g.key(),
        |g| g.key(),
        |o, a, b| {
            attributes(o, "grant", &a.key(), a, b, &[]);
        },
    );
    keyed(
        &mut out,
        "default privileges",
        &declared.default_privileges,
        &live.default_privileges,
        |d| d.key(),
        |d| d.key(),
        |o, a, b| {
            attributes(o, "default privileges", &a.key(), a, b, &[]);
        },
    );
    out.sort();
    out
}
