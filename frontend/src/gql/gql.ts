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
    "\n  mutation InvitationsAccept($id: ID!) {\n    acceptInvitation(id: $id) {\n      id\n      status\n      organization {\n        id\n        name\n      }\n    }\n  }\n": typeof types.InvitationsAcceptDocument,
    "\n  mutation InvitationsDecline($id: ID!) {\n    declineInvitation(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.InvitationsDeclineDocument,
    "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n": typeof types.LogoutDocument,
    "\n  mutation CreateOrganization($input: CreateOrganizationInput!) {\n    createOrganization(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateOrganizationDocument,
    "\n  query MyOrganizations {\n    me {\n      id\n      email\n      name\n      memberships {\n        role\n        organization {\n          id\n          name\n          slug\n          viewerRole\n          viewerPermissions\n        }\n      }\n      invitations {\n        id\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.MyOrganizationsDocument,
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    user {\n      id\n      email\n      name\n    }\n    organization {\n      id\n    }\n  }\n": typeof types.AuthFieldsFragmentDoc,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthFields\n    }\n  }\n": typeof types.RefreshTokenDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...AuthFields\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  mutation SettingsCreateApiKey($orgId: ID!, $input: CreateApiKeyInput!) {\n    createApiKey(orgId: $orgId, input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        role\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n      }\n    }\n  }\n": typeof types.SettingsCreateApiKeyDocument,
    "\n  mutation SettingsRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": typeof types.SettingsRevokeApiKeyDocument,
    "\n  fragment SettingsAuditEventFields on AuditEvent {\n    id\n    actorType\n    actorId\n    action\n    resourceType\n    resourceId\n    requestId\n    summary\n    createdAt\n  }\n": typeof types.SettingsAuditEventFieldsFragmentDoc,
    "\n  query SettingsAuditEvents($orgId: ID!, $first: Int!, $after: String) {\n    auditEvents(orgId: $orgId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...SettingsAuditEventFields\n      }\n    }\n  }\n": typeof types.SettingsAuditEventsDocument,
    "\n  subscription SettingsAuditEventAdded($orgId: ID!) {\n    auditEventAdded(orgId: $orgId) {\n      ...SettingsAuditEventFields\n    }\n  }\n": typeof types.SettingsAuditEventAddedDocument,
    "\n  query SettingsInvitations($orgId: ID!) {\n    invitations(orgId: $orgId) {\n      id\n      email\n      role\n      status\n      createdAt\n      expiresAt\n    }\n  }\n": typeof types.SettingsInvitationsDocument,
    "\n  mutation SettingsInvite($orgId: ID!, $input: AddMemberInput!) {\n    addMember(orgId: $orgId, input: $input) {\n      id\n      email\n      role\n      status\n      createdAt\n      expiresAt\n    }\n  }\n": typeof types.SettingsInviteDocument,
    "\n  mutation SettingsRevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.SettingsRevokeInvitationDocument,
    "\n  mutation SettingsUpdateMemberRole($orgId: ID!, $input: UpdateMemberRoleInput!) {\n    updateMemberRole(orgId: $orgId, input: $input) {\n      role\n      joinedAt\n      user {\n        id\n        name\n        email\n      }\n    }\n  }\n": typeof types.SettingsUpdateMemberRoleDocument,
    "\n  mutation SettingsRemoveMember($orgId: ID!, $userId: ID!) {\n    removeMember(orgId: $orgId, userId: $userId)\n  }\n": typeof types.SettingsRemoveMemberDocument,
    "\n  query SettingsProviderCredentials($orgId: ID!) {\n    providerCredentials(orgId: $orgId) {\n      id\n      provider\n      keyHint\n      baseUrl\n      createdAt\n      updatedAt\n    }\n  }\n": typeof types.SettingsProviderCredentialsDocument,
    "\n  mutation SettingsSetProviderCredential($orgId: ID!, $input: SetProviderCredentialInput!) {\n    setProviderCredential(orgId: $orgId, input: $input) {\n      id\n      provider\n      keyHint\n      baseUrl\n      createdAt\n      updatedAt\n    }\n  }\n": typeof types.SettingsSetProviderCredentialDocument,
    "\n  mutation SettingsDeleteProviderCredential($orgId: ID!, $provider: Provider!) {\n    deleteProviderCredential(orgId: $orgId, provider: $provider)\n  }\n": typeof types.SettingsDeleteProviderCredentialDocument,
    "\n  mutation SettingsCreateRole($orgId: ID!, $input: CreateRoleInput!) {\n    createRole(orgId: $orgId, input: $input) {\n      name\n      builtin\n      permissions\n    }\n  }\n": typeof types.SettingsCreateRoleDocument,
    "\n  query SettingsMembers($orgId: ID!) {\n    members(orgId: $orgId) {\n      role\n      joinedAt\n      user {\n        id\n        name\n        email\n      }\n    }\n  }\n": typeof types.SettingsMembersDocument,
    "\n  query SettingsApiKeys($orgId: ID!) {\n    apiKeys(orgId: $orgId) {\n      id\n      name\n      prefix\n      role\n      createdAt\n      expiresAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n": typeof types.SettingsApiKeysDocument,
    "\n  query SettingsRoles($orgId: ID!) {\n    roles(orgId: $orgId) {\n      name\n      builtin\n      permissions\n    }\n  }\n": typeof types.SettingsRolesDocument,
};
const documents: Documents = {
    "\n  mutation InvitationsAccept($id: ID!) {\n    acceptInvitation(id: $id) {\n      id\n      status\n      organization {\n        id\n        name\n      }\n    }\n  }\n": types.InvitationsAcceptDocument,
    "\n  mutation InvitationsDecline($id: ID!) {\n    declineInvitation(id: $id) {\n      id\n      status\n    }\n  }\n": types.InvitationsDeclineDocument,
    "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n": types.LogoutDocument,
    "\n  mutation CreateOrganization($input: CreateOrganizationInput!) {\n    createOrganization(input: $input) {\n      id\n    }\n  }\n": types.CreateOrganizationDocument,
    "\n  query MyOrganizations {\n    me {\n      id\n      email\n      name\n      memberships {\n        role\n        organization {\n          id\n          name\n          slug\n          viewerRole\n          viewerPermissions\n        }\n      }\n      invitations {\n        id\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.MyOrganizationsDocument,
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    user {\n      id\n      email\n      name\n    }\n    organization {\n      id\n    }\n  }\n": types.AuthFieldsFragmentDoc,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthFields\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n": types.LoginDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...AuthFields\n    }\n  }\n": types.SignUpDocument,
    "\n  mutation SettingsCreateApiKey($orgId: ID!, $input: CreateApiKeyInput!) {\n    createApiKey(orgId: $orgId, input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        role\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n      }\n    }\n  }\n": types.SettingsCreateApiKeyDocument,
    "\n  mutation SettingsRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": types.SettingsRevokeApiKeyDocument,
    "\n  fragment SettingsAuditEventFields on AuditEvent {\n    id\n    actorType\n    actorId\n    action\n    resourceType\n    resourceId\n    requestId\n    summary\n    createdAt\n  }\n": types.SettingsAuditEventFieldsFragmentDoc,
    "\n  query SettingsAuditEvents($orgId: ID!, $first: Int!, $after: String) {\n    auditEvents(orgId: $orgId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...SettingsAuditEventFields\n      }\n    }\n  }\n": types.SettingsAuditEventsDocument,
    "\n  subscription SettingsAuditEventAdded($orgId: ID!) {\n    auditEventAdded(orgId: $orgId) {\n      ...SettingsAuditEventFields\n    }\n  }\n": types.SettingsAuditEventAddedDocument,
    "\n  query SettingsInvitations($orgId: ID!) {\n    invitations(orgId: $orgId) {\n      id\n      email\n      role\n      status\n      createdAt\n      expiresAt\n    }\n  }\n": types.SettingsInvitationsDocument,
    "\n  mutation SettingsInvite($orgId: ID!, $input: AddMemberInput!) {\n    addMember(orgId: $orgId, input: $input) {\n      id\n      email\n      role\n      status\n      createdAt\n      expiresAt\n    }\n  }\n": types.SettingsInviteDocument,
    "\n  mutation SettingsRevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n      status\n    }\n  }\n": types.SettingsRevokeInvitationDocument,
    "\n  mutation SettingsUpdateMemberRole($orgId: ID!, $input: UpdateMemberRoleInput!) {\n    updateMemberRole(orgId: $orgId, input: $input) {\n      role\n      joinedAt\n      user {\n        id\n        name\n        email\n      }\n    }\n  }\n": types.SettingsUpdateMemberRoleDocument,
    "\n  mutation SettingsRemoveMember($orgId: ID!, $userId: ID!) {\n    removeMember(orgId: $orgId, userId: $userId)\n  }\n": types.SettingsRemoveMemberDocument,
    "\n  query SettingsProviderCredentials($orgId: ID!) {\n    providerCredentials(orgId: $orgId) {\n      id\n      provider\n      keyHint\n      baseUrl\n      createdAt\n      updatedAt\n    }\n  }\n": types.SettingsProviderCredentialsDocument,
    "\n  mutation SettingsSetProviderCredential($orgId: ID!, $input: SetProviderCredentialInput!) {\n    setProviderCredential(orgId: $orgId, input: $input) {\n      id\n      provider\n      keyHint\n      baseUrl\n      createdAt\n      updatedAt\n    }\n  }\n": types.SettingsSetProviderCredentialDocument,
    "\n  mutation SettingsDeleteProviderCredential($orgId: ID!, $provider: Provider!) {\n    deleteProviderCredential(orgId: $orgId, provider: $provider)\n  }\n": types.SettingsDeleteProviderCredentialDocument,
    "\n  mutation SettingsCreateRole($orgId: ID!, $input: CreateRoleInput!) {\n    createRole(orgId: $orgId, input: $input) {\n      name\n      builtin\n      permissions\n    }\n  }\n": types.SettingsCreateRoleDocument,
    "\n  query SettingsMembers($orgId: ID!) {\n    members(orgId: $orgId) {\n      role\n      joinedAt\n      user {\n        id\n        name\n        email\n      }\n    }\n  }\n": types.SettingsMembersDocument,
    "\n  query SettingsApiKeys($orgId: ID!) {\n    apiKeys(orgId: $orgId) {\n      id\n      name\n      prefix\n      role\n      createdAt\n      expiresAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n": types.SettingsApiKeysDocument,
    "\n  query SettingsRoles($orgId: ID!) {\n    roles(orgId: $orgId) {\n      name\n      builtin\n      permissions\n    }\n  }\n": types.SettingsRolesDocument,
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
export function graphql(source: "\n  mutation InvitationsAccept($id: ID!) {\n    acceptInvitation(id: $id) {\n      id\n      status\n      organization {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation InvitationsAccept($id: ID!) {\n    acceptInvitation(id: $id) {\n      id\n      status\n      organization {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InvitationsDecline($id: ID!) {\n    declineInvitation(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation InvitationsDecline($id: ID!) {\n    declineInvitation(id: $id) {\n      id\n      status\n    }\n  }\n"];
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
export function graphql(source: "\n  mutation SettingsCreateApiKey($orgId: ID!, $input: CreateApiKeyInput!) {\n    createApiKey(orgId: $orgId, input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        role\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SettingsCreateApiKey($orgId: ID!, $input: CreateApiKeyInput!) {\n    createApiKey(orgId: $orgId, input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        role\n        createdAt\n        expiresAt\n        lastUsedAt\n        revokedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SettingsRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  mutation SettingsRevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SettingsAuditEventFields on AuditEvent {\n    id\n    actorType\n    actorId\n    action\n    resourceType\n    resourceId\n    requestId\n    summary\n    createdAt\n  }\n"): (typeof documents)["\n  fragment SettingsAuditEventFields on AuditEvent {\n    id\n    actorType\n    actorId\n    action\n    resourceType\n    resourceId\n    requestId\n    summary\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SettingsAuditEvents($orgId: ID!, $first: Int!, $after: String) {\n    auditEvents(orgId: $orgId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...SettingsAuditEventFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query SettingsAuditEvents($orgId: ID!, $first: Int!, $after: String) {\n    auditEvents(orgId: $orgId, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...SettingsAuditEventFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SettingsAuditEventAdded($orgId: ID!) {\n    auditEventAdded(orgId: $orgId) {\n      ...SettingsAuditEventFields\n    }\n  }\n"): (typeof documents)["\n  subscription SettingsAuditEventAdded($orgId: ID!) {\n    auditEventAdded(orgId: $orgId) {\n      ...SettingsAuditEventFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SettingsInvitations($orgId: ID!) {\n    invitations(orgId: $orgId) {\n      id\n      email\n      role\n      status\n      createdAt\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  query SettingsInvitations($orgId: ID!) {\n    invitations(orgId: $orgId) {\n      id\n      email\n      role\n      status\n      createdAt\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SettingsInvite($orgId: ID!, $input: AddMemberInput!) {\n    addMember(orgId: $orgId, input: $input) {\n      id\n      email\n      role\n      status\n      createdAt\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  mutation SettingsInvite($orgId: ID!, $input: AddMemberInput!) {\n    addMember(orgId: $orgId, input: $input) {\n      id\n      email\n      role\n      status\n      createdAt\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SettingsRevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation SettingsRevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SettingsUpdateMemberRole($orgId: ID!, $input: UpdateMemberRoleInput!) {\n    updateMemberRole(orgId: $orgId, input: $input) {\n      role\n      joinedAt\n      user {\n        id\n        name\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SettingsUpdateMemberRole($orgId: ID!, $input: UpdateMemberRoleInput!) {\n    updateMemberRole(orgId: $orgId, input: $input) {\n      role\n      joinedAt\n      user {\n        id\n        name\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SettingsRemoveMember($orgId: ID!, $userId: ID!) {\n    removeMember(orgId: $orgId, userId: $userId)\n  }\n"): (typeof documents)["\n  mutation SettingsRemoveMember($orgId: ID!, $userId: ID!) {\n    removeMember(orgId: $orgId, userId: $userId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SettingsProviderCredentials($orgId: ID!) {\n    providerCredentials(orgId: $orgId) {\n      id\n      provider\n      keyHint\n      baseUrl\n      createdAt\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  query SettingsProviderCredentials($orgId: ID!) {\n    providerCredentials(orgId: $orgId) {\n      id\n      provider\n      keyHint\n      baseUrl\n      createdAt\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SettingsSetProviderCredential($orgId: ID!, $input: SetProviderCredentialInput!) {\n    setProviderCredential(orgId: $orgId, input: $input) {\n      id\n      provider\n      keyHint\n      baseUrl\n      createdAt\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation SettingsSetProviderCredential($orgId: ID!, $input: SetProviderCredentialInput!) {\n    setProviderCredential(orgId: $orgId, input: $input) {\n      id\n      provider\n      keyHint\n      baseUrl\n      createdAt\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SettingsDeleteProviderCredential($orgId: ID!, $provider: Provider!) {\n    deleteProviderCredential(orgId: $orgId, provider: $provider)\n  }\n"): (typeof documents)["\n  mutation SettingsDeleteProviderCredential($orgId: ID!, $provider: Provider!) {\n    deleteProviderCredential(orgId: $orgId, provider: $provider)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SettingsCreateRole($orgId: ID!, $input: CreateRoleInput!) {\n    createRole(orgId: $orgId, input: $input) {\n      name\n      builtin\n      permissions\n    }\n  }\n"): (typeof documents)["\n  mutation SettingsCreateRole($orgId: ID!, $input: CreateRoleInput!) {\n    createRole(orgId: $orgId, input: $input) {\n      name\n      builtin\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SettingsMembers($orgId: ID!) {\n    members(orgId: $orgId) {\n      role\n      joinedAt\n      user {\n        id\n        name\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  query SettingsMembers($orgId: ID!) {\n    members(orgId: $orgId) {\n      role\n      joinedAt\n      user {\n        id\n        name\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SettingsApiKeys($orgId: ID!) {\n    apiKeys(orgId: $orgId) {\n      id\n      name\n      prefix\n      role\n      createdAt\n      expiresAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  query SettingsApiKeys($orgId: ID!) {\n    apiKeys(orgId: $orgId) {\n      id\n      name\n      prefix\n      role\n      createdAt\n      expiresAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SettingsRoles($orgId: ID!) {\n    roles(orgId: $orgId) {\n      name\n      builtin\n      permissions\n    }\n  }\n"): (typeof documents)["\n  query SettingsRoles($orgId: ID!) {\n    roles(orgId: $orgId) {\n      name\n      builtin\n      permissions\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;