/**
 * Dataset picker: which generated 2-D dataset, its noise and size, and a scatter preview.
 */
import { useEffect, useId, useRef } from 'react';
import { BUILTIN_2D, type Builtin2DName } from '../../engine/data/builtin2d.ts';
import { useApp } from '../store/index.ts';
import { NumberField } from './NumberField.tsx';
import { drawPlot } from './plot2d.ts';
import { useDataset2D } from './useDataset.ts';

const NAMES: Record<Builtin2DName, string> = { circles: 'Circles', xor: 'XOR', moons: 'Moons', spirals: 'Spirals' };

export function DataCard() {
  const dataset = useApp((s) => s.dataset);
  const setDataset = useApp((s) => s.setDataset);
  const running = useApp((s) => s.status === 'running' || s.status === 'stopping');
  const data = useDataset2D(dataset);
  const canvas = useRef<HTMLCanvasElement>(null);
  const selId = useId();
  const noiseId = useId();

  useEffect(() => {
    if (canvas.current) drawPlot(canvas.current, data, null, { radius: 1.6 });
  }, [data]);

  return (
    <section className="card data-card" aria-label="Data">
      <h2 className="card-title">Data</h2>
      <div className="data-body">
        <div className="data-fields">
          <div className="field">
            <label htmlFor={selId}>Dataset</label>
            <select id={selId} value={dataset.name} disabled={running} onChange={(e) => setDataset({ name: e.target.value as Builtin2DName })}>
              {BUILTIN_2D.map((n) => (
                <option key={n} value={n}>{NAMES[n] ?? n}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={noiseId}>
              Noise <span className="field-hint">{dataset.noise.toFixed(2)}</span>
            </label>
            <input id={noiseId} type="range" min={0} max={1.5} step={0.05} value={dataset.noise} disabled={running} onChange={(e) => setDataset({ noise: Number(e.target.value) })} />
          </div>
          <NumberField label="Samples" value={dataset.samples} min={20} max={5000} int disabled={running} onCommit={(v) => setDataset({ samples: v })} />
        </div>
        <canvas
          ref={canvas}
          className="data-preview"
          data-testid="dataset-preview"
          role="img"
          aria-label={`Scatter preview: ${NAMES[dataset.name] ?? dataset.name}, ${dataset.samples} points`}
        />
      </div>
    </section>
  );
}
