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
    Ident {
        text: String,
        quoted: bool,
    },
    Dot,
    Open,
    /// Punctuation the declaration scanners need: `;` `:` `=` `%` `,` `)`.
    Sym(u8),
    Other,
}

impl Token {
    fn is_word(&self, word: &str) -> bool {
        matches!(self, Token::Ident { text, quoted: false } if text == word)
    }
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
        } else if c == b'$' && dollar_tag(&b[i..]).is_some() {
            // A dollar-quoted string (`$$...$$`, `$tag$...$tag$`) is a literal like '...'.
            let tag = dollar_tag(&b[i..]).unwrap_or_default();
            let body = i + tag.len();
            i = find(&b[body..], tag).map_or(b.len(), |at| body + at + tag.len());
            out.push(Token::Other);
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
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
        } else if matches!(c, b';' | b':' | b'=' | b'%' | b',' | b')') {
            out.push(Token::Sym(c));
            i += 1;
        } else {
            out.push(Token::Other);
            i += 1;
        }
    }
    out
}

/// The opening tag of a dollar-quoted string at the start of `b` (`$$`, `$body$`), if any;
/// `$1` is a parameter, not a tag.
fn dollar_tag(b: &[u8]) -> Option<&[u8]> {
    let end = b[1..]
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80))?
        + 1;
    (b[end] == b'$' && !b.get(1).is_some_and(u8::is_ascii_digit)).then(|| &b[..=end])
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
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

/// A name a function uses as a relation or a type: `app.users` (`schema` set) or `users`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NameRef {
    pub schema: Option<String>,
    pub name: String,
}

/// Every schema-qualified name that is not a call: `app.users`, the table of
/// `app.users.id`, a type in `::app.mood`. What a `LANGUAGE sql` body names this way must
/// exist when the function is created. Aliases (`u.id`) come out too; they match no
/// declared object.
pub fn qualified_names(sql: &str) -> Vec<NameRef> {
    let t = tokens(sql);
    let mut out = Vec::new();
    for i in 0..t.len() {
        let (Token::Ident { text: s, .. }, Some(Token::Dot), Some(Token::Ident { text: n, .. })) =
            (&t[i], t.get(i + 1), t.get(i + 2))
        else {
            continue;
        };
        let continues_a_name = i > 0 && t[i - 1] == Token::Dot;
        let is_call = t.get(i + 3) == Some(&Token::Open);
        if !continues_a_name && !is_call {
            out.push(NameRef {
                schema: Some(s.clone()),
                name: n.clone(),
            });
        }
    }
    out
}

/// The relations and types one type expression names: `app.users`, `SETOF app.users`,
/// `app.users[]`, `app.users%rowtype`, `app.users.id%type` (the table), `core.mood`, or an
/// unqualified `users`. Modifiers such as `(10)` and keywords come out as unqualified
/// names, which match no declared object.
fn type_names(t: &[Token]) -> Vec<NameRef> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let Token::Ident { text, .. } = &t[i] else {
            i += 1;
            continue;
        };
        let mut parts = vec![text.clone()];
        let mut j = i + 1;
        while let (Some(Token::Dot), Some(Token::Ident { text, .. })) = (t.get(j), t.get(j + 1)) {
            parts.push(text.clone());
            j += 2;
        }
        let percent_type = t.get(j) == Some(&Token::Sym(b'%'));
        if percent_type {
            // `%rowtype` / `%type` are not names.
            j += 2;
        }
        // `schema.table.column%type` and `table.column%type` name the table.
        if percent_type && parts.len() > 1 && t.get(j - 1).is_some_and(|w| w.is_word("type")) {
            parts.pop();
        }
        let name = parts.pop().unwrap_or_default();
        out.push(NameRef {
            schema: parts.pop(),
            name,
        });
        i = j;
    }
    out
}

/// The relations and types of a signature type as `.arg()` and `Function::new` take it,
/// including the column types of `TABLE (...)` (not the column names).
pub fn signature_type_names(ty: &str) -> Vec<NameRef> {
    let t = tokens(ty);
    if t.first().is_some_and(|w| w.is_word("table")) && t.get(1) == Some(&Token::Open) {
        return t[2..]
            .split(|tok| *tok == Token::Sym(b','))
            .flat_map(|column| type_names(column.get(1..).unwrap_or_default()))
            .collect();
    }
    type_names(&t)
}

/// The relations and types named by the variable declarations of every `DECLARE` section of
/// a PL/pgSQL body: PostgreSQL resolves them when the function is created, while the
/// statements are only checked when they run. Default values, cursors and aliases are left
/// out: they are not resolved at creation.
pub fn plpgsql_declared_type_names(body: &str) -> Vec<NameRef> {
    let t = tokens(body);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if !t[i].is_word("declare") {
            i += 1;
            continue;
        }
        let end = t[i + 1..]
            .iter()
            .position(|w| w.is_word("begin"))
            .map_or(t.len(), |p| i + 1 + p);
        for decl in t[i + 1..end].split(|tok| *tok == Token::Sym(b';')) {
            // `name [CONSTANT] type [COLLATE c] [NOT NULL] [{DEFAULT | := | =} expr]`; a
            // section may repeat the keyword (`DECLARE a int; DECLARE b int;`).
            let decl = match decl.first() {
                Some(w) if w.is_word("declare") => &decl[1..],
                _ => decl,
            };
            let Some(rest) = decl.get(1..) else { continue };
            if rest
                .iter()
                .take(4)
                .any(|w| w.is_word("alias") || w.is_word("cursor"))
            {
                continue;
            }
            let rest = rest
                .strip_prefix(&[Token::Ident {
                    text: "constant".into(),
                    quoted: false,
                }])
                .unwrap_or(rest);
            let ty_end = rest
                .iter()
                .position(|w| {
                    matches!(w, Token::Sym(b':' | b'='))
                        || w.is_word("default")
                        || w.is_word("not")
                        || w.is_word("collate")
                })
                .unwrap_or(rest.len());
            out.extend(type_names(&rest[..ty_end]));
        }
        i = end;
    }
    out
}

/// The extension that provides a well-known type written in a function signature.
pub fn extension_of_type(name: &str) -> Option<&'static str> {
    match name {
        "citext" => Some("citext"),
        "hstore" => Some("hstore"),
        "ltree" | "lquery" | "ltxtquery" => Some("ltree"),
        "lo" => Some("lo"),
        _ => None,
    }
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

/// Whether an expression calls a function PostgreSQL evaluates per row (a default that
/// calls one fills existing rows one by one: `ADD COLUMN` then rewrites the table).
pub fn is_volatile(expr: &str) -> bool {
    const VOLATILE: &[&str] = &[
        "random",
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "clock_timestamp",
        "timeofday",
        "nextval",
        "txid_current",
    ];
    calls(expr)
        .iter()
        .any(|c| VOLATILE.contains(&c.name.to_ascii_lowercase().as_str()))
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

    fn names(v: Vec<NameRef>) -> Vec<String> {
        v.into_iter()
            .map(|n| match n.schema {
                Some(s) => format!("{s}.{}", n.name),
                None => n.name,
            })
            .collect()
    }

    #[test]
    fn qualified_names_skip_calls_strings_comments_and_dollar_quotes() {
        let sql = "SELECT u.id FROM app.users u JOIN \"App\".\"Items\" i ON app.f(i.x) \
                   WHERE s = 'core.t' AND $1 = 'x'::core.mood -- app.gone\n AND $q$ app.no $q$ <> ''";
        assert_eq!(
            names(qualified_names(sql)),
            ["u.id", "app.users", "App.Items", "i.x", "core.mood"]
        );
    }

    #[test]
    fn signature_types_name_row_types_through_setof_arrays_and_percent_type() {
        assert_eq!(
            names(signature_type_names("SETOF app.users")),
            ["setof", "app.users"]
        );
        assert_eq!(names(signature_type_names("app.users[]")), ["app.users"]);
        assert_eq!(
            names(signature_type_names("app.users.id%TYPE")),
            ["app.users"]
        );
        assert_eq!(
            names(signature_type_names("TABLE (users app.users, n integer)")),
            ["app.users", "integer"]
        );
    }

    #[test]
    fn declare_sections_give_variable_types_not_defaults() {
        let body = "<<outer>> DECLARE v app.users; r app.users%rowtype; \
                    x app.users.id%type := app.next_id(); c CONSTANT int := core.f.g; \
                    k CURSOR FOR SELECT * FROM app.other; m core.mood NOT NULL DEFAULT 'a'; \
                    DECLARE z app.again; BEGIN PERFORM app.ignored.x; DECLARE y public.items; \
                    BEGIN NULL; END; END";
        assert_eq!(
            names(plpgsql_declared_type_names(body)),
            [
                "app.users",
                "app.users",
                "app.users",
                "int",
                "core.mood",
                "app.again",
                "public.items"
            ]
        );
    }

    #[test]
    fn quoted_columns_skip_qualified_names_and_strings() {
        let cols = quoted_columns(r#""balance" >= 0 AND "core"."t"."x" = 1 AND '"no"' = "y""#);
        assert_eq!(cols, vec!["balance".to_owned(), "y".to_owned()]);
    }
}
