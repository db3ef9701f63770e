//! Rust names derived from SQL names, once and the same way every run.
//!
//! - snake_case for modules, files and fields; CamelCase for types and variants;
//! - characters other than ASCII letters and digits become `_` (non-ASCII letters are
//!   spelled as their code point, `café` -> `caf_u00e9`, so two names never merge silently);
//! - a name that starts with a digit gets a leading `n` (`1st` -> `n_1st`, `N1st`), and a
//!   name with no letter or digit at all is `unnamed`;
//! - a Rust keyword is written raw (`r#type`), except those that cannot be (`self`,
//!   `Self`, `super`, `crate`), which get a trailing `_`;
//! - two SQL names that give the same Rust name are told apart by `_2`, `_3`, ... in the
//!   order of their SQL names.

use std::collections::{BTreeMap, HashMap};

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Words split on anything that is not an ASCII letter or digit, and before an upper-case
/// letter that follows a lower-case one (`userId` -> `user`, `Id`).
fn words(sql: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in sql.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            cur.push(c);
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            if !c.is_ascii() {
                out.push(format!("u{:04x}", c as u32));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Already what [`snake`] makes of it: lower-case ASCII words joined by single `_`,
/// starting with a letter. Most SQL names are; they skip the word split.
fn plain_snake(sql: &str) -> bool {
    let b = sql.as_bytes();
    b.first().is_some_and(u8::is_ascii_lowercase)
        && b.last() != Some(&b'_')
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        && !sql.contains("__")
}

/// `user_sessions`, `_1st`, `caf_u00e9`; not yet checked against keywords.
pub fn snake(sql: &str) -> String {
    if plain_snake(sql) {
        return sql.to_owned();
    }
    snake_of_words(sql)
}

fn snake_of_words(sql: &str) -> String {
    let s = words(sql)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    match s.chars().next() {
        None => "unnamed".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("n_{s}"),
        Some(_) => s,
    }
}

/// CamelCase of a name made by [`snake`], as SeaORM derives a `Column` variant from a
/// field: each `_`-separated word capitalized.
pub fn camel_of_snake(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    for w in snake.split('_') {
        let mut c = w.chars();
        if let Some(f) = c.next() {
            out.push(f.to_ascii_uppercase());
            out.push_str(c.as_str());
        }
    }
    out
}

/// `UserSessions`, `N1st`.
pub fn camel(sql: &str) -> String {
    if plain_snake(sql) {
        return camel_of_snake(sql);
    }
    camel_of_words(sql)
}

fn camel_of_words(sql: &str) -> String {
    let s: String = words(sql)
        .iter()
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase()
            })
        })
        .collect();
    match s.chars().next() {
        None => "Unnamed".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("N{s}"),
        Some(_) => s,
    }
}

/// An identifier as written in source: raw when it is a keyword.
pub fn ident(name: &str) -> String {
    match name {
        "self" | "Self" | "super" | "crate" | "_" => format!("{name}_"),
        n if KEYWORDS.contains(&n) => format!("r#{n}"),
        n => n.to_owned(),
    }
}

/// A file or module name on disk (no `r#`): keywords that Rust cannot write raw get `_`.
pub fn file_stem(name: &str) -> String {
    match name {
        "self" | "Self" | "super" | "crate" | "_" => format!("{name}_"),
        n => n.to_owned(),
    }
}

/// Names for a set of SQL names, distinct after derivation: `_2`, `_3`, ... in the order
/// of the SQL names, so the result does not depend on declaration order.
pub fn distinct<'a>(
    sql_names: impl IntoIterator<Item = &'a str>,
    derive: impl Fn(&str) -> String,
    reserved: &[&str],
) -> HashMap<String, String> {
    let sorted: BTreeMap<&str, String> = sql_names.into_iter().map(|n| (n, derive(n))).collect();
    // Most sets have no clash (a table's columns): then every name is its base.
    let mut bases: Vec<&str> = sorted
        .values()
        .map(String::as_str)
        .chain(reserved.iter().copied())
        .collect();
    bases.sort_unstable();
    if bases.windows(2).all(|w| w[0] != w[1]) {
        return sorted
            .into_iter()
            .map(|(sql, base)| (sql.to_owned(), base))
            .collect();
    }
    let mut taken: HashMap<String, usize> = reserved.iter().map(|r| ((*r).to_owned(), 1)).collect();
    let mut out = HashMap::new();
    for (sql, base) in sorted {
        let n = taken.entry(base.clone()).or_insert(0);
        *n += 1;
        let name = if *n == 1 { base } else { format!("{base}_{n}") };
        out.insert(sql.to_owned(), name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_names_every_short_name_as_the_word_split_does() {
        // Every name of up to 5 characters over an alphabet with each case the word
        // split treats apart: lower, upper, digit, `_`, another separator, non-ASCII.
        let alphabet = ['a', 'b', 'Z', '1', '_', '-', 'é'];
        let mut names = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            names.extend(last.iter().cloned());
        }
        assert_eq!(names.len(), (0..=5).map(|k| 7usize.pow(k)).sum::<usize>());
        let mut plain = 0;
        for n in &names {
            plain += usize::from(plain_snake(n));
            assert_eq!(snake(n), snake_of_words(n), "snake({n:?})");
            assert_eq!(camel(n), camel_of_words(n), "camel({n:?})");
        }
        assert!(plain >= 400, "the fast path is taken: {plain}");
    }

    #[test]
    fn sql_names_become_rust_names() {
        assert_eq!(snake("user_sessions"), "user_sessions");
        assert_eq!(snake("UserId"), "user_id");
        assert_eq!(snake("1st place"), "n_1st_place");
        assert_eq!(snake("'\""), "unnamed");
        assert_eq!(camel_of_snake("n_1st_place"), "N1stPlace");
        assert_eq!(camel_of_snake("a_b_2"), "AB2");
        assert_eq!(snake("café"), "caf_u00e9");
        assert_eq!(snake("we\"ird-name"), "we_ird_name");
        assert_eq!(camel("user_sessions"), "UserSessions");
        assert_eq!(camel("in-progress"), "InProgress");
        assert_eq!(camel("2fa"), "N2fa");
        assert_eq!(camel(""), "Unnamed");
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("self"), "self_");
        assert_eq!(ident("users"), "users");
    }

    #[test]
    fn clashing_names_are_numbered_in_sql_name_order() {
        let m = distinct(["a_b", "a-b", "A_B"], snake, &[]);
        assert_eq!(m["A_B"], "a_b");
        assert_eq!(m["a-b"], "a_b_2");
        assert_eq!(m["a_b"], "a_b_3");
        let m = distinct(["prelude"], snake, &["prelude"]);
        assert_eq!(m["prelude"], "prelude_2");
    }
}
