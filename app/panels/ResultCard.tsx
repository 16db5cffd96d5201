/**
 * What the model learned: the decision-boundary heatmap (class probability over the plane,
 * the data on top; for data that is not 2-D, its split and why there is no plot) and the
 * metrics in words, with how the last run ended. In the dashboard
 * (`playground`) the plot is also the inference playground: click a point to see the
 * model's class probabilities there; image models get a drawing pad (DrawPad.tsx), tabular
 * models a row of inputs. Once there is a trained model, "Evaluate" opens the Evaluate view
 * (its scores on the held-out test data). A model kept as int8 wears an "int8" badge with what
 * its int8 file holds.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { int8Summary } from '../../engine/project/quantizedEntry.ts';
import { useApp } from '../store/index.ts';
import { drawPlot } from './plot2d.ts';
import { dashboardFrames, observeVisibility } from './frameQueue.ts';
import { useDataSplit, useIs2D, useSourcePoints } from './useDataset.ts';
import { noPlotText, splitText } from '../data/splitCounts.ts';
import { probe, ProbeResult, TabularPlayground, type Probe } from './Playground.tsx';
import { DrawPad, imageShape } from './DrawPad.tsx';
import { openEvaluation } from '../actions/evaluation.ts';
import { openCompress } from '../actions/compression.ts';

const BOUNDARY_FRAME_MS = 200;
const fmtLoss = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));
const fmtPct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`);

export function ResultCard({ playground = false }: { playground?: boolean }) {
  const boundary = useApp((s) => s.boundary);
  const metrics = useApp((s) => s.metrics);
  const status = useApp((s) => s.status);
  const totalEpochs = useApp((s) => s.totalEpochs);
  const runMessage = useApp((s) => s.runMessage);
  const hasModel = useApp((s) => s.model !== null);
  const preprocessing = useApp((s) => s.model?.preprocessing ?? null);
  const inputShape = useApp((s) => s.model?.graph.nodes.find((n) => n.type === 'Input')?.attrs.shape as number[] | undefined);
  const lossKind = useApp((s) => s.model?.graph.nodes.find((n) => n.type === 'Loss')?.attrs.loss);
  const int8 = useApp((s) => s.model?.int8 ?? null);
  const int8Info = useMemo(() => (int8 ? int8Summary(int8) : null), [int8]);
  // The selected data's own points and shape (never the 2-D dataset's when another is chosen).
  const data = useSourcePoints();
  const is2d = useIs2D();
  const split = useDataSplit();
  const sampleShape = useApp((s) => s.dataSignature.sampleShape);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [probeResult, setProbe] = useState<Probe | null>(null);
  const [marker, setMarker] = useState<[number, number] | null>(null);

  // While training, boundaries arrive every epoch (many per second): draw at most ~5 times a
  // second, always ending on the latest one, through the dashboard's frame queue (frameQueue.ts)
  // so the boundary never lands in the same frame as every chart at once.
  const drawRef = useRef(() => {});
  const [frames] = useState(() => dashboardFrames.job(() => drawRef.current(), () => (useApp.getState().status === 'running' ? BOUNDARY_FRAME_MS : 0)));
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    drawRef.current = () => {
      drawPlot(c, data, boundary);
      if (marker && playground) {
        const ctx = c.getContext('2d')!;
        ctx.strokeStyle = '#fff';
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(marker[0], marker[1], 6, 0, Math.PI * 2);
        ctx.stroke();
      }
    };
    frames.request();
  }, [frames, data, boundary, marker, playground]);
  useEffect(() => () => frames.cancel(), [frames]);
  useEffect(() => (canvas.current ? observeVisibility(canvas.current, frames) : undefined), [frames, is2d]);

  const running = status === 'running' || status === 'stopping' || status === 'paused';
  const progress = running && totalEpochs > 0 && metrics ? Math.min(1, metrics.epoch / totalEpochs) : null;
  const classifier = (lossKind ?? 'crossEntropy') === 'crossEntropy';

  const onPlotClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!playground || !boundary) return;
    const r = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    const [x0, x1, y0, y1] = boundary.extent;
    const point = [x0 + (px / r.width) * (x1 - x0), y1 - (py / r.height) * (y1 - y0)];
    setMarker([px, py]);
    void probe(point).then(setProbe);
  };

  return (
    <section className="card result-card" aria-label="Result">
      <h2 className="card-title">{!is2d ? 'Result' : playground ? 'Decision boundary · click to probe' : 'Decision boundary'}</h2>
      <div className="result-body">
        {is2d ? (
          <canvas
            ref={canvas}
            className={`boundary${playground && boundary ? ' probe-able' : ''}`}
            data-testid="boundary-canvas"
            data-has-boundary={boundary ? 'true' : 'false'}
            role="img"
            aria-label={boundary ? 'Decision boundary of the trained model over the data' : data ? 'The data; train to see the decision boundary' : 'Train to see the decision boundary'}
            onClick={onPlotClick}
          />
        ) : (
          playground ? (
            imageShape(inputShape ?? sampleShape) ? <DrawPad shape={imageShape(inputShape ?? sampleShape)!} classifier={classifier} /> : <TabularPlayground features={(inputShape ?? sampleShape).reduce((a, b) => a * b, 1)} classifier={classifier} preprocessing={preprocessing} />
          ) : (
            <p className="muted small result-data">{split && <>{splitText(split)}.<br /></>}{noPlotText(sampleShape)}</p>
          )
        )}
        <div className="metrics" role="status" aria-label="Training metrics">
          <div className="metric">
            <span className="metric-value">Loss: {fmtLoss(metrics?.loss)}</span>
          </div>
          <div className="metric">
            <span className="metric-value">Accuracy: {fmtPct(metrics?.accuracy)}</span>
          </div>
          {metrics?.valAccuracy !== undefined && (
            <div className="metric small muted">
              Validation: {fmtLoss(metrics.valLoss)} · {fmtPct(metrics.valAccuracy)}
            </div>
          )}
          {metrics && (
            <div className="metric small muted">
              Epoch {metrics.epoch}
              {running && totalEpochs ? ` / ${totalEpochs}` : ''} · step {metrics.step}
              {metrics.samplesPerSec ? ` · ${Math.round(metrics.samplesPerSec).toLocaleString('en-US')} samples/s` : ''}
            </div>
          )}
          {progress !== null && (
            <div className="progress" role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
              <div style={{ transform: `scaleX(${progress})` }} />
            </div>
          )}
          {status === 'idle' && !metrics && <p className="muted small">Press Train to fit the model to the data.</p>}
          {int8Info && (
            <div className="metric small muted" data-testid="int8-model" title="The project's model is int8: Evaluate, the playground, the bundle and ONNX compute its int8 weights and quantized inputs. Training on from it trains the dequantized float32 weights.">
              <span className="badge">int8</span> {int8Info.weights} weights as int8 ({int8Info.values.toLocaleString('en-US')} values), {int8Info.inputs} quantized inputs · {(int8Info.bytes / 1000).toFixed(1)} kB
            </div>
          )}
          {runMessage && <p className={`run-message ${runMessage.kind}`}>{runMessage.text}</p>}
          {hasModel && !running && (
            <button type="button" className="evaluate-button" onClick={openEvaluation} title="Score the trained model on the held-out test data: per-class scores, confusion matrix, worst samples">
              Evaluate on test data
            </button>
          )}
          {!running && (
            <button type="button" className="evaluate-button" onClick={openCompress} disabled={!hasModel} title={hasModel ? 'Make the trained model smaller: pruning, int8 / float16 quantization, distillation, with a size / accuracy / latency report' : 'Train the model first: Compress works on a trained model'}>
              Compress…
            </button>
          )}
          {playground && is2d && <ProbeResult p={probeResult} classifier={classifier} />}
        </div>
      </div>
    </section>
  );
}
