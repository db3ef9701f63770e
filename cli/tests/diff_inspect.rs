//! `cli diff` and `cli inspect` as processes: exit codes, output form, errors.

mod common;

use common::*;

fn run(args: &[&str]) -> Run {
    cli_command(args).output().map(Run::from).expect("runs")
}

#[test]
fn diff_of_equal_databases_exits_0_and_prints_no_sql() {
    let a = pgharness::database("cd_equal_a");
    let b = pgharness::database("cd_equal_b");
    for db in [&a, &b] {
        db.exec("CREATE SCHEMA s; CREATE TABLE s.t (id int PRIMARY KEY)");
    }
    let r = run(&["diff", "--from", &a.url, "--to", &b.url]).ok();
    assert!(r.stdout.trim().is_empty(), "{r}");
    assert!(
        r.stderr.contains("no difference in schemas public, s"),
        "{r}"
    );
}

#[test]
fn diff_prints_the_migration_and_exits_2_and_down_prints_its_inverse() {
    let a = pgharness::database("cd_diff_a");
    let b = pgharness::database("cd_diff_b");
    a.exec("CREATE SCHEMA s");
    b.exec("CREATE SCHEMA s; CREATE TABLE s.t (id int PRIMARY KEY, name text NOT NULL DEFAULT '')");
    let up = run(&["diff", "--from", &a.url, "--to", &b.url]).code(2);
    assert!(up.stdout.starts_with("-- cli diff: turns "), "{up}");
    assert!(
        up.stdout.contains("-- table: s.t\nCREATE TABLE s.t ("),
        "{up}"
    );
    let down = run(&["diff", "--from", &a.url, "--to", &b.url, "--down"]).code(2);
    assert!(
        down.stdout
            .contains("-- table: s.t (destructive: loses data)\nDROP TABLE s.t;"),
        "{down}"
    );
    a.exec(&up.stdout);
    run(&["diff", "--from", &a.url, "--to", &b.url]).ok();
}

#[test]
fn diff_with_an_unreachable_side_is_one_error_line() {
    let a = pgharness::database("cd_unreachable");
    let r = run(&[
        "diff",
        "--from",
        &a.url,
        "--to",
        "postgres://u@127.0.0.1:1/x",
    ])
    .code(1);
    assert!(
        r.error_line()
            .contains("cannot reach the PostgreSQL server at 127.0.0.1:1/x"),
        "{r}"
    );
}

#[test]
fn inspect_prints_the_live_model_as_a_snapshot() {
    let db = pgharness::database("cd_inspect");
    db.exec("CREATE SCHEMA s; CREATE TYPE s.mood AS ENUM ('ok', 'meh'); CREATE TABLE s.t (id int PRIMARY KEY, m s.mood NOT NULL); CREATE VIEW s.v AS SELECT 1 AS x");
    let r = run(&["inspect", "-u", &db.url]).ok();
    let model = ddl::migration::parse_snapshot(&r.stdout).expect("a snapshot");
    assert_eq!(model.tables.len(), 1, "{r}");
    assert_eq!(model.tables[0].name.to_string(), "s.t");
    assert_eq!(model.enums[0].values, ["ok", "meh"]);
    // Views are in the model, with PostgreSQL's own text of their query.
    assert_eq!(model.views.len(), 1, "{r}");
    assert_eq!(model.views[0].name.to_string(), "s.v");
    assert!(model.views[0].query.contains("1 AS x"), "{r}");
}

#[test]
fn inspect_without_a_url_says_where_to_put_one() {
    let r = run(&["inspect"]).code(1);
    assert!(r.error_line().contains("no database URL"), "{r}");
}
