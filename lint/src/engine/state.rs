//! The facts statements leave behind for later statements, files and the rules of the
//! whole set.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use pg_query::NodeEnum;
use pg_query::protobuf::{AlterTableType, ConstrType, Constraint, ObjectType};

use super::context::{Site, Sites};
use crate::ast;
use crate::source::Header;

/// A foreign key seen in the set, checked against the set's indexes at the end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ForeignKey {
    pub table: String,
    pub shown: String,
    pub name: String,
    pub columns: Vec<String>,
    pub site: Site,
}

/// Facts gathered from every statement linted so far (all files). Serialisable: a
/// [`super::Linter::checkpoint`] keeps it so a later run need not parse the files again.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(crate) struct State {
    /// Tables created anywhere in the set.
    pub created: HashSet<String>,
    /// (table, column) -> (type, type modifiers), as created or last altered in the set.
    #[serde(with = "pairs")]
    pub column_types: HashMap<(String, String), (String, Vec<i64>)>,
    /// Key columns of each index, primary key and unique constraint, per table.
    pub indexes: HashMap<String, Vec<Vec<Option<String>>>>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Tables with `ENABLE ROW LEVEL SECURITY`, and where.
    pub rls: HashMap<String, (String, Site)>,
    /// Policies per table, and where.
    pub policies: HashMap<String, Vec<(String, String, Site)>>,
    /// Enum types and their values.
    pub enums: HashMap<String, Vec<String>>,
    /// Enum types dropped or renamed away, with the values they had.
    pub retired_enums: HashMap<String, Vec<String>>,
    /// `CHECK (col IS NOT NULL) NOT VALID` constraints not validated yet:
    /// (table, constraint) -> column.
    #[serde(with = "pairs")]
    pub pending_not_null_checks: HashMap<(String, String), String>,
    /// (table, column) with a valid `CHECK (col IS NOT NULL)`: `SET NOT NULL` needs no scan.
    pub proven_not_null: HashSet<(String, String)>,
}

/// A map with tuple keys as a list of pairs: JSON object keys are strings only.
mod pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::HashMap;
    use std::hash::Hash;

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &HashMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<HashMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Eq + Hash,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

/// What the rules know about the file being linted.
#[derive(Debug, Default)]
pub(crate) struct FileState {
    pub header: Header,
    /// Tables created earlier in this file: *new*, so locks and rewrites on them are free.
    pub new_tables: HashSet<String>,
    /// Indexes created earlier in this file.
    pub new_indexes: HashSet<String>,
    pub lock_timeout_set: bool,
    pub lock_timeout_reported: bool,
}

/// Updates the state after the rules have seen the statement.
pub(super) fn record(node: &NodeEnum, state: &mut State, file: &mut FileState, sites: &Sites<'_>) {
    match node {
        NodeEnum::CreateStmt(c) => {
            let Some(rv) = &c.relation else { return };
            let key = ast::table_key(rv);
            let shown = ast::table_shown(rv);
            file.new_tables.insert(key.clone());
            state.created.insert(key.clone());
            for elt in &c.table_elts {
                match &elt.node {
                    Some(NodeEnum::ColumnDef(col)) => {
                        record_column(state, &key, &shown, col, sites);
                    }
                    Some(NodeEnum::Constraint(k)) => {
                        record_constraint(state, &key, &shown, k, sites);
                    }
                    _ => {}
                }
            }
        }
        NodeEnum::IndexStmt(i) => {
            let Some(rv) = &i.relation else { return };
            let key = ast::table_key(rv);
            let schema = if rv.schemaname.is_empty() {
                "public"
            } else {
                &rv.schemaname
            };
            if !i.idxname.is_empty() {
                file.new_indexes.insert(format!("{schema}.{}", i.idxname));
            }
            state
                .indexes
                .entry(key)
                .or_default()
                .push(ast::index_columns(&i.index_params));
        }
        NodeEnum::AlterTableStmt(a) => {
            let Some(rv) = &a.relation else { return };
            let key = ast::table_key(rv);
            let shown = ast::table_shown(rv);
            for cmd in &a.cmds {
                let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else {
                    continue;
                };
                let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
                match (AlterTableType::try_from(cmd.subtype), def) {
                    (Ok(AlterTableType::AtAddColumn), Some(NodeEnum::ColumnDef(col))) => {
                        record_column(state, &key, &shown, col, sites);
                    }
                    (Ok(AlterTableType::AtAddConstraint), Some(NodeEnum::Constraint(k))) => {
                        record_constraint(state, &key, &shown, k, sites);
                        if let Some(col) = ast::not_null_check_column(k) {
                            if k.skip_validation {
                                state
                                    .pending_not_null_checks
                                    .insert((key.clone(), k.conname.clone()), col);
                            } else {
                                state.proven_not_null.insert((key.clone(), col));
                            }
                        }
                    }
                    (Ok(AlterTableType::AtValidateConstraint), _) => {
                        if let Some(col) = state
                            .pending_not_null_checks
                            .remove(&(key.clone(), cmd.name.clone()))
                        {
                            state.proven_not_null.insert((key.clone(), col));
                        }
                    }
                    (Ok(AlterTableType::AtAlterColumnType), Some(NodeEnum::ColumnDef(col))) => {
                        if let Some(t) = ast::column_type(col) {
                            state.column_types.insert(
                                (key.clone(), cmd.name.clone()),
                                (ast::type_base(t).to_owned(), ast::typmods(t)),
                            );
                        }
                    }
                    (Ok(AlterTableType::AtEnableRowSecurity), _) => {
                        state.rls.insert(key.clone(), (shown.clone(), sites.here()));
                    }
                    (Ok(AlterTableType::AtDisableRowSecurity), _) => {
                        state.rls.remove(&key);
                    }
                    _ => {}
                }
            }
        }
        NodeEnum::CreatePolicyStmt(p) => {
            let Some(rv) = &p.table else { return };
            state.policies.entry(ast::table_key(rv)).or_default().push((
                p.policy_name.clone(),
                ast::table_shown(rv),
                sites.here(),
            ));
        }
        NodeEnum::CreateEnumStmt(e) => {
            let name = ast::qualified(&e.type_name);
            state.retired_enums.remove(&name);
            state.enums.insert(name, ast::strings(&e.vals));
        }
        NodeEnum::AlterEnumStmt(e) => {
            let name = ast::qualified(&e.type_name);
            if let Some(values) = state.enums.get_mut(&name) {
                if e.old_val.is_empty() {
                    values.push(e.new_val.clone());
                } else if let Some(v) = values.iter_mut().find(|v| **v == e.old_val) {
                    v.clone_from(&e.new_val);
                }
            }
        }
        NodeEnum::RenameStmt(r) if r.rename_type == ObjectType::ObjectType as i32 => {
            if let Some(NodeEnum::List(l)) = r.object.as_ref().and_then(|o| o.node.as_ref()) {
                let name = ast::qualified(&l.items);
                if let Some(values) = state.enums.remove(&name) {
                    let schema = name.rsplit_once('.').map_or("public", |(s, _)| s);
                    state
                        .enums
                        .insert(format!("{schema}.{}", r.newname), values.clone());
                    state.retired_enums.insert(name, values);
                }
            }
        }
        NodeEnum::DropStmt(d) if d.remove_type == ObjectType::ObjectType as i32 => {
            for o in &d.objects {
                if let Some(NodeEnum::TypeName(t)) = &o.node {
                    let name = ast::qualified(&t.names);
                    if let Some(values) = state.enums.remove(&name) {
                        state.retired_enums.insert(name, values);
                    }
                }
            }
        }
        NodeEnum::VariableSetStmt(v) if v.name == "lock_timeout" => {
            file.lock_timeout_set = true;
        }
        NodeEnum::SelectStmt(s) if sets_lock_timeout(s) => {
            file.lock_timeout_set = true;
        }
        _ => {}
    }
}

/// `SELECT set_config('lock_timeout', …)`.
fn sets_lock_timeout(s: &pg_query::protobuf::SelectStmt) -> bool {
    s.target_list.iter().any(|t| {
        let Some(NodeEnum::ResTarget(r)) = &t.node else {
            return false;
        };
        let Some(NodeEnum::FuncCall(f)) = r.val.as_ref().and_then(|v| v.node.as_ref()) else {
            return false;
        };
        let first_arg = f.args.first().and_then(|a| a.node.as_ref());
        ast::strings(&f.funcname).last().map(String::as_str) == Some("set_config")
            && matches!(
                first_arg,
                Some(NodeEnum::AConst(c)) if matches!(
                    &c.val,
                    Some(pg_query::protobuf::a_const::Val::Sval(v)) if v.sval == "lock_timeout"
                )
            )
    })
}

fn record_column(
    state: &mut State,
    table: &str,
    shown: &str,
    col: &pg_query::protobuf::ColumnDef,
    sites: &Sites<'_>,
) {
    if let Some(t) = ast::column_type(col) {
        state.column_types.insert(
            (table.to_owned(), col.colname.clone()),
            (ast::type_base(t).to_owned(), ast::typmods(t)),
        );
    }
    for k in ast::column_constraints(col) {
        if ast::is(k, ConstrType::ConstrPrimary) || ast::is(k, ConstrType::ConstrUnique) {
            state
                .indexes
                .entry(table.to_owned())
                .or_default()
                .push(vec![Some(col.colname.clone())]);
        }
        if ast::is(k, ConstrType::ConstrForeign) {
            state.foreign_keys.push(ForeignKey {
                table: table.to_owned(),
                shown: shown.to_owned(),
                name: k.conname.clone(),
                columns: vec![col.colname.clone()],
                site: sites.at(k.location),
            });
        }
    }
}

fn record_constraint(
    state: &mut State,
    table: &str,
    shown: &str,
    k: &Constraint,
    sites: &Sites<'_>,
) {
    if ast::is(k, ConstrType::ConstrPrimary) || ast::is(k, ConstrType::ConstrUnique) {
        state
            .indexes
            .entry(table.to_owned())
            .or_default()
            .push(ast::index_columns(&k.keys));
    }
    if ast::is(k, ConstrType::ConstrForeign) {
        state.foreign_keys.push(ForeignKey {
            table: table.to_owned(),
            shown: shown.to_owned(),
            name: k.conname.clone(),
            columns: ast::strings(&k.fk_attrs),
            site: sites.at(k.location),
        });
    }
}
