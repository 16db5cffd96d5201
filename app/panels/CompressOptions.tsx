/**
 * The Compress view's options: pruning (amount, unstructured / global / channels, fine-tuning
 * epochs, schedule), quantization (int8 with MinMax or percentile calibration and optional
 * quantization-aware fine-tuning epochs, or float16) and
 * distillation (the suggested half-width student or the graph on the canvas; T, α, epochs and
 * the student's training rows: soft targets let a student learn from fewer rows). Values
 * stay as typed; a bad one shows its reason under its field (actions/compressForm.ts).
 */
import { useId, type ReactNode } from 'react';
import { useApp } from '../store/index.ts';
import type { CompressForm, FormErrors } from '../actions/compressForm.ts';

type TextKey = { [K in keyof CompressForm]: CompressForm[K] extends string ? K : never }[keyof CompressForm];

function Text({ k, label, errors, disabled }: { k: TextKey; label: string; errors: FormErrors; disabled?: boolean }) {
  const id = useId();
  const value = useApp((s) => s.compressForm[k]);
  const error = disabled ? undefined : errors[k];
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id} type="text" inputMode="decimal" value={value} disabled={disabled} aria-invalid={!!error} aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => useApp.getState().setCompressForm({ [k]: e.target.value } as Partial<CompressForm>)}
      />
      {error && <span id={`${id}-err`} className="field-error" role="alert">{error}</span>}
    </div>
  );
}

function Choice<K extends keyof CompressForm>({ k, label, options, disabled }: { k: K; label: string; options: [CompressForm[K] & string, string][]; disabled?: boolean }) {
  const id = useId();
  const value = useApp((s) => s.compressForm[k]) as string;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => useApp.getState().setCompressForm({ [k]: e.target.value } as Partial<CompressForm>)}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </div>
  );
}

/** A method's box: its options while ticked, else one line on what it does (not an empty frame). */
function Section({ k, title, hint, children }: { k: 'prune' | 'quantize' | 'distill'; title: string; hint: string; children: ReactNode }) {
  const on = useApp((s) => s.compressForm[k]);
  return (
    <fieldset className={`compress-section${on ? '' : ' off'}`}>
      <legend>
        <label className="field-check">
          <input type="checkbox" checked={on} onChange={(e) => useApp.getState().setCompressForm({ [k]: e.target.checked })} /> {title}
        </label>
      </legend>
      {on ? <div className="settings-grid">{children}</div> : <p className="compress-hint">{hint}</p>}
    </fieldset>
  );
}

export function CompressOptions({ errors, hasCanvasStudent, disabled }: { errors: FormErrors; hasCanvasStudent: boolean; disabled: boolean }) {
  const f = useApp((s) => s.compressForm);
  return (
    <fieldset className="compress-options" disabled={disabled} aria-label="Compression options">
      <Section k="prune" title="Pruning" hint="Zeroes the smallest weights (or whole channels), then fine-tunes.">
        <Text k="pruneAmount" label="Amount to remove (0–1)" errors={errors} />
        <Choice k="pruneMode" label="Mode" options={[['global', 'Unstructured (global threshold)'], ['unstructured', 'Unstructured (per layer)'], ['channels', 'Whole channels (smaller graph)']]} />
        <Text k="finetuneEpochs" label="Fine-tuning epochs" errors={errors} />
        <Choice k="schedule" label="Schedule" options={[['polynomial', 'Polynomial over fine-tuning'], ['oneShot', 'One shot']]} />
      </Section>
      <Section k="quantize" title="Quantization" hint="Stores weights in 8 bits (about 4× smaller) or float16.">
        <Choice k="quantKind" label="Weights" options={[['int8', 'int8 (per-channel, calibrated)'], ['float16', 'float16']]} />
        {f.quantKind === 'int8' && (
          <>
            <Choice k="calibration" label="Calibration" options={[['minmax', 'MinMax'], ['percentile', 'Percentile']]} />
            {f.calibration === 'percentile' && <Text k="percentile" label="Percentile" errors={errors} />}
            <Text k="calibrationBatches" label="Calibration batches" errors={errors} />
            <Text k="qatEpochs" label="Quantization-aware training epochs (0: none)" errors={errors} />
          </>
        )}
      </Section>
      <Section k="distill" title="Distillation" hint="Trains a smaller student on this model’s soft outputs.">
        <Choice k="student" label="Student" options={[['suggested', 'Suggested smaller copy'], ['canvas', hasCanvasStudent ? 'The graph on the canvas' : 'The graph on the canvas (draw one first)']]} />
        {f.student === 'suggested' && <Text k="studentWidth" label="Width (0.5 halves every layer)" errors={errors} />}
        <Text k="temperature" label="Temperature T" errors={errors} />
        <Text k="alpha" label="α (soft-target weight)" errors={errors} />
        <Text k="distillEpochs" label="Epochs" errors={errors} />
        <Text k="studentRows" label="Student's training rows (empty: all)" errors={errors} />
        {errors.student && <p className="field-error" role="alert">{errors.student}</p>}
      </Section>
      {errors.methods && <p className="field-error" role="alert">{errors.methods}</p>}
    </fieldset>
  );
}
