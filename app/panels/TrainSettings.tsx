/**
 * Every training setting beyond the essentials: optimizer options, the LR scheduler with a
 * preview of the learning rate over the run, the loss function (on the graph's Loss node),
 * validation split, early stopping, keep-best, gradient clipping, seed, the compute
 * backend with the adapter the engine found, and mixed precision where the GPU has float16. Values go straight into the project's
 * TrainConfig (engine/project/config.ts).
 */
import { useEffect, useId, useState } from 'react';
import type { BackendChoice, OptimizerOptions, SchedulerConfig, TrainConfig } from '../../engine/project/config.ts';
import { getLayer } from '../../engine/graph/catalog.ts';
import { updateAttr } from '../commands/graph.ts';
import type { EngineInfo } from '../../workers/client.ts';
import { engineInfo } from '../actions/inference.ts';
import { useApp } from '../store/index.ts';
import { NumberField } from './NumberField.tsx';
import { LrPreview } from './LrPreview.tsx';

type SchedType = SchedulerConfig['type'];
const SCHEDULERS: { id: SchedType; label: string; make(c: TrainConfig): SchedulerConfig }[] = [
  { id: 'none', label: 'Constant', make: () => ({ type: 'none' }) },
  { id: 'step', label: 'Step decay', make: (c) => ({ type: 'step', stepSize: Math.max(1, Math.round(c.epochs / 3)), gamma: 0.1 }) },
  { id: 'multiStep', label: 'Multi-step', make: (c) => ({ type: 'multiStep', milestones: [Math.round(c.epochs / 2), Math.round((c.epochs * 3) / 4)], gamma: 0.1 }) },
  { id: 'exponential', label: 'Exponential', make: () => ({ type: 'exponential', gamma: 0.95 }) },
  { id: 'cosine', label: 'Cosine annealing', make: (c) => ({ type: 'cosine', tMax: c.epochs, etaMin: 0 }) },
  { id: 'cosineWarmRestarts', label: 'Cosine, warm restarts', make: (c) => ({ type: 'cosineWarmRestarts', t0: Math.max(1, Math.round(c.epochs / 4)), tMult: 1, etaMin: 0 }) },
  { id: 'linear', label: 'Linear warm-up', make: () => ({ type: 'linear', startFactor: 0.1, endFactor: 1, totalIters: 5 }) },
  { id: 'oneCycle', label: 'One-cycle', make: (c) => ({ type: 'oneCycle', maxLr: c.lr * 10, pctStart: 0.3 }) },
  { id: 'reduceOnPlateau', label: 'Reduce on plateau', make: () => ({ type: 'reduceOnPlateau', factor: 0.1, patience: 5, minLr: 0 }) },
];

function Check({ label, checked, onChange, disabled, hint }: { label: string; checked: boolean; onChange(v: boolean): void; disabled?: boolean; hint?: string }) {
  const id = useId(), hintId = useId();
  return (
    <div className={hint ? 'field field-check has-hint' : 'field field-check'}>
      <input id={id} type="checkbox" checked={checked} disabled={disabled} aria-describedby={hint ? hintId : undefined} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
      {hint && <span className="field-hint" id={hintId}>{hint}</span>}
    </div>
  );
}

/** What the engine worker found (backend, WebGPU adapter and its features); null while asking. */
function useEngineInfo(): EngineInfo | null {
  const [info, setInfo] = useState<EngineInfo | null>(null);
  // Asked again when a run ends: the threads in use are known once a run has started them.
  const running = useApp((s) => s.status === 'running');
  useEffect(() => {
    let live = true;
    engineInfo().then((i) => live && setInfo(i), () => {});
    return () => {
      live = false;
    };
  }, [running]);
  return info;
}

/**
 * Mixed precision runs where float16 buffers exist on the GPU (shader-f16) and the run uses
 * WebGPU. Elsewhere the box is disabled with the reason — but stays clickable while checked,
 * so a project saved on another machine can always be switched back.
 */
function MixedPrecisionField({ c, set, disabled, info }: { c: TrainConfig; set(p: Partial<TrainConfig>): void; disabled: boolean; info: EngineInfo | null }) {
  const gpu = info?.webgpu;
  const backend = c.backend ?? 'auto';
  const onGpu = backend === 'webgpu' || (backend === 'auto' && Boolean(gpu?.available) && !gpu?.fallback);
  const ok = Boolean(gpu?.float16) && onGpu;
  const hint = !info ? 'Checking the device…'
    : !gpu?.available ? 'Needs WebGPU, which is not available here.'
      : !gpu.float16 ? `Needs float16 on the GPU (shader-f16); ${gpu.adapter ?? 'this adapter'} has none.`
        : !onGpu ? 'Only when training on WebGPU (choose the WebGPU backend).'
          : 'float16 matmuls and convolutions, float32 weights, loss scaling.';
  return <Check label="Mixed precision (float16)" checked={!!c.mixedPrecision} disabled={disabled || (!ok && !c.mixedPrecision)} hint={hint} onChange={(v) => set({ mixedPrecision: v })} />;
}

function OptimizerFields({ c, set, disabled }: { c: TrainConfig; set(p: Partial<TrainConfig>): void; disabled: boolean }) {
  const o = c.optimizerOptions ?? {};
  const put = (p: Partial<OptimizerOptions>) => set({ optimizerOptions: { ...o, ...p } });
  const betas = o.betas ?? [0.9, c.optimizer === 'lion' ? 0.99 : 0.999];
  const wdDefault = c.optimizer === 'adamw' ? 0.01 : 0;
  return (
    <div className="settings-grid">
      {(c.optimizer === 'sgd' || c.optimizer === 'rmsprop') && (
        <NumberField label="Momentum" value={o.momentum ?? 0} min={0} max={0.999} step="any" disabled={disabled} onCommit={(v) => put({ momentum: v })} />
      )}
      {(c.optimizer === 'adam' || c.optimizer === 'adamw' || c.optimizer === 'lion') && (
        <>
          <NumberField label="Beta 1" value={betas[0]} min={0} max={0.9999} step="any" disabled={disabled} onCommit={(v) => put({ betas: [v, betas[1]] })} />
          <NumberField label="Beta 2" value={betas[1]} min={0} max={0.99999} step="any" disabled={disabled} onCommit={(v) => put({ betas: [betas[0], v] })} />
        </>
      )}
      {c.optimizer === 'rmsprop' && <NumberField label="Alpha" value={o.alpha ?? 0.99} min={0} max={1} step="any" disabled={disabled} onCommit={(v) => put({ alpha: v })} />}
      <NumberField label="Weight decay" value={o.weightDecay ?? wdDefault} min={0} max={1} step="any" disabled={disabled} onCommit={(v) => put({ weightDecay: v })} />
      {c.optimizer === 'sgd' && <Check label="Nesterov" checked={!!o.nesterov} disabled={disabled} onChange={(v) => put({ nesterov: v })} />}
      {c.optimizer === 'adam' && <Check label="AMSGrad" checked={!!o.amsgrad} disabled={disabled} onChange={(v) => put({ amsgrad: v })} />}
      {c.optimizer === 'rmsprop' && <Check label="Centered" checked={!!o.centered} disabled={disabled} onChange={(v) => put({ centered: v })} />}
    </div>
  );
}

function SchedulerFields({ s, set, disabled }: { s: SchedulerConfig; set(s: SchedulerConfig): void; disabled: boolean }) {
  const num = (label: string, key: string, value: number, opts: { min?: number; max?: number; int?: boolean } = {}) => (
    <NumberField key={key} label={label} value={value} min={opts.min ?? 0} max={opts.max} int={opts.int} step={opts.int ? 1 : 'any'} disabled={disabled} onCommit={(v) => set({ ...s, [key]: v } as SchedulerConfig)} />
  );
  switch (s.type) {
    case 'step': return <>{num('Step size (epochs)', 'stepSize', s.stepSize, { min: 1, int: true })}{num('Gamma', 'gamma', s.gamma, { max: 1 })}</>;
    case 'multiStep': {
      return (
        <>
          <div className="field">
            <label htmlFor="milestones">Milestones (epochs)</label>
            <input id="milestones" defaultValue={s.milestones.join(', ')} disabled={disabled} onChange={(e) => {
              const m = e.target.value.split(/[\s,]+/).filter(Boolean).map(Number);
              if (m.every((x) => Number.isInteger(x) && x > 0)) set({ ...s, milestones: m });
            }} />
          </div>
          {num('Gamma', 'gamma', s.gamma, { max: 1 })}
        </>
      );
    }
    case 'exponential': return num('Gamma', 'gamma', s.gamma, { max: 1 });
    case 'cosine': return <>{num('Period (epochs)', 'tMax', s.tMax ?? 1, { min: 1, int: true })}{num('Minimum LR', 'etaMin', s.etaMin ?? 0)}</>;
    case 'cosineWarmRestarts': return <>{num('First period', 't0', s.t0, { min: 1, int: true })}{num('Period factor', 'tMult', s.tMult ?? 1, { min: 1, int: true })}{num('Minimum LR', 'etaMin', s.etaMin ?? 0)}</>;
    case 'linear': return <>{num('Start factor', 'startFactor', s.startFactor ?? 0.1, { max: 1 })}{num('End factor', 'endFactor', s.endFactor ?? 1, { max: 1 })}{num('Warm-up epochs', 'totalIters', s.totalIters ?? 5, { min: 1, int: true })}</>;
    case 'oneCycle': return <>{num('Max LR', 'maxLr', s.maxLr, { min: 1e-7 })}{num('Warm-up fraction', 'pctStart', s.pctStart ?? 0.3, { max: 1 })}</>;
    case 'reduceOnPlateau': return <>{num('Factor', 'factor', s.factor ?? 0.1, { max: 1 })}{num('Patience (epochs)', 'patience', s.patience ?? 5, { int: true })}{num('Minimum LR', 'minLr', s.minLr ?? 0)}</>;
    default: return null;
  }
}

function LossField({ disabled }: { disabled: boolean }) {
  const lossNode = useApp((s) => s.graph.nodes.find((n) => n.type === 'Loss'));
  const id = useId();
  const spec = getLayer('Loss')?.attrs.find((a) => a.name === 'loss');
  if (!lossNode || !spec) return null;
  return (
    <div className="field">
      <label htmlFor={id}>Loss function</label>
      <select id={id} value={String(lossNode.attrs.loss ?? spec.default)} disabled={disabled} onChange={(e) => useApp.getState().edit((g) => updateAttr(g, { nodeId: lossNode.id, name: 'loss', value: e.target.value }))}>
        {(spec.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </div>
  );
}

function BackendField({ value, set, disabled, info }: { value: BackendChoice; set(v: BackendChoice): void; disabled: boolean; info: EngineInfo | null }) {
  const id = useId();
  const gpu = info?.webgpu;
  const note = !info ? 'Checking the device…' : gpu?.available ? `WebGPU: ${gpu.adapter ?? 'adapter found'}${gpu.fallback ? ' (software fallback)' : ''}` : 'WebGPU is not available here; the CPU runs training.';
  return (
    <div className="field">
      <label htmlFor={id}>Backend</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => set(e.target.value as BackendChoice)}>
        <option value="auto">Auto</option>
        <option value="webgpu" disabled={info !== null && !gpu?.available}>WebGPU</option>
        <option value="cpu">CPU</option>
      </select>
      <span className="field-hint" data-testid="adapter-info">{note}</span>
    </div>
  );
}

type ThreadMode = NonNullable<TrainConfig['threadMode']>;
const THREAD_MODES: { id: ThreadMode; label: string }[] = [{ id: 'auto', label: 'Auto' }, { id: 'kernel', label: 'Kernel threads' }, { id: 'replicas', label: 'Replicas' }];

/** What the last CPU run used: "2 replicas × 1 thread" or "2 threads", and why. */
function inUse(info: EngineInfo): string {
  const p = info.parallel;
  const t = p?.threads ?? info.threads;
  const threads = `${t} thread${t === 1 ? '' : 's'}`;
  if (!p) return `In use: ${threads}`;
  return `In use: ${p.replicas > 1 ? `${p.replicas} replicas × ${threads}` : threads} (${p.why})`;
}

/** Kernel threads give one worker's weights bit for bit; replicas sum shards, so to float rounding. */
function sameResults(info: EngineInfo): string {
  return (info.parallel?.replicas ?? 1) > 1 ? "results match one worker's to float rounding (1e-6)" : 'the same results at any count';
}

/**
 * CPU workers: Auto (the cores, capped) or a count, spent as kernel threads of one engine or
 * as replicas training shards of each batch (Auto picks by the model); the hint says what ran.
 */
function ThreadsField({ value, mode, set, disabled, info }: { value: number; mode: ThreadMode; set(v: Partial<TrainConfig>): void; disabled: boolean; info: EngineInfo | null }) {
  const id = useId(), modeId = useId();
  const cores = info?.cores ?? 1;
  const counts = [1, 2, 4, 8, 16].filter((n) => n <= Math.max(cores, 2) || n === value);
  const note = !info ? 'Checking the device…'
    : !info.crossOriginIsolated ? 'One thread: the page is not cross-origin isolated, so threads cannot share memory.'
      : `${value > 0 ? '' : `Auto: ${info.autoThreads} of ${cores} cores. `}${inUse(info)}. CPU backend; ${sameResults(info)}.`;
  return (
    <>
      <div className="field">
        <label htmlFor={id}>Threads</label>
        <select id={id} value={value} disabled={disabled} onChange={(e) => set({ threads: Number(e.target.value) })}>
          <option value={0}>Auto</option>
          {counts.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
        <span className="field-hint" data-testid="threads-info">{note}</span>
      </div>
      <div className="field">
        <label htmlFor={modeId}>Threads as</label>
        <select id={modeId} value={mode} disabled={disabled} onChange={(e) => set({ threadMode: e.target.value as ThreadMode })}>
          {THREAD_MODES.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
        </select>
        <span className="field-hint">Kernel threads split each large layer; replicas train shards of every batch in separate workers.</span>
      </div>
    </>
  );
}

export function TrainSettings() {
  const c = useApp((s) => s.training);
  const set = useApp((s) => s.setTraining);
  const disabled = useApp((s) => s.status === 'running' || s.status === 'stopping' || s.status === 'paused');
  const schedId = useId();
  const sched = c.scheduler ?? { type: 'none' };
  const es = c.earlyStopping ?? null;
  const info = useEngineInfo();
  return (
    <section className="card settings-card" aria-label="Training settings">
      <h2 className="card-title">Settings</h2>
      <OptimizerFields c={c} set={set} disabled={disabled} />
      <div className="settings-section">
        <div className="field">
          <label htmlFor={schedId}>LR schedule</label>
          <select id={schedId} value={sched.type} disabled={disabled} onChange={(e) => set({ scheduler: SCHEDULERS.find((x) => x.id === e.target.value)!.make(c) })}>
            {SCHEDULERS.map((x) => <option key={x.id} value={x.id}>{x.label}</option>)}
          </select>
        </div>
        <div className="settings-grid">
          <SchedulerFields s={sched} set={(s) => set({ scheduler: s })} disabled={disabled} />
        </div>
        <LrPreview />
      </div>
      <div className="settings-grid settings-section">
        <LossField disabled={disabled} />
        <NumberField label="Validation split" value={c.validationSplit} min={0} max={0.9} step={0.05} disabled={disabled} onCommit={(v) => set({ validationSplit: v })} />
        <NumberField label="Seed" value={c.seed} min={0} max={2 ** 31 - 1} int disabled={disabled} onCommit={(v) => set({ seed: v })} />
        <BackendField value={c.backend ?? 'auto'} set={(v) => set({ backend: v })} disabled={disabled} info={info} />
        <ThreadsField value={c.threads ?? 0} mode={c.threadMode ?? 'auto'} set={set} disabled={disabled} info={info} />
        <MixedPrecisionField c={c} set={set} disabled={disabled} info={info} />
      </div>
      <div className="settings-grid settings-section">
        <Check label="Early stopping" checked={!!es} disabled={disabled} onChange={(v) => set({ earlyStopping: v ? { patience: 5, minDelta: 0 } : null })} />
        <Check label="Keep best epoch" checked={!!c.keepBest} disabled={disabled} onChange={(v) => set({ keepBest: v })} />
        {es && (
          <>
            <NumberField label="Patience (epochs)" value={es.patience} min={1} max={1000} int disabled={disabled} onCommit={(v) => set({ earlyStopping: { ...es, patience: v } })} />
            <NumberField label="Min improvement" value={es.minDelta} min={0} step="any" disabled={disabled} onCommit={(v) => set({ earlyStopping: { ...es, minDelta: v } })} />
          </>
        )}
        <Check label="Clip gradients" checked={c.clipGradNorm != null} disabled={disabled} onChange={(v) => set({ clipGradNorm: v ? 1 : null })} />
        {c.clipGradNorm != null && <NumberField label="Max grad norm" value={c.clipGradNorm} min={1e-6} step="any" disabled={disabled} onCommit={(v) => set({ clipGradNorm: v })} />}
      </div>
    </section>
  );
}
