//! The shape of the workload, decided once from the seed: every emitter (DSL source,
//! plain SQL, the model) walks the same [`Workload`], so the three cannot disagree.

/// The eight PostgreSQL schemas the tables are spread over (table `i` lives in
/// `SCHEMAS[i % 8]`).
pub const SCHEMAS: [&str; 8] = [
    "sales",
    "billing",
    "catalog",
    "crm",
    "ops",
    "hr",
    "logistics",
    "support",
];

/// The shared updated_at trigger function of each schema.
pub const TOUCH_FUNCTION: &str = "touch_updated_at";
/// Its body, byte for byte (the SQL writer and `prosrc` keep it as is).
pub const TOUCH_BODY: &str = "BEGIN NEW.updated_at := now(); RETURN NEW; END";
/// The RLS policy of tenant tables.
pub const POLICY: &str = "tenant_isolation";
pub const POLICY_USING: &str = "tenant_id = current_setting('app.tenant_id')::integer";

/// Column types of the data columns, in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Text,
    Varchar(u32),
    Integer,
    Numeric,
    Boolean,
    Timestamptz,
    Jsonb,
    Uuid,
}

impl Ty {
    fn base(self) -> &'static str {
        match self {
            Ty::Text => "note",
            Ty::Varchar(_) => "code",
            Ty::Integer => "qty",
            Ty::Numeric => "amount",
            Ty::Boolean => "flag",
            Ty::Timestamptz => "at",
            Ty::Jsonb => "doc",
            Ty::Uuid => "ref",
        }
    }

    pub fn sql(self) -> String {
        match self {
            Ty::Text => "text".into(),
            Ty::Varchar(n) => format!("varchar({n})"),
            Ty::Integer => "integer".into(),
            Ty::Numeric => "numeric(12,2)".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Timestamptz => "timestamptz".into(),
            Ty::Jsonb => "jsonb".into(),
            Ty::Uuid => "uuid".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ColumnSpec {
    pub name: String,
    pub ty: Ty,
    pub not_null: bool,
    /// `now()` on timestamptz columns.
    pub default_now: bool,
}

#[derive(Debug, Clone)]
pub enum IndexSpec {
    /// btree on one foreign-key column.
    Fk(String),
    /// btree on two columns.
    Multi(String, String),
    /// btree on a column, only where it is not null.
    Partial(String),
    /// GIN on a jsonb column.
    Gin(String),
}

impl IndexSpec {
    /// `<table>_<columns>_idx`, as the DSL names an unnamed index.
    pub fn name(&self, table: &str) -> String {
        match self {
            IndexSpec::Fk(c) | IndexSpec::Partial(c) | IndexSpec::Gin(c) => {
                format!("{table}_{c}_idx")
            }
            IndexSpec::Multi(a, b) => format!("{table}_{a}_{b}_idx"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TableSpec {
    pub index: usize,
    pub schema: &'static str,
    pub name: String,
    pub columns: Vec<ColumnSpec>,
    /// (column, index of the referenced table).
    pub fks: Vec<(String, usize)>,
    pub indexes: Vec<IndexSpec>,
    /// A `quantity integer NOT NULL DEFAULT 0 CHECK (quantity >= 0)` column.
    pub check: bool,
    /// tenant_id + updated_at with the schema's trigger, RLS and one policy.
    pub tenant: bool,
    /// v2 only: the added nullable column.
    pub added: bool,
}

impl TableSpec {
    /// `T00042`: the Rust constant of the table in the DSL crate.
    pub fn konst(&self) -> String {
        self.name.to_uppercase()
    }
}

#[derive(Debug, Clone)]
pub struct Workload {
    pub seed: u64,
    pub tables: Vec<TableSpec>,
}

/// The column v2 adds (nullable, so the diff is one `ADD COLUMN`).
pub const ADDED_COLUMN: &str = "v2_note";

/// splitmix64: tiny, seedable, stable across platforms and Rust versions.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// Zipf exponent of foreign-key targets: at N=10,000 the busiest hub has a fan-in near
/// 1,000 (see `max_fan_in`).
const ZIPF_S: f64 = 0.97;

/// The workload of `n` tables for `seed`; `v2` adds one nullable column to the table in
/// the middle. The same arguments give the same workload on every machine.
pub fn generate(n: usize, seed: u64, v2: bool) -> Workload {
    let mut rng = Rng(seed ^ 0x5EED_0000_0000_0000);
    // Hubs are spread over the whole range of tables: rank r of the Zipf law is table
    // `hub[r]`, a fixed permutation, so hubs are not all the first tables of `sales`.
    let mut hub: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.range(0, i);
        hub.swap(i, j);
    }
    let mut cdf = Vec::with_capacity(n);
    let mut acc = 0.0;
    for r in 0..n {
        acc += 1.0 / ((r + 1) as f64).powf(ZIPF_S);
        cdf.push(acc);
    }
    let types = [
        Ty::Text,
        Ty::Varchar(0),
        Ty::Integer,
        Ty::Numeric,
        Ty::Boolean,
        Ty::Timestamptz,
        Ty::Jsonb,
        Ty::Uuid,
    ];
    let mut tables = Vec::with_capacity(n);
    for i in 0..n {
        let name = format!("t{i:05}");
        let schema = SCHEMAS[i % SCHEMAS.len()];
        let tenant = rng.chance(0.2);
        let check = rng.chance(0.3);
        // FKs point at hubs; a table never references itself, and cycles are avoided by
        // pointing only at tables with a smaller number (the hub permutation keeps the
        // skew: a draw landing on a later table is dropped).
        let mut fks: Vec<(String, usize)> = Vec::new();
        for _ in 0..rng.range(0, 3) {
            let u = rng.unit() * acc;
            let r = cdf.partition_point(|&c| c < u).min(n - 1);
            let target = hub[r];
            if target < i && !fks.iter().any(|(_, t)| *t == target) {
                fks.push((format!("t{target:05}_id"), target));
            }
        }
        let total = rng.range(6, 10);
        let fixed = 1 + fks.len() + usize::from(check) + if tenant { 2 } else { 0 };
        let data = total.saturating_sub(fixed).max(2);
        let offset = rng.range(0, types.len() - 1);
        let mut columns = Vec::new();
        for j in 0..data {
            let mut ty = types[(offset + j) % types.len()];
            if let Ty::Varchar(_) = ty {
                ty = Ty::Varchar([20, 50, 100, 255][rng.range(0, 3)]);
            }
            columns.push(ColumnSpec {
                name: format!("{}{j}", ty.base()),
                ty,
                not_null: ty == Ty::Timestamptz || rng.chance(0.3),
                default_now: ty == Ty::Timestamptz,
            });
        }
        let mut candidates = Vec::new();
        if let Some((c, _)) = fks.first() {
            candidates.push(IndexSpec::Fk(c.clone()));
        }
        let btree: Vec<&ColumnSpec> = columns.iter().filter(|c| c.ty != Ty::Jsonb).collect();
        if btree.len() >= 2 {
            candidates.push(IndexSpec::Multi(
                btree[0].name.clone(),
                btree[1].name.clone(),
            ));
        }
        if let Some(c) = btree.iter().find(|c| !c.not_null) {
            candidates.push(IndexSpec::Partial(c.name.clone()));
        }
        if let Some(c) = columns.iter().find(|c| c.ty == Ty::Jsonb) {
            candidates.push(IndexSpec::Gin(c.name.clone()));
        }
        if candidates.is_empty() {
            candidates.push(IndexSpec::Multi(columns[0].name.clone(), "id".into()));
        }
        let keep = rng.range(1, 3).min(candidates.len());
        // A seeded choice of `keep` of the candidates, in their listed order.
        while candidates.len() > keep {
            let drop = rng.range(0, candidates.len() - 1);
            candidates.remove(drop);
        }
        tables.push(TableSpec {
            index: i,
            schema,
            name,
            columns,
            fks,
            indexes: candidates,
            check,
            tenant,
            added: v2 && i == n / 2,
        });
    }
    Workload { seed, tables }
}

impl Workload {
    /// The largest number of foreign keys pointing at one table.
    pub fn max_fan_in(&self) -> usize {
        let mut fan = vec![0usize; self.tables.len()];
        for t in &self.tables {
            for (_, target) in &t.fks {
                fan[*target] += 1;
            }
        }
        fan.into_iter().max().unwrap_or(0)
    }

    /// Schemas that hold at least one table, in [`SCHEMAS`] order.
    pub fn schemas(&self) -> Vec<&'static str> {
        SCHEMAS
            .iter()
            .copied()
            .filter(|s| self.tables.iter().any(|t| t.schema == *s))
            .collect()
    }
}
