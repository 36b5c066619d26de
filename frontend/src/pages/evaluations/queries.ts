import { graphql } from '../../gql';

export const EvaluationsListQuery = graphql(`
  query EvaluationsList($orgId: ID!, $datasetId: ID, $first: Int!, $after: String) {
    evaluationRuns(orgId: $orgId, datasetId: $datasetId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        status
        datasetId
        datasetVersion
        createdAt
        finishedAt
        progress {
          total
          completed
          passed
        }
        targets {
          index
          description
        }
      }
    }
  }
`);

export const EvaluationsDatasetNamesQuery = graphql(`
  query EvaluationsDatasetNames($orgId: ID!, $first: Int!, $search: String) {
    datasets(orgId: $orgId, first: $first, search: $search) {
      nodes {
        id
        name
        latestVersion
        itemCount
      }
    }
  }
`);

export const EvaluationsTargetsQuery = graphql(`
  query EvaluationsTargets($orgId: ID!) {
    prompts(orgId: $orgId, first: 50) {
      nodes {
        id
        name
        labels {
          name
          version
        }
        latestVersion {
          version
        }
      }
    }
    workflows(orgId: $orgId, first: 50) {
      nodes {
        id
        name
        labels {
          name
          version
        }
        latestVersion {
          version
        }
      }
    }
    evaluators(orgId: $orgId) {
      id
      name
      description
      spec
    }
  }
`);

export const EvaluationsRunMutation = graphql(`
  mutation EvaluationsRun($input: RunEvaluationInput!) {
    runEvaluation(input: $input) {
      id
      status
    }
  }
`);

export const EvaluationsCancelMutation = graphql(`
  mutation EvaluationsCancel($id: ID!) {
    cancelEvaluationRun(id: $id) {
      id
      status
    }
  }
`);

export const EvaluationsAggregateFields = graphql(`
  fragment EvaluationsAggregateFields on EvaluationAggregate {
    targetIndex
    total
    completed
    passed
    failed
    errored
    passRate
    meanScore
    latencyP50Ms
    latencyP95Ms
    tokensIn
    tokensOut
    costUsd
    evaluators {
      name
      count
      meanScore
      passRate
      errors
    }
  }
`);

export const EvaluationsRunQuery = graphql(`
  query EvaluationsRunDetail($id: ID!) {
    evaluationRun(id: $id) {
      id
      name
      status
      datasetId
      datasetVersion
      concurrency
      threshold
      evaluators
      error
      createdAt
      startedAt
      finishedAt
      tokensIn
      tokensOut
      costUsd
      progress {
        total
        completed
        passed
        failed
        errored
      }
      targets {
        index
        kind
        description
        version
        label
      }
      aggregates {
        ...EvaluationsAggregateFields
      }
    }
  }
`);

export const EvaluationsResultsQuery = graphql(`
  query EvaluationsResults($id: ID!, $targetIndex: Int, $passed: Boolean, $first: Int!, $after: String) {
    evaluationRun(id: $id) {
      id
      results(targetIndex: $targetIndex, passed: $passed, first: $first, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          itemId
          targetIndex
          status
          inputs
          expected
          output
          score
          passed
          latencyMs
          costUsd
          error
          verdicts {
            name
            score
            pass
            reason
            error
          }
        }
      }
    }
  }
`);

export const EvaluationsResultStatsQuery = graphql(`
  query EvaluationsResultStats($id: ID!, $first: Int!, $after: String) {
    evaluationRun(id: $id) {
      id
      results(first: $first, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          targetIndex
          score
          latencyMs
          costUsd
        }
      }
    }
  }
`);

export const EvaluationsRunEvents = graphql(`
  subscription EvaluationsRunEvents($runId: ID!, $after: Int) {
    evaluationRunEvents(runId: $runId, after: $after) {
      seq
      type
      status
      error
      progress {
        total
        completed
        passed
        failed
        errored
      }
      result {
        itemId
        targetIndex
        passed
      }
    }
  }
`);

export const EvaluationsCompareQuery = graphql(`
  query EvaluationsCompare($a: ID!, $b: ID!, $targetA: Int!, $targetB: Int!) {
    compareEvaluationRuns(a: $a, b: $b, targetA: $targetA, targetB: $targetB) {
      runA
      runB
      targetA
      targetB
      passRateDelta
      meanScoreDelta
      regressions
      improvements
      unpaired
      aggregateA {
        ...EvaluationsAggregateFields
      }
      aggregateB {
        ...EvaluationsAggregateFields
      }
      significance {
        regressions
        improvements
        mcnemarPValue
        meanScoreDelta
        intervalLow
        intervalHigh
        confidence
        significant
        summary
      }
      items {
        itemId
        inputs
        expected
        outputA
        outputB
        passedA
        passedB
        scoreA
        scoreB
        change
      }
    }
  }
`);

export const EvaluationsRunPickQuery = graphql(`
  query EvaluationsRunPick($orgId: ID!) {
    evaluationRuns(orgId: $orgId, first: 50) {
      nodes {
        id
        name
        status
        createdAt
        targets {
          index
          description
        }
      }
    }
  }
`);
