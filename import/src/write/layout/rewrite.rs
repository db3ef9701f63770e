//! rustfmt's rewrite of calls, arrays, chains and closures (`overflow.rs`, `chains.rs`,
//! `closures.rs`), block indent only.

use super::parse::Expr;
use super::*;
use std::cell::Cell;

#[derive(Default)]
pub(super) struct Cx {
    pub(super) force_one_line_chain: Cell<bool>,
    pub(super) inside_macro: Cell<bool>,
    /// Literals are taken whatever their width: for the text written where rustfmt gives
    /// up (it keeps that text as it is, so any layout is a fixed point).
    pub(super) lenient: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tactic {
    Horizontal,
    Vertical,
    Mixed,
}

fn is_simple(e: &Expr) -> bool {
    matches!(e, Expr::Atom(_))
}

fn is_nested_call(e: &Expr) -> bool {
    matches!(e, Expr::Call(..) | Expr::Mac(..))
}

fn is_method_call(e: &Expr) -> bool {
    matches!(e, Expr::Chain(..))
}

fn can_be_overflowed(e: &Expr, n: usize) -> bool {
    match e {
        Expr::Closure(..) => true,
        Expr::Array(_) | Expr::Mac(..) | Expr::Call(..) | Expr::Chain(..) | Expr::Tuple(_) => {
            n == 1
        }
        Expr::Atom(_) => false,
    }
}

impl Cx {
    fn wrap(&self, s: String, shape: Shape) -> Option<String> {
        (self.lenient || fits(&s, shape)).then_some(s)
    }

    pub(super) fn rewrite(&self, e: &Expr, shape: Shape) -> Option<String> {
        match e {
            // A literal wider than its room makes rustfmt give up on the statement.
            Expr::Atom(a) => self.wrap(a.clone(), shape),
            Expr::Call(callee, args) => {
                if width(callee) > shape.width {
                    return None;
                }
                self.overflow(callee, args, shape, FN_CALL_WIDTH, ("(", ")"), None)
            }
            Expr::Mac(name, args) => {
                // `vec!` is laid out as an array.
                let nested = self.inside_macro.replace(true);
                let r = self.overflow(name, args, shape, ARRAY_WIDTH, ("[", "]"), None);
                self.inside_macro.set(nested);
                r
            }
            Expr::Array(items) => self.overflow("", items, shape, ARRAY_WIDTH, ("[", "]"), None),
            Expr::Tuple(items) => self.overflow("", items, shape, FN_CALL_WIDTH, ("(", ")"), None),
            Expr::Chain(root, calls) => self.chain(root, calls, shape),
            Expr::Closure(param, body) => self.closure(param, body, shape),
        }
    }

    // `closures.rs`: the body on the closure's line if it fits on one line, else in a
    // block.
    fn closure(&self, param: &str, body: &Expr, shape: Shape) -> Option<String> {
        let prefix = format!("|{param}|");
        let body_shape = shape.offset_left(prefix.len() + 1)?;
        if let Some(rw) = self.rewrite(body, body_shape)
            && (!rw.contains('\n') || self.inside_macro.get())
        {
            return Some(format!("{prefix} {rw}"));
        }
        // The block is formatted by a new visitor: a fresh context.
        let inner = Shape::indented(body_shape.indent + TAB);
        // Where even that fails, the block's statement is kept as written (rustfmt's
        // visitor keeps the text of a statement it cannot format).
        let force = self.force_one_line_chain.replace(false);
        let rw = self.rewrite(body, inner);
        self.force_one_line_chain.set(force);
        let rw = match rw {
            Some(rw) => rw,
            None => Cx {
                lenient: true,
                ..Cx::default()
            }
            .rewrite(body, inner)?,
        };
        Some(format!(
            "{prefix} {{\n{}{rw}\n{}}}",
            " ".repeat(inner.indent),
            " ".repeat(body_shape.indent)
        ))
    }

    /// `overflow.rs`: the arguments of a call, the items of an array, tuple or `vec!`.
    fn overflow(
        &self,
        ident: &str,
        items: &[Expr],
        shape: Shape,
        item_max_width: usize,
        (prefix, suffix): (&str, &str),
        force_trailing: Option<bool>,
    ) -> Option<String> {
        let used_width = last_line_width(ident);
        let one_line_width = shape.width.saturating_sub(used_width + 2);
        let one_line_shape = shape
            .offset_left(used_width + 1)
            .and_then(|s| s.sub_width(1))
            .unwrap_or(Shape { width: 0, ..shape });
        let nested = shape.block_indent(TAB).with_max_width();
        let nested = Shape {
            width: nested.width.saturating_sub(1),
            ..nested
        };
        let mut list: Vec<Option<String>> = items.iter().map(|e| self.rewrite(e, nested)).collect();
        let n = items.len();

        // try_overflow_last_item
        let combine = n == 1 && ident.len() < TAB;
        let overflow_last = combine || items.last().is_some_and(|e| can_be_overflowed(e, n));
        let placeholder = if overflow_last {
            let last = &items[n - 1];
            let old = self.force_one_line_chain.get();
            if !combine && is_method_call(last) {
                self.force_one_line_chain.set(true);
            }
            let arg_shape = if n == 1 && !is_nested_call(last) {
                Some(one_line_shape)
            } else {
                let offset: usize = list[..n - 1]
                    .iter()
                    .map(|i| 2 + i.as_deref().map_or(0, str::len))
                    .sum();
                Shape {
                    width: item_max_width.min(one_line_shape.width),
                    ..one_line_shape
                }
                .offset_left(offset)
            };
            let result = arg_shape.and_then(|s| {
                let r = match last {
                    Expr::Closure(p, b) => {
                        let closures = items
                            .iter()
                            .filter(|e| matches!(e, Expr::Closure(..)))
                            .count();
                        if closures > 1 {
                            None
                        } else {
                            self.closure(p, b, s)
                        }
                    }
                    e => self.rewrite(e, s),
                }?;
                list[n - 1] = Some(r.split('\n').next().unwrap_or("").to_owned());
                Some(r)
            });
            self.force_one_line_chain.set(old);
            result
        } else {
            None
        };
        let mut tactic = definitive(&list, item_max_width.min(one_line_width));
        match (overflow_last, tactic, placeholder) {
            (true, Tactic::Horizontal, Some(overflowed)) if n == 1 => {
                if overflowed.matches('\n').count() == 1 {
                    let rw = self.rewrite(&items[n - 1], nested);
                    if rw.as_ref().is_some_and(|s| !s.contains('\n')) {
                        list[n - 1] = rw;
                    } else {
                        list[n - 1] = Some(overflowed);
                    }
                } else {
                    list[n - 1] = Some(overflowed);
                }
            }
            (true, Tactic::Horizontal, Some(overflowed)) => list[n - 1] = Some(overflowed),
            _ if n > 0 => {
                list[n - 1] = self.rewrite(&items[n - 1], nested);
                let single = list[0].as_deref();
                if n == 1
                    && one_line_width != 0
                    && single.is_some_and(|s| !s.contains('\n') && width(s) <= one_line_width)
                {
                    tactic = Tactic::Horizontal;
                } else {
                    tactic = definitive(&list, item_max_width.min(one_line_width));
                    if tactic == Tactic::Vertical
                        && items.iter().all(is_simple)
                        && list
                            .iter()
                            .all(|i| i.as_deref().map_or(0, str::len) <= SHORT_ITEM)
                    {
                        tactic = Tactic::Mixed;
                    }
                }
            }
            _ => {}
        }

        // write_list
        let trailing = match force_trailing {
            Some(t) => t,
            None => tactic == Tactic::Vertical,
        };
        let ends_with_newline = tactic != Tactic::Horizontal;
        let indent = " ".repeat(nested.indent);
        let mut out = String::new();
        let mut line_len = 0;
        for (i, item) in list.iter().enumerate() {
            let item = item.as_deref()?;
            let last = i + 1 == n;
            let mut separate = !last || trailing;
            match tactic {
                Tactic::Horizontal if i > 0 => out.push(' '),
                Tactic::Vertical if i > 0 => {
                    out.push('\n');
                    out.push_str(&indent);
                }
                Tactic::Mixed => {
                    let total = width(item) + usize::from(separate);
                    if line_len > 0 && line_len + 1 + total > nested.width {
                        out.push('\n');
                        out.push_str(&indent);
                        line_len = 0;
                    }
                    if line_len > 0 {
                        out.push(' ');
                        line_len += 1;
                    }
                    if last && ends_with_newline {
                        separate = force_trailing != Some(false);
                    }
                    line_len += total;
                }
                _ => {}
            }
            out.push_str(item);
            if separate {
                out.push(',');
            }
        }

        // wrap_items
        let outer = Shape {
            width: shape.width.saturating_sub(last_line_width(ident)),
            ..shape
        };
        let extend_width = if out.is_empty() {
            2
        } else {
            first_line_width(&out) + 1
        };
        let mut result = format!("{ident}{prefix}");
        if tactic == Tactic::Horizontal && extend_width <= outer.width {
            result.push_str(&out);
        } else {
            if !out.is_empty() {
                result.push_str(&nested.newline());
                result.push_str(&out);
            }
            result.push_str(&outer.newline());
        }
        result.push_str(suffix);
        Some(result)
    }

    /// `chains.rs`, block indent.
    fn chain(&self, root: &Expr, calls: &[(String, Vec<Expr>)], shape: Shape) -> Option<String> {
        let call = |(name, args): &(String, Vec<Expr>), s: Shape| -> Option<String> {
            self.overflow(name, args, s, FN_CALL_WIDTH, ("(", ")"), None)
        };
        let mut root_rw = self.rewrite(root, shape)?;
        let mut ends_with_block = match root {
            Expr::Call(..) | Expr::Mac(..) | Expr::Array(_) | Expr::Chain(..) => {
                root_rw.contains('\n')
            }
            _ => false,
        };
        let tab_width = TAB.saturating_sub(shape.offset);
        let child_count = calls.len();
        let mut children = calls;
        while root_rw.len() <= tab_width && !root_rw.contains('\n') {
            let s = shape.offset_left(root_rw.len())?;
            match call(&children[0], s) {
                Some(r) => root_rw.push_str(&r),
                None => break,
            }
            ends_with_block = last_line_extendable(&root_rw);
            children = &children[1..];
            if children.is_empty() {
                break;
            }
        }
        if children.is_empty() {
            return self.wrap(root_rw, shape);
        }
        let child_shape = if ends_with_block {
            shape.block_indent(0)
        } else {
            shape.block_indent(TAB)
        }
        .with_max_width();
        let mut rewrites = vec![root_rw];
        for c in &children[..children.len() - 1] {
            rewrites.push(call(c, child_shape)?);
        }

        // format_last_child
        let last = &children[children.len() - 1];
        let extendable = last_line_extendable(&rewrites[0]);
        let almost_total = if extendable {
            last_line_width(&rewrites[0])
        } else {
            rewrites.iter().map(|r| width(r)).sum()
        };
        let budget = if child_count == 1 {
            shape.width
        } else {
            shape.width.min(CHAIN_WIDTH)
        }
        .saturating_sub(almost_total);
        let all_in_one_line = rewrites.iter().all(|r| !r.contains('\n')) && budget > 0;
        let last_shape = if all_in_one_line {
            shape
        } else if extendable {
            child_shape
        } else {
            child_shape.sub_width(shape.rhs_overhead())?
        };
        let mut fits_single_line = false;
        let mut last_rw = None;
        if (all_in_one_line || extendable)
            && let Some(one_line_shape) = last_shape.offset_left(almost_total)
            && let Some(rw) = call(last, one_line_shape)
        {
            let lines = rw.split('\n').count();
            let could_fit = first_line_width(&rw) <= budget;
            if could_fit && lines >= 5 {
                last_rw = Some(rw);
                fits_single_line = all_in_one_line;
            } else {
                let s = child_shape.sub_width(shape.rhs_overhead())?;
                match call(last, s) {
                    Some(new) if !could_fit => last_rw = Some(new),
                    Some(new) if new.split('\n').count() >= lines => {
                        last_rw = Some(rw);
                        fits_single_line = could_fit && all_in_one_line;
                    }
                    Some(new) => last_rw = Some(new),
                    None => {
                        last_rw = Some(rw);
                        fits_single_line = could_fit && all_in_one_line;
                    }
                }
            }
        }
        let last_rw = match last_rw {
            Some(r) => r,
            None => call(last, last_shape)?,
        };
        rewrites.push(last_rw);

        // join_rewrites
        let connector = if fits_single_line {
            String::new()
        } else {
            if self.force_one_line_chain.get() {
                return None;
            }
            child_shape.newline()
        };
        self.wrap(rewrites.join(&connector), shape)
    }
}

/// `definitive_tactic` with `LimitedHorizontalVertical(limit)`.
fn definitive(list: &[Option<String>], limit: usize) -> Tactic {
    let total: usize = list
        .iter()
        .map(|i| i.as_deref().map_or(0, width))
        .sum::<usize>()
        + 2 * list.len().saturating_sub(1);
    let multiline = list
        .iter()
        .any(|i| i.as_deref().is_some_and(|s| s.contains('\n')));
    if total <= limit && !multiline {
        Tactic::Horizontal
    } else {
        Tactic::Vertical
    }
}
