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
    "\n  fragment ExecutionsRow on Execution {\n    id\n    status\n    createdAt\n    finishedAt\n    latencyMs\n    tokensIn\n    tokensOut\n    costUsd\n    cached\n    prompt {\n      id\n      name\n    }\n    version {\n      id\n      version\n    }\n  }\n": typeof types.ExecutionsRowFragmentDoc,
    "\n  query ExecutionsList($orgId: ID!, $status: ExecutionStatus, $promptId: ID, $first: Int!, $after: String) {\n    executions(orgId: $orgId, status: $status, promptId: $promptId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...ExecutionsRow\n      }\n    }\n  }\n": typeof types.ExecutionsListDocument,
    "\n  subscription ExecutionsUpdates($orgId: ID!) {\n    orgExecutionUpdates(orgId: $orgId) {\n      ...ExecutionsRow\n    }\n  }\n": typeof types.ExecutionsUpdatesDocument,
    "\n  query ExecutionsDetail($id: ID!) {\n    execution(id: $id) {\n      ...ExecutionsRow\n      variables\n      renderedMessages {\n        role\n        content\n      }\n      output\n      timeToFirstTokenMs\n      attempts\n      error\n      finishReason\n      startedAt\n      createdBy {\n        id\n        name\n      }\n      version {\n        id\n        version\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n        }\n      }\n    }\n  }\n": typeof types.ExecutionsDetailDocument,
    "\n  subscription ExecutionsEvents($executionId: ID!, $after: Int) {\n    executionEvents(executionId: $executionId, after: $after) {\n      seq\n      type\n      token\n      index\n      attempt\n      error\n    }\n  }\n": typeof types.ExecutionsEventsDocument,
    "\n  mutation ExecutionsCancel($id: ID!) {\n    cancelExecution(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.ExecutionsCancelDocument,
    "\n  query PlaygroundPrompts($orgId: ID!) {\n    prompts(orgId: $orgId, first: 100) {\n      totalCount\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": typeof types.PlaygroundPromptsDocument,
    "\n  query PlaygroundPrompt($id: ID!) {\n    prompt(id: $id) {\n      id\n      name\n      labels {\n        name\n        version\n      }\n      versions(first: 100) {\n        nodes {\n          id\n          version\n          commitMessage\n        }\n      }\n    }\n  }\n": typeof types.PlaygroundPromptDocument,
    "\n  query PlaygroundVersion($id: ID!, $number: Int, $label: String) {\n    prompt(id: $id) {\n      id\n      version(number: $number, label: $label) {\n        id\n        version\n        variables\n        messages {\n          role\n          content\n        }\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n          stop\n          extra\n        }\n      }\n    }\n  }\n": typeof types.PlaygroundVersionDocument,
    "\n  mutation PlaygroundExecute($promptId: ID!, $input: ExecutePromptInput!) {\n    executePrompt(promptId: $promptId, input: $input) {\n      id\n      status\n    }\n  }\n": typeof types.PlaygroundExecuteDocument,
    "\n  query PlaygroundHistory($orgId: ID!, $promptId: ID!) {\n    executions(orgId: $orgId, promptId: $promptId, first: 10) {\n      totalCount\n      nodes {\n        ...ExecutionsRow\n      }\n    }\n  }\n": typeof types.PlaygroundHistoryDocument,
    "\n  query PromptsList($orgId: ID!, $first: Int!, $after: String, $search: String, $tag: String) {\n    prompts(orgId: $orgId, first: $first, after: $after, search: $search, tag: $tag) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        slug\n        description\n        tags\n        updatedAt\n        latestVersion {\n          id\n          version\n          model {\n            provider\n            model\n          }\n        }\n        labels {\n          name\n          version\n        }\n      }\n    }\n  }\n": typeof types.PromptsListDocument,
    "\n  mutation PromptsCreate($orgId: ID!, $input: CreatePromptInput!) {\n    createPrompt(orgId: $orgId, input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.PromptsCreateDocument,
    "\n  query PromptsDetail($id: ID!, $first: Int!, $after: String) {\n    prompt(id: $id) {\n      id\n      name\n      slug\n      description\n      tags\n      createdAt\n      updatedAt\n      author {\n        id\n        name\n      }\n      labels {\n        name\n        version\n        updatedAt\n      }\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          version\n          commitMessage\n          createdAt\n          authorApiKeyId\n          author {\n            id\n            name\n          }\n          variables\n          model {\n            provider\n            model\n          }\n        }\n      }\n    }\n  }\n": typeof types.PromptsDetailDocument,
    "\n  mutation PromptsSetLabel($promptId: ID!, $input: SetPromptLabelInput!) {\n    setPromptLabel(promptId: $promptId, input: $input) {\n      name\n      version\n      updatedAt\n    }\n  }\n": typeof types.PromptsSetLabelDocument,
    "\n  mutation PromptsRemoveLabel($promptId: ID!, $label: String!) {\n    removePromptLabel(promptId: $promptId, label: $label)\n  }\n": typeof types.PromptsRemoveLabelDocument,
    "\n  query PromptsLatest($id: ID!) {\n    prompt(id: $id) {\n      id\n      name\n      latestVersion {\n        id\n        version\n        messages {\n          role\n          content\n        }\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n          stop\n          extra\n        }\n      }\n    }\n  }\n": typeof types.PromptsLatestDocument,
    "\n  mutation PromptsCreateVersion($promptId: ID!, $input: PromptVersionInput!) {\n    createPromptVersion(promptId: $promptId, input: $input) {\n      id\n      version\n      promptId\n    }\n  }\n": typeof types.PromptsCreateVersionDocument,
    "\n  query PromptsDiff($a: ID!, $b: ID!) {\n    diffPromptVersions(a: $a, b: $b) {\n      a {\n        id\n        version\n        commitMessage\n      }\n      b {\n        id\n        version\n        commitMessage\n      }\n      messages {\n        index\n        roleA\n        roleB\n        status\n        hunks {\n          kind\n          lines\n        }\n      }\n      modelChanges {\n        field\n        before\n        after\n      }\n    }\n  }\n": typeof types.PromptsDiffDocument,
};
const documents: Documents = {
    "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n": types.LogoutDocument,
    "\n  mutation CreateOrganization($input: CreateOrganizationInput!) {\n    createOrganization(input: $input) {\n      id\n    }\n  }\n": types.CreateOrganizationDocument,
    "\n  query MyOrganizations {\n    me {\n      id\n      email\n      name\n      memberships {\n        role\n        organization {\n          id\n          name\n          slug\n          viewerRole\n          viewerPermissions\n        }\n      }\n      invitations {\n        id\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.MyOrganizationsDocument,
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    user {\n      id\n      email\n      name\n    }\n    organization {\n      id\n    }\n  }\n": types.AuthFieldsFragmentDoc,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthFields\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n": types.LoginDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...AuthFields\n    }\n  }\n": types.SignUpDocument,
    "\n  fragment ExecutionsRow on Execution {\n    id\n    status\n    createdAt\n    finishedAt\n    latencyMs\n    tokensIn\n    tokensOut\n    costUsd\n    cached\n    prompt {\n      id\n      name\n    }\n    version {\n      id\n      version\n    }\n  }\n": types.ExecutionsRowFragmentDoc,
    "\n  query ExecutionsList($orgId: ID!, $status: ExecutionStatus, $promptId: ID, $first: Int!, $after: String) {\n    executions(orgId: $orgId, status: $status, promptId: $promptId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...ExecutionsRow\n      }\n    }\n  }\n": types.ExecutionsListDocument,
    "\n  subscription ExecutionsUpdates($orgId: ID!) {\n    orgExecutionUpdates(orgId: $orgId) {\n      ...ExecutionsRow\n    }\n  }\n": types.ExecutionsUpdatesDocument,
    "\n  query ExecutionsDetail($id: ID!) {\n    execution(id: $id) {\n      ...ExecutionsRow\n      variables\n      renderedMessages {\n        role\n        content\n      }\n      output\n      timeToFirstTokenMs\n      attempts\n      error\n      finishReason\n      startedAt\n      createdBy {\n        id\n        name\n      }\n      version {\n        id\n        version\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n        }\n      }\n    }\n  }\n": types.ExecutionsDetailDocument,
    "\n  subscription ExecutionsEvents($executionId: ID!, $after: Int) {\n    executionEvents(executionId: $executionId, after: $after) {\n      seq\n      type\n      token\n      index\n      attempt\n      error\n    }\n  }\n": types.ExecutionsEventsDocument,
    "\n  mutation ExecutionsCancel($id: ID!) {\n    cancelExecution(id: $id) {\n      id\n      status\n    }\n  }\n": types.ExecutionsCancelDocument,
    "\n  query PlaygroundPrompts($orgId: ID!) {\n    prompts(orgId: $orgId, first: 100) {\n      totalCount\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": types.PlaygroundPromptsDocument,
    "\n  query PlaygroundPrompt($id: ID!) {\n    prompt(id: $id) {\n      id\n      name\n      labels {\n        name\n        version\n      }\n      versions(first: 100) {\n        nodes {\n          id\n          version\n          commitMessage\n        }\n      }\n    }\n  }\n": types.PlaygroundPromptDocument,
    "\n  query PlaygroundVersion($id: ID!, $number: Int, $label: String) {\n    prompt(id: $id) {\n      id\n      version(number: $number, label: $label) {\n        id\n        version\n        variables\n        messages {\n          role\n          content\n        }\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n          stop\n          extra\n        }\n      }\n    }\n  }\n": types.PlaygroundVersionDocument,
    "\n  mutation PlaygroundExecute($promptId: ID!, $input: ExecutePromptInput!) {\n    executePrompt(promptId: $promptId, input: $input) {\n      id\n      status\n    }\n  }\n": types.PlaygroundExecuteDocument,
    "\n  query PlaygroundHistory($orgId: ID!, $promptId: ID!) {\n    executions(orgId: $orgId, promptId: $promptId, first: 10) {\n      totalCount\n      nodes {\n        ...ExecutionsRow\n      }\n    }\n  }\n": types.PlaygroundHistoryDocument,
    "\n  query PromptsList($orgId: ID!, $first: Int!, $after: String, $search: String, $tag: String) {\n    prompts(orgId: $orgId, first: $first, after: $after, search: $search, tag: $tag) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        slug\n        description\n        tags\n        updatedAt\n        latestVersion {\n          id\n          version\n          model {\n            provider\n            model\n          }\n        }\n        labels {\n          name\n          version\n        }\n      }\n    }\n  }\n": types.PromptsListDocument,
    "\n  mutation PromptsCreate($orgId: ID!, $input: CreatePromptInput!) {\n    createPrompt(orgId: $orgId, input: $input) {\n      id\n      name\n    }\n  }\n": types.PromptsCreateDocument,
    "\n  query PromptsDetail($id: ID!, $first: Int!, $after: String) {\n    prompt(id: $id) {\n      id\n      name\n      slug\n      description\n      tags\n      createdAt\n      updatedAt\n      author {\n        id\n        name\n      }\n      labels {\n        name\n        version\n        updatedAt\n      }\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          version\n          commitMessage\n          createdAt\n          authorApiKeyId\n          author {\n            id\n            name\n          }\n          variables\n          model {\n            provider\n            model\n          }\n        }\n      }\n    }\n  }\n": types.PromptsDetailDocument,
    "\n  mutation PromptsSetLabel($promptId: ID!, $input: SetPromptLabelInput!) {\n    setPromptLabel(promptId: $promptId, input: $input) {\n      name\n      version\n      updatedAt\n    }\n  }\n": types.PromptsSetLabelDocument,
    "\n  mutation PromptsRemoveLabel($promptId: ID!, $label: String!) {\n    removePromptLabel(promptId: $promptId, label: $label)\n  }\n": types.PromptsRemoveLabelDocument,
    "\n  query PromptsLatest($id: ID!) {\n    prompt(id: $id) {\n      id\n      name\n      latestVersion {\n        id\n        version\n        messages {\n          role\n          content\n        }\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n          stop\n          extra\n        }\n      }\n    }\n  }\n": types.PromptsLatestDocument,
    "\n  mutation PromptsCreateVersion($promptId: ID!, $input: PromptVersionInput!) {\n    createPromptVersion(promptId: $promptId, input: $input) {\n      id\n      version\n      promptId\n    }\n  }\n": types.PromptsCreateVersionDocument,
    "\n  query PromptsDiff($a: ID!, $b: ID!) {\n    diffPromptVersions(a: $a, b: $b) {\n      a {\n        id\n        version\n        commitMessage\n      }\n      b {\n        id\n        version\n        commitMessage\n      }\n      messages {\n        index\n        roleA\n        roleB\n        status\n        hunks {\n          kind\n          lines\n        }\n      }\n      modelChanges {\n        field\n        before\n        after\n      }\n    }\n  }\n": types.PromptsDiffDocument,
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
export function graphql(source: "\n  fragment ExecutionsRow on Execution {\n    id\n    status\n    createdAt\n    finishedAt\n    latencyMs\n    tokensIn\n    tokensOut\n    costUsd\n    cached\n    prompt {\n      id\n      name\n    }\n    version {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  fragment ExecutionsRow on Execution {\n    id\n    status\n    createdAt\n    finishedAt\n    latencyMs\n    tokensIn\n    tokensOut\n    costUsd\n    cached\n    prompt {\n      id\n      name\n    }\n    version {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExecutionsList($orgId: ID!, $status: ExecutionStatus, $promptId: ID, $first: Int!, $after: String) {\n    executions(orgId: $orgId, status: $status, promptId: $promptId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...ExecutionsRow\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExecutionsList($orgId: ID!, $status: ExecutionStatus, $promptId: ID, $first: Int!, $after: String) {\n    executions(orgId: $orgId, status: $status, promptId: $promptId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...ExecutionsRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ExecutionsUpdates($orgId: ID!) {\n    orgExecutionUpdates(orgId: $orgId) {\n      ...ExecutionsRow\n    }\n  }\n"): (typeof documents)["\n  subscription ExecutionsUpdates($orgId: ID!) {\n    orgExecutionUpdates(orgId: $orgId) {\n      ...ExecutionsRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExecutionsDetail($id: ID!) {\n    execution(id: $id) {\n      ...ExecutionsRow\n      variables\n      renderedMessages {\n        role\n        content\n      }\n      output\n      timeToFirstTokenMs\n      attempts\n      error\n      finishReason\n      startedAt\n      createdBy {\n        id\n        name\n      }\n      version {\n        id\n        version\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExecutionsDetail($id: ID!) {\n    execution(id: $id) {\n      ...ExecutionsRow\n      variables\n      renderedMessages {\n        role\n        content\n      }\n      output\n      timeToFirstTokenMs\n      attempts\n      error\n      finishReason\n      startedAt\n      createdBy {\n        id\n        name\n      }\n      version {\n        id\n        version\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ExecutionsEvents($executionId: ID!, $after: Int) {\n    executionEvents(executionId: $executionId, after: $after) {\n      seq\n      type\n      token\n      index\n      attempt\n      error\n    }\n  }\n"): (typeof documents)["\n  subscription ExecutionsEvents($executionId: ID!, $after: Int) {\n    executionEvents(executionId: $executionId, after: $after) {\n      seq\n      type\n      token\n      index\n      attempt\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExecutionsCancel($id: ID!) {\n    cancelExecution(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ExecutionsCancel($id: ID!) {\n    cancelExecution(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlaygroundPrompts($orgId: ID!) {\n    prompts(orgId: $orgId, first: 100) {\n      totalCount\n      nodes {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query PlaygroundPrompts($orgId: ID!) {\n    prompts(orgId: $orgId, first: 100) {\n      totalCount\n      nodes {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlaygroundPrompt($id: ID!) {\n    prompt(id: $id) {\n      id\n      name\n      labels {\n        name\n        version\n      }\n      versions(first: 100) {\n        nodes {\n          id\n          version\n          commitMessage\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PlaygroundPrompt($id: ID!) {\n    prompt(id: $id) {\n      id\n      name\n      labels {\n        name\n        version\n      }\n      versions(first: 100) {\n        nodes {\n          id\n          version\n          commitMessage\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlaygroundVersion($id: ID!, $number: Int, $label: String) {\n    prompt(id: $id) {\n      id\n      version(number: $number, label: $label) {\n        id\n        version\n        variables\n        messages {\n          role\n          content\n        }\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n          stop\n          extra\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PlaygroundVersion($id: ID!, $number: Int, $label: String) {\n    prompt(id: $id) {\n      id\n      version(number: $number, label: $label) {\n        id\n        version\n        variables\n        messages {\n          role\n          content\n        }\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n          stop\n          extra\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PlaygroundExecute($promptId: ID!, $input: ExecutePromptInput!) {\n    executePrompt(promptId: $promptId, input: $input) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation PlaygroundExecute($promptId: ID!, $input: ExecutePromptInput!) {\n    executePrompt(promptId: $promptId, input: $input) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlaygroundHistory($orgId: ID!, $promptId: ID!) {\n    executions(orgId: $orgId, promptId: $promptId, first: 10) {\n      totalCount\n      nodes {\n        ...ExecutionsRow\n      }\n    }\n  }\n"): (typeof documents)["\n  query PlaygroundHistory($orgId: ID!, $promptId: ID!) {\n    executions(orgId: $orgId, promptId: $promptId, first: 10) {\n      totalCount\n      nodes {\n        ...ExecutionsRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PromptsList($orgId: ID!, $first: Int!, $after: String, $search: String, $tag: String) {\n    prompts(orgId: $orgId, first: $first, after: $after, search: $search, tag: $tag) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        slug\n        description\n        tags\n        updatedAt\n        latestVersion {\n          id\n          version\n          model {\n            provider\n            model\n          }\n        }\n        labels {\n          name\n          version\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PromptsList($orgId: ID!, $first: Int!, $after: String, $search: String, $tag: String) {\n    prompts(orgId: $orgId, first: $first, after: $after, search: $search, tag: $tag) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        slug\n        description\n        tags\n        updatedAt\n        latestVersion {\n          id\n          version\n          model {\n            provider\n            model\n          }\n        }\n        labels {\n          name\n          version\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PromptsCreate($orgId: ID!, $input: CreatePromptInput!) {\n    createPrompt(orgId: $orgId, input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation PromptsCreate($orgId: ID!, $input: CreatePromptInput!) {\n    createPrompt(orgId: $orgId, input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PromptsDetail($id: ID!, $first: Int!, $after: String) {\n    prompt(id: $id) {\n      id\n      name\n      slug\n      description\n      tags\n      createdAt\n      updatedAt\n      author {\n        id\n        name\n      }\n      labels {\n        name\n        version\n        updatedAt\n      }\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          version\n          commitMessage\n          createdAt\n          authorApiKeyId\n          author {\n            id\n            name\n          }\n          variables\n          model {\n            provider\n            model\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PromptsDetail($id: ID!, $first: Int!, $after: String) {\n    prompt(id: $id) {\n      id\n      name\n      slug\n      description\n      tags\n      createdAt\n      updatedAt\n      author {\n        id\n        name\n      }\n      labels {\n        name\n        version\n        updatedAt\n      }\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          version\n          commitMessage\n          createdAt\n          authorApiKeyId\n          author {\n            id\n            name\n          }\n          variables\n          model {\n            provider\n            model\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PromptsSetLabel($promptId: ID!, $input: SetPromptLabelInput!) {\n    setPromptLabel(promptId: $promptId, input: $input) {\n      name\n      version\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation PromptsSetLabel($promptId: ID!, $input: SetPromptLabelInput!) {\n    setPromptLabel(promptId: $promptId, input: $input) {\n      name\n      version\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PromptsRemoveLabel($promptId: ID!, $label: String!) {\n    removePromptLabel(promptId: $promptId, label: $label)\n  }\n"): (typeof documents)["\n  mutation PromptsRemoveLabel($promptId: ID!, $label: String!) {\n    removePromptLabel(promptId: $promptId, label: $label)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PromptsLatest($id: ID!) {\n    prompt(id: $id) {\n      id\n      name\n      latestVersion {\n        id\n        version\n        messages {\n          role\n          content\n        }\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n          stop\n          extra\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PromptsLatest($id: ID!) {\n    prompt(id: $id) {\n      id\n      name\n      latestVersion {\n        id\n        version\n        messages {\n          role\n          content\n        }\n        model {\n          provider\n          model\n          temperature\n          maxTokens\n          topP\n          stop\n          extra\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PromptsCreateVersion($promptId: ID!, $input: PromptVersionInput!) {\n    createPromptVersion(promptId: $promptId, input: $input) {\n      id\n      version\n      promptId\n    }\n  }\n"): (typeof documents)["\n  mutation PromptsCreateVersion($promptId: ID!, $input: PromptVersionInput!) {\n    createPromptVersion(promptId: $promptId, input: $input) {\n      id\n      version\n      promptId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PromptsDiff($a: ID!, $b: ID!) {\n    diffPromptVersions(a: $a, b: $b) {\n      a {\n        id\n        version\n        commitMessage\n      }\n      b {\n        id\n        version\n        commitMessage\n      }\n      messages {\n        index\n        roleA\n        roleB\n        status\n        hunks {\n          kind\n          lines\n        }\n      }\n      modelChanges {\n        field\n        before\n        after\n      }\n    }\n  }\n"): (typeof documents)["\n  query PromptsDiff($a: ID!, $b: ID!) {\n    diffPromptVersions(a: $a, b: $b) {\n      a {\n        id\n        version\n        commitMessage\n      }\n      b {\n        id\n        version\n        commitMessage\n      }\n      messages {\n        index\n        roleA\n        roleB\n        status\n        hunks {\n          kind\n          lines\n        }\n      }\n      modelChanges {\n        field\n        before\n        after\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;