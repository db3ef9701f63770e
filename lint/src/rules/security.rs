//! Row-level security and privileged functions.

use pg_query::NodeEnum;
use pg_query::protobuf::AlterTableType;

use super::Rule;
use crate::Severity::Error;
use crate::ast;
use crate::engine::Cx;

const FAMILY: &str = "security";

pub const POLICY_WITHOUT_RLS: Rule = Rule {
    code: "policy-without-rls",
    severity: Error,
    family: FAMILY,
    title: "A policy on a table whose row-level security is never enabled",
    why: "Policies only apply once `ENABLE ROW LEVEL SECURITY` is set on the table: until then every role with a grant sees and changes every row, while the schema reads as if tenants were isolated. (Checked for tables created in the linted files.)",
    alternative: "`ALTER TABLE … ENABLE ROW LEVEL SECURITY;` next to the policy (and `FORCE ROW LEVEL SECURITY` if the owner must be filtered too).",
    bad: "CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id integer NOT NULL);\nCREATE POLICY notes_tenant ON notes USING (tenant_id = 1);",
    good: "CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id integer NOT NULL);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY notes_tenant ON notes USING (tenant_id = 1);",
};

pub const RLS_WITHOUT_POLICY: Rule = Rule {
    code: "rls-without-policy",
    severity: Error,
    family: FAMILY,
    title: "Row-level security enabled on a table that has no policy",
    why: "With RLS on and no policy, PostgreSQL denies every row to every role but the owner and superusers: the application sees empty results and its writes fail.",
    alternative: "Create the table's policies in the same migration as `ENABLE ROW LEVEL SECURITY` (a `USING` and a `WITH CHECK` expression).",
    bad: "CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id integer NOT NULL);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;",
    good: "CREATE TABLE notes (id bigint PRIMARY KEY, tenant_id integer NOT NULL);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nCREATE POLICY notes_tenant ON notes USING (tenant_id = 1) WITH CHECK (tenant_id = 1);",
};

pub const DISABLING_RLS: Rule = Rule {
    code: "disabling-rls",
    severity: Error,
    family: FAMILY,
    title: "Disabling row-level security",
    why: "Every policy of the table stops applying at once: each tenant can read and change every other tenant's rows.",
    alternative: "Change the policies instead (`ALTER POLICY` / `CREATE POLICY`); a maintenance role that must see everything gets `BYPASSRLS` rather than switching RLS off for everyone.",
    bad: "ALTER TABLE billing.subscriptions DISABLE ROW LEVEL SECURITY;",
    good: "ALTER POLICY rls_subscriptions_tenant ON billing.subscriptions USING (tenant_id = app.current_tenant());",
};

pub const SECURITY_DEFINER_WITHOUT_SEARCH_PATH: Rule = Rule {
    code: "security-definer-without-search-path",
    severity: Error,
    family: FAMILY,
    title: "`SECURITY DEFINER` function without `SET search_path`",
    why: "The function runs with its owner's rights but resolves unqualified names through the caller's `search_path`: a caller who can create objects in a schema on that path (or `pg_temp`) makes it call their own function or table with the owner's privileges.",
    alternative: "Add `SET search_path = pg_catalog, pg_temp` to the function (PostgreSQL's recommendation) and qualify every other name in its body.",
    bad: "CREATE FUNCTION app.whoami() RETURNS text LANGUAGE sql SECURITY DEFINER AS $$ SELECT current_user::text $$;",
    good: "CREATE FUNCTION app.whoami() RETURNS text LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$ SELECT current_user::text $$;",
};

pub(crate) fn check(stmt: &NodeEnum, cx: &mut Cx<'_>) {
    match stmt {
        NodeEnum::AlterTableStmt(a) => {
            let Some(rv) = &a.relation else { return };
            for cmd in &a.cmds {
                if let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node
                    && cmd.subtype == AlterTableType::AtDisableRowSecurity as i32
                {
                    cx.report(
                        &DISABLING_RLS,
                        -1,
                        format!(
                            "row-level security is disabled on {}: its policies stop applying",
                            ast::table_shown(rv)
                        ),
                    );
                }
            }
        }
        NodeEnum::CreateFunctionStmt(f) => {
            let mut definer = false;
            let mut search_path = false;
            for o in &f.options {
                let Some(NodeEnum::DefElem(d)) = &o.node else {
                    continue;
                };
                match d.defname.as_str() {
                    "security" => {
                        definer = matches!(
                            d.arg.as_ref().and_then(|a| a.node.as_ref()),
                            Some(NodeEnum::Boolean(b)) if b.boolval
                        );
                    }
                    "set" => {
                        search_path |= matches!(
                            d.arg.as_ref().and_then(|a| a.node.as_ref()),
                            Some(NodeEnum::VariableSetStmt(v)) if v.name == "search_path"
                        );
                    }
                    _ => {}
                }
            }
            if definer && !search_path {
                cx.report(
                    &SECURITY_DEFINER_WITHOUT_SEARCH_PATH,
                    -1,
                    format!(
                        "SECURITY DEFINER function {} has no `SET search_path`: callers can make it run their objects with its owner's rights",
                        ast::strings(&f.funcname).join(".")
                    ),
                );
            }
        }
        _ => {}
    }
}
