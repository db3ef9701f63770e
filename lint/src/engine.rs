//! Runs the rules over files: parsing, ignore comments, and the state that rules share
//! across statements and files.

use std::collections::{HashMap, HashSet};

use pg_query::NodeEnum;
use pg_query::protobuf::{AlterTableType, ConstrType, Constraint, ObjectType};

use crate::Finding;
use crate::ast;
use crate::rules::{self, Rule};
use crate::source::{self, Header, Source};

/// Where a finding points, with the ignore codes in force for its statement.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    file: usize,
    line: usize,
    column: usize,
    source_line: String,
    ignored: Vec<String>,
}

/// A foreign key seen in the set, checked against the set's indexes at the end.
#[derive(Debug)]
pub(crate) struct ForeignKey {
    pub table: String,
    pub shown: String,
    pub name: String,
    pub columns: Vec<String>,
    pub site: Site,
}

/// Facts gathered from every statement linted so far (all files).
#[derive(Debug, Default)]
pub(crate) struct State {
    /// Tables created anywhere in the set.
    pub created: HashSet<String>,
    /// (table, column) -> (type, type modifiers), as created or last altered in the set.
    pub column_types: HashMap<(String, String), (String, Vec<i64>)>,
    /// Key columns of each index, primary key and unique constraint, per table.
    pub indexes: HashMap<String, Vec<Vec<Option<String>>>>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Tables with `ENABLE ROW LEVEL SECURITY`, and where.
    pub rls: HashMap<String, (String, Site)>,
    /// Policies per table, and where.
    pub policies: HashMap<String, Vec<(String, String, Site)>>,
    /// Enum types and their values.
    pub enums: HashMap<String, Vec<String>>,
    /// Enum types dropped or renamed away, with the values they had.
    pub retired_enums: HashMap<String, Vec<String>>,
    /// `CHECK (col IS NOT NULL) NOT VALID` constraints not validated yet:
    /// (table, constraint) -> column.
    pub pending_not_null_checks: HashMap<(String, String), String>,
    /// (table, column) with a valid `CHECK (col IS NOT NULL)`: `SET NOT NULL` needs no scan.
    pub proven_not_null: HashSet<(String, String)>,
}

/// What the rules know about the file being linted.
#[derive(Debug, Default)]
pub(crate) struct FileState {
    pub header: Header,
    /// Tables created earlier in this file: *new*, so locks and rewrites on them are free.
    pub new_tables: HashSet<String>,
    /// Indexes created earlier in this file.
    pub new_indexes: HashSet<String>,
    pub lock_timeout_set: bool,
    pub lock_timeout_reported: bool,
}

/// What a rule sees while it checks one statement.
#[derive(Debug)]
pub(crate) struct Cx<'a> {
    pub state: &'a State,
    pub file: &'a mut FileState,
    src: &'a Source<'a>,
    file_index: usize,
    /// Offset of the statement's first token.
    stmt_offset: usize,
    /// What node locations are relative to (the start of the parsed chunk).
    base: usize,
    ignored: &'a [String],
    findings: &'a mut Vec<(usize, Finding)>,
    generated: bool,
    file_name: &'a str,
}

impl Cx<'_> {
    /// Reports a finding at `offset` (a node's location; negative: the statement's start),
    /// unless the statement's ignore comments exempt it.
    pub fn report(&mut self, rule: &'static Rule, offset: i32, message: String) {
        if self.ignored.iter().any(|c| c == rule.code) {
            return;
        }
        let site = self.site(offset);
        self.findings.push((
            self.file_index,
            finding(rule, self.file_name, self.generated, &site, message),
        ));
    }

    /// The place of a node (negative offset: the statement), with this statement's ignores.
    pub fn site(&self, offset: i32) -> Site {
        let offset = usize::try_from(offset).map_or(self.stmt_offset, |o| self.base + o);
        let (line, column) = self.src.position(offset);
        Site {
            file: self.file_index,
            line,
            column,
            source_line: self.src.line_text(line).to_owned(),
            ignored: self.ignored.to_vec(),
        }
    }

    /// Whether the table was created earlier in this file.
    pub fn is_new(&self, key: &str) -> bool {
        self.file.new_tables.contains(key)
    }
}

fn finding(
    rule: &'static Rule,
    file: &str,
    generated: bool,
    site: &Site,
    message: String,
) -> Finding {
    Finding {
        code: rule.code,
        severity: rule.severity,
        file: file.to_owned(),
        line: site.line,
        column: site.column,
        message,
        help: rule.alternative,
        source_line: site.source_line.clone(),
        generated,
    }
}

/// Lints files in order as one set. A table is *new* (no lock or rewrite worth reporting)
/// when an earlier statement of the same file created it: an earlier file has normally
/// been applied, and its tables hold data, by the time a later one runs. Indexes, primary
/// keys, row-level security, policies, column types and enum values are remembered
/// across files, so a foreign key in `002` is covered by an index created in `001`.
#[derive(Debug, Default)]
pub struct Linter {
    state: State,
    files: Vec<(String, bool)>,
    findings: Vec<(usize, Finding)>,
}

impl Linter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Lints one file after the ones before it.
    pub fn lint_file(&mut self, file_name: &str, text: &str) {
        let file_index = self.files.len();
        let header = source::header(file_name, text);
        self.files.push((file_name.to_owned(), header.generated));
        let src = Source::new(text);
        let mut file = FileState {
            header,
            ..FileState::default()
        };
        let parsed = match crate::parse::statements(text) {
            Ok(p) => p,
            Err(e) => {
                self.syntax_error(
                    file_index,
                    file_name,
                    header.generated,
                    &src,
                    &e.to_string(),
                );
                return;
            }
        };
        let mut prev_end = 0usize;
        for (base, raw) in &parsed {
            let start = base + usize::try_from(raw.stmt_location).unwrap_or(0);
            let end = match usize::try_from(raw.stmt_len) {
                Ok(0) | Err(_) => text.len(),
                Ok(len) => start + len,
            };
            let first = source::skip_trivia(text, start.max(prev_end)).min(end.max(start));
            let ignored = self.ignores(
                file_index,
                file_name,
                header.generated,
                &src,
                prev_end,
                first,
            );
            prev_end = end;
            let Some(node) = raw.stmt.as_ref().and_then(|n| n.node.as_ref()) else {
                continue;
            };
            let mut cx = Cx {
                state: &self.state,
                file: &mut file,
                src: &src,
                file_index,
                stmt_offset: first,
                base: *base,
                ignored: &ignored,
                findings: &mut self.findings,
                generated: header.generated,
                file_name,
            };
            rules::check(node, &mut cx);
            let sites = Sites {
                src: &src,
                file: file_index,
                ignored: &ignored,
                stmt_offset: first,
                base: *base,
            };
            record(node, &mut self.state, &mut file, &sites);
        }
        // Freeing a large tree takes a tenth of the time of parsing it: leave that to a
        // thread of its own, so the caller gets its findings sooner.
        if text.len() >= 1 << 20 {
            std::thread::spawn(move || drop(parsed));
        }
    }

    /// The findings of the rules that need the whole set, then every finding in file and
    /// source order.
    pub fn finish(mut self) -> Vec<Finding> {
        let files = std::mem::take(&mut self.files);
        let mut deferred: Vec<(&'static Rule, Site, String)> = Vec::new();
        for fk in &self.state.foreign_keys {
            let covered = self.state.indexes.get(&fk.table).is_some_and(|list| {
                list.iter().any(|cols| {
                    cols.len() >= fk.columns.len()
                        && fk.columns.iter().all(|c| {
                            cols[..fk.columns.len()]
                                .iter()
                                .any(|k| k.as_deref() == Some(c.as_str()))
                        })
                })
            });
            if !covered {
                deferred.push((
                    &rules::FK_WITHOUT_INDEX,
                    fk.site.clone(),
                    format!(
                        "foreign key {}on {} ({}) has no index whose leading columns are its columns",
                        if fk.name.is_empty() {
                            String::new()
                        } else {
                            format!("`{}` ", fk.name)
                        },
                        fk.shown,
                        fk.columns.join(", ")
                    ),
                ));
            }
        }
        for (table, (shown, site)) in &self.state.rls {
            if !self.state.policies.contains_key(table) {
                deferred.push((
                    &rules::RLS_WITHOUT_POLICY,
                    site.clone(),
                    format!(
                        "row-level security is enabled on {shown}, but no policy is created for it: every non-owner query sees no rows"
                    ),
                ));
            }
        }
        for (table, list) in &self.state.policies {
            if self.state.created.contains(table) && !self.state.rls.contains_key(table) {
                for (policy, shown, site) in list {
                    deferred.push((
                        &rules::POLICY_WITHOUT_RLS,
                        site.clone(),
                        format!(
                            "policy `{policy}` is on {shown}, whose row-level security is never enabled: the policy filters nothing"
                        ),
                    ));
                }
            }
        }
        for (rule, site, message) in deferred {
            if site.ignored.iter().any(|c| c == rule.code) {
                continue;
            }
            let (name, generated) = &files[site.file];
            self.findings
                .push((site.file, finding(rule, name, *generated, &site, message)));
        }
        self.findings.sort_by(|(fa, a), (fb, b)| {
            (fa, a.line, a.column, a.code).cmp(&(fb, b.line, b.column, b.code))
        });
        self.findings.into_iter().map(|(_, f)| f).collect()
    }

    /// The codes exempted for the next statement; reports ignores without a reason or
    /// naming no known rule.
    fn ignores(
        &mut self,
        file_index: usize,
        file_name: &str,
        generated: bool,
        src: &Source<'_>,
        from: usize,
        to: usize,
    ) -> Vec<String> {
        let mut codes = Vec::new();
        for ig in source::ignores(src.text, from, to.max(from)) {
            let (line, column) = src.position(ig.offset);
            let site = Site {
                file: file_index,
                line,
                column,
                source_line: src.line_text(line).to_owned(),
                ignored: Vec::new(),
            };
            if ig.codes.is_empty() || ig.reason.is_empty() {
                let message = if ig.codes.is_empty() {
                    "`-- lint: ignore` names no rule code".to_owned()
                } else {
                    format!(
                        "`-- lint: ignore {}` gives no reason, so it exempts nothing",
                        ig.codes.join(", ")
                    )
                };
                self.findings.push((
                    file_index,
                    finding(
                        &rules::IGNORE_WITHOUT_REASON,
                        file_name,
                        generated,
                        &site,
                        message,
                    ),
                ));
                continue;
            }
            for code in ig.codes {
                if rules::rule(&code).is_none() {
                    self.findings.push((
                        file_index,
                        finding(
                            &rules::UNKNOWN_RULE_IN_IGNORE,
                            file_name,
                            generated,
                            &site,
                            format!("`-- lint: ignore {code}`: there is no rule `{code}`"),
                        ),
                    ));
                }
                codes.push(code);
            }
        }
        codes
    }

    /// A file PostgreSQL cannot parse: one finding at the first statement that fails on
    /// its own, and no other rule runs on the file.
    fn syntax_error(
        &mut self,
        file_index: usize,
        file_name: &str,
        generated: bool,
        src: &Source<'_>,
        message: &str,
    ) {
        let text = src.text;
        // The parser's message has no position: parse statement by statement (split at
        // the scanner's `;` tokens) to find the first one that fails.
        let mut offset = 0;
        if let Ok(scanned) = pg_query::scan(text) {
            let mut start: Option<usize> = None;
            for t in &scanned.tokens {
                let (s, e) = (
                    usize::try_from(t.start).unwrap_or(0),
                    usize::try_from(t.end).unwrap_or(0),
                );
                let begin = *start.get_or_insert(s);
                let last = std::ptr::eq(t, scanned.tokens.last().unwrap_or(t));
                if text.get(s..e) == Some(";") || last {
                    if pg_query::parse(&text[begin..e]).is_err() {
                        offset = begin;
                        break;
                    }
                    start = None;
                }
            }
        }
        let (line, column) = src.position(offset);
        let site = Site {
            file: file_index,
            line,
            column,
            source_line: src.line_text(line).to_owned(),
            ignored: Vec::new(),
        };
        let message = message
            .trim_start_matches("Error parsing query: ")
            .to_owned();
        self.findings.push((
            file_index,
            finding(&rules::SYNTAX_ERROR, file_name, generated, &site, message),
        ));
    }
}

/// Places of nodes for the state (foreign keys), with the statement's ignores.
struct Sites<'a> {
    src: &'a Source<'a>,
    file: usize,
    ignored: &'a [String],
    stmt_offset: usize,
    base: usize,
}

impl Sites<'_> {
    /// The place of a node (negative offset: the statement's first token).
    fn at(&self, offset: i32) -> Site {
        let o = usize::try_from(offset).map_or(self.stmt_offset, |o| self.base + o);
        let (line, column) = self.src.position(o);
        Site {
            file: self.file,
            line,
            column,
            source_line: self.src.line_text(line).to_owned(),
            ignored: self.ignored.to_vec(),
        }
    }

    fn here(&self) -> Site {
        self.at(-1)
    }
}

/// Updates the state after the rules have seen the statement.
fn record(node: &NodeEnum, state: &mut State, file: &mut FileState, sites: &Sites<'_>) {
    match node {
        NodeEnum::CreateStmt(c) => {
            let Some(rv) = &c.relation else { return };
            let key = ast::table_key(rv);
            let shown = ast::table_shown(rv);
            file.new_tables.insert(key.clone());
            state.created.insert(key.clone());
            for elt in &c.table_elts {
                match &elt.node {
                    Some(NodeEnum::ColumnDef(col)) => {
                        record_column(state, &key, &shown, col, sites);
                    }
                    Some(NodeEnum::Constraint(k)) => {
                        record_constraint(state, &key, &shown, k, sites);
                    }
                    _ => {}
                }
            }
        }
        NodeEnum::IndexStmt(i) => {
            let Some(rv) = &i.relation else { return };
            let key = ast::table_key(rv);
            let schema = if rv.schemaname.is_empty() {
                "public"
            } else {
                &rv.schemaname
            };
            if !i.idxname.is_empty() {
                file.new_indexes.insert(format!("{schema}.{}", i.idxname));
            }
            state
                .indexes
                .entry(key)
                .or_default()
                .push(ast::index_columns(&i.index_params));
        }
        NodeEnum::AlterTableStmt(a) => {
            let Some(rv) = &a.relation else { return };
            let key = ast::table_key(rv);
            let shown = ast::table_shown(rv);
            for cmd in &a.cmds {
                let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else {
                    continue;
                };
                let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
                match (AlterTableType::try_from(cmd.subtype), def) {
                    (Ok(AlterTableType::AtAddColumn), Some(NodeEnum::ColumnDef(col))) => {
                        record_column(state, &key, &shown, col, sites);
                    }
                    (Ok(AlterTableType::AtAddConstraint), Some(NodeEnum::Constraint(k))) => {
                        record_constraint(state, &key, &shown, k, sites);
                        if let Some(col) = ast::not_null_check_column(k) {
                            if k.skip_validation {
                                state
                                    .pending_not_null_checks
                                    .insert((key.clone(), k.conname.clone()), col);
                            } else {
                                state.proven_not_null.insert((key.clone(), col));
                            }
                        }
                    }
                    (Ok(AlterTableType::AtValidateConstraint), _) => {
                        if let Some(col) = state
                            .pending_not_null_checks
                            .remove(&(key.clone(), cmd.name.clone()))
                        {
                            state.proven_not_null.insert((key.clone(), col));
                        }
                    }
                    (Ok(AlterTableType::AtAlterColumnType), Some(NodeEnum::ColumnDef(col))) => {
                        if let Some(t) = ast::column_type(col) {
                            state.column_types.insert(
                                (key.clone(), cmd.name.clone()),
                                (ast::type_base(t).to_owned(), ast::typmods(t)),
                            );
                        }
                    }
                    (Ok(AlterTableType::AtEnableRowSecurity), _) => {
                        state.rls.insert(key.clone(), (shown.clone(), sites.here()));
                    }
                    (Ok(AlterTableType::AtDisableRowSecurity), _) => {
                        state.rls.remove(&key);
                    }
                    _ => {}
                }
            }
        }
        NodeEnum::CreatePolicyStmt(p) => {
            let Some(rv) = &p.table else { return };
            state.policies.entry(ast::table_key(rv)).or_default().push((
                p.policy_name.clone(),
                ast::table_shown(rv),
                sites.here(),
            ));
        }
        NodeEnum::CreateEnumStmt(e) => {
            let name = ast::qualified(&e.type_name);
            state.retired_enums.remove(&name);
            state.enums.insert(name, ast::strings(&e.vals));
        }
        NodeEnum::AlterEnumStmt(e) => {
            let name = ast::qualified(&e.type_name);
            if let Some(values) = state.enums.get_mut(&name) {
                if e.old_val.is_empty() {
                    values.push(e.new_val.clone());
                } else if let Some(v) = values.iter_mut().find(|v| **v == e.old_val) {
                    v.clone_from(&e.new_val);
                }
            }
        }
        NodeEnum::RenameStmt(r) if r.rename_type == ObjectType::ObjectType as i32 => {
            if let Some(NodeEnum::List(l)) = r.object.as_ref().and_then(|o| o.node.as_ref()) {
                let name = ast::qualified(&l.items);
                if let Some(values) = state.enums.remove(&name) {
                    let schema = name.rsplit_once('.').map_or("public", |(s, _)| s);
                    state
                        .enums
                        .insert(format!("{schema}.{}", r.newname), values.clone());
                    state.retired_enums.insert(name, values);
                }
            }
        }
        NodeEnum::DropStmt(d) if d.remove_type == ObjectType::ObjectType as i32 => {
            for o in &d.objects {
                if let Some(NodeEnum::TypeName(t)) = &o.node {
                    let name = ast::qualified(&t.names);
                    if let Some(values) = state.enums.remove(&name) {
                        state.retired_enums.insert(name, values);
                    }
                }
            }
        }
        NodeEnum::VariableSetStmt(v) if v.name == "lock_timeout" => {
            file.lock_timeout_set = true;
        }
        NodeEnum::SelectStmt(s) if sets_lock_timeout(s) => {
            file.lock_timeout_set = true;
        }
        _ => {}
    }
}

/// `SELECT set_config('lock_timeout', …)`.
fn sets_lock_timeout(s: &pg_query::protobuf::SelectStmt) -> bool {
    s.target_list.iter().any(|t| {
        let Some(NodeEnum::ResTarget(r)) = &t.node else {
            return false;
        };
        let Some(NodeEnum::FuncCall(f)) = r.val.as_ref().and_then(|v| v.node.as_ref()) else {
            return false;
        };
        let first_arg = f.args.first().and_then(|a| a.node.as_ref());
        ast::strings(&f.funcname).last().map(String::as_str) == Some("set_config")
            && matches!(
                first_arg,
                Some(NodeEnum::AConst(c)) if matches!(
                    &c.val,
                    Some(pg_query::protobuf::a_const::Val::Sval(v)) if v.sval == "lock_timeout"
                )
            )
    })
}

fn record_column(
    state: &mut State,
    table: &str,
    shown: &str,
    col: &pg_query::protobuf::ColumnDef,
    sites: &Sites<'_>,
) {
    if let Some(t) = ast::column_type(col) {
        state.column_types.insert(
            (table.to_owned(), col.colname.clone()),
            (ast::type_base(t).to_owned(), ast::typmods(t)),
        );
    }
    for k in ast::column_constraints(col) {
        if ast::is(k, ConstrType::ConstrPrimary) || ast::is(k, ConstrType::ConstrUnique) {
            state
                .indexes
                .entry(table.to_owned())
                .or_default()
                .push(vec![Some(col.colname.clone())]);
        }
        if ast::is(k, ConstrType::ConstrForeign) {
            state.foreign_keys.push(ForeignKey {
                table: table.to_owned(),
                shown: shown.to_owned(),
                name: k.conname.clone(),
                columns: vec![col.colname.clone()],
                site: sites.at(k.location),
            });
        }
    }
}

fn record_constraint(
    state: &mut State,
    table: &str,
    shown: &str,
    k: &Constraint,
    sites: &Sites<'_>,
) {
    if ast::is(k, ConstrType::ConstrPrimary) || ast::is(k, ConstrType::ConstrUnique) {
        state
            .indexes
            .entry(table.to_owned())
            .or_default()
            .push(ast::index_columns(&k.keys));
    }
    if ast::is(k, ConstrType::ConstrForeign) {
        state.foreign_keys.push(ForeignKey {
            table: table.to_owned(),
            shown: shown.to_owned(),
            name: k.conname.clone(),
            columns: ast::strings(&k.fk_attrs),
            site: sites.at(k.location),
        });
    }
}
