//! The difference between a declaration and a live database, for people and machines,
//! and the SQL that repairs it.

use std::collections::BTreeMap;

use ddl::model::database::Database;
use ddl::model::table::Table;
use ddl::plan::diff::{PlanError, Planned, Way, changes};
use ddl::sql::ident::{ident, qname};
use ddl::sql::render::Stmt;
use serde::Serialize;
use serde_json::Value;

use crate::Error;
use crate::read::{DisabledTrigger, NotManaged};

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

fn table(out: &mut Vec<Drift>, a: &Table, b: &Table, disabled: &[DisabledTrigger]) {
    let t = a.name.to_string();
    let sub = |n: &str| format!("{t}.{n}");
    for (attr, x, y) in [
        ("rls.enabled", a.rls.enabled, b.rls.enabled),
        ("rls.forced", a.rls.forced, b.rls.forced),
    ] {
        if x != y {
            out.push(Drift {
                kind: "table",
                object: t.clone(),
                state: DriftState::Different,
                attribute: Some(attr.into()),
                declared: Some(x.to_string()),
                live: Some(y.to_string()),
            });
        }
    }
    let shown = |v: &dyn std::fmt::Debug| format!("{v:?}");
    if a.partition_by != b.partition_by {
        out.push(Drift {
            kind: "table",
            object: t.clone(),
            state: DriftState::Different,
            attribute: Some("partition_by".into()),
            declared: Some(shown(&a.partition_by)),
            live: Some(shown(&b.partition_by)),
        });
    }
    if a.partition_of != b.partition_of {
        out.push(Drift {
            kind: "table",
            object: t.clone(),
            state: DriftState::Different,
            attribute: Some("partition_of".into()),
            declared: Some(shown(&a.partition_of)),
            live: Some(shown(&b.partition_of)),
        });
    }
    if a.comment != b.comment {
        out.push(Drift {
            kind: "table",
            object: t.clone(),
            state: DriftState::Different,
            attribute: Some("comment".into()),
            declared: Some(a.comment.clone().unwrap_or_else(|| "none".into())),
            live: Some(b.comment.clone().unwrap_or_else(|| "none".into())),
        });
    }
    keyed(
        out,
        "column",
        &a.columns,
        &b.columns,
        |c| c.name.clone(),
        |c| sub(&c.name),
        |o, x, y| {
            attributes(o, "column", &sub(&x.name), x, y, &[]);
        },
    );
    let pk_a: Vec<_> = a.primary_key.iter().cloned().collect();
    let pk_b: Vec<_> = b.primary_key.iter().cloned().collect();
    keyed(
        out,
        "constraint",
        &pk_a,
        &pk_b,
        |p| p.name.clone(),
        |p| sub(&p.name),
        |o, x, y| {
            attributes(o, "constraint", &sub(&x.name), x, y, &[]);
        },
    );
    keyed(
        out,
        "constraint",
        &a.uniques,
        &b.uniques,
        |u| u.name.clone(),
        |u| sub(&u.name),
        |o, x, y| {
            attributes(o, "constraint", &sub(&x.name), x, y, &[]);
        },
    );
    keyed(
        out,
        "constraint",
        &a.checks,
        &b.checks,
        |c| c.name.clone(),
        |c| sub(&c.name),
        |o, x, y| {
            attributes(o, "constraint", &sub(&x.name), x, y, &[]);
        },
    );
    keyed(
        out,
        "constraint",
        &a.exclusions,
        &b.exclusions,
        |x| x.name.clone(),
        |x| sub(&x.name),
        |o, x, y| {
            attributes(o, "constraint", &sub(&x.name), x, y, &[]);
        },
    );
    keyed(
        out,
        "constraint",
        &a.foreign_keys,
        &b.foreign_keys,
        |f| f.name.clone(),
        |f| sub(&f.name),
        |o, x, y| {
            attributes(o, "constraint", &sub(&x.name), x, y, &["add_later"]);
        },
    );
    let idx = |n: &str| format!("{}.{n}", a.name.schema);
    keyed(
        out,
        "index",
        &a.indexes,
        &b.indexes,
        |i| i.name.clone(),
        |i| idx(&i.name),
        |o, x, y| {
            attributes(o, "index", &idx(&x.name), x, y, &[]);
        },
    );
    keyed(
        out,
        "trigger",
        &a.triggers,
        &b.triggers,
        |tr| tr.name.clone(),
        |tr| sub(&tr.name),
        |o, x, y| {
            attributes(o, "trigger", &sub(&x.name), x, y, &[]);
            if let Some(d) = disabled
                .iter()
                .find(|d| d.table == b.name && d.trigger == y.name)
            {
                o.push(Drift {
                    kind: "trigger",
                    object: sub(&y.name),
                    state: DriftState::Different,
                    attribute: Some("enabled".into()),
                    declared: Some("always fires (O)".into()),
                    live: Some(match d.state.as_str() {
                        "D" => "disabled (D)".to_owned(),
                        "R" => "fires on replicas only (R)".to_owned(),
                        "A" => "fires always, also on replicas (A)".to_owned(),
                        other => other.to_owned(),
                    }),
                });
            }
        },
    );
    keyed(
        out,
        "policy",
        &a.policies,
        &b.policies,
        |p| p.name.clone(),
        |p| sub(&p.name),
        |o, x, y| {
            attributes(o, "policy", &sub(&x.name), x, y, &[]);
        },
    );
    if let (Some(ra), rb) = (&a.rows, &b.rows) {
        let pk: Vec<usize> = a
            .primary_key
            .as_ref()
            .map(|p| {
                p.columns
                    .iter()
                    .filter_map(|c| ra.columns.iter().position(|x| x == c))
                    .collect()
            })
            .unwrap_or_default();
        let key = |r: &Vec<ddl::model::expr::Literal>| -> String {
            pk.iter()
                .filter_map(|&i| r.get(i))
                .map(ddl::model::expr::Literal::to_sql)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let live_rows: BTreeMap<String, &Vec<_>> = rb
            .iter()
            .flat_map(|r| r.values.iter())
            .map(|r| (key(r), r))
            .collect();
        for r in &ra.values {
            let k = key(r);
            let row = |r: &Vec<ddl::model::expr::Literal>| {
                r.iter()
                    .map(ddl::model::expr::Literal::to_sql)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match live_rows.get(&k) {
                None => out.push(Drift {
                    kind: "row",
                    object: format!("{t} ({k})"),
                    state: DriftState::Missing,
                    attribute: None,
                    declared: Some(row(r)),
                    live: None,
                }),
                Some(l) if *l != r => out.push(Drift {
                    kind: "row",
                    object: format!("{t} ({k})"),
                    state: DriftState::Different,
                    attribute: Some(format!("({})", ra.columns.join(", "))),
                    declared: Some(row(r)),
                    live: Some(row(l)),
                }),
                Some(_) => {}
            }
        }
    }
}

/// The statements that turn `from` into `to`, in the order and form of a generated
/// migration (`Way::Down` plans a rollback, as a down file does).
pub fn plan(from: &Database, to: &Database, way: Way) -> Result<Vec<Stmt>, Error> {
    let plan_error = |e: PlanError| match e {
        PlanError::Cycles(c) => Error::Plan(format!(
            "dependency cycle: {}",
            c.iter().map(|c| c.path()).collect::<Vec<_>>().join("; ")
        )),
        PlanError::Unsupported {
            object, message, ..
        }
        | PlanError::Needs {
            object, message, ..
        } => Error::Plan(format!("{object}: {message}")),
    };
    let f = Planned::new(from).map_err(plan_error)?;
    let t = Planned::new(to).map_err(plan_error)?;
    let changes = changes(&f, &t, way).map_err(plan_error)?;
    Ok(changes.iter().flat_map(|c| c.statements()).collect())
}

/// `ALTER TABLE ... ENABLE TRIGGER` for each disabled trigger the declaration has.
pub fn enable_triggers(declared: &Database, disabled: &[DisabledTrigger]) -> Vec<Stmt> {
    disabled
        .iter()
        .filter(|d| {
            declared
                .tables
                .iter()
                .any(|t| t.name == d.table && t.triggers.iter().any(|tr| tr.name == d.trigger))
        })
        .map(|d| {
            Stmt::new(
                "trigger",
                format!("{}.{}", d.table, d.trigger),
                format!(
                    "ALTER TABLE {} ENABLE TRIGGER {};",
                    qname(&d.table),
                    ident(&d.trigger)
                ),
            )
        })
        .collect()
}

/// Statements in the form of a migration file's body: `-- kind: name` before each.
pub fn render(stmts: &[Stmt]) -> String {
    let mut out = String::new();
    for s in stmts {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "-- {}: {}",
            s.kind,
            ddl::sql::fragment::comment_safe(&s.name)
        ));
        if s.destructive {
            out.push_str(" (destructive: loses data)");
        }
        out.push('\n');
        out.push_str(&s.sql);
        out.push('\n');
    }
    out
}

/// The text report: what was compared, the drift grouped by kind, what is not managed,
/// the warnings, then the repairing SQL.
pub fn text(report: &Report) -> String {
    let mut out = format!(
        "database: {}\nschemas compared: {} (others, and the schemactl history, are ignored)\n",
        report.database,
        report.schemas.join(", ")
    );
    if report.drift.is_empty() {
        out.push_str("no drift: the database matches the declaration\n");
    } else {
        out.push_str(&format!(
            "drift: {} difference{}\n",
            report.drift.len(),
            if report.drift.len() == 1 { "" } else { "s" }
        ));
        let mut kinds: Vec<&str> = report.drift.iter().map(|d| d.kind).collect();
        kinds.dedup();
        let order = [
            "extension",
            "schema",
            "type",
            "domain",
            "function",
            "sequence",
            "aggregate",
            "table",
            "column",
            "constraint",
            "index",
            "trigger",
            "policy",
            "row",
            "view",
        ];
        let mut kinds: Vec<&str> = order
            .iter()
            .copied()
            .filter(|k| kinds.contains(k))
            .collect();
        kinds.dedup();
        for kind in kinds {
            out.push_str(&format!("\n{kind}:\n"));
            for d in report.drift.iter().filter(|d| d.kind == kind) {
                match d.state {
                    DriftState::Missing => {
                        out.push_str(&format!("  missing    {}\n", d.object));
                    }
                    DriftState::Extra => out.push_str(&format!("  extra      {}\n", d.object)),
                    DriftState::Different => out.push_str(&format!(
                        "  different  {}: {}: declared {}, live {}\n",
                        d.object,
                        d.attribute.as_deref().unwrap_or("value"),
                        d.declared.as_deref().unwrap_or("none"),
                        d.live.as_deref().unwrap_or("none")
                    )),
                }
            }
        }
    }
    if !report.not_managed.is_empty() {
        out.push_str(
            "\nnot managed (in the compared schemas, but not in the model; not compared):\n",
        );
        for n in &report.not_managed {
            out.push_str(&format!("  {} {}: {}\n", n.kind, n.name, n.reason));
        }
    }
    if !report.warnings.is_empty() {
        out.push_str("\nwarnings:\n");
        for w in &report.warnings {
            out.push_str(&format!(
                "  warning[{}] {}: {}\n",
                w.code, w.object, w.message
            ));
        }
    }
    if !report.sql.is_empty() {
        out.push_str("\nSQL that brings the database back to the declaration:\n\n");
        out.push_str(&report.sql.join("\n"));
    }
    out
}
