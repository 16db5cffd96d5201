/**
 * Inspector fields for the catalog's rich attribute kinds: 'code' (the Custom Code node's
 * forward pass, a monospace editor — Tab indents, edits commit as you type and undo as one
 * step per burst) and 'numbers' (a possibly empty list, typed as "1, 2, 3").
 */
import { useId, useState } from 'react';
import type { AttrValue, RichAttrSpec } from '../../engine/graph/types.ts';

interface Props {
  spec: RichAttrSpec;
  value: AttrValue | undefined;
  issue?: string;
  onCommit(value: AttrValue): void;
}

export function parseNumbers(text: string, spec: Pick<RichAttrSpec, 'int' | 'min' | 'max'>): { ok: true; value: number[] } | { ok: false; error: string } {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const value = parts.map(Number);
  if (value.some((v) => !Number.isFinite(v))) return { ok: false, error: 'Use numbers separated by commas' };
  if (spec.int && value.some((v) => !Number.isInteger(v))) return { ok: false, error: 'Use whole numbers' };
  if (spec.min !== undefined && value.some((v) => v < spec.min!)) return { ok: false, error: `Each must be at least ${spec.min}` };
  if (spec.max !== undefined && value.some((v) => v > spec.max!)) return { ok: false, error: `Each must be at most ${spec.max}` };
  return { ok: true, value };
}

export function RichAttrField({ spec, value, issue, onCommit }: Props) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  if (spec.kind === 'code') {
    const text = typeof value === 'string' ? value : String(spec.default);
    return (
      <div className="field" title={spec.doc}>
        <label htmlFor={id}>{spec.label}</label>
        <textarea
          id={id}
          className="code-field"
          spellCheck={false}
          rows={Math.min(14, Math.max(5, text.split('\n').length + 1))}
          value={text}
          aria-invalid={issue ? true : undefined}
          onChange={(e) => onCommit(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Tab' || e.shiftKey) return;
            e.preventDefault();
            const t = e.currentTarget;
            const { selectionStart: a, selectionEnd: b } = t;
            onCommit(`${t.value.slice(0, a)}  ${t.value.slice(b)}`);
            requestAnimationFrame(() => t.setSelectionRange(a + 2, a + 2));
          }}
        />
        {issue && <div className="field-error" role="alert">{issue}</div>}
        <span className="field-hint">{spec.doc}</span>
      </div>
    );
  }
  const shown = draft ?? (Array.isArray(value) ? value.join(', ') : '');
  const parsed = draft === null ? null : parseNumbers(draft, spec);
  const error = parsed && !parsed.ok ? parsed.error : issue;
  return (
    <div className={`field${error ? ' invalid' : ''}`} title={spec.doc}>
      <label htmlFor={id}>{spec.label}</label>
      <input
        id={id}
        type="text"
        value={shown}
        placeholder="empty"
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          const p = parseNumbers(e.target.value, spec);
          if (p.ok) onCommit(p.value);
        }}
        onBlur={() => draft !== null && parseNumbers(draft, spec).ok && setDraft(null)}
      />
      {error && <div className="field-error" role="alert">{error}</div>}
    </div>
  );
}
