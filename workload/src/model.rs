//! The workload built directly as a [`Database`] with the DSL's builders, for benchmarks
//! that measure the engine rather than the compile of a schema crate.

use crate::spec::{
    ADDED_COLUMN, IndexSpec, POLICY, POLICY_USING, TOUCH_BODY, TOUCH_FUNCTION, TableSpec, Ty,
    Workload,
};
use ddl::prelude::*;

fn leak(s: String) -> &'static str {
    // TableRef and FunctionRef hold `&'static str` (they are consts in a schema crate);
    // a benchmark builds one workload per process, so leaking the names is bounded.
    Box::leak(s.into_boxed_str())
}

fn table_ref(t: &TableSpec) -> TableRef {
    TableRef::new(t.schema, leak(t.name.clone()))
}

pub fn column_type(ty: Ty) -> ColumnType {
    match ty {
        Ty::Text => TEXT,
        Ty::Varchar(n) => varchar(n),
        Ty::Integer => INT,
        Ty::Numeric => numeric(12, 2),
        Ty::Boolean => BOOL,
        Ty::Timestamptz => TIMESTAMPTZ,
        Ty::Jsonb => JSONB,
        Ty::Uuid => UUID,
    }
}

/// The declaration the DSL crate of the same workload declares.
pub fn database(w: &Workload) -> Database {
    let refs: Vec<TableRef> = w.tables.iter().map(table_ref).collect();
    let mut db = Database::new();
    for s in w.schemas() {
        db = db.schema(Schema::new(s)).function(Function::trigger(
            FunctionRef::new(s, TOUCH_FUNCTION),
            TOUCH_BODY,
        ));
    }
    let tables: Vec<Table> = w
        .tables
        .iter()
        .map(|t| {
            let mut table =
                Table::new(refs[t.index]).column(col("id", BIGINT).identity().primary_key());
            for (c, target) in &t.fks {
                table = table.column(col(c.as_str(), BIGINT).references(refs[*target], "id"));
            }
            for c in &t.columns {
                let mut column = col(c.name.as_str(), column_type(c.ty));
                if c.not_null {
                    column = column.not_null();
                }
                if c.default_now {
                    column = column.default("now()");
                }
                table = table.column(column);
            }
            if t.check {
                table = table.column(
                    col("quantity", INT)
                        .not_null()
                        .default_value(0)
                        .check("quantity >= 0"),
                );
            }
            if t.tenant {
                table = table
                    .column(col("tenant_id", INT).not_null())
                    .column(col("updated_at", TIMESTAMPTZ).not_null().default("now()"));
            }
            if t.added {
                table = table.column(col(ADDED_COLUMN, TEXT));
            }
            for i in &t.indexes {
                table = table.index(match i {
                    IndexSpec::Fk(c) => Index::on([c.as_str()]),
                    IndexSpec::Multi(a, b) => Index::on([a.as_str(), b.as_str()]),
                    IndexSpec::Partial(c) => {
                        Index::on([c.as_str()]).filter(format!("{c} IS NOT NULL"))
                    }
                    IndexSpec::Gin(c) => Index::on([c.as_str()]).using(IndexMethod::Gin),
                });
            }
            if t.tenant {
                let touch = FunctionRef::new(t.schema, TOUCH_FUNCTION);
                table = table
                    .trigger(Trigger::before(&format!("{}_touch", t.name), touch).on_update())
                    .enable_rls()
                    .policy(Policy::new(POLICY).using(POLICY_USING));
            }
            table
        })
        .collect();
    db.tables(tables)
}
