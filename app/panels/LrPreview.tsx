/** The learning rate over the whole run, as the scheduler will set it (uPlot, redrawn on config changes). */
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import { useApp, type AppState } from '../store/index.ts';
import { axes, css, mountChart } from './chart.ts';
import { lrPreview } from './lrPreview.ts';
import { dataSplit } from '../data/splitCounts.ts';

// The selected data's training rows (an upload's or another built-in's, not the 2-D dataset's).
const stepsPerEpoch = (s: AppState) => Math.max(1, Math.ceil((dataSplit(s.dataSource, s.dataset, s.uploads, s.training.validationSplit)?.train ?? 1000) / s.training.batchSize));

export function LrPreview() {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const data = (): uPlot.AlignedData => {
      const s = useApp.getState();
      const p = lrPreview(s.training, stepsPerEpoch(s));
      return [p.x, p.lr];
    };
    return mountChart(el, {
      options: (width, height) => {
        const { x, y } = axes();
        return {
          width,
          height,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: false }, y: { range: (_u, _a, max) => [0, (max || 1) * 1.1] } },
          series: [{}, { stroke: css('--accent', '#7c8cff'), width: 1.6, fill: 'rgba(124,140,255,0.12)' }],
          axes: [{ ...x }, { ...y, size: 50, space: 18, values: (_u, v) => v.map((n) => (n === 0 ? '0' : Number(n.toPrecision(2)).toString())) }],
        };
      },
      data,
      changed: (s, p) => s.training !== p.training || s.dataset !== p.dataset || s.dataSource !== p.dataSource || s.uploads !== p.uploads,
      rebuild: (s, p) => s.theme !== p.theme,
    });
  }, []);
  return <div className="lr-preview" ref={host} role="img" aria-label="Learning-rate schedule preview" data-testid="lr-preview" />;
}
