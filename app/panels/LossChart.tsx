/**
 * Live loss and accuracy curves (uPlot). The data arrays live in store/series.ts; this
 * component subscribes to `seriesVersion` outside React rendering and redraws at most once
 * per animation frame, so training events never trigger React work here.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useApp } from '../store/index.ts';
import { series } from '../store/series.ts';

const css = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

function options(width: number, height: number): uPlot.Options {
  const text = css('--text-muted', '#9aa3b2');
  const grid = css('--grid', 'rgba(255,255,255,0.06)');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' };
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
      { label: 'Loss', scale: 'loss', stroke: css('--loss', '#f59e0b'), width: 1.6, value: (_u, v) => (v == null ? '—' : v.toFixed(4)) },
      { label: 'Accuracy', scale: 'acc', stroke: css('--acc', '#38bdf8'), width: 1.6, value: (_u, v) => (v == null ? '—' : `${v.toFixed(1)}%`) },
    ],
    axes: [
      { ...axis },
      { ...axis, scale: 'loss', size: 42 },
      { ...axis, scale: 'acc', side: 1, size: 46, grid: { show: false }, values: (_u, vals) => vals.map((v) => `${v}%`) },
    ],
  };
}

export function LossChart() {
  const host = useRef<HTMLDivElement>(null);
  const [empty, setEmpty] = useState(series.step.length === 0);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const size = () => ({ width: Math.max(120, el.clientWidth), height: Math.max(80, el.clientHeight - 28) });
    const plot = new uPlot(options(size().width, size().height), [series.step, series.loss, series.accuracy], el);
    let frame = 0;
    const redraw = () => {
      frame = 0;
      plot.setData([series.step, series.loss, series.accuracy]);
      setEmpty(series.step.length === 0);
      // Plain attributes for tests and tooling: how many points, and where the loss started.
      el.dataset.points = String(series.step.length);
      el.dataset.firstLoss = String(series.loss.find((v) => v !== null) ?? '');
    };
    const unsub = useApp.subscribe((s, p) => {
      if (s.seriesVersion !== p.seriesVersion && !frame) frame = requestAnimationFrame(redraw);
    });
    const ro = new ResizeObserver(() => plot.setSize(size()));
    ro.observe(el);
    return () => {
      unsub();
      ro.disconnect();
      if (frame) cancelAnimationFrame(frame);
      plot.destroy();
    };
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
