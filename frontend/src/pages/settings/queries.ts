import { graphql } from '../../gql';

/** Lists more than one settings tab reads (the audit log names actors from them). */
export const SettingsMembersQuery = graphql(`
  query SettingsMembers($orgId: ID!) {
    members(orgId: $orgId) {
      role
      joinedAt
      user {
        id
        name
        email
      }
    }
  }
`);

export const SettingsApiKeysQuery = graphql(`
  query SettingsApiKeys($orgId: ID!) {
    apiKeys(orgId: $orgId) {
      id
      name
      prefix
      role
      createdAt
      expiresAt
      lastUsedAt
      revokedAt
    }
  }
`);
