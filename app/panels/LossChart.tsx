/**
 * Live loss and accuracy curves for the Model view's dock (uPlot): training per step,
 * validation per epoch (dashed). The data arrays live in store/series.ts; the chart redraws
 * at most once per animation frame (chart.ts), so training events never trigger React work.
 */
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { chartColumns, series } from '../store/series.ts';
import { axes, css, mountChart } from './chart.ts';

const fmt = (d: number, suffix = '') => (_u: uPlot, v: number | null) => (v == null ? '—' : `${v.toFixed(d)}${suffix}`);

function options(width: number, height: number): uPlot.Options {
  const { x, y } = axes();
  return {
    width,
    height,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false },
      loss: { range: (_u, _min, max) => [0, max > 0 && Number.isFinite(max) ? max * 1.05 : 1] },
      acc: { range: [0, 100] },
    },
    series: [
      { label: 'Step', value: (_u, v) => (v == null ? '—' : String(v)) },
      { label: 'Loss', scale: 'loss', stroke: css('--loss', '#f59e0b'), width: 1.6, value: fmt(4) },
      { label: 'Accuracy', scale: 'acc', stroke: css('--acc', '#38bdf8'), width: 1.6, value: fmt(1, '%') },
      { label: 'Val loss', scale: 'loss', stroke: css('--loss', '#f59e0b'), width: 1.4, dash: [5, 4], spanGaps: true, value: fmt(4), points: { show: false } },
      { label: 'Val acc', scale: 'acc', stroke: css('--acc', '#38bdf8'), width: 1.4, dash: [5, 4], spanGaps: true, value: fmt(1, '%'), points: { show: false } },
    ],
    axes: [
      { ...x },
      { ...y, scale: 'loss', size: 42 },
      { ...y, scale: 'acc', side: 1, size: 46, grid: { show: false }, values: (_u, vals) => vals.map((v) => `${v}%`) },
    ],
  };
}

export function LossChart() {
  const host = useRef<HTMLDivElement>(null);
  const [empty, setEmpty] = useState(series.step.length === 0);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    return mountChart(el, {
      options,
      data: () => {
        const c = chartColumns();
        return [c.step, c.loss, c.accuracy, c.valLoss, c.valAccuracy];
      },
      changed: (s, p) => s.seriesVersion !== p.seriesVersion || s.theme !== p.theme,
      rebuild: (s, p) => s.theme !== p.theme,
      onDraw: () => {
        setEmpty(series.step.length === 0);
        // Plain attributes for tests and tooling: how many points, where the loss started, the steps spanned.
        el.dataset.points = String(series.step.length);
        el.dataset.firstLoss = String(series.loss.find((v) => v !== null) ?? '');
        el.dataset.firstStep = String(series.step[0] ?? '');
        el.dataset.lastStep = String(series.step[series.step.length - 1] ?? '');
      },
    });
  }, []);

  return (
    <section className="card chart-card" aria-label="Loss chart">
      <h2 className="card-title">Loss &amp; accuracy</h2>
      <div className="chart-host" ref={host} data-testid="loss-chart">
        {empty && <div className="chart-empty muted small">Train to see the loss curve.</div>}
      </div>
    </section>
  );
}
