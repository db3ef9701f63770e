//! `docs/lint.md` is generated from the rule registry: this test fails when they differ
//! (`UPDATE_DOCS=1 cargo test -p lint --test docs` rewrites the file).

#[test]
fn docs_lint_md_is_generated_from_the_rule_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/lint.md");
    let expected = lint::docs_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/lint.md");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/lint.md differs from the rules in lint/src/rules: run `UPDATE_DOCS=1 cargo test -p lint --test docs`"
    );
    for r in lint::RULES {
        assert!(actual.contains(&format!("### {}\n", r.code)), "{}", r.code);
    }
}
