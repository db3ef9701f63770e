//! A series of edits over exclusion constraints, NOT VALID, collations, comments, FK
//! MATCH FULL and SET NULL column lists, constraint and transition-table triggers,
//! renames and enum rebuilds, migrated step by step, statement by statement: each step's
//! up gives the same `pg_dump --schema-only` as the step built from scratch and keeps the
//! seeded rows; each down gives back the previous step, rows included.

use ddl::migration::{Existing, Generated};
use ddl::prelude::*;
use pgharness::TestDb;
use tests::{apply_each_ok, apply_ok, first_migration, migration_from, step_files};

const MOOD: TypeRef = TypeRef::new("se", "mood");
const ROOMS: TableRef = TableRef::new("se", "rooms");
const OWNERS: TableRef = TableRef::new("se", "owners");
const BOOKINGS: TableRef = TableRef::new("se", "bookings");
const RESERVATIONS: TableRef = TableRef::new("se", "reservations");
const NOOP: FunctionRef = FunctionRef::new("se", "noop");
const COUNTED: FunctionRef = FunctionRef::new("se", "counted");

/// Every switch of the series; step `n` turns on the first `n` edits.
#[derive(Clone, Copy)]
struct S(usize);

impl S {
    fn on(self, edit: usize) -> bool {
        self.0 >= edit
    }
}

fn decl(s: S) -> Database {
    let mood: Vec<&str> = if s.on(14) {
        vec!["sad", "happy", "neutral"]
    } else if s.on(13) {
        vec!["sad", "happy", "meh"]
    } else {
        vec!["happy", "sad", "meh"]
    };
    let mut mood_type = EnumType::new(MOOD, mood);
    if s.on(14) {
        mood_type = mood_type.value_renamed("meh", "neutral");
    }
    let mut db = Database::new()
        .extension(Extension::new("btree_gist"))
        .schema(Schema::new("se"))
        .enum_type(mood_type)
        .table(
            Table::new(ROOMS)
                .column(col("id", INT).primary_key())
                .column(col("name", TEXT).not_null()),
        );
    let name = if s.on(10) { RESERVATIONS } else { BOOKINGS };
    let mut t = Table::new(name)
        .column(col("id", INT).primary_key_named("bookings_pkey"))
        .column(col("room_id", INT).not_null())
        .column(col("during", builtin_type("tstzrange")).not_null());
    if s.on(10) {
        t = t.renamed_from("bookings");
    }
    let mut note = col(if s.on(11) { "remark" } else { "note" }, TEXT);
    if s.on(4) {
        note = note.collate(if s.on(5) { "POSIX" } else { "C" });
    }
    if s.on(11) {
        note = note.renamed_from("note");
    }
    let note_name = note.name.clone();
    t = t
        .column(note)
        .column(col("mood", enum_type(MOOD)).not_null().default("'happy'"));
    let mut fk = ForeignKey::new(["room_id"], ROOMS, ["id"]).name("bookings_room_id_fkey");
    if s.on(6) {
        fk = fk.match_full();
    }
    t = t.foreign_key(fk);
    if s.on(1) {
        let mut x = Exclusion::gist(if s.on(12) {
            "no_double_booking"
        } else {
            "bookings_no_overlap"
        })
        .with("room_id", "=")
        .with("during", "&&");
        if s.on(3) {
            x = x.comment("One booking per room at a time");
        }
        if s.on(12) {
            x = x.renamed_from("bookings_no_overlap");
        }
        t = t.exclude(x);
    }
    if s.on(2) {
        let check = format!("length({note_name}) < 100");
        t = if s.on(9) {
            t.check("bookings_note_short", check.as_str())
        } else {
            t.check_not_valid("bookings_note_short", check.as_str())
        };
    }
    if s.on(3) {
        let mut ix = Index::named(
            if s.on(12) {
                "reservations_note_idx"
            } else {
                "bookings_note_idx"
            },
            [note_name.as_str()],
        )
        .comment("Lookup by note");
        if s.on(12) {
            ix = ix.renamed_from("bookings_note_idx");
        }
        t = t.index(ix);
    }
    if s.on(7) {
        db = db.table(
            Table::new(OWNERS)
                .column(col("id", INT).primary_key())
                .column(col("tenant", INT).not_null())
                .unique_named("owners_id_tenant_key", ["id", "tenant"]),
        );
        let (owner, ty) = if s.on(15) {
            ("holder_id", BIGINT)
        } else {
            ("owner_id", INT)
        };
        let mut c = col(owner, ty);
        if s.on(15) {
            c = c.renamed_from("owner_id");
        }
        t = t.column(c).column(col("tenant", INT)).foreign_key(
            ForeignKey::new([owner, "tenant"], OWNERS, ["id", "tenant"])
                .name("bookings_owner_fkey")
                .on_delete_set_null([owner]),
        );
    }
    if s.on(8) {
        db = db.function(Function::trigger(NOOP, "BEGIN\n  RETURN NULL;\nEND"));
        t = t.trigger(
            Trigger::constraint("bookings_checked", NOOP)
                .on_insert()
                .on_update()
                .deferrable(),
        );
    }
    if s.on(9) {
        db = db.function(Function::trigger(
            COUNTED,
            "BEGIN\n  PERFORM set_config('se.changed', (SELECT count(*) FROM changed)::text, true);\n  RETURN NULL;\nEND",
        ));
        t = t.trigger(
            Trigger::after("bookings_counted", COUNTED)
                .on_update()
                .referencing_old_table("before")
                .referencing_new_table("changed")
                .for_each_statement(),
        );
    }
    db.table(t)
}

const STEPS: usize = 15;

/// The seeded rows as the declaration of step `s` names them.
fn data(db: &TestDb, s: S) -> String {
    let t = if s.on(10) {
        "se.reservations"
    } else {
        "se.bookings"
    };
    let note = if s.on(11) { "remark" } else { "note" };
    db.exec(&format!(
        "SELECT id, room_id, during, {note}, mood FROM {t} ORDER BY id; SELECT * FROM se.rooms ORDER BY id"
    ))
}

fn seed(db: &TestDb) {
    db.exec(
        "INSERT INTO se.rooms VALUES (1, 'A'), (2, 'B');
         INSERT INTO se.bookings (id, room_id, during, note, mood) VALUES
           (1, 1, '[2024-01-01,2024-01-02)', 'first', 'happy'),
           (2, 2, '[2024-01-01,2024-01-02)', 'second', 'sad'),
           (3, 1, '[2024-01-02,2024-01-03)', 'third', 'meh')",
    );
}

fn after(existing: &Existing, m: &Generated) -> Existing {
    let mut files = existing.files.clone();
    files.extend(step_files(m));
    Existing {
        files,
        snapshot: Some(m.snapshot.clone()),
        sum: Some(m.sum.clone()),
    }
}

fn scratch_dump(s: S) -> String {
    let db = pgharness::database(&format!("se_scratch_{}", s.0));
    apply_ok(&db, &first_migration(&decl(s)).up);
    db.schema_dump()
}

#[test]
fn each_edit_migrated_step_by_step_equals_the_step_from_scratch_and_rolls_back() {
    let db = pgharness::database("se_steps");
    let m0 = first_migration(&decl(S(0)));
    apply_each_ok(&db, &m0.up);
    seed(&db);
    let mut existing = after(&Existing::default(), &m0);
    let mut dumps = vec![scratch_dump(S(0))];
    assert_eq!(db.schema_dump(), dumps[0], "step 0");
    let rows = data(&db, S(0));
    for n in 1..=STEPS {
        let s = S(n);
        let m = migration_from(&existing, &decl(s));
        assert!(m.destructive.is_empty(), "step {n}: {:?}", m.destructive);
        apply_each_ok(&db, &m.up);
        if let Some(f) = &m.follow_up {
            apply_each_ok(&db, &f.up);
        }
        dumps.push(scratch_dump(s));
        assert_eq!(db.schema_dump(), dumps[n], "step {n} up:\n{}", m.up);
        let mut expected = rows.clone();
        if s.on(14) {
            expected = expected.replace("|meh", "|neutral");
        }
        assert_eq!(data(&db, s), expected, "step {n} keeps the rows");

        // Down restores the previous step, then up again to go on.
        if let Some(f) = &m.follow_up {
            apply_each_ok(&db, &f.down);
        }
        apply_each_ok(&db, &m.down);
        assert_eq!(db.schema_dump(), dumps[n - 1], "step {n} down:\n{}", m.down);
        let mut previous = rows.clone();
        if S(n - 1).on(14) {
            previous = previous.replace("|meh", "|neutral");
        }
        assert_eq!(
            data(&db, S(n - 1)),
            previous,
            "step {n} down keeps the rows"
        );
        apply_each_ok(&db, &m.up);
        if let Some(f) = &m.follow_up {
            apply_each_ok(&db, &f.up);
        }
        existing = after(&existing, &m);
    }
    // The transition-table trigger sees the updated rows.
    let t = "se.reservations";
    let seen = db.exec(&format!(
        "BEGIN; UPDATE {t} SET mood = 'sad' WHERE room_id = 1; SELECT current_setting('se.changed'); COMMIT;"
    ));
    assert_eq!(seen.trim(), "2");

    // `cli verify` reads every item back: no drift against the last declaration.
    let report = block(introspect::verify(
        &db.url,
        &decl(S(STEPS)),
        &introspect::VerifyOptions::default(),
    ))
    .expect("verify");
    assert!(report.clean, "{}", introspect::drift::text(&report));
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}
