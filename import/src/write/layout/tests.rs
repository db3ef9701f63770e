//! The layout against rustfmt.

mod unit {
    use super::super::parse::parse;
    use super::super::*;

    #[test]
    fn parses_the_shapes_the_writers_emit() {
        let e = parse(
            r##"Table::new(T).column(col("a", INT).fk(|f| f.name("x"))).tables([a(), b()]).x(("a", TEXT), vec![vec![lit(1_i64)]], r#"q"#, -5, Vec::<&str>::new())"##,
        );
        assert!(e.is_some(), "{e:?}");
        assert!(parse("f(").is_none());
    }

    #[test]
    fn short_chains_stay_on_one_line_and_long_ones_go_one_call_per_line() {
        assert_eq!(
            fn_body(r#"col("a", INT).not_null()"#),
            r#"col("a", INT).not_null()"#
        );
        assert_eq!(
            fn_body(
                r#"Table::new(USERS).column(col("id", BIGINT).identity()).column(col("email", TEXT).not_null())"#
            ),
            "Table::new(USERS)\n        .column(col(\"id\", BIGINT).identity())\n        .column(col(\"email\", TEXT).not_null())"
        );
    }
}

mod differential {
    //! Random expressions of the writers' shapes, laid out here and by rustfmt.
    use super::super::*;

    struct Rng(u64);

    impl Rng {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n.max(1)
        }

        fn name(&mut self) -> String {
            let len = [1, 3, 8, 15, 25, 40, 63][self.next(7)];
            let pool = ["a", "b", "é", "日", "_", "x"];
            (0..len).map(|_| pool[self.next(pool.len())]).collect()
        }

        fn string(&mut self) -> String {
            match self.next(10) {
                0 => format!("r#\"\nSELECT {}\n  FROM t\"#", self.name()),
                1 => format!("{:?}", "x".repeat(self.next(120))),
                _ => format!("{:?}", self.name()),
            }
        }

        fn atom(&mut self) -> String {
            match self.next(5) {
                0 => "TEXT".to_owned(),
                1 => format!("{}", self.next(1000)),
                2 => format!(
                    "super::m::C{}",
                    self.name().to_uppercase().replace(['É', '日'], "E")
                ),
                _ => self.string(),
            }
        }

        fn expr(&mut self, depth: usize) -> String {
            if depth == 0 {
                return self.atom();
            }
            match self.next(11) {
                0 => self.atom(),
                1 => {
                    let n = self.next(6);
                    let items: Vec<String> = (0..n).map(|_| self.string()).collect();
                    format!("[{}]", items.join(", "))
                }
                2 => {
                    let n = 1 + self.next(3);
                    let items: Vec<String> = (0..n)
                        .map(|_| format!("({}, {})", self.string(), self.atom()))
                        .collect();
                    format!("[{}]", items.join(", "))
                }
                3 => {
                    let k = 1 + self.next(3);
                    let shaping = self.calls(0, k);
                    format!(
                        "col({}, INT).references(T, {}).fk(|f| f{shaping})",
                        self.string(),
                        self.string()
                    )
                }
                5 => {
                    let n = self.next(4);
                    let rows: Vec<String> = (0..n)
                        .map(|_| {
                            let k = 1 + self.next(4);
                            let cells: Vec<String> =
                                (0..k).map(|_| format!("lit({})", self.atom())).collect();
                            format!("vec![{}],", cells.join(", "))
                        })
                        .collect();
                    format!("[\"a\", \"b\"], vec![{}]", rows.concat())
                }
                6 => format!(
                    "Aggregate::new(F, Vec::<&str>::new(), {}, -{})",
                    self.string(),
                    self.next(100)
                ),
                7 => format!("{}.into()", self.string()),
                4 => {
                    let n = self.next(3);
                    let k = self.next(4);
                    let items: Vec<String> = (0..n)
                        .map(|_| format!("{}()", self.name().replace(['é', '日'], "e")))
                        .collect();
                    format!("[{}]{}", items.join(", "), self.calls(0, k))
                }
                _ => {
                    let n = self.next(4);
                    let args: Vec<String> = (0..n).map(|_| self.expr(depth - 1)).collect();
                    let root = format!("Kind::new({})", args.join(", "));
                    let k = self.next(5);
                    format!("{root}{}", self.calls(depth - 1, k))
                }
            }
        }

        fn calls(&mut self, depth: usize, n: usize) -> String {
            let mut out = String::new();
            for _ in 0..n {
                let k = self.next(3);
                let args: Vec<String> = (0..k).map(|_| self.expr(depth)).collect();
                let name = [
                    "to",
                    "column",
                    "not_null",
                    "references",
                    "on_delete_set_null",
                ][self.next(5)];
                out.push_str(&format!("\n.{name}({})", args.join(", ")));
            }
            out
        }
    }

    #[test]
    fn random_expressions_are_laid_out_as_rustfmt_lays_them_out() {
        let seed = std::env::var("LAYOUT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(7);
        let mut rng = Rng(seed);
        let mut failures = Vec::new();
        let mut ours = String::new();
        let n = std::env::var("LAYOUT_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(2000);
        for i in 0..n {
            let depth = 1 + rng.next(3);
            let k = 1 + rng.next(6);
            let calls = rng.calls(depth, k);
            let e = format!("Table::new(T){calls}");
            ours.push_str(&format!("fn f{i}() -> X {{\n    {}\n}}\n\n", fn_body(&e)));
        }
        // A fixed point: where rustfmt gives up it keeps our text, elsewhere it must
        // produce it.
        let formatted = crate::rustfmt(&ours).expect("rustfmt");
        if let Ok(dir) = std::env::var("LAYOUT_DUMP") {
            let _ = std::fs::write(format!("{dir}/theirs.rs"), &formatted);
            let _ = std::fs::write(format!("{dir}/ours.rs"), &ours);
        }
        let theirs: Vec<&str> = formatted.split("\n\nfn ").collect();
        let mine: Vec<&str> = ours.trim_end().split("\n\nfn ").collect();
        for (a, b) in theirs.iter().zip(&mine) {
            if a.trim_end() != b.trim_end() {
                failures.push(format!("rustfmt:\n{a}\nours:\n{b}\n"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {n} differ; first:\n{}",
            failures.len(),
            failures[..failures.len().min(3)].join("\n----\n")
        );
    }
}

mod constants {
    use super::super::*;

    #[test]
    fn constants_of_every_width_are_laid_out_as_rustfmt_lays_them_out() {
        let mut ours = String::new();
        for (i, n) in (1..=70).step_by(3).enumerate() {
            for m in [1, 20, 40, 63] {
                let konst = format!("C{i}_{}", "X".repeat(n));
                let schema = ["public", "日本語のスキーマ", "s\"q"][i % 3];
                let rhs = format!("TableRef::new({schema:?}, {:?})", "n".repeat(m));
                ours.push_str(&constant(
                    &format!("pub const {konst}_{m}: TableRef ="),
                    &rhs,
                ));
                ours.push('\n');
            }
        }
        let formatted = crate::rustfmt(&ours).expect("rustfmt");
        assert!(
            formatted == ours,
            "{}",
            crate::layout_diff(&ours, &formatted)
        );
    }
}
