//! Splits a migration file into statements, each with the line it starts on.
//!
//! PostgreSQL reports errors per statement but knows nothing of our files, so the runner
//! sends statements one at a time and names `file:line` itself. The lexer follows psql's
//! rules: `'…'` with `''`, `E'…'` with backslash escapes, `"…"` identifiers, `$tag$…$tag$`
//! bodies, `--` and nested `/* */` comments, and a `;` inside parentheses or inside a
//! `BEGIN ATOMIC … END` body does not end the statement.

/// One statement of a migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// 1-based line of the statement's first token.
    pub line: usize,
    /// The text from the first token through the terminating `;` (comments before the
    /// first token are left out; comments inside are kept).
    pub sql: String,
}

impl Statement {
    /// The first line of the statement, shortened, for messages.
    pub fn summary(&self) -> String {
        let first = self.sql.lines().next().unwrap_or("").trim();
        let mut out: String = first.chars().take(80).collect();
        if first.chars().count() > 80 || self.sql.lines().nth(1).is_some() {
            out.push('…');
        }
        out
    }

    /// The statement's words, upper-cased, comments and quoted text left out: enough to
    /// recognise what kind of statement it is.
    pub fn keywords(&self) -> Vec<String> {
        words(&self.sql)
    }
}

/// An unterminated quote, comment or dollar-quoted body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: unterminated {what} (it starts here and never ends)")]
pub struct SplitError {
    pub line: usize,
    pub what: &'static str,
}

/// Splits SQL text into statements.
pub fn split(sql: &str) -> Result<Vec<Statement>, SplitError> {
    let mut lexer = Lexer::new(sql);
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (byte offset, line)
    let mut paren_depth = 0usize;
    let mut begin_depth = 0usize;
    let mut lead: Vec<&str> = Vec::new(); // the statement's first words, up to four
    while let Some(tok) = lexer.next_token()? {
        match tok.kind {
            Kind::Space | Kind::Comment => continue,
            _ => {}
        }
        if start.is_none() {
            start = Some((tok.start, tok.line));
        }
        match tok.kind {
            Kind::Word => {
                let w = &sql[tok.start..tok.end];
                if lead.len() < 4 {
                    lead.push(w);
                }
                // psql's rule: inside CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN opens a
                // block that END closes (CASE too, once inside one), so `BEGIN ATOMIC … END`
                // bodies keep their semicolons.
                if paren_depth == 0 && is_routine(&lead) {
                    let opens = w.eq_ignore_ascii_case("begin")
                        || (w.eq_ignore_ascii_case("case") && begin_depth >= 1);
                    if opens {
                        begin_depth += 1;
                    } else if w.eq_ignore_ascii_case("end") && begin_depth > 0 {
                        begin_depth -= 1;
                    }
                }
            }
            Kind::Open => paren_depth += 1,
            Kind::Close => paren_depth = paren_depth.saturating_sub(1),
            Kind::Semicolon if paren_depth == 0 && begin_depth == 0 => {
                if let Some((s, line)) = start.take() {
                    out.push(Statement {
                        line,
                        sql: sql[s..tok.end].to_owned(),
                    });
                }
                lead.clear();
            }
            _ => {}
        }
    }
    if let Some((s, line)) = start {
        let text = sql[s..].trim_end();
        if !text.is_empty() {
            out.push(Statement {
                line,
                sql: text.to_owned(),
            });
        }
    }
    Ok(out)
}

/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
fn is_routine(lead: &[&str]) -> bool {
    let is = |i: usize, w: &str| lead.get(i).is_some_and(|x| x.eq_ignore_ascii_case(w));
    let routine = |i: usize| is(i, "function") || is(i, "procedure");
    is(0, "create") && (routine(1) || (is(1, "or") && is(2, "replace") && routine(3)))
}

/// Upper-cased words of some SQL, skipping comments, strings and quoted identifiers.
fn words(sql: &str) -> Vec<String> {
    let mut lexer = Lexer::new(sql);
    let mut out = Vec::new();
    while let Ok(Some(tok)) = lexer.next_token() {
        if tok.kind == Kind::Word {
            out.push(sql[tok.start..tok.end].to_ascii_uppercase());
        }
    }
    out
}

/// The schema a `CREATE SCHEMA` statement creates (`CREATE SCHEMA AUTHORIZATION role`
/// creates one named after the role), folded as PostgreSQL folds identifiers.
pub fn created_schema(sql: &str) -> Option<String> {
    let mut lexer = Lexer::new(sql);
    let mut toks: Vec<(Kind, &str)> = Vec::new();
    while let Ok(Some(tok)) = lexer.next_token() {
        if !matches!(tok.kind, Kind::Space | Kind::Comment) {
            toks.push((tok.kind, &sql[tok.start..tok.end]));
        }
        if toks.len() >= 8 {
            break;
        }
    }
    let word = |i: usize, w: &str| {
        toks.get(i)
            .is_some_and(|(k, t)| *k == Kind::Word && t.eq_ignore_ascii_case(w))
    };
    if !(word(0, "create") && word(1, "schema")) {
        return None;
    }
    let mut i = 2;
    if word(2, "if") && word(3, "not") && word(4, "exists") {
        i = 5;
    }
    if word(i, "authorization") {
        i += 1;
    }
    match toks.get(i)? {
        (Kind::Word, t) => Some(t.to_lowercase()),
        (Kind::Quoted, t) if t.starts_with('"') && t.len() >= 2 => {
            Some(t[1..t.len() - 1].replace("\"\"", "\""))
        }
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Space,
    Comment,
    Word,
    Quoted,
    Open,
    Close,
    Semicolon,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    line: usize,
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_char(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line: 1,
        }
    }

    fn peek(&self, off: usize) -> Option<u8> {
        self.bytes.get(self.pos + off).copied()
    }

    fn advance(&mut self, n: usize) {
        let end = (self.pos + n).min(self.bytes.len());
        self.line += self.bytes[self.pos..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.pos = end;
    }

    fn next_token(&mut self) -> Result<Option<Token>, SplitError> {
        let Some(b) = self.peek(0) else {
            return Ok(None);
        };
        let (start, line) = (self.pos, self.line);
        let kind = match b {
            b if b.is_ascii_whitespace() => {
                let n = self.bytes[self.pos..]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
                self.advance(n);
                Kind::Space
            }
            b'-' if self.peek(1) == Some(b'-') => {
                let n = self.bytes[self.pos..]
                    .iter()
                    .take_while(|&&b| b != b'\n')
                    .count();
                self.advance(n);
                Kind::Comment
            }
            b'/' if self.peek(1) == Some(b'*') => {
                self.block_comment(line)?;
                Kind::Comment
            }
            b'\'' => {
                self.advance(1);
                self.quoted(b'\'', false, line, "string literal")?;
                Kind::Quoted
            }
            b'"' => {
                self.advance(1);
                self.quoted(b'"', false, line, "quoted identifier")?;
                Kind::Quoted
            }
            b'e' | b'E' if self.peek(1) == Some(b'\'') => {
                self.advance(2);
                self.quoted(b'\'', true, line, "E'' string literal")?;
                Kind::Quoted
            }
            b'$' => match self.dollar_tag() {
                Some(tag_len) => {
                    let tag = &self.src[self.pos..self.pos + tag_len];
                    self.advance(tag_len);
                    match self.src[self.pos..].find(tag) {
                        Some(i) => self.advance(i + tag_len),
                        None => {
                            return Err(SplitError {
                                line,
                                what: "dollar-quoted body",
                            });
                        }
                    }
                    Kind::Quoted
                }
                None => {
                    self.advance(1);
                    Kind::Other
                }
            },
            b if is_ident_start(b) => {
                let n = self.bytes[self.pos..]
                    .iter()
                    .take_while(|&&b| is_ident_char(b))
                    .count();
                self.advance(n);
                Kind::Word
            }
            b'(' => {
                self.advance(1);
                Kind::Open
            }
            b')' => {
                self.advance(1);
                Kind::Close
            }
            b';' => {
                self.advance(1);
                Kind::Semicolon
            }
            _ => {
                // Step over a whole UTF-8 character so slices stay on char boundaries.
                let n = self.src[self.pos..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                self.advance(n);
                Kind::Other
            }
        };
        Ok(Some(Token {
            kind,
            start,
            end: self.pos,
            line,
        }))
    }

    /// Length of a `$tag$` opener at the cursor; `$1` parameters are not openers.
    fn dollar_tag(&self) -> Option<usize> {
        let rest = &self.bytes[self.pos + 1..];
        if rest.first() == Some(&b'$') {
            return Some(2);
        }
        let first = *rest.first()?;
        if !is_ident_start(first) {
            return None;
        }
        let n = rest
            .iter()
            .take_while(|&&b| is_ident_start(b) || b.is_ascii_digit())
            .count();
        (rest.get(n) == Some(&b'$')).then_some(n + 2)
    }

    fn quoted(
        &mut self,
        quote: u8,
        backslash: bool,
        line: usize,
        what: &'static str,
    ) -> Result<(), SplitError> {
        loop {
            match self.peek(0) {
                None => return Err(SplitError { line, what }),
                Some(b'\\') if backslash => self.advance(2),
                Some(b) if b == quote => {
                    if self.peek(1) == Some(quote) {
                        self.advance(2);
                    } else {
                        self.advance(1);
                        return Ok(());
                    }
                }
                Some(_) => self.advance(1),
            }
        }
    }

    fn block_comment(&mut self, line: usize) -> Result<(), SplitError> {
        let mut depth = 0usize;
        loop {
            match (self.peek(0), self.peek(1)) {
                (None, _) => {
                    return Err(SplitError {
                        line,
                        what: "block comment",
                    });
                }
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    self.advance(2);
                }
                (Some(b'*'), Some(b'/')) => {
                    depth -= 1;
                    self.advance(2);
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => self.advance(1),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<(usize, String)> {
        split(sql)
            .expect("splits")
            .into_iter()
            .map(|s| (s.line, s.sql))
            .collect()
    }

    #[test]
    fn statements_carry_the_line_of_their_first_token() {
        let sql = "-- @generated\n\n-- table: a\nCREATE TABLE a (x int);\n\nCREATE TABLE b (\n    y int\n);\n";
        assert_eq!(
            texts(sql),
            vec![
                (4, "CREATE TABLE a (x int);".to_owned()),
                (6, "CREATE TABLE b (\n    y int\n);".to_owned()),
            ]
        );
    }

    #[test]
    fn semicolons_inside_quotes_and_comments_do_not_split() {
        let sql = "SELECT 'a;''b', E'c\\';d', \"e;\"\"f\" /* g; /* h; */ i; */ -- j;\n;\nSELECT 2;";
        let got = texts(sql);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1], (3, "SELECT 2;".to_owned()));
    }

    #[test]
    fn dollar_quoted_bodies_with_and_without_tags_stay_whole() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\
                   CREATE FUNCTION g() RETURNS int AS $fn$ BEGIN RETURN $$;$$::int; END; $fn$ LANGUAGE plpgsql;\n\
                   SELECT $1, a$b;";
        let got = texts(sql);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[2].0, 3);
    }

    #[test]
    fn begin_atomic_bodies_keep_their_semicolons() {
        let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;\nSELECT 1;";
        let got = texts(sql);
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn a_column_named_begin_outside_a_routine_does_not_swallow_semicolons() {
        let got = texts(
            "CREATE TABLE t (x int);\nALTER TABLE t ADD COLUMN begin date;\nSELECT CASE WHEN true THEN 1 END;\nSELECT 2;",
        );
        assert_eq!(got.len(), 4, "{got:?}");
    }

    #[test]
    fn a_last_statement_without_semicolon_is_kept() {
        assert_eq!(
            texts("SELECT 1;\nSELECT 2\n\n"),
            vec![(1, "SELECT 1;".to_owned()), (2, "SELECT 2".to_owned())]
        );
    }

    #[test]
    fn only_comments_make_no_statement() {
        assert_eq!(texts("-- nothing\n/* here */\n"), vec![]);
    }

    #[test]
    fn an_unterminated_dollar_body_names_its_line() {
        let err = split("SELECT 1;\nSELECT $x$ oops;").expect_err("unterminated");
        assert_eq!(err.line, 2);
        assert_eq!(err.what, "dollar-quoted body");
    }

    #[test]
    fn multibyte_text_outside_quotes_does_not_break_slicing() {
        assert_eq!(texts("SELECT 1 ≥ 0;").len(), 1);
    }

    #[test]
    fn keywords_skip_comments_and_literals() {
        let s = &split("/* x */ CREATE INDEX CONCURRENTLY \"Idx\" ON t ('a b');").expect("ok")[0];
        assert_eq!(
            s.keywords(),
            vec!["CREATE", "INDEX", "CONCURRENTLY", "ON", "T"]
        );
    }
}
