import { graphql } from '../../gql';

export const ExecutionsRowFragment = graphql(`
  fragment ExecutionsRow on Execution {
    id
    status
    createdAt
    finishedAt
    latencyMs
    tokensIn
    tokensOut
    costUsd
    cached
    prompt {
      id
      name
    }
    version {
      id
      version
    }
  }
`);

export const ExecutionsListQuery = graphql(`
  query ExecutionsList($orgId: ID!, $status: ExecutionStatus, $promptId: ID, $first: Int!, $after: String) {
    executions(orgId: $orgId, status: $status, promptId: $promptId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...ExecutionsRow
      }
    }
  }
`);

export const ExecutionsUpdatesSubscription = graphql(`
  subscription ExecutionsUpdates($orgId: ID!) {
    orgExecutionUpdates(orgId: $orgId) {
      ...ExecutionsRow
    }
  }
`);

export const ExecutionsDetailQuery = graphql(`
  query ExecutionsDetail($id: ID!) {
    execution(id: $id) {
      ...ExecutionsRow
      variables
      renderedMessages {
        role
        content
      }
      output
      timeToFirstTokenMs
      attempts
      error
      finishReason
      startedAt
      model {
        provider
        model
        temperature
        maxTokens
        topP
        stop
        extra
      }
      createdBy {
        id
        name
      }
      version {
        id
        version
        model {
          provider
          model
          temperature
          maxTokens
          topP
        }
      }
    }
  }
`);

export const ExecutionsEventsSubscription = graphql(`
  subscription ExecutionsEvents($executionId: ID!, $after: Int) {
    executionEvents(executionId: $executionId, after: $after) {
      seq
      type
      token
      index
      attempt
      error
    }
  }
`);

export const ExecutionsCancelMutation = graphql(`
  mutation ExecutionsCancel($id: ID!) {
    cancelExecution(id: $id) {
      id
      status
    }
  }
`);
