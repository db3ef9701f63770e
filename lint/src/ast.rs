//! Small readers over `pg_query`'s tree.

use pg_query::NodeEnum;
use pg_query::protobuf::{ColumnDef, ConstrType, Constraint, Node, RangeVar, TypeName, a_const};

/// `schema.name`, with `public` for an unqualified name (what the key of a table is in
/// the linter's state).
pub fn table_key(rv: &RangeVar) -> String {
    let schema = if rv.schemaname.is_empty() {
        "public"
    } else {
        &rv.schemaname
    };
    format!("{schema}.{}", rv.relname)
}

/// How a table is shown in messages: as written.
pub fn table_shown(rv: &RangeVar) -> String {
    if rv.schemaname.is_empty() {
        rv.relname.clone()
    } else {
        format!("{}.{}", rv.schemaname, rv.relname)
    }
}

/// The strings of a list of `String` nodes (names, column lists).
pub fn strings(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// A dotted name from a list of `String` nodes, with `public` when unqualified.
pub fn qualified(nodes: &[Node]) -> String {
    let parts = strings(nodes);
    match parts.as_slice() {
        [name] => format!("public.{name}"),
        _ => parts.join("."),
    }
}

/// The type's own name, lowercase, without `pg_catalog.` (`varchar`, `timestamp`,
/// `bpchar`, `serial`, `my_enum`).
pub fn type_base(t: &TypeName) -> &str {
    match t.names.last().and_then(|n| n.node.as_ref()) {
        Some(NodeEnum::String(s)) => &s.sval,
        _ => "",
    }
}

/// The integer type modifiers (`varchar(20)` -> `[20]`).
pub fn typmods(t: &TypeName) -> Vec<i64> {
    t.typmods
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::AConst(c)) => match &c.val {
                Some(a_const::Val::Ival(i)) => Some(i64::from(i.ival)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The constraints of a column definition.
pub fn column_constraints(c: &ColumnDef) -> impl Iterator<Item = &Constraint> {
    c.constraints.iter().filter_map(|n| match &n.node {
        Some(NodeEnum::Constraint(k)) => Some(k.as_ref()),
        _ => None,
    })
}

pub fn is(c: &Constraint, t: ConstrType) -> bool {
    c.contype == t as i32
}

/// The column's type (`None` for a column without one, like in `CREATE TABLE OF`).
pub fn column_type(c: &ColumnDef) -> Option<&TypeName> {
    c.type_name.as_ref()
}

/// Whether the column definition has a default (or is filled by identity / generation).
pub fn has_default(c: &ColumnDef) -> bool {
    c.raw_default.is_some()
        || column_constraints(c).any(|k| {
            is(k, ConstrType::ConstrDefault)
                || is(k, ConstrType::ConstrIdentity)
                || is(k, ConstrType::ConstrGenerated)
        })
}

pub fn is_not_null(c: &ColumnDef) -> bool {
    c.is_not_null
        || column_constraints(c).any(|k| is(k, ConstrType::ConstrNotnull))
        || column_constraints(c).any(|k| is(k, ConstrType::ConstrPrimary))
}

/// The expression of the column's DEFAULT, if any.
pub fn default_expr(c: &ColumnDef) -> Option<&Node> {
    c.raw_default.as_deref().or_else(|| {
        column_constraints(c)
            .find(|k| is(k, ConstrType::ConstrDefault))
            .and_then(|k| k.raw_expr.as_deref())
    })
}

/// Functions whose value differs per row: a DEFAULT calling one, added to an existing
/// table, makes PostgreSQL compute it for every row (a rewrite).
const VOLATILE: &[&str] = &[
    "random",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "txid_current",
    "gen_random_bytes",
];

/// The name of a volatile function the expression calls, if any (looks through casts and
/// function arguments).
pub fn volatile_call(n: &Node) -> Option<String> {
    match &n.node {
        Some(NodeEnum::FuncCall(f)) => {
            let name = strings(&f.funcname).pop().unwrap_or_default();
            if VOLATILE.contains(&name.as_str()) {
                return Some(name);
            }
            f.args.iter().find_map(volatile_call)
        }
        Some(NodeEnum::TypeCast(c)) => c.arg.as_deref().and_then(volatile_call),
        Some(NodeEnum::AExpr(e)) => e
            .lexpr
            .as_deref()
            .and_then(volatile_call)
            .or_else(|| e.rexpr.as_deref().and_then(volatile_call)),
        _ => None,
    }
}

/// The key columns of an index or constraint (`None` for an expression element, which
/// ends the usable prefix).
pub fn index_columns(params: &[Node]) -> Vec<Option<String>> {
    params
        .iter()
        .map(|n| match &n.node {
            Some(NodeEnum::IndexElem(e)) if e.expr.is_none() && !e.name.is_empty() => {
                Some(e.name.clone())
            }
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// The column of a `CHECK (col IS NOT NULL)` constraint (what lets `SET NOT NULL` skip its
/// scan once the check is valid).
pub fn not_null_check_column(k: &Constraint) -> Option<String> {
    use pg_query::protobuf::NullTestType;
    if !is(k, ConstrType::ConstrCheck) {
        return None;
    }
    let Some(NodeEnum::NullTest(t)) = k.raw_expr.as_ref().and_then(|e| e.node.as_ref()) else {
        return None;
    };
    if t.nulltesttype != NullTestType::IsNotNull as i32 {
        return None;
    }
    match t.arg.as_ref().and_then(|a| a.node.as_ref()) {
        Some(NodeEnum::ColumnRef(c)) => match strings(&c.fields).as_slice() {
            [col] => Some(col.clone()),
            _ => None,
        },
        _ => None,
    }
}
