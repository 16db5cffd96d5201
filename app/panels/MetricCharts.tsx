/**
 * The dashboard's live charts: loss (training per step, validation per epoch, dashed),
 * accuracy, and the learning rate — with the runs picked in the run history overlaid in
 * their own colours so runs can be compared curve against curve. Series from different runs
 * are aligned on the step axis with uPlot.join; redraws happen at most once per frame.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { useApp, type AppState } from '../store/index.ts';
import type { RunCurve } from '../store/runsSlice.ts';
import { chartColumns, series } from '../store/series.ts';
import { axes, css, mountChart, RUN_COLORS } from './chart.ts';

type Key = 'loss' | 'accuracy' | 'lr';
const VAL: Record<Key, keyof RunCurve | null> = { loss: 'valLoss', accuracy: 'valAccuracy', lr: null };

function compared(s: AppState) {
  return s.compare.map((id) => s.runs.find((r) => r.id === id)).filter((r) => r !== undefined && r.id !== s.runId);
}

function build(key: Key): { data(): uPlot.AlignedData; series(): uPlot.Series[] } {
  const fmt = (v: number | null) => (v == null ? '—' : key === 'lr' ? v.toExponential(2) : key === 'accuracy' ? `${v.toFixed(1)}%` : v.toFixed(4));
  return {
    data() {
      const s = useApp.getState();
      const c = chartColumns();
      const mine: uPlot.AlignedData = VAL[key] ? [c.step, c[key], c[VAL[key] as 'valLoss']] : [c.step, c[key]];
      const others = compared(s).map((r): uPlot.AlignedData => (VAL[key] ? [r!.curve.step, r!.curve[key], r!.curve[VAL[key]!] as (number | null)[]] : [r!.curve.step, r!.curve[key]]));
      return others.length ? uPlot.join([mine, ...others]) : mine;
    },
    series() {
      const s = useApp.getState();
      const color = css(key === 'loss' ? '--loss' : key === 'accuracy' ? '--acc' : '--accent', '#f59e0b');
      const out: uPlot.Series[] = [{ label: 'Step' }, { label: 'This run', stroke: color, width: 1.6, value: (_u, v) => fmt(v) }];
      if (VAL[key]) out.push({ label: 'Validation', stroke: color, width: 1.4, dash: [5, 4], spanGaps: true, points: { show: false }, value: (_u, v) => fmt(v) });
      compared(s).forEach((r, i) => {
        const c = RUN_COLORS[i % RUN_COLORS.length];
        out.push({ label: r!.name, stroke: c, width: 1.3, spanGaps: true, value: (_u, v) => fmt(v) });
        if (VAL[key]) out.push({ label: `${r!.name} val`, stroke: c, width: 1.1, dash: [5, 4], spanGaps: true, points: { show: false }, value: (_u, v) => fmt(v) });
      });
      return out;
    },
  };
}

function Chart({ k, title }: { k: Key; title: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const b = build(k);
    return mountChart(el, {
      options(width, height) {
        const { x, y } = axes();
        return {
          width,
          height,
          // No per-chart legend (overlays would squeeze the plot): the card caption explains the lines.
          legend: { show: false },
          cursor: { drag: { x: true, y: false } },
          scales: {
            x: { time: false },
            y: k === 'accuracy' ? { range: [0, 100] } : k === 'lr' ? { distr: 1 } : { range: (_u, _a, max) => [0, max > 0 && Number.isFinite(max) ? max * 1.05 : 1] },
          },
          series: b.series(),
          axes: [{ ...x }, { ...y, size: k === 'lr' ? 56 : 46, values: k === 'lr' ? (_u, v) => v.map((n) => (n === 0 ? '0' : Number(n.toPrecision(2)).toString())) : k === 'accuracy' ? (_u, v) => v.map((n) => `${n}%`) : undefined }],
        };
      },
      data: b.data,
      changed: (s, p) => s.seriesVersion !== p.seriesVersion,
      rebuild: (s, p) => s.compare !== p.compare || s.theme !== p.theme || (s.runs !== p.runs && s.compare.length > 0),
      onDraw: () => {
        el.dataset.points = String(series.step.length);
        el.dataset.firstStep = String(series.step[0] ?? '');
        el.dataset.lastStep = String(series.step[series.step.length - 1] ?? '');
        el.dataset.overlays = String(compared(useApp.getState()).length);
      },
    });
  }, [k]);
  return (
    <div className="metric-chart">
      <h3>{title}</h3>
      <div className="chart-host" ref={host} data-testid={`chart-${k}`} role="img" aria-label={`${title} chart`} />
    </div>
  );
}

export function MetricCharts() {
  return (
    <section className="card charts-card" aria-label="Live charts">
      <h2 className="card-title">Live charts</h2>
      <p className="chart-caption muted small">
        <span><span className="line solid" aria-hidden="true" /> training</span>
        <span><span className="line dashed" aria-hidden="true" /> validation</span>
        <span>· ticked runs in their colours · drag to zoom</span>
      </p>
      <div className="charts-grid">
        <Chart k="loss" title="Loss" />
        <Chart k="accuracy" title="Accuracy" />
        <Chart k="lr" title="Learning rate" />
      </div>
    </section>
  );
}
