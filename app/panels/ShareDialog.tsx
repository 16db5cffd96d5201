/** Share: a link that opens this graph (compressed into the URL hash; nothing is uploaded). */
import { useMemo, useState } from 'react';
import { shareUrl } from '../actions/share.ts';
import { useApp } from '../store/index.ts';
import { Dialog } from './Dialog.tsx';

export function ShareDialog() {
  const graph = useApp((s) => s.graph);
  const url = useMemo(() => shareUrl(graph), [graph]);
  const [copied, setCopied] = useState(false);
  return (
    <Dialog title="Share this model" onClose={() => useApp.getState().openDialog(null)} className="share-dialog">
      <p className="muted">Anyone who opens this link gets a copy of the graph (layers and connections; not the data or trained weights). It lives entirely in the link.</p>
      <div className="row">
        <input readOnly value={url} aria-label="Share link" onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          className="primary"
          onClick={() => {
            void navigator.clipboard?.writeText(url).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? 'Copied' : 'Copy link'}
        </button>
      </div>
      <p className="muted small">{url.length.toLocaleString('en-US')} characters</p>
    </Dialog>
  );
}
