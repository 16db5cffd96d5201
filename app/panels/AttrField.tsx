/**
 * One typed attribute field in the inspector, built from the catalog's AttrSpec: number
 * inputs validated against min/max (the message shows on the field and nothing is committed
 * until the text is valid), enum selects, checkboxes, and shapes as comma lists.
 */
import { useId, useState } from 'react';
import type { AttrSpec, AttrValue } from '../../engine/graph/types.ts';
import { formatAttr, parseAttr } from './attrInput.ts';

interface Props {
  spec: AttrSpec;
  value: AttrValue | undefined;
  /** An analysis issue about this attribute, if any. */
  issue?: string;
  onCommit(value: AttrValue): void;
}

export function AttrField({ spec, value, issue, onCommit }: Props) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? formatAttr(spec, value);
  const parsed = draft === null ? null : parseAttr(spec, draft);
  const error = parsed && !parsed.ok ? parsed.error : issue;
  const hint = [spec.min !== undefined ? `min ${spec.min}` : '', spec.max !== undefined ? `max ${spec.max}` : ''].filter(Boolean).join(', ');

  if (spec.kind === 'bool') {
    return (
      <div className="field field-check" title={spec.doc}>
        <input id={id} type="checkbox" checked={Boolean(value ?? spec.default)} onChange={(e) => onCommit(e.target.checked)} />
        <label htmlFor={id}>{spec.label}</label>
      </div>
    );
  }

  if (spec.kind === 'enum') {
    return (
      <div className="field" title={spec.doc}>
        <label htmlFor={id}>{spec.label}</label>
        <select id={id} value={String(value ?? spec.default)} onChange={(e) => onCommit(e.target.value)}>
          {(spec.options ?? []).map((o) => (
            <option key={o} value={o}>{o}</option>
          ))}
        </select>
        {issue && <div className="field-error" role="alert">{issue}</div>}
      </div>
    );
  }

  const numeric = spec.kind === 'int' || spec.kind === 'float';
  return (
    <div className={`field${error ? ' invalid' : ''}`} title={spec.doc}>
      <div className="field-label-row">
        <label htmlFor={id}>{spec.label}</label>
        {hint && <span className="field-hint" id={`${id}-hint`}>{hint}</span>}
      </div>
      <input
        id={id}
        type={numeric ? 'number' : 'text'}
        inputMode={numeric ? (spec.kind === 'int' ? 'numeric' : 'decimal') : undefined}
        step={spec.kind === 'int' ? 1 : numeric ? 'any' : undefined}
        min={spec.min}
        max={spec.max}
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          const p = parseAttr(spec, e.target.value);
          if (p.ok) onCommit(p.value);
        }}
        onBlur={() => {
          if (draft !== null && parseAttr(spec, draft).ok) setDraft(null);
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
