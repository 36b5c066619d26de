//! Audit events of no organization (a login of a user without one, a failed login): no
//! organization's archive holds them, so the daily sweeps delete them once past the default
//! audit period — at a shifted clock, like the other retention tests — and keep the younger.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestEnv};
use crate::retention_helpers::sweep_at;
use entities::audit_event;

/// An audit event of no organization, `days` old.
async fn orgless_event(app: &TestApp, action: &str, days: i64) -> Uuid {
    let id = Uuid::now_v7();
    audit_event::ActiveModel {
        id: Set(id),
        org_id: Set(None),
        actor_type: Set("anonymous".into()),
        actor_id: Set(None),
        action: Set(action.into()),
        resource_type: Set("user".into()),
        resource_id: Set(None),
        request_id: Set("test".into()),
        trace_id: Set(None),
        summary: Set(json!({})),
        created_at: Set(Utc::now() - Duration::days(days)),
    }
    .insert(&app.app.db)
    .await
    .unwrap();
    id
}

async fn orgless(app: &TestApp) -> Vec<Uuid> {
    audit_event::Entity::find()
        .filter(audit_event::Column::OrgId.is_null())
        .all(&app.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect()
}

/// Past the default audit period (400 days here) they go, in batches (2 rows each here);
/// younger ones stay, and so does every organization's own audit trail, which its sweep
/// archives by its own period.
async fn audit_events_of_no_organization_are_swept(backend: Backend) {
    let env = std::sync::Arc::new(TestEnv::new(&backend).await);
    let app = TestApp::spawn_on(env, |config| {
        config.retention_batch_rows = 2;
        config.audit_retention_days = 400;
        config.retention_sweeps = false;
    })
    .await;
    let owner = app.sign_up("owner").await;
    for days in [401, 450, 500, 900, 1000] {
        orgless_event(&app, "user.login_failed", days).await;
    }
    let young = orgless_event(&app, "user.login", 399).await;
    let owned_before = audit_event::Entity::find()
        .filter(audit_event::Column::OrgId.is_not_null())
        .all(&app.app.db)
        .await
        .unwrap()
        .len();

    let sweep = sweep_at(&app, &owner.org_id, Utc::now()).await;

    assert_eq!(sweep.status, "FINISHED", "{sweep:?}");
    assert_eq!(orgless(&app).await, vec![young], "only the young one stays");
    let owned_after = audit_event::Entity::find()
        .filter(audit_event::Column::OrgId.is_not_null())
        .all(&app.app.db)
        .await
        .unwrap()
        .len();
    assert_eq!(
        owned_after, owned_before,
        "the organizations' events are young"
    );

    // A day later, once it is past the period too, the next sweep takes it.
    let later = sweep_at(&app, &owner.org_id, Utc::now() + Duration::days(2)).await;
    assert_eq!(later.status, "FINISHED");
    assert!(orgless(&app).await.is_empty());
}

backend_tests!(audit_events_of_no_organization_are_swept);
