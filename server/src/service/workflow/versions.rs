//! Workflow versions: immutable and numbered 1, 2, 3…; a definition is saved only once
//! `check_definition` found nothing wrong with it. Resolution by number or label (what runs
//! call), pages of versions, and the JSON export and import format.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;
use workers::workflow::Definition;

use super::check_definition;
use super::workflows::{authorized, live, touch};
use crate::auth::Actor;
use crate::authz::{Authz, permissions};
use crate::error::{AppError, AppResult};
use crate::service::authorship::{api_key_of, now, user_of};
use crate::service::pages;
use entities::{workflow, workflow_label, workflow_version};

/// The label that always follows the newest version.
pub const LATEST: &str = "latest";

/// A definition that passed every check for its organization, with its commit message:
/// only [`validate`] makes one.
pub struct ValidDefinition {
    definition: Definition,
    commit_message: String,
}

/// Checks `definition` for `org` (`workflow:write`; graph, templates, expressions, prompts
/// of the organization): every problem at once as BAD_USER_INPUT. Runs outside any write
/// transaction (the analysis is on the blocking pool).
pub async fn validate(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    org: Uuid,
    definition: Definition,
    commit_message: Option<String>,
) -> AppResult<ValidDefinition> {
    let commit_message = commit_message.unwrap_or_default().trim().to_owned();
    if commit_message.chars().count() > 1000 {
        return Err(AppError::validation(
            "commitMessage must be at most 1000 characters",
        ));
    }
    match check_definition(conn, authz, actor, org, definition.clone()).await? {
        Ok(_) => Ok(ValidDefinition {
            definition,
            commit_message,
        }),
        Err(issues) => Err(AppError::InvalidDefinition(issues)),
    }
}

/// Reads an exported definition; JSON that does not parse, or is not a definition, is
/// BAD_USER_INPUT with serde's line and column.
pub fn import(json: &str) -> AppResult<Definition> {
    Definition::from_json(json).map_err(|error| {
        AppError::validation(format!("the JSON is not a workflow definition: {error}"))
    })
}

/// The version's definition as exported: pretty JSON, the format `import` reads.
pub fn export(version: &workflow_version::Model) -> AppResult<String> {
    serde_json::to_string_pretty(&definition_of(version)?).map_err(AppError::internal)
}

pub fn definition_of(version: &workflow_version::Model) -> AppResult<Definition> {
    serde_json::from_value(version.definition.clone()).map_err(AppError::internal)
}

/// Inserts version `number` of `workflow`.
pub async fn insert(
    conn: &impl ConnectionTrait,
    workflow: &workflow::Model,
    number: i32,
    valid: ValidDefinition,
    actor: &Actor,
) -> AppResult<workflow_version::Model> {
    let definition = serde_json::to_value(&valid.definition).map_err(AppError::internal)?;
    Ok(workflow_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        workflow_id: Set(workflow.id),
        org_id: Set(workflow.org_id),
        version: Set(number),
        definition: Set(definition),
        commit_message: Set(valid.commit_message),
        created_by: Set(user_of(actor)),
        created_by_api_key: Set(api_key_of(actor)),
        created_at: Set(now()),
    }
    .insert(conn)
    .await?)
}

/// Adds the next version (validated before the transaction began) to a workflow.
pub async fn create(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    workflow_id: Uuid,
    valid: ValidDefinition,
) -> AppResult<(workflow::Model, workflow_version::Model)> {
    let workflow = authorized(conn, authz, actor, workflow_id, permissions::WORKFLOW_WRITE).await?;
    // Writing first serializes concurrent versions: the second reads the first's number.
    touch(conn, &workflow).await?;
    let number = latest(conn, workflow.id)
        .await?
        .map_or(1, |v| v.version + 1);
    let version = insert(conn, &workflow, number, valid, actor).await?;
    Ok((workflow, version))
}

/// A version by id, if `actor` may read workflows of its organization (versions of a
/// deleted workflow stay readable: runs refer to them).
pub async fn get(
    conn: &impl ConnectionTrait,
    authz: &Authz,
    actor: &Actor,
    id: Uuid,
) -> AppResult<workflow_version::Model> {
    let version = workflow_version::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("workflow version"))?;
    authz
        .require(actor, version.org_id, permissions::WORKFLOW_READ)
        .await
        .map_err(|e| e.not_found_as("workflow version"))?;
    Ok(version)
}

/// The newest version of a workflow, if it has any.
pub async fn latest(
    conn: &impl ConnectionTrait,
    workflow_id: Uuid,
) -> AppResult<Option<workflow_version::Model>> {
    Ok(workflow_version::Entity::find()
        .filter(workflow_version::Column::WorkflowId.eq(workflow_id))
        .order_by_desc(workflow_version::Column::Version)
        .one(conn)
        .await?)
}

/// The newest version of each of `workflow_ids` that has one, in one statement (a page of
/// workflows asks this of every workflow on it).
pub async fn latest_of(
    conn: &impl ConnectionTrait,
    workflow_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, workflow_version::Model>> {
    let newest = Query::select()
        .expr(Expr::col((Newest, workflow_version::Column::Version)).max())
        .from_as(workflow_version::Entity, Newest)
        .and_where(
            Expr::col((Newest, workflow_version::Column::WorkflowId)).equals((
                workflow_version::Entity,
                workflow_version::Column::WorkflowId,
            )),
        )
        .to_owned();
    let rows = workflow_version::Entity::find()
        .filter(workflow_version::Column::WorkflowId.is_in(workflow_ids.iter().copied()))
        .filter(
            Expr::col((workflow_version::Entity, workflow_version::Column::Version)).eq(
                SimpleExpr::SubQuery(None, Box::new(newest.into_sub_query_statement())),
            ),
        )
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|v| (v.workflow_id, v)).collect())
}

/// Alias of `workflow_versions` inside the correlated subquery.
#[derive(sea_orm::DeriveIden)]
struct Newest;

/// The version of a workflow (whose access the caller checked) by number, or by label
/// (`latest` included), or — neither given — the newest. Both given is BAD_USER_INPUT; a
/// number, label or newest version that does not exist is NOT_FOUND.
pub async fn select(
    conn: &impl ConnectionTrait,
    workflow_id: Uuid,
    version: Option<i32>,
    label: Option<&str>,
) -> AppResult<workflow_version::Model> {
    let number = match (version, label) {
        (Some(_), Some(_)) => {
            return Err(AppError::validation(
                "give either version or label, not both",
            ));
        }
        (Some(number), None) => number,
        (None, None) | (None, Some(LATEST)) => {
            return latest(conn, workflow_id)
                .await?
                .ok_or(AppError::NotFound("workflow version"));
        }
        (None, Some(label)) => {
            workflow_label::Entity::find_by_id((workflow_id, label.to_owned()))
                .one(conn)
                .await?
                .ok_or(AppError::NotFound("workflow label"))?
                .version
        }
    };
    workflow_version::Entity::find()
        .filter(workflow_version::Column::WorkflowId.eq(workflow_id))
        .filter(workflow_version::Column::Version.eq(number))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("workflow version"))
}

/// What a run starts from: a live workflow and its version by number or label (`latest`
/// when neither is given). No authorization here: the caller authorizes against the
/// workflow's organization. A deleted or unknown workflow is NOT_FOUND, as is an unknown
/// version or label; both a version and a label is BAD_USER_INPUT.
pub async fn resolve(
    conn: &impl ConnectionTrait,
    workflow_id: Uuid,
    version: Option<i32>,
    label: Option<&str>,
) -> AppResult<(workflow::Model, workflow_version::Model)> {
    let workflow = live(conn, workflow_id).await?;
    let version = select(conn, workflow.id, version, label).await?;
    Ok((workflow, version))
}

/// Versions newest first, `first` of them below version `before` (exclusive); whether more
/// follow; and how many versions the workflow has.
pub async fn page(
    conn: &impl ConnectionTrait,
    workflow_id: Uuid,
    first: u64,
    before: Option<i32>,
) -> AppResult<(Vec<workflow_version::Model>, bool, u64)> {
    pages::check_first(first)?;
    let mut query = workflow_version::Entity::find()
        .filter(workflow_version::Column::WorkflowId.eq(workflow_id));
    let total = query.clone().count(conn).await?;
    if let Some(before) = before {
        query = query.filter(workflow_version::Column::Version.lt(before));
    }
    let rows = query
        .order_by_desc(workflow_version::Column::Version)
        .limit(first + 1)
        .all(conn)
        .await?;
    let (rows, more) = pages::split(rows, first);
    Ok((rows, more, total))
}
