import type { SettingsAuditEventFieldsFragment } from '../../gql/graphql';
import { formatTime, summaryText } from './format';

function actorText(event: SettingsAuditEventFieldsFragment, names: Map<string, string>): string {
  const known = event.actorId ? names.get(event.actorId) : undefined;
  switch (event.actorType) {
    case 'user':
      return known ?? `User ${event.actorId ?? ''}`.trim();
    case 'api_key':
      return `API key ${known ?? event.actorId ?? ''}`.trim();
    case 'anonymous':
      return 'Anonymous';
    default:
      return `${event.actorType} ${event.actorId ?? ''}`.trim();
  }
}

/** The audit events as a table: time, actor, action, target, request id, details. */
export function AuditTable({
  events,
  names,
}: {
  events: SettingsAuditEventFieldsFragment[];
  names: Map<string, string>;
}) {
  return (
    <div className="table-wrap">
      <table className="table settings-audit">
        <caption className="visually-hidden">Audit events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Request id</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => {
            const details = summaryText(event.summary);
            return (
              <tr key={event.id}>
                <td>
                  <time dateTime={event.createdAt}>{formatTime(event.createdAt)}</time>
                </td>
                <td className="settings-break">{actorText(event, names)}</td>
                <td className="mono">{event.action}</td>
                <td className="settings-break">
                  {event.resourceType}
                  {event.resourceId ? <span className="mono muted"> {event.resourceId}</span> : null}
                </td>
                <td className="mono settings-break">{event.requestId}</td>
                <td className="mono settings-break settings-summary" title={details || undefined}>
                  {details || <span className="muted">—</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
