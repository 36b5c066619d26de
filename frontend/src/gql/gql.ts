/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n": typeof types.LogoutDocument,
    "\n  mutation CreateOrganization($input: CreateOrganizationInput!) {\n    createOrganization(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateOrganizationDocument,
    "\n  query MyOrganizations {\n    me {\n      id\n      email\n      name\n      memberships {\n        role\n        organization {\n          id\n          name\n          slug\n          viewerRole\n          viewerPermissions\n        }\n      }\n      invitations {\n        id\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.MyOrganizationsDocument,
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    user {\n      id\n      email\n      name\n    }\n    organization {\n      id\n    }\n  }\n": typeof types.AuthFieldsFragmentDoc,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthFields\n    }\n  }\n": typeof types.RefreshTokenDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...AuthFields\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  query WorkflowsList($orgId: ID!, $first: Int!, $after: String, $search: String) {\n    workflows(orgId: $orgId, first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id name slug description updatedAt latestVersion { version } labels { name version } }\n    }\n  }\n": typeof types.WorkflowsListDocument,
    "\n  mutation WorkflowsCreate($orgId: ID!, $input: CreateWorkflowInput!) {\n    createWorkflow(orgId: $orgId, input: $input) { id name }\n  }\n": typeof types.WorkflowsCreateDocument,
    "\n  query WorkflowsDetail($id: ID!) {\n    workflow(id: $id) {\n      id\n      name\n      slug\n      description\n      latestVersion { version }\n      labels { name version }\n      versions(first: 50) { nodes { id version commitMessage createdAt } }\n    }\n  }\n": typeof types.WorkflowsDetailDocument,
    "\n  query WorkflowsVersion($id: ID!, $number: Int) {\n    workflow(id: $id) {\n      id\n      name\n      version(number: $number) { id version commitMessage definitionJson inputs { name type required } }\n    }\n  }\n": typeof types.WorkflowsVersionDocument,
    "\n  query WorkflowsValidate($orgId: ID!, $definition: WorkflowDefinitionInput!) {\n    validateWorkflow(orgId: $orgId, definition: $definition) { valid issues { node message } order }\n  }\n": typeof types.WorkflowsValidateDocument,
    "\n  mutation WorkflowsSaveVersion($workflowId: ID!, $input: WorkflowVersionInput!) {\n    createWorkflowVersion(workflowId: $workflowId, input: $input) { id version commitMessage }\n  }\n": typeof types.WorkflowsSaveVersionDocument,
    "\n  mutation WorkflowsRun($workflowId: ID!, $input: RunWorkflowInput!) {\n    runWorkflow(workflowId: $workflowId, input: $input) { id status }\n  }\n": typeof types.WorkflowsRunDocument,
    "\n  query WorkflowsPrompts($orgId: ID!) {\n    prompts(orgId: $orgId, first: 100) { nodes { id name labels { name version } } }\n  }\n": typeof types.WorkflowsPromptsDocument,
    "\n  query WorkflowsRunDetail($id: ID!) {\n    workflowRun(id: $id) {\n      id\n      workflowId\n      version\n      label\n      status\n      inputs\n      output\n      error\n      tokensIn\n      tokensOut\n      costUsd\n      latencyMs\n      criticalPath\n      createdAt\n      startedAt\n      finishedAt\n      nodes {\n        id key kind status attempt renderedInput output error defaulted\n        tokensIn tokensOut costUsd latencyMs deadline decision\n      }\n    }\n  }\n": typeof types.WorkflowsRunDetailDocument,
    "\n  subscription WorkflowsRunEvents($runId: ID!, $after: Int) {\n    workflowRunEvents(runId: $runId, after: $after) { seq type node status attempt index item text error }\n  }\n": typeof types.WorkflowsRunEventsDocument,
    "\n  mutation WorkflowsCancelRun($id: ID!) { cancelWorkflowRun(id: $id) { id status } }\n": typeof types.WorkflowsCancelRunDocument,
    "\n  mutation WorkflowsResumeRun($runId: ID!, $input: ResumeWorkflowRunInput!) {\n    resumeWorkflowRun(runId: $runId, input: $input) { id status }\n  }\n": typeof types.WorkflowsResumeRunDocument,
    "\n  mutation WorkflowsRetryRun($runId: ID!) { retryWorkflowRun(runId: $runId) { id status } }\n": typeof types.WorkflowsRetryRunDocument,
    "\n  query WorkflowsRuns($orgId: ID!, $workflowId: ID, $first: Int!, $after: String) {\n    workflowRuns(orgId: $orgId, workflowId: $workflowId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id workflowId version status createdAt latencyMs costUsd error }\n    }\n  }\n": typeof types.WorkflowsRunsDocument,
    "\n  subscription WorkflowsRunUpdates($orgId: ID!) {\n    orgWorkflowRunUpdates(orgId: $orgId) { id workflowId version status createdAt latencyMs costUsd error }\n  }\n": typeof types.WorkflowsRunUpdatesDocument,
};
const documents: Documents = {
    "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n": types.LogoutDocument,
    "\n  mutation CreateOrganization($input: CreateOrganizationInput!) {\n    createOrganization(input: $input) {\n      id\n    }\n  }\n": types.CreateOrganizationDocument,
    "\n  query MyOrganizations {\n    me {\n      id\n      email\n      name\n      memberships {\n        role\n        organization {\n          id\n          name\n          slug\n          viewerRole\n          viewerPermissions\n        }\n      }\n      invitations {\n        id\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.MyOrganizationsDocument,
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    user {\n      id\n      email\n      name\n    }\n    organization {\n      id\n    }\n  }\n": types.AuthFieldsFragmentDoc,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthFields\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n": types.LoginDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...AuthFields\n    }\n  }\n": types.SignUpDocument,
    "\n  query WorkflowsList($orgId: ID!, $first: Int!, $after: String, $search: String) {\n    workflows(orgId: $orgId, first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id name slug description updatedAt latestVersion { version } labels { name version } }\n    }\n  }\n": types.WorkflowsListDocument,
    "\n  mutation WorkflowsCreate($orgId: ID!, $input: CreateWorkflowInput!) {\n    createWorkflow(orgId: $orgId, input: $input) { id name }\n  }\n": types.WorkflowsCreateDocument,
    "\n  query WorkflowsDetail($id: ID!) {\n    workflow(id: $id) {\n      id\n      name\n      slug\n      description\n      latestVersion { version }\n      labels { name version }\n      versions(first: 50) { nodes { id version commitMessage createdAt } }\n    }\n  }\n": types.WorkflowsDetailDocument,
    "\n  query WorkflowsVersion($id: ID!, $number: Int) {\n    workflow(id: $id) {\n      id\n      name\n      version(number: $number) { id version commitMessage definitionJson inputs { name type required } }\n    }\n  }\n": types.WorkflowsVersionDocument,
    "\n  query WorkflowsValidate($orgId: ID!, $definition: WorkflowDefinitionInput!) {\n    validateWorkflow(orgId: $orgId, definition: $definition) { valid issues { node message } order }\n  }\n": types.WorkflowsValidateDocument,
    "\n  mutation WorkflowsSaveVersion($workflowId: ID!, $input: WorkflowVersionInput!) {\n    createWorkflowVersion(workflowId: $workflowId, input: $input) { id version commitMessage }\n  }\n": types.WorkflowsSaveVersionDocument,
    "\n  mutation WorkflowsRun($workflowId: ID!, $input: RunWorkflowInput!) {\n    runWorkflow(workflowId: $workflowId, input: $input) { id status }\n  }\n": types.WorkflowsRunDocument,
    "\n  query WorkflowsPrompts($orgId: ID!) {\n    prompts(orgId: $orgId, first: 100) { nodes { id name labels { name version } } }\n  }\n": types.WorkflowsPromptsDocument,
    "\n  query WorkflowsRunDetail($id: ID!) {\n    workflowRun(id: $id) {\n      id\n      workflowId\n      version\n      label\n      status\n      inputs\n      output\n      error\n      tokensIn\n      tokensOut\n      costUsd\n      latencyMs\n      criticalPath\n      createdAt\n      startedAt\n      finishedAt\n      nodes {\n        id key kind status attempt renderedInput output error defaulted\n        tokensIn tokensOut costUsd latencyMs deadline decision\n      }\n    }\n  }\n": types.WorkflowsRunDetailDocument,
    "\n  subscription WorkflowsRunEvents($runId: ID!, $after: Int) {\n    workflowRunEvents(runId: $runId, after: $after) { seq type node status attempt index item text error }\n  }\n": types.WorkflowsRunEventsDocument,
    "\n  mutation WorkflowsCancelRun($id: ID!) { cancelWorkflowRun(id: $id) { id status } }\n": types.WorkflowsCancelRunDocument,
    "\n  mutation WorkflowsResumeRun($runId: ID!, $input: ResumeWorkflowRunInput!) {\n    resumeWorkflowRun(runId: $runId, input: $input) { id status }\n  }\n": types.WorkflowsResumeRunDocument,
    "\n  mutation WorkflowsRetryRun($runId: ID!) { retryWorkflowRun(runId: $runId) { id status } }\n": types.WorkflowsRetryRunDocument,
    "\n  query WorkflowsRuns($orgId: ID!, $workflowId: ID, $first: Int!, $after: String) {\n    workflowRuns(orgId: $orgId, workflowId: $workflowId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id workflowId version status createdAt latencyMs costUsd error }\n    }\n  }\n": types.WorkflowsRunsDocument,
    "\n  subscription WorkflowsRunUpdates($orgId: ID!) {\n    orgWorkflowRunUpdates(orgId: $orgId) { id workflowId version status createdAt latencyMs costUsd error }\n  }\n": types.WorkflowsRunUpdatesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n"): (typeof documents)["\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOrganization($input: CreateOrganizationInput!) {\n    createOrganization(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateOrganization($input: CreateOrganizationInput!) {\n    createOrganization(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyOrganizations {\n    me {\n      id\n      email\n      name\n      memberships {\n        role\n        organization {\n          id\n          name\n          slug\n          viewerRole\n          viewerPermissions\n        }\n      }\n      invitations {\n        id\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyOrganizations {\n    me {\n      id\n      email\n      name\n      memberships {\n        role\n        organization {\n          id\n          name\n          slug\n          viewerRole\n          viewerPermissions\n        }\n      }\n      invitations {\n        id\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    user {\n      id\n      email\n      name\n    }\n    organization {\n      id\n    }\n  }\n"): (typeof documents)["\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    user {\n      id\n      email\n      name\n    }\n    organization {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthFields\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...AuthFields\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...AuthFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowsList($orgId: ID!, $first: Int!, $after: String, $search: String) {\n    workflows(orgId: $orgId, first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id name slug description updatedAt latestVersion { version } labels { name version } }\n    }\n  }\n"): (typeof documents)["\n  query WorkflowsList($orgId: ID!, $first: Int!, $after: String, $search: String) {\n    workflows(orgId: $orgId, first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id name slug description updatedAt latestVersion { version } labels { name version } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkflowsCreate($orgId: ID!, $input: CreateWorkflowInput!) {\n    createWorkflow(orgId: $orgId, input: $input) { id name }\n  }\n"): (typeof documents)["\n  mutation WorkflowsCreate($orgId: ID!, $input: CreateWorkflowInput!) {\n    createWorkflow(orgId: $orgId, input: $input) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowsDetail($id: ID!) {\n    workflow(id: $id) {\n      id\n      name\n      slug\n      description\n      latestVersion { version }\n      labels { name version }\n      versions(first: 50) { nodes { id version commitMessage createdAt } }\n    }\n  }\n"): (typeof documents)["\n  query WorkflowsDetail($id: ID!) {\n    workflow(id: $id) {\n      id\n      name\n      slug\n      description\n      latestVersion { version }\n      labels { name version }\n      versions(first: 50) { nodes { id version commitMessage createdAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowsVersion($id: ID!, $number: Int) {\n    workflow(id: $id) {\n      id\n      name\n      version(number: $number) { id version commitMessage definitionJson inputs { name type required } }\n    }\n  }\n"): (typeof documents)["\n  query WorkflowsVersion($id: ID!, $number: Int) {\n    workflow(id: $id) {\n      id\n      name\n      version(number: $number) { id version commitMessage definitionJson inputs { name type required } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowsValidate($orgId: ID!, $definition: WorkflowDefinitionInput!) {\n    validateWorkflow(orgId: $orgId, definition: $definition) { valid issues { node message } order }\n  }\n"): (typeof documents)["\n  query WorkflowsValidate($orgId: ID!, $definition: WorkflowDefinitionInput!) {\n    validateWorkflow(orgId: $orgId, definition: $definition) { valid issues { node message } order }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkflowsSaveVersion($workflowId: ID!, $input: WorkflowVersionInput!) {\n    createWorkflowVersion(workflowId: $workflowId, input: $input) { id version commitMessage }\n  }\n"): (typeof documents)["\n  mutation WorkflowsSaveVersion($workflowId: ID!, $input: WorkflowVersionInput!) {\n    createWorkflowVersion(workflowId: $workflowId, input: $input) { id version commitMessage }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkflowsRun($workflowId: ID!, $input: RunWorkflowInput!) {\n    runWorkflow(workflowId: $workflowId, input: $input) { id status }\n  }\n"): (typeof documents)["\n  mutation WorkflowsRun($workflowId: ID!, $input: RunWorkflowInput!) {\n    runWorkflow(workflowId: $workflowId, input: $input) { id status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowsPrompts($orgId: ID!) {\n    prompts(orgId: $orgId, first: 100) { nodes { id name labels { name version } } }\n  }\n"): (typeof documents)["\n  query WorkflowsPrompts($orgId: ID!) {\n    prompts(orgId: $orgId, first: 100) { nodes { id name labels { name version } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowsRunDetail($id: ID!) {\n    workflowRun(id: $id) {\n      id\n      workflowId\n      version\n      label\n      status\n      inputs\n      output\n      error\n      tokensIn\n      tokensOut\n      costUsd\n      latencyMs\n      criticalPath\n      createdAt\n      startedAt\n      finishedAt\n      nodes {\n        id key kind status attempt renderedInput output error defaulted\n        tokensIn tokensOut costUsd latencyMs deadline decision\n      }\n    }\n  }\n"): (typeof documents)["\n  query WorkflowsRunDetail($id: ID!) {\n    workflowRun(id: $id) {\n      id\n      workflowId\n      version\n      label\n      status\n      inputs\n      output\n      error\n      tokensIn\n      tokensOut\n      costUsd\n      latencyMs\n      criticalPath\n      createdAt\n      startedAt\n      finishedAt\n      nodes {\n        id key kind status attempt renderedInput output error defaulted\n        tokensIn tokensOut costUsd latencyMs deadline decision\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WorkflowsRunEvents($runId: ID!, $after: Int) {\n    workflowRunEvents(runId: $runId, after: $after) { seq type node status attempt index item text error }\n  }\n"): (typeof documents)["\n  subscription WorkflowsRunEvents($runId: ID!, $after: Int) {\n    workflowRunEvents(runId: $runId, after: $after) { seq type node status attempt index item text error }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkflowsCancelRun($id: ID!) { cancelWorkflowRun(id: $id) { id status } }\n"): (typeof documents)["\n  mutation WorkflowsCancelRun($id: ID!) { cancelWorkflowRun(id: $id) { id status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkflowsResumeRun($runId: ID!, $input: ResumeWorkflowRunInput!) {\n    resumeWorkflowRun(runId: $runId, input: $input) { id status }\n  }\n"): (typeof documents)["\n  mutation WorkflowsResumeRun($runId: ID!, $input: ResumeWorkflowRunInput!) {\n    resumeWorkflowRun(runId: $runId, input: $input) { id status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkflowsRetryRun($runId: ID!) { retryWorkflowRun(runId: $runId) { id status } }\n"): (typeof documents)["\n  mutation WorkflowsRetryRun($runId: ID!) { retryWorkflowRun(runId: $runId) { id status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WorkflowsRuns($orgId: ID!, $workflowId: ID, $first: Int!, $after: String) {\n    workflowRuns(orgId: $orgId, workflowId: $workflowId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id workflowId version status createdAt latencyMs costUsd error }\n    }\n  }\n"): (typeof documents)["\n  query WorkflowsRuns($orgId: ID!, $workflowId: ID, $first: Int!, $after: String) {\n    workflowRuns(orgId: $orgId, workflowId: $workflowId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id workflowId version status createdAt latencyMs costUsd error }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WorkflowsRunUpdates($orgId: ID!) {\n    orgWorkflowRunUpdates(orgId: $orgId) { id workflowId version status createdAt latencyMs costUsd error }\n  }\n"): (typeof documents)["\n  subscription WorkflowsRunUpdates($orgId: ID!) {\n    orgWorkflowRunUpdates(orgId: $orgId) { id workflowId version status createdAt latencyMs costUsd error }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;