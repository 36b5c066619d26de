import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorView, permissionTitle, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { useOrg, useOrgId } from '../../lib/org';
import { formatTime } from './format';
import { RoleSelect } from './fields';
import { useRoles } from './useRoles';

const InvitationsQuery = graphql(`
  query SettingsInvitations($orgId: ID!) {
    invitations(orgId: $orgId) {
      id
      email
      role
      status
      createdAt
      expiresAt
    }
  }
`);

const Invite = graphql(`
  mutation SettingsInvite($orgId: ID!, $input: AddMemberInput!) {
    addMember(orgId: $orgId, input: $input) {
      id
      email
      role
      status
      createdAt
      expiresAt
    }
  }
`);

const RevokeInvitation = graphql(`
  mutation SettingsRevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      id
      status
    }
  }
`);

/** Invite by email with a role, and the pending invitations (with revoke). */
export function Invites() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const canManage = can('member:manage');
  const manageTitle = permissionTitle(canManage, 'invite or manage members');
  const { names } = useRoles();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('viewer');
  const [notice, setNotice] = useState('');
  const [result, reexecute] = useQuery({ query: InvitationsQuery, variables: { orgId }, pause: !canManage });
  const [invited, invite] = useMutation(Invite);
  const [revoked, revoke] = useMutation(RevokeInvitation);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const pending = (result.data?.invitations ?? []).filter((i) => i.status === 'PENDING');

  return (
    <>
      <section className="card" aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite someone</h2>
        {canManage ? null : <p className="muted">Your role cannot invite members.</p>}
        <p className="muted">
          They join when they accept, signed in with an account of that email (one they may create after the
          invitation).
        </p>
        <form
          className="settings-inline-form"
          onSubmit={async (event) => {
            event.preventDefault();
            setNotice('');
            const done = await invite({ orgId, input: { email: email.trim(), role } });
            if (done.data) {
              setNotice(`Invitation sent to ${done.data.addMember.email} as ${done.data.addMember.role}.`);
              setEmail('');
              refresh();
            }
          }}
        >
          <fieldset disabled={!canManage} title={manageTitle}>
            <legend className="visually-hidden">Invitation</legend>
            <label className="field">
              <span>Email</span>
              <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" />
            </label>
            <RoleSelect label="Role" value={role} names={names} onChange={setRole} />
            <button className="btn btn-primary" type="submit" disabled={!canManage || invited.fetching} title={manageTitle}>
              Invite
            </button>
          </fieldset>
        </form>
        <ErrorView error={invited.error} />
        <p role="status" className="settings-notice">
          {notice}
        </p>
      </section>

      <section className="card" aria-labelledby="pending-heading">
        <h2 id="pending-heading">Pending invitations</h2>
        {!canManage ? (
          <Empty title="Only people who manage members see pending invitations." />
        ) : (
          <QueryState fetching={result.fetching} error={result.error} hasData={result.data !== undefined}>
            <ErrorView error={revoked.error} />
            {pending.length === 0 ? (
              <Empty title="No pending invitations." />
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Pending invitations</caption>
                  <thead>
                    <tr>
                      <th scope="col">Email</th>
                      <th scope="col">Role</th>
                      <th scope="col">Sent</th>
                      <th scope="col">Expires</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {pending.map((i) => (
                      <tr key={i.id}>
                        <td className="settings-break">{i.email}</td>
                        <td>{i.role}</td>
                        <td>{formatTime(i.createdAt)}</td>
                        <td>{formatTime(i.expiresAt)}</td>
                        <td className="settings-actions">
                          <button
                            type="button"
                            className="btn btn-danger btn-small"
                            aria-label={`Revoke the invitation to ${i.email}`}
                            disabled={revoked.fetching}
                            onClick={async () => {
                              setNotice('');
                              const done = await revoke({ id: i.id });
                              if (done.data) {
                                setNotice(`The invitation to ${i.email} was revoked.`);
                                refresh();
                              }
                            }}
                          >
                            Revoke
                          </button>
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
