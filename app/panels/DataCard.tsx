/**
 * The data card in the dock: which dataset (generated 2-D points, other built-ins, or an
 * upload), its size and noise, a small preview (a few texts for text data), upload buttons (file or folder) with a
 * progress bar, upload errors (role=alert, with "Skip bad rows" when that helps), whether
 * the model fits the data, and the one-click "Fit model to data".
 */
import { useEffect, useId, useMemo, useRef } from 'react';
import { BUILTINS, builtinInfo, makeBuiltin } from '../../engine/data/builtin.ts';
import type { Builtin2DName } from '../../engine/data/builtin2d.ts';
import { useApp } from '../store/index.ts';
import { useAnalysis } from '../store/analysis.ts';
import { NumberField } from './NumberField.tsx';
import { drawPlot } from './plot2d.ts';
import { useDataset2D } from './useDataset.ts';
import { defaultPrep, filesFromInput, loadFiles, retrySkippingBadRows } from '../data/dataActions.ts';
import { fitGraphToData } from '../data/fitModel.ts';
import { drawBars, drawGrid } from '../data/draw.ts';
import { fmtBytes, sigText } from '../data/format.ts';
import '../data/data.css';

const ACCEPT = '.csv,.tsv,.txt,.json,.npy,.npz,.zip,.gz,.idx,.ubyte,.png,.jpg,.jpeg,.webp,.bmp';

function useBuiltinPreview(name: string | null, samples: number, noise: number, seed: number) {
  return useMemo(() => {
    if (!name) return null;
    try {
      return makeBuiltin(name, { samples: name.startsWith('digits') ? 16 : Math.min(samples, 2000), noise, seed });
    } catch {
      return null;
    }
  }, [name, samples, noise, seed]);
}

export function DataCard() {
  const dataset = useApp((s) => s.dataset);
  const setDataset = useApp((s) => s.setDataset);
  const source = useApp((s) => s.dataSource);
  const setSource = useApp((s) => s.setDataSource);
  const uploads = useApp((s) => s.uploads);
  const busy = useApp((s) => s.dataBusy);
  const error = useApp((s) => s.dataError);
  const problem = useApp((s) => s.dataProblem);
  const sig = useApp((s) => s.dataSignature);
  const patchData = useApp((s) => s.patchData);
  const running = useApp((s) => s.status === 'running' || s.status === 'stopping' || s.status === 'paused');
  const analysis = useAnalysis();
  const misfit = analysis.issues.some((i) => i.code === 'data-mismatch');
  const data2d = useDataset2D(dataset);
  const builtin = source?.kind === 'builtin' ? source : null;
  const upload = source?.kind === 'upload' ? source : null;
  const summary = upload ? uploads.find((u) => u.id === upload.id) ?? null : null;
  const gen = useBuiltinPreview(builtin?.name ?? null, builtin?.samples ?? 0, builtin?.noise ?? 0, builtin?.seed ?? 0);
  const canvas = useRef<HTMLCanvasElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const selId = useId();
  const noiseId = useId();

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    if (!source) drawPlot(c, data2d, null, { radius: 1.6 });
    else if (gen && gen.sampleShape.length === 1 && gen.sampleShape[0] === 2 && gen.classes) drawPlot(c, { x: gen.x, y: gen.y as Int32Array, classes: gen.classes, extent: gen.extent ?? [-6, 6, -6, 6] }, null, { radius: 1.6 });
    else if (gen && gen.image) drawGrid(c, Array.from({ length: Math.min(16, gen.rows) }, (_, i) => ({ width: 28, height: 28, channels: 1, chw: gen.x.subarray(i * 784, (i + 1) * 784) })), 4);
    else if (gen) drawPlot(c, { x: Float32Array.from({ length: gen.rows * 2 }, (_, i) => (i % 2 ? gen.y[i >> 1] * 2.5 : gen.x[i >> 1] * 1.8)), y: new Int32Array(gen.rows), classes: 1, extent: [-6, 6, -6, 6] }, null, { radius: 1.4 });
    else if (summary?.images) drawGrid(c, summary.images.samples.slice(0, 16).map((s) => ({ width: summary.images!.width, height: summary.images!.height, channels: summary.images!.channels, bytes: s.pixels })), 4);
    else if (summary?.table && upload) {
      const label = summary.table.columns.find((col) => col.name === (upload.prep as { label?: string } | undefined)?.label);
      drawBars(c, label?.histogram ?? []);
    } else if (summary?.tensor?.counts) drawBars(c, summary.tensor.counts.map((count, i) => ({ value: String(i), count })));
    else c.getContext('2d')?.clearRect(0, 0, c.width, c.height);
  }, [source, data2d, gen, summary, upload]);

  const value = upload ? `upload:${upload.id}` : builtin ? builtin.name : dataset.name;
  const onSelect = (v: string) => {
    if (v.startsWith('upload:')) {
      const s = uploads.find((u) => `upload:${u.id}` === v);
      if (s) setSource({ kind: 'upload', id: s.id, name: s.name, prep: { ...defaultPrep(s) } });
      return;
    }
    const info = builtinInfo(v);
    if (!info) return;
    if (info.kind === 'builtin2d') {
      setSource(null);
      setDataset({ name: v as Builtin2DName });
    } else setSource({ kind: 'builtin', name: v, samples: info.samples, noise: info.noise, seed: 7 });
  };
  const noise = builtin ? builtin.noise : dataset.noise;
  const samples = builtin ? builtin.samples : dataset.samples;
  const info = builtin ? builtinInfo(builtin.name) : null;
  const info2d = source ? null : builtinInfo(dataset.name);
  const label = upload ? upload.name : builtin ? info?.label ?? builtin.name : dataset.name;

  return (
    <section className="card data-card" aria-label="Data">
      <h2 className="card-title">Data</h2>
      <div className="data-body">
        <div className="data-fields">
          <div className="field">
            <label htmlFor={selId}>Dataset</label>
            <select id={selId} value={value} disabled={running || !!busy} onChange={(e) => onSelect(e.target.value)}>
              <optgroup label="2-D points">
                {BUILTINS.filter((b) => b.kind === 'builtin2d').map((b) => <option key={b.name} value={b.name}>{b.label}</option>)}
              </optgroup>
              <optgroup label="Generated">
                {BUILTINS.filter((b) => b.kind === 'builtin').map((b) => <option key={b.name} value={b.name}>{b.label}</option>)}
              </optgroup>
              {uploads.length > 0 && (
                <optgroup label="Uploaded">
                  {uploads.map((u) => <option key={u.id} value={`upload:${u.id}`}>{u.name}</option>)}
                </optgroup>
              )}
            </select>
          </div>
          {!upload && (
            <>
              <div className="field">
                <label htmlFor={noiseId}>
                  Noise <span className="field-hint">{noise.toFixed(2)}</span>
                </label>
                <input id={noiseId} type="range" min={0} max={1.5} step={0.05} value={noise} disabled={running} onChange={(e) => (builtin ? setSource({ ...builtin, noise: Number(e.target.value) }) : setDataset({ noise: Number(e.target.value) }))} />
              </div>
              <NumberField label="Samples" value={samples} min={20} max={info?.maxSamples ?? 5000} int disabled={running} onCommit={(v) => (builtin ? setSource({ ...builtin, samples: v }) : setDataset({ samples: v }))} />
            </>
          )}
          {summary && <div className="data-meta">{summary.rows.toLocaleString()} samples · {fmtBytes(summary.bytes)}</div>}
          <div className="data-row">
            {summary && <button type="button" title="Preview the data and choose how it is prepared" onClick={() => patchData({ dataPanelOpen: true })}>Prepare…</button>}
            <button type="button" title="Upload a CSV, TSV, JSON, NPY/NPZ, IDX or a ZIP of images (or drop it anywhere)" disabled={running || !!busy} onClick={() => fileInput.current?.click()}>Upload…</button>
            <button type="button" title="Upload a folder with one sub-folder of images per class" disabled={running || !!busy} onClick={() => folderInput.current?.click()}>Folder…</button>
            <input ref={fileInput} type="file" hidden accept={ACCEPT} multiple aria-label="Upload data file" onChange={(e) => {
              void loadFiles(filesFromInput(e.target.files));
              e.target.value = '';
            }} />
            <input ref={folderInput} type="file" hidden aria-label="Upload data folder" {...{ webkitdirectory: '' }} onChange={(e) => {
              void loadFiles(filesFromInput(e.target.files));
              e.target.value = '';
            }} />
          </div>
          {busy && (
            <div className="data-meta">
              {busy.phase === 'decoding' ? 'Decoding images' : busy.phase === 'storing' ? 'Storing' : 'Reading'} {busy.name}…
              <progress className="data-progress" aria-label="Loading data" max={1} value={busy.fraction} />
            </div>
          )}
          {error && (
            <div className="data-alert" role="alert">
              <span>{error.text}</span>
              <div className="data-row">
                {error.canSkip && <button type="button" onClick={retrySkippingBadRows}>Skip bad rows</button>}
                <button type="button" onClick={() => patchData({ dataError: null })}>Dismiss</button>
              </div>
            </div>
          )}
          {problem && <div className="data-note" role="status">{problem}</div>}
          <div className="data-sig" title="What the model must accept and predict for this data">{sigText(sig)}</div>
          {misfit && (
            <div className="data-note">
              The model does not fit this data.
              <div className="data-row">
                <button type="button" className="primary" disabled={running} onClick={() => useApp.getState().edit((g) => fitGraphToData(g, useApp.getState().dataSignature))}>Fit model to data</button>
              </div>
            </div>
          )}
        </div>
        {gen?.text ? (
          <ul className="data-preview data-text-preview" data-testid="dataset-preview" aria-label={`Preview: ${label}, ${samples} texts`}>
            {gen.text.tagged
              ? gen.text.tagged.slice(0, 6).map((t, i) => <li key={i}>{t}</li>)
              : gen.text.texts.slice(0, 6).map((t, i) => <li key={i}><b>{gen.classNames?.[gen.y[i]!] ?? gen.y[i]}</b> {t}</li>)}
          </ul>
        ) : (
          <canvas
            ref={canvas}
            className="data-preview"
            data-testid="dataset-preview"
            role="img"
            aria-label={source ? `Preview: ${label}${upload ? '' : `, ${samples} samples`}` : `Scatter preview: ${info2d?.label ?? label}, ${samples} points`}
          />
        )}
      </div>
    </section>
  );
}
