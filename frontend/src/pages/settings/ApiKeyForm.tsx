import { useState } from 'react';
import { ErrorView, permissionTitle } from '../../components/states';
import { graphql } from '../../gql';
import { useOrg, useOrgId } from '../../lib/org';
import { EXPIRY_CHOICES, expiryFor } from './format';
import { RoleSelect, SelectField } from './fields';
import { useRoles } from './useRoles';
import { useStatelessMutation } from './useStatelessMutation';

const CreateApiKey = graphql(`
  mutation SettingsCreateApiKey($orgId: ID!, $input: CreateApiKeyInput!) {
    createApiKey(orgId: $orgId, input: $input) {
      secret
      apiKey {
        id
        name
        prefix
        role
        createdAt
        expiresAt
        lastUsedAt
        revokedAt
      }
    }
  }
`);

export interface Created {
  name: string;
  secret: string;
}

function tomorrow(): string {
  const d = new Date(Date.now() + 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Create an API key: name, role, expiry. The secret goes to `onCreated`, to be shown once. */
export function ApiKeyForm({ onCreated }: { onCreated: (key: Created) => void }) {
  const orgId = useOrgId();
  const { can } = useOrg();
  const allowed = can('api_key:manage');
  const title = permissionTitle(allowed, 'create API keys');
  const { names } = useRoles();
  const [name, setName] = useState('');
  const [role, setRole] = useState('viewer');
  const [expiry, setExpiry] = useState('90');
  const [date, setDate] = useState('');
  // Not `useMutation`: its state would keep the secret (the result) for as long as the page lives.
  const [result, create] = useStatelessMutation(CreateApiKey);
  const expiresAt = expiryFor(expiry, date);
  const dateInvalid = expiry === 'date' && expiresAt === undefined;

  return (
    <section className="card" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">New API key</h2>
      {allowed ? null : <p className="muted">Your role cannot create API keys.</p>}
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (expiresAt === undefined) return;
          const done = await create({ orgId, input: { name: name.trim(), role, expiresAt } });
          if (done.data) {
            onCreated({ name: done.data.createApiKey.apiKey.name, secret: done.data.createApiKey.secret });
            setName('');
          }
        }}
      >
        <fieldset disabled={!allowed} title={title} className="settings-plain">
          <legend className="visually-hidden">API key</legend>
          <div className="settings-form-row">
            <label className="field">
              <span>Key name</span>
              <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" />
            </label>
            <RoleSelect label="Key role" value={role} names={names} onChange={setRole} />
            <SelectField label="Expires" value={expiry} onChange={setExpiry}>
              {EXPIRY_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </SelectField>
            {expiry === 'date' ? (
              <label className="field">
                <span>Expiry date</span>
                <input
                  type="date"
                  min={tomorrow()}
                  value={date}
                  onChange={(e) => setDate(e.target.value)}
                  required
                  aria-invalid={dateInvalid && date !== '' ? true : undefined}
                />
              </label>
            ) : null}
          </div>
          {dateInvalid && date !== '' ? <p className="settings-warn">Choose a date in the future.</p> : null}
          <button
            className="btn btn-primary"
            type="submit"
            disabled={!allowed || result.fetching || dateInvalid}
            title={title}
          >
            Create API key
          </button>
        </fieldset>
      </form>
      <ErrorView error={result.error} />
    </section>
  );
}
