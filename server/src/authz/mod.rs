//! Authorization: casbin RBAC with domains (domain = organization). The one guard every
//! resolver and every subscription goes through is [`Authz::require`].
//!
//! Policy lines (table `casbin_rules`):
//! - `p, role:<name>, <org id | *>, <resource>, <action>` — a role's permission; built-in roles
//!   use the domain `*`, custom roles their organization's id;
//! - `g, user:<id> | apikey:<id>, role:<name>, <org id>` — a member's or API key's role.
//!
//! Services write the lines in the same transaction as the rows they mirror, then call
//! [`Authz::policy_changed`], which reloads this process's enforcer and, through the event bus
//! (Redis pub/sub when configured), every other process's. casbin's own `Watcher` trait takes a
//! synchronous callback that cannot drive an async reload of the enforcer owning it, so the
//! watcher here is a task on the bus; a periodic reload covers messages lost while Redis was
//! unreachable.

pub mod adapter;
pub mod permissions;

use std::sync::Arc;
use std::time::Duration;

use casbin::{CoreApi, DefaultModel, Enforcer, MgmtApi, RbacApi};
use futures_util::StreamExt;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::sync::{Mutex, RwLock, watch};
use uuid::Uuid;
use workers::events::{EventBus, RECONNECTED_TOPIC};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
pub use permissions::Permission;

const MODEL: &str = r#"
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && (p.dom == "*" || r.dom == p.dom) && r.obj == p.obj && r.act == p.act
"#;

const POLICY_TOPIC: &str = "authz.policy";
const BUILTIN_DOMAIN: &str = "*";

pub fn role_subject(role: &str) -> String {
    format!("role:{role}")
}

pub struct Authz {
    db: DatabaseConnection,
    bus: EventBus,
    enforcer: RwLock<Enforcer>,
    reload_lock: Mutex<()>,
    /// Identifies this process's own change notices, which it has already applied.
    instance: Uuid,
    /// Bumped whenever a reload changed the policy: what long-lived subscriptions watch to
    /// check their access again (see [`Authz::changes`]).
    generation: watch::Sender<u64>,
}

impl Authz {
    /// Writes the built-in roles' policy lines, loads the enforcer and starts the watcher.
    pub async fn start(
        db: DatabaseConnection,
        bus: EventBus,
        reload_every: Duration,
    ) -> anyhow::Result<Arc<Self>> {
        sync_builtin_roles(&db).await?;
        let enforcer = build_enforcer(&db).await?;
        let authz = Arc::new(Self {
            db,
            bus,
            enforcer: RwLock::new(enforcer),
            reload_lock: Mutex::new(()),
            instance: Uuid::new_v4(),
            generation: watch::Sender::new(0),
        });
        authz.spawn_watcher(reload_every);
        Ok(authz)
    }

    fn spawn_watcher(self: &Arc<Self>, reload_every: Duration) {
        let weak = Arc::downgrade(self);
        let notices = self.bus.subscribe(POLICY_TOPIC);
        let reconnects = self.bus.subscribe(RECONNECTED_TOPIC);
        let instance = self.instance.to_string();
        tokio::spawn(async move {
            let mut events = futures_util::stream::select(notices, reconnects);
            let mut ticker = tokio::time::interval(reload_every);
            ticker.tick().await;
            loop {
                let reason = tokio::select! {
                    event = events.next() => match event {
                        Some(origin) if *origin == *instance => continue,
                        Some(_) => "change notice",
                        None => return,
                    },
                    _ = ticker.tick() => "periodic",
                };
                let Some(authz) = weak.upgrade() else { return };
                if let Err(error) = authz.reload().await {
                    tracing::error!(reason, error = ?error, "policy reload failed");
                }
            }
        });
    }

    /// Re-reads every policy line. The new enforcer is built off-lock and swapped in, so
    /// checks never wait on the database.
    pub async fn reload(&self) -> anyhow::Result<()> {
        let _serial = self.reload_lock.lock().await;
        let fresh = build_enforcer(&self.db).await?;
        let lines = |e: &Enforcer| (e.get_policy(), e.get_grouping_policy());
        let mut enforcer = self.enforcer.write().await;
        let changed = lines(&enforcer) != lines(&fresh);
        *enforcer = fresh;
        drop(enforcer);
        if changed {
            self.generation.send_modify(|g| *g += 1);
        }
        Ok(())
    }

    /// Changes of the policy in this process (after the new one is in force), from any
    /// process: a subscription checks its subscriber's access again when one comes, instead of
    /// polling.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.generation.subscribe()
    }

    /// Call after committing a change to policy lines: applies it here, then tells the other
    /// processes.
    pub async fn policy_changed(&self) -> AppResult<()> {
        // The change is committed: a failed reload must not turn it into an error for the
        // caller (a created API key's secret would be lost). The watcher retries.
        if let Err(error) = self.reload().await {
            tracing::error!(error = ?error, "policy reload after a change failed");
        }
        if let Err(error) = self
            .bus
            .publish(POLICY_TOPIC, &self.instance.to_string())
            .await
        {
            // The change is committed; other processes pick it up at their periodic reload.
            tracing::warn!(error = %error, "could not broadcast a policy change");
        }
        Ok(())
    }

    /// The guard. `Ok` when `actor` holds `permission` in `org`; `NotFound` when the actor has
    /// no role there at all (another organization's resources do not exist for it);
    /// `Forbidden` when it is a member without the permission.
    ///
    /// A member is charged to the organization's request rate here (once per operation, see
    /// [`crate::ratelimit::meter`]), so RATE_LIMITED may come instead.
    pub async fn require(&self, actor: &Actor, org: Uuid, permission: Permission) -> AppResult<()> {
        if self.holds_all(actor, org, &[permission]).await? {
            return crate::ratelimit::meter::charge(org).await;
        }
        // An API key of another organization has no role here either.
        if self.roles_in(actor, org).await.is_empty() {
            return Err(AppError::NotFound(resource_label(permission.resource)));
        }
        crate::ratelimit::meter::charge(org).await?;
        Err(AppError::Forbidden(format!(
            "your role does not allow {permission} in this organization"
        )))
    }

    /// Whether `actor` holds every one of `permissions` in `org`: the one enforcement path,
    /// behind `require` and behind "nobody hands out more than they hold". An API key never
    /// holds anything outside its own organization.
    pub async fn holds_all(
        &self,
        actor: &Actor,
        org: Uuid,
        permissions: &[Permission],
    ) -> AppResult<bool> {
        if let Actor::ApiKey { org_id, .. } = actor
            && *org_id != org
        {
            return Ok(false);
        }
        let subject = actor.subject();
        let domain = org.to_string();
        let enforcer = self.enforcer.read().await;
        for p in permissions {
            let held = enforcer
                .enforce((subject.as_str(), domain.as_str(), p.resource, p.action))
                .map_err(AppError::internal)?;
            if !held {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The roles `actor` holds in `org`, without the `role:` prefix.
    pub async fn roles_in(&self, actor: &Actor, org: Uuid) -> Vec<String> {
        let enforcer = self.enforcer.read().await;
        enforcer
            .get_roles_for_user(&actor.subject(), Some(&org.to_string()))
            .into_iter()
            .filter_map(|r| r.strip_prefix("role:").map(str::to_owned))
            .collect()
    }
}

fn resource_label(resource: &str) -> &'static str {
    match resource {
        "organization" | "member" | "role" | "api_key" | "audit" | "credential" | "pii_policy" => {
            "organization"
        }
        "prompt" => "prompt",
        "execution" => "execution",
        "workflow" => "workflow",
        "dataset" => "dataset",
        "evaluation" => "evaluation",
        _ => "resource",
    }
}

async fn build_enforcer(db: &DatabaseConnection) -> anyhow::Result<Enforcer> {
    let model = DefaultModel::from_str(MODEL).await?;
    let adapter = adapter::SeaOrmAdapter::new(db.clone());
    let mut enforcer = Enforcer::new(model, adapter).await?;
    enforcer.enable_auto_save(false);
    Ok(enforcer)
}

/// Makes the built-in roles' lines in the database equal to the matrix in code: adds what is
/// missing and removes what the code no longer grants. Safe to run from several processes at
/// once (inserts skip existing lines).
async fn sync_builtin_roles(db: &DatabaseConnection) -> anyhow::Result<()> {
    use entities::casbin_rule::{self, Column};
    let mut wanted = Vec::new();
    for role in permissions::BUILTIN_ROLES {
        for p in (role.permissions)() {
            wanted.push(vec![
                role_subject(role.name),
                BUILTIN_DOMAIN.to_owned(),
                p.resource.to_owned(),
                p.action.to_owned(),
            ]);
        }
    }
    let existing = casbin_rule::Entity::find()
        .filter(Column::Ptype.eq("p"))
        .filter(Column::V1.eq(BUILTIN_DOMAIN))
        .all(db)
        .await?;
    for line in existing {
        let current = vec![
            line.v0.clone(),
            line.v1.clone(),
            line.v2.clone(),
            line.v3.clone(),
        ];
        if !wanted.contains(&current) {
            casbin_rule::Entity::delete_by_id(line.id).exec(db).await?;
        }
    }
    adapter::insert_rules(db, "p", &wanted).await?;
    Ok(())
}

/// Gives `subject` the role `role` in `org` (replacing any role it had there).
pub async fn assign_role(
    conn: &impl ConnectionTrait,
    subject: &str,
    role: &str,
    org: Uuid,
) -> AppResult<()> {
    unassign_roles(conn, subject, org).await?;
    adapter::insert_rules(
        conn,
        "g",
        &[vec![
            subject.to_owned(),
            role_subject(role),
            org.to_string(),
        ]],
    )
    .await?;
    Ok(())
}

/// Takes every role of `subject` in `org` away.
pub async fn unassign_roles(
    conn: &impl ConnectionTrait,
    subject: &str,
    org: Uuid,
) -> AppResult<()> {
    adapter::delete_filtered(
        conn,
        "g",
        0,
        &[subject.to_owned(), String::new(), org.to_string()],
    )
    .await?;
    Ok(())
}

/// Writes a custom role's permission lines.
pub async fn grant_permissions(
    conn: &impl ConnectionTrait,
    role: &str,
    org: Uuid,
    permissions: &[Permission],
) -> AppResult<()> {
    let lines: Vec<Vec<String>> = permissions
        .iter()
        .map(|p| {
            vec![
                role_subject(role),
                org.to_string(),
                p.resource.to_owned(),
                p.action.to_owned(),
            ]
        })
        .collect();
    adapter::insert_rules(conn, "p", &lines).await?;
    Ok(())
}
