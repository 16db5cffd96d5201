/** A labelled select for the data dialog's settings rows. */
import { useId } from 'react';

export function Select<T extends string>({ label, value, options, onChange, disabled }: { label: string; value: T; options: [T, string][]; onChange(v: T): void; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as T)}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </div>
  );
}
