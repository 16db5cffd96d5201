/**
 * The inference playground for the trained model: click the decision-boundary plot to probe
 * a 2-D point, or type a row of features for tabular inputs, and see the class probabilities
 * (or the predicted values) the model gives — computed in the worker with
 * the engine's predict (actions/inference.ts) on the trained weights. A model trained on an
 * uploaded table gets one field per column (categories to pick from), raw values encoded with
 * its stored preprocessing (tabularInput.ts), and answers with the label's class names; a
 * text model gets a text box (TextPlayground.tsx).
 */
import { useId, useState } from 'react';
import type { Preprocessing } from '../../engine/project/preprocessing.ts';
import { defaultFields, encodeFields, tableColumns } from './tabularInput.ts';
import { currentWeights } from '../actions/projectFiles.ts';
import { predict } from '../actions/inference.ts';
import { useApp } from '../store/index.ts';
import { CLASS_COLORS } from './plot2d.ts';
import { TextPlayground } from './TextPlayground.tsx';

export interface Probe {
  point: number[];
  out: number[] | null;
  error?: string;
}

/** Probabilities from raw outputs: softmax unless they already sum to 1. */
export function toProbs(out: number[]): number[] {
  const sum = out.reduce((a, b) => a + b, 0);
  if (out.every((v) => v >= 0) && Math.abs(sum - 1) < 1e-3) return out;
  const m = Math.max(...out);
  const e = out.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

export async function probe(point: number[]): Promise<Probe> {
  const s = useApp.getState();
  const weights = currentWeights(s);
  if (!weights || !s.model) return { point, out: null, error: 'Train the model first.' };
  try {
    const out = await predict(s.model.graph, weights, Float32Array.from(point), 1, s.model.int8);
    return { point, out: Array.from(out) };
  } catch (e) {
    return { point, out: null, error: (e as Error).message };
  }
}

/**
 * The submit path every typed playground shares: encode the user's fields (an encoding error is
 * shown as the result, next to the fields), then probe the model with the encoded row.
 */
export function useProbeForm(encode: () => Float32Array | number[]) {
  const [result, setResult] = useState<Probe | null>(null);
  const onSubmit = (e: { preventDefault(): void }) => {
    e.preventDefault();
    let x: Float32Array | number[];
    try {
      x = encode();
    } catch (err) {
      setResult({ point: [], out: null, error: (err as Error).message });
      return;
    }
    void probe(Array.from(x)).then(setResult);
  };
  return { result, onSubmit };
}

export function ProbeResult({ p, classifier, classNames, target, at: where }: { p: Probe | null; classifier: boolean; classNames?: string[] | null; target?: string; at?: string }) {
  if (!p) return null;
  if (p.error) return <p className="run-message warn small">{p.error}</p>;
  if (!p.out) return null;
  const at = where ?? `At (${p.point.map((v) => v.toFixed(2)).join(', ')})`;
  if (!classifier) return <p className="small" role="status" aria-label="Prediction">{at}: {target ? `${target} = ` : ''}{p.out.map((v) => v.toFixed(4)).join(', ')}</p>;
  const probs = toProbs(p.out);
  const best = probs.indexOf(Math.max(...probs));
  return (
    <div className="probe" role="status" aria-label="Prediction">
      <span className="muted small">{at}{classNames ? <> → <b>{classNames[best] ?? `class ${best}`}</b></> : null}</span>
      {probs.map((v, i) => (
        <div key={i} className="probe-row">
          <span className="probe-class" style={{ background: `rgb(${CLASS_COLORS[i % CLASS_COLORS.length].join(',')})` }} aria-hidden="true" />
          <span className="small">{classNames?.[i] ?? `class ${i}`}</span>
          <span className="probe-bar"><span style={{ width: `${v * 100}%` }} /></span>
          <span className="small mono">{(v * 100).toFixed(1)}%</span>
        </div>
      ))}
    </div>
  );
}

/** Typed rows for models whose input is a flat feature vector other than a 2-D point. */
export function TabularPlayground({ features, classifier, preprocessing }: { features: number; classifier: boolean; preprocessing?: Preprocessing | null }) {
  if (preprocessing?.kind === 'text' && preprocessing.text && preprocessing.text.maxLength === features) return <TextPlayground key={preprocessing.text.vocab.join('\n')} pre={preprocessing} classifier={classifier} />;
  if (preprocessing && tableColumns(preprocessing) && preprocessing.featureNames.length === features) {
    // Keyed by the preprocessing, so fields start over when a model with other columns arrives.
    return <ColumnPlayground key={JSON.stringify(preprocessing.columns)} pre={preprocessing} classifier={classifier} />;
  }
  return <FeaturePlayground features={features} classifier={classifier} />;
}

/** One field per column of the table the model was trained on; values encoded as in training. */
function ColumnPlayground({ pre, classifier }: { pre: Preprocessing; classifier: boolean }) {
  const [fields, setFields] = useState<Record<string, string>>(() => defaultFields(pre));
  const { result, onSubmit } = useProbeForm(() => encodeFields(pre, fields));
  const id = useId();
  const columns = tableColumns(pre)!;
  return (
    <form className="tabular-playground" aria-label="Try the model" onSubmit={onSubmit}>
      <div className="tabular-columns">
        {columns.map((c, i) => (
          <label key={c.name} className="small" htmlFor={`${id}-${i}`}>
            <span>{c.name}</span>
            {c.kind === 'categorical' ? (
              <select id={`${id}-${i}`} value={fields[c.name] ?? ''} onChange={(e) => setFields({ ...fields, [c.name]: e.target.value })}>
                {c.categories.map((v) => <option key={v} value={v}>{v}</option>)}
              </select>
            ) : (
              <input id={`${id}-${i}`} value={fields[c.name] ?? ''} inputMode="decimal" onChange={(e) => setFields({ ...fields, [c.name]: e.target.value })} />
            )}
          </label>
        ))}
      </div>
      <button type="submit">Predict</button>
      <ProbeResult p={result} classifier={classifier} classNames={pre.classNames} target={pre.label} at="Predicted" />
    </form>
  );
}

function FeaturePlayground({ features, classifier }: { features: number; classifier: boolean }) {
  const [row, setRow] = useState<string[]>(() => Array.from({ length: features }, () => '0'));
  const values = row.slice(0, features).map(Number);
  const ok = values.length === features && values.every(Number.isFinite);
  const { result, onSubmit } = useProbeForm(() => values);
  return (
    <form className="tabular-playground" aria-label="Try the model" onSubmit={(e) => (ok ? onSubmit(e) : e.preventDefault())}>
      <div className="tabular-row">
        {Array.from({ length: Math.min(features, 16) }, (_, i) => (
          <input key={i} aria-label={`Feature ${i + 1}`} value={row[i] ?? '0'} inputMode="decimal" onChange={(e) => setRow(Object.assign([...row], { [i]: e.target.value }))} />
        ))}
      </div>
      <button type="submit" disabled={!ok}>Predict</button>
      <ProbeResult p={result} classifier={classifier} />
    </form>
  );
}
