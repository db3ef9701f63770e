//! `fk-type-mismatch` follows PostgreSQL: for every pair of column types, validation
//! accepts a foreign key exactly when PostgreSQL creates it.

use ddl::prelude::*;
use ddl::validate::{Code, validate};

const KEY: TableRef = TableRef::new("fkt", "k");
const REF: TableRef = TableRef::new("fkt", "r");

fn types() -> Vec<ColumnType> {
    vec![
        SMALLINT,
        INT,
        BIGINT,
        NUMERIC,
        numeric(10, 2),
        REAL,
        DOUBLE,
        TEXT,
        varchar(255),
        char(5),
        CITEXT,
        BOOL,
        UUID,
        JSONB,
        TIMESTAMPTZ,
        TIMESTAMP,
        DATE,
        TIME,
        INTERVAL,
        INET,
        CIDR,
        BYTEA,
        array(INT),
        array(BIGINT),
        array(TEXT),
        array(varchar(10)),
    ]
}

/// Whether validation accepts `r.x <referencing>` referencing `k.id <key>`.
fn accepted(referencing: &ColumnType, key: &ColumnType) -> bool {
    let db = Database::new()
        .extension(Extension::new("citext"))
        .schema(Schema::new("fkt"))
        .table(Table::new(KEY).column(col("id", key.clone()).primary_key()))
        .table(Table::new(REF).column(col("x", referencing.clone()).references(KEY, "id")));
    match validate(&db) {
        Ok(()) => true,
        Err(d) => {
            assert!(
                d.0.iter().all(|d| d.code == Code::FkTypeMismatch),
                "unexpected problems: {d}"
            );
            false
        }
    }
}

#[test]
fn fk_type_rule_matches_postgres_for_every_pair_of_types() {
    let types = types();
    let db = pgharness::database("fk_types");
    let mut sql = String::from(
        "CREATE EXTENSION citext; CREATE SCHEMA fkt; CREATE TABLE fkt.verdict (r int, k int, ok bool);\n",
    );
    for (k, ty) in types.iter().enumerate() {
        sql.push_str(&format!(
            "CREATE TABLE fkt.k{k} (id {} PRIMARY KEY);\n",
            ty.catalog_name()
        ));
    }
    for (r, rt) in types.iter().enumerate() {
        for k in 0..types.len() {
            sql.push_str(&format!(
                "DO $$ BEGIN CREATE TABLE fkt.r{r}_{k} (x {} REFERENCES fkt.k{k} (id)); \
                 INSERT INTO fkt.verdict VALUES ({r}, {k}, true); \
                 EXCEPTION WHEN others THEN INSERT INTO fkt.verdict VALUES ({r}, {k}, false); END $$;\n",
                rt.catalog_name()
            ));
        }
    }
    tests::apply_ok(&db, &sql);
    let mut wrong = Vec::new();
    let mut accepted_pairs = 0;
    for row in db.rows("SELECT r, k, ok FROM fkt.verdict ORDER BY r, k") {
        let (Ok(r), Ok(k)) = (row[0].parse::<usize>(), row[1].parse::<usize>()) else {
            panic!("bad row {row:?}");
        };
        let postgres = row[2] == "t";
        accepted_pairs += usize::from(postgres);
        if accepted(&types[r], &types[k]) != postgres {
            wrong.push(format!(
                "{} -> {}: PostgreSQL {}",
                types[r].catalog_name(),
                types[k].catalog_name(),
                if postgres { "accepts" } else { "refuses" }
            ));
        }
    }
    assert_eq!(
        db.exec("SELECT count(*) FROM fkt.verdict"),
        (types.len() * types.len()).to_string()
    );
    assert!(
        accepted_pairs > types.len(),
        "only equal types were accepted?"
    );
    assert!(
        wrong.is_empty(),
        "validation differs from PostgreSQL:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn fk_from_varchar_to_a_text_key_is_accepted() {
    assert!(accepted(&varchar(255), &TEXT));
}
