//! What the user sees: a line per migration with its time, a progress bar on a terminal,
//! the status table or JSON, and the SQL of `--dry-run`.

/// `println!` that ignores a closed stdout: `cli migrate up --dry-run | head` must not
/// panic, and a migration must never stop because its reader went away.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

use std::io::Write as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use migrations::runner::{Direction, Observer, Outcome, State, Status};

/// Progress on stderr, drawn only when stderr is a terminal (indicatif hides it
/// otherwise); result lines on stdout.
#[derive(Debug, Default)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new() -> Self {
        Progress::default()
    }
}

impl Observer for Progress {
    fn waiting(&mut self, holder: &str) {
        eprintln!(
            "waiting for the migration lock, held by {holder} (another runner is migrating this database)…"
        );
    }

    fn start(&mut self, name: &str, direction: Direction, statements: usize) {
        let bar = ProgressBar::with_draw_target(
            Some(u64::try_from(statements).unwrap_or(u64::MAX)),
            ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} statements, {elapsed}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        let verb = match direction {
            Direction::Up => "applying",
            Direction::Down => "rolling back",
        };
        bar.set_message(format!("{verb} {name}"));
        bar.enable_steady_tick(Duration::from_millis(200));
        self.bar = Some(bar);
    }

    fn statement(&mut self, done: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(u64::try_from(done).unwrap_or(u64::MAX));
        }
    }

    fn finish(&mut self, name: &str, direction: Direction, elapsed: Duration) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let verb = match direction {
            Direction::Up => "applied",
            Direction::Down => "rolled back",
        };
        say!("{verb} {name} in {}", duration(elapsed));
        let _ = std::io::stdout().flush();
    }

    fn sql(&mut self, sql: &str) {
        say!("{}\n", sql.trim_end());
    }

    fn dropped(&mut self, object: &str, not_ours: bool) {
        if not_ours {
            say!("dropped {object} (not created by the migrations; --force)");
        } else {
            say!("dropped {object}");
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // A failed migration leaves its bar; clear it so the error line stands alone.
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Writes `text` to stdout as it is, ignoring a closed stdout.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

pub fn duration(d: Duration) -> String {
    if d.as_secs() >= 1 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn version(v: u32) -> String {
    if v == 0 {
        "0 (nothing applied)".to_owned()
    } else {
        format!("{v:03}")
    }
}

pub fn print_outcome(o: &Outcome) {
    let total: Duration = o
        .applied
        .iter()
        .chain(&o.rolled_back)
        .map(|(_, d)| *d)
        .sum();
    if o.dry_run {
        let mut parts = Vec::new();
        if o.applied.len() + o.rolled_back.len() > 0 {
            if !o.rolled_back.is_empty() {
                parts.push(format!("{} to roll back", o.rolled_back.len()));
            }
            if !o.applied.is_empty() {
                parts.push(format!("{} to apply", o.applied.len()));
            }
        }
        let what = if parts.is_empty() {
            "nothing to do".to_owned()
        } else {
            parts.join(", ")
        };
        say!("-- dry run: {what}; nothing was changed");
        return;
    }
    if o.fresh {
        let (r, d, a) = (o.rolled_back.len(), o.dropped.len(), o.applied.len());
        say!(
            "fresh: {r} migration{} rolled back, {d} object{} dropped{}, {a} migration{} applied in {}; database at version {}",
            plural(r),
            plural(d),
            if o.dropped_not_ours.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} not created by the migrations)",
                    o.dropped_not_ours.len()
                )
            },
            plural(a),
            duration(total),
            version(o.version)
        );
        return;
    }
    match (o.applied.len(), o.rolled_back.len()) {
        (0, 0) => say!("nothing to do: database at version {}", version(o.version)),
        (a, 0) => say!(
            "{a} migration{} applied in {}; database at version {}",
            plural(a),
            duration(total),
            version(o.version)
        ),
        (0, r) => say!(
            "{r} migration{} rolled back in {}; database at version {}",
            plural(r),
            duration(total),
            version(o.version)
        ),
        (_, _) => say!(
            "redone in {}; database at version {}",
            duration(total),
            version(o.version)
        ),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn print_status(s: &Status, json: bool) -> anyhow::Result<()> {
    if json {
        say!("{}", serde_json::to_string_pretty(&status_json(s))?);
        return Ok(());
    }
    say!("database:   {}", s.target);
    say!("migrations: {}", s.origin);
    let header = ["version", "name", "applied at", "checksum"];
    let rows: Vec<[String; 4]> = s
        .rows
        .iter()
        .map(|r| {
            let check = match &r.state {
                State::Changed { file } => format!("changed ({file})"),
                other => other.label().to_owned(),
            };
            [
                format!("{:03}", r.version),
                r.name
                    .split_once('_')
                    .map_or(r.name.as_str(), |(_, d)| d)
                    .to_owned(),
                r.applied_at.clone().unwrap_or_else(|| "-".into()),
                check,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i == 3 {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        out
    };
    say!();
    say!("{}", line(header));
    for row in &rows {
        say!("{}", line([&row[0], &row[1], &row[2], &row[3]]));
    }
    if rows.is_empty() {
        say!("(no migrations)");
    }
    for e in &s.sum_errors {
        say!("migrations.sum: {e}");
    }
    let applied = s.rows.iter().filter(|r| r.applied_at.is_some()).count();
    let pending = s.rows.iter().filter(|r| r.state == State::Pending).count();
    say!();
    say!("{applied} applied, {pending} pending");
    if s.has_problems() {
        say!(
            "problems found: an applied migration was edited or deleted on disk, or migrations.sum is missing or does not match the files"
        );
    }
    Ok(())
}

fn status_json(s: &Status) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = s
        .rows
        .iter()
        .map(|r| {
            let changed = match &r.state {
                State::Changed { file } => Some(file.clone()),
                _ => None,
            };
            serde_json::json!({
                "version": r.version,
                "name": r.name,
                "file": format!("{}.sql", r.name),
                "state": r.state.label(),
                "changed_file": changed,
                "applied_at": r.applied_at,
                "execution_ms": r.execution_ms,
                "transactional": r.transactional,
            })
        })
        .collect();
    serde_json::json!({
        "database": s.target,
        "source": s.origin,
        "migrations": rows,
        "sum": { "present": s.has_sum, "errors": s.sum_errors },
        // So an operator can find a stuck runner in pg_locks without reading the source.
        "lock_key": migrations::runner::lock::LOCK_KEY,
        "ok": !s.has_problems(),
    })
}
