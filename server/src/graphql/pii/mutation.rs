//! `setPiiPolicy`.

use async_graphql::{Context, ID, Object};
use workers::pii::PiiKind;

use super::types::{PiiPolicy, PiiPolicyInput};
use crate::graphql::{ContextExt, parse_id};
use crate::service::pii::{self, PolicyInput};

#[derive(Default)]
pub struct PiiMutation;

#[Object]
impl PiiMutation {
    /// Replaces the organization's PII masking policy (needs `pii_policy:manage`: owners and
    /// admins). Applies to runs that start afterwards, in every process within seconds.
    async fn set_pii_policy(
        &self,
        ctx: &Context<'_>,
        org_id: ID,
        input: PiiPolicyInput,
    ) -> async_graphql::Result<PiiPolicy> {
        let actor = ctx.actor()?;
        let org = parse_id("orgId", &org_id)?;
        let request = ctx.request_context()?;
        let input = PolicyInput {
            org,
            mode: input.mode.into(),
            kinds: match input.detectors {
                Some(detectors) => detectors.into_iter().map(Into::into).collect(),
                None => PiiKind::BUILT_IN.to_vec(),
            },
            custom: input.custom_patterns.into_iter().map(Into::into).collect(),
            mask_dataset_items: input.mask_dataset_items,
        };
        let stored = pii::set_policy(ctx.app()?, &request, actor, input).await?;
        Ok(stored.into())
    }
}
