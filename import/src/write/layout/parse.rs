//! The writers' flat expressions parsed into the shapes they use.

/// The parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    /// A path, number or string literal, `-5`.
    Atom(String),
    /// `callee(args)`.
    Call(String, Vec<Expr>),
    /// `name![args]`.
    Mac(String, Vec<Expr>),
    Array(Vec<Expr>),
    Tuple(Vec<Expr>),
    /// `root.a(..).b(..)`.
    Chain(Box<Expr>, Vec<(String, Vec<Expr>)>),
    /// `|p| body`.
    Closure(String, Box<Expr>),
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn ident_char(c: u8) -> bool {
        c.is_ascii_alphanumeric() || c == b'_'
    }

    /// Items up to `close`, comma separated (a trailing comma allowed).
    fn list(&mut self, close: u8) -> Option<Vec<Expr>> {
        let mut out = Vec::new();
        loop {
            if self.peek()? == close {
                self.i += 1;
                return Some(out);
            }
            out.push(self.expr()?);
            match self.peek()? {
                b',' => self.i += 1,
                c if c == close => {}
                _ => return None,
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        let start = self.i;
        if self.s[self.i] == b'r' {
            self.i += 1;
            let mut hashes = 0;
            while self.s.get(self.i) == Some(&b'#') {
                hashes += 1;
                self.i += 1;
            }
            (self.s.get(self.i) == Some(&b'"')).then_some(())?;
            let close = format!("\"{}", "#".repeat(hashes));
            let rest = &self.text[self.i + 1..];
            let end = rest.find(&close)?;
            self.i += 1 + end + close.len();
        } else {
            self.i += 1;
            loop {
                match self.s.get(self.i)? {
                    b'\\' => self.i += 2,
                    b'"' => {
                        self.i += 1;
                        break;
                    }
                    _ => self.i += 1,
                }
            }
        }
        Some(self.text[start..self.i].to_owned())
    }

    fn primary(&mut self) -> Option<Expr> {
        let c = self.peek()?;
        match c {
            b'"' => self.string().map(Expr::Atom),
            b'r' if matches!(self.s.get(self.i + 1), Some(b'"'))
                || (self.s.get(self.i + 1) == Some(&b'#')
                    && matches!(self.s.get(self.i + 2), Some(b'"' | b'#'))) =>
            {
                self.string().map(Expr::Atom)
            }
            b'[' => {
                self.i += 1;
                self.list(b']').map(Expr::Array)
            }
            b'(' => {
                self.i += 1;
                self.list(b')').map(Expr::Tuple)
            }
            b'|' => {
                self.i += 1;
                let start = self.i;
                while self.s.get(self.i) != Some(&b'|') {
                    self.i += 1;
                    (self.i < self.s.len()).then_some(())?;
                }
                let param = self.text[start..self.i].trim().to_owned();
                self.i += 1;
                let body = self.expr()?;
                Some(Expr::Closure(param, Box::new(body)))
            }
            _ => {
                // A path (`a::b::<&str>::c`, `r#type`) or a number (`-5`, `5_i64`).
                let start = self.i;
                let mut depth = 0;
                while let Some(&c) = self.s.get(self.i) {
                    let ok = Self::ident_char(c)
                        || c == b':'
                        || c == b'#'
                        || (c == b'-' && self.i == start)
                        || (c == b'.' && self.s.get(self.i + 1).is_some_and(u8::is_ascii_digit))
                        || c == b'<'
                        || (c == b'>' && depth > 0)
                        || (c == b'&' && depth > 0);
                    if !ok {
                        break;
                    }
                    if c == b'<' {
                        depth += 1;
                    } else if c == b'>' {
                        depth -= 1;
                    }
                    self.i += 1;
                }
                (self.i > start).then_some(())?;
                let name = self.text[start..self.i].to_owned();
                if self.s.get(self.i) == Some(&b'!') {
                    self.i += 1;
                    self.eat(b'[')?;
                    return self.list(b']').map(|a| Expr::Mac(format!("{name}!"), a));
                }
                if self.s.get(self.i) == Some(&b'(') {
                    self.i += 1;
                    return self.list(b')').map(|a| Expr::Call(name, a));
                }
                Some(Expr::Atom(name))
            }
        }
    }

    fn expr(&mut self) -> Option<Expr> {
        let root = self.primary()?;
        if matches!(root, Expr::Closure(..)) {
            return Some(root);
        }
        let mut calls = Vec::new();
        while self.peek() == Some(b'.') {
            self.i += 1;
            self.ws();
            let start = self.i;
            while self.s.get(self.i).is_some_and(|c| Self::ident_char(*c)) {
                self.i += 1;
            }
            let name = format!(".{}", &self.text[start..self.i]);
            self.eat(b'(')?;
            calls.push((name, self.list(b')')?));
        }
        Some(if calls.is_empty() {
            root
        } else {
            Expr::Chain(Box::new(root), calls)
        })
    }
}

pub(super) fn parse(text: &str) -> Option<Expr> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    let e = p.expr()?;
    p.ws();
    (p.i == text.len()).then_some(e)
}
