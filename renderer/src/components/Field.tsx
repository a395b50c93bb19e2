import type { ReactNode } from 'react';

/** A form's field: its name above what it takes (an input, a select). */
export function Field(props: { label: string; className?: string; children: ReactNode }) {
  return (
    <label className={props.className}>
      <span>{props.label}</span>
      {props.children}
    </label>
  );
}

/** A field of one line of text. */
export function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  ariaLabel?: string;
  className?: string;
}) {
  return (
    <Field label={props.label} className={props.className}>
      <input
        type="text"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
        aria-label={props.ariaLabel}
      />
    </Field>
  );
}
