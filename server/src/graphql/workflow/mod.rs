//! Workflows: versioned DAGs of steps — the definition's typed input, `validateWorkflow`
//! (which answers editors exactly as saving a version will), and workflows, their versions
//! (exported and imported as JSON) and labels.

mod inputs;
pub mod mutation;
pub mod query;
pub mod runs;
mod types;

use async_graphql::SimpleObject;
pub use inputs::*;
pub use types::*;
use workers::workflow::{Issue, Plan};

/// One problem of a definition.
#[derive(SimpleObject)]
pub struct WorkflowIssue {
    /// The key of the node it is about, when it is about one.
    pub node: Option<String>,
    pub message: String,
}

/// What saving a definition would say of it.
#[derive(SimpleObject)]
pub struct WorkflowValidation {
    pub valid: bool,
    /// Every problem at once, each naming its node.
    pub issues: Vec<WorkflowIssue>,
    /// A valid definition's nodes in an order where each comes after its parents; empty when
    /// it is not valid.
    pub order: Vec<String>,
}

impl From<Result<Plan, Vec<Issue>>> for WorkflowValidation {
    fn from(checked: Result<Plan, Vec<Issue>>) -> Self {
        match checked {
            Ok(plan) => WorkflowValidation {
                valid: true,
                issues: Vec::new(),
                order: plan.order,
            },
            Err(issues) => WorkflowValidation {
                valid: false,
                issues: issues
                    .into_iter()
                    .map(|issue| WorkflowIssue {
                        node: issue.node,
                        message: issue.message,
                    })
                    .collect(),
                order: Vec::new(),
            },
        }
    }
}
