/**
 * The compression report: one row per variant (parameters, non-zeros, the weight file raw and
 * gzipped, accuracy or loss and its change from the baseline, CPU latency per sample), the
 * size-vs-accuracy plot, and per variant its downloads (project, ONNX — QDQ for int8 —,
 * PyTorch, the compressed weight file) and "Keep as the project's model", confirmed first.
 */
import { useEffect, useRef, useState } from 'react';
import type { CompressedVariant, VariantReport } from '../../workers/api.ts';
import { downloadVariant, keepVariant } from '../actions/compression.ts';
import { drawSizeAccuracy } from './compressPlots.ts';

const int = (v: number) => v.toLocaleString('en-US');
const kb = (v: number) => `${(v / 1000).toFixed(1)} kB`;

function score(r: VariantReport, acc: boolean): [string, string] {
  if (!acc) return [r.loss.toFixed(4), `${r.delta >= 0 ? '+' : ''}${r.delta.toFixed(4)}`];
  return [`${(r.accuracy! * 100).toFixed(2)}%`, `${r.delta >= 0 ? '+' : ''}${(r.delta * 100).toFixed(2)} pp`];
}

function Actions({ v, kept }: { v: CompressedVariant; kept: boolean }) {
  const [confirm, setConfirm] = useState(false);
  const name = v.report.name;
  const compressedFile = v.report.file.format !== 'float32';
  return (
    <span className="compress-actions">
      <button type="button" className="link" onClick={() => void downloadVariant(v, 'project')} aria-label={`Download ${name} as .flowgrad.zip`}>.flowgrad.zip</button>
      <button type="button" className="link" onClick={() => void downloadVariant(v, 'onnx')} aria-label={`Download ${name} as ONNX`}>{v.report.file.format === 'int8' ? 'ONNX (int8 QDQ)' : 'ONNX'}</button>
      <button type="button" className="link" onClick={() => void downloadVariant(v, 'pytorch')} aria-label={`Download ${name} as a PyTorch project`}>PyTorch</button>
      <button type="button" className="link" onClick={() => void downloadVariant(v, 'bundle')} aria-label={`Download ${name} as a standalone bundle`}>Bundle</button>
      {compressedFile && <button type="button" className="link" onClick={() => void downloadVariant(v, 'weights')} aria-label={`Download the ${v.report.file.format} weights of ${name}`}>{v.report.file.format} weights</button>}
      {name !== 'baseline' && (kept ? <span className="badge">kept</span> : confirm ? (
        <span className="compress-confirm" role="group" aria-label={`Keep ${name}?`}>
          Replace the project's model?
          <button type="button" onClick={() => { setConfirm(false); keepVariant(v); }}>Keep {name}</button>
          <button type="button" onClick={() => setConfirm(false)}>Cancel</button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirm(true)} aria-label={`Keep ${name} as the project's model`}>Keep as model</button>
      ))}
    </span>
  );
}

export function CompressReport({ rows, variants, kept }: { rows: VariantReport[]; variants: CompressedVariant[] | null; kept: string | null }) {
  const plot = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (plot.current) drawSizeAccuracy(plot.current, rows);
  }, [rows]);
  if (rows.length === 0) return null;
  const acc = rows[0]!.accuracy !== undefined;
  return (
    <section className="compress-report" aria-label="Compression report">
      <div className="eval-scroll">
        <table className="eval-table" aria-label="Compressed variants">
          <thead>
            <tr>
              <th scope="col">Variant</th><th scope="col">Parameters</th><th scope="col">Non-zeros</th><th scope="col">Weights</th><th scope="col">File</th><th scope="col">Gzipped</th>
              <th scope="col">{acc ? 'Accuracy' : 'Loss'}</th><th scope="col">Δ</th><th scope="col">CPU / sample</th><th scope="col">WebGPU / sample</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const [s, d] = score(r, acc);
              return (
                <tr key={r.name} data-variant={r.name}>
                  <th scope="row" title={r.method}>{r.name}</th><td>{int(r.parameters)}</td><td>{int(r.nonZeros)}</td><td>{r.file.format}</td>
                  <td>{kb(r.file.bytes)}</td><td>{kb(r.file.gzipBytes)}</td><td>{s}</td><td>{d}</td><td>{r.latencyMs.toFixed(3)} ms</td>
                  <td>{r.webgpuLatencyMs !== undefined ? `${r.webgpuLatencyMs.toFixed(3)} ms` : <span title="No WebGPU adapter here, or not measured yet">—</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ul className="compress-methods small" aria-label="Variants: how each was made, downloads">
        {rows.map((r, i) => (
          <li key={r.name}>
            <b>{r.name}</b>: <span className="muted">{r.method}</span>
            {variants?.[i] && <Actions v={variants[i]!} kept={kept === r.name} />}
          </li>
        ))}
      </ul>
      <h3>Size vs {acc ? 'accuracy' : 'loss'}</h3>
      <canvas ref={plot} className="compress-plot" data-testid="compress-plot" data-points={rows.length} role="img" aria-label={`Weights size against ${acc ? 'accuracy' : 'loss'}, ${rows.length} variants`} />
    </section>
  );
}
