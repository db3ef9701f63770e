//! The data sets. Add an environment by adding a function and a line to
//! [`ENVIRONMENTS`]; mark it `production: true` to refuse `seed clear` on it.
//!
//! Rows are the generated `ActiveModel`s: a column that does not exist, or a value of the
//! wrong type, does not compile. Every row sets its primary key (re-runs insert nothing),
//! and every generated value comes from [`Rng`] with a fixed seed.
//!
//! Seeded users get the password hash `!`, which matches no password: nobody can log in
//! with a seeded account until a real hash is set.

use entities::comms::notifications;
use entities::core::{projects, roles, tenants, users};
use sea_orm::Set;

use crate::{DataSet, Environment, Rng};

/// Every environment.
pub static ENVIRONMENTS: &[Environment] = &[
    Environment {
        name: "development",
        production: false,
        build: development,
    },
    Environment {
        name: "staging",
        production: false,
        build: staging,
    },
    Environment {
        name: "production",
        production: true,
        build: production,
    },
];

/// How much generated data an environment gets.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    seed: u64,
    tenants: i32,
    users: i32,
    projects: i32,
    notifications: i32,
}

/// Three tenants, 100 users, 50 projects, 200 notifications.
pub fn development(set: &mut DataSet) {
    generated(
        set,
        Sizes {
            seed: 0x5eed_0001,
            tenants: 3,
            users: 100,
            projects: 50,
            notifications: 200,
        },
    );
}

/// Two tenants, 50 users, 20 projects, 40 notifications.
pub fn staging(set: &mut DataSet) {
    generated(
        set,
        Sizes {
            seed: 0x5eed_0002,
            tenants: 2,
            users: 50,
            projects: 20,
            notifications: 40,
        },
    );
}

/// The platform's own tenant, its roles and one administrator.
pub fn production(set: &mut DataSet) {
    set.add(tenant(1, "Platform", "platform"));
    set.add_all(tenant_roles(1, 1));
    set.add(users::ActiveModel {
        id: Set(1),
        tenant_id: Set(1),
        email: Set("admin@platform.invalid".into()),
        password_hash: Set("!".into()),
        name: Set(Some("Administrator".into())),
        role: Set(Some("admin".into())),
        email_verified: Set(Some(true)),
        ..Default::default()
    });
}

const FIRST: &[&str] = &[
    "Ada",
    "Alan",
    "Barbara",
    "Dennis",
    "Edsger",
    "Frances",
    "Grace",
    "Ken",
    "Linus",
    "Margaret",
    "Niklaus",
    "Radia",
    "Tony",
    "Ursula",
    "Whitfield",
];
const LAST: &[&str] = &[
    "Lovelace", "Turing", "Liskov", "Ritchie", "Dijkstra", "Allen", "Hopper", "Thompson",
    "Torvalds", "Hamilton", "Wirth", "Perlman", "Hoare", "Burns", "Diffie",
];
const PROJECT_KINDS: &[&str] = &["crm", "inventory", "blog", "helpdesk", "analytics"];
const CHANNELS: &[&str] = &["in_app", "email", "sms", "push"];

fn tenant(id: i32, name: &str, slug: &str) -> tenants::ActiveModel {
    tenants::ActiveModel {
        id: Set(id),
        name: Set(name.into()),
        slug: Set(slug.into()),
        ..Default::default()
    }
}

/// `admin` and `member` for a tenant; ids from `first_id`.
fn tenant_roles(tenant: i32, first_id: i32) -> [roles::ActiveModel; 2] {
    let role = |id: i32, name: &str, description: &str| roles::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant),
        name: Set(name.into()),
        description: Set(Some(description.into())),
        is_system: Set(true),
        ..Default::default()
    };
    [
        role(first_id, "admin", "Everything within the tenant"),
        role(
            first_id + 1,
            "member",
            "Read and write the tenant's projects",
        ),
    ]
}

fn generated(set: &mut DataSet, s: Sizes) {
    let mut rng = Rng::new(s.seed);
    for t in 1..=s.tenants {
        set.add(tenant(t, &format!("Tenant {t}"), &format!("tenant-{t}")));
        set.add_all(tenant_roles(t, 2 * t - 1));
    }
    // User i belongs to tenant (i - 1) % tenants + 1, so every tenant has users.
    let tenant_of = |user: i32| (user - 1) % s.tenants + 1;
    for id in 1..=s.users {
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        let t = tenant_of(id);
        set.add(users::ActiveModel {
            id: Set(id),
            tenant_id: Set(t),
            email: Set(format!(
                "{}.{}{id}@tenant-{t}.test",
                first.to_lowercase(),
                last.to_lowercase()
            )),
            password_hash: Set("!".into()),
            name: Set(Some(format!("{first} {last}"))),
            role: Set(Some(if id <= s.tenants { "admin" } else { "user" }.into())),
            email_verified: Set(Some(rng.chance(80))),
            is_active: Set(Some(rng.chance(95))),
            ..Default::default()
        });
    }
    for id in 1..=s.projects {
        // An owner picked among the users; the project lives in the owner's tenant.
        let owner = i32::try_from(rng.below(u64::try_from(s.users).unwrap_or(1))).unwrap_or(0) + 1;
        let kind = rng.pick(PROJECT_KINDS);
        set.add(projects::ActiveModel {
            id: Set(id),
            tenant_id: Set(tenant_of(owner)),
            user_id: Set(owner),
            name: Set(format!("{kind} {id}")),
            description: Set(Some(format!("A generated {kind} project"))),
            template_type: Set(Some((*kind).into())),
            api_key: Set(format!("seed_{id:04}_{:016x}", rng.next_u64())),
            ..Default::default()
        });
    }
    for id in 1..=s.notifications {
        let user = i32::try_from(rng.below(u64::try_from(s.users).unwrap_or(1))).unwrap_or(0) + 1;
        set.add(notifications::ActiveModel {
            id: Set(id),
            tenant_id: Set(tenant_of(user)),
            user_id: Set(Some(user)),
            r#type: Set("welcome".into()),
            channel: Set((*rng.pick(CHANNELS)).into()),
            title: Set(format!("Welcome, user {user}")),
            is_read: Set(rng.chance(30)),
            ..Default::default()
        });
    }
}
