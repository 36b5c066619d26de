import { useId, type ReactNode } from 'react';

/**
 * A labelled `<select>`. The label is tied by `for`/`id`, not by wrapping: a label wrapping a
 * select would take the selected option into the select's accessible name ("Role viewer").
 */
export function SelectField({
  label,
  value,
  onChange,
  children,
  disabled,
  title,
  className,
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
  disabled?: boolean;
  title?: string | undefined;
  className?: string;
}) {
  const id = useId();
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <span>
        <label htmlFor={id}>{label}</label>
      </span>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)} disabled={disabled} title={title}>
        {children}
      </select>
    </div>
  );
}

/** A role picker; with `hiddenLabel` the label is only its accessible name (in table rows). */
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
  // A role the list does not know (a custom role the caller cannot read) stays selectable.
  const options = names.includes(value) || !value ? names : [value, ...names];
  const children = options.map((name) => (
    <option key={name} value={name}>
      {name}
    </option>
  ));
  if (hiddenLabel) {
    return (
      <select
        value={value}
        onChange={(event) => onChange(event.target.value)}
        disabled={disabled}
        title={title}
        aria-label={label}
      >
        {children}
      </select>
    );
  }
  return (
    <SelectField label={label} value={value} onChange={onChange} disabled={disabled} title={title}>
      {children}
    </SelectField>
  );
}
