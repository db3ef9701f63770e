//! A light scanner over SQL expression text: finds function calls and quoted column
//! names, skipping string literals and comments. It is not a parser; it serves
//! dependency edges and validation, and PostgreSQL remains the judge of the SQL itself.

/// A function call found in an expression: `schema.name(` or `name(`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub schema: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident { text: String, quoted: bool },
    Dot,
    Open,
    Other,
}

fn tokens(sql: &str) -> Vec<Token> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            // String literal, with '' inside. An E'' string may also escape with \'.
            let escapes = i > 0 && (b[i - 1] == b'E' || b[i - 1] == b'e');
            i += 1;
            while i < b.len() {
                if escapes && b[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if b[i] == b'\'' {
                    if i + 1 < b.len() && b[i + 1] == b'\'' {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            out.push(Token::Other);
        } else if c == b'"' {
            let start = i + 1;
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if i + 1 < b.len() && b[i + 1] == b'"' {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            let raw = &sql[start..i.min(b.len())];
            out.push(Token::Ident {
                text: raw.replace("\"\"", "\""),
                quoted: true,
            });
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                i += 1;
            }
            out.push(Token::Ident {
                text: sql[start..i].to_ascii_lowercase(),
                quoted: false,
            });
        } else if c == b'.' {
            out.push(Token::Dot);
            i += 1;
        } else if c == b'(' {
            out.push(Token::Open);
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else {
            out.push(Token::Other);
            i += 1;
        }
    }
    out
}

/// Every function call in the text.
pub fn calls(sql: &str) -> Vec<Call> {
    let t = tokens(sql);
    let mut out = Vec::new();
    for (i, tok) in t.iter().enumerate() {
        let Token::Ident { text, .. } = tok else {
            continue;
        };
        if t.get(i + 1) != Some(&Token::Open) {
            continue;
        }
        let schema = match (
            i.checked_sub(2).map(|j| &t[j]),
            i.checked_sub(1).map(|j| &t[j]),
        ) {
            (Some(Token::Ident { text: s, .. }), Some(Token::Dot)) => Some(s.clone()),
            _ => None,
        };
        out.push(Call {
            schema,
            name: text.clone(),
        });
    }
    out
}

/// Double-quoted names that stand alone (not `"a"."b"` qualified): how sea-query writes
/// column references, so expressions built with it can be checked against the table.
pub fn quoted_columns(sql: &str) -> Vec<String> {
    let t = tokens(sql);
    let mut out = Vec::new();
    for (i, tok) in t.iter().enumerate() {
        if let Token::Ident { text, quoted: true } = tok {
            let before_dot = i > 0 && t[i - 1] == Token::Dot;
            let after_dot = t.get(i + 1) == Some(&Token::Dot);
            let is_call = t.get(i + 1) == Some(&Token::Open);
            if !before_dot && !after_dot && !is_call {
                out.push(text.clone());
            }
        }
    }
    out
}

/// The extension that provides a well-known function, for functions PostgreSQL itself
/// does not have.
pub fn extension_of_function(name: &str) -> Option<&'static str> {
    match name {
        "uuid_generate_v1" | "uuid_generate_v1mc" | "uuid_generate_v3" | "uuid_generate_v4"
        | "uuid_generate_v5" | "uuid_nil" | "uuid_ns_dns" | "uuid_ns_url" | "uuid_ns_oid"
        | "uuid_ns_x500" => Some("uuid-ossp"),
        "gen_random_bytes" | "crypt" | "gen_salt" | "digest" | "hmac" | "pgp_sym_encrypt"
        | "pgp_sym_decrypt" | "pgp_pub_encrypt" | "pgp_pub_decrypt" | "armor" | "dearmor" => {
            Some("pgcrypto")
        }
        "similarity"
        | "word_similarity"
        | "strict_word_similarity"
        | "show_trgm"
        | "show_limit"
        | "set_limit" => Some("pg_trgm"),
        _ => None,
    }
}

/// The extension that provides a well-known operator class.
pub fn extension_of_opclass(opclass: &str) -> Option<&'static str> {
    match opclass {
        "gin_trgm_ops" | "gist_trgm_ops" => Some("pg_trgm"),
        "gin_hstore_ops" | "gist_hstore_ops" => Some("hstore"),
        "gist_ltree_ops" => Some("ltree"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_qualified_and_bare_calls_outside_strings() {
        let c = calls("tenant_id = app.current_tenant() AND x <> 'f(y)' AND lower(name) = 'a''b'");
        let names: Vec<_> = c
            .iter()
            .map(|c| (c.schema.as_deref(), c.name.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![(Some("app"), "current_tenant"), (None, "lower")]
        );
    }

    #[test]
    fn quoted_columns_skip_qualified_names_and_strings() {
        let cols = quoted_columns(r#""balance" >= 0 AND "core"."t"."x" = 1 AND '"no"' = "y""#);
        assert_eq!(cols, vec!["balance".to_owned(), "y".to_owned()]);
    }
}
