//! `cli lint`: the real binary on SQL files: rustc-style text, JSON, exit codes, ignore
//! comments, and the default set (the migrations of `--dir`, down files left out).

mod common;

use common::{Fixture, Run, cli_command};

fn lint(args: &[&str]) -> Run {
    let mut full = vec!["lint"];
    full.extend_from_slice(args);
    cli_command(&full).output().expect("runs cli").into()
}

fn path(fx: &Fixture, name: &str) -> String {
    fx.path().join(name).display().to_string()
}

const BAD: &str = "SET lock_timeout = '5s';\n\nALTER TABLE users ADD COLUMN locale text NOT NULL;\nALTER TABLE users RENAME COLUMN name TO full_name;\n";

#[test]
fn an_error_finding_prints_rustc_style_with_file_line_and_exits_1() {
    let fx = Fixture::without_sum(&[("002_locale.sql", BAD)]);
    let file = path(&fx, "002_locale.sql");
    let run = lint(&[&file]).code(1);
    let out = &run.stdout;
    assert!(
        out.contains("error[adding-not-null-column]: column `locale` is added to users"),
        "{out}"
    );
    assert!(out.contains(&format!("--> {file}:3:30")), "{out}");
    assert!(
        out.contains("3 | ALTER TABLE users ADD COLUMN locale text NOT NULL;"),
        "{out}"
    );
    assert!(
        out.contains("= help: Add the column with a constant DEFAULT"),
        "{out}"
    );
    assert!(out.contains("warning[renaming-column]"), "{out}");
    assert!(out.contains(&format!("--> {file}:4:1")), "{out}");
    assert!(
        out.trim_end().ends_with("lint: 1 error, 1 warning"),
        "{out}"
    );
}

#[test]
fn warnings_alone_exit_0_and_are_printed() {
    let fx = Fixture::without_sum(&[(
        "002_rename.sql",
        "SET lock_timeout = '5s';\nALTER TABLE users RENAME COLUMN name TO full_name;\n",
    )]);
    let run = lint(&[&path(&fx, "002_rename.sql")]).code(0);
    assert!(
        run.stdout.contains("warning[renaming-column]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("lint: 0 errors, 1 warning"),
        "{}",
        run.stdout
    );
}

#[test]
fn json_output_lists_every_finding_with_its_position_and_severity() {
    let fx = Fixture::without_sum(&[("002_locale.sql", BAD)]);
    let file = path(&fx, "002_locale.sql");
    let run = lint(&["--format", "json", &file]).code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), 2, "{v}");
    assert_eq!(items[0]["code"], "adding-not-null-column");
    assert_eq!(items[0]["severity"], "error");
    assert_eq!(items[0]["file"], file.as_str());
    assert_eq!(items[0]["line"], 3);
    assert_eq!(items[0]["column"], 30);
    assert!(items[0]["help"].as_str().is_some_and(|h| !h.is_empty()));
    assert_eq!(items[1]["code"], "renaming-column");
    assert_eq!(items[1]["severity"], "warning");
}

#[test]
fn an_ignore_comment_with_a_reason_exempts_the_next_statement() {
    let sql = "SET lock_timeout = '5s';\n-- lint: ignore adding-not-null-column: users is empty until the 2.5 launch\nALTER TABLE users ADD COLUMN locale text NOT NULL;\n";
    let fx = Fixture::without_sum(&[("002_locale.sql", sql)]);
    let run = lint(&[&path(&fx, "002_locale.sql")]).code(0);
    assert!(run.stdout.contains("lint: no findings"), "{}", run.stdout);
}

#[test]
fn an_ignore_comment_without_a_reason_is_an_error_and_exempts_nothing() {
    let sql = "SET lock_timeout = '5s';\n-- lint: ignore adding-not-null-column\nALTER TABLE users ADD COLUMN locale text NOT NULL;\n";
    let fx = Fixture::without_sum(&[("002_locale.sql", sql)]);
    let run = lint(&[&path(&fx, "002_locale.sql")]).code(1);
    assert!(
        run.stdout.contains("error[ignore-without-reason]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("error[adding-not-null-column]"),
        "{}",
        run.stdout
    );
}

#[test]
fn without_files_it_lints_the_up_migrations_of_dir_in_order() {
    // 001 creates the table, so 002's index on it is on an existing table; the down
    // file drops the table, which is its job, and is not linted.
    let fx = Fixture::without_sum(&[
        ("001_a.sql", "CREATE TABLE a (id int PRIMARY KEY, x int);\n"),
        ("001_a.down.sql", "DROP TABLE a;\n"),
        (
            "002_b.sql",
            "SET lock_timeout = '5s';\nCREATE INDEX idx_a_x ON a (x);\n",
        ),
    ]);
    let dir = fx.path().display().to_string();
    let run = lint(&["--dir", &dir, "--format", "json"]).code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let codes: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["non-concurrent-index"], "{v}");
    assert!(v[0]["file"].as_str().expect("file").ends_with("002_b.sql"));
}

#[test]
fn without_arguments_the_embedded_platform_migrations_have_no_error() {
    let run = lint(&[]).code(0);
    assert!(
        run.stdout.contains("lint: no findings") || run.stdout.contains("lint: 0 errors"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("\nerror["), "{}", run.stdout);
}

#[test]
fn an_unreadable_file_is_an_error_on_stderr() {
    let run = lint(&["/nonexistent/002_x.sql"]).code(1);
    assert!(
        run.stderr.contains("cannot read /nonexistent/002_x.sql"),
        "{}",
        run.stderr
    );
}
