/**
 * Per-layer weight and gradient histograms (TensorBoard style), for debugging a run: pick a
 * parameter (`<nodeId>.<param>`), see the latest epoch's weight and gradient histograms side
 * by side with their statistics, and a heat strip of each over the epochs so drift, collapse
 * (a dead layer's gradients at zero) or explosion is visible. The engine sends the histograms
 * once per epoch (store/histograms.ts keeps them); the four canvases redraw through the
 * dashboard's frame queue after a change, a resize or a theme switch — at most once per frame,
 * and while training at most every TRAINING_GAP_MS: small models finish many epochs a second,
 * and redrawing the strips for each one is main-thread work nobody can read that fast.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useApp } from '../store/index.ts';
import { latestHistograms } from '../store/histograms.ts';
import type { ParamHistogram, ValueHistogram } from '../../workers/api.ts';
import { css } from './chart.ts';
import { dashboardFrames, observeVisibility } from './frameQueue.ts';
import { drawHistogram, drawStrip, fmtValue, parseColor, type PlotColors } from './histogramPlot.ts';

type Kind = 'weights' | 'grads';
const TRAINING_GAP_MS = 250;
const KIND_LABEL: Record<Kind, { title: string; noun: string }> = {
  weights: { title: 'Weights', noun: 'Weight' },
  grads: { title: 'Gradients', noun: 'Gradient' },
};

/** The graph node a parameter belongs to: the longest node id that prefixes `<id>.`. */
function nodeOf(name: string, nodes: readonly { id: string; type: string }[]): { id: string; type: string } | null {
  let best: { id: string; type: string } | null = null;
  for (const n of nodes) if (name.startsWith(`${n.id}.`) && (!best || n.id.length > best.id.length)) best = n;
  return best;
}

function Stats({ h, label }: { h: ValueHistogram | null; label: string }) {
  if (!h) return <p className="muted small hist-stats">No gradient reached this parameter.</p>;
  const items: [string, string, boolean?][] = [
    ['mean', fmtValue(h.mean)], ['std', fmtValue(h.std)], ['min', fmtValue(h.min)], ['max', fmtValue(h.max)],
    ['non-finite', String(h.nonFinite), h.nonFinite > 0],
  ];
  return (
    <dl className="hist-stats" role="group" aria-label={label}>
      {items.map(([k, v, bad]) => (
        <div key={k} className={bad ? 'bad' : undefined}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A warning worth reading when the gradients say the layer is not learning or blew up. */
function diagnosis(p: ParamHistogram): string | null {
  const g = p.grads;
  if (p.weights.nonFinite > 0 || (g && g.nonFinite > 0)) return 'NaN or infinite values: the run is diverging (lower the learning rate, clip gradients).';
  if (g && g.count > 0 && g.max === 0 && g.min === 0) return 'All gradients are zero: this layer is not learning (dead ReLUs, a detached path?).';
  return null;
}

export function HistogramCard() {
  const history = useApp((s) => s.histograms);
  const nodes = useApp((s) => s.graph.nodes);
  const theme = useApp((s) => s.theme);
  const [picked, setPicked] = useState<string | null>(null);
  const selectId = useId();
  const latest = latestHistograms(history);
  const params = latest?.h.params ?? [];
  const name = picked && params.some((p) => p.name === picked) ? picked : (params.find((p) => p.name.endsWith('.weight')) ?? params[0])?.name ?? null;
  const param = params.find((p) => p.name === name) ?? null;
  const series = useMemo(() => (history?.epochs ?? []).map((e) => e.h.params.find((p) => p.name === name) ?? null), [history, name]);
  const epochs = history?.epochs ?? [];
  const hasData = latest !== null && param !== null;

  const canvases = useRef<Record<string, HTMLCanvasElement | null>>({});
  const gridRef = useRef<HTMLDivElement | null>(null);
  const drawState = useRef({ param, series });
  drawState.current = { param, series };
  // One draw of all four canvases, on a coming animation frame, however many requests came.
  // Made once (lazy state), so every effect below requests and cancels the same pending draw.
  const [frames] = useState(() =>
    dashboardFrames.job(() => {
      const { param: p, series: s } = drawState.current;
      const text = css('--text-faint', '#626b7a');
      const colors: Record<Kind, PlotColors> = {
        weights: { fill: parseColor(css('--accent', '#7c8cff'), [124, 140, 255]), text },
        grads: { fill: parseColor(css('--loss', '#f5a524'), [245, 165, 36]), text },
      };
      for (const kind of ['weights', 'grads'] as const) {
        const hist = canvases.current[`${kind}-hist`];
        const strip = canvases.current[`${kind}-strip`];
        if (hist) drawHistogram(hist, p ? p[kind] : null, colors[kind]);
        if (strip) drawStrip(strip, s.map((x) => (x ? x[kind] : null)), colors[kind]);
      }
    }, () => (useApp.getState().status === 'running' ? TRAINING_GAP_MS : 0)),
  );

  useEffect(() => {
    frames.request();
  }, [frames, param, series, theme]);

  useEffect(() => {
    const el = gridRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => frames.request());
    ro.observe(el);
    // Below the fold on most screens: no drawing while scrolled out of view.
    const unwatch = observeVisibility(el, frames);
    return () => {
      ro.disconnect();
      unwatch();
    };
  }, [frames, hasData]);

  useEffect(() => () => frames.cancel(), [frames]);

  if (!hasData) {
    return (
      <section className="card hist-card" aria-label="Weight and gradient histograms">
        <h2 className="card-title">Weights &amp; gradients</h2>
        <p className="muted small">Train to see each layer&apos;s weight and gradient histograms, updated every epoch — dead layers and exploding gradients show here.</p>
      </section>
    );
  }

  const first = epochs[0]?.epoch ?? latest.epoch;
  const note = diagnosis(param);
  return (
    <section className="card hist-card" aria-label="Weight and gradient histograms">
      <div className="hist-head">
        <h2 className="card-title">Weights &amp; gradients</h2>
        <label htmlFor={selectId} className="muted small">Parameter</label>
        <select id={selectId} value={param.name} onChange={(e) => setPicked(e.target.value)}>
          {params.map((p) => {
            const detail = [nodeOf(p.name, nodes)?.type, p.shape.join('×') || 'scalar'].filter(Boolean).join(', ');
            return <option key={p.name} value={p.name}>{`${p.name} (${detail})`}</option>;
          })}
        </select>
        <span className="muted small hist-epoch">
          epoch {latest.epoch}
          {latest.h.omitted > 0 ? ` · ${latest.h.omitted} more parameters not shown (event size cap)` : ''}
        </span>
      </div>
      <div className="hist-grid" ref={gridRef}>
        {(['weights', 'grads'] as const).map((kind) => {
          const h = param[kind];
          const { title, noun } = KIND_LABEL[kind];
          const range = h && h.count > 0 ? `${latest.h.bins} bins from ${fmtValue(h.lo)} to ${fmtValue(h.hi)}` : 'no values';
          return (
            <div key={kind} className={`hist-col ${kind}`}>
              <h3>{title}</h3>
              <canvas
                className="hist-plot"
                ref={(el) => void (canvases.current[`${kind}-hist`] = el)}
                role="img"
                aria-label={`${noun} histogram of ${param.name} at epoch ${latest.epoch}: ${range}`}
                data-testid={`hist-${kind}`}
              />
              <canvas
                className="hist-strip"
                ref={(el) => void (canvases.current[`${kind}-strip`] = el)}
                role="img"
                aria-label={`${title} of ${param.name} over epochs ${first}–${latest.epoch}`}
                data-testid={`hist-${kind}-strip`}
                data-rows={series.length}
              />
              <p className="hist-axis">{first === latest.epoch ? `epoch ${first}` : `epochs ${first} → ${latest.epoch}, top to bottom`}</p>
              <Stats h={h} label={`${noun} statistics`} />
            </div>
          );
        })}
      </div>
      {note && <p className="hist-note" role="note">{note}</p>}
    </section>
  );
}
