//! What an item's result stores under the organization's PII policy, as executions do: the
//! output and the verdicts' reasons (a judge or a check may quote the output) masked before
//! storage — it was scored as given —, the errors masked unless the policy is off.

use super::target::Scored;
use crate::engine::{JobContext, Outcome};

/// `outcome` as the organization `org` stores it. A policy that cannot be read fails the item
/// rather than store its values.
pub(super) async fn redacted(
    ctx: &JobContext,
    org: uuid::Uuid,
    outcome: Outcome<Scored>,
) -> Outcome<Scored> {
    let pii = match ctx.completion.pii.of(&ctx.db, org).await {
        Ok(pii) => pii,
        Err(error) => return Outcome::Failed(error.to_string()),
    };
    if !pii.masks_storage() {
        return outcome;
    }
    match outcome {
        Outcome::Succeeded(Scored::Done(mut result)) => {
            result.output = result.output.map(|text| pii.output_for_storage(&text));
            result.error = result.error.map(|text| pii.for_storage(&text));
            for verdict in &mut result.verdicts {
                verdict.reason = pii.output_for_storage(&verdict.reason);
                verdict.error = verdict.error.as_deref().map(|text| pii.for_storage(text));
            }
            Outcome::Succeeded(Scored::Done(result))
        }
        Outcome::Failed(error) => Outcome::Failed(pii.for_storage(&error)),
        other => other,
    }
}
