//! The request the authorization matrix sends for each operation, with whatever it needs
//! created first in the target organization.

use serde_json::{Value, json};

use crate::helpers::{CREATE_PROMPT, Session, TestApp, prompt_input};

/// An organization with its owner, the target of an operation.
pub struct Org {
    pub owner: Session,
    pub id: String,
}

/// A GraphQL document and its variables.
pub struct Request(pub String, pub Value);

/// Builds the request for `op` against `org`, creating what it needs there first.
pub async fn request(app: &TestApp, op: &str, org: &Org) -> Request {
    let id = &org.id;
    let unique = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    match op {
        "me" => Request("{ me { id } }".into(), json!({})),
        "organization" => Request("query($id: ID!) { organization(id: $id) { id name } }".into(), json!({ "id": id })),
        "setOrganizationLimits" => Request(
            "mutation($org: ID!) { setOrganizationLimits(orgId: $org, input: {executionsEnforcement: HARD}) { requestsPerMinute } }".into(),
            json!({ "org": id }),
        ),
        "members" => Request("query($org: ID!) { members(orgId: $org) { role } }".into(), json!({ "org": id })),
        "apiKeys" => Request("query($org: ID!) { apiKeys(orgId: $org) { id } }".into(), json!({ "org": id })),
        "roles" => Request("query($org: ID!) { roles(orgId: $org) { name } }".into(), json!({ "org": id })),
        "auditEvents" => Request("query($org: ID!) { auditEvents(orgId: $org) { edges { cursor } } }".into(), json!({ "org": id })),
        "createOrganization" => Request(
            "mutation($name: String!) { createOrganization(input: {name: $name}) { id } }".into(),
            json!({ "name": format!("Org {unique}") }),
        ),
        "addMember" => {
            let newcomer = app.sign_up("newcomer").await;
            Request(
                "mutation($org: ID!, $email: String!) { addMember(orgId: $org, input: {email: $email, role: \"viewer\"}) { role } }".into(),
                json!({ "org": id, "email": newcomer.email }),
            )
        }
        "invitations" => Request(
            "query($org: ID!) { invitations(orgId: $org) { id } }".into(),
            json!({ "org": id }),
        ),
        // Addressed to someone else, whoever the caller is.
        "revokeInvitation" | "acceptInvitation" | "declineInvitation" => {
            let invitation = app
                .invite(&org.owner, id, &format!("invitee-{unique}@example.com"), "viewer")
                .await;
            let query = match op {
                "revokeInvitation" => "mutation($id: ID!) { revokeInvitation(id: $id) { status } }",
                "acceptInvitation" => "mutation($id: ID!) { acceptInvitation(id: $id) { status } }",
                _ => "mutation($id: ID!) { declineInvitation(id: $id) { status } }",
            };
            Request(query.into(), json!({ "id": invitation }))
        }
        "updateMemberRole" | "removeMember" => {
            let member = app.sign_up("member").await;
            app.add_member(&org.owner, id, &member, "viewer").await;
            let query = if op == "removeMember" {
                "mutation($org: ID!, $user: ID!) { removeMember(orgId: $org, userId: $user) }"
            } else {
                "mutation($org: ID!, $user: ID!) { updateMemberRole(orgId: $org, input: {userId: $user, role: \"editor\"}) { role } }"
            };
            Request(query.into(), json!({ "org": id, "user": member.user_id }))
        }
        "createRole" => Request(
            "mutation($org: ID!, $name: String!) { createRole(orgId: $org, input: {name: $name, permissions: [\"prompt:read\"]}) { name } }".into(),
            json!({ "org": id, "name": format!("r-{unique}") }),
        ),
        "createApiKey" => Request(
            "mutation($org: ID!) { createApiKey(orgId: $org, input: {name: \"k\", role: \"viewer\"}) { secret } }".into(),
            json!({ "org": id }),
        ),
        "revokeApiKey" => {
            let (_, key_id) = app.api_key(&org.owner, id, "viewer").await;
            Request("mutation($id: ID!) { revokeApiKey(id: $id) { id } }".into(), json!({ "id": key_id }))
        }
        "auditEventAdded" => Request(
            "subscription($org: ID!) { auditEventAdded(orgId: $org) { action } }".into(),
            json!({ "org": id }),
        ),
        "prompts" => Request(
            "query($org: ID!) { prompts(orgId: $org) { totalCount } }".into(),
            json!({ "org": id }),
        ),
        "prompt" | "node" | "promptVersion" | "diffPromptVersions" | "renderPrompt" | "updatePrompt" | "deletePrompt"
        | "createPromptVersion" | "setPromptLabel" | "removePromptLabel" => {
            let (prompt, version) = app.create_prompt(&org.owner, id, &format!("p {unique}")).await;
            if op == "removePromptLabel" {
                app.ok(
                    Some(&org.owner.token),
                    "mutation($p: ID!) { setPromptLabel(promptId: $p, input: {label: \"staging\", version: 1}) { name } }",
                    json!({ "p": prompt }),
                )
                .await;
            }
            let vars = json!({ "p": prompt, "v": version, "input": prompt_input("again", "Bye {{ name }}")["version"] });
            let query = match op {
                "prompt" => "query($p: ID!) { prompt(id: $p) { id labels { name } } }",
                "node" => "query($p: ID!) { node(id: $p) { id ... on Prompt { name } } }",
                "promptVersion" => "query($v: ID!) { promptVersion(id: $v) { id } }",
                "diffPromptVersions" => "query($v: ID!) { diffPromptVersions(a: $v, b: $v) { modelChanges { field } } }",
                "renderPrompt" => "query($p: ID!) { renderPrompt(promptId: $p, variables: {name: \"x\"}) { messages { content } } }",
                "updatePrompt" => "mutation($p: ID!) { updatePrompt(id: $p, input: {description: \"new\"}) { id } }",
                "deletePrompt" => "mutation($p: ID!) { deletePrompt(id: $p) }",
                "createPromptVersion" => "mutation($p: ID!, $input: PromptVersionInput!) { createPromptVersion(promptId: $p, input: $input) { version } }",
                "setPromptLabel" => "mutation($p: ID!) { setPromptLabel(promptId: $p, input: {label: \"production\", version: 1}) { name } }",
                _ => "mutation($p: ID!) { removePromptLabel(promptId: $p, label: \"staging\") }",
            };
            Request(query.into(), vars)
        }
        "execution" | "cancelExecution" | "executionEvents" | "executePrompt" | "orgExecutionUpdates" => {
            let (prompt, _) = app.create_prompt(&org.owner, id, &format!("p {unique}")).await;
            let executed = app
                .ok(
                    Some(&org.owner.token),
                    "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: \"x\"}}) { id } }",
                    json!({ "p": prompt }),
                )
                .await;
            let execution = executed["executePrompt"]["id"].clone();
            // `p` also tells `outcome` to run the prompt once more, for subscriptions to see.
            let vars = json!({ "e": execution, "p": prompt, "org": id });
            let query = match op {
                "execution" => "query($e: ID!) { execution(id: $e) { id status } }",
                "cancelExecution" => "mutation($e: ID!) { cancelExecution(id: $e) { status } }",
                "executionEvents" => "subscription($e: ID!) { executionEvents(executionId: $e) { seq type } }",
                "executePrompt" => "mutation($p: ID!) { executePrompt(promptId: $p, input: {variables: {name: \"y\"}}) { id } }",
                _ => "subscription($org: ID!) { orgExecutionUpdates(orgId: $org) { id status } }",
            };
            Request(query.into(), vars)
        }
        "executions" => Request(
            "query($org: ID!) { executions(orgId: $org) { totalCount } }".into(),
            json!({ "org": id }),
        ),
        "validateWorkflow" => Request(
            "query($org: ID!) { validateWorkflow(orgId: $org, definition: {nodes: [{key: \"a\", step: {template: {template: \"x\"}}}], output: \"{{ nodes.a.output }}\"}) { valid } }".into(),
            json!({ "org": id }),
        ),
        "providerCredentials" => Request(
            "query($org: ID!) { providerCredentials(orgId: $org) { provider keyHint } }".into(),
            json!({ "org": id }),
        ),
        "setProviderCredential" | "deleteProviderCredential" => {
            let query = if op == "setProviderCredential" {
                "mutation($org: ID!) { setProviderCredential(orgId: $org, input: {provider: OPENAI, apiKey: \"sk-matrix-0000\"}) { keyHint } }"
            } else {
                "mutation($org: ID!) { deleteProviderCredential(orgId: $org, provider: OPENAI) }"
            };
            Request(query.into(), json!({ "org": id }))
        }
        "setPiiPolicy" => Request(
            "mutation($org: ID!) { setPiiPolicy(orgId: $org, input: {mode: OFF}) { mode } }".into(),
            json!({ "org": id }),
        ),
        "createPrompt" => Request(
            CREATE_PROMPT.into(),
            json!({ "org": id, "input": prompt_input(&format!("new {unique}"), "Hi") }),
        ),
        "workflows" | "workflow" | "createWorkflow" | "updateWorkflow" | "deleteWorkflow"
        | "createWorkflowVersion" | "importWorkflowVersion" | "setWorkflowLabel"
        | "removeWorkflowLabel" => crate::authz_workflow_requests::request(app, op, org).await,
        "workflowRun" | "workflowRuns" | "runWorkflow" | "cancelWorkflowRun"
        | "resumeWorkflowRun" | "retryWorkflowRun" | "workflowRunEvents"
        | "orgWorkflowRunUpdates" => crate::authz_workflow_requests::run_request(app, op, org).await,
        "evaluationRun" | "evaluationRuns" | "compareEvaluationRuns" | "evaluators"
        | "runEvaluation" | "cancelEvaluationRun" | "createEvaluator" | "updateEvaluator"
        | "deleteEvaluator" | "evaluationRunEvents" => {
            crate::authz_evaluation_requests::request(app, op, org).await
        }
        "datasets" | "dataset" | "exportDataset" | "createDataset" | "updateDataset"
        | "deleteDataset" | "addDatasetItems" | "updateDatasetItem" | "deleteDatasetItems"
        | "importDatasetItems" => crate::authz_dataset_requests::request(app, op, org).await,
        "retentionPolicy" | "updateRetentionPolicy" | "archives" | "restoreArchive"
        | "archiveRecords" => crate::authz_retention_requests::request(app, op, org).await,
        other => panic!("the matrix has no request for `{other}`: add one"),
    }
}
