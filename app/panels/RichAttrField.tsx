/**
 * Inspector fields for the catalog's rich attribute kinds: 'code' (the Custom Code node's
 * forward pass: a preview and the code editor, CustomCodeField.tsx; edits commit as you type
 * and undo as one step per burst) and 'numbers' (a possibly empty list, typed as "1, 2, 3").
 */
import { useId, useState } from 'react';
import type { AttrValue, RichAttrSpec } from '../../engine/graph/types.ts';
import { CustomCodeField } from './CustomCodeField.tsx';

interface Props {
  /** The node whose attribute this is (the code editor checks and marks that node's code). */
  nodeId: string;
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

export function RichAttrField({ nodeId, spec, value, issue, onCommit }: Props) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  if (spec.kind === 'code') return <CustomCodeField nodeId={nodeId} spec={spec} value={value} issue={issue} onCommit={onCommit} />;
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
