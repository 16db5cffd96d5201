/**
 * The model summary (like Keras' `model.summary()`): every layer in data-flow order with its
 * output shape, parameters, FLOPs per sample and inputs, and the totals; "Copy as text" puts
 * the same table on the clipboard. Opened from the inspector's model summary and the View menu.
 * The numbers come from the engine's graph analysis (commands/modelSummary.ts).
 */
import { useMemo, useState } from 'react';
import { layerLabel } from '../canvas/convert.ts';
import { modelSummary, summaryText } from '../commands/modelSummary.ts';
import { useAnalysis } from '../store/analysis.ts';
import { useApp } from '../store/index.ts';
import { Dialog } from './Dialog.tsx';

const n = (x: number) => x.toLocaleString('en-US');

export function SummaryDialog() {
  const graph = useApp((s) => s.graph);
  const analysis = useAnalysis();
  const table = useMemo(() => modelSummary(graph, analysis), [graph, analysis]);
  const [copied, setCopied] = useState(false);
  const close = () => useApp.getState().openDialog(null);
  const focus = (id: string) => {
    close();
    useApp.getState().focusNode(id);
  };
  const copy = (
    <button
      type="button"
      onClick={() => void navigator.clipboard?.writeText(summaryText(table, layerLabel)).then(() => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1200);
      })}
    >
      {copied ? 'Copied' : 'Copy as text'}
    </button>
  );
  return (
    <Dialog title="Model summary" onClose={close} className="summary-dialog" actions={copy}>
      <div className="summary-scroll">
        <table className="summary-table" aria-label="Layers">
          <thead>
            <tr>
              <th scope="col">Layer (type)</th>
              <th scope="col">Output shape</th>
              <th scope="col" className="num">Params</th>
              <th scope="col" className="num">FLOPs</th>
              <th scope="col">Connected to</th>
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <button type="button" className="link" title="Show on the canvas" onClick={() => focus(r.id)}>{r.id}</button>{' '}
                  <span className="muted">({layerLabel(r.type)})</span>
                </th>
                <td className="mono">{r.shape ?? '?'}</td>
                <td className="num">{n(r.params)}</td>
                <td className="num">{n(r.flops)}</td>
                <td className="muted">{r.inputs.join(', ')}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>Total ({table.rows.length} layers)</th>
              <td className="num" aria-label="Total params">{n(table.totalParams)}</td>
              <td className="num" aria-label="Total FLOPs">{n(table.totalFlops)}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      </div>
      <p className="muted small">FLOPs per sample of the forward pass; the shapes have the batch as N.</p>
    </Dialog>
  );
}
