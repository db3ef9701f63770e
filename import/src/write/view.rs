//! Views and materialized views, with their indexes and triggers.

use super::column::column_type;
use super::objects::list;
use super::{Ctx, index, trigger};
use crate::names::string;
use ddl::model::view::{CheckOption, ColumnComment, Dep, View};
use std::fmt::Write as _;

pub(super) fn view(ctx: &Ctx, v: &View) -> String {
    let View {
        name,
        query,
        materialized,
        columns,
        types,
        security_barrier,
        security_invoker,
        check_option,
        with_no_data,
        comment,
        column_comments,
        indexes,
        triggers,
        depends_on,
        renamed_from: _,
        origin: _,
    } = v;
    let handle = ctx.view(name);
    let mut out = if *materialized {
        format!("View::materialized({handle}, {})", string(query))
    } else {
        format!("View::new({handle}, {})", string(query))
    };
    if !types.is_empty() && types.len() == columns.len() {
        let pairs: Vec<String> = columns
            .iter()
            .zip(types)
            .map(|(c, t)| format!("({}, {})", string(c), column_type(ctx, t)))
            .collect();
        let _ = write!(out, "\n.typed_columns([{}])", pairs.join(", "));
    } else if !columns.is_empty() {
        let _ = write!(out, "\n.columns({})", list(columns));
    }
    if *security_barrier {
        out.push_str("\n.security_barrier()");
    }
    if *security_invoker {
        out.push_str("\n.security_invoker()");
    }
    match check_option {
        None => {}
        Some(CheckOption::Local) => out.push_str("\n.check_option(CheckOption::Local)"),
        Some(CheckOption::Cascaded) => out.push_str("\n.check_option(CheckOption::Cascaded)"),
    }
    if *with_no_data {
        out.push_str("\n.with_no_data()");
    }
    if let Some(c) = comment {
        let _ = write!(out, "\n.comment({})", string(c));
    }
    for ColumnComment { column, comment } in column_comments {
        let _ = write!(
            out,
            "\n.column_comment({}, {})",
            string(column),
            string(comment)
        );
    }
    for i in indexes {
        let _ = write!(out, "\n.index({})", index::index(&name.name, i));
    }
    for t in triggers {
        let _ = write!(out, "\n.trigger({})", trigger::trigger(ctx, t));
    }
    for d in depends_on {
        let dep = match d {
            Dep::Schema(s) => format!("Dep::schema({})", string(s)),
            Dep::Extension(e) => format!("Dep::extension({})", string(e)),
            Dep::Raw(r) => format!("Dep::raw({})", string(r)),
            Dep::Type(q) => ctx.type_ref(q),
            Dep::Function(q) => ctx.function(q),
            Dep::Table(q) => ctx.table(q),
            Dep::View(q) => ctx.view(q),
        };
        let _ = write!(out, "\n.depends_on({dep})");
    }
    out
}
