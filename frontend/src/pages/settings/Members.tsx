import { useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorView, permissionTitle, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { useOrg, useOrgId } from '../../lib/org';
import { formatTime } from './format';
import { Invites } from './Invites';
import { SettingsMembersQuery } from './queries';
import { RoleSelect } from './fields';
import { useRoles } from './useRoles';
import { useConfirmFocus } from './confirmFocus';

const UpdateMemberRole = graphql(`
  mutation SettingsUpdateMemberRole($orgId: ID!, $input: UpdateMemberRoleInput!) {
    updateMemberRole(orgId: $orgId, input: $input) {
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

const RemoveMember = graphql(`
  mutation SettingsRemoveMember($orgId: ID!, $userId: ID!) {
    removeMember(orgId: $orgId, userId: $userId)
  }
`);

/** Settings → Members: who belongs, with which role; invitations below. */
export default function Members() {
  const orgId = useOrgId();
  const { can, me, reload } = useOrg();
  const canRead = can('member:read');
  const canManage = can('member:manage');
  const manageTitle = permissionTitle(canManage, 'manage members');
  const { names } = useRoles();
  const [result, reexecute] = useQuery({ query: SettingsMembersQuery, variables: { orgId }, pause: !canRead });
  const [update, updateRole] = useMutation(UpdateMemberRole);
  const [remove, removeMember] = useMutation(RemoveMember);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const focus = useConfirmFocus();
  const heading = useRef<HTMLHeadingElement>(null);

  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const members = result.data?.members ?? [];

  const onRole = async (userId: string, name: string, role: string) => {
    setNotice('');
    const done = await updateRole({ orgId, input: { userId, role } });
    if (done.data) {
      setNotice(`${name} is now ${role}.`);
      refresh();
      if (userId === me?.id) reload();
    }
  };
  const onRemove = async (userId: string, name: string) => {
    setNotice('');
    const done = await removeMember({ orgId, userId });
    if (done.data) {
      // The row goes away with its buttons: focus the heading, the status line says what happened.
      heading.current?.focus();
    } else {
      focus.returnTo(userId);
    }
    setConfirming(null);
    if (done.data) {
      setNotice(`${name} was removed.`);
      refresh();
      if (userId === me?.id) reload();
    }
  };

  return (
    <>
      <section className="card" aria-labelledby="members-heading">
        <h2 id="members-heading" ref={heading} tabIndex={-1}>
          Members
        </h2>
        {!canRead ? (
          <Empty title="Your role cannot see the members of this organization." />
        ) : (
          <QueryState fetching={result.fetching} error={result.error} hasData={result.data !== undefined}>
            <ErrorView error={update.error ?? remove.error} />
            <p className="visually-hidden" role="status">
              {notice}
            </p>
            {members.length === 0 ? (
              <Empty title="No members yet." />
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Members and their roles</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Email</th>
                      <th scope="col">Role</th>
                      <th scope="col">Joined</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {members.map((m) => {
                      const name = m.user.name || m.user.email;
                      const self = m.user.id === me?.id;
                      return (
                        <tr key={m.user.id}>
                          <td>
                            {m.user.name} {self ? <span className="badge info">you</span> : null}
                          </td>
                          <td className="settings-break">{m.user.email}</td>
                          <td>
                            <RoleSelect
                              hiddenLabel
                              label={`Role of ${name}`}
                              value={m.role}
                              names={names}
                              disabled={!canManage || update.fetching}
                              title={manageTitle}
                              onChange={(role) => void onRole(m.user.id, name, role)}
                            />
                          </td>
                          <td>{formatTime(m.joinedAt)}</td>
                          <td className="settings-actions">
                            {confirming === m.user.id ? (
                              <span className="row">
                                <button
                                  type="button"
                                  className="btn btn-danger btn-small"
                                  onClick={() => void onRemove(m.user.id, name)}
                                  disabled={remove.fetching}
                                  ref={focus.focusOnMount}
                                >
                                  Confirm removing {name}
                                </button>
                                <button
                                  type="button"
                                  className="btn btn-small"
                                  onClick={() => {
                                    focus.returnTo(m.user.id);
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
                                title={manageTitle}
                                aria-label={`Remove ${name}`}
                                onClick={() => setConfirming(m.user.id)}
                                ref={focus.refFor(m.user.id)}
                              >
                                Remove
                              </button>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </QueryState>
        )}
      </section>
      <Invites />
    </>
  );
}
