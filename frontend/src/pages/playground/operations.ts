import { graphql } from '../../gql';

export const PlaygroundPromptsQuery = graphql(`
  query PlaygroundPrompts($orgId: ID!) {
    prompts(orgId: $orgId, first: 100) {
      totalCount
      nodes {
        id
        name
      }
    }
  }
`);

export const PlaygroundPromptQuery = graphql(`
  query PlaygroundPrompt($id: ID!) {
    prompt(id: $id) {
      id
      name
      labels {
        name
        version
      }
      versions(first: 100) {
        nodes {
          id
          version
          commitMessage
        }
      }
    }
  }
`);

export const PlaygroundVersionQuery = graphql(`
  query PlaygroundVersion($id: ID!, $number: Int, $label: String) {
    prompt(id: $id) {
      id
      version(number: $number, label: $label) {
        id
        version
        variables
        messages {
          role
          content
        }
        model {
          provider
          model
          temperature
          maxTokens
          topP
          stop
          extra
        }
      }
    }
  }
`);

export const PlaygroundExecuteMutation = graphql(`
  mutation PlaygroundExecute($promptId: ID!, $input: ExecutePromptInput!) {
    executePrompt(promptId: $promptId, input: $input) {
      id
      status
    }
  }
`);

export const PlaygroundHistoryQuery = graphql(`
  query PlaygroundHistory($orgId: ID!, $promptId: ID!) {
    executions(orgId: $orgId, promptId: $promptId, first: 10) {
      totalCount
      nodes {
        ...ExecutionsRow
      }
    }
  }
`);
