import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorView, permissionTitle, QueryState } from '../../components/states';
import { graphql } from '../../gql';
import type { Provider } from '../../gql/graphql';
import { useOrg, useOrgId } from '../../lib/org';
import { SelectField } from './fields';
import { formatTime } from './format';
import { useStatelessMutation } from './useStatelessMutation';

const CredentialsQuery = graphql(`
  query SettingsProviderCredentials($orgId: ID!) {
    providerCredentials(orgId: $orgId) {
      id
      provider
      keyHint
      baseUrl
      createdAt
      updatedAt
    }
  }
`);

const SetCredential = graphql(`
  mutation SettingsSetProviderCredential($orgId: ID!, $input: SetProviderCredentialInput!) {
    setProviderCredential(orgId: $orgId, input: $input) {
      id
      provider
      keyHint
      baseUrl
      createdAt
      updatedAt
    }
  }
`);

const DeleteCredential = graphql(`
  mutation SettingsDeleteProviderCredential($orgId: ID!, $provider: Provider!) {
    deleteProviderCredential(orgId: $orgId, provider: $provider)
  }
`);

/** The providers an organization can hold a key for (MOCK needs none). */
const PROVIDERS: { value: Provider; label: string; baseUrlHint: string }[] = [
  { value: 'OPENAI', label: 'OpenAI', baseUrlHint: 'Optional; the public API (https://api.openai.com/v1) when empty.' },
  { value: 'ANTHROPIC', label: 'Anthropic', baseUrlHint: 'Optional, without /v1; the public API when empty.' },
  {
    value: 'OPENAI_COMPATIBLE',
    label: 'OpenAI-compatible (vLLM, Ollama, TGI, LM Studio)',
    baseUrlHint: 'Required, e.g. https://models.example.com/v1.',
  },
];

function providerLabel(provider: Provider): string {
  return PROVIDERS.find((p) => p.value === provider)?.label ?? provider;
}

/** Settings → Providers: the organization's own provider keys (only their hint is ever shown). */
export default function Providers() {
  const orgId = useOrgId();
  const { can } = useOrg();
  const allowed = can('credential:manage');
  const title = permissionTitle(allowed, 'manage provider credentials');
  const [result, reexecute] = useQuery({ query: CredentialsQuery, variables: { orgId }, pause: !allowed });
  // Not `useMutation`: its state would keep the key (the operation's variables) in memory.
  const [saved, save] = useStatelessMutation(SetCredential);
  const [deleted, remove] = useMutation(DeleteCredential);
  const [provider, setProvider] = useState<Provider>('OPENAI');
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [notice, setNotice] = useState('');
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const credentials = result.data?.providerCredentials ?? [];
  const chosen = PROVIDERS.find((p) => p.value === provider) ?? PROVIDERS[0];
  const compatible = provider === 'OPENAI_COMPATIBLE';
  const replacing = credentials.some((c) => c.provider === provider);

  return (
    <>
      <section className="card" aria-labelledby="set-credential-heading">
        <h2 id="set-credential-heading">Set a provider key</h2>
        {allowed ? null : <p className="muted">Your role cannot manage provider keys.</p>}
        <p className="muted">
          An organization&apos;s key replaces the server&apos;s default for that provider. Keys are stored encrypted and
          never shown again: only their last four characters.
        </p>
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            setNotice('');
            const url = baseUrl.trim();
            const done = await save({ orgId, input: { provider, apiKey, ...(url ? { baseUrl: url } : {}) } });
            if (done.data) {
              setNotice(`${providerLabel(done.data.setProviderCredential.provider)} key saved.`);
              setApiKey('');
              setBaseUrl('');
              refresh();
            }
          }}
        >
          <fieldset disabled={!allowed} title={title} className="settings-plain">
            <legend className="visually-hidden">Provider key</legend>
            <div className="settings-form-row">
              <SelectField label="Provider" value={provider} onChange={(value) => setProvider(PROVIDERS.find((p) => p.value === value)?.value ?? 'OPENAI')}>
                {PROVIDERS.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
              </SelectField>
              <label className="field">
                <span>
                  API key{compatible ? <span className="hint"> (optional)</span> : null}
                </span>
                <input
                  type="password"
                  autoComplete="off"
                  spellCheck={false}
                  value={apiKey}
                  onChange={(e) => setApiKey(e.target.value)}
                  required={!compatible}
                />
              </label>
              <label className="field settings-grow">
                <span>
                  Base URL{compatible ? null : <span className="hint"> (optional)</span>}
                </span>
                <input
                  type="url"
                  inputMode="url"
                  placeholder={compatible ? 'https://…/v1' : ''}
                  value={baseUrl}
                  onChange={(e) => setBaseUrl(e.target.value)}
                  required={compatible}
                  aria-describedby="base-url-hint"
                />
                <span id="base-url-hint" className="hint">
                  {chosen?.baseUrlHint}
                </span>
              </label>
            </div>
            <button className="btn btn-primary" type="submit" disabled={!allowed || saved.fetching} title={title}>
              {replacing ? 'Replace key' : 'Save key'}
            </button>
          </fieldset>
        </form>
        <ErrorView error={saved.error} />
        <p role="status" className="settings-notice">
          {notice}
        </p>
      </section>

      <section className="card" aria-labelledby="credentials-heading">
        <h2 id="credentials-heading">Stored provider keys</h2>
        {!allowed ? (
          <Empty title="Your role cannot see or manage provider credentials." />
        ) : (
          <QueryState fetching={result.fetching} error={result.error} hasData={result.data !== undefined}>
            <ErrorView error={deleted.error} />
            {credentials.length === 0 ? (
              <Empty title="No provider keys stored: runs use the server's defaults." />
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Stored provider keys</caption>
                  <thead>
                    <tr>
                      <th scope="col">Provider</th>
                      <th scope="col">Key</th>
                      <th scope="col">Base URL</th>
                      <th scope="col">Updated</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {credentials.map((c) => (
                      <tr key={c.id}>
                        <td>{providerLabel(c.provider)}</td>
                        <td className="mono">{c.keyHint ? `••••${c.keyHint}` : <span className="muted">(hidden)</span>}</td>
                        <td className="settings-break">{c.baseUrl ?? <span className="muted">Default</span>}</td>
                        <td>{formatTime(c.updatedAt)}</td>
                        <td className="settings-actions">
                          <button
                            type="button"
                            className="btn btn-danger btn-small"
                            aria-label={`Delete the ${providerLabel(c.provider)} key`}
                            disabled={deleted.fetching}
                            onClick={async () => {
                              setNotice('');
                              const done = await remove({ orgId, provider: c.provider });
                              if (done.data) {
                                setNotice(`${providerLabel(c.provider)} key deleted.`);
                                refresh();
                              }
                            }}
                          >
                            Delete
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
