//! Rust names for SQL names: module, function and constant identifiers that compile
//! whatever the SQL name is (keywords, non-ASCII, digits first), unique in their scope.
//! The SQL name itself is always kept as a string next to the identifier.

use std::collections::HashSet;

/// Rust's strict and reserved keywords (edition 2024).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Names `use ddl::prelude::*` brings in: a handle or function of the same name would
/// shadow them in the module and break the declarations that use them.
pub(crate) const PRELUDE: &[&str] = &[
    "SMALLINT",
    "INT",
    "BIGINT",
    "REAL",
    "DOUBLE",
    "NUMERIC",
    "TEXT",
    "CITEXT",
    "BOOL",
    "UUID",
    "JSON",
    "JSONB",
    "TIMESTAMPTZ",
    "TIMESTAMP",
    "DATE",
    "TIME",
    "INTERVAL",
    "INET",
    "CIDR",
    "BYTEA",
    "col",
    "lit",
    "array",
    "varchar",
    "char",
    "numeric",
    "enum_type",
    "builtin_type",
    "custom",
    "database",
];

/// ASCII letters, digits and `_` of `name`, everything else as `_`, in the given case.
fn ascii_word(name: &str, upper: bool) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                if upper {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

/// Hands out identifiers unique within one scope.
#[derive(Debug, Default)]
pub struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    pub fn reserving(names: &[&str]) -> Self {
        Self {
            taken: names.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A snake_case identifier (module or function) for `name`; `fallback` when the name
    /// has no ASCII letter or digit at all.
    pub fn snake(&mut self, name: &str, fallback: &str) -> String {
        let word = ascii_word(name, false);
        let base = if word.chars().any(|c| c.is_ascii_alphanumeric()) {
            word
        } else {
            fallback.to_owned()
        };
        self.unique(base, "_")
    }

    /// An UPPER_SNAKE constant for `name`; `suffix` is tried first on a collision.
    pub fn upper(&mut self, name: &str, fallback: &str, suffix: &str) -> String {
        let word = ascii_word(name, true);
        let base = if word.chars().any(|c| c.is_ascii_alphanumeric()) {
            word
        } else {
            fallback.to_owned()
        };
        if self.taken.contains(&base) {
            return self.unique(format!("{base}{suffix}"), "_");
        }
        self.unique(base, "_")
    }

    fn unique(&mut self, base: String, sep: &str) -> String {
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) || NOT_RAW.contains(&candidate.as_str()) {
            candidate = format!("{base}{sep}{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// The identifier as written in code: `r#type` for a keyword.
pub fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) && !NOT_RAW.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// A Rust string literal for `text`: a raw string for multi-line text without other
/// control characters (function bodies stay readable), an escaped one otherwise.
pub fn string(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| !c.is_control() || c == '\n' || c == '\t');
    if plain && text.contains('\n') {
        let mut hashes = 0;
        while text.contains(&format!("\"{}", "#".repeat(hashes))) {
            hashes += 1;
        }
        let h = "#".repeat(hashes);
        format!("r{h}\"{text}\"{h}")
    } else {
        format!("{text:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_identifiers_and_non_ascii_is_replaced() {
        let mut s = Scope::reserving(PRELUDE);
        assert_eq!(ident(&s.snake("type", "t")), "r#type");
        assert_eq!(ident(&s.snake("self", "t")), "self_2");
        assert_eq!(s.snake("Größe", "t"), "gr__e");
        assert_eq!(s.snake("日本", "table"), "table");
        assert_eq!(s.snake("1st", "t"), "_1st");
        assert_eq!(s.snake("col", "t"), "col_2");
        assert_eq!(s.upper("text", "T", "_TABLE"), "TEXT_TABLE");
        assert_eq!(s.upper("users", "T", "_TABLE"), "USERS");
        assert_eq!(s.upper("USERS", "T", "_FN"), "USERS_FN");
    }

    #[test]
    fn strings_are_raw_when_multi_line_and_escaped_otherwise() {
        assert_eq!(string("a\"#b\nc"), "r##\"a\"#b\nc\"##");
        assert_eq!(string("x\u{1}"), "\"x\\u{1}\"");
        assert_eq!(string("it's"), "\"it's\"");
    }
}
