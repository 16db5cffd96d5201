/**
 * The dataset dialog: preview and preparation of the chosen upload. Tables: the first rows,
 * each column's type, min/max/mean, missing and non-finite counts, a role selector per column (feature /
 * label / ignore / text, with the tokenizer's settings for a text column: TextSettings.tsx), the label histogram, task, normalisation and missing-value policy. Images:
 * a grid per class with counts, size and colour, and augmentation with a live preview of
 * augmented samples. Arrays: shapes and class counts. Always: the split, what the model must
 * look like, and "Fit model to data".
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Rng } from '../../engine/core/rng.ts';
import { augmentSample } from '../../engine/data/augment.ts';
import { columnInfos, columnRoles, textColumnIndex } from '../../engine/project/dataPlan.ts';
import { NO_AUGMENT, type AugmentConfig, type ColumnRole, type DataPrep, type DatasetSummary } from '../../engine/project/dataTypes.ts';
import type { UploadSpec } from '../../engine/project/config.ts';
import { useApp } from '../store/index.ts';
import { useAnalysis } from '../store/analysis.ts';
import { NumberField } from '../panels/NumberField.tsx';
import { drawBars, drawGrid } from './draw.ts';
import { fitGraphToData } from './fitModel.ts';
import { fmtBytes, sigText } from './format.ts';
import { removeUpload } from './dataActions.ts';
import { dataSplit } from './splitCounts.ts';
import { nonFiniteText } from './nonFinite.ts';
import { Select } from './Select.tsx';
import { TextSettings } from './TextSettings.tsx';

function Slider({ label, value, min, max, step, onChange }: { label: string; value: number; min: number; max: number; step: number; onChange(v: number): void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label} <span className="field-hint">{value}</span></label>
      <input id={id} type="range" min={min} max={max} step={step} value={value} onChange={(e) => onChange(Number(e.target.value))} />
    </div>
  );
}

function Bars({ bars, className, label }: { bars: { value: string; count: number }[]; className: string; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawBars(ref.current, bars);
  }, [bars]);
  return <canvas ref={ref} className={className} role="img" aria-label={label} />;
}

function TableSection({ summary, prep }: { summary: DatasetSummary; prep: DataPrep }) {
  const patchPrep = useApp((s) => s.patchPrep);
  const t = summary.table!;
  const names = t.columns.map((c) => c.name);
  let roles: ColumnRole[];
  let textCol = -1;
  try {
    roles = columnRoles(names, prep);
    textCol = textColumnIndex(columnInfos(summary), roles);
    // A column read as text (chosen, or sentences found by themselves) shows the role it plays.
    if (textCol >= 0) roles = roles.map((r, i) => (i === textCol ? 'text' : r === 'feature' ? 'ignore' : r));
  } catch {
    roles = names.map(() => 'feature');
  }
  const labelCol = t.columns[roles.indexOf('label')];
  const nonFinite = nonFiniteText(t.columns, roles, prep.missing);
  const setRole = (name: string, role: ColumnRole) => {
    const next = { ...(prep.roles ?? {}) };
    delete next[name];
    if (role === 'ignore' || role === 'text') next[name] = role;
    if (role === 'label') patchPrep({ label: name, roles: next });
    else patchPrep({ roles: next, ...(prep.label === name ? { label: names.find((n, i) => n !== name && roles[i] !== 'ignore' && next[n] !== 'ignore') } : {}) });
  };
  return (
    <>
      <div className="data-section">
        <h3>Columns and first rows</h3>
        <div className="data-table-wrap">
          <table className="data-table" aria-label="Data preview">
            <thead>
              <tr>
                {t.columns.map((c, i) => (
                  <th key={c.name} className={`role-${roles[i]}`}>
                    <div>{c.name}</div>
                    <div className="col-stats">
                      {c.type === 'numeric' ? (c.integer ? 'integer' : 'number') : `text · ${c.distinct} values`}
                      {c.min !== undefined && <><br />min {fmt(c.min)} · max {fmt(c.max!)}<br />mean {fmt(c.mean!)}</>}
                      <br />{c.missing > 0 ? <span style={{ color: 'var(--warn)' }}>{c.missing} missing</span> : 'no missing'}
                      {(c.nonFinite ?? 0) > 0 && <><br /><span style={{ color: 'var(--warn)' }}>{c.nonFinite} non-finite</span></>}
                    </div>
                    <select aria-label={`Role of ${c.name}`} value={roles[i]} onChange={(e) => setRole(c.name, e.target.value as ColumnRole)}>
                      <option value="feature">feature</option>
                      <option value="label">label</option>
                      <option value="ignore">ignore</option>
                      {c.type === 'categorical' && <option value="text">text</option>}
                    </select>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {t.head.map((row, r) => (
                <tr key={r}>{row.map((v, i) => <td key={i} className={`role-${roles[i]}`}>{v === '' ? <span style={{ color: 'var(--text-faint)' }}>—</span> : v}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div className="data-fieldrow">
        <Select label="Label column" value={labelCol?.name ?? ''} options={names.map((n) => [n, n])} onChange={(v) => setRole(v, 'label')} />
        <Select label="Task" value={prep.task ?? 'auto'} options={[['auto', 'Automatic'], ['classification', 'Classification'], ['regression', 'Regression']]} onChange={(task) => patchPrep({ task })} />
        {textCol < 0 && <Select label="Normalize" value={prep.normalize ?? 'standardize'} options={[['standardize', 'Standardize (mean 0, sd 1)'], ['minmax', 'Min-max (0 to 1)'], ['none', 'None']]} onChange={(normalize) => patchPrep({ normalize })} />}
        {textCol < 0 && <Select label="Missing values" value={prep.missing ?? 'mean'} options={[['mean', 'Fill with mean'], ['zero', 'Fill with zero'], ['drop', 'Drop the row']]} onChange={(missing) => patchPrep({ missing })} />}
      </div>
      {textCol >= 0 && <TextSettings column={names[textCol]!} prep={prep} />}
      {nonFinite && <ul className="data-notes" aria-label="Non-finite cells"><li>{nonFinite}</li></ul>}
      {labelCol?.histogram && (
        <div className="data-section">
          <h3>Label: {labelCol.name}</h3>
          <Bars bars={labelCol.histogram} className="data-hist" label={`Label histogram of ${labelCol.name}`} />
        </div>
      )}
    </>
  );
}

function ClassGrid({ summary, cls }: { summary: DatasetSummary; cls: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const im = summary.images!;
  useEffect(() => {
    if (ref.current) drawGrid(ref.current, im.samples.filter((s) => s.label === cls).map((s) => ({ width: im.width, height: im.height, channels: im.channels, bytes: s.pixels })), 6);
  }, [im, cls]);
  return <canvas ref={ref} role="img" aria-label={`Samples of ${im.classNames[cls]}`} />;
}

function AugmentPreview({ summary, aug }: { summary: DatasetSummary; aug: AugmentConfig }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [tick, setTick] = useState(0);
  const im = summary.images!;
  useEffect(() => {
    const t = setInterval(() => setTick((k) => k + 1), 1200);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    if (!ref.current) return;
    const rng = new Rng(tick * 7919 + 1);
    const { width: w, height: h, channels: c } = im;
    const shown = im.samples.slice(0, 8).map((s) => {
      const chw = new Float32Array(c * w * h);
      for (let p = 0; p < w * h; p++) for (let k = 0; k < c; k++) chw[k * w * h + p] = s.pixels[p * c + k] / 255;
      augmentSample(chw, 0, [c, h, w], aug, null, rng, new Float32Array(chw.length));
      return { width: w, height: h, channels: c, chw };
    });
    drawGrid(ref.current, shown, 8);
  }, [im, aug, tick]);
  return <canvas ref={ref} className="data-aug-preview" role="img" aria-label="Augmented samples (live preview)" data-testid="augment-preview" />;
}

function ImageSection({ summary, prep }: { summary: DatasetSummary; prep: DataPrep }) {
  const patchPrep = useApp((s) => s.patchPrep);
  const im = summary.images!;
  const aug = { ...NO_AUGMENT, ...prep.augment };
  const setAug = (p: Partial<AugmentConfig>) => patchPrep({ augment: { ...aug, ...p } });
  const flipId = useId();
  return (
    <>
      <div className="data-section">
        <h3>Classes ({im.classNames.length}) · stored at {im.width}×{im.height} {im.channels === 1 ? 'gray' : 'RGB'}</h3>
        <div className="data-classes">
          {im.classNames.map((name, k) => (
            <div className="data-class" key={name}>
              <span><b>{name}</b> · {im.counts[k]} images</span>
              <ClassGrid summary={summary} cls={k} />
            </div>
          ))}
        </div>
      </div>
      <div className="data-fieldrow">
        <Select label="Image size" value={String(prep.imageSize ?? Math.min(im.width, 32))} options={[...new Set([8, 12, 16, 24, 28, 32, 48, 64, im.width])].sort((a, b) => a - b).map((s) => [String(s), `${s}×${s}`])} onChange={(v) => patchPrep({ imageSize: Number(v) })} />
        <Select label="Color" value={prep.color ?? (im.channels === 1 ? 'gray' : 'rgb')} options={im.channels === 1 ? [['gray', 'Grayscale']] : [['gray', 'Grayscale'], ['rgb', 'RGB']]} onChange={(color) => patchPrep({ color })} />
        <Select label="Normalize" value={prep.normalize ?? 'standardize'} options={[['standardize', 'Standardize per channel'], ['minmax', 'Min-max'], ['none', 'None (0 to 1)']]} onChange={(normalize) => patchPrep({ normalize })} />
      </div>
      <div className="data-section">
        <h3>Augmentation (training batches only)</h3>
        <div className="data-fieldrow">
          <div className="field field-check">
            <input id={flipId} type="checkbox" checked={aug.flip} onChange={(e) => setAug({ flip: e.target.checked })} />
            <label htmlFor={flipId}>Random flip</label>
          </div>
          <Slider label="Crop padding (px)" value={aug.cropPadding} min={0} max={8} step={1} onChange={(cropPadding) => setAug({ cropPadding })} />
          <Slider label="Rotation (°)" value={aug.rotation} min={0} max={45} step={1} onChange={(rotation) => setAug({ rotation })} />
          <Slider label="Brightness" value={aug.brightness} min={0} max={0.5} step={0.05} onChange={(brightness) => setAug({ brightness })} />
          <Slider label="Contrast" value={aug.contrast} min={0} max={0.5} step={0.05} onChange={(contrast) => setAug({ contrast })} />
          <Slider label="Noise" value={aug.noise} min={0} max={0.3} step={0.02} onChange={(noise) => setAug({ noise })} />
        </div>
        <AugmentPreview summary={summary} aug={aug} />
      </div>
    </>
  );
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

export function DataDialog() {
  const open = useApp((s) => s.dataPanelOpen);
  const source = useApp((s) => s.dataSource);
  const uploads = useApp((s) => s.uploads);
  const sig = useApp((s) => s.dataSignature);
  const problem = useApp((s) => s.dataProblem);
  const patchData = useApp((s) => s.patchData);
  const patchPrep = useApp((s) => s.patchPrep);
  const analysis = useAnalysis();
  const upload: UploadSpec | null = source?.kind === 'upload' ? source : null;
  const summary = upload ? uploads.find((u) => u.id === upload.id) ?? null : null;
  const prep = useMemo(() => (upload?.prep ?? {}) as DataPrep, [upload]);
  const validationSplit = useApp((s) => s.training.validationSplit);
  const dataset = useApp((s) => s.dataset);
  const close = () => patchData({ dataPanelOpen: false });

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') patchData({ dataPanelOpen: false });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, patchData]);

  if (!open || !summary || !upload) return null;
  const val = prep.valFraction ?? 0.15;
  const test = prep.testFraction ?? 0.15;
  const n = summary.rows;
  const split = dataSplit(upload, dataset, uploads, validationSplit);
  const misfit = analysis.issues.some((i) => i.code === 'data-mismatch');
  return (
    <div className="data-dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="data-dialog" role="dialog" aria-modal="true" aria-label="Dataset">
        <header>
          <h2>{summary.name}</h2>
          <span className="data-meta">
            {summary.format.toUpperCase()} · {n.toLocaleString()} samples · file {fmtBytes(summary.bytes)} · in memory {fmtBytes(summary.decodedBytes)}
          </span>
          <span className="spacer" />
          <button type="button" onClick={close} aria-label="Close dataset dialog">Close</button>
        </header>
        <div className="body">
          {summary.notes.length > 0 && <ul className="data-notes">{summary.notes.map((t) => <li key={t}>{t}</li>)}</ul>}
          {summary.table && <TableSection summary={summary} prep={prep} />}
          {summary.images && <ImageSection summary={summary} prep={prep} />}
          {summary.tensor && (
            <div className="data-section">
              <h3>Arrays</h3>
              <div className="data-meta">
                samples {`[${summary.tensor.xShape.join(', ')}]`} · labels {summary.tensor.yShape.length ? `[${summary.tensor.yShape.join(', ')}]` : 'none'}
                {summary.tensor.classes !== null && ` · ${summary.tensor.classes} classes`}
              </div>
              {summary.tensor.counts && <Bars bars={summary.tensor.counts.map((count, i) => ({ value: String(i), count }))} className="data-hist" label="Label histogram" />}
            </div>
          )}
          <div className="data-section">
            <h3>Split (stratified, seeded)</h3>
            <div className="data-fieldrow">
              <NumberField label="Validation %" value={Math.round(val * 100)} min={0} max={50} int onCommit={(v) => patchPrep({ valFraction: v / 100 })} />
              <NumberField label="Test %" value={Math.round(test * 100)} min={0} max={50} int onCommit={(v) => patchPrep({ testFraction: v / 100 })} />
              <NumberField label="Split seed" value={prep.seed ?? 1} min={0} int onCommit={(seed) => patchPrep({ seed })} />
              <div className="data-meta" data-testid="split-summary">{split ? `${split.exact ? '' : '≈ '}train ${split.train} · validation ${split.val} · test ${split.test}` : '—'}</div>
            </div>
          </div>
        </div>
        <footer>
          <span className="data-sig">{sigText(sig)}</span>
          {problem && <span className="data-note" role="status">{problem}</span>}
          {misfit && !problem && <span className="data-note">The model does not fit this data.</span>}
          <span className="spacer" />
          <button type="button" className="danger" onClick={() => { void removeUpload(upload.id); close(); }}>Delete dataset</button>
          <button type="button" className="primary" disabled={!misfit || !!problem} onClick={() => useApp.getState().edit((g) => fitGraphToData(g, useApp.getState().dataSignature))}>Fit model to data</button>
        </footer>
      </div>
    </div>
  );
}
