/**
 * Error vs compute across runs: each finished run is a point at (training FLOPs, final
 * validation error), log-scaled on compute, so "bigger model / longer training / better
 * schedule" trade-offs show at a glance. Compared runs are drawn in their overlay colours.
 * Plain SVG (a few dozen points).
 */
import { useShallow } from 'zustand/react/shallow';
import { finalError, runCompute } from '../actions/runRecords.ts';
import { formatCount } from '../canvas/convert.ts';
import { useApp } from '../store/index.ts';
import { RUN_COLORS } from './chart.ts';

const W = 300;
const H = 150;
const PAD = { l: 40, r: 10, t: 8, b: 24 };

export function ComputeChart() {
  const { runs, compare } = useApp(useShallow((s) => ({ runs: s.runs, compare: s.compare })));
  const pts = runs
    .map((r) => ({ r, x: runCompute(r), y: finalError(r) }))
    .filter((p): p is { r: typeof p.r; x: number; y: number } => p.x > 0 && p.y !== null && Number.isFinite(p.y) && p.r.status !== 'running');
  const xs = pts.map((p) => Math.log10(p.x));
  const x0 = Math.min(...xs) - 0.2;
  const x1 = Math.max(...xs) + 0.2;
  const y1 = Math.max(0.05, ...pts.map((p) => p.y)) * 1.1;
  const sx = (x: number) => PAD.l + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => PAD.t + (1 - y / y1) * (H - PAD.t - PAD.b);
  const classifier = pts.some((p) => p.r.final.valAccuracy !== undefined || p.r.final.accuracy !== undefined);
  return (
    <section className="card compute-card" aria-label="Error versus compute">
      <h2 className="card-title">Error vs compute</h2>
      {pts.length === 0 ? (
        <p className="muted small">Finished runs appear here: final {classifier ? 'validation error' : 'validation loss'} against the FLOPs spent training.</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} className="compute-chart" role="img" aria-label={`Error versus compute for ${pts.length} runs`} data-testid="compute-chart" data-points={pts.length}>
          <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} className="axis" />
          <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} className="axis" />
          {[0, 0.5, 1].map((f) => (
            <text key={f} x={PAD.l - 4} y={sy(y1 * f) + 3} className="tick" textAnchor="end">
              {classifier ? `${Math.round(y1 * f * 100)}%` : (y1 * f).toFixed(2)}
            </text>
          ))}
          {[x0 + 0.2, x1 - 0.2].map((lx, i) => (
            <text key={i} x={sx(10 ** lx)} y={H - 8} className="tick" textAnchor="middle">
              {formatCount(10 ** lx)}
            </text>
          ))}
          <text x={W - PAD.r} y={H - 8} className="tick" textAnchor="end">FLOPs</text>
          {pts.map((p) => {
            const k = compare.indexOf(p.r.id);
            return (
              <circle key={p.r.id} cx={sx(p.x)} cy={sy(p.y)} r={k >= 0 ? 5 : 3.5} className="pt" style={k >= 0 ? { fill: RUN_COLORS[k % RUN_COLORS.length] } : undefined}>
                <title>{`${p.r.name}: ${classifier ? `${(p.y * 100).toFixed(1)}% error` : `loss ${p.y.toFixed(3)}`} at ${formatCount(p.x)} FLOPs`}</title>
              </circle>
            );
          })}
        </svg>
      )}
    </section>
  );
}
