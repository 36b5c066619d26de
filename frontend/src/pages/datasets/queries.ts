import { graphql } from '../../gql';

export const DatasetsListQuery = graphql(`
  query DatasetsList($orgId: ID!, $first: Int!, $after: String, $search: String) {
    datasets(orgId: $orgId, first: $first, after: $after, search: $search) {
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
        latestVersion
        itemCount
        updatedAt
      }
    }
  }
`);

export const DatasetsCreateMutation = graphql(`
  mutation DatasetsCreate($orgId: ID!, $input: CreateDatasetInput!) {
    createDataset(orgId: $orgId, input: $input) {
      id
      name
    }
  }
`);

export const DatasetDetailQuery = graphql(`
  query DatasetDetail($id: ID!, $first: Int!, $after: String, $version: Int) {
    dataset(id: $id) {
      id
      name
      slug
      description
      latestVersion
      itemCount
      updatedAt
      items(first: $first, after: $after, version: $version) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          rowId
          inputs
          expected
          metadata
          version
        }
      }
    }
  }
`);

export const DatasetVersionsQuery = graphql(`
  query DatasetVersions($id: ID!, $first: Int!, $after: String) {
    dataset(id: $id) {
      id
      versions(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          version
          change
          message
          added
          updated
          removed
          itemCount
          createdAt
          author {
            id
            name
          }
        }
      }
    }
  }
`);

export const DatasetsAddItemsMutation = graphql(`
  mutation DatasetsAddItems($datasetId: ID!, $input: AddDatasetItemsInput!) {
    addDatasetItems(datasetId: $datasetId, input: $input) {
      id
      version
      itemCount
      dataset {
        id
        latestVersion
        itemCount
      }
    }
  }
`);

export const DatasetsUpdateItemMutation = graphql(`
  mutation DatasetsUpdateItem($datasetId: ID!, $input: UpdateDatasetItemInput!) {
    updateDatasetItem(datasetId: $datasetId, input: $input) {
      id
      version
      itemCount
      dataset {
        id
        latestVersion
        itemCount
      }
    }
  }
`);

export const DatasetsDeleteItemsMutation = graphql(`
  mutation DatasetsDeleteItems($datasetId: ID!, $input: DeleteDatasetItemsInput!) {
    deleteDatasetItems(datasetId: $datasetId, input: $input) {
      id
      version
      itemCount
      dataset {
        id
        latestVersion
        itemCount
      }
    }
  }
`);

export const DatasetsImportMutation = graphql(`
  mutation DatasetsImport($datasetId: ID!, $input: ImportDatasetItemsInput!) {
    importDatasetItems(datasetId: $datasetId, input: $input) {
      added
      version {
        id
        version
        change
        itemCount
        message
        dataset {
          id
          latestVersion
          itemCount
        }
      }
    }
  }
`);
