/**
 * A labelled number input that validates as you type (whole numbers, min/max) and commits
 * only valid values; the reason a value is refused shows under the field.
 */
import { useId, useState } from 'react';
import { checkNumber } from './attrInput.ts';

interface Props {
  label: string;
  value: number;
  min?: number;
  max?: number;
  int?: boolean;
  step?: number | 'any';
  disabled?: boolean;
  onCommit(v: number): void;
}

export function NumberField({ label, value, min, max, int, step, disabled, onCommit }: Props) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const checked = draft === null ? null : checkNumber(draft, { min, max, int });
  const error = checked && !checked.ok ? checked.error : null;
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        value={draft ?? String(value)}
        min={min}
        max={max}
        step={step ?? (int ? 1 : 'any')}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          const c = checkNumber(e.target.value, { min, max, int });
          if (c.ok) onCommit(c.value);
        }}
        onBlur={() => {
          if (draft !== null && checkNumber(draft, { min, max, int }).ok) setDraft(null);
        }}
      />
      {error && (
        <div className="field-error" id={`${id}-err`} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
