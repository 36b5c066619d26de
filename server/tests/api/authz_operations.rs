//! The authorization matrix's table: every query, mutation and subscription with the rule
//! that decides who may run it (`authz_matrix` runs them all).

use promptops::authz::Permission;
use promptops::authz::permissions as p;

#[derive(Clone, Copy, Debug)]
pub enum Rule {
    /// Open to anyone (signing up and in).
    Public,
    /// Needs a user session; an API key is FORBIDDEN.
    UserSession,
    /// Needs the permission in the organization the operation touches.
    Needs(Permission),
    /// Answers an invitation: needs a user session (an API key is FORBIDDEN) and an
    /// invitation addressed to the caller — someone else's is NOT_FOUND.
    Invitee,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Query,
    Mutation,
    Subscription,
}

pub const OPERATIONS: &[(&str, Kind, Rule)] = &[
    ("me", Kind::Query, Rule::UserSession),
    (
        "organization",
        Kind::Query,
        Rule::Needs(p::ORGANIZATION_READ),
    ),
    (
        "setOrganizationLimits",
        Kind::Mutation,
        Rule::Needs(p::ORGANIZATION_MANAGE),
    ),
    ("members", Kind::Query, Rule::Needs(p::MEMBER_READ)),
    ("apiKeys", Kind::Query, Rule::Needs(p::API_KEY_READ)),
    ("roles", Kind::Query, Rule::Needs(p::ROLE_READ)),
    ("auditEvents", Kind::Query, Rule::Needs(p::AUDIT_READ)),
    (
        "retentionPolicy",
        Kind::Query,
        Rule::Needs(p::ORGANIZATION_READ),
    ),
    (
        "updateRetentionPolicy",
        Kind::Mutation,
        Rule::Needs(p::RETENTION_MANAGE),
    ),
    ("archives", Kind::Query, Rule::Needs(p::ARCHIVE_READ)),
    ("archiveRecords", Kind::Query, Rule::Needs(p::ARCHIVE_READ)),
    (
        "restoreArchive",
        Kind::Mutation,
        Rule::Needs(p::ARCHIVE_READ),
    ),
    ("signUp", Kind::Mutation, Rule::Public),
    ("login", Kind::Mutation, Rule::Public),
    ("refreshToken", Kind::Mutation, Rule::Public),
    ("logout", Kind::Mutation, Rule::Public),
    ("createOrganization", Kind::Mutation, Rule::UserSession),
    ("addMember", Kind::Mutation, Rule::Needs(p::MEMBER_MANAGE)),
    ("invitations", Kind::Query, Rule::Needs(p::MEMBER_MANAGE)),
    (
        "revokeInvitation",
        Kind::Mutation,
        Rule::Needs(p::MEMBER_MANAGE),
    ),
    ("acceptInvitation", Kind::Mutation, Rule::Invitee),
    ("declineInvitation", Kind::Mutation, Rule::Invitee),
    (
        "updateMemberRole",
        Kind::Mutation,
        Rule::Needs(p::MEMBER_MANAGE),
    ),
    (
        "removeMember",
        Kind::Mutation,
        Rule::Needs(p::MEMBER_MANAGE),
    ),
    ("createRole", Kind::Mutation, Rule::Needs(p::ROLE_MANAGE)),
    (
        "createApiKey",
        Kind::Mutation,
        Rule::Needs(p::API_KEY_MANAGE),
    ),
    (
        "revokeApiKey",
        Kind::Mutation,
        Rule::Needs(p::API_KEY_MANAGE),
    ),
    (
        "auditEventAdded",
        Kind::Subscription,
        Rule::Needs(p::AUDIT_READ),
    ),
    ("prompts", Kind::Query, Rule::Needs(p::PROMPT_READ)),
    ("prompt", Kind::Query, Rule::Needs(p::PROMPT_READ)),
    ("node", Kind::Query, Rule::Needs(p::PROMPT_READ)),
    ("promptVersion", Kind::Query, Rule::Needs(p::PROMPT_READ)),
    (
        "diffPromptVersions",
        Kind::Query,
        Rule::Needs(p::PROMPT_READ),
    ),
    ("renderPrompt", Kind::Query, Rule::Needs(p::PROMPT_READ)),
    ("createPrompt", Kind::Mutation, Rule::Needs(p::PROMPT_WRITE)),
    ("updatePrompt", Kind::Mutation, Rule::Needs(p::PROMPT_WRITE)),
    (
        "deletePrompt",
        Kind::Mutation,
        Rule::Needs(p::PROMPT_DELETE),
    ),
    (
        "createPromptVersion",
        Kind::Mutation,
        Rule::Needs(p::PROMPT_WRITE),
    ),
    // Moving `production` is a deployment; any other label is an edit.
    (
        "setPromptLabel",
        Kind::Mutation,
        Rule::Needs(p::PROMPT_DEPLOY),
    ),
    (
        "removePromptLabel",
        Kind::Mutation,
        Rule::Needs(p::PROMPT_WRITE),
    ),
    ("execution", Kind::Query, Rule::Needs(p::EXECUTION_READ)),
    ("executions", Kind::Query, Rule::Needs(p::EXECUTION_READ)),
    (
        "executePrompt",
        Kind::Mutation,
        Rule::Needs(p::EXECUTION_EXECUTE),
    ),
    (
        "cancelExecution",
        Kind::Mutation,
        Rule::Needs(p::EXECUTION_EXECUTE),
    ),
    (
        "executionEvents",
        Kind::Subscription,
        Rule::Needs(p::EXECUTION_READ),
    ),
    (
        "orgExecutionUpdates",
        Kind::Subscription,
        Rule::Needs(p::EXECUTION_READ),
    ),
    (
        "validateWorkflow",
        Kind::Query,
        Rule::Needs(p::WORKFLOW_WRITE),
    ),
    ("workflows", Kind::Query, Rule::Needs(p::WORKFLOW_READ)),
    ("workflow", Kind::Query, Rule::Needs(p::WORKFLOW_READ)),
    (
        "createWorkflow",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_WRITE),
    ),
    (
        "updateWorkflow",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_WRITE),
    ),
    (
        "deleteWorkflow",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_DELETE),
    ),
    (
        "createWorkflowVersion",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_WRITE),
    ),
    (
        "importWorkflowVersion",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_WRITE),
    ),
    // As for prompts: moving `production` is a deployment; any other label is an edit.
    (
        "setWorkflowLabel",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_DEPLOY),
    ),
    (
        "removeWorkflowLabel",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_WRITE),
    ),
    ("workflowRun", Kind::Query, Rule::Needs(p::WORKFLOW_READ)),
    ("workflowRuns", Kind::Query, Rule::Needs(p::WORKFLOW_READ)),
    (
        "runWorkflow",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_EXECUTE),
    ),
    (
        "cancelWorkflowRun",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_EXECUTE),
    ),
    (
        "resumeWorkflowRun",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_EXECUTE),
    ),
    (
        "retryWorkflowRun",
        Kind::Mutation,
        Rule::Needs(p::WORKFLOW_EXECUTE),
    ),
    (
        "workflowRunEvents",
        Kind::Subscription,
        Rule::Needs(p::WORKFLOW_READ),
    ),
    (
        "orgWorkflowRunUpdates",
        Kind::Subscription,
        Rule::Needs(p::WORKFLOW_READ),
    ),
    ("datasets", Kind::Query, Rule::Needs(p::DATASET_READ)),
    ("dataset", Kind::Query, Rule::Needs(p::DATASET_READ)),
    ("exportDataset", Kind::Query, Rule::Needs(p::DATASET_READ)),
    (
        "createDataset",
        Kind::Mutation,
        Rule::Needs(p::DATASET_WRITE),
    ),
    (
        "updateDataset",
        Kind::Mutation,
        Rule::Needs(p::DATASET_WRITE),
    ),
    (
        "deleteDataset",
        Kind::Mutation,
        Rule::Needs(p::DATASET_DELETE),
    ),
    (
        "addDatasetItems",
        Kind::Mutation,
        Rule::Needs(p::DATASET_WRITE),
    ),
    (
        "updateDatasetItem",
        Kind::Mutation,
        Rule::Needs(p::DATASET_WRITE),
    ),
    (
        "deleteDatasetItems",
        Kind::Mutation,
        Rule::Needs(p::DATASET_WRITE),
    ),
    (
        "importDatasetItems",
        Kind::Mutation,
        Rule::Needs(p::DATASET_WRITE),
    ),
    (
        "evaluationRun",
        Kind::Query,
        Rule::Needs(p::EVALUATION_READ),
    ),
    (
        "evaluationRuns",
        Kind::Query,
        Rule::Needs(p::EVALUATION_READ),
    ),
    (
        "compareEvaluationRuns",
        Kind::Query,
        Rule::Needs(p::EVALUATION_READ),
    ),
    ("evaluators", Kind::Query, Rule::Needs(p::EVALUATION_READ)),
    (
        "runEvaluation",
        Kind::Mutation,
        Rule::Needs(p::EVALUATION_EXECUTE),
    ),
    (
        "cancelEvaluationRun",
        Kind::Mutation,
        Rule::Needs(p::EVALUATION_EXECUTE),
    ),
    (
        "createEvaluator",
        Kind::Mutation,
        Rule::Needs(p::EVALUATION_EXECUTE),
    ),
    (
        "updateEvaluator",
        Kind::Mutation,
        Rule::Needs(p::EVALUATION_EXECUTE),
    ),
    (
        "deleteEvaluator",
        Kind::Mutation,
        Rule::Needs(p::EVALUATION_EXECUTE),
    ),
    (
        "evaluationRunEvents",
        Kind::Subscription,
        Rule::Needs(p::EVALUATION_READ),
    ),
    (
        "providerCredentials",
        Kind::Query,
        Rule::Needs(p::CREDENTIAL_MANAGE),
    ),
    (
        "setProviderCredential",
        Kind::Mutation,
        Rule::Needs(p::CREDENTIAL_MANAGE),
    ),
    (
        "deleteProviderCredential",
        Kind::Mutation,
        Rule::Needs(p::CREDENTIAL_MANAGE),
    ),
    (
        "setPiiPolicy",
        Kind::Mutation,
        Rule::Needs(p::PII_POLICY_MANAGE),
    ),
];
