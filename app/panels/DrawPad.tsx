/**
 * The inference playground for image models: draw on a pad (mouse, pen or finger — pointer
 * events), and at the end of each stroke the drawing is framed, area-averaged to the model's
 * H×W and normalised as the training images were (engine/data/drawing.ts; for uploads with
 * the statistics the worker computes from the training part, `inputPrep`), then the worker
 * predicts on it. Beside the pad: the downsampled image, what the model sees; below: the
 * class probabilities as bars (class names when the dataset has them).
 */
import { useEffect, useRef, useState } from 'react';
import { DEFAULT_INK_FILL, DIGIT_INK_FILL, drawingToInput } from '../../engine/data/drawing.ts';
import { inputPrep, predict as predictRows } from '../actions/inference.ts';
import { currentWeights } from '../actions/projectFiles.ts';
import { useApp } from '../store/index.ts';
import { toProbs } from './Playground.tsx';
import './drawPad.css';

/** The pad's own resolution (its CSS size is smaller; strokes keep their detail). */
const PAD = 280;
const BRUSH = { min: 6, max: 44, initial: 22 };

/** A model input that is an image: [C, H, W] with 1 or 3 channels. */
export function imageShape(shape: readonly number[] | undefined): [number, number, number] | null {
  if (!shape || shape.length !== 3) return null;
  const [c, h, w] = shape;
  return (c === 1 || c === 3) && h >= 4 && w >= 4 ? [c, h, w] : null;
}

interface Outcome {
  values: number[] | null;
  classNames: string[] | null;
  error?: string;
}

/** The answer in one line: the top class and its probability (or the raw outputs of a regression). */
function Headline({ outcome, classifier }: { outcome: Outcome; classifier: boolean }) {
  if (outcome.error) return <p className="draw-error small" role="alert">{outcome.error}</p>;
  if (!outcome.values) return null;
  if (!classifier) return <p className="small draw-top">Output: {outcome.values.map((v) => v.toFixed(3)).join(', ')}</p>;
  const probs = toProbs(outcome.values);
  const top = probs.indexOf(Math.max(...probs));
  return (
    <p className="draw-top">
      <strong>{outcome.classNames?.[top] ?? top}</strong> <span className="small">{(probs[top] * 100).toFixed(1)}%</span>
    </p>
  );
}

/** One bar per class, each a meter with its probability (names when the dataset has them). */
function Bars({ outcome }: { outcome: Outcome }) {
  const probs = toProbs(outcome.values!);
  const name = (i: number) => outcome.classNames?.[i] ?? String(i);
  const top = probs.indexOf(Math.max(...probs));
  return (
    <div className="draw-bars" role="status" aria-label="Prediction" style={{ gridTemplateColumns: `repeat(${probs.length}, minmax(0, 1fr))` }}>
      {probs.map((p, i) => (
        <div
          key={i}
          className={`draw-bar${i === top ? ' top' : ''}`}
          role="meter"
          aria-label={`Class ${name(i)}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Number((p * 100).toFixed(1))}
          aria-valuetext={`${(p * 100).toFixed(1)}%`}
          title={`${name(i)}: ${(p * 100).toFixed(1)}%`}
        >
          <span className="draw-bar-fill" style={{ height: `${Math.max(2, p * 100)}%` }} />
          <span className="draw-bar-label">{name(i)}</span>
        </div>
      ))}
    </div>
  );
}

export function DrawPad({ shape, classifier }: { shape: [number, number, number]; classifier: boolean }) {
  const [c, h, w] = shape;
  const pad = useRef<HTMLCanvasElement>(null);
  const preview = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const seq = useRef(0);
  const [brush, setBrush] = useState(BRUSH.initial);
  const [invert, setInvert] = useState(false);
  const [empty, setEmpty] = useState(true);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const clearPreview = () => preview.current?.getContext('2d')?.clearRect(0, 0, w, h);

  // Another model (or shape) starts from a clean pad.
  useEffect(() => {
    pad.current?.getContext('2d')?.clearRect(0, 0, PAD, PAD);
    clearPreview();
    setEmpty(true);
    setOutcome(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [c, h, w]);

  // New weights (another run finished): the drawing on the pad is asked again.
  const model = useApp((s) => s.model);
  useEffect(() => {
    if (!empty) void predict();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model]);

  async function predict(invertNow = invert) {
    const p = pad.current;
    if (!p) return;
    const id = ++seq.current;
    const rgba = p.getContext('2d')!.getImageData(0, 0, PAD, PAD).data;
    const ink = new Float32Array(PAD * PAD);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i + 3] / 255;
    const s = useApp.getState();
    const weights = currentWeights(s);
    const model = s.model;
    try {
      if (!weights || !model) throw new Error('Train the model first.');
      const prep = await inputPrep(model.dataset, s.training);
      const spec = model.dataset;
      const fill = spec.kind === 'builtin' && spec.name === 'digits' ? DIGIT_INK_FILL : DEFAULT_INK_FILL;
      const made = drawingToInput({ width: PAD, height: PAD, ink }, { channels: c, height: h, width: w, fill, invert: invertNow, stats: prep.stats });
      if (id !== seq.current) return;
      if (!made) {
        clearPreview();
        setOutcome(null);
        return;
      }
      const v = preview.current?.getContext('2d');
      if (v) {
        const img = v.createImageData(w, h);
        for (let i = 0; i < w * h; i++) {
          const g = Math.round(made.pixels[i] * 255);
          img.data.set([g, g, g, 255], 4 * i);
        }
        v.putImageData(img, 0, 0);
      }
      const out = await predictRows(model.graph, weights, made.input, 1, model.int8);
      if (id === seq.current) setOutcome({ values: Array.from(out), classNames: prep.classNames });
    } catch (e) {
      if (id === seq.current) setOutcome({ values: null, classNames: null, error: (e as Error).message });
    }
  }

  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * PAD, y: ((e.clientY - r.top) / r.height) * PAD };
  };

  const stroke = (to: { x: number; y: number }) => {
    const ctx = pad.current?.getContext('2d');
    const from = last.current;
    if (!ctx || !from) return;
    ctx.strokeStyle = '#000'; // only the alpha is read back; CSS shows the ink in the theme's colour
    ctx.lineWidth = brush;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last.current = to;
  };

  const end = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!last.current) return;
    last.current = null;
    e.currentTarget.releasePointerCapture?.(e.pointerId);
    void predict();
  };

  const clear = () => {
    seq.current++;
    pad.current?.getContext('2d')?.clearRect(0, 0, PAD, PAD);
    clearPreview();
    setEmpty(true);
    setOutcome(null);
  };

  const shown = outcome?.values ? outcome : null;
  return (
    <div className="draw-playground" aria-label="Try the model" role="group">
      <div className="draw-row">
        <div className="draw-pad-frame">
          <canvas
            ref={pad}
            width={PAD}
            height={PAD}
            className="draw-pad"
            role="img"
            aria-label="Drawing pad: draw with the mouse, a pen or a finger"
            data-empty={empty ? 'true' : 'false'}
            onPointerDown={(e) => {
              if (e.button !== 0) return;
              e.currentTarget.setPointerCapture?.(e.pointerId);
              const p = at(e);
              last.current = p;
              stroke({ x: p.x + 0.01, y: p.y }); // a tap leaves a dot
              setEmpty(false);
            }}
            onPointerMove={(e) => {
              if (!last.current) return;
              const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
              if (events.length === 0) stroke(at(e));
              const r = e.currentTarget.getBoundingClientRect();
              for (const ev of events) stroke({ x: ((ev.clientX - r.left) / r.width) * PAD, y: ((ev.clientY - r.top) / r.height) * PAD });
            }}
            onPointerUp={end}
            onPointerCancel={end}
          />
          {empty && <span className="draw-hint" aria-hidden="true">Draw here</span>}
        </div>
        <div className="draw-side">
          <div className="draw-seen">
            <canvas ref={preview} width={w} height={h} className="draw-preview" role="img" aria-label={`What the model sees: the drawing at ${h}×${w}`} title={`What the model sees (${h}×${w})`} />
            {outcome ? <Headline outcome={outcome} classifier={classifier} /> : <span className="muted small">{h}×{w}</span>}
          </div>
          <button type="button" onClick={clear} disabled={empty}>Clear</button>
          <label className="draw-brush small">
            Brush
            <input type="range" min={BRUSH.min} max={BRUSH.max} value={brush} aria-label="Brush size" onChange={(e) => setBrush(Number(e.target.value))} />
          </label>
          <label className="field-check small" title="Dark strokes on a light background, for data drawn that way">
            <input
              type="checkbox"
              checked={invert}
              onChange={(e) => {
                setInvert(e.target.checked);
                if (!empty) void predict(e.target.checked);
              }}
            />
            Invert
          </label>
        </div>
      </div>
      {shown && classifier && <Bars outcome={shown} />}
      {!shown && !empty && !outcome?.error && <p className="muted small draw-wait">Predicting…</p>}
    </div>
  );
}
