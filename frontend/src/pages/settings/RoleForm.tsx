import { useState } from 'react';
import { useMutation } from 'urql';
import { ErrorView, permissionTitle } from '../../components/states';
import { graphql } from '../../gql';
import { useOrg, useOrgId } from '../../lib/org';
import { groupPermissions, resourceLabel, splitPermission } from './permissions';

const CreateRole = graphql(`
  mutation SettingsCreateRole($orgId: ID!, $input: CreateRoleInput!) {
    createRole(orgId: $orgId, input: $input) {
      name
      builtin
      permissions
    }
  }
`);

/** Create a custom role: a name and permission checkboxes grouped by resource. */
export function RoleForm({
  vocabulary,
  existing,
  onCreated,
}: {
  vocabulary: string[];
  existing: string[];
  onCreated: () => void;
}) {
  const orgId = useOrgId();
  const { can } = useOrg();
  const allowed = can('role:manage');
  const title = permissionTitle(allowed, 'create roles');
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(() => new Set());
  const [notice, setNotice] = useState('');
  const [result, create] = useMutation(CreateRole);
  const groups = groupPermissions(vocabulary);
  const taken = existing.includes(name.trim());

  const toggle = (permission: string, on: boolean) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (on) next.add(permission);
      else next.delete(permission);
      return next;
    });
  const toggleGroup = (permissions: string[], on: boolean) =>
    setChosen((prev) => {
      const next = new Set(prev);
      for (const p of permissions) {
        if (on) next.add(p);
        else next.delete(p);
      }
      return next;
    });

  return (
    <section className="card" aria-labelledby="new-role-heading">
      <h2 id="new-role-heading">New custom role</h2>
      {allowed ? null : <p className="muted">Your role cannot create roles.</p>}
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setNotice('');
          // Keep the vocabulary's order.
          const permissions = vocabulary.filter((p) => chosen.has(p));
          const done = await create({ orgId, input: { name: name.trim(), permissions } });
          if (done.data) {
            setNotice(`Role ${done.data.createRole.name} created with ${permissions.length} permissions.`);
            setName('');
            setChosen(new Set());
            onCreated();
          }
        }}
      >
        <fieldset disabled={!allowed} title={title} className="settings-plain">
          <legend className="visually-hidden">Role</legend>
          <label className="field settings-narrow">
            <span>Role name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" />
          </label>
          {taken ? <p className="settings-warn">A role with this name exists already.</p> : null}
          {groups.length === 0 ? (
            <p className="muted">The permission list is not available (the roles could not be read).</p>
          ) : (
            <div className="settings-perm-grid">
              {groups.map((group) => {
                const all = group.permissions.every((p) => chosen.has(p));
                return (
                  <fieldset key={group.resource} className="settings-perm-group">
                    <legend>{resourceLabel(group.resource)}</legend>
                    <label className="settings-check settings-check-all">
                      <input
                        type="checkbox"
                        checked={all}
                        onChange={(e) => toggleGroup(group.permissions, e.target.checked)}
                      />
                      <span>
                        All<span className="visually-hidden"> {resourceLabel(group.resource)} permissions</span>
                      </span>
                    </label>
                    {group.permissions.map((p) => (
                      <label key={p} className="settings-check">
                        <input type="checkbox" checked={chosen.has(p)} onChange={(e) => toggle(p, e.target.checked)} />
                        <span className="mono">{splitPermission(p).action || p}</span>
                        <span className="visually-hidden"> ({p})</span>
                      </label>
                    ))}
                  </fieldset>
                );
              })}
            </div>
          )}
          <p className="muted">{chosen.size} selected. You cannot grant a permission your own role lacks.</p>
          <button className="btn btn-primary" type="submit" disabled={!allowed || result.fetching || taken} title={title}>
            Create role
          </button>
        </fieldset>
      </form>
      <ErrorView error={result.error} />
      <p role="status" className="settings-notice">
        {notice}
      </p>
    </section>
  );
}
