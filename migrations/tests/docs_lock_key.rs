//! The advisory-lock key in docs/cli.md is the one the runner takes: an operator who
//! looks for a stuck runner in `pg_locks` searches for the documented number.

use migrations::runner::lock::LOCK_KEY;

fn cli_doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cli.md");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Every integer that follows `marker` in `text`.
fn numbers_after(text: &str, marker: &str) -> Vec<i64> {
    text.match_indices(marker)
        .map(|(i, _)| {
            let digits: String = text[i + marker.len()..]
                .chars()
                .skip_while(|c| c.is_whitespace())
                .take_while(char::is_ascii_digit)
                .collect();
            digits
                .parse()
                .unwrap_or_else(|e| panic!("`{marker}` is not followed by a number: {e}"))
        })
        .collect()
}

#[test]
fn the_documented_lock_key_is_the_one_the_runner_takes() {
    let doc = cli_doc();
    let keys = numbers_after(&doc, "pg_try_advisory_lock(");
    assert!(!keys.is_empty(), "docs/cli.md no longer names the lock key");
    for key in keys {
        assert_eq!(
            key, LOCK_KEY,
            "docs/cli.md names lock key {key}, the runner uses {LOCK_KEY}"
        );
    }
}

#[test]
fn the_status_json_example_shows_the_lock_key_the_runner_takes() {
    let doc = cli_doc();
    let keys = numbers_after(&doc, "\"lock_key\":");
    assert_eq!(
        keys,
        vec![LOCK_KEY],
        "the `status --json` example in docs/cli.md"
    );
}
