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
    "\n  query DatasetsList($orgId: ID!, $first: Int!, $after: String, $search: String) {\n    datasets(orgId: $orgId, first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        slug\n        description\n        latestVersion\n        itemCount\n        updatedAt\n      }\n    }\n  }\n": typeof types.DatasetsListDocument,
    "\n  mutation DatasetsCreate($orgId: ID!, $input: CreateDatasetInput!) {\n    createDataset(orgId: $orgId, input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.DatasetsCreateDocument,
    "\n  query DatasetDetail($id: ID!, $first: Int!, $after: String, $version: Int) {\n    dataset(id: $id) {\n      id\n      name\n      slug\n      description\n      latestVersion\n      itemCount\n      updatedAt\n      items(first: $first, after: $after, version: $version) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          rowId\n          inputs\n          expected\n          metadata\n          version\n        }\n      }\n    }\n  }\n": typeof types.DatasetDetailDocument,
    "\n  query DatasetVersions($id: ID!, $first: Int!, $after: String) {\n    dataset(id: $id) {\n      id\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          version\n          change\n          message\n          added\n          updated\n          removed\n          itemCount\n          createdAt\n          author {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.DatasetVersionsDocument,
    "\n  mutation DatasetsAddItems($datasetId: ID!, $input: AddDatasetItemsInput!) {\n    addDatasetItems(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n": typeof types.DatasetsAddItemsDocument,
    "\n  mutation DatasetsUpdateItem($datasetId: ID!, $input: UpdateDatasetItemInput!) {\n    updateDatasetItem(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n": typeof types.DatasetsUpdateItemDocument,
    "\n  mutation DatasetsDeleteItems($datasetId: ID!, $input: DeleteDatasetItemsInput!) {\n    deleteDatasetItems(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n": typeof types.DatasetsDeleteItemsDocument,
    "\n  mutation DatasetsImport($datasetId: ID!, $input: ImportDatasetItemsInput!) {\n    importDatasetItems(datasetId: $datasetId, input: $input) {\n      added\n      version {\n        id\n        version\n        change\n        itemCount\n        message\n        dataset {\n          id\n          latestVersion\n          itemCount\n        }\n      }\n    }\n  }\n": typeof types.DatasetsImportDocument,
};
const documents: Documents = {
    "\n  mutation Logout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n": types.LogoutDocument,
    "\n  mutation CreateOrganization($input: CreateOrganizationInput!) {\n    createOrganization(input: $input) {\n      id\n    }\n  }\n": types.CreateOrganizationDocument,
    "\n  query MyOrganizations {\n    me {\n      id\n      email\n      name\n      memberships {\n        role\n        organization {\n          id\n          name\n          slug\n          viewerRole\n          viewerPermissions\n        }\n      }\n      invitations {\n        id\n        role\n        organization {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.MyOrganizationsDocument,
    "\n  fragment AuthFields on AuthPayload {\n    accessToken\n    accessTokenExpiresAt\n    refreshToken\n    user {\n      id\n      email\n      name\n    }\n    organization {\n      id\n    }\n  }\n": types.AuthFieldsFragmentDoc,
    "\n  mutation RefreshToken($refreshToken: String!) {\n    refreshToken(refreshToken: $refreshToken) {\n      ...AuthFields\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthFields\n    }\n  }\n": types.LoginDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...AuthFields\n    }\n  }\n": types.SignUpDocument,
    "\n  query DatasetsList($orgId: ID!, $first: Int!, $after: String, $search: String) {\n    datasets(orgId: $orgId, first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        slug\n        description\n        latestVersion\n        itemCount\n        updatedAt\n      }\n    }\n  }\n": types.DatasetsListDocument,
    "\n  mutation DatasetsCreate($orgId: ID!, $input: CreateDatasetInput!) {\n    createDataset(orgId: $orgId, input: $input) {\n      id\n      name\n    }\n  }\n": types.DatasetsCreateDocument,
    "\n  query DatasetDetail($id: ID!, $first: Int!, $after: String, $version: Int) {\n    dataset(id: $id) {\n      id\n      name\n      slug\n      description\n      latestVersion\n      itemCount\n      updatedAt\n      items(first: $first, after: $after, version: $version) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          rowId\n          inputs\n          expected\n          metadata\n          version\n        }\n      }\n    }\n  }\n": types.DatasetDetailDocument,
    "\n  query DatasetVersions($id: ID!, $first: Int!, $after: String) {\n    dataset(id: $id) {\n      id\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          version\n          change\n          message\n          added\n          updated\n          removed\n          itemCount\n          createdAt\n          author {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.DatasetVersionsDocument,
    "\n  mutation DatasetsAddItems($datasetId: ID!, $input: AddDatasetItemsInput!) {\n    addDatasetItems(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n": types.DatasetsAddItemsDocument,
    "\n  mutation DatasetsUpdateItem($datasetId: ID!, $input: UpdateDatasetItemInput!) {\n    updateDatasetItem(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n": types.DatasetsUpdateItemDocument,
    "\n  mutation DatasetsDeleteItems($datasetId: ID!, $input: DeleteDatasetItemsInput!) {\n    deleteDatasetItems(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n": types.DatasetsDeleteItemsDocument,
    "\n  mutation DatasetsImport($datasetId: ID!, $input: ImportDatasetItemsInput!) {\n    importDatasetItems(datasetId: $datasetId, input: $input) {\n      added\n      version {\n        id\n        version\n        change\n        itemCount\n        message\n        dataset {\n          id\n          latestVersion\n          itemCount\n        }\n      }\n    }\n  }\n": types.DatasetsImportDocument,
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
export function graphql(source: "\n  query DatasetsList($orgId: ID!, $first: Int!, $after: String, $search: String) {\n    datasets(orgId: $orgId, first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        slug\n        description\n        latestVersion\n        itemCount\n        updatedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query DatasetsList($orgId: ID!, $first: Int!, $after: String, $search: String) {\n    datasets(orgId: $orgId, first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        slug\n        description\n        latestVersion\n        itemCount\n        updatedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DatasetsCreate($orgId: ID!, $input: CreateDatasetInput!) {\n    createDataset(orgId: $orgId, input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation DatasetsCreate($orgId: ID!, $input: CreateDatasetInput!) {\n    createDataset(orgId: $orgId, input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DatasetDetail($id: ID!, $first: Int!, $after: String, $version: Int) {\n    dataset(id: $id) {\n      id\n      name\n      slug\n      description\n      latestVersion\n      itemCount\n      updatedAt\n      items(first: $first, after: $after, version: $version) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          rowId\n          inputs\n          expected\n          metadata\n          version\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DatasetDetail($id: ID!, $first: Int!, $after: String, $version: Int) {\n    dataset(id: $id) {\n      id\n      name\n      slug\n      description\n      latestVersion\n      itemCount\n      updatedAt\n      items(first: $first, after: $after, version: $version) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          rowId\n          inputs\n          expected\n          metadata\n          version\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DatasetVersions($id: ID!, $first: Int!, $after: String) {\n    dataset(id: $id) {\n      id\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          version\n          change\n          message\n          added\n          updated\n          removed\n          itemCount\n          createdAt\n          author {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DatasetVersions($id: ID!, $first: Int!, $after: String) {\n    dataset(id: $id) {\n      id\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          id\n          version\n          change\n          message\n          added\n          updated\n          removed\n          itemCount\n          createdAt\n          author {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DatasetsAddItems($datasetId: ID!, $input: AddDatasetItemsInput!) {\n    addDatasetItems(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DatasetsAddItems($datasetId: ID!, $input: AddDatasetItemsInput!) {\n    addDatasetItems(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DatasetsUpdateItem($datasetId: ID!, $input: UpdateDatasetItemInput!) {\n    updateDatasetItem(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DatasetsUpdateItem($datasetId: ID!, $input: UpdateDatasetItemInput!) {\n    updateDatasetItem(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DatasetsDeleteItems($datasetId: ID!, $input: DeleteDatasetItemsInput!) {\n    deleteDatasetItems(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DatasetsDeleteItems($datasetId: ID!, $input: DeleteDatasetItemsInput!) {\n    deleteDatasetItems(datasetId: $datasetId, input: $input) {\n      id\n      version\n      itemCount\n      dataset {\n        id\n        latestVersion\n        itemCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DatasetsImport($datasetId: ID!, $input: ImportDatasetItemsInput!) {\n    importDatasetItems(datasetId: $datasetId, input: $input) {\n      added\n      version {\n        id\n        version\n        change\n        itemCount\n        message\n        dataset {\n          id\n          latestVersion\n          itemCount\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DatasetsImport($datasetId: ID!, $input: ImportDatasetItemsInput!) {\n    importDatasetItems(datasetId: $datasetId, input: $input) {\n      added\n      version {\n        id\n        version\n        change\n        itemCount\n        message\n        dataset {\n          id\n          latestVersion\n          itemCount\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;