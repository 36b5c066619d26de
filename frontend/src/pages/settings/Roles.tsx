import { Empty, QueryState } from '../../components/states';
import { groupPermissions, resourceLabel, splitPermission, vocabulary } from './permissions';
import { RoleForm } from './RoleForm';
import { useRoles } from './useRoles';

/** Settings → Roles: built-in and custom roles with their permissions; create a custom one. */
export default function Roles() {
  const { allowed, result, roles, reexecute } = useRoles();
  const list = roles ?? [];
  return (
    <>
      <section className="card" aria-labelledby="roles-heading">
        <h2 id="roles-heading">Roles</h2>
        {!allowed ? (
          <Empty title="Your role cannot see this organization's roles." />
        ) : (
          <QueryState fetching={result.fetching} error={result.error} hasData={roles !== undefined}>
            {list.length === 0 ? (
              <Empty title="No roles." />
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Roles and their permissions</caption>
                  <thead>
                    <tr>
                      <th scope="col">Role</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Permissions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((role) => (
                      <tr key={`${role.builtin ? 'b' : 'c'}:${role.name}`}>
                        <th scope="row">{role.name}</th>
                        <td>
                          <span className={role.builtin ? 'badge' : 'badge info'}>{role.builtin ? 'Built-in' : 'Custom'}</span>
                        </td>
                        <td>
                          {role.permissions.length === 0 ? (
                            <span className="muted">No permissions</span>
                          ) : (
                            <dl className="settings-perms">
                              {groupPermissions(role.permissions).map((group) => (
                                <div key={group.resource}>
                                  <dt>{resourceLabel(group.resource)}</dt>
                                  <dd>
                                    {group.permissions.map((p) => (
                                      <span key={p} className="badge mono" title={p}>
                                        {splitPermission(p).action || p}
                                      </span>
                                    ))}
                                  </dd>
                                </div>
                              ))}
                            </dl>
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
      <RoleForm
        vocabulary={vocabulary(list)}
        existing={list.map((r) => r.name)}
        onCreated={() => reexecute({ requestPolicy: 'network-only' })}
      />
    </>
  );
}
