//! Raw SQL fragments (expressions, type names, option values, numbers written as text)
//! are written into statements verbatim. A fragment must stay inside its statement: a
//! `;`, a `--` comment, an unquoted backslash (a psql meta-command such as `\!`) or an
//! unterminated quote, comment or parenthesis would let it end the statement, hide the
//! rest of the line, or run something else.

/// What makes a fragment unsafe to write verbatim, or None when it is self-contained.
pub fn problem(sql: &str) -> Option<String> {
    let b = sql.as_bytes();
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' => {
                let escapes =
                    i > 0 && (b[i - 1] | 0x20) == b'e' && (i < 2 || !is_ident_byte(b[i - 2]));
                match skip_quoted(b, i + 1, b'\'', escapes) {
                    Some(end) => {
                        i = end;
                        continue;
                    }
                    None => return Some("a string literal that is not closed".into()),
                }
            }
            b'"' => match skip_quoted(b, i + 1, b'"', false) {
                Some(end) => {
                    i = end;
                    continue;
                }
                None => return Some("a quoted identifier that is not closed".into()),
            },
            b'$' if i == 0 || !is_ident_byte(b[i - 1]) => {
                if let Some(tag_len) = dollar_tag(&b[i..]) {
                    let tag = &sql[i..i + tag_len];
                    match sql[i + tag_len..].find(tag) {
                        Some(p) => {
                            i += tag_len + p + tag_len;
                            continue;
                        }
                        None => return Some("a dollar-quoted string that is not closed".into()),
                    }
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                return Some("a `--` comment, which would hide the rest of the line".into());
            }
            b'/' if b.get(i + 1) == Some(&b'*') => match skip_block_comment(b, i) {
                Some(end) => {
                    i = end;
                    continue;
                }
                None => return Some("a `/*` comment that is not closed".into()),
            },
            b'(' | b'[' => depth += 1,
            b')' | b']' => {
                depth -= 1;
                if depth < 0 {
                    return Some(format!("a `{}` that closes more than it opened", c as char));
                }
            }
            b';' => return Some("a `;`, which would end the statement".into()),
            b'\\' => {
                return Some(
                    "a backslash outside quotes, which psql reads as a meta-command".into(),
                );
            }
            0 => return Some("a NUL byte".into()),
            c if c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t') || c == 0x7f => {
                return Some(format!("the control character U+{c:04X}"));
            }
            _ => {}
        }
        i += 1;
    }
    (depth != 0).then(|| "a parenthesis that is not closed".into())
}

/// The control characters of a name or of one-line text, None when there are none.
pub fn control_character(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control())
}

/// Text for a `--` comment line: control characters (a newline would end the comment and
/// turn the rest into SQL) are written as escapes.
pub fn comment_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if control_character(text).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 || c == b'$'
}

/// The index after the closing quote, or None when it is not closed.
fn skip_quoted(b: &[u8], mut i: usize, quote: u8, escapes: bool) -> Option<usize> {
    while i < b.len() {
        if escapes && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == quote {
            if b.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// The length of a dollar-quote tag (`$$`, `$fn$`) at the start of `b`.
fn dollar_tag(b: &[u8]) -> Option<usize> {
    let mut j = 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
        if j == 1 && b[j].is_ascii_digit() {
            return None; // `$1` is a parameter
        }
        j += 1;
    }
    (b.get(j) == Some(&b'$')).then_some(j + 1)
}

/// Block comments nest in PostgreSQL.
fn skip_block_comment(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0;
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_contained_expressions_pass() {
        for ok in [
            "now()",
            "'it''s; -- fine'",
            "E'a\\'; b'",
            "\"we;ird\" > 0",
            "(a + b) * c[1]",
            "$$ ; -- $$ || $x$ ) $x$",
            "/* a /* nested */ comment */ 1",
            "x$1 + $1",
            "CASE WHEN a THEN 1\n  ELSE 2 END",
            "'{en}'::text[]",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn fragments_that_escape_their_statement_are_found() {
        for bad in [
            "1); DROP TABLE x; --",
            "now() -- hides the rest",
            "'open",
            "\"open",
            "$$ open",
            "/* open",
            "(1",
            "1)",
            "1 \\! rm -rf /",
            "a\u{0}b",
            "a\u{1b}b",
        ] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn comment_lines_escape_control_characters() {
        assert_eq!(comment_safe("plain"), "plain");
        assert_eq!(comment_safe("t\nDROP TABLE x;"), "t\\u{a}DROP TABLE x;");
        assert_eq!(comment_safe("a\rb\u{0}"), "a\\u{d}b\\u{0}");
    }
}
