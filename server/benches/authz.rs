//! Micro-benchmark: the authorization check as the server makes it for one operation
//! (`Authz::holds_all`: casbin's enforce with domains, under the enforcer's read lock), for a
//! member with a built-in role, on a policy of many organizations.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use migration::{Migrator, MigratorTrait};
use promptops::auth::Actor;
use promptops::authz::{Authz, permissions};
use sea_orm::{ActiveModelTrait, ConnectOptions, Database, Set};
use uuid::Uuid;
use workers::events::EventBus;

/// Organizations, each with one member, in the policy.
const ORGS: usize = 1000;

async fn setup() -> anyhow::Result<(std::sync::Arc<Authz>, Actor, Uuid)> {
    let mut options = ConnectOptions::new("sqlite::memory:");
    options.max_connections(1).sqlx_logging(false);
    let db = Database::connect(options).await?;
    Migrator::up(&db, None).await?;
    let mut last = (Uuid::nil(), Uuid::nil());
    for _ in 0..ORGS {
        let (user, org) = (Uuid::new_v4(), Uuid::new_v4());
        entities::casbin_rule::ActiveModel {
            ptype: Set("g".into()),
            v0: Set(format!("user:{user}")),
            v1: Set("role:editor".into()),
            v2: Set(org.to_string()),
            v3: Set(String::new()),
            v4: Set(String::new()),
            v5: Set(String::new()),
            ..Default::default()
        }
        .insert(&db)
        .await?;
        last = (user, org);
    }
    let authz = Authz::start(db, EventBus::memory(), Duration::from_secs(3600)).await?;
    Ok((authz, Actor::User { id: last.0 }, last.1))
}

fn enforce(c: &mut Criterion) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => panic!("a runtime: {error}"),
    };
    let (authz, actor, org) = match runtime.block_on(setup()) {
        Ok(set) => set,
        Err(error) => panic!("setting up: {error:#}"),
    };
    let check = |permission| {
        runtime
            .block_on(authz.holds_all(&actor, org, &[permission]))
            .is_ok_and(|held| held)
    };
    assert!(check(permissions::PROMPT_READ), "an editor reads prompts");
    assert!(
        !check(permissions::MEMBER_MANAGE),
        "an editor manages no members"
    );
    c.bench_function("authz holds_all (allowed)", |b| {
        b.iter(|| check(std::hint::black_box(permissions::PROMPT_READ)))
    });
    c.bench_function("authz holds_all (refused)", |b| {
        b.iter(|| check(std::hint::black_box(permissions::MEMBER_MANAGE)))
    });
}

criterion_group!(benches, enforce);
criterion_main!(benches);
