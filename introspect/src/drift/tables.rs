//! The drift of a table and its parts: columns, constraints, indexes, triggers (and which
//! are disabled), policies, row-level security and reference rows.

use super::{Drift, DriftState, attributes, keyed};
use crate::read::DisabledTrigger;
use ddl::model::table::Table;
use std::collections::BTreeMap;

pub(super) fn table(out: &mut Vec<Drift>, a: &Table, b: &Table, disabled: &[DisabledTrigger]) {
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
