import { useId } from 'react';

/** A labelled role picker; `label` is visible unless `hiddenLabel` (then it is the accessible name). */
export function RoleSelect({
  label,
  value,
  names,
  onChange,
  disabled,
  title,
  hiddenLabel = false,
}: {
  label: string;
  value: string;
  names: readonly string[];
  onChange: (role: string) => void;
  disabled?: boolean;
  title?: string | undefined;
  hiddenLabel?: boolean;
}) {
  const id = useId();
  // A role the list does not know (a custom role the caller cannot read) stays selectable.
  const options = names.includes(value) || !value ? names : [value, ...names];
  const select = (
    <select
      id={id}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      disabled={disabled}
      title={title}
      aria-label={hiddenLabel ? label : undefined}
    >
      {options.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
  if (hiddenLabel) return select;
  return (
    <label className="field" htmlFor={id}>
      <span>{label}</span>
      {select}
    </label>
  );
}
