//! Hostile text in declarations: control characters in names, NUL bytes in text, raw SQL
//! fragments that would leave their statement. Each is refused by validation with its
//! code, and the writer never lets a name end a `--` comment line.

use ddl::migration::{plan_statements, render_file};
use ddl::prelude::*;
use ddl::sql::render::Stmt;
use ddl::validate::{Code, validate};
use proptest::prelude::*;

const SCR: &str = "scr";
const BASE: TableRef = TableRef::new("scr", "base");

fn scr() -> Database {
    Database::new().schema(Schema::new(SCR)).table(
        Table::new(BASE)
            .column(col("id", INT).primary_key())
            .column(col("note", TEXT)),
    )
}

fn codes(db: &Database) -> Vec<Code> {
    match validate(db) {
        Ok(()) => Vec::new(),
        Err(d) => d.codes(),
    }
}

#[test]
fn a_table_name_with_a_newline_cannot_inject_a_statement() {
    const EVIL: TableRef = TableRef::new("scr", "t\nDROP TABLE scr.base;\n--");
    let db = scr().table(Table::new(EVIL).column(col("id", INT)));
    let err = plan_statements(&Database::new(), &db).expect_err("must be refused");
    assert_eq!(err.codes(), vec![Code::IdentifierControlCharacter]);
    let text = err.to_string();
    assert!(text.contains("identifier-control-character"), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("DROP TABLE")),
        "the diagnostic itself must not print the newline:\n{text}"
    );
}

#[test]
fn a_nul_byte_in_a_name_is_refused() {
    let db = scr().table(
        Table::new(TableRef::new("scr", "u"))
            .column(col("a\0b", INT))
            .comment("fine"),
    );
    assert_eq!(codes(&db), vec![Code::IdentifierControlCharacter]);
}

#[test]
fn control_characters_in_every_kind_of_name_are_refused() {
    const U: TableRef = TableRef::new("scr", "u");
    let cases: Vec<(&str, Database)> = vec![
        (
            "index",
            scr().table(
                Table::new(U)
                    .column(col("id", INT))
                    .index(Index::named("i\rx", ["id"])),
            ),
        ),
        (
            "policy role",
            scr().table(
                Table::new(U)
                    .column(col("id", INT))
                    .enable_rls()
                    .policy(Policy::new("p").to(["app\nuser"]).using("true")),
            ),
        ),
        (
            "enum value",
            scr().enum_type(EnumType::new(
                TypeRef::new("scr", "mood"),
                ["ok", "sad\n--"],
            )),
        ),
        ("schema", Database::new().schema(Schema::new("s\u{1b}[31m"))),
    ];
    for (what, db) in cases {
        assert_eq!(codes(&db), vec![Code::IdentifierControlCharacter], "{what}");
    }
}

#[test]
fn a_nul_byte_in_a_comment_is_refused_with_its_code() {
    let db = Database::new().schema(Schema::new(SCR).comment("a\0b"));
    assert_eq!(codes(&db), vec![Code::TextNulByte]);
}

#[test]
fn newlines_and_quotes_in_comments_and_defaults_are_accepted_as_literals() {
    let db = Database::new().schema(Schema::new(SCR)).table(
        Table::new(BASE)
            .column(col("id", INT).primary_key())
            .column(
                col("note", TEXT)
                    .default_value("line\n'); DROP TABLE x; --")
                    .comment("a\n*/ $$"),
            )
            .comment("it's\r\nfine"),
    );
    assert_eq!(codes(&db), Vec::<Code>::new());
}

#[test]
fn raw_fragments_that_leave_their_statement_are_refused() {
    const U: TableRef = TableRef::new("scr", "u");
    let with_default = |d: &str| {
        scr().table(
            Table::new(U)
                .column(col("id", INT))
                .column(col("v", TEXT).default(d)),
        )
    };
    for bad in [
        "now()); DROP TABLE scr.base; --",
        "'x' -- the NOT NULL after me is gone",
        "1 \\! touch /tmp/pwned",
        "'open",
        "(1",
    ] {
        assert_eq!(
            codes(&with_default(bad)),
            vec![Code::UnsafeSqlFragment],
            "{bad:?}"
        );
    }
    let check = scr().table(
        Table::new(U)
            .column(col("id", INT))
            .check("c", "id > 0); DROP TABLE scr.base; SELECT (1"),
    );
    assert_eq!(codes(&check), vec![Code::UnsafeSqlFragment]);
    let custom_type = scr().table(Table::new(U).column(col(
        "v",
        ColumnType::Custom {
            name: "text; DROP TABLE scr.base".into(),
            extension: None,
        },
    )));
    assert_eq!(codes(&custom_type), vec![Code::UnsafeSqlFragment]);
}

#[test]
fn the_writer_escapes_control_characters_in_comment_lines() {
    let stmt = Stmt::new("table", "t\nDROP TABLE scr.base;\r--", "SELECT 1;".into());
    let file = render_file("001_x", "up", "sha", &[stmt]);
    for line in file.lines() {
        assert!(
            line.is_empty() || line.starts_with("--") || line == "SELECT 1;",
            "a line of SQL that no statement wrote: {line:?}\n{file}"
        );
    }
}

proptest! {
    #[test]
    fn any_column_name_with_a_control_character_is_refused(
        prefix in "[a-z]{0,5}",
        control in prop::sample::select(vec!['\0', '\n', '\r', '\t', '\u{1b}', '\u{7f}', '\u{85}']),
        suffix in ".{0,5}",
    ) {
        let name = format!("{prefix}{control}{suffix}");
        let db = scr().table(Table::new(TableRef::new("scr", "u")).column(col(name.as_str(), INT)));
        prop_assert!(codes(&db).contains(&Code::IdentifierControlCharacter));
    }

    #[test]
    fn names_without_control_characters_never_leave_the_comment_line(
        name in "[^\\p{Cc}]{1,20}",
    ) {
        const U: TableRef = TableRef::new("scr", "u");
        let db = scr().table(Table::new(U).column(col(name.as_str(), INT)).comment(name.clone()));
        let (_, stmts) = plan_statements(&Database::new(), &db).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let file = render_file("001_x", "up", "sha", &stmts);
        for s in &stmts {
            let header = format!("-- {}: {}\n", s.kind, s.name);
            prop_assert!(file.contains(&header), "missing {:?}", header);
        }
    }
}
