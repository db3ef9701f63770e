//! The synthetic schema every benchmark measures (codegen, lint): `tables` tables in one
//! schema, each with an identity key, four more columns, an index, a trigger, row-level
//! security and a policy, and foreign keys to up to two earlier tables (a deep, wide
//! graph). Deterministic: the same size gives the same declaration.

use crate::model::database::Database;
use crate::prelude::*;

fn name(i: usize) -> &'static str {
    Box::leak(format!("t{i:05}").into_boxed_str())
}

/// The declaration of `tables` tables.
pub fn synthetic(tables: usize) -> Database {
    const TOUCH: FunctionRef = FunctionRef::new("bench", "touch");
    const TENANT: FunctionRef = FunctionRef::new("bench", "current_tenant");
    let mut db = Database::new()
        .schema(Schema::new("bench"))
        .function(Function::trigger(
            TOUCH,
            "BEGIN NEW.updated_at := now(); RETURN NEW; END",
        ))
        .function(
            Function::new(
                TENANT,
                "integer",
                "SELECT nullif(current_setting('bench.tenant', true), '')::int",
            )
            .language("sql")
            .stable(),
        );
    for i in 0..tables {
        let me = TableRef::new("bench", name(i));
        let mut t = Table::new(me)
            .column(col("id", BIGINT).identity().primary_key())
            .column(col("tenant_id", INT).not_null())
            .column(col("title", varchar(200)).not_null())
            .column(col("body", TEXT))
            .column(col("updated_at", TIMESTAMPTZ).not_null().default("now()"))
            .index(Index::on(["tenant_id", "updated_at"]).desc())
            .trigger(Trigger::before(&format!("{}_touch", name(i)), TOUCH).on_update())
            .enable_rls()
            .policy(Policy::new("tenant").using("tenant_id = bench.current_tenant()"));
        for (k, j) in [i / 2, i.saturating_sub(7)].into_iter().enumerate() {
            if j < i {
                let column = format!("ref{k}_id");
                t = t
                    .column(
                        col(column.clone(), BIGINT)
                            .references(TableRef::new("bench", name(j)), "id"),
                    )
                    .index(Index::on([column.as_str()]));
            }
        }
        db = db.table(t);
    }
    db
}
