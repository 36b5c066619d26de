// The workflows area's GraphQL operations.
import { graphql } from '../../gql';

export const WorkflowsListQuery = graphql(`
  query WorkflowsList($orgId: ID!, $first: Int!, $after: String, $search: String) {
    workflows(orgId: $orgId, first: $first, after: $after, search: $search) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id name slug description updatedAt latestVersion { version } labels { name version } }
    }
  }
`);

export const WorkflowsCreateMutation = graphql(`
  mutation WorkflowsCreate($orgId: ID!, $input: CreateWorkflowInput!) {
    createWorkflow(orgId: $orgId, input: $input) { id name }
  }
`);

export const WorkflowsDetailQuery = graphql(`
  query WorkflowsDetail($id: ID!) {
    workflow(id: $id) {
      id
      name
      slug
      description
      latestVersion { version }
      labels { name version }
      versions(first: 50) { nodes { id version commitMessage createdAt } }
    }
  }
`);

export const WorkflowsVersionQuery = graphql(`
  query WorkflowsVersion($id: ID!, $number: Int) {
    workflow(id: $id) {
      id
      name
      version(number: $number) { id version commitMessage definitionJson inputs { name type required } }
    }
  }
`);

export const WorkflowsValidateQuery = graphql(`
  query WorkflowsValidate($orgId: ID!, $definition: WorkflowDefinitionInput!) {
    validateWorkflow(orgId: $orgId, definition: $definition) { valid issues { node message } order }
  }
`);

export const WorkflowsSaveVersionMutation = graphql(`
  mutation WorkflowsSaveVersion($workflowId: ID!, $input: WorkflowVersionInput!) {
    createWorkflowVersion(workflowId: $workflowId, input: $input) { id version commitMessage }
  }
`);

export const WorkflowsRunMutation = graphql(`
  mutation WorkflowsRun($workflowId: ID!, $input: RunWorkflowInput!) {
    runWorkflow(workflowId: $workflowId, input: $input) { id status }
  }
`);

export const WorkflowsPromptsQuery = graphql(`
  query WorkflowsPrompts($orgId: ID!) {
    prompts(orgId: $orgId, first: 100) { nodes { id name labels { name version } } }
  }
`);

export const WorkflowsRunQuery = graphql(`
  query WorkflowsRunDetail($id: ID!) {
    workflowRun(id: $id) {
      id
      workflowId
      version
      label
      status
      inputs
      output
      error
      tokensIn
      tokensOut
      costUsd
      latencyMs
      criticalPath
      createdAt
      startedAt
      finishedAt
      nodes {
        id key kind status attempt renderedInput output error defaulted
        tokensIn tokensOut costUsd latencyMs deadline decision
      }
    }
  }
`);

export const WorkflowsRunEventsSubscription = graphql(`
  subscription WorkflowsRunEvents($runId: ID!, $after: Int) {
    workflowRunEvents(runId: $runId, after: $after) { seq type node status attempt index item text error }
  }
`);

export const WorkflowsCancelRunMutation = graphql(`
  mutation WorkflowsCancelRun($id: ID!) { cancelWorkflowRun(id: $id) { id status } }
`);

export const WorkflowsResumeRunMutation = graphql(`
  mutation WorkflowsResumeRun($runId: ID!, $input: ResumeWorkflowRunInput!) {
    resumeWorkflowRun(runId: $runId, input: $input) { id status }
  }
`);

export const WorkflowsRetryRunMutation = graphql(`
  mutation WorkflowsRetryRun($runId: ID!) { retryWorkflowRun(runId: $runId) { id status } }
`);

export const WorkflowsRunsQuery = graphql(`
  query WorkflowsRuns($orgId: ID!, $workflowId: ID, $first: Int!, $after: String) {
    workflowRuns(orgId: $orgId, workflowId: $workflowId, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id workflowId version status createdAt latencyMs costUsd error }
    }
  }
`);

export const WorkflowsRunUpdatesSubscription = graphql(`
  subscription WorkflowsRunUpdates($orgId: ID!) {
    orgWorkflowRunUpdates(orgId: $orgId) { id workflowId version status createdAt latencyMs costUsd error }
  }
`);
