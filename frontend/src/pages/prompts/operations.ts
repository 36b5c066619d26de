import { graphql } from '../../gql';

export const PromptsListQuery = graphql(`
  query PromptsList($orgId: ID!, $first: Int!, $after: String, $search: String, $tag: String) {
    prompts(orgId: $orgId, first: $first, after: $after, search: $search, tag: $tag) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        slug
        description
        tags
        updatedAt
        latestVersion {
          id
          version
          model {
            provider
            model
          }
        }
        labels {
          name
          version
        }
      }
    }
  }
`);

export const PromptsCreateMutation = graphql(`
  mutation PromptsCreate($orgId: ID!, $input: CreatePromptInput!) {
    createPrompt(orgId: $orgId, input: $input) {
      id
      name
    }
  }
`);

export const PromptsDetailQuery = graphql(`
  query PromptsDetail($id: ID!, $first: Int!, $after: String) {
    prompt(id: $id) {
      id
      name
      slug
      description
      tags
      createdAt
      updatedAt
      author {
        id
        name
      }
      labels {
        name
        version
        updatedAt
      }
      versions(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          version
          commitMessage
          createdAt
          authorApiKeyId
          author {
            id
            name
          }
          variables
          model {
            provider
            model
          }
        }
      }
    }
  }
`);

export const PromptsSetLabelMutation = graphql(`
  mutation PromptsSetLabel($promptId: ID!, $input: SetPromptLabelInput!) {
    setPromptLabel(promptId: $promptId, input: $input) {
      name
      version
      updatedAt
    }
  }
`);

export const PromptsRemoveLabelMutation = graphql(`
  mutation PromptsRemoveLabel($promptId: ID!, $label: String!) {
    removePromptLabel(promptId: $promptId, label: $label)
  }
`);

export const PromptsLatestQuery = graphql(`
  query PromptsLatest($id: ID!) {
    prompt(id: $id) {
      id
      name
      latestVersion {
        id
        version
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

export const PromptsCreateVersionMutation = graphql(`
  mutation PromptsCreateVersion($promptId: ID!, $input: PromptVersionInput!) {
    createPromptVersion(promptId: $promptId, input: $input) {
      id
      version
      promptId
    }
  }
`);

export const PromptsDiffQuery = graphql(`
  query PromptsDiff($a: ID!, $b: ID!) {
    diffPromptVersions(a: $a, b: $b) {
      a {
        id
        version
        commitMessage
      }
      b {
        id
        version
        commitMessage
      }
      messages {
        index
        roleA
        roleB
        status
        hunks {
          kind
          lines
        }
      }
      modelChanges {
        field
        before
        after
      }
    }
  }
`);
