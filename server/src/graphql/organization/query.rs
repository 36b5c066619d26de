//! `organization`, `members`, `invitations`.

use async_graphql::{Context, ID, Object};

use super::invitation::Invitation;
use super::{Member, Organization};
use crate::graphql::{ContextExt, parse_id};
use crate::service::organization::{invitations, members, organizations};

#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// An organization the caller belongs to: null with NOT_FOUND for any other.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Organization>> {
        let app = ctx.app()?;
        let org =
            organizations::get(&app.db, &app.authz, ctx.actor()?, parse_id("id", &id)?).await?;
        Ok(Some(org.into()))
    }

    /// The organization's members and their roles.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn members(&self, ctx: &Context<'_>, org_id: ID) -> async_graphql::Result<Vec<Member>> {
        let app = ctx.app()?;
        let rows = members::list(
            &app.db,
            &app.authz,
            ctx.actor()?,
            parse_id("orgId", &org_id)?,
        )
        .await?;
        Ok(rows.into_iter().map(Member::from).collect())
    }

    /// The organization's pending invitations, newest first (needs `member:manage`).
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
    ) -> async_graphql::Result<Vec<Invitation>> {
        let app = ctx.app()?;
        let org = parse_id("orgId", &org_id)?;
        let rows = invitations::list_for_org(&app.db, &app.authz, ctx.actor()?, org).await?;
        Ok(Invitation::load_all(&app.db, rows).await?)
    }
}
