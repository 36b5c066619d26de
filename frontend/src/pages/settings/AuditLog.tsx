import { useMemo, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { Empty, ErrorView, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import type { SettingsAuditEventFieldsFragment } from '../../gql/graphql';
import { useOrg, useOrgId } from '../../lib/org';
import { AuditTable } from './AuditTable';
import { SettingsApiKeysQuery, SettingsMembersQuery } from './queries';

graphql(`
  fragment SettingsAuditEventFields on AuditEvent {
    id
    actorType
    actorId
    action
    resourceType
    resourceId
    requestId
    summary
    createdAt
  }
`);

const AuditEventsQuery = graphql(`
  query SettingsAuditEvents($orgId: ID!, $first: Int!, $after: String) {
    auditEvents(orgId: $orgId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...SettingsAuditEventFields
      }
    }
  }
`);

const AuditEventAdded = graphql(`
  subscription SettingsAuditEventAdded($orgId: ID!) {
    auditEventAdded(orgId: $orgId) {
      ...SettingsAuditEventFields
    }
  }
`);

const PAGE = 25;
/** Live events kept at most (older ones are on the pages). */
const LIVE_CAP = 200;

type Event = SettingsAuditEventFieldsFragment;

/** Settings → Audit log: pages of events, newest first; new ones arrive live on the first page. */
export default function AuditLog() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const allowed = can('audit:read');
  // Cursors of the pages visited: [null] is the first (newest) page.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const firstPage = cursors.length === 1;

  const [result] = useQuery({
    query: AuditEventsQuery,
    variables: { orgId, first: PAGE, after },
    pause: !allowed,
  });
  const [live] = useSubscription(
    { query: AuditEventAdded, variables: { orgId }, pause: !allowed },
    (previous: Event[] | undefined, data): Event[] => {
      const event = data.auditEventAdded;
      return [event, ...(previous ?? []).filter((e) => e.id !== event.id)].slice(0, LIVE_CAP);
    },
  );

  // Names for actors: members (users) and API keys, when the caller may read them.
  const [members] = useQuery({ query: SettingsMembersQuery, variables: { orgId }, pause: !allowed || !can('member:read') });
  const [keys] = useQuery({ query: SettingsApiKeysQuery, variables: { orgId }, pause: !allowed || !can('api_key:read') });
  const names = useMemo(() => {
    const map = new Map<string, string>();
    for (const m of members.data?.members ?? []) map.set(m.user.id, m.user.name || m.user.email);
    for (const k of keys.data?.apiKeys ?? []) map.set(k.id, `${k.name} (${k.prefix}…)`);
    return map;
  }, [members.data, keys.data]);

  const page = result.data?.auditEvents;
  const liveEvents = live.data ?? [];
  const events = useMemo(() => {
    const nodes = page?.nodes ?? [];
    if (!firstPage) return nodes;
    const seen = new Set(nodes.map((e) => e.id));
    return [...liveEvents.filter((e) => !seen.has(e.id)), ...nodes];
  }, [page, liveEvents, firstPage]);
  const unseenLive = page ? liveEvents.filter((e) => !page.nodes.some((n) => n.id === e.id)).length : 0;
  const total = (page?.totalCount ?? 0) + (firstPage ? unseenLive : 0);

  if (!allowed) {
    return (
      <section className="card" aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit log</h2>
        <Empty title="Your role cannot read the audit log (owners and admins can)." />
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="audit-heading">
      <div className="row settings-spread">
        <h2 id="audit-heading">Audit log</h2>
        <span className="muted">
          {live.error ? 'Live updates stopped' : 'Live'} · {total} {total === 1 ? 'event' : 'events'}
        </span>
      </div>
      {live.error ? <ErrorView error={live.error} /> : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {liveEvents[0] ? `New audit event: ${liveEvents[0].action}` : ''}
      </p>
      {!firstPage && unseenLive > 0 ? (
        <p>
          <button type="button" className="btn btn-small" onClick={() => setCursors([null])}>
            {unseenLive} new {unseenLive === 1 ? 'event' : 'events'}: show the newest
          </button>
        </p>
      ) : null}
      <QueryState fetching={result.fetching} error={result.error} hasData={page !== undefined}>
        {events.length === 0 ? (
          <Empty title="No audit events yet." />
        ) : (
          <AuditTable events={events} names={names} />
        )}
        <nav className="pager" aria-label="Audit log pages">
          <button
            type="button"
            className="btn btn-small"
            disabled={firstPage}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Newer
          </button>
          <span className="muted">Page {cursors.length}</span>
          <button
            type="button"
            className="btn btn-small"
            disabled={!page?.pageInfo.hasNextPage || !page.pageInfo.endCursor || result.fetching}
            onClick={() => {
              const next = page?.pageInfo.endCursor;
              if (next) setCursors((c) => [...c, next]);
            }}
          >
            Older
          </button>
        </nav>
      </QueryState>
    </section>
  );
}
