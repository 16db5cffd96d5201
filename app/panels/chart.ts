/**
 * Shared uPlot plumbing for the dashboard's charts: theme-aware axes, and `mountChart`, which
 * creates a plot in an element, resizes it with the element, and redraws it at most once per
 * animation frame whenever the store changes in a way the chart cares about — never through
 * React rendering, so live training never re-renders components. Redraws go through the
 * dashboard's frame queue (frameQueue.ts), which spreads the plots over frames within a budget.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useApp, type AppState } from '../store/index.ts';
import { dashboardFrames, observeVisibility } from './frameQueue.ts';

export const css = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

export function axes(): { x: uPlot.Axis; y: uPlot.Axis } {
  const text = css('--text-muted', '#9aa3b2');
  const grid = css('--grid', 'rgba(255,255,255,0.06)');
  const base = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' };
  return { x: { ...base }, y: { ...base, size: 46 } };
}

/** Distinct colours for overlaid past runs. */
export const RUN_COLORS = ['#a78bfa', '#34d399', '#f472b6', '#fbbf24', '#60a5fa', '#f87171', '#2dd4bf', '#c084fc'];

export interface MountOptions {
  options(width: number, height: number): uPlot.Options;
  data(): uPlot.AlignedData;
  /** Redraw when this returns true for a store change. */
  changed(s: AppState, p: AppState): boolean;
  /** Rebuild the whole plot (series set changed) when this returns true. */
  rebuild?(s: AppState, p: AppState): boolean;
  onDraw?(data: uPlot.AlignedData): void;
}

export function mountChart(el: HTMLElement, m: MountOptions): () => void {
  const legend = () => (el.querySelector('.u-legend') as HTMLElement | null)?.offsetHeight ?? 0;
  const size = () => ({ width: Math.max(120, el.clientWidth), height: Math.max(60, el.clientHeight - (legend() || 0) - 4) });
  const create = (data: uPlot.AlignedData) => {
    const p = new uPlot(m.options(size().width, size().height), data, el);
    p.setSize(size()); // now that the legend exists, leave room for it
    return p;
  };
  let plot = create(m.data());
  let rebuild = false;
  const job = dashboardFrames.job(() => {
    const data = m.data();
    if (rebuild) {
      rebuild = false;
      plot.destroy();
      plot = create(data);
    } else {
      // batch: uPlot draws now instead of in a microtask, so the frame queue times the real work.
      plot.batch(() => plot.setData(data));
    }
    m.onDraw?.(data);
  });
  const unsub = useApp.subscribe((s, p) => {
    if (m.rebuild?.(s, p)) rebuild = true;
    if (rebuild || m.changed(s, p)) job.request();
  });
  const ro = new ResizeObserver(() => plot.setSize(size()));
  ro.observe(el);
  const unwatch = observeVisibility(el, job);
  m.onDraw?.(m.data());
  return () => {
    unsub();
    ro.disconnect();
    job.cancel();
    unwatch();
    plot.destroy();
  };
}
