//! The catalog queries: one per catalog, each returning its rows as one JSON array, for
//! every managed schema at once (never one query per table).

use serde::Deserialize;

/// Namespaces in scope: `$1` is the list of schema names.
const NS: &str = "ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY($1))";

/// Objects an extension created (`pg_depend` type `e`) are the extension's, not ours.
fn not_extension_member(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass AND d.objid = {oid} AND d.deptype = 'e')"
    )
}

fn wrap(cte: &str, select: &str) -> String {
    format!("WITH {cte} SELECT coalesce(json_agg(r), '[]')::text FROM ({select}) r")
}

/// Like [`wrap`], each row a JSON array of `fields` in order (the struct's field order):
/// half the bytes of objects for the big catalogs, which the server has to print.
fn wrap_positional(cte: &str, select: &str, fields: &[&str]) -> String {
    let list = fields
        .iter()
        .map(|f| format!("r.{f}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "WITH {cte} SELECT coalesce(json_agg(json_build_array({list})), '[]')::text FROM ({select}) r"
    )
}

pub(crate) fn schemas_sql() -> String {
    wrap(
        NS,
        "SELECT n.nspname AS name, obj_description(n.oid, 'pg_namespace') AS comment FROM ns n ORDER BY 1",
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct SchemaRow {
    pub name: String,
    pub comment: Option<String>,
}

pub(crate) fn extensions_sql() -> String {
    wrap(
        "x AS (SELECT 1)",
        "SELECT e.extname AS name, n.nspname AS schema FROM pg_extension e \
         JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1",
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExtensionRow {
    pub name: String,
    pub schema: String,
}

pub(crate) fn types_sql() -> String {
    wrap(
        NS,
        &format!(
            "SELECT n.nspname AS schema, t.typname AS name, t.typtype::text AS typtype, \
               obj_description(t.oid, 'pg_type') AS comment, \
               coalesce((SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '[]') AS labels \
             FROM pg_type t JOIN ns n ON n.oid = t.typnamespace \
             WHERE t.typcategory <> 'A' AND t.typrelid = 0 AND t.typtype <> 'm' AND {} \
             ORDER BY 1, 2",
            not_extension_member("pg_type", "t.oid")
        ),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct TypeRow {
    pub schema: String,
    pub name: String,
    pub typtype: String,
    pub comment: Option<String>,
    pub labels: Vec<String>,
}

pub(crate) fn relations_sql() -> String {
    wrap(
        NS,
        &format!(
            "SELECT c.oid::bigint AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind, \
               c.relpersistence::text AS persistence, c.relispartition AS partition, \
               c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls, \
               ds.description AS comment, \
               EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid) AS inherits, \
               EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                       AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i' AND c.relkind = 'S') AS owned_sequence \
             FROM pg_class c JOIN ns n ON n.oid = c.relnamespace \
             LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0 \
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND {} \
             ORDER BY 2, 3",
            not_extension_member("pg_class", "c.oid")
        ),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct RelationRow {
    pub oid: i64,
    pub schema: String,
    pub name: String,
    pub relkind: String,
    pub persistence: String,
    pub partition: bool,
    pub rls: bool,
    pub force_rls: bool,
    pub comment: Option<String>,
    pub inherits: bool,
    pub owned_sequence: bool,
}

/// The columns of the tables whose oid hashes to `part` (0 or 1): two halves read at once.
pub(crate) fn columns_sql(part: u8) -> String {
    wrap_positional(
        "ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY($1)), \
         ext_types AS (SELECT d.objid, e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid \
                       WHERE d.classid = 'pg_type'::regclass AND d.deptype = 'e')",
        "SELECT a.attrelid::bigint AS rel, a.attnum::int AS num, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS ty, \
           a.attnotnull AS not_null, a.attidentity::text AS identity, a.attgenerated::text AS generated, \
           pg_get_expr(d.adbin, d.adrelid, true) AS expr, ds.description AS comment, \
           (t.typcategory = 'A') AS is_array, bt.typtype::text AS base_kind, btn.nspname AS base_schema, bt.typname AS base_name, \
           xt.extname AS base_extension, \
           (a.attcollation <> 0 AND a.attcollation <> bt.typcollation) AS collated, \
           CASE WHEN a.attcollation <> 0 AND a.attcollation <> bt.typcollation \
             THEN (SELECT co.collname FROM pg_collation co WHERE co.oid = a.attcollation) END AS collation \
         FROM pg_attribute a \
         JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p') \
         JOIN ns n ON n.oid = c.relnamespace \
         JOIN pg_type t ON t.oid = a.atttypid \
         JOIN pg_type bt ON bt.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END \
         JOIN pg_namespace btn ON btn.oid = bt.typnamespace \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         LEFT JOIN ext_types xt ON xt.objid = bt.oid \
         LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum \
         WHERE a.attnum > 0 AND NOT a.attisdropped AND (hashoid(a.attrelid) & 1) = PART \
         ORDER BY a.attrelid, a.attnum",
        &[
            "rel", "num", "name", "ty", "not_null", "identity", "generated", "expr", "comment",
            "is_array", "base_kind", "base_schema", "base_name", "base_extension", "collated",
            "collation",
        ],
    )
    .replace("PART", &part.to_string())
}

#[derive(Debug, Deserialize)]
pub(crate) struct ColumnRow {
    pub rel: i64,
    pub num: i32,
    pub name: String,
    pub ty: String,
    pub not_null: bool,
    pub identity: String,
    pub generated: String,
    pub expr: Option<String>,
    pub comment: Option<String>,
    pub is_array: bool,
    pub base_kind: String,
    pub base_schema: String,
    pub base_name: String,
    pub base_extension: Option<String>,
    pub collated: bool,
    pub collation: Option<String>,
}

/// Column names of an attribute-number array, in array order.
fn attnames(rel: &str, arr: &str) -> String {
    format!(
        "coalesce((SELECT json_agg(a.attname ORDER BY k.o) FROM unnest({arr}) WITH ORDINALITY k(n, o) \
           JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.n), '[]')"
    )
}

/// The constraints of the tables whose oid hashes to `part` (0 or 1).
pub(crate) fn constraints_sql(part: u8) -> String {
    wrap_positional(
        NS,
        &format!(
            "SELECT c.conrelid::bigint AS rel, c.conname AS name, c.contype::text AS kind, \
               coalesce(c.conkey::int[], ARRAY[]::int[]) AS keys, c.confrelid::bigint AS ref_rel, \
               coalesce(c.confkey::int[], ARRAY[]::int[]) AS ref_keys, \
               CASE WHEN c.contype = 'f' AND NOT (rn.nspname = ANY($1)) THEN {refcols} END AS ref_columns, \
               rn.nspname AS ref_schema, r.relname AS ref_table, \
               c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update, c.confmatchtype::text AS match_type, \
               c.condeferrable AS deferrable, c.condeferred AS deferred, c.convalidated AS validated, \
               c.connoinherit AS no_inherit, \
               pg_get_expr(c.conbin, c.conrelid, true) AS expr, \
               coalesce(i.indnullsnotdistinct, false) AS nulls_not_distinct, \
               coalesce(i.indnkeyatts <> i.indnatts, false) AS has_include, \
               ds.description AS comment, \
               {setcols} AS set_columns, \
               CASE WHEN c.contype = 'x' THEN (SELECT json_agg(json_build_array( \
                   CASE WHEN k.n <> 0 THEN (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = k.n) END, \
                   pg_get_indexdef(c.conindid, k.o::int, true), o.oprname) ORDER BY k.o) \
                 FROM unnest(i.indkey::int2[], c.conexclop::oid[]) WITH ORDINALITY k(n, op, o) \
                 JOIN pg_operator o ON o.oid = k.op) END AS exclusion, \
               (SELECT am.amname FROM pg_class ic JOIN pg_am am ON am.oid = ic.relam WHERE ic.oid = c.conindid) AS method, \
               CASE WHEN c.contype = 'x' THEN pg_get_expr(i.indpred, i.indrelid, true) END AS predicate \
             FROM pg_constraint c \
             JOIN pg_class t ON t.oid = c.conrelid \
             JOIN ns n ON n.oid = t.relnamespace \
             LEFT JOIN pg_class r ON r.oid = c.confrelid \
             LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace \
             LEFT JOIN pg_index i ON i.indexrelid = c.conindid AND c.contype IN ('p', 'u', 'x') \
             LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_constraint'::regclass AND ds.objsubid = 0 \
             WHERE c.contype IN ('p', 'u', 'c', 'f', 'x', 't') AND (hashoid(c.conrelid) & 1) = {part} \
               AND c.conparentid = 0 AND c.conislocal \
             ORDER BY 1, 2",
            refcols = attnames("c.confrelid", "c.confkey"),
            setcols = attnames("c.conrelid", "c.confdelsetcols"),
        ),
        &[
            "rel",
            "name",
            "kind",
            "keys",
            "ref_rel",
            "ref_keys",
            "ref_columns",
            "ref_schema",
            "ref_table",
            "on_delete",
            "on_update",
            "match_type",
            "deferrable",
            "deferred",
            "validated",
            "no_inherit",
            "expr",
            "nulls_not_distinct",
            "has_include",
            "comment",
            "set_columns",
            "exclusion",
            "method",
            "predicate",
        ],
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct ConstraintRow {
    pub rel: i64,
    pub name: String,
    pub kind: String,
    pub keys: Vec<i32>,
    pub ref_rel: i64,
    pub ref_keys: Vec<i32>,
    /// Only for a referenced table outside the schemas read.
    pub ref_columns: Option<Vec<String>>,
    pub ref_schema: Option<String>,
    pub ref_table: Option<String>,
    pub on_delete: String,
    pub on_update: String,
    pub match_type: String,
    pub deferrable: bool,
    pub deferred: bool,
    pub validated: bool,
    pub no_inherit: bool,
    pub expr: Option<String>,
    pub nulls_not_distinct: bool,
    pub has_include: bool,
    pub comment: Option<String>,
    /// `ON DELETE SET NULL (cols)`.
    pub set_columns: Vec<String>,
    /// An exclusion constraint's elements: (column or None, definition, operator).
    pub exclusion: Option<Vec<(Option<String>, String, String)>>,
    pub method: Option<String>,
    pub predicate: Option<String>,
}

pub(crate) fn indexes_sql() -> String {
    wrap_positional(
        NS,
        "SELECT i.indrelid::bigint AS rel, ic.relname AS name, am.amname AS method, i.indisunique AS is_unique, \
           i.indnullsnotdistinct AS nulls_not_distinct, i.indnkeyatts AS nkey, i.indisvalid AS valid, \
           i.indkey::int2[]::int[] AS keys, i.indclass::oid[]::bigint[] AS classes, i.indoption::int2[]::int[] AS options, \
           CASE WHEN i.indexprs IS NOT NULL THEN (SELECT json_agg(pg_get_indexdef(i.indexrelid, k.o::int, true) ORDER BY k.o) \
              FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) WHERE k.n = 0) END AS exprs, \
           pg_get_expr(i.indpred, i.indrelid, true) AS predicate, \
           ds.description AS comment \
         FROM pg_index i \
         JOIN pg_class ic ON ic.oid = i.indexrelid \
         JOIN pg_class t ON t.oid = i.indrelid AND t.relkind IN ('r', 'p') \
         JOIN ns n ON n.oid = t.relnamespace \
         JOIN pg_am am ON am.oid = ic.relam \
         LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x') \
         LEFT JOIN pg_description ds ON ds.objoid = ic.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0 \
         WHERE c.oid IS NULL \
           AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid) \
         ORDER BY 1, 2",
        &[
            "rel",
            "name",
            "method",
            "is_unique",
            "nulls_not_distinct",
            "nkey",
            "valid",
            "keys",
            "classes",
            "options",
            "exprs",
            "predicate",
            "comment",
        ],
    )
}

pub(crate) fn opclasses_sql() -> String {
    wrap(
        "x AS (SELECT 1)",
        "SELECT oid::bigint AS oid, opcname AS name, opcdefault AS is_default FROM pg_opclass",
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct OpclassRow {
    pub oid: i64,
    pub name: String,
    pub is_default: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct IndexRow {
    pub rel: i64,
    pub name: String,
    pub method: String,
    pub is_unique: bool,
    pub nulls_not_distinct: bool,
    pub nkey: i32,
    pub valid: bool,
    pub keys: Vec<i32>,
    pub classes: Vec<i64>,
    pub options: Vec<i32>,
    pub exprs: Option<Vec<String>>,
    pub predicate: Option<String>,
    pub comment: Option<String>,
}

pub(crate) fn triggers_sql() -> String {
    wrap(
        NS,
        "SELECT tg.tgrelid::bigint AS rel, tg.tgname AS name, tg.tgtype::int AS tgtype, tg.tgenabled::text AS enabled, \
               tg.tgattr::int2[]::int[] AS columns, encode(tg.tgargs, 'hex') AS args, tg.tgnargs::int AS nargs, \
               pn.nspname AS function_schema, p.proname AS function_name, \
               (SELECT e.extname FROM pg_depend dd JOIN pg_extension e ON e.oid = dd.refobjid \
                 WHERE dd.classid = 'pg_proc'::regclass AND dd.objid = p.oid AND dd.deptype = 'e' LIMIT 1) AS function_extension, \
               tg.tgconstraint <> 0 AS is_constraint, tg.tgoldtable IS NOT NULL OR tg.tgnewtable IS NOT NULL AS transition, \
               CASE WHEN tg.tgqual IS NOT NULL THEN pg_get_triggerdef(tg.oid, true) END AS def, \
               tg.tgoldtable::text AS old_table, tg.tgnewtable::text AS new_table, \
               tg.tgdeferrable AS deferrable, tg.tginitdeferred AS deferred \
             FROM pg_trigger tg \
             JOIN pg_class t ON t.oid = tg.tgrelid \
             JOIN ns n ON n.oid = t.relnamespace \
             JOIN pg_proc p ON p.oid = tg.tgfoid \
             JOIN pg_namespace pn ON pn.oid = p.pronamespace \
             WHERE NOT tg.tgisinternal AND tg.tgparentid = 0 \
             ORDER BY 1, 2",
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct TriggerRow {
    pub rel: i64,
    pub name: String,
    pub tgtype: i32,
    pub enabled: String,
    pub columns: Vec<i32>,
    pub args: String,
    pub nargs: i32,
    pub function_schema: String,
    pub function_name: String,
    pub function_extension: Option<String>,
    pub is_constraint: bool,
    pub def: Option<String>,
    pub old_table: Option<String>,
    pub new_table: Option<String>,
    pub deferrable: bool,
    pub deferred: bool,
}

pub(crate) fn policies_sql() -> String {
    wrap(
        NS,
        "SELECT p.polrelid::bigint AS rel, p.polname AS name, p.polcmd::text AS cmd, p.polpermissive AS permissive, \
           coalesce((SELECT json_agg(CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid)::text END) \
              FROM unnest(p.polroles) r(oid)), '[]') AS roles, \
           pg_get_expr(p.polqual, p.polrelid, true) AS using_expr, \
           pg_get_expr(p.polwithcheck, p.polrelid, true) AS check_expr \
         FROM pg_policy p \
         JOIN pg_class t ON t.oid = p.polrelid \
         JOIN ns n ON n.oid = t.relnamespace \
         ORDER BY 1, 2",
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct PolicyRow {
    pub rel: i64,
    pub name: String,
    pub cmd: String,
    pub permissive: bool,
    pub roles: Vec<String>,
    pub using_expr: Option<String>,
    pub check_expr: Option<String>,
}

pub(crate) fn functions_sql() -> String {
    wrap(
        NS,
        &format!(
            "SELECT n.nspname AS schema, p.proname AS name, p.prokind::text AS kind, \
               coalesce(p.proargnames, ARRAY[]::text[]) AS arg_names, \
               coalesce((SELECT json_agg(format_type(t.oid, NULL) ORDER BY t.o) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY t(oid, o)), '[]') AS arg_types, \
               coalesce((SELECT json_agg(format_type(t.oid, NULL) ORDER BY t.o) FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY t(oid, o)), '[]') AS all_arg_types, \
               coalesce(p.proargmodes::text[], ARRAY[]::text[]) AS arg_modes, \
               pg_get_expr(p.proargdefaults, 0) AS arg_defaults, \
               pg_get_function_result(p.oid) AS returns, l.lanname AS language, p.prosrc AS body, \
               p.prosqlbody IS NOT NULL AS atomic, \
               p.provolatile::text AS volatility, p.proisstrict AS strict, p.prosecdef AS security_definer, \
               p.proparallel::text AS parallel, p.proleakproof AS leakproof, \
               p.procost::float8 AS cost, p.prorows::float8 AS rows, p.proretset AS retset, \
               coalesce(p.proconfig, ARRAY[]::text[]) AS config, \
               obj_description(p.oid, 'pg_proc') AS comment, \
               sn.nspname AS agg_sfunc_schema, sf.proname AS agg_sfunc, \
               format_type(a.aggtranstype, NULL) AS agg_stype, \
               fn.nspname AS agg_final_schema, ff.proname AS agg_final, a.agginitval AS agg_init \
             FROM pg_proc p JOIN ns n ON n.oid = p.pronamespace \
             JOIN pg_language l ON l.oid = p.prolang \
             LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid \
             LEFT JOIN pg_proc sf ON sf.oid = a.aggtransfn \
             LEFT JOIN pg_namespace sn ON sn.oid = sf.pronamespace \
             LEFT JOIN pg_proc ff ON ff.oid = nullif(a.aggfinalfn, 0) \
             LEFT JOIN pg_namespace fn ON fn.oid = ff.pronamespace \
             WHERE {} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass \
               AND d.objid = p.oid AND d.deptype = 'i') \
             ORDER BY 1, 2, p.oid",
            not_extension_member("pg_proc", "p.oid")
        ),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct FunctionRow {
    pub schema: String,
    pub name: String,
    pub kind: String,
    pub arg_names: Vec<String>,
    pub arg_types: Vec<String>,
    /// Every parameter's type, OUT and TABLE ones included (`proallargtypes`).
    pub all_arg_types: Vec<String>,
    /// `proargmodes`: i, o, b, v, t per parameter; empty when all are IN.
    pub arg_modes: Vec<String>,
    /// The defaults of the last input parameters, as one comma-separated list.
    pub arg_defaults: Option<String>,
    pub returns: Option<String>,
    pub language: String,
    pub body: String,
    pub atomic: bool,
    pub volatility: String,
    pub strict: bool,
    pub security_definer: bool,
    pub parallel: String,
    pub leakproof: bool,
    pub cost: f64,
    pub rows: f64,
    pub retset: bool,
    pub config: Vec<String>,
    pub comment: Option<String>,
    pub agg_sfunc_schema: Option<String>,
    pub agg_sfunc: Option<String>,
    pub agg_stype: Option<String>,
    pub agg_final_schema: Option<String>,
    pub agg_final: Option<String>,
    pub agg_init: Option<String>,
}
