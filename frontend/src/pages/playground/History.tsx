import { useEffect } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { Empty, Loading, ErrorView } from '../../components/states';
import { ms, usd } from '../executions/Stats';
import { PlaygroundHistoryQuery } from './operations';

/** The prompt's latest executions, each linking to its page; `refresh` changes after a run. */
export function History({ orgId, promptId, refresh }: { orgId: string; promptId: string; refresh: number }) {
  const [result, reexecute] = useQuery({
    query: PlaygroundHistoryQuery,
    variables: { orgId, promptId },
    requestPolicy: 'cache-and-network',
  });
  useEffect(() => {
    if (refresh > 0) reexecute({ requestPolicy: 'network-only' });
  }, [refresh, reexecute]);
  const list = result.data?.executions;
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">Recent runs of this prompt</h2>
      {!list ? (
        result.error ? <ErrorView error={result.error} /> : <Loading what="Loading runs" />
      ) : list.nodes.length === 0 ? (
        <Empty title="No runs yet." />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Version</th>
                <th scope="col">Status</th>
                <th scope="col">Latency</th>
                <th scope="col">Tokens out</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {list.nodes.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/executions/${e.id}`}>{new Date(e.createdAt).toLocaleTimeString()}</Link>
                  </td>
                  <td>{e.version ? `v${e.version.version}` : '—'}</td>
                  <td>
                    <span className={`badge status-${e.status}`}>{e.status.toLowerCase()}</span>
                  </td>
                  <td>{ms(e.latencyMs)}</td>
                  <td>{e.tokensOut ?? '—'}</td>
                  <td>{usd(e.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.totalCount > list.nodes.length ? (
            <p className="small">
              <Link to={`/executions?prompt=${promptId}`}>All {list.totalCount} runs</Link>
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}
