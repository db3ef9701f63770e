//! Reference rows (read only when asked for: the import reads none by default).

use super::objects::list;
use crate::names::string;
use ddl::model::expr::Literal;
use ddl::model::table::Rows;
use std::fmt::Write as _;

fn literal(l: &Literal) -> String {
    match l {
        Literal::Null => "Literal::Null".to_owned(),
        Literal::Bool(b) => format!("lit({b})"),
        Literal::Int(i) => format!("lit({i}_i64)"),
        Literal::Number(n) => format!("Literal::Number({}.into())", string(n)),
        Literal::Text(t) => format!("lit({})", string(t)),
        Literal::Sql(s) => format!("Literal::Sql({}.into())", string(s)),
    }
}

pub(super) fn rows(r: &Rows) -> String {
    let Rows {
        columns,
        values,
        origin: _,
    } = r;
    let mut out = format!("{}, vec![", list(columns));
    for row in values {
        let cells: Vec<String> = row.iter().map(literal).collect();
        let _ = write!(out, "vec![{}],", cells.join(", "));
    }
    out.push(']');
    out
}
