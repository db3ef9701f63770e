//! Partitioning, roles and privileges in the engine: each diagnostic with its object and
//! declaration line, the plan's order, and the diff of bounds and privileges.

use ddl::plan::diff::{PlanError, diff};
use ddl::prelude::*;
use ddl::validate::{Code, Diagnostic, validate};

const T: TableRef = TableRef::new("app", "t");
const P1: TableRef = TableRef::new("app", "t_1");
const P2: TableRef = TableRef::new("app", "t_2");
const PLAIN: TableRef = TableRef::new("app", "plain");

fn parent(strategy: PartitionStrategy) -> Table {
    Table::new(T)
        .column(col("id", INT).not_null())
        .column(col("k", INT).not_null())
        .primary_key(["id", "k"])
        .partition_by(strategy, ["k"])
}

fn app() -> Database {
    Database::new().schema(Schema::new("app"))
}

/// The diagnostics of `db`, which must all carry `code`.
#[track_caller]
fn only(db: &Database, code: Code) -> Vec<Diagnostic> {
    let err = validate(db).expect_err("expected a diagnostic");
    assert!(
        err.0.iter().all(|d| d.code == code),
        "expected only {code}: {err}"
    );
    err.0
}

fn sql(old: &Database, new: &Database) -> String {
    diff(old, new)
        .expect("a plan")
        .iter()
        .flat_map(|c| c.statements())
        .map(|s| {
            if s.destructive {
                format!("{} -- destructive", s.sql)
            } else {
                s.sql
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_partition_is_created_after_its_parent_with_its_bound() {
    let db = app()
        .table(Table::partition_of(P1, T, Bound::range(["1"], ["10"])))
        .table(parent(PartitionStrategy::Range));
    assert_eq!(validate(&db), Ok(()));
    let up = sql(&Database::new(), &db);
    let parent_at = up.find("CREATE TABLE app.t (").expect("parent");
    let child_at = up
        .find("CREATE TABLE app.t_1 PARTITION OF app.t\n    FOR VALUES FROM (1) TO (10);")
        .expect("partition");
    assert!(parent_at < child_at, "{up}");
    assert!(up.contains(") PARTITION BY RANGE (k);"), "{up}");
}

#[test]
fn a_partition_that_declares_columns_is_rejected() {
    let (line, partition) = (line!(), Table::partition_of(P1, T, Bound::list(["1"])));
    let db = app()
        .table(parent(PartitionStrategy::List))
        .table(partition.column(col("extra", INT)));
    let d = only(&db, Code::PartitionDeclaresColumns);
    assert_eq!(d[0].object, "app.t_1");
    assert!(
        d[0].origin.to_string().ends_with(&format!(":{line}")),
        "{}",
        d[0]
    );
}

#[test]
fn a_partition_of_an_unpartitioned_table_is_rejected() {
    let db = app()
        .table(Table::new(PLAIN).column(col("id", INT)))
        .table(Table::partition_of(P1, PLAIN, Bound::Default));
    let d = only(&db, Code::PartitionParentNotPartitioned);
    assert!(d[0].help.contains(".partition_by"), "{}", d[0]);
}

#[test]
fn a_primary_key_without_the_partition_key_is_rejected() {
    let db = app().table(
        Table::new(T)
            .column(col("id", INT).primary_key())
            .column(col("k", INT).not_null())
            .partition_by(PartitionStrategy::Hash, ["k"]),
    );
    let d = only(&db, Code::PartitionKeyNotInUnique);
    assert_eq!(d[0].object, "app.t.t_pkey");
    assert!(d[0].message.contains("partition key k"), "{}", d[0]);
}

#[test]
fn a_key_column_that_does_not_exist_is_rejected() {
    let db = app().table(
        Table::new(T)
            .column(col("id", INT))
            .partition_by(PartitionStrategy::Range, ["missing"]),
    );
    only(&db, Code::PartitionKeyMissingColumn);
}

#[test]
fn overlapping_lists_defaults_and_hashes_are_rejected() {
    let lists = app()
        .table(parent(PartitionStrategy::List))
        .table(Table::partition_of(P1, T, Bound::list(["1", "2"])))
        .table(Table::partition_of(P2, T, Bound::list(["2", "3"])));
    let d = only(&lists, Code::PartitionBoundOverlap);
    assert!(d[0].message.contains("both take 2"), "{}", d[0]);

    let defaults = app()
        .table(parent(PartitionStrategy::List))
        .table(Table::partition_of(P1, T, Bound::Default))
        .table(Table::partition_of(P2, T, Bound::Default));
    only(&defaults, Code::PartitionBoundOverlap);

    let hashes = app()
        .table(parent(PartitionStrategy::Hash))
        .table(Table::partition_of(P1, T, Bound::hash(2, 1)))
        .table(Table::partition_of(P2, T, Bound::hash(4, 3)));
    only(&hashes, Code::PartitionBoundOverlap);
    let disjoint = app()
        .table(parent(PartitionStrategy::Hash))
        .table(Table::partition_of(P1, T, Bound::hash(2, 1)))
        .table(Table::partition_of(P2, T, Bound::hash(4, 2)));
    assert_eq!(validate(&disjoint), Ok(()));
}

#[test]
fn bounds_that_do_not_fit_the_strategy_are_rejected() {
    for bound in [
        Bound::hash(0, 0),
        Bound::hash(2, 2),
        Bound::range(["1"], ["1"]),
        Bound::list(["1"]),
    ] {
        let strategy = match bound {
            Bound::Hash { .. } => PartitionStrategy::Hash,
            _ => PartitionStrategy::Range,
        };
        let db = app()
            .table(parent(strategy))
            .table(Table::partition_of(P1, T, bound.clone()));
        let d = only(&db, Code::PartitionBoundInvalid);
        assert_eq!(d[0].object, "app.t_1", "{bound:?}");
    }
}

#[test]
fn a_changed_bound_is_detached_and_attached_and_marked_destructive() {
    let old = app()
        .table(parent(PartitionStrategy::Range))
        .table(Table::partition_of(P1, T, Bound::range(["1"], ["10"])));
    let new = app()
        .table(parent(PartitionStrategy::Range))
        .table(Table::partition_of(P1, T, Bound::range(["1"], ["20"])));
    assert_eq!(
        sql(&old, &new),
        "ALTER TABLE app.t DETACH PARTITION app.t_1; -- destructive\n\
         ALTER TABLE app.t ATTACH PARTITION app.t_1\n    FOR VALUES FROM (1) TO (20); -- destructive"
    );
}

#[test]
fn repartitioning_is_refused_with_the_way_to_do_it() {
    let old = app().table(parent(PartitionStrategy::Range));
    let new = app().table(parent(PartitionStrategy::Hash));
    match diff(&old, &new) {
        Err(PlanError::Unsupported {
            object, message, ..
        }) => {
            assert_eq!(object, "app.t");
            assert!(message.contains("copy the rows"), "{message}");
        }
        other => panic!("expected unsupported, got {other:?}"),
    }
}

#[test]
fn a_column_added_to_the_parent_is_one_statement_on_the_parent() {
    let old = app()
        .table(parent(PartitionStrategy::List))
        .table(Table::partition_of(P1, T, Bound::list(["1"])));
    let new = app()
        .table(parent(PartitionStrategy::List).column(col("note", TEXT)))
        .table(Table::partition_of(P1, T, Bound::list(["1"])));
    assert_eq!(sql(&old, &new), "ALTER TABLE app.t ADD COLUMN note text;");
}

fn granted(privileges: &[Privilege]) -> Database {
    app()
        .role(Role::managed("w"))
        .table(Table::new(PLAIN).column(col("id", INT)))
        .grant(Grant::on_table(PLAIN, privileges.iter().copied()).to("w"))
}

#[test]
fn grants_are_created_after_their_role_and_target_and_revoked_first() {
    let db = granted(&[Privilege::Select]);
    let up = sql(&Database::new(), &db);
    let role = up.find("CREATE ROLE w NOLOGIN").expect("role");
    let table = up.find("CREATE TABLE app.plain").expect("table");
    let grant = up
        .find("GRANT SELECT ON TABLE app.plain TO w;")
        .expect("grant");
    assert!(role < grant && table < grant, "{up}");
    let down = sql(&db, &Database::new());
    let revoke = down
        .find("REVOKE SELECT ON TABLE app.plain FROM w;")
        .expect("revoke");
    assert!(
        revoke < down.find("DROP ROLE").expect("drop role"),
        "{down}"
    );
    assert!(
        revoke < down.find("DROP TABLE").expect("drop table"),
        "{down}"
    );
}

#[test]
fn changed_privileges_revoke_what_went_away_and_grant_what_is_new() {
    let old = granted(&[Privilege::Select, Privilege::Insert]);
    let new = granted(&[Privilege::Select, Privilege::Update]);
    assert_eq!(
        sql(&old, &new),
        "REVOKE INSERT ON TABLE app.plain FROM w;\nGRANT UPDATE ON TABLE app.plain TO w;"
    );
}

#[test]
fn grants_to_undeclared_roles_on_undeclared_targets_or_of_wrong_privileges_are_rejected() {
    let db = app()
        .table(Table::new(PLAIN).column(col("id", INT)))
        .grant(Grant::on_table(PLAIN, [Privilege::Select]).to("ghost"));
    only(&db, Code::UnknownRole);

    let db = app()
        .role(Role::managed("w"))
        .grant(Grant::on_table(T, [Privilege::Select]).to("w"));
    only(&db, Code::GrantUnknownTarget);

    let db = app()
        .role(Role::managed("w"))
        .table(Table::new(PLAIN).column(col("id", INT)))
        .grant(Grant::on_table(PLAIN, [Privilege::Execute]).to("w"));
    let d = only(&db, Code::GrantInvalidPrivilege);
    assert!(
        d[0].message.contains("EXECUTE cannot be granted on table"),
        "{}",
        d[0]
    );

    let db = app()
        .role(Role::managed("w"))
        .table(Table::new(PLAIN).column(col("id", INT)))
        .grant(
            Grant::on_table(PLAIN, [Privilege::Select])
                .columns(["nope"])
                .to("w"),
        );
    only(&db, Code::GrantUnknownTarget);

    let db = app().role(Role::managed("w")).default_privileges(
        DefaultPrivileges::new("app", DefaultObjects::Tables, [Privilege::Select])
            .to("w")
            .for_role("owner_nobody_declared"),
    );
    only(&db, Code::UnknownRole);
}

#[test]
fn a_grant_that_default_privileges_give_already_is_rejected() {
    let db = granted(&[Privilege::Select]).default_privileges(
        DefaultPrivileges::new("app", DefaultObjects::Tables, [Privilege::Select]).to("w"),
    );
    let d = only(&db, Code::GrantInvalidPrivilege);
    assert!(d[0].message.contains("default privileges"), "{}", d[0]);
}

#[test]
fn hostile_role_names_are_quoted_or_rejected() {
    let db = app()
        .role(Role::managed("we\"ird $$ role"))
        .grant(Grant::on_schema("app", [Privilege::Usage]).to("we\"ird $$ role"));
    assert_eq!(validate(&db), Ok(()));
    let up = sql(&Database::new(), &db);
    assert!(
        up.contains("CREATE ROLE \"we\"\"ird $$ role\" NOLOGIN;"),
        "{up}"
    );
    assert!(up.contains("DO $role$"), "{up}");
    let bad = app().role(Role::managed("line\nbreak"));
    assert!(
        validate(&bad)
            .expect_err("control character")
            .codes()
            .contains(&Code::IdentifierControlCharacter)
    );
}

#[test]
fn a_unique_index_without_the_partition_key_is_rejected() {
    let db = app()
        .table(parent(PartitionStrategy::Range).index(Index::named("t_id_key", ["id"]).unique()));
    let d = only(&db, Code::PartitionKeyNotInUnique);
    assert_eq!(d[0].object, "app.t.t_id_key");
    let with_key = app().table(
        parent(PartitionStrategy::Range).index(Index::named("t_id_k_key", ["id", "k"]).unique()),
    );
    assert_eq!(validate(&with_key), Ok(()));
}
