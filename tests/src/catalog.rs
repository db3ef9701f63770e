//! Compares PostgreSQL's catalogs with a declaration: every table, column (type,
//! nullability, default), constraint, foreign key, index, trigger, policy, function,
//! extension and reference row must be there, and nothing else in the declared schemas.

use ddl::model::constraint::FkAction;
use ddl::model::database::Database;
use ddl::model::objects::Volatility;
use pgharness::TestDb;
use std::collections::BTreeSet;

/// Every difference between the database and the declaration; empty when they agree.
pub fn differences(db: &TestDb, decl: &Database) -> Vec<String> {
    let mut out = Vec::new();
    let schemas: Vec<String> = {
        let mut s: BTreeSet<String> = decl.tables.iter().map(|t| t.name.schema.clone()).collect();
        s.extend(decl.schemas.iter().map(|s| s.name.clone()));
        s.extend(decl.functions.iter().map(|f| f.name.schema.clone()));
        s.into_iter().collect()
    };
    let in_list = schemas
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");

    let mut expect_ext: Vec<String> = decl.extensions.iter().map(|e| e.name.clone()).collect();
    expect_ext.push("plpgsql".into());
    compare(
        &mut out,
        "extensions",
        expect_ext,
        db.rows("SELECT extname FROM pg_extension"),
    );

    let expect_schemas: Vec<String> = decl.schemas.iter().map(|s| s.name.clone()).collect();
    let declared_set = expect_schemas
        .iter()
        .map(|s| format!("'{s}'"))
        .chain(["''".to_owned()])
        .collect::<Vec<_>>()
        .join(", ");
    compare(
        &mut out,
        "schemas",
        expect_schemas.clone(),
        db.rows(&format!(
            "SELECT nspname FROM pg_namespace WHERE nspname IN ({declared_set})"
        )),
    );

    let expect_tables: Vec<String> = decl.tables.iter().map(|t| t.name.to_string()).collect();
    compare(
        &mut out,
        "tables",
        expect_tables,
        db.rows(&format!(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p') AND n.nspname IN ({in_list})"
        )),
    );

    let mut expect_cols = Vec::new();
    let mut expect_cons = Vec::new();
    let mut expect_idx = Vec::new();
    let mut expect_trg = Vec::new();
    let mut expect_pol = Vec::new();
    let mut expect_rls = Vec::new();
    for t in &decl.tables {
        let tn = t.name.to_string();
        for c in &t.columns {
            let default = match (&c.default, &c.generated) {
                (Some(d), _) => normalize(d.as_str()),
                (None, Some(g)) => normalize(&format!("generated {}", g.as_str())),
                (None, None) if c.serial => normalize(&ddl::model::sequence::nextval_sql(
                    &ddl::model::sequence::serial_sequence(&t.name, &c.name),
                )),
                _ => String::new(),
            };
            expect_cols.push(format!(
                "{tn}.{}|{}|{}|{}|{}",
                c.name,
                c.ty.catalog_name(),
                !c.nullable || c.identity.is_some(),
                c.identity.map_or("", |i| match i {
                    ddl::model::column::Identity::ByDefault => "d",
                    ddl::model::column::Identity::Always => "a",
                }),
                default
            ));
        }
        if let Some(pk) = &t.primary_key {
            expect_cons.push(format!("{tn}.{}|p|{}", pk.name, pk.columns.join(",")));
            expect_idx.push(format!("{}.{}", t.name.schema, pk.name));
        }
        for u in &t.uniques {
            expect_cons.push(format!("{tn}.{}|u|{}", u.name, u.columns.join(",")));
            expect_idx.push(format!("{}.{}", t.name.schema, u.name));
        }
        for c in &t.checks {
            expect_cons.push(format!("{tn}.{}|c|", c.name));
        }
        // Exclusion constraints are compared on their own by the constraint tests; their
        // index is listed here.
        for x in &t.exclusions {
            expect_idx.push(format!("{}.{}", t.name.schema, x.name));
        }
        for fk in &t.foreign_keys {
            expect_cons.push(format!(
                "{tn}.{}|f|{}|{}|{}|{}|{}",
                fk.name,
                fk.columns.join(","),
                fk.ref_table,
                fk.ref_columns.join(","),
                action(fk.on_delete),
                action(fk.on_update)
            ));
        }
        for ix in &t.indexes {
            expect_idx.push(format!("{}.{}", t.name.schema, ix.name));
        }
        for tr in &t.triggers {
            expect_trg.push(format!("{tn}.{}|{}", tr.name, tr.function));
        }
        for p in &t.policies {
            expect_pol.push(format!("{tn}.{}", p.name));
        }
        expect_rls.push(format!("{tn}|{}|{}", t.rls.enabled, t.rls.forced));
    }
    let mut expect_views = Vec::new();
    let mut expect_view_cols = Vec::new();
    for v in &decl.views {
        let vn = v.name.to_string();
        expect_views.push(format!("{vn}|{}", if v.materialized { "m" } else { "v" }));
        for ix in &v.indexes {
            expect_idx.push(format!("{}.{}", v.name.schema, ix.name));
        }
        for (c, ty) in v.columns.iter().zip(&v.types) {
            expect_view_cols.push(format!("{vn}.{c}|{}", ddl::sql::render::type_sql(ty)));
        }
        for tr in &v.triggers {
            expect_trg.push(format!("{vn}.{}|{}", tr.name, tr.function));
        }
    }
    let cols = db.rows(&format!(
        "SELECT n.nspname || '.' || c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod),
                a.attnotnull, a.attidentity,
                CASE WHEN a.attgenerated = 's' THEN 'generated ' ELSE '' END || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND n.nspname IN ({in_list})
            AND NOT c.relispartition"
    ));
    let cols = cols
        .into_iter()
        .map(|mut r| {
            r[2] = (r[2] == "t").to_string();
            let last = r.len() - 1;
            r[last] = normalize(&r[last]);
            r
        })
        .collect();
    compare(&mut out, "columns", expect_cols, cols);
    compare(
        &mut out,
        "constraints",
        expect_cons,
        db.rows(&format!(
            "SELECT n.nspname || '.' || c.relname || '.' || k.conname, k.contype,
                    CASE WHEN k.contype IN ('p','u','f') THEN (SELECT string_agg(a.attname, ',' ORDER BY x.ord)
                      FROM unnest(k.conkey) WITH ORDINALITY x(num, ord) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.num) ELSE '' END,
                    CASE WHEN k.contype = 'f' THEN fn.nspname || '.' || fc.relname END,
                    CASE WHEN k.contype = 'f' THEN (SELECT string_agg(a.attname, ',' ORDER BY x.ord)
                      FROM unnest(k.confkey) WITH ORDINALITY x(num, ord) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.num) END,
                    CASE WHEN k.contype = 'f' THEN k.confdeltype::text END,
                    CASE WHEN k.contype = 'f' THEN k.confupdtype::text END
               FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               LEFT JOIN pg_class fc ON fc.oid = k.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
              WHERE k.contype IN ('p', 'u', 'c', 'f') AND n.nspname IN ({in_list})
                AND k.conparentid = 0 AND k.conislocal"
        ))
        .into_iter()
        .map(|mut r| {
            // Trailing empty fields of non-FK constraints are not part of the expectation.
            while r.len() > 3 && r.last().is_some_and(String::is_empty) {
                r.pop();
            }
            r
        })
        .collect(),
    );
    compare(
        &mut out,
        "indexes",
        expect_idx,
        db.rows(&format!(
            "SELECT schemaname || '.' || indexname FROM pg_indexes WHERE schemaname IN ({in_list})
               AND NOT EXISTS (SELECT 1 FROM pg_inherits ih
                                WHERE ih.inhrelid = (quote_ident(schemaname) || '.' || quote_ident(indexname))::regclass)"
        )),
    );
    compare(
        &mut out,
        "triggers",
        expect_trg,
        db.rows(&format!(
            "SELECT n.nspname || '.' || c.relname || '.' || t.tgname, pn.nspname || '.' || p.proname
               FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
              WHERE NOT t.tgisinternal AND n.nspname IN ({in_list})"
        )),
    );
    let typed: Vec<String> = decl
        .views
        .iter()
        .filter(|v| !v.types.is_empty())
        .map(|v| format!("'{}'", v.name.to_string().replace('\'', "''")))
        .collect();
    if !typed.is_empty() {
        // format_type's long names, in the writer's short form.
        let short = |t: &str| match t {
            "character varying" => "varchar".to_owned(),
            "timestamp with time zone" => "timestamptz".to_owned(),
            "timestamp without time zone" => "timestamp".to_owned(),
            "time without time zone" => "time".to_owned(),
            "character" => "char".to_owned(),
            other => other
                .replace("character varying(", "varchar(")
                .replace("character(", "char("),
        };
        compare(
            &mut out,
            "view columns",
            expect_view_cols,
            db.rows(&format!(
                "SELECT n.nspname || '.' || c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod)
                   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE a.attnum > 0 AND NOT a.attisdropped AND (n.nspname || '.' || c.relname) IN ({})",
                typed.join(", ")
            ))
            .into_iter()
            .map(|r| vec![r[0].clone(), short(&r[1])])
            .collect(),
        );
    }
    compare(
        &mut out,
        "views",
        expect_views,
        db.rows(&format!(
            "SELECT n.nspname || '.' || c.relname, c.relkind FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('v', 'm') AND n.nspname IN ({in_list})"
        )),
    );
    compare(
        &mut out,
        "policies",
        expect_pol,
        db.rows(&format!(
            "SELECT schemaname || '.' || tablename || '.' || policyname FROM pg_policies WHERE schemaname IN ({in_list})"
        )),
    );
    compare(
        &mut out,
        "row level security",
        expect_rls,
        db.rows(&format!(
            "SELECT n.nspname || '.' || c.relname, c.relrowsecurity, c.relforcerowsecurity
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p') AND n.nspname IN ({in_list})"
        ))
        .into_iter()
        .map(|r| {
            vec![
                r[0].clone(),
                (r[1] == "t").to_string(),
                (r[2] == "t").to_string(),
            ]
        })
        .collect(),
    );
    compare(
        &mut out,
        "functions",
        decl.functions
            .iter()
            .map(|f| {
                format!(
                    "{}|{}|{}|{}",
                    f.name,
                    match f.volatility {
                        Volatility::Volatile => "v",
                        Volatility::Stable => "s",
                        Volatility::Immutable => "i",
                    },
                    f.security_definer,
                    f.language
                )
            })
            // An aggregate is a row of pg_proc too: immutable, in language `internal`.
            .chain(
                decl.aggregates
                    .iter()
                    .map(|a| format!("{}|i|false|internal", a.name)),
            )
            .collect(),
        db.rows(&format!(
            "SELECT n.nspname || '.' || p.proname, p.provolatile, p.prosecdef, l.lanname
               FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
              WHERE n.nspname IN ({in_list})
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                                AND d.objid = p.oid AND d.deptype = 'i')"
        ))
        .into_iter()
        .map(|mut r| {
            r[2] = (r[2] == "t").to_string();
            r
        })
        .collect(),
    );
    let mut expect_types: Vec<String> = decl
        .enums
        .iter()
        .map(|e| format!("{}|{}", e.name, e.values.join(",")))
        .collect();
    expect_types.sort();
    compare(
        &mut out,
        "enum types",
        expect_types,
        db.rows(&format!(
            "SELECT n.nspname || '.' || t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
               FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
              WHERE n.nspname IN ({in_list}) GROUP BY 1"
        )),
    );
    out.extend(crate::catalog_types::differences(db, decl, &in_list));
    for t in &decl.tables {
        if let Some(rows) = &t.rows {
            let cols = rows
                .columns
                .iter()
                .map(|c| format!("{c}::text"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let got = db.rows(&format!(
                "SELECT {cols} FROM {}",
                ddl::sql::ident::qname(&t.name)
            ));
            let want = rows
                .values
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|l| match l {
                            ddl::model::expr::Literal::Text(s) => s.clone(),
                            ddl::model::expr::Literal::Bool(b) => {
                                if *b { "true" } else { "false" }.to_owned()
                            }
                            other => other.to_sql(),
                        })
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect();
            compare(&mut out, &format!("rows of {}", t.name), want, got);
        }
    }
    out
}

fn action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "a",
        FkAction::Restrict => "r",
        FkAction::Cascade => "c",
        FkAction::SetNull => "n",
        FkAction::SetDefault => "d",
    }
}

/// An expression with casts, parentheses, quotes of identifiers and spaces taken out, so
/// that the declared text and PostgreSQL's deparsed text compare equal.
pub fn normalize(expr: &str) -> String {
    let mut out = String::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\'' {
            // Keep string literals as they are.
            let start = i;
            i += 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            out.push_str(&expr[start..i.min(b.len())]);
        } else if b[i] == b':' && b.get(i + 1) == Some(&b':') {
            i += 2;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b" _.[]\"".contains(&b[i])) {
                if b[i] == b' '
                    && !expr[i..]
                        .trim_start()
                        .starts_with(|c: char| c.is_ascii_alphabetic())
                {
                    break;
                }
                if b[i] == b' ' {
                    // a multi-word type name continues only with a type word
                    let rest = expr[i..].trim_start();
                    let word: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .collect();
                    if !["varying", "with", "without", "time", "zone", "precision"]
                        .contains(&word.as_str())
                    {
                        break;
                    }
                }
                i += 1;
            }
            if b.get(i) == Some(&b'(') {
                while i < b.len() && b[i] != b')' {
                    i += 1;
                }
                i += 1;
            }
        } else if b"() \"".contains(&b[i]) {
            i += 1;
        } else {
            out.push(char::from(b[i].to_ascii_lowercase()));
            i += 1;
        }
    }
    out
}

fn compare(out: &mut Vec<String>, what: &str, mut want: Vec<String>, got: Vec<Vec<String>>) {
    let mut got: Vec<String> = got.into_iter().map(|r| r.join("|")).collect();
    want.sort();
    got.sort();
    if want != got {
        let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).collect();
        let extra: Vec<&String> = got.iter().filter(|g| !want.contains(g)).collect();
        out.push(format!("{what}: declared but not in the database: {missing:?}; in the database but not declared: {extra:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalize_strips_casts_parentheses_and_identifier_quotes() {
        assert_eq!(normalize("'{}'::jsonb"), normalize("'{}'"));
        assert_eq!(normalize("'ltr'::character varying"), "'ltr'");
        assert_eq!(normalize("(\"balance\" >= 0)"), "balance>=0");
        assert_eq!(normalize("now()"), "now");
        assert_eq!(normalize("'a''b'::text"), "'a''b'");
    }
}
