import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorView, permissionTitle, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { useOrg, useOrgId } from '../../lib/org';
import { ApiKeyForm, type Created } from './ApiKeyForm';
import { formatTime, isPast } from './format';
import { SettingsApiKeysQuery } from './queries';
import { SecretDialog } from './SecretDialog';
import { useConfirmFocus } from './confirmFocus';

const RevokeApiKey = graphql(`
  mutation SettingsRevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      id
      revokedAt
    }
  }
`);

function KeyStatus({ revokedAt, expiresAt }: { revokedAt: string | null; expiresAt: string | null }) {
  if (revokedAt) return <span className="badge bad">Revoked {formatTime(revokedAt)}</span>;
  if (isPast(expiresAt)) return <span className="badge warn">Expired</span>;
  return <span className="badge ok">Active</span>;
}

/** Settings → API keys: list, create (the secret shown once), revoke. */
export default function ApiKeys() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const canRead = can('api_key:read');
  const canManage = can('api_key:manage');
  const [result, reexecute] = useQuery({ query: SettingsApiKeysQuery, variables: { orgId }, pause: !canRead });
  const [revoked, revoke] = useMutation(RevokeApiKey);
  const [created, setCreated] = useState<Created | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const listHeading = useRef<HTMLHeadingElement>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const focus = useConfirmFocus();
  const returnFocus = useRef(false);
  const closeSecret = () => {
    returnFocus.current = true;
    setCreated(null);
  };
  useEffect(() => {
    // Once the dialog is gone (it hands focus back as it closes), on to the list with the new key.
    if (created === null && returnFocus.current) {
      returnFocus.current = false;
      listHeading.current?.focus();
    }
  }, [created]);
  const keys = result.data?.apiKeys ?? [];

  return (
    <>
      <ApiKeyForm
        onCreated={(key) => {
          setCreated(key);
          refresh();
        }}
      />
      {created ? <SecretDialog name={created.name} secret={created.secret} onClose={closeSecret} /> : null}

      <section className="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading" ref={listHeading} tabIndex={-1}>
          API keys
        </h2>
        {!canRead ? (
          <Empty title="Your role cannot see this organization's API keys." />
        ) : (
          <QueryState fetching={result.fetching} error={result.error} hasData={result.data !== undefined}>
            <ErrorView error={revoked.error} />
            <p className="visually-hidden" role="status">
              {notice}
            </p>
            {keys.length === 0 ? (
              <Empty title="No API keys yet.">
                <p className="muted">Create one above for CI or scripts; it acts with the role you give it.</p>
              </Empty>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">API keys</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Key</th>
                      <th scope="col">Role</th>
                      <th scope="col">Created</th>
                      <th scope="col">Last used</th>
                      <th scope="col">Expires</th>
                      <th scope="col">Status</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {keys.map((key) => (
                      <tr key={key.id}>
                        <td>{key.name}</td>
                        <td className="mono">{key.prefix}…</td>
                        <td>{key.role}</td>
                        <td>{formatTime(key.createdAt)}</td>
                        <td>{key.lastUsedAt ? formatTime(key.lastUsedAt) : 'Never'}</td>
                        <td>{key.expiresAt ? formatTime(key.expiresAt) : 'Never'}</td>
                        <td>
                          <KeyStatus revokedAt={key.revokedAt} expiresAt={key.expiresAt} />
                        </td>
                        <td className="settings-actions">
                          {key.revokedAt ? null : confirming === key.id ? (
                            <span className="row">
                              <button
                                type="button"
                                className="btn btn-danger btn-small"
                                disabled={revoked.fetching}
                                onClick={async () => {
                                  setNotice('');
                                  const done = await revoke({ id: key.id });
                                  if (done.data) {
                                    setNotice(`API key ${key.name} was revoked.`);
                                    // Its row loses the button: on to the list's heading.
                                    listHeading.current?.focus();
                                    refresh();
                                  } else {
                                    focus.returnTo(key.id);
                                  }
                                  setConfirming(null);
                                }}
                                ref={focus.focusOnMount}
                              >
                                Confirm revoking {key.name}
                              </button>
                              <button
                                type="button"
                                className="btn btn-small"
                                onClick={() => {
                                  focus.returnTo(key.id);
                                  setConfirming(null);
                                }}
                              >
                                Cancel
                              </button>
                            </span>
                          ) : (
                            <button
                              type="button"
                              className="btn btn-danger btn-small"
                              disabled={!canManage}
                              title={permissionTitle(canManage, 'revoke API keys')}
                              aria-label={`Revoke ${key.name}`}
                              onClick={() => setConfirming(key.id)}
                              ref={focus.refFor(key.id)}
                            >
                              Revoke
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </QueryState>
        )}
      </section>
    </>
  );
}
