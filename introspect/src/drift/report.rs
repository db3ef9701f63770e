//! The output of `verify`: the text report and the SQL that repairs the drift, in the form
//! of a migration body.

use super::{DriftState, Report};
use crate::Error;
use crate::read::DisabledTrigger;
use ddl::model::database::Database;
use ddl::plan::diff::{PlanError, Planned, Way, changes};
use ddl::sql::ident::{ident, qname};
use ddl::sql::render::Stmt;

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
