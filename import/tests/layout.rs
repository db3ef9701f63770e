//! The written layout is rustfmt's (edition 2024, default configuration) without running
//! it, where widths decide: names of every length up to PostgreSQL's 63 bytes, non-ASCII
//! (wide) characters, hostile names (quotes, backslashes, `$$`), CHECK expressions,
//! defaults and function bodies longer than a line.

use ddl::prelude::*;

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A name of exactly `len` characters (bytes for ASCII), varied by `i`.
fn name(stem: &str, i: usize, len: usize) -> String {
    let mut s = format!("{stem}{i}_");
    let fill = ["x", "größe", "日本", "a\"b", "c\\d", "$$", "it's"][i % 7];
    while s.chars().count() < len {
        s.push_str(fill);
    }
    s.chars().take(len).collect()
}

/// A quoted SQL identifier.
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn hostile() -> Database {
    const TOUCH: FunctionRef = FunctionRef::new("app", "touch");
    let long_body = format!(
        "BEGIN\n  -- {}\n  NEW.updated_at := now();\n  RETURN NEW;\nEND",
        "a comment line much longer than one hundred columns ".repeat(3)
    );
    let short: Vec<String> = (0..40).map(|i| format!("v{i}")).collect();
    let long: Vec<String> = (0..6).map(|i| name("value", i, 20 + 7 * i)).collect();
    let mut db = Database::new()
        .schema(Schema::new("app").comment(leak("a long schema comment ".repeat(8))))
        .enum_type(EnumType::new(
            TypeRef::new("app", "short_values"),
            short.iter().map(String::as_str),
        ))
        .enum_type(EnumType::new(
            TypeRef::new("app", "long_values"),
            long.iter().map(String::as_str),
        ))
        .function(Function::trigger(TOUCH, leak(long_body)));
    // Every length from 1 to 63, so that every width limit is met exactly somewhere.
    for len in 1..=63 {
        let tname = leak(name("t", len, len.max(3)));
        let me = TableRef::new("app", tname);
        let c = leak(name("c", len, len));
        let k = leak(name("k", len + 1, 63));
        let mut t = Table::new(me)
            .column(col("id", BIGINT).identity().primary_key())
            .column(
                col(c, TEXT)
                    .not_null()
                    .default(leak(format!("'{}'::text", "d".repeat(len * 2)))),
            )
            .column(col(k, INT).check(leak(format!("{} > {len}", q(k)))))
            .check(
                leak(name("chk", len, 63)),
                leak(format!("length({}) < {}", q(c), 10 + len * 3)),
            )
            .index(Index::on([c]))
            .index(
                Index::named(leak(name("ix", len, 63)), [])
                    .expr(leak(format!("lower({})", q(c))))
                    .desc(),
            )
            .trigger(Trigger::before(leak(name("trg", len, 63)), TOUCH).on_update_of([c]))
            .comment(leak("x".repeat(len * 3)));
        if len % 9 == 0 {
            let text = leak(name("row", len, len * 2));
            t = t.rows(
                ["id", c],
                (0..len / 9).map(|i| vec![lit(i as i64), lit(text)]),
            );
        }
        if len > 1 {
            let parent = TableRef::new("app", leak(name("t", len - 1, (len - 1).max(3))));
            let fk = leak(name("fk", len, 63));
            t = t.column(
                col(leak(name("ref", len, len + 3)), BIGINT)
                    .references(parent, "id")
                    .on_delete(FkAction::Cascade)
                    .fk(|f| f.name(fk).on_update(FkAction::Restrict)),
            );
        }
        db = db.table(t);
    }
    db
}

#[test]
fn long_and_hostile_names_are_written_in_rustfmt_layout() {
    let left = vec![import::Leftover::new(
        "table",
        "app.odd",
        "a reason with \"quotes\", $$ and trailing blanks   ",
    )];
    let imported = import::import(&hostile(), left, "Imported by the layout test.");
    let mut failures = Vec::new();
    for f in &imported.files {
        let formatted = import::rustfmt(&f.contents).expect("rustfmt runs");
        if formatted != f.contents {
            failures.push(format!(
                "{}:\n{}",
                f.path,
                import::layout_diff(&f.contents, &formatted)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The test is about widths: it must have met the limits.
    let app = &imported
        .files
        .iter()
        .find(|f| f.path == "app.rs")
        .expect("app.rs")
        .contents;
    assert!(
        app.lines().any(|l| l.chars().count() > 95),
        "some lines are near the limit"
    );
}
