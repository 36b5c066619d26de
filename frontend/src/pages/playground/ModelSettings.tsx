import type { OverrideForm } from './overrides';

interface VersionModel {
  provider: string;
  model: string;
  temperature: number | null;
  maxTokens: number | null;
  topP: number | null;
  stop: string[];
  extra: unknown;
}

const FIELDS: { key: keyof OverrideForm; label: string; current: (m: VersionModel) => string; type: 'text' | 'number' | 'area'; step?: string }[] = [
  { key: 'model', label: 'Model', current: (m) => m.model, type: 'text' },
  { key: 'temperature', label: 'Temperature (0–2)', current: (m) => String(m.temperature ?? 'default'), type: 'number', step: '0.1' },
  { key: 'maxTokens', label: 'Max tokens', current: (m) => String(m.maxTokens ?? 'default'), type: 'number', step: '1' },
  { key: 'topP', label: 'Top P (0–1)', current: (m) => String(m.topP ?? 'default'), type: 'number', step: '0.05' },
  { key: 'stop', label: 'Stop sequences (one per line)', current: (m) => (m.stop.length > 0 ? m.stop.join(' / ') : 'none'), type: 'area' },
  { key: 'extra', label: 'Extra (JSON object)', current: (m) => JSON.stringify(m.extra ?? {}), type: 'area' },
];

/**
 * The version's model settings, each overridable for the next run: an empty field keeps the
 * version's value (shown as the placeholder). The provider stays the version's.
 */
export function ModelSettings({
  model,
  form,
  errors,
  onChange,
}: {
  model: VersionModel;
  form: OverrideForm;
  errors: Partial<Record<keyof OverrideForm, string>>;
  onChange: (form: OverrideForm) => void;
}) {
  const changed = Object.values(form).some((v) => v.trim() !== '');
  return (
    <fieldset className="model-settings">
      <legend>Model settings for this run</legend>
      <p className="muted small">
        Provider <strong>{model.provider}</strong>. Leave a field empty to use the version&apos;s value; what you set
        applies to this run only (save a new version to keep it).
      </p>
      <div className="grid-3">
        {FIELDS.map(({ key, label, current, type, step }) => {
          const id = `override-${key}`;
          const hint = `Version: ${current(model)}`;
          return (
            <label key={key} className="field" htmlFor={id}>
              <span>{label}</span>
              {type === 'area' ? (
                <textarea
                  id={id}
                  rows={2}
                  value={form[key]}
                  placeholder={hint}
                  aria-invalid={errors[key] ? true : undefined}
                  aria-describedby={errors[key] ? `${id}-error` : undefined}
                  onChange={(e) => onChange({ ...form, [key]: e.target.value })}
                />
              ) : (
                <input
                  id={id}
                  type={type}
                  step={step}
                  value={form[key]}
                  placeholder={hint}
                  aria-invalid={errors[key] ? true : undefined}
                  aria-describedby={errors[key] ? `${id}-error` : undefined}
                  onChange={(e) => onChange({ ...form, [key]: e.target.value })}
                />
              )}
              {errors[key] ? (
                <span className="field-error" id={`${id}-error`} role="alert">
                  {errors[key]}
                </span>
              ) : null}
            </label>
          );
        })}
      </div>
      {changed ? (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => onChange({ model: '', temperature: '', maxTokens: '', topP: '', stop: '', extra: '' })}
        >
          Use the version&apos;s settings
        </button>
      ) : null}
    </fieldset>
  );
}
